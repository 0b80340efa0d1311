"""Differential test of request parsing against CPython's http.server
(BaseHTTPRequestHandler.parse_request: method, target, version, headers,
close_connection) and of response parsing against CPython's http.client:
thousands of generated responses (valid, odd and broken) go through
tests/http/tool_parse.c and through http.client.HTTPResponse.  Whenever
netproto accepts a message, CPython must accept it too and agree on
status, version, reason, every header (name and value) and the body.
Where netproto refuses what CPython accepts, it is one of the documented
strict rules (RFC 9112 smuggling defences); those are counted by rule.
Known, documented differences: field values lose trailing spaces here (RFC
9110 5.5), CPython keeps them, so values are compared with that removed;
a 204 or 304 response, or the response to HEAD, has no body here whatever
its Transfer-Encoding says (RFC 9112 6.3 rule 1), while CPython still reads
a chunked body for those: such cases compare everything but the body;
an empty line before a request line is skipped here (RFC 9112 2.2) where
http.server gives up, so CPython is given the request without it; several
Connection fields are one list here (RFC 9110 5.3) where http.server reads
only the first, so keep-alive is not compared for those."""
import collections
import http.client
import http.server
import io
import os
import random
import subprocess
import sys

TOOL = os.path.join(os.environ["NP_BINARY_DIR"], "tests", "http_tool_parse")


class FakeSock:
    def __init__(self, data):
        self.data = data

    def makefile(self, *a, **k):
        return io.BytesIO(self.data)


def cpython(data, head):
    r = http.client.HTTPResponse(FakeSock(data), method="HEAD" if head else "GET")
    r.begin()
    body = r.read()
    return (r.status, r.version, r.reason.encode("latin-1"),
            [(k.encode("latin-1"), v.encode("latin-1").rstrip(b" \t"))
             for k, v in r.headers.items()], body)


def gen(rng):
    eol = rng.choice([b"\r\n"] * 8 + [b"\n"])
    version = rng.choice([b"HTTP/1.1"] * 6 + [b"HTTP/1.0", b"HTTP/1.2", b"HTTP/2.0", b"http/1.1"])
    status = rng.choice([b"200", b"204", b"304", b"404", b"100", b"301", b"500", b"999", b"20", b"abc"])
    reason = rng.choice([b" OK", b" Not Found", b"", b" ", b"  Spaced  ", b" caf\xe9", b" A\tB"])
    lines = [version + b" " + status + reason]
    names = [b"Content-Type", b"X-A", b"Set-Cookie", b"Server", b"Cache-Control", b"x-b"]
    for _ in range(rng.randrange(0, 8)):
        name = rng.choice(names)
        value = rng.choice([b"text/html", b" spaced ", b"a=1; Path=/", b"", b"q\xc3\xa9",
                            b"x" * rng.randrange(1, 200), b"tab\there"])
        sep = rng.choice([b": ", b":", b":  ", b": "])
        lines.append(name + sep + value)
        if rng.random() < 0.05:
            lines.append(rng.choice([b"  folded", b"\tmore"]))
    body = bytes(rng.randrange(32, 127) for _ in range(rng.randrange(0, 300)))
    framing = rng.choice(["cl", "cl", "chunked", "close", "none"])
    if framing == "cl":
        lines.append(b"Content-Length: %d" % len(body))
        payload = body + (b"" if rng.random() < 0.9 else b"extra")
    elif framing == "chunked":
        lines.append(b"Transfer-Encoding: chunked")
        payload, i = b"", 0
        while i < len(body):
            n = rng.randrange(1, 64)
            ext = rng.choice([b"", b"", b";a=b", b";x"])
            payload += b"%x%s\r\n%s\r\n" % (len(body[i:i + n]), ext, body[i:i + n])
            i += n
        payload += b"0\r\n" + rng.choice([b"", b"T: v\r\n"]) + b"\r\n"
    else:
        payload = body
    data = eol.join(lines) + eol + eol + payload
    if rng.random() < 0.03:
        pos = rng.randrange(len(data))
        data = data[:pos] + bytes([rng.choice([0, 13, 10, 1, 127, 32, 58])]) + data[pos + 1:]
    return data, rng.random() < 0.1


class Handler(http.server.BaseHTTPRequestHandler):
    """http.server's request parsing without a socket."""
    protocol_version = "HTTP/1.1"

    def __init__(self, data):  # noqa: super() not called on purpose
        self.rfile = io.BytesIO(data)
        self.wfile = io.BytesIO()
        self.error = None

    def send_error(self, code, message=None, explain=None):
        self.error = code

    def log_message(self, *a):
        pass


def cpython_request(data):
    h = Handler(data)
    h.raw_requestline = h.rfile.readline(65537)
    if len(h.raw_requestline) > 65536 or not h.parse_request() or h.error:
        raise ValueError("refused: %s" % h.error)
    return (h.command.encode("latin-1"), h.path.encode("latin-1"),
            int(h.request_version[5]) * 10 + int(h.request_version[7]),
            0 if h.close_connection else 1,
            [(k.encode("latin-1"), v.encode("latin-1").rstrip(b" \t"))
             for k, v in h.headers.items()])


