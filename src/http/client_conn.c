/* http.client connections (http_client.h): connecting, tunnels, sending
 * requests, reading the response head. */
#include "http/client_internal.h"
#include "core/net.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* CPython's _validate_host: no control byte or space in a host. */
static int host_ok(const char *h, size_t n) {
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)h[i] <= 0x20 || h[i] == 0x7f)
      return 0;
  return n > 0;
}

/* HTTPConnection._get_hostport: "host:port", "[v6]:port", "[v6]". */
static int split_hostport(const char *host, int port, int def_port,
                          char **out_host, int *out_port, np_error *err) {
  size_t n = strlen(host);
  const char *colon = strrchr(host, ':');
  const char *bracket = strrchr(host, ']');
  if (port <= 0 && colon && (!bracket || colon > bracket)) {
    uint64_t v = def_port;
    size_t pl = n - (size_t)(colon + 1 - host);
    if (pl && np__parse_uint(colon + 1, pl, 65535, &v))
      return np_error_set(err, NP_EHTTP_INVALID_URL, "nonnumeric port: '%s'",
                          colon + 1);
    port = (int)v;
    n = (size_t)(colon - host);
  }
  if (port <= 0)
    port = def_port;
  if (port > 65535)
    return np_error_set(err, NP_EHTTP_INVALID_URL, "port out of range: %d",
                        port);
  if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
    host++;
    n -= 2;
  }
  if (!host_ok(host, n))
    return np_error_set(err, NP_EHTTP_INVALID_URL,
                        "URL can't contain control characters: host '%.*s'",
                        (int)n, host);
  *out_host = np__copy_str(host, n);
  *out_port = port;
  return *out_host ? NP_OK : np_error_set(err, NP_ENOMEM, "host");
}

static void default_options(np_http_conn_options *o,
                            const np_http_conn_options *in) {
  if (in)
    *o = *in;
  else
    memset(o, 0, sizeof *o);
  if (o->timeout_ms == 0)
    o->timeout_ms = -1;
  if (o->max_informational <= 0)
    o->max_informational = 100;
  if (o->blocksize == 0)
    o->blocksize = 8192;
}

int np_http_conn_new(np_http_conn **out, const char *host, int port,
                     const np_http_conn_options *opts, np_error *err) {
  *out = NULL;
  np_http_conn *c = np_malloc(sizeof *c);
  if (!c)
    return np_error_set(err, NP_ENOMEM, "connection");
  memset(c, 0, sizeof *c);
  default_options(&c->o, opts);
  memset(&c->o.tls, 0, sizeof c->o.tls); /* strings are not kept */
  np__stream_init(&c->s, -1, c->o.timeout_ms);
  np_buf_init(&c->wbuf, 0);
  np_buf_init(&c->tunnel_headers, 65536);
  size_t rmax = c->o.limits.max_header_bytes ? c->o.limits.max_header_bytes
                                             : NP_HTTP_MAX_HEADER_BYTES;
  np_buf_init(&c->rbuf, rmax + 2 * NP__HTTP_READ_CHUNK);
  int rc = split_hostport(host ? host : "", port, c->o.https ? 443 : 80,
                          &c->host, &c->port, err);
  if (!rc && c->o.source_host &&
      !(c->source_host = np__copy_cstr(c->o.source_host)))
    rc = np_error_set(err, NP_ENOMEM, "source host");
  if (!rc && c->o.https)
    rc = np__tls_ctx_new(opts ? &opts->tls : NULL, "http/1.1", &c->tls, err);
  if (rc) {
    np_http_conn_free(c);
    return rc;
  }
  *out = c;
  return NP_OK;
}

void np_http_conn_close(np_http_conn *c) {
  if (c->connected)
    np__stream_close(&c->s);
  c->connected = 0;
  c->s.fd = -1;
  c->state = CS_IDLE;
  c->rbuf.len = 0;
  c->rpos = 0;
  if (c->resp_active) {
    /* As HTTPConnection.close(): the response goes with the connection. */
    c->resp.will_close = 1;
    c->resp.open = 0;
  }
}

