#!/usr/bin/env python3
"""Differential test of netproto's robots.txt parser against CPython's
urllib.robotparser: generated robots.txt files and queries, the same
answers from can_fetch, crawl_delay, request_rate and site_maps."""
import os
import random
import subprocess
import sys
import tempfile
import urllib.robotparser

BIN = os.path.join(os.environ["NP_BINARY_DIR"], "tests", "robots_tool_robots")
FILES = int(os.environ.get("NP_ROBOTS_FILES", "400"))

AGENTS = ["*", "FooBot", "foobot/1.0", "Bar", "", "googlebot", "Ünïbot",
          "%2A", "*bot", "FOO", "ΣΑΣ", "İbot", "Mozilla"]
PATHS = ["/", "", "/private", "/private/", "/a%2Fb", "/a/b", "/ü", "*", "/p?q",
         "/x;y", "/%zz", "/%7Efoo", "/~foo", "http://[::1]/x", "http://[x/",
         "/tmp/", "/a b", "/%E2%82", "/*.gif", "//double", "http://h/path",
         "/ä%C3%A4", "/?", "/#frag"]
NUMBERS = ["5", " 10 ", "x", "٣", "²", "3.5", "99999999999999999999999", "",
           "0012", "-1", "1e3", "７"]
RATES = ["3/10", "3 / 10", "1/x", "1/2/3", "²/3", "/", "4/", "٣/٤", " 1/1 "]
FIELDS = {"user-agent": ["User-agent", "USER-AGENT", "user-agent", "User-Agent "],
          "allow": ["Allow", "ALLOW", "allow"],
          "disallow": ["Disallow", "DISALLOW", "dIsAllow"],
          "crawl-delay": ["Crawl-delay", "crawl-DELAY"],
          "request-rate": ["Request-rate", "request-rate"],
          "sitemap": ["Sitemap", "SITEMAP"]}
ENDINGS = ["\n"] * 8 + ["\r\n", "\r", "\x0b", "\x85", "\u2028", "\x1c"]
SPACES = ["", " ", "\t", "\u3000", "\xa0", "  "]

QUERY_AGENTS = ["FooBot/2.1", "Mozilla/5.0 (compatible; FooBot)", "bar", "",
                "UNKNOWN", "googlebot", "ünïbot/1", "σας", "i̇bot", "*", "x/y/z"]
QUERY_URLS = ["http://example.com/", "/private/x", "/a/b", "http://x/ü", "/%7Efoo",
              "", "/p?q=1", "http://[bad/", "/x;y?z#f", "/tmp", "/tmp/a",
              "http://example.com/a%2Fb", "/ä", "/a b", "//double/x", "?q", "/*.gif"]


def rand_line(rng):
    kind = rng.choice(list(FIELDS) + ["comment", "blank", "junk", "space"])
    sp = rng.choice(SPACES)
    if kind == "blank":
        return ""
    if kind == "space":
        return rng.choice(SPACES[1:])
    if kind == "comment":
        return "# " + rng.choice(AGENTS + PATHS)
    if kind == "junk":
        return rng.choice(["no colon here", ":", "unknown: x", "Disallow /x"])
    name = rng.choice(FIELDS[kind])
    if kind == "user-agent":
        value = rng.choice(AGENTS)
    elif kind in ("allow", "disallow"):
        value = rng.choice(PATHS)
    elif kind == "crawl-delay":
        value = rng.choice(NUMBERS)
    elif kind == "request-rate":
        value = rng.choice(RATES)
    else:
        value = "http://example.com/" + rng.choice(["sitemap.xml", "s%20m.xml", "ü.xml"])
    line = sp + name + sp + ":" + rng.choice(SPACES) + value + sp
    if rng.random() < 0.1:
        line += " # trailing comment"
    return line


def rand_robots(rng):
    lines = []
    for _ in range(rng.randint(0, 25)):
        # Records mostly start with a User-agent line.
        if rng.random() < 0.3:
            lines.append(rng.choice(FIELDS["user-agent"]) + ": " + rng.choice(AGENTS))
        lines.append(rand_line(rng))
    text = "".join(l + rng.choice(ENDINGS) for l in lines)
    if rng.random() < 0.05:
        text = "\ufeff" + text
    return text


def python_answers(text, queries):
    rp = urllib.robotparser.RobotFileParser()
    try:
        rp.parse(text.splitlines())
        out = ["parse ok"]
    except ValueError:
        out = ["parse error"]
    maps = rp.site_maps() or []
    out.append("sitemaps %d" % len(maps))
    out += [m.encode("utf-8", "surrogatepass").hex() for m in maps]
    for agent, url in queries:
        try:
            can = str(int(rp.can_fetch(agent, url)))
        except ValueError:
            can = "error"
        delay = rp.crawl_delay(agent)
        if delay is not None:  # netproto saturates at 2**64-1 (documented)
            delay = min(delay, 2**64 - 1)
        rate = rp.request_rate(agent)
        rate = "None" if rate is None else "%d/%d" % (
            min(rate.requests, 2**64 - 1), min(rate.seconds, 2**64 - 1))
        out.append("%s\t%s\t%s" % (can, delay, rate))
    return out


def netproto_answers(path, queries):
    data = "".join("%s\t%s\n" % q for q in queries).encode()
    res = subprocess.run([BIN, path], input=data, capture_output=True, timeout=60)
    if res.returncode != 0:
        raise SystemExit("driver failed: %r" % res.stderr)
    out = res.stdout.decode().splitlines()
    if out and out[0] != "parse ok":
        out[0] = "parse error"
    return [("error" + l[l.index("\t"):]) if l.startswith("NP_E") else l for l in out]


def main():
    rng = random.Random(20261123)
    diffs = 0
    checked = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "robots.txt")
        for i in range(FILES):
            text = rand_robots(rng)
            queries = [(rng.choice(QUERY_AGENTS), rng.choice(QUERY_URLS))
                       for _ in range(20)]
            with open(path, "wb") as f:
                f.write(text.encode("utf-8"))
            want = python_answers(text, queries)
            got = netproto_answers(path, queries)
            checked += len(queries)
            if want != got:
                diffs += 1
                if diffs <= 5:
                    print("DIFFERENCE for robots.txt %r" % text)
                    head = len(want) - len(queries)
                    if want[:head] != got[:head]:
                        print("  parse/sitemaps: python %r, netproto %r"
                              % (want[:head], got[:head]))
                    for w, g, q in zip(want[head:], got[head:], queries):
                        if w != g:
                            print("  query %r: python %r, netproto %r" % (q, w, g))
    print("%d robots.txt files, %d queries, %d files with differences"
          % (FILES, checked, diffs))
    print("%d passed, %d failed" % (FILES - diffs, diffs))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
