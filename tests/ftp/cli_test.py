"""netproto ftp against pyftpdlib (plain and TLS) started here on
127.0.0.1: get to stdout and to a file, put, size, ls/nlst/mlsd, rm,
mkdir, a refused operation (exit 1 with the server's reply) and usage
errors (exit 2)."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ftp_peers import check, finish, pyftpd, make_cert, tmpdir, rmtree  # noqa: E402

CLI = os.environ["NP_CLI"]


def nft(*args):
    p = subprocess.run([CLI, "ftp", *args], capture_output=True, timeout=60)
    return p.returncode, p.stdout, p.stderr.decode("latin-1")


def main():
    tmp = tmpdir()
    srv = None
    try:
        home = os.path.join(tmp, "home")
        os.makedirs(home)
        data = os.urandom(150_000)
        with open(os.path.join(home, "f.bin"), "wb") as f:
            f.write(data)
        crt, both = make_cert(tmp)
        srv = pyftpd(home, cert=both)
        base = "ftp://user:pass@127.0.0.1:%d/" % srv.port
        rc, out, err = nft("get", base + "f.bin")
        check("get to stdout", rc == 0 and out == data, err)
        local = os.path.join(tmp, "got.bin")
        rc, out, err = nft("get", base + "f.bin", local)
        check("get to a file", rc == 0 and open(local, "rb").read() == data, err)
        rc, out, err = nft("put", local, base + "up%20loaded.bin")
        check("put (path %-decoded)", rc == 0 and
              open(os.path.join(home, "up loaded.bin"), "rb").read() == data, err)
        rc, out, err = nft("size", base + "f.bin")
        check("size", rc == 0 and out == b"%d\n" % len(data), err)
        rc, out, err = nft("nlst", "ftp://127.0.0.1:%d/" % srv.port)
        check("nlst as anonymous", rc == 0 and sorted(out.splitlines()) ==
              [b"f.bin", b"up loaded.bin"], err)
        rc, out, err = nft("ls", base)
        check("ls", rc == 0 and b"f.bin" in out, err)
        rc, out, err = nft("mlsd", base)
        check("mlsd", rc == 0 and b"type=file;" in out and b" f.bin\n" in out, out)
        rc, out, err = nft("mkdir", base + "d")
        check("mkdir", rc == 0 and os.path.isdir(os.path.join(home, "d")), err)
        rc, out, err = nft("rm", base + "up%20loaded.bin")
        check("rm", rc == 0 and not os.path.exists(os.path.join(home, "up loaded.bin")), err)
        rc, out, err = nft("rm", "ftp://ro:ro@127.0.0.1:%d/f.bin" % srv.port)
        check("refused: exit 1 with the reply", rc == 1 and "NP_EFTP_PERM: 550" in err, err)
        rc, out, err = nft("--tls", "--ca", crt, "get", base + "f.bin")
        check("--tls get (AUTH TLS, PROT P)", rc == 0 and out == data, err)
        rc, out, err = nft("--tls", "get", base + "f.bin")
        check("--tls verifies by default", rc == 1 and "NP_ETLS_VERIFY" in err, err)
        rc, out, err = nft("--active", "get", base + "f.bin")
        check("--active get", rc == 0 and out == data, err)
        check("usage: unknown command", nft("frob", base)[0] == 2)
        check("usage: missing URL", nft("get")[0] == 2)
        check("not an ftp URL: exit 1", nft("get", "http://127.0.0.1/")[0] == 1)
        rc, out, err = nft("--help")
        check("--help", rc == 0 and b"usage: netproto ftp" in out, err)
    finally:
        if srv:
            srv.stop()
        rmtree(tmp)
    finish()


if __name__ == "__main__":
    main()
