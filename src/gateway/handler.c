/*
 * wsgiref.handlers.BaseHandler: run an application and turn what it gives
 * (status, headers, body chunks, write() calls) into a response on an
 * np_gw_output, with the server's duties of PEP 3333 and RFC 9112: checked
 * headers, Content-Length when the size is known, chunked or close
 * otherwise, no body for HEAD, an error page when the application fails.
 */
#include "gateway/gw_internal.h"
#include "core/date.h"
#include "netproto/http.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ERROR_STATUS "500 Internal Server Error"
#define ERROR_BODY "A server error occurred.  Please contact the administrator."

void np_gw_handler_options_init(np_gw_handler_options *o) {
  memset(o, 0, sizeof *o);
  o->origin_server = true;
  o->http_version = "1.0";
  o->error_status = ERROR_STATUS;
  o->error_body = ERROR_BODY;
  o->flags = NP_GW_MULTITHREAD;
  o->chunked = true;
}

void np_gw_cgi_options_init(np_gw_handler_options *o) {
  np_gw_handler_options_init(o);
  o->origin_server = false;
  o->flags = NP_GW_MULTIPROCESS | NP_GW_RUN_ONCE; /* CGIHandler's */
}

typedef struct run {
  np_gw_start sr;
  const np_gw_handler_options *o;
  np_gw_environ *env;
  np_gw_output *out;
  np_gw_body *body;
  np_gw_headers *headers;
  char status[256];
  bool status_set, headers_sent, head_only, chunked, modern;
  bool app_returned; /* the body is known (write() may come before it) */
  bool collecting;   /* o->collect: body bytes wait in pending */
  bool streaming;    /* the body goes to out->stream */
  np_buf pending;
  int64_t declared; /* Content-Length the application set, or -1 */
  uint64_t sent;
  np_gw_result *res;
} run;