void np_http_conn_free(np_http_conn *c) {
  if (!c)
    return;
  np_http_conn_close(c);
  np_http_parser_free(&c->resp.p);
  np__tls_ctx_free(c->tls);
  np_free(c->host);
  np_free(c->tunnel_host);
  np_free(c->source_host);
  np_buf_free(&c->tunnel_headers);
  np_buf_free(&c->wbuf);
  np_buf_free(&c->rbuf);
  np_free(c);
}

int np_http_conn_fileno(const np_http_conn *c) {
  return c->connected ? c->s.fd : -1;
}

np_slice np_http_conn_alpn(const np_http_conn *c) {
  size_t n = 0;
  const char *p = c->connected ? np__stream_alpn(&c->s, &n) : "";
  return np_slice_from(p, n);
}

int np_http_conn_set_tunnel(np_http_conn *c, const char *host, int port,
                            const np_http_header *headers, size_t n,
                            np_error *err) {
  if (c->connected)
    return np_error_set(err, NP_ESTATE,
                        "Can't set up tunnel for established connection");
  np_free(c->tunnel_host);
  c->tunnel_host = NULL;
  np_buf_reset(&c->tunnel_headers);
  int rc = split_hostport(host, port, c->o.https ? 443 : 80, &c->tunnel_host,
                          &c->tunnel_port, err);
  for (size_t i = 0; !rc && i < n; i++)
    rc = np_http_write_header(&c->tunnel_headers, headers[i].name.ptr,
                              headers[i].name.len, headers[i].value.ptr,
                              headers[i].value.len, err);
  return rc;
}

void np__http_trace_bytes(FILE *f, const char *label, const char *p,
                          size_t n) {
  if (!f)
    return;
  fprintf(f, "%s b'", label);
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)p[i];
    if (ch == '\r') fputs("\\r", f);
    else if (ch == '\n') fputs("\\n", f);
    else if (ch == '\t') fputs("\\t", f);
    else if (ch == '\\' || ch == '\'') fprintf(f, "\\%c", ch);
    else if (ch < 0x20 || ch >= 0x7f) fprintf(f, "\\x%02x", ch);
    else fputc(ch, f);
  }
  fputs("'\n", f);
}

static int send_raw(np_http_conn *c, const void *p, size_t n, np_error *err) {
  np__http_trace_bytes(c->o.trace, "send:", p, n);
  int rc = np__stream_write(&c->s, p, n, err);
  if (rc)
    np_http_conn_close(c);
  return rc;
}

int np__http_conn_fill(np_http_conn *c, np_error *err) {
  size_t keep = c->resp_active ? c->resp.p.head_len : 0;
  if (c->rpos > keep) {
    /* Slide the unread bytes down to the head: the buffer never grows
     * past head + one read. */
    memmove(c->rbuf.data + keep, c->rbuf.data + c->rpos, c->rbuf.len - c->rpos);
    c->rbuf.len -= c->rpos - keep;
    c->rpos = keep;
  }
  int rc = np_buf_reserve(&c->rbuf, NP__HTTP_READ_CHUNK);
  if (rc)
    return np_error_set(err, rc, "response buffer");
  size_t got = 0;
  rc = np__stream_read(&c->s, c->rbuf.data + c->rbuf.len,
                       c->rbuf.cap - c->rbuf.len, &got, err);
  c->rbuf.len += got;
  return rc;
}

/* Read the proxy's answer to CONNECT: 200 goes on, anything else fails. */
static int tunnel_reply(np_http_conn *c, np_error *err) {
  np_http_parser p;
  np_http_parser_init(&p, NP_HTTP_RESPONSE);
  p.response_to_head = 1;
  int rc;
  c->rbuf.len = 0;
  while ((rc = np_http_parse_head(&p, c->rbuf.data, c->rbuf.len, NULL,
                                  err)) == NP_EAGAIN) {
    if ((rc = np__http_conn_fill(c, err)) != NP_OK) {
      if (rc == NP_EOF)
        rc = np_error_set(err, NP_EHTTP_REMOTE_DISCONNECTED,
                          "Remote end closed connection without response");
      break;
    }
  }
  if (rc == NP_OK && p.status != 200) {
    rc = np_error_set(err, NP_EHTTP_TUNNEL, "Tunnel connection failed: %d %.*s",
                      p.status, NP_SLICE_ARG(p.reason));
    if (err)
      err->value = p.status;
  }
  if (rc == NP_OK && c->o.trace)
    fprintf(c->o.trace, "reply: 'HTTP/1.%d %d %.*s'\n", p.version_minor,
            p.status, NP_SLICE_ARG(p.reason));
  c->rbuf.len = 0;
  np_http_parser_free(&p);
  return rc;
}

