"""webbrowser, with a real browser: headless Chromium, registered through the
BROWSER variable, opens a page served on 127.0.0.1 by netproto's own HTTP
server (`netproto serve`), driven by `netproto open`.  The server's request
log must show Chromium's request.

Two ways, as BROWSER allows them:
  1. "... %s &"          a background browser: `netproto open` returns at once,
                          Chromium keeps running detached (own session); the
                          test finds it through the pid file its wrapper
                          writes, and kills its whole process group.
  2. "... --dump-dom %s" a browser that is waited for: `netproto open`
                          returns when Chromium has loaded the page and
                          exited with status 0.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

CLI = os.environ["NP_CLI"]
FLAGS = ("--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
         "--disable-background-networking --disable-component-update "
         "--disable-sync --disable-dev-shm-usage")

PAGE = b"<!doctype html><title>np</title><p id=m>netproto-was-here</p>"


def start_server(work):
    """netproto serve on a free port of 127.0.0.1, its request log in a file;
    returns (process, port, log path)."""
    site = os.path.join(work, "site")
    os.mkdir(site)
    with open(os.path.join(site, "page.html"), "wb") as f:
        f.write(PAGE)
    log = os.path.join(work, "server.log")
    out = os.path.join(work, "server.out")
    with open(log, "w") as err, open(out, "w") as o:
        proc = subprocess.Popen([CLI, "serve", "-b", "127.0.0.1", "-d", site, "0"],
                                stdout=o, stderr=err, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        m = re.search(r"port (\d+)", open(out).read())
        if m:
            return proc, int(m.group(1)), log
        time.sleep(0.05)
    proc.kill()
    raise SystemExit("FAIL: netproto serve did not start")


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def wait_for_request(log, token, seconds):
    """The server's log line for a GET of the page with this token."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for line in open(log):
            if f"GET /page.html?token={token} " in line and '" 200 ' in line:
                return line.strip()
        time.sleep(0.05)
    return None


def run_cli(args, env, work, timeout):
    """Run netproto with its output in files: a detached browser inherits
    the descriptors and would hold pipes open long after netproto exits."""
    out_path, err_path = os.path.join(work, "out"), os.path.join(work, "err")
    with open(out_path, "w") as out, open(err_path, "w") as err:
        rc = subprocess.run([CLI] + args, env=env, stdout=out, stderr=err,
                            stdin=subprocess.DEVNULL, timeout=timeout).returncode
    return rc, open(out_path).read(), open(err_path).read()


def kill_strays(work):
    """Chromium's crash handler leaves the process group (setsid); it is
    ours when its command line names our work directory: kill it by pid."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = open(f"/proc/{pid}/cmdline", "rb").read()
        except OSError:
            continue
        if work.encode() in cmd and int(pid) != os.getpid():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass


def kill_group(pid_file):
    """Kill the browser's process group (its pgid is its pid: setsid)."""
    try:
        pgid = int(open(pid_file).read().strip())
    except (OSError, ValueError):
        return "no pid file"
    for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return None
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                os.killpg(pgid, 0)
            except ProcessLookupError:
                return None
            time.sleep(0.05)
    return f"process group {pgid} survived SIGKILL"


def main():
    chromium = find_chromium()
    if not chromium:
        print("FAIL: chromium is not installed (scripts/install-deps.sh)")
        return 1
    failures = []
    work = tempfile.mkdtemp(prefix="npchromium")
    server, port, log = start_server(work)
    pid_file = os.path.join(work, "chromium.pid")
    try:
        wrapper = os.path.join(work, "browser.sh")
        with open(wrapper, "w") as f:
            # exec keeps the pid; timeout bounds a run whatever happens.
            f.write("#!/bin/sh\n"
                    f"echo $$ > '{pid_file}'\n"
                    f"exec timeout 120 '{chromium}' \"$@\" "
                    f"2>>'{work}/chromium.log'\n")
        os.chmod(wrapper, 0o755)
        env = {k: v for k, v in os.environ.items()
               if k not in ("DISPLAY", "WAYLAND_DISPLAY", "TERM", "BROWSER")}
        # Chromium keeps its crash database and caches under HOME.
        env["HOME"] = work
        env["XDG_CONFIG_HOME"] = os.path.join(work, "config")
        env["XDG_CACHE_HOME"] = os.path.join(work, "cache")

        # 1. background browser: BROWSER="wrapper flags %s &"
        profile = os.path.join(work, "profile1")
        env["BROWSER"] = f"{wrapper} {FLAGS} --user-data-dir={profile} %s &"
        url = f"http://127.0.0.1:{port}/page.html?token=bg"
        t0 = time.monotonic()
        rc, _, err = run_cli(["open", "-t", url], env, work, 60)
        took = time.monotonic() - t0
        print(f"netproto open (background) exit={rc} in {took:.2f}s "
              f"{err.strip()}")
        if rc != 0:
            failures.append("background: netproto open failed")
        if took > 10:
            failures.append("background: netproto open waited for the browser")
        seen = wait_for_request(log, "bg", 60)
        print(f"server logged: {seen!r}")
        if not seen:
            failures.append("background: the server did not see Chromium")
        problem = kill_group(pid_file)
        if problem:
            failures.append("background: " + problem)

        # 2. waited-for browser: BROWSER="wrapper flags --dump-dom %s"
        os.unlink(pid_file)
        profile = os.path.join(work, "profile2")
        env["BROWSER"] = f"{wrapper} {FLAGS} --user-data-dir={profile} --dump-dom %s"
        url = f"http://127.0.0.1:{port}/page.html?token=wait"
        t0 = time.monotonic()
        rc, out, err = run_cli(["open", url], env, work, 150)
        print(f"netproto open (waited) exit={rc} in "
              f"{time.monotonic() - t0:.2f}s {err.strip()}")
        if rc != 0:
            failures.append("waited: netproto open failed")
        if "netproto-was-here" not in out:
            failures.append("waited: Chromium's DOM dump lacks the page")
        if not wait_for_request(log, "wait", 5):
            failures.append("waited: the server did not see Chromium")
        problem = kill_group(pid_file)  # normally already gone
        if problem:
            failures.append("waited: " + problem)

        # A refused URL never reaches the browser.
        rc, _, err = run_cli(["open", "--", "--user-data-dir=/tmp/x"], env,
                             work, 30)
        if rc == 0 or "leading dash" not in err:
            failures.append("a URL with a leading dash was not refused")
    finally:
        if os.path.exists(pid_file):
            kill_group(pid_file)
        kill_strays(work)
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    print("ok" if not failures else f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
