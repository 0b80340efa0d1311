/*
 * netproto/socketserver.h - network servers: TCP, UDP and Unix-domain
 * (stream and datagram), IPv4 and IPv6, served one request at a time, a
 * thread per connection or a process per connection.
 *
 * Python counterpart: socketserver (TCPServer, UDPServer,
 * UnixStreamServer, UnixDatagramServer, ThreadingMixIn, ForkingMixIn,
 * BaseRequestHandler, StreamRequestHandler, DatagramRequestHandler).
 *
 * Shape: Python subclasses a server and a handler class; here the caller
 * fills an np_server_options (np_server_options_init() gives Python's
 * defaults) and an np_server_handler (setup / handle / finish callbacks and
 * a context pointer), then:
 *
 *   np_server *s;
 *   np_server_new(&opts, &handler, &s, &err);   // __init__: bind+activate
 *   np_server_serve_forever(s, 500, &err);      // until np_server_shutdown
 *   np_server_free(s);                          // server_close + release
 *
 * The `with` statement's pair is np_server_new / np_server_free.
 *
 * Ownership and threads: the server owns its socket and the threads or
 * processes it starts.  Each request gets an np_server_request that lives
 * only during the handler's calls.  np_server_shutdown() is the one call
 * meant for another thread (or a handler); every other call belongs to the
 * thread that serves.  In FORKING mode the child runs the handler and then
 * ends with _exit(0) (status 1 when handle failed), as ForkingMixIn does.
 */
#ifndef NETPROTO_SOCKETSERVER_H
#define NETPROTO_SOCKETSERVER_H

#include "netproto/core.h"

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The socket kinds: Python's four server classes. */
typedef enum np_server_kind {
  NP_SERVER_TCP = 0,        /* TCPServer: host + port, IPv4 or IPv6 */
  NP_SERVER_UDP = 1,        /* UDPServer */
  NP_SERVER_UNIX_STREAM = 2, /* UnixStreamServer: path */
  NP_SERVER_UNIX_DGRAM = 3, /* UnixDatagramServer */
} np_server_kind;

/* Who runs a request: Python's mix-ins. */
typedef enum np_server_mode {
  NP_SERVER_SYNC = 0,      /* one request at a time, in the serving thread */
  NP_SERVER_THREADING = 1, /* ThreadingMixIn: a thread per request */
  NP_SERVER_FORKING = 2,   /* ForkingMixIn: a process per request */
} np_server_mode;

/* Defaults (np_server_options_init). */
#define NP_SERVER_DEFAULT_QUEUE 5          /* request_queue_size */
#define NP_SERVER_DEFAULT_MAX_CHILDREN 40  /* ForkingMixIn.max_children */
#define NP_SERVER_MAX_DATAGRAM 8192        /* UDPServer.max_packet_size */
#define NP_SERVER_DEFAULT_STREAM_MAX (64u * 1024)  /* line/read limits */

typedef struct np_server np_server;
typedef struct np_server_request np_server_request;

typedef struct np_server_options {
  np_server_kind kind;
  const char *host;     /* TCP/UDP: address to bind; NULL or "" for all */
  int port;             /* TCP/UDP: 0 picks a free port (np_server_port) */
  const char *path;     /* Unix kinds: the socket's path */
  bool bind_and_activate; /* bind and listen in np_server_new (true) */
  bool allow_reuse_address; /* SO_REUSEADDR (false, as in TCPServer) */
  bool allow_reuse_port;  /* SO_REUSEPORT (false) */
  bool ipv6_only;       /* IPV6_V6ONLY on an IPv6 socket (false: dual) */
  int request_queue_size; /* listen() backlog (5) */
  int timeout_ms;       /* handle_request's wait; <0 forever (-1) */
  np_server_mode mode;  /* SYNC */
  bool daemon_threads;  /* THREADING: do not wait for threads (false) */
  bool block_on_close;  /* THREADING/FORKING: close waits for them (true) */
  int max_children;     /* FORKING: wait when this many run (40) */
  size_t max_packet_size; /* UDP: largest datagram read (8192) */
  int stream_timeout_ms; /* StreamRequestHandler.timeout; <0 none (-1) */
  size_t stream_max;    /* largest line / buffered read (64 KiB) */
} np_server_options;

/*
 * What a handler sees of one request.  For streams: fd is the connected
 * socket and the np_server_read* / np_server_write calls give the buffered
 * rfile/wfile of StreamRequestHandler.  For datagrams: packet holds the
 * datagram (rfile), np_server_write appends to the reply (wfile) that is
 * sent to the client after finish, as DatagramRequestHandler does.
 */
struct np_server_request {
  np_server *server;      /* read-only */
  int fd;                 /* read-only: connection, or the server socket */
  char client_host[64];   /* read-only: numeric host; "" for Unix peers */
  int client_port;        /* read-only: 0 for Unix peers */
  const char *packet;     /* read-only: datagram bytes (datagram kinds) */
  size_t packet_len;      /* read-only */
  void *data;             /* public: the handler's per-request state */
  void *priv;             /* private */
};

