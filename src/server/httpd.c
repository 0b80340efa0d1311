/*
 * HTTP server: the engine.  Each worker thread runs an event loop with its
 * own listening socket (SO_REUSEPORT spreads connections over workers).
 * A connection is either reading (requests are parsed and answered as
 * they arrive) or writing (a response the socket did not take at once);
 * it never reads while it still owes output, so a client that does not
 * read cannot make the server buffer without bound.
 *
 * Time-outs: the whole head must arrive within head_timeout_ms of its
 * first byte (later bytes do not extend it: slowloris gains nothing by
 * trickling), the body within body_timeout_ms, the next request of a
 * keep-alive connection within idle_timeout_ms, and a pending response
 * must make progress every write_timeout_ms.  A sweep every 250 ms closes
 * the connections past their deadline.
 */
#define _GNU_SOURCE
#include "server/httpd_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#define NP__HTTPD_SCRATCH 65536
#define NP__HTTPD_SWEEP_MS 250
#define NP__HTTPD_ACCEPT_BATCH 64
/* One sendfile call at most: a large file goes out in turns, so one
 * connection's download does not hold the loop (nginx's sendfile_max_chunk,
 * also 2 MiB by default). */
#define NP__SENDFILE_CHUNK ((size_t)2 << 20)
/* The most a stream's pull may add at once. */
#define NP__PULL_ROOM ((size_t)64 << 10)

static void np__conn_on_io(np__loop *l, int fd, unsigned ev, void *data);

void np_httpd_options_init(np_httpd_options *o) {
  memset(o, 0, sizeof *o);
  o->threads = 1;
  o->backlog = 511;
  o->reuse_address = true;
  o->protocol_version = "HTTP/1.0";
  o->server_version = "netproto/" NP_VERSION_STRING;
  o->max_line = NP_HTTPD_MAX_LINE;
  o->max_headers = NP_HTTPD_MAX_HEADERS;
  o->max_body = NP_HTTPD_MAX_BODY;
  o->max_response = (size_t)64 << 20;
  o->max_connections = NP_HTTPD_MAX_CONNECTIONS;
  o->head_timeout_ms = 10000;
  o->body_timeout_ms = 30000;
  o->idle_timeout_ms = 15000;
  o->write_timeout_ms = 30000;
  o->shutdown_grace_ms = 10000;
}

/* ---- connections ---- */

static void np__worker_maybe_finish(np__hworker *w) {
  if (w->draining && w->nconns == 0)
    np__loop_stop(w->loop);
}

static void np__worker_resume_accept(np__hworker *w);

static void np__conn_close(np__hconn *c) {
  np__hworker *w = c->w;
  np__loop_unwatch(w->loop, c->fd);
  close(c->fd);
  if (c->file_fd >= 0)
    close(c->file_fd);
  np__pull_end(&c->pull);
  np_buf_free(&c->in);
  np_buf_free(&c->out);
  if (c->prev)
    c->prev->next = c->next;
  else
    w->conns = c->next;
  if (c->next)
    c->next->prev = c->prev;
  w->nconns--;
  np_free(c);
  np__worker_resume_accept(w);
  np__worker_maybe_finish(w);
}

static int np__conn_set_mode(np__hconn *c, uint8_t mode) {
  c->mode = mode;
  unsigned ev = mode == NP__HC_WRITE ? NP__EV_WRITE : NP__EV_READ;
  return np__loop_watch(c->w->loop, c->fd, ev, np__conn_on_io, c);
}

void np__pull_end(np__pull *p) {
  np__pull old = *p;
  memset(p, 0, sizeof *p);
  if (old.free_fn)
    old.free_fn(old.ctx);
}

