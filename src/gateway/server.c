/*
 * wsgiref.simple_server on the http.server engine: one np_httpd handler
 * for every method builds the environ from the parsed request, runs the
 * application through BaseHandler (np_gw_handler_run) and answers through
 * the engine's response calls, so keep-alive, pipelining, time-outs and
 * sendfile are the engine's.
 */
#include "gateway/gw_internal.h"
#include "core/date.h"
#include "netproto/http_server.h"
#include "netproto/url.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct np_gw_server {
  np_httpd *httpd;
  np_gw_app app;
  np_gw_validator validator;
  np_gw_server_options o;
  char server_name[256];
  char port[16];
  char software[128];
  np_gw_errors errors;
  np_gw_handler_options handler; /* the same for every request */
  atomic_ulong served;
};

void np_gw_server_options_init(np_gw_server_options *o) {
  memset(o, 0, sizeof *o);
  o->threads = 1;
  o->protocol_version = "HTTP/1.1";
  o->server_software = NULL; /* "WSGIServer/0.2 netproto/VERSION" */
  o->max_body = 1u << 20;
}

/* Output through the engine's response calls. */
/* What a request's application may use until its body ends: the environ
 * and wsgi.input.  One per worker thread, reused request after request;
 * a body handed to the engine to pull takes it along (the thread makes a
 * new one), since a generator may read its environ and input lazily. */
typedef struct gw_req {
  np_gw_environ *env;
  np_gw_input in;
  char *copy; /* the unread request body, once the engine's is gone */
} gw_req;

typedef struct sink {
  np_httpd_req *r;
  np_gw_server *s;
  gw_req *q;
  bool handed; /* q went with the body */
} sink;

static void req_free(gw_req *q) {
  if (!q)
    return;
  np_gw_environ_free(q->env);
  np_free(q->copy);
  np_free(q);
}

static void detach_thread_req(void);

static int out_write(np_gw_output *o, const void *d, size_t n) {
  return np_httpd_write(((sink *)o->ctx)->r, d, n);
}

static int out_sendfile(np_gw_output *o, int fd, uint64_t off, uint64_t n) {
  int copy = dup(fd); /* the engine takes its descriptor; the body keeps its */
  if (copy < 0)
    return NP_ESYS;
  return np_httpd_send_file(((sink *)o->ctx)->r, copy, off, n);
}

/* The Date header's text, formatted once a second per thread. */
static const char *date_now(void) {
  static _Thread_local char text[40];
  static _Thread_local time_t when = -1;
  time_t now = time(NULL);
  if (now != when) {
    np_buf b;
    np_buf_init(&b, sizeof text - 1);
    if (np__http_date_format(&b, (int64_t)now) == NP_OK) {
      memcpy(text, b.data, b.len + 1);
      when = now;
    }
    np_buf_free(&b);
  }
  return text;
}

/* A body the engine pulls, holding its request's environ and input. */
typedef struct held {
  gw_req *q;
  int (*pull)(void *, np_buf *, size_t, bool *);
  void *st;
  void (*release)(void *);
} held;

static int held_pull(void *ctx, np_buf *out, size_t room, bool *done) {
  held *h = ctx;
  return h->pull(h->st, out, room, done);
}

static void held_free(void *ctx) {
  held *h = ctx;
  h->release(h->st); /* the application's close, then its environ */
  req_free(h->q);
  np_free(h);
}

static int out_stream(np_gw_output *o,
                      int (*pull)(void *, np_buf *, size_t, bool *), void *st,
                      void (*release)(void *)) {
  sink *sk = o->ctx;
  held *h = np_malloc(sizeof *h);
  np_gw_input *in = &sk->q->in;
  size_t left = in->mem_len - in->mem_pos;
  char *copy = left ? np_malloc(left) : NULL;
  if (!h || (left && !copy)) {
    np_free(h);
    np_free(copy);
    release(st);
    return NP_ENOMEM;
  }
  /* The engine's copy of the request body ends with this call: the input
   * (same struct, so wrappers holding its address still work) moves to
   * ours. */
  if (left)
    memcpy(copy, in->mem + in->mem_pos, left);
  np_free(sk->q->copy);
  sk->q->copy = copy;
  in->mem = copy ? copy : "";
  in->mem_len = left;
  in->mem_pos = 0;
  h->q = NULL; /* a refusal frees only the body (the engine pulls nothing
                  before this handler returns) */
  h->pull = pull;
  h->st = st;
  h->release = release;
  int rc = np_httpd_send_stream(sk->r, held_pull, h, held_free);
  if (rc == NP_OK) {
    h->q = sk->q;
    sk->handed = true;
    detach_thread_req();
  }
  return rc;
}

