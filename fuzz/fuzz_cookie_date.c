/* libFuzzer target: cookie/HTTP date parsing (core/date.c), both forms.
 * A parsed time must format back to a date that parses to itself. */
#include "core/date.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  int64_t t, u;
  (void)np__iso2time(s, size, &t);
  if (np__http2time(s, size, &t) && t >= 0 && t < 253402300800) {
    np_buf b;
    np_buf_init(&b, 0);
    if (np__http_date_format(&b, t) != NP_OK ||
        !np__http2time(b.data, b.len, &u) || u != t)
      abort();
    np_buf_free(&b);
  }
  return 0;
}
