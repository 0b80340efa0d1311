/* OpenerDirector, build_opener, install_opener and urlopen. */
#include "request/req_internal.h"

#include <poll.h>
#include <stdio.h>
#include <string.h>

#define OPENER_MAX_HEADERS 64

struct np_opener {
  np_handler **h; /* sorted by order, then by insertion */
  size_t n, cap;
  np_http_header *addh; /* addheaders, names and values owned */
  size_t naddh, capaddh;
  np__pool *pool; /* keep-alive: NULL when off */
};

/* The keep-alive pool: idle connections, oldest first.  Responses that
 * may give their connection back hold references, so the pool outlives
 * its opener until they are freed; once shut it takes nothing back. */
typedef struct pool_entry {
  char *key;
  np_http_conn *conn;
} pool_entry;

struct np__pool {
  size_t refs;
  int shut;
  size_t max_idle;
  pool_entry *e;
  size_t n, cap;
};

static void pool_drop(np__pool *p, size_t i) {
  np_http_conn_free(p->e[i].conn);
  np_free(p->e[i].key);
  memmove(p->e + i, p->e + i + 1, (p->n - i - 1) * sizeof *p->e);
  p->n--;
}

/* True when an idle connection has something to read: the server closed
 * it (or sent bytes nobody asked for); either way it cannot be used. */
static bool idle_dead(np_http_conn *c) {
  struct pollfd pfd = {np_http_conn_fileno(c), POLLIN, 0};
  if (pfd.fd < 0)
    return true;
  return poll(&pfd, 1, 0) != 0;
}

np_http_conn *np__pool_take(np__pool *p, const char *key) {
  for (size_t i = p->n; i-- > 0;) {
    if (strcmp(p->e[i].key, key) != 0)
      continue;
    if (idle_dead(p->e[i].conn)) {
      pool_drop(p, i);
      continue;
    }
    np_http_conn *c = p->e[i].conn;
    p->e[i].conn = NULL;
    pool_drop(p, i);
    return c;
  }
  return NULL;
}

void np__pool_put(np__pool *p, const char *key, np_http_conn *conn) {
  char *k = p->shut || p->max_idle == 0 ? NULL : np__copy_cstr(key);
  if (!k || np__array_reserve(&p->e, &p->cap, p->n + 1, sizeof *p->e, 4)) {
    np_free(k);
    np_http_conn_free(conn);
    return;
  }
  while (p->n >= p->max_idle)
    pool_drop(p, 0);
  p->e[p->n++] = (pool_entry){k, conn};
}

void np__pool_ref(np__pool *p) { p->refs++; }

void np__pool_unref(np__pool *p) {
  if (--p->refs > 0)
    return;
  while (p->n)
    pool_drop(p, p->n - 1);
  np_free(p->e);
  np_free(p);
}

/* Close the idle connections and take no more back. */
static void pool_shut(np__pool *p) {
  p->shut = 1;
  while (p->n)
    pool_drop(p, p->n - 1);
  np__pool_unref(p);
}

np__pool *np__opener_pool(const np_opener *o) { return o->pool; }

int np_opener_set_keepalive(np_opener *o, size_t max_idle) {
  if (max_idle == 0) {
    if (o->pool)
      pool_shut(o->pool);
    o->pool = NULL;
    return NP_OK;
  }
  if (!o->pool) {
    if (!(o->pool = np_malloc(sizeof *o->pool)))
      return NP_ENOMEM;
    memset(o->pool, 0, sizeof *o->pool);
    o->pool->refs = 1;
  }
  o->pool->max_idle = max_idle;
  while (o->pool->n > max_idle)
    pool_drop(o->pool, 0);
  return NP_OK;
}

size_t np_opener_idle_count(const np_opener *o) {
  return o->pool ? o->pool->n : 0;
}

/* The one global: what install_opener set, or the default urlopen made. */
static np_opener *installed;
static np_opener *default_opener;

static void free_handler(np_handler *h) { np_free(h); }

void *np__handler_new(size_t size, const char *kind, int order,
                      const char *schemes) {
  np_handler *h = np_malloc(size);
  if (!h)
    return NULL;
  memset(h, 0, size);
  h->kind = kind;
  h->order = order;
  h->schemes = schemes;
  h->destroy = free_handler;
  return h;
}

static void destroy_handler(np_handler *h) {
  if (h && h->destroy)
    h->destroy(h);
}

