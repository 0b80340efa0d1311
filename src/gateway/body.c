/*
 * The application's body (PEP 3333's iterable) and start_response's
 * dispatch.  Built-in bodies: one buffer, a list of buffers, a file
 * (FileWrapper); anything else is a generator the server pulls.
 */
#include "gateway/gw_internal.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int np_gw_start_response(np_gw_start *sr, const char *status,
                         const np_gw_header *headers, size_t n,
                         const np_gw_exc_info *exc_info) {
  if (!sr || !sr->start)
    return NP_EINVAL;
  return sr->start(sr, status, headers, n, exc_info);
}

int np_gw_write(np_gw_start *sr, const void *data, size_t len) {
  if (!sr || !sr->write)
    return NP_EINVAL;
  return sr->write(sr, data, len);
}

void np_gw_body_init(np_gw_body *b) {
  memset(b, 0, sizeof *b);
  b->file.fd = -1;
}

static int parts_next(np_gw_body *b, np_gw_chunk *out) {
  while (b->pos < b->nparts) {
    np_slice s = b->parts[b->pos++];
    if (s.len == 0)
      continue;
    memset(out, 0, sizeof *out);
    out->kind = NP_GW_CHUNK_BYTES;
    out->data = s.ptr;
    out->len = s.len;
    return NP_OK;
  }
  return NP_GW_END;
}

int np_gw_body_bytes(np_gw_body *b, const void *data, size_t len) {
  if (!b || (!data && len))
    return NP_EINVAL;
  b->one = np_slice_from(data, len);
  return np_gw_body_buffers(b, &b->one, 1);
}

int np_gw_body_buffers(np_gw_body *b, const np_slice *parts, size_t n) {
  if (!b || (!parts && n))
    return NP_EINVAL;
  uint64_t total = 0;
  for (size_t i = 0; i < n; i++)
    total += parts[i].len;
  b->parts = parts;
  b->nparts = n;
  b->pos = 0;
  b->next = parts_next;
  b->length = (int64_t)total;
  b->nchunks = n > 0x7fffffff ? -1 : (int)n;
  return NP_OK;
}

static int file_next(np_gw_body *b, np_gw_chunk *out) {
  uint64_t total = (uint64_t)b->file.length;
  if (b->file_sent >= total)
    return NP_GW_END;
  memset(out, 0, sizeof *out);
  out->kind = NP_GW_CHUNK_FILE;
  out->fd = b->file.fd;
  out->offset = b->file.offset + b->file_sent;
  out->count = total - b->file_sent;
  b->file_sent = total; /* the server sends the whole range */
  return NP_OK;
}

static void file_close(np_gw_body *b) {
  if (b->file.fd >= 0)
    close(b->file.fd);
  b->file.fd = -1;
}

int np_gw_body_file(np_gw_body *b, const np_gw_file_wrapper *fw) {
  if (!b || !fw || fw->fd < 0)
    return NP_EINVAL;
  b->file = *fw;
  if (b->file.blksize == 0)
    b->file.blksize = 8192;
  b->next = file_next;
  b->close = file_close;
  b->file_sent = 0;
  if (b->file.length < 0) {
    struct stat st;
    if (fstat(fw->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
      /* A pipe or socket: read until its end, length unknown. */
      b->file.length = INT64_MAX;
      b->length = -1;
      b->nchunks = -1;
      return NP_OK;
    }
    uint64_t size = (uint64_t)st.st_size;
    b->file.length = (int64_t)(size > fw->offset ? size - fw->offset : 0);
  }
  b->length = b->file.length;
  b->nchunks = -1; /* a FileWrapper has no len(), as in Python */
  return NP_OK;
}

int np_gw_body_generator(np_gw_body *b, np_gw_pull_fn next,
                         np_gw_close_fn close_fn, void *ctx, int64_t length) {
  if (!b || !next)
    return NP_EINVAL;
  b->next = next;
  b->close = close_fn;
  b->ctx = ctx;
  b->length = length;
  b->nchunks = -1;
  return NP_OK;
}

int np_gw_body_next(np_gw_body *b, np_gw_chunk *out) {
  if (!b || b->closed)
    return NP_ESTATE;
  if (!b->next)
    return NP_GW_END;
  return b->next(b, out);
}

/* Read the next block of a file chunk into scratch (pipes included). */
static int read_block(const np_gw_chunk *fc, uint64_t *done, char *scratch,
                      size_t cap, np_gw_chunk *out) {
  uint64_t left = fc->count - *done;
  size_t want = left < cap ? (size_t)left : cap;
  ssize_t r = np__gw_read_at(fc->fd, scratch, want, fc->offset + *done);
  if (r < 0)
    return NP_ESYS;
  if (r == 0)
    return NP_GW_END;
  *done += (uint64_t)r;
  memset(out, 0, sizeof *out);
  out->kind = NP_GW_CHUNK_BYTES;
  out->data = scratch;
  out->len = (size_t)r;
  return NP_OK;
}

int np_gw_body_next_bytes(np_gw_body *b, np_gw_chunk *out, char *scratch,
                          size_t cap) {
  if (!b || b->closed || !scratch || cap == 0)
    return NP_ESTATE;
  /* A built-in file body is read block by block (FileWrapper's blksize);
   * a file chunk from a generator is read whole, block by block too. */
  if (b->next == file_next) {
    if (b->file_sent >= (uint64_t)b->file.length)
      return NP_GW_END;
    np_gw_chunk fc = {NP_GW_CHUNK_FILE, NULL, 0, b->file.fd, b->file.offset,
                      (uint64_t)b->file.length};
    size_t blk = b->file.blksize < cap ? b->file.blksize : cap;
    int rc = read_block(&fc, &b->file_sent, scratch, blk, out);
    if (rc == NP_GW_END)
      b->file_sent = (uint64_t)b->file.length;
    return rc;
  }
  int rc = np_gw_body_next(b, out);
  if (rc != NP_OK || out->kind == NP_GW_CHUNK_BYTES)
    return rc;
  /* A generator yielded a file range: copy it out (bounded by cap). */
  uint64_t done = 0;
  np_gw_chunk fc = *out;
  if (fc.count > cap)
    return NP_EUNSUPPORTED; /* needs a server that can send files */
  rc = read_block(&fc, &done, scratch, cap, out);
  return rc == NP_GW_END ? NP_EOF : rc;
}

void np_gw_body_close(np_gw_body *b) {
  if (!b || b->closed)
    return;
  b->closed = 1;
  if (b->close)
    b->close(b);
}

bool np__gw_body_is_generator(const np_gw_body *b) {
  return b->next && b->next != parts_next && b->next != file_next;
}
