/* The bounded growable buffer and slices (core.h). */
#include "core/internal.h"

#include <stdio.h>
#include <string.h>

np_slice np_slice_from(const char *ptr, size_t len) {
  return (np_slice){ptr, ptr ? len : 0};
}

np_slice np_slice_cstr(const char *s) {
  return (np_slice){s, s ? strlen(s) : 0};
}

int np_slice_eq(np_slice a, np_slice b) {
  if (!a.ptr || !b.ptr)
    return a.ptr == b.ptr;
  return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

int np_slice_ieq_cstr(np_slice a, const char *s) {
  size_t n = strlen(s);
  return a.ptr && a.len == n && np__ieq(a.ptr, s, n);
}

void np_buf_init(np_buf *b, size_t max) {
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
  b->max = max ? max : NP_BUF_DEFAULT_MAX;
}

int np_buf_reserve(np_buf *b, size_t extra) {
  if (extra > b->max || b->len > b->max - extra)
    return NP_ETOOLARGE;
  size_t need = b->len + extra;
  if (b->data && need <= b->cap)
    return NP_OK;
  /* Grow by half again (at least 64 bytes), never past max. */
  size_t cap = b->cap < 64 ? 64 : b->cap + b->cap / 2;
  if (cap < need)
    cap = need;
  if (cap > b->max)
    cap = b->max;
  char *p = np_realloc(b->data, cap + 1);
  if (!p)
    return NP_ENOMEM;
  b->data = p;
  b->cap = cap;
  b->data[b->len] = '\0';
  return NP_OK;
}

int np_buf_append(np_buf *b, const void *data, size_t len) {
  int rc = np_buf_reserve(b, len);
  if (rc != NP_OK)
    return rc;
  if (len)
    memcpy(b->data + b->len, data, len);
  b->len += len;
  b->data[b->len] = '\0';
  return NP_OK;
}

int np_buf_append_cstr(np_buf *b, const char *s) {
  return np_buf_append(b, s, strlen(s));
}

int np_buf_append_slice(np_buf *b, np_slice s) {
  return np_buf_append(b, s.ptr, s.len);
}

int np_buf_putc(np_buf *b, int c) {
  char ch = (char)c;
  return np_buf_append(b, &ch, 1);
}

int np_buf_vprintf(np_buf *b, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0)
    return NP_EINVAL;
  int rc = np_buf_reserve(b, (size_t)n);
  if (rc != NP_OK)
    return rc;
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
  return NP_OK;
}

int np_buf_printf(np_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = np_buf_vprintf(b, fmt, ap);
  va_end(ap);
  return rc;
}

void np_buf_consume(np_buf *b, size_t n) {
  if (n >= b->len) {
    np_buf_reset(b);
    return;
  }
  memmove(b->data, b->data + n, b->len - n);
  b->len -= n;
  b->data[b->len] = '\0';
}

void np_buf_reset(np_buf *b) {
  b->len = 0;
  if (b->data)
    b->data[0] = '\0';
}

void np_buf_free(np_buf *b) {
  np_free(b->data);
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
}

char *np_buf_detach(np_buf *b, size_t *len) {
  char *p = b->data;
  if (!p) {
    p = np_malloc(1);
    if (!p)
      return NULL;
    p[0] = '\0';
  }
  if (len)
    *len = b->len;
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
  return p;
}

np_slice np_buf_slice(const np_buf *b) {
  return (np_slice){b->data ? b->data : "", b->len};
}

int np__array_reserve(void *items, size_t *cap, size_t need, size_t size,
                      size_t min) {
  if (need <= *cap)
    return NP_OK;
  size_t most = size ? SIZE_MAX / size : SIZE_MAX; /* elements that fit */
  if (need > most)
    return NP_ETOOLARGE;
  size_t n = *cap ? (*cap <= most / 2 ? *cap * 2 : most) : min;
  if (n < need)
    n = need;
  /* The caller's pointer has its own type: copy its bytes rather than
   * access it through a void ** (which would break aliasing rules). */
  void *old;
  memcpy(&old, items, sizeof old);
  void *p = np_realloc(old, n * size);
  if (!p)
    return NP_ENOMEM;
  memcpy(items, &p, sizeof p);
  *cap = n;
  return NP_OK;
}
