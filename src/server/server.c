/*
 * socketserver: the server's life cycle (bind, activate, serve_forever,
 * shutdown, handle_request, close) and the sync request path.  The
 * threading and forking paths are in server_mode.c, handler I/O in
 * server_io.c.
 */
#define _GNU_SOURCE
#include "server/server_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* Defined in server_mode.c. */
int np__server_dispatch(np_server *s, np_server_request *req);
void np__server_reap(np_server *s, int block_for_one);
void np__server_wait_all(np_server *s, int all);

void np_server_options_init(np_server_options *o) {
  memset(o, 0, sizeof *o);
  o->kind = NP_SERVER_TCP;
  o->bind_and_activate = true;
  o->request_queue_size = NP_SERVER_DEFAULT_QUEUE;
  o->timeout_ms = -1;
  o->mode = NP_SERVER_SYNC;
  o->block_on_close = true;
  o->max_children = NP_SERVER_DEFAULT_MAX_CHILDREN;
  o->max_packet_size = NP_SERVER_MAX_DATAGRAM;
  o->stream_timeout_ms = -1;
  o->stream_max = NP_SERVER_DEFAULT_STREAM_MAX;
}

static int np__server_is_unix(const np_server *s) {
  return s->o.kind == NP_SERVER_UNIX_STREAM || s->o.kind == NP_SERVER_UNIX_DGRAM;
}

static int np__server_is_dgram(const np_server *s) {
  return s->o.kind == NP_SERVER_UDP || s->o.kind == NP_SERVER_UNIX_DGRAM;
}

static int np__server_check(const np_server_options *o, np_error *err) {
  if ((unsigned)o->kind > NP_SERVER_UNIX_DGRAM ||
      (unsigned)o->mode > NP_SERVER_FORKING)
    return np_error_set(err, NP_EINVAL, "unknown server kind or mode");
  if ((o->kind == NP_SERVER_UNIX_STREAM || o->kind == NP_SERVER_UNIX_DGRAM) &&
      (!o->path || !*o->path))
    return np_error_set(err, NP_EINVAL, "a Unix-domain server needs a path");
  if (o->port < 0 || o->port > 65535)
    return np_error_set(err, NP_EINVAL, "port %d out of 0..65535", o->port);
  if (o->max_packet_size == 0 || o->stream_max == 0 || o->max_children < 1)
    return np_error_set(err, NP_EINVAL, "a size or count limit is zero");
  return NP_OK;
}