/* Send c->out; 1 when empty, 0 when the socket is full, -1 on error. */
static int np__conn_send_out(np__hconn *c) {
  while (c->out_pos < c->out.len) {
    int more = c->file_fd >= 0 || c->pull.fn;
    ssize_t n = send(c->fd, c->out.data + c->out_pos, c->out.len - c->out_pos,
                     MSG_NOSIGNAL | (more ? MSG_MORE : 0));
    if (n > 0) {
      c->out_pos += (size_t)n;
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    return (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) ? 0 : -1;
  }
  if (c->out.data) { /* an idle connection keeps no buffer */
    np_buf_free(&c->out);
    c->out_pos = 0;
  }
  return 1;
}

/* Send the file in turns; 1 when sent, 0 to continue later, -1 on error. */
static int np__conn_send_file(np__hconn *c) {
  while (c->file_fd >= 0 && c->file_left > 0) {
    off_t off = (off_t)c->file_off;
    size_t chunk = c->file_left > NP__SENDFILE_CHUNK ? NP__SENDFILE_CHUNK
                                                     : (size_t)c->file_left;
    ssize_t n = sendfile(c->fd, c->file_fd, &off, chunk);
    if (n > 0) {
      c->file_off += (uint64_t)n;
      c->file_left -= (uint64_t)n;
      if (c->file_left > 0)
        return 0; /* let the other connections have a turn */
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return 0;
    return -1; /* error, or the file shrank under us */
  }
  if (c->file_fd >= 0) {
    close(c->file_fd);
    c->file_fd = -1;
  }
  return 1;
}

/* Send what the connection owes: its buffered output, then its file or
 * the pieces its stream makes.  Returns 1 when all is sent, 0 when the
 * socket is full (or the stream yielded), -1 on error. */
static int np__conn_push(np__hconn *c) {
  for (;;) {
    int rc = np__conn_send_out(c);
    if (rc <= 0)
      return rc;
    if ((rc = np__conn_send_file(c)) <= 0)
      return rc;
    if (!c->pull.fn)
      return 1;
    np_buf_init(&c->out, NP__PULL_ROOM);
    bool done = false;
    rc = c->pull.fn(c->pull.ctx, &c->out, NP__PULL_ROOM, &done);
    if (rc != NP_OK) {
      np__pull_end(&c->pull);
      return -1;
    }
    if (done)
      np__pull_end(&c->pull);
    else if (c->out.len == 0)
      return 0; /* nothing yet: the next writable event asks again */
  }
}

/*
 * Send the worker's assembled output for c (and c's file): directly from
 * the worker buffer when the socket takes it all, which is the common
 * case; what is left is copied into the connection.  Returns 1 when done,
 * 0 when the connection now waits to write, -1 when it was closed.
 */
static int np__conn_flush(np__hconn *c) {
  np__hworker *w = c->w;
  size_t pos = 0;
  while (pos < w->wout.len) {
    ssize_t n = send(c->fd, w->wout.data + pos, w->wout.len - pos,
                     MSG_NOSIGNAL | (c->file_fd >= 0 ? MSG_MORE : 0));
    if (n > 0) {
      pos += (size_t)n;
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      break;
    np_buf_reset(&w->wout);
    np__conn_close(c);
    return -1;
  }
  if (pos < w->wout.len) {
    np_buf_init(&c->out, 0);
    if (np_buf_append(&c->out, w->wout.data + pos, w->wout.len - pos) !=
        NP_OK) {
      np_buf_reset(&w->wout);
      np__conn_close(c);
      return -1;
    }
    c->out_pos = 0;
  }
  np_buf_reset(&w->wout);
  int done = np__conn_push(c);
  if (done < 0) {
    np__conn_close(c);
    return -1;
  }
  if (done == 0) {
    c->deadline = np__loop_now(w->loop) + w->h->o.write_timeout_ms;
    if (np__conn_set_mode(c, NP__HC_WRITE) != NP_OK) {
      np__conn_close(c);
      return -1;
    }
    return 0;
  }
  if (c->close_after) {
    np__conn_close(c);
    return -1;
  }
  return 1;
}

/* ---- requests ---- */

static np_httpd_fn np__pick(const np_httpd_handler *h, np_slice m) {
  static const struct {
    const char *name;
    size_t off;
  } t[] = {
      {"GET", offsetof(np_httpd_handler, do_GET)},
      {"HEAD", offsetof(np_httpd_handler, do_HEAD)},
      {"POST", offsetof(np_httpd_handler, do_POST)},
      {"PUT", offsetof(np_httpd_handler, do_PUT)},
      {"DELETE", offsetof(np_httpd_handler, do_DELETE)},
      {"OPTIONS", offsetof(np_httpd_handler, do_OPTIONS)},
      {"PATCH", offsetof(np_httpd_handler, do_PATCH)},
  };
  for (size_t i = 0; i < NP_ARRAY_LEN(t); i++)
    if (m.len == strlen(t[i].name) && memcmp(m.ptr, t[i].name, m.len) == 0)
      return *(const np_httpd_fn *)((const char *)h + t[i].off);
  return h->do_other;
}

/* Run the handler for a parsed request; its output lands in w->wout. */
static void np__dispatch(np_httpd_req *r) {
  np_httpd *h = r->h;
  np_httpd_fn fn = np__pick(&h->h, r->command);
  int rc;
  if (!fn) {
    char msg[96];
    snprintf(msg, sizeof msg, "Unsupported method ('%.*s')",
             r->command.len > 40 ? 40 : (int)r->command.len, r->command.ptr);
    for (char *p = msg; *p; p++)
      if ((unsigned char)*p < 0x20 || *p == 0x7f)
        *p = '?';
    rc = np_httpd_send_error(r, 501, msg, NULL);
  } else {
    rc = fn(r, h->h.ctx);
  }
  if (rc != NP_OK) {
    if (!r->responded) {
      r->w->wout.len = r->resp_start; /* drop a half-made response */
      if (r->file_fd >= 0) {
        close(r->file_fd);
        r->file_fd = -1;
      }
      np__pull_end(&r->pull);
      np_httpd_send_error(r, 500, NULL, NULL);
    }
    r->close_connection = true;
  }
  if (!r->responded)
    r->close_connection = true; /* nothing was said: nothing to keep */
  if (r->responded && !r->headers_ended)
    np_httpd_end_headers(r);
  /* Without a length the body ends when the connection does (1.0 style),
   * unless it is chunked to an HTTP/1.1 client: the last chunk ends it. */
  bool bodyless = np_slice_ieq_cstr(r->command, "HEAD") || r->status == 204 ||
                  r->status == 304 || (r->status >= 100 && r->status < 200);
  bool chunked = r->saw_chunked && r->h->http11 && r->vmajor == 1 &&
                 r->vminor >= 1;
  if (!r->saw_length && !bodyless && !chunked)
    r->close_connection = true;
  if (r->http09)
    r->close_connection = true;
  atomic_fetch_add(&h->requests, 1);
}

static void np__req_init(np_httpd_req *r, np__hconn *c) {
  memset(r, 0, sizeof *r);
  r->c = c;
  r->w = c->w;
  r->h = c->w->h;
  r->file_fd = -1;
  r->close_connection = true;
  r->resp_start = c->w->wout.len;
}

/* A head that cannot be parsed: answer it (Python's send_error) and close. */
static void np__reject(np_httpd_req *r) {
  if (!r->command.ptr)
    r->command = np_slice_cstr("");
  if (!r->version.ptr)
    r->version = np_slice_cstr("HTTP/0.9");
  r->http09 = false;
  r->w->wout.len = r->resp_start;
  np_httpd_send_error(r, r->err_code, r->err_msg, NULL);
  r->c->close_after = 1;
}

/* Is a whole head (or a line Python would act on) in data? The quick
 * check keeps a slowly arriving head from being parsed again per byte. */
static bool np__head_complete(const char *d, size_t len) {
  for (const char *p = d; (p = memchr(p, '\n', len - (size_t)(p - d)));) {
    p++;
    size_t left = len - (size_t)(p - d);
    if (left >= 1 && p[0] == '\n')
      return true;
    if (left >= 2 && p[0] == '\r' && p[1] == '\n')
      return true;
  }
  return false;
}

/* What became of a connection while its input was processed. */
enum { NP__C_READING = 0, NP__C_WRITING = 1, NP__C_GONE = -1 };

/* Handle one request from data: returns the bytes it used (0: wait for
 * more) and sets *state (a closed connection must not be touched). */
static size_t np__one_request(np__hconn *c, const char *data, size_t len,
                              int *state) {
  np__hworker *w = c->w;
  np_httpd *h = w->h;
  np_httpd_req r;
  size_t head = 0;
  *state = NP__C_READING;
  if (c->inflight && !np__head_complete(data, len) &&
      len <= h->o.max_line * 2)
    return 0;
  np__req_init(&r, c);
  int rc = np__httpd_parse_head(&r, data, len, &head);
  if (rc == NP_EAGAIN && len > h->o.max_line * 2) {
    rc = NP_EINVAL;
    r.err_code = 431;
    r.err_msg = "Request header fields too large";
  }
  if (rc == NP_EAGAIN) {
    if (!c->inflight) {
      c->inflight = 1;
      c->deadline = np__loop_now(w->loop) + h->o.head_timeout_ms;
    }
    return 0;
  }
  if (rc == NP_EOF) { /* an empty request line: close quietly */
    np__conn_close(c);
    *state = NP__C_GONE;
    return 0;
  }
  if (rc != NP_OK) {
    np__reject(&r);
    *state = np__conn_flush(c) < 0 ? NP__C_GONE : NP__C_WRITING;
    return len; /* the rest of the input is not read: we close */
  }
  size_t body_len = (size_t)r.content_length;
  if (r.chunked) {
    rc = np__httpd_chunked_body(&r, data + head, len - head, &w->body,
                                &body_len);
    if (rc == NP_EINVAL) {
      np__reject(&r);
      *state = np__conn_flush(c) < 0 ? NP__C_GONE : NP__C_WRITING;
      return len;
    }
  }
  if ((r.chunked && rc == NP_EAGAIN) ||
      (!r.chunked && len - head < r.content_length)) { /* body coming */
    if (!c->expect_sent) {
      c->deadline = np__loop_now(w->loop) + h->o.body_timeout_ms;
      if (r.expect_continue) {
        static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
        ssize_t n = send(c->fd, cont, sizeof cont - 1, MSG_NOSIGNAL);
        (void)n; /* a client that cannot take 25 bytes will time out */
      }
      c->expect_sent = 1;
    }
    c->inflight = 1;
    return 0;
  }
  r.body = r.chunked ? np_buf_slice(&w->body)
                     : np_slice_from(data + head, body_len);
  if (!r.body.ptr)
    r.body = np_slice_from("", 0);
  np__dispatch(&r);
  c->inflight = 0;
  c->expect_sent = 0;
  if (r.close_connection || w->draining)
    c->close_after = 1;
  if (r.file_fd >= 0) {
    c->file_fd = r.file_fd;
    c->file_off = r.file_off;
    c->file_left = r.file_len;
  }
  if (r.pull.fn)
    c->pull = r.pull;
  size_t used = head + body_len;
  if (c->file_fd >= 0 || c->pull.fn || c->close_after) {
    int f = np__conn_flush(c);
    *state = f < 0 ? NP__C_GONE : f == 0 ? NP__C_WRITING : NP__C_READING;
  }
  return used;
}

/* Answer every complete request in data; returns the bytes used and sets
 * *state as np__one_request does. */
static size_t np__conn_process(np__hconn *c, const char *data, size_t len,
                               int *state) {
  size_t off = 0;
  *state = NP__C_READING;
  while (off < len) {
    size_t n = np__one_request(c, data + off, len - off, state);
    off += n;
    if (*state != NP__C_READING)
      return off;
    if (n == 0)
      break;
  }
  if (c->w->wout.len) {
    int f = np__conn_flush(c);
    *state = f < 0 ? NP__C_GONE : f == 0 ? NP__C_WRITING : NP__C_READING;
    if (f <= 0)
      return off;
  }
  if (!c->inflight && off == len)
    c->deadline = np__loop_now(c->w->loop) + c->w->h->o.idle_timeout_ms;
  return off;
}

/* Keep the bytes data[used..len) for later (in c->in). */
static int np__conn_keep(np__hconn *c, const char *data, size_t len,
                         size_t used, int from_in) {
  if (from_in) {
    np_buf_consume(&c->in, used);
    if (c->in.len == 0)
      np_buf_free(&c->in);
    return NP_OK;
  }
  if (used == len)
    return NP_OK;
  /* room for a head and a body, chunk framing included */
  np_buf_init(&c->in, c->w->h->o.max_line * 2 + c->w->h->o.max_body * 2 + 1);
  return np_buf_append(&c->in, data + used, len - used);
}

static void np__conn_readable(np__hconn *c) {
  np__hworker *w = c->w;
  int from_in = c->in.len > 0;
  char *dst;
  size_t cap;
  if (from_in) {
    size_t room = c->in.max - c->in.len;
    cap = room < 16384 ? room : 16384;
    if (cap == 0 || np_buf_reserve(&c->in, cap) != NP_OK) {
      np__conn_close(c);
      return;
    }
    dst = c->in.data + c->in.len;
  } else {
    dst = w->scratch.data;
    cap = w->scratch.cap;
  }
  ssize_t n = recv(c->fd, dst, cap, 0);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR &&
                 errno != EWOULDBLOCK)) {
    np__conn_close(c);
    return;
  }
  if (n < 0)
    return;
  const char *data = from_in ? c->in.data : dst;
  size_t len = from_in ? c->in.len + (size_t)n : (size_t)n;
  if (from_in) {
    c->in.len = len;
    c->in.data[len] = '\0';
  }
  int state;
  size_t used = np__conn_process(c, data, len, &state);
  if (state == NP__C_GONE)
    return;
  if (np__conn_keep(c, data, len, used, from_in) != NP_OK)
    np__conn_close(c);
}

static void np__conn_writable(np__hconn *c) {
  np__hworker *w = c->w;
  int done = np__conn_push(c);
  if (done < 0) {
    np__conn_close(c);
    return;
  }
  if (done == 0) {
    c->deadline = np__loop_now(w->loop) + w->h->o.write_timeout_ms;
    return;
  }
  if (c->close_after || (w->draining && c->in.len == 0)) {
    np__conn_close(c);
    return;
  }
  if (np__conn_set_mode(c, NP__HC_READ) != NP_OK) {
    np__conn_close(c);
    return;
  }
  c->deadline = np__loop_now(w->loop) + w->h->o.idle_timeout_ms;
  if (c->in.len > 0) { /* pipelined requests waited behind the response */
    int state;
    size_t used = np__conn_process(c, c->in.data, c->in.len, &state);
    if (state != NP__C_GONE && np__conn_keep(c, NULL, 0, used, 1) != NP_OK)
      np__conn_close(c);
  }
}

static void np__conn_on_io(np__loop *l, int fd, unsigned ev, void *data) {
  (void)l, (void)fd;
  np__hconn *c = data;
  if (c->mode == NP__HC_WRITE)
    np__conn_writable(c);
  else
    np__conn_readable(c);
}

/* ---- workers ---- */

static void np__worker_on_accept(np__loop *l, int fd, unsigned ev,
                                 void *data);

static void np__worker_resume_accept(np__hworker *w) {
  if (!w->accepting && !w->draining && w->lfd >= 0 &&
      w->nconns < w->max_conns &&
      np__loop_watch(w->loop, w->lfd, NP__EV_READ, np__worker_on_accept, w) ==
          NP_OK)
    w->accepting = 1;
}

static void np__worker_pause_accept(np__hworker *w) {
  if (w->accepting)
    np__loop_unwatch(w->loop, w->lfd);
  w->accepting = 0;
}

static void np__worker_on_accept(np__loop *l, int fd, unsigned ev,
                                 void *data) {
  (void)ev;
  np__hworker *w = data;
  for (int i = 0; i < NP__HTTPD_ACCEPT_BATCH; i++) {
    if (w->nconns >= w->max_conns) { /* the kernel's queue holds the rest */
      np__worker_pause_accept(w);
      return;
    }
    int cfd;
    np__addr peer;
    if (np__net_accept(fd, &cfd, &peer, NULL) != NP_OK)
      return;
    np__hconn *c = np_malloc(sizeof *c);
    if (!c) {
      close(cfd);
      return;
    }
    memset(c, 0, sizeof *c);
    c->w = w;
    c->fd = cfd;
    c->file_fd = -1;
    size_t pl = peer.len < sizeof c->peer ? peer.len : sizeof c->peer;
    memcpy(&c->peer, &peer.ss, pl);
    c->deadline = np__loop_now(l) + w->h->o.idle_timeout_ms;
    if (np__loop_watch(l, cfd, NP__EV_READ, np__conn_on_io, c) != NP_OK) {
      close(cfd);
      np_free(c);
      return;
    }
    c->next = w->conns;
    if (w->conns)
      w->conns->prev = c;
    w->conns = c;
    w->nconns++;
  }
}

/* Close idle connections (nothing owed, nothing half-received). */
static void np__worker_close_idle(np__hworker *w) {
  for (np__hconn *c = w->conns, *next; c; c = next) {
    next = c->next;
    if (c->mode == NP__HC_READ && !c->inflight && c->in.len == 0)
      np__conn_close(c);
  }
}

static void np__worker_sweep(np__loop *l, uint64_t id, void *data) {
  (void)id;
  np__hworker *w = data;
  int64_t now = np__loop_now(l);
  int force = w->draining && now >= w->drain_deadline;
  for (np__hconn *c = w->conns, *next; c; c = next) {
    next = c->next;
    if (force || (c->deadline && now >= c->deadline))
      np__conn_close(c);
  }
  if (w->draining && w->nconns == 0) {
    np__loop_stop(l);
    return;
  }
  np__loop_timer(l, NP__HTTPD_SWEEP_MS, np__worker_sweep, w, NULL);
}

static void np__worker_on_wake(np__loop *l, void *data) {
  (void)l;
  np__hworker *w = data;
  if (!atomic_load(&w->h->stopping) || w->draining)
    return;
  w->draining = 1;
  w->drain_deadline = np__now_ms() + w->h->o.shutdown_grace_ms;
  np__worker_pause_accept(w);
  if (w->lfd >= 0) {
    close(w->lfd);
    w->lfd = -1;
  }
  np__worker_close_idle(w);
  np__worker_maybe_finish(w);
}

static void *np__worker_main(void *arg) {
  np__hworker *w = arg;
  /* Signals go to the thread that called np_httpd_serve. */
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, NULL);
  np__loop_run(w->loop, &w->err);
  return NULL;
}

