/*
 * netproto/http_client.h - HTTP/1.1 client connections, plain and TLS.
 *
 * Python counterpart: http.client (HTTPConnection, HTTPSConnection,
 * HTTPResponse and their exceptions).  The calls map one to one:
 *
 *   HTTPConnection(host, port, timeout, source_address)  np_http_conn_new
 *   conn.set_tunnel(host, port, headers)                 np_http_conn_set_tunnel
 *   conn.connect() / conn.close()                        np_http_conn_connect / _close
 *   conn.request(method, url, body, headers)             np_http_conn_request
 *   conn.putrequest / putheader / endheaders / send      np_http_conn_putrequest ...
 *   conn.getresponse()                                   np_http_conn_getresponse
 *   conn.set_debuglevel(1)                               options.trace
 *   resp.status / reason / version / getheader(s)        np_http_resp_*
 *   resp.read(n) / readinto / read1 / peek / read()      np_http_resp_read ...
 *   IncompleteRead, BadStatusLine, LineTooLong, RemoteDisconnected,
 *   ImproperConnectionState (CannotSendRequest, CannotSendHeader,
 *   ResponseNotReady), InvalidURL, UnknownProtocol       NP_EHTTP_* statuses
 *
 * Connection reuse follows CPython: a connection is kept after a response
 * whose framing ends it (Content-Length or chunked) unless the response
 * says "Connection: close" (or is HTTP/1.0 without keep-alive); otherwise
 * it is closed when the response is, and the next request opens a new one
 * (auto_open).  Closing a response whose body was not read to the end
 * closes the connection too (its remaining bytes could not be told apart
 * from the next response).  A kept connection the server closed while idle
 * gives NP_EHTTP_REMOTE_DISCONNECTED on the next getresponse, as in CPython;
 * nothing is retried behind the caller's back.
 *
 * Ownership: np_http_conn_new() makes a connection, np_http_conn_free()
 * releases it.  A response is owned by its connection: it stays valid until
 * the next request on the connection (which may reconnect and reuse the
 * buffer), np_http_conn_getresponse() or np_http_conn_free(); header slices
 * point into the connection's buffer and are valid as long as the response.
 * The host and source_host strings are copied; the TLS option strings are
 * read once, by np_http_conn_new(), and the trace stream must outlive the
 * connection.  Objects are not shared between threads.
 *
 * Limits: the response head is bounded by limits.max_header_bytes, the
 * connection's buffer by that plus two 64 KiB reads; bodies are only
 * buffered by np_http_resp_read_all(), up to the np_buf's max.  Name
 * resolution (getaddrinfo) is not bounded by timeout_ms.
 */
#ifndef NETPROTO_HTTP_CLIENT_H
#define NETPROTO_HTTP_CLIENT_H

#include "netproto/core.h"
#include "netproto/http.h"

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * TLS settings (also used by ftplib and urllib.request).  Zero-filled means
 * Python's ssl.create_default_context(): the system trust store, chain and
 * host name verified, SNI, TLS 1.2 minimum.
 */
typedef struct np_tls_options {
  const char *ca_file;      /* PEM bundle to trust instead of the system's */
  const char *ca_path;      /* folder of hashed CA certificates (c_rehash) */
  const char *cert_file;    /* client certificate chain (PEM) */
  const char *key_file;     /* its private key (NULL: inside cert_file) */
  int insecure_skip_verify; /* 1: do NOT verify chain or name (INSECURE) */
} np_tls_options;

typedef struct np_http_conn_options {
  int timeout_ms;          /* connect, and each read or write; < 0 waits
                              forever; 0 here means the default (-1) */
  const char *source_host; /* bind the local end (source_address) */
  int source_port;
  int https;               /* 1: HTTPSConnection (default port 443) */
  np_tls_options tls;      /* for https */
  np_http_limits limits;   /* parser limits; zeros take the defaults */
  int max_informational;   /* 1xx responses skipped per request (default
                              100): NP_EHTTP_TOO_MANY_INFORMATIONAL */
  size_t blocksize;        /* bytes per send of a streamed body (8192) */
  FILE *trace;             /* not NULL: write the exchange here, as
                              set_debuglevel(1) prints it */
} np_http_conn_options;

