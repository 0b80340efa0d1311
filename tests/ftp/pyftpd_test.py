"""ftplib interop: the C client (tests/ftp/tool_ftp.c) against pyftpdlib
started here on 127.0.0.1 (plain and FTP over TLS with a certificate made
with openssl), compared with what CPython's ftplib gets from the same
server: login, upload, download (binary, text), resume, listings, rename,
delete, directories, errors (bad login, missing file, permission), active
mode, TLS session reuse on the data connection."""
import ftplib
import os
import ssl
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ftp_peers import check, finish, pyftpd, run, result, make_cert, tmpdir, rmtree  # noqa: E402


def setup_home(tmp):
    home = os.path.join(tmp, "home")
    os.makedirs(os.path.join(home, "sub"))
    data = os.urandom(300_000) + bytes(range(256)) * 40
    with open(os.path.join(home, "bin.dat"), "wb") as f:
        f.write(data)
    text = "".join("line %d: %s\n" % (i, "x" * (i % 70)) for i in range(2000))
    with open(os.path.join(home, "text.txt"), "w") as f:
        f.write(text)
    with open(os.path.join(home, "sub", "inner.txt"), "w") as f:
        f.write("inner\n")
    return home, data, text


def py_client(port, user="user", passwd="pass"):
    f = ftplib.FTP()
    f.connect("127.0.0.1", port, timeout=30)
    f.login(user, passwd)
    return f