static int np__worker_init(np_httpd *h, np__hworker *w, np_error *err) {
  w->h = h;
  w->lfd = -1;
  np_buf_init(&w->scratch, NP__HTTPD_SCRATCH);
  np_buf_init(&w->wout, 0);
  np_buf_init(&w->body, h->o.max_body);
  w->max_conns = (h->o.max_connections + h->nworkers - 1) / h->nworkers;
  np_http_parser_init(&w->parser, NP_HTTP_REQUEST);
  np_http_limits lim;
  np_http_limits_default(&lim);
  lim.max_line = h->o.max_line;
  lim.max_headers = h->o.max_headers;
  lim.max_header_bytes = h->o.max_line * 2;
  np_http_parser_set_limits(&w->parser, &lim);
  w->parser_ready = 1;
  if (np_buf_reserve(&w->scratch, NP__HTTPD_SCRATCH) != NP_OK)
    return np_error_set(err, NP_ENOMEM, "worker buffers");
  int rc = np__loop_new(&w->loop, err);
  if (rc != NP_OK)
    return rc;
  np__loop_on_wake(w->loop, np__worker_on_wake, w);
  return NP_OK;
}

/* Idempotent: np_httpd_serve frees its workers, np_httpd_free again. */
static void np__worker_free(np__hworker *w) {
  while (w->conns)
    np__conn_close(w->conns);
  if (w->lfd >= 0)
    close(w->lfd);
  w->lfd = -1;
  np__loop_free(w->loop);
  w->loop = NULL;
  np_buf_free(&w->scratch);
  np_buf_free(&w->wout);
  np_buf_free(&w->body);
  if (w->parser_ready)
    np_http_parser_free(&w->parser);
  w->parser_ready = 0;
}

