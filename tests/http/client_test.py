"""http.client interop: the C client (tests/http/tool_client.c) against
CPython's http.server, nginx (plain, TLS with a generated CA, client
certificates) and a scripted misbehaving server, all started here on
127.0.0.1.  Each case states what CPython's http.client gives for the same
exchange."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402

TOOL = os.path.join(os.environ["NP_BINARY_DIR"], "tests", "http_tool_client")
failures = []


def run(port, *args, timeout=60):
    p = subprocess.run([TOOL, "--port", str(port), *args], capture_output=True,
                       timeout=timeout)
    out = p.stdout.decode("latin-1")
    err = p.stderr.decode("latin-1")
    # Under the sanitizers a leak or error report fails the case too.
    if "Sanitizer" in err or "runtime error" in err:
        failures.append("sanitizer report: %s" % " ".join(args))
        print("not ok - sanitizer report for", args)
        print("#", err[:3000].replace("\n", "\n# "))
    results, cur = [], None
    for line in out.splitlines():
        key, _, val = line.partition(" ")
        if key == "request":
            cur = {"headers": [], "lines": []}
            results.append(cur)
        if cur is None:
            cur = {"headers": [], "lines": []}
            results.append(cur)
        cur["lines"].append(line)
        if key == "header":
            cur["headers"].append(val)
        elif key not in cur:
            cur[key] = val
    return results, out, p.returncode


def check(name, cond, out=""):
    if cond:
        print("ok -", name)
    else:
        print("not ok -", name)
        print("#", out.replace("\n", "\n# ")[:3000])
        failures.append(name)


def status(r):
    return r.get("status", "").split(" ")[0]


def error(r):
    return r.get("error", "").split(" ")[0]


def cpython_cases():
    srv = peers.CPythonServer()
    try:
        port = srv.port
        res, out, _ = run(port, "GET", "/bytes/100000", "GET", "/chunked/250000",
                          "GET", "/bytes/0")
        check("cpython: keep-alive GETs, sized and chunked bodies",
              [status(r) for r in res] == ["200"] * 3 and
              res[0].get("body_fnv") == peers.fnv(bytes(i % 251 for i in range(100000))) and
              res[1].get("body_fnv") == peers.fnv(bytes(i % 251 for i in range(250000))) and
              res[0].get("local_port") == res[1].get("local_port") == res[2].get("local_port"), out)
        res, out, _ = run(port, "--body", "hello body", "--print-body", "POST", "/echo")
        check("cpython: POST body with Content-Length echoes back",
              res[0].get("body") == "hello body", out)
        res, out, _ = run(port, "--stream-body", "300000", "POST", "/echo")
        check("cpython: streamed body goes out chunked",
              status(res[0]) == "200" and res[0].get("body_fnv") == peers.fnv(b"z" * 300000), out)
        res, out, _ = run(port, "--stream-body", "5000", "--header",
                          "Content-Length: 5000", "PUT", "/echo")
        check("cpython: streamed body with Content-Length",
              res[0].get("body_fnv") == peers.fnv(b"z" * 5000), out)
        res, out, _ = run(port, "--header", "Transfer-Encoding: chunked", "--body",
                          "chunked body", "--print-body", "POST", "/echo")
        check("cpython: a body with Transfer-Encoding: chunked goes out chunk-encoded",
              res[0].get("body") == "chunked body", out)
        res, out, _ = run(port, "--print-body", "POST", "/echo")
        check("cpython: POST without body sends Content-Length: 0",
              status(res[0]) == "200" and res[0].get("body_len") == "0", out)
        res, out, _ = run(port, "--header", "X-Custom: 1", "--print-body", "GET",
                          "/headers")
        check("cpython: Host and Accept-Encoding: identity are added",
              "Host: 127.0.0.1:%d" % port in out and
              "Accept-Encoding: identity" in out and "X-Custom: 1" in out, out)
        for mode in ("1", "7", "read1", "peek", "65536"):
            res, out, _ = run(port, "--read", mode, "GET", "/chunked/10000",
                              "GET", "/bytes/70001")
            check("cpython: read mode %s gives the same bytes" % mode,
                  res[0].get("body_fnv") == peers.fnv(bytes(i % 251 for i in range(10000))) and
                  res[1].get("body_fnv") == peers.fnv(bytes(i % 251 for i in range(70001))), out)
        res, out, _ = run(port, "--trace", "GET", "/bytes/3")
        check("cpython: trace shows send and reply like debuglevel 1",
              "send: b'GET /bytes/3 HTTP/1.1\\r\\nHost:" in out and
              "reply: 'HTTP/1.1 200 OK\\r\\n'" in out and
              "header: Content-Length: 3" in out, out)
        res, out, _ = run(port, "GET", "/missing")
        check("cpython: 404 is a response, not an error",
              status(res[0]) == "404" and "ok" in res[0].get("lines"), out)
    finally:
        srv.stop()


def misbehaving_cases():
    srv = peers.MisbehavingServer()
    port = srv.port
    try:
        def one(path, *args):
            res, out, _ = run(port, *args, "GET", path)
            return res[0], out

        r, out = one("/truncated-length")
        check("truncated Content-Length body: IncompleteRead(10 bytes, 90 more)",
              error(r) == "NP_EHTTP_INCOMPLETE_READ" and r.get("body_len") == "10" and
              r.get("value") == "90", out)
        r, out = one("/truncated-length", "--read", "4")
        check("truncated body read(4): partial bytes reported",
              error(r) == "NP_EHTTP_INCOMPLETE_READ" and r.get("partial") == "2", out)
        r, out = one("/truncated-chunked")
        check("truncated chunked body: IncompleteRead",
              error(r) == "NP_EHTTP_INCOMPLETE_READ" and r.get("body_len") == "5", out)
        r, out = one("/bad-chunk")
        check("bad chunk size: named error after the good chunk",
              error(r) == "NP_EHTTP_BAD_CHUNK_SIZE" and r.get("body_len") == "5", out)
        r, out = one("/chunk-overflow")
        check("chunk size overflow", error(r) == "NP_EHTTP_CHUNK_SIZE_OVERFLOW", out)
        r, out = one("/chunked-ok", "--print-body")
        check("chunked with extension and trailer",
              r.get("body") == "hello world" and "ok" in r.get("lines"), out)
        r, out = one("/big-chunked")
        check("large chunks across reads",
              r.get("body_fnv") == peers.fnv(b"q" * (1 + 100 + 65536 + 3 + 70000)), out)
        r, out = one("/header-flood")
        check("header flood: more than 100 headers refused",
              error(r) == "NP_EHTTP_TOO_MANY_HEADERS", out)
        r, out = one("/header-flood", "--max-headers", "200")
        check("header limit setter lets 151 headers through",
              status(r) == "200", out)
        r, out = one("/long-line")
        check("header line over 65536 bytes: LineTooLong",
              error(r) == "NP_EHTTP_LINE_TOO_LONG", out)
        r, out = one("/continue-some", "--print-body")
        check("three 100 Continue then 200", r.get("body") == "done", out)
        r, out = one("/continue-flood", "--max-info", "50")
        check("100 Continue flood is bounded",
              error(r) == "NP_EHTTP_TOO_MANY_INFORMATIONAL", out)
        r, out = one("/slow-drip", "--print-body")
        check("slow drip, one byte at a time", r.get("body") == "slow!", out)
        for mode in ("read1", "peek", "3"):
            r, out = one("/chunk-drip", "--read", mode, "--print-body")
            check("chunk framing arriving alone, read mode %s: whole body" % mode,
                  r.get("body") == "hello world" and "ok" in r.get("lines"), out)
        r, out = one("/stall", "--timeout", "1000")
        check("stalled body hits the read time-out",
              error(r) == "NP_ETIMEDOUT" and r.get("body_len") == "2", out)
        r, out = one("/no-response")
        check("closed without response: RemoteDisconnected",
              error(r) == "NP_EHTTP_REMOTE_DISCONNECTED", out)
        r, out = one("/bad-status")
        check("bad status line: BadStatusLine", error(r) == "NP_EHTTP_BAD_STATUS_LINE", out)
        r, out = one("/not-http")
        check("not HTTP at all: BadStatusLine", error(r) == "NP_EHTTP_BAD_STATUS_LINE", out)
        r, out = one("/http2")
        check("HTTP/2.0 status line: UnknownProtocol",
              error(r) == "NP_EHTTP_UNKNOWN_PROTOCOL", out)
        r, out = one("/te-cl")
        check("response with TE and CL refused", error(r) == "NP_EHTTP_TE_AND_CL", out)
        r, out = one("/dup-cl")
        check("response with two Content-Length refused",
              error(r) == "NP_EHTTP_DUP_CONTENT_LENGTH", out)
        r, out = one("/obs-fold")
        check("obs-fold in a response kept as CPython does",
              "header X-Folded: a\r\n  b" in out.replace("\n  b", "\r\n  b") or
              "X-Folded: a" in out, out)
        r, out = one("/bare-cr")
        check("bare CR in a response header", error(r) == "NP_EHTTP_BARE_CR", out)
        r, out = one("/no-reason")
        check("status line without reason", status(r) == "200" and r.get("status") == "200 ", out)
        r, out = one("/multi", "--getheader", "set-cookie")
        check("getheader joins repeated values with ', ' as CPython",
              r.get("getheader") == "ok a=1, b=2", out)
        r, out = one("/multi", "--getheader", "x-missing")
        check("getheader of an absent header: NP_ENOTFOUND",
              r.get("getheader") == "NP_ENOTFOUND ", out)
        r, out = one("/multi")
        check("repeated headers all reported",
              r.get("headers").count("Set-Cookie: a=1") == 1 and
              r.get("headers").count("Set-Cookie: b=2") == 1, out)

        res, out, _ = run(port, "GET", "/ok", "GET", "/ok", "GET", "/close-delimited",
                          "GET", "/ok")
        check("keep-alive reuse, then close-delimited closes, then reopen",
              res[0].get("local_port") == res[1].get("local_port") == res[2].get("local_port") and
              res[2].get("will_close") == "1" and res[2].get("body_len") == "13" and
              res[3].get("local_port") != res[2].get("local_port") and status(res[3]) == "200", out)
        res, out, _ = run(port, "GET", "/connection-close", "GET", "/ok")
        check("Connection: close reopens for the next request",
              res[0].get("will_close") == "1" and status(res[1]) == "200" and
              res[0].get("local_port") != res[1].get("local_port"), out)
        res, out, _ = run(port, "GET", "/http10", "GET", "/ok")
        check("HTTP/1.0 response closes, version 10",
              res[0].get("version") == "10" and res[0].get("will_close") == "1" and
              status(res[1]) == "200", out)
        res, out, _ = run(port, "GET", "/keepalive-then-close", "GET", "/ok")
        check("server closed an idle kept connection: RemoteDisconnected, as CPython",
              res[0].get("body_len") == "2" and
              error(res[1]) == "NP_EHTTP_REMOTE_DISCONNECTED", out)
        res, out, _ = run(port, "GET", "/keepalive-then-close", "GET", "/ok", "GET", "/ok")
        check("after RemoteDisconnected the next request reconnects",
              status(res[2]) == "200", out)
        res, out, _ = run(port, "--body", "x" * 100000, "POST", "/echo")
        check("100 kB request body", res[0].get("body_fnv") == peers.fnv(b"x" * 100000), out)
    finally:
        srv.stop()


def invalid_input_cases():
    res, out, _ = run(0, "--host", "127.0.0.1:abc", "GET", "/")
    check("nonnumeric port: InvalidURL", error(res[0]) == "NP_EHTTP_INVALID_URL", out)
    res, out, _ = run(0, "--host", "bad host", "GET", "/")
    check("control character in host: InvalidURL",
          error(res[0]) == "NP_EHTTP_INVALID_URL", out)
    res, out, _ = run(peers.free_port(), "GET", "/")
    check("connection refused: NP_ESYS", error(res[0]) == "NP_ESYS", out)
    srv = peers.MisbehavingServer()
    try:
        res, out, _ = run(srv.port, "GET", "/a b")
        check("space in URL: InvalidURL", error(res[0]) == "NP_EHTTP_INVALID_URL", out)
        res, out, _ = run(srv.port, "GET", "/a\r\nX: y")
        check("CRLF in URL: InvalidURL", error(res[0]) == "NP_EHTTP_INVALID_URL", out)
        res, out, _ = run(srv.port, "--header", "X: a\r\nInjected: 1", "GET", "/ok")
        check("CRLF in header value refused",
              error(res[0]) == "NP_EHTTP_BAD_HEADER_VALUE", out)
        res, out, _ = run(srv.port, "G T", "/ok")
        check("space in method refused", error(res[0]) == "NP_EHTTP_BAD_METHOD", out)
        res, out, _ = run(0, "--host", "localhost:%d" % srv.port, "GET", "/ok")
        check("host:port form is split", status(res[0]) == "200", out)
        src = peers.free_port()
        res, out, _ = run(srv.port, "--source-port", str(src), "GET", "/ok")
        check("source address: the local end is bound to the port asked",
              status(res[0]) == "200" and res[0].get("local_port") == str(src), out)
        res, out, _ = run(srv.port, "--timeout", "1000", "GET", "/stall")
        check("time-out: a stalled body read ends with NP_ETIMEDOUT",
              error(res[0]) == "NP_ETIMEDOUT", out)
    finally:
        srv.stop()


def nginx_cases():
    files = {"empty": b"", "small": b"small file\n",
             "big": bytes(i * 7 % 256 for i in range(5 * 1024 * 1024))}
    ng = peers.Nginx("www", files)
    try:
        res, out, _ = run(ng.port, "GET", "/small", "GET", "/big", "GET", "/empty",
                          "HEAD", "/big", "GET", "/small")
        check("nginx: keep-alive GETs of 0 B, 11 B, 5 MiB and a HEAD on one connection",
              [status(r) for r in res] == ["200"] * 5 and
              res[1].get("body_fnv") == peers.fnv(files["big"]) and
              res[2].get("body_len") == "0" and res[3].get("body_len") == "0" and
              len({r.get("local_port") for r in res if r.get("local_port") != "-1"}) == 1, out)
        res, out, _ = run(ng.port, "--read", "read1", "GET", "/big")
        check("nginx: read1 loop over 5 MiB", res[0].get("body_fnv") == peers.fnv(files["big"]), out)
        res, out, _ = run(ng.port, "GET", "/nothing")
        check("nginx: 404 with body", status(res[0]) == "404", out)
        ca = os.path.join(ng.dir, "ca.pem")
        res, out, _ = run(ng.tls_port, "--https", "--cafile", ca, "GET", "/big",
                          "GET", "/small")
        check("nginx TLS: verified with the CA file, keep-alive, ALPN http/1.1",
              res[0].get("body_fnv") == peers.fnv(files["big"]) and status(res[1]) == "200" and
              res[0].get("alpn") == "http/1.1" and
              res[0].get("local_port") == res[1].get("local_port"), out)
        res, out, _ = run(ng.tls_port, "--https", "--host", "localhost", "--cafile",
                          ca, "GET", "/small")
        check("nginx TLS: host name localhost verified", status(res[0]) == "200", out)
        res, out, _ = run(ng.sni_port, "--https", "--host", "localhost",
                          "--cafile", ca, "GET", "/small")
        check("nginx TLS: SNI selects the certificate for localhost",
              status(res[0]) == "200", out)
        res, out, _ = run(ng.sni_port, "--https", "--cafile", ca, "GET", "/small")
        check("nginx TLS: no SNI for an IP literal, so the default certificate "
              "(another name) is refused", error(res[0]) == "NP_ETLS_VERIFY", out)
        res, out, _ = run(ng.tls_port, "--https", "--capath",
                          os.path.join(ng.dir, "capath"), "GET", "/small")
        check("nginx TLS: CA folder", status(res[0]) == "200", out)
        res, out, _ = run(ng.tls_port, "--https", "GET", "/small")
        check("nginx TLS: unknown CA refused against the system store",
              error(res[0]) == "NP_ETLS_VERIFY", out)
        res, out, _ = run(ng.other_port, "--https", "--cafile", ca, "GET", "/small")
        check("nginx TLS: certificate for another name refused",
              error(res[0]) == "NP_ETLS_VERIFY", out)
        res, out, _ = run(ng.other_port, "--https", "--insecure", "GET", "/small")
        check("nginx TLS: insecure_skip_verify accepts it", status(res[0]) == "200", out)
        res, out, _ = run(ng.mtls_port, "--https", "--cafile", ca, "--cert",
                          os.path.join(ng.dir, "client.pem"), "--key",
                          os.path.join(ng.dir, "client.key"), "GET", "/small")
        check("nginx TLS: client certificate accepted", status(res[0]) == "200", out)
        res, out, _ = run(ng.mtls_port, "--https", "--cafile", ca, "GET", "/small")
        check("nginx TLS: missing client certificate gives 400",
              status(res[0]) == "400", out)
        res, out, _ = run(ng.port, "--https", "--cafile", ca, "--timeout", "2000",
                          "GET", "/small")
        check("TLS to a plain port fails with NP_ETLS",
              error(res[0]) in ("NP_ETLS", "NP_EOF", "NP_ESYS"), out)
        closer = peers.TLSCloser(os.path.join(ng.dir, "server.pem"),
                                 os.path.join(ng.dir, "server.key"))
        try:
            for _ in range(3):  # the race loses SIGPIPE now and then
                res, out, rc = run(closer.port, "--https", "--cafile", ca,
                                   "--stream-body", "50000000", "POST", "/")
                check("TLS peer closing under a large upload: an error, no SIGPIPE",
                      rc == 1 and error(res[0]) in ("NP_ESYS", "NP_ETLS"),
                      out + " rc=%d" % rc)
        finally:
            closer.stop()
        proxy = peers.MisbehavingServer()
        try:
            res, out, _ = run(proxy.port, "--tunnel", "localhost:%d" % ng.tls_port,
                              "--proxy-header", "Proxy-Authorization: Basic dXA6cA==",
                              "--https", "--cafile", ca, "GET", "/small", "GET", "/big")
            check("CONNECT tunnel through a proxy to nginx TLS, keep-alive inside",
                  status(res[0]) == "200" and
                  res[1].get("body_fnv") == peers.fnv(files["big"]), out)
            res, out, _ = run(proxy.port, "--tunnel", "localhost:%d" % ng.tls_port,
                              "--https", "--cafile", ca, "GET", "/small")
            check("CONNECT refused by the proxy: 407 reported",
                  error(res[0]) == "NP_EHTTP_TUNNEL" and res[0].get("value") == "407", out)
            res, out, _ = run(proxy.port, "--tunnel", "127.0.0.1:%d" % ng.port,
                              "--proxy-header", "Proxy-Authorization: Basic dXA6cA==",
                              "GET", "/small")
            check("CONNECT tunnel to plain HTTP", status(res[0]) == "200", out)
        finally:
            proxy.stop()
    finally:
        ng.stop()


def request_bytes_cases():
    """The bytes on the wire equal CPython http.client's for the same
    request() calls."""
    import http.client
    srv = peers.RecordingServer()
    cases = [
        ("GET", "/", None, {}),
        ("POST", "/p", b"abc", {}),
        ("PUT", "/x", None, {}),
        ("GET", "/h?q=1", None, {"X-A": "1", "Accept": "text/html"}),
        ("HEAD", "/h", None, {}),
        ("GET", "/", None, {"Host": "example.org"}),
        ("GET", "/", None, {"Accept-Encoding": "gzip"}),
        ("GET", "http://other.example:81/x", None, {}),
        ("PATCH", "/p", b"", {"Content-Type": "text/plain"}),
        ("POST", "/stream", "stream", {}),
    ]
    try:
        for method, url, body, headers in cases:
            srv.requests.clear()
            conn = http.client.HTTPConnection("127.0.0.1", srv.port)
            if body == "stream":
                conn.request(method, url, body=(b"z" * 8192 for _ in range(36)),
                             headers=headers)
            else:
                conn.request(method, url, body=body, headers=headers)
            conn.getresponse().read()
            conn.close()
            args = []
            for k, v in headers.items():
                args += ["--header", "%s: %s" % (k, v)]
            if body == "stream":
                args += ["--stream-body", str(8192 * 36)]
            elif body is not None:
                args += ["--body", body.decode()]
            run(srv.port, *args, method, url)
            ok = len(srv.requests) == 2 and srv.requests[0] == srv.requests[1]
            check("request bytes equal CPython's: %s %s %s" % (method, url, headers),
                  ok, "\n".join(repr(r[:400]) for r in srv.requests))
    finally:
        srv.stop()


cpython_cases()
request_bytes_cases()
misbehaving_cases()
invalid_input_cases()
nginx_cases()
print("%d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
