"""Differential test: the gateway's util and headers against python3's
wsgiref.util and wsgiref.headers over generated environs and headers.

Drives tests/gateway_tool_gwutil (built from tool_gwutil.c) with thousands
of cases and fails on the first difference."""
import os
import random
import subprocess
import sys
from wsgiref import util, headers

TOOL = os.path.join(os.environ["NP_BINARY_DIR"], "tests", "gateway_tool_gwutil")
if not os.path.exists(TOOL):
    TOOL = os.path.join(os.environ["NP_BINARY_DIR"], "gateway_tool_gwutil")

rnd = random.Random(8)
ATOMS = ["", "/", "//", "a", "b c", ".", "..", "%", "é", "~x", "a;b=c,d",
         "?", "#", "\x7f", "x/y", "./", "../", "///a", "z"]


def rpath():
    return "".join(rnd.choice(ATOMS) for _ in range(rnd.randint(0, 6)))


def renv():
    env = {}
    if rnd.random() < 0.7:
        env["wsgi.url_scheme"] = rnd.choice(["http", "https"])
    for key, gen in [
        ("HTTP_HOST", lambda: rnd.choice(["", "h.example", "h:8080", "[::1]:1"])),
        ("SERVER_NAME", lambda: rnd.choice(["srv", "127.0.0.1", ""])),
        ("SERVER_PORT", lambda: rnd.choice(["80", "443", "8000", ""])),
        ("SCRIPT_NAME", rpath), ("PATH_INFO", rpath),
        ("QUERY_STRING", lambda: rnd.choice(["", "a=1", "x=%20&y"])),
        ("HTTPS", lambda: rnd.choice(["on", "yes", "1", "off", "ON", ""])),
    ]:
        if rnd.random() < 0.6:
            env[key] = gen()
    return env


def h(s):
    return s.encode("latin-1").hex()


def enc_env(env):
    return "\t".join(h(k) + "=" + h(v) for k, v in env.items())


def python_answer(op, env):
    if op in ("request_uri", "request_uri_noq", "application_uri"):
        e = dict(env)
        e.setdefault("wsgi.url_scheme", "http")
        e.setdefault("SERVER_NAME", "")
        e.setdefault("SERVER_PORT", "80") if "HTTP_HOST" not in e or not e["HTTP_HOST"] else None
        try:
            if op == "application_uri":
                r = util.application_uri(e)
            else:
                r = util.request_uri(e, op == "request_uri")
        except KeyError:
            return None
        return h(r)
    if op == "guess":
        return h(util.guess_scheme(env))
    if op == "shift":
        e = dict(env)
        try:
            name = util.shift_path_info(e)
        except IndexError:
            return "error"
        return "\t".join(["-" if name is None else h(name),
                          h(e.get("SCRIPT_NAME", "")), h(e.get("PATH_INFO", ""))])
    if op == "defaults":
        e = dict(env)
        util.setup_testing_defaults(e)
        return sorted((k, v) for k, v in e.items() if isinstance(v, str))


def c_defaults(line):
    out = []
    for f in line.split("\t") if line else []:
        k, v = f.split("=")
        out.append((bytes.fromhex(k).decode("latin-1"), bytes.fromhex(v).decode("latin-1")))
    return sorted(out)


def main():
    cases, expect = [], []
    for _ in range(4000):
        op = rnd.choice(["request_uri", "request_uri_noq", "application_uri",
                         "shift", "guess", "defaults"])
        env = renv()
        if op in ("request_uri", "request_uri_noq", "application_uri"):
            # the C side reads missing keys as empty, as the fixed-up env
            env.setdefault("wsgi.url_scheme", "http")
            env.setdefault("SERVER_NAME", "")
            if not env.get("HTTP_HOST"):
                env.setdefault("SERVER_PORT", "80")
        cases.append(op + ("\t" + enc_env(env) if env else ""))
        expect.append((op, env, python_answer(op, env)))
    for name in ["Connection", "KEEP-ALIVE", "te", "Trailers", "upgrade",
                 "Transfer-Encoding", "Proxy-Authorization",
                 "proxy-authenticate", "Content-Type", "X", "tee"]:
        cases.append("hop\t" + h(name))
        expect.append(("hop", name, "1" if util.is_hop_by_hop(name) else "0"))
    vals = [None, "", "text/plain", "a\\b", 'q"x', "attachment"]
    pnames = ["filename", "x_y", "charset", "a"]
    for _ in range(2000):
        value = rnd.choice(vals)
        params = {}
        for _ in range(rnd.randint(0, 3)):
            params[rnd.choice(pnames)] = rnd.choice(vals)
        hd = headers.Headers([])
        hd.add_header("Content-Disposition", value, **params)
        line = "add\t" + h("Content-Disposition") + "\t" + ("-" if value is None else h(value))
        for k, v in params.items():
            line += "\t" + h(k) + "=" + ("-" if v is None else h(v))
        cases.append(line)
        expect.append(("add", (value, params), h(str(hd))))
    res = subprocess.run([TOOL], input="\n".join(cases) + "\n", capture_output=True,
                         text=True, timeout=120)
    got = res.stdout.split("\n")
    bad = 0
    for i, (op, arg, want) in enumerate(expect):
        line = got[i]
        if op == "defaults":
            if c_defaults(line) != want:
                bad += 1
                print("DIFF", op, arg, c_defaults(line), want)
        elif want is not None and line != want:
            bad += 1
            print("DIFF", op, arg, repr(line), repr(want))
        if bad > 10:
            break
    print(f"{len(expect)} cases, {bad} differences")
    sys.exit(1 if bad else 0)


main()
