#!/usr/bin/env python3
"""Interop: cookies.txt files written by curl and read by netproto, and
written by netproto and read by curl (Debian package curl).

A small HTTP server on 127.0.0.1 (a free port, stopped at the end) sets
cookies and echoes the Cookie header it receives.  curl reaches it as
www.example.test (--resolve), so domain cookies are exercised too.

1. curl -c writes a jar from the server's Set-Cookie fields; netproto loads
   it: the same cookies as CPython's MozillaCookieJar loads, and the same
   Cookie header as curl -b sends for several URLs.
2. netproto extracts the same Set-Cookie fields and saves a cookies.txt;
   curl -b reads it and sends, for each URL, the Cookie header netproto
   computes (compared as sets: the two order equal-length paths apart).
"""
import http.cookiejar
import http.server
import os
import subprocess
import sys
import tempfile
import threading

BIN = os.environ.get("NP_BINARY_DIR", "build")
TOOL = os.path.join(BIN, "tests", "cookiejar_tool_cookiefile")
HOST = "www.example.test"
SET_COOKIES = [
    "plain=1; Max-Age=3600",
    "rooted=2; Path=/; Max-Age=3600",
    "deep=3; Path=/app/sub; Max-Age=3600",
    "dom=4; Domain=.example.test; Path=/; Max-Age=3600",
    "hidden=5; Path=/; HttpOnly; Max-Age=3600",
    "quoted=\"a b\"; Path=/; Max-Age=3600",
    "late=6; Path=/app; expires=Wed, 09 Jun 2100 10:18:14 GMT",
]
URLS = ["/app/x", "/app/sub/y", "/", "/other"]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = (self.headers.get("Cookie") or "").encode()
        self.send_response(200)
        if self.path.startswith("/app/set"):
            for c in SET_COOKIES:
                self.send_header("Set-Cookie", c)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def curl(port, path, *args):
    out = subprocess.run(
        ["curl", "-s", "--max-time", "10", "--resolve",
         "%s:%d:127.0.0.1" % (HOST, port), *args,
         "http://%s:%d%s" % (HOST, port, path)],
        capture_output=True, timeout=30, check=True)
    return out.stdout.decode()


def as_set(header):
    return sorted(p.strip() for p in header.split(";") if p.strip())


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    bad = 0
    try:
        with tempfile.TemporaryDirectory() as tmp:
            curl_jar = os.path.join(tmp, "curl.txt")
            curl(port, "/app/set", "-c", curl_jar)
            # 1. curl's file, read by netproto and by CPython
            py = http.cookiejar.MozillaCookieJar(curl_jar)
            py.load(ignore_discard=True, ignore_expires=True)
            want = sorted("%s %s %s %s" % (c.domain, c.path, c.name, c.value)
                          for c in py)
            for path in URLS:
                url = "http://%s:%d%s" % (HOST, port, path)
                out = subprocess.run([TOOL, "load", curl_jar, url],
                                     capture_output=True, timeout=30)
                lines = out.stdout.decode().splitlines()
                if out.returncode != 0:
                    print("load failed:", out.stderr.decode())
                    return 1
                mine = sorted(lines[:-1])
                if mine != want:
                    bad += 1
                    print("cookies differ from CPython's:\n %r\n %r" %
                          (want, mine))
                sent = as_set(curl(port, path, "-b", curl_jar))
                ours = as_set(lines[-1][len("Cookie: "):])
                if sent != ours:
                    bad += 1
                    print("%s: curl sends %r, netproto %r" % (path, sent, ours))
            if len(want) != len(SET_COOKIES):
                bad += 1
                print("curl kept %d cookies, expected %d" % (len(want),
                                                            len(SET_COOKIES)))
            # 2. netproto's file, read by curl
            for path in URLS:
                np_jar = os.path.join(tmp, "np.txt")
                set_url = "http://%s:%d/app/set" % (HOST, port)
                out = subprocess.run([TOOL, "save", np_jar, set_url]
                                     + SET_COOKIES, capture_output=True,
                                     timeout=30)
                if out.returncode != 0:
                    print("save failed:", out.stderr.decode())
                    return 1
                url = "http://%s:%d%s" % (HOST, port, path)
                ours = subprocess.run([TOOL, "load", np_jar, url],
                                      capture_output=True, timeout=30)
                ours = as_set(ours.stdout.decode().splitlines()[-1][8:])
                sent = as_set(curl(port, path, "-b", np_jar))
                if sent != ours:
                    bad += 1
                    print("%s: curl sends %r from netproto's file, netproto "
                          "%r" % (path, sent, ours))
                if path == "/app/x" and "hidden=5" not in sent:
                    bad += 1
                    print("curl did not read the #HttpOnly_ line")
    finally:
        server.shutdown()
        server.server_close()
    print("curl interop: %d problems" % bad)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
