#!/usr/bin/env python3
"""HTTPBasicAuthHandler: np_handler_basic_auth_new compared with CPython's
HTTPBasicAuthHandler (HTTPPasswordMgrWithDefaultRealm) against the same
CPython server, for a set of WWW-Authenticate challenges (quoted, single
quotes, unquoted, several schemes, several fields, none, Digest only),
with right and wrong credentials; and a 45 kB challenge of blanks and
commas before its Basic realm is answered at once, as CPython does."""
import base64
import http.server
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

from realpeers import Server

BIN = os.environ.get("NP_BINARY_DIR", "build")
TOOL = os.path.join(BIN, "tests", "request_tool_fetch")
GOOD = "Basic " + base64.b64encode(b"user:pass").decode()
CHALLENGES = [
    ['Basic realm="r"'],
    ["Basic realm='r'"],
    ["Basic realm=r"],
    ['Basic realm="r"  , Digest realm="d", nonce="x"'],
    ['Digest realm="d", nonce="x", Basic realm="r"'],
    ['Digest realm="d", nonce="x"', 'Basic realm="r"'],
    ['Digest realm="d", nonce="x"'],
    ["Basic"],
    [],
    ['basic realm="r"'],
    ["Basic realm=\"r'"],
    ['Basic REALM="upper"'],
    ['Newauth realm="apps", type=1, title="Login", Basic realm="simple"'],
    ["  Basic   realm=\"spaced\""],
    [',Basic realm="lead"'],
]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        auth = self.headers.get("Authorization")
        idx = int(self.path.split("/")[2])
        if auth == GOOD:
            code, body = 200, b"welcome"
        else:
            code, body = 401, ("denied %s" % auth).encode()
        self.send_response(code)
        if code == 401:
            for c in (HOSTILE if idx < 0 else CHALLENGES[idx]):
                self.send_header("WWW-Authenticate", c)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


HOSTILE = ["x" + " x" * 10000 + ",x " * 5000 + "," * 5000 + ' Basic realm="r"']


def show(r):
    return "status %s\nbody %s\n" % (r.status, r.read().decode())


def python_fetch(url, userpass, prior=False):
    user, pw = userpass.split(":", 1)
    if prior:
        mgr = urllib.request.HTTPPasswordMgrWithPriorAuth()
        mgr.add_password(None, url, user, pw, is_authenticated=True)
    else:
        mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        mgr.add_password(None, url, user, pw)
    opener = urllib.request.build_opener(urllib.request.HTTPBasicAuthHandler(mgr))
    try:
        with opener.open(url, timeout=10) as r:
            return show(r)
    except urllib.error.HTTPError as e:
        return "error HTTP %d\n%s" % (e.code, show(e))
    except ValueError:
        return "error ValueError\n"


def c_fetch(url, userpass, prior=False):
    out = subprocess.run([TOOL, "-p" if prior else "-u", userpass, url],
                         capture_output=True,
                         timeout=30, check=True).stdout.decode()
    lines = out.splitlines()
    if lines[0].startswith("error NP_EUNSUPPORTED"):
        return "error ValueError\n"
    res = ""
    if lines[0].startswith("error NP_EREQUEST_HTTP"):
        res = "error HTTP %s\n" % lines[0].split()[-1]
        lines = lines[2:]
    status = lines[0].split()[1]
    body = lines[lines.index("body:") + 1]
    return res + "status %s\nbody %s\n" % (status, body)


def main():
    srv = Server(Handler)
    base = "http://127.0.0.1:%d" % srv.port
    failed = 0
    for i, ch in enumerate(CHALLENGES):
        for creds in ("user:pass", "user:wrong"):
            url = "%s/auth/%d" % (base, i)
            want, got = python_fetch(url, creds), c_fetch(url, creds)
            ok = want == got
            failed += not ok
            print(("ok " if ok else "FAIL ") + "%r %s" % (ch, creds))
            if not ok:
                print("--- CPython\n%s--- netproto\n%s" % (want, got))
    # prior auth: credentials go with the first request, so a server that
    # sends no challenge at all still lets the client in
    url = "%s/auth/%d" % (base, CHALLENGES.index([]))
    for prior in (False, True):
        want, got = python_fetch(url, "user:pass", prior), c_fetch(url, "user:pass", prior)
        ok = want == got and (("welcome" in got) == prior)
        failed += not ok
        print(("ok " if ok else "FAIL ") + "prior auth %s" % prior)
        if not ok:
            print("--- CPython\n%s--- netproto\n%s" % (want, got))
    t = time.monotonic()
    out = c_fetch("%s/auth/-1" % base, "user:pass")
    took = time.monotonic() - t
    ok = took < 5 and out == python_fetch("%s/auth/-1" % base, "user:pass") \
        and "welcome" in out
    failed += not ok
    print(("ok " if ok else "FAIL ") + "hostile challenge answered in %.2fs" % took)
    srv.stop()
    print("%d failed" % failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
