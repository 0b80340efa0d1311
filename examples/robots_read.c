/*
 * examples/robots_read.c - fetch a site's robots.txt and ask it:
 *   robots_read ROBOTS_URL AGENT PATH...
 * Prints "allowed PATH" or "disallowed PATH" per path; exit 1 when the
 * file cannot be fetched (a network or URL error).
 */
#include <netproto/request.h>
#include <netproto/robots.h>

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s ROBOTS_URL AGENT PATH...\n", argv[0]);
    return 2;
  }
  np_robots *r;
  np_error err = NP_ERROR_INIT;
  if (np_robots_new(&r, argv[1], strlen(argv[1])) != NP_OK)
    return 1;
  /* RobotFileParser.read(): 401/403 disallow all, other 4xx allow all */
  if (np_robots_read(r, NULL, &err) != NP_OK) {
    fprintf(stderr, "%s: %s\n", argv[1], err.message);
    np_error_clear(&err);
    np_robots_free(r);
    np_urlcleanup();
    return 1;
  }
  for (int i = 3; i < argc; i++)
    printf("%s %s\n",
           np_robots_can_fetch(r, argv[2], strlen(argv[2]), argv[i],
                               strlen(argv[i])) == 1
               ? "allowed"
               : "disallowed",
           argv[i]);
  np_robots_free(r);
  np_urlcleanup();
  return 0;
}
