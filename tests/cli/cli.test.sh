#!/usr/bin/env bash
# The command's contract: --help and --version, exit status 0 (success),
# 1 (some input failed, the others still processed), 2 (usage error), the
# plain output formats of `netproto url`, and streaming from standard input.
# The results themselves are compared with CPython by
# tests/url/differential_test.py.
set -uo pipefail
: "${NP_CLI:?NP_CLI must name the netproto binary}" "${NP_SOURCE_DIR:?}"
np=$NP_CLI
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
n=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n - $1"; }

# expect STATUS DESCRIPTION -- COMMAND...: run it, keep stdout/stderr in
# $work/out and $work/err, check the exit status.
expect() {
  local want=$1 what=$2
  shift 3
  "$@" >"$work/out" 2>"$work/err" </dev/null
  local got=$?
  if [ "$got" -eq "$want" ]; then ok "$what (exit $got)"; else
    not_ok "$what: exit $got, expected $want"; sed 's/^/#   /' "$work/err"; fi
}
# same_output DESCRIPTION EXPECTED: compare $work/out with EXPECTED (printf %b).
same_output() {
  printf '%b' "$2" >"$work/want"
  if cmp -s "$work/out" "$work/want"; then ok "$1"; else
    not_ok "$1"; echo "#   got:"; od -c "$work/out" | head -5 | sed 's/^/#   /'
    echo "#   want:"; od -c "$work/want" | head -5 | sed 's/^/#   /'; fi
}
contains() { # DESCRIPTION FILE TEXT
  if grep -qF -- "$3" "$2"; then ok "$1"; else not_ok "$1: '$3' not in $(basename "$2")"; fi
}
empty() { # DESCRIPTION FILE
  if [ ! -s "$2" ]; then ok "$1"; else not_ok "$1: $(basename "$2") not empty"; fi
}

# --- netproto ---------------------------------------------------------------
expect 0 "netproto --help" -- "$np" --help
contains "--help goes to stdout" "$work/out" "usage: netproto"
contains "--help lists the url command" "$work/out" "url"
expect 0 "netproto -h" -- "$np" -h
expect 0 "netproto --version" -- "$np" --version
version=$(sed -nE 's/^project\(netproto VERSION ([0-9.]+).*/\1/p' "$NP_SOURCE_DIR/CMakeLists.txt")
same_output "--version prints the project version" "netproto $version\n"
expect 2 "netproto with no command" -- "$np"
contains "usage on stderr" "$work/err" "usage: netproto"
expect 2 "unknown command" -- "$np" no-such-command
contains "unknown command named on stderr" "$work/err" "no-such-command"
empty "nothing on stdout for a usage error" "$work/out"

# --- netproto url -------------------------------------------------------------
expect 0 "url --help" -- "$np" url --help
for sub in split parse join defrag quote unquote encode parse-qs; do
  contains "url --help lists $sub" "$work/out" "  $sub"
done
expect 2 "url with no subcommand" -- "$np" url
expect 2 "url unknown subcommand" -- "$np" url no-such-sub
contains "unknown subcommand named" "$work/err" "no-such-sub"
for sub in split parse join defrag quote unquote encode parse-qs; do
  expect 0 "url $sub --help" -- "$np" url "$sub" --help
  contains "url $sub --help is its usage" "$work/out" "usage: netproto url $sub"
done
expect 2 "unknown option" -- "$np" url split --bogus x
contains "unknown option named" "$work/err" "--bogus"
expect 2 "option of another subcommand" -- "$np" url split --plus x
expect 2 "option without its value" -- "$np" url quote --safe
expect 2 "--max-fields not a number" -- "$np" url parse-qs --max-fields 1x a=b
expect 2 "--max-fields with a sign" -- "$np" url parse-qs --max-fields +1 a=b
expect 2 "--quote-via unknown" -- "$np" url encode --quote-via urlquote a=b
expect 2 "encode without arguments" -- "$np" url encode
expect 2 "encode argument without =" -- "$np" url encode a=1 b
expect 2 "join without a base" -- "$np" url join

# --- plain output formats ---------------------------------------------------
expect 0 "split" -- "$np" url split 'HTTP://User@Example.COM:80/a;p?q=1#f'
same_output "split: five components separated by TAB" "http\tUser@Example.COM:80\t/a;p\tq=1\tf\n"
expect 0 "parse" -- "$np" url parse 'http://h/a;p?q#f'
same_output "parse: six components separated by TAB" "http\th\t/a\tp\tq\tf\n"
expect 0 "split --scheme --no-fragments" -- "$np" url split --scheme=ftp --no-fragments '//h/p#f?x'
same_output "split: options apply" "ftp\th\t/p#f\tx\t\n"
expect 0 "split --json" -- "$np" url split --json 'http://u:p@[::1]:x/'
same_output "split --json: derived attributes, invalid port" \
  '{"scheme":"http","netloc":"u:p@[::1]:x","path":"/","query":"","fragment":"","username":"u","password":"p","hostname":"::1","port":"invalid"}\n'