/* ---- the server ---- */

static int np__httpd_serve(np_httpd *h, np_error *err);

static int np__httpd_check(const np_httpd_options *o, np_error *err) {
  if (o->threads < 1 || o->threads > 1024 || o->port < 0 || o->port > 65535)
    return np_error_set(err, NP_EINVAL, "threads 1..1024, port 0..65535");
  if (o->max_line < 64 || o->max_connections < 1 || o->max_response < 1024)
    return np_error_set(err, NP_EINVAL, "a limit is too small");
  const char *p = o->protocol_version;
  if (!p || (strcmp(p, "HTTP/1.0") != 0 && strcmp(p, "HTTP/1.1") != 0))
    return np_error_set(err, NP_EINVAL,
                        "protocol_version is HTTP/1.0 or HTTP/1.1");
  if (!o->server_version || np__memchr2(o->server_version,
                                        strlen(o->server_version), '\r',
                                        '\n'))
    return np_error_set(err, NP_EINVAL, "bad server_version");
  return NP_OK;
}

/* Bind every worker's socket: the first picks the port, the others join
 * it with SO_REUSEPORT. */
static int np__httpd_bind(np_httpd *h, np_error *err) {
  unsigned fl = NP__LISTEN_NONBLOCK;
  if (h->o.reuse_address)
    fl |= NP__LISTEN_REUSEADDR;
  if (h->nworkers > 1)
    fl |= NP__LISTEN_REUSEPORT;
  int port = h->o.port;
  for (int i = 0; i < h->nworkers; i++) {
    int rc = np__net_listen(h->host, port, SOCK_STREAM, h->o.backlog, fl,
                            &h->workers[i].lfd, &h->addr, err);
    if (rc != NP_OK)
      return rc;
    if (i == 0)
      port = np_httpd_port(h);
  }
  return NP_OK;
}

