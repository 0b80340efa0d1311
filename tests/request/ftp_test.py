#!/usr/bin/env python3
"""FTPHandler: np_build_opener's ftp handler compared with CPython's
urlopen (FTPHandler) against pyftpdlib (started by tests/ftp/ftp_peers.py
on a free loopback port): a file by user and password, anonymously, in a
sub-directory, with a quoted name, with ;type=a, a missing file, a wrong
password, and a directory (its LIST, compared line by line)."""
import os
import subprocess
import sys
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "ftp"))
import ftp_peers  # noqa: E402

BIN = os.environ.get("NP_BINARY_DIR", "build")
TOOL = os.path.join(BIN, "tests", "request_tool_fetch")


def show(r):
    return "status %s\nurl %s\nreason %s\ncontent-type %s\nbody:\n%s\n" % (
        r.status or 0, r.url, getattr(r, "reason", "") or "",
        r.headers.get("Content-type", ""),
        r.read().decode("latin-1"))


def python_fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=20) as r:
            return show(r)
    except urllib.error.URLError:
        return "error\n"


def c_fetch(url):
    out = subprocess.run([TOOL, url], capture_output=True, timeout=60,
                         check=True).stdout.decode("latin-1")
    return "error\n" if out.startswith("error") else out


def main():
    home = ftp_peers.tmpdir()
    os.makedirs(os.path.join(home, "sub dir"))
    with open(os.path.join(home, "a.txt"), "w") as f:
        f.write("hello ftp\nsecond line\n")
    with open(os.path.join(home, "sub dir", "b c.html"), "w") as f:
        f.write("<p>nested</p>\n" * 2000)
    with open(os.path.join(home, "data.bin"), "wb") as f:
        f.write(bytes(range(256)) * 64)
    srv = ftp_peers.pyftpd(home)
    base = "ftp://user:pass@127.0.0.1:%d" % srv.port
    anon = "ftp://127.0.0.1:%d" % srv.port
    cases = [base + "/a.txt", anon + "/a.txt", base + "/sub%20dir/b%20c.html",
             base + "/data.bin", base + "/a.txt;type=a", base + "/missing.txt",
             "ftp://user:wrong@127.0.0.1:%d/a.txt" % srv.port,
             base + "/sub%20dir/", base + "/sub%20dir"]
    failed = 0
    try:
        for url in cases:
            want, got = python_fetch(url), c_fetch(url)
            ok = want == got
            failed += not ok
            print("%s %s" % ("ok" if ok else "FAIL", url))
            if not ok:
                print("--- CPython\n%s--- netproto\n%s" % (want[:2000], got[:2000]))
    finally:
        srv.stop()
        ftp_peers.rmtree(home)
    print("%d failed" % failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
