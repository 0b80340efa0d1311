#!/usr/bin/env python3
"""The generated Unicode tables (src/core/unicode_tables.c) against this
python3.

1. scripts/gen_unicode_tables.py reproduces src/core/unicode_tables.c exactly.
2. For every code point (surrogates aside), the hostname of a few URLs
   built around it (alone, next to capital sigma in final and non-final
   positions, after a split UTF-8 sequence) is what urlsplit().hostname
   gives, and the NFKC netloc check fails exactly where Python's does.
Runs tests/url_tool_split from NP_BINARY_DIR.  Prints TAP.
"""
import os
import subprocess
import sys
from urllib.parse import urlsplit

SRC = os.environ.get("NP_SOURCE_DIR",
                     os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ["NP_BINARY_DIR"]
TOOL = os.path.join(BIN, "tests", "url_tool_split")

failures = 0


def report(ok, what):
    global failures
    print(("ok - " if ok else "not ok - ") + what)
    if not ok:
        failures += 1


def table_is_current():
    gen = subprocess.run([sys.executable,
                          os.path.join(SRC, "scripts", "gen_unicode_tables.py")],
                         capture_output=True, check=True, timeout=300).stdout
    with open(os.path.join(SRC, "src", "core", "unicode_tables.c"), "rb") as f:
        report(gen == f.read(), "src/core/unicode_tables.c matches the generator")


def cases():
    sig = "\u03a3"
    for c in range(0x80, 0x110000):
        if 0xD800 <= c < 0xE000:
            continue
        ch = chr(c)
        yield "http://" + ch + "/"
        if c < 0x10000 or ch.lower() != ch:
            yield "http://A" + ch + sig + "/"
            yield "http://" + sig + ch + "/"
            yield "http://\u0391" + sig + ch + "1/"
            yield "http://\u0391" + sig + ch + "\u0391/"
    # UTF-8 cut by a tab: Python decodes first, so the bytes stay invalid.
    yield b"http://\xc3\t\x89/".decode("utf-8", "surrogateescape")
    yield b"http://\xe2\x84\t\x80.com/".decode("utf-8", "surrogateescape")


def expected(url):
    try:
        h = urlsplit(url).hostname
    except ValueError as e:
        return "E-103" if "NFKC" in str(e) else "E?"
    return "-" if h is None else h.encode("utf-8", "surrogateescape").hex()


def hostnames():
    urls = list(cases())
    data = "".join(u.encode("utf-8", "surrogateescape").hex() + "\n"
                   for u in urls)
    out = subprocess.run([TOOL], input=data.encode(), capture_output=True,
                         check=True, timeout=600).stdout.decode().split("\n")
    bad = []
    for i, url in enumerate(urls):
        want = expected(url)
        got = out[i] if i < len(out) else "(missing)"
        if got != want:
            bad.append((url, want, got))
    for url, want, got in bad[:20]:
        print("# %r: python %s, netproto %s" % (url, want, got))
    report(not bad, "hostname/NFKC of %d URLs around every code point "
           "(%d differ)" % (len(urls), len(bad)))


def main():
    print("1..2")
    table_is_current()
    hostnames()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
