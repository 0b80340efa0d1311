#!/usr/bin/env python3
"""netproto fetch against real peers on loopback: a CPython
ThreadingHTTPServer (redirects, Basic and Digest challenges, cookies,
error statuses with bodies, large and chunked bodies, a POST echo, a
forward proxy, a slow answer) and the same server behind TLS with a
certificate from a test CA made with openssl.  Bodies, -i header blocks and
exit status classes are compared with curl run on the same server with the
same options; every exit code of the contract is checked."""
import hashlib
import http.cookiejar
import http.server
import os
import re
import secrets
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time

SRC = os.environ.get("NP_SOURCE_DIR", ".")
CLI = os.environ.get("NP_CLI", os.path.join(
    os.environ.get("NP_BINARY_DIR", "build"), "netproto"))
sys.path.insert(0, os.path.join(SRC, "tests", "http"))
import peers  # noqa: E402  (make_pki, free_port, read_body, MisbehavingServer)

CURL = shutil.which("curl")
failures = 0
count = 0


def check(cond, what, detail=""):
    global failures, count
    count += 1
    if cond:
        print("ok %d - %s" % (count, what))
    else:
        failures += 1
        print("not ok %d - %s" % (count, what))
        if detail:
            for line in str(detail).splitlines()[:20]:
                print("#   " + line)


BIG = bytes(range(256)) * (12 * 4096)  # 12 MiB
DIGEST_REALM = "fetch-digest"
USER, PASSWORD = "alice", "s3cret"
CONNECTIONS = set()  # client ports seen, to count connections


def md5(s):
    return hashlib.md5(s.encode()).hexdigest()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, code, body=b"", headers=(), ctype="text/plain"):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def digest_ok(self):
        h = self.headers.get("Authorization", "")
        if not h.startswith("Digest "):
            return False
        f = dict(re.findall(r'(\w+)="?([^",]*)"?', h[7:]))
        ha1 = md5("%s:%s:%s" % (f.get("username"), DIGEST_REALM, PASSWORD))
        ha2 = md5("%s:%s" % (self.command, f.get("uri")))
        want = md5("%s:%s:%s:%s:%s:%s" % (ha1, f.get("nonce"), f.get("nc"),
                                          f.get("cnonce"), f.get("qop"), ha2))
        return f.get("username") == USER and f.get("response") == want

    def route(self):
        CONNECTIONS.add(self.client_address[1])
        data = peers.read_body(self)
        path = self.path
        if path.startswith("http://"):  # a forward proxy's request line
            return self.reply(200, b"via proxy " + path.encode())
        parts = path.split("?")[0].split("/")
        top = parts[1] if len(parts) > 1 else ""
        if top == "hello":
            self.reply(200, b"hello\n")
        elif top == "big":
            self.reply(200, BIG, ctype="application/octet-stream")
        elif top == "chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(50):
                piece = (b"chunk %d;" % i) * (i + 1)
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        elif top == "slowbody":  # 20 pieces of 50 KiB over about 1 s
            length = "length" in path
            self.send_response(200)
            if length:
                self.send_header("Content-Length", str(20 * 51200))
            else:
                self.send_header("Connection", "close")
            self.end_headers()
            for i in range(20):
                self.wfile.write(b"x" * 51200)
                self.wfile.flush()
                time.sleep(0.05)
            if not length:
                self.close_connection = True
        elif top == "short":  # promises 100 bytes, sends 50, hangs up
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"s" * 50)
            self.close_connection = True
        elif top == "slow":
            time.sleep(3)
            self.reply(200, b"late")
        elif top == "echo":
            h = self.headers
            out = "method %s\nctype %s\nclen %s\nx %s\nagent %s\nbody-md5 %s\n" % (
                self.command, h.get("Content-Type"), h.get("Content-Length"),
                h.get("X-Test"), h.get("User-Agent"), hashlib.md5(data).hexdigest())
            self.reply(200, out.encode() + data)
        elif top == "redir":  # /redir/N: N more hops, then /hello
            k = int(parts[2])
            self.reply(302, b"moved", [("Location", "/redir/%d" % (k - 1)
                                        if k > 1 else "/hello")])
        elif top == "r307":
            self.reply(307, b"elsewhere", [("Location", "/echo")])
        elif top == "loop":
            self.reply(302, b"again", [("Location", "/loop")])
        elif top == "status":
            code = int(parts[2])
            self.reply(code, b"status body %d\n" % code)
        elif top == "basic":
            import base64
            want = "Basic " + base64.b64encode(
                ("%s:%s" % (USER, PASSWORD)).encode()).decode()
            if self.headers.get("Authorization") == want:
                self.reply(200, b"basic ok\n" + data)
            else:
                self.reply(401, b"who are you\n",
                           [("WWW-Authenticate", 'Basic realm="fetch-basic"')])
        elif top == "digest":
            if self.digest_ok():
                self.reply(200, b"digest ok\n")
            else:
                self.reply(401, b"who are you\n", [(
                    "WWW-Authenticate",
                    'Digest realm="%s", qop="auth", nonce="%s", '
                    'algorithm=MD5' % (DIGEST_REALM, secrets.token_hex(8)))])
        elif top == "setcookie":
            self.reply(200, b"set\n", [
                ("Set-Cookie", "sid=abc123; Path=/"),
                ("Set-Cookie", "keep=yes; Path=/; Max-Age=3600")])
        elif top == "showcookie":
            self.reply(200, ("cookie %s\n" % self.headers.get("Cookie")).encode())
        elif top == "headers":
            self.reply(200, ("x %s\nagent %s\n" % (
                self.headers.get("X-Test"), self.headers.get("User-Agent"))).encode())
        else:
            self.reply(404, b"nothing here\n")

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = do_PATCH = route


