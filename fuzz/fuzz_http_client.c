/*
 * libFuzzer target: http.client's response reading (client_conn.c,
 * client_resp.c) end to end over a loopback socket.  The input is what the
 * server sends: byte 0 picks the read mode and the limits, the rest is
 * written to the connection and the write side shut.  Up to three requests
 * are made on the connection, so keep-alive reuse, 1xx skipping, buffer
 * compaction, direct reads, peek and read1 all see hostile bytes.
 */
#include "core/net.h"
#include "netproto/http_client.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int lfd = -1, port;

static void setup(void) {
  np__addr bound;
  if (np__net_listen("127.0.0.1", 0, SOCK_STREAM, 16, NP__LISTEN_REUSEADDR,
                     &lfd, &bound, NULL) != NP_OK)
    abort();
  char host[64];
  np__addr_format(&bound, host, sizeof host, &port);
}

/* Read the body in the mode chosen by the input. */
static void read_body(np_http_resp *r, int mode) {
  char buf[70000];
  size_t sizes[] = {1, 7, 4096, sizeof buf};
  np_buf all;
  for (int guard = 0; guard < 200000; guard++) {
    size_t got = 0;
    int rc;
    switch (mode) {
    case 0:
      np_buf_init(&all, 1 << 20);
      rc = np_http_resp_read_all(r, &all, NULL);
      np_buf_free(&all);
      return;
    case 1: {
      np_slice s;
      rc = np_http_resp_peek(r, &s, NULL);
      if (rc || s.len == 0)
        return;
      rc = np_http_resp_read(r, buf, s.len < 100 ? s.len : 100, &got, NULL);
      break;
    }
    case 2:
      rc = np_http_resp_read1(r, buf, 5000, &got, NULL);
      break;
    default:
      rc = np_http_resp_read(r, buf, sizes[mode % 4], &got, NULL);
      break;
    }
    if (rc || got == 0)
      return;
  }
  __builtin_trap(); /* a read loop that never ends */
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  if (size < 1 || size > 65536)
    return 0;
  if (lfd < 0)
    setup();
  unsigned ctl = data[0];
  np_http_conn_options o;
  memset(&o, 0, sizeof o);
  o.timeout_ms = 2000;
  o.max_informational = 3;
  if (ctl & 0x80) { /* small limits, to reach their errors */
    o.limits.max_headers = 5;
    o.limits.max_line = 64;
    o.limits.max_header_bytes = 512;
    o.limits.max_chunk_line = 16;
  }
  np_http_conn *c;
  if (np_http_conn_new(&c, "127.0.0.1", port, &o, NULL) != NP_OK)
    abort();
  const char *method = (ctl & 0x40) ? "HEAD" : "GET";
  if (np_http_conn_request(c, method, "/", NULL, 0, NULL, 0, NULL) != NP_OK)
    abort();
  int sfd;
  np__addr peer;
  if (np__net_accept(lfd, &sfd, &peer, NULL) != NP_OK)
    abort();
  int big = 1 << 18;
  setsockopt(sfd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
  char req[4096];
  size_t got;
  np__net_read(sfd, req, sizeof req, 1000, &got, NULL); /* the request */
  np__net_write_all(sfd, data + 1, size - 1, 2000, NULL);
  shutdown(sfd, SHUT_WR);
  for (int i = 0; i < 3; i++) {
    np_http_resp *r;
    if (i > 0 &&
        np_http_conn_request(c, "GET", "/again", NULL, 0, NULL, 0, NULL) != NP_OK)
      break;
    if (np_http_conn_getresponse(c, &r, NULL) != NP_OK)
      break;
    np_http_resp_getheader(r, "content-type");
    read_body(r, (ctl >> (2 * i)) & 3);
    if (np_http_conn_fileno(c) < 0)
      break; /* closed: a new connection would have no server */
  }
  np_http_conn_free(c);
  close(sfd);
  return 0;
}