typedef struct np_http_conn np_http_conn;
typedef struct np_http_resp np_http_resp;

/*
 * A connection to host (no network traffic yet).  host may carry ":port"
 * and an IPv6 literal in brackets, as HTTPConnection accepts; port <= 0
 * takes that one or the default (80, or 443 with https).  opts may be NULL.
 * NP_EHTTP_INVALID_URL for a non-numeric or out-of-range port or control
 * characters in host; NP_ENOMEM; NP_ETLS when the TLS settings do not load.
 */
NP_API int np_http_conn_new(np_http_conn **out, const char *host, int port,
                            const np_http_conn_options *opts, np_error *err);

/* Close and release.  NULL is fine. */
NP_API void np_http_conn_free(np_http_conn *c);

/*
 * Tunnel through the proxy given to np_http_conn_new with CONNECT to
 * host:port (port <= 0: from host or default), sending the n extra headers
 * (Proxy-Authorization...).  Call before connecting.  A refused CONNECT
 * gives NP_EHTTP_TUNNEL with err->value = the proxy's status.
 */
NP_API int np_http_conn_set_tunnel(np_http_conn *c, const char *host,
                                   int port, const np_http_header *headers,
                                   size_t n, np_error *err);

/* Connect now (TCP, CONNECT tunnel, TLS handshake).  The request calls
 * connect by themselves when needed (auto_open). */
NP_API int np_http_conn_connect(np_http_conn *c, np_error *err);

/* Close the socket and the current response (HTTPConnection.close()); the
 * connection can be used again: the next request reconnects. */
NP_API void np_http_conn_close(np_http_conn *c);

/* The socket, or -1 when not connected. */
NP_API int np_http_conn_fileno(const np_http_conn *c);

/* The ALPN protocol the TLS server chose ("http/1.1"), or an empty slice
 * (plain connection, or the server chose none). */
NP_API np_slice np_http_conn_alpn(const np_http_conn *c);

/*
 * Send a whole request, as HTTPConnection.request(): adds Host and
 * Accept-Encoding: identity unless given in headers, and Content-Length
 * for a body (and "Content-Length: 0" for POST, PUT and PATCH without
 * one).  body may be NULL.  The bytes sent are CPython's for the same call
 * (tests/http/client_test.py compares them), with one deliberate
 * difference: when headers say "Transfer-Encoding: chunked" the body is
 * chunk-encoded (CPython sends it raw unless encode_chunked=True).
 */
NP_API int np_http_conn_request(np_http_conn *c, const char *method,
                                const char *url, const void *body,
                                size_t body_len, const np_http_header *headers,
                                size_t n, np_error *err);

/*
 * A body produced piece by piece: fill buf[0..cap) and set *got; *got == 0
 * ends the body.  Non-zero return aborts with that status.
 */
typedef int (*np_http_body_fn)(void *ctx, void *buf, size_t cap,
                               size_t *got);

/* request() with a streamed body: sent with Content-Length when the
 * headers give one, else with Transfer-Encoding: chunked. */
NP_API int np_http_conn_request_stream(np_http_conn *c, const char *method,
                                       const char *url,
                                       const np_http_header *headers,
                                       size_t n, np_http_body_fn body,
                                       void *ctx, np_error *err);

/* putrequest(method, url, skip_host, skip_accept_encoding).
 * NP_EHTTP_CANNOT_SEND_REQUEST when a request is already under way. */
NP_API int np_http_conn_putrequest(np_http_conn *c, const char *method,
                                   const char *url, int skip_host,
                                   int skip_accept_encoding, np_error *err);

/* putheader(name, value).  NP_EHTTP_CANNOT_SEND_HEADER outside a request;
 * NP_EHTTP_BAD_HEADER_NAME / _VALUE for bad bytes. */
NP_API int np_http_conn_putheader(np_http_conn *c, const char *name,
                                  const char *value, size_t value_len,
                                  np_error *err);

/* endheaders(message_body, encode_chunked): sends the head, and the body
 * if given (as one chunk when encode_chunked). */
NP_API int np_http_conn_endheaders(np_http_conn *c, const void *body,
                                   size_t len, int encode_chunked,
                                   np_error *err);

