#!/usr/bin/env python3
"""`netproto serve` (http.server in C) against real clients: CPython's
urllib and http.client, curl, raw sockets; compared with
`python3 -m http.server` where the behaviour is Python's.  Includes the
path-traversal corpus, a slowloris run and a shutdown-in-flight check."""
import email.utils
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

CLI = os.environ["NP_CLI"]
failures = 0


def check(name, cond, detail=""):
    global failures
    print(("ok - " if cond else "not ok - ") + name + ("" if cond else "  " + str(detail)))
    if not cond:
        failures += 1


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise RuntimeError("server exited: %r" % proc.returncode)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not start")


def start_netproto(root, *extra):
    port = free_port()
    p = subprocess.Popen([CLI, "serve", "-b", "127.0.0.1", "-d", root, *extra, str(port)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wait_port(port, p)
    return p, port


def start_python(root):
    port = free_port()
    p = subprocess.Popen([sys.executable, "-m", "http.server", "-b", "127.0.0.1", "-d", root, str(port)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port, p)
    return p, port


def stop(p):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
    try:
        out, err = p.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    return p.returncode, out, err


def raw(port, data, timeout=5):
    """Send bytes, read until the server closes or goes quiet."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        out = b""
        try:
            while True:
                c = s.recv(65536)
                if not c:
                    break
                out += c
        except socket.timeout:
            pass
        return out


def get(port, path, headers=None, method="GET"):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request(method, path, headers=headers or {})
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, r, body


tmp = tempfile.mkdtemp()
outside = tempfile.mkdtemp()
try:
    root = os.path.join(tmp, "www")
    os.makedirs(os.path.join(root, "sub dir"))
    os.makedirs(os.path.join(root, "withindex"))
    os.makedirs(os.path.join(root, "empty"))
    with open(os.path.join(root, "small.txt"), "wb") as f:
        f.write(b"hello world!\n")
    big = os.urandom(1 << 20)
    with open(os.path.join(root, "big.bin"), "wb") as f:
        f.write(big)
    for name in ["a.html", "b.css", "c.js", "d.png", "e.json", "f.tar.gz", "g.unknownext",
                 "h.TXT", "i.svg", "noext", ".hidden", "Z<&>.txt", "sp ace.txt", "caf\u00e9.txt"]:
        with open(os.path.join(root, name), "w") as f:
            f.write(name)
    with open(os.path.join(root, "withindex", "index.html"), "w") as f:
        f.write("<p>index</p>")
    with open(os.path.join(root, "sub dir", "x.txt"), "w") as f:
        f.write("x")
    with open(os.path.join(outside, "secret.txt"), "w") as f:
        f.write("SECRET")
    os.symlink(os.path.join(outside, "secret.txt"), os.path.join(root, "escape.txt"))
    os.symlink(outside, os.path.join(root, "escapedir"))
    os.symlink("small.txt", os.path.join(root, "inside-link.txt"))

    np_proc, port = start_netproto(root)
    py_proc, pyport = start_python(root)

    # --- basic files, HEAD, MIME types, listing (differential with CPython)
    st, r, body = get(port, "/small.txt")
    check("GET a file: 200 and its bytes", st == 200 and body == b"hello world!\n", (st, body))
    check("Content-Length and Last-Modified set",
          r.getheader("Content-Length") == "13" and r.getheader("Last-Modified") is not None)
    st, r, body = get(port, "/small.txt", method="HEAD")
    check("HEAD: headers, no body", st == 200 and body == b"" and r.getheader("Content-Length") == "13")
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/big.bin", timeout=20) as u:
        check("urllib downloads the 1 MiB file intact (sendfile)", u.read() == big)
    for name in ["a.html", "b.css", "c.js", "d.png", "e.json", "f.tar.gz", "g.unknownext",
                 "h.TXT", "i.svg", "noext"]:
        a = get(port, "/" + name)[1].getheader("Content-type")
        b = get(pyport, "/" + name)[1].getheader("Content-type")
        check(f"Content-type of {name} as CPython's ({b})", a == b, a)
    for path in ["/", "/sub%20dir/", "/empty/", "/?q=1"]:
        a = get(port, path)[2]
        b = get(pyport, path)[2]
        check(f"directory listing of {path} is byte-identical to CPython's", a == b,
              (a[:400], b[:400]))
    st, r, body = get(port, "/withindex/")
    check("index.html served for a directory", st == 200 and body == b"<p>index</p>")
    for path, loc in [("/sub%20dir", "/sub%20dir/"), ("/withindex?x=1", "/withindex/?x=1")]:
        st, r, _ = get(port, path)
        st2, r2, _ = get(pyport, path)
        check(f"redirect {path} -> {loc} like CPython", st == 301 == st2 and
              r.getheader("Location") == loc == r2.getheader("Location"),
              (st, r.getheader("Location"), r2.getheader("Location")))
    st, r, _ = get(port, "//example.com/sub%20dir")
    check("no open redirect: //host/dir redirects to a local path (CVE-2021-28861)",
          st == 301 and r.getheader("Location") == "/example.com/sub%20dir/" or st == 404,
          (st, r.getheader("Location")))
    st, _, _ = get(port, "/small.txt/")
    check("a file with a trailing slash is 404, as CPython", st == 404 == get(pyport, "/small.txt/")[0])

    # --- conditional requests and ranges
    st, r, _ = get(port, "/small.txt")
    lm, etag = r.getheader("Last-Modified"), r.getheader("ETag")
    check("If-Modified-Since = Last-Modified: 304", get(port, "/small.txt", {"If-Modified-Since": lm})[0] == 304)
    old = email.utils.formatdate(0, usegmt=True)
    check("If-Modified-Since in the past: 200", get(port, "/small.txt", {"If-Modified-Since": old})[0] == 200)
    check("If-None-Match with the ETag: 304", get(port, "/small.txt", {"If-None-Match": etag})[0] == 304)
    check("If-None-Match other: 200 even with a fresh If-Modified-Since",
          get(port, "/small.txt", {"If-None-Match": '"x"', "If-Modified-Since": lm})[0] == 200)
    st, r, body = get(port, "/big.bin", {"Range": "bytes=100-199"})
    check("Range: 206 with the slice", st == 206 and body == big[100:200] and
          r.getheader("Content-Range") == f"bytes 100-199/{len(big)}", (st, r.getheader("Content-Range")))
    st, r, body = get(port, "/big.bin", {"Range": "bytes=-10"})
    check("suffix range", st == 206 and body == big[-10:])
    st, r, body = get(port, "/small.txt", {"Range": "bytes=5-"})
    check("open range", st == 206 and body == b" world!\n", body)
    st, r, body = get(port, "/small.txt", {"Range": "bytes=100-"})
    check("unsatisfiable range: 416 with bytes */size",
          st == 416 and r.getheader("Content-Range") == "bytes */13", st)
    st, r, body = get(port, "/small.txt", {"Range": "bytes=0-1,3-4"})
    check("multiple ranges: the whole file (200)", st == 200 and body == b"hello world!\n")
    st, r, body = get(port, "/small.txt", {"Range": "bytes=0-1", "If-Range": '"stale"'})
    check("If-Range that does not match: the whole file", st == 200)
    r = subprocess.run(["curl", "-sS", "--max-time", "10", "-r", "0-4",
                        f"http://127.0.0.1:{port}/small.txt"], capture_output=True)
    check("curl -r 0-4", r.returncode == 0 and r.stdout == b"hello", r)

    # --- keep-alive
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    ok = True
    for i in range(50):
        c.request("GET", "/small.txt")
        rr = c.getresponse()
        ok = ok and rr.read() == b"hello world!\n" and not rr.will_close
    sock1 = c.sock
    c.request("GET", "/big.bin")
    ok = ok and c.getresponse().read() == big and c.sock is sock1
    c.close()
    check("HTTP/1.1 keep-alive: 51 requests on one connection", ok)
    out = raw(port, b"GET /small.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /small.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    check("pipelined requests answered in order, then closed",
          out.count(b"HTTP/1.1 200 OK") == 2 and out.endswith(b"hello world!\n"), out[:300])
    out = raw(port, b"GET /small.txt HTTP/1.0\r\n\r\n")
    check("HTTP/1.0 request: answered and closed", out.startswith(b"HTTP/1.1 200") and out.endswith(b"world!\n"))

    # --- errors and the wire
    st, r, body = get(port, "/nothere<script>")
    check("404 page escapes nothing from the path and is Python's page",
          st == 404 and b"<script>" not in body and b"Error code: 404" in body and
          r.getheader("Content-Type") == "text/html;charset=utf-8", body)
    out = raw(port, b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n")
    check("unknown method: 501 Unsupported method", out.startswith(b"HTTP/1.1 501 Unsupported method ('BREW')"), out[:80])
    out = raw(port, b"GET / HTTP/2.0\r\n\r\n")
    check("HTTP/2.0 request line: 505", out.startswith(b"HTTP/1.1 505"), out[:60])
    out = raw(port, b"GET / HTTP/1.x\r\n\r\n")
    check("bad version: 400", out.startswith(b"HTTP/1.1 400 Bad request version"), out[:60])
    out = raw(port, b"GET / HTTP/1.1 extra\r\n\r\n")
    check("four words: 400 (Python reads the last word as the version)",
          out.startswith(b"HTTP/1.1 400 Bad request version ('extra')"), out[:60])
    out = raw(port, b"GET /a b c d\r\n\r\n")
    check("five words: 400 Bad request version", out.startswith(b"HTTP/1.1 400 Bad request"), out[:60])
    # the same malformed heads to CPython: the same code and message on the
    # error page (CPython 3.11 omits the status line for errors found in
    # the request line, treating the request as HTTP/0.9; netproto sends it)
    def page(out):
        import re
        m = re.search(rb"Error code: (\d+)</p>\s*<p>Message: (.*?)\.</p>", out, re.S)
        return m.groups() if m else out.split(b" ")[1][:3]
    for head in [b"GET / HTTP/1.1 extra\r\n\r\n", b"GET / HTTP/2.0\r\n\r\n", b"GET / HTTP/1.x\r\n\r\n",
                 b"GET / FTP/1.0\r\n\r\n", b"POST /\r\n\r\n", b"GET / HTTP/1.1.1\r\n\r\n",
                 b"get /\r\n\r\n", b"BREW / HTTP/1.0\r\n\r\n", b"X\r\n\r\n"]:
        a, b = page(raw(port, head)), page(raw(pyport, head))
        check(f"error for {head[:30]!r} as CPython's {b!r}", a == b, a)
    out = raw(port, b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n")
    check("request line over 64 KiB: 414", out.startswith(b"HTTP/1.1 414"), out[:60])
    out = raw(port, b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(101)) + b"\r\n")
    check("101 headers: 431 Too many headers", out.startswith(b"HTTP/1.1 431 Too many headers"), out[:60])
    out = raw(port, b"GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n")
    check("obsolete line folding: 400", out.startswith(b"HTTP/1.1 400"), out[:60])
    out = raw(port, b"GET / HTTP/01.1\r\n\r\n")
    check("HTTP/01.1 (CPython takes it, RFC 9112 does not): 400", out.startswith(b"HTTP/1.1 400"), out[:60])
    out = raw(port, b"GET  /small.txt  HTTP/1.1\r\n\r\n")
    check("extra spaces in the request line: 400 (RFC 9112, stricter than CPython)",
          out.startswith(b"HTTP/1.1 400"), out[:60])
    out = raw(port, b"GET /small.txt HTTP/1.1\r\nHost : x\r\n\r\n")
    check("white space before a header colon: 400 (request smuggling guard)",
          out.startswith(b"HTTP/1.1 400"), out[:60])
    out = raw(port, b"POST /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab")
    check("conflicting Content-Length: 400", out.startswith(b"HTTP/1.1 400"), out[:60])
    out = raw(port, b"\r\n")
    check("an empty request line: closed quietly", out == b"", out)
    out = raw(port, b"GET /small.txt\r\n")
    check("HTTP/0.9 simple request: the body alone", out == b"hello world!\n", out)
    out = raw(port, b"POST /x HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n")
    check("body over max_body: 413", out.startswith(b"HTTP/1.1 413"), out[:60])
    out = raw(port, b"POST /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n")
    check("unknown transfer coding: 501", out.startswith(b"HTTP/1.1 501"), out[:60])
    out = raw(port, b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
    check("chunked POST to the file handler: 501 Unsupported method ('POST')",
          out.startswith(b"HTTP/1.1 501 Unsupported method ('POST')"), out[:60])

    # --- path traversal corpus: nothing outside the root is ever served
    corpus = [
        "/../secret.txt", "/..%2fsecret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
        "/..%2F..%2F..%2F..%2Fetc%2Fpasswd", "/....//....//etc/passwd", "/..\\..\\etc\\passwd",
        "/%2e%2e%5c%2e%2e%5cetc%5cpasswd", "/%252e%252e/etc/passwd", "/%c0%ae%c0%ae/etc/passwd",
        "/%c0%af../etc/passwd", "/..%c0%af../etc/passwd", "/%u002e%u002e/etc/passwd",
        "/.%2e/.%2e/etc/passwd", "/sub%20dir/../../../etc/passwd", "//etc/passwd", "///etc/passwd",
        "/./../.././etc/passwd", "/etc/passwd%00.txt", "/small.txt%00", "/..;/etc/passwd",
        "/escape.txt", "/escapedir/secret.txt", "/escapedir/", "/sub%20dir/..%2f..%2fescape.txt",
        "/%2fetc%2fpasswd", "/\\etc\\passwd", "/..%255c..%255cetc/passwd", "/.../.../etc/passwd",
    ]
    leaked = []
    for path in corpus:
        out = raw(port, b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        if b"SECRET" in out or b"root:" in out or out.startswith(b"HTTP/1.1 200"):
            leaked.append((path, out[:40]))
    check(f"path-traversal corpus ({len(corpus)} paths): nothing escapes", not leaked, leaked)
    st, _, body = get(port, "/inside-link.txt")
    check("a symlink that stays inside is served", st == 200 and body == b"hello world!\n")

    # --- the small-file cache never serves stale or escaped bytes
    victim = os.path.join(root, "victim.txt")
    with open(victim, "wb") as f:
        f.write(b"AAAA")
    for _ in range(4):  # served by whichever worker: warm every cache
        get(port, "/victim.txt")
    with open(victim, "r+b") as f:  # same size, same second
        f.write(b"BBBB")
    check("a file rewritten in place is served fresh (cache checks ctime)",
          all(get(port, "/victim.txt")[2] == b"BBBB" for _ in range(4)))
    os.unlink(victim)
    os.symlink(os.path.join(outside, "secret.txt"), victim)
    outs = [get(port, "/victim.txt") for _ in range(4)]
    check("a cached file replaced by a symlink out of the root is refused",
          all(o[0] == 404 and b"SECRET" not in o[2] for o in outs), [o[0] for o in outs])
    os.unlink(victim)
    check("a cached file that was removed is 404", get(port, "/victim.txt")[0] == 404)

    # --- slowloris: 300 connections trickling a head; normal clients still served
    slow = []
    for i in range(300):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"GET /small.txt HTTP/1.1\r\n")
        slow.append(s)
    t0 = time.time()
    served = 0
    for i in range(20):
        for s in slow[i::20]:
            try:
                s.sendall(b"X-a: b\r\n")
            except OSError:
                pass
        st, _, body = get(port, "/small.txt")
        served += st == 200 and body == b"hello world!\n"
    check("slowloris: 300 slow heads held, 20 normal requests all served quickly",
          served == 20 and time.time() - t0 < 10, (served, time.time() - t0))
    for s in slow:
        s.close()

    # --- log format as CPython's
    rc, out, err = stop(np_proc)
    lines = err.decode().splitlines()
    check("netproto serve exits 0 on SIGTERM", rc == 0, rc)
    check("log lines as CPython's: host - - [date] \"request\" code -",
          any(l.startswith("127.0.0.1 - - [") and l.endswith('"GET /small.txt HTTP/1.1" 200 -') for l in lines),
          lines[:3])
    check("prints where it serves", out.decode().startswith(f"Serving HTTP on 127.0.0.1 port {port} (http://127.0.0.1:{port}/) ..."), out[:100])
    stop(py_proc)

    # --- IPv6 and the dual-stack default bind
    port6 = free_port()
    p6 = subprocess.Popen([CLI, "serve", "-d", root, str(port6)], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL)
    wait_port(port6, p6)
    c6 = http.client.HTTPConnection("::1", port6, timeout=10)
    c6.request("GET", "/small.txt")
    r6 = c6.getresponse()
    check("default bind serves IPv6 (::1)", r6.status == 200 and r6.read() == b"hello world!\n")
    c6.close()
    check("... and IPv4 on the same socket", get(port6, "/small.txt")[2] == b"hello world!\n")
    p6.send_signal(signal.SIGINT)
    out6, _ = p6.communicate(timeout=20)
    check("prints the dual-stack address as CPython does",
          out6.decode().startswith(f"Serving HTTP on :: port {port6} (http://[::]:{port6}/) ..."), out6[:80])
    check("SIGINT: 'Keyboard interrupt received, exiting.' and status 0",
          p6.returncode == 0 and "Keyboard interrupt received, exiting." in out6.decode(), (p6.returncode, out6))

    # --- shutdown finishes requests in flight
    np_proc, port = start_netproto(root, "--threads", "2")
    results = []

    def slow_download(i):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=20)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.sendall(b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
            data = b""
            time.sleep(0.5)  # the server is now stopping, the response half sent
            while True:
                c = s.recv(65536)
                if not c:
                    break
                data += c
                time.sleep(0.001)
            s.close()
            results.append(data.endswith(big) and b"HTTP/1.1 200" in data[:20])
        except Exception as e:
            results.append(e)
    idle = socket.create_connection(("127.0.0.1", port), timeout=5)
    ts = [threading.Thread(target=slow_download, args=(i,)) for i in range(8)]
    [t.start() for t in ts]
    time.sleep(0.2)
    np_proc.send_signal(signal.SIGTERM)
    [t.join(60) for t in ts]
    rc, out, err = stop(np_proc)
    check("SIGTERM during 8 slow 1 MiB downloads: all 8 complete", results == [True] * 8, results)
    check("... and the server exits 0", rc == 0, rc)
    idle.settimeout(5)
    check("... idle keep-alive connections were closed", idle.recv(10) == b"")
    idle.close()

    # --- Chromium-free browser check is in chromium.test.sh; wrk smoke run
    wrk = shutil.which("wrk")
    check("wrk is installed (scripts/deps.txt)", wrk is not None)
    if wrk:
        np_proc, port = start_netproto(root, "-q")
        r = subprocess.run([wrk, "-t2", "-c32", "-d2s", f"http://127.0.0.1:{port}/small.txt"],
                           capture_output=True, text=True)
        reqs = [l for l in r.stdout.splitlines() if "requests in" in l]
        errs = [l for l in r.stdout.splitlines() if "Non-2xx" in l or "Socket errors" in l]
        check("wrk: 2 s of keep-alive load, no errors", r.returncode == 0 and reqs and not errs, r.stdout)
        stop(np_proc)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(outside, ignore_errors=True)

print(f"{failures} failed")
sys.exit(1 if failures else 0)
