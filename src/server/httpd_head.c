/*
 * HTTP server: reading a request head.  The HTTP message engine
 * (netproto/http.h) parses it, strictly (RFC 9112); this file turns the
 * engine's answer into BaseHTTPRequestHandler's: the request's fields,
 * close_connection as parse_request decides it, and for a request the
 * engine refuses, the status and message Python's parse_request would
 * send (its request-line checks are repeated here for that), plus
 * HTTP/0.9 simple requests, which Python still serves.
 */
#include "server/httpd_internal.h"

#include "netproto/http.h"

#include <stdio.h>
#include <string.h>

const char *np_httpd_reason(int code) { return np_http_status_phrase(code); }

const char *np_httpd_explain(int code) {
  const np_http_status_info *i = np_http_status_lookup(code);
  return i ? i->description : "";
}

static int np__head_fail(np_httpd_req *r, int code, const char *fmt,
                         np_slice arg) {
  r->err_code = code;
  /* The argument is shown as Python's %r would: quoted, printable only. */
  char q[64];
  size_t n = 0;
  for (size_t i = 0; i < arg.len && n + 5 < sizeof q; i++) {
    unsigned char ch = (unsigned char)arg.ptr[i];
    if (ch >= 0x20 && ch < 0x7f && ch != '\'' && ch != '\\')
      q[n++] = (char)ch;
    else
      n += (size_t)snprintf(q + n, sizeof q - n, "\\x%02x", ch);
  }
  q[n] = '\0';
  snprintf(r->err_buf, sizeof r->err_buf, fmt, q);
  r->err_msg = r->err_buf;
  return NP_EINVAL;
}

/* gh-87389: "//host/x" would make a redirect to another site; keep one
 * leading slash, as '/' + path.lstrip('/'). */
static void np__collapse_slashes(np_httpd_req *r) {
  size_t k = 0;
  while (k < r->path.len && r->path.ptr[k] == '/')
    k++;
  if (k > 1)
    r->path = np_slice_from(r->path.ptr + k - 1, r->path.len - k + 1);
}