static int tunnel(np_http_conn *c, np_error *err) {
  /* Its own buffer: the request head may be waiting in wbuf. */
  np_buf req;
  np_buf_init(&req, 0);
  int v6 = strchr(c->tunnel_host, ':') != NULL;
  int rc = np_buf_printf(&req, "CONNECT %s%s%s:%d HTTP/1.0\r\n",
                         v6 ? "[" : "", c->tunnel_host, v6 ? "]" : "",
                         c->tunnel_port);
  if (!rc)
    rc = np_buf_append_slice(&req, np_buf_slice(&c->tunnel_headers));
  if (!rc)
    rc = np_buf_append(&req, "\r\n", 2);
  if (rc) {
    np_buf_free(&req);
    return np_error_set(err, rc, "CONNECT request");
  }
  np__http_trace_bytes(c->o.trace, "send:", req.data, req.len);
  rc = np__stream_write(&c->s, req.data, req.len, err);
  np_buf_free(&req);
  return rc ? rc : tunnel_reply(c, err);
}

int np_http_conn_connect(np_http_conn *c, np_error *err) {
  if (c->connected)
    return NP_OK;
  int fd = -1;
  int rc = np__net_connect(c->host, c->port, c->source_host,
                           c->o.source_port, c->o.timeout_ms, &fd, err);
  if (rc)
    return rc;
  np__stream_init(&c->s, fd, c->o.timeout_ms);
  c->connected = 1;
  c->rbuf.len = c->rpos = 0;
  if (c->tunnel_host)
    rc = tunnel(c, err);
  if (!rc && c->tls)
    rc = np__stream_start_tls(&c->s, c->tls,
                              c->tunnel_host ? c->tunnel_host : c->host, err);
  if (rc) {
    np_http_conn_close(c);
    return rc;
  }
  return NP_OK;
}

/* The Host header value: "host[:port]", IPv6 in brackets, port only when
 * not the default (as putrequest writes it). */
static int add_host(np_http_conn *c, const char *url, np_error *err) {
  const char *h = c->tunnel_host ? c->tunnel_host : c->host;
  int port = c->tunnel_host ? c->tunnel_port : c->port;
  size_t hl = strlen(h);
  char tmp[300];
  const char *sep = strstr(url, "://");
  if (strncmp(url, "http", 4) == 0 && sep) {
    /* An absolute URL (to a proxy): Host comes from its netloc. */
    const char *a = sep + 3, *b = a;
    while (*b && *b != '/' && *b != '?' && *b != '#')
      b++;
    if (b > a)
      return np_http_conn_putheader(c, "Host", a, (size_t)(b - a), err);
  }
  int def = c->o.https ? 443 : 80;
  int v6 = memchr(h, ':', hl) != NULL;
  int n = port == def
              ? snprintf(tmp, sizeof tmp, "%s%s%s", v6 ? "[" : "", h, v6 ? "]" : "")
              : snprintf(tmp, sizeof tmp, "%s%s%s:%d", v6 ? "[" : "", h,
                         v6 ? "]" : "", port);
  if (n < 0 || (size_t)n >= sizeof tmp)
    return np_error_set(err, NP_EHTTP_INVALID_URL, "host too long");
  return np_http_conn_putheader(c, "Host", tmp, (size_t)n, err);
}

