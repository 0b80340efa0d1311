/*
 * netproto/gateway.h - the gateway between HTTP servers and web
 * applications written in C, in the shape of PEP 3333 (WSGI).
 *
 * Python counterpart: wsgiref (util, headers, handlers, validate,
 * simple_server, types).
 *
 * Shape: an application is a function plus context (np_gw_app).  It is
 * called with an environ (CGI variables, wsgi.* keys, the input and errors
 * streams), a start_response object and an empty body to fill:
 *
 *   static int hello(void *ctx, np_gw_environ *env, np_gw_start *sr,
 *                    np_gw_body *body) {
 *     static const np_gw_header h[] = {{"Content-Type", "text/plain"}};
 *     int rc = np_gw_start_response(sr, "200 OK", h, 1, NULL);
 *     if (rc < 0) return rc;
 *     return np_gw_body_bytes(body, "Hello world!\n", 13);
 *   }
 *
 * A negative return is Python's exception: the server answers 500 (when
 * nothing was sent yet) and logs the reason to wsgi.errors.  The body
 * yields chunks: buffers, a file (np_gw_file_wrapper: sent with sendfile by
 * servers that can) or whatever a pull function (a generator) returns.
 * The server always calls np_gw_body_close() once, even when the
 * application or the transfer failed.
 *
 * Middleware wraps an application: it may hand the inner application its
 * own np_gw_start (to see or change the status and headers) and wrap the
 * body the inner application filled.  The validator (np_gw_validator) is
 * such a middleware.
 *
 * Ownership: an environ owns copies of every name and string value set in
 * it; pointer values (np_gw_environ_set_ptr) stay the caller's.  Slices
 * returned by getters are valid until that key is set or deleted again or
 * the environ is freed.  Bytes of a body chunk must stay valid until the
 * next np_gw_body_next() or np_gw_body_close() call on that body.
 *
 * Threads: none of these objects is shared between threads; an environ and
 * its streams belong to one request.
 */
#ifndef NETPROTO_GATEWAY_H
#define NETPROTO_GATEWAY_H

#include "netproto/core.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- limits ---- */
#define NP_GW_MAX_KEYS 1024         /* entries in one environ */
#define NP_GW_MAX_ENVIRON_BYTES (1u << 20) /* names + values of one environ */
#define NP_GW_MAX_HEADERS 256       /* fields in one np_gw_headers */
#define NP_GW_MAX_LINE 65536        /* np_gw_input_readline default */
#define NP_GW_INPUT_BUF 16384       /* a descriptor input's read-ahead */

/* ---- the environ ---- */

typedef struct np_gw_environ np_gw_environ;
typedef struct np_gw_headers np_gw_headers;
typedef struct np_gw_input np_gw_input;
typedef struct np_gw_errors np_gw_errors;

/* A new, empty environ (no keys, no streams, flags false, url_scheme
 * unset).  NP_ENOMEM.  Release with np_gw_environ_free(). */
NP_API int np_gw_environ_new(np_gw_environ **out);
/* Release the environ and its copies (not the streams, not pointer
 * values).  NULL is fine. */
NP_API void np_gw_environ_free(np_gw_environ *e);
/* Forget every key and stream, keep the memory (a server reuses one
 * environ per connection). */
NP_API void np_gw_environ_reset(np_gw_environ *e);

/*
 * environ[name] = value (bytes, copied).  A later set replaces the value.
 * Errors: NP_EINVAL (empty name, NUL in name), NP_ETOOLARGE (more than
 * NP_GW_MAX_KEYS keys or NP_GW_MAX_ENVIRON_BYTES bytes), NP_ENOMEM.
 */
NP_API int np_gw_environ_set(np_gw_environ *e, const char *name,
                             const char *value, size_t len);
NP_API int np_gw_environ_set_cstr(np_gw_environ *e, const char *name,
                                  const char *value);
/* environ.setdefault(name, value): sets only when name is absent. */
NP_API int np_gw_environ_setdefault(np_gw_environ *e, const char *name,
                                    const char *value);
/* environ.get(name): the string value, or an absent slice when the key
 * is missing or holds a pointer. */
