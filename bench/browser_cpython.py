"""CPython's webbrowser, timed over the same work as bench_browser.c.

  python3 browser_cpython.py DIR RUNS

DIR holds the stand-in browsers (PATH=DIR, DISPLAY and TERM set, as the C
side).  Prints one line per figure: "key median_ns best_ns", per call.
"""
import os
import statistics
import sys
import time
import webbrowser


def measure(body, runs, min_ns=20_000_000):
    body()
    rounds = 1
    while True:
        t0 = time.perf_counter_ns()
        for _ in range(rounds):
            body()
        if time.perf_counter_ns() - t0 >= min_ns or rounds >= 1 << 20:
            break
        rounds *= 2
    times = []
    for _ in range(runs):
        t0 = time.perf_counter_ns()
        for _ in range(rounds):
            body()
        times.append((time.perf_counter_ns() - t0) / rounds)
    return statistics.median(times), min(times)


def main():
    d, runs = sys.argv[1], int(sys.argv[2])
    os.environ.clear()
    os.environ.update({"PATH": d, "DISPLAY": ":0", "TERM": "xterm"})
    url = "http://127.0.0.1:8000/index.html?q=1"

    def discover():
        webbrowser._tryorder = None
        webbrowser._browsers = {}
        webbrowser.register_standard_browsers()

    wait = webbrowser.GenericBrowser(os.path.join(d, "true"))
    bg = webbrowser.BackgroundBrowser(os.path.join(d, "true"))

    def open_bg():
        bg.open(url)  # the dropped Popen is reaped by the next Popen call

    for key, body in (("discover", discover),
                      ("open_wait", lambda: wait.open(url)),
                      ("open_background", open_bg)):
        med, best = measure(body, runs)
        print(f"{key} {med:.0f} {best:.0f}")
    print(f"python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
