/* np_gw_output over a descriptor: buffered writes, sendfile for files. */
#include "gateway/gw_internal.h"

#include "core/net.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/sendfile.h>
#endif

#define OUT_BUF (64u * 1024)

static int fd_flush(np_gw_output *o) {
  int rc = np__write_all(o->fd, o->buf.data, o->buf.len, NULL);
  o->written += o->buf.len;
  np_buf_reset(&o->buf);
  return rc;
}

static int fd_write(np_gw_output *o, const void *data, size_t len) {
  if (o->buf.len + len > OUT_BUF) {
    int rc = fd_flush(o);
    if (rc < 0)
      return rc;
    if (len > OUT_BUF) {
      o->written += len;
      return np__write_all(o->fd, data, len, NULL);
    }
  }
  return np_buf_append(&o->buf, data, len);
}

static int fd_sendfile(np_gw_output *o, int fd, uint64_t off,
                       uint64_t count) {
  int rc = fd_flush(o);
  if (rc < 0)
    return rc;
#if defined(__linux__)
  off_t pos = (off_t)off;
  while (count) {
    size_t want = count > (1u << 30) ? (1u << 30) : (size_t)count;
    ssize_t s = sendfile(o->fd, fd, &pos, want);
    if (s < 0 && errno == EINTR)
      continue;
    if (s < 0 && (errno == EINVAL || errno == ENOSYS) && pos == (off_t)off)
      break; /* this pair of descriptors cannot sendfile: copy instead */
    if (s <= 0)
      return s == 0 ? NP_EOF : NP_ESYS;
    count -= (uint64_t)s;
    o->written += (uint64_t)s;
  }
  if (!count)
    return NP_OK;
#endif
  char block[16384];
  while (count) {
    size_t want = count < sizeof block ? (size_t)count : sizeof block;
    ssize_t r = np__gw_read_at(fd, block, want, off);
    if (r <= 0)
      return r == 0 ? NP_EOF : NP_ESYS;
    rc = np__write_all(o->fd, block, (size_t)r, NULL);
    if (rc < 0)
      return rc;
    off += (uint64_t)r;
    count -= (uint64_t)r;
    o->written += (uint64_t)r;
  }
  return NP_OK;
}

void np_gw_output_fd(np_gw_output *o, int fd) {
  memset(o, 0, sizeof *o);
  o->fd = fd;
  np_buf_init(&o->buf, OUT_BUF);
  o->write = fd_write;
  o->sendfile = fd_sendfile;
  o->flush = fd_flush;
}

void np_gw_output_close(np_gw_output *o) {
  if (o)
    np_buf_free(&o->buf);
}
