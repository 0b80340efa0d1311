#!/usr/bin/env python3
"""HTTPBasicAuthHandler against nginx's auth_basic (an htpasswd made with
openssl passwd -apr1; behind it nginx proxy_passes to a CPython server
that reports the Authorization header it got): right, wrong and missing
credentials, credentials registered for a URI prefix, prior auth (sent
before any 401), a redirect into the protected area on the same origin,
and redirects to a second host (127.0.0.2) protected by the same realm
and password: credentials of a password manager are not sent there by
either client (nginx's access log of the second host is checked), and an
Authorization header set by the caller is forwarded by CPython (the second
host accepts it) but not by netproto (401) unless keep-credentials is on.
Every case runs through tests/request/tool_fetch.c and CPython's
urllib.request and the outcomes are compared."""
import os
import subprocess
import sys
import urllib.request

from realpeers import (Checker, Nginx, Server, clean_env, fetch_c, fetch_py,
                       free_port, logged)

USER, PASSWORD = "alice", "w0nder land"
TOKEN = "Basic YWxpY2U6dzBuZGVyIGxhbmQ="  # base64("alice:w0nder land")


def config(d, pa, pb, pe):
    hashed = subprocess.run(["openssl", "passwd", "-apr1", PASSWORD],
                            capture_output=True, check=True,
                            timeout=10).stdout.decode().strip()
    with open(os.path.join(d, "htpasswd"), "w") as f:
        f.write("%s:%s\n" % (USER, hashed))
    os.chmod(os.path.join(d, "htpasswd"), 0o644)
    prot = f"""location /basic/ {{ auth_basic "nptest realm";
      auth_basic_user_file {d}/htpasswd;
      proxy_pass http://127.0.0.1:{pe}; proxy_set_header Host $http_host; }}"""
    return f"""
  log_format creds '$host:$server_port "$request" $status auth="$http_authorization"';
  server {{ listen 127.0.0.1:{pa}; access_log {d}/a.log creds;
    {prot}
    location = /redir/same {{ absolute_redirect off; return 302 /basic/same; }}
    location = /redir/cross {{ return 302 http://127.0.0.2:{pb}/basic/cross; }}
    location = /open/cross {{ return 302 http://127.0.0.2:{pb}/basic/open; }}
  }}
  server {{ listen 127.0.0.2:{pb}; access_log {d}/b.log creds; {prot} }}
"""


def py_basic(uri, user=USER, password=PASSWORD, prior=False):
    if prior:
        mgr = urllib.request.HTTPPasswordMgrWithPriorAuth()
        mgr.add_password(None, uri, user, password, is_authenticated=True)
    else:
        mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        mgr.add_password(None, uri, user, password)
    return [urllib.request.HTTPBasicAuthHandler(mgr)]


def main():
    clean_env()
    pa, pb = free_port(), free_port()
    ngx = echo = None
    c = Checker()
    try:
        echo = Server()
        ngx = Nginx(lambda d: config(d, pa, pb, echo.port),
                    [("127.0.0.1", pa), ("127.0.0.2", pb)])
        base = "http://127.0.0.1:%d" % pa
        root = base + "/"
        up = "%s:%s" % (USER, PASSWORD)
        cases = [  # name, url, CPython handlers, tool args, must contain
            ("right credentials", base + "/basic/x", py_basic(root),
             ["-u", up, "-A", root], "auth %s" % TOKEN),
            ("wrong password", base + "/basic/x",
             py_basic(root, password="nope"), ["-u", USER + ":nope", "-A", root],
             "code 401"),
            ("no credentials", base + "/basic/x", [], [], "code 401"),
            ("credentials for another path", base + "/basic/x",
             py_basic(base + "/other/"), ["-u", up, "-A", base + "/other/"],
             "code 401"),
            ("credentials for a path prefix", base + "/basic/x/y",
             py_basic(base + "/basic/"), ["-u", up, "-A", base + "/basic/"],
             "auth %s" % TOKEN),
            ("prior auth", base + "/basic/p", py_basic(root, prior=True),
             ["-p", up, "-A", root], "auth %s" % TOKEN),
            ("redirect into the protected area", base + "/redir/same",
             py_basic(root), ["-u", up, "-A", root], "auth %s" % TOKEN),
            ("redirect to a second host: manager's credentials stay",
             base + "/redir/cross", py_basic(root), ["-u", up, "-A", root],
             "code 401"),
            ("prior auth, redirect to a second host",
             base + "/redir/cross", py_basic(root, prior=True),
             ["-p", up, "-A", root], "code 401"),
        ]
        for name, url, handlers, args, want in cases:
            py = fetch_py(url, handlers=handlers)
            got = fetch_c(url, args=args)
            c.same(name, py, got, want in got)
        c.check("the second host never saw the manager's credentials",
                logged(ngx, "b.log", '"GET /basic/cross HTTP/1.1" 401 auth="-"', 4)
                and "auth=\"Basic" not in ngx.log("b.log"), ngx.log("b.log"))
        c.check("prior auth: sent before the 401 on the first host",
                logged(ngx, "a.log", '"GET /basic/p HTTP/1.1" 200 auth="%s"'
                       % TOKEN, 2) and '/basic/p HTTP/1.1" 401' not in
                ngx.log("a.log"), ngx.log("a.log"))

        # An Authorization header the caller set, redirected cross-host to
        # a host that accepts it.
        hdr = ["Authorization: " + TOKEN]
        url = base + "/open/cross"
        py = fetch_py(url, headers=hdr)
        got = fetch_c(url, headers=hdr)
        keep = fetch_c(url, headers=hdr, keep=True)
        c.check("caller's Authorization: CPython forwards it to the second "
                "host (200)", py.startswith("status 200") and
                "auth %s" % TOKEN in py, py)
        c.check("caller's Authorization: netproto does not (401)",
                got.startswith("error NP_EREQUEST_HTTP code 401"), got)
        c.check("caller's Authorization: netproto with keep-credentials "
                "does (200)", keep.startswith("status 200") and
                "auth %s" % TOKEN in keep, keep)
        c.check("the second host's log agrees",
                logged(ngx, "b.log", '"GET /basic/open HTTP/1.1" 200 auth="%s"'
                       % TOKEN, 2) and logged(
                    ngx, "b.log", '"GET /basic/open HTTP/1.1" 401 auth="-"', 1),
                ngx.log("b.log"))
    finally:
        for peer in (ngx, echo):
            if peer:
                peer.stop()
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
