#!/usr/bin/env python3
"""np_robots_read compared with CPython's RobotFileParser.read() against a
CPython http.server started here: a robots.txt (200), one reached through a
302, 401, 403 (disallow all), 404 and 410 (allow all), 500 and 503
(nothing changes: every can_fetch is False, mtime unset), an empty 200, a
body that is not UTF-8 (UnicodeDecodeError / NP_EURL_ENCODING), and a
refused connection (URLError); through np_urlopen's opener and a given
one.  Then the byte limit: a rule past np_robots_max_bytes is not read."""
import http.server
import os
import subprocess
import sys
import urllib.error
import urllib.robotparser

from realpeers import Checker, Server

BIN = os.environ.get("NP_BINARY_DIR", "build")
TOOL = os.path.join(BIN, "tests", "request_tool_robots_read")

ROBOTS = b"""User-agent: *
Disallow: /cgi-bin/
Disallow: /tmp/

User-agent: FigTree
Allow: /tmp/public
Disallow: /
"""
BIG = b"User-agent: *\nDisallow: /a/\n" + b"# filler\n" * 200 + b"Disallow: /late/\n"


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        p = self.path
        if p.startswith("/status/"):
            code = int(p.split("/")[2])
            self.send_response(code)
            self.send_header("Content-Length", "5")
            self.end_headers()
            self.wfile.write(b"nope\n")
            return
        if p == "/moved/robots.txt":
            self.send_response(302)
            self.send_header("Location", "/robots.txt")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = {"/robots.txt": ROBOTS, "/empty/robots.txt": b"",
                "/latin1/robots.txt": b"User-agent: \xe9\nDisallow: /\n",
                "/big/robots.txt": BIG}.get(p)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


PATHS = ["/", "/index.html", "/cgi-bin/x", "/tmp/public/a", "/tmp/b",
         "/late/x", "/a/b"]


def python(url, agent):
    rp = urllib.robotparser.RobotFileParser(url)
    try:
        rp.read()
    except UnicodeDecodeError:
        return "error NP_EURL_ENCODING\n"
    except urllib.error.URLError:
        return "error URLError\n"
    out = "mtime %s\n" % ("set" if rp.mtime() else "unset")
    for p in PATHS:
        out += "%s %s\n" % ("allowed" if rp.can_fetch(agent, p) else "disallowed", p)
    return out


def ours(url, agent, *opts):
    p = subprocess.run([TOOL] + list(opts) + [url, agent] + PATHS,
                       capture_output=True, timeout=60)
    out = p.stdout.decode()
    if out.startswith("error ") and not out.startswith("error NP_EURL_ENCODING"):
        out = "error URLError\n"
    if p.returncode or p.stderr:
        out += "exit %d %s" % (p.returncode, p.stderr.decode())
    return out


CHECK = Checker()
check = CHECK.check


def main():
    srv = Server(Handler)
    base = "http://127.0.0.1:%d" % srv.port
    urls = [base + "/robots.txt", base + "/moved/robots.txt",
            base + "/empty/robots.txt", base + "/latin1/robots.txt",
            base + "/missing/robots.txt"]
    urls += [base + "/status/%d" % c for c in (401, 403, 404, 410, 500, 503)]
    urls.append("http://127.0.0.1:1/robots.txt")
    try:
        for url in urls:
            for agent in ("FigTree/1.0", "OtherBot"):
                want = python(url, agent)
                for opts in ((), ("--opener",)):
                    got = ours(url, agent, *opts)
                    check("%s %s %s" % (url[len(base):] or url, agent,
                                        " ".join(opts)), want == got,
                          "--- CPython\n%s--- netproto\n%s" % (want, got))
        got = ours(base + "/big/robots.txt", "x", "--max", "100")
        check("a rule past the byte limit is not read",
              "disallowed /a/b" in got and "allowed /late/x" in got, got)
        got = ours(base + "/big/robots.txt", "x")
        check("within the default limit it is",
              got == python(base + "/big/robots.txt", "x") and
              "disallowed /late/x" in got, got)
    finally:
        srv.stop()
    return CHECK.done()


if __name__ == "__main__":
    sys.exit(main())
