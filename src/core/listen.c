/*
 * The server half of the socket layer (net.h): bind and listen on TCP, UDP
 * and Unix-domain sockets, accept connections.
 */
#define _GNU_SOURCE
#include "core/net.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

/* NP_ESYS with errno recorded (np_error_set clears sys_errno). */
static int np__listen_sysfail(np_error *err, int e, const char *what,
                              const char *name) {
  np_error_set(err, NP_ESYS, "%s %s: %s", what, name ? name : "",
               strerror(e));
  if (err)
    err->sys_errno = e;
  return NP_ESYS;
}

static int np__listen_sockopts(int fd, int family, unsigned flags) {
  int one = 1, v6only = (flags & NP__LISTEN_V6ONLY) ? 1 : 0;
  if ((flags & NP__LISTEN_REUSEADDR) &&
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0)
    return -1;
  if ((flags & NP__LISTEN_REUSEPORT) &&
      setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0)
    return -1;
  /* An IPv6 wildcard socket also takes IPv4 unless told otherwise: that is
   * what a user binding "::" means (Python's DualStackServer). */
  if (family == AF_INET6 &&
      setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only) < 0)
    return -1;
  return 0;
}

/* Make, configure, bind and (for streams) listen one socket; -1 + errno. */
static int np__listen_one(int family, int type, const struct sockaddr *sa,
                          socklen_t salen, int backlog, unsigned flags) {
  int ty = type | SOCK_CLOEXEC;
  if (flags & NP__LISTEN_NONBLOCK)
    ty |= SOCK_NONBLOCK;
  int fd = socket(family, ty, 0);
  if (fd < 0)
    return -1;
  if ((family != AF_UNIX && np__listen_sockopts(fd, family, flags) < 0) ||
      bind(fd, sa, salen) < 0 ||
      (type == SOCK_STREAM && listen(fd, backlog) < 0)) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

int np__net_listen(const char *host, int port, int type, int backlog,
                   unsigned flags, int *fd_out, np__addr *bound,
                   np_error *err) {
  if (port < 0 || port > 65535 || (type != SOCK_STREAM && type != SOCK_DGRAM))
    return np_error_set(err, NP_EINVAL, "bad port %d or socket type", port);
  char serv[8];
  snprintf(serv, sizeof serv, "%d", port);
  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = type;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  const char *node = (host && *host) ? host : NULL;
  int gai = getaddrinfo(node, serv, &hints, &res);
  if (gai != 0)
    return np_error_set(err, NP_ENOTFOUND, "cannot resolve %s: %s",
                        node ? node : "*", gai_strerror(gai));
  int fd = -1, e = 0;
  for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
    fd = np__listen_one(ai->ai_family, type, ai->ai_addr, ai->ai_addrlen,
                        backlog, flags);
    if (fd < 0)
      e = errno;
  }
  freeaddrinfo(res);
  if (fd < 0)
    return np__listen_sysfail(err, e ? e : EADDRNOTAVAIL, "bind",
                              node ? node : "*");
  if (bound) {
    bound->len = sizeof bound->ss;
    getsockname(fd, (struct sockaddr *)&bound->ss, &bound->len);
  }
  *fd_out = fd;
  return NP_OK;
}

int np__net_listen_unix(const char *path, int type, int backlog,
                        unsigned flags, int *fd_out, np_error *err) {
  struct sockaddr_un sun;
  size_t n = path ? strlen(path) : 0;
  if (n == 0 || n >= sizeof sun.sun_path)
    return np_error_set(err, NP_EINVAL, "Unix socket path is empty or "
                        "longer than %zu bytes", sizeof sun.sun_path - 1);
  if (type != SOCK_STREAM && type != SOCK_DGRAM)
    return np_error_set(err, NP_EINVAL, "bad socket type");
  memset(&sun, 0, sizeof sun);
  sun.sun_family = AF_UNIX;
  memcpy(sun.sun_path, path, n);
  int fd = np__listen_one(AF_UNIX, type, (struct sockaddr *)&sun,
                          (socklen_t)sizeof sun, backlog, flags);
  if (fd < 0)
    return np__listen_sysfail(err, errno, "bind", path);
  *fd_out = fd;
  return NP_OK;
}

/* The accepted socket inherits the listener's blocking mode, so a loop
 * that accepts on a non-blocking listener gets non-blocking connections. */
int np__net_accept(int lfd, int *fd_out, np__addr *peer, np_error *err) {
  int fl = fcntl(lfd, F_GETFL);
  int nb = (fl >= 0 && (fl & O_NONBLOCK)) ? SOCK_NONBLOCK : 0;
  np__addr tmp;
  np__addr *a = peer ? peer : &tmp;
  for (;;) {
    a->len = sizeof a->ss;
    int fd = accept4(lfd, (struct sockaddr *)&a->ss, &a->len,
                     SOCK_CLOEXEC | nb);
    if (fd >= 0) {
      if (a->ss.ss_family == AF_INET || a->ss.ss_family == AF_INET6) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      }
      *fd_out = fd;
      return NP_OK;
    }
    if (errno == EINTR || errno == ECONNABORTED)
      continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      return NP_EAGAIN;
    return np__listen_sysfail(err, errno, "accept", NULL);
  }
}
