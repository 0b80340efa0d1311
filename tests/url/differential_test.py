#!/usr/bin/env python3
"""Differential test: `netproto url ...` against CPython's urllib.parse.

Thousands of inputs (a seeded random generator over a URL-ish alphabet,
URL-shaped random inputs, hand-picked cases from the Python docs, RFC 3986
section 5.4 and CPython's security fixes, and the real URL lists in
../shared/data/urls when present) go through every subcommand of the CLI in
bulk, one process per subcommand and option set.  The same inputs go
through urllib.parse in this process: str functions on the UTF-8 decoding of
the bytes with surrogateescape, results encoded back the same way, bytes
functions (quote_from_bytes, urlencode of bytes) where Python has them.
Every result is compared as bytes.  Zero differences is the pass condition.

Environment: NP_CLI (the netproto binary), NP_SOURCE_DIR (optional, for the
shared URL lists).  NP_DIFF_SEED changes the seed, NP_DIFF_RANDOM the count
of random inputs.
"""
import concurrent.futures
import json
import os
import random
import subprocess
import sys
import time
import urllib.parse as up

CLI = os.environ.get("NP_CLI")
SRC = os.environ.get("NP_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
SEED = int(os.environ.get("NP_DIFF_SEED", "20261123"))
N_RANDOM = int(os.environ.get("NP_DIFF_RANDOM", "3000"))
MAX_SHOWN = 20
# NP_DIFF_ONLY=urls,join (say) runs only some groups: urls (split, parse,
# defrag), quote, unquote, qs, join, encode.  Default: all.
ONLY = set(filter(None, os.environ.get("NP_DIFF_ONLY", "").split(",")))


def group_on(group):
    return not ONLY or group in ONLY


def dec(b):
    return b.decode("utf-8", "surrogateescape")


def enc(s):
    return s.encode("utf-8", "surrogateescape")


def to_bytes(v):
    """Turn a JSON-like value (str with surrogateescapes) into bytes leaves."""
    if isinstance(v, str):
        return enc(v)
    if isinstance(v, (list, tuple)):
        return [to_bytes(x) for x in v]
    if isinstance(v, dict):
        return [[to_bytes(k), to_bytes(x)] for k, x in v.items()]
    return v


ERROR = ("error",)  # what an input that raised (or failed) compares as


# ---- inputs ---------------------------------------------------------------

# Pieces the random generator draws from; some are longer than one byte so
# that escapes, IPv6 literals and multi-byte UTF-8 show up often.
ALPHABET = (
    list("abcxyzABCXYZ019") + list("/?#[]@:%;=&+.-_~!$'()*,") +
    [" ", "\t", "\r", "\x00", "\x01", "\x1f", "\x7f", "%2", "%41", "%zz",
     "%C3%A9", "%e2%82%ac", "%ff", "%0A", "%00", "%", "+", "//", "..", "./",
     "é", "€", "😀", "Σ", "İ", "ß", "ｈ", "\uff03", "\u2100", "\uff0f",
     "\ufe13", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xe2\x82", "[::1]",
     "[v1.x]", "[fe80::1%eth0]", ":80", ":080", ": 80", ":+1", ":65536",
     ":x", "HTTP:", "http://", "Http://", "mailto:", "\n"])

SCHEMES = ["http", "HTTP", "https", "HtTpS", "ftp", "file", "mailto", "news",
           "git+ssh", "svn+ssh", "a1", "1a", "x-y.z", "h t", "tel", "data",
           "javascript", "sip", "ws", "wss", "rtsp", "nntp", "itms-services",
           "", "-a", "a_b"]
USERINFO = ["", "user@", "User:Pass@", "u:@", ":p@", "a@b@", "u%40:p%3a@",
            "us er@", "\uff03@", "ü:ß@", "[::1]@", "a:b:c@", "@"]
HOSTS = ["example.com", "EXAMPLE.COM", "Ex-Ample.Org", "localhost", "127.0.0.1",
         "[::1]", "[2001:DB8::1]", "[::ffff:192.0.2.1]", "[fe80::1%25eth0]",
         "[fe80::1%eth0]", "[v1.fe]", "[V7.X:Y]", "[vG.x]", "[v.x]", "[1.2.3.4]",
         "[:::]", "[xyz]", "[", "]", "[::1", "::1]", "[::1]]", "a[b]c",
         "[0439:23af::2309::fae7:1234]", "bücher.de", "BÜCHER.DE", "ΑΣ", "ΑΣ.gr",
         "İstanbul", "STRASSE", "straße", "ｅｘａｍｐｌｅ.com", "a\u2100b",
         "x\uff0fy", "h\uff03", "h\ufe56", "", " ", "h st", "h\x01",
         "%65xample.com", b"\xff\xfe", "xn--bcher-kva.de"]
PORTS = ["", ":", ":80", ":080", ": 80", ":80 ", ":+1", ":-1", ":0", ":65535",
         ":65536", ":99999999999999999999", ":x", ":8x", ":١٢", ":٣", ":²",
         ":00000000000000000080", "::80"]
SEGMENTS = ["a", "b", "..", ".", "", "%2e", "%2E%2e", "c;p=1", "d;", ";x",
            "g?y", "é", "A B", "x:y", "@", "[x]", "~u", "%7E", "index.html"]
QUERY_BITS = ["a=1", "b=2", "a=3", "c", "=v", "k=", "", "x=%41%42", "y=a+b",
              "z=%2B", "q=%C3%A9", "bad=%zz", "u=%ff", "p;q=2", "e=é",
              "s=%0A", "plus=+++", "a%3Db=c%26d", "==", "&", "a=1=2",
              "amp=&amp;", "m=%E2%82", "sp= x "]


def piece_bytes(p):
    return p if isinstance(p, bytes) else p.encode("utf-8")


def random_string(rng, maxlen=24):
    return b"".join(piece_bytes(rng.choice(ALPHABET))
                    for _ in range(rng.randint(0, maxlen)))


def random_query(rng):
    sep = rng.choice(["&", "&", "&", ";", "&&"])
    return sep.join(rng.choice(QUERY_BITS)
                    for _ in range(rng.randint(0, 6))).encode()


def random_url(rng):
    """A URL-shaped input: mostly valid structure, one or two odd parts."""
    parts = []
    if rng.random() < 0.08:
        parts.append(rng.choice([" ", "\x00", "\x1f\x01", "\t", "  \x0b"]))
    s = rng.choice(SCHEMES)
    if s or rng.random() < 0.3:
        parts.append(s + ":")
    if rng.random() < 0.8:
        parts.append("//")
        parts.append(rng.choice(USERINFO) if rng.random() < 0.3 else "")
        parts.append(rng.choice(HOSTS))
        if rng.random() < 0.4:
            parts.append(rng.choice(PORTS))
    path = "/".join(rng.choice(SEGMENTS) for _ in range(rng.randint(0, 5)))
    if path and (parts and parts[-1] != "" or rng.random() < 0.7):
        path = "/" + path
    parts.append(path)
    out = b"".join(piece_bytes(p) for p in parts)
    if rng.random() < 0.5:
        out += b"?" + random_query(rng)
    if rng.random() < 0.3:
        out += b"#" + piece_bytes(rng.choice(["", "frag", "a#b", "x?y", "é",
                                              "%23", "s/./x", "\t!"]))
    if rng.random() < 0.15:  # an odd byte or piece somewhere
        i = rng.randint(0, len(out))
        out = out[:i] + piece_bytes(rng.choice(ALPHABET)) + out[i:]
    return out


RFC_BASE = "http://a/b/c/d;p?q"
RFC_NORMAL = ["g:h", "g", "./g", "g/", "/g", "//g", "?y", "g?y", "#s", "g#s",
              "g?y#s", ";x", "g;x", "g;x?y#s", "", ".", "./", "..", "../",
              "../g", "../..", "../../", "../../g"]
RFC_ABNORMAL = ["../../../g", "../../../../g", "/./g", "/../g", "g.", ".g",
                "g..", "..g", "./../g", "./g/.", "g/./h", "g/../h",
                "g;x=1/./y", "g;x=1/../y", "g?y/./x", "g?y/../x", "g#s/./x",
                "g#s/../x", "http:g"]
JOIN_BASES = [RFC_BASE, "http://a/b/c/d;p?q#f", "https://x.org/a/b/",
              "HTTP://A/B/", "ftp://h/dir/file", "file:///a/b", "file:/a/b",
              "mailto:x@y", "g:h", "", "http:///a", "//a/b", "svn+ssh://h/p/q",
              "tel:1234", "http://a/b/c/../d", "http://a", "http://a?q",
              "http://[::1]:80/a/b", "data:text/plain,x", "news:comp.lang",
              "sip:a@b", "ws://h/a/b", "http://a/b/c/d;p?q=1/2", "a/b/c",
              "/a/b", "http://a/b%2Fc/d", "http:/a/b", "//h", "?q", "#f"]

HAND_PICKED = [
    # Python docs (urllib.parse)
    "//www.cwi.nl:80/%7Eguido/Python.html", "www.cwi.nl/%7Eguido/Python.html",
    "help/Python.html", "http://www.cwi.nl:80/%7Eguido/Python.html",
    "http://docs.python.org:80/3/library/urllib.parse.html?highlight=params#url-parsing",
    "scheme://netloc/path;parameters?query#fragment", "HTTP://www.Python.org/doc/#",
    "http://docs.python.org/3/library/", "path:80", "mailto:1337@example.org",
    # CPython security fixes: leading C0/space (CVE-2023-24329), tab/CR
    # removal (bpo-43882), NFKC netloc (CVE-2019-9636, bpo-36742), bracketed
    # hosts (gh-103848), user/host confusion.
    " https://www.example.com", "\x00https://x.org/", "\x1f\x01http://a/b",
    "  \x0b\x0chttp://a", "https://www.python.org/java\tscript:alert(1)",
    "ht\ttp://x/", "h\rttp://x/", "http://www.python.org\t/", "\thttp://a/\t",
    "http://\uff03@netloc", "http://user:pass\uff03@host", "http://example.com\u2100",
    "//\u2100/", "http://a.b\uff0fc", "http://\u2100:80", "http://h\ufe56x/",
    "http://ex\u00e4mple.com/", "http://ÉXAMPLE.COM/", "http://ΑΣ/", "http://İ/",
    "http://[::1]:8080/", "http://[::1]x/", "http://[v1.fe]/", "http://prefix[::1]/",
    "http://[::1]suffix/", "http://[0439:23af::2309::fae7:1234]/",
    "http://[::ffff:192.0.2.1]/", "http://[192.0.2.1]/", "http://[v0.x]",
    "http://[vZ.x]", "http://[fe80::1%25eth0]:80/", "http://[fe80::1%ETH0]/",
    "http://[::1]]/", "http://[[::1]/", "http://]::1[/", "http://[/",
    "http://]/", "http://[::1/", "http://a@[::1]:x/", "http://[::1]@host/",
    "http://a@b@c/", "http://a:b@c:d@e/", "http://user@:80", "http://:80",
    # ports
    "http://x:", "http://x:0", "http://x:65535", "http://x:65536", "http://x:-0",
    "http://x:١٢", "http://x:8 0", "http://x: 80", "http://x:+80", "http://x:0080",
    "http://x:80:90", "http://[::1]:", "http://[::1]:99999",
    # odd shapes
    "", "#", "?", ";", ":", "//", "///", "////a", "a:b", "1:2", "c:\\windows",
    "file:///tmp/x", "javascript:alert(1)", "data:text/plain,hi", "http:",
    "http:/", "http://", "http:///", "HTTP://EXAMPLE.COM/A", "http://User:Pass@Host.COM:80",
    "sch:eme://x", "a+b.c-d://h/p", "%68ttp://h/", "http://h/p;a;b?q;r#f;g",
    "http://h/;", "http://h/p;", "foo://h/p;x", "tel:+1-816-555-1212",
    "urn:oasis:names:specification:docbook:dtd:xml:4.1.2", "ldap://[2001:db8::7]/c=GB?objectClass?one",
    "news:comp.infosystems.www.servers.unix", "http://a/b/c/g;x?y#s",
    "http://h/?a=1&b=%20+%2B&c", "http://h/#frag#frag", "http://h?q#f?g",
    "http://h\x00x/", "http://h/\x7f", "http://h/\xff", "http://h/%",
    "http://h/%2", "http://h/%zz", "http://h/%C3%A9%C3", "http://h/%E2%82%AC%E2%82",
    "%", "%%", "%%41", "%4", "%41%", "+%20+", "a+b%2Bc", "%F0%9F%98%80", "%ED%A0%80",
]

# Bytes that are not UTF-8: Python decodes first (surrogateescape) and then
# removes tab/CR/LF, so removing a tab must not make valid UTF-8 of them.
HAND_PICKED_BYTES = [
    b"http://\xc3\t\x89/", b"http://h\xef\t\xb9\x96/", b"http://\xe2\x84\t\x80/",
    b"HTTP://\xc3\x89\xff\xc3\x89/", b"http://[::1\xff]/", b"http://\xff@\xc3/",
    b"http://h:8\xff/", b"http://h/\xc3?\xa9#\xc3\xa9", b"%C3\xa9%A9", b"%C3\t%A9",
    b"\xc3%A9", b"%\xc3\xa9", b"http://h/\xed\xa0\x80%ED%A0%80",
]

# Cases with CR/LF cannot go through line mode (lines end there); they go as
# command-line arguments.  Tabs and CRs inside lines go through line mode.
ARG_ONLY = ["http://www.python\n.org/", "http://a/b\r\n", "\nhttp://a/", "a\rb\r",
            "http://h/p\n#f\nx", "ht\r\ntp://h:8\n0/?a=1\n&b=2", "%0A\n%0D\r"]


def load_real_urls():
    d = os.path.join(SRC, "..", "shared", "data", "urls")
    urls = []
    if os.path.isdir(d):
        for name in sorted(os.listdir(d)):
            if name.endswith(".txt"):
                with open(os.path.join(d, name), "rb") as f:
                    urls += [u for u in f.read().split(b"\n") if u]
    return [u for u in urls if not u.endswith(b"\r")]


def line_safe(b):
    return b"\n" not in b and not b.endswith(b"\r")


# ---- Python's side --------------------------------------------------------

def py_url(fn, s, scheme="", frag=True, parse=False):
    try:
        r = fn(s, scheme, frag)
    except ValueError:
        return ERROR
    d = {"scheme": r.scheme, "netloc": r.netloc, "path": r.path}
    if parse:
        d["params"] = r.params
    d.update(query=r.query, fragment=r.fragment, username=r.username,
             password=r.password, hostname=r.hostname)
    try:
        d["port"] = r.port
    except ValueError:
        d["port"] = "invalid"
    return to_bytes(list(d.items()))


def py_split_plain(s, parse=False):
    try:
        r = (up.urlparse if parse else up.urlsplit)(s)
    except ValueError:
        return ERROR
    return b"\t".join(enc(x) for x in r)


def py_join(base, ref, frag=True):
    try:
        return enc(up.urljoin(base, ref, frag))
    except ValueError:
        return ERROR


def py_defrag(s):
    try:
        r = up.urldefrag(s)
    except ValueError:
        return ERROR
    return to_bytes([["url", r.url], ["fragment", r.fragment]])


def py_qs(s, keep=False, strict=False, max_fields=None, sep="&", group=False):
    try:
        if group:
            return to_bytes(up.parse_qs(s, keep, strict, max_num_fields=max_fields,
                                        separator=sep))
        return to_bytes([list(p) for p in up.parse_qsl(
            s, keep, strict, max_num_fields=max_fields, separator=sep)])
    except ValueError:
        return ERROR


# ---- the CLI's side -------------------------------------------------------

class Failure(Exception):
    pass


def run_cli(args, stdin=None):
    p = subprocess.run([CLI.encode(), b"url"] + [a if isinstance(a, bytes) else enc(a) for a in args], input=stdin, capture_output=True,
                       timeout=300)
    if p.returncode not in (0, 1):
        raise Failure("netproto url %s exited %d: %s" % (
            " ".join(map(repr, args)), p.returncode, p.stderr[-2000:].decode(errors="replace")))
    out = p.stdout.split(b"\n")
    if not out or out[-1] != b"":
        raise Failure("netproto url %s: output does not end with a newline" % args)
    return p.returncode, out[:-1]


def parse_json_line(line):
    obj = json.loads(line.decode("utf-8"), object_pairs_hook=lambda kv: kv)
    if isinstance(obj, list) and obj and isinstance(obj[0], tuple) and obj[0][0] == "error":
        return ERROR
    return to_bytes(obj)


class Differential:
    """Runs the CLI in the background while Python computes the next
    expectations (two cores: the comparison costs about half the time)."""

    def __init__(self):
        self.diffs = []
        self.compared = 0
        self.functions = set()
        self.inputs = set()
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=2)
        self.pending = []

    def check(self, name, args, inputs, expected, decode, arg_mode=False):
        """Run one CLI invocation over inputs and compare with expected."""
        self.functions.add(name)
        self.inputs.update(inputs)
        if arg_mode:
            job = self.pool.submit(run_cli, args + ["--"] + list(inputs))
        else:
            job = self.pool.submit(run_cli, args, b"".join(x + b"\n" for x in inputs))
        self.pending.append((job, name, inputs, expected, decode))
        while len(self.pending) > 2:
            self.compare(*self.pending.pop(0))

    def finish(self):
        while self.pending:
            self.compare(*self.pending.pop(0))
        self.pool.shutdown()

    def compare(self, job, name, inputs, expected, decode):
        rc, lines = job.result()
        if len(lines) != len(inputs):
            raise Failure("%s: %d inputs gave %d output lines" % (name, len(inputs), len(lines)))
        want_rc = 1 if any(e is ERROR for e in expected) else 0
        if rc != want_rc:
            self.diffs.append((name, b"(exit status)", want_rc, rc))
        for inp, want, line in zip(inputs, expected, lines):
            self.compared += 1
            got = decode(line)
            if got != want:
                self.diffs.append((name, inp, want, got))

    def report(self, seconds):
        print("%d inputs, %d functions, %d comparisons, %d differences (%.1f s)" % (
            len(self.inputs), len(self.functions), self.compared, len(self.diffs), seconds))
        for name, inp, want, got in self.diffs[:MAX_SHOWN]:
            print("DIFF %s\n  input:  %r\n  python: %r\n  netproto: %r" % (name, inp, want, got))
        return not self.diffs


