/*
 * Driver for robots_test.py: parse the robots.txt named by argv[1], then
 * answer one query per stdin line "AGENT<TAB>URL" with
 * "CAN_FETCH<TAB>DELAY<TAB>RATE", where CAN_FETCH is 0, 1 or the status
 * name of an error, DELAY a number or None, RATE "N/S" or None.  The first
 * output lines give the parse status and the sitemaps (hex, one a line).
 */
#include "netproto/robots.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 1 << 16, n = 0, got;
  char *buf = malloc(cap);
  while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap)
      buf = realloc(buf, cap *= 2);
  }
  fclose(f);
  *len = n;
  return buf;
}

static void hex(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    printf("%02x", (unsigned char)s[i]);
  putchar('\n');
}

int main(int argc, char **argv) {
  size_t len;
  char *text = argc > 1 ? slurp(argv[1], &len) : NULL;
  np_robots *r;
  if (!text || np_robots_new(&r, NULL, 0) != NP_OK)
    return 2;
  int rc = np_robots_parse(r, text, len, NULL);
  printf("parse %s\n", rc == NP_OK ? "ok" : np_status_name(rc));
  const np_slice *maps;
  size_t n = np_robots_site_maps(r, &maps);
  printf("sitemaps %zu\n", n);
  for (size_t i = 0; i < n; i++)
    hex(maps[i].ptr, maps[i].len);
  char *line = NULL;
  size_t cap = 0;
  ssize_t got;
  while ((got = getline(&line, &cap, stdin)) > 0) {
    if (line[got - 1] == '\n')
      line[--got] = '\0';
    char *tab = strchr(line, '\t');
    if (!tab)
      return 2;
    size_t alen = (size_t)(tab - line);
    const char *url = tab + 1;
    int ok = np_robots_can_fetch(r, line, alen, url, strlen(url));
    if (ok < 0)
      printf("%s", np_status_name(ok));
    else
      printf("%d", ok);
    uint64_t d, q, s;
    if (np_robots_crawl_delay(r, line, alen, &d) == NP_OK)
      printf("\t%" PRIu64, d);
    else
      printf("\tNone");
    if (np_robots_request_rate(r, line, alen, &q, &s) == NP_OK)
      printf("\t%" PRIu64 "/%" PRIu64 "\n", q, s);
    else
      printf("\tNone\n");
  }
  free(line);
  free(text);
  np_robots_free(r);
  return 0;
}
