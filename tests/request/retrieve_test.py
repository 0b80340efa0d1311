#!/usr/bin/env python3
"""urlretrieve: np_urlretrieve compared with CPython's urlretrieve on the
same URLs (the reporthook calls, the file, the errors): a 1 MB file from
http.server, a chunked body of unknown size, an empty body, a body shorter
than its Content-Length (ContentTooShortError), a 404, a file: URL, and
the temporary file urlcleanup removes."""
import http.server
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

from realpeers import Server

BIN = os.environ.get("NP_BINARY_DIR", "build")
TOOL = os.path.join(BIN, "tests", "request_tool_retrieve")
BIG = bytes(range(256)) * 4096  # 1 MiB


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        if self.path == "/big":
            self.send_response(200)
            self.send_header("Content-Length", str(len(BIG)))
            self.end_headers()
            self.wfile.write(BIG)
        elif self.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(5):
                part = b"x" * (3000 * (i + 1))
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        elif self.path == "/empty":
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/short":
            self.send_response(200)
            self.send_header("Content-Length", "20000")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"y" * 12345)
            self.close_connection = True
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()


def python_retrieve(url, filename):
    out = []

    def hook(b, bs, total):
        out.append("hook %d %d %d" % (b, bs, total))
    try:
        path, headers = urllib.request.urlretrieve(url, filename, hook)
        out.append("status ok")
    except urllib.error.ContentTooShortError as e:
        path, headers = e.content
        out.append("status NP_EREQUEST_CONTENT_TOO_SHORT")
        out.append("message %s" % e.reason)
    except urllib.error.HTTPError as e:
        out.append("status NP_EREQUEST_HTTP")
        out.append("message %s" % e)
        return "\n".join(out) + "\n"
    if url.startswith("file:") and not filename:
        path = urllib.request.url2pathname(urllib.parse.urlsplit(url).path)
    out.append("size %d" % os.path.getsize(path))
    out.append("path %s" % ("given" if filename and path == filename else
                            path if url.startswith("file:") else "temp"))
    cl = headers.get("Content-Length")
    out.append("content-length %s" % (cl if cl is not None else ""))
    urllib.request.urlcleanup()
    if not filename and not url.startswith("file:"):
        out.append("cleaned %d" % (not os.path.exists(path)))
    return "\n".join(out) + "\n"


def main():
    srv = Server(Handler)
    base = "http://127.0.0.1:%d" % srv.port
    tmp = tempfile.mkdtemp()
    local = os.path.join(tmp, "local file.bin")
    with open(local, "wb") as f:
        f.write(BIG[:30000])
    failed = 0
    cases = [(base + "/big", None), (base + "/big", "given"),
             (base + "/chunked", None), (base + "/empty", "given"),
             (base + "/short", "given"), (base + "/missing", None),
             ("file://" + urllib.request.pathname2url(local), None),
             ("file://" + urllib.request.pathname2url(local), "given")]
    for url, fname in cases:
        f1 = os.path.join(tmp, "py.out") if fname else None
        f2 = os.path.join(tmp, "c.out") if fname else None
        want = python_retrieve(url, f1)
        args = [TOOL, url] + ([f2] if f2 else [])
        got = subprocess.run(args, capture_output=True, timeout=60,
                             check=True).stdout.decode()
        same_bytes = not fname or "NP_EREQUEST_HTTP" in want or \
            open(f1, "rb").read() == open(f2, "rb").read()
        ok = want == got and same_bytes
        failed += not ok
        print("%s %s %s" % ("ok" if ok else "FAIL", url, fname))
        if not ok:
            print("--- CPython\n%s--- netproto\n%s" % (want, got))
    srv.stop()
    print("%d failed" % failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
