#!/usr/bin/env python3
"""socketserver interop: CPython's socket module and curl as clients of the
C servers (tests/server/tool_echo.c), every kind and mode."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading

TOOL = os.path.join(os.environ["NP_BINARY_DIR"], "tests", "server_tool_echo")
failures = 0


def check(name, cond, detail=""):
    global failures
    print(("ok - " if cond else "not ok - ") + name + ("" if cond else " " + detail))
    if not cond:
        failures += 1


def start(kind, mode, addr):
    p = subprocess.Popen([TOOL, kind, mode, addr], stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline().split()
    assert line and line[0] == "READY", line
    return p, int(line[1])


def stop(p):
    p.send_signal(signal.SIGTERM)
    out, _ = p.communicate(timeout=20)
    return p.returncode, out


def recv_all(s):
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return data
        data += chunk


def tcp_echo(family, host, port, payload):
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(10)
        s.connect((host, port))
        s.sendall(payload)
        s.shutdown(socket.SHUT_WR)
        return recv_all(s)


for mode in ("sync", "threading", "forking"):
    p, port = start("tcp", mode, "127.0.0.1:0")
    payload = b"".join(b"line %d\n" % i for i in range(2000))
    check(f"tcp {mode}: CPython client gets every line back",
          tcp_echo(socket.AF_INET, "127.0.0.1", port, payload) == payload)
    # 32 clients at once, from threads
    results = []
    def one(i):
        results.append(tcp_echo(socket.AF_INET, "127.0.0.1", port, b"c%d\n" % i) == b"c%d\n" % i)
    ts = [threading.Thread(target=one, args=(i,)) for i in range(32)]
    [t.start() for t in ts]
    [t.join(30) for t in ts]
    check(f"tcp {mode}: 32 concurrent clients all answered", len(results) == 32 and all(results))
    rc, out = stop(p)
    check(f"tcp {mode}: SIGTERM shuts down cleanly after 33 requests",
          rc == 0 and "DONE 33" in out, f"rc={rc} out={out!r}")

p, port = start("tcp", "threading", "[::1]:0")
check("tcp over IPv6", tcp_echo(socket.AF_INET6, "::1", port, b"six\n") == b"six\n")
stop(p)

for mode in ("sync", "threading", "forking"):
    p, port = start("udp", mode, "127.0.0.1:0")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(10)
        s.sendto(b"datagram", ("127.0.0.1", port))
        data, _ = s.recvfrom(100)
    check(f"udp {mode}: datagram echoed", data == b"datagram")
    stop(p)

tmp = tempfile.mkdtemp()
try:
    path = os.path.join(tmp, "s")
    p, _ = start("unix", "threading", path)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(10)
        s.connect(path)
        s.sendall(b"unix\n")
        s.shutdown(socket.SHUT_WR)
        check("unix stream echoed", recv_all(s) == b"unix\n")
    stop(p)
    dpath = os.path.join(tmp, "d")
    p, _ = start("unixdgram", "sync", dpath)
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.settimeout(10)
        s.bind(os.path.join(tmp, "c"))
        s.sendto(b"udgram", dpath)
        data, _ = s.recvfrom(100)
    check("unix datagram echoed", data == b"udgram")
    stop(p)
finally:
    shutil.rmtree(tmp)

curl = shutil.which("curl")
check("curl is installed (scripts/deps.txt)", curl is not None)
if curl:
    for mode in ("sync", "threading", "forking"):
        p, port = start("http", mode, "127.0.0.1:0")
        r = subprocess.run([curl, "-sS", "--max-time", "10", f"http://127.0.0.1:{port}/hello"],
                           capture_output=True)
        check(f"curl gets an answer from a {mode} stream handler",
              r.returncode == 0 and r.stdout == b"client 127.0.0.1 line GET /hello HTTP/1.1\r\n",
              repr((r.returncode, r.stdout, r.stderr)))
        stop(p)

print(f"{failures} failed")
sys.exit(1 if failures else 0)
