/* Request objects (urllib.request.Request). */
#include "request/req_internal.h"

#include "netproto/url.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void np__hdr_capitalize(const char *in, char *out, size_t cap) {
  size_t i = 0;
  for (; in[i] && i + 1 < cap; i++)
    out[i] = (char)(i == 0 ? np__upper((unsigned char)in[i])
                           : np__lower((unsigned char)in[i]));
  out[i] = '\0';
}

void np__hdr_title(const char *in, char *out, size_t cap) {
  size_t i = 0;
  bool prev_alpha = false;
  for (; in[i] && i + 1 < cap; i++) {
    unsigned char c = (unsigned char)in[i];
    out[i] = (char)(prev_alpha ? np__lower(c) : np__upper(c));
    prev_alpha = np__is(c, NP_CC_ALPHA);
  }
  out[i] = '\0';
}

bool np__word_in(const char *list, const char *s) {
  size_t n = strlen(s);
  const char *p = list;
  while (p && *p) {
    while (*p == ' ')
      p++;
    size_t w = strcspn(p, " ");
    if (w == n && w && memcmp(p, s, n) == 0)
      return true;
    p += w;
  }
  return false;
}

/* unwrap(): as urllib.parse.unwrap, str.strip() (np__pystrip) around the
 * URL, inside "<...>" and after a "URL:" prefix (case-sensitive, as
 * Python's). */
static void unwrap(const char **s, size_t *len) {
  np__pystrip(s, len);
  if (*len >= 2 && (*s)[0] == '<' && (*s)[*len - 1] == '>') {
    (*s)++, *len -= 2;
    np__pystrip(s, len);
  }
  if (*len >= 4 && memcmp(*s, "URL:", 4) == 0) {
    *s += 4, *len -= 4;
    np__pystrip(s, len);
  }
}

/* _splittype and _splithost over r->url; host is unquoted as Python does. */
static int split_url(np_request *r, np_error *err) {
  const char *u = r->url, *colon = strchr(u, ':');
  size_t tl = colon ? (size_t)(colon - u) : 0;
  if (!colon || tl == 0 || memchr(u, '/', tl))
    return np_error_set(err, NP_EREQUEST_UNKNOWN_TYPE, "unknown url type: '%s'",
                        r->full_url);
  if (!(r->type = np__copy_str(u, tl)))
    return NP_ENOMEM;
  for (size_t i = 0; i < tl; i++)
    r->type[i] = (char)np__lower((unsigned char)r->type[i]);
  const char *rest = colon + 1;
  np_buf host;
  np_buf_init(&host, 0);
  const char *sel = rest;
  if (rest[0] == '/' && rest[1] == '/') {
    size_t hl = strcspn(rest + 2, "/#?");
    if (np_unquote(&host, rest + 2, hl) != NP_OK)
      return NP_ENOMEM;
    sel = rest + 2 + hl;
  }
  r->host = host.data ? np_buf_detach(&host, NULL) : np__copy_str("", 0);
  if (!r->host)
    return NP_ENOMEM;
  int slash = sel != rest && *sel && *sel != '/';
  size_t sl = strlen(sel);
  if (!(r->selector = np_malloc(sl + (size_t)slash + 1)))
    return NP_ENOMEM;
  r->selector[0] = '/';
  memcpy(r->selector + slash, sel, sl + 1);
  return NP_OK;
}

/* request_host(): the URL's netloc without a trailing ":digits",
 * lower-cased (http.cookiejar's rule, which origin_req_host uses). */
static int request_host(np_request *r) {
  np_url u;
  np_url_init(&u);
  size_t n = 0;
  const char *p = "";
  if (np_urlsplit(&u, r->full_url, strlen(r->full_url), NULL, 0, NULL) ==
      NP_OK) {
    p = u.netloc.ptr ? u.netloc.ptr : "";
    n = u.netloc.len;
  }
  size_t d = n;
  while (d > 0 && np__is((unsigned char)p[d - 1], NP_CC_DIGIT))
    d--;
  if (d < n && d > 0 && p[d - 1] == ':')
    n = d - 1;
  r->origin_req_host = np__copy_str(p, n);
  np_url_free(&u);
  if (!r->origin_req_host)
    return NP_ENOMEM;
  for (size_t i = 0; i < n; i++)
    r->origin_req_host[i] = (char)np__lower((unsigned char)r->origin_req_host[i]);
  return NP_OK;
}

