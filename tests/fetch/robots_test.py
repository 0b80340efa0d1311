#!/usr/bin/env python3
"""netproto robots URL AGENT PATH... against CPython's
urllib.robotparser.RobotFileParser on the same CPython http.server: for
every robots.txt (and error status) the server has, read() by both, then
can_fetch, crawl_delay, request_rate and site_maps for several agents
and paths must agree.  Exit codes: 0, 2 for usage, 3 for a network
error."""
import http.server
import os
import subprocess
import sys
import urllib.robotparser

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "http"))
import peers  # noqa: E402  (CPythonServer, free_port)

CLI = os.environ.get("NP_CLI", os.path.join(
    os.environ.get("NP_BINARY_DIR", "build"), "netproto"))

FILES = {
    "/basic/robots.txt": "User-agent: *\nDisallow: /private/\nAllow: /private/ok\n"
                         "Disallow: /tmp\n",
    "/agents/robots.txt": "User-agent: FooBot\nDisallow: /\n\n"
                          "User-agent: BarBot\nUser-agent: BazBot\nAllow: /b\n"
                          "Disallow: /\nCrawl-delay: 7\nRequest-rate: 3/20\n\n"
                          "User-agent: *\nDisallow: /cgi-bin/\nCrawl-delay: 2\n"
                          "Sitemap: http://example.com/sitemap.xml\n"
                          "Sitemap: http://example.com/other.xml\n",
    "/quoted/robots.txt": "User-agent: *\nDisallow: /a%2Fb\nDisallow: /%7Ejoe/\n"
                          "Disallow: /q?x=1\n",
    "/empty/robots.txt": "",
    "/comments/robots.txt": "# nothing but comments\n\n   # more\n"
                            "User-agent: * # all\nDisallow: /x # no x\n",
    "/crlf/robots.txt": "User-agent: *\r\nDisallow: /win\r\n\r\nUser-agent: W\r\n"
                        "Disallow:\r\n",
}
STATUS = {"/s401/robots.txt": 401, "/s403/robots.txt": 403,
          "/s404/robots.txt": 404, "/s410/robots.txt": 410,
          "/s500/robots.txt": 500, "/s503/robots.txt": 503}
AGENTS = ["FooBot/1.0", "BarBot", "bazbot/2", "Mozilla/5.0", "W", "*"]
PATHS = ["/", "/private/x", "/private/ok", "/private/okay", "/tmp", "/tmpx",
         "/cgi-bin/a", "/b", "/b/c", "/a%2Fb", "/a/b", "/~joe/x", "/%7Ejoe/y",
         "/q?x=1", "/q", "/x", "/win", "/winx", "http://example.com/private/x"]

failures = 0
count = 0


def check(cond, what, detail=""):
    global failures, count
    count += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (count, what))
    if not cond:
        failures += 1
        for line in str(detail).splitlines()[:20]:
            print("#   " + line)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        if self.path == "/latin1/robots.txt":
            code, body = 200, b"User-agent: *\nDisallow: /caf\xe9\n"
        elif self.path in FILES:
            code, body = 200, FILES[self.path].encode()
        elif self.path.startswith("/redirect/"):
            self.send_response(301)
            self.send_header("Location", "/basic/robots.txt")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        else:
            code, body = STATUS.get(self.path, 404), b"no robots here\n"
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def python_answers(url, agent):
    rp = urllib.robotparser.RobotFileParser(url)
    rp.read()
    lines = ["%s %s" % ("allowed" if rp.can_fetch(agent, p) else "disallowed", p)
             for p in PATHS]
    delay = rp.crawl_delay(agent)
    if delay is not None:
        lines.append("crawl-delay %d" % delay)
    rate = rp.request_rate(agent)
    if rate is not None:
        lines.append("request-rate %d/%d" % (rate.requests, rate.seconds))
    for m in rp.site_maps() or []:
        lines.append("sitemap " + m)
    return "\n".join(lines) + "\n"


def netproto(*args):
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    return subprocess.run([CLI, "robots"] + list(args), capture_output=True,
                          timeout=30, env=env)


def main():
    srv = peers.CPythonServer(Handler)
    base = "http://127.0.0.1:%d" % srv.port
    try:
        for path in list(FILES) + list(STATUS) + ["/redirect/robots.txt"]:
            url = base + path
            for agent in AGENTS:
                want = python_answers(url, agent)
                r = netproto("--verbose", url, agent, *PATHS)
                got = r.stdout.decode()
                check(r.returncode == 0 and got == want,
                      "%s as %s: same answers as RobotFileParser" % (path, agent),
                      "\n".join(l for l in difflib_lines(want, got)) + r.stderr.decode())
        r = netproto(base + "/basic/robots.txt", "bot", "/private/x", "/public")
        check(r.stdout == b"disallowed /private/x\nallowed /public\n",
              "plain output: one line per PATH, no extras without --verbose")
        dead = "http://127.0.0.1:%d/robots.txt" % peers.free_port()
        url = base + "/latin1/robots.txt"
        try:
            urllib.robotparser.RobotFileParser(url).read()
            python = "read"
        except UnicodeDecodeError:
            python = "UnicodeDecodeError"
        r = netproto(url, "bot", "/")
        check(python == "UnicodeDecodeError" and r.returncode == 3 and r.stdout == b""
              and r.stderr.startswith(b"netproto robots: " + url.encode()),
              "a robots.txt that is not UTF-8: Python raises, exit 3", r.stderr)
        r = netproto(dead, "bot", "/")
        check(r.returncode == 3 and r.stdout == b"" and
              r.stderr.startswith(b"netproto robots: " + dead.encode()),
              "connection refused: exit 3", r.stderr)
        for args, what in (([], "no arguments"), ([base + "/", "bot"], "no PATH"),
                           (["--bogus", base + "/", "bot", "/"], "unknown option")):
            r = netproto(*args)
            check(r.returncode == 2 and b"Try 'netproto robots --help'" in r.stderr,
                  "usage error, exit 2: " + what, r.stderr)
        r = netproto("--help")
        check(r.returncode == 0 and r.stdout.startswith(b"usage: netproto robots"),
              "--help on stdout, exit 0")
    finally:
        srv.stop()
    print("%d passed, %d failed" % (count - failures, failures))
    return 1 if failures else 0


def difflib_lines(a, b):
    import difflib
    return difflib.unified_diff(a.splitlines(), b.splitlines(), "python",
                                "netproto", lineterm="")


if __name__ == "__main__":
    sys.exit(main())
