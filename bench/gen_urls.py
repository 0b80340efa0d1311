#!/usr/bin/env python3
"""Generate the benchmark's own data, for machines without ../shared/data.

Writes, with a fixed seed (so the files never change between runs):
  bench/data/urls.txt   ~10,000 realistic URLs, one a line: web pages with
                        paths, queries and fragments, some userinfo, ports,
                        IPv4 and IPv6 hosts, upper-case schemes and hosts,
                        percent-escapes, a few non-ASCII (UTF-8) bytes and a
                        few relative or odd references.
  bench/data/quote.txt  ~5,000 decoded strings for quote/unquote: URL paths
                        with spaces and non-ASCII words, and query strings.

Run once from anywhere:  python3 bench/gen_urls.py
The files are committed; re-run only to change the mix (and say so in
docs/PERFORMANCE.md, since figures over different data do not compare).
"""
import os
import random

SEED = 20261123
N_URLS = 10000
N_QUOTE = 5000

rng = random.Random(SEED)

TLDS = ["com", "org", "net", "de", "co.uk", "io", "fr", "jp", "gov", "edu",
        "com.br", "ru", "info", "nl", "it"]
WORDS = ["news", "blog", "shop", "cart", "product", "item", "search", "user",
         "profile", "static", "img", "css", "js", "api", "v1", "v2", "docs",
         "wiki", "article", "2024", "2025", "en", "de", "index", "about",
         "contact", "help", "login", "account", "download", "media",
         "category", "tags", "page", "archive", "video", "watch", "assets"]
EXTS = ["", "", "", ".html", ".htm", ".php", ".aspx", ".jpg", ".png", ".js",
        ".css", ".pdf", "/"]
KEYS = ["q", "id", "page", "utm_source", "utm_medium", "utm_campaign", "ref",
        "lang", "sort", "s", "v", "session", "token", "category", "limit"]
UNICODE = ["café", "naïve", "straße", "日本語", "привет", "ölçü", "español",
           "中文", "Zürich", "mañana", "€uro", "über"]


def host():
    r = rng.random()
    if r < 0.03:
        return ".".join(str(rng.randrange(1, 255)) for _ in range(4))
    if r < 0.045:
        groups = [format(rng.randrange(0, 65536), "x") for _ in range(3)]
        return "[2001:db8::" + ":".join(groups) + "]"
    labels = [rng.choice(WORDS) + str(rng.randrange(0, 100)) if rng.random() < 0.3
              else rng.choice(WORDS) for _ in range(rng.randrange(1, 3))]
    h = ".".join(labels) + "." + rng.choice(TLDS)
    if rng.random() < 0.6:
        h = "www." + h
    if rng.random() < 0.05:
        h = h.upper()
    return h


def path():
    segs = [rng.choice(WORDS) for _ in range(rng.randrange(0, 5))]
    if rng.random() < 0.2:
        segs.append(format(rng.getrandbits(64), "x"))
    if rng.random() < 0.05:
        segs.append(rng.choice(UNICODE))
    if rng.random() < 0.05:
        segs.append("a%20b%2Fc")
    return "/" + "/".join(segs) + (rng.choice(EXTS) if segs else "")


def query():
    n = rng.randrange(1, 5)
    parts = []
    for _ in range(n):
        v = rng.choice(WORDS + [str(rng.randrange(0, 100000))])
        if rng.random() < 0.1:
            v = v + "+" + rng.choice(WORDS)
        parts.append(rng.choice(KEYS) + "=" + v)
    return "&".join(parts)


def url():
    r = rng.random()
    if r < 0.02:  # relative references and odd inputs parsers meet
        return rng.choice(["//cdn." + host() + path(), path(), "?" + query(),
                           "mailto:user@" + host(), "  http://" + host() + "/ ",
                           "http://" + host() + ":99999/",
                           "http://[::1/broken"])
    scheme = rng.choices(["https", "http", "ftp", "HTTP", "ws", "file"],
                         [70, 22, 3, 1, 2, 2])[0]
    if scheme == "file":
        return "file://" + path()
    netloc = host()
    if rng.random() < 0.03:
        netloc = "user:pa55@" + netloc
    if rng.random() < 0.05:
        netloc += ":" + str(rng.choice([8080, 8443, 3000, 81, 21]))
    u = scheme + "://" + netloc + path()
    if rng.random() < 0.35:
        u += "?" + query()
    if rng.random() < 0.08:
        u += "#" + rng.choice(WORDS)
    return u


def quote_item():
    r = rng.random()
    if r < 0.5:
        segs = []
        for _ in range(rng.randrange(1, 6)):
            w = rng.choice(WORDS)
            if rng.random() < 0.3:
                w += " " + rng.choice(WORDS)
            if rng.random() < 0.15:
                w = rng.choice(UNICODE)
            segs.append(w)
        return "/" + "/".join(segs)
    parts = []
    for _ in range(rng.randrange(1, 5)):
        v = " ".join(rng.choice(WORDS + UNICODE) for _ in range(rng.randrange(1, 4)))
        if rng.random() < 0.1:
            v += "&x=1/2?"
        parts.append(rng.choice(KEYS) + "=" + v)
    return "&".join(parts)


def main():
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
    os.makedirs(here, exist_ok=True)
    with open(os.path.join(here, "urls.txt"), "w", encoding="utf-8",
              newline="\n") as f:
        for _ in range(N_URLS):
            f.write(url().replace("\n", "") + "\n")
    with open(os.path.join(here, "quote.txt"), "w", encoding="utf-8",
              newline="\n") as f:
        for _ in range(N_QUOTE):
            f.write(quote_item() + "\n")


if __name__ == "__main__":
    main()
