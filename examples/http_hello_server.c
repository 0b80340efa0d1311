/*
 * An HTTP server with a handler of its own (http.server's
 * BaseHTTPRequestHandler in C): GET answers a greeting, POST echoes the
 * body, anything else gets 501.  SIGINT or SIGTERM stops it after the
 * requests in flight.
 *
 *   cc http_hello_server.c $(pkg-config --cflags --libs netproto)
 *   ./a.out 8000 &  curl http://127.0.0.1:8000/you
 */
#include <netproto/http_server.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static np_httpd *server;

static void on_signal(int sig) {
  (void)sig;
  np_httpd_stop(server); /* async-signal-safe */
}

/* send_response + headers + body, the usual four steps. */
static int reply(np_httpd_req *r, int code, const char *type,
                 const char *body, size_t len) {
  char n[24];
  snprintf(n, sizeof n, "%zu", len);
  int rc = np_httpd_send_response(r, code, NULL);
  if (rc == NP_OK)
    rc = np_httpd_send_header(r, "Content-Type", type);
  if (rc == NP_OK)
    rc = np_httpd_send_header(r, "Content-Length", n);
  if (rc == NP_OK)
    rc = np_httpd_end_headers(r);
  return rc == NP_OK ? np_httpd_write(r, body, len) : rc;
}

static int do_get(np_httpd_req *r, void *ctx) {
  (void)ctx;
  np_slice path = np_httpd_path(r); /* "/you": the name after the slash */
  int len = path.len > 100 ? 99 : (int)path.len - 1;
  char body[256];
  int n = snprintf(body, sizeof body, "hello %.*s from %s\n", len,
                   path.ptr + 1, np_httpd_client_host(r));
  return reply(r, 200, "text/plain; charset=utf-8", body, (size_t)n);
}

static int do_post(np_httpd_req *r, void *ctx) {
  (void)ctx;
  np_slice type = np_httpd_header(r, "Content-Type");
  np_slice body = np_httpd_body(r); /* read in full before the handler */
  char t[128];
  snprintf(t, sizeof t, "%.*s", type.ptr ? (int)type.len : 24,
           type.ptr ? type.ptr : "application/octet-stream");
  return reply(r, 200, t, body.ptr, body.len);
}

int main(int argc, char **argv) {
  np_httpd_options o;
  np_httpd_options_init(&o);
  o.host = "127.0.0.1";
  o.port = argc > 1 ? atoi(argv[1]) : 8000;
  o.protocol_version = "HTTP/1.1"; /* keep-alive */
  o.log = stderr;                  /* log_message, as Python does */
  np_httpd_handler h = {.do_GET = do_get, .do_POST = do_post};
  np_error err = NP_ERROR_INIT;
  if (np_httpd_new(&o, &h, &server, &err) != NP_OK) {
    fprintf(stderr, "cannot serve: %s\n", err.message);
    return 1;
  }
  printf("serving on http://127.0.0.1:%d/\n", np_httpd_port(server));
  fflush(stdout);
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  int rc = np_httpd_serve(server, &err);
  np_httpd_free(server);
  return rc == NP_OK ? 0 : 1;
}