expect 1 "split: a bad URL among good ones" -- "$np" url split 'http://a/' 'http://[::1/' 'http://b/'
same_output "split: the bad URL gives an empty line, the others their output" "http\ta\t/\t\t\n\nhttp\tb\t/\t\t\n"
contains "split: the failure is on stderr with its input number" "$work/err" "input 2"
expect 1 "split --json with a bad URL" -- "$np" url split --json 'http://[::1/'
contains "split --json: an error object" "$work/out" '{"error":'
expect 0 "join BASE REF..." -- "$np" url join 'http://a/b/c/d;p?q' '../g' '//g' '?y'
same_output "join: one line per REF" "http://a/b/g\nhttp://g\nhttp://a/b/c/d;p?y\n"
expect 0 "defrag" -- "$np" url defrag 'http://a/b#c' 'http://a/b'
same_output "defrag: url TAB fragment" "http://a/b\tc\nhttp://a/b\t\n"
expect 0 "defrag --json" -- "$np" url defrag --json 'http://a/b#c'
same_output "defrag --json" '{"url":"http://a/b","fragment":"c"}\n'
expect 0 "quote" -- "$np" url quote 'a b/c~é'
same_output "quote: default safe /" "a%20b/c~%C3%A9\n"
expect 0 "quote --plus" -- "$np" url quote --plus 'a b/c'
same_output "quote --plus: safe empty" "a+b%2Fc\n"
expect 0 "quote --safe ''" -- "$np" url quote --safe '' 'a/b'
same_output "quote --safe ''" "a%2Fb\n"
expect 0 "quote -- -x" -- "$np" url quote -- -x --json
same_output "arguments after -- are inputs" "-x\n--json\n"
expect 0 "unquote" -- "$np" url unquote '%C3%A9%zz+'
same_output "unquote" "é%zz+\n"
expect 0 "unquote --plus --json" -- "$np" url unquote --plus --json '%ff+%0A'
same_output "unquote --plus --json: U+FFFD, escaped newline" '"\xef\xbf\xbd \\u000a"\n'
expect 0 "encode" -- "$np" url encode 'a=1' 'b=x y' 'c=d=e'
same_output "encode: one line for all pairs" "a=1&b=x+y&c=d%3De\n"
expect 0 "encode --quote-via quote --safe /" -- "$np" url encode --quote-via quote --safe / 'p=/a b'
same_output "encode --quote-via quote" "p=/a%20b\n"
expect 0 "parse-qs" -- "$np" url parse-qs 'a=1&b=%41&a=2&c'
same_output "parse-qs: name=value separated by TAB" "a=1\tb=A\ta=2\n"
expect 0 "parse-qs --dict --json --keep-blank" -- "$np" url parse-qs --dict --json --keep-blank 'a=1&b=%41&a=2&c'
same_output "parse-qs --dict --json" '{"a":["1","2"],"b":["A"],"c":[""]}\n'
expect 1 "parse-qs --strict" -- "$np" url parse-qs --strict --json 'a=1&b'
contains "parse-qs --strict: error object" "$work/out" '"error"'
expect 1 "parse-qs --max-fields 1" -- "$np" url parse-qs --max-fields 1 'a=1&b=2'

# --- streaming from standard input -------------------------------------------
lines=100000
awk -v n=$lines 'BEGIN { for (i = 0; i < n; i++) printf "http://h%d.example:%d/p?q=%d#f\r\n", i, i % 70000, i }' >"$work/in"
if "$np" url split --json <"$work/in" >"$work/out" 2>"$work/err"; then
  ok "split --json reads $lines CRLF lines from stdin"; else
  not_ok "split --json from stdin failed (some ports are > 65535, which is still exit 0)"; fi
got=$(wc -l <"$work/out")
[ "$got" -eq "$lines" ] && ok "one output line per input line" || not_ok "$got output lines for $lines inputs"
contains "CR of CRLF input is not part of the fragment" "$work/out" '"fragment":"f","username"'
printf 'a=1&b=2\nx=%%zz\n\nq\n' | "$np" url parse-qs --json >"$work/out" 2>"$work/err"
same_output "parse-qs reads queries from stdin, empty lines included" '[["a","1"],["b","2"]]\n[["x","%zz"]]\n[]\n[]\n'
printf 'http://a/b/c\t../d\n\tx\nnotab\n' | "$np" url join --pairs >"$work/out" 2>"$work/err"
status=$?
[ "$status" -eq 1 ] && ok "join --pairs: a line without TAB fails (exit 1)" || not_ok "join --pairs: exit $status"
same_output "join --pairs: BASE TAB REF per line" "http://a/d\nx\n\n"

echo "1..$n"
[ "$failures" -eq 0 ] || { echo "$failures of $n checks failed"; exit 1; }