NP_API np_slice np_gw_environ_get(const np_gw_environ *e, const char *name);
/* name in environ (string or pointer key). */
NP_API bool np_gw_environ_has(const np_gw_environ *e, const char *name);
/* del environ[name]; NP_ENOTFOUND if absent. */
NP_API int np_gw_environ_del(np_gw_environ *e, const char *name);
/*
 * A server's or middleware's own key with a pointer value ("myapp.db"),
 * the way Python environs carry objects.  The pointer is not owned.
 */
NP_API int np_gw_environ_set_ptr(np_gw_environ *e, const char *name,
                                 void *value);
NP_API void *np_gw_environ_get_ptr(const np_gw_environ *e, const char *name);
/* Iteration in insertion order: entry i of np_gw_environ_count(); a
 * pointer entry has *value absent.  false past the end. */
NP_API size_t np_gw_environ_count(const np_gw_environ *e);
NP_API bool np_gw_environ_at(const np_gw_environ *e, size_t i,
                             np_slice *name, np_slice *value);

/*
 * The wsgi.* keys.  wsgi.version is always (1, 0).  wsgi.url_scheme is an
 * ordinary string key ("wsgi.url_scheme").  wsgi.input and wsgi.errors are
 * borrowed streams; multithread, multiprocess and run_once are flags.
 */
NP_API np_gw_input *np_gw_environ_input(const np_gw_environ *e);
NP_API void np_gw_environ_set_input(np_gw_environ *e, np_gw_input *in);
NP_API np_gw_errors *np_gw_environ_errors(const np_gw_environ *e);
NP_API void np_gw_environ_set_errors(np_gw_environ *e, np_gw_errors *err);
enum {
  NP_GW_MULTITHREAD = 1 << 0,
  NP_GW_MULTIPROCESS = 1 << 1,
  NP_GW_RUN_ONCE = 1 << 2,
};
NP_API unsigned np_gw_environ_flags(const np_gw_environ *e);
NP_API void np_gw_environ_set_flags(np_gw_environ *e, unsigned flags);
/* PEP 3333's wsgi.version. */
#define NP_GW_VERSION_MAJOR 1
#define NP_GW_VERSION_MINOR 0

/* ---- wsgi.input ---- */

/*
 * The input stream: read, readline, readlines and iteration of PEP 3333
 * are np_gw_input_read / _readline / _read_all over this interface.  The
 * read function returns NP_OK with *got bytes (0 only at the end of the
 * body) or a negative status.  Implementations never read past the body.
 */
struct np_gw_input {
  int (*read)(np_gw_input *in, char *buf, size_t cap, size_t *got);
  void *ctx; /* the implementation's */
  /* private state of the implementations below */
  const char *mem;
  size_t mem_len, mem_pos;
  int fd;
  uint64_t remaining;   /* Content-Length bytes still to read */
  int framing;          /* 0 length, 1 chunked */
  int done;
  char *pre;            /* read-ahead buffer (NP_GW_INPUT_BUF bytes) */
  size_t pre_len, pre_pos;
  void *chunked;        /* np_http_chunked state when framing is chunked */
  int (*on_first_read)(void *ctx); /* sends 100 Continue */
  void *on_first_read_ctx;
  int status;           /* sticky error */
};

/* Up to cap bytes into buf; *got 0 means the body is complete. */
NP_API int np_gw_input_read(np_gw_input *in, char *buf, size_t cap,
                            size_t *got);
/* Append one line (with its "\n") to line; at most max bytes (0: the
 * default NP_GW_MAX_LINE), the rest of a longer line comes next call, as
 * readline(size) does.  Appends nothing at the end of the body. */
NP_API int np_gw_input_readline(np_gw_input *in, np_buf *line, size_t max);
/* Append the whole remaining body to out (bounded by out->max). */
NP_API int np_gw_input_read_all(np_gw_input *in, np_buf *out);

/* An input over memory the caller keeps (BytesIO). */
NP_API void np_gw_input_memory(np_gw_input *in, const char *data, size_t len);
/*
 * An input over a descriptor: `pre` holds body bytes already read with the
 * head (copied; at most NP_GW_INPUT_BUF), then fd is read.  content_length
 * bytes in total, or with chunked the chunked coding is decoded (its
 * framing removed; the application never sees it).  on_first_read, when
 * not NULL, runs once before the first read that needs the descriptor
 * (servers send "100 Continue" there).  A Content-Length body is never
 * read past: the descriptor is asked for no more than is left.  A chunked
 * body's end is only known once read, so bytes after it that arrived in
 * the same read stay in pre[pre_pos..pre_len) for the server (the next
 * pipelined request); the application never sees them.
 * Release with np_gw_input_close(), also after a failure.  NP_ENOMEM,
 * NP_ETOOLARGE.
 */
