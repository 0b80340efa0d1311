#!/usr/bin/env python3
"""HTTPCookieProcessor against nginx: locations that set cookies
(add_header Set-Cookie) and redirect, through chains of such locations,
to one that answers with the Cookie header it received ($http_cookie).
netproto's cookie processor (tests/request/tool_fetch.c -c, an empty jar)
and CPython's HTTPCookieProcessor (an empty CookieJar) must send back the
same Cookie header: one and several cookies, cookies gathered over a
chain, Path, Secure (not sent over http, sent after a redirect to https),
a foreign Domain, deletion by Max-Age=0, expiry in the past, quoted
values, Set-Cookie2 (ignored by the default policy), another host, and a
Cookie header set by the caller."""
import http.cookiejar
import os
import sys

from realpeers import (Checker, Nginx, clean_env, fetch_c, fetch_py,
                       free_port)


def config(d, pa, pb, pt):
    def setter(name, cookies, target="/echo/cookie"):
        adds = " ".join('add_header Set-Cookie "%s";' % c for c in cookies)
        return ("location = /set/%s { absolute_redirect off; %s return 302 %s; }"
                % (name, adds, target))
    echo = 'location /echo/ { return 200 "cookie=[$http_cookie]\\n"; }'
    sub = ('location /sub/ { return 200 "sub cookie=[$http_cookie]\\n"; }\n'
           '    location /set/echo { return 200 "set cookie=[$http_cookie]\\n"; }')
    locs = [
        setter("one", ["a=1; Path=/"]),
        setter("default-path-out", ["a=1"]),
        setter("default-path-in", ["a=1"], "/set/echo"),
        setter("two", ["b=2; Path=/", "c=3; Path=/"]),
        setter("chain", ["a=1; Path=/"], "/set/chain2"),
        setter("chain2", ["d=4; Path=/echo"], "/set/chain3"),
        setter("chain3", ["e=5; Path=/"]),
        setter("path-in", ["p=1; Path=/sub"], "/sub/x"),
        setter("path-out", ["p=1; Path=/sub"]),
        setter("secure", ["s=1; Secure; Path=/", "t=2; Path=/"]),
        setter("secure-tls", ["s=1; Secure; Path=/", "t=2; Path=/"],
               "https://127.0.0.1:%d/echo/cookie" % pt),
        setter("foreign", ["f=1; Domain=example.com; Path=/", "g=1; Path=/"]),
        setter("delete", ["a=1; Path=/", "z=9; Path=/"], "/set/delete2"),
        setter("delete2", ["a=; Max-Age=0; Path=/"]),
        setter("past", ["e=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/",
                        "l=1; Path=/"]),
        setter("future", ["h=1; HttpOnly; Max-Age=1000; Path=/",
                          "w=2; Expires=Fri, 01 Jan 2100 00:00:00 GMT; Path=/"]),
        setter("quoted", ['q=\\"x y\\"; Path=/', "r=a,b; Path=/"]),
        "location = /set/v2 { absolute_redirect off; "
        'add_header Set-Cookie2 "v2=1; Version=1"; '
        'add_header Set-Cookie "v1=1; Path=/"; return 302 /echo/cookie; }',
        setter("cross", ["x=1; Path=/"], "http://127.0.0.2:%d/echo/cookie" % pb),
    ]
    locs = "\n    ".join(locs)
    return f"""
  server {{ listen 127.0.0.1:{pa};
    {echo}
    {sub}
    {locs}
  }}
  server {{ listen 127.0.0.2:{pb}; {echo} }}
  server {{ listen 127.0.0.1:{pt} ssl; {echo}
           ssl_certificate {d}/server.pem; ssl_certificate_key {d}/server.key; }}
"""


def main():
    clean_env()
    pa, pb, pt = free_port(), free_port(), free_port()
    ngx = None
    c = Checker()
    try:
        ngx = Nginx(lambda d: config(d, pa, pb, pt),
                    [("127.0.0.1", pa), ("127.0.0.2", pb), ("127.0.0.1", pt)],
                    tls=True)
        ca = os.path.join(ngx.dir, "ca.pem")
        base = "http://127.0.0.1:%d" % pa
        cases = [  # name, path, expected Cookie header, fetch options
            ("one cookie", "/set/one", "a=1", {}),
            ("two cookies", "/set/two", "b=2; c=3", {}),
            ("default Path (/set) not matching", "/set/default-path-out", "", {}),
            ("default Path (/set) matching", "/set/default-path-in", "a=1", {}),
            ("gathered over a chain of three", "/set/chain", None, {}),
            ("Path matching", "/set/path-in", "p=1", {}),
            ("Path not matching", "/set/path-out", "", {}),
            ("Secure not sent over http", "/set/secure", "t=2", {}),
            ("Secure sent after a redirect to https", "/set/secure-tls", None,
             {"cafile": ca}),
            ("foreign Domain refused", "/set/foreign", "g=1", {}),
            ("Max-Age=0 deletes", "/set/delete", "z=9", {}),
            ("Expires in the past", "/set/past", "l=1", {}),
            ("Max-Age and Expires in the future", "/set/future", None, {}),
            ("quoted value and a comma", "/set/quoted", None, {}),
            ("Set-Cookie2 ignored", "/set/v2", "v1=1", {}),
            ("not sent to another host", "/set/cross", "", {}),
            ("the caller's Cookie header wins", "/set/one", "mine=1",
             {"headers": ["Cookie: mine=1"]}),
        ]
        for name, path, want, kw in cases:
            py = fetch_py(base + path, cookies=http.cookiejar.CookieJar(), **kw)
            got = fetch_c(base + path, cookies=True, **kw)
            c.same(name, py, got,
                   want is None or "cookie=[%s]\n" % want in got)
        c.check("the chain gathers all three",
                all(x in fetch_c(base + "/set/chain", cookies=True)
                    for x in ("a=1", "d=4", "e=5")))
        got = fetch_c(base + "/set/secure-tls", cookies=True, cafile=ca)
        c.check("Secure cookie reaches https", "s=1" in got and "t=2" in got,
                got)
        got = fetch_c(base + "/set/one")
        c.check("without a cookie processor nothing is sent",
                "cookie=[]" in got, got)
    finally:
        if ngx:
            ngx.stop()
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
