/*
 * Driver for curl_test.py (cookies.txt interop with curl):
 *   tool load FILE URL           load FILE (Mozilla format, keeping session
 *                                and expired lines), print each cookie as
 *                                "domain path name value", then
 *                                "Cookie: ..." for URL
 *   tool save FILE URL HDR...    extract each Set-Cookie HDR for URL, save
 *                                FILE (Mozilla format), print the Cookie
 *                                header for URL
 */
#include "netproto/cookiejar.h"

#include <stdio.h>
#include <string.h>

static int show(void *ctx, const np_cookie *c) {
  (void)ctx;
  printf("%s %s %s %s\n", c->domain, c->path, c->name,
         c->value ? c->value : "None");
  return 0;
}

static int cookie_line(np_cookiejar *jar, const char *url) {
  np_cookie_request r = {url, strlen(url), NULL, NULL, false};
  np_buf b;
  np_buf_init(&b, 0);
  int flags = 0;
  int rc = np_cookiejar_cookie_header(jar, &r, &b, NULL, &flags);
  printf("Cookie: %s\n", (flags & NP_COOKIEJAR_COOKIE) ? b.data : "");
  np_buf_free(&b);
  return rc;
}

int main(int argc, char **argv) {
  if (argc < 4)
    return 2;
  np_cookiejar *jar = np_cookiejar_new(NULL);
  np_error e = NP_ERROR_INIT;
  int rc = NP_OK;
  if (strcmp(argv[1], "load") == 0) {
    rc = np_cookiejar_load(jar, NP_COOKIEJAR_MOZILLA, argv[2], true, true, &e);
    if (rc == NP_OK) {
      np_cookiejar_foreach(jar, show, NULL);
      rc = cookie_line(jar, argv[3]);
    }
  } else {
    np_cookie_request r = {argv[3], strlen(argv[3]), NULL, NULL, false};
    for (int i = 4; i < argc && rc == NP_OK; i++) {
      np_cookie_header h = {np_slice_cstr("Set-Cookie"),
                            np_slice_cstr(argv[i])};
      rc = np_cookiejar_extract(jar, &h, 1, &r);
    }
    if (rc == NP_OK)
      rc = np_cookiejar_save(jar, NP_COOKIEJAR_MOZILLA, argv[2], true, false,
                             &e);
    if (rc == NP_OK)
      rc = cookie_line(jar, argv[3]);
  }
  if (rc != NP_OK)
    fprintf(stderr, "error %s: %s\n", np_status_name(rc), e.message);
  np_error_clear(&e);
  np_cookiejar_free(jar);
  return rc == NP_OK ? 0 : 1;
}
