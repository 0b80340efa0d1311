#!/usr/bin/env bash
# The same application as a CGI program under a real CGI host (lighttpd's
# mod_cgi, started here on 127.0.0.1) and under the test harness: status,
# Content-Type, the application's own header and the body must agree.
set -euo pipefail
: "${NP_SOURCE_DIR:?}" "${NP_BINARY_DIR:?}"
tool="$NP_BINARY_DIR/tests/gateway_tool_gwapp"
[ -x "$tool" ] || tool="$NP_BINARY_DIR/gateway_tool_gwapp"
work=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/www"
cp "$tool" "$work/www/app.cgi"
# the same program under the validator, its stderr kept
printf '#!/bin/sh\nNP_GW_VALIDATE=1 exec "%s/www/app.cgi" 2>>"%s/validated.err"\n' \
  "$work" "$work" > "$work/www/validated.cgi"
chmod +x "$work/www/validated.cgi"
cat > "$work/lighttpd.conf" <<CONF
server.modules = ("mod_cgi")
server.document-root = "$work/www"
server.bind = "127.0.0.1"
server.port = $port
server.errorlog = "$work/error.log"
cgi.assign = (".cgi" => "")
CONF
lighttpd -D -f "$work/lighttpd.conf" &
pid=$!
for _ in $(seq 50); do
  curl -s -o /dev/null "http://127.0.0.1:$port/" && break
  sleep 0.1
done

failures=0
# check NAME METHOD PATH_INFO QUERY BODY
check() {
  local name=$1 method=$2 path=$3 query=$4 body=$5
  local url="http://127.0.0.1:$port/app.cgi$path${query:+?$query}"
  local args=(-s -m 10 -D "$work/h" -o "$work/b" -H "X-Test: yes")
  if [ "$method" = HEAD ]; then args+=(-I); else args+=(-X "$method"); fi
  [ -n "$body" ] && args+=(--data-binary "$body")
  curl "${args[@]}" "$url"
  "$tool" harness "$method" "$path" "$query" "$body" > "$work/harness" 2>>"$work/harness.err"
  # harness output: CGI headers, blank line, body
  local hstatus hbody cstatus
  hstatus=$(sed -n 's/^Status: \([0-9]*\).*/\1/p' "$work/harness" | tr -d '\r')
  hbody=$(python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); sys.stdout.buffer.write(d.split(b"\r\n\r\n",1)[1])' "$work/harness")
  cstatus=$(head -1 "$work/h" | cut -d' ' -f2)
  local ok=1
  [ "$hstatus" = "$cstatus" ] || ok=0
  if [ "$method" = HEAD ]; then
    # curl -I puts the head in the output: no body may follow it
    [ -z "$hbody" ] && ! grep -q REQUEST_METHOD "$work/b" || ok=0
  else
    [ "$hbody" = "$(cat "$work/b")" ] || ok=0
  fi
  grep -qi '^Content-Type: text/plain; charset=utf-8' "$work/h" || ok=0
  grep -qi '^X-App: echo' "$work/h" || ok=0
  grep -qi '^Content-Length: ' "$work/h" || ok=0
  if [ $ok = 1 ]; then
    echo "ok - $name"
  else
    failures=$((failures + 1))
    echo "not ok - $name"
    echo "  lighttpd: $(cat "$work/h" "$work/b")"
    echo "  harness:  $(cat "$work/harness")"
  fi
}
check "GET with a path and a query" GET /a/b "x=1&y=2" ""
check "POST body read through wsgi.input" POST /form "" "name=value&other=%20x"
check "404 from the application" GET /missing "" ""
check "quoted path is unquoted in PATH_INFO" GET /a%20b "" ""
check "HEAD has no body" HEAD /h "" ""
# the application ran under the validator in the harness: nothing to report
if grep -q "validate:" "$work/harness.err" 2>/dev/null; then
  failures=$((failures + 1))
  echo "not ok - the validator reported: $(grep -h validate: "$work/harness.err")"
else
  echo "ok - the validator found nothing in the application"
fi
# under lighttpd it checks the server too: mod_cgi passes the request's
# Content-Length also as HTTP_CONTENT_LENGTH, which PEP 3333 (and Python's
# validator) refuse; the request fails and the rule is named.
code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' --data-binary 'a=1' \
  "http://127.0.0.1:$port/validated.cgi/x")
if [ "$code" = 500 ] && grep -q "validate: environ.http_content_length" "$work/validated.err"; then
  echo "ok - the validator names lighttpd's HTTP_CONTENT_LENGTH and fails the request"
else
  failures=$((failures + 1))
  echo "not ok - validator under lighttpd: $code $(cat "$work/validated.err" 2>/dev/null)"
fi
[ "$failures" -eq 0 ]
