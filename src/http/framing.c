/* Body framing (RFC 9112 section 6) and body decoding for the parser. */
#include "http/http_internal.h"

#include <string.h>

/* Transfer codings we know by name; any other is refused. */
enum { TC_CHUNKED = 1, TC_GZIP = 2, TC_DEFLATE = 4, TC_COMPRESS = 8 };

static unsigned coding_bit(const char *s, size_t n) {
  static const struct {
    const char *name;
    unsigned bit;
  } known[] = {{"chunked", TC_CHUNKED}, {"gzip", TC_GZIP},
               {"x-gzip", TC_GZIP},     {"deflate", TC_DEFLATE},
               {"compress", TC_COMPRESS}, {"x-compress", TC_COMPRESS}};
  for (size_t i = 0; i < NP_ARRAY_LEN(known); i++)
    if (strlen(known[i].name) == n && np__ieq(s, known[i].name, n))
      return known[i].bit;
  return 0;
}

/* What the Transfer-Encoding fields said so far. */
typedef struct te_state {
  unsigned seen;   /* TC_* bits */
  int last_chunked; /* the last coding listed is chunked */
  int count;       /* codings listed */
} te_state;

/* Add one Transfer-Encoding field value (a comma list of codings, each
 * possibly with ;parameters) to *t. */
static int te_add(te_state *t, np_slice v, np_error *err) {
  size_t i = 0;
  while (i < v.len) {
    while (i < v.len && (v.ptr[i] == ' ' || v.ptr[i] == '\t' || v.ptr[i] == ','))
      i++;
    if (i == v.len)
      break;
    size_t a = i;
    while (i < v.len && np__is((unsigned char)v.ptr[i], NP_CC_TCHAR))
      i++;
    unsigned bit = coding_bit(v.ptr + a, i - a);
    if (!bit)
      return np_error_set(err, NP_EHTTP_BAD_TRANSFER_ENCODING,
                          "unknown transfer coding '%.*s'", (int)(i - a),
                          v.ptr + a);
    if (t->seen & bit)
      return np_error_set(err, NP_EHTTP_BAD_TRANSFER_ENCODING,
                          "transfer coding '%.*s' repeated", (int)(i - a),
                          v.ptr + a);
    t->seen |= bit;
    t->last_chunked = bit == TC_CHUNKED;
    t->count++;
    /* Parameters are allowed by the grammar; skip to the next element. */
    while (i < v.len && v.ptr[i] != ',')
      i++;
  }
  return NP_OK;
}

static int content_length(np_slice v, uint64_t *out, np_error *err) {
  if (memchr(v.ptr, ',', v.len))
    return np_error_set(err, NP_EHTTP_DUP_CONTENT_LENGTH,
                        "Content-Length holds a list: '%.*s'", NP_SLICE_ARG(v));
  if (np__parse_uint(v.ptr, v.len, (uint64_t)INT64_MAX, out))
    return np_error_set(err, NP_EHTTP_BAD_CONTENT_LENGTH,
                        "Content-Length is not a decimal number: '%.*s'",
                        v.len > 40 ? 40 : (int)v.len, v.ptr);
  return NP_OK;
}

/* The connection tokens that decide persistence. */
typedef struct conn_state {
  int close, keep_alive, ka_header;
} conn_state;

static int scan_fields(np_http_parser *p, te_state *te, np_slice *cl,
                       conn_state *c, np_error *err) {
  for (size_t i = 0; i < p->nheaders; i++) {
    np_slice n = p->headers[i].name, v = p->headers[i].value;
    if (n.len == 14 && np__ieq(n.ptr, "content-length", 14)) {
      if (cl->ptr)
        return np_error_set(err, NP_EHTTP_DUP_CONTENT_LENGTH,
                            "Content-Length given twice");
      *cl = v;
    } else if (n.len == 17 && np__ieq(n.ptr, "transfer-encoding", 17)) {
      int rc = te_add(te, v, err);
      if (rc)
        return rc;
      if (te->count == 0)
        return np_error_set(err, NP_EHTTP_BAD_TRANSFER_ENCODING,
                            "empty Transfer-Encoding");
    } else if (n.len == 10 && np__ieq(n.ptr, "connection", 10)) {
      c->close |= np_http_list_has(v, "close");
      c->keep_alive |= np_http_list_has(v, "keep-alive");
    } else if (n.len == 16 && np__ieq(n.ptr, "proxy-connection", 16)) {
      c->keep_alive |= np_http_list_has(v, "keep-alive");
    } else if (n.len == 10 && np__ieq(n.ptr, "keep-alive", 10)) {
      c->ka_header = 1;
    } else if (n.len == 6 && np__ieq(n.ptr, "expect", 6)) {
      p->expect_continue |= np_slice_ieq_cstr(v, "100-continue");
    }
  }
  return NP_OK;
}

