/*
 * A socketserver driven by script tests:
 *   server_tool_echo KIND MODE ADDR
 * KIND: tcp udp unix unixdgram http; MODE: sync threading forking;
 * ADDR: host:port (port 0 picks one) or a path.  Prints "READY <port>"
 * once serving; SIGTERM/SIGINT shut it down.  "http" is a TCP server
 * whose handler answers any request with a small HTTP/1.0 response, for
 * curl.  Echo kinds send every line back (datagrams: the packet).
 */
#define _GNU_SOURCE
#include "netproto/socketserver.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static np_server *server;

static void on_signal(int sig) {
  (void)sig;
  np_server_shutdown_request(server);
}

static int echo_handle(np_server_request *req, void *ctx) {
  (void)ctx;
  np_buf line;
  np_buf_init(&line, 0);
  int rc;
  if (req->packet) {
    rc = np_server_read(req, req->packet_len, &line, NULL);
    if (rc == NP_OK)
      rc = np_server_write(req, line.data, line.len, NULL);
  } else {
    while ((rc = np_server_readline(req, &line, NULL)) == NP_OK && line.len) {
      if ((rc = np_server_write(req, line.data, line.len, NULL)) != NP_OK)
        break;
      np_buf_reset(&line);
    }
  }
  np_buf_free(&line);
  return rc;
}

static int http_handle(np_server_request *req, void *ctx) {
  (void)ctx;
  np_buf line, body, out;
  np_buf_init(&line, 0);
  np_buf_init(&body, 0);
  np_buf_init(&out, 0);
  int rc, first = 1;
  while ((rc = np_server_readline(req, &line, NULL)) == NP_OK && line.len) {
    if (first)
      np_buf_printf(&body, "client %s line %s", req->client_host, line.data);
    first = 0;
    if (strcmp(line.data, "\r\n") == 0 || strcmp(line.data, "\n") == 0)
      break;
    np_buf_reset(&line);
  }
  np_buf_printf(&out, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
                      "Content-Length: %zu\r\n\r\n%s", body.len,
                body.data ? body.data : "");
  if (rc == NP_OK)
    rc = np_server_write(req, out.data, out.len, NULL);
  np_buf_free(&line);
  np_buf_free(&body);
  np_buf_free(&out);
  return rc;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s KIND MODE ADDR\n", argv[0]);
    return 2;
  }
  np_server_options o;
  np_server_options_init(&o);
  np_server_handler h = {0};
  h.handle = echo_handle;
  const char *k = argv[1], *m = argv[2];
  o.kind = !strcmp(k, "udp")         ? NP_SERVER_UDP
           : !strcmp(k, "unix")      ? NP_SERVER_UNIX_STREAM
           : !strcmp(k, "unixdgram") ? NP_SERVER_UNIX_DGRAM
                                     : NP_SERVER_TCP;
  if (!strcmp(k, "http"))
    h.handle = http_handle;
  o.mode = !strcmp(m, "threading")  ? NP_SERVER_THREADING
           : !strcmp(m, "forking") ? NP_SERVER_FORKING
                                   : NP_SERVER_SYNC;
  o.request_queue_size = 128;
  o.stream_timeout_ms = 10000;
  char *addr = argv[3];
  if (o.kind == NP_SERVER_UNIX_STREAM || o.kind == NP_SERVER_UNIX_DGRAM) {
    o.path = addr;
  } else {
    char *colon = strrchr(addr, ':');
    if (!colon)
      return 2;
    *colon = '\0';
    o.host = addr[0] == '[' ? addr + 1 : addr;
    if (colon > addr && colon[-1] == ']')
      colon[-1] = '\0';
    o.port = atoi(colon + 1); /* test tool: trusted input */
  }
  np_error err = NP_ERROR_INIT;
  if (np_server_new(&o, &h, &server, &err) != NP_OK) {
    fprintf(stderr, "server: %s\n", err.message);
    return 1;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  printf("READY %d\n", np_server_port(server));
  fflush(stdout);
  int rc = np_server_serve_forever(server, 500, &err);
  unsigned long done = np_server_requests_done(server);
  np_server_free(server);
  printf("DONE %lu\n", done);
  return rc == NP_OK ? 0 : 1;
}
