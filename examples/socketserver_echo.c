/*
 * A threaded TCP line-echo server (socketserver.ThreadingTCPServer with a
 * StreamRequestHandler in C).  SIGINT or SIGTERM shuts it down.
 *
 *   cc socketserver_echo.c $(pkg-config --cflags --libs netproto)
 *   ./a.out 9999 &  printf 'hi\n' | nc 127.0.0.1 9999
 */
#include <netproto/socketserver.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

static np_server *server;

static void on_signal(int sig) {
  (void)sig;
  np_server_shutdown_request(server); /* async-signal-safe */
}

/* handle(): every line back, until the client closes. */
static int echo(np_server_request *req, void *ctx) {
  (void)ctx;
  np_buf line;
  np_buf_init(&line, 0);
  int rc;
  while ((rc = np_server_readline(req, &line, NULL)) == NP_OK && line.len) {
    if ((rc = np_server_write(req, line.data, line.len, NULL)) != NP_OK)
      break;
    np_buf_reset(&line);
  }
  np_buf_free(&line);
  return rc;
}

int main(int argc, char **argv) {
  np_server_options o;
  np_server_options_init(&o);
  o.host = "127.0.0.1";
  o.port = argc > 1 ? atoi(argv[1]) : 9999;
  o.mode = NP_SERVER_THREADING;
  o.allow_reuse_address = true;
  o.stream_timeout_ms = 30000;
  np_server_handler h = {.handle = echo};
  np_error err = NP_ERROR_INIT;
  if (np_server_new(&o, &h, &server, &err) != NP_OK) {
    fprintf(stderr, "cannot serve: %s\n", err.message);
    return 1;
  }
  printf("echo on 127.0.0.1:%d\n", np_server_port(server));
  fflush(stdout);
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  int rc = np_server_serve_forever(server, 500, &err);
  np_server_free(server); /* server_close: waits for the handlers */
  return rc == NP_OK ? 0 : 1;
}
