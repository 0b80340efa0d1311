/* wsgiref.util: URIs from an environ, shift_path_info, testing defaults,
 * hop-by-hop names, and the checks the gateway shares. */
#include "gateway/gw_internal.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

static bool slice_is(np_slice s, const char *lit) {
  size_t n = strlen(lit);
  return s.ptr && s.len == n && memcmp(s.ptr, lit, n) == 0;
}

const char *np_gw_guess_scheme(const np_gw_environ *e) {
  np_slice h = np_gw_environ_get(e, "HTTPS");
  if (slice_is(h, "yes") || slice_is(h, "on") || slice_is(h, "1"))
    return "https";
  return "http";
}

/* Python's quote(): letters, digits, "_.-~" and the safe set stay, every
 * other byte becomes %XX (the environ's strings are latin-1, so a byte is
 * a character). */
int np__gw_quote(np_buf *out, const char *s, size_t len, const char *safe) {
  int rc = np_buf_reserve(out, len);
  for (size_t i = 0; rc == NP_OK && i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (np__is(c, NP_CC_UNRESERVED) || (c && strchr(safe, c))) {
      rc = np_buf_putc(out, c);
    } else {
      char esc[3] = {'%', np__hexdigits_upper[c >> 4],
                     np__hexdigits_upper[c & 15]};
      rc = np_buf_append(out, esc, 3);
    }
  }
  return rc;
}

int np_gw_application_uri(const np_gw_environ *e, np_buf *out) {
  np_slice scheme = np_gw_environ_get(e, "wsgi.url_scheme");
  int rc = np_buf_append_slice(out, scheme.ptr ? scheme : np_slice_cstr("http"));
  if (rc == NP_OK)
    rc = np_buf_append_cstr(out, "://");
  np_slice host = np_gw_environ_get(e, "HTTP_HOST");
  if (rc == NP_OK && host.ptr && host.len) {
    rc = np_buf_append_slice(out, host);
  } else if (rc == NP_OK) {
    rc = np_buf_append_slice(out, np_gw_environ_get(e, "SERVER_NAME"));
    np_slice port = np_gw_environ_get(e, "SERVER_PORT");
    const char *dflt = slice_is(scheme, "https") ? "443" : "80";
    if (rc == NP_OK && !slice_is(port, dflt)) {
      rc = np_buf_putc(out, ':');
      if (rc == NP_OK)
        rc = np_buf_append_slice(out, port);
    }
  }
  np_slice script = np_gw_environ_get(e, "SCRIPT_NAME");
  if (rc == NP_OK) {
    if (script.len)
      rc = np__gw_quote(out, script.ptr, script.len, "/");
    else
      rc = np_buf_putc(out, '/');
  }
  return rc;
}

int np_gw_request_uri(const np_gw_environ *e, bool include_query,
                      np_buf *out) {
  int rc = np_gw_application_uri(e, out);
  np_slice path = np_gw_environ_get(e, "PATH_INFO");
  np_slice script = np_gw_environ_get(e, "SCRIPT_NAME");
  if (rc == NP_OK && path.len) {
    /* With no SCRIPT_NAME the application URI already ends in "/": Python
     * drops the first character of the quoted PATH_INFO. */
    size_t mark = out->len;
    rc = np__gw_quote(out, path.ptr, path.len, "/;=,");
    if (rc == NP_OK && !script.len) {
      memmove(out->data + mark, out->data + mark + 1, out->len - mark - 1);
      out->len--;
      out->data[out->len] = '\0';
    }
  }
  np_slice q = np_gw_environ_get(e, "QUERY_STRING");
  if (rc == NP_OK && include_query && q.len) {
    rc = np_buf_putc(out, '?');
    if (rc == NP_OK)
      rc = np_buf_append_slice(out, q);
  }
  return rc;
}

