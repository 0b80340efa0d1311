/* FTPHandler (one control connection per URL) and CacheFTPHandler
 * (logged-in connections kept for the next URL of the same user, host,
 * port and directory): ftp:// URLs through the ftplib client. */
#include "request/req_internal.h"

#include "core/loop.h"
#include "netproto/ftp.h"
#include "netproto/url.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* CacheFTPHandler's cache: idle logged-in connections by key.  A
 * connection in use is out of the cache (its response holds it) and comes
 * back when the transfer ended well.  Responses hold references, so the
 * cache outlives its handler until they are freed; once shut it takes
 * nothing back (clear_cache). */
typedef struct ftp_cached {
  char *key;
  np_ftp *ftp;
  int64_t expires; /* np__now_ms() of last use + delay */
} ftp_cached;

typedef struct ftp_cache {
  size_t refs;
  int shut;
  size_t max_conns;
  int delay_s;
  ftp_cached *e;
  size_t n, cap;
} ftp_cache;

static void cache_drop(ftp_cache *c, size_t i) {
  np_ftp_free(c->e[i].ftp);
  np_free(c->e[i].key);
  c->e[i] = c->e[--c->n];
}

/* check_cache: close the connections idle past their time. */
static void cache_expire(ftp_cache *c) {
  int64_t t = np__now_ms();
  for (size_t i = c->n; i-- > 0;)
    if (c->e[i].expires < t)
      cache_drop(c, i);
}

/* connect_ftp: the key's own connection is taken whatever its age (its
 * time is renewed before check_cache looks), then the others past their
 * time are closed. */
static np_ftp *cache_take(ftp_cache *c, const char *key) {
  np_ftp *f = NULL;
  for (size_t i = 0; i < c->n && !f; i++)
    if (strcmp(c->e[i].key, key) == 0) {
      f = c->e[i].ftp;
      c->e[i].ftp = NULL;
      cache_drop(c, i);
    }
  cache_expire(c);
  return f;
}

/* Keep f for key: one connection per key (an older one is closed), at
 * most max_conns (the one idle longest is closed first). */
static void cache_put(ftp_cache *c, const char *key, np_ftp *f) {
  char *k = c->shut ? NULL : np__copy_cstr(key);
  if (!k || np__array_reserve(&c->e, &c->cap, c->n + 1, sizeof *c->e, 4)) {
    np_free(k);
    np_ftp_free(f);
    return;
  }
  for (size_t i = c->n; i-- > 0;)
    if (strcmp(c->e[i].key, key) == 0)
      cache_drop(c, i);
  while (c->n >= c->max_conns) {
    size_t oldest = 0;
    for (size_t i = 1; i < c->n; i++)
      if (c->e[i].expires < c->e[oldest].expires)
        oldest = i;
    cache_drop(c, oldest);
  }
  c->e[c->n++] = (ftp_cached){k, f, np__now_ms() + (int64_t)c->delay_s * 1000};
}

static void cache_unref(ftp_cache *c) {
  if (--c->refs > 0)
    return;
  while (c->n)
    cache_drop(c, c->n - 1);
  np_free(c->e);
  np_free(c);
}

typedef struct ftp_body {
  np_ftp *ftp;
  np_ftp_data *data;
  ftp_cache *cache; /* a reference, or NULL */
  char *key;
  int done;         /* the data connection reached its end */
} ftp_body;

static int ftp_read(void *ctx, void *buf, size_t cap, size_t *got,
                    np_error *err) {
  ftp_body *b = ctx;
  int rc = np_ftp_data_read(b->data, buf, cap, got, err);
  if (rc == NP_OK && *got == 0 && cap > 0)
    b->done = 1;
  return rc;
}

/* The close hook: end the transfer (its final reply), then close, or
 * give a cached connection back when the transfer ended well. */
static void ftp_close(void *ctx) {
  ftp_body *b = ctx;
  bool ok = b->cache && b->ftp && (!b->data || b->done);
  if (b->data) {
    /* a transfer stopped early leaves the server mid-reply: never reuse */
    if (np_ftp_data_close(b->data, NULL) != NP_OK) /* releases it */
      ok = false;
    if (np_ftp_voidresp(b->ftp, NULL) != NP_OK)
      ok = false;
  }
  if (ok)
    cache_put(b->cache, b->key, b->ftp);
  else
    np_ftp_free(b->ftp);
  if (b->cache)
    cache_unref(b->cache);
  np_free(b->key);
  np_free(b);
}