/* The code of a status line already checked by np__gw_status_ok. */
static int status_code(const char *s) {
  return (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
}

static void log_error(run *r, const char *what, int status) {
  np_gw_errors_printf(np_gw_environ_errors(r->env), "%s: %s (%s)\n", what,
                      np_strerror(status), np_status_name(status));
}

/* start_response with PEP 3333's rules (BaseHandler.start_response). */
static int start(np_gw_start *sr, const char *status,
                 const np_gw_header *hdrs, size_t n,
                 const np_gw_exc_info *exc) {
  run *r = sr->ctx;
  if (exc) {
    /* After the headers went out nothing can be taken back: re-raise. */
    if (r->headers_sent)
      return exc->status < 0 ? exc->status : NP_ESTATE;
  } else if (r->status_set) {
    return NP_ESTATE; /* "Headers already set!" */
  }
  if (!np__gw_status_ok(status) || strlen(status) >= sizeof r->status)
    return NP_EINVAL;
  for (size_t i = 0; i < n; i++) {
    if (!hdrs[i].name || !hdrs[i].value || !np__gw_token(hdrs[i].name) ||
        !np__gw_value_ok(hdrs[i].value))
      return NP_EINVAL;
    if (np_gw_is_hop_by_hop(hdrs[i].name, strlen(hdrs[i].name)))
      return NP_EINVAL; /* "Hop-by-hop headers not allowed" */
  }
  /* Replace any earlier list (a second call with exc_info). */
  np__gw_headers_clear(r->headers);
  int rc = np_gw_headers_extend(r->headers, hdrs, n);
  if (rc < 0)
    return rc;
  memcpy(r->status, status, strlen(status) + 1);
  r->status_set = true;
  return NP_OK;
}

/* Append the status line (or CGI's Status header) and Date/Server. */
static int preamble(run *r, np_buf *b) {
  const np_gw_handler_options *o = r->o;
  int rc = NP_OK;
  if (!o->origin_server)
    return np_buf_printf(b, "Status: %s\r\n", r->status);
  if (!r->modern)
    return NP_OK;
  rc = np_buf_printf(b, "HTTP/%s %s\r\n", o->http_version, r->status);
  if (rc == NP_OK && !np_gw_headers_get(r->headers, "Date")) {
    rc = np_buf_append_cstr(b, "Date: ");
    if (rc == NP_OK)
      rc = np__http_date_format(b, (int64_t)time(NULL));
    if (rc == NP_OK)
      rc = np_buf_append(b, "\r\n", 2);
  }
  if (rc == NP_OK && o->server_software &&
      !np_gw_headers_get(r->headers, "Server"))
    rc = np_buf_printf(b, "Server: %s\r\n", o->server_software);
  return rc;
}

/* cleanup_headers: Content-Length when known, else chunked or close. */
static int frame(run *r, uint64_t first_len, bool finished) {
  const char *cl = np_gw_headers_get(r->headers, "Content-Length");
  r->declared = -1;
  if (cl) {
    uint64_t v;
    if (np__parse_uint(cl, strlen(cl), INT64_MAX, &v) < 0)
      return NP_EINVAL;
    r->declared = (int64_t)v;
    return NP_OK;
  }
  int64_t len = -1;
  if (finished)
    len = (int64_t)first_len; /* finish_content: everything is known */
  else if (r->app_returned && r->body->length >= 0 && r->sent == 0)
    len = r->body->length;
  int code = status_code(r->status);
  bool bodyless = (code >= 100 && code < 200) || code == 204 || code == 304;
  if (bodyless)
    return NP_OK;
  if (len >= 0) {
    char num[24], *p = num + sizeof num;
    uint64_t v = (uint64_t)len;
    *--p = '\0';
    do { /* no printf on the per-request path */
      *--p = (char)('0' + v % 10);
      v /= 10;
    } while (v);
    r->declared = len;
    return np_gw_headers_set(r->headers, "Content-Length", p);
  }
  if (r->o->collect && !finished && !r->streaming) {
    r->collecting = true; /* the length is known once the body ends */
    return NP_OK;
  }
  np_slice proto = np_gw_environ_get(r->env, "SERVER_PROTOCOL");
  if (r->o->origin_server && r->o->chunked &&
      strcmp(r->o->http_version, "1.1") == 0 &&
      np_slice_ieq_cstr(proto, "HTTP/1.1")) {
    r->chunked = true;
    return np_gw_headers_set(r->headers, "Transfer-Encoding", "chunked");
  }
  if (r->res && r->o->origin_server)
    r->res->close = true; /* the end of the body is the end of the
                             connection */
  return NP_OK;
}

static int send_headers(run *r, uint64_t first_len, bool finished) {
  if (!r->status_set)
    return NP_ESTATE; /* "write() before start_response()" */
  int rc = frame(r, first_len, finished);
  if (rc < 0 || r->collecting)
    return rc;
  r->headers_sent = true;
  int code = status_code(r->status);
  if (r->res) {
    r->res->code = code;
    r->res->headers_sent = true;
  }
  if (r->out->head)
    return r->out->head(r->out, code, r->status, r->headers);
  np_buf b;
  np_buf_init(&b, 0);
  rc = preamble(r, &b);
  if (rc == NP_OK && (r->modern || !r->o->origin_server))
    rc = np_gw_headers_format(r->headers, &b);
  if (rc == NP_OK)
    rc = r->out->write(r->out, b.data, b.len);
  np_buf_free(&b);
  return rc;
}

/* Body bytes: framed, bounded by a declared Content-Length, dropped for
 * HEAD. */
static int body_bytes(run *r, const char *p, size_t n) {
  if (r->collecting)
    return np_buf_append(&r->pending, p, n);
  if (r->declared >= 0 && r->sent + n > (uint64_t)r->declared) {
    /* Never more than the application announced (PEP 3333). */
    n = (size_t)((uint64_t)r->declared - r->sent);
    if (r->res)
      r->res->close = true;
  }
  r->sent += n;
  if (r->res)
    r->res->body_bytes = r->sent;
  if (r->head_only || n == 0)
    return NP_OK;
  int rc = NP_OK;
  if (r->chunked) {
    char line[NP_HTTP_CHUNK_LINE_MAX];
    size_t ll = np_http_format_chunk_line(line, n);
    rc = r->out->write(r->out, line, ll);
    if (rc == NP_OK)
      rc = r->out->write(r->out, p, n);
    if (rc == NP_OK)
      rc = r->out->write(r->out, "\r\n", 2);
    return rc;
  }
  return r->out->write(r->out, p, n);
}

/* write(): the legacy callable; also used for each body chunk. */
static int write_fn(np_gw_start *sr, const void *data, size_t len) {
  run *r = sr->ctx;
  if (!r->status_set)
    return NP_ESTATE;
  if (!r->headers_sent && !r->collecting) {
    if (len == 0)
      return NP_OK; /* headers wait for the first non-empty chunk */
    int rc = send_headers(r, len, false);
    if (rc < 0)
      return rc;
  }
  return body_bytes(r, data, len);
}

static int send_file(run *r, const np_gw_chunk *c) {
  if (!r->headers_sent && !r->collecting) {
    int rc = send_headers(r, c->count, false);
    if (rc < 0)
      return rc;
  }
  uint64_t count = c->count;
  if (r->declared >= 0 && r->sent + count > (uint64_t)r->declared)
    count = (uint64_t)r->declared - r->sent;
  bool to_eof = c->count >= (uint64_t)INT64_MAX; /* a pipe, length unknown */
  if (r->head_only || !r->out->sendfile || r->chunked || r->collecting ||
      to_eof) {
    /* Read and write in blocks (the chunked framing goes around each). */
    char block[16384];
    np_gw_chunk fc = *c;
    fc.count = count;
    uint64_t done = 0;
    while (done < fc.count) {
      uint64_t left = fc.count - done;
      size_t want = left < sizeof block ? (size_t)left : sizeof block;
      ssize_t got = np__gw_read_at(fc.fd, block, want, fc.offset + done);
      if (got == 0 && to_eof)
        break;
      if (got <= 0)
        return got == 0 ? NP_EOF : NP_ESYS;
      int rc = body_bytes(r, block, (size_t)got);
      if (rc < 0)
        return rc;
      done += (uint64_t)got;
    }
    return NP_OK;
  }
  int rc = r->out->sendfile(r->out, c->fd, c->offset, count);
  if (rc == NP_OK) {
    r->sent += count;
    if (r->res)
      r->res->body_bytes = r->sent;
  }
  return rc;
}

/* A generator handed to a server that pulls it (np_gw_output.stream). */
typedef struct gw_stream {
  np_gw_body body; /* moved out of the run: a generator has no pointers
                      into its own struct */
  bool chunked, done;
  const char *p;   /* what is left of the current bytes chunk */
  size_t left;
  int fd;          /* or of the current file chunk */
  uint64_t off, fleft;
} gw_stream;

/* Append one piece of at most `room` bytes, as its own HTTP chunk when
 * chunked (so no framing state spans calls). */
static int stream_piece(gw_stream *st, np_buf *out, size_t room) {
  size_t frame = st->chunked ? NP_HTTP_CHUNK_LINE_MAX + 2 : 0;
  if (room <= frame + 1)
    return NP_OK; /* no room now: yield */
  size_t n = room - frame;
  size_t mark = out->len;
  if (st->chunked) {
    int rc = np_buf_reserve(out, NP_HTTP_CHUNK_LINE_MAX + n + 2);
    if (rc < 0)
      return rc;
    out->len += NP_HTTP_CHUNK_LINE_MAX; /* the line goes here, later */
  }
  int rc = np_buf_reserve(out, n);
  if (rc < 0)
    return rc;
  size_t got;
  if (st->left) {
    got = n < st->left ? n : st->left;
    memcpy(out->data + out->len, st->p, got);
    st->p += got;
    st->left -= got;
  } else {
    size_t want = st->fleft < n ? (size_t)st->fleft : n;
    ssize_t r = np__gw_read_at(st->fd, out->data + out->len, want, st->off);
    if (r < 0)
      return NP_ESYS;
    got = (size_t)r;
    st->off += got;
    st->fleft = r == 0 ? 0 : st->fleft - got; /* EOF ends a pipe's range */
  }
  if (st->chunked) {
    char line[NP_HTTP_CHUNK_LINE_MAX];
    size_t ll = np_http_format_chunk_line(line, got);
    memcpy(out->data + mark, line, ll); /* then the data, moved up */
    memmove(out->data + mark + ll, out->data + out->len, got);
    out->len = mark + ll + got;
    if (got)
      memcpy(out->data + out->len, "\r\n", 2), out->len += 2;
    else
      out->len = mark;
  } else {
    out->len += got;
  }
  out->data[out->len] = '\0';
  return NP_OK;
}

static int stream_pull(void *ctx, np_buf *out, size_t room, bool *done) {
  gw_stream *st = ctx;
  while (!st->left && !st->fleft) {
    np_gw_chunk c;
    int rc = np_gw_body_next(&st->body, &c);
    if (rc == NP_GW_END) {
      *done = true;
      return st->chunked ? np_buf_append(out, "0\r\n\r\n", 5) : NP_OK;
    }
    if (rc < 0)
      return rc; /* the engine closes the connection */
    if (c.kind == NP_GW_CHUNK_BYTES) {
      st->p = c.data;
      st->left = c.len;
    } else {
      st->fd = c.fd;
      st->off = c.offset;
      st->fleft = c.count;
    }
  }
  return stream_piece(st, out, room);
}

static void stream_release(void *ctx) {
  gw_stream *st = ctx;
  np_gw_body_close(&st->body);
  np_free(st);
}

/* Hand a generator of unknown length to a server that pulls: the head
 * goes now (chunked for HTTP/1.1, else the end of the connection ends
 * it).  Returns 1 when handed over, 0 when this body is not a case for it. */
static int hand_over(run *r) {
  if (!r->out->stream || r->o->collect || r->head_only || !r->status_set ||
      r->headers_sent ||
      r->sent || r->body->length >= 0 || !np__gw_body_is_generator(r->body) ||
      np_gw_headers_get(r->headers, "Content-Length"))
    return 0;
  gw_stream *st = np_malloc(sizeof *st);
  if (!st)
    return NP_ENOMEM;
  memset(st, 0, sizeof *st);
  r->streaming = true; /* frame: chunked or close, never collect */
  int rc = send_headers(r, 0, false);
  if (rc < 0) {
    np_free(st);
    return rc;
  }
  st->body = *r->body;
  st->chunked = r->chunked;
  np_gw_body_init(r->body); /* the run's close is now a no-op */
  if (r->res && !r->chunked)
    r->res->close = true;
  rc = r->out->stream(r->out, stream_pull, st, stream_release);
  return rc < 0 ? rc : 1;
}

/* finish_response: pull every chunk, then finish_content. */
static int finish(run *r) {
  np_gw_chunk c;
  int rc = hand_over(r);
  if (rc != 0)
    return rc < 0 ? rc : NP_OK;
  while ((rc = np_gw_body_next(r->body, &c)) == NP_OK) {
    if (!r->status_set)
      return NP_ESTATE;
    if (c.kind == NP_GW_CHUNK_FILE)
      rc = c.count ? send_file(r, &c) : NP_OK;
    else
      rc = write_fn(&r->sr, c.data, c.len);
    if (rc < 0)
      return rc;
  }
  if (rc < 0)
    return rc;
  rc = NP_OK;
  if (r->collecting) {
    /* Everything is here: send it with its length. */
    r->collecting = false;
    rc = send_headers(r, r->pending.len, true);
    if (rc == NP_OK)
      rc = body_bytes(r, r->pending.data, r->pending.len);
  } else if (!r->headers_sent) {
    if (!r->status_set)
      return NP_ESTATE;
    rc = send_headers(r, 0, true);
  } else if (r->chunked && !r->head_only) {
    rc = r->out->write(r->out, "0\r\n\r\n", 5);
  }
  if (rc == NP_OK && r->declared >= 0 && r->sent < (uint64_t)r->declared &&
      !r->head_only) {
    /* Fewer bytes than announced: the client must see the connection
     * end, or it would take the next response as the rest. */
    log_error(r, "response shorter than its Content-Length", NP_EOF);
    if (r->res)
      r->res->close = true;
  }
  return rc;
}

/* The environ keys BaseHandler.setup_environ adds. */
static int setup_environ(run *r) {
  const np_gw_handler_options *o = r->o;
  np_gw_environ *e = r->env;
  np_gw_environ_set_flags(e, o->flags);
  int rc = o->url_scheme
               ? np_gw_environ_set_cstr(e, "wsgi.url_scheme", o->url_scheme)
               : np_gw_environ_setdefault(e, "wsgi.url_scheme",
                                          np_gw_guess_scheme(e));
  if (rc == NP_OK && o->origin_server && o->server_software)
    rc = np_gw_environ_setdefault(e, "SERVER_SOFTWARE", o->server_software);
  return rc;
}

/* handle_error: log, then answer error_status when nothing was sent. */
static int handle_error(run *r, int status) {
  log_error(r, "application failed", status);
  if (r->res)
    r->res->app_status = status;
  if (r->headers_sent) {
    if (r->res)
      r->res->close = true; /* the response is cut short */
    return NP_OK;
  }
  r->collecting = false; /* what was collected is dropped */
  np_buf_reset(&r->pending);
  static const np_gw_header eh[] = {{"Content-Type", "text/plain"}};
  np_gw_exc_info exc = {status, np_strerror(status)};
  int rc = start(&r->sr, r->o->error_status, eh, 1, &exc);
  if (rc < 0)
    return rc;
  np_gw_body_close(r->body);
  np_gw_body_init(r->body);
  np_gw_body_bytes(r->body, r->o->error_body, strlen(r->o->error_body));
  return finish(r);
}

int np_gw_handler_run(const np_gw_handler_options *o, np_gw_app app,
                      np_gw_environ *env, np_gw_output *out,
                      np_gw_result *res) {
  if (!o || !app.call || !env || !out || !out->write)
    return NP_EINVAL;
  run r;
  memset(&r, 0, sizeof r);
  r.sr.start = start;
  r.sr.write = write_fn;
  r.sr.ctx = &r;
  r.o = o;
  r.env = env;
  r.out = out;
  r.res = res;
  r.declared = -1;
  np_buf_init(&r.pending, o->max_collect ? o->max_collect : (size_t)64 << 20);
  np_gw_result dummy;
  if (!r.res)
    r.res = &dummy;
  memset(r.res, 0, sizeof *r.res);
  np_gw_body body;
  np_gw_body_init(&body);
  r.body = &body;
  int rc = np_gw_headers_new(&r.headers);
  if (rc < 0)
    return rc;
  rc = setup_environ(&r);
  np_slice method = np_gw_environ_get(env, "REQUEST_METHOD");
  np_slice proto = np_gw_environ_get(env, "SERVER_PROTOCOL");
  r.head_only = np_slice_ieq_cstr(method, "HEAD");
  r.modern = !np_slice_ieq_cstr(proto, "HTTP/0.9");
  if (rc == NP_OK) {
    int app_rc = app.call(app.ctx, env, &r.sr, &body);
    r.app_returned = true;
    if (app_rc >= 0)
      app_rc = finish(&r);
    if (app_rc < 0)
      rc = handle_error(&r, app_rc);
  }
  np_gw_body_close(&body);
  if (rc == NP_OK && out->flush)
    rc = out->flush(out);
  np_gw_headers_free(r.headers);
  np_buf_free(&r.pending);
  return rc;
}
