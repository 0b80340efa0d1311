/*
 * netproto/http_server.h - an HTTP/1.1 server: a request handler in the
 * shape of BaseHTTPRequestHandler and a static file handler in the shape of
 * SimpleHTTPRequestHandler, on an event-driven engine (epoll, one loop per
 * worker thread) that keeps connections alive, bounds every wait and every
 * buffer, and sends files with sendfile.
 *
 * Python counterpart: http.server (HTTPServer, ThreadingHTTPServer,
 * BaseHTTPRequestHandler, SimpleHTTPRequestHandler) and
 * `python -m http.server`.
 *
 * Shape: the caller fills np_httpd_options (np_httpd_options_init gives the
 * defaults) and an np_httpd_handler with do_GET, do_HEAD... callbacks, then
 * np_httpd_new() binds, np_httpd_serve() runs until np_httpd_stop().
 *
 * Handlers run in a worker's loop thread and must not block: they answer
 * with np_httpd_send_response / send_header / end_headers / write /
 * send_file, which buffer the response; the engine sends it when the
 * handler returns.  The request body (Content-Length or chunked, decoded,
 * up to max_body) has been read before the handler runs.  With several
 * workers, handlers run concurrently on different connections.
 *
 * Ownership: np_httpd_req and every slice it hands out are valid only
 * during the handler's call.  np_httpd_send_file takes the descriptor.
 */
#ifndef NETPROTO_HTTP_SERVER_H
#define NETPROTO_HTTP_SERVER_H

#include "netproto/core.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct np_httpd np_httpd;
typedef struct np_httpd_req np_httpd_req;

/* One callback per method, as BaseHTTPRequestHandler's do_<METHOD>.  A
 * negative return sends 500 unless a response was begun; then the
 * connection is closed. */
typedef int (*np_httpd_fn)(np_httpd_req *req, void *ctx);

typedef struct np_httpd_handler {
  np_httpd_fn do_GET, do_HEAD, do_POST, do_PUT, do_DELETE, do_OPTIONS,
      do_PATCH;
  np_httpd_fn do_other; /* any other method; NULL: 501 as in Python */
  void *ctx;
} np_httpd_handler;

/* Defaults (np_httpd_options_init). */
#define NP_HTTPD_MAX_LINE 65536        /* request line / header line (414/431) */
#define NP_HTTPD_MAX_HEADERS 100       /* http.client._MAXHEADERS (431) */
#define NP_HTTPD_MAX_BODY (1u << 20)   /* buffered request body (413) */
#define NP_HTTPD_MAX_CONNECTIONS 16384

typedef struct np_httpd_options {
  const char *host;        /* NULL/"" for every address */
  int port;                /* 0: pick a free one (np_httpd_port) */
  int threads;             /* event-loop workers (1) */
  int backlog;             /* listen() queue (511) */
  bool reuse_address;      /* SO_REUSEADDR (true, as HTTPServer) */
  const char *protocol_version; /* "HTTP/1.0" (Python's default) or "HTTP/1.1" */
  const char *server_version;   /* Server header ("netproto/VERSION") */
  size_t max_line;         /* NP_HTTPD_MAX_LINE */
  size_t max_headers;      /* NP_HTTPD_MAX_HEADERS */
  size_t max_body;         /* NP_HTTPD_MAX_BODY */
  size_t max_response;     /* bytes one response may buffer (64 MiB) */
  int max_connections;     /* open connections, all workers (16384) */
  int head_timeout_ms;     /* to receive a whole request head (10 s) */
  int body_timeout_ms;     /* to receive the body (30 s) */
  int idle_timeout_ms;     /* keep-alive wait for the next request (15 s) */
  int write_timeout_ms;    /* a response that makes no progress (30 s) */
  int shutdown_grace_ms;   /* np_httpd_stop waits this for requests (10 s) */
  FILE *log;               /* log_message's stream (stderr in Python); NULL: none */
} np_httpd_options;

/* The defaults noted beside each field above. */
NP_API void np_httpd_options_init(np_httpd_options *o);

/*
 * Create the server and bind its socket(s).  Copies opts and handler (and
 * the strings they point to).  Errors: NP_EINVAL, NP_ENOMEM, NP_ESYS,
 * NP_ENOTFOUND.  Release with np_httpd_free().
 */
