/*
 * Driver for the webbrowser script tests: discovery and open() from the
 * process environment, so a script can put the same question to this
 * library and to Python's webbrowser module.
 *
 *   tool_browser list                      name<TAB>Kind per line, in order
 *   tool_browser open NAME URL NEW RAISE   NAME "-" means webbrowser.open()
 *
 * Exit status 0 when the call succeeded, 1 when it failed (the error on
 * stderr), 2 on a usage error.
 */
#include "netproto/webbrowser.h"

#include <stdio.h>
#include <string.h>

static int fail(int rc, np_error *err) {
  fprintf(stderr, "%s: %s\n", np_status_name(rc), err->message);
  np_error_clear(err);
  return 1;
}

int main(int argc, char **argv) {
  np_error err = NP_ERROR_INIT;
  np_browser_registry *reg = NULL;
  if (argc < 2)
    return 2;
  int rc = np_browser_registry_new(&reg, NULL, &err);
  if (rc == NP_OK)
    rc = np_browser_registry_discover(reg, &err);
  if (rc == NP_OK && strcmp(argv[1], "list") == 0) {
    for (size_t i = 0; i < np_browser_registry_count(reg); i++) {
      np_browser_ctl *c = NULL;
      const char *name = np_browser_registry_name(reg, i);
      rc = np_browser_get(reg, name, &c, &err);
      if (rc != NP_OK)
        break;
      printf("%s\t%s\n", name, np_browser_kind_name(np_browser_ctl_kind(c)));
    }
  } else if (rc == NP_OK && strcmp(argv[1], "open") == 0 && argc == 6) {
    const char *url = argv[3];
    int new_ = argv[4][0] - '0', raise = argv[5][0] - '0';
    if (strcmp(argv[2], "-") == 0) {
      rc = np_browser_registry_open(reg, url, strlen(url), new_, raise, &err);
    } else {
      np_browser_ctl *c = NULL;
      rc = np_browser_get(reg, argv[2], &c, &err);
      if (rc == NP_OK)
        rc = np_browser_ctl_open(c, url, strlen(url), new_, raise, &err);
    }
  } else if (rc == NP_OK) {
    np_browser_registry_free(reg);
    return 2;
  }
  np_browser_registry_free(reg);
  return rc == NP_OK ? 0 : fail(rc, &err);
}
