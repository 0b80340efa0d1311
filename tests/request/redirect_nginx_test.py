#!/usr/bin/env python3
"""HTTPRedirectHandler against nginx: `return 301/302/303/307/308` with
relative (absolute_redirect off), path-relative and absolute targets, for
GET, HEAD and POST with data; a query in the target; a loop (a -> b -> a);
chains of 10 (followed) and 11 (too many) redirects; targets of a scheme
urllib refuses; redirects to another host (127.0.0.2), another port,
another name of the same address and another scheme (https, verified with
a test CA).  The final origin is a CPython server behind nginx's
proxy_pass that reports the method, Host, Authorization, Cookie and body it
received; every case runs through tests/request/tool_fetch.c and CPython's
urllib.request and the outcomes (final URL, status, what the final origin
saw, or the error) must agree.  Then the deliberate difference: across
origins netproto does not forward the Authorization and Cookie headers the
caller set while CPython does (both facts asserted, from the echo and from
nginx's own access log of the second host), and with the keep-credentials
option netproto does too.  Beyond Python: POST redirected with the method
and body kept on 307/308 (byte data and a file body rewound), what the
final origin saw compared with curl -L."""
import os
import subprocess
import sys

from realpeers import (Checker, Nginx, Server, clean_env, fetch_c, fetch_py,
                       free_port, logged)

CODES = (301, 302, 303, 307, 308)


def config(d, pa, pb, pc, pt, pe):
    echo = f"""location /echo/ {{ proxy_pass http://127.0.0.1:{pe};
              proxy_set_header Host $http_host; }}"""
    locs = []
    for code in CODES:
        locs.append(f"location = /r/{code}/rel {{ absolute_redirect off; "
                    f"return {code} /echo/{code}/rel; }}")
        locs.append(f"location = /r/{code}/abs {{ "
                    f"return {code} http://127.0.0.1:{pa}/echo/{code}/abs; }}")
        locs.append(f"location = /r/{code}/dir/pathrel {{ absolute_redirect off; "
                    f"return {code} ../../../echo/{code}/pathrel; }}")
        locs.append(f"location = /r/{code}/cross {{ "
                    f"return {code} http://127.0.0.2:{pb}/echo/{code}/cross; }}")
    for i in range(11):
        locs.append(f"location = /c{i} {{ absolute_redirect off; "
                    f"return 302 /c{i + 1}; }}")
    locs += [
        "location = /c11 { absolute_redirect off; return 302 /echo/chain; }",
        "location = /query { absolute_redirect off; "
        "return 302 /echo/q?a=1&b=%20x; }",
        "location = /loop/a { absolute_redirect off; return 302 /loop/b; }",
        "location = /loop/b { absolute_redirect off; return 302 /loop/a; }",
        "location = /scheme/file { return 302 file:///etc/passwd; }",
        "location = /scheme/gopher { return 302 gopher://127.0.0.1/x; }",
        f"location = /cross/port {{ return 302 http://127.0.0.1:{pc}/echo/port; }}",
        f"location = /cross/name {{ return 302 http://localhost:{pa}/echo/name; }}",
        f"location = /cross/tls {{ return 302 https://127.0.0.1:{pt}/echo/tls; }}",
        "location = /notfound-after { absolute_redirect off; "
        "return 302 /nothing; }",
        "location = /nothing { return 404 \"no such thing\\n\"; }",
    ]
    locs = "\n    ".join(locs)
    return f"""
  log_format creds '$host:$server_port "$request" auth="$http_authorization" cookie="$http_cookie"';
  server {{ listen 127.0.0.1:{pa};
    {echo}
    {locs}
  }}
  server {{ listen 127.0.0.2:{pb}; access_log {d}/b.log creds; {echo} }}
  server {{ listen 127.0.0.1:{pc}; access_log {d}/c.log creds; {echo} }}
  server {{ listen 127.0.0.1:{pt} ssl; {echo}
           ssl_certificate {d}/server.pem; ssl_certificate_key {d}/server.key; }}
"""


def curl(args):
    p = subprocess.run(["curl", "-sS", "-L", "--max-time", "20"] + args,
                       capture_output=True, timeout=30)
    return p.stdout.decode("latin-1") + p.stderr.decode("latin-1")


