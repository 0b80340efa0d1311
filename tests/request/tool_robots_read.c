/*
 * tests/request/tool_robots_read.c - np_robots_read for
 * robots_read_test.py:
 *   tool_robots_read [--opener] [--max N] URL AGENT PATH...
 * --opener reads through an np_build_opener opener (else np_urlopen's);
 * --max sets np_robots_set_max_bytes.  Prints "mtime set|unset", then
 * "allowed PATH" / "disallowed PATH" for each PATH; or "error NAME" when
 * the read fails.
 */
#include "netproto/request.h"
#include "netproto/robots.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  int i = 1, use_opener = 0;
  size_t max = 0;
  for (; i < argc && argv[i][0] == '-'; i++)
    if (strcmp(argv[i], "--opener") == 0)
      use_opener = 1;
    else if (strcmp(argv[i], "--max") == 0 && i + 1 < argc)
      max = (size_t)strtoul(argv[++i], NULL, 10);
  if (argc - i < 2)
    return 2;
  const char *url = argv[i], *agent = argv[i + 1];
  np_robots *r;
  np_opener *o = NULL;
  np_error err = NP_ERROR_INIT;
  if (np_robots_new(&r, url, strlen(url)) != NP_OK)
    return 2;
  if (max)
    np_robots_set_max_bytes(r, max);
  if (use_opener && np_build_opener(&o, NULL, 0, &err) != NP_OK)
    return 2;
  int rc = np_robots_read(r, o, &err);
  if (rc != NP_OK) {
    printf("error %s\n", np_status_name(rc));
  } else {
    printf("mtime %s\n", np_robots_mtime(r) > 0 ? "set" : "unset");
    for (int k = i + 2; k < argc; k++)
      printf("%s %s\n",
             np_robots_can_fetch(r, agent, strlen(agent), argv[k],
                                 strlen(argv[k])) == 1
                 ? "allowed"
                 : "disallowed",
             argv[k]);
  }
  np_error_clear(&err);
  np_robots_free(r);
  np_opener_free(o);
  np_urlcleanup();
  return 0;
}