NP_API int np_gw_input_fd(np_gw_input *in, int fd, const char *pre,
                          size_t pre_len, uint64_t content_length,
                          bool chunked, int (*on_first_read)(void *ctx),
                          void *ctx);
/* Release what np_gw_input_fd allocated; safe on any input. */
NP_API void np_gw_input_close(np_gw_input *in);

/* ---- wsgi.errors ---- */

struct np_gw_errors {
  /* Write n bytes; the library ignores failures (errors is a log). */
  void (*write)(np_gw_errors *e, const char *data, size_t n);
  void *ctx;
  FILE *file; /* np_gw_errors_file */
  np_buf *buf; /* np_gw_errors_buf */
};
/* Errors to a stdio stream (flushed after each write), or into a buffer
 * (StringIO; appends past its max are dropped). */
NP_API void np_gw_errors_file(np_gw_errors *e, FILE *f);
NP_API void np_gw_errors_buf(np_gw_errors *e, np_buf *b);
NP_API void np_gw_errors_write(np_gw_errors *e, const char *data, size_t n);
NP_API void np_gw_errors_printf(np_gw_errors *e, const char *fmt, ...)
    NP_PRINTF(2, 3);

/* ---- start_response and the body ---- */

/* One response header as the application gives it (NUL-terminated). */
typedef struct np_gw_header {
  const char *name;
  const char *value;
} np_gw_header;

/*
 * exc_info: given to a start_response called because the application
 * failed.  PEP 3333: allowed even after an earlier call, as long as no
 * header was sent; after that the call fails with `status` (re-raise).
 */
typedef struct np_gw_exc_info {
  int status;          /* the failure being reported (negative) */
  const char *message; /* its description (may be NULL) */
} np_gw_exc_info;

typedef struct np_gw_start np_gw_start;
/*
 * start_response as an interface so that middleware can put its own in
 * front: `start` takes the status line ("200 OK"), n headers and exc_info
 * (NULL normally); `write` is the legacy write() callable that start
 * returns in Python.
 */
struct np_gw_start {
  int (*start)(np_gw_start *sr, const char *status,
               const np_gw_header *headers, size_t n,
               const np_gw_exc_info *exc_info);
  int (*write)(np_gw_start *sr, const void *data, size_t len);
  void *ctx;
};

/* Call sr->start / sr->write. */
NP_API int np_gw_start_response(np_gw_start *sr, const char *status,
                                const np_gw_header *headers, size_t n,
                                const np_gw_exc_info *exc_info);
NP_API int np_gw_write(np_gw_start *sr, const void *data, size_t len);

/* A body chunk: bytes, or a range of a file. */
typedef enum np_gw_chunk_kind {
  NP_GW_CHUNK_BYTES = 0,
  NP_GW_CHUNK_FILE = 1,
} np_gw_chunk_kind;

typedef struct np_gw_chunk {
  np_gw_chunk_kind kind;
  const char *data;  /* BYTES */
  size_t len;        /* BYTES */
  int fd;            /* FILE: readable, not owned by the chunk */
  uint64_t offset;   /* FILE */
  uint64_t count;    /* FILE: bytes from offset */
} np_gw_chunk;

/* np_gw_body_next's "no more chunks" (StopIteration). */
#define NP_GW_END 1

/* FileWrapper: a file sent in blocks of blksize, or with sendfile. */
typedef struct np_gw_file_wrapper {
  int fd;           /* owned: closed by np_gw_body_close */
  uint64_t offset;  /* where the body starts */
  int64_t length;   /* bytes to send; -1 up to the end of the file */
  size_t blksize;   /* 8192, as Python */
} np_gw_file_wrapper;

typedef struct np_gw_body np_gw_body;
/* A generator: fill *out and return NP_OK, or NP_GW_END, or a negative
 * status (the application failed while producing its body). */
typedef int (*np_gw_pull_fn)(np_gw_body *b, np_gw_chunk *out);
typedef void (*np_gw_close_fn)(np_gw_body *b);