def start(tls_dir=None):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.handle_error = lambda *a: None  # clients that time out on purpose
    if tls_dir:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(tls_dir, "server.pem"),
                            os.path.join(tls_dir, "server.key"))
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    return srv


def run(args, cwd=None, env=None, timeout=30, stdin=subprocess.DEVNULL):
    e = dict(os.environ)
    for k in list(e):
        if k.lower().endswith("_proxy"):
            del e[k]
    if env:
        e.update(env)
    return subprocess.run([CLI, "fetch"] + args, capture_output=True,
                          cwd=cwd, env=e, timeout=timeout, stdin=stdin)


def curl(args, cwd=None):
    e = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    return subprocess.run([CURL, "-s", "-L"] + args, capture_output=True,
                          cwd=cwd, env=e, timeout=30)


def head_block(out):
    """The -i block: status line and header names (lower case, sorted)."""
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    names = sorted(l.split(b":", 1)[0].lower() for l in lines[1:])
    return lines[0], names, body


def main():
    # the curl comparisons below are part of the test, not optional
    check(CURL is not None, "curl is installed (scripts/deps.txt)")
    srv = start()
    base = "http://127.0.0.1:%d" % srv.server_address[1]
    work = tempfile.mkdtemp(prefix="np-fetch-")
    tls_srv = None
    odd = peers.MisbehavingServer(connect_target=None)
    try:
        cases(base, work)
        progress_cases(base, work)
        odd_cases("http://127.0.0.1:%d" % odd.port)
        pki = os.path.join(work, "pki")
        os.mkdir(pki)
        peers.make_pki(pki)
        tls_srv = start(pki)
        tls_cases("https://localhost:%d" % tls_srv.server_address[1], pki,
                  "http://up:p@127.0.0.1:%d" % odd.port)
    finally:
        odd.stop()
        srv.shutdown()
        srv.server_close()
        if tls_srv:
            tls_srv.shutdown()
            tls_srv.server_close()
        shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (count - failures, failures))
    return 1 if failures else 0


