/* http.client responses (http_client.h): headers and body reading. */
#include "http/client_internal.h"

#include <string.h>

/* The body ended or the response was closed: CPython's _close_conn.  The
 * connection stays for the next request unless this response ends it. */
static void finish(np_http_resp *r) {
  r->done = 1;
  r->open = 0;
  if (r->will_close)
    np_http_conn_close(r->conn);
}

void np__http_resp_start(np_http_conn *c) {
  np_http_resp *r = &c->resp;
  r->open = 1;
  r->done = 0;
  r->will_close = !r->p.keep_alive;
  c->rpos = r->p.head_len;
  if (r->p.body == NP_HTTP_BODY_NONE)
    finish(r);
}

int np_http_resp_status(const np_http_resp *r) { return r->p.status; }
np_slice np_http_resp_reason(const np_http_resp *r) { return r->p.reason; }
/* As CPython: "HTTP/1.0" is 10, any other HTTP/1.x is 11. */
int np_http_resp_version(const np_http_resp *r) {
  return r->p.version_minor == 0 ? 10 : 11;
}
size_t np_http_resp_header_count(const np_http_resp *r) {
  return r->p.nheaders;
}
np_http_header np_http_resp_header_at(const np_http_resp *r, size_t i) {
  np_http_header none = {NP_SLICE_NULL, NP_SLICE_NULL};
  return i < r->p.nheaders ? r->p.headers[i] : none;
}
np_slice np_http_resp_getheader(const np_http_resp *r, const char *name) {
  return np_http_header_get(&r->p, name);
}
int np_http_resp_getheader_joined(const np_http_resp *r, const char *name,
                                  np_buf *out) {
  size_t from = 0;
  int found = 0, rc = NP_OK;
  for (long i; !rc && (i = np_http_header_next(&r->p, name, &from)) >= 0;) {
    if (found++)
      rc = np_buf_append(out, ", ", 2);
    if (!rc)
      rc = np_buf_append_slice(out, r->p.headers[i].value);
  }
  return rc ? rc : (found ? NP_OK : NP_ENOTFOUND);
}

long np_http_resp_header_next(const np_http_resp *r, const char *name,
                              size_t *from) {
  return np_http_header_next(&r->p, name, from);
}
long long np_http_resp_length(const np_http_resp *r) {
  if (r->p.body == NP_HTTP_BODY_LENGTH)
    return (long long)r->p.remaining;
  return r->p.body == NP_HTTP_BODY_NONE ? 0 : -1;
}
int np_http_resp_will_close(const np_http_resp *r) { return r->will_close; }
int np_http_resp_fileno(const np_http_resp *r) {
  return r->open ? np_http_conn_fileno(r->conn) : -1;
}
int np_http_resp_isclosed(const np_http_resp *r) { return !r->open; }

void np_http_resp_close(np_http_resp *r) {
  if (!r->open)
    return;
  /* Unread body bytes would be taken for the next response: reopen. */
  if (!r->done)
    r->will_close = 1;
  finish(r);
}

/* A failure inside the body: the connection is unusable. */
static int body_failed(np_http_resp *r, int rc, np_error *err) {
  if (rc == NP_EOF) {
    rc = np_http_parse_eof(&r->p, err);
    if (rc == NP_HTTP_DONE) {
      finish(r);
      return NP_OK;
    }
    if (err)
      err->value = r->p.body == NP_HTTP_BODY_LENGTH ? (long)r->p.remaining : -1;
  }
  r->will_close = 1;
  finish(r);
  return rc;
}

/* Decode buffered bytes into buf[0..n): at most one slice.  Returns NP_OK
 * (maybe *got == 0 when the buffer ran dry), NP_HTTP_DONE or an error. */
static int from_buffer(np_http_resp *r, char *buf, size_t n, size_t *got,
                       np_error *err) {
  np_http_conn *c = r->conn;
  size_t avail = c->rbuf.len - c->rpos, used;
  np_slice d;
  /* Limiting the input limits the output: never more than n bytes. */
  int rc = np_http_parse_body(&r->p, c->rbuf.data + c->rpos,
                              avail < n ? avail : n, &used, &d, err);
  c->rpos += used;
  *got = 0;
  if (d.len) {
    memmove(buf, d.ptr, d.len);
    *got = d.len;
  }
  return rc == NP_EAGAIN ? NP_OK : rc;
}

/* Read straight into the caller's buffer (large reads of a Content-Length
 * or close-delimited body): no copy through the connection's buffer. */