/* The parts of an ftp URL: user, password, host, port; the directories
 * and the file of the path; a ;type= attribute. */
typedef struct ftp_target {
  np_buf user, pass, host, file;
  np_buf dirs[64];
  size_t ndirs;
  int port;
  char type; /* 'I', 'A' or 'D' */
} ftp_target;

static void target_free(ftp_target *t) {
  np_buf_free(&t->user), np_buf_free(&t->pass), np_buf_free(&t->host);
  np_buf_free(&t->file);
  for (size_t i = 0; i < t->ndirs; i++)
    np_buf_free(&t->dirs[i]);
}

static int parse_target(const np_request *req, ftp_target *t) {
  const char *h = req->host;
  size_t hl = strlen(h);
  /* _splitport, then _splituser (the last '@'), then _splitpasswd */
  const char *colon = strrchr(h, ':');
  t->port = NP_FTP_PORT;
  if (colon && colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1)) {
    uint64_t v;
    if (np__parse_uint(colon + 1, strlen(colon + 1), 65535, &v) != NP_OK)
      return NP_EINVAL;
    t->port = (int)v;
    hl = (size_t)(colon - h);
  } else if (colon && !colon[1]) {
    hl--;
  }
  const char *at = NULL;
  for (size_t i = 0; i < hl; i++)
    if (h[i] == '@')
      at = h + i;
  int rc = NP_OK;
  if (at) {
    const char *c = memchr(h, ':', (size_t)(at - h));
    rc = np_buf_append(&t->user, h, c ? (size_t)(c - h) : (size_t)(at - h));
    if (rc == NP_OK && c)
      rc = np_buf_append(&t->pass, c + 1, (size_t)(at - c - 1));
    hl -= (size_t)(at + 1 - h);
    h = at + 1;
  }
  if (rc == NP_OK)
    rc = np_unquote(&t->host, h, hl);
  /* _splitattr on the selector; the path's segments unquoted */
  const char *sel = req->selector, *semi = strchr(sel, ';');
  size_t pl = semi ? (size_t)(semi - sel) : strlen(sel);
  t->type = 0;
  for (const char *a = semi; a && rc == NP_OK; a = strchr(a + 1, ';'))
    if (strncasecmp(a + 1, "type=", 5) == 0 && a[6] && strchr("aAiIdD", a[6]) &&
        (a[7] == '\0' || a[7] == ';'))
      t->type = (char)np__upper((unsigned char)a[6]);
  const char *p = sel, *end = sel + pl;
  if (p < end && *p == '/')
    p++;
  while (rc == NP_OK) {
    const char *slash = memchr(p, '/', (size_t)(end - p));
    if (!slash) {
      rc = np_unquote(&t->file, p, (size_t)(end - p));
      break;
    }
    if (t->ndirs >= NP_ARRAY_LEN(t->dirs))
      return NP_ETOOLARGE;
    np_buf_init(&t->dirs[t->ndirs], 0);
    rc = np_unquote(&t->dirs[t->ndirs++], p, (size_t)(slash - p));
    p = slash + 1;
  }
  if (!t->type)
    t->type = t->file.len ? 'I' : 'D';
  return rc;
}