/* posixpath.normpath of s[0..len), appended to out. */
static int normpath(const char *s, size_t len, np_buf *out) {
  if (len == 0)
    return np_buf_putc(out, '.');
  size_t slashes = 0;
  while (slashes < len && s[slashes] == '/')
    slashes++;
  /* POSIX: exactly two leading slashes are kept, three or more are one. */
  size_t lead = slashes == 2 ? 2 : slashes ? 1 : 0;
  size_t start = out->len;
  int rc = np_buf_append(out, "//", lead);
  size_t base = out->len;
  size_t depth = 0; /* segments that a ".." may remove */
  for (size_t i = slashes; rc == NP_OK && i < len;) {
    size_t j = i;
    while (j < len && s[j] != '/')
      j++;
    size_t n = j - i;
    const char *seg = s + i;
    i = j + 1;
    if (n == 0 || (n == 1 && seg[0] == '.'))
      continue;
    if (n == 2 && seg[0] == '.' && seg[1] == '.') {
      if (depth > 0) {
        /* drop the last segment and its separator */
        char *p = out->data + out->len;
        while (p > out->data + base && p[-1] != '/')
          p--;
        if (p > out->data + base)
          p--;
        out->len = (size_t)(p - out->data);
        out->data[out->len] = '\0';
        depth--;
        continue;
      }
      if (lead)
        continue; /* "/.." is "/" */
    } else {
      depth++;
    }
    if (out->len > base)
      rc = np_buf_putc(out, '/');
    if (rc == NP_OK)
      rc = np_buf_append(out, seg, n);
  }
  if (rc == NP_OK && out->len == start)
    rc = np_buf_putc(out, '.');
  return rc;
}

int np_gw_shift_path_info(np_gw_environ *e, np_buf *name, bool *has_name) {
  *has_name = false;
  np_slice path = np_gw_environ_get(e, "PATH_INFO");
  if (!path.len)
    return NP_OK;
  /* Python splits on "/", keeps the part before the first "/" (usually
   * empty), drops empty and "." segments between the second and the last,
   * then moves the second part (the last one may be ""). */
  const char *slash0 = memchr(path.ptr, '/', path.len);
  if (!slash0)
    return NP_EINVAL; /* one part only: Python raises IndexError */
  np_buf rest;
  np_buf_init(&rest, 0);
  int rc = np_buf_append(&rest, path.ptr, (size_t)(slash0 - path.ptr));
  const char *p = slash0 + 1, *end = path.ptr + path.len;
  np_slice first = NP_SLICE_NULL;
  while (rc == NP_OK) {
    const char *slash = memchr(p, '/', (size_t)(end - p));
    const char *stop = slash ? slash : end;
    np_slice seg = np_slice_from(p, (size_t)(stop - p));
    bool last = !slash;
    bool keep = last || (seg.len && !(seg.len == 1 && seg.ptr[0] == '.'));
    if (keep && !first.ptr) {
      first = seg;
    } else if (keep) {
      rc = np_buf_putc(&rest, '/');
      if (rc == NP_OK)
        rc = np_buf_append_slice(&rest, seg);
    }
    if (last)
      break;
    p = slash + 1;
  }
  np_buf script;
  np_buf_init(&script, 0);
  np_slice old = np_gw_environ_get(e, "SCRIPT_NAME");
  if (rc == NP_OK)
    rc = np_buf_append_slice(&script, old);
  if (rc == NP_OK)
    rc = np_buf_putc(&script, '/');
  if (rc == NP_OK)
    rc = np_buf_append_slice(&script, first);
  np_buf norm;
  np_buf_init(&norm, 0);
  if (rc == NP_OK)
    rc = normpath(script.data, script.len, &norm);
  if (rc == NP_OK && norm.len && norm.data[norm.len - 1] == '/')
    norm.data[--norm.len] = '\0';
  if (rc == NP_OK && first.len == 0 &&
      !(norm.len && norm.data[norm.len - 1] == '/'))
    rc = np_buf_putc(&norm, '/');
  bool dot = first.len == 1 && first.ptr[0] == '.';
  if (rc == NP_OK && !dot)
    rc = np_buf_append_slice(name, first);
  if (rc == NP_OK)
    rc = np_gw_environ_set(e, "SCRIPT_NAME", norm.data ? norm.data : "",
                           norm.len);
  if (rc == NP_OK)
    rc = np_gw_environ_set(e, "PATH_INFO", rest.data ? rest.data : "",
                           rest.len);
  if (rc == NP_OK)
    *has_name = !dot;
  np_buf_free(&rest);
  np_buf_free(&script);
  np_buf_free(&norm);
  return rc;
}