NP_API int np_httpd_new(const np_httpd_options *opts,
                        const np_httpd_handler *handler, np_httpd **out,
                        np_error *err);
/* Serve until np_httpd_stop(); runs the workers (the caller's thread is
 * one of them).  NP_OK after a stop; NP_ESTATE when called a second time
 * (make a new server instead). */
NP_API int np_httpd_serve(np_httpd *h, np_error *err);
/*
 * Stop: close the listening sockets, close idle keep-alive connections,
 * let requests in flight finish (at most shutdown_grace_ms), then make
 * np_httpd_serve return.  Async-signal-safe: call it from a SIGINT or
 * SIGTERM handler, or from any thread.
 */
NP_API void np_httpd_stop(np_httpd *h);
/* Release the server (after np_httpd_serve returned).  NULL is fine. */
NP_API void np_httpd_free(np_httpd *h);
/* The bound port; the numeric bound host into host (cap >= 64). */
NP_API int np_httpd_port(const np_httpd *h);
NP_API int np_httpd_address(const np_httpd *h, char *host, size_t cap,
                            int *port);
/* Requests answered so far (all workers). */
NP_API unsigned long np_httpd_requests(const np_httpd *h);

/* ---- the request (read-only, valid during the handler) ---- */

NP_API np_slice np_httpd_command(const np_httpd_req *r);  /* "GET" */
NP_API np_slice np_httpd_path(const np_httpd_req *r);     /* "/a?b" */
NP_API np_slice np_httpd_request_version(const np_httpd_req *r); /* "HTTP/1.1" */
NP_API np_slice np_httpd_requestline(const np_httpd_req *r);
/* The first header of that name (case-insensitive), absent if none. */
NP_API np_slice np_httpd_header(const np_httpd_req *r, const char *name);
/* Header i (0-based) of np_httpd_header_count(); false past the end. */
NP_API size_t np_httpd_header_count(const np_httpd_req *r);
NP_API bool np_httpd_header_at(const np_httpd_req *r, size_t i,
                               np_slice *name, np_slice *value);
NP_API np_slice np_httpd_body(const np_httpd_req *r);
/* client_address: numeric host (borrowed) and port. */
NP_API const char *np_httpd_client_host(const np_httpd_req *r);
NP_API int np_httpd_client_port(const np_httpd_req *r);
/* The server this request came to. */
NP_API np_httpd *np_httpd_req_server(const np_httpd_req *r);
/* close_connection: read it, or set it to close after this response. */
NP_API bool np_httpd_close_connection(const np_httpd_req *r);
NP_API void np_httpd_set_close_connection(np_httpd_req *r, bool close);

/* ---- the response (BaseHTTPRequestHandler's send_* and wfile) ---- */

/*
 * send_response: log the request, then the status line, Server and Date.
 * message NULL takes the standard reason phrase.  Errors: NP_EINVAL (code
 * outside 100..999, CR/LF in message), NP_ETOOLARGE (max_response).
 */
NP_API int np_httpd_send_response(np_httpd_req *r, int code,
                                  const char *message);
/* send_response_only: the status line alone. */
NP_API int np_httpd_send_response_only(np_httpd_req *r, int code,
                                       const char *message);
/* send_header.  NP_EINVAL when the name is not a token or either part
 * holds CR, LF or NUL (response splitting).  "Connection: close" and
 * "keep-alive" set close_connection as in Python.  The connection is kept
 * after a response only when its end is known: Content-Length, no body
 * (HEAD, 1xx, 204, 304), or "Transfer-Encoding: ...chunked" to an
 * HTTP/1.1 request on an HTTP/1.1 server (the handler writes the chunk
 * framing itself); otherwise it closes after the body. */
NP_API int np_httpd_send_header(np_httpd_req *r, const char *name,
                                const char *value);
NP_API int np_httpd_send_header_n(np_httpd_req *r, const char *name,
                                  size_t name_len, const char *value,
                                  size_t value_len);