/* Append "name: value\r\n" to a head block, flushing it when full. */
typedef struct block {
  np_httpd_req *r;
  char b[2048];
  size_t n;
} block;

static int block_flush(block *k) {
  int rc = k->n ? np_httpd_write(k->r, k->b, k->n) : NP_OK;
  k->n = 0;
  return rc;
}

static int block_field(block *k, const char *name, const char *value) {
  size_t nl = strlen(name), vl = strlen(value);
  if (nl + vl + 4 > sizeof k->b - k->n) {
    int rc = block_flush(k);
    if (rc < 0)
      return rc;
    if (nl + vl + 4 > sizeof k->b)
      return np_httpd_send_header_n(k->r, name, nl, value, vl);
  }
  memcpy(k->b + k->n, name, nl);
  memcpy(k->b + k->n + nl, ": ", 2);
  memcpy(k->b + k->n + nl + 2, value, vl);
  memcpy(k->b + k->n + nl + 2 + vl, "\r\n", 2);
  k->n += nl + vl + 4;
  return NP_OK;
}

/* The head: the status line through the engine (it records the status),
 * Content-Length, Transfer-Encoding and Connection through send_header
 * (the engine decides keep-alive from them), every other field - already
 * checked by start_response - appended as one block. */
/* A field the engine must see to know where the response ends. */
static bool framing_field(const char *name) {
  np_slice n = np_slice_cstr(name);
  return np_slice_ieq_cstr(n, "Content-Length") ||
         np_slice_ieq_cstr(n, "Transfer-Encoding") ||
         np_slice_ieq_cstr(n, "Connection");
}

static int out_head(np_gw_output *o, int code, const char *status,
                    const np_gw_headers *h) {
  np_httpd_req *r = ((sink *)o->ctx)->r;
  np_gw_server *s = ((sink *)o->ctx)->s;
  int rc = np_httpd_send_response_only(r, code, status + 4);
  block k;
  k.r = r;
  k.n = 0;
  /* An HTTP/0.9 simple response has no head: the engine's send_header
   * knows, so every field goes through it. */
  np_slice ver = np_httpd_request_version(r);
  bool simple = !ver.len || np_slice_ieq_cstr(ver, "HTTP/0.9");
  if (simple) {
    const char *name, *value;
    for (size_t i = 0; rc == NP_OK && np_gw_headers_at(h, i, &name, &value);
         i++)
      rc = np_httpd_send_header(r, name, value);
    return rc == NP_OK ? np_httpd_end_headers(r) : rc;
  }
  /* send_preamble: Date and Server unless the application gave them */
  if (rc == NP_OK && !np_gw_headers_get(h, "Date"))
    rc = block_field(&k, "Date", date_now());
  if (rc == NP_OK && !np_gw_headers_get(h, "Server"))
    rc = block_field(&k, "Server", s->software);
  const char *name, *value;
  for (size_t i = 0; rc == NP_OK && np_gw_headers_at(h, i, &name, &value);
       i++) {
    if (framing_field(name)) {
      rc = block_flush(&k);
      if (rc == NP_OK)
        rc = np_httpd_send_header(r, name, value);
    } else {
      rc = block_field(&k, name, value);
    }
  }
  if (rc == NP_OK)
    rc = block_flush(&k);
  return rc == NP_OK ? np_httpd_end_headers(r) : rc;
}

/* HTTP_<NAME>: upper case, '-' to '_'; false for names with '_'. */
static bool cgi_name(np_slice name, char *out, size_t cap) {
  if (name.len + 6 > cap)
    return false;
  memcpy(out, "HTTP_", 5);
  for (size_t i = 0; i < name.len; i++) {
    unsigned char c = (unsigned char)name.ptr[i];
    if (c == '_')
      return false;
    out[5 + i] = c == '-' ? '_' : (char)np__upper(c);
  }
  out[5 + name.len] = '\0';
  return true;
}

static int add_headers(np_gw_environ *e, np_httpd_req *r, np_buf *tmp) {
  np_slice name, value;
  char key[300];
  int rc = NP_OK;
  for (size_t i = 0; rc == NP_OK && np_httpd_header_at(r, i, &name, &value);
       i++) {
    if (np_slice_ieq_cstr(name, "Content-Type") ||
        np_slice_ieq_cstr(name, "Content-Length") ||
        !cgi_name(name, key, sizeof key))
      continue;
    np_slice old = np_gw_environ_get(e, key);
    if (!old.ptr) {
      rc = np_gw_environ_set(e, key, value.ptr, value.len);
      continue;
    }
    np_buf_reset(tmp); /* a repeated header: joined with "," */
    rc = np_buf_append_slice(tmp, old);
    if (rc == NP_OK)
      rc = np_buf_putc(tmp, ',');
    if (rc == NP_OK)
      rc = np_buf_append_slice(tmp, value);
    if (rc == NP_OK)
      rc = np_gw_environ_set(e, key, tmp->data, tmp->len);
  }
  return rc;
}