int np_gw_setup_testing_defaults(np_gw_environ *e) {
  int rc = np_gw_environ_setdefault(e, "SERVER_NAME", "127.0.0.1");
  if (rc == NP_OK)
    rc = np_gw_environ_setdefault(e, "SERVER_PROTOCOL", "HTTP/1.0");
  if (rc == NP_OK && !np_gw_environ_has(e, "HTTP_HOST")) {
    np_slice sn = np_gw_environ_get(e, "SERVER_NAME");
    rc = sn.ptr ? np_gw_environ_set(e, "HTTP_HOST", sn.ptr, sn.len)
                : NP_OK; /* SERVER_NAME holds a pointer: Python copies it */
  }
  if (rc == NP_OK)
    rc = np_gw_environ_setdefault(e, "REQUEST_METHOD", "GET");
  if (rc == NP_OK && !np_gw_environ_has(e, "SCRIPT_NAME") &&
      !np_gw_environ_has(e, "PATH_INFO")) {
    rc = np_gw_environ_set_cstr(e, "SCRIPT_NAME", "");
    if (rc == NP_OK)
      rc = np_gw_environ_set_cstr(e, "PATH_INFO", "/");
  }
  if (rc != NP_OK)
    return rc;
  /* wsgi.version is fixed; run_once, multithread, multiprocess default to
   * false, which a fresh environ's flags already are. */
  np__gw_environ_test_streams(e);
  rc = np_gw_environ_setdefault(e, "wsgi.url_scheme", np_gw_guess_scheme(e));
  np_slice scheme = np_gw_environ_get(e, "wsgi.url_scheme");
  if (rc == NP_OK && slice_is(scheme, "http"))
    rc = np_gw_environ_setdefault(e, "SERVER_PORT", "80");
  else if (rc == NP_OK && slice_is(scheme, "https"))
    rc = np_gw_environ_setdefault(e, "SERVER_PORT", "443");
  return rc;
}

bool np_gw_is_hop_by_hop(const char *name, size_t len) {
  static const char *const hop[] = {
      "connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
      "te",         "trailers",   "transfer-encoding",  "upgrade"};
  for (size_t i = 0; i < NP_ARRAY_LEN(hop); i++)
    if (strlen(hop[i]) == len && np__ieq(hop[i], name, len))
      return true;
  return false;
}

bool np__gw_token(const char *s) {
  if (!s || !*s)
    return false;
  for (; *s; s++)
    if (!np__is((unsigned char)*s, NP_CC_TCHAR))
      return false;
  return true;
}

bool np__gw_value_ok(const char *s) {
  if (!s)
    return false;
  for (; *s; s++)
    if (np__is((unsigned char)*s, NP_CC_CTL) && *s != '\t')
      return false;
  return true;
}

bool np__gw_status_ok(const char *status) {
  if (!status)
    return false;
  for (int i = 0; i < 3; i++)
    if (!np__is((unsigned char)status[i], NP_CC_DIGIT))
      return false;
  if (status[3] != ' ')
    return false;
  return np__gw_value_ok(status + 4);
}

ssize_t np__gw_read_at(int fd, char *buf, size_t n, uint64_t off) {
  for (;;) {
    ssize_t r = pread(fd, buf, n, (off_t)off);
    if (r < 0 && errno == ESPIPE)
      r = read(fd, buf, n); /* a pipe: its position is the offset */
    if (r < 0 && errno == EINTR)
      continue;
    return r;
  }
}
