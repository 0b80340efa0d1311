"""Test peers for the http.client tests, all on 127.0.0.1 and free ports:

- cpython_server(): CPython's http.server (ThreadingHTTPServer, HTTP/1.1)
  with a handler that echoes bodies (Content-Length or chunked), answers
  chunked, and reports the request headers;
- MisbehavingServer: a scripted raw-socket server whose paths each break a
  rule (truncated bodies, bad chunking, header floods, 100 Continue floods,
  slow drips, stalls...) and which also acts as a CONNECT proxy;
- Nginx: nginx started on a generated configuration, plain, TLS with a CA
  and certificates generated with openssl, and TLS requiring a client
  certificate.
Every process and thread started here is stopped by the caller (stop()).
"""
import http.server
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, host="127.0.0.1", proc=None, secs=10):
    """Wait until something accepts on host:port; RuntimeError after secs
    or as soon as proc (a Popen, when given) has exited."""
    deadline = time.time() + secs
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("peer exited with %s" % proc.returncode)
        try:
            socket.create_connection((host, port), 1).close()
            return
        except OSError:
            time.sleep(0.03)
    raise RuntimeError("nothing listens on %s:%d" % (host, port))


def stop_proc(proc):
    """SIGTERM, then SIGKILL after 5 s: proc is gone when this returns."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def read_chunked(rfile):
    """The body of a chunked request from a handler's rfile, chunk
    extensions and trailers skipped."""
    data = b""
    while True:
        size = int(rfile.readline().split(b";")[0].strip(), 16)
        if size == 0:
            while rfile.readline() not in (b"\r\n", b"\n", b""):
                pass
            return data
        data += rfile.read(size)
        rfile.readline()


def read_body(handler):
    """A BaseHTTPRequestHandler's request body: chunked or Content-Length
    (none: empty)."""
    if "chunked" in handler.headers.get("Transfer-Encoding", "").lower():
        return read_chunked(handler.rfile)
    n = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(n) if n else b""


def fnv(data):
    h = 14695981039346656037
    for b in data:
        h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


class EchoHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _send(self, body, chunked=False):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(0, len(body), 1000):
                piece = body[i:i + 1000]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\nX-Trailer: t\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def do_GET(self):
        if self.path.startswith("/headers"):
            lines = "".join("%s: %s\n" % kv for kv in self.headers.items())
            self._send(("%s %s\n" % (self.command, self.path) + lines).encode())
        elif self.path.startswith("/chunked/"):
            n = int(self.path.split("/")[2])
            self._send(bytes(i % 251 for i in range(n)), chunked=True)
        elif self.path.startswith("/bytes/"):
            n = int(self.path.split("/")[2])
            self._send(bytes(i % 251 for i in range(n)))
        else:
            self.send_error(404)

    def do_POST(self):
        self._send(read_body(self))

    do_PUT = do_POST
    do_PATCH = do_POST


class CPythonServer:
    """A CPython ThreadingHTTPServer with handler on host and a free port,
    served by a thread until stop()."""

    def __init__(self, handler=EchoHandler, host="127.0.0.1"):
        self.httpd = http.server.ThreadingHTTPServer((host, 0), handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def _read_head(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        piece = conn.recv(65536)
        if not piece:
            return None, b""
        data += piece
    head, rest = data.split(b"\r\n\r\n", 1)
    return head.decode("latin-1"), rest


class RawServer:
    """A raw-socket server on a free loopback port: a thread accepts
    connections and gives each to handle(conn), which subclasses write (it
    runs on the accepting thread: start a thread there to serve several at
    once).  stop() wakes the thread with a last connection and closes."""

    backlog = 16

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(self.backlog)
        self.port = self.sock.getsockname()[1]
        self.stopping = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            if self.stopping:
                conn.close()
                return
            self.handle(conn)

    def handle(self, conn):
        conn.close()

    def stop(self):
        self.stopping = True
        try:
            socket.create_connection(("127.0.0.1", self.port), 1).close()
        except OSError:
            pass
        self.thread.join(5)
        self.sock.close()


class MisbehavingServer(RawServer):
    """Each request path picks a behaviour; see RESPONSES and the special
    cases in _serve.  Handles keep-alive: several requests per connection
    unless the behaviour closes."""

    RESPONSES = {
        "/ok": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        "/close-delimited": b"HTTP/1.1 200 OK\r\n\r\nuntil the end",
        "/connection-close": b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
                             b"Connection: close\r\n\r\nbye",
        "/http10": b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nold",
        "/truncated-length": b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n"
                             b"\r\n0123456789",
        "/truncated-chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
                              b"\r\n\r\n5\r\nhello\r\n",
        "/bad-chunk": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                      b"5\r\nhello\r\nxyz\r\n",
        "/chunk-overflow": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                           b"\r\nfffffffffffffffff\r\n",
        "/chunked-ok": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                       b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\n"
                       b"Trailer-A: x\r\n\r\n",
        "/header-flood": b"HTTP/1.1 200 OK\r\n" + b"".join(
            b"X-%d: v\r\n" % i for i in range(150)) +
            b"Content-Length: 0\r\n\r\n",
        "/long-line": b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70000 +
                      b"\r\nContent-Length: 0\r\n\r\n",
        "/continue-some": b"HTTP/1.1 100 Continue\r\n\r\n" * 3 +
                          b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone",
        "/bad-status": b"HTTP/1.1 abc OK\r\n\r\n",
        "/not-http": b"SSH-2.0-OpenSSH\r\n\r\n",
        "/http2": b"HTTP/2.0 200 OK\r\n\r\n",
        "/te-cl": b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding:"
                  b" chunked\r\n\r\n0\r\n\r\n",
        "/dup-cl": b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6"
                   b"\r\n\r\nhello!",
        "/obs-fold": b"HTTP/1.1 200 OK\r\nX-Folded: a\r\n  b\r\n"
                     b"Content-Length: 2\r\n\r\nok",
        "/bare-cr": b"HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 0\r\n\r\n",
        "/multi": b"HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n"
                  b"content-length: 0\r\n\r\n",
        "/no-reason": b"HTTP/1.1 200\r\nContent-Length: 1\r\n\r\nx",
        "/big-chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + b"".join(b"%x\r\n%s\r\n" % (n, b"q" * n)
                                   for n in (1, 100, 65536, 3, 70000))
                        + b"0\r\n\r\n",
    }
    CLOSE_AFTER = {"/close-delimited", "/connection-close", "/http10",
                   "/truncated-length", "/truncated-chunked", "/bad-chunk",
                   "/chunk-overflow", "/bad-status", "/not-http", "/http2",
                   "/te-cl", "/dup-cl", "/long-line", "/header-flood"}

    backlog = 64

    def __init__(self, connect_target=None):
        self.connect_target = connect_target
        super().__init__()

    def handle(self, conn):
        threading.Thread(target=self._serve_conn, args=(conn,),
                         daemon=True).start()

    def _serve_conn(self, conn):
        conn.settimeout(20)
        try:
            while True:
                head, rest = _read_head(conn)
                if head is None:
                    return
                if not self._serve(conn, head, rest):
                    return
        except OSError:
            pass
        finally:
            conn.close()

    def _serve(self, conn, head, rest):
        """Answer one request; False closes the connection."""
        line = head.split("\r\n")[0]
        method, path = line.split(" ")[:2]
        if method == "CONNECT":
            return self._connect(conn, head, path)
        if path == "/continue-flood":
            try:
                for _ in range(100000):
                    conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            except OSError:
                pass
            return False
        if path == "/slow-drip":
            for b in b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nslow!":
                conn.sendall(bytes([b]))
                time.sleep(0.005)
            return True
        if path == "/chunk-drip":
            # Chunk framing in pieces of its own, so a read sees framing
            # without data.
            for piece in (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                          b"5", b"\r\n", b"hello", b"\r", b"\n6\r\n", b" world",
                          b"\r\n", b"0\r\n", b"\r\n"):
                conn.sendall(piece)
                time.sleep(0.02)
            return True
        if path == "/stall":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab")
            time.sleep(3)
            return False
        if path == "/no-response":
            return False
        if path == "/keepalive-then-close":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nka")
            return False  # closes while the client thinks it is kept
        if path == "/echo":
            length = 0
            for h in head.split("\r\n")[1:]:
                k, _, v = h.partition(":")
                if k.lower() == "content-length":
                    length = int(v)
            while len(rest) < length:
                rest += conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s"
                         % (length, rest[:length]))
            return True
        resp = self.RESPONSES.get(path, b"HTTP/1.1 404 Not Found\r\n"
                                  b"Content-Length: 0\r\n\r\n")
        conn.sendall(resp)
        return path not in self.CLOSE_AFTER

    def _connect(self, conn, head, target):
        if "proxy-authorization: basic dxa6ca==" not in head.lower():
            conn.sendall(b"HTTP/1.0 407 Proxy Authentication Required\r\n"
                         b"Proxy-Authenticate: Basic\r\n\r\n")
            return False
        host, port = target.rsplit(":", 1)
        up = socket.create_connection((host.strip("[]"), int(port)), 5)
        conn.sendall(b"HTTP/1.0 200 Connection established\r\n\r\n")
        conn.settimeout(None)

        def pump(a, b):
            try:
                while True:
                    data = a.recv(65536)
                    if not data:
                        break
                    b.sendall(data)
            except OSError:
                pass
            finally:
                for s in (a, b):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        t = threading.Thread(target=pump, args=(up, conn), daemon=True)
        t.start()
        pump(conn, up)
        t.join(5)
        up.close()
        return False


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_pki(d):
    """A CA, a server certificate for localhost/127.0.0.1/::1, one for
    another name, and a client certificate, all signed by the CA."""
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=netproto test CA",
            cwd=d)

    def leaf(name, subj, ext):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout",
                name + ".key", "-out", name + ".csr", "-subj", subj, cwd=d)
        with open(os.path.join(d, name + ".ext"), "w") as f:
            f.write(ext)
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem",
                "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
                "-out", name + ".pem", "-extfile", name + ".ext", cwd=d)

    leaf("server", "/CN=localhost",
         "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n"
         "extendedKeyUsage=serverAuth\n")
    leaf("other", "/CN=other.example",
         "subjectAltName=DNS:other.example\nextendedKeyUsage=serverAuth\n")
    leaf("client", "/CN=netproto client", "extendedKeyUsage=clientAuth\n")
    capath = os.path.join(d, "capath")
    os.mkdir(capath)
    shutil.copy(os.path.join(d, "ca.pem"), capath)
    openssl("rehash", capath, cwd=d)


def nginx_conf(d, http_body):
    """An nginx configuration that runs in the foreground with everything
    under directory d, its http block holding http_body."""
    return f"""
