#!/usr/bin/env python3
"""Differential test: netproto's cookie jar against CPython's http.cookiejar.

Generated and hand-picked scenarios (a DefaultCookiePolicy with random
switches, responses with Set-Cookie and Set-Cookie2 fields for random
request URLs, then Cookie headers asked for other URLs, clears, and a save
and load through the Mozilla and LWP file formats) run in the C driver
(tests/cookiejar_tool_jar) and in CPython; every answer must match: the same
cookies kept (all attributes), the same Cookie and Cookie2 headers.
The clock is fixed on both sides so that max-age and expiry agree.
"""
import http.cookiejar as cj
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.request
import warnings

warnings.simplefilter("ignore")  # http.cookiejar warns where it swallows errors

TOOL = os.path.join(os.environ.get("NP_BINARY_DIR", "build"), "tests",
                    "cookiejar_tool_jar")
NOW = 1700000000
time.time = lambda: float(NOW) + 0.25  # http.cookiejar reads time.time()

HOSTS = ["www.acme.com", "acme.com", "foo.bar.acme.com", "ACME.com",
         "localhost", "127.0.0.1", "www.example.co.uk", "x.local",
         "a.b.c.d.e", "example", "sub.x.local", "user@www.acme.com"]
PORTS = ["", "", "", ":80", ":8080", ":443"]
SCHEMES = ["http", "http", "https", "ws", "wss"]
PATHS = ["", "/", "/a", "/a/", "/a/b", "/a/b/c.html", "/A/b", "/a b",
         "/%7ea", "/a;x/b", "/~x", "/a/bc", "/ab"]
NAMES = ["a", "b", "SID", "$x", "n", "a b", "Path", "c"]
VALUES = ["1", "x y", '"q"', "", "v=w", "a,b", None, "ü", 'q"\\z']
NS_ATTRS = [
    "Path=/", "path=/a", "Path=/a/b/", "Path=", "Path=/x", "path=/a b",
    "Domain=.acme.com", "domain=acme.com", "Domain=www.acme.com",
    "Domain=.com", "Domain=.co.uk", "domain=.example.co.uk", "Domain=",
    "Domain", "Domain=x.local", "Domain=.local", "domain=ACME.COM",
    "Domain=.bar.acme.com", "Domain=127.0.0.1", "domain=.0.0.1",
    "expires=Wed, 09 Jun 2100 10:18:14 GMT", "expires=Wed, 09-Jun-00 10:18:14 GMT",
    "Expires=garbage", "expires", "expires=\"Thu, 01 Jan 2099 00:00:00 GMT\"",
    "Max-Age=100", "max-age=0", "max-age=-5", "max-age=abc", "max-age",
    "max-age= 7 ", "secure", "Secure=", "secure=yes", "HttpOnly",
    "SameSite=Lax", "Version=1", "version=\"1\"", "Version=abc", "Version=0",
    "Version=2", "Port", "Port=\"80,8080\"", "port=80", "Port=abc",
    "port=8080", "Comment=hello", "CommentURL=http://x", "Discard",
    "foo=bar", "foo", " ", "", "=x", "Path=/a;Path=/b"]
RFC_ATTRS = [
    'Version="1"', "Version=1", 'Path="/"', 'Path="/a"', "Path=/a/b",
    'Domain=".acme.com"', "Domain=acme.com", 'Domain="x.local"', "Domain",
    'Port="80,8080"', "Port", "Port=80", 'Port="8080"', "Discard",
    "Secure", 'Comment="a \\"c\\""', "CommentURL=http://x", "Max-Age=60",
    "Max-Age=0", "max-age", "Expires=soon", "Version=0", "Version=x",
    "foo=bar", "HttpOnly"]


def rnd_url(rng):
    return "%s://%s%s%s%s" % (rng.choice(SCHEMES), rng.choice(HOSTS),
                              rng.choice(PORTS), rng.choice(PATHS),
                              rng.choice(["", "", "?q=1", "#f"]))


def ns_header(rng):
    name, value = rng.choice(NAMES), rng.choice(VALUES)
    first = name if value is None else "%s=%s" % (name, value)
    attrs = [rng.choice(NS_ATTRS) for _ in range(rng.randint(0, 5))]
    return "; ".join([first] + attrs)


def rfc_header(rng):
    parts = []
    for _ in range(rng.randint(1, 2)):
        name = rng.choice(["a", "b", "r2"])
        value = rng.choice(['"1"', "2", '"x y"', '"q\\"z"', ""])
        attrs = [rng.choice(RFC_ATTRS) for _ in range(rng.randint(0, 5))]
        if rng.random() < 0.7:
            attrs.insert(0, 'Version="1"')
        parts.append("; ".join(["%s=%s" % (name, value)] + attrs))
    return ", ".join(parts)


