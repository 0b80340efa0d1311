/*
 * wsgi.input and wsgi.errors.  The descriptor input decodes a chunked body
 * with the HTTP engine's decoder and counts a Content-Length body down, so
 * an application can never read the next request of a keep-alive
 * connection; the "100 Continue" hook runs only when the application first
 * needs bytes that have not arrived, as PEP 3333 asks.
 */
#include "gateway/gw_internal.h"
#include "netproto/http.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

int np_gw_input_read(np_gw_input *in, char *buf, size_t cap, size_t *got) {
  *got = 0;
  if (!in || !in->read)
    return NP_OK; /* no input: an empty body */
  if (cap == 0)
    return NP_OK;
  return in->read(in, buf, cap, got);
}

int np_gw_input_readline(np_gw_input *in, np_buf *line, size_t max) {
  if (max == 0)
    max = NP_GW_MAX_LINE;
  /* One byte at a time keeps the contract (never past the line) without a
   * pushback buffer; the descriptor input reads ahead in its own buffer so
   * this costs no system call per byte. */
  for (size_t n = 0; n < max; n++) {
    char c;
    size_t got;
    int rc = np_gw_input_read(in, &c, 1, &got);
    if (rc < 0)
      return rc;
    if (got == 0)
      break;
    rc = np_buf_putc(line, c);
    if (rc < 0)
      return rc;
    if (c == '\n')
      break;
  }
  return NP_OK;
}

int np_gw_input_read_all(np_gw_input *in, np_buf *out) {
  for (;;) {
    int rc = np_buf_reserve(out, 4096);
    if (rc < 0) {
      /* Near the limit: one byte more tells full from too large. */
      char c;
      size_t got;
      rc = np_gw_input_read(in, &c, 1, &got);
      return rc < 0 ? rc : got ? NP_ETOOLARGE : NP_OK;
    }
    size_t room = out->cap - out->len, got;
    rc = np_gw_input_read(in, out->data + out->len, room, &got);
    if (rc < 0)
      return rc;
    if (got == 0)
      return NP_OK;
    out->len += got;
    out->data[out->len] = '\0';
  }
}

static int mem_read(np_gw_input *in, char *buf, size_t cap, size_t *got) {
  size_t left = in->mem_len - in->mem_pos;
  size_t n = cap < left ? cap : left;
  if (n)
    memcpy(buf, in->mem + in->mem_pos, n);
  in->mem_pos += n;
  *got = n;
  return NP_OK;
}

void np_gw_input_memory(np_gw_input *in, const char *data, size_t len) {
  memset(in, 0, sizeof *in);
  in->fd = -1;
  in->mem = data ? data : "";
  in->mem_len = data ? len : 0;
  in->read = mem_read;
}

/* Refill the read-ahead buffer from the descriptor. */
static int fill(np_gw_input *in) {
  if (in->on_first_read) {
    int (*fn)(void *) = in->on_first_read;
    in->on_first_read = NULL; /* once, even if it fails */
    int rc = fn(in->on_first_read_ctx);
    if (rc < 0)
      return rc;
  }
  size_t want = NP_GW_INPUT_BUF;
  /* A Content-Length body: never ask the socket for more than is left. */
  if (in->framing == 0 && in->remaining < want)
    want = (size_t)in->remaining;
  for (;;) {
    ssize_t r = read(in->fd, in->pre, want);
    if (r > 0) {
      in->pre_len = (size_t)r;
      in->pre_pos = 0;
      return NP_OK;
    }
    if (r == 0)
      return NP_EHTTP_INCOMPLETE_READ;
    if (errno == EINTR)
      continue;
    return NP_ESYS;
  }
}

static int length_read(np_gw_input *in, char *buf, size_t cap, size_t *got) {
  if (in->remaining == 0)
    return NP_OK;
  if (in->pre_pos == in->pre_len) {
    int rc = fill(in);
    if (rc < 0)
      return in->status = rc;
  }
  size_t n = in->pre_len - in->pre_pos;
  if (n > cap)
    n = cap;
  if (n > in->remaining)
    n = (size_t)in->remaining;
  memcpy(buf, in->pre + in->pre_pos, n);
  in->pre_pos += n;
  in->remaining -= n;
  *got = n;
  return NP_OK;
}