def raw(line):
    return line


def json_or_error(line):
    return parse_json_line(line)


def main():
    if not CLI or not os.access(CLI, os.X_OK):
        print("NP_CLI must name the netproto binary")
        return 1
    t0 = time.time()
    rng = random.Random(SEED)
    hand = [s.encode("utf-8") for s in HAND_PICKED] + HAND_PICKED_BYTES
    rnd = [random_string(rng) for _ in range(N_RANDOM)]
    shaped = [random_url(rng) for _ in range(N_RANDOM)]
    real = load_real_urls()
    generated = [x for x in hand + rnd + shaped if line_safe(x)]
    arg_only = [s.encode() for s in ARG_ONLY] + [
        x.replace(b"\x00", b"") for x in rnd + shaped if not line_safe(x)]
    everything = generated + real
    d = Differential()

    def url_checks(inputs, arg_mode=False):
        strs = [dec(x) for x in inputs]
        for sub, fn, parse in (("split", up.urlsplit, False), ("parse", up.urlparse, True)):
            d.check(sub + " --json", [sub, "--json"], inputs,
                    [py_url(fn, s, parse=parse) for s in strs], json_or_error, arg_mode)
            d.check(sub + " --json --no-fragments", [sub, "--json", "--no-fragments"],
                    inputs, [py_url(fn, s, frag=False, parse=parse) for s in strs],
                    json_or_error, arg_mode)
            d.check(sub + " --json --scheme", [sub, "--json", "--scheme", "Ht\ttp"],
                    inputs, [py_url(fn, s, scheme="Ht\ttp", parse=parse) for s in strs],
                    json_or_error, arg_mode)
        d.check("defrag --json", ["defrag", "--json"], inputs,
                [py_defrag(s) for s in strs], json_or_error, arg_mode)

    # split/parse/defrag: everything in line mode, CR/LF cases as arguments.
    if group_on("urls"):
        url_checks(everything)
        for i in range(0, len(arg_only), 200):
            url_checks(arg_only[i:i + 200], arg_mode=True)

    # Default schemes: stripped of C0/space, tabs removed, not lower-cased.
    if group_on("urls"):
        strs = [dec(x) for x in generated]
        for scheme in ("", "HTTPS", " \x01x\t", "a b", "é"):
            d.check("split --json --scheme %r" % scheme, ["split", "--json", "--scheme", scheme],
                    generated, [py_url(up.urlsplit, x, scheme=scheme) for x in strs],
                    json_or_error)

    # Plain output of split and parse: TAB-separated components.
    for sub, parse in (("split", False), ("parse", True)) if group_on("urls") else ():
        want = [py_split_plain(dec(x), parse) for x in generated]
        ok_inputs = [x for x, w in zip(generated, want) if w is not ERROR]
        d.check(sub + " (plain)", [sub], ok_inputs,
                [w for w in want if w is not ERROR], raw)

    # quote: arbitrary bytes through quote_from_bytes / quote_plus.
    q_inputs = generated + real[::7]
    for safe in (None, "", "/", ":/?#[]@!$&'()*+,;=", "%", "é~ab ", "\t") if group_on("quote") else ():
        sargs = [] if safe is None else ["--safe", safe]
        kw = {} if safe is None else {"safe": safe}
        d.check("quote %r" % safe, ["quote"] + sargs, q_inputs,
                [up.quote_from_bytes(x, **kw).encode() for x in q_inputs], raw)
        d.check("quote --plus %r" % safe, ["quote", "--plus"] + sargs, q_inputs,
                [up.quote_plus(x, **kw).encode() for x in q_inputs], raw)
    if group_on("quote"):
        d.check("quote (args)", ["quote"], arg_only,
                [up.quote_from_bytes(x).encode() for x in arg_only], raw, arg_mode=True)

    # unquote: str function on the surrogateescape decoding.
    u_inputs = generated + real[::7]
    for plus in (False, True) if group_on("unquote") else ():
        fn = up.unquote_plus if plus else up.unquote
        args = ["unquote", "--json"] + (["--plus"] if plus else [])
        d.check(" ".join(args[:1] + args[2:]), args, u_inputs,
                [enc(fn(dec(x))) for x in u_inputs], json_or_error)
    if group_on("unquote"):
        plain = [x for x in u_inputs if b"%0" not in x.upper()]
        d.check("unquote (plain)", ["unquote"], plain,
                [enc(up.unquote(dec(x))) for x in plain], raw)

    # parse-qs: every option, on the generated inputs, random queries and
    # the query part of the real URLs.
    queries = generated + [random_query(rng) for _ in range(N_RANDOM)] + [
        u.partition(b"?")[2] for u in real if b"?" in u]
    strs = [dec(x) for x in queries]
    qs_variants = [
        ([], {}), (["--keep-blank"], {"keep": True}), (["--strict"], {"strict": True}),
        (["--keep-blank", "--strict"], {"keep": True, "strict": True}),
        (["--max-fields", "3"], {"max_fields": 3}), (["--max-fields", "1"], {"max_fields": 1}),
        (["--max-fields", "0"], {"max_fields": 0}), (["--separator", ";"], {"sep": ";"}),
        (["--separator", "&&"], {"sep": "&&"}), (["--separator", ""], {"sep": ""}),
        (["--dict"], {"group": True}), (["--dict", "--keep-blank"], {"group": True, "keep": True}),
    ]
    for opts, kw in qs_variants if group_on("qs") else ():
        d.check("parse-qs " + " ".join(opts), ["parse-qs", "--json"] + opts, queries,
                [py_qs(s, **kw) for s in strs], json_or_error)

    # join: RFC 3986 5.4, every base with relative refs, random pairs.
    refs = [r.encode() for r in RFC_NORMAL + RFC_ABNORMAL + HAND_PICKED[:40]]
    bases = [b.encode() for b in JOIN_BASES]
    pairs = [(b, r) for b in bases for r in refs]
    for _ in range(N_RANDOM):
        base = rng.choice([rng.choice(bases), random_url(rng)])
        ref = rng.choice([random_url(rng), random_string(rng, 8),
                          "/".join(rng.choice(SEGMENTS) for _ in range(3)).encode()])
        pairs.append((base, ref))
    for i in range(0, len(real) - 1, 25):
        pairs.append((real[i], real[i + 1]))
        pairs.append((real[i], b"../" + real[i + 1].rpartition(b"/")[2]))
    pair_lines = [b + b"\t" + r for b, r in pairs
                  if b"\t" not in b and line_safe(b + b"\t" + r)]
    for frag in (True, False) if group_on("join") else ():
        args = ["join", "--pairs", "--json"] + ([] if frag else ["--no-fragments"])
        d.check("join --pairs" + ("" if frag else " --no-fragments"), args, pair_lines,
                [py_join(*map(dec, l.split(b"\t", 1)), frag) for l in pair_lines],
                json_or_error)
    rfc = [r.encode() for r in RFC_NORMAL + RFC_ABNORMAL]
    if group_on("join"):
        d.check("join BASE REF...", ["join", RFC_BASE], rfc,
                [enc(up.urljoin(RFC_BASE, r.decode())) for r in rfc], raw,
                arg_mode=True)
        base = "http://a/b\t/c\n?q"
        d.check("join BASE REF... (CR/LF)", ["join", "--json", base], arg_only,
                [py_join(base, dec(r)) for r in arg_only], json_or_error,
                arg_mode=True)

    # encode: urlencode of bytes pairs, many pairs per invocation.
    for safe in (None, "", "/:", "é+") if group_on("encode") else ():
        for via in (None, "quote", "quote_plus"):
            for _ in range(4):
                kv = []
                for _ in range(rng.randint(1, 30)):
                    k = random_string(rng, 6).replace(b"=", b"").replace(b"\x00", b"")
                    v = random_string(rng, 10).replace(b"\x00", b"")
                    kv.append((k, v))
                args = ["encode", "--json"]
                kw = {}
                if safe is not None:
                    args += ["--safe", safe]
                    kw["safe"] = safe
                if via is not None:
                    args += ["--quote-via", via]
                    kw["quote_via"] = getattr(up, via)
                want = up.urlencode(kv, doseq=True, **kw).encode()
                argv = args + ["--"] + [dec(k + b"=" + v) for k, v in kv]
                name = "encode safe=%r via=%s" % (safe, via)
                d.functions.add(name)
                rc, lines = run_cli(argv)
                got = parse_json_line(lines[0]) if len(lines) == 1 else lines
                d.compared += 1
                if rc != 0 or got != want:
                    d.diffs.append((name, kv, want, (rc, got)))

    d.finish()
    return 0 if d.report(time.time() - t0) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failure as e:
        print("FAIL:", e)
        sys.exit(1)