def plain_cases(tmp, home, data, text):
    srv = pyftpd(home)
    port = srv.port
    try:
        py = py_client(port)
        py.voidcmd("TYPE I")  # pyftpdlib refuses SIZE in ASCII mode
        local = os.path.join(tmp, "got.dat")
        lines, out = run(port, "connect", "welcome", "login", "user", "pass",
                         "get", "bin.dat", local, "size", "bin.dat",
                         "getrest", "bin.dat", "1000", local + ".rest",
                         "lines", "RETR text.txt", "pwd",
                         "nlst", "", "dir", "", "mlsd", "")
        check("welcome as ftplib's getwelcome()",
              result(lines, "welcome")[2] == py.getwelcome(), out)
        check("login", result(lines, "login")[0] == "ok", out)
        check("retrbinary: bytes identical",
              open(local, "rb").read() == data, out)
        check("size as ftplib's", result(lines, "size")[2] == str(py.size("bin.dat")), out)
        check("retrbinary with rest=1000: the tail",
              open(local + ".rest", "rb").read() == data[1000:], out)
        pylines = []
        py.retrlines("RETR text.txt", pylines.append)
        got = [l[5:] for l in lines if l.startswith("line ")]
        check("retrlines: lines as ftplib's", got[:len(pylines)] == pylines
              and len(pylines) == 2000, out[:500])
        check("pwd as ftplib's", result(lines, "pwd")[2] == py.pwd(), out)
        names = sorted(py.nlst())
        check("nlst as ftplib's",
              sorted(got[2000:2000 + len(names)]) == names, out[-2000:])
        pydir = []
        py.dir(pydir.append)
        check("dir as ftplib's", got[2000 + len(names):] == pydir, out[-2000:])
        entries = sorted("%s type=%s size=%s" % (n, e.get("type", ""), e.get("size", ""))
                         for n, e in py.mlsd(facts=["type", "size", "perm"]))
        mine = sorted(l[6:].rsplit(" nfacts=", 1)[0] for l in lines if l.startswith("entry "))
        check("mlsd facts as ftplib's", mine == entries, "%s\n%s" % (mine, entries))

        # Upload, resume, text upload, rename, delete, directories.
        src = os.path.join(tmp, "up.dat")
        with open(src, "wb") as f:
            f.write(data)
        half = os.path.join(tmp, "half.dat")
        with open(half, "wb") as f:
            f.write(data[:100_000])
        tsrc = os.path.join(tmp, "up.txt")
        with open(tsrc, "w") as f:
            f.write("one\ntwo\r\nthree")
        lines, out = run(port, "connect", "login", "user", "pass",
                         "put", src, "up.dat", "put", half, "res.dat",
                         "putrest", src, "res.dat", "100000",
                         "puttext", tsrc, "up.txt",
                         "rename", "up.dat", "moved.dat", "delete", "moved.dat",
                         "mkd", "newdir", "cwd", "newdir", "pwd", "cwd", "..",
                         "rmd", "newdir", "cwd", "", "quit")
        check("storbinary: server file identical",
              result(lines, "put")[0] == "ok" and
              not os.path.exists(os.path.join(home, "up.dat")) and
              result(lines, "put")[2] == str(len(data)), out)
        check("storbinary with rest: resumed upload identical",
              open(os.path.join(home, "res.dat"), "rb").read() == data, out)
        check("storlines: lines stored (CRLF on the wire, LF on disk)",
              open(os.path.join(home, "up.txt"), "rb").read() == b"one\ntwo\nthree\n"
              and result(lines, "puttext")[2] == str(len("one\r\ntwo\r\nthree\r\n")), out)
        check("rename then delete",
              result(lines, "rename")[0] == "ok" and result(lines, "delete")[0] == "ok"
              and not os.path.exists(os.path.join(home, "moved.dat")), out)
        check("mkd gives the path", result(lines, "mkd")[2] == "/newdir", out)
        check("cwd, pwd, cwd .. (CDUP), rmd",
              result(lines, "pwd")[2] == "/newdir" and result(lines, "rmd")[0] == "ok"
              and not os.path.exists(os.path.join(home, "newdir")), out)
        check("cwd '' is cwd .", result(lines, "cwd", 2)[0] == "ok", out)
        check("quit", result(lines, "quit")[0] == "ok", out)

        # ntransfercmd + np_ftp_data_write by hand; close() leaves the
        # object reusable for a new connect().
        lines, out = run(port, "connect", "welcome", "login", "user", "pass",
                         "rawput", "raw.txt", "written by hand", "close", "pwd",
                         "connect", "welcome", "login", "user", "pass", "pwd")
        check("data_write: STOR through ntransfercmd stores the bytes",
              result(lines, "rawput")[0] == "ok" and
              open(os.path.join(home, "raw.txt"), "rb").read() == b"written by hand", out)
        check("close: the next command finds no connection",
              result(lines, "pwd")[:2] == ["error", "pwd"] and
              result(lines, "pwd")[2].startswith("NP_ESTATE"), out)
        check("close: connect again on the same object",
              result(lines, "welcome", 1)[2] == result(lines, "welcome")[2] != "" and
              result(lines, "pwd", 1)[0] == "ok", out)

        # Errors, each compared with the exception ftplib raises.
        def pyerr(fn):
            try:
                fn()
            except ftplib.all_errors as e:
                return type(e).__name__, str(e)[:3]
            return None, None
        lines, out = run(port, "connect", "login", "user", "wrong")
        name, code = pyerr(lambda: py_client(port, "user", "wrong"))
        check("bad login: error_perm 530 as ftplib",
              name == "error_perm" and result(lines, "login")[:2] == ["error", "login"]
              and result(lines, "login")[2].startswith("NP_EFTP_PERM " + code), out)
        lines, out = run(port, "connect", "login", "user", "pass",
                         "get", "missing.dat", os.path.join(tmp, "x"),
                         "delete", "missing.dat", "pwd")
        name, code = pyerr(lambda: py.retrbinary("RETR missing.dat", lambda b: None))
        check("missing file: error_perm 550 as ftplib",
              name == "error_perm" and result(lines, "get")[2].startswith("NP_EFTP_PERM " + code), out)
        check("control connection usable after an error", result(lines, "pwd")[0] == "ok", out)
        lines, out = run(port, "connect", "login", "ro", "ro", "put", src, "ro.dat",
                         "delete", "bin.dat", "mkd", "d")
        ro = py_client(port, "ro", "ro")
        name, code = pyerr(lambda: ro.delete("bin.dat"))
        check("read-only user: STOR, DELE, MKD refused with 550",
              all(result(lines, op)[2].startswith("NP_EFTP_PERM 550") for op in ("put", "delete", "mkd"))
              and name == "error_perm" and code == "550"
              and os.path.exists(os.path.join(home, "bin.dat")), out)
        ro.quit()
        lines, out = run(port, "connect", "login", "", "", "nlst", "")
        check("anonymous login (read only)", result(lines, "login")[0] == "ok"
              and result(lines, "nlst")[0] == "ok", out)
        lines, out = run(port, "connect", "login", "user", "pass",
                         "sendcmd", "NOOP\r\nDELE bin.dat", "pwd")
        check("newline inside a command refused before sending",
              result(lines, "sendcmd")[2].startswith("NP_EFTP_NEWLINE")
              and result(lines, "pwd")[0] == "ok"
              and os.path.exists(os.path.join(home, "bin.dat")), out)
        lines, out = run(port, "connect", "login", "user", "pass",
                         "getstop", "bin.dat", "5000", "pwd", "abort")
        check("a callback stops a transfer; the connection stays in step",
              result(lines, "getstop")[2] == "stopped" and result(lines, "pwd")[2] == "/", out)
        check("abort with no transfer: 225/226 accepted", result(lines, "abort")[0] == "ok", out)
        with open(os.path.join(home, "sparse.bin"), "wb") as f:
            f.truncate(64 << 20)  # too big to be sent before ABOR arrives
        lines, out = run(port, "connect", "login", "user", "pass",
                         "abortxfer", "sparse.bin", "sendcmd", "NOOP")
        os.unlink(os.path.join(home, "sparse.bin"))
        check("abort mid-transfer: 426 and ABOR's own reply both read",
              result(lines, "abortxfer")[2][:3] in ("225", "226")
              and result(lines, "sendcmd")[2].startswith("200"), out)
        act = os.path.join(tmp, "active.dat")
        lines, out = run(port, "connect", "login", "user", "pass", "get", "bin.dat", act,
                         "dir", "", opts=["--active"])
        check("active mode (PORT): download identical",
              result(lines, "get")[0] == "ok" and open(act, "rb").read() == data, out)
        check("active mode listing", result(lines, "dir")[0] == "ok", out)
        lines, out = run(port, "connect", "login", "user", "pass",
                         "lines", "RETR bin.dat", opts=["--maxline", "64"])
        check("a listing line over max_line: NP_EFTP_LINE_TOO_LONG",
              result(lines, "lines")[2].startswith("NP_EFTP_LINE_TOO_LONG"), out[-500:])
        py.quit()
    finally:
        srv.stop()