/* send(data): raw bytes after endheaders. */
NP_API int np_http_conn_send(np_http_conn *c, const void *data, size_t len,
                             np_error *err);

/* For a request whose headers said chunked: one chunk (len 0 does
 * nothing), then the last chunk. */
NP_API int np_http_conn_send_chunk(np_http_conn *c, const void *data,
                                   size_t len, np_error *err);
NP_API int np_http_conn_end_chunks(np_http_conn *c, np_error *err);

/*
 * getresponse(): read the status line and headers (skipping 100 Continue
 * and other 1xx responses).  *out is owned by the connection.
 * NP_EHTTP_RESPONSE_NOT_READY when no request was sent or the previous
 * response is still open; NP_EHTTP_REMOTE_DISCONNECTED when the server
 * closed (or reset: err->sys_errno ECONNRESET) before sending a byte;
 * parser statuses (NP_EHTTP_BAD_STATUS_LINE, NP_EHTTP_LINE_TOO_LONG...)
 * for bad responses, the connection closed.
 */
NP_API int np_http_conn_getresponse(np_http_conn *c, np_http_resp **out,
                                    np_error *err);

/* ---- the response ---- */

NP_API int np_http_resp_status(const np_http_resp *r);
NP_API np_slice np_http_resp_reason(const np_http_resp *r);
/* 10 or 11, as HTTPResponse.version. */
NP_API int np_http_resp_version(const np_http_resp *r);
NP_API size_t np_http_resp_header_count(const np_http_resp *r);
NP_API np_http_header np_http_resp_header_at(const np_http_resp *r,
                                             size_t i);
/* The first value of a header (case-insensitive), or an absent slice. */
NP_API np_slice np_http_resp_getheader(const np_http_resp *r,
                                       const char *name);
/* getheader(name) as CPython returns it: every value of the header joined
 * with ", ", appended to out.  NP_ENOTFOUND (nothing appended) when the
 * header is absent; the np_buf's errors. */
NP_API int np_http_resp_getheader_joined(const np_http_resp *r,
                                         const char *name, np_buf *out);
/* Every value of a header in turn: start with *from = 0; -1 at the end. */
NP_API long np_http_resp_header_next(const np_http_resp *r, const char *name,
                                     size_t *from);
/* The Content-Length the body has left to give, or -1 (chunked/close). */
NP_API long long np_http_resp_length(const np_http_resp *r);
/* True when the connection closes after this response. */
NP_API int np_http_resp_will_close(const np_http_resp *r);

/*
 * read(n) / readinto(): read up to n body bytes into buf, waiting until n
 * arrived or the body ended; *got = bytes stored (0 at the end).
 * NP_EHTTP_INCOMPLETE_READ when the peer closed early: *got holds the
 * partial bytes of this call, err->value how many more were expected (-1
 * for chunked), as IncompleteRead(partial, expected).
 */
NP_API int np_http_resp_read(np_http_resp *r, void *buf, size_t n,
                             size_t *got, np_error *err);

/* read(): the rest of the body appended to out (bounded by out->max). */
NP_API int np_http_resp_read_all(np_http_resp *r, np_buf *out,
                                 np_error *err);

/* read1(n): at most n bytes, from what is buffered or else from one read
 * of the socket that yields body data (framing alone is read past); *got
 * is 0 only at the end of the body. */
NP_API int np_http_resp_read1(np_http_resp *r, void *buf, size_t n,
                              size_t *got, np_error *err);

/* peek(): body bytes available without consuming them (reading from the
 * socket only when none are buffered); empty only at the end.  The slice
 * is valid until the next call on the response. */
NP_API int np_http_resp_peek(np_http_resp *r, np_slice *out, np_error *err);

/* The socket (fileno), -1 once closed. */
NP_API int np_http_resp_fileno(const np_http_resp *r);
/* True once the body was read to the end or the response closed. */
NP_API int np_http_resp_isclosed(const np_http_resp *r);
/* close(): see the reuse rules above. */
NP_API void np_http_resp_close(np_http_resp *r);

#ifdef __cplusplus
}
#endif
#endif /* NETPROTO_HTTP_CLIENT_H */
