/*
 * wsgiref.validate in C: a middleware that puts a checking start_response,
 * write(), body, input and errors between the server and the application.
 * Every check names the rule it enforces; a violation is logged to
 * wsgi.errors and fails the request with NP_EGW_INVALID.
 */
#include "gateway/gw_internal.h"

#include <string.h>

typedef struct vreq {
  np_gw_start sr;          /* what the application is given */
  np_gw_start *server_sr;  /* the server's */
  np_gw_body *outer;       /* the server's body, which we fill */
  np_gw_body inner;        /* the application's */
  np_gw_environ *env;
  np_gw_input in, *server_in;
  np_gw_errors errs, *server_errs;
  bool started, headers_seen, failed;
} vreq;

static int violation(vreq *q, const char *name, const char *detail) {
  np_gw_errors_printf(q->server_errs ? q->server_errs
                                     : np_gw_environ_errors(q->env),
                      "validate: %s: %s\n", name, detail);
  q->failed = true;
  return NP_EGW_INVALID;
}

static void warning(vreq *q, const char *name, const char *detail) {
  np_gw_errors_printf(q->server_errs, "validate: warning: %s: %s\n", name,
                      detail);
}

/* ---- the server's side: the environ ---- */

static int check_environ(vreq *q) {
  np_gw_environ *e = q->env;
  static const char *required[] = {"REQUEST_METHOD", "SERVER_NAME",
                                   "SERVER_PORT", "wsgi.url_scheme"};
  for (size_t i = 0; i < NP_ARRAY_LEN(required); i++)
    if (!np_gw_environ_get(e, required[i]).ptr)
      return violation(q, "environ.missing_key", required[i]);
  if (!q->server_in)
    return violation(q, "environ.missing_key", "wsgi.input");
  if (!q->server_errs)
    return violation(q, "environ.missing_key", "wsgi.errors");
  if (np_gw_environ_has(e, "HTTP_CONTENT_TYPE"))
    return violation(q, "environ.http_content_type",
                     "HTTP_CONTENT_TYPE should be CONTENT_TYPE");
  if (np_gw_environ_has(e, "HTTP_CONTENT_LENGTH"))
    return violation(q, "environ.http_content_length",
                     "HTTP_CONTENT_LENGTH should be CONTENT_LENGTH");
  np_slice scheme = np_gw_environ_get(e, "wsgi.url_scheme");
  if (!np_slice_eq(scheme, np_slice_cstr("http")) &&
      !np_slice_eq(scheme, np_slice_cstr("https")))
    return violation(q, "environ.url_scheme", "not http or https");
  np_slice script = np_gw_environ_get(e, "SCRIPT_NAME");
  np_slice path = np_gw_environ_get(e, "PATH_INFO");
  if (script.len && script.ptr[0] != '/')
    return violation(q, "environ.script_name", "does not start with /");
  if (script.len == 1)
    return violation(q, "environ.script_name",
                     "cannot be '/'; it should be '' and PATH_INFO '/'");
  if (path.len && path.ptr[0] != '/')
    return violation(q, "environ.path_info", "does not start with /");
  if (!script.len && !path.ptr)
    return violation(q, "environ.no_path",
                     "one of SCRIPT_NAME or PATH_INFO is required");
  np_slice cl = np_gw_environ_get(e, "CONTENT_LENGTH");
  uint64_t n;
  if (cl.len && np__parse_uint(cl.ptr, cl.len, INT64_MAX, &n) < 0)
    return violation(q, "environ.content_length", "not a number");
  if (!np_gw_environ_has(e, "QUERY_STRING"))
    warning(q, "environ.query_string", "QUERY_STRING is not in environ");
  static const char *methods[] = {"GET",    "HEAD",    "POST",  "OPTIONS",
                                  "PATCH",  "PUT",     "DELETE", "TRACE"};
  np_slice m = np_gw_environ_get(e, "REQUEST_METHOD");
  bool known = false;
  for (size_t i = 0; i < NP_ARRAY_LEN(methods); i++)
    known = known || np_slice_eq(m, np_slice_cstr(methods[i]));
  if (!known)
    warning(q, "environ.request_method", "unknown REQUEST_METHOD");
  return NP_OK;
}

/* ---- the application's side ---- */

static int check_headers(vreq *q, const char *status,
                         const np_gw_header *h, size_t n) {
  bool ctype = false;
  for (size_t i = 0; i < n; i++) {
    const char *name = h[i].name, *value = h[i].value;
    if (!name || !value)
      return violation(q, "start_response.header_name", "NULL name or value");
    size_t nl = strlen(name);
    if (nl == 6 && np__ieq(name, "status", 6))
      return violation(q, "start_response.header_name",
                       "the Status header cannot be used");
    if (!np__gw_token(name) || name[nl - 1] == '-' || name[nl - 1] == '_')
      return violation(q, "start_response.header_name", name);
    if (!np__gw_value_ok(value))
      return violation(q, "start_response.header_value", name);
    if (np_gw_is_hop_by_hop(name, nl))
      return violation(q, "start_response.hop_by_hop", name);
    if (nl == 12 && np__ieq(name, "content-type", 12))
      ctype = true;
  }
  bool nobody = strncmp(status, "204", 3) == 0 || strncmp(status, "304", 3) == 0;
  if (nobody && ctype)
    return violation(q, "start_response.content_type",
                     "no Content-Type is allowed with 204 or 304");
  if (!nobody && !ctype)
    return violation(q, "start_response.content_type",
                     "no Content-Type header found in headers");
  return NP_OK;
}