def gen_request(rng):
    eol = rng.choice([b"\r\n"] * 8 + [b"\n"])
    method = rng.choice([b"GET", b"POST", b"HEAD", b"PUT", b"DELETE", b"OPTIONS", b"M-SEARCH"])
    target = rng.choice([b"/", b"/a/b?c=d", b"*", b"/%20x", b"http://h/x", b"/caf\xc3\xa9"])
    version = rng.choice([b"HTTP/1.1"] * 6 + [b"HTTP/1.0", b"HTTP/1.2", b"HTTP/2.0", b"HTTP/1.10"])
    sp = rng.choice([b" "] * 12 + [b"  ", b"\t"])
    lines = [method + sp + target + b" " + version]
    for _ in range(rng.randrange(0, 8)):
        name = rng.choice([b"Host", b"Connection", b"Accept", b"Cookie", b"X-A", b"Expect"])
        value = rng.choice([b"a", b"close", b"keep-alive", b"Keep-Alive", b" spaced ",
                            b"100-continue", b"q\xc3\xa9", b"", b"x" * rng.randrange(1, 100)])
        lines.append(name + rng.choice([b": ", b":", b":  "]) + value)
    data = rng.choice([b"", b"", b"\r\n"]) + eol.join(lines) + eol + eol
    if rng.random() < 0.03:
        pos = rng.randrange(len(data))
        data = data[:pos] + bytes([rng.choice([0, 13, 10, 1, 127, 32, 58])]) + data[pos + 1:]
    return data


def requests_differential():
    rng = random.Random(42)
    cases = [gen_request(rng) for _ in range(3000)]
    feed = b"".join(b"Q%d\n" % len(d) + d for d in cases)
    out = subprocess.run([TOOL], input=feed, capture_output=True, check=True).stdout
    lines = out.decode().splitlines()
    assert len(lines) == len(cases)
    accepted = mismatches = 0
    refused_by_us = collections.Counter()
    unhex = lambda s: b"" if s == "-" else bytes.fromhex(s)  # noqa: E731
    for data, line in zip(cases, lines):
        parts = line.split(" ")
        try:
            # RFC 9112 2.2: we skip an empty line before the request line;
            # http.server closes on it instead.  Compare what follows it.
            theirs = cpython_request(data[2:] if data.startswith(b"\r\n") else data)
        except Exception as e:  # noqa: BLE001
            theirs = e
        if parts[0] == "err":
            if not isinstance(theirs, Exception):
                refused_by_us[parts[1]] += 1
            continue
        accepted += 1
        n = int(parts[5])
        ours = (unhex(parts[1]), unhex(parts[2]), int(parts[3]), int(parts[4]),
                [(unhex(h.split(":")[0]), unhex(h.split(":")[1])) for h in parts[6:6 + n]])
        if (not isinstance(theirs, Exception) and
                sum(k.lower() == b"connection" for k, _ in ours[4]) > 1):
            # Several Connection fields: RFC 9110 5.3 reads them as one
            # list (we do); http.server looks at the first only.
            theirs = theirs[:3] + (ours[3],) + theirs[4:]
        if isinstance(theirs, Exception) or ours != theirs:
            mismatches += 1
            if mismatches <= 10:
                print("MISMATCH", repr(data[:300]))
                print("  netproto:", ours)
                print("  CPython: ", theirs)
    print("requests: %d cases, %d accepted by netproto, %d mismatches" %
          (len(cases), accepted, mismatches))
    print("requests refused by netproto but accepted by http.server:",
          dict(refused_by_us))
    return mismatches == 0 and accepted >= 1000


def main():
    rng = random.Random(20261123)
    cases = [gen(rng) for _ in range(4000)]
    feed = b"".join((b"H" if head else b"R") + b"%d\n" % len(d) + d for d, head in cases)
    out = subprocess.run([TOOL], input=feed, capture_output=True, check=True).stdout
    lines = out.decode().splitlines()
    assert len(lines) == len(cases), (len(lines), len(cases))
    accepted = mismatches = 0
    refused_by_us = collections.Counter()
    for (data, head), line in zip(cases, lines):
        parts = line.split(" ")
        try:
            theirs = cpython(data, head)
        except Exception as e:  # noqa: BLE001 - any exception is a refusal
            theirs = e
        if parts[0] == "err":
            if not isinstance(theirs, Exception):
                refused_by_us[parts[1]] += 1
            continue
        accepted += 1
        unhex = lambda s: b"" if s == "-" else bytes.fromhex(s)  # noqa: E731
        n = int(parts[4])
        ours = (int(parts[1]), int(parts[2]), unhex(parts[3]),
                [(unhex(h.split(":")[0]), unhex(h.split(":")[1])) for h in parts[5:5 + n]],
                unhex(parts[5 + n]))
        if (not isinstance(theirs, Exception) and ours[4] == b"" and
                (ours[0] in (204, 304) or head) and
                any(k.lower() == b"transfer-encoding" for k, _ in ours[3])):
            theirs = theirs[:4] + (b"",)  # RFC 9112 6.3 rule 1, see above
        if isinstance(theirs, Exception) or ours != theirs:
            mismatches += 1
            if mismatches <= 10:
                print("MISMATCH", repr(data[:300]), "head" if head else "")
                print("  netproto:", ours)
                print("  CPython: ", theirs)
    print("%d cases, %d accepted by netproto, %d mismatches" %
          (len(cases), accepted, mismatches))
    print("refused by netproto but accepted by CPython (strict rules):",
          dict(refused_by_us))
    ok = requests_differential()
    sys.exit(1 if mismatches or accepted < 1000 or not ok else 0)


main()
