/* The incremental HTTP/1.x head parser (http.h): start line and fields. */
#include "http/http_internal.h"

#include <string.h>

/* 0x09, 0x20-0x7E and 0x80-0xFF may appear in values; targets are VCHAR. */
#define V NP__HV_VALUE
#define VT (NP__HV_VALUE | NP__HV_TARGET)
#define R16(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
const uint8_t np__http_cc[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, V, 0, 0, 0, 0, 0, 0,
    R16(0),
    V, VT, VT, VT, VT, VT, VT, VT, VT, VT, VT, VT, VT, VT, VT, VT,
    R16(VT), R16(VT), R16(VT), R16(VT),
    VT, VT, VT, VT, VT, VT, VT, VT, VT, VT, VT, VT, VT, VT, VT, 0,
    R16(V), R16(V), R16(V), R16(V), R16(V), R16(V), R16(V), R16(V),
};
#undef V
#undef VT

int np__http_fail(np_error *err, int code, size_t at, const char *what) {
  np_error_set(err, code, "%s (at byte %zu)", what, at);
  if (err)
    err->value = (long)at;
  return code;
}

void np_http_limits_default(np_http_limits *l) {
  l->max_line = NP_HTTP_MAX_LINE;
  l->max_headers = NP_HTTP_MAX_HEADERS;
  l->max_header_bytes = NP_HTTP_MAX_HEADER_BYTES;
  l->max_chunk_line = NP_HTTP_MAX_CHUNK_LINE;
}

void np_http_parser_init(np_http_parser *p, np_http_kind kind) {
  memset(p, 0, sizeof *p);
  p->kind = kind;
  np_http_limits_default(&p->limits);
}

int np_http_parser_set_limits(np_http_parser *p, const np_http_limits *l) {
  if (!p || !l)
    return NP_EINVAL;
  np_http_limits d;
  np_http_limits_default(&d);
  p->limits.max_line = l->max_line ? l->max_line : d.max_line;
  p->limits.max_headers = l->max_headers ? l->max_headers : d.max_headers;
  p->limits.max_header_bytes =
      l->max_header_bytes ? l->max_header_bytes : d.max_header_bytes;
  p->limits.max_chunk_line =
      l->max_chunk_line ? l->max_chunk_line : d.max_chunk_line;
  return NP_OK;
}

/* Clear the per-message fields, keeping the configuration and the array. */
void np_http_parser_reset(np_http_parser *p) {
  np_http_parser q = *p;
  memset(p, 0, sizeof *p);
  p->limits = q.limits;
  p->kind = q.kind;
  p->headers = q.headers;
  p->cap = q.cap;
}

void np_http_parser_free(np_http_parser *p) {
  np_free(p->headers);
  p->headers = NULL;
  p->cap = 0;
  p->nheaders = 0;
}

/* Restart the scan when the caller's buffer moved or shrank. */
static void restart(np_http_parser *p, const char *buf) {
  p->base = buf;
  p->head_len = 0;
  p->pos = 0;
  p->searched = 0;
  p->started = 0;
  p->nheaders = 0;
  p->method = p->target = p->reason = NP_SLICE_NULL;
}

/* "HTTP/d.d" at s[0..8).  Returns 0 on the exact shape, -1 otherwise. */
static int parse_version(const char *s, size_t len, int *major, int *minor) {
  if (len != 8 || memcmp(s, "HTTP/", 5) != 0 || !np__is((unsigned char)s[5], NP_CC_DIGIT) ||
      s[6] != '.' || !np__is((unsigned char)s[7], NP_CC_DIGIT))
    return -1;
  *major = s[5] - '0';
  *minor = s[7] - '0';
  return 0;
}

/* The first control byte in s[0..len) that the class does not allow, as an
 * error: bare CR gets its own status. */
static int bad_byte(const char *s, size_t len, unsigned cls, int code,
                    size_t off, np_error *err, const char *what) {
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (!(np__http_cc[c] & cls)) {
      if (c == '\r')
        return np__http_fail(err, NP_EHTTP_BARE_CR, off + i, "bare CR");
      return np__http_fail(err, code, off + i, what);
    }
  }
  return NP_OK;
}

