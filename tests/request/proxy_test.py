#!/usr/bin/env python3
"""ProxyHandler: the proxy selection of np_getproxies_environment and
np_proxy_bypass compared with CPython's getproxies_environment and
proxy_bypass_environment on the same environments; then requests through
a proxy (a CPython server that records what a proxy receives): plain
http with the absolute URL, credentials from the proxy URL, https through
CONNECT, and no_proxy sending a host direct."""
import http.server
import os
import subprocess
import sys

from realpeers import Server

BIN = os.environ.get("NP_BINARY_DIR", "build")
TOOL = os.path.join(BIN, "tests", "request_tool_proxy")
FETCH = os.path.join(BIN, "tests", "request_tool_fetch")
HOSTS = ["example.com", "www.example.com", "example.com:8080", "EXAMPLE.org",
         "notexample.com", "a.b.example.net", "localhost", "127.0.0.1:80",
         "[::1]:8080", "foo.local", "x.com"]

PY = r"""
import sys, urllib.request as u
p = u.getproxies_environment()
for k in sorted(p): print("%s=%s" % (k, p[k]))
for h in sys.argv[1:]: print("bypass %s %d" % (h, u.proxy_bypass_environment(h, p)))
"""

ENVS = [
    {},
    {"http_proxy": "http://p:1"},
    {"HTTP_PROXY": "http://up:1"},
    {"HTTP_PROXY": "http://up:1", "http_proxy": "http://low:2"},
    {"HTTP_PROXY": "http://up:1", "http_proxy": ""},
    {"HTTP_PROXY": "http://up:1", "REQUEST_METHOD": "GET"},
    {"http_proxy": "http://low:1", "REQUEST_METHOD": "GET"},
    {"HTTPS_PROXY": "http://s:3", "FTP_PROXY": "ftp://f", "ALL_PROXY": "socks://a"},
    {"Http_proxy": "http://mixed:1"},
    {"no_proxy": "*"},
    {"no_proxy": "example.com, .example.net ,localhost"},
    {"NO_PROXY": "EXAMPLE.ORG,127.0.0.1:80"},
    {"no_proxy": "..example.com,,"},
    {"no_proxy": "[::1]:8080,local"},
    {"no_proxy": "x.com", "NO_PROXY": "y.com"},
    {"no_proxy": "", "NO_PROXY": "example.com"},
    {"no_proxy": "\x1cexample.com\x1f, \x1dlocal\x1e"},  # str.strip()'s set
]


def clean_env(extra):
    env = {k: v for k, v in os.environ.items()
           if not k.lower().endswith("_proxy") and k != "REQUEST_METHOD"}
    env.update(extra)
    return env


class Recorder(http.server.BaseHTTPRequestHandler):
    """Answers what a proxy (or an origin) was asked."""
    protocol_version = "HTTP/1.1"
    tag = "origin"

    def log_message(self, *a):
        pass

    def do_GET(self):
        body = ("%s saw %s host=%s auth=%s" % (
            self.tag, self.requestline, self.headers.get("Host"),
            self.headers.get("Proxy-Authorization"))).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_CONNECT(self):
        # refuse, but say what was asked: enough to see the tunnel request
        body = ("connect %s auth=%s" % (
            self.path, self.headers.get("Proxy-Authorization"))).encode()
        self.send_response(403)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class ProxyRecorder(Recorder):
    tag = "proxy"


def fetch(url, env):
    return subprocess.run([FETCH, url], env=clean_env(env), capture_output=True,
                          timeout=30, check=True).stdout.decode()


def main():
    failed = 0
    for extra in ENVS:
        env = clean_env(extra)
        want = subprocess.run([sys.executable, "-c", PY] + HOSTS, env=env,
                              capture_output=True, timeout=30, check=True).stdout
        got = subprocess.run([TOOL] + HOSTS, env=env, capture_output=True,
                             timeout=30, check=True).stdout
        ok = want == got
        failed += not ok
        print(("ok " if ok else "FAIL ") + "environment %r" % extra)
        if not ok:
            print("--- CPython\n%s--- netproto\n%s" % (want.decode(), got.decode()))
    proxy, origin = Server(ProxyRecorder), Server(Recorder)
    pport, oport = proxy.port, origin.port
    target = "http://127.0.0.1:%d/x?y=1" % oport
    checks = [
        ("plain http goes to the proxy with the absolute URL",
         fetch(target, {"http_proxy": "http://127.0.0.1:%d" % pport}),
         "proxy saw GET %s HTTP/1.1 host=127.0.0.1:%d auth=None" % (target, oport)),
        ("a proxy given as host:port",
         fetch(target, {"http_proxy": "127.0.0.1:%d" % pport}),
         "proxy saw GET %s HTTP/1.1" % target),
        ("credentials in the proxy URL become Basic Proxy-Authorization",
         fetch(target, {"http_proxy": "http://us%%40r:p%%3Ass@127.0.0.1:%d" % pport}),
         "auth=Basic dXNAcjpwOnNz"),
        ("no_proxy sends the host direct",
         fetch(target, {"http_proxy": "http://127.0.0.1:%d" % pport,
                        "no_proxy": "127.0.0.1"}),
         "origin saw GET /x?y=1 HTTP/1.1"),
        ("https is tunnelled with CONNECT (the proxy refuses it)",
         fetch("https://example.test:8443/s",
               {"https_proxy": "http://u:p@127.0.0.1:%d" % pport}),
         "error NP_EHTTP_TUNNEL"),
    ]
    import base64
    assert base64.b64encode(b"us@r:p:ss") == b"dXNAcjpwOnNz"
    for name, out, want in checks:
        ok = want in out
        failed += not ok
        print(("ok " if ok else "FAIL ") + name)
        if not ok:
            print("--- want %r in\n%s" % (want, out))
    proxy.stop()
    origin.stop()
    print("%d failed" % failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
