"""examples/ftp_get.c builds the way a user would build it (cc, the public
headers, the build tree's libnetproto.a) and downloads from pyftpdlib,
plain and over TLS; a missing file fails with the server's 550."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ftp_peers import check, finish, pyftpd, make_cert, tmpdir, rmtree  # noqa: E402

SRC = os.environ["NP_SOURCE_DIR"]
BIN = os.environ["NP_BINARY_DIR"]


def build(tmp):
    cache = open(os.path.join(BIN, "CMakeCache.txt")).read()
    m = re.search(r"^CMAKE_C_COMPILER:[A-Z]*=(.*)$", cache, re.M)
    cc = m.group(1) if m else "cc"
    san = ["-fsanitize=address,undefined"] if "NP_SANITIZE:BOOL=ON" in cache else []
    exe = os.path.join(tmp, "ftp_get")
    p = subprocess.run([cc, "-std=c17", "-Wall", "-Wextra", "-Wpedantic", "-Werror",
                        *san, "-I" + os.path.join(SRC, "include"),
                        os.path.join(SRC, "examples", "ftp_get.c"),
                        os.path.join(BIN, "libnetproto.a"), "-lssl", "-lcrypto",
                        "-lz", "-o", exe], capture_output=True, text=True, timeout=120)
    check("examples/ftp_get.c builds with -Werror", p.returncode == 0, p.stderr)
    return exe


def main():
    tmp = tmpdir()
    srv = None
    try:
        exe = build(tmp)
        home = os.path.join(tmp, "home")
        os.makedirs(home)
        data = os.urandom(200_000)
        with open(os.path.join(home, "f.bin"), "wb") as f:
            f.write(data)
        crt, both = make_cert(tmp)
        srv = pyftpd(home, cert=both)
        port = str(srv.port)
        p = subprocess.run([exe, "127.0.0.1", port, "user", "pass", "f.bin"],
                           capture_output=True, timeout=60)
        check("plain download", p.returncode == 0 and p.stdout == data, p.stderr)
        p = subprocess.run([exe, "--tls", "--ca", crt, "127.0.0.1", port, "", "",
                            "f.bin"], capture_output=True, timeout=60)
        check("anonymous download over TLS", p.returncode == 0 and p.stdout == data,
              p.stderr)
        p = subprocess.run([exe, "127.0.0.1", port, "user", "pass", "nope"],
                           capture_output=True, timeout=60)
        check("missing file: exit 1 with NP_EFTP_PERM and 550",
              p.returncode == 1 and b"NP_EFTP_PERM: 550" in p.stderr, p.stderr)
        p = subprocess.run([exe], capture_output=True, timeout=60)
        check("usage: exit 2", p.returncode == 2, p.stderr)
    finally:
        if srv:
            srv.stop()
        rmtree(tmp)
    finish()


if __name__ == "__main__":
    main()