int np_opener_new(np_opener **out) {
  np_opener *o = np_malloc(sizeof *o);
  *out = NULL;
  if (!o)
    return NP_ENOMEM;
  memset(o, 0, sizeof *o);
  char ua[64];
  snprintf(ua, sizeof ua, "netproto-urllib/%s", np_version());
  if (np_opener_add_header(o, "User-agent", ua) != NP_OK) {
    np_opener_free(o);
    return NP_ENOMEM;
  }
  *out = o;
  return NP_OK;
}

void np_opener_free(np_opener *o) {
  if (!o)
    return;
  for (size_t i = 0; i < o->n; i++)
    destroy_handler(o->h[i]);
  np_free(o->h);
  for (size_t i = 0; i < o->naddh; i++) {
    np_free((char *)o->addh[i].name.ptr);
    np_free((char *)o->addh[i].value.ptr);
  }
  np_free(o->addh);
  if (o->pool)
    pool_shut(o->pool);
  if (o == installed)
    installed = NULL;
  np_free(o);
}

int np_opener_add_handler(np_opener *o, np_handler *h) {
  if (!h)
    return NP_ENOMEM;
  int rc = np__array_reserve(&o->h, &o->cap, o->n + 1, sizeof *o->h, 16);
  if (rc != NP_OK) {
    destroy_handler(h);
    return rc;
  }
  /* bisect.insort: after every handler of the same or lower order */
  size_t at = o->n;
  while (at > 0 && o->h[at - 1]->order > h->order)
    at--;
  memmove(o->h + at + 1, o->h + at, (o->n - at) * sizeof *o->h);
  o->h[at] = h;
  o->n++;
  return NP_OK;
}

np_handler *np_opener_find(const np_opener *o, const char *kind) {
  for (size_t i = 0; i < o->n; i++)
    if (o->h[i]->kind && strcmp(o->h[i]->kind, kind) == 0)
      return o->h[i];
  return NULL;
}

int np_opener_add_header(np_opener *o, const char *name, const char *value) {
  if (strpbrk(name, "\r\n") || strpbrk(value, "\r\n"))
    return NP_EINVAL;
  char *v = np__copy_cstr(value);
  if (!v)
    return NP_ENOMEM;
  for (size_t i = 0; i < o->naddh; i++)
    if (np_slice_ieq_cstr(o->addh[i].name, name)) {
      np_free((char *)o->addh[i].value.ptr);
      o->addh[i].value = np_slice_cstr(v);
      return NP_OK;
    }
  char *n = np__copy_cstr(name);
  int rc = !n ? NP_ENOMEM
       : o->naddh >= OPENER_MAX_HEADERS
           ? NP_ETOOLARGE
           : np__array_reserve(&o->addh, &o->capaddh, o->naddh + 1,
                               sizeof *o->addh, 4);
  if (rc != NP_OK) {
    np_free(n);
    np_free(v);
    return rc;
  }
  o->addh[o->naddh++] = (np_http_header){np_slice_cstr(n), np_slice_cstr(v)};
  return NP_OK;
}

size_t np_opener_header_count(const np_opener *o) { return o->naddh; }
np_http_header np_opener_header_at(const np_opener *o, size_t i) {
  np_http_header h = {NP_SLICE_NULL, NP_SLICE_NULL};
  return i < o->naddh ? o->addh[i] : h;
}

/* _open: default_open, then <scheme>_open, then unknown_open; the first
 * handler that does not decline answers. */
static int open_phase(np_opener *o, np_request *req, int phase,
                      np_response **out, np_error *err) {
  for (size_t i = 0; i < o->n; i++) {
    np_handler *h = o->h[i];
    if (!h->open)
      continue;
    unsigned special = h->flags & (NP_HANDLER_DEFAULT_OPEN |
                                   NP_HANDLER_UNKNOWN_OPEN);
    bool mine = phase == 0   ? (special & NP_HANDLER_DEFAULT_OPEN) != 0
                : phase == 2 ? (special & NP_HANDLER_UNKNOWN_OPEN) != 0
                             : !special && h->schemes &&
                                   np__word_in(h->schemes, req->type);
    if (!mine)
      continue;
    int rc = h->open(h, o, req, out, err);
    if (rc != NP_DECLINED)
      return rc;
  }
  return NP_DECLINED;
}