/* Keys of a fresh environ, each set once: appended without lookups. */
#define ADD(name, ptr, len) np__gw_environ_add(e, name, sizeof name - 1, ptr, len)
#define ADD_CSTR(name, str) ADD(name, str, strlen(str))

static int build_environ(np_gw_server *s, np_gw_environ *e, np_httpd_req *r) {
  np_slice path = np_httpd_path(r);
  const char *q = memchr(path.ptr, '?', path.len);
  size_t plen = q ? (size_t)(q - path.ptr) : path.len;
  np_buf tmp;
  np_buf_init(&tmp, 0);
  np_slice method = np_httpd_command(r), ver = np_httpd_request_version(r);
  np_slice ct = np_httpd_header(r, "Content-Type");
  np_slice cl = np_httpd_header(r, "Content-Length");
  int rc = ADD_CSTR("SERVER_NAME", s->server_name);
  if (rc == NP_OK) rc = ADD("GATEWAY_INTERFACE", "CGI/1.1", 7);
  if (rc == NP_OK) rc = ADD_CSTR("SERVER_PORT", s->port);
  if (rc == NP_OK) rc = ADD("REMOTE_HOST", "", 0);
  if (rc == NP_OK) rc = ADD("CONTENT_LENGTH", cl.ptr, cl.len);
  if (rc == NP_OK) rc = ADD("SCRIPT_NAME", "", 0);
  if (rc == NP_OK) rc = ADD("SERVER_PROTOCOL", ver.ptr, ver.len);
  if (rc == NP_OK) rc = ADD_CSTR("SERVER_SOFTWARE", s->software);
  if (rc == NP_OK) rc = ADD("REQUEST_METHOD", method.ptr, method.len);
  /* PATH_INFO: unquote(path, 'iso-8859-1'), i.e. %XX to the byte. */
  if (rc == NP_OK) rc = np_unquote_to_bytes(&tmp, path.ptr, plen);
  if (rc == NP_OK) rc = ADD("PATH_INFO", tmp.data, tmp.len);
  if (rc == NP_OK)
    rc = q ? ADD("QUERY_STRING", q + 1, path.len - plen - 1)
           : ADD("QUERY_STRING", "", 0);
  if (rc == NP_OK) rc = ADD_CSTR("REMOTE_ADDR", np_httpd_client_host(r));
  /* email.message's default content type when none was sent */
  if (rc == NP_OK)
    rc = ct.ptr ? ADD("CONTENT_TYPE", ct.ptr, ct.len)
                : ADD("CONTENT_TYPE", "text/plain", 10);
  if (rc == NP_OK) rc = ADD("wsgi.url_scheme", "http", 4);
  if (rc == NP_OK) rc = add_headers(e, r, &tmp);
  np_buf_free(&tmp);
  return rc;
}

/* One gw_req per worker thread, reset between requests: its environ's
 * arena and key array are reused, so a request allocates nothing for its
 * environ.  The thread's exit frees it. */
static pthread_key_t req_key;
static pthread_once_t req_once = PTHREAD_ONCE_INIT;

static void req_key_free(void *q) { req_free(q); }
static void req_key_make(void) { pthread_key_create(&req_key, req_key_free); }

static int thread_req(gw_req **out) {
  pthread_once(&req_once, req_key_make);
  gw_req *q = pthread_getspecific(req_key);
  if (!q) {
    q = np_malloc(sizeof *q);
    if (!q)
      return NP_ENOMEM;
    memset(q, 0, sizeof *q);
    if (np_gw_environ_new(&q->env) < 0 ||
        pthread_setspecific(req_key, q) != 0) {
      req_free(q);
      return NP_ENOMEM;
    }
  }
  np_gw_environ_reset(q->env);
  *out = q;
  return NP_OK;
}

/* The thread's gw_req now belongs to a streamed body. */
static void detach_thread_req(void) { pthread_setspecific(req_key, NULL); }

