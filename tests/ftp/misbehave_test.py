"""The C FTP client against a scripted misbehaving server
(tests/ftp/badserver.py): long lines, bad replies, a PASV reply naming
another host, a silent server, a server that closes, a long listing line,
CCC back to plain text.  Each case says what CPython's ftplib does."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ftp_peers import check, finish, badserver, run, result, make_cert, tmpdir, rmtree, free_port  # noqa: E402


def case(mode, *ops, opts=(), cert=None):
    srv = badserver(mode, cert)
    try:
        t0 = time.monotonic()
        lines, out = run(srv.port, *ops, opts=opts, timeout=60)
        return lines, out, time.monotonic() - t0
    finally:
        srv.stop()


def main():
    tmp = tmpdir()
    try:
        lines, out, _ = case("longline", "connect")
        # ftplib: Error('got more than 8192 bytes')
        check("a 9000-byte reply line: NP_EFTP_LINE_TOO_LONG",
              result(lines, "connect")[2].startswith("NP_EFTP_LINE_TOO_LONG"), out)
        lines, out, _ = case("badreply", "connect")
        check("a reply not starting with 1-5: error_proto",
              result(lines, "connect")[2].startswith("NP_EFTP_PROTO 0 hello there"), out)
        lines, out, _ = case("temp", "connect")
        check("a 421 welcome: error_temp with code 421",
              result(lines, "connect")[2].startswith("NP_EFTP_TEMP 421 421 too many"), out)
        lines, out, _ = case("multiline", "connect", "welcome", "login", "u", "p")
        check("multi-line reply: ends at the opening code, lines joined",
              result(lines, "welcome")[2] == "220-first|230 inside|220-more|220 last"
              and result(lines, "login")[0] == "ok", out)
        lines, out, took = case("silent", "connect", opts=["--timeout", "1000"])
        check("a silent server: NP_ETIMEDOUT after the time-out",
              result(lines, "connect")[2].startswith("NP_ETIMEDOUT") and took < 20, out)
        lines, out, took = case("silentlater", "connect", "login", "u", "p", "pwd",
                                opts=["--timeout", "1000"])
        check("a server that stops talking mid-session: NP_ETIMEDOUT",
              result(lines, "pwd")[2].startswith("NP_ETIMEDOUT") and took < 20, out)
        lines, out, _ = case("close", "connect", "login", "u", "p")
        check("a server that closes: NP_EOF (ftplib's EOFError)",
              result(lines, "login")[2].startswith("NP_EOF"), out)
        local = os.path.join(tmp, "pasv.dat")
        lines, out, _ = case("pasvother", "connect", "login", "u", "p",
                             "resumed", "x", "get", "x", local)
        check("227 naming another host: data from the control peer instead",
              result(lines, "get")[0] == "ok"
              and open(local, "rb").read() == b"0123456789" * 1000, out)
        check("150 '(N bytes)' gives the size (parse150)",
              result(lines, "resumed")[2] == "0 10000 10000", out)
        lines, out, _ = case("longlisting", "connect", "login", "u", "p", "dir", "", "pwd")
        check("a listing line over 8192 bytes: error, control stays in step",
              result(lines, "dir")[2].startswith("NP_EFTP_LINE_TOO_LONG")
              and result(lines, "pwd")[2] == "/", out)
        lines, out, took = case("silentdata", "connect", "login", "u", "p",
                                "get", "x", os.path.join(tmp, "silent.dat"),
                                opts=["--timeout", "1000"])
        check("a silent data connection: NP_ETIMEDOUT, no hang",
              result(lines, "get")[2].startswith("NP_ETIMEDOUT") and took < 20, out)
        src = str(free_port())
        lines, out, _ = case("whoami", "connect", "welcome", opts=["--source", "127.0.0.1", src])
        check("source_address binds the local end",
              result(lines, "welcome")[2] == "220 you are 127.0.0.1 " + src, out)
        crt, both = make_cert(tmp)
        lines, out, _ = case("ccc", "connect", "auth", "pwd", "ccc", "pwd", "quit",
                             opts=["--tls", "--ca", crt], cert=both)
        check("AUTH TLS, then CCC back to plain text (unwrap)",
              result(lines, "auth")[0] == "ok" and result(lines, "ccc")[0] == "ok"
              and result(lines, "pwd", 1)[2] == "/" and result(lines, "quit")[0] == "ok", out)
        lines, out, _ = case("multiline", "connect", "ccc", opts=["--tls", "--ca", crt])
        check("CCC on a plain connection: NP_ESTATE",
              result(lines, "ccc")[2].startswith("NP_ESTATE"), out)
    finally:
        rmtree(tmp)
    finish()


if __name__ == "__main__":
    main()
