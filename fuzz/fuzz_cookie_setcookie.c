/* libFuzzer target: Set-Cookie and Set-Cookie2 parsing in the cookie jar
 * (make_cookies, the policy, add_cookie_header).  The first byte picks the
 * policy switches; the rest is split at newlines into header values, odd
 * ones Set-Cookie2. */
#include "netproto/cookiejar.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int64_t fixed(void) { return 1700000000; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  np_cookie_policy p;
  np_cookie_policy_init(&p);
  p.rfc2965 = data[0] & 1;
  p.strict_ns_domain = (data[0] >> 1) & 7;
  p.strict_domain = (data[0] >> 4) & 1;
  p.hide_cookie2 = (data[0] >> 5) & 1;
  np_cookiejar *jar = np_cookiejar_new(&p);
  if (!jar)
    return 0;
  np_cookiejar_set_clock(jar, fixed);
  np_cookie_header h[16];
  size_t nh = 0, start = 1;
  for (size_t i = 1; i <= size && nh < 16; i++) {
    if (i == size || data[i] == '\n') {
      h[nh].name = np_slice_cstr(nh & 1 ? "Set-Cookie2" : "Set-Cookie");
      h[nh].value = np_slice_from((const char *)data + start, i - start);
      nh++;
      start = i + 1;
    }
  }
  static const char *const urls[] = {"http://www.acme.com/a/b",
                                     "https://x.local:8080/"};
  for (int u = 0; u < 2; u++) {
    np_cookie_request r = {urls[u], strlen(urls[u]), NULL, NULL, u == 1};
    if (np_cookiejar_extract(jar, h, nh, &r) != NP_OK)
      abort();
    np_buf b;
    np_buf_init(&b, 0);
    if (np_cookiejar_cookie_header(jar, &r, &b, &b, NULL) != NP_OK)
      abort();
    np_buf_reset(&b);
    if (np_cookiejar_save_mem(jar, NP_COOKIEJAR_LWP, &b, true, true) != NP_OK)
      abort();
    np_buf_free(&b);
  }
  np_cookiejar_free(jar);
  return 0;
}