/* METHOD SP target SP HTTP/d.d, single spaces, nothing else. */
static int parse_request_line(np_http_parser *p, const char *s, size_t len,
                              size_t off, np_error *err) {
  size_t i = 0;
  while (i < len && np__is((unsigned char)s[i], NP_CC_TCHAR))
    i++;
  if (i == 0 || i == len || s[i] != ' ') {
    int rc = bad_byte(s, len, NP__HV_VALUE, NP_EHTTP_BAD_REQUEST_LINE, off,
                      err, "control byte in request line");
    return rc ? rc
              : np__http_fail(err, NP_EHTTP_BAD_REQUEST_LINE, off + i,
                              "method is not a token followed by one space");
  }
  p->method = np_slice_from(s, i);
  size_t t = ++i;
  while (i < len && (np__http_cc[(unsigned char)s[i]] & NP__HV_TARGET))
    i++;
  if (i == t || i == len || s[i] != ' ') {
    if (i < len && s[i] == '\r')
      return np__http_fail(err, NP_EHTTP_BARE_CR, off + i, "bare CR");
    return np__http_fail(err, NP_EHTTP_BAD_REQUEST_LINE, off + i,
                         "request target missing or has a bad byte");
  }
  p->target = np_slice_from(s + t, i - t);
  i++;
  if (parse_version(s + i, len - i, &p->version_major, &p->version_minor)) {
    int rc = bad_byte(s + i, len - i, NP__HV_TARGET, NP_EHTTP_BAD_REQUEST_LINE,
                      off + i, err, "control byte in request line");
    return rc ? rc
              : np__http_fail(err, NP_EHTTP_BAD_VERSION, off + i,
                              "malformed HTTP version");
  }
  if (p->version_major != 1)
    return np__http_fail(err, NP_EHTTP_BAD_VERSION, off + i,
                         "HTTP major version is not 1");
  return NP_OK;
}

/* HTTP/d.d SP 3DIGIT [SP reason]; CPython also accepts no reason at all. */
static int parse_status_line(np_http_parser *p, const char *s, size_t len,
                             size_t off, np_error *err) {
  if (len < 5 || memcmp(s, "HTTP/", 5) != 0)
    return np__http_fail(err, NP_EHTTP_BAD_STATUS_LINE, off,
                         "status line does not start with HTTP/");
  if (len < 8 || parse_version(s, 8, &p->version_major, &p->version_minor) ||
      (len > 8 && s[8] != ' '))
    return np__http_fail(err, NP_EHTTP_UNKNOWN_PROTOCOL, off,
                         "malformed HTTP version");
  if (p->version_major != 1)
    return np__http_fail(err, NP_EHTTP_UNKNOWN_PROTOCOL, off,
                         "HTTP major version is not 1");
  uint64_t code;
  if (len < 12 || np__parse_uint(s + 9, 3, 999, &code) || code < 100 ||
      (len > 12 && s[12] != ' '))
    return np__http_fail(err, NP_EHTTP_BAD_STATUS_LINE, off + 9,
                         "status code is not three digits 100-999");
  p->status = (int)code;
  size_t r = len > 12 ? 13 : 12;
  int rc = bad_byte(s + r, len - r, NP__HV_VALUE, NP_EHTTP_BAD_STATUS_LINE,
                    off + r, err, "control byte in reason phrase");
  if (rc)
    return rc;
  /* CPython strips the reason (HTTPResponse.begin). */
  size_t e = len;
  while (r < e && (s[r] == ' ' || s[r] == '\t'))
    r++;
  while (e > r && (s[e - 1] == ' ' || s[e - 1] == '\t'))
    e--;
  p->reason = np_slice_from(s + r, e - r);
  return NP_OK;
}