/*
 * The iterable an application returns.  Initialise with np_gw_body_init
 * (the server does), then fill with one of the np_gw_body_* setters.  A
 * body left empty yields nothing.
 */
struct np_gw_body {
  np_gw_pull_fn next;   /* the generator, or one of the built-ins */
  np_gw_close_fn close; /* close(): always called once by the server */
  void *ctx;            /* the application's */
  int64_t length;       /* total bytes when known, else -1 */
  int nchunks;          /* len(iterable) when known, else -1 */
  /* private */
  const np_slice *parts;
  size_t nparts, pos;
  np_slice one;
  np_gw_file_wrapper file;
  uint64_t file_sent;
  int closed;
};

/* Reset b to an empty body, the state the engine hands an application. */
NP_API void np_gw_body_init(np_gw_body *b);
/* One buffer (kept by the caller until close). */
NP_API int np_gw_body_bytes(np_gw_body *b, const void *data, size_t len);
/* n buffers (array and bytes kept by the caller until close). */
NP_API int np_gw_body_buffers(np_gw_body *b, const np_slice *parts, size_t n);
/* A file: takes fw->fd (closed at close).  length -1 is measured with
 * fstat when the descriptor is a regular file.  NP_ESYS. */
NP_API int np_gw_body_file(np_gw_body *b, const np_gw_file_wrapper *fw);
/* A generator: next is pulled until NP_GW_END; close runs once (may be
 * NULL).  length -1 when unknown. */
NP_API int np_gw_body_generator(np_gw_body *b, np_gw_pull_fn next,
                                np_gw_close_fn close, void *ctx,
                                int64_t length);
/* The next chunk (NP_OK), NP_GW_END, or a negative status.  A file chunk
 * is given whole (the server may sendfile it); np_gw_body_next_bytes reads
 * files in blocks of blksize into scratch for servers that cannot. */
NP_API int np_gw_body_next(np_gw_body *b, np_gw_chunk *out);
NP_API int np_gw_body_next_bytes(np_gw_body *b, np_gw_chunk *out,
                                 char *scratch, size_t cap);
/* close(): runs the close function once, closes a file's descriptor. */
NP_API void np_gw_body_close(np_gw_body *b);

/* The application. */
typedef int (*np_gw_app_fn)(void *ctx, np_gw_environ *env, np_gw_start *sr,
                            np_gw_body *body);
typedef struct np_gw_app {
  np_gw_app_fn call;
  void *ctx;
} np_gw_app;

/* ---- handlers (wsgiref.handlers) ---- */

/*
 * Where a handler writes the response.  write sends raw bytes (all of
 * them, or fails); sendfile (may be NULL: the handler reads the file and
 * writes) sends a file range; flush pushes buffered bytes out.  A server
 * with its own response writer sets head: it then gets the status and the
 * final header list instead of their bytes.
 */
typedef struct np_gw_output np_gw_output;
struct np_gw_output {
  int (*write)(np_gw_output *o, const void *data, size_t len);
  int (*sendfile)(np_gw_output *o, int fd, uint64_t offset, uint64_t count);
  int (*flush)(np_gw_output *o);
  int (*head)(np_gw_output *o, int code, const char *status,
              const np_gw_headers *headers);
  /* A server that pulls bodies when its socket can take more sets stream:
   * the handler then hands it a generator body of unknown length after the
   * head instead of pulling it itself.  pull appends at most `room` bytes
   * (already framed) to out and sets *done at the end; a negative return
   * aborts the response; release runs once when the body is over (it
   * closes the application's body).  If stream fails, release has run. */
  int (*stream)(np_gw_output *o,
                int (*pull)(void *st, np_buf *out, size_t room, bool *done),
                void *st, void (*release)(void *st));
  void *ctx;
  /* private: np_gw_output_fd's buffer */
  int fd;
  np_buf buf;
  uint64_t written;
};

/* An output over a descriptor (a socket, a pipe, stdout): writes are
 * buffered (64 KiB) and sent whole; files go out with sendfile.  Release
 * with np_gw_output_close (which does not close fd). */
NP_API void np_gw_output_fd(np_gw_output *o, int fd);
NP_API void np_gw_output_close(np_gw_output *o);

