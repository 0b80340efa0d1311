#!/usr/bin/env bash
# The main job: build netproto (release) and show it end to end.
#  1. The client/server demo, `python -m wsgiref.simple_server` in C: the
#     gateway's demo application on netproto's HTTP server, opened in your
#     browser through the webbrowser module; on a machine with no browser
#     netproto's own HTTP client fetches the page and prints it.  One request
#     is answered, then the server exits.
#  2. The URL toolkit (urllib.parse) on a few tricky URLs.
#  3. `netproto fetch` (urllib.request) and `netproto robots`
#     (urllib.robotparser) against `netproto serve` (http.server) on loopback.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DNP_BUILD_TESTS=OFF >/dev/null
ninja -C build/release >/dev/null
np=build/release/netproto

show() { printf '\n$ %s\n' "$*"; "$@"; }
"$np" --version
show "$np" gateway-demo 0
show "$np" url split --json 'HTTPS://User:Pa%20ss@[2001:db8::1]:8443/a/b;p?q=1&r=%E2%9C%93#frag'
show "$np" url join 'http://a/b/c/d;p?q' '../g' '//g' '?y' '#s' '../../../g'
show "$np" url quote --safe '/' '/path with spaces/ünïcode'
show "$np" url parse-qs --json 'a=1&b=%C3%A9&a=2&empty='
printf '\n# streaming: one URL a line on standard input\n$ printf ... | %s url split\n' "$np"
printf 'http://example.com:80/x\nftp://[::1]/file\nmailto:someone@example.org\n' | "$np" url split

# 3. The client side against the server side, on a free loopback port.
site=$(mktemp -d)
printf 'hello from netproto serve\n' >"$site/hello.txt"
printf 'User-agent: *\nDisallow: /private/\n' >"$site/robots.txt"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$np" serve -q -b 127.0.0.1 -d "$site" "$port" >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; rm -rf "$site"' EXIT
for _ in $(seq 50); do
  "$np" fetch -s -o /dev/null "http://127.0.0.1:$port/hello.txt" 2>/dev/null && break
  sleep 0.1
done
show "$np" fetch -i "http://127.0.0.1:$port/hello.txt"
show "$np" robots "http://127.0.0.1:$port/robots.txt" MyBot /index.html /private/x