def tls_cases(tmp, home, data):
    crt, both = make_cert(tmp)
    srv = pyftpd(home, cert=both)
    port = srv.port
    try:
        local = os.path.join(tmp, "tls.dat")
        src = os.path.join(tmp, "tlsup.dat")
        with open(src, "wb") as f:
            f.write(data[::-1])
        lines, out = run(port, "connect", "login", "user", "pass", "prot_p",
                         "get", "bin.dat", local, "resumed", "bin.dat",
                         "put", src, "tlsup.dat", "mlsd", "", "prot_c",
                         "get", "tlsup.dat", local + ".c", "quit",
                         opts=["--tls", "--ca", crt])
        check("FTP_TLS: login does AUTH TLS", result(lines, "login")[0] == "ok", out)
        check("FTP_TLS: PROT P download identical",
              result(lines, "get")[0] == "ok" and open(local, "rb").read() == data, out)
        check("FTP_TLS: the data connection resumes the control session",
              result(lines, "resumed")[2].startswith("1 "), out)
        check("FTP_TLS: PROT P upload identical",
              open(os.path.join(home, "tlsup.dat"), "rb").read() == data[::-1], out)
        check("FTP_TLS: mlsd over TLS", result(lines, "mlsd")[0] == "ok", out)
        check("FTP_TLS: PROT C download identical",
              open(local + ".c", "rb").read() == data[::-1], out)
        lines, out = run(port, "connect", "login", "user", "pass", opts=["--tls"])
        check("FTP_TLS: verification on by default (self-signed refused)",
              result(lines, "login")[2].startswith("NP_ETLS_VERIFY"), out)
        lines, out = run(port, "connect", "login", "user", "pass", "prot_p",
                         "nlst", "", opts=["--tls", "--insecure"])
        check("FTP_TLS: insecure_skip_verify connects",
              result(lines, "nlst")[0] == "ok", out)
        # CPython's FTP_TLS against the same server, for the record.
        ctx = ssl.create_default_context(cafile=crt)
        py = ftplib.FTP_TLS(context=ctx, timeout=30)
        py.connect("127.0.0.1", port)
        py.login("user", "pass")
        py.prot_p()
        check("FTP_TLS: nlst as CPython's", sorted(py.nlst()) ==
              sorted(l[5:] for l in run(port, "connect", "login", "user", "pass",
                                         "prot_p", "nlst", "", opts=["--tls", "--ca", crt])[0]
                     if l.startswith("line ")))
        py.quit()
    finally:
        srv.stop()


def ipv6_cases(tmp, home, data):
    srv = pyftpd(home, host="::1")
    try:
        got = os.path.join(tmp, "v6.dat")
        lines, out = run(srv.port, "connect", "login", "user", "pass",
                         "get", "bin.dat", got, "nlst", "", "pasv", "0",
                         "get", "bin.dat", got + ".act", "quit", host="::1")
        check("IPv6: passive download (EPSV) identical",
              result(lines, "get")[0] == "ok" and open(got, "rb").read() == data, out)
        check("IPv6: active download (EPRT) identical",
              result(lines, "get", 1)[0] == "ok"
              and open(got + ".act", "rb").read() == data, out)
        check("IPv6: listing", result(lines, "nlst")[0] == "ok", out)
    finally:
        srv.stop()


def main():
    tmp = tmpdir()
    try:
        home, data, text = setup_home(tmp)
        plain_cases(tmp, home, data, text)
        tls_cases(tmp, home, data)
        ipv6_cases(tmp, home, data)
    finally:
        rmtree(tmp)
    finish()


if __name__ == "__main__":
    main()
