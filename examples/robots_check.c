/*
 * robots_check: may this crawler fetch these URLs?  (urllib.robotparser)
 *
 *   robots_check ROBOTS.TXT AGENT URL...
 *
 * Prints "allowed URL" or "disallowed URL" for each URL, then the agent's
 * crawl delay and request rate and the file's sitemaps.  Exit status 0,
 * or 1 when the file cannot be read or parsed.
 */
#include <netproto/robots.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *buf = malloc(NP_ROBOTS_DEFAULT_MAX_BYTES);
  *len = buf ? fread(buf, 1, NP_ROBOTS_DEFAULT_MAX_BYTES, f) : 0;
  fclose(f);
  return buf;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: robots_check ROBOTS.TXT AGENT URL...\n");
    return 2;
  }
  size_t len;
  char *text = read_file(argv[1], &len);
  np_robots *r;
  np_error err = NP_ERROR_INIT;
  if (!text || np_robots_new(&r, NULL, 0) != NP_OK) {
    fprintf(stderr, "robots_check: cannot read %s\n", argv[1]);
    free(text);
    return 1;
  }
  int rc = np_robots_parse(r, text, len, &err);
  free(text);
  if (rc != NP_OK) {
    fprintf(stderr, "robots_check: %s: %s\n", np_status_name(rc), err.message);
    np_robots_free(r);
    return 1;
  }
  const char *agent = argv[2];
  for (int i = 3; i < argc; i++) {
    int ok = np_robots_can_fetch(r, agent, strlen(agent), argv[i],
                                 strlen(argv[i]));
    printf("%s %s\n", ok == 1 ? "allowed" : ok == 0 ? "disallowed" : "error",
           argv[i]);
  }
  uint64_t delay, requests, seconds;
  if (np_robots_crawl_delay(r, agent, strlen(agent), &delay) == NP_OK)
    printf("crawl-delay %" PRIu64 "\n", delay);
  if (np_robots_request_rate(r, agent, strlen(agent), &requests, &seconds) ==
      NP_OK)
    printf("request-rate %" PRIu64 "/%" PRIu64 "\n", requests, seconds);
  const np_slice *maps;
  size_t n = np_robots_site_maps(r, &maps);
  for (size_t i = 0; i < n; i++)
    printf("sitemap %.*s\n", NP_SLICE_ARG(maps[i]));
  np_robots_free(r);
  return 0;
}