int np_server_new(const np_server_options *opts,
                  const np_server_handler *handler, np_server **out,
                  np_error *err) {
  *out = NULL;
  int rc = np__server_check(opts, err);
  if (rc != NP_OK)
    return rc;
  np_server *s = np_malloc(sizeof *s);
  if (!s)
    return np_error_set(err, NP_ENOMEM, "server");
  memset(s, 0, sizeof *s);
  s->o = *opts;
  if (handler)
    s->h = *handler;
  s->fd = -1;
  s->wake[0] = s->wake[1] = -1;
  atomic_init(&s->shutdown_req, 0);
  atomic_init(&s->done, 0);
  pthread_mutex_init(&s->mu, NULL);
  pthread_cond_init(&s->cv, NULL);
  s->host = np__copy_cstr(opts->host);
  s->path = np__copy_cstr(opts->path);
  s->o.host = s->host;
  s->o.path = s->path;
  if ((opts->host && !s->host) || (opts->path && !s->path)) {
    np_server_free(s);
    return np_error_set(err, NP_ENOMEM, "server");
  }
  if (pipe2(s->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
    int e = errno;
    np_server_free(s);
    np_error_set(err, NP_ESYS, "pipe: %s", strerror(e));
    if (err)
      err->sys_errno = e;
    return NP_ESYS;
  }
  if (opts->bind_and_activate &&
      ((rc = np_server_bind(s, err)) != NP_OK ||
       (rc = np_server_activate(s, err)) != NP_OK)) {
    np_server_free(s);
    return rc;
  }
  *out = s;
  return NP_OK;
}

/* server_bind.  The socket layer binds and listens in one call, so bind
 * does both and activate only records the state; the split keeps Python's
 * two steps for callers who set options in between. */
int np_server_bind(np_server *s, np_error *err) {
  if (s->bound)
    return np_error_set(err, NP_ESTATE, "server is already bound");
  unsigned fl = NP__LISTEN_NONBLOCK;
  if (s->o.allow_reuse_address)
    fl |= NP__LISTEN_REUSEADDR;
  if (s->o.allow_reuse_port)
    fl |= NP__LISTEN_REUSEPORT;
  if (s->o.ipv6_only)
    fl |= NP__LISTEN_V6ONLY;
  int dgram = np__server_is_dgram(s);
  int type = dgram ? SOCK_DGRAM : SOCK_STREAM;
  int backlog = s->o.request_queue_size > 0 ? s->o.request_queue_size : 1;
  int rc;
  if (np__server_is_unix(s)) {
    rc = np__net_listen_unix(s->path, type, backlog, fl, &s->fd, err);
    s->addr.len = 0;
  } else {
    rc = np__net_listen(s->host, s->o.port, type, backlog, fl, &s->fd,
                        &s->addr, err);
  }
  if (rc == NP_OK)
    s->bound = 1;
  return rc;
}

int np_server_activate(np_server *s, np_error *err) {
  if (!s->bound)
    return np_error_set(err, NP_ESTATE, "server is not bound");
  if (s->activated)
    return np_error_set(err, NP_ESTATE, "server is already active");
  s->activated = 1;
  return NP_OK;
}

int np_server_fileno(const np_server *s) { return s->fd; }

void np__server_peer_name(const np__addr *peer, char *host, size_t cap,
                          int *port) {
  char serv[16];
  host[0] = '\0';
  *port = 0;
  if (peer->len == 0 || (peer->ss.ss_family != AF_INET &&
                         peer->ss.ss_family != AF_INET6))
    return;
  if (getnameinfo((const struct sockaddr *)&peer->ss, peer->len, host,
                  (socklen_t)cap, serv, sizeof serv,
                  NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    host[0] = '\0';
    return;
  }
  uint64_t p = 0;
  if (np__parse_uint(serv, strlen(serv), 65535, &p) == NP_OK)
    *port = (int)p;
}

int np_server_address(const np_server *s, char *host, size_t host_cap,
                      int *port) {
  if (!s->bound || np__server_is_unix(s))
    return NP_ESTATE;
  np__server_peer_name(&s->addr, host, host_cap, port);
  return NP_OK;
}

int np_server_port(const np_server *s) {
  char host[64];
  int port = 0;
  if (np_server_address(s, host, sizeof host, &port) != NP_OK)
    return 0;
  return port;
}

unsigned long np_server_requests_done(const np_server *s) {
  return atomic_load(&((np_server *)s)->done);
}

/* ---- one request ---- */

static void np__server_fail(np_server *s, np_server_request *req, int rc) {
  if (s->h.handle_error)
    s->h.handle_error(req, rc, s->h.ctx);
}

void np__server_req_release(np_server_request *req) {
  np__req_io *io = req->priv;
  if (!io)
    return;
  np_buf_free(&io->rbuf);
  np_buf_free(&io->reply);
  np_free(io->packet);
  np_free(io);
  req->priv = NULL;
}

/* shutdown_request: say we are done writing, then close, so a client
 * that still sends does not get a reset before reading our reply. */
static void np__server_close_stream(int fd) {
  shutdown(fd, SHUT_WR);
  close(fd);
}

void np__server_process(np_server *s, np_server_request *req) {
  np__req_io *io = req->priv;
  int rc = NP_OK;
  if (!io->dgram && s->o.stream_timeout_ms >= 0) {
    struct timeval tv = {s->o.stream_timeout_ms / 1000,
                         (s->o.stream_timeout_ms % 1000) * 1000};
    setsockopt(req->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(req->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }
  if (s->h.setup)
    rc = s->h.setup(req, s->h.ctx);
  if (rc == NP_OK) {
    if (s->h.handle)
      rc = s->h.handle(req, s->h.ctx);
    if (s->h.finish)
      s->h.finish(req, s->h.ctx);
  }
  if (rc == NP_OK && io->dgram && io->reply.len > 0 &&
      sendto(req->fd, io->reply.data, io->reply.len, MSG_NOSIGNAL,
             (struct sockaddr *)&io->peer.ss, io->peer.len) < 0)
    rc = NP_ESYS;
  if (rc != NP_OK)
    np__server_fail(s, req, rc);
  if (!io->dgram)
    np__server_close_stream(req->fd);
  atomic_fetch_add(&s->done, 1);
}

/* get_request: accept a connection or receive a datagram into a fresh
 * request.  NP_EAGAIN when nothing was pending after all. */
static int np__server_get_request(np_server *s, np_server_request *req,
                                  np_error *err) {
  np__req_io *io = np_malloc(sizeof *io);
  if (!io)
    return np_error_set(err, NP_ENOMEM, "request");
  memset(io, 0, sizeof *io);
  memset(req, 0, sizeof *req);
  req->server = s;
  req->priv = io;
  np_buf_init(&io->rbuf, s->o.stream_max);
  np_buf_init(&io->reply, s->o.max_packet_size);
  int rc;
  if (np__server_is_dgram(s)) {
    io->dgram = 1;
    rc = NP_ENOMEM;
    io->packet = np_malloc(s->o.max_packet_size);
    if (io->packet) {
      io->peer.len = sizeof io->peer.ss;
      ssize_t n = recvfrom(s->fd, io->packet, s->o.max_packet_size, 0,
                           (struct sockaddr *)&io->peer.ss, &io->peer.len);
      rc = n >= 0 ? NP_OK
           : (errno == EAGAIN || errno == EINTR) ? NP_EAGAIN : NP_ESYS;
      req->fd = s->fd;
      req->packet = io->packet;
      req->packet_len = n > 0 ? (size_t)n : 0;
    }
  } else {
    rc = np__net_accept(s->fd, &req->fd, &io->peer, err);
    if (rc == NP_OK) { /* handlers do blocking I/O on the connection */
      int fl = fcntl(req->fd, F_GETFL);
      if (fl >= 0)
        fcntl(req->fd, F_SETFL, fl & ~O_NONBLOCK);
    }
  }
  if (rc != NP_OK) {
    np__server_req_release(req);
    return rc;
  }
  np__server_peer_name(&io->peer, req->client_host, sizeof req->client_host,
                       &req->client_port);
  return NP_OK;
}

/* _handle_request_noblock: get, verify, dispatch. */
static int np__server_handle_noblock(np_server *s, np_error *err) {
  np_server_request req;
  int rc = np__server_get_request(s, &req, err);
  if (rc == NP_EAGAIN)
    return NP_OK;
  if (rc != NP_OK)
    return rc;
  if (s->h.verify_request && !s->h.verify_request(&req, s->h.ctx)) {
    if (!np__server_is_dgram(s))
      np__server_close_stream(req.fd);
    np__server_req_release(&req);
    return NP_OK;
  }
  return np__server_dispatch(s, &req);
}

static void np__server_drain_wake(np_server *s) {
  char b[64];
  while (read(s->wake[0], b, sizeof b) > 0) {
  }
}

int np_server_serve_forever(np_server *s, int poll_interval_ms,
                            np_error *err) {
  if (!s->activated || s->fd < 0)
    return np_error_set(err, NP_ESTATE, "server is not active");
  pthread_mutex_lock(&s->mu);
  s->serving = 1;
  pthread_mutex_unlock(&s->mu);
  int rc = NP_OK;
  while (!atomic_load(&s->shutdown_req)) {
    struct pollfd p[2] = {{s->fd, POLLIN, 0}, {s->wake[0], POLLIN, 0}};
    int n = poll(p, 2, poll_interval_ms);
    if (n < 0 && errno != EINTR) {
      rc = np_error_set(err, NP_ESYS, "poll: %s", strerror(errno));
      break;
    }
    if (n > 0 && (p[1].revents & POLLIN))
      np__server_drain_wake(s);
    if (atomic_load(&s->shutdown_req))
      break;
    if (n > 0 && (p[0].revents & (POLLIN | POLLERR | POLLHUP)))
      np__server_handle_noblock(s, NULL); /* failures went to handle_error */
    np__server_reap(s, 0);
    if (s->h.service_actions)
      s->h.service_actions(s, s->h.ctx);
  }
  pthread_mutex_lock(&s->mu);
  atomic_store(&s->shutdown_req, 0);
  s->serving = 0;
  pthread_cond_broadcast(&s->cv);
  pthread_mutex_unlock(&s->mu);
  return rc;
}

void np_server_shutdown_request(np_server *s) {
  atomic_store(&s->shutdown_req, 1);
  char c = 1;
  ssize_t r = write(s->wake[1], &c, 1);
  (void)r; /* a full pipe already holds a wake-up */
}

void np_server_shutdown(np_server *s) {
  np_server_shutdown_request(s);
  pthread_mutex_lock(&s->mu);
  while (s->serving)
    pthread_cond_wait(&s->cv, &s->mu);
  pthread_mutex_unlock(&s->mu);
}

int np_server_handle_request(np_server *s, np_error *err) {
  if (!s->activated || s->fd < 0)
    return np_error_set(err, NP_ESTATE, "server is not active");
  struct pollfd p = {s->fd, POLLIN, 0};
  int64_t left = s->o.timeout_ms;
  for (;;) {
    int n = poll(&p, 1, (int)left);
    if (n > 0)
      return np__server_handle_noblock(s, err);
    if (n == 0)
      return np_error_set(err, NP_ETIMEDOUT, "no request within %d ms",
                          s->o.timeout_ms);
    if (errno != EINTR)
      return np_error_set(err, NP_ESYS, "poll: %s", strerror(errno));
  }
}

void np_server_close(np_server *s) {
  if (s->fd >= 0) {
    close(s->fd);
    s->fd = -1;
  }
  if (s->o.block_on_close)
    np__server_wait_all(s, 0);
}

void np_server_free(np_server *s) {
  if (!s)
    return;
  np_server_close(s);
  /* Request threads use the server: wait for all of them, daemon or not,
   * before the memory goes. */
  np__server_wait_all(s, 1);
  for (int i = 0; i < 2; i++)
    if (s->wake[i] >= 0)
      close(s->wake[i]);
  pthread_mutex_destroy(&s->mu);
  pthread_cond_destroy(&s->cv);
  np_free(s->children);
  np_free(s->host);
  np_free(s->path);
  np_free(s);
}
