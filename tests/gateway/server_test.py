"""The built-in server (simple_server on the http.server engine) with real
clients: curl, CPython's urllib and http.client, a pipelined request
stream, wrk, nginx as a reverse proxy in front of it; the examples built as
a user builds them, each also under the validator; `netproto gateway-demo`;
and the environ compared with CPython's wsgiref.simple_server for the same
request."""
import hashlib
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "http"))
from peers import free_port, nginx_conf, stop_proc, wait_port  # noqa: E402

BIN = os.environ["NP_BINARY_DIR"]
CLI = os.environ["NP_CLI"]
work = tempfile.mkdtemp(prefix="np_gw_")
procs = []
failures = 0


def check(name, cond, detail=""):
    global failures
    if cond:
        print("ok -", name)
    else:
        failures += 1
        print("not ok -", name, detail)


def build(example):
    """examples/EXAMPLE.c built as a user would (tests/lib/example.sh)."""
    out = os.path.join(work, example)
    subprocess.run(["bash", "-c", '. "$NP_SOURCE_DIR/tests/lib/example.sh" && '
                    'np_build_example "$1" "$2"', "build", example, out],
                   check=True, timeout=120)
    return out


def start(argv):
    """Start a server that prints 'Serving on port N'; returns (proc, port)."""
    err = open(os.path.join(work, os.path.basename(argv[0]) + ".err"), "ab")
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err)
    procs.append(p)
    line = p.stdout.readline().decode()
    port = int(line.split()[-1])
    return p, port


def curl(*args):
    return subprocess.run(["curl", "-s", "-m", "10", *args], capture_output=True,
                          timeout=20).stdout