/* end_headers. */
NP_API int np_httpd_end_headers(np_httpd_req *r);
/* wfile.write: body bytes, buffered until the handler returns. */
NP_API int np_httpd_write(np_httpd_req *r, const void *data, size_t len);
/* After the head: send len bytes of fd from offset with sendfile.  Takes
 * fd (closed when sent or on failure).  One file per response, last. */
NP_API int np_httpd_send_file(np_httpd_req *r, int fd, uint64_t offset,
                              uint64_t len);
/*
 * A body the server pulls, for responses made as they are sent (the
 * gateway's generators): after the head and anything written before, the
 * engine calls fn whenever the connection can take more.  fn appends up to
 * `room` bytes to out and returns NP_OK, setting *done at the last piece;
 * an empty piece that is not the last yields to other connections.  A
 * negative return aborts the response (the connection is closed).  The
 * handler sets Content-Length or sends chunks (see np_httpd_send_header),
 * or the connection closes after the body.
 * free_fn (may be NULL) gets ctx once, when the body ends, fails, or the
 * connection goes.  Runs in the loop thread; must not block.  One stream
 * per response, last; not with np_httpd_send_file.  If this call fails,
 * free_fn has already been called.
 */
typedef int (*np_httpd_pull_fn)(void *ctx, np_buf *out, size_t room,
                                bool *done);
NP_API int np_httpd_send_stream(np_httpd_req *r, np_httpd_pull_fn fn,
                                void *ctx, void (*free_fn)(void *ctx));
/*
 * send_error: status, "Connection: close", and (except for HEAD, 1xx, 204,
 * 205, 304) Python's HTML error page with message and explain escaped.
 * NULL message/explain take the standard ones.
 */
NP_API int np_httpd_send_error(np_httpd_req *r, int code,
                               const char *message, const char *explain);
/* log_message: "host - - [date] message" to the log stream, with control
 * characters escaped as \xNN (no effect without a log stream). */
NP_API void np_httpd_log_message(np_httpd_req *r, const char *fmt, ...)
    NP_PRINTF(2, 3);

/* The standard reason phrase and explanation of a status ("" if unknown). */
NP_API const char *np_httpd_reason(int code);
NP_API const char *np_httpd_explain(int code);

/* ---- SimpleHTTPRequestHandler ---- */

typedef struct np_httpd_static np_httpd_static;

typedef struct np_httpd_static_options {
  const char *directory;   /* what is served ("." when NULL) */
  bool follow_symlinks_out; /* serve symlinks that point outside (false) */
  bool list_directories;   /* directory listing when no index (true) */
  bool etags;              /* ETag / If-None-Match (true) */
  bool ranges;             /* Range / 206 / 416 (true) */
  bool system_mime_types;  /* also read /etc/mime.types and the other files
                              Python's mimetypes reads (true) */
} np_httpd_static_options;

/* The defaults noted beside each field above. */
NP_API void np_httpd_static_options_init(np_httpd_static_options *o);
/* Open the directory; NP_ESYS if it cannot be opened. */
NP_API int np_httpd_static_new(const np_httpd_static_options *o,
                               np_httpd_static **out, np_error *err);
NP_API void np_httpd_static_free(np_httpd_static *st);
/* extensions_map: map ".ext" (case-sensitive first, then lower-case, as
 * mimetypes) to a type.  Precedence: these, then the handler's own map
 * (.gz .Z .bz2 .xz), then the system's mime.types files, then Python's
 * built-in table.  Strings are copied. */
NP_API int np_httpd_static_add_type(np_httpd_static *st, const char *ext,
                                    const char *type);
/* guess_type for a path ("application/octet-stream" if unknown). */
NP_API const char *np_httpd_static_guess_type(const np_httpd_static *st,
                                              const char *path, size_t len);
/* A handler with do_GET and do_HEAD serving st (ctx = st). */
NP_API np_httpd_handler np_httpd_static_handler(np_httpd_static *st);
/* do_GET / do_HEAD themselves, for a caller's own dispatch (ctx = st). */
NP_API int np_httpd_static_get(np_httpd_req *r, void *st);
NP_API int np_httpd_static_head(np_httpd_req *r, void *st);

#ifdef __cplusplus
}
#endif
#endif /* NETPROTO_HTTP_SERVER_H */
