/*
 * libFuzzer target: the robots.txt parser and its matching.  The input is
 * a robots.txt body; a few fixed agents and URLs are then checked.
 * Properties: parsing never fails except with a documented status, and
 * can_fetch answers 0 or 1 (the fixed URLs all parse).
 */
#include "netproto/robots.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static int documented(int rc) {
  return rc == NP_OK || rc == NP_EURL_ENCODING || rc == NP_EURL_BRACKET ||
         rc == NP_EURL_IPV6 || rc == NP_EURL_NETLOC_NFKC || rc == NP_EINVAL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *agents[] = {"FooBot/1.0", "*", "", "googlebot"};
  static const char *urls[] = {"/", "/private/x", "http://h/a%2Fb?q", ""};
  np_robots *r;
  if (np_robots_new(&r, "http://example.com/robots.txt", 29) != NP_OK)
    return 0;
  int rc = np_robots_parse(r, (const char *)data, size, NULL);
  if (!documented(rc))
    __builtin_trap();
  for (size_t a = 0; a < 4; a++) {
    for (size_t u = 0; u < 4; u++) {
      int ok = np_robots_can_fetch(r, agents[a], strlen(agents[a]), urls[u],
                                   strlen(urls[u]));
      if (ok != 0 && ok != 1)
        __builtin_trap();
    }
    uint64_t d, q, s;
    rc = np_robots_crawl_delay(r, agents[a], strlen(agents[a]), &d);
    if (rc != NP_OK && rc != NP_ENOTFOUND)
      __builtin_trap();
    rc = np_robots_request_rate(r, agents[a], strlen(agents[a]), &q, &s);
    if (rc != NP_OK && rc != NP_ENOTFOUND)
      __builtin_trap();
  }
  const np_slice *maps;
  size_t n = np_robots_site_maps(r, &maps);
  for (size_t i = 0; i < n; i++)
    if (maps[i].len && !maps[i].ptr)
      __builtin_trap();
  np_robots_free(r);
  return 0;
}
