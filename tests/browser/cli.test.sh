#!/usr/bin/env bash
# netproto open, as `python -m webbrowser`: -n / -t, --browser, --list, usage
# errors and refused URLs, with stand-in browsers as the whole PATH.
set -u
cli=${NP_CLI:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log=$work/calls.log
fails=0

stand_in() { # name [sh body]
  printf '#!/bin/sh\nline=%s\nfor a in "$@"; do line="$line [$a]"; done\nprintf "%%s\\n" "$line" >> %s\n%s\n' \
    "$1" "$log" "${2:-exit 0}" > "$work/$1"
  chmod +x "$work/$1"
}
for b in firefox lynx rec; do stand_in "$b"; done
stand_in bad 'exit 4'

# expect LABEL WANT-STATUS WANT-LOG -- env args...
expect() {
  local label=$1 want_rc=$2 want_log=$3; shift 4
  rm -f "$log"
  env -i PATH="$work" "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  # detached browsers write a moment later
  for _ in $(seq 100); do [ -z "$want_log" ] || [ -s "$log" ] && break; sleep 0.05; done
  local got; got=$(cat "$log" 2>/dev/null)
  if [ "$rc" != "$want_rc" ] || [ "$got" != "$want_log" ]; then
    echo "FAIL $label: status $rc (want $want_rc), calls '$got' (want '$want_log')"
    sed 's/^/  stderr: /' "$work/err"
    fails=$((fails + 1))
  else
    echo "ok   $label"
  fi
}

U='http://h/x?a=1&b=%20'
expect "default" 0 "firefox [$U]" -- DISPLAY=:0 "$cli" open "$U"
expect "-n new window" 0 "firefox [-new-window] [$U]" -- DISPLAY=:0 "$cli" open -n "$U"
expect "-t new tab" 0 "firefox [-new-tab] [$U]" -- DISPLAY=:0 "$cli" open -t "$U"
expect "-nt: last wins" 0 "firefox [-new-tab] [$U]" -- DISPLAY=:0 "$cli" open -nt "$U"
expect "-d is accepted, as Python's getopt 'ntd'" 0 "firefox [-new-tab] [$U]" -- DISPLAY=:0 "$cli" open -d -t "$U"
expect "console" 0 "lynx [$U]" -- TERM=xterm "$cli" open "$U"
expect "BROWSER first" 0 "rec [--u=$U] [100%]" -- DISPLAY=:0 BROWSER='rec --u=%s 100%%' "$cli" open "$U"
expect "failing browser, next one" 0 "bad [$U]
lynx [$U]" -- TERM=xterm BROWSER=bad "$cli" open "$U"
expect "--browser name" 0 "lynx [$U]" -- DISPLAY=:0 TERM=x "$cli" open -b lynx "$U"
expect "--browser command" 0 "rec [-z] [$U]" -- "$cli" open --browser 'rec -z %s' "$U"
expect "--browser unknown" 1 "" -- DISPLAY=:0 "$cli" open -b netscape "$U"
expect "no browser" 1 "" -- "$cli" open "$U"
expect "all fail" 1 "bad [$U]" -- BROWSER=bad "$cli" open "$U"
expect "leading dash refused" 1 "" -- BROWSER=rec "$cli" open -- "-x"
expect "blank then dash refused" 1 "" -- BROWSER=rec "$cli" open " --x"
expect "bad option" 2 "" -- BROWSER=rec "$cli" open -x "$U"
expect "no URL" 2 "" -- BROWSER=rec "$cli" open
expect "two URLs" 2 "" -- BROWSER=rec "$cli" open a b
expect "bad BROWSER" 1 "" -- BROWSER="rec 'x %s" "$cli" open "$U"

list=$(env -i PATH="$work" DISPLAY=:0 TERM=x BROWSER='rec %s' "$cli" open --list)
want=$(printf 'rec %%s\tGenericBrowser\nfirefox\tMozilla\nlynx\tGenericBrowser')
if [ "$list" != "$want" ]; then
  echo "FAIL --list: '$list'"; fails=$((fails + 1))
else
  echo "ok   --list"
fi
"$cli" open --help | grep -q 'usage: netproto open' || { echo "FAIL --help"; fails=$((fails + 1)); }

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