int np_http_conn_putrequest(np_http_conn *c, const char *method,
                            const char *url, int skip_host,
                            int skip_accept_encoding, np_error *err) {
  if (c->resp_active && !c->resp.open)
    c->resp_active = 0;
  if (c->state != CS_IDLE)
    return np_error_set(err, NP_EHTTP_CANNOT_SEND_REQUEST,
                        "CannotSendRequest: a request is under way");
  if (!url || !*url)
    url = "/";
  np_buf_reset(&c->wbuf);
  int rc = np_http_write_request_line(&c->wbuf, method, strlen(method), url,
                                      strlen(url), 1, err);
  if (rc)
    return rc;
  c->state = CS_REQ_STARTED;
  c->head_request = strcmp(method, "HEAD") == 0;
  c->chunked_request = 0;
  if (!skip_host && (rc = add_host(c, url, err)))
    return rc;
  if (!skip_accept_encoding)
    rc = np_http_conn_putheader(c, "Accept-Encoding", "identity", 8, err);
  return rc;
}

int np_http_conn_putheader(np_http_conn *c, const char *name,
                           const char *value, size_t value_len,
                           np_error *err) {
  if (c->state != CS_REQ_STARTED)
    return np_error_set(err, NP_EHTTP_CANNOT_SEND_HEADER,
                        "CannotSendHeader: no request started");
  if (strlen(name) == 17 && np__ieq(name, "transfer-encoding", 17) &&
      np_http_list_has(np_slice_from(value, value_len), "chunked"))
    c->chunked_request = 1;
  return np_http_write_header(&c->wbuf, name, strlen(name), value, value_len,
                              err);
}

static int ensure_connected(np_http_conn *c, np_error *err) {
  return c->connected ? NP_OK : np_http_conn_connect(c, err);
}

int np_http_conn_endheaders(np_http_conn *c, const void *body, size_t len,
                            int encode_chunked, np_error *err) {
  if (c->state != CS_REQ_STARTED)
    return np_error_set(err, NP_EHTTP_CANNOT_SEND_HEADER,
                        "CannotSendHeader: no request started");
  int rc = np_http_write_end_head(&c->wbuf);
  if (rc)
    return np_error_set(err, rc, "request head");
  c->state = CS_REQ_SENT;
  if ((rc = ensure_connected(c, err)))
    return rc;
  /* A small body goes out with the head in one write. */
  if (body && len && len <= 65536) {
    rc = encode_chunked ? np_http_write_chunk(&c->wbuf, body, len)
                        : np_buf_append(&c->wbuf, body, len);
    if (!rc && encode_chunked)
      rc = np_http_write_last_chunk(&c->wbuf, NULL, 0, err);
    if (rc)
      return np_error_set(err, rc, "request body");
    return send_raw(c, c->wbuf.data, c->wbuf.len, err);
  }
  rc = send_raw(c, c->wbuf.data, c->wbuf.len, err);
  if (!rc && body && len)
    rc = encode_chunked ? np_http_conn_send_chunk(c, body, len, err)
                        : np_http_conn_send(c, body, len, err);
  if (!rc && body && encode_chunked)
    rc = np_http_conn_end_chunks(c, err);
  return rc;
}

int np_http_conn_send(np_http_conn *c, const void *data, size_t len,
                      np_error *err) {
  int rc = ensure_connected(c, err);
  return rc ? rc : send_raw(c, data, len, err);
}

int np_http_conn_send_chunk(np_http_conn *c, const void *data, size_t len,
                            np_error *err) {
  if (len == 0)
    return NP_OK;
  char line[NP_HTTP_CHUNK_LINE_MAX];
  size_t n = np_http_format_chunk_line(line, len);
  int rc = np_http_conn_send(c, line, n, err);
  if (!rc)
    rc = send_raw(c, data, len, err);
  return rc ? rc : send_raw(c, "\r\n", 2, err);
}

int np_http_conn_end_chunks(np_http_conn *c, np_error *err) {
  return np_http_conn_send(c, "0\r\n\r\n", 5, err);
}

static int has_header(const np_http_header *h, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (np_slice_ieq_cstr(h[i].name, name))
      return 1;
  return 0;
}

