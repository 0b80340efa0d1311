#!/usr/bin/env python3
"""Differential test: cookie dates (core/date.c) against CPython's
http.cookiejar.http2time and iso2time, on hand-picked and generated dates.
A date CPython raises on counts as None (netproto returns "not a date")."""
import os
import random
import subprocess
import sys
from http.cookiejar import http2time, iso2time

TOOL = os.path.join(os.environ.get("NP_BINARY_DIR", "build"), "tests",
                    "cookiejar_tool_dates")

HAND = [
    "Wed, 09 Feb 1994 22:23:32 GMT", "Thursday, 03-Feb-94 00:00:00 GMT",
    "Thu, 03 Feb 1994 00:00:00 GMT", "09 Feb 1994 22:23:32 GMT",
    "08-Feb-94 14:15:29 GMT", "08-Feb-1994 14:15:29 GMT",
    "08-Feb-94", "08-Feb-1994", "08-02-1994", "02-Feb-1994 24:00",
    "Feb  3 1994", "Thu Feb  3 00:00:00 GMT 1994", "03 Feb 1994 0:00",
    "Tuesday, 08-Feb-94 14:15:29 GMT", "Tuesday, 08-Feb-1994 14:15:29 GMT",
    "1 Jan 2000 12:00 +0100", "1 Jan 2000 12:00 -0530", "1 Jan 2000 12:00 EST",
    "1 Jan 2000 12:00 PM", "1 Jan 2000 12:00 (GMT)", "1 Jan 2000 12:00 UTC (X)",
    "1 Jan 2000 12:00:61", "1 Jan 2000 25:00", "32 Jan 2000", "31 Feb 2000",
    "1 13 2000", "1 1_2 2000", "1 jan 99", "1 jan 49", "1 jan 50", "1 Jan 1969",
    "Wed, 09 Fxx 1994 22:23:32 GMT", "Wed, 09 Feb 1994 22:23:32 GMT\n",
    " \t\x1cWed, 09 Feb 1994 22:23:32 GMT", "1 Jan 10000", "1 Jan 99999999999",
    "01 Jan 2001 00:00 +1", "01 Jan 2001 00:00 +100", "01 Jan 2001 00:00 +12345",
    "01 Jan 2001:10:00", "1/Jan/2001 10:00:00", "", "x",
    "1994-02-03 14:15:29 -0100", "1994-02-03 14:15:29", "1994-02-03",
    "1994-02-03T14:15:29", "19940203T141529Z", "1994-02-03 19:45:29 +0530",
    "1994-02-03 14:15:29.5", "1994-02-03 14:15:29.", "19942", "199423",
    "1994023", "1994-2-3", "1994/02/03 1:2", "1994-02-03 14:15 Z",
    "1994-02-03t14:15:29z", "1994-02-03 14:15:29 +01:30", "1994-02-03 1415",
    "1994-02-03 141", "1994-02-03 14:15:29 +01::30", "1994-02-03 14:15:29 +015",
]
PIECES = ["1", "01", "09", "12", "31", "1994", "94", "2000", "0", "24", "61",
          " ", "  ", "-", "/", ":", ",", "Jan", "feb", "DEC", "Xyz", "T", "t",
          "Z", "z", "GMT", "UTC", "EST", "+", "+0100", "-05:30", "PM", "am",
          "(", ")", "(GMT)", ".", "\n", "\t", "Wed", "Thursday", "_"]


def py(op, s):
    try:
        r = (http2time if op == "H" else iso2time)(s)
    except (ValueError, OverflowError):
        r = None
    return "None" if r is None else str(int(r))


def generated(rng, count):
    for _ in range(count):
        yield "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 12)))
    for _ in range(count):
        d = "%02d %s %d %02d:%02d:%02d" % (
            rng.randint(0, 32), rng.choice(["Jan", "Feb", "Mar", "Jun", "Dec",
                                            "Foo", "5"]),
            rng.choice([1969, 1970, 1994, 2038, 2100, 9999, 50, 0]),
            rng.randint(0, 25), rng.randint(0, 60), rng.randint(0, 62))
        yield d + rng.choice(["", " GMT", " +0200", " -11", " EST", "Z"])
    for _ in range(count):
        yield "%04d%s%02d%s%02d%s%02d%s%02d%s" % (
            rng.randint(1960, 2100), rng.choice(["-", "", "/"]),
            rng.randint(0, 13), rng.choice(["-", ""]), rng.randint(0, 32),
            rng.choice([" ", "T", ":", "-", "  "]), rng.randint(0, 25),
            rng.choice([":", ""]), rng.randint(0, 60),
            rng.choice(["", "Z", " +0100", ":30", ":30.25", " -05:00"]))


def main():
    rng = random.Random(int(os.environ.get("NP_SEED", "7")))
    texts = HAND + list(generated(rng, int(os.environ.get("NP_CASES",
                                                          "10000"))))
    todo = [(op, t) for t in texts for op in "HI"]
    inp = "".join("%s %s\n" % (op, t.encode().hex()) for op, t in todo)
    out = subprocess.run([TOOL], input=inp.encode(), capture_output=True,
                         timeout=300, check=True).stdout.decode().split("\n")
    bad = 0
    for i, (op, t) in enumerate(todo):
        want = py(op, t)
        if out[i] != want:
            bad += 1
            if bad <= 20:
                print("MISMATCH %s %r python=%s netproto=%s" %
                      (op, t, want, out[i]))
    print("%d cases, %d mismatches" % (len(todo), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