def cases(base, work):
    # Bodies to standard output, compared with curl.
    for path in ("/hello", "/chunked", "/big", "/redir/3", "/status/404",
                 "/status/500"):
        r = run([base + path])
        check(r.returncode == 0 and r.stderr == b"",
              "GET %s: exit 0, quiet in a pipe" % path, r.stderr)
        if CURL:
            c = curl([base + path])
            check(r.stdout == c.stdout, "GET %s: same body as curl -sL" % path,
                  "%d vs %d bytes" % (len(r.stdout), len(c.stdout)))
    r = run([base + "/status/404"])
    check(r.stdout == b"status body 404\n", "HTTP error body written without -f")

    # -i: the status line and header block, then the body.
    r = run(["-i", base + "/hello"])
    line, names, body = head_block(r.stdout)
    check(line == b"HTTP/1.1 200 OK" and body == b"hello\n",
          "-i: status line, blank line, body", r.stdout[:300])
    if CURL:
        c = curl(["-i", base + "/hello"])
        cl, cn, cb = head_block(c.stdout)
        check((line, names, body) == (cl, cn, cb),
              "-i: same status line, header names and body as curl -i",
              "%r\n%r" % ((line, names), (cl, cn)))
        r = run(["-i", base + "/status/404"])
        c = curl(["-i", base + "/status/404"])
        check(head_block(r.stdout)[::2] == head_block(c.stdout)[::2],
              "-i on a 404: same status line and body as curl -i")

    # -i through redirects and a challenge: every head, as curl -iL shows.
    def heads(out):
        blocks = out.split(b"\r\n\r\n")
        return [(b.split(b"\r\n")[0], sorted(
            l.split(b":", 1)[0].lower() for l in b.split(b"\r\n")[1:]))
            for b in blocks[:-1]], blocks[-1]
    r = run(["-i", base + "/redir/2"])
    hs, body = heads(r.stdout)
    check([h[0] for h in hs] == [b"HTTP/1.1 302 Found"] * 2 + [b"HTTP/1.1 200 OK"]
          and body == b"hello\n", "-i through two redirects: three heads, then "
          "the body", r.stdout[:600])
    if CURL:
        c = curl(["-i", base + "/redir/2"])
        check(heads(c.stdout)[0] == hs, "-i through redirects: the same heads "
              "as curl -iL")
    r = run(["-i", "-u", "%s:%s" % (USER, PASSWORD), base + "/digest"])
    hs, body = heads(r.stdout)
    check([h[0][9:12] for h in hs] == [b"401", b"200"] and body == b"digest ok\n",
          "-i with a Digest challenge: the 401's head, then the 200's",
          r.stdout[:600])

    # -o / -O files, several URLs.
    out1, out2 = os.path.join(work, "one"), os.path.join(work, "two")
    r = run(["-o", out1, base + "/big", "-o", out2, base + "/chunked",
             base + "/hello"])
    check(r.returncode == 0 and open(out1, "rb").read() == BIG,
          "-o FILE: 12 MiB body intact")
    check(open(out2, "rb").read().startswith(b"chunk 0;chunk 1;"),
          "second -o goes with the second URL")
    check(r.stdout == b"hello\n", "a URL without -o goes to standard output")
    r = run(["-O", base + "/big?x=1"], cwd=work)
    check(r.returncode == 0 and open(os.path.join(work, "big"), "rb").read() == BIG,
          "-O: the last path segment names the file")
    r = run(["-O", base + "/"], cwd=work)
    check(r.returncode == 1, "-O without a file name: exit 1", r.stderr)
    r = run([base + "/hello", base + "/chunked", base + "/hello"])
    c = b"".join(run([base + p]).stdout for p in ("/hello", "/chunked", "/hello"))
    check(r.stdout == c, "several URLs: bodies concatenated in order")

    # Data: -d, several -d, --data-file, methods.
    r = run(["-d", "a=1", "-d", "b=2", base + "/echo"])
    check(b"method POST\nctype application/x-www-form-urlencoded\nclen 7\n"
          in r.stdout and r.stdout.endswith(b"a=1&b=2"),
          "-d -d: POST, form type, joined with '&'", r.stdout)
    if CURL:
        c = curl(["-d", "a=1", "-d", "b=2", base + "/echo"])
        strip = lambda b: re.sub(rb"agent [^\n]*\n", b"", b)
        check(strip(r.stdout) == strip(c.stdout), "-d: same echo as curl -d")
    blob = os.path.join(work, "blob")
    payload = bytes(range(256)) * 1000 + b"\0end"
    with open(blob, "wb") as f:
        f.write(payload)
    r = run(["--data-file", blob, "-X", "PUT", "-H", "Content-Type: application/x-bin",
             base + "/echo"])
    check(b"method PUT\nctype application/x-bin\nclen %d\n" % len(payload) in r.stdout
          and r.stdout.endswith(payload)
          and (b"body-md5 " + hashlib.md5(payload).hexdigest().encode()) in r.stdout,
          "--data-file with -X PUT: the file's bytes, NULs included", r.stdout[:200])
    if CURL:
        c = curl(["--data-binary", "@" + blob, "-X", "PUT", "-H",
                  "Content-Type: application/x-bin", base + "/echo"])
        check(strip(r.stdout) == strip(c.stdout),
              "--data-file: same echo as curl --data-binary @FILE")
    r = run(["-X", "DELETE", base + "/echo"])
    check(r.stdout.startswith(b"method DELETE\n"), "-X DELETE without data")
    r = run(["--data-file", os.path.join(work, "missing"), base + "/echo"])
    check(r.returncode == 1 and b"missing" in r.stderr,
          "--data-file that does not exist: exit 1, the file named", r.stderr)
    r = run(["--data-file", blob, base + "/r307"])
    check(r.stdout.startswith(b"method POST\n") and r.stdout.endswith(payload),
          "307: method and --data-file body sent again", r.stdout[:100])
    if CURL:
        c = curl(["--data-binary", "@" + blob, base + "/r307"])
        check(strip(r.stdout) == strip(c.stdout), "307 with a body: same as curl -L")
    r = run(["-u", "%s:%s" % (USER, PASSWORD), "--data-file", blob, base + "/basic"])
    check(r.stdout == b"basic ok\n" + payload,
          "--data-file body sent again after the 401 challenge", r.stdout[:100])

    # Headers and user agent.
    r = run(["-H", "X-Test: 42", "-A", "agent/1.0", base + "/headers"])
    check(r.stdout == b"x 42\nagent agent/1.0\n", "-H and -A are sent", r.stdout)

    # Authentication: Basic and Digest picked from the challenge.
    r = run(["-u", "%s:%s" % (USER, PASSWORD), base + "/basic"])
    check(r.returncode == 0 and r.stdout == b"basic ok\n", "-u with a Basic challenge",
          r.stdout + r.stderr)
    r = run(["-u", "%s:%s" % (USER, PASSWORD), base + "/digest"])
    check(r.returncode == 0 and r.stdout == b"digest ok\n", "-u with a Digest challenge",
          r.stdout + r.stderr)
    if CURL:
        c = curl(["--digest", "-u", "%s:%s" % (USER, PASSWORD), base + "/digest"])
        check(c.stdout == r.stdout, "Digest: same answer as curl --digest")
    r = run(["-f", "-u", USER + ":wrong", base + "/basic"])
    check(r.returncode == 4 and r.stdout == b"", "-f with wrong credentials: exit 4",
          r.stderr)
    r = run([base + "/basic"])
    check(r.returncode == 0 and r.stdout == b"who are you\n",
          "401 without -u and -f: body written, exit 0")

    # Credentials in the URL (curl's way; urllib would read them as part
    # of the host): they answer the challenge, percent-decoded, -u wins
    # over them, and no message shows the password.
    creds = base.replace("http://", "http://%s:%s@" % (USER, PASSWORD))
    for path, want in (("/basic", b"basic ok\n"), ("/digest", b"digest ok\n")):
        r = run([creds + path])
        check(r.returncode == 0 and r.stdout == want,
              "user:pass in the URL answers a %s challenge" % path[1:],
              r.stdout + r.stderr)
        if CURL:
            c = curl((["--digest"] if path == "/digest" else []) + [creds + path])
            check(c.stdout == r.stdout, "user:pass in the URL, %s: same as curl"
                  % path[1:])
    quoted = base.replace("http://", "http://%s:%s@" % (
        USER, "".join("%%%02X" % ord(ch) for ch in PASSWORD)))
    r = run([quoted + "/basic"])
    check(r.stdout == b"basic ok\n", "a percent-encoded password in the URL "
          "is decoded", r.stdout + r.stderr)
    wrong = base.replace("http://", "http://%s:not-this-one@" % USER)
    r = run(["-u", "%s:%s" % (USER, PASSWORD), wrong + "/basic"])
    check(r.stdout == b"basic ok\n", "-u wins over user:pass in the URL",
          r.stdout + r.stderr)
    r = run(["-f", wrong + "/basic"])
    check(r.returncode == 4 and b"not-this-one" not in r.stderr and
          b"http://%s:***@" % USER.encode() in r.stderr,
          "a failure names the URL with its password as ***", r.stderr)

    # Cookies: a Mozilla cookies.txt that CPython reads, sent back next time.
    jar = os.path.join(work, "cookies.txt")
    r = run(["--cookie-jar", jar, base + "/setcookie"])
    text = open(jar).read() if os.path.exists(jar) else ""
    check(r.returncode == 0 and text.startswith("# Netscape HTTP Cookie File"),
          "--cookie-jar: saved in Mozilla format", text)
    mj = http.cookiejar.MozillaCookieJar()
    mj.load(jar, ignore_discard=True)
    check(sorted(c.name for c in mj) == ["keep", "sid"],
          "the saved jar loads in CPython's MozillaCookieJar")
    r = run(["--cookie-jar", jar, base + "/showcookie"])
    check(r.stdout in (b"cookie sid=abc123; keep=yes\n", b"cookie keep=yes; sid=abc123\n"),
          "--cookie-jar: loaded and sent on the next run", r.stdout)

    # -f and HTTP errors.
    r = run(["-f", base + "/status/404"])
    check(r.returncode == 4 and r.stdout == b"" and
          r.stderr.startswith(b"netproto fetch: " + base.encode() + b"/status/404: "),
          "-f with 404: exit 4, nothing written, message names the URL", r.stderr)
    if CURL:
        c = curl(["-f", base + "/status/404"])
        check(c.returncode != 0 and c.stdout == r.stdout, "-f: curl fails too, no body")
    r = run(["-f", base + "/status/500", base + "/hello"])
    check(r.returncode == 4 and r.stdout == b"hello\n",
          "-f: the next URL is still fetched, the first failure's code returned")

    # Exit codes of failures.
    dead = "http://127.0.0.1:%d/" % peers.free_port()
    r = run([dead])
    check(r.returncode == 3 and r.stderr.startswith(b"netproto fetch: " + dead.encode()),
          "connection refused: exit 3", r.stderr)
    r = run([dead, "-f", base + "/status/404"])
    check(r.returncode == 3, "first failure's code wins (3 before 4)")
    r = run(["-o", os.path.join(work, "no", "such", "dir"), base + "/hello"])
    check(r.returncode == 1, "unwritable -o: exit 1", r.stderr)
    r = run([base + "/loop"])
    check(r.returncode == 3 and b"redirect" in r.stderr, "redirect loop: exit 3", r.stderr)
    r = run(["--max-redirs", "2", base + "/redir/3"])
    check(r.returncode == 3, "--max-redirs 2 with 3 hops: exit 3", r.stderr)
    r = run(["--max-redirs", "3", base + "/redir/3"])
    check(r.returncode == 0 and r.stdout == b"hello\n", "--max-redirs 3 with 3 hops")
    r = run(["--max-redirs", "0", base + "/redir/1"])
    check(r.returncode == 3, "--max-redirs 0 with a redirect: exit 3", r.stderr)
    t0 = time.monotonic()
    r = run(["--timeout", "0.5", base + "/slow"])
    took = time.monotonic() - t0
    check(r.returncode == 3 and took < 2.5, "--timeout 0.5 on a slow answer: exit 3 in "
          "%.1f s" % took, r.stderr)
    r = run([base + "/short"])
    check(r.returncode == 3 and r.stdout == b"s" * 50,
          "body cut short: the bytes that came are written, exit 3", r.stderr)
    r = run(["nosuchscheme://x/"])
    check(r.returncode == 3, "unknown URL type: exit 3", r.stderr)

    # Usage errors.
    for args, what in (([], "no URL"), (["--bogus", base], "unknown option"),
                       (["-u", "nocolon", base], "-u without ':'"),
                       (["--timeout", "abc", base], "bad --timeout"),
                       (["--timeout", "-1", base], "negative --timeout"),
                       (["--max-redirs", "x", base], "bad --max-redirs"),
                       (["-o"], "-o without a value"),
                       (["-H", "NoColon", base], "-H without ':'"),
                       (["-H", "Bad Name: x", base], "-H name not a token"),
                       (["-H", "X: a\r\nY: b", base], "-H with CR LF"),
                       (["-X", "GE T", base], "-X not a token"),
                       (["-o", "a", "-o", "b", base], "more -o than URLs"),
                       (["-d", "x", "--data-file", "f", base], "-d and --data-file")):
        r = run(args)
        check(r.returncode == 2 and b"Try 'netproto fetch --help'" in r.stderr,
              "usage error, exit 2: " + what, r.stderr)
    r = run(["--help"])
    check(r.returncode == 0 and r.stdout.startswith(b"usage: netproto fetch")
          and b"exit status" in r.stdout, "--help on stdout, exit 0")

    # Other schemes the opener knows.
    r = run(["data:text/plain,hi%20there"])
    check(r.stdout == b"hi there", "data: URL")
    r = run(["file://" + blob])
    check(r.stdout == payload, "file: URL")

    # Proxy: --proxy, the environment, and --proxy over the environment.
    r = run(["--proxy", base, "http://example.invalid/p"])
    check(r.stdout == b"via proxy http://example.invalid/p", "--proxy URL", r.stderr)
    r = run(["http://example.invalid/e"], env={"http_proxy": base})
    check(r.stdout == b"via proxy http://example.invalid/e", "http_proxy from the environment",
          r.stderr)
    r = run(["--proxy", base, "http://example.invalid/o"],
            env={"http_proxy": "http://127.0.0.1:%d" % peers.free_port()})
    check(r.stdout == b"via proxy http://example.invalid/o", "--proxy overrides http_proxy",
          r.stderr)

    # Connections: kept alive across the URLs of a run (error bodies and
    # chunked ones read to their end too); --no-keepalive opens one each.
    CONNECTIONS.clear()
    urls = [base + p for p in ("/hello", "/status/404", "/chunked", "/hello",
                               "/big")]
    r = run(urls)
    check(r.returncode == 0 and len(CONNECTIONS) == 1,
          "keep-alive: 5 URLs on %d connection(s)" % len(CONNECTIONS))
    CONNECTIONS.clear()
    r = run(["--no-keepalive"] + [base + "/hello"] * 5)
    check(r.stdout == b"hello\n" * 5 and len(CONNECTIONS) == 5,
          "--no-keepalive: one connection per URL (%d)" % len(CONNECTIONS))


