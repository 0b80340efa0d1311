/*
 * Sockets, shared by every module that talks on the network (internal).
 * Client side (src/core/net.c): resolve, connect with a time-out and a
 * source address, timed reads and writes.  Server side (src/core/listen.c):
 * bind/listen on TCP, UDP and Unix-domain sockets, accept.
 *
 * Time-outs are in milliseconds; a negative time-out means "wait forever",
 * 0 means "do not wait".  Every call fails with a named status and fills
 * np_error (NP_ETIMEDOUT, NP_ESYS with errno, NP_ENOTFOUND for a name that
 * does not resolve, NP_EOF when the peer closed).  File descriptors are
 * opened close-on-exec.
 */
#ifndef NP_CORE_NET_H
#define NP_CORE_NET_H

#include "core/internal.h"

#include <sys/socket.h>
#include <sys/types.h>

/* Socket address of any family, with its length. */
typedef struct np__addr {
  struct sockaddr_storage ss;
  socklen_t len;
} np__addr;

/* ---- client side: src/core/net.c ---- */

/*
 * Connect a TCP socket to host:port, trying each resolved address in turn
 * (IPv6 and IPv4) within timeout_ms overall.  source_host/source_port bind
 * the local end first when given (NULL / 0 for any).  The socket is left in
 * blocking mode with TCP_NODELAY set.
 */
int np__net_connect(const char *host, int port, const char *source_host,
                    int source_port, int timeout_ms, int *fd_out,
                    np_error *err);

/* Wait until fd is readable (POLLIN) or writable (POLLOUT). */
int np__net_wait(int fd, short events, int timeout_ms, np_error *err);

/* Read at most len bytes; *got = 0 only with NP_EOF. */
int np__net_read(int fd, void *buf, size_t len, int timeout_ms, size_t *got,
                 np_error *err);

/* Write all len bytes (EINTR and partial writes handled, no SIGPIPE). */
int np__net_write_all(int fd, const void *buf, size_t len, int timeout_ms,
                      np_error *err);

/*
 * Blocking write of all n bytes to any descriptor (regular file, pipe or
 * socket): write(2) with EINTR and partial writes handled, no time-out.
 * Unlike np__net_write_all it works on non-sockets, so SIGPIPE is not
 * suppressed (the caller decides about that signal).  Returns NP_OK, or
 * NP_ESYS ("write: <strerror>") with errno left set (EIO if write(2)
 * returned 0); err may be NULL.
 */
int np__write_all(int fd, const void *p, size_t n, np_error *err);

/* Set or clear O_NONBLOCK. */
int np__net_set_nonblock(int fd, int on);

/* The numeric host and port of a socket address ("::1", 8080). */
int np__addr_format(const np__addr *a, char *host, size_t host_cap,
                    int *port);

/* ---- server side: src/core/listen.c ---- */

enum {
  NP__LISTEN_REUSEADDR = 1 << 0,
  NP__LISTEN_REUSEPORT = 1 << 1,
  NP__LISTEN_V6ONLY = 1 << 2,
  NP__LISTEN_NONBLOCK = 1 << 3,
};

/*
 * Bind (and for stream sockets, listen on) host:port.  type is SOCK_STREAM
 * or SOCK_DGRAM; host NULL or "" binds every address; port 0 picks a free
 * port, reported in *bound (may be NULL).
 */
int np__net_listen(const char *host, int port, int type, int backlog,
                   unsigned flags, int *fd_out, np__addr *bound,
                   np_error *err);

/* Bind (and listen on) a Unix-domain socket at path. */
int np__net_listen_unix(const char *path, int type, int backlog,
                        unsigned flags, int *fd_out, np_error *err);

/* Accept one connection; NP_EAGAIN when none is pending (non-blocking). */
int np__net_accept(int lfd, int *fd_out, np__addr *peer, np_error *err);

#endif /* NP_CORE_NET_H */