/* putrequest with request()'s automatic Host and Accept-Encoding. */
static int begin_request(np_http_conn *c, const char *method, const char *url,
                         const np_http_header *h, size_t n, np_error *err) {
  return np_http_conn_putrequest(c, method, url, has_header(h, n, "host"),
                                 has_header(h, n, "accept-encoding"), err);
}

/* The caller's headers, after the framing header as CPython sends them. */
static int put_headers(np_http_conn *c, const np_http_header *h, size_t n,
                       np_error *err) {
  int rc = NP_OK;
  for (size_t i = 0; !rc && i < n; i++) {
    char name[256];
    if (h[i].name.len >= sizeof name)
      return np_error_set(err, NP_EHTTP_BAD_HEADER_NAME, "header name too long");
    memcpy(name, h[i].name.ptr, h[i].name.len);
    name[h[i].name.len] = '\0';
    rc = np_http_conn_putheader(c, name, h[i].value.ptr, h[i].value.len, err);
  }
  return rc;
}

static int expects_body(const char *method) {
  return !strcmp(method, "POST") || !strcmp(method, "PUT") ||
         !strcmp(method, "PATCH");
}

/* A failed request leaves the connection closed and idle, as CPython's
 * state after an exception in request() is unusable anyway. */
static int request_failed(np_http_conn *c, int rc) {
  np_http_conn_close(c);
  return rc;
}

int np_http_conn_request(np_http_conn *c, const char *method, const char *url,
                         const void *body, size_t body_len,
                         const np_http_header *headers, size_t n,
                         np_error *err) {
  int rc = begin_request(c, method, url, headers, n, err);
  if (!rc && !has_header(headers, n, "content-length") &&
      !has_header(headers, n, "transfer-encoding") &&
      (body || expects_body(method))) {
    char len[24];
    int l = snprintf(len, sizeof len, "%zu", body ? body_len : 0);
    rc = np_http_conn_putheader(c, "Content-Length", len, (size_t)l, err);
  }
  if (!rc)
    rc = put_headers(c, headers, n, err);
  if (!rc)
    rc = np_http_conn_endheaders(c, body, body_len, c->chunked_request, err);
  return rc && rc != NP_EHTTP_CANNOT_SEND_REQUEST ? request_failed(c, rc) : rc;
}

int np_http_conn_request_stream(np_http_conn *c, const char *method,
                                const char *url, const np_http_header *headers,
                                size_t n, np_http_body_fn body, void *ctx,
                                np_error *err) {
  int rc = begin_request(c, method, url, headers, n, err);
  int chunked = !has_header(headers, n, "content-length");
  if (!rc && chunked && !has_header(headers, n, "transfer-encoding"))
    rc = np_http_conn_putheader(c, "Transfer-Encoding", "chunked", 7, err);
  if (!rc)
    rc = put_headers(c, headers, n, err);
  if (!rc)
    rc = np_http_conn_endheaders(c, NULL, 0, 0, err);
  char *block = rc ? NULL : np_malloc(c->o.blocksize);
  if (!rc && !block)
    rc = np_error_set(err, NP_ENOMEM, "send block");
  while (!rc) {
    size_t got = 0;
    rc = body(ctx, block, c->o.blocksize, &got);
    if (rc) {
      np_error_set(err, rc, "body callback failed");
      break;
    }
    if (got == 0) {
      rc = chunked ? np_http_conn_end_chunks(c, err) : NP_OK;
      break;
    }
    rc = chunked ? np_http_conn_send_chunk(c, block, got, err)
                 : np_http_conn_send(c, block, got, err);
  }
  np_free(block);
  return rc && rc != NP_EHTTP_CANNOT_SEND_REQUEST ? request_failed(c, rc) : rc;
}

/* Drop a 1xx response's head from the buffer, keeping what follows. */
static void drop_head(np_http_conn *c, size_t head_len) {
  memmove(c->rbuf.data, c->rbuf.data + head_len, c->rbuf.len - head_len);
  c->rbuf.len -= head_len;
  c->rbuf.data[c->rbuf.len] = '\0';
}

