/* HTTPHandler, HTTPSHandler, HTTPErrorProcessor, HTTPDefaultErrorHandler. */
#include "request/req_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

typedef struct http_handler {
  np_handler h;
  np_tls_options tls;
  int https;
} http_handler;

/* do_request_: the headers urllib adds before a request goes out. */
static int http_request(np_handler *h, np_opener *o, np_request *req,
                        np_error *err) {
  (void)h;
  if (!req->host[0])
    return np_error_set(err, NP_EREQUEST_URL, "no host given");
  /* Python takes "user:pass@host" for the host and fails to resolve it
   * (URLError); so do we, without echoing the password in the message */
  if (strchr(req->host, '@'))
    return np_error_set(err, NP_EREQUEST_URL,
                        "credentials in an http URL are not used (give them "
                        "to an auth handler's password manager)");
  int rc = NP_OK;
  if (np_request_has_data(req)) {
    char len[32];
    long long n = req->body.read ? req->body.length : (long long)req->data_len;
    snprintf(len, sizeof len, "%lld", n);
    if (!np_request_get_header(req, "Content-type").ptr)
      rc = np_request_add_unredirected_header(
          req, "Content-type", "application/x-www-form-urlencoded");
    /* a body of unknown length goes chunked, as do_request_ decides */
    if (rc == NP_OK && !np_request_get_header(req, "Content-length").ptr &&
        !np_request_get_header(req, "Transfer-encoding").ptr)
      rc = n >= 0 ? np_request_add_unredirected_header(req, "Content-length",
                                                       len)
                  : np_request_add_unredirected_header(
                        req, "Transfer-encoding", "chunked");
  }
  /* through a proxy the Host is the origin's, not the proxy's */
  if (rc == NP_OK && !np_request_get_header(req, "Host").ptr)
    rc = np_request_add_unredirected_header(
        req, "Host", req->orig_host ? req->orig_host : req->host);
  for (size_t i = 0; rc == NP_OK && i < np_opener_header_count(o); i++) {
    np_http_header a = np_opener_header_at(o, i);
    if (!np_request_get_header(req, a.name.ptr).ptr)
      rc = np_request_add_unredirected_header(req, a.name.ptr, a.value.ptr);
  }
  return rc == NP_OK ? NP_OK
                     : np_error_set(err, rc, "request headers: %s",
                                    np_strerror(rc));
}

/* The body of an HTTP response: the connection and its current
 * response, owned by the np_response; with keep-alive the pool it goes
 * back to when the body was read to its end. */
typedef struct conn_body {
  np_http_conn *conn;
  np_http_resp *resp;
  np__pool *pool; /* a reference, or NULL */
  char *key;
} conn_body;

static int conn_read(void *ctx, void *buf, size_t cap, size_t *got,
                     np_error *err) {
  conn_body *b = ctx;
  return np_http_resp_read1(b->resp, buf, cap, got, err);
}

static void conn_close(void *ctx) {
  conn_body *b = ctx;
  if (b->pool && b->resp && b->conn && np_http_resp_isclosed(b->resp) &&
      !np_http_resp_will_close(b->resp) && np_http_conn_fileno(b->conn) >= 0)
    np__pool_put(b->pool, b->key, b->conn);
  else
    np_http_conn_free(b->conn);
  if (b->pool)
    np__pool_unref(b->pool);
  np_free(b->key);
  np_free(b);
}

/* The headers sent: unredirected ones win, names title-cased, and
 * "Connection: close" (one request per connection, as urllib) unless the
 * opener keeps connections alive. */
static int gather_headers(const np_request *req, np_http_header *out,
                          char (*names)[64], size_t *n, bool keepalive) {
  size_t k = 0;
  for (int pass = 1; pass >= 0; pass--)
    for (size_t i = 0; i < req->nhdrs; i++) {
      const np__reqhdr *h = &req->hdrs[i];
      if (h->unredirected != pass || k >= NP_REQUEST_MAX_HEADERS)
        continue;
      char t[64];
      np__hdr_title(h->name, t, sizeof t);
      bool dup = !keepalive && strcmp(t, "Connection") == 0;
      for (size_t j = 0; j < k && !dup; j++)
        dup = strcmp(names[j], t) == 0;
      if (dup)
        continue;
      memcpy(names[k], t, sizeof t);
      out[k].name = np_slice_cstr(names[k]);
      out[k].value = np_slice_cstr(h->value);
      k++;
    }
  if (!keepalive) {
    out[k].name = np_slice_cstr("Connection");
    out[k].value = np_slice_cstr("close");
    k++;
  }
  *n = k;
  return NP_OK;
}

static int copy_headers(np_response *out, const np_http_resp *r) {
  for (size_t i = 0; i < np_http_resp_header_count(r); i++) {
    np_http_header h = np_http_resp_header_at(r, i);
    int rc = np_response_add_header(out, h.name.ptr, h.name.len, h.value.ptr,
                                    h.value.len);
    if (rc != NP_OK)
      return rc;
  }
  return NP_OK;
}

