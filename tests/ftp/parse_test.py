"""Differential test: the reply parsers (parse150, parse227, parse229,
parse257) against CPython's ftplib on thousands of generated replies.
Where netproto is stricter on purpose (227 numbers over 255, a 229 port
that is not plain digits in 0..65535, a 150 size past 64 bits), the case
checks the documented result instead of Python's."""
import ftplib
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ftp_peers import check, finish  # noqa: E402

TOOL = os.path.join(os.environ["NP_BINARY_DIR"], "tests", "ftp_tool_parse")
TOKENS = ["227 ", "229 ", "257 ", "150 ", "150", "227", "(", ")", "|", "!", ",",
          "1", "12", "255", "256", "0", "65535", "65536", "99999", '"', '""',
          " bytes)", " BYTES)", " (", "\n", "\r", " ", "a", "/dir", "x,y",
          "Entering Passive Mode ", "(|||", "|)", "127,0,0,1,", "200,10"]


def gen(rng):
    return "".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 12)))


def expected(r):
    out = []
    try:
        s = ftplib.parse150(r)
    except ftplib.error_reply:  # not 150: we say -1 (no size), as for None
        s = None
    out.append("150 %d" % (s if s is not None and s < 2 ** 63 else -1))
    try:
        host, port = ftplib.parse227(r)
        nums = [int(x) for x in host.split(".")] + [port >> 8, port & 255]
        m = ftplib._227_re.search(r)
        if any(int(g) > 255 for g in m.groups()):
            out.append("227 NP_EFTP_PROTO - 0")  # stricter on purpose
        else:
            # numbers read as decimal: "0127" is 127 (Python keeps the text)
            out.append("227 NP_OK %s %d" % (".".join(str(n) for n in nums[:4]), port))
    except ftplib.error_reply:
        out.append("227 NP_EFTP_REPLY - 0")
    except ftplib.error_proto:
        out.append("227 NP_EFTP_PROTO - 0")
    try:
        _, port = ftplib.parse229(r, ("peer", 0))
        left = r.find("(")
        right = r.find(")", left + 1)
        p = r[left + 1:right].split(r[left + 1])[3]
        if p.isdigit() and p.isascii() and port <= 65535:
            out.append("229 NP_OK %d" % port)
        else:
            out.append("229 NP_EFTP_PROTO 0")
    except ftplib.error_reply:
        out.append("229 NP_EFTP_REPLY 0")
    except (ftplib.error_proto, ValueError, IndexError):
        out.append("229 NP_EFTP_PROTO 0")
    try:
        d = ftplib.parse257(r)
        out.append("257 NP_OK " + d.encode("latin-1").hex())
    except ftplib.error_reply:
        out.append("257 NP_EFTP_REPLY ")
    return "|".join(out)


def py_mlsd(line):
    """CPython's own mlsd() over one line, fed through retrlines."""
    f = ftplib.FTP()
    f.retrlines = lambda cmd, cb: cb(line)
    return list(f.mlsd())[0]


MTOKENS = ["type", "Type", "=", ";", "file", "dir", " ", "size", "12", "a.txt",
           "x", "perm=el", "\r", "==", ";;", "UNIX.mode", "0644", " name"]


def mlsd_cases(rng):
    lines = ["type=file;size=12; a b.txt", "x", "", ";", " lead", "Type=dir;TYPE=file; d"]
    lines += ["".join(rng.choice(MTOKENS) for _ in range(rng.randint(1, 10)))
              for _ in range(5000)]
    inp = "".join("M" + l.encode("latin-1").hex() + "\n" for l in lines)
    p = subprocess.run([TOOL], input=inp.encode(), capture_output=True, timeout=120)
    got = p.stdout.decode().splitlines()
    bad = []
    for line, g in zip(lines, got):
        parts = g.split(" ")
        name = bytes.fromhex(parts[0][1:]).decode("latin-1")
        facts = {}
        for fv in parts[1:]:
            k, _, v = fv.partition("=")
            facts[bytes.fromhex(k[1:]).decode("latin-1")] = bytes.fromhex(v[1:]).decode("latin-1")
        if (name, facts) != py_mlsd(line):
            bad.append((line, (name, facts), py_mlsd(line)))
    check("MLSD lines parsed as CPython's mlsd() on %d lines" % len(lines),
          len(got) == len(lines) and not bad,
          "\n".join("%r\n  got  %r\n  want %r" % b for b in bad[:10]))


def main():
    rng = random.Random(int(os.environ.get("NP_SEED", "6")))
    cases = ["227 Entering Passive Mode (127,0,0,1,200,10).",
             "229 Extended Passive Mode Entered (|||6446|)",
             '257 "/a ""q"" b" created', "150 Opening (12 bytes) (34 bytes)."]
    cases += [gen(rng) for _ in range(20000)]
    inp = "".join(c.encode("latin-1").hex() + "\n" for c in cases)
    p = subprocess.run([TOOL], input=inp.encode(), capture_output=True, timeout=120)
    got = p.stdout.decode().splitlines()
    check("tool ran over every case", p.returncode == 0 and len(got) == len(cases),
          p.stderr)
    bad = [(c, g, expected(c)) for c, g in zip(cases, got) if g != expected(c)]
    check("parse150/227/229/257 agree with CPython on %d replies" % len(cases),
          not bad, "\n".join("%r\n  got  %s\n  want %s" % b for b in bad[:10]))
    mlsd_cases(rng)
    finish()


if __name__ == "__main__":
    main()
