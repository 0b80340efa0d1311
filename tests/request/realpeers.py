"""Shared by the request interop tests (*_real_test.py, redirect_nginx_test.py):

- fetch_c(url, ...) runs one URL through tests/request/tool_fetch.c and
  fetch_py(url, ...) through CPython's urllib.request in this process;
  both give the same text ("status", "url", "reason", "content-type",
  "header NAME: value" lines, then the body, or its length and CRC-32;
  "error NP_EREQUEST_HTTP code N" for an HTTPError; "error URLError" for
  any other failure, the netproto status kept aside in .detail, CPython's
  exception in .exc; a failed read is "read error NAME", NAME netproto's
  status or "PY:" and CPython's exception class);
- Echo: a CPython origin that answers with what it received;
- Nginx: nginx on a generated configuration in a temporary directory,
  with a test CA and certificates (tests/http/peers.py make_pki);
- Tinyproxy and Squid: the Debian proxies on generated configurations,
  in the foreground, stopped by pid.
Everything listens on loopback on free ports; stop() ends each process."""
import http.client
import http.server
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "http"))
from peers import (CPythonServer, free_port, make_pki, nginx_conf,  # noqa: E402,F401
                   read_body, stop_proc, wait_port)

BIN = os.environ.get("NP_BINARY_DIR", "build")
TOOL = os.path.join(BIN, "tests", "request_tool_fetch")
PIECE = 65521  # tool_fetch -b reads pieces of this size


def clean_env():
    """Neither opener may pick a proxy from the environment."""
    for k in list(os.environ):
        if k.lower().endswith("_proxy"):
            del os.environ[k]


class Result(str):
    detail = ""  # netproto: the tool's error line; CPython: the reason
    exc = None   # CPython: the exception behind an "error URLError"


# ---- the two clients ----

def _show(r, show=(), big=False):
    out = "status %s\nurl %s\nreason %s\ncontent-type %s\n" % (
        r.status if r.status is not None else 0, r.url, r.reason or "",
        r.headers.get("Content-type", ""))
    for name in show:
        out += "header %s: %s\n" % (name, r.headers.get(name, ""))
    if big:
        total, crc = 0, 0
        while True:
            piece = r.read(PIECE)
            if not piece:
                break
            total += len(piece)
            crc = zlib.crc32(piece, crc)
        return out + "body-length %d\nbody-crc32 %08x\n" % (total, crc)
    try:
        body = r.read()
    except http.client.IncompleteRead as e:
        out += "read error NP_EHTTP_INCOMPLETE_READ\n"
        body = e.partial
    except Exception as e:  # noqa: BLE001 (OverflowError for a huge chunk)
        out += "read error PY:%s\n" % type(e).__name__
        body = b""
    return out + "body:\n%s\n" % body.decode("latin-1")


def fetch_py(url, method=None, data=None, headers=(), cookies=None,
             proxy=None, cafile=None, show=(), big=False, handlers=(),
             timeout=20):
    """cookies: an http.cookiejar.CookieJar to use (HTTPCookieProcessor)."""
    req = urllib.request.Request(url, data=data.encode() if data else None,
                                 method=method)
    for h in headers:
        k, v = h.split(":", 1)
        req.add_header(k, v.strip())
    extra = list(handlers)
    if cookies is not None:
        extra.append(urllib.request.HTTPCookieProcessor(cookies))
    if proxy:
        extra.append(urllib.request.ProxyHandler({"http": proxy,
                                                  "https": proxy}))
    if cafile:
        extra.append(urllib.request.HTTPSHandler(
            context=ssl.create_default_context(cafile=cafile)))
    try:
        with urllib.request.build_opener(*extra).open(req,
                                                     timeout=timeout) as r:
            return Result(_show(r, show, big))
    except urllib.error.HTTPError as e:
        return Result("error NP_EREQUEST_HTTP code %d\nmessage %s\n%s" % (
            e.code, str(e), _show(e, show, big)))
    except urllib.error.URLError as e:
        res = Result("error URLError\n")
        res.detail, res.exc = repr(e.reason), e.reason
        return res
    except (http.client.HTTPException, OSError, ValueError) as e:
        # raised through urlopen unwrapped (BadStatusLine, LineTooLong...)
        res = Result("error URLError\n")
        res.detail, res.exc = repr(e), e
        return res