static int chunked_read(np_gw_input *in, char *buf, size_t cap, size_t *got) {
  while (!in->done) {
    if (in->pre_pos == in->pre_len) {
      int rc = fill(in);
      if (rc < 0)
        return in->status = rc;
    }
    size_t used;
    np_slice data = NP_SLICE_NULL;
    size_t avail = in->pre_len - in->pre_pos;
    /* Feed no more than fits in buf: the decoder is incremental, so the
     * data it returns is never longer than its input and nothing decoded
     * has to be given back. */
    if (avail > cap)
      avail = cap;
    int rc = np_http_chunked_next(in->chunked, in->pre + in->pre_pos, avail,
                                  &used, &data, NULL);
    if (rc < 0 && rc != NP_EAGAIN)
      return in->status = rc;
    in->pre_pos += used;
    if (rc == NP_HTTP_DONE)
      in->done = 1;
    else if (rc == NP_OK && data.len) {
      memcpy(buf, data.ptr, data.len);
      *got = data.len;
      return NP_OK;
    }
  }
  return NP_OK;
}

static int fd_read(np_gw_input *in, char *buf, size_t cap, size_t *got) {
  if (in->status < 0)
    return in->status;
  return in->framing ? chunked_read(in, buf, cap, got)
                     : length_read(in, buf, cap, got);
}

int np_gw_input_fd(np_gw_input *in, int fd, const char *pre, size_t pre_len,
                   uint64_t content_length, bool chunked,
                   int (*on_first_read)(void *ctx), void *ctx) {
  memset(in, 0, sizeof *in);
  in->fd = fd;
  in->read = fd_read; /* from here np_gw_input_close releases what exists */
  if (pre_len > NP_GW_INPUT_BUF)
    return NP_ETOOLARGE;
  in->pre = np_malloc(NP_GW_INPUT_BUF);
  if (!in->pre)
    return NP_ENOMEM;
  if (pre_len)
    memcpy(in->pre, pre, pre_len);
  in->pre_len = pre_len;
  in->remaining = content_length;
  in->framing = chunked ? 1 : 0;
  if (chunked) {
    in->chunked = np_malloc(sizeof(np_http_chunked));
    if (!in->chunked)
      return NP_ENOMEM;
    np_http_chunked_init(in->chunked, 0, 0);
  }
  /* 100 Continue only matters when the body has not begun to arrive. */
  if (pre_len == 0 && (chunked || content_length > 0)) {
    in->on_first_read = on_first_read;
    in->on_first_read_ctx = ctx;
  }
  in->read = fd_read;
  return NP_OK;
}

void np_gw_input_close(np_gw_input *in) {
  if (!in)
    return;
  np_free(in->chunked);
  in->chunked = NULL;
  if (in->read == fd_read)
    np_free(in->pre);
  in->pre = NULL;
}

static void file_write(np_gw_errors *e, const char *data, size_t n) {
  fwrite(data, 1, n, e->file);
  fflush(e->file);
}

static void buf_write(np_gw_errors *e, const char *data, size_t n) {
  (void)np_buf_append(e->buf, data, n);
}

void np_gw_errors_file(np_gw_errors *e, FILE *f) {
  memset(e, 0, sizeof *e);
  e->file = f;
  e->write = file_write;
}

void np_gw_errors_buf(np_gw_errors *e, np_buf *b) {
  memset(e, 0, sizeof *e);
  e->buf = b;
  e->write = buf_write;
}

void np_gw_errors_write(np_gw_errors *e, const char *data, size_t n) {
  if (e && e->write && n)
    e->write(e, data, n);
}

void np_gw_errors_printf(np_gw_errors *e, const char *fmt, ...) {
  if (!e || !e->write)
    return;
  char line[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (n < 0)
    return;
  size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
  e->write(e, line, len);
}
