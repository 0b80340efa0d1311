/* Responses (urllib.response.addinfourl, HTTPResponse as urlopen gives it)
 * and HTTPError's payload. */
#include "request/req_internal.h"

#include <stdint.h>
#include <string.h>

#define RESP_MAX_HEADERS 256

struct np_response {
  char *url;
  int status;
  int version; /* 10, 11, or 0 when not HTTP */
  char *reason;
  np_http_header *hdrs; /* name and value point into their own copies */
  size_t nhdrs, caphdrs;
  np_response_body body;
  int closed;
  np_buf pending; /* bytes read past a line by readline */
};

int np_response_new(np_response **out, const char *url, int status,
                    const char *reason, const np_response_body *body) {
  *out = NULL;
  np_response *r = np_malloc(sizeof *r);
  if (r) {
    memset(r, 0, sizeof *r);
    r->url = np__copy_cstr(url);
    r->reason = np__copy_str(reason ? reason : "", reason ? strlen(reason) : 0);
  }
  if (body && r)
    r->body = *body; /* from here the response closes it */
  else if (body && body->close)
    body->close(body->ctx);
  if (!r || !r->url || !r->reason) {
    np_response_free(r);
    return NP_ENOMEM;
  }
  r->status = status;
  np_buf_init(&r->pending, 0);
  *out = r;
  return NP_OK;
}

int np_response_add_header(np_response *r, const char *name, size_t name_len,
                           const char *value, size_t value_len) {
  if (r->nhdrs >= RESP_MAX_HEADERS)
    return NP_ETOOLARGE;
  int rc = np__array_reserve(&r->hdrs, &r->caphdrs, r->nhdrs + 1,
                             sizeof *r->hdrs, 8);
  if (rc != NP_OK)
    return rc;
  /* name and value in one block, each NUL-terminated: one allocation */
  if (name_len > SIZE_MAX / 2 - 1 || value_len > SIZE_MAX / 2 - 1)
    return NP_ENOMEM;
  char *n = np_malloc(name_len + value_len + 2);
  if (!n)
    return NP_ENOMEM;
  char *v = n + name_len + 1;
  memcpy(n, name, name_len);
  n[name_len] = '\0';
  memcpy(v, value, value_len);
  v[value_len] = '\0';
  r->hdrs[r->nhdrs++] = (np_http_header){{n, name_len}, {v, value_len}};
  return NP_OK;
}

void np_response_close(np_response *r) {
  if (r->closed)
    return;
  r->closed = 1;
  if (r->body.close)
    r->body.close(r->body.ctx);
}

void np_response_free(np_response *r) {
  if (!r)
    return;
  np_response_close(r);
  for (size_t i = 0; i < r->nhdrs; i++) {
    np_free((char *)r->hdrs[i].name.ptr); /* the value shares its block */
  }
  np_free(r->hdrs);
  np_free(r->url);
  np_free(r->reason);
  np_buf_free(&r->pending);
  np_free(r);
}

const char *np_response_url(const np_response *r) { return r->url; }
int np_response_status(const np_response *r) { return r->status; }
const char *np_response_reason(const np_response *r) { return r->reason; }
int np_response_version(const np_response *r) { return r->version; }
void np_response_set_version(np_response *r, int version) {
  r->version = version;
}
size_t np_response_header_count(const np_response *r) { return r->nhdrs; }

np_http_header np_response_header_at(const np_response *r, size_t i) {
  np_http_header h = {NP_SLICE_NULL, NP_SLICE_NULL};
  return i < r->nhdrs ? r->hdrs[i] : h;
}

np_slice np_response_getheader(const np_response *r, const char *name) {
  for (size_t i = 0; i < r->nhdrs; i++)
    if (np_slice_ieq_cstr(r->hdrs[i].name, name))
      return r->hdrs[i].value;
  return NP_SLICE_NULL;
}

/* One read from the body source (after what readline kept back). */
static int read_some(np_response *r, char *buf, size_t n, size_t *got,
                     np_error *err) {
  *got = 0;
  if (r->pending.len) {
    size_t k = r->pending.len < n ? r->pending.len : n;
    memcpy(buf, r->pending.data, k);
    np_buf_consume(&r->pending, k);
    *got = k;
    return NP_OK;
  }
  if (r->closed || !r->body.read || n == 0)
    return NP_OK;
  return r->body.read(r->body.ctx, buf, n, got, err);
}

