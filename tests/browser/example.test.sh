#!/usr/bin/env bash
# Build examples/webbrowser_open.c the way a user would (cc, the public
# headers, the build tree's libnetproto.a) and run it against stand-in
# browsers.
set -euo pipefail
: "${NP_SOURCE_DIR:?}" "${NP_BINARY_DIR:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

. "$NP_SOURCE_DIR/tests/lib/example.sh"
np_build_example webbrowser_open "$work/webbrowser_open"

mkdir "$work/bin"
for b in firefox lynx; do
  printf '#!/bin/sh\necho "%s $*" >> %s/calls\n' "$b" "$work" > "$work/bin/$b"
  chmod +x "$work/bin/$b"
done
failures=0
out=$(env -i PATH="$work/bin" DISPLAY=:0 TERM=xterm "$work/webbrowser_open" -t http://example.org/)
want="1. firefox (Mozilla)
2. lynx (GenericBrowser)
opened http://example.org/"
if [ "$out" = "$want" ] && [ "$(cat "$work/calls")" = "firefox -new-tab http://example.org/" ]; then
  echo "ok - opens with the first browser, in a new tab"
else
  failures=$((failures + 1)); echo "not ok - got '$out', calls '$(cat "$work/calls" 2>/dev/null)'"
fi
set +e
env -i PATH="$work/bin" TERM=xterm "$work/webbrowser_open" -- -x >/dev/null 2>"$work/err"
status=$?
set -e
if [ "$status" = 2 ]; then echo "ok - usage"; else failures=$((failures + 1)); echo "not ok - usage ($status)"; fi
set +e
env -i PATH="$work/bin" TERM=xterm "$work/webbrowser_open" " -x" >/dev/null 2>"$work/err"
status=$?
set -e
if [ "$status" = 1 ] && grep -q NP_EBROWSER_URL "$work/err"; then
  echo "ok - a leading dash is refused"
else
  failures=$((failures + 1)); echo "not ok - dash ($status): $(cat "$work/err")"
fi
[ "$failures" -eq 0 ]