static int v_start(np_gw_start *sr, const char *status,
                   const np_gw_header *h, size_t n,
                   const np_gw_exc_info *exc) {
  vreq *q = sr->ctx;
  if (q->started && !exc)
    return violation(q, "start_response.twice",
                     "a second call needs exc_info");
  if (!status || strlen(status) < 4 || !np__gw_status_ok(status) ||
      status[0] == '0')
    return violation(q, "start_response.status",
                     status ? status : "NULL status");
  if (!status[4])
    warning(q, "start_response.status", "the status has no message");
  if (!h && n)
    return violation(q, "start_response.header_name", "NULL header list");
  int rc = check_headers(q, status, h, n);
  if (rc < 0)
    return rc;
  rc = np_gw_start_response(q->server_sr, status, h, n, exc);
  if (rc < 0 && exc && q->headers_seen)
    return rc; /* the re-raise PEP 3333 asks for: not a violation */
  if (rc == NP_OK)
    q->started = true;
  return rc;
}

static int v_write(np_gw_start *sr, const void *data, size_t len) {
  vreq *q = sr->ctx;
  if (!q->started)
    return violation(q, "write.before_start_response",
                     "write() before start_response()");
  if (!data && len)
    return violation(q, "write.bad_data", "NULL data with a length");
  if (len)
    q->headers_seen = true;
  return np_gw_write(q->server_sr, data, len);
}

static int v_next(np_gw_body *b, np_gw_chunk *out) {
  vreq *q = b->ctx; /* np_gw_body_next never calls a closed body */
  int rc = np_gw_body_next(&q->inner, out);
  if (rc == NP_GW_END && !q->started)
    return violation(q, "app.no_start_response",
                     "the application never called start_response");
  if (rc != NP_OK)
    return rc;
  if (!q->started)
    return violation(q, "body.before_start_response",
                     "the body yields before start_response was called");
  if (out->kind == NP_GW_CHUNK_BYTES && !out->data && out->len)
    return violation(q, "body.bad_chunk", "NULL data with a length");
  if (out->kind == NP_GW_CHUNK_FILE && out->fd < 0)
    return violation(q, "body.bad_chunk", "a file chunk without a file");
  if (out->kind != NP_GW_CHUNK_BYTES && out->kind != NP_GW_CHUNK_FILE)
    return violation(q, "body.bad_chunk", "unknown chunk kind");
  if (out->kind == NP_GW_CHUNK_FILE ? out->count > 0 : out->len > 0)
    q->headers_seen = true;
  return NP_OK;
}

static void v_close(np_gw_body *b) {
  vreq *q = b->ctx; /* np_gw_body_close calls this once */
  np_gw_body_close(&q->inner);
  /* The server gets its own streams back (it may drain the input). */
  np_gw_environ_set_input(q->env, q->server_in);
  np_gw_environ_set_errors(q->env, q->server_errs);
  np_free(q);
}

static int v_read(np_gw_input *in, char *buf, size_t cap, size_t *got) {
  vreq *q = in->ctx;
  if (!buf && cap)
    return violation(q, "input.bad_args", "NULL buffer with a size");
  return np_gw_input_read(q->server_in, buf, cap, got);
}

static void v_errwrite(np_gw_errors *e, const char *data, size_t n) {
  vreq *q = e->ctx;
  if (!data && n) {
    violation(q, "errors.bad_args", "NULL data with a length");
    return;
  }
  np_gw_errors_write(q->server_errs, data, n);
}

static int v_call(void *ctx, np_gw_environ *env, np_gw_start *sr,
                  np_gw_body *body) {
  np_gw_validator *v = ctx;
  vreq *q = np_malloc(sizeof *q);
  if (!q)
    return NP_ENOMEM;
  memset(q, 0, sizeof *q);
  q->sr.start = v_start;
  q->sr.write = v_write;
  q->sr.ctx = q;
  q->server_sr = sr;
  q->outer = body;
  q->env = env;
  q->server_in = np_gw_environ_input(env);
  q->server_errs = np_gw_environ_errors(env);
  np_gw_body_init(&q->inner);
  /* The body the server sees pulls through the checks; closing it frees
   * this request's state, so it is set up before anything can fail. */
  np_gw_body_generator(body, v_next, v_close, q, -1);
  int rc = check_environ(q);
  if (rc < 0)
    return rc;
  q->in.read = v_read;
  q->in.ctx = q;
  q->errs.write = v_errwrite;
  q->errs.ctx = q;
  np_gw_environ_set_input(env, &q->in);
  np_gw_environ_set_errors(env, &q->errs);
  rc = v->inner.call(v->inner.ctx, env, &q->sr, &q->inner);
  if (rc >= 0 && q->failed)
    rc = NP_EGW_INVALID; /* the application ignored a refusal */
  /* What the server may know in advance, it learns from the inner body. */
  body->length = q->inner.length;
  body->nchunks = q->inner.nchunks;
  return rc;
}

np_gw_app np_gw_validator_wrap(np_gw_validator *v, np_gw_app inner) {
  v->inner = inner;
  np_gw_app app = {v_call, v};
  return app;
}
