#!/usr/bin/env bash
# Build examples/http_get.c the way a user would (cc, the public headers,
# the build tree's libnetproto.a) and run it against CPython's http.server.
set -euo pipefail
: "${NP_SOURCE_DIR:?}" "${NP_BINARY_DIR:?}"
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

. "$NP_SOURCE_DIR/tests/lib/example.sh"
np_build_example http_get "$work/http_get"

mkdir "$work/www"
printf 'hello from http.server\n' > "$work/www/hello.txt"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/www" \
  >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" \
    2>/dev/null && break
  sleep 0.05
done
failures=0
out=$("$work/http_get" "127.0.0.1:$port" /hello.txt 2>"$work/err")
if [ "$out" = "hello from http.server" ] && grep -q '^200 OK' "$work/err"; then
  echo "ok - GET prints the body and the status line"
else
  failures=$((failures + 1)); echo "not ok - got '$out' / $(cat "$work/err")"
fi
set +e
"$work/http_get" "127.0.0.1:$port" /missing >/dev/null 2>"$work/err"
st=$?
set -e
if [ "$st" = 1 ] && grep -q '^404' "$work/err"; then
  echo "ok - a 404 exits 1"
else
  failures=$((failures + 1)); echo "not ok - 404 gave $st / $(cat "$work/err")"
fi
echo "$failures failure(s)"
[ "$failures" -eq 0 ]
