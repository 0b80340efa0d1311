"""A scripted FTP server that breaks the rules on purpose, for the ftp
tests.  Run: python3 badserver.py MODE [CERTPEM]; it prints "ready PORT" and
serves connections (one thread each) until killed.  Modes:

  longline    a welcome line of 9000 bytes (over ftplib's 8192 limit)
  badreply    a welcome that does not start with a digit 1-5
  temp        "421" as the welcome (error_temp)
  multiline   a multi-line welcome, with a line of another code inside
  silent      accepts and never says a word
  silentlater welcome and login, then silence
  close       welcome, then closes at the first command
  pasvother   a 227 naming 10.255.255.1: the data must come from the
              control connection's peer; 150 announces "(N bytes)"
  longlisting a LIST whose first line is 9000 bytes, then a good reply
  silentdata  opens the data connection (150) and sends nothing on it
  whoami      a welcome naming the client's address and port
  ccc         AUTH TLS (with CERTPEM), then CCC back to plain text
"""
import socket
import ssl
import sys
import threading

MODE = sys.argv[1]
CERT = sys.argv[2] if len(sys.argv) > 2 else None
DATA = b"0123456789" * 1000


def readline(f):
    line = f.readline(10000)
    return line.decode("latin-1").rstrip("\r\n")


def serve_data(lst, payload):
    conn, _ = lst.accept()
    if payload is None:  # silentdata: hold it open, say nothing
        threading.Event().wait(30)
    else:
        conn.sendall(payload)
    conn.close()
    lst.close()


def pasv_listener():
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(1)
    return lst


def run_commands(sock, f, handlers):
    """Answer commands from handlers {VERB: fn(arg) -> reply or None}."""
    while True:
        line = readline(f)
        if not line:
            return
        verb, _, arg = line.partition(" ")
        h = handlers.get(verb.upper())
        if h is None:
            sock.sendall(b"500 unknown command\r\n")
            continue
        r = h(arg)
        if r == "quit":
            sock.sendall(b"221 bye\r\n")
            return
        if r:
            sock.sendall(r.encode("latin-1") + b"\r\n")


def basic(sock):
    return {"USER": lambda a: "331 password", "PASS": lambda a: "230 ok",
            "TYPE": lambda a: "200 type", "NOOP": lambda a: "200 noop",
            "PWD": lambda a: '257 "/" is here', "QUIT": lambda a: "quit"}


def with_pasv(sock, f, payload, announce):
    h = basic(sock)
    state = {}

    def pasv(a):
        lst = pasv_listener()
        state["lst"] = lst
        p = lst.getsockname()[1]
        return "227 Entering Passive Mode (10,255,255,1,%d,%d)." % (p >> 8, p & 255)

    def retr(a):
        lst = state.pop("lst")
        sock.sendall(("150 Opening BINARY mode data connection for %s (%d bytes).\r\n"
                      % (a, len(payload)) if announce else "150 here\r\n").encode())
        serve_data(lst, payload)
        return "226 done"

    h["PASV"] = pasv
    h["RETR"] = retr
    h["LIST"] = retr
    run_commands(sock, f, h)


def handle(sock):
    f = sock.makefile("rb")
    try:
        if MODE == "longline":
            sock.sendall(b"220 " + b"x" * 9000 + b"\r\n")
        elif MODE == "badreply":
            sock.sendall(b"hello there\r\n")
        elif MODE == "temp":
            sock.sendall(b"421 too many users\r\n")
        elif MODE == "multiline":
            sock.sendall(b"220-first\r\n230 inside\r\n220-more\r\n220 last\r\n")
            run_commands(sock, f, basic(sock))
        elif MODE == "silent":
            threading.Event().wait(30)
        elif MODE == "silentlater":
            sock.sendall(b"220 hi\r\n")
            h = basic(sock)
            h["PWD"] = lambda a: threading.Event().wait(30)
            run_commands(sock, f, h)
        elif MODE == "close":
            sock.sendall(b"220 hi\r\n")
            readline(f)
        elif MODE == "pasvother":
            sock.sendall(b"220 hi\r\n")
            with_pasv(sock, f, DATA, True)
        elif MODE == "longlisting":
            sock.sendall(b"220 hi\r\n")
            with_pasv(sock, f, b"y" * 9000 + b"\r\nshort\r\n", False)
        elif MODE == "whoami":
            host, port = sock.getpeername()[:2]
            sock.sendall(b"220 you are %s %d\r\n" % (host.encode(), port))
            run_commands(sock, f, basic(sock))
        elif MODE == "silentdata":
            sock.sendall(b"220 hi\r\n")
            with_pasv(sock, f, None, False)
        elif MODE == "ccc":
            ccc(sock, f)
    except OSError:
        pass
    finally:
        try:
            sock.close()
        except OSError:
            pass


def ccc(sock, f):
    sock.sendall(b"220 hi\r\n")
    line = readline(f)
    if line != "AUTH TLS":
        sock.sendall(b"500 expected AUTH TLS\r\n")
        return
    sock.sendall(b"234 go ahead\r\n")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(CERT)
    tls = ctx.wrap_socket(sock, server_side=True)
    tf = tls.makefile("rb")
    while True:
        line = readline(tf)
        if line == "CCC":
            tls.sendall(b"200 back to plain text\r\n")
            plain = tls.unwrap()
            pf = plain.makefile("rb")
            run_commands(plain, pf, basic(plain))
            return
        if not line:
            return
        verb = line.split(" ")[0].upper()
        reply = basic(tls).get(verb, lambda a: "500 unknown")(line)
        tls.sendall(reply.encode() + b"\r\n")


def main():
    lst = socket.socket()
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind(("127.0.0.1", 0))
    lst.listen(16)
    print("ready", lst.getsockname()[1], flush=True)
    while True:
        conn, _ = lst.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
