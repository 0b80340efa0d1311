#!/usr/bin/env python3
"""np_handler_cache_ftp_new (CacheFTPHandler) compared with CPython's
urllib.request.CacheFTPHandler against pyftpdlib (a server started here
that logs each connection and login): the same bodies, and the same
number of logins for files in one directory (one), two directories
alternating (two), a refused file in between (the connection is kept),
connections idle past setTimeout (a new login each) and a server that
closes idle control connections (a transparent new login).  Then the
max_conns limit with a limit of one (a login per switch)."""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "ftp"))
import ftp_peers  # noqa: E402
from realpeers import Checker  # noqa: E402

BIN = os.environ.get("NP_BINARY_DIR", "build")
TOOL = os.path.join(BIN, "tests", "request_tool_open")


CHECK = Checker()
check = CHECK.check


class Server:
    def __init__(self, home, idle=0):
        self.log = tempfile.mktemp(prefix="np-ftplog-")
        open(self.log, "w").close()
        argv = [ftp_peers.SYSTEM_PY, os.path.join(HERE, "ftp_counting_server.py"),
                "--port", str(ftp_peers.free_port()), "--home", home,
                "--log", self.log, "--idle", str(idle)]
        self.proc = ftp_peers.Proc(argv)
        self.port = self.proc.port

    def take(self):
        time.sleep(0.2)
        with open(self.log) as f:
            lines = f.read().splitlines()
        open(self.log, "w").close()
        return lines

    def stop(self):
        self.proc.stop()
        os.unlink(self.log)


def python(urls, max_conns=16, timeout=60, pause=0):
    h = urllib.request.CacheFTPHandler()
    h.setTimeout(timeout)
    h.setMaxConns(max_conns)
    opener = urllib.request.build_opener(h)
    out = ""
    for i, u in enumerate(urls):
        if i and pause:
            time.sleep(pause)
        try:
            with opener.open(u, timeout=10) as r:
                out += "status 0\nbody:\n%s\n" % r.read().decode("latin-1")
        except urllib.error.URLError:
            out += "error\n"
    h.clear_cache()
    return out


def ours(urls, max_conns=16, timeout=60, pause=0):
    argv = [TOOL, "--cache-ftp", "%d,%d" % (max_conns, timeout)]
    if pause:
        argv += ["--sleep-ms", str(int(pause * 1000))]
    p = subprocess.run(argv + urls, capture_output=True, timeout=60)
    out = ""
    for line in p.stdout.decode("latin-1").splitlines(True):
        if line.startswith("error "):
            out += "error\n"
        elif line.startswith("status 0"):
            out += "status 0\n"
        else:
            out += line
    if p.returncode or p.stderr:
        out += "exit %d %s" % (p.returncode, p.stderr.decode())
    tail = out[out.rfind("idle "):]
    return out[:out.rfind("idle ")], tail


def logins(lines):
    return sum(1 for l in lines if l.startswith("login"))


def compare(name, srv, urls, **kw):
    want = python(urls, **kw)
    py_log = srv.take()
    got, tail = ours(urls, **kw)
    c_log = srv.take()
    check(name + ": bodies as CPython", want == got,
          "--- CPython\n%s--- netproto\n%s" % (want[:1500], got[:1500]))
    check(name + ": logins as CPython (%d)" % logins(py_log),
          logins(py_log) == logins(c_log) and len(py_log) == len(c_log),
          "CPython %s\nnetproto %s" % (py_log, c_log))
    return c_log, tail


def main():
    home = tempfile.mkdtemp(prefix="np-cacheftp-")
    for d in ("a", "b"):
        os.makedirs(os.path.join(home, d))
        for i in range(3):
            with open(os.path.join(home, d, "f%d.txt" % i), "w") as f:
                f.write("%s file %d\n" % (d, i) * (i * 500 + 1))
    srv = Server(home)
    idle = Server(home, idle=1)
    try:
        base = "ftp://user:pass@127.0.0.1:%d" % srv.port
        same = [base + "/a/f%d.txt" % i for i in range(3)] + [base + "/a/f0.txt"]
        log, tail = compare("one directory", srv, same)
        check("one directory: one login", logins(log) == 1, log)
        check("one directory: one connection cached", "ftpcache 1" in tail, tail)
        alt = [base + "/%s/f%d.txt" % (d, i) for i in range(3) for d in "ab"]
        log, _ = compare("two directories alternating", srv, alt, max_conns=3)
        check("two directories: two logins", logins(log) == 2, log)
        refused = [base + "/a/f0.txt", base + "/a/missing.txt", base + "/a/f1.txt",
                   base + "/a/", base + "/a/f2.txt"]
        log, _ = compare("a refused file and a listing in between", srv, refused)
        check("refused file: the connection is kept", logins(log) == 1, log)
        anon = "ftp://127.0.0.1:%d" % srv.port
        log, _ = compare("anonymous and user kept apart", srv,
                         [anon + "/a/f0.txt", base + "/a/f0.txt",
                          anon + "/a/f1.txt", base + "/a/f1.txt"])
        check("anonymous and user: two logins", logins(log) == 2, log)
        # check_cache closes the other keys' connections past their time
        # (the key asked for is renewed first, as connect_ftp does)
        log, _ = compare("idle past setTimeout(1)", srv,
                         [base + "/a/f0.txt", base + "/b/f0.txt",
                          base + "/a/f1.txt", base + "/a/f2.txt"],
                         timeout=1, pause=1.3)
        check("expired: a new login for the other key", logins(log) == 3, log)
        ibase = "ftp://user:pass@127.0.0.1:%d" % idle.port
        log, _ = compare("server closed the idle connection", idle,
                         [ibase + "/a/f0.txt", ibase + "/a/f1.txt"], pause=2.0)
        check("closed by the server: a new login, transparently",
              logins(log) == 2, log)
        got, tail = ours(alt, max_conns=1)
        log = srv.take()
        check("max_conns 1: a login per switch of directory",
              logins(log) == 6 and "ftpcache 1" in tail, str(log) + tail)
        got2, _ = ours(alt, max_conns=2)
        log = srv.take()
        check("max_conns 2: two directories fit", logins(log) == 2, log)
        check("max_conns: same bodies", got == got2 == python(alt), got)
        srv.take()
    finally:
        srv.stop()
        idle.stop()
        shutil.rmtree(home, ignore_errors=True)
    return CHECK.done()


if __name__ == "__main__":
    sys.exit(main())
