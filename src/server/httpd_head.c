/*
 * HTTP server: the request head parser (request line and headers, checked
 * as BaseHTTPRequestHandler.parse_request checks them) and the status
 * phrase table.
 *
 * The head parser is the server's own until the HTTP message engine of
 * src/http offers a request parser; then this file should call it.
 */
#include "server/httpd_internal.h"

#include <stdio.h>
#include <string.h>

/* Reason phrases and explanations (http.HTTPStatus phrase/description). */
static const struct {
  int code;
  const char *phrase, *explain;
} np__statuses[] = {
    {100, "Continue", "Request received, please continue"},
    {101, "Switching Protocols", "Switching to new protocol; obey Upgrade header"},
    {102, "Processing", ""},
    {103, "Early Hints", ""},
    {200, "OK", "Request fulfilled, document follows"},
    {201, "Created", "Document created, URL follows"},
    {202, "Accepted", "Request accepted, processing continues off-line"},
    {203, "Non-Authoritative Information", "Request fulfilled from cache"},
    {204, "No Content", "Request fulfilled, nothing follows"},
    {205, "Reset Content", "Clear input form for further input"},
    {206, "Partial Content", "Partial content follows"},
    {207, "Multi-Status", ""},
    {208, "Already Reported", ""},
    {226, "IM Used", ""},
    {300, "Multiple Choices", "Object has several resources -- see URI list"},
    {301, "Moved Permanently", "Object moved permanently -- see URI list"},
    {302, "Found", "Object moved temporarily -- see URI list"},
    {303, "See Other", "Object moved -- see Method and URL list"},
    {304, "Not Modified", "Document has not changed since given time"},
    {305, "Use Proxy", "You must use proxy specified in Location to access this resource"},
    {307, "Temporary Redirect", "Object moved temporarily -- see URI list"},
    {308, "Permanent Redirect", "Object moved permanently -- see URI list"},
    {400, "Bad Request", "Bad request syntax or unsupported method"},
    {401, "Unauthorized", "No permission -- see authorization schemes"},
    {402, "Payment Required", "No payment -- see charging schemes"},
    {403, "Forbidden", "Request forbidden -- authorization will not help"},
    {404, "Not Found", "Nothing matches the given URI"},
    {405, "Method Not Allowed", "Specified method is invalid for this resource"},
    {406, "Not Acceptable", "URI not available in preferred format"},
    {407, "Proxy Authentication Required", "You must authenticate with this proxy before proceeding"},
    {408, "Request Timeout", "Request timed out; try again later"},
    {409, "Conflict", "Request conflict"},
    {410, "Gone", "URI no longer exists and has been permanently removed"},
    {411, "Length Required", "Client must specify Content-Length"},
    {412, "Precondition Failed", "Precondition in headers is false"},
    {413, "Request Entity Too Large", "Entity is too large"},
    {414, "Request-URI Too Long", "URI is too long"},
    {415, "Unsupported Media Type", "Entity body in unsupported format"},
    {416, "Requested Range Not Satisfiable", "Cannot satisfy request range"},
    {417, "Expectation Failed", "Expect condition could not be satisfied"},
    {418, "I'm a Teapot", "Server refuses to brew coffee because it is a teapot."},
    {421, "Misdirected Request", "Server is not able to produce a response"},
    {422, "Unprocessable Entity", ""},
    {423, "Locked", ""},
    {424, "Failed Dependency", ""},
    {425, "Too Early", ""},
    {426, "Upgrade Required", ""},
    {428, "Precondition Required", "The origin server requires the request to be conditional"},
    {429, "Too Many Requests", "The user has sent too many requests in a given amount of time (\"rate limiting\")"},
    {431, "Request Header Fields Too Large", "The server is unwilling to process the request because its header fields are too large"},
    {451, "Unavailable For Legal Reasons", "The server is denying access to the resource as a consequence of a legal demand"},
    {500, "Internal Server Error", "Server got itself in trouble"},
    {501, "Not Implemented", "Server does not support this operation"},
    {502, "Bad Gateway", "Invalid responses from another server/proxy"},
    {503, "Service Unavailable", "The server cannot process the request due to a high load"},
    {504, "Gateway Timeout", "The gateway server did not receive a timely response"},
    {505, "HTTP Version Not Supported", "Cannot fulfill request"},
    {506, "Variant Also Negotiates", ""},
    {507, "Insufficient Storage", ""},
    {508, "Loop Detected", ""},
    {510, "Not Extended", ""},
    {511, "Network Authentication Required", "The client needs to authenticate to gain network access"},
};

static int np__status_index(int code) {
  for (size_t i = 0; i < NP_ARRAY_LEN(np__statuses); i++)
    if (np__statuses[i].code == code)
      return (int)i;
  return -1;
}

const char *np_httpd_reason(int code) {
  int i = np__status_index(code);
  return i < 0 ? "" : np__statuses[i].phrase;
}

