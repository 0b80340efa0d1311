#!/usr/bin/env python3
"""Response bodies through np_build_opener against real servers, compared
with CPython's urllib.request on the same servers: a 64 MiB file from
nginx (plain, and 16 MiB over TLS), read in pieces of an odd size and
checked by length and CRC-32 (also against the file); CPython servers
answering chunked with odd chunk sizes, chunk extensions and a trailer,
with one-byte chunks, and with a chunk larger than a read; bodies that
end early (a Content-Length body and a chunked body cut by the server
closing, from a raw-socket server) giving an incomplete read in both, the
bytes received kept (CPython keeps only the complete chunks of a cut
chunked body; netproto keeps all); and
404/500 error bodies (nginx's, and a 300 KiB one from CPython) readable
from the HTTPError in both."""
import http.server
import os
import random
import socket
import sys
import threading
import zlib

from realpeers import (Checker, Nginx, Server, clean_env, fetch_c, fetch_py,
                       free_port)
from peers import RawServer  # noqa: E402  (realpeers put tests/http on the path)

BIG = 64 << 20
TLS_BIG = 16 << 20


def pattern(n, seed):
    return random.Random(seed).randbytes(n)


class Chunked(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        kind = self.path.strip("/")
        if kind == "error":
            body = pattern(300 * 1024, 7)
            self.send_response(500)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if kind == "odd":
            sizes = [1, 2, 3, 7, 4093, 65537, 1, 1048573, 13, 8191, 8193,
                     65521, 131071, 5]
        elif kind == "tiny":
            sizes = [1] * 5000
        else:  # one chunk larger than any read, then a small one
            sizes = [3 * 1024 * 1024 + 17, 9]
        data = pattern(sum(sizes), len(sizes))
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        out, pos = [], 0
        for i, n in enumerate(sizes):
            ext = ";ext=%d" % i if i % 3 == 0 else ""
            out.append(b"%x%s\r\n" % (n, ext.encode()) + data[pos:pos + n] + b"\r\n")
            pos += n
            if len(out) > 64:
                self.wfile.write(b"".join(out))
                out = []
        out.append(b"0\r\nX-Trailer: done\r\n\r\n")
        self.wfile.write(b"".join(out))


class Cutter(RawServer):
    """A raw-socket server whose responses end before their body does."""

    RESPONSES = {
        "/short-length": b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                         b"Content-Length: 1000\r\n\r\n" + b"x" * 600,
        "/short-chunked": b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                          b"Transfer-Encoding: chunked\r\n\r\n"
                          b"a\r\n0123456789\r\n400\r\n" + b"y" * 300,
        "/short-big": b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                      b"Content-Length: 5000000\r\n\r\n" + b"z" * 3000000,
    }

    def handle(self, conn):
        try:
            conn.settimeout(10)
            head = b""
            while b"\r\n\r\n" not in head:
                piece = conn.recv(65536)
                if not piece:
                    break
                head += piece
            path = head.split(b" ")[1].decode() if b" " in head else "/"
            conn.sendall(self.RESPONSES.get(path, b"HTTP/1.1 404 Not Found\r\n"
                                            b"Content-Length: 0\r\n\r\n"))
        except OSError:
            pass
        conn.close()


def main():
    clean_env()
    port, tls_port = free_port(), free_port()
    ngx = chunked = cutter = None
    c = Checker()
    big = pattern(BIG, 1)
    big_crc = "body-length %d\nbody-crc32 %08x\n" % (BIG, zlib.crc32(big))
    tls_crc = "body-length %d\nbody-crc32 %08x\n" % (
        TLS_BIG, zlib.crc32(big[:TLS_BIG]))
    try:
        ngx = Nginx(lambda d: f"""
  server {{ listen 127.0.0.1:{port}; root {d}/www;
    location = /e404 {{ return 404 "not here\\n"; }}
    location = /e500 {{ return 500 "broke\\n"; }} }}
  server {{ listen 127.0.0.1:{tls_port} ssl; root {d}/www;
    ssl_certificate {d}/server.pem; ssl_certificate_key {d}/server.key; }}
""", [("127.0.0.1", port), ("127.0.0.1", tls_port)], tls=True,
            files={"big.bin": lambda f: f.write(big),
                   "tls.bin": lambda f: f.write(big[:TLS_BIG])})
        del big
        ca = os.path.join(ngx.dir, "ca.pem")
        chunked, cutter = Server(Chunked), Cutter()
        base = "http://127.0.0.1:%d" % port
        cbase = "http://127.0.0.1:%d" % chunked.port
        kbase = "http://127.0.0.1:%d" % cutter.port

        py = fetch_py(base + "/big.bin", big=True)
        got = fetch_c(base + "/big.bin", big=True)
        c.same("64 MiB from nginx", py, got, big_crc in got)
        url = "https://127.0.0.1:%d/tls.bin" % tls_port
        py = fetch_py(url, big=True, cafile=ca)
        got = fetch_c(url, big=True, cafile=ca)
        c.same("16 MiB from nginx over TLS", py, got, tls_crc in got)

        for kind in ("odd", "tiny", "huge-chunk"):
            py = fetch_py(cbase + "/" + kind, big=True)
            got = fetch_c(cbase + "/" + kind, big=True)
            c.same("chunked (%s) in pieces" % kind, py, got,
                   "body-length" in got and "read error" not in got)
        py, got = fetch_py(cbase + "/tiny"), fetch_c(cbase + "/tiny")
        c.same("chunked (tiny) read whole", py, got, len(got) > 5000)

        py, got = fetch_py(kbase + "/short-length"), fetch_c(kbase + "/short-length")
        c.same("Content-Length body cut: incomplete read, the part kept", py,
               got, "read error NP_EHTTP_INCOMPLETE_READ\nbody:\n%s\n" %
               ("x" * 600) in got)
        # A chunked body cut inside a chunk: CPython's IncompleteRead.partial
        # holds the complete chunks only, netproto keeps every byte received.
        py, got = fetch_py(kbase + "/short-chunked"), fetch_c(kbase + "/short-chunked")
        c.check("chunked body cut: incomplete read in both, netproto keeps "
                "the cut chunk's bytes too",
                py.endswith("read error NP_EHTTP_INCOMPLETE_READ\nbody:\n"
                            "0123456789\n") and
                got.endswith("read error NP_EHTTP_INCOMPLETE_READ\nbody:\n"
                             "0123456789%s\n" % ("y" * 300)),
                "--- CPython\n%s--- netproto\n%s" % (py, got))
        # read(n) in CPython 3.11 returns a short body without an error at
        # an early end of a Content-Length body; netproto reports it.
        py = fetch_py(kbase + "/short-big", big=True)
        got = fetch_c(kbase + "/short-big", big=True)
        c.check("early end read in pieces: CPython silent, netproto reports",
                "body-length 3000000\n" in py and "read error" not in py and
                "read error NP_EHTTP_INCOMPLETE_READ\nbody-length 3000000\n"
                in got, "--- CPython\n%s--- netproto\n%s" % (py, got))
        py, got = fetch_py(kbase + "/short-big"), fetch_c(kbase + "/short-big")
        c.same("early end read whole (3 MB of 5)", py, got,
               "read error NP_EHTTP_INCOMPLETE_READ" in got)

        for path in ("/e404", "/e500", "/missing"):
            py, got = fetch_py(base + path), fetch_c(base + path)
            c.same("nginx %s: the error body from the HTTPError" % path,
                   py, got, got.startswith("error NP_EREQUEST_HTTP code") and
                   "body:\n" in got and len(got.split("body:\n")[1]) > 4)
        py = fetch_py(cbase + "/error", big=True)
        got = fetch_c(cbase + "/error", big=True)
        c.same("300 KiB error body from the HTTPError", py, got,
               "code 500" in got and "body-length %d\n" % (300 * 1024) in got)
    finally:
        for peer in (ngx, chunked, cutter):
            if peer:
                peer.stop()
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
