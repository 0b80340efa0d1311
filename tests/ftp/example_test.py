"""examples/ftp_get.c builds the way a user would build it (cc, the public
headers, the build tree's libnetproto.a) and downloads from pyftpdlib,
plain and over TLS; a missing file fails with the server's 550."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ftp_peers import check, finish, pyftpd, make_cert, tmpdir, rmtree  # noqa: E402


def build(tmp):
    """examples/ftp_get.c built as a user would (tests/lib/example.sh)."""
    exe = os.path.join(tmp, "ftp_get")
    p = subprocess.run(["bash", "-c", '. "$NP_SOURCE_DIR/tests/lib/example.sh" && '
                        'np_build_example ftp_get "$1"', "build", exe],
                       capture_output=True, text=True, timeout=120)
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