int np_request_new(np_request **out, const char *url, size_t len,
                   np_error *err) {
  *out = NULL;
  np_request *r = np_malloc(sizeof *r);
  if (!r)
    return np_error_set(err, NP_ENOMEM, "out of memory");
  memset(r, 0, sizeof *r);
  r->timeout_ms = -1;
  unwrap(&url, &len);
  r->full_url = np__copy_str(url, len);
  const char *hash = memchr(url, '#', len);
  /* _splittag uses rpartition: the last '#' starts the fragment */
  for (const char *p = url + len; hash && p > url; p--)
    if (p[-1] == '#') {
      hash = p - 1;
      break;
    }
  size_t ul = hash ? (size_t)(hash - url) : len;
  r->url = np__copy_str(url, ul);
  if (hash)
    r->fragment = np__copy_str(hash + 1, len - ul - 1);
  int rc = (!r->full_url || !r->url || (hash && !r->fragment)) ? NP_ENOMEM
                                                               : split_url(r, err);
  if (rc == NP_OK)
    rc = request_host(r);
  if (rc != NP_OK) {
    np_request_free(r);
    return rc == NP_ENOMEM ? np_error_set(err, rc, "out of memory") : rc;
  }
  *out = r;
  return NP_OK;
}

void np_request_free(np_request *r) {
  if (!r)
    return;
  np_free(r->url);
  np_free(r->full_url);
  np_free(r->fragment);
  np_free(r->type);
  np_free(r->host);
  np_free(r->selector);
  np_free(r->data);
  if (r->body.close && !r->body_borrowed)
    r->body.close(r->body.ctx);
  np_free(r->method);
  for (size_t i = 0; i < r->nhdrs; i++) {
    np_free(r->hdrs[i].name);
    np_free(r->hdrs[i].value);
  }
  np_free(r->hdrs);
  np_free(r->origin_req_host);
  np_free(r->tunnel_host);
  np_free(r->orig_host);
  for (size_t i = 0; i < r->nvisited; i++)
    np_free(r->visited[i].url);
  np_free(r->visited);
  np_free(r);
}

const char *np_request_full_url(const np_request *r) { return r->full_url; }
const char *np_request_type(const np_request *r) { return r->type; }
const char *np_request_host(const np_request *r) { return r->host; }
const char *np_request_selector(const np_request *r) { return r->selector; }
const char *np_request_fragment(const np_request *r) { return r->fragment; }

/* Drop the streamed body (closing it unless borrowed). */
static void drop_body(np_request *r) {
  if (r->body.close && !r->body_borrowed)
    r->body.close(r->body.ctx);
  memset(&r->body, 0, sizeof r->body);
  r->body_sent = 0;
  r->body_borrowed = 0;
}

int np_request_set_data(np_request *r, const void *data, size_t len) {
  char *copy = NULL;
  if (data && !(copy = np__copy_str(data, len)))
    return NP_ENOMEM;
  /* the data setter: new data drops a Content-length computed before */
  bool same = !r->body.read && ((!data && !r->data) ||
                                (data && r->data && r->data_len == len &&
                                 memcmp(r->data, data, len) == 0));
  if (!same)
    np_request_remove_header(r, "Content-length");
  drop_body(r);
  np_free(r->data);
  r->data = copy;
  r->data_len = data ? len : 0;
  return NP_OK;
}

int np_request_set_body(np_request *r, const np_request_body *body) {
  if (body && !body->read) {
    if (body->close)
      body->close(body->ctx);
    return NP_EINVAL;
  }
  np_request_remove_header(r, "Content-length");
  drop_body(r);
  np_free(r->data);
  r->data = NULL;
  r->data_len = 0;
  if (body)
    r->body = *body;
  return NP_OK;
}

int np_request_has_data(const np_request *r) {
  return r->data != NULL || r->body.read != NULL;
}

typedef struct file_body {
  int fd;
} file_body;

static int file_read(void *ctx, void *buf, size_t cap, size_t *got) {
  file_body *f = ctx;
  for (;;) {
    ssize_t n = read(f->fd, buf, cap);
    if (n >= 0) {
      *got = (size_t)n;
      return NP_OK;
    }
    if (errno != EINTR)
      return NP_ESYS;
  }
}

static int file_rewind(void *ctx) {
  file_body *f = ctx;
  return lseek(f->fd, 0, SEEK_SET) == 0 ? NP_OK : NP_ESYS;
}

static void file_close(void *ctx) {
  file_body *f = ctx;
  close(f->fd);
  np_free(f);
}

