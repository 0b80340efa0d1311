#!/usr/bin/env bash
# Build examples/robots_check.c the way a user would and run it on the
# robots.txt of Python's documentation example; the answers are CPython's.
set -euo pipefail
: "${NP_SOURCE_DIR:?}" "${NP_BINARY_DIR:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$NP_SOURCE_DIR/tests/lib/example.sh"
np_build_example robots_check "$work/robots_check"

cat >"$work/robots.txt" <<'TXT'
User-agent: *
Crawl-delay: 6
Request-rate: 3/20
Disallow: /cgi-bin/

User-agent: FigTree
Allow: /tmp/public
Disallow: /tmp
Sitemap: https://www.example.com/sitemap.xml
TXT
got=$("$work/robots_check" "$work/robots.txt" FigTree/1.0 \
      http://www.example.com/tmp/public/a http://www.example.com/tmp/b /cgi-bin/x)
want="allowed http://www.example.com/tmp/public/a
disallowed http://www.example.com/tmp/b
allowed /cgi-bin/x
sitemap https://www.example.com/sitemap.xml"
if [ "$got" = "$want" ]; then echo "ok - FigTree's record decides"; else
  echo "not ok - FigTree's record decides"; diff <(echo "$want") <(echo "$got"); exit 1; fi
got=$("$work/robots_check" "$work/robots.txt" OtherBot /cgi-bin/x /index.html)
want="disallowed /cgi-bin/x
allowed /index.html
crawl-delay 6
request-rate 3/20
sitemap https://www.example.com/sitemap.xml"
if [ "$got" = "$want" ]; then echo "ok - the * record for other agents"; else
  echo "not ok - the * record for other agents"; diff <(echo "$want") <(echo "$got"); exit 1; fi
printf 'User-agent: \xff\n' >"$work/bad.txt"
if "$work/robots_check" "$work/bad.txt" x / 2>"$work/err"; then
  echo "not ok - a file that is not UTF-8 is refused"; exit 1; fi
grep -q NP_EURL_ENCODING "$work/err" && echo "ok - a file that is not UTF-8 is refused"