/* BaseHandler's attributes. */
typedef struct np_gw_handler_options {
  bool origin_server;          /* status line and Date/Server (true); false
                                  writes CGI's "Status:" header */
  const char *http_version;    /* "1.0" (BaseHandler's default) */
  const char *server_software; /* Server header and SERVER_SOFTWARE; NULL
                                  for none */
  const char *error_status;    /* "500 Internal Server Error" */
  const char *error_body;      /* "A server error occurred.  Please contact
                                  the administrator." (text/plain) */
  const char *url_scheme;      /* wsgi.url_scheme; NULL: guess_scheme */
  unsigned flags;              /* NP_GW_MULTITHREAD... (true, false, false
                                  for SimpleHandler) */
  bool chunked;                /* may use chunked when the length is not
                                  known and the client speaks HTTP/1.1
                                  (true; needs http_version "1.1") */
  bool collect;                /* instead of chunked or close: collect a
                                  body of unknown length (up to max_collect
                                  bytes) and send it with Content-Length,
                                  for servers that buffer responses anyway
                                  (false) */
  size_t max_collect;          /* 64 MiB when 0; past it the request fails */
} np_gw_handler_options;

/* SimpleHandler's defaults (BaseCGIHandler's differ: origin_server false,
 * see np_gw_cgi_options_init). */
NP_API void np_gw_handler_options_init(np_gw_handler_options *o);
NP_API void np_gw_cgi_options_init(np_gw_handler_options *o);

/* What one run did, for logging and connection reuse. */
typedef struct np_gw_result {
  int code;            /* the status code sent (0 if nothing was) */
  uint64_t body_bytes; /* body bytes sent */
  bool headers_sent;
  bool close;          /* the framing requires closing the connection */
  int app_status;      /* the application's failure, NP_OK if none */
} np_gw_result;

/*
 * BaseHandler.run(app): complete the environ (wsgi.* keys, scheme,
 * SERVER_SOFTWARE), call the application, send its status, headers and
 * body through out, and always close the body.  The server's rules:
 * headers are checked (hop-by-hop refused, PEP 3333's start_response
 * rules), Content-Length is added when the body's size is known, chunked
 * is used for HTTP/1.1 otherwise (or the connection must close), HEAD
 * gets no body, and an application failure becomes error_status with the
 * reason logged to wsgi.errors (or, once headers are out, the connection
 * is marked to close).  env keeps the caller's streams.  Returns NP_OK
 * when a response was sent, or the output's failure.  res may be NULL.
 */
NP_API int np_gw_handler_run(const np_gw_handler_options *o, np_gw_app app,
                             np_gw_environ *env, np_gw_output *out,
                             np_gw_result *res);

/*
 * read_environ: the CGI variables of this process (environ(7)) into env,
 * as wsgiref.handlers.read_environ does (on POSIX the bytes are kept).
 */
NP_API int np_gw_read_environ(np_gw_environ *env);

/*
 * BaseCGIHandler / CGIHandler / IISCGIHandler: run app as a CGI program
 * with the given descriptors (stdin, stdout, stderr for CGIHandler) and
 * the variables of env (read_environ for CGIHandler).  The body is read
 * from in_fd (CONTENT_LENGTH bytes); errors go to err_fd.  IIS: PATH_INFO
 * loses its SCRIPT_NAME prefix, as IISCGIHandler does.
 */
NP_API int np_gw_cgi_run(np_gw_app app, np_gw_environ *env, int in_fd,
                         int out_fd, int err_fd, bool iis);
/* CGIHandler().run(app): read_environ, then file descriptors 0, 1, 2. */
NP_API int np_gw_cgi_main(np_gw_app app);

/* ---- validate (wsgiref.validate) ---- */

