/* libFuzzer target: http.cookies' Cookie header parser and quoting.
 * Checks that load never fails but as documented, that output works on
 * whatever was loaded, and that unquote(quote(x)) == x for any bytes. */
#include "netproto/cookies.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void load(const char *s, size_t n, np_cookies_kind kind) {
  np_cookies *c = np_cookies_new(kind);
  if (!c)
    return;
  int rc = np_cookies_load(c, s, n, NULL);
  if (rc != NP_OK && rc != NP_ECOOKIE_KEY && rc != NP_ECOOKIE_ATTR &&
      rc != NP_ETOOLARGE && rc != NP_ENOMEM)
    abort();
  np_buf out;
  np_buf_init(&out, 0);
  if (np_cookies_output(c, &out, NULL, NULL, NULL) != NP_OK ||
      np_cookies_js_output(c, &out, NULL) != NP_OK)
    abort();
  np_buf_free(&out);
  np_cookies_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  load(s, size, NP_COOKIES_SIMPLE);
  load(s, size, NP_COOKIES_BASE);
  np_buf q, u;
  np_buf_init(&q, 0);
  np_buf_init(&u, 0);
  if (np_cookie_quote(&q, s, size) != NP_OK ||
      np_cookie_unquote(&u, q.data, q.len) != NP_OK)
    abort();
  if (u.len != size || (size && memcmp(u.data, s, size) != 0))
    abort();
  np_buf_free(&q);
  np_buf_free(&u);
  return 0;
}