/* Take the Proxy-Authorization header out of hv[0..*n) into *auth
 * (when not NULL): it goes to the CONNECT, never to the origin.
 * Returns how many were taken (0 or 1). */
static size_t take_proxy_auth(np_http_header *hv, size_t *n,
                              np_http_header *auth) {
  for (size_t i = 0; i < *n; i++)
    if (np_slice_ieq_cstr(hv[i].name, "Proxy-Authorization")) {
      if (auth)
        *auth = hv[i];
      memmove(hv + i, hv + i + 1, (*n - i - 1) * sizeof *hv);
      (*n)--;
      return 1;
    }
  return 0;
}

/* An https request through a proxy: CONNECT to the origin, with the
 * Proxy-Authorization header moved from the request to the CONNECT. */
static int set_tunnel(np_http_conn *c, const char *host, np_http_header *hv,
                      size_t *n, np_error *err) {
  np_http_header auth[1];
  size_t na = take_proxy_auth(hv, n, auth);
  return np_http_conn_set_tunnel(c, host, 0, auth, na, err);
}

/* A streamed body as the client reads it: marks the body as used (a
 * resend must rewind it) and checks it against its declared length. */
typedef struct body_feed {
  np_request *req;
  long long sent;
  int bad; /* 1: longer than its length, 2: shorter */
} body_feed;

static int feed_body(void *ctx, void *buf, size_t cap, size_t *got) {
  body_feed *f = ctx;
  np_request *req = f->req;
  req->body_sent = 1;
  *got = 0;
  long long len = req->body.length;
  if (len >= 0 && (long long)cap > len - f->sent + 1)
    cap = (size_t)(len - f->sent + 1); /* one byte more shows an overrun */
  int rc = req->body.read(req->body.ctx, buf, cap, got);
  if (rc != NP_OK)
    return rc < 0 ? rc : NP_ESYS;
  if (*got > cap)
    *got = cap;
  f->sent += (long long)*got;
  if (len >= 0 && f->sent > len)
    return f->bad = 1, NP_EINVAL;
  if (len >= 0 && *got == 0 && f->sent < len)
    return f->bad = 2, NP_EINVAL;
  return NP_OK;
}

/* Send the request (its data or streamed body) and read the head;
 * *sent tells whether the request went out whole. */
static int exchange(np_http_conn *c, np_request *req, const np_http_header *hv,
                    size_t n, np_http_resp **resp, bool *sent, np_error *err) {
  *sent = false;
  int rc = np__request_body_ready(req, err);
  if (rc != NP_OK)
    return rc;
  if (req->body.read) {
    body_feed f = {req, 0, 0};
    rc = np_http_conn_request_stream(c, np_request_get_method(req),
                                     req->selector, hv, n, feed_body, &f, err);
    if (rc != NP_OK && f.bad)
      np_error_set(err, rc, "request body %s than its length %lld",
                   f.bad == 1 ? "longer" : "shorter", req->body.length);
  } else {
    rc = np_http_conn_request(c, np_request_get_method(req), req->selector,
                              req->data, req->data_len, hv, n, err);
  }
  if (rc == NP_OK) {
    *sent = true;
    rc = np_http_conn_getresponse(c, resp, err);
  }
  return rc;
}

/* A failure a connection the server closed while idle gives: the send
 * refused (reset, broken pipe), or the answer's end before any byte. */
static bool stale(int rc, bool sent, const np_error *e) {
  if (sent)
    return rc == NP_EHTTP_REMOTE_DISCONNECTED;
  return rc == NP_ESYS &&
         (e->sys_errno == ECONNRESET || e->sys_errno == EPIPE);
}

/* The pool key: scheme, host[:port], tunnel and time-out. */
static char *pool_key(const http_handler *self, const np_request *req) {
  np_buf k;
  np_buf_init(&k, 0);
  int rc = np_buf_printf(&k, "%s\n%s\n%s\n%d", self->h.schemes, req->host,
                         req->tunnel_host ? req->tunnel_host : "",
                         req->timeout_ms);
  char *key = rc == NP_OK ? np_buf_detach(&k, NULL) : NULL;
  np_buf_free(&k);
  return key;
}

static int new_conn(http_handler *self, np_request *req, np_http_header *hv,
                    size_t *n, np_http_conn **out, np_error *err) {
  np_http_conn_options opts;
  memset(&opts, 0, sizeof opts);
  opts.timeout_ms = req->timeout_ms;
  opts.https = self->https;
  opts.tls = self->tls;
  *out = NULL;
  int rc = np_http_conn_new(out, req->host, 0, &opts, err);
  if (rc == NP_OK && req->tunnel_host)
    rc = set_tunnel(*out, req->tunnel_host, hv, n, err);
  return rc;
}

/* do_open: one connection per request, its response handed over; with
 * keep-alive the connection may come from the opener's pool, and a
 * request a stale pooled connection lost is sent once more on a new
 * one. */