int np_httpd_new(const np_httpd_options *opts,
                 const np_httpd_handler *handler, np_httpd **out,
                 np_error *err) {
  *out = NULL;
  int rc = np__httpd_check(opts, err);
  if (rc != NP_OK)
    return rc;
  np_httpd *h = np_malloc(sizeof *h);
  if (!h)
    return np_error_set(err, NP_ENOMEM, "server");
  memset(h, 0, sizeof *h);
  h->o = *opts;
  h->h = *handler;
  atomic_init(&h->stopping, 0);
  atomic_init(&h->requests, 0);
  h->http11 = strcmp(opts->protocol_version, "HTTP/1.1") == 0;
  h->host = np__copy_cstr(opts->host ? opts->host : "");
  h->proto = np__copy_cstr(opts->protocol_version);
  h->server_version = np__copy_cstr(opts->server_version);
  h->nworkers = opts->threads;
  h->workers = np_malloc((size_t)h->nworkers * sizeof *h->workers);
  if (!h->host || !h->proto || !h->server_version || !h->workers) {
    np_httpd_free(h);
    return np_error_set(err, NP_ENOMEM, "server");
  }
  memset(h->workers, 0, (size_t)h->nworkers * sizeof *h->workers);
  for (int i = 0; i < h->nworkers; i++)
    h->workers[i].lfd = -1;
  for (int i = 0; i < h->nworkers && rc == NP_OK; i++)
    rc = np__worker_init(h, &h->workers[i], err);
  if (rc == NP_OK)
    rc = np__httpd_bind(h, err);
  if (rc != NP_OK) {
    np_httpd_free(h);
    return rc;
  }
  *out = h;
  return NP_OK;
}