static bool np__is_ws(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* Split the request line into at most 4 words (more is an error anyway). */
static size_t np__split_words(const char *s, size_t len, np_slice *w) {
  size_t n = 0, i = 0;
  while (i < len && n < 4) {
    while (i < len && np__is_ws((unsigned char)s[i]))
      i++;
    if (i == len)
      break;
    size_t b = i;
    while (i < len && !np__is_ws((unsigned char)s[i]))
      i++;
    w[n++] = np_slice_from(s + b, i - b);
  }
  while (i < len && np__is_ws((unsigned char)s[i]))
    i++;
  if (i < len)
    n = 5; /* a fifth word: too many */
  return n;
}

/* "HTTP/x.y": digits only, at most 10 each, as Python checks. */
static int np__parse_version(np_httpd_req *r, np_slice v) {
  if (v.len < 5 || memcmp(v.ptr, "HTTP/", 5) != 0)
    return np__head_fail(r, 400, "Bad request version ('%s')", v);
  const char *p = v.ptr + 5, *end = v.ptr + v.len;
  const char *dot = memchr(p, '.', (size_t)(end - p));
  uint64_t maj, min;
  if (!dot || dot - p > 10 || end - dot - 1 > 10 ||
      memchr(dot + 1, '.', (size_t)(end - dot - 1)) ||
      np__parse_uint(p, (size_t)(dot - p), UINT64_MAX, &maj) != NP_OK ||
      np__parse_uint(dot + 1, (size_t)(end - dot - 1), UINT64_MAX, &min) !=
          NP_OK)
    return np__head_fail(r, 400, "Bad request version ('%s')", v);
  if (maj >= 2)
    return np__head_fail(r, 505, "Invalid HTTP version (%s)",
                         np_slice_from(v.ptr + 5, v.len - 5));
  r->vmajor = (int)maj;
  r->vminor = min > 1000 ? 1000 : (int)min;
  if ((maj > 1 || (maj == 1 && min >= 1)) && r->h->http11)
    r->close_connection = false;
  return NP_OK;
}

static int np__parse_request_line(np_httpd_req *r, const char *s,
                                  size_t len) {
  while (len > 0 && (s[len - 1] == '\r' || s[len - 1] == '\n'))
    len--;
  r->requestline = np_slice_from(s, len);
  np_slice w[4];
  size_t n = np__split_words(s, len, w);
  if (n == 0)
    return NP_EOF;
  r->close_connection = true;
  if (n >= 3 && n <= 4 && np__parse_version(r, w[n - 1]) != NP_OK)
    return NP_EINVAL;
  if (n < 2 || n > 3)
    return np__head_fail(r, 400, "Bad request syntax ('%s')",
                         r->requestline);
  r->command = w[0];
  r->path = w[1];
  if (n == 2) {
    r->http09 = true;
    r->version = np_slice_cstr("HTTP/0.9");
    if (!np_slice_eq(w[0], np_slice_cstr("GET"))) /* case matters */
      return np__head_fail(r, 400, "Bad HTTP/0.9 request type ('%s')", w[0]);
  } else {
    r->version = w[2];
  }
  np__collapse_slashes(r);
  return NP_OK;
}

/* What to answer for a head the engine refused. */
static int np__engine_refusal(np_httpd_req *r, int rc, const np_error *e,
                              const char *buf, size_t len, size_t *used) {
  const char *nl = memchr(buf, '\n', len);
  size_t line = nl ? (size_t)(nl - buf) : len;
  bool in_line = (size_t)e->value <= line;
  switch (rc) {
  case NP_EHTTP_LINE_TOO_LONG:
    r->err_code = in_line ? 414 : 431;
    r->err_msg = in_line ? NULL : "Line too long";
    return NP_EINVAL;
  case NP_EHTTP_TOO_MANY_HEADERS:
    r->err_code = 431;
    r->err_msg = "Too many headers";
    return NP_EINVAL;
  case NP_EHTTP_HEADERS_TOO_LARGE:
    r->err_code = 431;
    r->err_msg = NULL;
    return NP_EINVAL;
  case NP_EHTTP_BAD_TRANSFER_ENCODING:
    r->err_code = 501;
    r->err_msg = "Transfer-Encoding not implemented";
    return NP_EINVAL;
  case NP_ENOMEM:
    r->err_code = 503;
    r->err_msg = NULL;
    return NP_EINVAL;
  default:
    break;
  }
  if (nl && in_line) {
    /* The request line: Python's checks give Python's message; what they
     * accept and the engine does not is an HTTP/0.9 request or extra
     * white space. */
    int lrc = np__parse_request_line(r, buf, line);
    if (lrc == NP_EOF || lrc == NP_EINVAL)
      return lrc;
    if (r->http09) {
      *used = line + 1;
      r->nhdrs = 0;
      return NP_OK;
    }
    return np__head_fail(r, 400, "Bad request syntax ('%s')",
                         r->requestline);
  }
  snprintf(r->err_buf, sizeof r->err_buf, "Bad request (%.80s)", e->message);
  r->err_code = 400;
  r->err_msg = r->err_buf;
  return NP_EINVAL;
}

/* close_connection as parse_request sets it. */
static void np__keep_alive(np_httpd_req *r) {
  r->close_connection = !(r->vmajor == 1 && r->vminor >= 1 && r->h->http11);
  np_slice conn = np_httpd_header(r, "Connection");
  if (conn.ptr && np_slice_ieq_cstr(conn, "close"))
    r->close_connection = true;
  else if (conn.ptr && np_slice_ieq_cstr(conn, "keep-alive") && r->h->http11)
    r->close_connection = false;
}

int np__httpd_parse_head(np_httpd_req *r, const char *buf, size_t len,
                         size_t *used) {
  /* An empty request line: parse_request gives up without a word. */
  if (len >= 1 && (buf[0] == '\n' || (buf[0] == '\r' && len >= 2 &&
                                      buf[1] == '\n')))
    return NP_EOF;
  np_http_parser *p = &r->w->parser;
  np_http_parser_reset(p);
  np_error e = NP_ERROR_INIT;
  size_t head = 0;
  int rc = np_http_parse_head(p, buf, len, &head, &e);
  if (rc == NP_EAGAIN)
    return NP_EAGAIN;
  if (rc != NP_OK)
    return np__engine_refusal(r, rc, &e, buf, len, used);
  const char *nl = memchr(buf, '\n', len);
  size_t line = (size_t)(nl - buf);
  while (line > 0 && (buf[line - 1] == '\r' || buf[line - 1] == '\n'))
    line--;
  r->requestline = np_slice_from(buf, line);
  r->command = p->method;
  r->path = p->target;
  r->version = np_slice_from(buf + line - 8, 8); /* "HTTP/d.d", checked */
  r->vmajor = p->version_major;
  r->vminor = p->version_minor;
  r->hdrs = p->headers;
  r->nhdrs = p->nheaders;
  np__collapse_slashes(r);
  np__keep_alive(r);
  r->chunked = p->body == NP_HTTP_BODY_CHUNKED;
  r->content_length = p->body == NP_HTTP_BODY_LENGTH ? p->content_length : 0;
  if (r->content_length > r->h->o.max_body) {
    r->err_code = 413;
    r->err_msg = NULL;
    return NP_EINVAL;
  }
  r->expect_continue = p->expect_continue != 0;
  *used = head;
  return NP_OK;
}

int np__httpd_chunked_body(np_httpd_req *r, const char *in, size_t len,
                           np_buf *out, size_t *used) {
  np_http_chunked ch;
  np_http_chunked_init(&ch, 0, r->h->o.max_line);
  np_buf_reset(out);
  size_t off = 0;
  for (;;) {
    size_t consumed = 0;
    np_slice data = NP_SLICE_NULL;
    np_error e = NP_ERROR_INIT;
    int rc = np_http_chunked_next(&ch, in + off, len - off, &consumed, &data,
                                  &e);
    off += consumed;
    if (data.len && np_buf_append(out, data.ptr, data.len) != NP_OK) {
      r->err_code = 413;
      r->err_msg = NULL;
      return NP_EINVAL;
    }
    if (rc == NP_HTTP_DONE) {
      *used = off;
      return NP_OK;
    }
    if (rc == NP_EAGAIN)
      return NP_EAGAIN;
    if (rc != NP_OK) {
      snprintf(r->err_buf, sizeof r->err_buf, "Bad chunked body (%.60s)",
               e.message);
      r->err_code = 400;
      r->err_msg = r->err_buf;
      return NP_EINVAL;
    }
  }
}