int np_response_read(np_response *r, void *buf, size_t n, size_t *got,
                     np_error *err) {
  size_t total = 0;
  *got = 0;
  while (total < n) {
    size_t k;
    int rc = read_some(r, (char *)buf + total, n - total, &k, err);
    if (rc != NP_OK) { /* the bytes of a cut-short read still count */
      *got = total + k;
      return rc;
    }
    if (k == 0)
      break;
    total += k;
  }
  *got = total;
  return NP_OK;
}

int np_response_read1(np_response *r, void *buf, size_t n, size_t *got,
                      np_error *err) {
  return read_some(r, buf, n, got, err);
}

int np_response_read_all(np_response *r, np_buf *out, np_error *err) {
  char chunk[16384];
  for (;;) {
    size_t k;
    int rc = read_some(r, chunk, sizeof chunk, &k, err);
    if (k) { /* a cut-short read keeps its bytes (IncompleteRead.partial) */
      int arc = np_buf_append(out, chunk, k);
      if (arc != NP_OK && rc == NP_OK)
        return np_error_set(err, arc, "response body: %s", np_strerror(arc));
    }
    if (rc != NP_OK || k == 0)
      return rc;
  }
}

/* Move up to n bytes of pending into out, minding the line limit. */
static int take_pending(np_response *r, np_buf *out, size_t n, size_t *taken,
                        size_t max, np_error *err) {
  if (*taken + n > max)
    return np_error_set(err, NP_ETOOLARGE, "line over %zu bytes", max);
  int rc = np_buf_append(out, r->pending.data, n);
  if (rc != NP_OK)
    return np_error_set(err, rc, "readline: %s", np_strerror(rc));
  np_buf_consume(&r->pending, n);
  *taken += n;
  return NP_OK;
}

int np_response_readline(np_response *r, np_buf *out, size_t max,
                         np_error *err) {
  if (max == 0)
    max = out->max;
  size_t taken = 0;
  char chunk[4096];
  for (;;) {
    if (r->pending.len) {
      const char *nl = memchr(r->pending.data, '\n', r->pending.len);
      size_t use = nl ? (size_t)(nl - r->pending.data) + 1 : r->pending.len;
      int rc = take_pending(r, out, use, &taken, max, err);
      if (rc != NP_OK || nl)
        return rc;
    }
    size_t k = 0;
    int rc = r->closed || !r->body.read
                 ? NP_OK
                 : r->body.read(r->body.ctx, chunk, sizeof chunk, &k, err);
    if (rc != NP_OK || k == 0)
      return rc;
    if ((rc = np_buf_append(&r->pending, chunk, k)) != NP_OK)
      return np_error_set(err, rc, "readline: %s", np_strerror(rc));
  }
}

static void free_response_payload(void *p) { np_response_free(p); }

np_response *np_error_response(const np_error *err) {
  if (!err || err->code != NP_EREQUEST_HTTP ||
      err->payload_free != free_response_payload)
    return NULL;
  return err->payload;
}

np_response *np_error_take_response(np_error *err) {
  np_response *r = np_error_response(err);
  if (r) {
    err->payload = NULL;
    err->payload_free = NULL;
  }
  return r;
}

int np__http_error(np_response **resp, np_error *err, const char *msg,
                   const char *url) {
  np_response *r = *resp;
  *resp = NULL;
  int status = r->status;
  if (!err) {
    np_response_free(r);
    return NP_EREQUEST_HTTP;
  }
  np_error_set(err, NP_EREQUEST_HTTP, "HTTP Error %d: %s", status,
               msg ? msg : r->reason);
  /* HTTPError.reason is its msg, whatever the status line said */
  char *reason = np__copy_cstr(msg);
  if (reason) {
    np_free(r->reason);
    r->reason = reason;
  }
  char *u = np__copy_cstr(url);
  if (u) {
    np_free(r->url);
    r->url = u;
  }
  err->value = status;
  err->payload = r;
  err->payload_free = free_response_payload;
  return NP_EREQUEST_HTTP;
}