def rnd_policy(rng):
    p = {"netscape": int(rng.random() < 0.9), "rfc2965": rng.randint(0, 1),
         "rfc2109_as_netscape": rng.choice([-1, 0, 1]),
         "hide_cookie2": rng.randint(0, 1),
         "strict_domain": rng.randint(0, 1),
         "strict_rfc2965_unverifiable": rng.randint(0, 1),
         "strict_ns_unverifiable": rng.randint(0, 1),
         "strict_ns_domain": rng.randint(0, 7),
         "strict_ns_set_initial_dollar": rng.randint(0, 1),
         "strict_ns_set_path": rng.randint(0, 1)}
    if rng.random() < 0.2:
        p["blocked"] = rng.sample([".acme.com", "acme.com", "127.0.0.1",
                                   "x.local"], rng.randint(1, 2))
    if rng.random() < 0.15:
        p["secure"] = rng.sample(["https", "wss", "http", "ws"],
                                 rng.randint(1, 2))
    if rng.random() < 0.2:
        p["allowed"] = rng.sample([".acme.com", "www.acme.com", "127.0.0.1",
                                   ".local", "x.local"], rng.randint(1, 3))
    return p


def rnd_req(rng):
    origin = rng.choice([None, None, "www.acme.com", "acme.com", "other.org",
                         "x.local"])
    return (rnd_url(rng), int(rng.random() < 0.3), origin)


def scenario(rng):
    cmds = [("N",), ("P", rnd_policy(rng)), ("T", NOW)]
    for _ in range(rng.randint(1, 5)):
        hdrs = []
        for _ in range(rng.randint(1, 3)):
            if rng.random() < 0.75:
                hdrs.append(("Set-Cookie", ns_header(rng)))
            else:
                hdrs.append(("Set-Cookie2", rfc_header(rng)))
        cmds.append(("E", rnd_req(rng), hdrs))
    cmds.append(("D",))
    for _ in range(rng.randint(1, 4)):
        cmds.append(("A", rnd_req(rng)))
    if rng.random() < 0.3:
        cmds.append(("T", NOW + rng.choice([50, 200])))
        cmds.append(("A", rnd_req(rng)))
        cmds.append(("X",))
    if rng.random() < 0.2:
        cmds.append(("S",))
    if rng.random() < 0.3:
        d = rng.choice([None, ".acme.com", "www.acme.com", "acme.com"])
        p = rng.choice([None, "/", "/a"]) if d else None
        n = rng.choice([None, "a", "b"]) if p else None
        if rng.random() < 0.1:
            n, p = "a", None
        cmds.append(("C", d, p, n))
    cmds.append(("D",))
    cmds.append((rng.choice("ML"),))
    for _ in range(rng.randint(0, 2)):
        cmds.append(file_case(rng))
    return cmds


HAND = [
    [("N",), ("P", {}), ("T", NOW),
     ("E", ("http://www.acme.com/", 0, None),
      [("Set-Cookie", "CUSTOMER=WILE_E_COYOTE; path=/; expires=Wednesday, "
                      "09-Nov-99 23:12:40 GMT")]),
     ("A", ("http://www.acme.com/", 0, None)), ("D",)],
    [("N",), ("P", {"rfc2965": 1}), ("T", NOW),
     ("E", ("http://www.acme.com/acme/login", 0, None),
      [("Set-Cookie2", 'Customer="WILE_E_COYOTE"; Version="1"; '
                       'Path="/acme"')]),
     ("E", ("http://www.acme.com/acme/pickitem", 0, None),
      [("Set-Cookie2", 'Part_Number="Rocket_Launcher_0001"; Version="1"; '
                       'Path="/acme"')]),
     ("A", ("http://www.acme.com/acme/shipping", 0, None)), ("D",), ("L",)],
]


MOZ_MAGIC = ["# Netscape HTTP Cookie File", "# HTTP Cookie File",
             "#HTTP Cookie File", "# Netscape HTTP Cookie File (curl)"]