static int direct(np_http_resp *r, char *buf, size_t n, size_t *got,
                  np_error *err) {
  if (r->p.body == NP_HTTP_BODY_LENGTH && n > r->p.remaining)
    n = (size_t)r->p.remaining;
  int rc = np__stream_read(&r->conn->s, buf, n, got, err);
  if (rc)
    return rc;
  size_t used;
  np_slice d;
  np_http_parse_body(&r->p, buf, *got, &used, &d, err); /* counts bytes */
  return NP_OK;
}

/* The body reader behind read, read1 and readinto: once != 0 stops after
 * one socket read. */
static int body_read(np_http_resp *r, char *buf, size_t n, size_t *got,
                     int once, np_error *err) {
  np_http_conn *c = r->conn;
  size_t total = 0;
  int rc = NP_OK;
  while (total < n && !r->done) {
    if (c->rpos < c->rbuf.len) {
      size_t g;
      rc = from_buffer(r, buf + total, n - total, &g, err);
      total += g;
      if (rc == NP_HTTP_DONE) {
        finish(r);
        break;
      }
      if (rc)
        break;
      if (once && g)
        break;
      continue;
    }
    if (r->p.body_done || (r->p.body == NP_HTTP_BODY_LENGTH && r->p.remaining == 0)) {
      finish(r);
      break;
    }
    /* read1: one read that yields data; framing alone reads again, or a
     * caller would take 0 bytes for the end of the body. */
    if (once && total)
      break;
    if (r->p.body != NP_HTTP_BODY_CHUNKED && n - total >= NP__HTTP_DIRECT_READ &&
        np__stream_pending(&c->s) == 0) {
      size_t g = 0;
      rc = direct(r, buf + total, n - total, &g, err);
      total += g;
    } else {
      rc = np__http_conn_fill(c, err);
    }
    if (rc)
      break;
  }
  *got = total;
  if (rc && rc != NP_HTTP_DONE)
    return body_failed(r, rc, err);
  if (!r->done && r->p.body == NP_HTTP_BODY_LENGTH && r->p.remaining == 0)
    finish(r);
  return NP_OK;
}

int np_http_resp_read(np_http_resp *r, void *buf, size_t n, size_t *got,
                      np_error *err) {
  *got = 0;
  if (!r->open)
    return NP_OK;
  return body_read(r, buf, n, got, 0, err);
}

int np_http_resp_read1(np_http_resp *r, void *buf, size_t n, size_t *got,
                       np_error *err) {
  *got = 0;
  if (!r->open)
    return NP_OK;
  return body_read(r, buf, n, got, 1, err);
}

int np_http_resp_read_all(np_http_resp *r, np_buf *out, np_error *err) {
  while (r->open) {
    size_t want = NP__HTTP_READ_CHUNK;
    if (r->p.body == NP_HTTP_BODY_LENGTH && r->p.remaining > want &&
        r->p.remaining <= out->max - out->len)
      want = (size_t)r->p.remaining; /* one allocation for a known size */
    int rc = np_buf_reserve(out, want);
    if (rc) {
      np_http_resp_close(r);
      return np_error_set(err, rc, "response body larger than the buffer");
    }
    size_t got = 0;
    rc = body_read(r, out->data + out->len, want, &got, 0, err);
    out->len += got;
    out->data[out->len] = '\0';
    if (rc)
      return rc;
  }
  return NP_OK;
}

int np_http_resp_peek(np_http_resp *r, np_slice *out, np_error *err) {
  np_http_conn *c = r->conn;
  *out = np_slice_from("", 0);
  while (r->open) {
    /* Decode on a copy of the parser: nothing is consumed. */
    np_http_parser copy = r->p;
    size_t pos = c->rpos;
    while (pos < c->rbuf.len) {
      size_t used;
      np_slice d;
      int rc = np_http_parse_body(&copy, c->rbuf.data + pos,
                                  c->rbuf.len - pos, &used, &d, err);
      pos += used;
      if (rc == NP_OK) {
        *out = d;
        return NP_OK;
      }
      if (rc == NP_HTTP_DONE) {
        /* Only framing was left: commit it, the body is complete. */
        r->p = copy;
        c->rpos = pos;
        finish(r);
        return NP_OK;
      }
      if (rc != NP_EAGAIN)
        return body_failed(r, rc, err);
    }
    /* Only framing was buffered: read until there is data or the end. */
    int rc = np__http_conn_fill(c, err);
    if (rc)
      return body_failed(r, rc, err);
  }
  return NP_OK;
}