/* sendfile to a closed socket raises SIGPIPE (it has no MSG_NOSIGNAL):
 * the serving thread blocks it while serving and discards any that came,
 * so the embedding program's disposition is left as it was. */
static void np__block_sigpipe(sigset_t *old) {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &s, old);
}

static void np__restore_sigpipe(const sigset_t *old) {
  sigset_t s, pending;
  sigemptyset(&s);
  sigaddset(&s, SIGPIPE);
  struct timespec zero = {0, 0};
  while (sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) &&
         !sigismember(old, SIGPIPE) && sigtimedwait(&s, NULL, &zero) == SIGPIPE) {
  }
  pthread_sigmask(SIG_SETMASK, old, NULL);
}

int np_httpd_serve(np_httpd *h, np_error *err) {
  if (h->served) /* the workers are released when serving ends */
    return np_error_set(err, NP_ESTATE, "np_httpd_serve runs once");
  h->served = 1;
  sigset_t oldmask;
  np__block_sigpipe(&oldmask);
  int rc = np__httpd_serve(h, err);
  np__restore_sigpipe(&oldmask);
  return rc;
}

static int np__httpd_serve(np_httpd *h, np_error *err) {
  for (int i = 0; i < h->nworkers; i++) {
    np__hworker *w = &h->workers[i];
    np__worker_resume_accept(w);
    np__loop_timer(w->loop, NP__HTTPD_SWEEP_MS, np__worker_sweep, w, NULL);
  }
  /* A stop that came before serve still counts. */
  if (atomic_load(&h->stopping))
    np_httpd_stop(h);
  int started = 1;
  for (int i = 1; i < h->nworkers; i++) {
    if (pthread_create(&h->workers[i].tid, NULL, np__worker_main,
                       &h->workers[i]) != 0)
      break;
    started++;
  }
  if (started < h->nworkers) {
    np_httpd_stop(h);
    np_error_set(err, NP_ESYS, "cannot start worker threads");
  }
  int rc = np__loop_run(h->workers[0].loop, &h->workers[0].err);
  for (int i = 1; i < started; i++)
    pthread_join(h->workers[i].tid, NULL);
  for (int i = 0; i < h->nworkers; i++)
    np__worker_free(&h->workers[i]);
  if (started < h->nworkers)
    return NP_ESYS;
  if (rc != NP_OK && err)
    *err = h->workers[0].err;
  return rc;
}

