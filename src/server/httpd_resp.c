/*
 * HTTP server: what a handler calls - the request's accessors and
 * BaseHTTPRequestHandler's send_response, send_header, end_headers,
 * send_error, wfile.write, log_message.  Everything is appended to the
 * worker's output buffer; the engine (httpd.c) sends it.
 */
#include "server/httpd_internal.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

np_slice np_httpd_command(const np_httpd_req *r) { return r->command; }
np_slice np_httpd_path(const np_httpd_req *r) { return r->path; }
np_slice np_httpd_request_version(const np_httpd_req *r) { return r->version; }
np_slice np_httpd_requestline(const np_httpd_req *r) { return r->requestline; }
np_slice np_httpd_body(const np_httpd_req *r) { return r->body; }
size_t np_httpd_header_count(const np_httpd_req *r) { return r->nhdrs; }
np_httpd *np_httpd_req_server(const np_httpd_req *r) { return r->h; }
bool np_httpd_close_connection(const np_httpd_req *r) {
  return r->close_connection;
}
void np_httpd_set_close_connection(np_httpd_req *r, bool close) {
  r->close_connection = close;
}

np_slice np_httpd_header(const np_httpd_req *r, const char *name) {
  for (size_t i = 0; i < r->nhdrs; i++)
    if (np_slice_ieq_cstr(r->hdrs[i].name, name))
      return r->hdrs[i].value;
  return NP_SLICE_NULL;
}

bool np_httpd_header_at(const np_httpd_req *r, size_t i, np_slice *name,
                        np_slice *value) {
  if (i >= r->nhdrs)
    return false;
  *name = r->hdrs[i].name;
  *value = r->hdrs[i].value;
  return true;
}

/* "a.b.c.d" into out (16 bytes or more).  By hand: glibc's inet_ntop
 * formats IPv4 with sprintf, 1.6% of a gateway request in perf. */
static void np__ipv4_text(const struct in_addr *a, char *out) {
  const unsigned char *b = (const unsigned char *)&a->s_addr;
  char *p = out;
  for (int i = 0; i < 4; i++) {
    unsigned v = b[i];
    if (v >= 100)
      *p++ = (char)('0' + v / 100);
    if (v >= 10)
      *p++ = (char)('0' + v / 10 % 10);
    *p++ = (char)('0' + v % 10);
    *p++ = i < 3 ? '.' : '\0';
  }
}

/* The client's numeric address, formatted on first use per request: what
 * getnameinfo(NI_NUMERICHOST) prints, which is called only for an IPv6
 * address with a scope id (getnameinfo was 3% of a gateway request). */
static void np__req_peer(np_httpd_req *r) {
  if (r->host[0] || !r->c)
    return;
  const struct sockaddr *sa = &r->c->peer.sa;
  const char *ok = NULL;
  if (sa->sa_family == AF_INET) {
    np__ipv4_text(&r->c->peer.in4.sin_addr, r->host);
    ok = r->host;
    r->port = ntohs(r->c->peer.in4.sin_port);
  } else if (sa->sa_family == AF_INET6 && r->c->peer.in6.sin6_scope_id == 0) {
    ok = inet_ntop(AF_INET6, &r->c->peer.in6.sin6_addr, r->host,
                   sizeof r->host);
    r->port = ntohs(r->c->peer.in6.sin6_port);
  } else if (sa->sa_family == AF_INET6) { /* "fe80::1%eth0" */
    char serv[16];
    if (getnameinfo(sa, (socklen_t)sizeof r->c->peer.in6, r->host,
                    sizeof r->host, serv, sizeof serv,
                    NI_NUMERICHOST | NI_NUMERICSERV) == 0)
      ok = r->host;
    r->port = ntohs(r->c->peer.in6.sin6_port);
  }
  if (!ok)
    strcpy(r->host, "?");
}

const char *np_httpd_client_host(const np_httpd_req *r) {
  np__req_peer((np_httpd_req *)r);
  return r->host;
}

int np_httpd_client_port(const np_httpd_req *r) {
  np__req_peer((np_httpd_req *)r);
  return r->port;
}

static const char np__days[7][4] = {"Sun", "Mon", "Tue", "Wed",
                                    "Thu", "Fri", "Sat"};
static const char np__months[12][4] = {"Jan", "Feb", "Mar", "Apr",
                                       "May", "Jun", "Jul", "Aug",
                                       "Sep", "Oct", "Nov", "Dec"};