static void trace_head(np_http_conn *c, const np_http_parser *p) {
  if (!c->o.trace)
    return;
  fprintf(c->o.trace, "reply: 'HTTP/1.%d %d %.*s\\r\\n'\n", p->version_minor,
          p->status, NP_SLICE_ARG(p->reason));
  for (size_t i = 0; i < p->nheaders; i++)
    fprintf(c->o.trace, "header: %.*s: %.*s\n",
            NP_SLICE_ARG(p->headers[i].name),
            NP_SLICE_ARG(p->headers[i].value));
}

/* Reading more of an incomplete head failed with rc (e says why): the
 * peer closed, or reset, or the read failed otherwise. */
static int head_cut(np_http_conn *c, int rc, const np_error *e,
                    np_error *err) {
  if (rc == NP_ESYS && c->rbuf.len == 0 && e->sys_errno == ECONNRESET) {
    /* A kept connection the server dropped: the request met a reset
     * instead of the end of stream, same meaning. */
    np_error_set(err, NP_EHTTP_REMOTE_DISCONNECTED,
                 "Remote end reset connection without response");
    if (err)
      err->sys_errno = ECONNRESET;
    return NP_EHTTP_REMOTE_DISCONNECTED;
  }
  if (rc != NP_EOF) {
    if (err) {
      np_error_clear(err);
      *err = *e; /* no payload: a plain copy */
    }
    return rc;
  }
  if (c->rbuf.len == 0)
    return np_error_set(err, NP_EHTTP_REMOTE_DISCONNECTED,
                        "Remote end closed connection without response");
  if (!memchr(c->rbuf.data, '\n', c->rbuf.len))
    return np_error_set(err, NP_EHTTP_BAD_STATUS_LINE,
                        "BadStatusLine: %.*s",
                        (int)(c->rbuf.len > 60 ? 60 : c->rbuf.len),
                        c->rbuf.data);
  return np_error_set(err, NP_EHTTP_INCOMPLETE_READ,
                      "connection closed inside the response head");
}

/* Read one head into c->resp.p; NP_OK for a final (non-1xx) response. */
static int read_head(np_http_conn *c, np_error *err) {
  np_http_parser *p = &c->resp.p;
  for (int informational = 0;;) {
    np_http_parser_reset(p);
    p->response_to_head = c->head_request;
    int rc;
    while ((rc = np_http_parse_head(p, c->rbuf.data, c->rbuf.len, NULL,
                                    err)) == NP_EAGAIN) {
      np_error e = NP_ERROR_INIT;
      if ((rc = np__http_conn_fill(c, &e)) != NP_OK)
        return head_cut(c, rc, &e, err);
    }
    if (rc)
      return rc;
    trace_head(c, p);
    if (p->status >= 200 || p->status == 101)
      return NP_OK;
    if (++informational > c->o.max_informational)
      return np_error_set(err, NP_EHTTP_TOO_MANY_INFORMATIONAL,
                          "more than %d informational responses",
                          c->o.max_informational);
    drop_head(c, p->head_len);
  }
}

int np_http_conn_getresponse(np_http_conn *c, np_http_resp **out,
                             np_error *err) {
  if (c->resp_active && !c->resp.open)
    c->resp_active = 0;
  if (c->state != CS_REQ_SENT || c->resp_active)
    return np_error_set(err, NP_EHTTP_RESPONSE_NOT_READY,
                        "ResponseNotReady: %s",
                        c->resp_active ? "previous response not closed"
                                       : "no request sent");
  if (!c->connected)
    return np_error_set(err, NP_EHTTP_REMOTE_DISCONNECTED,
                        "connection is closed");
  /* Bytes after the previous response (none, normally) come first. */
  if (c->rpos) {
    drop_head(c, c->rpos);
    c->rpos = 0;
  }
  if (!c->resp.p.headers)
    np_http_parser_init(&c->resp.p, NP_HTTP_RESPONSE);
  np_http_parser_set_limits(&c->resp.p, &c->o.limits);
  int rc = read_head(c, err);
  c->state = CS_IDLE;
  if (rc) {
    np_http_conn_close(c);
    return rc;
  }
  c->resp.conn = c;
  c->resp_active = 1;
  np__http_resp_start(c);
  *out = &c->resp;
  return NP_OK;
}
