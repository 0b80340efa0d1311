#!/usr/bin/env python3
"""Streamed request bodies (np_request_set_body, np_request_set_data_file)
compared with CPython's urllib.request: a CPython http.server started here
records each request's method, path, Content-Length, Transfer-Encoding,
Content-Type and body bytes (chunks decoded); what urllib sends for a file
object or an iterable without a length, and for a file with a
Content-Length header, must be what tests/request/tool_open sends for the
same body.  Then the resends: a 307 (HTTPError in both by default; with
NP_REDIRECT_RESEND_BODY the body is sent again, rewound), a Basic auth
retry (the body again, as urllib sends bytes data again), and a body
without rewind that would have to be resent (a named error, never an
empty body)."""
import base64
import http.server
import os
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request

from realpeers import Checker, Server, read_body

BIN = os.environ.get("NP_BINARY_DIR", "build")
TOOL = os.path.join(BIN, "tests", "request_tool_open")

RECORDS = []
LOCK = threading.Lock()


class Recorder(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def handle_any(self):
        body = read_body(self)
        rec = "%s %s cl=%s te=%s ct=%s len=%d body=%s" % (
            self.command, self.path, self.headers.get("Content-Length"),
            self.headers.get("Transfer-Encoding"),
            self.headers.get("Content-Type"), len(body),
            base64.b64encode(body[:64]).decode())
        with LOCK:
            RECORDS.append((rec, body))
        if self.path.startswith("/r307"):
            self.send_response(307)
            self.send_header("Location", "/echo")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path.startswith("/auth") and not self.headers.get("Authorization"):
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="r"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        msg = b"got %d" % len(body)
        self.send_response(200)
        self.send_header("Content-Length", str(len(msg)))
        self.end_headers()
        self.wfile.write(msg)

    do_GET = do_POST = do_PUT = handle_any


def take():
    with LOCK:
        out = list(RECORDS)
        RECORDS.clear()
    return out


def python(url, data, method=None, headers=None, auth=None):
    handlers = []
    if auth:
        mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        mgr.add_password(None, url, *auth.split(":"))
        handlers.append(urllib.request.HTTPBasicAuthHandler(mgr))
    opener = urllib.request.build_opener(*handlers)
    req = urllib.request.Request(url, data=data, method=method,
                                 headers=headers or {})
    try:
        with opener.open(req, timeout=10) as r:
            out = "status %d\nbody:\n%s\n" % (r.status, r.read().decode())
    except urllib.error.HTTPError as e:
        out = "error HTTP %d\n" % e.code
    return out, take()


def ours(*args):
    p = subprocess.run([TOOL] + list(args), capture_output=True, timeout=60)
    out = p.stdout.decode("latin-1")
    if p.returncode != 0 or p.stderr:
        out += "exit %d %s" % (p.returncode, p.stderr.decode("latin-1"))
    lines = out.splitlines(True)
    lines = [l for l in lines if not l.startswith("idle ")]
    norm = "".join(lines)
    if norm.startswith("error NP_EREQUEST_HTTP code "):
        norm = "error HTTP %s\n" % norm.split()[3]
    return norm, take()


CHECK = Checker()
check = CHECK.check


def same(name, want, got):
    check(name, want == got,
          "--- CPython\n%s\n--- netproto\n%s" % (want, got))


def main():
    srv = Server(Recorder)
    base = "http://127.0.0.1:%d" % srv.port
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, "body.bin")
    content = os.urandom(100000) + b"end\n"
    with open(path, "wb") as f:
        f.write(content)
    small = os.path.join(tmp, "small.txt")
    with open(small, "wb") as f:
        f.write(b"a=1&b=2")
    try:
        def chunks():
            for i in range(0, len(content), 7000):
                yield content[i:i + 7000]

        # a file object without a length: chunked, PUT and POST
        with open(path, "rb") as f:
            want = python(base + "/echo", f, method="PUT")
        same("file object, PUT, chunked", want,
             ours("-X", "PUT", "--stream", path, base + "/echo"))
        with open(path, "rb") as f:
            want = python(base + "/echo", f)
        same("file object, POST, chunked", want,
             ours("--stream", path, base + "/echo"))
        # an iterable without a length
        want = python(base + "/echo", chunks())
        same("iterable, chunked", want, ours("--stream", path, base + "/echo"))
        # a length given: Content-Length, no chunking
        with open(path, "rb") as f:
            want = python(base + "/echo", f,
                          headers={"Content-Length": str(len(content))})
        same("file with Content-Length", want,
             ours("--file", path, base + "/echo"))
        with open(small, "rb") as f:
            want = python(base + "/echo", f, method="PUT",
                          headers={"Content-Length": "7",
                                   "Content-Type": "text/plain"})
        same("small file, PUT, own Content-Type", want,
             ours("-X", "PUT", "-H", "Content-Type: text/plain", "--file",
                  small, base + "/echo"))
        # a 307 for a POST is an HTTPError in both, by default
        with open(path, "rb") as f:
            want = python(base + "/r307", f,
                          headers={"Content-Length": str(len(content))})
        same("307 with a file body: HTTPError", want,
             ours("--file", path, base + "/r307"))
        # NP_REDIRECT_RESEND_BODY: the body again at the new place
        out, recs = ours("--resend", "--file", path, base + "/r307")
        check("307 resend: followed", out.startswith("status 200\n") and
              "got %d" % len(content) in out, out)
        check("307 resend: both got the whole body with its length",
              len(recs) == 2 and all(b == content for _, b in recs) and
              all(("cl=%d" % len(content)) in r for r, _ in recs) and
              recs[1][0].startswith("POST /echo"), recs and recs[-1][0])
        out, recs = ours("--resend", "-X", "PUT", "--stream", path,
                         base + "/r307")
        check("307 resend of a chunked stream (rewound)",
              out.startswith("status 200\n") and len(recs) == 2 and
              all(b == content for _, b in recs) and
              all("te=chunked" in r for r, _ in recs) and
              recs[1][0].startswith("PUT /echo"),
              out + str([r for r, _ in recs]))
        out, recs = ours("--resend", "--stream-norewind", path, base + "/r307")
        check("307 resend without rewind: NP_ESTATE, nothing sent empty",
              out.startswith("error NP_ESTATE") and len(recs) == 1 and
              recs[0][1] == content, out + str([r for r, _ in recs]))
        # auth retry: the body is sent again (urllib resends bytes data)
        want = python(base + "/auth", content, auth="u:p",
                      headers={"Content-Length": str(len(content))})
        same("401 retry with a file body", want,
             ours("-u", "u:p", "--file", path, base + "/auth"))
        out, recs = ours("-u", "u:p", "--stream", path, base + "/auth")
        check("401 retry with a chunked stream (rewound)",
              out.startswith("status 200") and len(recs) == 2 and
              all(b == content for _, b in recs),
              out + str([r for r, _ in recs]))
        out, recs = ours("-u", "u:p", "--stream-norewind", path,
                         base + "/auth")
        check("401 retry without rewind: NP_ESTATE",
              out.startswith("error NP_ESTATE") and len(recs) == 1,
              out + str([r for r, _ in recs]))
        out, recs = ours("--file", os.path.join(tmp, "missing"),
                         base + "/echo")
        check("missing file: NP_ESYS before any request",
              out.startswith("error NP_ESYS") and not recs, out)
    finally:
        srv.stop()
        for p in (path, small):
            os.unlink(p)
        os.rmdir(tmp)
    return CHECK.done()


if __name__ == "__main__":
    sys.exit(main())