daemon off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {d}/body; proxy_temp_path {d}/proxy;
  fastcgi_temp_path {d}/fcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
{http_body}
}}
"""


class Nginx:
    def __init__(self, root, files):
        self.dir = tempfile.mkdtemp(prefix="np-nginx-")
        os.chmod(self.dir, 0o755)
        self.www = os.path.join(self.dir, "www")
        os.mkdir(self.www)
        for name, data in files.items():
            with open(os.path.join(self.www, name), "wb") as f:
                f.write(data)
        make_pki(self.dir)
        self.port, self.tls_port, self.other_port, self.mtls_port = (
            free_port(), free_port(), free_port(), free_port())
        self.sni_port = free_port()
        d = self.dir
        conf = nginx_conf(d, f"""
  keepalive_requests 100000;
  server {{ listen 127.0.0.1:{self.port}; root {self.www}; }}
  server {{ listen 127.0.0.1:{self.tls_port} ssl; root {self.www};
           ssl_certificate {d}/server.pem; ssl_certificate_key {d}/server.key; }}
  server {{ listen 127.0.0.1:{self.other_port} ssl; root {self.www};
           ssl_certificate {d}/other.pem; ssl_certificate_key {d}/other.key; }}
  server {{ listen 127.0.0.1:{self.sni_port} ssl default_server; root {self.www};
           ssl_certificate {d}/other.pem; ssl_certificate_key {d}/other.key; }}
  server {{ listen 127.0.0.1:{self.sni_port} ssl; server_name localhost;
           root {self.www};
           ssl_certificate {d}/server.pem; ssl_certificate_key {d}/server.key; }}
  server {{ listen 127.0.0.1:{self.mtls_port} ssl; root {self.www};
           ssl_certificate {d}/server.pem; ssl_certificate_key {d}/server.key;
           ssl_client_certificate {d}/ca.pem; ssl_verify_client on; }}
