#!/usr/bin/env python3
"""np_build_opener's redirects and errors compared with CPython's
urllib.request against the same CPython http.server, one case per rule
of HTTPRedirectHandler / HTTPErrorProcessor; plus the one deliberate
difference: credentials are not forwarded to another origin."""
import http.server
import os
import subprocess
import sys
import urllib.error
import urllib.request

from realpeers import Server

BIN = os.environ.get("NP_BINARY_DIR", "build")
TOOL = os.path.join(BIN, "tests", "request_tool_fetch")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def route(self):
        n = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(n) if n else b""
        parts = self.path.split("/", 3)
        if parts[1] == "ok":
            h = self.headers
            body = "method %s\npath %s\nauth %s\ncookie %s\nctype %s\nclen %s\nx %s\nbody %s" % (
                self.command, self.path, h.get("Authorization"), h.get("Cookie"),
                h.get("Content-Type"), h.get("Content-Length"), h.get("X-Test"),
                data.decode("latin-1"))
            self.reply(200, body.encode())
        elif parts[1] == "redir":  # /redir/CODE/target
            target = parts[3] if len(parts) > 3 else ""
            target = target.replace("_", "/") if target.startswith("http") else "/" + target
            self.reply(int(parts[2]), b"moved", [("Location", target)])
        elif parts[1] == "err":
            self.reply(int(parts[2]), b"error body %s" % parts[2].encode())
        elif parts[1] == "loop":
            self.reply(302, b"again", [("Location", "/loop")])
        elif parts[1] == "chain":  # /chain/N: N more hops
            k = int(parts[2])
            self.reply(302, b"", [("Location", "/chain/%d" % (k - 1) if k else "/ok")])
        elif parts[1] == "setcookie":  # /setcookie/NAME: set it, go to /ok
            self.reply(302, b"", [("Set-Cookie", "%s=v; Path=/" % parts[2]),
                                  ("Location", "/ok/after")])
        elif parts[1] == "noloc":
            self.reply(302, b"no location")
        elif parts[1] == "uri":
            self.reply(302, b"", [("URI", "/ok/uri")])
        elif parts[1] == "badscheme":
            self.reply(302, b"", [("Location", "file:///etc/passwd")])
        elif parts[1] == "space":
            self.reply(302, b"", [("Location", "/ok/a b")])
        else:
            self.reply(404, b"nothing here")

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = route


def show(r):
    out = "status %s\nurl %s\nreason %s\ncontent-type %s\n" % (
        r.status if r.status is not None else 0, r.url, r.reason or "",
        r.headers.get("Content-type", ""))
    return out + "body:\n%s\n" % r.read().decode("latin-1")


def python_fetch(url, method=None, data=None, headers=(), cookies=False):
    req = urllib.request.Request(url, data=data.encode() if data else None,
                                 method=method)
    for h in headers:
        k, v = h.split(":", 1)
        req.add_header(k, v.strip())
    try:
        extra = [urllib.request.HTTPCookieProcessor()] if cookies else []
        with urllib.request.build_opener(*extra).open(req, timeout=10) as r:
            return show(r)
    except urllib.error.HTTPError as e:
        return "error NP_EREQUEST_HTTP code %d\nmessage %s\n%s" % (
            e.code, str(e), show(e))
    except urllib.error.URLError as e:
        return "error URLError\n"


def c_fetch(url, method=None, data=None, headers=(), keep=False,
            cookies=False):
    args = [TOOL]
    if cookies:
        args.append("-c")
    if keep:
        args.append("-k")
    if method:
        args += ["-X", method]
    if data:
        args += ["-d", data]
    for h in headers:
        args += ["-H", h]
    out = subprocess.run(args + [url], capture_output=True, timeout=30,
                         check=True).stdout.decode("latin-1")
    return "error URLError\n" if out.startswith("error NP_E") and \
        not out.startswith("error NP_EREQUEST_HTTP") else out


def main():
    for k in list(os.environ):  # both openers read proxies from here
        if k.lower().endswith("_proxy"):
            del os.environ[k]
    a, b = Server(Handler), Server(Handler)
    base = "http://127.0.0.1:%d" % a.port
    other = "http://127.0.0.1:%d" % b.port
    cases = [("plain GET", base + "/ok/x?q=1", {}),
             ("POST data", base + "/ok/p", {"data": "a=1&b=2"}),
             ("PUT explicit", base + "/ok/p", {"method": "PUT", "data": "z"}),
             ("custom header", base + "/ok", {"headers": ["X-Test: yes"]}),
             ("fragment kept aside", base + "/ok/f#frag", {}),
             ("404 is HTTPError", base + "/err/404", {}),
             ("500 is HTTPError", base + "/err/500", {}),
             ("204 is success", base + "/err/204", {}),
             ("redirect without Location", base + "/noloc", {}),
             ("redirect by URI header", base + "/uri", {}),
             ("redirect to file: refused", base + "/badscheme", {}),
             ("space in Location quoted", base + "/space", {}),
             ("loop detected", base + "/loop", {}),
             ("10 redirects allowed", base + "/chain/9", {}),
             ("11 redirects refused", base + "/chain/10", {}),
             ("cross-host redirect", base + "/redir/302/" + other.replace("/", "_") + "_ok_x", {}),
             ("HEAD redirect", base + "/redir/301/ok/h", {"method": "HEAD"}),
             ("cookie set on a redirect is sent", base + "/setcookie/a",
              {"cookies": True}),
             ("caller's Cookie header wins", base + "/setcookie/b",
              {"cookies": True, "headers": ["Cookie: mine=1"]}),
             ("connection refused", "http://127.0.0.1:1/", {}),
             ("no host", "http:///ok", {})]
    for code in (301, 302, 303, 307, 308):
        cases.append(("GET %d" % code, base + "/redir/%d/ok/g" % code, {}))
        cases.append(("POST %d" % code, base + "/redir/%d/ok/p" % code,
                      {"data": "x=1", "headers": ["Content-Type: text/x"]}))
        cases.append(("PUT %d" % code, base + "/redir/%d/ok/p" % code,
                      {"method": "PUT", "data": "x"}))
        cases.append(("DELETE %d" % code, base + "/redir/%d/ok/d" % code,
                      {"method": "DELETE"}))
    failed = 0
    for name, url, kw in cases:
        want = python_fetch(url, **kw)
        got = c_fetch(url, **kw)
        if want != got:
            failed += 1
            print("FAIL %s\n--- CPython\n%s--- netproto\n%s" % (name, want, got))
        else:
            print("ok %s" % name)
    # Safer than CPython: Authorization and Cookie stay home.
    creds = ["Authorization: Basic dTpw", "Cookie: s=1"]
    cross = base + "/redir/302/" + other.replace("/", "_") + "_ok_c"
    same = base + "/redir/302/ok/c"
    py = python_fetch(cross, headers=creds)
    checks = [("CPython leaks credentials cross-origin",
               "auth Basic dTpw" in py and "cookie s=1" in py),
              ("netproto drops them cross-origin",
               "auth None\ncookie None" in c_fetch(cross, headers=creds)),
              ("netproto keeps them on the same origin",
               "auth Basic dTpw\ncookie s=1" in c_fetch(same, headers=creds)),
              ("opt-in keeps them cross-origin",
               "auth Basic dTpw\ncookie s=1" in c_fetch(cross, headers=creds, keep=True))]
    for name, good in checks:
        print(("ok " if good else "FAIL ") + name)
        failed += not good
    a.stop()
    b.stop()
    print("%d of %d failed" % (failed, len(cases) + len(checks)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
