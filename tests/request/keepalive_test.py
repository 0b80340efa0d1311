#!/usr/bin/env python3
"""np_opener_set_keepalive against real peers, driven through
tests/request/tool_open: a CPython ThreadingHTTPServer speaking HTTP/1.1
that records each request's client port and Connection header (N requests
-> one connection with the pool, N without, "Connection: close" only
without), chunked responses and a redirect reused, a response freed before
its end not pooled, a server that closes idle connections and one that
drops the second request of each connection without answering (the
request is sent again, transparently, also a POST whose file body is
rewound), and nginx closing after keepalive_requests 3 (the right bodies,
one connection per three requests)."""
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from realpeers import Checker, Nginx, free_port, read_body

BIN = os.environ.get("NP_BINARY_DIR", "build")
TOOL = os.path.join(BIN, "tests", "request_tool_open")

LOG = []
LOCK = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    drop_second = False
    served = None

    def log_message(self, *a):
        pass

    def handle_one_request(self):
        if self.drop_second:
            if self.served is None:
                self.served = 0
            if self.served == 1:  # read the request, answer nothing
                self.raw_requestline = self.rfile.readline(65537)
                self.close_connection = True
                if self.raw_requestline:  # not the client closing it
                    with LOCK:
                        LOG.append((self.client_address[1], "dropped", None,
                                    b""))
                self.served += 1
                return
            self.served += 1
        super().handle_one_request()

    def do_any(self):
        body = read_body(self)
        with LOCK:
            LOG.append((self.client_address[1], self.path,
                        self.headers.get("Connection"), body))
        if self.path.startswith("/redir"):
            self.send_response(302)
            self.send_header("Location", "/n/after")
            msg = b"moved"
            self.send_header("Content-Length", str(len(msg)))
            self.end_headers()
            self.wfile.write(msg)
            return
        if self.path.startswith("/chunked"):
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b"chunk-", self.path.encode()):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
            return
        if self.path.startswith("/big"):
            msg = b"x" * 200000
        else:
            msg = b"resp " + self.path.encode() + b" got %d" % len(body)
        self.send_response(200)
        self.send_header("Content-Length", str(len(msg)))
        self.end_headers()
        self.wfile.write(msg)

    do_GET = do_POST = do_any


class IdleCloser(Handler):
    timeout = 0.3  # the server closes a connection idle this long


class Dropper(Handler):
    drop_second = True


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # resets by a client that freed a response early are expected


def serve(cls):
    srv = Server(("127.0.0.1", 0), cls)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, "http://127.0.0.1:%d" % srv.server_address[1]


def take():
    with LOCK:
        out = list(LOG)
        LOG.clear()
    return out


def run(*args):
    p = subprocess.run([TOOL] + list(args), capture_output=True, timeout=60)
    return p.stdout.decode("latin-1") + p.stderr.decode("latin-1"), p.returncode


CHECK = Checker()
check = CHECK.check


def bodies_ok(out, urls, base, got=None):
    want = "".join("status 200\nbody:\nresp %s got %d\n" %
                   (u[len(base):], got or 0) for u in urls)
    return out.startswith(want)


def nginx_case():
    if not shutil.which("nginx") and not os.path.exists("/usr/sbin/nginx"):
        check("nginx installed (scripts/install-deps.sh)", False)
        return
    names = ["f%d.txt" % i for i in range(7)]
    files = {name: (lambda f, i=i: f.write(b"file %d\n" % i * (i * 300 + 1)))
             for i, name in enumerate(names)}
    port, tls_port = free_port(), free_port()
    ngx = Nginx(lambda d: f"""
  log_format ka '$connection $connection_requests $request_uri $http_connection';
  keepalive_requests 3;
  server {{ listen 127.0.0.1:{port}; root {d}/www; access_log {d}/access.log ka; }}
  server {{ listen 127.0.0.1:{tls_port} ssl; root {d}/www;
           access_log {d}/access.log ka;
           ssl_certificate {d}/server.pem; ssl_certificate_key {d}/server.key; }}
""", [("127.0.0.1", tls_port), ("127.0.0.1", port)], tls=True, files=files)
    d = ngx.dir
    try:
        # nginx counts the probe connection; start the log afresh
        open(os.path.join(d, "access.log"), "w").close()
        urls = ["http://127.0.0.1:%d/%s" % (port, n) for n in names]
        out, rc = run("--keepalive", "4", *urls)
        want = "".join("status 200\nbody:\n%s\n" % ("file %d\n" % i * (i * 300 + 1))
                       for i in range(7))
        check("nginx: right bodies across its keepalive_requests 3 closes",
              rc == 0 and out.startswith(want), out[:500])
        time.sleep(0.2)
        lines = [l.split() for l in ngx.log("access.log").splitlines()
                 if l.strip()]
        conns = [l[0] for l in lines]
        check("nginx: 7 requests on 3 connections (3 + 3 + 1)",
              len(lines) == 7 and len(set(conns)) == 3 and
              [int(l[1]) for l in lines] == [1, 2, 3, 1, 2, 3, 1], lines)
        check("nginx: no Connection: close sent",
              all(l[3] == "-" for l in lines), lines)
        open(os.path.join(d, "access.log"), "w").close()
        turls = ["https://127.0.0.1:%d/%s" % (tls_port, n) for n in names]
        out, rc = run("--keepalive", "4", "--cacert",
                      os.path.join(d, "ca.pem"), *turls)
        check("nginx https: right bodies", rc == 0 and out.startswith(want),
              out[:500])
        time.sleep(0.2)
        lines = [l.split() for l in ngx.log("access.log").splitlines()
                 if l.strip()]
        check("nginx https: 7 requests on 3 TLS connections",
              len(lines) == 7 and len({l[0] for l in lines}) == 3 and
              [int(l[1]) for l in lines] == [1, 2, 3, 1, 2, 3, 1], lines)
    finally:
        ngx.stop()