def pipelined(port):
    """Three requests in one send; three responses back in order."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    req = (b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
           b"HEAD /b HTTP/1.1\r\nHost: x\r\n\r\n"
           b"GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    s.sendall(req)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    return data


def hello_checks(port, tag):
    out = curl("-i", f"http://127.0.0.1:{port}/")
    check(f"{tag}: curl GET", out.startswith(b"HTTP/1.1 200 OK") and
          b"Content-Length: 13" in out and out.endswith(b"\r\n\r\nHello world!\n"), out)
    check(f"{tag}: Date and Server", re.search(rb"\r\nDate: \w{3}, \d\d \w{3} \d{4}", out)
          and b"\r\nServer: WSGIServer/0.2" in out, out)
    head = curl("-I", f"http://127.0.0.1:{port}/")
    check(f"{tag}: HEAD has no body", head.endswith(b"\r\n\r\n") and b"Hello" not in head, head)
    body = urllib.request.urlopen(f"http://127.0.0.1:{port}/x", timeout=10).read()
    check(f"{tag}: urllib GET", body == b"Hello world!\n", body)
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    ok = True
    for _ in range(5):
        c.request("GET", "/")
        r = c.getresponse()
        ok = ok and r.status == 200 and r.read() == b"Hello world!\n" and not r.will_close
    sock1 = c.sock
    c.request("GET", "/")
    c.getresponse().read()
    check(f"{tag}: keep-alive, 6 requests on one connection", ok and c.sock is sock1)
    c.close()
    data = pipelined(port)
    check(f"{tag}: pipelined GET, HEAD, GET answered in order",
          data.count(b"HTTP/1.1 200 OK") == 3 and data.count(b"Hello world!\n") == 2, data)


def wrk_check(port, tag):
    r = subprocess.run(["wrk", "-t1", "-c16", "-d1", f"http://127.0.0.1:{port}/"],
                       capture_output=True, text=True, timeout=30)
    m = re.search(r"(\d+) requests in", r.stdout)
    n = int(m.group(1)) if m else 0
    check(f"{tag}: wrk 1 s, 16 connections, no errors",
          n > 1000 and "Non-2xx" not in r.stdout and "Socket errors" not in r.stdout,
          r.stdout)


def form_checks(port, tag):
    body = urllib.request.urlopen(urllib.request.Request(
        f"http://127.0.0.1:{port}/", data=b"name=J%C3%BCrgen&x=a+b"), timeout=10).read()
    check(f"{tag}: urllib POST read through wsgi.input",
          body == "name=Jürgen\nx=a b\n".encode(), body)
    page = curl(f"http://127.0.0.1:{port}/")
    check(f"{tag}: GET shows the form", b"<form method=post>" in page, page)
    big = b"k=" + b"v" * 200000
    body = curl("--data-binary", "@-", f"http://127.0.0.1:{port}/") if False else \
        subprocess.run(["curl", "-s", "-m", "10", "--data-binary", "@-",
                        f"http://127.0.0.1:{port}/"], input=big, capture_output=True).stdout
    check(f"{tag}: 200 kB POST (Expect: 100-continue from curl)",
          body == b"k=" + b"v" * 200000 + b"\n", body[:80])


def download_checks(port, tag, blob):
    got = curl(f"http://127.0.0.1:{port}/blob.bin")
    check(f"{tag}: FileWrapper download of 3 MB intact",
          hashlib.sha256(got).digest() == hashlib.sha256(blob).digest(), len(got))
    head = curl("-I", f"http://127.0.0.1:{port}/blob.bin")
    check(f"{tag}: its Content-Length", b"Content-Length: %d" % len(blob) in head, head)
    nf = curl("-i", f"http://127.0.0.1:{port}/..%2Fetc%2Fpasswd")
    check(f"{tag}: no way out of the directory", nf.startswith(b"HTTP/1.1 404"), nf[:60])


def middleware_checks(port, tag):
    out = curl("-i", f"http://127.0.0.1:{port}/p%20q?z=1", "-H", "X-Multi: a",
               "-H", "X-Multi: b", "-H", "X_Under: spoof")
    check(f"{tag}: middleware adds its header", re.search(rb"\r\nX-Elapsed-Us: \d+\r\n", out), out)
    check(f"{tag}: inner demo_app answers through it",
          b"Hello world!" in out and b"PATH_INFO = '/p q'" in out and
          b"HTTP_X_MULTI = 'a,b'" in out and b"Content-Length:" in out, out)
    check(f"{tag}: a header name with '_' is not passed as HTTP_*",
          b"HTTP_X_UNDER" not in out and b"spoof" not in out, out)


def demo_environ(text):
    env = {}
    for line in text.decode("utf-8").splitlines()[2:]:
        k, _, v = line.partition(" = ")
        env[k] = v
    return env


def python_differential():
    """The environ CPython's wsgiref.simple_server gives demo_app against
    ours, for a request with a quoted path, a query, a repeated header and
    a body."""
    port = free_port()
    code = ("import sys\nfrom wsgiref.simple_server import make_server, demo_app, WSGIRequestHandler\n"
            "class Q(WSGIRequestHandler):\n  def log_message(self,*a): pass\n"
            f"s = make_server('127.0.0.1', {port}, demo_app, handler_class=Q)\n"
            "print('ready', flush=True)\ns.handle_request()\n")
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    procs.append(p)
    p.stdout.readline()
    ours = subprocess.Popen([CLI, "gateway-demo", "-q", "--no-browser", "-b", "127.0.0.1",
                             "--forever", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    procs.append(ours)
    oport = int(ours.stdout.readline().split()[-2])
    args = ["-H", "X-Multi: one", "-H", "X-Multi: two", "-H", "Content-Type: text/x",
            "--data-binary", "abc"]
    theirs = demo_environ(curl(*args, f"http://127.0.0.1:{port}/a%20b/%C3%A9;p?x=1&y=%20"))
    mine = demo_environ(curl(*args, f"http://127.0.0.1:{oport}/a%20b/%C3%A9;p?x=1&y=%20"))
    stop_proc(ours)
    p.wait(10)
    skip = {"SERVER_PORT", "HTTP_HOST", "SERVER_SOFTWARE", "wsgi.errors", "wsgi.input",
            "wsgi.file_wrapper", "wsgi.multithread"}
    keys = [k for k in mine if k not in skip]
    diff = [(k, mine[k], theirs.get(k)) for k in keys if mine[k] != theirs.get(k)]
    check(f"environ equal to CPython wsgiref's for {len(keys)} keys", not diff and len(keys) > 15, diff)


def nginx_checks(port, blob):
    nport = free_port()
    conf = os.path.join(work, "nginx.conf")
    open(conf, "w").write(nginx_conf(work, f"""
  upstream app {{ server 127.0.0.1:{port}; keepalive 8; }}
  server {{ listen 127.0.0.1:{nport};
    location / {{ proxy_pass http://app; proxy_http_version 1.1;
      proxy_set_header Connection ""; proxy_set_header Host $host; }} }}"""))
    p = subprocess.Popen(["nginx", "-c", conf, "-p", work], stderr=subprocess.DEVNULL)
    procs.append(p)
    wait_port(nport, proc=p)
    got = curl(f"http://127.0.0.1:{nport}/blob.bin")
    check("behind nginx: 3 MB download intact", got == blob, len(got))
    out = b"".join(curl(f"http://127.0.0.1:{nport}/blob.bin", "-o", "/dev/null", "-w",
                        "%{http_code} ") for _ in range(20))
    check("behind nginx: 20 requests over the upstream keep-alive pool",
          out.split() == [b"200"] * 20, out)
    stop_proc(p)


def stream_checks():
    """A generator of unknown length, pulled by the engine as the socket
    takes more, reading its environ and wsgi.input lazily (after the
    application returned); chunked to HTTP/1.1; and the same collected into
    a Content-Length response with --collect."""
    tool = os.path.join(BIN, "tests", "gateway_tool_gwserve")
    for mode in ([], ["--validate"], ["--collect"]):
        tag = "stream " + (mode[0][2:] if mode else "plain")
        p, port = start([tool, "0", *mode])
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.request("POST", "/s?40", body=b"x" * 5000)
        r = c.getresponse()
        body = r.read()
        want = b"input=5000\n" + b"".join(bytes([97 + i % 26]) * 65536 for i in range(40))
        te = r.getheader("Transfer-Encoding")
        cl = r.getheader("Content-Length")
        if mode == ["--collect"]:
            framing_ok = cl == str(len(want)) and te is None and not r.will_close
        else:
            framing_ok = te == "chunked" and cl is None
        check(f"{tag}: 2.6 MB generator body intact, input read lazily", body == want,
              (len(body), body[:20]))
        check(f"{tag}: framing ({te or 'Content-Length'})", framing_ok, (te, cl))
        # After a complete response, chunked ones too, the connection
        # serves the next request.
        sock1 = c.sock
        c.request("GET", "/s?2")
        r2 = c.getresponse()
        b2 = r2.read()
        check(f"{tag}: keep-alive after the streamed response",
              not r.will_close and c.sock is sock1 and
              b2 == b"input=0\n" + b"a" * 65536 + b"b" * 65536,
              (r.will_close, len(b2)))
        c.close()
        if not mode:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            c.request("GET", "/fail")
            r = c.getresponse()
            body = r.read()
            check(f"{tag}: a failing application gets Python's 500",
                  r.status == 500 and body == b"A server error occurred.  Please contact "
                  b"the administrator." and r.getheader("Content-Type") == "text/plain",
                  (r.status, body))
        c.close()
        stop_proc(p)
        if not mode:
            err = open(os.path.join(work, "gateway_tool_gwserve.err"), "rb").read()
            check(f"{tag}: the reason is logged to wsgi.errors",
                  b"application failed: invalid argument (NP_EINVAL)" in err, err[-300:])


def demo_cli():
    r = subprocess.run([CLI, "gateway-demo", "--no-browser", "-b", "127.0.0.1", "0"],
                       capture_output=True, timeout=30)
    check("netproto gateway-demo serves one request and exits",
          r.returncode == 0 and r.stdout.startswith(b"Serving HTTP on 127.0.0.1 port ") and
          b"Hello world!\n\n" in r.stdout and b"PATH_INFO = '/xyz'" in r.stdout and
          b"QUERY_STRING = 'abc'" in r.stdout and b'"GET /xyz?abc HTTP/1.1" 200' in r.stderr,
          (r.returncode, r.stdout[:200], r.stderr[:200]))
    r = subprocess.run([CLI, "gateway-demo", "-q", "--no-browser", "-b", "::1", "0"],
                       capture_output=True, timeout=30)
    check("gateway-demo on IPv6 loopback", r.returncode == 0 and
          b"REMOTE_ADDR = '::1'" in r.stdout, (r.returncode, r.stdout[:100], r.stderr[:200]))
    # with no browser at all it falls back to fetching the page itself
    r = subprocess.run([CLI, "gateway-demo", "-b", "127.0.0.1", "0"], capture_output=True,
                       timeout=30, env={"PATH": work, "HOME": work})
    check("gateway-demo without a browser fetches the page with netproto's client",
          r.returncode == 0 and b"Hello world!" in r.stdout, (r.returncode, r.stderr[:300]))


def main():
    try:
        exe = {e: build(e) for e in ["gw_hello", "gw_form", "gw_download", "gw_middleware"]}
        check("examples build with -Werror", True)
        blob = os.urandom(3 << 20)
        d = os.path.join(work, "files")
        os.mkdir(d)
        open(os.path.join(d, "blob.bin"), "wb").write(blob)
        for validate in ([], ["--validate"]):
            tag = "validated" if validate else "plain"
            p, port = start([exe["gw_hello"], "0", *validate])
            hello_checks(port, "hello " + tag)
            wrk_check(port, "hello " + tag)
            stop_proc(p)
            p, port = start([exe["gw_form"], "0", *validate])
            form_checks(port, "form " + tag)
            stop_proc(p)
            p, port = start([exe["gw_download"], d, "0", *validate])
            download_checks(port, "download " + tag, blob)
            if validate:
                nginx_checks(port, blob)
            stop_proc(p)
            p, port = start([exe["gw_middleware"], "0", *validate])
            middleware_checks(port, "middleware " + tag)
            stop_proc(p)
        python_differential()
        stream_checks()
        errs = b"".join(open(os.path.join(work, f), "rb").read()
                        for f in os.listdir(work) if f.endswith(".err"))
        check("the validator found nothing in the examples", b"validate:" not in errs, errs[:300])
        demo_cli()
    finally:
        for p in procs:
            stop_proc(p)
        shutil.rmtree(work, ignore_errors=True)
    print("failures:", failures)
    sys.exit(1 if failures else 0)


main()
