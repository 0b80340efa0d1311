/* The client half of the socket layer (net.h): resolve, connect with a
 * time-out and a source address, timed reads and writes. */
#include "core/net.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left until deadline (-1: none), never below 0. */
static int left_ms(int64_t deadline) {
  if (deadline < 0)
    return -1;
  int64_t d = deadline - now_ms();
  return d < 0 ? 0 : (d > INT32_MAX ? INT32_MAX : (int)d);
}

static int64_t deadline_of(int timeout_ms) {
  return timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
}

int np__net_set_nonblock(int fd, int on) {
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0)
    return NP_ESYS;
  int want = on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
  if (want != fl && fcntl(fd, F_SETFL, want) < 0)
    return NP_ESYS;
  return NP_OK;
}

int np__net_wait(int fd, short events, int timeout_ms, np_error *err) {
  int64_t deadline = deadline_of(timeout_ms);
  for (;;) {
    struct pollfd pfd = {fd, events, 0};
    int n = poll(&pfd, 1, left_ms(deadline));
    if (n > 0)
      return NP_OK; /* errors and hang-ups surface in the next I/O call */
    if (n == 0)
      return np_error_set(err, NP_ETIMEDOUT, "timed out");
    if (errno != EINTR)
      return np__error_sys(err, errno, "poll");
  }
}

/* Bind the local end to source_host:source_port (family must match). */
static int bind_source(int fd, int family, const char *host, int port,
                       np_error *err) {
  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = family;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  char ps[8];
  snprintf(ps, sizeof ps, "%d", port);
  int g = getaddrinfo(host && *host ? host : NULL, ps, &hints, &res);
  if (g != 0)
    return np_error_set(err, NP_ENOTFOUND, "source address %s: %s",
                        host ? host : "", gai_strerror(g));
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  int rc = bind(fd, res->ai_addr, res->ai_addrlen);
  int e = errno;
  freeaddrinfo(res);
  return rc == 0 ? NP_OK : np__error_sys(err, e, "bind source address");
}

/* One attempt on one resolved address, within the overall deadline. */
static int connect_one(const struct addrinfo *ai, const char *src_host,
                       int src_port, int64_t deadline, int *fd_out,
                       np_error *err) {
  int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                  ai->ai_protocol);
  if (fd < 0)
    return np__error_sys(err, errno, "socket");
  int rc = NP_OK;
  if ((src_host && *src_host) || src_port)
    rc = bind_source(fd, ai->ai_family, src_host, src_port, err);
  if (!rc && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
    if (errno != EINPROGRESS) {
      rc = np__error_sys(err, errno, "connect");
    } else if (!(rc = np__net_wait(fd, POLLOUT, left_ms(deadline), err))) {
      int e = 0;
      socklen_t el = sizeof e;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el);
      if (e)
        rc = np__error_sys(err, e, "connect");
    }
  }
  if (rc) {
    close(fd);
    return rc;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  np__net_set_nonblock(fd, 0);
  *fd_out = fd;
  return NP_OK;
}

int np__net_connect(const char *host, int port, const char *source_host,
                    int source_port, int timeout_ms, int *fd_out,
                    np_error *err) {
  if (!host || port < 0 || port > 65535)
    return np_error_set(err, NP_EINVAL, "bad host or port");
  int64_t deadline = deadline_of(timeout_ms);
  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  char ps[8];
  snprintf(ps, sizeof ps, "%d", port);
  int g = getaddrinfo(host, ps, &hints, &res);
  if (g != 0) {
    if (g == EAI_SYSTEM)
      return np__error_sys(err, errno, "getaddrinfo");
    return np_error_set(err, NP_ENOTFOUND, "%s: %s", host, gai_strerror(g));
  }
  int rc = NP_ENOTFOUND;
  for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
    rc = connect_one(ai, source_host, source_port, deadline, fd_out, err);
    if (rc == NP_OK || rc == NP_ETIMEDOUT)
      break;
  }
  freeaddrinfo(res);
  return rc;
}

int np__net_read(int fd, void *buf, size_t len, int timeout_ms, size_t *got,
                 np_error *err) {
  int64_t deadline = deadline_of(timeout_ms);
  *got = 0;
  for (;;) {
    /* Try first: when data is waiting, one system call is enough. */
    ssize_t n = recv(fd, buf, len, timeout_ms < 0 ? 0 : MSG_DONTWAIT);
    if (n > 0) {
      *got = (size_t)n;
      return NP_OK;
    }
    if (n == 0)
      return np_error_set(err, NP_EOF, "connection closed by peer");
    if (errno == EINTR)
      continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      return np__error_sys(err, errno, "recv");
    int rc = np__net_wait(fd, POLLIN, left_ms(deadline), err);
    if (rc)
      return rc;
  }
}

int np__net_write_all(int fd, const void *buf, size_t len, int timeout_ms,
                      np_error *err) {
  int64_t deadline = deadline_of(timeout_ms);
  const char *p = buf;
  while (len > 0) {
    ssize_t n = send(fd, p, len,
                     MSG_NOSIGNAL | (timeout_ms < 0 ? 0 : MSG_DONTWAIT));
    if (n > 0) {
      p += n;
      len -= (size_t)n;
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
      return np__error_sys(err, errno, "send");
    int rc = np__net_wait(fd, POLLOUT, left_ms(deadline), err);
    if (rc)
      return rc;
  }
  return NP_OK;
}

int np__write_all(int fd, const void *p, size_t n, np_error *err) {
  const char *s = p;
  while (n > 0) {
    ssize_t w = write(fd, s, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      int e = w < 0 ? errno : EIO;
      np__error_sys(err, e, "write");
      errno = e; /* callers may report errno themselves */
      return NP_ESYS;
    }
    s += w;
    n -= (size_t)w;
  }
  return NP_OK;
}

int np__addr_format(const np__addr *a, char *host, size_t host_cap,
                    int *port) {
  if (a->ss.ss_family == AF_UNIX) {
    const struct sockaddr_un *u = (const struct sockaddr_un *)&a->ss;
    snprintf(host, host_cap, "%s", u->sun_path);
    if (port)
      *port = 0;
    return NP_OK;
  }
  char serv[8];
  int g = getnameinfo((const struct sockaddr *)&a->ss, a->len, host,
                      (socklen_t)host_cap, serv, sizeof serv,
                      NI_NUMERICHOST | NI_NUMERICSERV);
  if (g != 0)
    return NP_EINVAL;
  if (port) {
    uint64_t v = 0;
    if (np__parse_uint(serv, strlen(serv), 65535, &v))
      return NP_EINVAL;
    *port = (int)v;
  }
  return NP_OK;
}
