#!/usr/bin/env bash
# Build examples/request_upload.c and examples/robots_read.c the way a user
# would and run them against a CPython http.server started here on a free
# port (stopped by pid at the end): the uploads arrive whole, on one
# connection; the robots.txt answers are CPython's.
set -euo pipefail
: "${NP_SOURCE_DIR:?}" "${NP_BINARY_DIR:?}"
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
. "$NP_SOURCE_DIR/tests/lib/example.sh"
np_build_example request_upload "$work/request_upload"
np_build_example robots_read "$work/robots_read"

cat >"$work/server.py" <<'PY'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_PUT(self):
        n = int(self.headers["Content-Length"])
        data = self.rfile.read(n)
        msg = b"%d bytes from port %d" % (len(data), self.client_address[1])
        self.send_response(201)
        self.send_header("Content-Length", str(len(msg)))
        self.end_headers()
        self.wfile.write(msg)
    def do_GET(self):
        if self.path != "/robots.txt":
            self.send_error(403 if self.path.startswith("/private") else 404)
            return
        body = b"User-agent: *\nDisallow: /tmp/\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
python3 "$work/server.py" >"$work/port" &
pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
port=$(cat "$work/port")
head -c 30000 /dev/urandom >"$work/a.bin"
printf 'hello\n' >"$work/b.txt"

out=$("$work/request_upload" "http://127.0.0.1:$port/up" "$work/a.bin" "$work/b.txt")
ports=$(echo "$out" | awk '{print $NF}' | sort -u | wc -l)
if echo "$out" | grep -q "a.bin: 201 30000 bytes" &&
   echo "$out" | grep -q "b.txt: 201 6 bytes" && [ "$ports" = 1 ]; then
  echo "ok - both files uploaded whole, on one connection"
else echo "not ok - uploads"; echo "$out"; exit 1; fi
if "$work/request_upload" "http://127.0.0.1:$port/up" "$work/missing" 2>"$work/err"; then
  echo "not ok - a missing file fails"; exit 1; fi
grep -q "No such file" "$work/err" && echo "ok - a missing file fails"

want=$(python3 - "$port" <<'PY'
import sys, urllib.robotparser
for url in ("/robots.txt", "/private/robots.txt", "/none/robots.txt"):
    rp = urllib.robotparser.RobotFileParser("http://127.0.0.1:%s%s" % (sys.argv[1], url))
    rp.read()
    for p in ("/tmp/x", "/index.html"):
        print("%s %s" % ("allowed" if rp.can_fetch("bot", p) else "disallowed", p))
PY
)
got=$(for url in /robots.txt /private/robots.txt /none/robots.txt; do
  "$work/robots_read" "http://127.0.0.1:$port$url" bot /tmp/x /index.html; done)
if [ "$got" = "$want" ]; then echo "ok - robots answers as CPython's read()"; else
  echo "not ok - robots answers"; diff <(echo "$want") <(echo "$got"); exit 1; fi
if "$work/robots_read" "http://127.0.0.1:1/robots.txt" bot / 2>/dev/null; then
  echo "not ok - a refused connection fails"; exit 1; fi
echo "ok - a refused connection fails"