def fetch_c(url, method=None, data=None, headers=(), cookies=False,
            keep=False, proxy=None, cafile=None, show=(), big=False,
            env=None, args=()):
    argv = [TOOL, "-t", "20000"] + list(args)
    if cookies:
        argv.append("-c")
    if keep:
        argv.append("-k")
    if method:
        argv += ["-X", method]
    if data:
        argv += ["-d", data]
    for h in headers:
        argv += ["-H", h]
    if proxy:
        argv += ["-x", proxy]
    if cafile:
        argv += ["--cacert", cafile]
    for name in show:
        argv += ["-i", name]
    if big:
        argv.append("-b")
    p = subprocess.run(argv + [url], capture_output=True, timeout=50,
                       env=env)
    out = p.stdout.decode("latin-1")
    if p.returncode != 0:
        out += "exit %d\n%s" % (p.returncode, p.stderr.decode("latin-1"))
    if out.startswith("error NP_E") and \
            not out.startswith("error NP_EREQUEST_HTTP"):
        res = Result("error URLError\n")
        res.detail = out.strip()
        return res
    return Result(out)


class Checker:
    def __init__(self):
        self.failed = 0
        self.total = 0

    def check(self, name, good, detail=""):
        self.total += 1
        self.failed += not good
        print(("ok " if good else "FAIL ") + name)
        if not good and detail:
            print(detail)

    def same(self, name, want, got, also=True):
        """CPython's outcome (want) and netproto's (got) must agree."""
        self.check(name, want == got and also,
                   "--- CPython %s\n%s--- netproto %s\n%s" % (
                       want.detail, want, got.detail, got))

    def done(self):
        print("%d of %d failed" % (self.failed, self.total))
        return 1 if self.failed else 0


def logged(ngx, name, line, count):
    """True once the log file name of ngx (nginx writes a request's
    access-log line after its response) holds line count times; False
    after 2 s."""
    for _ in range(100):
        if ngx.log(name).count(line) >= count:
            return True
        time.sleep(0.02)
    return False


# ---- peers ----

class EchoHandler(http.server.BaseHTTPRequestHandler):
    """Answers 200 with the method, path, the headers a test looks at
    and the body it received."""
    protocol_version = "HTTP/1.1"
    tag = "origin"

    def log_message(self, *a):
        pass

    def route(self):
        n = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(n) if n else b""
        h = self.headers
        body = ("%s %s %s\nhost %s\nauth %s\ncookie %s\nvia %s\nctype %s\n"
                "clen %s\nbody %s" % (
                    self.tag, self.command, self.path, h.get("Host"),
                    h.get("Authorization"), h.get("Cookie"), h.get("Via"),
                    h.get("Content-Type"), h.get("Content-Length"),
                    data.decode("latin-1"))).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = route


class Server(CPythonServer):
    """tests/http/peers.py's CPythonServer, answering with EchoHandler
    above unless told another handler."""

    def __init__(self, handler=EchoHandler, host="127.0.0.1"):
        super().__init__(handler, host)


class Daemon:
    """A peer program run in the foreground from a config in its own temp
    dir: start() waits for its port, log() reads a file of the dir, stop()
    ends it by pid and removes the dir."""

    def start(self, argv, secs=10):
        try:
            self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL)
            wait_port(self.port, proc=self.proc, secs=secs)
        except BaseException:
            self.stop()
            raise

    def read_log(self, name):
        try:
            with open(os.path.join(self.dir, name)) as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        if self.proc:
            stop_proc(self.proc)
        shutil.rmtree(self.dir, ignore_errors=True)


class Nginx(Daemon):
    """nginx with the http block body make(d) (d: its directory, holding
    ca.pem, server.pem/.key for localhost and 127.0.0.1 when tls)."""

    def __init__(self, make, ports, tls=False, files=None):
        self.dir = tempfile.mkdtemp(prefix="np-nginx-")
        self.proc = None
        os.chmod(self.dir, 0o755)
        try:
            self.www = os.path.join(self.dir, "www")
            os.mkdir(self.www)
            os.chmod(self.www, 0o755)
            for name, write in (files or {}).items():
                with open(os.path.join(self.www, name), "wb") as f:
                    write(f)
                os.chmod(os.path.join(self.www, name), 0o644)
            if tls:
                make_pki(self.dir)
            d = self.dir
            conf = nginx_conf(d, "  default_type text/plain;\n  " + make(d))
            with open(os.path.join(d, "nginx.conf"), "w") as f:
                f.write(conf)
            self.proc = subprocess.Popen(
                ["nginx", "-c", os.path.join(d, "nginx.conf"), "-p", d],
                stderr=subprocess.DEVNULL)
            for host, port in ports:
                wait_port(port, host, self.proc)
        except BaseException:
            self.stop()
            raise

    def log(self, name):
        return self.read_log(name)


