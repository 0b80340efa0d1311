#!/usr/bin/env bash
# Build examples/url_split.c the way a user would (cc, the public headers,
# the build tree's libnetproto.a), run it and check what it prints.
set -euo pipefail
: "${NP_SOURCE_DIR:?}" "${NP_BINARY_DIR:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

. "$NP_SOURCE_DIR/tests/lib/example.sh"
np_build_example url_split "$work/url_split"

failures=0
check() { # DESCRIPTION WANT-STATUS WANT-OUTPUT ARGS...
  local what=$1 want_status=$2 want=$3 got status
  shift 3
  set +e
  got=$("$work/url_split" "$@" 2>"$work/err")
  status=$?
  set -e
  if [ "$status" -eq "$want_status" ] && [ "$got" = "$want" ]; then
    echo "ok - $what"
  else
    failures=$((failures + 1))
    echo "not ok - $what (exit $status, expected $want_status)"
    diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | sed 's/^/#   /' || true
    sed 's/^/#   stderr: /' "$work/err"
  fi
}

# The expected lines are what Python 3.11's urllib.parse gives for the same
# calls (urlsplit, .username/.password/.hostname/.port, quote, urljoin).
check "full URL" 0 "scheme    'https'
netloc    'User:pw@Example.COM:8443'
path      '/a b/c;p'
query     'q=1'
fragment  'top'
username  'User'
password  'pw'
hostname  'example.com'
port      8443
quoted    '/a%20b/c%3Bp'
joined    'HTTPS://User:pw@Example.COM:8443/a b/c;p?q=1#top' + '../d' = 'https://User:pw@Example.COM:8443/d'" \
  'HTTPS://User:pw@Example.COM:8443/a b/c;p?q=1#top' ../d

check "no netloc, default reference" 0 "scheme    'mailto'
netloc    ''
path      'x@y.org'
query     ''
fragment  ''
username  None
password  None
hostname  None
port      None
quoted    'x%40y.org'
joined    'mailto:x@y.org' + '../x' = '../x'" 'mailto:x@y.org'

check "port Python cannot read" 0 "scheme    'http'
netloc    '[::1]:x'
path      '/'
query     ''
fragment  ''
username  None
password  None
hostname  '::1'
port      invalid (Python's .port raises ValueError)
quoted    '/'
joined    'http://[::1]:x/' + '/y' = 'http://[::1]:x/y'" 'http://[::1]:x/' /y

check "a URL urlsplit rejects" 1 "" 'http://[::1/'
grep -q NP_EURL_BRACKET "$work/err" && echo "ok - the error names its status" ||
  { failures=$((failures + 1)); echo "not ok - stderr lacks NP_EURL_BRACKET"; }
check "usage" 2 ""

[ "$failures" -eq 0 ]
