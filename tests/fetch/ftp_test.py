#!/usr/bin/env python3
"""`netproto fetch` with ftp: URLs against pyftpdlib (started by
tests/ftp/ftp_peers.py on a free loopback port), compared with curl on the
same server: a file by user and password and anonymously, one in a
sub-directory with a quoted name, binary data, several files in one run
(-o each), -O; a missing file and a wrong password give exit status 3
(network or URL error) as curl fails too."""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "ftp"))
import ftp_peers  # noqa: E402

CLI = os.environ["NP_CLI"]
CURL = shutil.which("curl")
failed = 0


def check(cond, what, detail=""):
    global failed
    failed += not cond
    print("%s %s" % ("ok" if cond else "FAIL", what))
    if not cond and detail:
        print("# %s" % str(detail)[:500])


def fetch(args, cwd=None):
    return subprocess.run([CLI, "fetch", "-s"] + args, capture_output=True,
                          timeout=60, cwd=cwd)


def main():
    # the curl comparisons below are part of the test, not optional
    check(CURL is not None, "curl is installed (scripts/deps.txt)")
    home = ftp_peers.tmpdir()
    os.makedirs(os.path.join(home, "sub dir"))
    files = {"a.txt": b"hello ftp\nsecond line\n",
             "sub dir/b c.html": b"<p>nested</p>\n" * 2000,
             "data.bin": bytes(range(256)) * 4096}
    for name, data in files.items():
        with open(os.path.join(home, name), "wb") as f:
            f.write(data)
    srv = ftp_peers.pyftpd(home)
    base = "ftp://user:pass@127.0.0.1:%d" % srv.port
    anon = "ftp://127.0.0.1:%d" % srv.port
    work = tempfile.mkdtemp(prefix="np-fetch-ftp-")
    try:
        for url, want in ((base + "/a.txt", files["a.txt"]),
                          (anon + "/a.txt", files["a.txt"]),
                          (base + "/sub%20dir/b%20c.html",
                           files["sub dir/b c.html"]),
                          (base + "/data.bin", files["data.bin"])):
            r = fetch([url])
            check(r.returncode == 0 and r.stdout == want,
                  "%s: the file's bytes, exit 0" % url.split("@")[-1],
                  (r.returncode, r.stderr))
            if CURL:
                c = subprocess.run([CURL, "-s", url], capture_output=True,
                                   timeout=60)
                check(c.stdout == r.stdout, "%s: same bytes as curl"
                      % url.split("@")[-1])
        outs = [os.path.join(work, "one"), os.path.join(work, "two")]
        r = fetch(["-o", outs[0], base + "/a.txt", "-o", outs[1],
                   base + "/data.bin"])
        got = [open(p, "rb").read() if os.path.exists(p) else None
               for p in outs]
        check(r.returncode == 0 and got == [files["a.txt"], files["data.bin"]],
              "two ftp URLs in one run, -o each", r.stderr)
        r = fetch(["-O", base + "/data.bin"], cwd=work)
        path = os.path.join(work, "data.bin")
        check(r.returncode == 0 and os.path.exists(path) and
              hashlib.sha256(open(path, "rb").read()).digest() ==
              hashlib.sha256(files["data.bin"]).digest(),
              "-O names the file after the URL's last segment", r.stderr)
        for url, what in ((base + "/missing.txt", "a missing file"),
                          ("ftp://user:wrong@127.0.0.1:%d/a.txt" % srv.port,
                           "a wrong password")):
            r = fetch([url])
            check(r.returncode == 3 and r.stdout == b"" and
                  r.stderr.startswith(b"netproto fetch: ftp://"),
                  "%s: exit 3 with a message naming the URL" % what,
                  (r.returncode, r.stderr))
            if CURL:
                c = subprocess.run([CURL, "-s", url], capture_output=True,
                                   timeout=60)
                check(c.returncode != 0, "%s: curl fails too" % what)
    finally:
        srv.stop()
        ftp_peers.rmtree(home)
        shutil.rmtree(work, ignore_errors=True)
    print("%d failed" % failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
