/* The chunked transfer coding decoder (RFC 9112 section 7.1), on its own
 * state machine so that it can be fed any split of the input. */
#include "http/http_internal.h"

enum {
  S_SIZE0,         /* first hex digit of a chunk size */
  S_SIZE,          /* more hex digits, or what follows them */
  S_BWS,           /* spaces after the size: only ';' may follow */
  S_EXT,           /* chunk extensions, up to CR */
  S_SIZE_LF,       /* LF ending the size line */
  S_DATA,          /* chunk data */
  S_DATA_CR,       /* CR after the data */
  S_DATA_LF,       /* LF after the data */
  S_TRAILER_START, /* start of a trailer line, or the final CR */
  S_TRAILER_NAME,  /* trailer field name, up to ':' */
  S_TRAILER_VALUE, /* trailer field value, up to CR */
  S_TRAILER_LF,    /* LF ending a trailer line */
  S_FINAL_LF,      /* LF of the empty line ending the message */
  S_DONE,
};

/* Sizes past 2^63 - 1 are refused: they fit no file and no offset. */
#define MAX_CHUNK ((uint64_t)INT64_MAX)

void np_http_chunked_init(np_http_chunked *c, size_t max_line,
                          size_t max_trailer) {
  c->state = S_SIZE0;
  c->remaining = 0;
  c->line = 0;
  c->trailer = 0;
  c->digits = 0;
  c->max_line = max_line ? max_line : NP_HTTP_MAX_CHUNK_LINE;
  c->max_trailer = max_trailer ? max_trailer : NP_HTTP_MAX_HEADER_BYTES;
}

static int fail(np_error *err, int code, size_t at, const char *what) {
  return np__http_fail(err, code, at, what);
}

/* One framing byte in a size line. */
static int size_byte(np_http_chunked *c, unsigned char ch, size_t at,
                     np_error *err) {
  if (++c->line > c->max_line)
    return fail(err, NP_EHTTP_CHUNK_LINE_TOO_LONG, at, "chunk size line too long");
  int hv = np__hexval[ch];
  switch (c->state) {
  case S_SIZE0:
    if (hv < 0)
      return fail(err, NP_EHTTP_BAD_CHUNK_SIZE, at, "chunk size is not hexadecimal");
    c->remaining = (uint64_t)hv;
    c->state = S_SIZE;
    return NP_OK;
  case S_SIZE:
    if (hv >= 0) {
      if (c->remaining > (MAX_CHUNK >> 4))
        return fail(err, NP_EHTTP_CHUNK_SIZE_OVERFLOW, at, "chunk size overflows");
      c->remaining = c->remaining << 4 | (uint64_t)hv;
      return NP_OK;
    }
    if (ch == ' ' || ch == '\t')
      c->state = S_BWS;
    else if (ch == ';')
      c->state = S_EXT;
    else if (ch == '\r')
      c->state = S_SIZE_LF;
    else
      return fail(err, NP_EHTTP_BAD_CHUNK_SIZE, at, "bad byte after chunk size");
    return NP_OK;
  case S_BWS:
    if (ch == ';')
      c->state = S_EXT;
    else if (ch != ' ' && ch != '\t')
      return fail(err, NP_EHTTP_BAD_CHUNK_SIZE, at, "bad byte after chunk size");
    return NP_OK;
  default: /* S_EXT */
    if (ch == '\r')
      c->state = S_SIZE_LF;
    else if (!(np__http_cc[ch] & NP__HV_VALUE))
      return fail(err, NP_EHTTP_BAD_CHUNK, at, "control byte in chunk extension");
    return NP_OK;
  }
}

/* One byte of the trailer section (discarded after checking). */
static int trailer_byte(np_http_chunked *c, unsigned char ch, size_t at,
                        np_error *err) {
  if (++c->trailer > c->max_trailer)
    return fail(err, NP_EHTTP_HEADERS_TOO_LARGE, at, "trailer larger than the limit");
  switch (c->state) {
  case S_TRAILER_START:
    if (ch == '\r')
      c->state = S_FINAL_LF;
    else if (np__is(ch, NP_CC_TCHAR))
      c->state = S_TRAILER_NAME;
    else
      return fail(err, NP_EHTTP_BAD_TRAILER, at, "bad trailer line start");
    return NP_OK;
  case S_TRAILER_NAME:
    if (ch == ':')
      c->state = S_TRAILER_VALUE;
    else if (!np__is(ch, NP_CC_TCHAR))
      return fail(err, NP_EHTTP_BAD_TRAILER, at, "bad trailer field name");
    return NP_OK;
  case S_TRAILER_VALUE:
    if (ch == '\r')
      c->state = S_TRAILER_LF;
    else if (!(np__http_cc[ch] & NP__HV_VALUE))
      return fail(err, NP_EHTTP_BAD_TRAILER, at, "control byte in trailer");
    return NP_OK;
  case S_TRAILER_LF:
    if (ch != '\n')
      return fail(err, NP_EHTTP_BARE_CR, at, "bare CR in trailer");
    c->state = S_TRAILER_START;
    return NP_OK;
  default: /* S_FINAL_LF */
    if (ch != '\n')
      return fail(err, NP_EHTTP_BARE_CR, at, "bare CR at end of chunked body");
    c->state = S_DONE;
    return NP_OK;
  }
}

/* The bytes that are neither size lines nor data nor trailer. */
static int lf_byte(np_http_chunked *c, unsigned char ch, size_t at,
                   np_error *err) {
  switch (c->state) {
  case S_SIZE_LF:
    if (ch != '\n')
      return fail(err, NP_EHTTP_BARE_CR, at, "bare CR in chunk size line");
    c->line = 0;
    c->state = c->remaining ? S_DATA : S_TRAILER_START;
    return NP_OK;
  case S_DATA_CR:
    if (ch != '\r')
      return fail(err, NP_EHTTP_BAD_CHUNK, at, "chunk data not followed by CRLF");
    c->state = S_DATA_LF;
    return NP_OK;
  default: /* S_DATA_LF */
    if (ch != '\n')
      return fail(err, NP_EHTTP_BAD_CHUNK, at, "chunk data not followed by CRLF");
    c->state = S_SIZE0;
    return NP_OK;
  }
}

int np_http_chunked_next(np_http_chunked *c, const char *in, size_t len,
                         size_t *consumed, np_slice *data, np_error *err) {
  size_t i = 0;
  int rc = NP_OK;
  *data = np_slice_from(in, 0);
  while (c->state != S_DONE) {
    if (c->state == S_DATA) {
      if (i == len)
        break;
      size_t n = len - i < c->remaining ? len - i : (size_t)c->remaining;
      *data = np_slice_from(in + i, n);
      c->remaining -= n;
      if (c->remaining == 0)
        c->state = S_DATA_CR;
      *consumed = i + n;
      return NP_OK;
    }
    if (i == len)
      break;
    unsigned char ch = (unsigned char)in[i];
    if (c->state <= S_EXT)
      rc = size_byte(c, ch, i, err);
    else if (c->state >= S_TRAILER_START)
      rc = trailer_byte(c, ch, i, err);
    else
      rc = lf_byte(c, ch, i, err);
    if (rc) {
      *consumed = i;
      return rc;
    }
    i++;
  }
  *consumed = i;
  return c->state == S_DONE ? NP_HTTP_DONE : NP_EAGAIN;
}