static int http_open(np_handler *h, np_opener *o, np_request *req,
                     np_response **out, np_error *err) {
  http_handler *self = (http_handler *)h;
  if (!req->host[0])
    return np_error_set(err, NP_EREQUEST_URL, "no host given");
  np__pool *pool = np__opener_pool(o);
  /* room for the request's own headers (add_header bounds them by
   * NP_REQUEST_MAX_HEADERS) and Connection, not for the maximum */
  np_http_header *hv = np_malloc((req->nhdrs + 1) * sizeof *hv);
  char(*nv)[64] = np_malloc((req->nhdrs + 1) * sizeof *nv);
  conn_body *b = np_malloc(sizeof *b);
  char *key = pool ? pool_key(self, req) : NULL;
  if (!hv || !nv || !b || (pool && !key)) {
    np_free(hv), np_free(nv), np_free(b), np_free(key);
    return np_error_set(err, NP_ENOMEM, "out of memory");
  }
  memset(b, 0, sizeof *b);
  b->key = key;
  if (pool) {
    b->pool = pool;
    np__pool_ref(pool);
  }
  np_error local = NP_ERROR_INIT;
  np_error *e = err ? err : &local;
  int rc = NP_OK;
  /* a body that cannot be sent twice never risks a stale connection */
  bool may_reuse = pool && (!req->body.read || req->body.rewind);
  for (int attempt = 0; attempt < 2; attempt++) {
    size_t n;
    gather_headers(req, hv, nv, &n, pool != NULL);
    bool reused = false;
    if (may_reuse && attempt == 0)
      reused = (b->conn = np__pool_take(pool, key)) != NULL;
    if (!b->conn)
      rc = new_conn(self, req, hv, &n, &b->conn, e);
    else if (req->tunnel_host) /* the CONNECT was made: drop its header */
      take_proxy_auth(hv, &n, NULL);
    bool sent = false;
    if (rc == NP_OK)
      rc = exchange(b->conn, req, hv, n, &b->resp, &sent, e);
    if (rc == NP_OK || !reused || !stale(rc, sent, e) ||
        !np__request_body_resendable(req))
      break;
    np_http_conn_free(b->conn); /* the server closed it while idle */
    b->conn = NULL;
    b->resp = NULL;
  }
  np_free(hv);
  np_free(nv);
  np_error_clear(&local);
  if (rc != NP_OK) {
    b->resp = NULL;
    conn_close(b);
    return rc;
  }
  np_slice rs = np_http_resp_reason(b->resp);
  char *reason = np__copy_str(rs.ptr, rs.len);
  if (!reason) {
    b->resp = NULL;
    conn_close(b);
    return np_error_set(err, NP_ENOMEM, "out of memory");
  }
  np_response_body body = {conn_read, conn_close, b};
  rc = np_response_new(out, req->full_url, np_http_resp_status(b->resp),
                       reason, &body);
  np_free(reason);
  if (rc == NP_OK)
    np_response_set_version(*out, np_http_resp_version(b->resp));
  if (rc == NP_OK && (rc = copy_headers(*out, b->resp)) != NP_OK) {
    np_response_free(*out);
    *out = NULL;
  }
  return rc == NP_OK ? NP_OK : np_error_set(err, rc, "out of memory");
}

static np_handler *make_http(int https, const np_tls_options *tls) {
  const char *scheme = https ? "https" : "http";
  http_handler *self = np__handler_new(sizeof *self, scheme, 500, scheme);
  if (!self)
    return NULL;
  self->https = https;
  if (tls)
    self->tls = *tls;
  self->h.open = http_open;
  self->h.request = http_request;
  return &self->h;
}

np_handler *np_handler_http_new(void) { return make_http(0, NULL); }
np_handler *np_handler_https_new(const np_tls_options *tls) {
  return make_http(1, tls);
}

/* HTTPErrorProcessor.http_response: a status outside 2xx goes to the
 * error handlers. */
static int error_process(np_handler *h, np_opener *o, np_request *req,
                         np_response **resp, np_error *err) {
  (void)h;
  int code = np_response_status(*resp);
  if (code >= 200 && code < 300)
    return NP_OK;
  return np_opener_error(o, req, resp, err);
}

np_handler *np_handler_error_processor_new(void) {
  np_handler *h =
      np__handler_new(sizeof *h, "error_processor", 1000, "http https");
  if (h)
    h->response = error_process;
  return h;
}

/* HTTPDefaultErrorHandler.http_error_default: raise HTTPError. */
static int default_error(np_handler *h, np_opener *o, np_request *req,
                         np_response **resp, np_error *err) {
  (void)h, (void)o;
  return np__http_error(resp, err, NULL, NULL);
}

np_handler *np_handler_default_error_new(void) {
  np_handler *h = np__handler_new(sizeof *h, "default_error", 500, NULL);
  if (h) {
    h->flags = NP_HANDLER_ERROR_DEFAULT;
    h->error = default_error;
  }
  return h;
}
