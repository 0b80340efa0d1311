#!/usr/bin/env bash
# Headless Chromium loads a directory listing and a page (with its script,
# which needs the right MIME type to run) from `netproto serve`.
set -uo pipefail
cli=${NP_CLI:?NP_CLI not set}
chromium=$(command -v chromium || true)
if [ -z "$chromium" ]; then
  echo "not ok - chromium is not installed (scripts/deps.txt: chromium)"; exit 1
fi
work=$(mktemp -d)
srv_pid=""
cleanup() {
  [ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/www/sub dir" "$work/profile"
printf 'plain text\n' > "$work/www/note.txt"
printf 'x' > "$work/www/a b&c.txt"
cat > "$work/www/page.html" <<'HTML'
<!DOCTYPE html><html><head><title>page</title>
<script src="app.js"></script></head>
<body><p id="out">static</p></body></html>
HTML
cat > "$work/www/app.js" <<'JS'
document.addEventListener("DOMContentLoaded", function () {
  document.getElementById("out").textContent = "script ran";
});
JS
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$cli" serve -b 127.0.0.1 -d "$work/www" --threads 1 "$port" >"$work/out" 2>"$work/log" &
srv_pid=$!
for _ in $(seq 100); do
  python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$port),1)" 2>/dev/null && break
  sleep 0.1
done

failed=0
dump() { # url -> DOM on stdout
  timeout 90 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$work/profile" --dump-dom "$1" 2>/dev/null
}
check() { # name, condition result
  if [ "$2" -eq 0 ]; then echo "ok - $1"; else echo "not ok - $1"; failed=$((failed + 1)); fi
}

dom=$(dump "http://127.0.0.1:$port/")
grep -q '<title>Directory listing for /</title>' <<<"$dom"; check "listing: title" $?
grep -q '<a href="a%20b%26c.txt">a b&amp;c.txt</a>' <<<"$dom"; check "listing: quoted link, escaped name" $?
grep -q '<a href="sub%20dir/">sub dir/</a>' <<<"$dom"; check "listing: directory with slash" $?
dom=$(dump "http://127.0.0.1:$port/page.html")
grep -q '<p id="out">script ran</p>' <<<"$dom"; check "page: its script loaded (text/javascript) and ran" $?
dom=$(dump "http://127.0.0.1:$port/note.txt")
grep -q 'plain text' <<<"$dom"; check "a text file is shown" $?
dom=$(dump "http://127.0.0.1:$port/sub%20dir")
grep -q 'Directory listing for /sub dir/' <<<"$dom"; check "redirect to the trailing slash followed" $?
grep -q '"GET /app.js HTTP/1.1" 200' "$work/log"; check "server log shows the script request" $?
kill "$srv_pid"; wait "$srv_pid"; rc=$?; srv_pid=""
check "server stops cleanly on SIGTERM" "$rc"
echo "$failed failed"
[ "$failed" -eq 0 ]