/* Whether the message may be followed by another on the connection:
 * HTTP/1.1 unless "close"; HTTP/1.0 only with keep-alive (CPython's
 * _check_close for responses, http.server's rule for requests). */
static int persistent(const np_http_parser *p, const conn_state *c) {
  if (c->close)
    return 0;
  if (p->version_major == 1 && p->version_minor >= 1)
    return 1;
  if (p->kind == NP_HTTP_RESPONSE && c->ka_header)
    return 1;
  return c->keep_alive;
}

static int response_has_no_body(const np_http_parser *p) {
  return p->response_to_head || (p->status >= 100 && p->status < 200) ||
         p->status == 204 || p->status == 304;
}

int np__http_finish_head(np_http_parser *p, np_error *err) {
  te_state te = {0, 0, 0};
  conn_state c = {0, 0, 0};
  np_slice cl = NP_SLICE_NULL;
  int rc = scan_fields(p, &te, &cl, &c, err);
  if (rc)
    return rc;
  if (te.count && cl.ptr)
    return np_error_set(err, NP_EHTTP_TE_AND_CL,
                        "Transfer-Encoding and Content-Length together");
  p->content_length = 0;
  if (cl.ptr && (rc = content_length(cl, &p->content_length, err)))
    return rc;
  if (p->kind == NP_HTTP_REQUEST && te.count &&
      !(te.count == 1 && te.last_chunked))
    return np_error_set(err, NP_EHTTP_BAD_TRANSFER_ENCODING,
                        "a request's only transfer coding must be chunked");
  if (p->kind == NP_HTTP_RESPONSE && response_has_no_body(p))
    p->body = NP_HTTP_BODY_NONE;
  else if (te.count)
    p->body = te.last_chunked ? NP_HTTP_BODY_CHUNKED : NP_HTTP_BODY_CLOSE;
  else if (cl.ptr)
    p->body = p->content_length ? NP_HTTP_BODY_LENGTH : NP_HTTP_BODY_NONE;
  else
    p->body = p->kind == NP_HTTP_REQUEST ? NP_HTTP_BODY_NONE
                                         : NP_HTTP_BODY_CLOSE;
  /* RFC 9112 6.1: Transfer-Encoding in an HTTP/1.0 message means faulty
   * framing: read it, then close. */
  p->keep_alive = persistent(p, &c) && p->body != NP_HTTP_BODY_CLOSE &&
                  !(te.count && p->version_minor == 0);
  p->remaining = p->content_length;
  p->body_done = p->body == NP_HTTP_BODY_NONE;
  np_http_chunked_init(&p->chunked, p->limits.max_chunk_line,
                       p->limits.max_header_bytes);
  return NP_OK;
}

int np_http_parse_body(np_http_parser *p, const char *in, size_t len,
                       size_t *consumed, np_slice *data, np_error *err) {
  *consumed = 0;
  *data = np_slice_from(in, 0);
  if (p->body_done)
    return NP_HTTP_DONE;
  switch (p->body) {
  case NP_HTTP_BODY_LENGTH: {
    if (p->remaining == 0) {
      p->body_done = 1;
      return NP_HTTP_DONE;
    }
    if (len == 0)
      return NP_EAGAIN;
    size_t n = len < p->remaining ? len : (size_t)p->remaining;
    p->remaining -= n;
    *consumed = n;
    *data = np_slice_from(in, n);
    return NP_OK;
  }
  case NP_HTTP_BODY_CHUNKED: {
    int rc = np_http_chunked_next(&p->chunked, in, len, consumed, data, err);
    if (rc == NP_HTTP_DONE)
      p->body_done = 1;
    return rc;
  }
  case NP_HTTP_BODY_CLOSE:
    if (len == 0)
      return NP_EAGAIN;
    *consumed = len;
    *data = np_slice_from(in, len);
    return NP_OK;
  default:
    p->body_done = 1;
    return NP_HTTP_DONE;
  }
}

int np_http_parse_eof(np_http_parser *p, np_error *err) {
  if (p->body_done || p->body == NP_HTTP_BODY_CLOSE ||
      (p->body == NP_HTTP_BODY_LENGTH && p->remaining == 0)) {
    p->body_done = 1;
    return NP_HTTP_DONE;
  }
  if (p->body == NP_HTTP_BODY_LENGTH)
    return np_error_set(err, NP_EHTTP_INCOMPLETE_READ,
                        "IncompleteRead: %llu more bytes expected",
                        (unsigned long long)p->remaining);
  return np_error_set(err, NP_EHTTP_INCOMPLETE_READ,
                      "IncompleteRead: chunked body not terminated");
}
