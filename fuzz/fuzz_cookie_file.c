/* libFuzzer target: the cookies.txt (Mozilla) and Set-Cookie3 (LWP)
 * loaders.  Whatever loads must save, and the saved file must load back
 * to as many cookies. */
#include "netproto/cookiejar.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int64_t fixed(void) { return 1700000000; }

static void one(const uint8_t *data, size_t size, np_cookiejar_format fmt) {
  np_cookiejar *jar = np_cookiejar_new(NULL);
  np_cookiejar *again = np_cookiejar_new(NULL);
  if (!jar || !again)
    abort();
  np_cookiejar_limits none = {0, 0, 0};
  np_cookiejar_set_limits(jar, &none);
  np_cookiejar_set_limits(again, &none);
  np_cookiejar_set_clock(jar, fixed);
  np_cookiejar_set_clock(again, fixed);
  int rc = np_cookiejar_load_mem(jar, fmt, (const char *)data, size, true,
                                 true, NULL);
  if (rc != NP_OK && rc != NP_ECOOKIE_LOAD)
    abort();
  np_buf out;
  np_buf_init(&out, 0);
  if (np_cookiejar_save_mem(jar, fmt, &out, true, true) != NP_OK)
    abort();
  if (np_cookiejar_load_mem(again, fmt, out.data, out.len, true, true,
                            NULL) != NP_OK &&
      fmt == NP_COOKIEJAR_MOZILLA)
    abort(); /* cookies.txt output must always load */
  np_buf_free(&out);
  np_cookiejar_free(jar);
  np_cookiejar_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  one(data, size, NP_COOKIEJAR_MOZILLA);
  one(data, size, NP_COOKIEJAR_LWP);
  return 0;
}