int np_opener_open(np_opener *o, np_request *req, np_response **out,
                   np_error *err) {
  *out = NULL;
  for (size_t i = 0; i < o->n; i++) {
    np_handler *h = o->h[i];
    if (h->request && h->schemes && np__word_in(h->schemes, req->type)) {
      int rc = h->request(h, o, req, err);
      if (rc < 0)
        return rc;
    }
  }
  int rc = NP_DECLINED;
  for (int phase = 0; phase < 3 && rc == NP_DECLINED; phase++)
    rc = open_phase(o, req, phase, out, err);
  if (rc == NP_DECLINED)
    return np_error_set(err, NP_EREQUEST_UNKNOWN_TYPE,
                        "unknown url type: %s", req->type);
  if (rc < 0)
    return rc;
  for (size_t i = 0; i < o->n && *out; i++) {
    np_handler *h = o->h[i];
    if (h->response && h->schemes && np__word_in(h->schemes, req->type))
      if ((rc = h->response(h, o, req, out, err)) < 0) {
        np_response_free(*out); /* NULL when the handler moved it */
        *out = NULL;
        return rc;
      }
  }
  return NP_OK;
}

int np_opener_open_url(np_opener *o, const char *url, const void *data,
                       size_t data_len, int timeout_ms, np_response **out,
                       np_error *err) {
  np_request *req;
  *out = NULL;
  int rc = np_request_new(&req, url, strlen(url), err);
  if (rc != NP_OK)
    return rc;
  if (data && np_request_set_data(req, data, data_len) != NP_OK)
    rc = np_error_set(err, NP_ENOMEM, "out of memory");
  np_request_set_timeout(req, timeout_ms);
  if (rc == NP_OK)
    rc = np_opener_open(o, req, out, err);
  np_request_free(req);
  return rc;
}

static bool lists_code(const np_handler *h, int code) {
  for (size_t i = 0; i < h->n_error_codes; i++)
    if (h->error_codes[i] == code)
      return true;
  return false;
}

int np_opener_error(np_opener *o, np_request *req, np_response **resp,
                    np_error *err) {
  int code = np_response_status(*resp);
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < o->n; i++) {
      np_handler *h = o->h[i];
      bool mine = pass == 0 ? lists_code(h, code)
                            : (h->flags & NP_HANDLER_ERROR_DEFAULT) != 0;
      if (!h->error || !mine)
        continue;
      int rc = h->error(h, o, req, resp, err);
      if (rc != NP_DECLINED)
        return rc;
    }
  return NP_OK; /* nobody handled it: the response stands */
}

int np_build_opener(np_opener **out, np_handler **handlers, size_t n,
                    np_error *err) {
  np_handler *defaults[] = {
      np_handler_proxy_new(NULL),     np_handler_unknown_new(),       np_handler_http_new(),
      np_handler_https_new(NULL),     np_handler_default_error_new(),
      np_handler_redirect_new(0, 0, 0), np_handler_ftp_new(),
      np_handler_file_new(),
      np_handler_error_processor_new(), np_handler_data_new()};
  np_opener *o = NULL;
  int rc = np_opener_new(&o);
  for (size_t d = 0; d < NP_ARRAY_LEN(defaults); d++) {
    bool replaced = false;
    for (size_t i = 0; i < n && defaults[d]; i++)
      if (handlers[i] && handlers[i]->kind &&
          strcmp(handlers[i]->kind, defaults[d]->kind) == 0)
        replaced = true;
    if (!defaults[d])
      rc = NP_ENOMEM;
    if (rc != NP_OK || replaced)
      destroy_handler(defaults[d]);
    else
      rc = np_opener_add_handler(o, defaults[d]);
  }
  for (size_t i = 0; i < n; i++) {
    if (rc == NP_OK)
      rc = np_opener_add_handler(o, handlers[i]);
    else
      destroy_handler(handlers[i]);
  }
  if (rc != NP_OK) {
    np_opener_free(o);
    return np_error_set(err, rc, "build_opener: %s", np_strerror(rc));
  }
  *out = o;
  return NP_OK;
}

void np_install_opener(np_opener *o) { installed = o; }

void np_urlcleanup(void) {
  np__retrieve_cleanup();
  np_opener_free(default_opener);
  default_opener = NULL;
}

int np_urlopen(const char *url, const void *data, size_t data_len,
               int timeout_ms, np_response **out, np_error *err) {
  np_opener *o = installed;
  *out = NULL;
  if (!o) {
    if (!default_opener) {
      int rc = np_build_opener(&default_opener, NULL, 0, err);
      if (rc != NP_OK)
        return rc;
    }
    o = default_opener;
  }
  return np_opener_open_url(o, url, data, data_len, timeout_ms, out, err);
}
