"""Peers and helpers of the ftp script tests: the pyftpdlib server
(tests/ftp/pyftpd.py, run with the system python3 that has pyftpdlib), the
scripted misbehaving server (tests/ftp/badserver.py), a certificate made
with openssl, and the C driver (tests/ftp_tool_ftp).  Every process started
here is stopped by pid (stop())."""
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL = os.path.join(os.environ["NP_BINARY_DIR"], "tests", "ftp_tool_ftp")
# pyftpdlib comes from Debian (python3-pyftpdlib): the system interpreter.
SYSTEM_PY = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

failures = []


def check(name, cond, out=""):
    if cond:
        print("ok -", name)
    else:
        print("not ok -", name)
        print("#", str(out).replace("\n", "\n# ")[:3000])
        failures.append(name)


def finish():
    if failures:
        print("FAILED:", ", ".join(failures))
        sys.exit(1)
    print("all passed")


class Proc:
    """A server started with 'ready PORT' on its first line of output."""

    def __init__(self, argv, wait=10):
        self.p = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
        deadline = time.monotonic() + wait
        line = ""
        while time.monotonic() < deadline:
            line = self.p.stdout.readline()
            if line.startswith("ready"):
                break
            if self.p.poll() is not None:
                break
        if not line.startswith("ready"):
            self.stop()
            raise RuntimeError("server did not start: %r" % argv)
        self.port = int(line.split()[1])

    def stop(self):
        if self.p.poll() is None:
            self.p.kill()
        self.p.wait(timeout=10)
        if self.p.stdout:
            self.p.stdout.close()


def free_port(host="127.0.0.1"):
    import socket
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def pyftpd(home, cert=None, host="127.0.0.1"):
    argv = [SYSTEM_PY, os.path.join(HERE, "pyftpd.py"), "--port",
            str(free_port(host)), "--home", home, "--host", host]
    if cert:
        argv += ["--cert", cert]
    return Proc(argv)


def badserver(mode, cert=None):
    argv = [sys.executable, os.path.join(HERE, "badserver.py"), mode]
    if cert:
        argv.append(cert)
    return Proc(argv)


def make_cert(tmp):
    """A self-signed certificate for 127.0.0.1: (cert.pem, both.pem)."""
    key, crt = os.path.join(tmp, "key.pem"), os.path.join(tmp, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", key, "-out", crt, "-days", "2",
                    "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    both = os.path.join(tmp, "both.pem")
    with open(both, "w") as out:
        out.write(open(crt).read() + open(key).read())
    return crt, both


def run(port, *ops, opts=(), timeout=60, host="127.0.0.1"):
    """Run the C driver; returns (list of result lines, whole output)."""
    p = subprocess.run([TOOL, *opts, host, str(port), *ops],
                       capture_output=True, timeout=timeout)
    out = p.stdout.decode("latin-1")
    return out.splitlines(), out + p.stderr.decode("latin-1")


def result(lines, op, nth=0):
    """The nth 'ok OP ...' / 'error OP ...' line, split: [kind, op, rest]."""
    found = [l for l in lines if l.split(" ")[:2] in (["ok", op], ["error", op])]
    if len(found) <= nth:
        return ["missing", op, ""]
    kind, _, rest = found[nth].partition(" ")
    _, _, rest = rest.partition(" ")
    return [kind, op, rest]


def tmpdir():
    return tempfile.mkdtemp(prefix="np-ftp-")


def rmtree(d):
    shutil.rmtree(d, ignore_errors=True)
