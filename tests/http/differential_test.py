"""Differential test of response parsing against CPython's http.client:
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
a chunked body for those: such cases compare everything but the body."""
import collections
import http.client
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
    sys.exit(1 if mismatches or accepted < 1000 else 0)


main()
