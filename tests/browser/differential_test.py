"""webbrowser, differential: the same stand-in browsers on PATH, the same
environment, asked of CPython's webbrowser module and of libnetproto (through
tests/browser_tool_browser): the order in which browsers are tried, the
controller type of each, and the exact argv each controller runs for every
'new' and autoraise value.

Only what both sides know is compared: this CPython (3.11) still has
Netscape, Galeon, Grail and no Edge or leading-dash check, which netproto
follows from newer CPython, so those names are left out of the stand-ins.
"""
import os
import subprocess
import sys
import tempfile
import time

BIN = os.environ["NP_BINARY_DIR"]
TOOL = os.path.join(BIN, "tests", "browser_tool_browser")
URL = "http://example.org/p?q=1&r=%41#frag"

STAND_INS = ["xdg-open", "gio", "x-www-browser", "firefox", "iceweasel",
             "seamonkey", "konqueror", "epiphany", "google-chrome", "chrome",
             "chromium", "chromium-browser", "opera", "www-browser", "links",
             "elinks", "lynx", "w3m", "kfmclient", "gvfs-open", "rec"]

# CPython 3.11's class names where netproto names the family differently.
PY_KIND = {"Galeon": "Epiphany"}

failures = []


def check(what, ours, theirs):
    if ours != theirs:
        failures.append(what)
        print(f"FAIL {what}\n  netproto: {ours!r}\n  python:   {theirs!r}")
    else:
        print(f"ok   {what}")


def write_stand_ins(d, log):
    for name in STAND_INS:
        p = os.path.join(d, name)
        with open(p, "w") as f:
            f.write("#!/bin/sh\n"
                    f"line='{name}'\n"
                    'for a in "$@"; do line="$line [$a]"; done\n'
                    f"printf '%s\\n' \"$line\" >> '{log}'\n"
                    "exit 0\n")
        os.chmod(p, 0o755)


PY_LIST = r"""
import webbrowser
webbrowser.register_standard_browsers()
seen = []
for n in webbrowser._tryorder:
    if n not in seen:
        seen.append(n)
for n in seen:
    print(n + "\t" + type(webbrowser.get(n)).__name__)
"""

PY_OPEN = r"""
import sys, webbrowser
name, url, new, rs = sys.argv[1:5]
if name == "-":
    ok = webbrowser.open(url, int(new), bool(int(rs)))
else:
    ok = webbrowser.get(name).open(url, int(new), bool(int(rs)))
"""


def env_with(d, extra):
    env = {"PATH": d}
    env.update(extra)
    return env


def ours_list(env):
    out = subprocess.run([TOOL, "list"], env=env, capture_output=True,
                         text=True, timeout=60)
    return out.stdout.splitlines()


def python_list(env):
    out = subprocess.run([sys.executable, "-c", PY_LIST], env=env,
                         capture_output=True, text=True, timeout=60)
    lines = []
    for line in out.stdout.splitlines():
        name, kind = line.split("\t")
        lines.append(name + "\t" + PY_KIND.get(kind, kind))
    return lines


def read_log(log, want_lines):
    # Detached browsers write after open() returned: wait, bounded.
    deadline = time.monotonic() + 10
    text = ""
    while time.monotonic() < deadline:
        text = open(log).read() if os.path.exists(log) else ""
        if text.count("\n") >= want_lines:
            break
        time.sleep(0.02)
    time.sleep(0.1)  # a straggler (fallback launch) would show up now
    return open(log).read() if os.path.exists(log) else ""


def calls(cmd, env, log, want_lines):
    if os.path.exists(log):
        os.unlink(log)
    subprocess.run(cmd, env=env, capture_output=True, timeout=60)
    return read_log(log, want_lines)


def main():
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "calls.log")
        write_stand_ins(d, log)
        envs = {
            "nothing": {},
            "console": {"TERM": "xterm"},
            "display": {"DISPLAY": ":0"},
            "wayland+console": {"WAYLAND_DISPLAY": "wayland-0", "TERM": "vt100"},
            "gnome": {"DISPLAY": ":0", "GNOME_DESKTOP_SESSION_ID": "x"},
            "kde": {"DISPLAY": ":0", "KDE_FULL_SESSION": "true"},
            "BROWSER list": {"TERM": "xterm",
                             "BROWSER": "rec --u=%s 'a b':lynx::nosuch"},
            "BROWSER path": {"DISPLAY": ":0",
                             "BROWSER": os.path.join(d, "firefox") + ":w3m"},
            "BROWSER name": {"DISPLAY": ":0", "TERM": "x",
                             "BROWSER": "chromium:elinks"},
        }
        for label, extra in envs.items():
            env = env_with(d, extra)
            check(f"discovery [{label}]", ours_list(env), python_list(env))

        # The argv every controller runs, for each new and autoraise.
        env = env_with(d, {"DISPLAY": ":0", "TERM": "xterm",
                           "KDE_FULL_SESSION": "1"})
        for name in ["firefox", "chromium", "opera", "epiphany", "elinks",
                     "lynx", "xdg-open", "gio", "kfmclient",
                     "rec --x=%s 'y z'", "rec %s &"]:
            for new in (0, 1, 2):
                for rs in (0, 1):
                    args = [name, URL, str(new), str(rs)]
                    theirs = calls([sys.executable, "-c", PY_OPEN] + args,
                                   env, log, 1)
                    ours = calls([TOOL, "open"] + args, env, log, 1)
                    check(f"open {name!r} new={new} autoraise={rs}", ours,
                          theirs)
        # webbrowser.open(): the first of the try order takes it.
        env = env_with(d, {"TERM": "xterm", "BROWSER": "rec %s:lynx"})
        theirs = calls([sys.executable, "-c", PY_OPEN, "-", URL, "2", "1"],
                       env, log, 1)
        ours = calls([TOOL, "open", "-", URL, "2", "1"], env, log, 1)
        check("open() with BROWSER", ours, theirs)

    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