def on_pty(args, body_to_pty=False):
    """Run with standard error on a pseudo-terminal; what it shows and how
    long the run took."""
    import pty
    master, slave = pty.openpty()
    e = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    t0 = time.monotonic()
    p = subprocess.Popen([CLI, "fetch"] + args, stdin=subprocess.DEVNULL,
                         stdout=slave if body_to_pty else subprocess.DEVNULL,
                         stderr=slave, env=e)
    os.close(slave)
    data = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO once the child has closed the terminal
            break
        if not chunk:
            break
        data += chunk
    p.wait(timeout=30)
    os.close(master)
    return p.returncode, data, time.monotonic() - t0


def progress_cases(base, work):
    out = os.path.join(work, "progress")
    code, shown, took = on_pty(["-o", out, base + "/slowbody/length"])
    redraws = shown.count(b"\r") - 1
    last = shown[:-2].rsplit(b"\r", 1)[-1]  # the terminal shows "\n" as "\r\n"
    check(code == 0 and b"100.0%" in last and b"1000.0 KiB / 1000.0 KiB" in last
          and b"/s" in last and b"ETA" in last and shown.endswith(b"\r\n"),
          "progress on a terminal: percentage, bytes, rate, ETA, newline at the end",
          shown[-300:])
    check(2 <= redraws <= took * 10 + 3,
          "progress redrawn at most ~10 times a second (%d in %.1f s)" % (redraws, took))
    code, shown, took = on_pty(["-o", out, base + "/slowbody"])
    last = shown[:-2].rsplit(b"\r", 1)[-1]
    check(code == 0 and b"%" not in shown and b"1000.0 KiB" in last and b"/s" in last,
          "progress without Content-Length: bytes and rate", shown[-200:])
    code, shown, _ = on_pty(["-s", "-o", out, base + "/slowbody/length"])
    check(code == 0 and shown == b"", "-s: no progress on a terminal", shown[-200:])
    code, shown, _ = on_pty([base + "/hello"], body_to_pty=True)
    check(code == 0 and shown.replace(b"\r\n", b"\n") == b"hello\n",
          "no progress when the body itself goes to the terminal", shown)
    r = run(["-o", out, base + "/slowbody/length"])
    check(r.returncode == 0 and r.stderr == b"", "no progress when stderr is a pipe")


