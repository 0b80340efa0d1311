#!/usr/bin/env python3
"""ProxyHandler through real proxies: tinyproxy and squid from Debian,
each started on a free loopback port with a generated configuration,
without and with Basic proxy credentials.  Through each: plain http to a
CPython origin (which reports the proxy's Via header), https tunnelled
with CONNECT to an nginx TLS origin verified against a test CA, the
credentials given as user:pass in the proxy URL, 407 without them (an
HTTPError for http, a tunnel failure for https; tinyproxy answers a
wrong password with 401), the 407 answered by the proxy basic and digest
auth handlers (squid with digest_file_auth for Digest), and no_proxy sending a
host direct.  Every case runs through tests/request/tool_fetch.c and
through CPython's urllib.request (ProxyHandler, HTTPSHandler with the CA)
and the outcomes must agree."""
import os
import sys
import urllib.request

from realpeers import (Checker, Server, Squid, Tinyproxy, clean_env,
                       fetch_c, fetch_py, tls_origin)


def run(c, name, proxy_cls, origin, tls):
    """The cases through one kind of proxy."""
    target = "http://127.0.0.1:%d/via/x?y=1" % origin.port
    secure = "https://127.0.0.1:%d/secure" % tls.port
    ca = os.path.join(tls.dir, "ca.pem")
    make = (lambda auth: proxy_cls([tls.port], auth)) \
        if proxy_cls is Tinyproxy else (lambda auth: proxy_cls(auth))
    tag = "tinyproxy" if proxy_cls is Tinyproxy else "squid"
    open_p = make(None)
    try:
        purl = "http://127.0.0.1:%d" % open_p.port
        py, got = fetch_py(target, proxy=purl), fetch_c(target, proxy=purl)
        c.same("%s: plain http through the proxy" % name, py, got,
               "origin GET /via/x?y=1" in got and tag in got.split("via ")[1]
               .split("\n")[0])
        py = fetch_py(target, proxy=purl, method="POST", data="a=1")
        got = fetch_c(target, proxy=purl, method="POST", data="a=1")
        c.same("%s: POST through the proxy" % name, py, got,
               "body a=1" in got)
        before = open_p.log().count("CONNECT")
        py = fetch_py(secure, proxy=purl, cafile=ca)
        got = fetch_c(secure, proxy=purl, cafile=ca)
        c.same("%s: https through CONNECT, verified with the CA" % name, py,
               got, "tls origin GET /secure" in got and
               open_p.log().count("CONNECT") >= before + 2)
        py = fetch_py(secure, proxy=purl)
        got = fetch_c(secure, proxy=purl)
        c.same("%s: https through CONNECT, unknown CA refused" % name, py,
               got, "CERTIFICATE" in got.detail.upper() or
               "VERIFY" in got.detail.upper() or "TLS" in got.detail)
        os.environ["no_proxy"] = "127.0.0.1"
        try:
            py, got = fetch_py(target, proxy=purl), fetch_c(target, proxy=purl)
        finally:
            del os.environ["no_proxy"]
        c.same("%s: no_proxy sends the host direct" % name, py, got,
               "via None" in got)
    finally:
        open_p.stop()
    auth_p = make(("us", "s3cret"))
    try:
        good = "http://us:s3cret@127.0.0.1:%d" % auth_p.port
        bad = "http://us:wrong@127.0.0.1:%d" % auth_p.port
        none = "http://127.0.0.1:%d" % auth_p.port
        py, got = fetch_py(target, proxy=good), fetch_c(target, proxy=good)
        c.same("%s: credentials in the proxy URL (http)" % name, py, got,
               "origin GET /via/x?y=1" in got and tag in got)
        py = fetch_py(secure, proxy=good, cafile=ca)
        got = fetch_c(secure, proxy=good, cafile=ca)
        c.same("%s: credentials in the proxy URL (CONNECT)" % name, py, got,
               "tls origin GET /secure" in got)
        py, got = fetch_py(target, proxy=none), fetch_c(target, proxy=none)
        c.same("%s: 407 without credentials (http)" % name, py, got,
               got.startswith("error NP_EREQUEST_HTTP code 407"))
        py, got = fetch_py(target, proxy=bad), fetch_c(target, proxy=bad)
        # tinyproxy answers a wrong password with 401, squid with 407
        c.same("%s: refused with a wrong password (http)" % name, py, got,
               got.startswith("error NP_EREQUEST_HTTP code 4"))
        py = fetch_py(secure, proxy=none, cafile=ca)
        got = fetch_c(secure, proxy=none, cafile=ca)
        c.same("%s: CONNECT refused without credentials" % name, py, got,
               "NP_EHTTP_TUNNEL" in got.detail and "407" in py.detail)
        py = fetch_py(target, proxy=none,
                      handlers=proxy_auth(auth_p, target, "us", "s3cret"))
        got = fetch_c(target, proxy=none, args=["-P", "us:s3cret"])
        c.same("%s: the 407 answered by ProxyBasicAuthHandler" % name, py,
               got, "origin GET /via/x?y=1" in got)
    finally:
        auth_p.stop()


def proxy_auth(proxy, target, user, password):
    """CPython's proxy auth handlers: basic looks the proxy's host:port
    up, digest the request's full URL."""
    mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    mgr.add_password(None, ["127.0.0.1:%d" % proxy.port, target], user,
                     password)
    return [urllib.request.ProxyBasicAuthHandler(mgr),
            urllib.request.ProxyDigestAuthHandler(mgr)]


def run_digest(c, origin):
    """squid asking for Digest proxy credentials (qop=auth, MD5)."""
    target = "http://127.0.0.1:%d/digest/x" % origin.port
    p = Squid(("dig", "p4ss"), digest=True)
    try:
        purl = "http://127.0.0.1:%d" % p.port
        py = fetch_py(target, proxy=purl,
                      handlers=proxy_auth(p, target, "dig", "p4ss"))
        got = fetch_c(target, proxy=purl, args=["-P", "dig:p4ss"])
        c.same("squid digest: the 407 answered by ProxyDigestAuthHandler",
               py, got, "origin GET /digest/x" in got and "squid" in got)
        py, got = fetch_py(target, proxy=purl), fetch_c(target, proxy=purl)
        c.same("squid digest: 407 without credentials", py, got,
               got.startswith("error NP_EREQUEST_HTTP code 407"))
        py = fetch_py(target, proxy=purl,
                      handlers=proxy_auth(p, target, "dig", "wrong"))
        got = fetch_c(target, proxy=purl, args=["-P", "dig:wrong"])
        # Both give up with "digest auth failed"; CPython hard-codes 401
        # and no body for it even for a proxy, netproto keeps the proxy's
        # 407 response.
        c.check("squid digest: a wrong password gives up (CPython: 401, "
                "netproto: the proxy's 407)",
                py.startswith("error NP_EREQUEST_HTTP code 401\nmessage HTTP "
                              "Error 401: digest auth failed\n") and
                got.startswith("error NP_EREQUEST_HTTP code 407\nmessage HTTP "
                               "Error 407: digest auth failed\n") and
                "Cache Access Denied" in got,
                "--- CPython\n%s--- netproto\n%s" % (py, got[:400]))
    finally:
        p.stop()


def main():
    clean_env()
    tls = origin = None
    c = Checker()
    try:
        tls = tls_origin()
        origin = Server()
        run(c, "tinyproxy", Tinyproxy, origin, tls)
        run(c, "squid", Squid, origin, tls)
        run_digest(c, origin)
    finally:
        for peer in (tls, origin):
            if peer:
                peer.stop()
    return c.done()


if __name__ == "__main__":
    sys.exit(main())
