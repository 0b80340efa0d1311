#!/usr/bin/env python3
"""Failures through np_build_opener compared with CPython's urllib.request
on the same peers: connection refused; TLS against nginx with a test CA
(unknown CA, a certificate for another name, both accepted when
verification is off, the right CA accepted); a server that accepts and
never answers, and one that stalls inside a body (time-outs); and the
scripted raw-socket server of tests/http/peers.py (MisbehavingServer):
closes without a response, not HTTP, bad status lines, HTTP/2, header
floods, over-long lines, truncated and malformed chunking, Content-Length
conflicts, obs-fold, 1xx responses, slow drips...  Outcomes are compared
by kind: success and body, HTTPError and code, or the kind of failure
(time-out, connection, disconnected, TLS verification, TLS, protocol,
incomplete read or malformed body) on open or on read, netproto keeping
the bytes read before a failure that CPython's read() drops.  Where netproto is deliberately
stricter than CPython the difference is asserted as such (STRICTER)."""
import http.client
import os
import re
import socket
import ssl
import sys
import threading
import time
import urllib.request

from realpeers import (Checker, Nginx, clean_env, fetch_c, fetch_py,
                       free_port)
from peers import MisbehavingServer, RawServer

# Responses netproto refuses on purpose where CPython's http.client reads
# on (framing ambiguities that allow response splitting, RFC 9112 2.2 and
# 6.3; an unbounded run of 1xx responses): the status netproto gives and
# how CPython's outcome starts.
STRICTER = {
    "/te-cl": ("NP_EHTTP_TE_AND_CL", "status 200"),
    "/dup-cl": ("NP_EHTTP_DUP_CONTENT_LENGTH", "status 200"),
    # CPython's header parser loses Content-Length after the bare CR and
    # then waits for the end of a body that never comes (time-out).
    "/bare-cr": ("NP_EHTTP_BARE_CR", "status 200"),
    # CPython skips all 100000 and fails only when the server closes.
    "/continue-flood": ("NP_EHTTP_TOO_MANY_INFORMATIONAL",
                        "failed: disconnected"),
}


def py_kind(exc):
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "timeout"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "disconnected"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "tls-verify"
    if isinstance(exc, ssl.SSLError):
        return "tls"
    if isinstance(exc, http.client.IncompleteRead):
        return "incomplete"
    if isinstance(exc, (http.client.HTTPException, ValueError)):
        return "protocol"
    if isinstance(exc, OSError):
        return "connection"
    return "other:%r" % (exc,)


def np_kind(name):
    return {"NP_ETIMEDOUT": "timeout", "NP_ESYS": "connection",
            "NP_EHTTP_REMOTE_DISCONNECTED": "disconnected",
            "NP_ETLS_VERIFY": "tls-verify", "NP_ETLS": "tls",
            "NP_EHTTP_INCOMPLETE_READ": "incomplete"}.get(
                name, "protocol" if name.startswith("NP_EHTTP_") else
                "other:" + name)


PY_READ = {"IncompleteRead": "incomplete", "TimeoutError": "timeout",
           "timeout": "timeout", "RemoteDisconnected": "disconnected"}


def read_kind(kind):
    """CPython reports a malformed body (a bad chunk size) as an
    IncompleteRead, netproto names the framing error: one kind here."""
    return "body" if kind in ("incomplete", "protocol") else kind


def norm_py(r):
    if r.startswith("error URLError"):
        return "failed: %s\n" % py_kind(r.exc)
    return re.sub(r"read error PY:(\w+)", lambda m: "read error " +
                  read_kind(PY_READ.get(m.group(1), "protocol")),
                  r.replace("read error NP_EHTTP_INCOMPLETE_READ",
                            "read error body"))


def norm_c(r):
    if r.startswith("error URLError"):
        return "failed: %s\n" % np_kind(r.detail.split()[1])
    return re.sub(r"read error (NP_\w+)",
                  lambda m: "read error " + read_kind(np_kind(m.group(1))), r)


class Silent(RawServer):
    """Accepts connections and never answers (until stopped)."""

    def __init__(self):
        self.conns = []
        super().__init__()

    def handle(self, conn):
        self.conns.append(conn)

    def stop(self):
        super().stop()
        for conn in self.conns:
            conn.close()
        self.sock.close()


