#!/usr/bin/env python3
"""CPython's side of bench_url: the same work over the same files.

bench_url runs this script and reads its report, one line per figure:
  python <version>
  split <label> <median ns/url> <best ns/url> <rejected> <count>
  quote <median MB/s> <best MB/s> <bytes>
  unquote <median MB/s> <best MB/s> <bytes>

split: urllib.parse.urlsplit(url).hostname for every line (urlsplit as users
call it, with 3.11's lru_cache in front; the URLs are distinct enough that
it misses).  A ValueError counts as a rejection.
quote: quote(s) with the default safe='/', over str lines; MB/s counts the
UTF-8 bytes of the input.  unquote: unquote() of the quoted lines; MB/s
counts the quoted bytes.  Lines are read as netproto reads them: split on
'\\n', a '\\r' before it and a leading UTF-8 BOM dropped, empty lines
skipped, bytes that are not UTF-8 kept as surrogate escapes.

Usage: url_cpython.py [--rounds N] [--split LABEL FILE]... [--quote FILE]
"""
import sys
import time
from urllib.parse import quote, unquote, urlsplit


def read_lines(path):
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    out = []
    for line in data.split(b"\n"):
        if line.endswith(b"\r"):
            line = line[:-1]
        if line:
            out.append(line.decode("utf-8", "surrogateescape"))
    return out


def timed(fn, rounds):
    times = []
    result = None
    fn()  # warm-up, as the C side does
    for _ in range(rounds):
        t0 = time.perf_counter_ns()
        result = fn()
        times.append(time.perf_counter_ns() - t0)
    times.sort()
    n = len(times)
    median = times[n // 2] if n % 2 else (times[n // 2 - 1] + times[n // 2]) / 2
    return median, times[0], result


def split_pass(urls):
    def run():
        rejected = 0
        total = 0
        for u in urls:
            try:
                h = urlsplit(u).hostname
            except ValueError:
                rejected += 1
                continue
            if h is not None:
                total += len(h)
        return rejected
    return run


def quote_pass(items):
    return lambda: [quote(s) for s in items]


def unquote_pass(items):
    return lambda: [unquote(s) for s in items]


def main(argv):
    rounds = 5
    splits = []
    quote_file = None
    i = 0
    while i < len(argv):
        if argv[i] == "--rounds":
            rounds = int(argv[i + 1])
            i += 2
        elif argv[i] == "--split":
            splits.append((argv[i + 1], argv[i + 2]))
            i += 3
        elif argv[i] == "--quote":
            quote_file = argv[i + 1]
            i += 2
        else:
            sys.exit("url_cpython.py: unknown argument " + argv[i])
    print("python", sys.version.split()[0])
    for label, path in splits:
        urls = read_lines(path)
        med, best, rejected = timed(split_pass(urls), rounds)
        print("split", label, med / len(urls), best / len(urls), rejected,
              len(urls))
    if quote_file:
        items = read_lines(quote_file)
        nbytes = sum(len(s.encode("utf-8", "surrogateescape")) for s in items)
        med, best, quoted = timed(quote_pass(items), rounds)
        print("quote", nbytes * 1e3 / med, nbytes * 1e3 / best, nbytes)
        qbytes = sum(len(s) for s in quoted)
        med, best, _ = timed(unquote_pass(quoted), rounds)
        print("unquote", qbytes * 1e3 / med, qbytes * 1e3 / best, qbytes)
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
