#!/usr/bin/env bash
# Build the benchmarks in Release (-O2, no sanitizers) in build/bench and run
# every bench_* program, printing their tables.
#
#   bash scripts/bench.sh              # all benchmarks
#   bash scripts/bench.sh --quick      # short runs (a smoke test), passed on
#   bash scripts/bench.sh --record     # also rewrite the figures block of
#                                      # docs/PERFORMANCE.md with this run
#   NP_BENCH_ONLY=bench_url bash scripts/bench.sh   # one program
#
# Other arguments are passed to every bench program (each accepts --quick
# and --runs K).  Benchmarks never fail on speed: the exit status only says
# whether they built and ran.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

record=0
args=()
for a in "$@"; do
  if [ "$a" = "--record" ]; then record=1; else args+=("$a"); fi
done

dir=build/bench
mkdir -p build
if ! cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
     -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" -DNP_BUILD_BENCH=ON \
     -DNP_BUILD_TESTS=OFF -DNP_SANITIZE=OFF >"$dir.configure.log" 2>&1; then
  tail -40 "$dir.configure.log"; echo "bench: configure failed"; exit 1
fi

programs=()
for src in bench/bench_*.c; do
  [ -e "$src" ] || continue
  name=$(basename "$src" .c)
  if [ -n "${NP_BENCH_ONLY:-}" ] && [ "$name" != "$NP_BENCH_ONLY" ]; then
    continue
  fi
  programs+=("$name")
done
[ "${#programs[@]}" -gt 0 ] || { echo "bench: no bench_*.c"; exit 1; }
# Build each program on its own, so that one that does not build (a module
# in progress) does not keep the others from running.
built=()
build_failed=0
: >"$dir.build.log"
for p in "${programs[@]}"; do
  if ninja -C "$dir" "$p" >>"$dir.build.log" 2>&1; then
    built+=("$p")
  else
    echo "bench: $p did not build (see $dir.build.log)"; build_failed=1
  fi
done
[ "${#built[@]}" -gt 0 ] || { tail -40 "$dir.build.log"; exit 1; }
# The server, gateway and fetch benchmarks run the netproto command itself.
ninja -C "$dir" netproto_cli >>"$dir.build.log" 2>&1 \
  || echo "bench: the netproto command did not build (see $dir.build.log)"
programs=("${built[@]}")

out="$dir/results.txt"
cc=$(grep -E '^CMAKE_C_COMPILER:' "$dir/CMakeCache.txt" | cut -d= -f2)
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $(nproc) cpus, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "compiler: $("$cc" --version | head -1), -O2, Release"
  echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "command: ${NP_BENCH_ONLY:+NP_BENCH_ONLY=$NP_BENCH_ONLY }bash scripts/bench.sh $*"
} | tee "$out"

run_all() {
  local s=0 p
  for p in "${programs[@]}"; do
    echo
    echo "=== $p ==="
    if ! "$dir/bench/$p" "${args[@]}"; then
      echo "bench: $p did not finish"; s=1
    fi
  done
  return "$s"
}
run_all 2>&1 | tee -a "$out"
status=$(( ${PIPESTATUS[0]} | build_failed ))

# --record: replace what lies between the markers of docs/PERFORMANCE.md.
if [ "$record" -eq 1 ] && [ -f docs/PERFORMANCE.md ]; then
  python3 - "$out" docs/PERFORMANCE.md <<'EOF'
import sys
results, doc = sys.argv[1], sys.argv[2]
text = open(doc, encoding="utf-8").read()
begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
i, j = text.find(begin), text.find(end)
if i < 0 or j < i:
    sys.exit("bench: markers missing in " + doc)
body = open(results, encoding="utf-8").read().rstrip("\n")
text = text[:i + len(begin)] + "\n```\n" + body + "\n```\n" + text[j:]
open(doc, "w", encoding="utf-8").write(text)
print("bench: recorded in " + doc)
EOF
fi
exit "$status"
