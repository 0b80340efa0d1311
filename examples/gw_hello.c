/*
 * The smallest gateway application: Hello world.  It runs unchanged as a
 * server (./gw_hello [PORT] [--validate]) or as a CGI program (when the
 * CGI host sets GATEWAY_INTERFACE).
 *
 *   cc gw_hello.c -lnetproto -o gw_hello && ./gw_hello 8000
 */
#include <netproto/gateway.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hello(void *ctx, np_gw_environ *env, np_gw_start *sr,
                 np_gw_body *body) {
  (void)ctx;
  (void)env;
  static const np_gw_header h[] = {{"Content-Type", "text/plain"}};
  int rc = np_gw_start_response(sr, "200 OK", h, 1, NULL);
  return rc < 0 ? rc : np_gw_body_bytes(body, "Hello world!\n", 13);
}

int main(int argc, char **argv) {
  np_gw_app app = {hello, NULL};
  if (getenv("GATEWAY_INTERFACE"))
    return np_gw_cgi_main(app) < 0;
  np_gw_server_options o;
  np_gw_server_options_init(&o);
  o.host = "127.0.0.1";
  o.port = argc > 1 ? atoi(argv[1]) : 8000; /* a command-line number */
  o.validate = argc > 2 && strcmp(argv[2], "--validate") == 0;
  o.threads = argc > 3 ? atoi(argv[3]) : 1;
  np_error err = NP_ERROR_INIT;
  np_gw_server *s;
  if (np_gw_make_server(&o, app, &s, &err) < 0) {
    fprintf(stderr, "gw_hello: %s\n", err.message);
    return 1;
  }
  printf("Serving on port %d\n", np_gw_server_port(s));
  fflush(stdout);
  int rc = np_gw_server_serve(s, &err);
  np_gw_server_free(s);
  return rc < 0;
}