""")
        with open(os.path.join(d, "nginx.conf"), "w") as f:
            f.write(conf)
        self.proc = subprocess.Popen(["nginx", "-c", os.path.join(d, "nginx.conf"),
                                      "-p", d], stderr=subprocess.DEVNULL)
        try:
            wait_port(self.mtls_port, proc=self.proc)
        except RuntimeError:
            self.stop()
            raise

    def stop(self):
        stop_proc(self.proc)
        shutil.rmtree(self.dir, ignore_errors=True)


class RecordingServer(RawServer):
    """Records the raw bytes of each request (head and body, framing kept)
    and answers 200 with an empty body, keeping the connection."""

    def __init__(self):
        self.requests = []
        super().__init__()

    def handle(self, conn):
        conn.settimeout(10)
        buf = b""
        try:
            while not self.stopping:
                while b"\r\n\r\n" not in buf:
                    data = conn.recv(65536)
                    if not data:
                        raise EOFError
                    buf += data
                head, _, buf = buf.partition(b"\r\n\r\n")
                low = head.lower()
                body = b""
                if b"transfer-encoding: chunked" in low:
                    while not buf.endswith(b"0\r\n\r\n"):
                        buf += conn.recv(65536)
                    body, buf = buf, b""
                elif b"content-length:" in low:
                    n = int(low.split(b"content-length:")[1].split(b"\r\n")[0])
                    while len(buf) < n:
                        buf += conn.recv(65536)
                    body, buf = buf[:n], buf[n:]
                self.requests.append(head + b"\r\n\r\n" + body)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        except (OSError, EOFError):
            pass
        conn.close()


class TLSCloser(RawServer):
    """A TLS server that completes the handshake and closes at once: a
    client writing a large body then writes into a closed connection."""

    def __init__(self, certfile, keyfile):
        import ssl
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(certfile, keyfile)
        super().__init__()

    def handle(self, conn):
        try:
            tls = self.ctx.wrap_socket(conn, server_side=True)
            tls.recv(1)  # the request starts: now close under it
            tls.close()
        except OSError:
            conn.close()
