#!/usr/bin/env python3
"""HTTPDigestAuthHandler against a real peer: lighttpd's mod_auth (digest
MD5 and SHA-256, qop=auth, and basic), started on a free loopback port.
Each case runs through tests/request/tool_fetch.c (digest and basic
handlers) and through CPython's urllib (HTTPDigestAuthHandler and
HTTPBasicAuthHandler); outcomes must agree except for SHA-256, which
CPython refuses (ValueError) and netproto answers (RFC 7616)."""
import concurrent.futures
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

from realpeers import free_port, stop_proc, wait_port

BIN = os.environ.get("NP_BINARY_DIR", "build")
TOOL = os.path.join(BIN, "tests", "request_tool_fetch")


def start_lighttpd(tmp):
    www = os.path.join(tmp, "www")
    for d in ("md5", "sha256", "basic"):
        os.makedirs(os.path.join(www, d))
        with open(os.path.join(www, d, "index.txt"), "w") as f:
            f.write("secret %s\n" % d)
    with open(os.path.join(tmp, "htdigest"), "w") as f:
        f.write("user:r:%s\n" % hashlib.md5(b"user:r:pass").hexdigest())
        f.write("user:r256:%s\n" % hashlib.sha256(b"user:r256:pass").hexdigest())
        f.write("user:rb:%s\n" % hashlib.md5(b"user:rb:pass").hexdigest())
    port = free_port()
    conf = os.path.join(tmp, "lighttpd.conf")
    with open(conf, "w") as f:
        f.write('''server.port = %d
server.bind = "127.0.0.1"
server.document-root = "%s"
server.errorlog = "%s/error.log"
server.modules = ("mod_auth", "mod_authn_file")
auth.backend = "htdigest"
auth.backend.htdigest.userfile = "%s/htdigest"
auth.require = (
  "/md5/" => ("method" => "digest", "realm" => "r", "require" => "valid-user", "algorithm" => "MD5"),
  "/sha256/" => ("method" => "digest", "realm" => "r256", "require" => "valid-user", "algorithm" => "SHA-256"),
  "/basic/" => ("method" => "basic", "realm" => "rb", "require" => "valid-user"))
mimetype.assign = (".txt" => "text/plain")
''' % (port, www, tmp, tmp))
    proc = subprocess.Popen(["lighttpd", "-D", "-f", conf],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port, proc=proc)
    except RuntimeError:
        stop_proc(proc)
        raise
    return proc, port


def python_fetch(url, userpass):
    user, pw = userpass.split(":", 1)
    mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    mgr.add_password(None, url, user, pw)
    opener = urllib.request.build_opener(
        urllib.request.HTTPDigestAuthHandler(mgr),
        urllib.request.HTTPBasicAuthHandler(mgr))
    try:
        with opener.open(url, timeout=10) as r:
            return "status %d body %s" % (r.status, r.read().decode().strip())
    except urllib.error.HTTPError as e:
        return "HTTPError %d" % e.code
    except ValueError:
        return "ValueError"


def c_fetch(url, userpass):
    out = subprocess.run([TOOL, "-D", userpass, url], capture_output=True,
                         timeout=60, check=True).stdout.decode()
    lines = out.splitlines()
    if lines[0].startswith("error NP_EREQUEST_HTTP"):
        return "HTTPError %s" % lines[0].split()[-1]
    if lines[0].startswith("error NP_EUNSUPPORTED"):
        return "ValueError"
    if lines[0].startswith("error"):
        return lines[0]
    return "status %s body %s" % (lines[0].split()[1],
                                  lines[lines.index("body:") + 1].strip())


def main():
    tmp = tempfile.mkdtemp()
    proc, port = start_lighttpd(tmp)
    base = "http://127.0.0.1:%d" % port
    failed = 0
    cases = [(path, creds) for path in ("md5", "sha256", "basic")
             for creds in ("user:pass", "user:wrong", "nobody:pass")]
    try:
        # lighttpd delays each refused credential by a second and both
        # clients retry digest up to 5 times: run every fetch at once
        with concurrent.futures.ThreadPoolExecutor(2 * len(cases)) as pool:
            jobs = [(path, creds,
                     pool.submit(python_fetch, url, creds),
                     pool.submit(c_fetch, url, creds))
                    for path, creds in cases
                    for url in ["%s/%s/index.txt" % (base, path)]]
        for path, creds, py_job, c_job in jobs:
            want, got = py_job.result(), c_job.result()
            if path == "sha256":  # beyond Python: RFC 7616's SHA-256
                ok = want == "ValueError" and got == (
                    "status 200 body secret sha256" if creds == "user:pass"
                    else "HTTPError 401")
            else:
                ok = want == got
            failed += not ok
            print("%s %s %s: CPython %s, netproto %s" % (
                "ok" if ok else "FAIL", path, creds, want, got))
    finally:
        proc.kill()
        proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d failed" % failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