static int grow_headers(np_http_parser *p, size_t off, np_error *err) {
  if (p->nheaders >= p->limits.max_headers)
    return np__http_fail(err, NP_EHTTP_TOO_MANY_HEADERS, off,
                         "more header fields than the limit");
  if (p->nheaders < p->cap) /* the common case, without a call */
    return NP_OK;
  /* One array for the parser's life, sized to the limit at first use
   * (small limits) or grown by doubling from 64 (large limits: the
   * capacity may then reach twice the limit, the count never passes it). */
  size_t first = p->limits.max_headers <= 128 ? p->limits.max_headers : 64;
  int rc = np__array_reserve(&p->headers, &p->cap, p->nheaders + 1,
                             sizeof *p->headers, first);
  if (rc != NP_OK)
    return np_error_set(err, rc, "header array");
  return NP_OK;
}

/* Index of the first byte of s[0..n) that may not appear in a value, or
 * n.  Eight bytes at a time: a word with no byte below 0x20 and none equal
 * to 0x7F is all allowed (bytes >= 0x80 are obs-text, allowed); otherwise
 * the exact table decides, byte by byte (HTAB lands there too). */
static size_t value_ok_prefix(const char *s, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w = np__word_load(s + i);
    if (np__word_below(w, 0x20) | np__word_eq(w, 0x7F))
      break;
  }
  while (i < n && (np__http_cc[(unsigned char)s[i]] & NP__HV_VALUE))
    i++;
  return i;
}

/* The value after the colon: OWS trimmed both sides, bytes checked. */
static int field_value(const char *s, size_t len, size_t off, np_slice *out,
                       np_error *err) {
  size_t a = 0, b = len;
  while (a < b && (s[a] == ' ' || s[a] == '\t'))
    a++;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
    b--;
  for (size_t i = a + value_ok_prefix(s + a, b - a); i < b; i++) {
    unsigned char c = (unsigned char)s[i];
    if (NP_UNLIKELY(!(np__http_cc[c] & NP__HV_VALUE))) {
      if (c == '\r')
        return np__http_fail(err, NP_EHTTP_BARE_CR, off + i, "bare CR");
      return np__http_fail(err, NP_EHTTP_BAD_HEADER_VALUE, off + i,
                           "control byte in field value");
    }
  }
  *out = np_slice_from(s + a, b - a);
  return NP_OK;
}

static int parse_field(np_http_parser *p, const char *s, size_t len,
                       size_t off, np_error *err) {
  size_t i = 0;
  while (i < len && np__is((unsigned char)s[i], NP_CC_TCHAR))
    i++;
  if (i == len || s[i] != ':' || i == 0) {
    if (i < len && (s[i] == ' ' || s[i] == '\t') && i > 0 &&
        memchr(s + i, ':', len - i))
      return np__http_fail(err, NP_EHTTP_WS_BEFORE_COLON, off + i,
                           "whitespace between field name and colon");
    if (i < len && s[i] == '\r')
      return np__http_fail(err, NP_EHTTP_BARE_CR, off + i, "bare CR");
    return np__http_fail(err, NP_EHTTP_BAD_HEADER_NAME, off + i,
                         "field name empty, not a token, or without colon");
  }
  int rc = grow_headers(p, off, err);
  if (rc)
    return rc;
  np_http_header *h = &p->headers[p->nheaders];
  h->name = np_slice_from(s, i);
  rc = field_value(s + i + 1, len - i - 1, off + i + 1, &h->value, err);
  if (rc)
    return rc;
  p->nheaders++;
  return NP_OK;
}

/* A line starting with SP/HTAB continues the previous field (obs-fold).
 * Requests refuse it; responses keep "a\r\n  b" as CPython does. */
static int fold_line(np_http_parser *p, const char *s, size_t len,
                     size_t off, np_error *err) {
  if (p->kind == NP_HTTP_REQUEST || p->nheaders == 0)
    return np__http_fail(err, NP_EHTTP_OBS_FOLD, off,
                         "obs-fold (line starting with whitespace)");
  np_slice cont;
  int rc = field_value(s, len, off, &cont, err);
  if (rc)
    return rc;
  np_http_header *h = &p->headers[p->nheaders - 1];
  if (cont.len) {
    /* From the first value byte (or, when the first line had none, from
     * its line end) to the end of the continuation: "a\r\n  b". */
    const char *start = h->value.ptr;
    h->value = np_slice_from(start, (size_t)(cont.ptr + cont.len - start));
  }
  return NP_OK;
}