const char *np_httpd_explain(int code) {
  int i = np__status_index(code);
  return i < 0 ? "" : np__statuses[i].explain;
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
    if (!np_slice_ieq_cstr(w[0], "GET") || memcmp(w[0].ptr, "GET", 3) != 0)
      return np__head_fail(r, 400, "Bad HTTP/0.9 request type ('%s')", w[0]);
  } else {
    r->version = w[2];
  }
  /* gh-87389: "//host/x" would make a redirect to another site; keep one
   * leading slash, as '/' + path.lstrip('/'). */
  size_t k = 0;
  while (k < r->path.len && r->path.ptr[k] == '/')
    k++;
  if (k > 1)
    r->path = np_slice_from(r->path.ptr + k - 1, r->path.len - k + 1);
  return NP_OK;
}

static np_slice np__trim(const char *s, size_t len) {
  while (len > 0 && (*s == ' ' || *s == '\t'))
    s++, len--;
  while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
    len--;
  return np_slice_from(s, len);
}

/* One header line (without its line end) into r->hdrs. */
static int np__parse_header(np_httpd_req *r, const char *s, size_t len) {
  const char *colon = memchr(s, ':', len);
  np_slice line = np_slice_from(s, len);
  if (len > 0 && (s[0] == ' ' || s[0] == '\t'))
    return np__head_fail(r, 400, "Folded header line ('%s')", line);
  if (!colon || colon == s)
    return np__head_fail(r, 400, "Bad header line ('%s')", line);
  for (const char *p = s; p < colon; p++)
    if (!np__is((unsigned char)*p, NP_CC_TCHAR))
      return np__head_fail(r, 400, "Bad header name ('%s')", line);
  np_slice v = np__trim(colon + 1, len - (size_t)(colon + 1 - s));
  for (size_t i = 0; i < v.len; i++) {
    unsigned char ch = (unsigned char)v.ptr[i];
    if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
      return np__head_fail(r, 400, "Bad header value ('%s')", line);
  }
  if (r->nhdrs >= r->h->o.max_headers) {
    r->err_code = 431;
    r->err_msg = "Too many headers";
    return NP_EINVAL;
  }
  r->hdrs[2 * r->nhdrs] = np_slice_from(s, (size_t)(colon - s));
  r->hdrs[2 * r->nhdrs + 1] = v;
  r->nhdrs++;
  return NP_OK;
}

/* Headers that change how the request is read or answered. */
static int np__head_semantics(np_httpd_req *r) {
  np_slice conn = np_httpd_header(r, "Connection");
  if (conn.ptr && np_slice_ieq_cstr(conn, "close"))
    r->close_connection = true;
  else if (conn.ptr && np_slice_ieq_cstr(conn, "keep-alive") && r->h->http11)
    r->close_connection = false;
  if (np_httpd_header(r, "Transfer-Encoding").ptr) {
    r->err_code = 501;
    r->err_msg = "Transfer-Encoding is not supported";
    return NP_EINVAL;
  }
  r->content_length = 0;
  bool seen = false;
  for (size_t i = 0; i < r->nhdrs; i++) {
    if (!np_slice_ieq_cstr(r->hdrs[2 * i], "Content-Length"))
      continue;
    np_slice v = r->hdrs[2 * i + 1];
    uint64_t n;
    int rc = np__parse_uint(v.ptr, v.len, UINT64_MAX, &n);
    if (rc != NP_OK || (seen && n != r->content_length))
      return np__head_fail(r, 400, "Bad Content-Length ('%s')", v);
    seen = true;
    r->content_length = n;
  }
  if (r->content_length > r->h->o.max_body) {
    r->err_code = 413;
    r->err_msg = NULL;
    return NP_EINVAL;
  }
  np_slice ex = np_httpd_header(r, "Expect");
  r->expect_continue = ex.ptr && np_slice_ieq_cstr(ex, "100-continue") &&
                       r->vmajor == 1 && r->vminor >= 1 && !r->http09;
  return NP_OK;
}

int np__httpd_parse_head(np_httpd_req *r, const char *buf, size_t len,
                         size_t *used) {
  size_t max_line = r->h->o.max_line;
  const char *nl = memchr(buf, '\n', len < max_line + 1 ? len : max_line + 1);
  if (!nl) {
    if (len > max_line) {
      r->err_code = 414;
      r->err_msg = NULL;
      return NP_EINVAL;
    }
    return NP_EAGAIN;
  }
  int rc = np__parse_request_line(r, buf, (size_t)(nl - buf));
  if (rc != NP_OK)
    return rc;
  if (r->http09) { /* no headers follow a simple request */
    *used = (size_t)(nl + 1 - buf);
    return NP_OK;
  }
  const char *p = nl + 1, *end = buf + len;
  r->nhdrs = 0;
  for (;;) {
    size_t left = (size_t)(end - p);
    const char *e = memchr(p, '\n', left < max_line + 1 ? left : max_line + 1);
    if (!e) {
      if (left > max_line) {
        r->err_code = 431;
        r->err_msg = "Line too long";
        return NP_EINVAL;
      }
      return NP_EAGAIN;
    }
    size_t ll = (size_t)(e - p);
    if (ll > 0 && p[ll - 1] == '\r')
      ll--;
    if (ll == 0) {
      *used = (size_t)(e + 1 - buf);
      return np__head_semantics(r);
    }
    rc = np__parse_header(r, p, ll);
    if (rc != NP_OK)
      return rc;
    p = e + 1;
  }
}