def main():
    clean_env()
    good, other = free_port(), free_port()
    ngx = bad = silent = None
    c = Checker()

    def compare(name, url, py_kw=None, c_kw=None, want=None):
        py = norm_py(fetch_py(url, **(py_kw or {})))
        got = norm_c(fetch_c(url, **(c_kw or {})))
        same = py == got
        if not same and "read error" in py:
            # A failed read: CPython's read() drops what it had read (a
            # cut chunk, bytes before a time-out), netproto keeps it.
            ph, _, pb = py.partition("body:\n")
            gh, _, gb = got.partition("body:\n")
            same = ph == gh and gb.startswith(pb[:-1])
        c.check(name, same and (want is None or want in got),
                "--- CPython\n%s--- netproto\n%s" % (py, got))
        return got

    try:
        ngx = Nginx(lambda d: f"""
  server {{ listen 127.0.0.1:{good} ssl;
           ssl_certificate {d}/server.pem; ssl_certificate_key {d}/server.key;
           location / {{ return 200 "secure\\n"; }} }}
  server {{ listen 127.0.0.1:{other} ssl;
           ssl_certificate {d}/other.pem; ssl_certificate_key {d}/other.key;
           location / {{ return 200 "other\\n"; }} }}
""", [("127.0.0.1", good), ("127.0.0.1", other)], tls=True)
        ca = os.path.join(ngx.dir, "ca.pem")
        bad, silent = MisbehavingServer(), Silent()
        unverified = [urllib.request.HTTPSHandler(
            context=ssl._create_unverified_context())]

        compare("connection refused", "http://127.0.0.1:%d/" % free_port(),
                want="failed: connection")
        compare("TLS: the right CA", "https://127.0.0.1:%d/" % good,
                {"cafile": ca}, {"cafile": ca}, "secure")
        compare("TLS: unknown CA", "https://127.0.0.1:%d/" % good,
                want="failed: tls-verify")
        compare("TLS: a certificate for another name",
                "https://127.0.0.1:%d/" % other, {"cafile": ca},
                {"cafile": ca}, "failed: tls-verify")
        compare("TLS: another name, not verified",
                "https://127.0.0.1:%d/" % other, {"handlers": unverified},
                {"args": ["--insecure"]}, "other")
        compare("TLS: plain http to a TLS port", "http://127.0.0.1:%d/" % good,
                want="code 400")
        t0 = time.time()
        compare("a server that never answers: time-out",
                "http://127.0.0.1:%d/" % silent.port, {"timeout": 1},
                {"args": ["-t", "1000"]}, "failed: timeout")
        c.check("the time-outs took about a second each",
                time.time() - t0 < 6, "%.1f s" % (time.time() - t0))
        compare("a body that stalls: time-out on read",
                "http://127.0.0.1:%d/stall" % bad.port, {"timeout": 1},
                {"args": ["-t", "1000"]}, "read error timeout")

        for path in ("/ok", "/close-delimited", "/connection-close", "/http10",
                     "/truncated-length", "/truncated-chunked", "/bad-chunk",
                     "/chunk-overflow", "/chunked-ok", "/header-flood",
                     "/long-line", "/continue-some", "/bad-status",
                     "/not-http", "/http2", "/obs-fold", "/multi",
                     "/no-reason", "/big-chunked", "/no-response",
                     "/slow-drip", "/chunk-drip", "/bare-cr", "/missing",
                     "/te-cl", "/dup-cl", "/continue-flood"):
            url = "http://127.0.0.1:%d%s" % (bad.port, path)
            if path in STRICTER:
                status, py_start = STRICTER[path]
                py = norm_py(fetch_py(url, timeout=2))
                raw = fetch_c(url)
                c.check("%s: CPython reads on, netproto refuses (%s)" % (
                    path, status),
                    py.startswith(py_start) and
                    raw.detail == "error " + status,
                    "--- CPython\n%s--- netproto\n%s %s" % (py, raw, raw.detail))
            else:
                compare(path, url)
    finally:
        for peer in (ngx, bad, silent):
            if peer:
                peer.stop()
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
