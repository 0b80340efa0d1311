"""CPython's side of bench_http_parse: parse the messages in the file given
(records "Q<len>\n<bytes>" for requests, "R<len>\n<bytes>" for responses)
the way http.server and http.client do, and print "ns_per_msg N"."""
import http.client
import io
import sys
import time


class FakeSock:
    def __init__(self, data):
        self.data = data

    def makefile(self, *a, **k):
        return io.BytesIO(self.data)


def parse_request(m):
    f = io.BytesIO(m)
    line = f.readline(65537)
    method, target, version = line.decode("iso-8859-1").rstrip("\r\n").split()
    headers = http.client.parse_headers(f)
    n = int(headers.get("Content-Length", 0) or 0)
    f.read(n)


def parse_response(m):
    r = http.client.HTTPResponse(FakeSock(m))
    r.begin()
    r.read()


def main():
    raw = open(sys.argv[1], "rb").read()
    msgs, i = [], 0
    while i < len(raw):
        nl = raw.index(b"\n", i)
        kind, n = raw[i:i + 1], int(raw[i + 1:nl])
        msgs.append((kind, raw[nl + 1:nl + 1 + n]))
        i = nl + 1 + n
    best = []
    for _ in range(5):
        t = time.perf_counter_ns()
        for kind, m in msgs:
            (parse_request if kind == b"Q" else parse_response)(m)
        best.append((time.perf_counter_ns() - t) / len(msgs))
    best.sort()
    print("ns_per_msg", best[len(best) // 2])


main()
