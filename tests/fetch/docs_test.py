#!/usr/bin/env python3
"""The runnable examples of docs/fetch.md: the first ```sh block after
"### Examples" runs in bash, with `netproto` the binary under test and a
free port in place of 8000; its standard output must be what the
comments in the block promise."""
import os
import re
import signal
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "http"))
import peers  # noqa: E402  (free_port)

SRC = os.environ.get("NP_SOURCE_DIR", ".")
CLI = os.environ["NP_CLI"]

WANT = "hello\nhello\nhello\nHTTP/1.1 200 OK\r\nexit 4\nexit 3\ninline data\n"


def main():
    doc = open(os.path.join(SRC, "docs", "fetch.md")).read()
    block = re.search(r"### Examples.*?```sh\n(.*?)```", doc, re.S).group(1)
    script = block.replace("8000", str(peers.free_port()))
    tmp = tempfile.mkdtemp(prefix="np-fetch-docs-")
    bindir = os.path.join(tmp, "bin")  # `netproto` on PATH is the binary tested
    os.mkdir(bindir)
    os.symlink(os.path.abspath(CLI), os.path.join(bindir, "netproto"))
    env = dict(os.environ, TMPDIR=tmp, PATH=bindir + os.pathsep + os.environ["PATH"])
    p = subprocess.Popen(["bash", "-c", script], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, start_new_session=True, env=env)
    try:
        out, err = p.communicate(timeout=60)
    finally:
        try:  # the example's server, should the script stop before its kill
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        shutil.rmtree(tmp, ignore_errors=True)
    ok = out.decode() == WANT and p.returncode == 0
    err += b"exit status %d\n" % p.returncode
    print(("ok" if ok else "not ok") + " 1 - docs/fetch.md examples give the promised output")
    if not ok:
        print("# got: %r\n# stderr:\n%s" % (out.decode(), err.decode()))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
