/*
 * bench_browser - webbrowser's costs against CPython's webbrowser, in one
 * run.  A browser controller has no data-heavy hot path; what a program
 * pays is discovery (the PATH look-ups of np_browser_registry_discover) and
 * the process start of each open().  Measured with stand-ins: a directory
 * holding every browser name Python looks for (an executable `true`
 * script) as the whole PATH, with DISPLAY and TERM set.
 *
 * 1. discover: new registry + discovery of 24 browsers (CPython:
 *    register_standard_browsers() on fresh module state; both also try
 *    xdg-settings, which is absent).
 * 2. open_wait: a GenericBrowser running a program that exits at once
 *    (fork/exec/wait) (CPython: GenericBrowser.open).
 * 3. open_background: a BackgroundBrowser start, detached (CPython:
 *    BackgroundBrowser.open with start_new_session=True).
 *
 * Usage: bench_browser [--source DIR] [--runs K] [--quick] [--no-python]
 */
#include "harness.h"
#include "netproto/webbrowser.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static npb_options opt;

static char dir[256];
static const char *envp[4];
static char pathvar[300];
static np_buf py_report;

static const char *const names[] = {
    "xdg-open", "gio", "gvfs-open", "kfmclient", "x-www-browser", "firefox",
    "iceweasel", "seamonkey", "mozilla-firefox", "mozilla", "kfm", "konqueror",
    "epiphany", "google-chrome", "chrome", "chromium", "chromium-browser",
    "opera", "microsoft-edge", "www-browser", "links", "elinks", "lynx", "w3m",
    "true"};

static int make_stand_ins(void) {
  snprintf(dir, sizeof dir, "/tmp/npbench_browserXXXXXX");
  if (!mkdtemp(dir))
    return -1;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, names[i]);
    FILE *f = fopen(p, "w");
    if (!f)
      return -1;
    fputs("#!/bin/sh\nexit 0\n", f);
    fclose(f);
    chmod(p, 0755);
  }
  snprintf(pathvar, sizeof pathvar, "PATH=%s", dir);
  envp[0] = pathvar;
  envp[1] = "DISPLAY=:0";
  envp[2] = "TERM=xterm";
  envp[3] = NULL;
  return 0;
}

static void remove_stand_ins(void) {
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, names[i]);
    unlink(p);
  }
  rmdir(dir);
}

static volatile size_t sink;

static void discover_body(void *ctx) {
  (void)ctx;
  np_browser_registry *reg;
  if (np_browser_registry_new(&reg, envp, NULL) == NP_OK &&
      np_browser_registry_discover(reg, NULL) == NP_OK)
    sink += np_browser_registry_count(reg);
  np_browser_registry_free(reg);
}

static const char url[] = "http://127.0.0.1:8000/index.html?q=1";

static void open_body(void *ctx) {
  sink += (size_t)np_browser_ctl_open(ctx, url, sizeof url - 1, 0, 1, NULL);
}

static void run_python(void) {
  char runs[16];
  snprintf(runs, sizeof runs, "%d", opt.runs);
  char *args[] = {dir, runs, NULL};
  npb_run_python(&opt, "browser_cpython.py", args, &py_report, 1 << 16, 600);
}

static void figure(const char *title, const char *key, npb_body_fn body,
                   void *ctx) {
  npb_result r;
  npb_measure(body, ctx, opt.runs, opt.min_run_ns, &r);
  npb_table_begin(title, NPB_NS);
  npb_table_row("netproto", r.median_ns, r.best_ns, NULL);
  npb_report_row(&py_report, key, "CPython webbrowser", NULL);
  npb_table_end();
}

int main(int argc, char **argv) {
  npb_options_init(&opt, "bench_browser", 7);
  if (npb_parse_options(&opt, argc, argv, NULL, NULL, NULL) != 0)
    return 2;
  if (make_stand_ins() != 0) {
    fprintf(stderr, "bench_browser: cannot make stand-in browsers\n");
    return 1;
  }
  npb_print_intro(&opt, "webbrowser against CPython's webbrowser");
  if (opt.python)
    run_python();

  char prog[300];
  snprintf(prog, sizeof prog, "%s/true", dir);
  const char *argv1[] = {prog};
  np_browser_ctl *wait = NULL, *bg = NULL;
  np_browser_ctl_new_command(&wait, NP_BROWSER_GENERIC, argv1, 1, NULL);
  np_browser_ctl_new_command(&bg, NP_BROWSER_BACKGROUND, argv1, 1, NULL);

  figure("discover: registry + 24 browsers on PATH", "discover", discover_body,
         NULL);
  figure("open, waited (GenericBrowser, fork+exec+wait)", "open_wait",
         open_body, wait);
  figure("open, background (detached start)", "open_background", open_body, bg);

  np_browser_ctl_free(wait);
  np_browser_ctl_free(bg);
  /* Let the detached stand-ins finish before their directory goes. */
  npb_sleep_ms(200);
  remove_stand_ins();
  np_buf_free(&py_report);
  return 0;
}