int np_request_set_data_file(np_request *r, const char *path, np_error *err) {
  file_body *f = np_malloc(sizeof *f);
  if (!f)
    return np_error_set(err, NP_ENOMEM, "out of memory");
  f->fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  int e = 0;
  if (f->fd < 0 || fstat(f->fd, &st) != 0)
    e = errno;
  else if (!S_ISREG(st.st_mode))
    e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
  if (e) {
    if (f->fd >= 0)
      close(f->fd);
    np_free(f);
    return np__error_sys(err, e, path);
  }
  np_request_body b = {file_read, file_rewind, file_close, f,
                       (long long)st.st_size};
  return np_request_set_body(r, &b);
}

int np__request_body_ready(np_request *req, np_error *err) {
  if (!req->body.read || !req->body_sent)
    return NP_OK;
  if (!req->body.rewind)
    return np_error_set(err, NP_ESTATE,
                        "request body cannot be sent again (no rewind)");
  int rc = req->body.rewind(req->body.ctx);
  if (rc != NP_OK)
    return np_error_set(err, rc < 0 ? rc : NP_ESYS,
                        "request body: rewind failed");
  req->body_sent = 0;
  return NP_OK;
}

bool np__request_body_resendable(const np_request *req) {
  return !req->body.read || !req->body_sent || req->body.rewind;
}

int np__request_copy_body(np_request *next, const np_request *req) {
  if (req->data && np_request_set_data(next, req->data, req->data_len))
    return NP_ENOMEM;
  if (req->body.read) {
    next->body = req->body;
    next->body_sent = req->body_sent;
    next->body_borrowed = 1;
  }
  return NP_OK;
}

np_slice np_request_data(const np_request *r) {
  return r->data ? np_slice_from(r->data, r->data_len) : NP_SLICE_NULL;
}

int np_request_set_method(np_request *r, const char *method) {
  char *copy = NULL;
  if (method && !(copy = np__copy_cstr(method)))
    return NP_ENOMEM;
  np_free(r->method);
  r->method = copy;
  return NP_OK;
}

const char *np_request_get_method(const np_request *r) {
  if (r->method)
    return r->method;
  return r->data || r->body.read ? "POST" : "GET";
}

static long find_hdr(const np_request *r, const char *cap, int unredirected) {
  for (size_t i = 0; i < r->nhdrs; i++)
    if (r->hdrs[i].unredirected == unredirected &&
        strcmp(r->hdrs[i].name, cap) == 0)
      return (long)i;
  return -1;
}

static int add_hdr(np_request *r, const char *name, const char *value,
                   int unredirected) {
  char cap[256];
  if (strlen(name) >= sizeof cap || strpbrk(name, "\r\n") ||
      strpbrk(value, "\r\n"))
    return NP_EINVAL;
  np__hdr_capitalize(name, cap, sizeof cap);
  char *v = np__copy_cstr(value);
  if (!v)
    return NP_ENOMEM;
  long at = find_hdr(r, cap, unredirected);
  if (at >= 0) {
    np_free(r->hdrs[at].value);
    r->hdrs[at].value = v;
    return NP_OK;
  }
  char *n = np__copy_cstr(cap);
  int rc = !n ? NP_ENOMEM
       : r->nhdrs >= NP_REQUEST_MAX_HEADERS
           ? NP_ETOOLARGE
           : np__array_reserve(&r->hdrs, &r->caphdrs, r->nhdrs + 1,
                               sizeof *r->hdrs, 8);
  if (rc != NP_OK) {
    np_free(n);
    np_free(v);
    return rc;
  }
  r->hdrs[r->nhdrs++] = (np__reqhdr){n, v, unredirected};
  return NP_OK;
}

int np_request_add_header(np_request *r, const char *name,
                          const char *value) {
  return add_hdr(r, name, value, 0);
}

int np_request_add_unredirected_header(np_request *r, const char *name,
                                       const char *value) {
  return add_hdr(r, name, value, 1);
}

np_slice np_request_get_header(const np_request *r, const char *name) {
  char cap[256];
  if (strlen(name) >= sizeof cap)
    return NP_SLICE_NULL;
  np__hdr_capitalize(name, cap, sizeof cap);
  long at = find_hdr(r, cap, 0);
  if (at < 0)
    at = find_hdr(r, cap, 1);
  return at < 0 ? NP_SLICE_NULL : np_slice_cstr(r->hdrs[at].value);
}

