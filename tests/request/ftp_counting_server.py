"""An FTP server for tests/request/cacheftp_test.py: pyftpdlib (run with the
system python3, which has it) on 127.0.0.1 and the port given, serving
--home to user/pass and anonymous, appending "connect" and "login USER"
lines to --log as clients connect and log in, closing control
connections idle for --idle seconds (0: pyftpdlib's default).  Prints
"ready PORT" once listening; runs until killed."""
import argparse
import logging
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--home", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--idle", type=float, default=0)
    a = ap.parse_args()
    logging.basicConfig(level=logging.CRITICAL)
    auth = DummyAuthorizer()
    auth.add_user("user", "pass", a.home, perm="elr")
    auth.add_anonymous(a.home)

    def note(line):
        with open(a.log, "a") as f:
            f.write(line + "\n")

    class Counting(FTPHandler):
        def on_connect(self):
            note("connect")

        def on_login(self, username):
            note("login " + username)

    Counting.authorizer = auth
    if a.idle:
        Counting.timeout = a.idle
    server = FTPServer(("127.0.0.1", a.port), Counting)
    print("ready", server.address[1], flush=True)
    sys.stdout.close()
    server.serve_forever(timeout=0.2)


if __name__ == "__main__":
    main()
