/* libFuzzer target: the HTTP request parser (head and body), whole and
 * split in two.  Input: one control byte, one split byte, the message. */
#include "fuzz_http_common.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  return fz_message(NP_HTTP_REQUEST, data, size);
}