void np_request_remove_header(np_request *r, const char *name) {
  char cap[256];
  if (strlen(name) >= sizeof cap)
    return;
  np__hdr_capitalize(name, cap, sizeof cap);
  size_t j = 0;
  for (size_t i = 0; i < r->nhdrs; i++) {
    if (strcmp(r->hdrs[i].name, cap) == 0) {
      np_free(r->hdrs[i].name);
      np_free(r->hdrs[i].value);
    } else {
      r->hdrs[j++] = r->hdrs[i];
    }
  }
  r->nhdrs = j;
}

size_t np_request_header_count(const np_request *r) { return r->nhdrs; }

np_http_header np_request_header_at(const np_request *r, size_t i) {
  np_http_header h = {NP_SLICE_NULL, NP_SLICE_NULL};
  if (i < r->nhdrs) {
    h.name = np_slice_cstr(r->hdrs[i].name);
    h.value = np_slice_cstr(r->hdrs[i].value);
  }
  return h;
}

int np_request_set_origin_req_host(np_request *r, const char *host) {
  char *copy = np__copy_cstr(host);
  if (!copy)
    return NP_ENOMEM;
  np_free(r->origin_req_host);
  r->origin_req_host = copy;
  return NP_OK;
}

const char *np_request_origin_req_host(const np_request *r) {
  return r->origin_req_host;
}
void np_request_set_unverifiable(np_request *r, int unverifiable) {
  r->unverifiable = unverifiable != 0;
}
int np_request_unverifiable(const np_request *r) { return r->unverifiable; }
void np_request_set_timeout(np_request *r, int timeout_ms) {
  r->timeout_ms = timeout_ms;
}
int np_request_timeout(const np_request *r) { return r->timeout_ms; }

int np__request_set_visited(np_request *req, const np__visit *v, size_t n) {
  np__visit *copy = n ? np_malloc(n * sizeof *copy) : NULL;
  if (n && !copy)
    return NP_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    copy[i].count = v[i].count;
    if (!(copy[i].url = np__copy_cstr(v[i].url))) {
      while (i--)
        np_free(copy[i].url);
      np_free(copy);
      return NP_ENOMEM;
    }
  }
  for (size_t i = 0; i < req->nvisited; i++)
    np_free(req->visited[i].url);
  np_free(req->visited);
  req->visited = copy;
  req->nvisited = n;
  return NP_OK;
}

static int base64_append(np_buf *out, const char *s, size_t len) {
  static const char abc[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const unsigned char *u = (const unsigned char *)s;
  for (size_t i = 0; i < len; i += 3) {
    unsigned v = (unsigned)u[i] << 16;
    if (i + 1 < len)
      v |= (unsigned)u[i + 1] << 8;
    if (i + 2 < len)
      v |= u[i + 2];
    char q[4] = {abc[v >> 18], abc[(v >> 12) & 63],
                 i + 1 < len ? abc[(v >> 6) & 63] : '=',
                 i + 2 < len ? abc[v & 63] : '='};
    int rc = np_buf_append(out, q, 4);
    if (rc != NP_OK)
      return rc;
  }
  return NP_OK;
}

int np__basic_auth(np_buf *out, const char *user, const char *pass) {
  np_buf raw;
  np_buf_init(&raw, 0);
  int rc = np_buf_printf(&raw, "%s:%s", user, pass);
  if (rc == NP_OK)
    rc = np_buf_append_cstr(out, "Basic ");
  if (rc == NP_OK)
    rc = base64_append(out, raw.data, raw.len);
  np_buf_free(&raw);
  return rc;
}

/* set_proxy: https is tunnelled (CONNECT to the real host); anything else
 * is sent to the proxy with the full URL as its selector. */
int np__request_set_proxy(np_request *r, const char *hostport,
                          const char *type) {
  char *hp = np__copy_cstr(hostport);
  if (!hp)
    return NP_ENOMEM;
  if (strcmp(r->type, "https") == 0 && !r->tunnel_host) {
    r->tunnel_host = r->host;
    r->host = hp;
    return NP_OK;
  }
  char *t = np__copy_cstr(type);
  char *sel = np__copy_cstr(r->full_url);
  if (!t || !sel) {
    np_free(hp), np_free(t), np_free(sel);
    return NP_ENOMEM;
  }
  np_free(r->type);
  r->type = t;
  np_free(r->selector);
  r->selector = sel;
  if (!r->orig_host)
    r->orig_host = r->host;
  else
    np_free(r->host);
  r->host = hp;
  return NP_OK;
}