def main():
    srv, base = serve(Handler)
    idle, ibase = serve(IdleCloser)
    drop, dbase = serve(Dropper)
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, "body.txt")
    with open(path, "wb") as f:
        f.write(b"z" * 5000)
    try:
        urls = [base + "/n/%d" % i for i in range(6)]
        out, rc = run("--keepalive", "4", *urls)
        log = take()
        check("pool: 6 requests, 1 connection", len({p for p, *_ in log}) == 1
              and len(log) == 6, log)
        check("pool: right bodies, one idle connection left",
              rc == 0 and bodies_ok(out, urls, base) and out.endswith("idle 1\n"), out)
        check("pool: no Connection header sent",
              all(c is None for _, _, c, _ in log), log)
        out, rc = run(*urls)
        log = take()
        check("default: 6 requests, 6 connections, Connection: close",
              len({p for p, *_ in log}) == 6 and
              all(c == "close" for _, _, c, _ in log) and
              bodies_ok(out, urls, base) and out.endswith("idle 0\n"), log)
        curls = [base + "/chunked/%d" % i for i in range(3)]
        out, rc = run("--keepalive", "2", *curls)
        log = take()
        check("chunked responses: 1 connection, right bodies",
              len({p for p, *_ in log}) == 1 and out.startswith(
                  "".join("status 200\nbody:\nchunk-/chunked/%d\n" % i
                          for i in range(3))), out)
        out, rc = run("--keepalive", "2", base + "/redir/1", base + "/n/x")
        log = take()
        check("a redirect's body is read and its connection reused",
              len(log) == 3 and len({p for p, *_ in log}) == 1 and
              out.startswith("status 200\nbody:\nresp /n/after got 0\n"), log)
        out, rc = run("--keepalive", "4", "--partial", base + "/big/1",
                      base + "/big/2", base + "/big/3")
        log = take()
        check("responses freed before their end: not pooled",
              len({p for p, *_ in log}) == 3 and out.endswith("idle 0\n"), out)
        out, rc = run("--keepalive", "4", "-d", "abc", *urls[:3])
        log = take()
        check("POST with byte data on one connection",
              len({p for p, *_ in log}) == 1 and bodies_ok(out, urls[:3], base, 3),
              out)
        # the server closes idle connections: a new one, transparently
        iurls = [ibase + "/n/%d" % i for i in range(3)]
        out, rc = run("--keepalive", "4", "--sleep-ms", "700", *iurls)
        log = take()
        check("idle connections closed by the server: new ones, right bodies",
              rc == 0 and bodies_ok(out, iurls, ibase) and
              len({p for p, *_ in log}) == 3, out + str(log))
        # the server drops the second request of each connection unanswered
        durls = [dbase + "/n/%d" % i for i in range(5)]
        out, rc = run("--keepalive", "4", *durls)
        log = take()
        answered = [l for l in log if l[1] != "dropped"]
        check("dropped request sent again on a fresh connection",
              rc == 0 and bodies_ok(out, durls, dbase) and len(answered) == 5
              and sum(1 for l in log if l[1] == "dropped") >= 2,
              out + str(log))
        out, rc = run("--keepalive", "4", "--file", path, *durls)
        log = take()
        answered = [l for l in log if l[1] != "dropped"]
        check("dropped POST: its file body rewound and sent again",
              rc == 0 and bodies_ok(out, durls, dbase, 5000) and
              all(b == b"z" * 5000 for _, _, _, b in answered) and
              len(answered) == 5, out + str([l[:3] for l in log]))
        out, rc = run("--keepalive", "4", "--stream-norewind", path, *durls)
        log = take()
        check("a body without rewind never goes on a pooled connection",
              rc == 0 and bodies_ok(out, durls, dbase, 5000) and len(log) == 5 and len({p for p, *_ in log}) == 5 and
              all(l[1] != "dropped" for l in log), out + str([l[:3] for l in log]))
        nginx_case()
    finally:
        for s in (srv, idle, drop):
            s.shutdown()
            s.server_close()
        shutil.rmtree(tmp, ignore_errors=True)
    return CHECK.done()


if __name__ == "__main__":
    sys.exit(main())
