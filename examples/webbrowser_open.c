/*
 * webbrowser_open: what Python's webbrowser does, from C.
 *
 *   cc webbrowser_open.c $(pkg-config --cflags --libs netproto) -o webbrowser_open
 *   ./webbrowser_open https://docs.python.org/3/library/webbrowser.html
 *   BROWSER='lynx -dump %s' ./webbrowser_open -t http://example.org/
 *
 * Finds the browsers of this environment in Python's order of preference
 * (BROWSER, then graphical browsers when there is a display, then text
 * browsers when there is a terminal), prints them, and shows the URL with
 * the first one that works: webbrowser.open(url, new).
 */
#include <netproto/webbrowser.h>

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  int new_ = NP_BROWSER_SAME;
  int i = 1;
  if (i < argc && strcmp(argv[i], "-n") == 0)
    new_ = NP_BROWSER_WINDOW, i++;
  else if (i < argc && strcmp(argv[i], "-t") == 0)
    new_ = NP_BROWSER_TAB, i++;
  if (i != argc - 1) {
    fprintf(stderr, "usage: webbrowser_open [-n | -t] URL\n");
    return 2;
  }
  const char *url = argv[i];

  np_error err = NP_ERROR_INIT;
  np_browser_registry *reg = NULL;
  /* NULL: the process environment (DISPLAY, TERM, BROWSER, PATH). */
  int rc = np_browser_registry_new(&reg, NULL, &err);
  if (rc == NP_OK)
    rc = np_browser_registry_discover(reg, &err);
  for (size_t k = 0; rc == NP_OK && k < np_browser_registry_count(reg); k++) {
    np_browser_ctl *ctl = NULL; /* borrowed from the registry */
    const char *name = np_browser_registry_name(reg, k);
    if (np_browser_get(reg, name, &ctl, NULL) == NP_OK)
      printf("%zu. %s (%s)\n", k + 1, name,
             np_browser_kind_name(np_browser_ctl_kind(ctl)));
  }
  if (rc == NP_OK)
    rc = np_browser_registry_open(reg, url, strlen(url), new_, 1, &err);
  np_browser_registry_free(reg); /* frees every controller too */

  if (rc != NP_OK) {
    /* e.g. NP_EBROWSER_URL for "-x", NP_EBROWSER_FAILED when all failed */
    fprintf(stderr, "webbrowser_open: %s (%s)\n",
            err.message[0] ? err.message : np_strerror(rc), np_status_name(rc));
    np_error_clear(&err);
    return 1;
  }
  printf("opened %s\n", url);
  return 0;
}
