#!/usr/bin/env bash
# The whole test suite, as README and CI run it:
#   1. a normal build (gcc, -Werror) and its tests,
#   2. an AddressSanitizer + UndefinedBehaviorSanitizer build (clang) and
#      the same tests,
#   3. each libFuzzer target for a short run (NP_FUZZ_SECONDS, default 15).
# Ends with one "N passed, N failed" line; exits non-zero on any failure.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/install-deps.sh || { echo "dependency install failed"; exit 1; }

jobs=$(nproc 2>/dev/null || echo 2)
fuzz_seconds=${NP_FUZZ_SECONDS:-15}
passed=0
failed=0
failures=()

# Count ctest's results from its summary line.
run_ctest() { # name builddir
  local log="$2/ctest.log"
  (cd "$2" && ctest --output-on-failure -j "$jobs") 2>&1 | tee "$log"
  local line total bad
  line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -1)
  if [ -z "$line" ]; then
    failed=$((failed + 1)); failures+=("$1: ctest did not finish"); return
  fi
  bad=$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/' <<<"$line")
  total=$(sed -E 's/.* tests failed out of ([0-9]+).*/\1/' <<<"$line")
  passed=$((passed + total - bad)); failed=$((failed + bad))
  [ "$bad" -eq 0 ] || failures+=("$1: $bad test(s) failed")
}

build() { # name builddir cmake-args...
  local name=$1 dir=$2; shift 2
  if cmake -S . -B "$dir" -G Ninja -DNP_WERROR=ON "$@" >"$dir.configure.log" 2>&1 \
     && ninja -C "$dir" >"$dir.build.log" 2>&1; then
    return 0
  fi
  cat "$dir.configure.log" "$dir.build.log" 2>/dev/null | tail -60
  failed=$((failed + 1)); failures+=("$name: build failed")
  return 1
}

mkdir -p build
echo "== normal build (gcc) =="
build normal build/normal -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=gcc \
  -DNP_BUILD_BENCH=ON && run_ctest normal build/normal

echo "== sanitizer build (clang, ASan+UBSan) =="
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
build sanitize build/sanitize -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
  -DNP_SANITIZE=ON && run_ctest sanitize build/sanitize

echo "== fuzzers (${fuzz_seconds}s each) =="
if build fuzz build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
   -DNP_BUILD_FUZZ=ON -DNP_BUILD_TESTS=OFF; then
  for target in build/fuzz/fuzz/fuzz_*; do
    [ -x "$target" ] || continue
    name=$(basename "$target")
    corpus="fuzz/corpus/${name#fuzz_}"
    work=$(mktemp -d)
    [ -d "$corpus" ] && cp -r "$corpus"/. "$work"/ 2>/dev/null
    if "$target" -max_total_time="$fuzz_seconds" -rss_limit_mb=2048 \
         -timeout=10 "$work" >"build/fuzz/$name.log" 2>&1; then
      echo "fuzz $name: ok ($(grep -oE '#[0-9]+' "build/fuzz/$name.log" | tail -1 | tr -d '#') runs)"
      passed=$((passed + 1))
    else
      tail -40 "build/fuzz/$name.log"
      failed=$((failed + 1)); failures+=("fuzz $name crashed")
    fi
    rm -rf "$work"
  done
fi

echo
for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