void np_httpd_stop(np_httpd *h) {
  atomic_store(&h->stopping, 1);
  for (int i = 0; i < h->nworkers; i++)
    if (h->workers[i].loop)
      np__loop_wake(h->workers[i].loop);
}

void np_httpd_free(np_httpd *h) {
  if (!h)
    return;
  if (h->workers) {
    for (int i = 0; i < h->nworkers; i++)
      np__worker_free(&h->workers[i]);
    np_free(h->workers);
  }
  np_free(h->host);
  np_free(h->proto);
  np_free(h->server_version);
  np_free(h);
}

int np_httpd_address(const np_httpd *h, char *host, size_t cap, int *port) {
  char serv[16];
  host[0] = '\0';
  *port = 0;
  if (getnameinfo((const struct sockaddr *)&h->addr.ss, h->addr.len, host,
                  (socklen_t)cap, serv, sizeof serv,
                  NI_NUMERICHOST | NI_NUMERICSERV) != 0)
    return NP_EINVAL;
  uint64_t p = 0;
  np__parse_uint(serv, strlen(serv), 65535, &p);
  *port = (int)p;
  return NP_OK;
}

int np_httpd_port(const np_httpd *h) {
  char host[64];
  int port = 0;
  np_httpd_address(h, host, sizeof host, &port);
  return port;
}

unsigned long np_httpd_requests(const np_httpd *h) {
  return atomic_load(&((np_httpd *)h)->requests);
}
