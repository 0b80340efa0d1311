"""The C FTP client against vsftpd (Debian's vsftpd), started here on
127.0.0.1 with a generated configuration: anonymous downloads and uploads,
and FTP over TLS with require_ssl_reuse=YES, where the data connection
must resume the control connection's TLS session.  CPython's ftplib does
not resume sessions and gets "522 ... session reuse required" from the
same server: this is the test of the feature it lacks."""
import ftplib
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ftp_peers import check, finish, run, result, make_cert, tmpdir, rmtree, free_port  # noqa: E402

VSFTPD = shutil.which("vsftpd") or "/usr/sbin/vsftpd"

CONF = """listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port={port}
background=NO
anonymous_enable=YES
no_anon_password=YES
anon_root={home}
local_enable=NO
write_enable=YES
anon_upload_enable=YES
anon_mkdir_write_enable=YES
anon_other_write_enable=YES
anon_umask=022
pasv_enable=YES
pasv_address=127.0.0.1
seccomp_sandbox=NO
secure_chroot_dir={empty}
xferlog_enable=NO
ftp_username=ftp
"""
TLS = """ssl_enable=YES
allow_anon_ssl=YES
force_anon_logins_ssl=NO
force_anon_data_ssl=NO
rsa_cert_file={cert}
rsa_private_key_file={key}
require_ssl_reuse=YES
ssl_ciphers=HIGH
"""


class Vsftpd:
    def __init__(self, tmp, home, tls=None):
        self.port = free_port()
        empty = os.path.join(tmp, "empty")
        os.makedirs(empty, exist_ok=True)
        conf = CONF.format(port=self.port, home=home, empty=empty)
        if tls:
            conf += TLS.format(cert=tls[0], key=tls[1])
        path = os.path.join(tmp, "vsftpd%s.conf" % ("-tls" if tls else ""))
        with open(path, "w") as f:
            f.write(conf)
        # Its own session, so the per-connection children go with it.
        self.p = subprocess.Popen([VSFTPD, path], start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("vsftpd did not start")

    def stop(self):
        try:
            os.killpg(self.p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.p.wait(timeout=10)


def main():
    tmp = tmpdir()
    os.chmod(tmp, 0o755)
    srv = None
    try:
        home = os.path.join(tmp, "home")
        os.makedirs(os.path.join(home, "pub"))
        os.chmod(home, 0o755)
        shutil.chown(os.path.join(home, "pub"), "ftp")
        data = os.urandom(2_000_000)
        with open(os.path.join(home, "data.bin"), "wb") as f:
            f.write(data)
        os.chmod(os.path.join(home, "data.bin"), 0o644)
        up = os.path.join(tmp, "up.bin")
        with open(up, "wb") as f:
            f.write(data[::-1])
        got = os.path.join(tmp, "got.bin")

        srv = Vsftpd(tmp, home)
        lines, out = run(srv.port, "connect", "welcome", "login", "", "",
                         "get", "data.bin", got, "size", "data.bin",
                         "put", up, "pub/up.bin", "dir", "", "pwd",
                         "get", "nothere", got + ".x", "quit")
        check("vsftpd: welcome", "vsFTPd" in result(lines, "welcome")[2], out)
        check("vsftpd: anonymous download identical",
              open(got, "rb").read() == data, out)
        check("vsftpd: size", result(lines, "size")[2] == str(len(data)), out)
        check("vsftpd: upload identical",
              open(os.path.join(home, "pub", "up.bin"), "rb").read() == data[::-1], out)
        check("vsftpd: LIST", any("data.bin" in l for l in lines), out)
        check("vsftpd: missing file is error_perm 550",
              result(lines, "get", 1)[2].startswith("NP_EFTP_PERM 550"), out)
        lines, out = run(srv.port, "connect", "login", "", "", "get", "data.bin", got,
                         opts=["--active"])
        check("vsftpd: active mode download",
              result(lines, "get")[0] == "ok" and open(got, "rb").read() == data, out)
        with open(os.path.join(home, "sparse.bin"), "wb") as f:
            f.truncate(64 << 20)
        os.chmod(os.path.join(home, "sparse.bin"), 0o644)
        lines, out = run(srv.port, "connect", "login", "", "",
                         "abortxfer", "sparse.bin", "sendcmd", "NOOP")
        check("vsftpd: abort mid-transfer keeps the control connection in step",
              result(lines, "abortxfer")[2][:3] in ("225", "226")
              and result(lines, "sendcmd")[2].startswith("200"), out)
        srv.stop()

        crt, both = make_cert(tmp)
        srv = Vsftpd(tmp, home, tls=(crt, os.path.join(tmp, "key.pem")))
        lines, out = run(srv.port, "connect", "login", "", "", "prot_p",
                         "resumed", "data.bin", "get", "data.bin", got,
                         "put", up, "pub/tls.bin", "dir", "", "quit",
                         opts=["--tls", "--ca", crt])
        check("vsftpd TLS: login after AUTH TLS", result(lines, "login")[0] == "ok", out)
        check("vsftpd TLS: data connection resumed the session",
              result(lines, "resumed")[2].startswith("1 %d" % len(data)), out)
        check("vsftpd TLS: PROT P download identical",
              result(lines, "get")[0] == "ok" and open(got, "rb").read() == data, out)
        check("vsftpd TLS: PROT P upload identical",
              open(os.path.join(home, "pub", "tls.bin"), "rb").read() == data[::-1], out)
        check("vsftpd TLS: listing", result(lines, "dir")[0] == "ok", out)
        # CPython for the record: no session reuse, so vsftpd refuses.
        py = ftplib.FTP_TLS(context=ssl.create_default_context(cafile=crt), timeout=30)
        py.connect("127.0.0.1", srv.port)
        py.login()
        py.prot_p()
        try:
            py.nlst()
            pyres = "ok"
        except ftplib.error_perm as e:
            pyres = str(e)[:3]
        py.close()
        check("vsftpd TLS: CPython's ftplib is refused (522) where we pass",
              pyres == "522", pyres)
    finally:
        if srv:
            srv.stop()
        rmtree(tmp)
    finish()


if __name__ == "__main__":
    main()