class Tinyproxy(Daemon):
    """tinyproxy -d on a free port; auth: (user, password) or None."""

    def __init__(self, connect_ports, auth=None):
        self.dir = tempfile.mkdtemp(prefix="np-tinyproxy-")
        os.chmod(self.dir, 0o777)  # it may drop to nobody for its log
        self.port = free_port()
        self.proc = None
        conf = os.path.join(self.dir, "tinyproxy.conf")
        with open(conf, "w") as f:
            f.write('Port %d\nListen 127.0.0.1\nTimeout 30\nMaxClients 32\n'
                    'Allow 127.0.0.1\nLogLevel Info\nLogFile "%s/log"\n'
                    'ViaProxyName "nptest"\n' % (self.port, self.dir))
            for p in connect_ports:
                f.write("ConnectPort %d\n" % p)
            if auth:
                f.write("BasicAuth %s %s\n" % auth)
        self.start(["tinyproxy", "-d", "-c", conf])

    def log(self):
        return self.read_log("log")


class Squid(Daemon):
    """squid -N (no daemon) on a free port with no cache; auth: (user,
    password) checked by basic_ncsa_auth against a generated htpasswd, or
    with digest=True by digest_file_auth (qop=auth, MD5)."""

    HELPER = "/usr/lib/squid/basic_ncsa_auth"
    DIGEST_HELPER = "/usr/lib/squid/digest_file_auth"

    def __init__(self, auth=None, digest=False):
        self.dir = tempfile.mkdtemp(prefix="np-squid-")
        os.chmod(self.dir, 0o777)  # squid drops to its own user
        self.port = free_port()
        self.proc = None
        d = self.dir
        lines = ["http_port 127.0.0.1:%d" % self.port,
                 "pid_filename %s/squid.pid" % d,
                 "cache_log %s/cache.log" % d,
                 # the client's port tells its connections apart
                 "logformat np %>a:%>p %rm %ru %>Hs",
                 "access_log stdio:%s/access.log np" % d,
                 "cache deny all", "cache_mem 8 MB", "coredump_dir %s" % d,
                 "netdb_filename none", "shutdown_lifetime 0 seconds",
                 "pinger_enable off",
                 "visible_hostname nptest-squid",
                 "acl lo src 127.0.0.1"]
        if auth and digest:
            with open(os.path.join(d, "digestpw"), "w") as f:
                f.write("%s:%s\n" % auth)
            os.chmod(os.path.join(d, "digestpw"), 0o644)
            lines += ["auth_param digest program %s %s/digestpw"
                      % (self.DIGEST_HELPER, d),
                      "auth_param digest children 2 startup=1",
                      "auth_param digest realm nptest-digest",
                      "acl users proxy_auth REQUIRED",
                      "http_access allow lo users"]
        elif auth:
            hashed = subprocess.run(
                ["openssl", "passwd", "-apr1", auth[1]], check=True,
                capture_output=True, timeout=10).stdout.decode().strip()
            with open(os.path.join(d, "htpasswd"), "w") as f:
                f.write("%s:%s\n" % (auth[0], hashed))
            os.chmod(os.path.join(d, "htpasswd"), 0o644)
            lines += ["auth_param basic program %s %s/htpasswd" % (self.HELPER, d),
                      "auth_param basic children 2 startup=1",
                      "auth_param basic realm nptest",
                      "acl users proxy_auth REQUIRED",
                      "http_access allow lo users"]
        else:
            lines.append("http_access allow lo")
        lines.append("http_access deny all")
        conf = os.path.join(d, "squid.conf")
        with open(conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.start(["squid", "-N", "-f", conf], secs=15)

    def log(self):
        return self.read_log("access.log")


def tls_origin():
    """nginx on a free port answering every https request with "tls origin
    METHOD URI", certificates by make_pki (CA in its .dir/ca.pem); .port is
    its port."""
    port = free_port()
    ngx = Nginx(lambda d: f"""
  server {{ listen 127.0.0.1:{port} ssl;
           ssl_certificate {d}/server.pem; ssl_certificate_key {d}/server.key;
           location / {{ return 200 "tls origin $request_method $request_uri\\n"; }} }}
""", [("127.0.0.1", port)], tls=True)
    ngx.port = port
    return ngx
