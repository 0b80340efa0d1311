/*
 * netproto open: show a URL in a web browser, as `python -m webbrowser`
 * does (-n new window, -t new tab), plus --browser NAME (webbrowser.get)
 * and --list (the browsers found, in the order they are tried).
 */
#include "cli.h"

#include "netproto/webbrowser.h"

#include <string.h>

static void open_usage(FILE *out) {
  fprintf(out,
          "usage: netproto open [-n | -t] [-b NAME] URL\n"
          "       netproto open --list\n"
          "\n"
          "Show URL in the user's web browser (Python's webbrowser).\n"
          "  -n            open in a new window\n"
          "  -t            open in a new tab\n"
          "  -b, --browser NAME\n"
          "                use this browser: a known name, a path, or a\n"
          "                command line with %%s for the URL\n"
          "  --list        print the browsers found, most preferred first\n"
          "\n"
          "BROWSER (':'-separated commands; %%s is the URL, %%%% a percent\n"
          "sign) comes first; then, with DISPLAY or WAYLAND_DISPLAY, the\n"
          "graphical browsers; then, with TERM, the text ones.\n");
}

static int list_browsers(void) {
  np_error err = NP_ERROR_INIT;
  np_browser_registry *reg = NULL;
  int rc = np_browser_registry_new(&reg, NULL, &err);
  if (rc == NP_OK)
    rc = np_browser_registry_discover(reg, &err);
  for (size_t i = 0; rc == NP_OK && i < np_browser_registry_count(reg); i++) {
    np_browser_ctl *c = NULL;
    const char *name = np_browser_registry_name(reg, i);
    if (np_browser_get(reg, name, &c, NULL) == NP_OK)
      printf("%s\t%s\n", name, np_browser_kind_name(np_browser_ctl_kind(c)));
  }
  np_browser_registry_free(reg);
  if (rc != NP_OK) {
    fprintf(stderr, "netproto open: %s\n", err.message);
    np_error_clear(&err);
    return NP_EXIT_FAIL;
  }
  return NP_EXIT_OK;
}

static int open_url(const char *url, int new_, const char *using_) {
  np_error err = NP_ERROR_INIT;
  np_browser_registry *reg = NULL;
  int rc = np_browser_registry_new(&reg, NULL, &err);
  if (rc == NP_OK)
    rc = np_browser_registry_discover(reg, &err);
  if (rc == NP_OK && using_) {
    np_browser_ctl *c = NULL;
    rc = np_browser_get(reg, using_, &c, &err);
    if (rc == NP_OK)
      rc = np_browser_ctl_open(c, url, strlen(url), new_, 1, &err);
  } else if (rc == NP_OK) {
    rc = np_browser_registry_open(reg, url, strlen(url), new_, 1, &err);
  }
  np_browser_registry_free(reg);
  if (rc != NP_OK) {
    fprintf(stderr, "netproto open: %s\n",
            err.message[0] ? err.message : np_strerror(rc));
    np_error_clear(&err);
    return NP_EXIT_FAIL;
  }
  return NP_EXIT_OK;
}

int np_cmd_open(int argc, char **argv) {
  int new_ = NP_BROWSER_SAME;
  const char *using_ = NULL;
  const char *url = NULL;
  int i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (np_cli_is_help(a)) {
      open_usage(stdout);
      return NP_EXIT_OK;
    }
    if (strcmp(a, "--list") == 0)
      return list_browsers();
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    }
    if (strcmp(a, "-b") == 0 || strcmp(a, "--browser") == 0) {
      if (++i >= argc)
        return np_cli_usage_error("open", "%s needs a browser name", a);
      using_ = argv[i];
    } else if (a[0] == '-' && a[1] && a[1] != '-') {
      /* Short options may be grouped, as getopt allows: -nt. */
      for (const char *p = a + 1; *p; p++) {
        if (*p == 'n')
          new_ = NP_BROWSER_WINDOW;
        else if (*p == 't')
          new_ = NP_BROWSER_TAB;
        else if (*p == 'd') {
          /* python -m webbrowser accepts -d and ignores it */
        }
        else
          return np_cli_usage_error("open", "option -%c not recognized", *p);
      }
    } else if (a[0] == '-' && a[1] == '-') {
      return np_cli_usage_error("open", "option %s not recognized", a);
    } else {
      break;
    }
  }
  if (i < argc)
    url = argv[i++];
  if (!url || i != argc)
    return np_cli_usage_error("open", "expected exactly one URL");
  return open_url(url, new_, using_);
}
