/* Shared driver of the HTTP fuzz targets: parse a whole message in one go
 * and again split in two at a byte chosen by the input, and trap when the
 * two disagree (the parser must not depend on how bytes arrive). */
#ifndef NP_FUZZ_HTTP_COMMON_H
#define NP_FUZZ_HTTP_COMMON_H

#include "netproto/http.h"

#include <stdlib.h>
#include <string.h>

typedef struct fz_result {
  int rc;
  size_t body_len;
  unsigned long body_sum;
  size_t nheaders;
} fz_result;

static void fz_body(np_http_parser *p, const char *in, size_t len,
                    size_t cut, fz_result *r) {
  size_t off = 0, end = cut < len ? cut : len;
  for (int guard = 0; guard < 1000000; guard++) {
    size_t used;
    np_slice d;
    int rc = np_http_parse_body(p, in + off, end - off, &used, &d, NULL);
    for (size_t i = 0; i < d.len; i++)
      r->body_sum = r->body_sum * 31 + (unsigned char)d.ptr[i];
    r->body_len += d.len;
    off += used;
    if (rc == NP_OK)
      continue;
    if (rc == NP_EAGAIN && end < len) {
      end = len;
      continue;
    }
    if (rc == NP_EAGAIN)
      rc = np_http_parse_eof(p, NULL);
    r->rc = rc;
    return;
  }
  __builtin_trap(); /* no progress: the decoder loops */
}

static void fz_run(np_http_kind kind, int head, const char *data, size_t len,
                   size_t cut, fz_result *r) {
  np_http_parser p;
  np_http_parser_init(&p, kind);
  p.response_to_head = head;
  memset(r, 0, sizeof *r);
  size_t hl = 0;
  int rc = NP_EAGAIN;
  if (cut < len)
    rc = np_http_parse_head(&p, data, cut, &hl, NULL);
  if (rc == NP_EAGAIN)
    rc = np_http_parse_head(&p, data, len, &hl, NULL);
  r->rc = rc;
  if (rc == NP_OK) {
    r->nheaders = p.nheaders;
    for (size_t i = 0; i < p.nheaders; i++)
      if (p.headers[i].name.ptr < data || p.headers[i].value.ptr + p.headers[i].value.len > data + len)
        __builtin_trap(); /* a slice outside the buffer */
    fz_body(&p, data + hl, len - hl, cut > hl ? cut - hl : 0, r);
  }
  np_http_parser_free(&p);
}

static int fz_message(np_http_kind kind, const unsigned char *data,
                      size_t size) {
  if (size < 2)
    return 0;
  int head = data[0] & 1;
  size_t cut = data[1] % (size - 1);
  /* A private copy, so ASan sees reads past the end. */
  char *m = malloc(size - 2 ? size - 2 : 1);
  memcpy(m, data + 2, size - 2);
  fz_result a, b;
  fz_run(kind, head, m, size - 2, SIZE_MAX, &a);
  fz_run(kind, head, m, size - 2, cut, &b);
  /* Limits may fire earlier when the head arrives in pieces; every other
   * outcome must be identical. */
  if (memcmp(&a, &b, sizeof a) != 0 && a.rc != NP_EHTTP_HEADERS_TOO_LARGE &&
      b.rc != NP_EHTTP_HEADERS_TOO_LARGE && a.rc != NP_EHTTP_LINE_TOO_LONG &&
      b.rc != NP_EHTTP_LINE_TOO_LONG)
    __builtin_trap();
  free(m);
  return 0;
}

#endif