/*
 * The handler: Python's BaseRequestHandler methods.  setup, then handle,
 * then finish (which always runs when setup succeeded).  A negative return
 * from setup or handle is passed to handle_error; 0 means success.  Any of
 * them may be NULL.  ctx is passed to every call.  In THREADING mode the
 * callbacks run concurrently on different requests.
 */
typedef struct np_server_handler {
  int (*setup)(np_server_request *req, void *ctx);
  int (*handle)(np_server_request *req, void *ctx);
  void (*finish)(np_server_request *req, void *ctx);
  /* verify_request: return false to drop the request unserved. */
  bool (*verify_request)(np_server_request *req, void *ctx);
  /* handle_error: the request failed with status (Python prints a
   * traceback; the library prints nothing, so this is the place to log). */
  void (*handle_error)(np_server_request *req, int status, void *ctx);
  /* service_actions: called once per serve_forever round. */
  void (*service_actions)(np_server *server, void *ctx);
  void *ctx;
} np_server_handler;

/* Fill opts with Python's defaults; the caller then sets kind, port... */
NP_API void np_server_options_init(np_server_options *opts);

/*
 * Create a server (copies opts and handler; host and path are copied too).
 * With bind_and_activate it binds and listens (server_bind +
 * server_activate); on failure nothing is left open.  *out is freed with
 * np_server_free().  Errors: NP_EINVAL, NP_ENOMEM, NP_ESYS (errno in err),
 * NP_ENOTFOUND (host does not resolve).
 */
NP_API int np_server_new(const np_server_options *opts,
                         const np_server_handler *handler, np_server **out,
                         np_error *err);

/* server_bind and server_activate, for a server made without
 * bind_and_activate.  NP_ESTATE when already done. */
NP_API int np_server_bind(np_server *s, np_error *err);
NP_API int np_server_activate(np_server *s, np_error *err);

/*
 * serve_forever: handle requests until np_server_shutdown().  Waits for a
 * request at most poll_interval_ms between rounds (service_actions runs
 * each round; children are reaped).  Shutdown wakes it at once.  Returns
 * NP_OK after a shutdown, NP_ESTATE if the server is not bound, NP_ESYS
 * when waiting fails.
 */
NP_API int np_server_serve_forever(np_server *s, int poll_interval_ms,
                                   np_error *err);

/*
 * shutdown: ask serve_forever to stop and wait until it has.  Safe from
 * any thread except the one running serve_forever (it would wait for
 * itself; from a handler use np_server_shutdown_request()).
 */
NP_API void np_server_shutdown(np_server *s);
/* Ask serve_forever to stop without waiting (safe anywhere, signals too). */
NP_API void np_server_shutdown_request(np_server *s);

/*
 * handle_request: wait for one request (at most opts.timeout_ms) and
 * handle it.  NP_ETIMEDOUT when none came (handle_timeout), NP_OK
 * otherwise, including when the request's handler failed (handle_error was
 * called).
 */
NP_API int np_server_handle_request(np_server *s, np_error *err);

/*
 * server_close: close the listening socket; with block_on_close, wait for
 * running request threads and child processes.  Idempotent.
 */
NP_API void np_server_close(np_server *s);
/* server_close if needed, then release everything.  NULL is fine. */
NP_API void np_server_free(np_server *s);

/* fileno(): the listening socket, -1 after close. */
NP_API int np_server_fileno(const np_server *s);
/* server_address: numeric host and port (TCP/UDP); host_cap >= 64. */
NP_API int np_server_address(const np_server *s, char *host, size_t host_cap,
                             int *port);
/* The bound port (TCP/UDP), 0 before bind. */
NP_API int np_server_port(const np_server *s);
/* Requests finished since creation (handled or failed, not refused). */
NP_API unsigned long np_server_requests_done(const np_server *s);

/* ---- StreamRequestHandler / DatagramRequestHandler I/O ---- */

/*
 * rfile.readline(): append one line, "\n" included, to out.  At EOF the
 * partial line is appended and NP_OK returned (empty means EOF).  Errors:
 * NP_ETOOLARGE (line longer than stream_max), NP_ETIMEDOUT, NP_ESYS.
 */
NP_API int np_server_readline(np_server_request *req, np_buf *out,
                              np_error *err);
/* rfile.read(n): append up to n bytes (fewer only at EOF). */
NP_API int np_server_read(np_server_request *req, size_t n, np_buf *out,
                          np_error *err);
/* wfile.write(): stream: sent at once (unbuffered, as wbufsize=0);
 * datagram: added to the reply.  NP_ETIMEDOUT, NP_ESYS, NP_ETOOLARGE. */
NP_API int np_server_write(np_server_request *req, const void *data,
                           size_t len, np_error *err);

#ifdef __cplusplus
}
#endif
#endif /* NETPROTO_SOCKETSERVER_H */
