"""The FTP server of the ftp tests: pyftpdlib (Debian's python3-pyftpdlib),
on 127.0.0.1 and the port given, a home directory given, three users:

  user / pass   full permissions (elradfmwMT)
  ro / ro       read only (elr)
  anonymous     read only

With --cert FILE (certificate and key in one PEM) it speaks FTP over TLS
(AUTH TLS, PROT P; TLS not required, so plain clients still work).
Prints "ready PORT" once listening; runs until killed.  Run it with the
system python3 (/usr/bin/python3), which has pyftpdlib.
"""
import argparse
import logging
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler, TLS_FTPHandler
from pyftpdlib.servers import FTPServer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--home", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--host", default="127.0.0.1")
    a = ap.parse_args()
    logging.basicConfig(level=logging.CRITICAL)
    auth = DummyAuthorizer()
    auth.add_user("user", "pass", a.home, perm="elradfmwMT")
    auth.add_user("ro", "ro", a.home, perm="elr")
    auth.add_anonymous(a.home)
    if a.cert:
        handler = TLS_FTPHandler
        handler.certfile = a.cert
        handler.tls_control_required = False
        handler.tls_data_required = False
    else:
        handler = FTPHandler
    handler.authorizer = auth
    handler.banner = "netproto test server ready."
    server = FTPServer((a.host, a.port), handler)
    print("ready", server.address[1], flush=True)
    sys.stdout.close()
    server.serve_forever(timeout=0.5)


if __name__ == "__main__":
    main()