/*
 * The validator: a middleware that checks the server (the environ it
 * gives) and the application (its start_response calls, write() calls and
 * body) against this interface's rules, the checks of Python's
 * wsgiref.validate that mean something in C.  Each violation is written
 * to wsgi.errors as "validate: NAME: detail" and fails the request with
 * NP_EGW_INVALID (the server answers 500 if nothing was sent yet).  Python's
 * warnings (a method it does not know, no QUERY_STRING, a status without a
 * reason) are written as "validate: warning: NAME: detail" and do not fail.
 *
 * Names: environ.missing_key, environ.http_content_type,
 * environ.http_content_length, environ.url_scheme, environ.script_name,
 * environ.path_info, environ.content_length, environ.no_path,
 * start_response.status, start_response.header_name,
 * start_response.header_value, start_response.hop_by_hop,
 * start_response.content_type, start_response.twice,
 * start_response.exc_info_after_headers, write.before_start_response,
 * write.bad_data, body.before_start_response, body.bad_chunk,
 * app.no_start_response, input.bad_args, errors.bad_args.  Python's
 * checks of a body iterated after close() or closed twice need none here:
 * np_gw_body_next and np_gw_body_close refuse a closed body.
 *
 * The np_gw_validator is the middleware's context: keep it alive while
 * the application it wraps is served.  It holds no per-request state (one
 * allocation per request does), so one validator serves any number of
 * threads.
 */
typedef struct np_gw_validator {
  np_gw_app inner; /* read-only */
} np_gw_validator;

/* validator(application): returns the wrapped application. */
NP_API np_gw_app np_gw_validator_wrap(np_gw_validator *v, np_gw_app inner);

/* ---- simple_server (wsgiref.simple_server) ---- */

/*
 * The built-in server: the application served over HTTP/1.1 on the event
 * engine of netproto/http_server.h (keep-alive, pipelining, time-outs,
 * several worker threads, sendfile for FileWrapper bodies).  The environ is
 * the one WSGIRequestHandler builds: SERVER_NAME, SERVER_PORT,
 * GATEWAY_INTERFACE, SERVER_PROTOCOL, SERVER_SOFTWARE, REQUEST_METHOD,
 * SCRIPT_NAME "", PATH_INFO unquoted (latin-1 bytes), QUERY_STRING,
 * REMOTE_ADDR, CONTENT_TYPE, CONTENT_LENGTH, HTTP_* with repeated headers
 * joined by ",".  Unlike Python 3.11, a header whose name holds "_" is not
 * passed (it would be indistinguishable from one with "-", a known
 * spoofing route).  wsgi.multithread is true with more than one thread.
 *
 * Limits of the engine: the request body is read before the application
 * runs (at most max_body bytes, 413 past it; a chunked request body gets
 * 501 as in http.server) so wsgi.input reads memory and 100 Continue is
 * sent by the engine; the response is buffered by the engine until the
 * application's body ends, so a body of unknown length is collected and
 * sent with Content-Length (FileWrapper bodies go out with sendfile).
 */
typedef struct np_gw_server np_gw_server;

typedef struct np_gw_server_options {
  const char *host;        /* "" or NULL: every address; "127.0.0.1" */
  int port;                /* 0: a free one (np_gw_server_port) */
  int threads;             /* worker threads (1) */
  const char *protocol_version; /* "HTTP/1.1" (Python's is "HTTP/1.0") */
  const char *server_software;  /* "WSGIServer/0.2 netproto/VERSION" */
  FILE *log;               /* request log, Python's format; NULL: none */
  FILE *errors;            /* wsgi.errors (stderr when NULL) */
  size_t max_body;         /* request bodies (1 MiB) */
  bool validate;           /* serve the application under the validator */
  unsigned long max_requests; /* stop after this many (0: no limit);
                                 handle_request is max_requests 1 */
  bool collect;            /* gather bodies of unknown length and send them
                              with Content-Length (false: stream them) */
} np_gw_server_options;

/* The defaults noted beside each field above. */
NP_API void np_gw_server_options_init(np_gw_server_options *o);
/*
 * make_server(host, port, app): bind and listen.  app (and its context)
 * must outlive the server.  Errors as np_httpd_new.  Release with
 * np_gw_server_free.
 */
NP_API int np_gw_make_server(const np_gw_server_options *o, np_gw_app app,
                             np_gw_server **out, np_error *err);
/* serve_forever: until np_gw_server_stop or max_requests. */
NP_API int np_gw_server_serve(np_gw_server *s, np_error *err);
/* shutdown: async-signal-safe, any thread. */
NP_API void np_gw_server_stop(np_gw_server *s);
/* The port listened on (the free one chosen when port was 0). */
NP_API int np_gw_server_port(const np_gw_server *s);
/* How many requests the server has answered so far (max_requests counts
 * these). */
NP_API unsigned long np_gw_server_requests(const np_gw_server *s);
NP_API void np_gw_server_free(np_gw_server *s);