static int dispatch(np_httpd_req *r, void *ctx) {
  np_gw_server *s = ctx;
  gw_req *q;
  int rc = thread_req(&q);
  if (rc < 0)
    return rc;
  np_gw_environ *env = q->env;
  np_gw_input *in = &q->in;
  np_slice body = np_httpd_body(r);
  np_gw_input_memory(in, body.ptr, body.len);
  rc = build_environ(s, env, r);
  np_gw_environ_set_input(env, in);
  np_gw_environ_set_errors(env, &s->errors);
  np_gw_output out;
  memset(&out, 0, sizeof out);
  out.write = out_write;
  out.sendfile = out_sendfile;
  out.head = out_head;
  out.stream = out_stream;
  sink sk = {r, s, q, false};
  out.ctx = &sk;
  np_gw_result res;
  memset(&res, 0, sizeof res);
  if (rc == NP_OK)
    rc = np_gw_handler_run(&s->handler, s->app, env, &out, &res);
  if (res.close)
    np_httpd_set_close_connection(r, true);
  if (rc == NP_OK && s->o.log) {
    /* log_request(code, bytes_sent), as ServerHandler.close does */
    np_slice line = np_httpd_requestline(r);
    np_httpd_log_message(r, "\"%.*s\" %d %llu", NP_SLICE_ARG(line), res.code,
                         (unsigned long long)res.body_bytes);
  }
  if (!sk.handed)
    np_gw_environ_reset(env); /* nothing of this request stays */
  unsigned long n = atomic_fetch_add(&s->served, 1) + 1;
  if (s->o.max_requests && n >= s->o.max_requests)
    np_httpd_stop(s->httpd);
  return rc;
}

int np_gw_make_server(const np_gw_server_options *o, np_gw_app app,
                      np_gw_server **out, np_error *err) {
  if (!o || !app.call || !out)
    return np_error_set(err, NP_EINVAL, "make_server: missing argument");
  np_gw_server *s = np_malloc(sizeof *s);
  if (!s)
    return np_error_set(err, NP_ENOMEM, "make_server: out of memory");
  memset(s, 0, sizeof *s);
  s->o = *o;
  s->app = o->validate ? np_gw_validator_wrap(&s->validator, app) : app;
  snprintf(s->software, sizeof s->software, "%s",
           o->server_software ? o->server_software
                              : "WSGIServer/0.2 netproto/" NP_VERSION_STRING);
  np_gw_errors_file(&s->errors, o->errors ? o->errors : stderr);
  np_httpd_options ho;
  np_httpd_options_init(&ho);
  ho.host = o->host;
  ho.port = o->port;
  ho.threads = o->threads > 0 ? o->threads : 1;
  ho.protocol_version = o->protocol_version ? o->protocol_version : "HTTP/1.1";
  np_gw_handler_options_init(&s->handler);
  s->handler.server_software = s->software;
  s->handler.http_version =
      strcmp(ho.protocol_version, "HTTP/1.1") == 0 ? "1.1" : "1.0";
  s->handler.collect = o->collect;
  s->handler.flags = o->threads > 1 ? NP_GW_MULTITHREAD : 0;
  ho.server_version = s->software;
  ho.max_body = o->max_body ? o->max_body : ho.max_body;
  ho.log = o->log;
  np_httpd_handler h;
  memset(&h, 0, sizeof h);
  h.do_GET = h.do_HEAD = h.do_POST = h.do_PUT = h.do_DELETE = h.do_OPTIONS =
      h.do_PATCH = h.do_other = dispatch;
  h.ctx = s;
  int rc = np_httpd_new(&ho, &h, &s->httpd, err);
  if (rc < 0) {
    np_free(s);
    return rc;
  }
  char host[64];
  int port = 0;
  np_httpd_address(s->httpd, host, sizeof host, &port);
  snprintf(s->port, sizeof s->port, "%d", port);
  /* socket.getfqdn() of a loopback or wildcard address is "localhost" on
   * most systems; other addresses are given as they are. */
  bool local = !o->host || !*o->host || strcmp(host, "127.0.0.1") == 0 ||
               strcmp(host, "::1") == 0 || strcmp(host, "0.0.0.0") == 0;
  snprintf(s->server_name, sizeof s->server_name, "%s",
           local ? "localhost" : host);
  *out = s;
  return NP_OK;
}

int np_gw_server_serve(np_gw_server *s, np_error *err) {
  return np_httpd_serve(s->httpd, err);
}

void np_gw_server_stop(np_gw_server *s) { np_httpd_stop(s->httpd); }

int np_gw_server_port(const np_gw_server *s) { return np_httpd_port(s->httpd); }

unsigned long np_gw_server_requests(const np_gw_server *s) {
  return atomic_load(&((np_gw_server *)s)->served);
}

void np_gw_server_free(np_gw_server *s) {
  if (!s)
    return;
  /* The serving thread was one of the workers: its environ goes now (key
   * destructors do not run for a process's main thread). */
  pthread_once(&req_once, req_key_make);
  gw_req *q = pthread_getspecific(req_key);
  if (q) {
    pthread_setspecific(req_key, NULL);
    req_free(q);
  }
  np_httpd_free(s->httpd);
  np_free(s);
}
