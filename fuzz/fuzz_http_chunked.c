/* libFuzzer target: the chunked decoder alone, fed whole and then one
 * byte at a time; both must decode the same bytes to the same end. */
#include "netproto/http.h"

#include <stdlib.h>
#include <string.h>

static int decode(const char *in, size_t len, size_t step, size_t *out_len,
                  unsigned long *sum) {
  np_http_chunked c;
  np_http_chunked_init(&c, 64, 256);
  size_t off = 0;
  *out_len = 0;
  *sum = 0;
  for (;;) {
    size_t n = len - off < step ? len - off : step;
    size_t used;
    np_slice d;
    int rc = np_http_chunked_next(&c, in + off, n, &used, &d, NULL);
    if (used > n)
      __builtin_trap();
    for (size_t i = 0; i < d.len; i++)
      *sum = *sum * 131 + (unsigned char)d.ptr[i];
    *out_len += d.len;
    off += used;
    if (rc == NP_OK)
      continue;
    if (rc == NP_EAGAIN && off < len)
      continue;
    return rc;
  }
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  char *m = malloc(size ? size : 1);
  memcpy(m, data, size);
  size_t la, lb;
  unsigned long sa, sb;
  int a = decode(m, size, size ? size : 1, &la, &sa);
  int b = decode(m, size, 1, &lb, &sb);
  if (a != b || la != lb || sa != sb)
    __builtin_trap();
  free(m);
  return 0;
}
