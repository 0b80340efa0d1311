/* DefaultCookiePolicy and the request facts it reads (RFC 2965 names). */
#include "cookiejar/jar_internal.h"

#include "netproto/url.h"

#include <string.h>

void np_cookie_policy_init(np_cookie_policy *p) {
  memset(p, 0, sizeof *p);
  p->netscape = true;
  p->rfc2109_as_netscape = -1;
  p->strict_rfc2965_unverifiable = true;
}

/* ---- string helpers with Python's meaning ---------------------------- */

bool np__ck_endswith(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return k <= n && memcmp(s + n - k, suffix, k) == 0;
}

bool np__ck_startswith(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool np__ck_pyint(const char *s, size_t len, long long *out) {
  size_t i = 0, e = len;
  while (i < e && np__is_pyspace((unsigned char)s[i]))
    i++;
  while (e > i && np__is_pyspace((unsigned char)s[e - 1]))
    e--;
  int sign = 1;
  if (i < e && (s[i] == '+' || s[i] == '-'))
    sign = s[i++] == '-' ? -1 : 1;
  if (i == e)
    return false;
  long long v = 0;
  for (size_t k = i; k < e; k++) {
    char c = s[k];
    if (c == '_') {
      if (k == i || k + 1 == e || s[k + 1] == '_' ||
          !np__is((unsigned char)s[k - 1], NP_CC_DIGIT))
        return false;
      continue;
    }
    if (!np__is((unsigned char)c, NP_CC_DIGIT))
      return false;
    if (v < 1000000000000000LL)
      v = v * 10 + (c - '0');
  }
  *out = sign * v;
  return true;
}

static void lower_into(char *d, const char *s) {
  while (*s)
    *d++ = (char)np__lower((unsigned char)*s++);
  *d = 0;
}

/* IPV4_RE = \.\d+$ */
static bool ipv4_tail(const char *s) {
  size_t n = strlen(s), k = n;
  while (k > 0 && np__is((unsigned char)s[k - 1], NP_CC_DIGIT))
    k--;
  return k < n && k > 0 && s[k - 1] == '.';
}

static bool is_hdn(const char *s) {
  size_t n = strlen(s);
  return !ipv4_tail(s) && n && s[0] != '.' && s[n - 1] != '.';
}

/* A.rfind(B), or -1. */
static long rfind(const char *a, const char *b) {
  size_t n = strlen(a), k = strlen(b);
  if (k > n)
    return -1;
  for (size_t i = n - k + 1; i-- > 0;)
    if (memcmp(a + i, b, k) == 0)
      return (long)i;
  return -1;
}

/* Run f on lower-cased copies of a and b (domains are short; heap copies
 * keep this free of length limits). */
#define WITH_LOWER(a, b, body)                                              \
  do {                                                                      \
    char *A = np_malloc(strlen(a) + 1), *B = np_malloc(strlen(b) + 1);      \
    bool r_ = false;                                                        \
    if (A && B) {                                                           \
      lower_into(A, a);                                                     \
      lower_into(B, b);                                                     \
      body                                                                  \
    }                                                                       \
    np_free(A);                                                             \
    np_free(B);                                                             \
    return r_;                                                              \
  } while (0)

bool np__ck_domain_match(const char *a, const char *b) {
  WITH_LOWER(a, b, {
    if (strcmp(A, B) == 0)
      r_ = true;
    else if (is_hdn(A)) {
      long i = rfind(A, B);
      r_ = i > 0 && B[0] == '.' && is_hdn(B + 1);
    }
  });
}

bool np__ck_user_domain_match(const char *a, const char *b) {
  WITH_LOWER(a, b, {
    if (ipv4_tail(A) || ipv4_tail(B))
      r_ = strcmp(A, B) == 0;
    else if (B[0] == '.')
      r_ = np__ck_endswith(A, B);
    else
      r_ = strcmp(A, B) == 0;
  });
}

/* reach(h) into out. */
static int reach(np_buf *out, const char *h) {
  const char *dot = strchr(h, '.');
  if (dot) {
    const char *b = dot + 1;
    if (is_hdn(h) && (strchr(b, '.') || strcmp(b, "local") == 0))
      return np_buf_append_cstr(out, dot);
  }
  return np_buf_append_cstr(out, h);
}

int np__ck_escape_path(np_buf *out, const char *path, size_t len) {
  size_t start = out->len;
  int rc = np_quote(out, path, len, "%/;:@&=+$,!~*'()");
  for (size_t i = start; rc == NP_OK && i + 2 < out->len + 0; i++)
    if (out->data[i] == '%' && np__hexval[(unsigned char)out->data[i + 1]] >= 0 &&
        np__hexval[(unsigned char)out->data[i + 2]] >= 0) {
      out->data[i + 1] = (char)np__upper((unsigned char)out->data[i + 1]);
      out->data[i + 2] = (char)np__upper((unsigned char)out->data[i + 2]);
      i += 2;
    }
  return rc;
}

/* ---- request facts --------------------------------------------------- */

/* Append s and its NUL; *off gets where it starts. */
static int put_str(np_buf *b, const char *s, size_t len, size_t *off) {
  *off = b->len;
  int rc = np_buf_append(b, s ? s : "", len);
  return rc == NP_OK ? np_buf_putc(b, 0) : rc;
}

/* request_host: the netloc (or Host header), ":digits" cut off, lower. */
static int put_host(np_buf *b, np_slice netloc, const char *host_header,
                    size_t *off) {
  const char *h = netloc.ptr;
  size_t n = netloc.len;
  if (n == 0) {
    h = host_header ? host_header : "";
    n = strlen(h);
  }
  size_t k = n;
  while (k > 0 && np__is((unsigned char)h[k - 1], NP_CC_DIGIT))
    k--;
  if (k < n && k > 0 && h[k - 1] == ':')
    n = k - 1;
  int rc = put_str(b, h, n, off);
  for (size_t i = *off; rc == NP_OK && i < *off + n; i++)
    b->data[i] = (char)np__lower((unsigned char)b->data[i]);
  return rc;
}

/* request_port: what follows the host's first ':' if int() takes it. */
static int put_port(np_buf *b, np_slice netloc, size_t *off, bool *ok) {
  const char *c = memchr(netloc.ptr ? netloc.ptr : "", ':', netloc.len);
  long long v;
  *ok = true;
  if (!c)
    return put_str(b, "80", 2, off);
  size_t k = (size_t)(c + 1 - netloc.ptr);
  if (!np__ck_pyint(c + 1, netloc.len - k, &v)) {
    *ok = false;
    return put_str(b, "", 0, off);
  }
  return put_str(b, c + 1, netloc.len - k, off);
}

int np_cookie_reqinfo_make(np_cookie_reqinfo *info, np_buf *b,
                           const np_cookie_request *req) {
  np_url u;
  np_url_init(&u);
  np_buf_reset(b);
  size_t o_scheme = 0, o_host = 0, o_erhn = 0, o_path = 0, o_port = 0;
  bool port_ok = false;
  int rc = np_urlsplit(&u, req->url, req->url_len, NULL, 0, NULL);
  if (rc == NP_OK)
    rc = put_str(b, u.scheme.ptr, u.scheme.len, &o_scheme);
  if (rc == NP_OK)
    rc = put_host(b, u.netloc, req->host_header, &o_host);
  if (rc == NP_OK) {
    o_erhn = b->len;
    size_t hl = o_erhn - o_host - 1;
    /* reserve first: appending b's own bytes must not move them */
    rc = np_buf_reserve(b, hl + 8);
    if (rc == NP_OK)
      rc = np_buf_append(b, b->data + o_host, hl);
    if (rc == NP_OK && !strchr(b->data + o_host, '.'))
      rc = np_buf_append_cstr(b, ".local");
    if (rc == NP_OK)
      rc = np_buf_putc(b, 0);
  }
  if (rc == NP_OK) {
    o_path = b->len;
    if (!(u.path.len && u.path.ptr[0] == '/'))
      rc = np_buf_putc(b, '/');
    if (rc == NP_OK)
      rc = np__ck_escape_path(b, u.path.ptr, u.path.len);
    if (rc == NP_OK)
      rc = np_buf_putc(b, 0);
  }
  if (rc == NP_OK)
    rc = put_port(b, u.netloc, &o_port, &port_ok);
  np_buf rbuf; /* reach() reads the host, so it must not write into b */
  np_buf_init(&rbuf, 0);
  if (rc == NP_OK)
    rc = reach(&rbuf, req->origin_req_host ? req->origin_req_host
                                           : b->data + o_host);
  if (rc == NP_OK && !rbuf.data)
    rc = np_buf_append(&rbuf, "", 0);
  np_url_free(&u);
  if (rc != NP_OK) {
    np_buf_free(&rbuf);
    return rc;
  }
  info->req = req;
  info->scheme = b->data + o_scheme;
  info->host = b->data + o_host;
  info->erhn = b->data + o_erhn;
  info->path = b->data + o_path;
  info->port = port_ok ? b->data + o_port : NULL;
  info->unverifiable = req->unverifiable;
  info->third_party = !np__ck_domain_match(info->host, rbuf.data);
  np_buf_free(&rbuf);
  return NP_OK;
}
