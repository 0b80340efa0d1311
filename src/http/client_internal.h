/* The insides of http.client (client_conn.c, client_resp.c). */
#ifndef NP_HTTP_CLIENT_INTERNAL_H
#define NP_HTTP_CLIENT_INTERNAL_H

#include "core/tls.h"
#include "http/http_internal.h"
#include "netproto/http_client.h"

/* Bytes asked of the socket per read into the connection's buffer. */
#define NP__HTTP_READ_CHUNK 65536
/* Reads at least this large skip the buffer and land in the caller's. */
#define NP__HTTP_DIRECT_READ 16384

enum { CS_IDLE, CS_REQ_STARTED, CS_REQ_SENT };

struct np_http_resp {
  np_http_conn *conn;
  np_http_parser p; /* slices into conn->rbuf[0 .. p.head_len) */
  int open;         /* not closed yet */
  int done;         /* the body ended */
  int will_close;   /* the connection ends with this response */
};

struct np_http_conn {
  char *host; /* where the TCP connection goes (the proxy when tunnelling) */
  int port;
  char *tunnel_host;
  int tunnel_port;
  np_buf tunnel_headers; /* serialized "Name: value\r\n" lines */
  np_http_conn_options o;
  char *source_host;
  np__tls_ctx *tls;
  np__stream s;
  int connected;
  int state;         /* CS_* */
  int head_request;  /* the request in flight is HEAD */
  int chunked_request; /* its body goes out chunked */
  np_buf wbuf;       /* the head being built */
  np_buf rbuf;       /* head of the response, then unread bytes */
  size_t rpos;       /* first unread byte in rbuf */
  np_http_resp resp;
  int resp_active;   /* resp was handed out and is not closed */
};

/* Read once from the socket into rbuf; NP_EOF when the peer closed. */
int np__http_conn_fill(np_http_conn *c, np_error *err);

/* Trace helpers (set_debuglevel): no-ops when trace is NULL. */
void np__http_trace_bytes(FILE *f, const char *label, const char *p,
                          size_t n);

/* The response arrived: set it up for reading (client_resp.c). */
void np__http_resp_start(np_http_conn *c);

#endif /* NP_HTTP_CLIENT_INTERNAL_H */
