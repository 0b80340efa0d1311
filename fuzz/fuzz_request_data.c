/*
 * fuzz_request_data: the data: URL handler (RFC 2397, urllib's
 * DataHandler) on hostile URLs.  The input, after "data:", is opened by an
 * opener that has only the data handler; the media type and its
 * parameters, the ";base64" flag, percent-decoding and base64 decoding
 * all run, and a response must be read to its end and freed cleanly.
 * The decoded body can never be longer than the input.
 */
#include "netproto/request.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len) {
  static np_opener *o;
  if (!o && (np_opener_new(&o) != NP_OK ||
             np_opener_add_handler(o, np_handler_data_new()) != NP_OK))
    abort();
  char *url = malloc(len + 6);
  if (!url)
    return 0;
  memcpy(url, "data:", 5);
  memcpy(url + 5, data, len);
  url[len + 5] = '\0'; /* a NUL inside ends the URL: fine */
  np_response *r = NULL;
  np_error err = NP_ERROR_INIT;
  if (np_opener_open_url(o, url, NULL, 0, -1, &r, &err) == NP_OK) {
    np_buf body;
    np_buf_init(&body, 0);
    if (np_response_read_all(r, &body, &err) == NP_OK && body.len > len)
      abort(); /* decoding never grows the data */
    (void)np_response_getheader(r, "Content-type");
    np_buf_free(&body);
    np_response_free(r);
  }
  np_error_clear(&err);
  free(url);
  return 0;
}
