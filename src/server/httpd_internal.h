/*
 * Internals of the HTTP server (not installed): the engine's workers and
 * connections, and the request object handlers see.
 */
#ifndef NP_HTTPD_INTERNAL_H
#define NP_HTTPD_INTERNAL_H

#include "core/loop.h"
#include "core/net.h"
#include "netproto/http.h"
#include "netproto/http_server.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>

typedef struct np__hworker np__hworker;

enum { NP__HC_READ = 0, NP__HC_WRITE = 1 };

/* One connection.  Kept small: an idle keep-alive connection owns no
 * buffer, only this struct (input is read into the worker's scratch
 * buffer and copied here only when a partial request is left over). */
/* A body the handler makes as it is sent (np_httpd_send_stream). */
typedef struct np__pull {
  np_httpd_pull_fn fn; /* NULL: no stream */
  void *ctx;
  void (*free_fn)(void *ctx);
} np__pull;

/* Forget the stream, giving its ctx to free_fn first. */
void np__pull_end(np__pull *p);

typedef struct np__hconn {
  struct np__hconn *prev, *next;
  np__hworker *w;
  int fd;
  uint8_t mode;        /* NP__HC_READ or NP__HC_WRITE */
  uint8_t close_after; /* close once the pending output is sent */
  uint8_t inflight;    /* part of a request has arrived */
  uint8_t expect_sent; /* 100 Continue already sent for this request */
  int64_t deadline;    /* monotonic ms; 0: none */
  np_buf in;           /* left-over input (lazily allocated) */
  np_buf out;          /* output the socket did not take yet */
  size_t out_pos;
  int file_fd;         /* file being sent, -1 if none */
  uint64_t file_off, file_left;
  np__pull pull;       /* body pulled from the handler (fn NULL if none) */
  union {
    struct sockaddr sa;
    struct sockaddr_in in4;
    struct sockaddr_in6 in6;
  } peer;
} np__hconn;

struct np__hworker {
  np_httpd *h;
  np__loop *loop;
  int lfd;             /* this worker's listening socket (SO_REUSEPORT) */
  int accepting;       /* lfd is watched */
  pthread_t tid;
  np__hconn *conns;    /* every open connection */
  int nconns, max_conns;
  np_buf scratch;      /* input: recv target when a connection has none */
  np_buf wout;         /* output: responses assembled here, then sent */
  np_buf body;         /* a decoded chunked request body */
  np_http_parser parser; /* the HTTP engine's, reset for every request */
  int parser_ready;
  char date[40];       /* Date header of the current second */
  int64_t date_sec;
  int draining;
  int64_t drain_deadline;
  np_error err;
};

struct np_httpd {
  np_httpd_options o;
  char *host, *proto, *server_version;
  np_httpd_handler h;
  int http11;          /* protocol_version >= HTTP/1.1 */
  int nworkers;
  np__hworker *workers;
  np__addr addr;
  atomic_int stopping;
  atomic_ulong requests;
  int served;          /* np_httpd_serve ran (it runs once) */
};

struct np_httpd_req {
  np_httpd *h;
  np__hworker *w;
  np__hconn *c;
  np_slice command, path, version, requestline, body;
  const np_http_header *hdrs; /* the parser's header array */
  size_t nhdrs;
  int vmajor, vminor;
  bool http09;
  bool close_connection;
  bool responded, headers_ended, saw_length, saw_conn_close;
  bool saw_chunked;     /* the response says Transfer-Encoding: chunked */
  bool expect_continue;
  bool chunked;        /* the body comes in the chunked coding */
  int status;
  size_t resp_start;   /* where this response begins in w->wout */
  uint64_t content_length;
  int file_fd;
  uint64_t file_off, file_len;
  np__pull pull;       /* np_httpd_send_stream's, moved to the conn */
  char host[64];       /* client host, formatted on demand */
  int port;
  int err_code;        /* parse failure: the status to send */
  const char *err_msg;
  char err_buf[96];
};

/* Read a request head from buf[0..len) with the HTTP engine.  NP_OK:
 * *used bytes form the head; NP_EAGAIN: need more; NP_EOF: an empty
 * request line (close quietly); NP_EINVAL: r->err_code / r->err_msg say
 * what to answer. */
int np__httpd_parse_head(np_httpd_req *r, const char *buf, size_t len,
                         size_t *used);

/*
 * SimpleHTTPRequestHandler.translate_path, made safe: the URL path (query
 * and fragment cut) percent-decoded and resolved like posixpath.normpath
 * under the root, into a relative path in rel ("" for the root, a
 * trailing '/' kept when *trailing).  The result never has an empty, "."
 * or ".." segment, a leading '/', a NUL or a backslash.  NP_ENOTFOUND for
 * a NUL or backslash, NP_ETOOLARGE past rel's limit.
 */
int np__httpd_translate(np_slice path, np_buf *rel, bool *trailing);

/*
 * Decode a chunked body from in[0..len) (the bytes after the head) into
 * out, which is reset first and bounded by max_body.  NP_OK with *used
 * (bytes of in that the body took), NP_EAGAIN for more, NP_EINVAL with
 * r->err_code (400 malformed, 413 too large).  It decodes from the start
 * each time; the body is bounded, so this stays linear enough.
 */
int np__httpd_chunked_body(np_httpd_req *r, const char *in, size_t len,
                           np_buf *out, size_t *used);

/* The Date header value for now (cached per second per worker). */
const char *np__httpd_date(np__hworker *w);

/* Log the request line with code and size, as log_request. */
void np__httpd_log_request(np_httpd_req *r, int code, const char *size);

#endif /* NP_HTTPD_INTERNAL_H */