def main():
    clean_env()
    pa, pb, pc, pt = free_port(), free_port(), free_port(), free_port()
    echo = ngx = None
    c = Checker()
    try:
        echo = Server()
        ngx = Nginx(lambda d: config(d, pa, pb, pc, pt, echo.port),
                    [("127.0.0.1", pa), ("127.0.0.2", pb), ("127.0.0.1", pc),
                     ("127.0.0.1", pt)], tls=True)
        ca = os.path.join(ngx.dir, "ca.pem")
        base = "http://127.0.0.1:%d" % pa
        cases = []
        for code in CODES:
            for kind in ("rel", "abs", "dir/pathrel", "cross"):
                url = "%s/r/%d/%s" % (base, code, kind)
                cases.append(("GET %d %s" % (code, kind), url, {}))
                cases.append(("HEAD %d %s" % (code, kind), url,
                              {"method": "HEAD"}))
                cases.append(("POST %d %s" % (code, kind), url,
                              {"data": "x=1&y=2",
                               "headers": ["Content-Type: text/x-test"]}))
            cases.append(("PUT %d rel" % code, "%s/r/%d/rel" % (base, code),
                          {"method": "PUT", "data": "z"}))
        cases += [
            ("query in the target", base + "/query", {}),
            ("loop a -> b -> a", base + "/loop/a", {}),
            ("10 redirects followed", base + "/c2", {}),
            ("11 redirects refused", base + "/c1", {}),
            ("redirect to file: refused", base + "/scheme/file", {}),
            ("redirect to gopher: refused", base + "/scheme/gopher", {}),
            ("redirect to another port", base + "/cross/port", {}),
            ("redirect to another name", base + "/cross/name", {}),
            ("redirect to https", base + "/cross/tls", {"cafile": ca}),
            ("redirect to a 404", base + "/notfound-after", {}),
        ]
        for name, url, kw in cases:
            py, got = fetch_py(url, **kw), fetch_c(url, **kw)
            c.same(name, py, got)
            if name == "loop a -> b -> a" or name.startswith("11 "):
                c.check(name + ": an HTTPError 302",
                        got.startswith("error NP_EREQUEST_HTTP code 302"), got)
            if "refused" in name and "redirections" not in name \
                    and not name.startswith("11 "):
                c.check(name + ": an HTTPError",
                        got.startswith("error NP_EREQUEST_HTTP code 302"), got)
            if name.startswith("10 "):
                c.check(name + ": reached the end", "origin GET /echo/chain"
                        in got, got)

        # Credentials across origins.
        creds = ["Authorization: Basic dTpw", "Cookie: s=1"]
        leaked = 'auth="Basic dTpw" cookie="s=1"'
        kept_out = 'auth="-" cookie="-"'
        for code in CODES:
            url = "%s/r/%d/cross" % (base, code)
            path = "/echo/%d/cross" % code
            py = fetch_py(url, headers=creds)
            c.check("%d to 127.0.0.2: CPython forwards the credentials" % code,
                    "auth Basic dTpw\ncookie s=1" in py and
                    logged(ngx, "b.log", '%s HTTP/1.1" %s' % (path, leaked), 1),
                    py)
            before = ngx.log("b.log").count('%s HTTP/1.1" %s' % (path, kept_out))
            got = fetch_c(url, headers=creds)
            c.check("%d to 127.0.0.2: netproto does not" % code,
                    "origin GET %s" % path in got and
                    "auth None\ncookie None" in got and
                    logged(ngx, "b.log", '%s HTTP/1.1" %s' % (path, kept_out),
                           before + 1),
                    got + ngx.log("b.log"))
            got = fetch_c(url, headers=creds, keep=True)
            c.check("%d to 127.0.0.2: netproto with keep-credentials does" % code,
                    "auth Basic dTpw\ncookie s=1" in got and
                    logged(ngx, "b.log", '%s HTTP/1.1" %s' % (path, leaked), 2),
                    got + ngx.log("b.log"))
        for name, url, kw in [("another port", base + "/cross/port", {}),
                              ("another name", base + "/cross/name", {}),
                              ("https", base + "/cross/tls", {"cafile": ca})]:
            py = fetch_py(url, headers=creds, **kw)
            got = fetch_c(url, headers=creds, **kw)
            keep = fetch_c(url, headers=creds, keep=True, **kw)
            c.check("to %s: CPython forwards, netproto does not, -k does" % name,
                    "auth Basic dTpw\ncookie s=1" in py and
                    "auth None\ncookie None" in got and
                    "auth Basic dTpw\ncookie s=1" in keep,
                    "--- CPython\n%s--- netproto\n%s--- netproto -k\n%s" % (
                        py, got, keep))
        got = fetch_c(base + "/r/302/rel", headers=creds)
        c.check("same origin: netproto keeps them",
                "auth Basic dTpw\ncookie s=1" in got, got)

        # Beyond Python: 307/308 followed with the method and body
        # (NP_REDIRECT_RESEND_BODY), byte data and a file; what the final
        # origin saw must be what it saw from curl -L.  (301/302/303 are
        # the Python cases above: curl there keeps the caller's
        # Content-Type on the GET, urllib drops it.)
        body_file = os.path.join(ngx.dir, "post.txt")
        with open(body_file, "wb") as f:
            f.write(b"".join(b"line %d\n" % i for i in range(400)))
        ctype = "Content-Type: text/x-test"
        for code in (307, 308):
            for kind in ("rel", "abs", "cross"):
                url = "%s/r/%d/%s" % (base, code, kind)
                for how, cargs, curl_data in (
                        ("data", ["-d", "x=1&y=2"], ["--data-binary", "x=1&y=2"]),
                        ("file", ["-F", body_file],
                         ["--data-binary", "@" + body_file])):
                    got = fetch_c(url, headers=[ctype], args=["-R"] + cargs)
                    want = curl(["-H", ctype] + curl_data + [url])
                    seen = got.split("body:\n", 1)[-1][:-1]
                    c.check("resend body, POST %s %d %s: as curl -L" % (
                        how, code, kind), got.startswith("status 200") and
                        seen == want and "origin POST" in seen and
                        ("line 399\n" in seen) == (how == "file"),
                        "--- curl\n%s\n--- netproto\n%s" % (want, got))
    finally:
        for peer in (ngx, echo):
            if peer:
                peer.stop()
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