const char *np__httpd_date(np__hworker *w) {
  time_t now = time(NULL);
  if ((int64_t)now != w->date_sec) {
    struct tm tm;
    gmtime_r(&now, &tm);
    snprintf(w->date, sizeof w->date, "%s, %02d %s %04d %02d:%02d:%02d GMT",
             np__days[tm.tm_wday], tm.tm_mday, np__months[tm.tm_mon],
             tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    w->date_sec = (int64_t)now;
  }
  return w->date;
}

/* Room left for this response under max_response. */
static int np__room(np_httpd_req *r, size_t add) {
  size_t used = r->w->wout.len - r->resp_start;
  if (add > r->h->o.max_response || used > r->h->o.max_response - add)
    return NP_ETOOLARGE;
  return NP_OK;
}

static int np__out(np_httpd_req *r, const void *p, size_t n) {
  int rc = np__room(r, n);
  return rc != NP_OK ? rc : np_buf_append(&r->w->wout, p, n);
}

static bool np__has_crlf(const char *s, size_t n) {
  return np__memchr2(s, n, '\r', '\n') != NULL || memchr(s, '\0', n) != NULL;
}

int np_httpd_send_response_only(np_httpd_req *r, int code,
                                const char *message) {
  if (code < 100 || code > 999)
    return NP_EINVAL;
  if (!message)
    message = np_httpd_reason(code);
  if (np__has_crlf(message, strlen(message)))
    return NP_EINVAL;
  r->responded = true;
  r->status = code;
  if (r->http09)
    return NP_OK; /* a simple response has no status line */
  np_buf *o = &r->w->wout;
  size_t ml = strlen(message);
  int rc = np__room(r, ml + 32);
  if (rc != NP_OK)
    return rc;
  /* "HTTP/1.x NNN message\r\n" without printf: it is on every response */
  char num[5] = {' ', (char)('0' + code / 100), (char)('0' + code / 10 % 10),
                 (char)('0' + code % 10), ' '};
  rc = np_buf_append(o, r->h->proto, 8);
  if (rc == NP_OK)
    rc = np_buf_append(o, num, sizeof num);
  if (rc == NP_OK)
    rc = np_buf_append(o, message, ml);
  return rc == NP_OK ? np_buf_append(o, "\r\n", 2) : rc;
}

int np_httpd_send_response(np_httpd_req *r, int code, const char *message) {
  np__httpd_log_request(r, code, "-");
  int rc = np_httpd_send_response_only(r, code, message);
  if (rc == NP_OK)
    rc = np_httpd_send_header(r, "Server", r->h->server_version);
  if (rc == NP_OK)
    rc = np_httpd_send_header(r, "Date", np__httpd_date(r->w));
  return rc;
}

/* Is chunked the last transfer coding of a Transfer-Encoding value?
 * Then the body's end is in the body itself (RFC 9112 6.3). */
static bool np__ends_chunked(np_slice v) {
  while (v.len && (v.ptr[v.len - 1] == ' ' || v.ptr[v.len - 1] == '\t'))
    v.len--;
  if (v.len < 7 || !np_slice_ieq_cstr(np_slice_from(v.ptr + v.len - 7, 7),
                                      "chunked"))
    return false;
  if (v.len == 7)
    return true;
  char before = v.ptr[v.len - 8];
  return before == ' ' || before == '\t' || before == ',';
}

int np_httpd_send_header_n(np_httpd_req *r, const char *name,
                           size_t name_len, const char *value,
                           size_t value_len) {
  if (name_len == 0 || np__has_crlf(value, value_len))
    return NP_EINVAL;
  for (size_t i = 0; i < name_len; i++)
    if (!np__is((unsigned char)name[i], NP_CC_TCHAR))
      return NP_EINVAL;
  np_slice n = np_slice_from(name, name_len), v = np_slice_from(value, value_len);
  if (np_slice_ieq_cstr(n, "Connection")) {
    if (np_slice_ieq_cstr(v, "close")) {
      r->close_connection = true;
      r->saw_conn_close = true;
    } else if (np_slice_ieq_cstr(v, "keep-alive")) {
      r->close_connection = false;
    }
  } else if (np_slice_ieq_cstr(n, "Content-Length")) {
    r->saw_length = true;
  } else if (np_slice_ieq_cstr(n, "Transfer-Encoding")) {
    r->saw_chunked = np__ends_chunked(v);
  }
  if (r->http09)
    return NP_OK;
  int rc = np__room(r, name_len + value_len + 4);
  if (rc != NP_OK)
    return rc;
  np_buf *o = &r->w->wout;
  np_buf_append(o, name, name_len);
  np_buf_append(o, ": ", 2);
  np_buf_append(o, value, value_len);
  return np_buf_append(o, "\r\n", 2);
}

int np_httpd_send_header(np_httpd_req *r, const char *name,
                         const char *value) {
  return np_httpd_send_header_n(r, name, strlen(name), value, strlen(value));
}

int np_httpd_end_headers(np_httpd_req *r) {
  if (r->headers_ended)
    return NP_OK;
  /* A server that is stopping says so, so the client does not reuse the
   * connection for a request that would find it closed. */
  if (atomic_load(&r->h->stopping) && !r->saw_conn_close) {
    int rc = np_httpd_send_header(r, "Connection", "close");
    if (rc != NP_OK)
      return rc;
  }
  r->headers_ended = true;
  return r->http09 ? NP_OK : np__out(r, "\r\n", 2);
}

int np_httpd_write(np_httpd_req *r, const void *data, size_t len) {
  if (r->file_fd >= 0 || r->pull.fn)
    return NP_ESTATE; /* a file or stream is the last part of a response */
  return np__out(r, data, len);
}

int np_httpd_send_stream(np_httpd_req *r, np_httpd_pull_fn fn, void *ctx,
                         void (*free_fn)(void *ctx)) {
  if (!fn || r->file_fd >= 0 || r->pull.fn) {
    if (free_fn)
      free_fn(ctx);
    return fn ? NP_ESTATE : NP_EINVAL;
  }
  r->pull = (np__pull){fn, ctx, free_fn};
  return NP_OK;
}

int np_httpd_send_file(np_httpd_req *r, int fd, uint64_t offset,
                       uint64_t len) {
  if (r->file_fd >= 0 || r->pull.fn || fd < 0) {
    if (fd >= 0)
      close(fd);
    return fd < 0 ? NP_EINVAL : NP_ESTATE;
  }
  r->file_fd = fd;
  r->file_off = offset;
  r->file_len = len;
  return NP_OK;
}

/* html.escape(s, quote=False): & < > only. */
static int np__html_escape(np_buf *o, const char *s) {
  int rc = NP_OK;
  for (; *s && rc == NP_OK; s++) {
    switch (*s) {
    case '&': rc = np_buf_append_cstr(o, "&amp;"); break;
    case '<': rc = np_buf_append_cstr(o, "&lt;"); break;
    case '>': rc = np_buf_append_cstr(o, "&gt;"); break;
    default: rc = np_buf_putc(o, *s);
    }
  }
  return rc;
}

static int np__error_page(np_buf *b, int code, const char *message,
                          const char *explain) {
  np_buf_printf(b, "<!DOCTYPE HTML>\n<html lang=\"en\">\n    <head>\n"
                   "        <meta charset=\"utf-8\">\n"
                   "        <title>Error response</title>\n    </head>\n"
                   "    <body>\n        <h1>Error response</h1>\n"
                   "        <p>Error code: %d</p>\n        <p>Message: ",
                code);
  np__html_escape(b, message);
  np_buf_printf(b, ".</p>\n        <p>Error code explanation: %d - ", code);
  np__html_escape(b, explain);
  return np_buf_append_cstr(b, ".</p>\n    </body>\n</html>\n");
}

int np_httpd_send_error(np_httpd_req *r, int code, const char *message,
                        const char *explain) {
  if (!message)
    message = np_httpd_reason(code);
  if (!explain)
    explain = np_httpd_explain(code);
  np_httpd_log_message(r, "code %d, message %s", code, message);
  /* The status line may not carry CR/LF; the escaped page still shows it. */
  int rc = np_httpd_send_response(
      r, code, np__has_crlf(message, strlen(message)) ? NULL : message);
  if (rc == NP_OK)
    rc = np_httpd_send_header(r, "Connection", "close");
  if (rc != NP_OK)
    return rc;
  np_buf body;
  np_buf_init(&body, r->h->o.max_response);
  if (code >= 200 && code != 204 && code != 205 && code != 304) {
    rc = np__error_page(&body, code, message, explain);
    char len[24];
    snprintf(len, sizeof len, "%zu", body.len);
    if (rc == NP_OK)
      rc = np_httpd_send_header(r, "Content-Type", "text/html;charset=utf-8");
    if (rc == NP_OK)
      rc = np_httpd_send_header(r, "Content-Length", len);
  }
  if (rc == NP_OK)
    rc = np_httpd_end_headers(r);
  if (rc == NP_OK && body.len && !np_slice_ieq_cstr(r->command, "HEAD"))
    rc = np_httpd_write(r, body.data, body.len);
  np_buf_free(&body);
  return rc;
}

/* log_message: "%s - - [%s] %s\n", control characters as \xNN. */
static void np__vlog(np_httpd_req *r, const char *fmt, va_list ap) {
  FILE *f = r->h->o.log;
  if (!f)
    return;
  char msg[2048], clean[2048 * 4 + 1];
  vsnprintf(msg, sizeof msg, fmt, ap);
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
    if (*p < 0x20 || *p == 0x7f)
      n += (size_t)snprintf(clean + n, sizeof clean - n, "\\x%02x", *p);
    else
      clean[n++] = (char)*p;
  }
  clean[n] = '\0';
  time_t now = time(NULL);
  struct tm tm;
  localtime_r(&now, &tm);
  fprintf(f, "%s - - [%02d/%s/%04d %02d:%02d:%02d] %s\n",
          np_httpd_client_host(r), tm.tm_mday, np__months[tm.tm_mon],
          tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, clean);
}

void np_httpd_log_message(np_httpd_req *r, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  np__vlog(r, fmt, ap);
  va_end(ap);
}

void np__httpd_log_request(np_httpd_req *r, int code, const char *size) {
  if (r->h->o.log)
    np_httpd_log_message(r, "\"%.*s\" %d %s", NP_SLICE_ARG(r->requestline),
                         code, size);
}