def odd_cases(base):
    """Protocol errors and a connection the server drops while it is kept
    (tests/http/peers.py's MisbehavingServer)."""
    for path in ("/bad-status", "/not-http", "/http2", "/te-cl", "/bare-cr"):
        r = run([base + path])
        check(r.returncode == 3 and r.stderr.startswith(b"netproto fetch: "),
              "protocol error %s: exit 3" % path, r.stderr)
    r = run(["-i", base + "/http10"])
    check(r.returncode == 0 and r.stdout.startswith(b"HTTP/1.0 200 OK\r\n")
          and r.stdout.endswith(b"\r\n\r\nold"),
          "-i: the status line has the version the server sent", r.stdout)
    r = run([base + "/truncated-chunked"])
    check(r.returncode == 3 and r.stdout == b"hello",
          "chunked body cut short: the chunk that came is written, exit 3", r.stderr)
    r = run([base + "/keepalive-then-close", base + "/ok", base + "/ok"])
    check(r.returncode == 0 and r.stdout == b"kaokok",
          "a kept connection the server closed: the next URL retried on a new one",
          r.stderr)


def tls_cases(base, pki, proxy):
    r = run([base + "/hello"])
    check(r.returncode == 3 and b"certificate" in r.stderr.lower(),
          "TLS, certificate from an unknown CA: exit 3", r.stderr)
    r = run(["--cacert", os.path.join(pki, "ca.pem"), base + "/hello"])
    check(r.returncode == 0 and r.stdout == b"hello\n", "TLS with --cacert", r.stderr)
    r = run(["--insecure", base + "/hello"])
    check(r.returncode == 0 and r.stdout == b"hello\n", "TLS with --insecure", r.stderr)
    r = run(["--cacert", os.path.join(pki, "ca.pem"), "-o", os.path.join(pki, "big"),
             base + "/big"])
    check(r.returncode == 0 and open(os.path.join(pki, "big"), "rb").read() == BIG,
          "TLS: 12 MiB body intact")
    r = run(["--cacert", os.path.join(pki, "ca.pem"), "--proxy", proxy,
             base + "/hello", base + "/chunked"])
    check(r.returncode == 0 and r.stdout.startswith(b"hello\nchunk 0;"),
          "https through --proxy (CONNECT with the proxy's credentials)", r.stderr)
    if CURL:
        c = curl([base + "/hello"])
        check(c.returncode != 0, "curl refuses the unknown CA too")
        c = curl(["--cacert", os.path.join(pki, "ca.pem"), base + "/chunked"])
        r = run(["--cacert", os.path.join(pki, "ca.pem"), base + "/chunked"])
        check(c.stdout == r.stdout, "TLS chunked body: same as curl")


if __name__ == "__main__":
    sys.exit(main())
