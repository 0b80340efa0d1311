"""CPython's side of bench_http_client: N sequential keep-alive GETs of
/small over one http.client.HTTPConnection; prints "rps N" (best of 3)."""
import http.client
import sys
import time

port, n = int(sys.argv[1]), int(sys.argv[2])
conn = http.client.HTTPConnection("127.0.0.1", port)
best = 0
for _ in range(3):
    t = time.perf_counter()
    for _ in range(n):
        conn.request("GET", "/small")
        conn.getresponse().read()
    best = max(best, n / (time.perf_counter() - t))
print("rps", best)