MOZ_LINES = [
    ".acme.com\tTRUE\t/\tFALSE\t4102444800\tsid\t1",
    "www.acme.com\tFALSE\t/a\tTRUE\t\tn\tv",
    "#HttpOnly_.acme.com\tTRUE\t/\tFALSE\t0\th\t1",
    "#HttpOnly_www.acme.com\tFALSE\t/\tFALSE\t1800000000\th2\t1",
    "acme.com\tTRUE\t/\tFALSE\t1\tx\ty", "a\tb", "# comment", "",
    "  ", "$x", "\tFALSE\t/\tFALSE\t\t\tvalueonly",
    "x.com\tFALSE\t/\tFALSE\t1e10\tf\t1",
    ".x.com\tTRUE\t/\tFALSE\tabc\tf\t1",
    ".x.com\tTRUE\t/\tFALSE\t 5 \tf\t1",
    "WWW.ACME.COM\tFALSE\t/\tFALSE\t1700000100\tu\t1",
    ".x.com\tTRUE\t/p\tTRUE\t1600000000\texpired\t1",
    ".x.com\tTRUE\t/\tFALSE\t1\ta\tb\tc", "x\tFALSE\t/\tyes\t\tn\t"]
LWP_MAGIC = ["#LWP-Cookies-2.0", "#LWP-Cookies-1.0", "#LWP-Cookies-x",
             "#LWP-Cookies-2.0 extra"]
LWP_LINES = [
    'Set-Cookie3: a=1; path="/"; domain=".acme.com"; path_spec; domain_dot; '
    'expires="2100-01-01 00:00:00Z"; version=0',
    'Set-Cookie3: b="x y"; path="/a"; domain=www.acme.com; discard; version=1',
    'Set-Cookie3: c=1; path="/"; version=0',
    'Set-Cookie3: e=1; path=/; domain=x.com; version=abc',
    'Set-Cookie3: f=1; path=/; domain=x.com; port_spec; version=0',
    'Set-Cookie3: g=1; path=/; domain=x.com; port="80,81"; port_spec; '
    'comment="hi \\"x\\""; commenturl=http://c; HttpOnly; SameSite=Lax; '
    'version=1',
    'Set-Cookie3: h; path=/; domain=.x.com; expires="2000-01-01 00:00:00Z"; '
    'version=0',
    'Set-Cookie3: i=1; path=/; domain=.x.com; expires=garbage; secure',
    'Set-Cookie3: j=1; path=/; domain=.x.com; version', "Set-Cookie: k=1",
    "# comment", "", 'Set-Cookie3: l=1; Path=/; DOMAIN=.X.com; Version=0, '
    'm=2; path=/; domain=y.com']


def file_case(rng):
    if rng.random() < 0.5:
        fmt, magic, pool = "M", MOZ_MAGIC, MOZ_LINES
    else:
        fmt, magic, pool = "L", LWP_MAGIC, LWP_LINES
    lines = [rng.choice(magic)] + [rng.choice(pool)
                                   for _ in range(rng.randint(0, 6))]
    text = rng.choice(["\n", "\r\n", "\r"]).join(lines)
    if rng.random() < 0.5:
        text += "\n"
    return ("F", fmt, rng.randint(0, 1), rng.randint(0, 1), text)


def enc(s):
    return "-" if s is None else s.encode("utf-8").hex()


def to_line(cmd):
    op = cmd[0]
    if op == "P":
        kv = []
        for k, v in cmd[1].items():
            if k in ("blocked", "allowed", "secure"):
                v = ",".join(x.encode().hex() for x in v) if v else "none"
            kv.append("%s=%s" % (k, v))
        return "P " + " ".join(kv)
    if op == "T":
        return "T %d" % cmd[1]
    if op in "EA":
        url, unv, origin = cmd[1]
        s = "%s %s %d %s" % (op, enc(url), unv, enc(origin))
        if op == "E":
            s += " %d" % len(cmd[2])
            for k, v in cmd[2]:
                s += " %s %s" % (enc(k), enc(v))
        return s
    if op == "C":
        return "C " + " ".join(enc(x) for x in cmd[1:])
    if op == "F":
        return "F %s %d %d %s" % (cmd[1], cmd[2], cmd[3], enc(cmd[4]))
    return op


class Resp:
    def __init__(self, headers):
        self.h = headers

    def info(self):
        return self

    def get_all(self, name, default=None):
        r = [v for k, v in self.h if k.lower() == name.lower()]
        return r or default


def make_policy(p):
    kw = dict(p)
    r = kw.pop("rfc2109_as_netscape", -1)
    kw["rfc2109_as_netscape"] = None if r == -1 else bool(r)
    for k in list(kw):
        if k not in ("blocked", "allowed", "secure", "strict_ns_domain",
                     "rfc2109_as_netscape"):
            kw[k] = bool(kw[k])
    b = kw.pop("blocked", None)
    a = kw.pop("allowed", None)
    if "secure" in kw:
        kw["secure_protocols"] = tuple(kw.pop("secure"))
    return cj.DefaultCookiePolicy(blocked_domains=b, allowed_domains=a, **kw)


def show(v):
    return "None" if v is None else str(v)