/* retrfile: RETR for a file, else (a directory, or a 550) LIST. */
static int retrieve(np_ftp *f, ftp_target *t, np_ftp_data **data,
                    int64_t *size, bool *type_failed, np_error *err) {
  char cmd[64];
  snprintf(cmd, sizeof cmd, "TYPE %c", t->type == 'D' ? 'A' : t->type);
  int rc = np_ftp_voidcmd(f, cmd, err);
  *type_failed = rc != NP_OK;
  const char *file = t->file.data ? t->file.data : "";
  np_buf line;
  np_buf_init(&line, 0);
  if (rc == NP_OK && t->file.len && t->type != 'D') {
    if ((rc = np_buf_printf(&line, "RETR %s", file)) == NP_OK)
      rc = np_ftp_ntransfercmd(f, line.data, -1, data, size, err);
    int code = 0;
    np_ftp_last_reply(f, &code);
    if (rc == NP_EFTP_PERM && code == 550)
      rc = NP_DECLINED; /* not a file: list it as a directory */
  }
  if (rc == NP_OK && *data) {
    np_buf_free(&line);
    return NP_OK;
  }
  if (rc == NP_OK || rc == NP_DECLINED) {
    rc = np_ftp_voidcmd(f, "TYPE A", err);
    if (rc == NP_OK && t->file.len) {
      np_buf pwd;
      np_buf_init(&pwd, 0);
      rc = np_ftp_pwd(f, &pwd, err);
      if (rc == NP_OK && (rc = np_ftp_cwd(f, file, err)) == NP_OK)
        rc = np_ftp_cwd(f, pwd.data ? pwd.data : "/", err);
      np_buf_free(&pwd);
    }
    np_buf_reset(&line);
    if (rc == NP_OK)
      rc = t->file.len ? np_buf_printf(&line, "LIST %s", file)
                       : np_buf_append_cstr(&line, "LIST");
    if (rc == NP_OK)
      rc = np_ftp_ntransfercmd(f, line.data, -1, data, size, err);
  }
  np_buf_free(&line);
  return rc;
}

static int make_response(np_request *req, ftp_body *b, int64_t size,
                         np_response **out) {
  np_response_body body = {ftp_read, ftp_close, b};
  int rc = np_response_new(out, req->full_url, 0, "", &body);
  const char *mt = np__guess_type(req->full_url);
  if (rc == NP_OK && mt)
    rc = np_response_add_header(*out, "Content-type", 12, mt, strlen(mt));
  if (rc == NP_OK && size >= 0) {
    char len[32];
    int n = snprintf(len, sizeof len, "%lld", (long long)size);
    rc = np_response_add_header(*out, "Content-length", 14, len, (size_t)n);
  }
  if (rc != NP_OK) {
    np_response_free(*out);
    *out = NULL;
  }
  return rc;
}

/* The cache key: user, password (beyond Python, so a wrong password is
 * never answered by another login), host, port, directories, time-out. */
static char *cache_key(const ftp_target *t, int timeout_ms) {
  np_buf k;
  np_buf_init(&k, 0);
  int rc = np_buf_printf(&k, "%s\n%s\n%s\n%d\n%d",
                         t->user.data ? t->user.data : "",
                         t->pass.data ? t->pass.data : "",
                         t->host.data ? t->host.data : "", t->port, timeout_ms);
  for (size_t i = 0; rc == NP_OK && i < t->ndirs; i++) {
    rc = np_buf_append(&k, "/", 1);
    if (rc == NP_OK)
      rc = np_buf_append_slice(&k, np_buf_slice(&t->dirs[i]));
  }
  if (rc != NP_OK) {
    np_buf_free(&k);
    return NULL;
  }
  return np_buf_detach(&k, NULL);
}

/* connect, login and cwd into the URL's directories. */
static int login(np_request *req, ftp_target *t, np_ftp **out, np_error *err) {
  np_ftp_options opts;
  memset(&opts, 0, sizeof opts);
  opts.timeout_ms = req->timeout_ms;
  int rc = np_ftp_new(out, &opts, err);
  if (rc == NP_OK)
    rc = np_ftp_connect(*out, t->host.data ? t->host.data : "", t->port, err);
  if (rc == NP_OK)
    rc = np_ftp_login(*out, t->user.data ? t->user.data : "",
                      t->pass.data ? t->pass.data : "", "", err);
  for (size_t i = 0; rc == NP_OK && i < t->ndirs; i++)
    if (t->dirs[i].len || i > 0) /* a leading empty segment is skipped */
      rc = np_ftp_cwd(*out, t->dirs[i].data ? t->dirs[i].data : "", err);
  return rc;
}

/* A failure of the connection itself, not a reply refusing something. */
static bool conn_failure(int rc) {
  return rc != NP_EFTP_PERM && rc != NP_EFTP_TEMP && rc != NP_ENOMEM;
}