/* One complete line s[0..len) (line end removed) at offset off.  Returns
 * NP_OK to go on, NP_HTTP_DONE at the empty line, or an error. */
static int parse_line(np_http_parser *p, const char *s, size_t len,
                      size_t off, np_error *err) {
  if (len > p->limits.max_line)
    return np__http_fail(err, NP_EHTTP_LINE_TOO_LONG, off,
                         "line longer than the limit");
  if (!p->started) {
    if (len == 0 && p->kind == NP_HTTP_REQUEST)
      return NP_OK; /* empty lines before a request line are skipped */
    p->started = 1;
    return p->kind == NP_HTTP_REQUEST ? parse_request_line(p, s, len, off, err)
                                      : parse_status_line(p, s, len, off, err);
  }
  if (len == 0)
    return NP_HTTP_DONE;
  if (s[0] == ' ' || s[0] == '\t')
    return fold_line(p, s, len, off, err);
  return parse_field(p, s, len, off, err);
}

int np_http_parse_head(np_http_parser *p, const char *buf, size_t len,
                       size_t *head_len, np_error *err) {
  if (p->head_len && buf == p->base && len >= p->head_len) {
    /* Already complete: calling again must not parse the body as fields. */
    if (head_len)
      *head_len = p->head_len;
    return NP_OK;
  }
  if (buf != p->base || len < p->pos || len < p->searched)
    restart(p, buf);
  for (;;) {
    size_t from = p->searched > p->pos ? p->searched : p->pos;
    const char *nl = from < len ? memchr(buf + from, '\n', len - from) : NULL;
    if (!nl) {
      p->searched = len;
      if (len - p->pos > p->limits.max_line + 1)
        return np__http_fail(err, NP_EHTTP_LINE_TOO_LONG, p->pos,
                             "line longer than the limit");
      if (len > p->limits.max_header_bytes)
        return np__http_fail(err, NP_EHTTP_HEADERS_TOO_LARGE, p->limits.max_header_bytes,
                             "head larger than the limit");
      return NP_EAGAIN;
    }
    size_t end = (size_t)(nl - buf), start = p->pos;
    if (end + 1 > p->limits.max_header_bytes)
      return np__http_fail(err, NP_EHTTP_HEADERS_TOO_LARGE, start,
                           "head larger than the limit");
    size_t n = end - start;
    if (n && buf[end - 1] == '\r')
      n--;
    p->pos = end + 1;
    int rc = parse_line(p, buf + start, n, start, err);
    if (rc == NP_HTTP_DONE) {
      p->head_len = end + 1;
      if (head_len)
        *head_len = end + 1;
      return np__http_finish_head(p, err);
    }
    if (rc)
      return rc;
  }
}

np_slice np_http_header_get(const np_http_parser *p, const char *name) {
  size_t from = 0;
  long i = np_http_header_next(p, name, &from);
  return i < 0 ? NP_SLICE_NULL : p->headers[i].value;
}

long np_http_header_next(const np_http_parser *p, const char *name,
                         size_t *from) {
  size_t n = strlen(name);
  for (size_t i = *from; i < p->nheaders; i++) {
    if (p->headers[i].name.len == n && np__ieq(p->headers[i].name.ptr, name, n)) {
      *from = i + 1;
      return (long)i;
    }
  }
  *from = p->nheaders;
  return -1;
}

int np_http_list_has(np_slice value, const char *token) {
  size_t n = strlen(token), i = 0;
  while (value.ptr && i < value.len) {
    while (i < value.len && (value.ptr[i] == ' ' || value.ptr[i] == '\t' ||
                             value.ptr[i] == ','))
      i++;
    size_t a = i;
    while (i < value.len && value.ptr[i] != ',')
      i++;
    size_t b = i;
    while (b > a && (value.ptr[b - 1] == ' ' || value.ptr[b - 1] == '\t'))
      b--;
    if (b - a == n && np__ieq(value.ptr + a, token, n))
      return 1;
  }
  return 0;
}