def dump(jar):
    out = ["%d\n" % len(jar)]
    for c in jar:
        s = "None|" if c.version is None else "|%d|" % c.version
        s += "|".join([show(c.name), show(c.value), show(c.port),
                       str(int(bool(c.port_specified))), show(c.domain),
                       str(int(bool(c.domain_specified))),
                       str(int(bool(c.domain_initial_dot))), show(c.path),
                       str(int(bool(c.path_specified))),
                       str(int(bool(c.secure))), show(c.expires),
                       str(int(bool(c.discard))), show(c.comment),
                       show(c.comment_url), str(int(bool(c.rfc2109)))])
        s += "|{" + "".join("%s=%s|" % (k, show(v))
                             for k, v in c._rest.items()) + "}\n"
        out.append(s)
    return "".join(out).encode("utf-8").hex()


def run_python(cmds, tmpdir):
    global NOW
    out = []
    policy = cj.DefaultCookiePolicy()
    jar = cj.CookieJar(policy)
    for cmd in cmds:
        op = cmd[0]
        if op == "N":
            jar = cj.CookieJar(policy)
        elif op == "P":
            policy = make_policy(cmd[1])
            jar.set_policy(policy)
        elif op == "T":
            NOW = cmd[1]
        elif op in "EA":
            url, unv, origin = cmd[1]
            req = urllib.request.Request(url, unverifiable=bool(unv),
                                         origin_req_host=origin)
            if op == "E":
                jar.extract_cookies(Resp(cmd[2]), req)
                out.append("0")
            else:
                jar.add_cookie_header(req)
                s = "0|%s|%s|" % (show(req.get_header("Cookie")),
                                  show(req.get_header("Cookie2")))
                out.append(s.encode("utf-8").hex())
        elif op == "D":
            out.append(dump(jar))
        elif op == "C":
            try:
                jar.clear(*cmd[1:])
                out.append("NP_OK")
            except KeyError:
                out.append("NP_ENOTFOUND")
            except ValueError:
                out.append("NP_EINVAL")
        elif op == "X":
            jar.clear_expired_cookies()
        elif op == "S":
            jar.clear_session_cookies()
        elif op == "F":
            cls = cj.MozillaCookieJar if cmd[1] == "M" else cj.LWPCookieJar
            fn = os.path.join(tmpdir, "in.txt")
            with open(fn, "w", newline="") as f:
                f.write(cmd[4])
            j = cls(fn, policy=policy)
            try:
                j.load(ignore_discard=bool(cmd[2]),
                       ignore_expires=bool(cmd[3]))
                out.append("0")
            except cj.LoadError:
                out.append("-310")
            out.append(dump(j))
        elif op in "ML":
            cls = cj.MozillaCookieJar if op == "M" else cj.LWPCookieJar
            fn = os.path.join(tmpdir, "jar.txt")
            j1 = cls(fn, policy=policy)
            for c in jar:
                j1.set_cookie(c)
            j1.save(ignore_discard=True, ignore_expires=True)
            with open(fn, "rb") as f:
                out.append(f.read().hex())
            j2 = cls(fn, policy=policy)
            try:
                j2.load(ignore_discard=True, ignore_expires=True)
                out.append("0")
            except cj.LoadError:
                out.append("-310")
            out.append(dump(j2))
    return out


def main():
    rng = random.Random(int(os.environ.get("NP_SEED", "11")))
    scenarios = HAND + [scenario(rng) for _ in
                        range(int(os.environ.get("NP_CASES", "3000")))]
    lines = []
    for s in scenarios:
        lines.extend(to_line(c) for c in s)
    proc = subprocess.run([TOOL], input=("\n".join(lines) + "\n").encode(),
                          capture_output=True, timeout=600)
    if proc.returncode != 0:
        print("driver failed", proc.returncode, proc.stderr.decode()[-3000:])
        return 1
    got = proc.stdout.decode().split("\n")
    pos = 0
    bad = 0
    with tempfile.TemporaryDirectory() as tmpdir:
        for s in scenarios:
            want = run_python(s, tmpdir)
            mine = got[pos:pos + len(want)]
            pos += len(want)
            if mine != want:
                bad += 1
                if bad <= 5:
                    print("MISMATCH in scenario:")
                    for c in s:
                        print("   ", c)
                    for w, m in zip(want, mine):
                        if w != m:
                            try:
                                w = bytes.fromhex(w).decode()
                                m = bytes.fromhex(m).decode()
                            except ValueError:
                                pass
                            print("  python:   %r\n  netproto: %r" % (w, m))
                            break
    print("%d scenarios, %d mismatches" % (len(scenarios), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