static int open_ftp(ftp_cache *cache, np_request *req, np_response **out,
                    np_error *err) {
  if (!req->host[0])
    return np_error_set(err, NP_EREQUEST_URL, "ftp error: no host given");
  ftp_target t;
  memset(&t, 0, sizeof t);
  np_buf_init(&t.user, 0), np_buf_init(&t.pass, 0), np_buf_init(&t.host, 0);
  np_buf_init(&t.file, 0);
  int rc = parse_target(req, &t);
  ftp_body *b = rc == NP_OK ? np_malloc(sizeof *b) : NULL;
  if (rc != NP_OK || !b) {
    target_free(&t);
    return np_error_set(err, rc == NP_OK ? NP_ENOMEM : NP_EREQUEST_URL,
                        "ftp error: bad URL");
  }
  memset(b, 0, sizeof *b);
  if (cache) {
    if (!(b->key = cache_key(&t, req->timeout_ms))) {
      np_free(b);
      target_free(&t);
      return np_error_set(err, NP_ENOMEM, "out of memory");
    }
    b->cache = cache;
    cache->refs++;
    b->ftp = cache_take(cache, b->key);
  }
  int64_t size = -1;
  bool logged_in = false;
  if (b->ftp) {
    /* ftpwrapper.retrfile: a connection that died while cached is
     * replaced by a new login, once */
    bool type_failed;
    rc = retrieve(b->ftp, &t, &b->data, &size, &type_failed, err);
    logged_in = true;
    if (rc != NP_OK && !b->data && (type_failed || conn_failure(rc))) {
      np_ftp_free(b->ftp);
      b->ftp = NULL;
    }
  }
  if (!b->ftp) {
    rc = login(req, &t, &b->ftp, err);
    logged_in = rc == NP_OK;
    bool type_failed;
    if (rc == NP_OK)
      rc = retrieve(b->ftp, &t, &b->data, &size, &type_failed, err);
  }
  target_free(&t);
  if (rc != NP_OK) {
    if (err && strncmp(err->message, "ftp error: ", 11) != 0) {
      char orig[sizeof err->message];
      memcpy(orig, err->message, sizeof orig);
      snprintf(err->message, sizeof err->message, "ftp error: %.240s", orig);
    }
    /* a refused file leaves a good connection: keep it for the next URL */
    b->done = 1;
    if (logged_in && !conn_failure(rc) && !b->data)
      ftp_close(b);
    else {
      np_ftp_free(b->ftp);
      b->ftp = NULL;
      ftp_close(b);
    }
    return rc;
  }
  rc = make_response(req, b, size, out);
  return rc == NP_OK ? NP_OK : np_error_set(err, rc, "out of memory");
}

static int ftp_open(np_handler *h, np_opener *o, np_request *req,
                    np_response **out, np_error *err) {
  (void)h, (void)o;
  return open_ftp(NULL, req, out, err);
}

np_handler *np_handler_ftp_new(void) {
  np_handler *h = np__handler_new(sizeof *h, "ftp", 500, "ftp");
  if (h)
    h->open = ftp_open;
  return h;
}

static int cache_ftp_open(np_handler *h, np_opener *o, np_request *req,
                          np_response **out, np_error *err) {
  (void)o;
  return open_ftp(h->ctx, req, out, err);
}

/* clear_cache, and no connection is taken back after this. */
static void cache_ftp_free(np_handler *h) {
  ftp_cache *c = h->ctx;
  c->shut = 1;
  while (c->n)
    cache_drop(c, c->n - 1);
  cache_unref(c);
  np_free(h);
}

static const char cache_kind[] = "ftp";

np_handler *np_handler_cache_ftp_new(size_t max_conns, int timeout_s) {
  np_handler *h = np__handler_new(sizeof *h, cache_kind, 500, "ftp");
  ftp_cache *c = np_malloc(sizeof *c);
  if (!h || !c) {
    np_free(h), np_free(c);
    return NULL;
  }
  memset(c, 0, sizeof *c);
  c->refs = 1;
  c->max_conns = max_conns ? max_conns : 16;
  c->delay_s = timeout_s > 0 ? timeout_s : 60;
  h->open = cache_ftp_open;
  h->destroy = cache_ftp_free;
  h->ctx = c;
  return h;
}

size_t np_handler_cache_ftp_count(const np_handler *h) {
  if (!h || h->open != cache_ftp_open)
    return 0;
  const ftp_cache *c = h->ctx;
  return c->n;
}
