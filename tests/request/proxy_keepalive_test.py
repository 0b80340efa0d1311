#!/usr/bin/env python3
"""Keep-alive through a real proxy: `netproto fetch` (one opener with a
pool of 8) sends several URLs through squid, started on a free loopback
port with an access log that records each request's client port, so the
log tells how many connections the client opened to the proxy:

- plain http: every request on one connection to squid, and one per
  request with --no-keepalive;
- https through CONNECT to an nginx TLS origin: one tunnel for all the
  URLs (the tunnel is pooled by its target), one per URL without
  keep-alive; with proxy credentials in the proxy URL too;
- the bodies are right in every case.
Then the same URLs through tinyproxy, which closes the connection to the
client after each answer: the pool must notice and still give every
body."""
import os
import subprocess
import sys
import time

from realpeers import (Checker, Server, Squid, Tinyproxy, clean_env,
                       tls_origin)

CLI = os.environ["NP_CLI"]
N = 4


def fetch(args, proxy):
    return subprocess.run([CLI, "fetch", "-s", "--proxy", proxy] + args,
                          capture_output=True, timeout=60)


def squid_lines(squid, method):
    """(client port, url) of each logged request of that method."""
    out = []
    for line in squid.log().splitlines():
        f = line.split()
        if len(f) >= 3 and f[1] == method:
            out.append((f[0].rsplit(":", 1)[1], f[2]))
    return out


def logged_after(squid, method, before, count):
    """The lines of that method logged after the first before: squid logs
    a request when it ends (a CONNECT when its tunnel closes), which may
    be after the client exited.  Waits up to 5 s for count of them, then
    a moment more for any beyond."""
    deadline = time.time() + 5
    while len(squid_lines(squid, method)) - before < count and \
            time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    return squid_lines(squid, method)[before:]


def through_squid(c, origin, tls, auth):
    squid = Squid(auth)
    tag = "squid%s" % (" with credentials" if auth else "")
    try:
        cred = "%s:%s@" % auth if auth else ""
        proxy = "http://%s127.0.0.1:%d" % (cred, squid.port)
        plain = ["http://127.0.0.1:%d/p%d" % (origin.port, i) for i in range(N)]
        want = b"".join(b"origin GET /p%d\n" % i for i in range(N))
        for extra, conns in (([], 1), (["--no-keepalive"], N)):
            before = len(squid_lines(squid, "GET"))
            r = fetch(extra + plain, proxy)
            got = [line.split(b"\n")[0] + b"\n"
                   for line in r.stdout.split(b"origin GET")[1:]]
            body_ok = b"".join(b"origin GET" + g for g in got) == want
            ports = {p for p, _ in logged_after(squid, "GET", before, N)}
            c.check("%s: %d http URLs %s: bodies right, %d connection(s) to "
                    "the proxy" % (tag, N, " ".join(extra) or "kept alive",
                                   conns),
                    r.returncode == 0 and body_ok and len(ports) == conns,
                    "exit %d, ports %s, stderr %r" % (r.returncode, ports,
                                                      r.stderr))
        secure = ["https://127.0.0.1:%d/s%d" % (tls.port, i) for i in range(N)]
        want = b"".join(b"tls origin GET /s%d\n" % i for i in range(N))
        ca = os.path.join(tls.dir, "ca.pem")
        for extra, tunnels in (([], 1), (["--no-keepalive"], N)):
            before = len(squid_lines(squid, "CONNECT"))
            r = fetch(["--cacert", ca] + extra + secure, proxy)
            made = len(logged_after(squid, "CONNECT", before, tunnels))
            c.check("%s: %d https URLs %s: bodies right, %d CONNECT tunnel(s)"
                    % (tag, N, " ".join(extra) or "kept alive", tunnels),
                    r.returncode == 0 and r.stdout == want and made == tunnels,
                    "exit %d, %d tunnels, stdout %r, stderr %r" % (
                        r.returncode, made, r.stdout[:200], r.stderr))
    finally:
        squid.stop()


def through_tinyproxy(c, origin, tls):
    proxy_p = Tinyproxy([tls.port])
    try:
        proxy = "http://127.0.0.1:%d" % proxy_p.port
        plain = ["http://127.0.0.1:%d/t%d" % (origin.port, i) for i in range(N)]
        r = fetch(plain, proxy)
        c.check("tinyproxy: %d http URLs kept alive, every body right" % N,
                r.returncode == 0 and all(
                    (b"origin GET /t%d\n" % i) in r.stdout for i in range(N)),
                "exit %d, stderr %r" % (r.returncode, r.stderr))
        secure = ["https://127.0.0.1:%d/u%d" % (tls.port, i) for i in range(N)]
        r = fetch(["--cacert", os.path.join(tls.dir, "ca.pem")] + secure, proxy)
        c.check("tinyproxy: %d https URLs through CONNECT kept alive" % N,
                r.returncode == 0 and r.stdout == b"".join(
                    b"tls origin GET /u%d\n" % i for i in range(N)),
                "exit %d, stderr %r" % (r.returncode, r.stderr))
    finally:
        proxy_p.stop()


def main():
    clean_env()
    tls = origin = None
    c = Checker()
    try:
        tls = tls_origin()
        origin = Server()
        through_squid(c, origin, tls, None)
        through_squid(c, origin, tls, ("np", "proxy-secret"))
        through_tinyproxy(c, origin, tls)
    finally:
        for peer in (tls, origin):
            if peer:
                peer.stop()
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
