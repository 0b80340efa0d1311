#!/usr/bin/env python3
"""CPython's side of bench_cookies: the same work over the same generated
data (bench_cookies.c builds it the same way).

Report, one line per figure:
  python <version>
  setcookie <median ns/header> <best ns/header> <cookies made>
  header <median ns/call> <best ns/call> <Cookie header length>
  load <median ns/cookie> <best ns/cookie> <morsels>

setcookie: CookieJar.make_cookies over one response carrying N Set-Cookie
fields.  header: add_cookie_header for one request against a jar of J
cookies.  load: SimpleCookie().load() of a Cookie header of M cookies.

Usage: cookies_cpython.py [--rounds R] [--n N] [--jar J] [--m M]
"""
import http.cookiejar as cj
import http.cookies
import sys
import time
import urllib.request


def set_cookie(i):
    return ("name%d=value%d; Path=/p%d; Domain=.d%d.example.com; "
            "Max-Age=3600; HttpOnly; SameSite=Lax" % (i, i, i % 10, i % 100))


class Resp:
    def __init__(self, headers):
        self.h = headers

    def info(self):
        return self

    def get_all(self, name, default=None):
        return self.h if name == "Set-Cookie" else default


def timed(fn, rounds):
    fn()
    times = []
    result = None
    for _ in range(rounds):
        t0 = time.perf_counter_ns()
        result = fn()
        times.append(time.perf_counter_ns() - t0)
    times.sort()
    return times[len(times) // 2], times[0], result


def main(argv):
    rounds, n, jarsize, m = 7, 10000, 10000, 50
    i = 1
    while i < len(argv):
        key, val = argv[i], int(argv[i + 1])
        if key == "--rounds":
            rounds = val
        elif key == "--n":
            n = val
        elif key == "--jar":
            jarsize = val
        elif key == "--m":
            m = val
        i += 2
    print("python %s" % sys.version.split()[0])
    jar = cj.CookieJar()
    resp = Resp([set_cookie(k) for k in range(n)])
    req = urllib.request.Request("http://www.d7.example.com/p7/x")
    med, best, made = timed(lambda: jar.make_cookies(resp, req), rounds)
    print("setcookie %.1f %.1f %d" % (med / n, best / n, len(made)))

    jar = cj.CookieJar()
    for k in range(jarsize):
        d = k % 100
        r = urllib.request.Request("http://www.d%d.example.com/p%d/x" %
                                   (d, k % 10))
        jar.extract_cookies(Resp([set_cookie(k)]), r)

    def header():
        r = urllib.request.Request("http://www.d7.example.com/p7/x")
        jar.add_cookie_header(r)
        return r.get_header("Cookie") or ""
    med, best, h = timed(header, rounds)
    print("header %.1f %.1f %d" % (med, best, len(h)))

    text = "; ".join("k%d=\"v%d w\"" % (k, k) for k in range(m))

    def load():
        c = http.cookies.SimpleCookie()
        c.load(text)
        return len(c)
    med, best, cnt = timed(load, rounds * 20)
    print("load %.1f %.1f %d" % (med / m, best / m, cnt))


if __name__ == "__main__":
    main(sys.argv)
