#!/usr/bin/env bash
# Build examples/http_hello_server.c and examples/socketserver_echo.c the
# way a user would (cc -Werror, the public headers, the build tree's
# libnetproto.a), run them, talk to them with curl and CPython, stop them.
set -uo pipefail
: "${NP_SOURCE_DIR:?}" "${NP_BINARY_DIR:?}"
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
check() { if [ "$2" -eq 0 ]; then echo "ok - $1"; else echo "not ok - $1"; failures=$((failures + 1)); fi; }

. "$NP_SOURCE_DIR/tests/lib/example.sh"
for ex in http_hello_server socketserver_echo; do
  np_build_example "$ex" "$work/$ex" || failures=$((failures + 1))
done
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 1)" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

port=$(free_port)
"$work/http_hello_server" "$port" >"$work/out" 2>"$work/log" &
pid=$!; pids+=("$pid")
wait_port "$port"; check "http_hello_server starts" $?
out=$(curl -sS --max-time 10 "http://127.0.0.1:$port/you")
[ "$out" = "hello you from 127.0.0.1" ]; check "GET answered by do_GET" $?
out=$(curl -sS --max-time 10 -H 'Content-Type: text/x-test' --data-binary 'echo me' "http://127.0.0.1:$port/")
[ "$out" = "echo me" ]; check "POST body echoed by do_POST" $?
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X DELETE "http://127.0.0.1:$port/")
[ "$code" = "501" ]; check "no do_DELETE: 501" $?
grep -q '"GET /you HTTP/1.1" 200 -' "$work/log"; check "requests logged as CPython's log_request" $?
kill -INT "$pid"; wait "$pid"; rc=$?; pids=()
check "SIGINT stops it with status 0" "$rc"

port=$(free_port)
"$work/socketserver_echo" "$port" >"$work/out2" &
pid=$!; pids+=("$pid")
wait_port "$port"; check "socketserver_echo starts" $?
out=$(python3 - "$port" <<'PY'
import socket, sys, threading
port = int(sys.argv[1])
res = []
def one(i):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"line %d\n" % i)
        s.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := s.recv(100):
            data += chunk
        res.append(data == b"line %d\n" % i)
ts = [threading.Thread(target=one, args=(i,)) for i in range(16)]
[t.start() for t in ts]; [t.join() for t in ts]
print("ok" if len(res) == 16 and all(res) else "bad")
PY
)
[ "$out" = "ok" ]; check "16 concurrent CPython clients echoed" $?
kill -TERM "$pid"; wait "$pid"; rc=$?; pids=()
check "SIGTERM shuts it down with status 0" "$rc"
echo "$failures failed"
[ "$failures" -eq 0 ]