/* demo_app: "Hello world!", an empty line and the sorted environ as
 * Python prints it ("KEY = 'value'"). */
NP_API int np_gw_demo_app(void *ctx, np_gw_environ *env, np_gw_start *sr,
                          np_gw_body *body);

/* ---- util (wsgiref.util) ---- */

/* "https" when HTTPS is "yes", "on" or "1", else "http". */
NP_API const char *np_gw_guess_scheme(const np_gw_environ *e);
/* application_uri: scheme://host[:port] + quoted SCRIPT_NAME (or "/"),
 * appended to out. */
NP_API int np_gw_application_uri(const np_gw_environ *e, np_buf *out);
/* request_uri: the full URI with quoted PATH_INFO and, when include_query,
 * "?QUERY_STRING". */
NP_API int np_gw_request_uri(const np_gw_environ *e, bool include_query,
                             np_buf *out);
/*
 * shift_path_info: move one segment from PATH_INFO to SCRIPT_NAME.  The
 * segment is appended to name and *has_name set; *has_name false is
 * Python's None (PATH_INFO empty, or the segment is ".").  NP_EINVAL when
 * PATH_INFO holds no "/" at all (Python raises IndexError).
 */
NP_API int np_gw_shift_path_info(np_gw_environ *e, np_buf *name,
                                 bool *has_name);
/* setup_testing_defaults: the keys Python sets, only where missing.  The
 * input (empty) and errors (discarded) streams are set only if absent and
 * live in the environ. */
NP_API int np_gw_setup_testing_defaults(np_gw_environ *e);
/* is_hop_by_hop: Connection, Keep-Alive, Proxy-Authenticate,
 * Proxy-Authorization, TE, Trailers, Transfer-Encoding, Upgrade. */
NP_API bool np_gw_is_hop_by_hop(const char *name, size_t len);

/* ---- headers (wsgiref.headers.Headers) ---- */

/* An empty list (NP_ENOMEM); np_gw_headers_free releases it. */
NP_API int np_gw_headers_new(np_gw_headers **out);
NP_API void np_gw_headers_free(np_gw_headers *h);
/* Copy n application headers in (Headers(list)).  Names and values are
 * checked: a name must be a token, a value free of control bytes other
 * than HTAB (NP_EINVAL: unlike Python, which checks only the types). */
NP_API int np_gw_headers_extend(np_gw_headers *h, const np_gw_header *hdrs,
                                size_t n);
/* len(headers) and item i (borrowed, NUL-terminated). */
NP_API size_t np_gw_headers_count(const np_gw_headers *h);
NP_API bool np_gw_headers_at(const np_gw_headers *h, size_t i,
                             const char **name, const char **value);
/* get: the first value of name (case-insensitive), or NULL. */
NP_API const char *np_gw_headers_get(const np_gw_headers *h,
                                     const char *name);
/* get_all: index of the next field named name at or after *from (advanced
 * past it), -1 when none is left. */
NP_API long np_gw_headers_next(const np_gw_headers *h, const char *name,
                               size_t *from);
/* headers[name] = value: removes every field of that name, then appends. */
NP_API int np_gw_headers_set(np_gw_headers *h, const char *name,
                             const char *value);
/* setdefault: appends when absent; *result (may be NULL) gets the value in
 * force. */
NP_API int np_gw_headers_setdefault(np_gw_headers *h, const char *name,
                                    const char *value, const char **result);
/* del headers[name]: every field of that name (absent is fine); returns
 * the number removed. */
NP_API size_t np_gw_headers_remove(np_gw_headers *h, const char *name);
/* A parameter of add_header: value NULL is a bare name; '_' in the name
 * becomes '-'. */
typedef struct np_gw_param {
  const char *name;
  const char *value;
} np_gw_param;
/* add_header(name, value, **params): value may be NULL; each param is
 * "name" or name="value" with '\' and '"' escaped, joined with "; ". */
NP_API int np_gw_headers_add(np_gw_headers *h, const char *name,
                             const char *value, const np_gw_param *params,
                             size_t nparams);
/* str(headers) / bytes(headers): "Name: value\r\n" each and "\r\n". */
NP_API int np_gw_headers_format(const np_gw_headers *h, np_buf *out);

#ifdef __cplusplus
}
#endif
#endif /* NETPROTO_GATEWAY_H */
