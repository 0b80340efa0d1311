#!/usr/bin/env python3
"""Differential test: netproto's http.cookies against CPython's.

Runs the C driver (tests/cookies_tool_cookies) on hand-picked and generated
Cookie headers, keys and values, and compares every morsel (key, value,
coded value, attributes), the error raised, output(), js_output(), _quote
and _unquote with what CPython's http.cookies gives for the same input.
"""
import os
import random
import subprocess
import sys
from http import cookies

TOOL = os.path.join(os.environ.get("NP_BINARY_DIR", "build"), "tests",
                    "cookies_tool_cookies")
ATTRS = ["comment", "domain", "expires", "httponly", "max-age", "path",
         "samesite", "secure", "version"]


def enc(s):
    return s.encode("utf-8", "surrogateescape")


def dec(b):
    return b.decode("utf-8", "surrogateescape")


def state(c, err):
    out = [b"ok" if err is None else ("err:" + err).encode(), b"\x01"]
    for key, m in c.items():
        out.append(b"K=%s\0V=%s\0C=%s\0" % (enc(m.key), enc(m.value),
                                            enc(m.coded_value)))
        for a in ATTRS:
            v = m[a]
            if v is True:
                out.append(b"%s:t:\0" % a.encode())
            elif v is None:
                out.append(b"%s:n:\0" % a.encode())
            elif isinstance(v, str) and v != "":
                out.append(b"%s:s:%s\0" % (a.encode(), enc(v)))
    out.append(b"\x01")
    out.append(enc(c.output()))
    return b"".join(out)


def err_name(e):
    msg = str(e)
    if msg.startswith("Illegal key"):
        return "NP_ECOOKIE_KEY"
    if msg.startswith("Attempt to set a reserved key"):
        return "NP_ECOOKIE_RESERVED"
    if msg.startswith("Invalid attribute"):
        return "NP_ECOOKIE_ATTR"
    return "?" + msg


def python_result(op, a, b):
    if op == "Q":
        return enc(cookies._quote(dec(a)))
    if op == "U":
        return enc(cookies._unquote(dec(a)))
    c = cookies.BaseCookie() if op == "B" else cookies.SimpleCookie()
    err = None
    try:
        if op == "S":
            c[dec(a)] = dec(b)
        else:
            c.load(dec(a))
    except cookies.CookieError as e:
        err = err_name(e)
    if op == "J":
        return enc(c.js_output())
    return state(c, err)


HAND = [
    "a=1", "a=1; b=2", "a=1; Path=/; Domain=example.com; secure; HttpOnly",
    'a="quoted \\"x\\" \\012"', "a=b=c; d=e", "a= \x01", "a=1; b",
    "$Version=1; a=1; $Path=/x; $Domain=.x.com", "$Path=/; a=1; $secure",
    "a=1; $Foo=2", "a/b=1", "a=1; b@=2", "Path=/; a=1", "a=1; path",
    "a=1; expires=Wed, 09 Jun 2021 10:18:14 GMT; max-age=10",
    "a=1; Expires=Wed, 09-Jun-2021 10:18:14 GMT", "a=1;b=2;;c=3",
    'a="\\\\\\\\\\\\"', 'a="x\\\ny"', '  a  =  1  ;  b = 2 ', "a=[1,2]",
    "a=1; SameSite=Lax; Version=1; Comment=hi there",
    'a=1; Comment="a \\"b\\""', "a=é", 'a="\\351"', "a=1, b=2",
    "keebler=E=mc2; L=\"Loves\"; fudge=\\012;",
    "a=1\n", "a=1 b=2", "a=\"unterminated", "=a", "a=1; =b", "a==b",
    "a=1; secure=yes; httponly=0", 'a=""', "a=1; Domain=\"x y\"",
    "a=1; max-age", "a=1; a=2; Path=/p; a=3",
]
TOKENS = ["a", "b", "ab_c", "=", "==", ";", " ", "  ", '"', "\\", "\\\\",
          "$", "Path", "path", "secure", "HttpOnly", "expires", "Max-Age",
          "Wed, 09 Jun 2021 10:18:14 GMT", "\n", "\t", "012", "351", ",", "@",
          "[", "]", "é", "\x01", "\x7f", "Version", "$Path", "Domain", "(",
          ":", "-", "1", "x.y", "/", "{", "?", "Comment", "SameSite", "$V"]
VALUES = ["", "x", "a b", '"', "\\", ";", ",", "é", "€", "\x00", "\x7f",
          "abc!#$%&'*+-.^_`|~:", "()/<=>?@[]{}", "\n", "plain"]


def cases(rng, count):
    for h in HAND:
        for op in "LBJ":
            yield op, enc(h), b""
        yield "U", enc(h), b""
        yield "Q", enc(h), b""
    for k in ["a", "path", "Secure", "a b", "a@b", "", "é", "k$", "a=b"]:
        for v in VALUES:
            yield "S", enc(k), enc(v)
    for _ in range(count):
        s = "".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 14)))
        yield rng.choice("LLLBJUQ"), enc(s), b""
    for _ in range(count // 4):
        s = '"' + "".join(rng.choice(["\\", "0", "1", "3", "7", "8", "\n",
                                      "\"", "x", "\\0", "\\12"])
                          for _ in range(rng.randint(0, 12))) + '"'
        yield "U", enc(s), b""


def main():
    rng = random.Random(int(os.environ.get("NP_SEED", "5")))
    todo = list(cases(rng, int(os.environ.get("NP_CASES", "20000"))))
    lines = "".join("%s %s%s\n" % (op, a.hex(), (" " + b.hex()) if b else "")
                    for op, a, b in todo)
    proc = subprocess.run([TOOL], input=lines.encode(), capture_output=True,
                          timeout=600)
    if proc.returncode != 0:
        print("driver failed", proc.returncode, proc.stderr.decode()[-2000:])
        return 1
    got = proc.stdout.decode().split("\n")
    bad = 0
    for i, (op, a, b) in enumerate(todo):
        want = python_result(op, a, b)
        mine = bytes.fromhex(got[i]) if i < len(got) else b"<missing>"
        if mine != want:
            bad += 1
            if bad <= 15:
                print("MISMATCH %s %r %r\n  python: %r\n  netproto: %r" %
                      (op, a, b, want, mine))
    print("%d cases, %d mismatches" % (len(todo), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
