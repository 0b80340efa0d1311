"""CPython's side of bench_fetch: what `netproto fetch` is measured against.

    python3 fetch_cpython.py download URL
        urllib.request.urlopen(URL), the body copied to standard output
        with shutil.copyfileobj (64 KiB blocks).
    python3 fetch_cpython.py gets-close URL N
        N times urllib.request.urlopen(URL) and read(): one connection per
        request ("Connection: close"), which is all urllib does.
    python3 fetch_cpython.py gets-keepalive URL N
        urllib has no keep-alive: one http.client.HTTPConnection reused for
        N GETs of the URL's path.

Bodies go to standard output (the bench sends it to /dev/null).  bench_fetch
times this whole process (wall time and peak RSS, from wait4), as it times
curl and netproto.  Exit status 0 only when every response was a 200 and
the bytes add up.
"""
import http.client
import shutil
import sys
import urllib.parse
import urllib.request


def download(url):
    out = sys.stdout.buffer
    with urllib.request.urlopen(url) as r:
        if r.status != 200:
            return 1
        shutil.copyfileobj(r, out)
        # r.length counts down what Content-Length announced: 0 at the end.
        return 0 if r.length in (None, 0) else 1


def gets_close(url, n):
    out = sys.stdout.buffer
    for _ in range(n):
        with urllib.request.urlopen(url) as r:
            if r.status != 200:
                return 1
            out.write(r.read())
    return 0


def gets_keepalive(url, n):
    out = sys.stdout.buffer
    u = urllib.parse.urlsplit(url)
    path = u.path or "/"
    if u.query:
        path += "?" + u.query
    conn = http.client.HTTPConnection(u.hostname, u.port or 80)
    try:
        for _ in range(n):
            conn.request("GET", path)
            r = conn.getresponse()
            if r.status != 200:
                return 1
            out.write(r.read())
    finally:
        conn.close()
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "download":
        return download(argv[2])
    if len(argv) == 4 and argv[1] in ("gets-close", "gets-keepalive"):
        n = int(argv[3])
        if argv[1] == "gets-close":
            return gets_close(argv[2], n)
        return gets_keepalive(argv[2], n)
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
