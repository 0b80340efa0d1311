/*
 * socketserver: the handler's rfile and wfile.  Streams read through a
 * buffer (rbufsize = -1 in StreamRequestHandler) and write unbuffered
 * (wbufsize = 0); the stream time-out is the socket's SO_RCVTIMEO /
 * SO_SNDTIMEO, set before setup, as Python sets the socket's timeout.
 * Datagrams read from the received packet and write into the reply.
 */
#define _GNU_SOURCE
#include "server/server_internal.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

static int np__io_fail(np_error *err, int e, const char *what) {
  if (e == EAGAIN || e == EWOULDBLOCK)
    return np_error_set(err, NP_ETIMEDOUT, "%s timed out", what);
  np_error_set(err, NP_ESYS, "%s: %s", what, strerror(e));
  if (err)
    err->sys_errno = e;
  return NP_ESYS;
}

/* Read more bytes into the request buffer; NP_OK with io->eof at EOF. */
static int np__io_fill(np_server_request *req, np__req_io *io,
                       np_error *err) {
  if (io->rpos > 0) { /* slide consumed bytes out before growing */
    np_buf_consume(&io->rbuf, io->rpos);
    io->rpos = 0;
  }
  size_t room = io->rbuf.max - io->rbuf.len;
  if (room == 0)
    return np_error_set(err, NP_ETOOLARGE, "line longer than %zu bytes",
                        io->rbuf.max);
  if (room > 16384)
    room = 16384;
  int rc = np_buf_reserve(&io->rbuf, room);
  if (rc != NP_OK)
    return np_error_set(err, rc, "read buffer");
  for (;;) {
    ssize_t n = recv(req->fd, io->rbuf.data + io->rbuf.len, room, 0);
    if (n > 0) {
      io->rbuf.len += (size_t)n;
      io->rbuf.data[io->rbuf.len] = '\0';
      return NP_OK;
    }
    if (n == 0) {
      io->eof = 1;
      return NP_OK;
    }
    if (errno != EINTR)
      return np__io_fail(err, errno, "read");
  }
}

int np_server_readline(np_server_request *req, np_buf *out, np_error *err) {
  np__req_io *io = req->priv;
  if (io->dgram) { /* rfile is the packet: hand out its next line */
    const char *p = req->packet + io->rpos;
    size_t left = req->packet_len - io->rpos;
    const char *nl = memchr(p, '\n', left);
    size_t n = nl ? (size_t)(nl - p) + 1 : left;
    io->rpos += n;
    return np_buf_append(out, p, n);
  }
  size_t scanned = 0;
  for (;;) {
    const char *p = io->rbuf.data ? io->rbuf.data + io->rpos : NULL;
    size_t avail = io->rbuf.len - io->rpos;
    const char *nl = p ? memchr(p + scanned, '\n', avail - scanned) : NULL;
    if (nl || io->eof) {
      size_t n = nl ? (size_t)(nl - p) + 1 : avail;
      int rc = n ? np_buf_append(out, p, n) : NP_OK;
      io->rpos += n;
      return rc;
    }
    scanned = avail;
    int rc = np__io_fill(req, io, err);
    if (rc != NP_OK)
      return rc;
  }
}

int np_server_read(np_server_request *req, size_t n, np_buf *out,
                   np_error *err) {
  np__req_io *io = req->priv;
  if (io->dgram) {
    size_t left = req->packet_len - io->rpos;
    if (n > left)
      n = left;
    io->rpos += n;
    return np_buf_append(out, req->packet + io->rpos - n, n);
  }
  while (n > 0) {
    size_t avail = io->rbuf.len - io->rpos;
    if (avail > 0) {
      size_t k = avail < n ? avail : n;
      int rc = np_buf_append(out, io->rbuf.data + io->rpos, k);
      if (rc != NP_OK)
        return rc;
      io->rpos += k;
      n -= k;
      continue;
    }
    if (io->eof)
      return NP_OK;
    int rc = np__io_fill(req, io, err);
    if (rc != NP_OK)
      return rc;
  }
  return NP_OK;
}

int np_server_write(np_server_request *req, const void *data, size_t len,
                    np_error *err) {
  np__req_io *io = req->priv;
  if (io->dgram) {
    int rc = np_buf_append(&io->reply, data, len);
    return rc == NP_OK ? NP_OK
                       : np_error_set(err, rc, "reply larger than %zu bytes",
                                      io->reply.max);
  }
  const char *p = data;
  while (len > 0) {
    ssize_t n = send(req->fd, p, len, MSG_NOSIGNAL);
    if (n > 0) {
      p += n;
      len -= (size_t)n;
    } else if (n < 0 && errno != EINTR) {
      return np__io_fail(err, errno, "write");
    }
  }
  return NP_OK;
}
