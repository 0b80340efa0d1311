/*
 * A server for server_test.py's streaming checks:
 *   gateway_tool_gwserve PORT [--validate] [--collect]
 * GET/POST /stream?N yields, lazily, what it reads from wsgi.input during
 * its first pull ("input=<bytes>\n"), then N pieces of 65,536 bytes each
 * ('a', 'b', ... cycling): a generator of unknown length that reads its
 * environ and input after the application returned.  /fail fails before
 * start_response (the server answers 500 and logs the reason).
 */
#include "netproto/gateway.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct gen {
  np_gw_environ *env; /* used lazily, during the pulls */
  long n, i;
  char piece[65536];
  char head[64];
} gen;

static int gen_next(np_gw_body *b, np_gw_chunk *out) {
  gen *g = b->ctx;
  memset(out, 0, sizeof *out);
  if (g->i == 0) {
    np_buf in;
    np_buf_init(&in, 1 << 20);
    int rc = np_gw_input_read_all(np_gw_environ_input(g->env), &in);
    snprintf(g->head, sizeof g->head, "input=%zu\n", in.len);
    np_buf_free(&in);
    if (rc < 0)
      return rc;
    g->i++;
    out->data = g->head;
    out->len = strlen(g->head);
    return NP_OK;
  }
  if (g->i > g->n)
    return NP_GW_END;
  memset(g->piece, 'a' + (int)((g->i - 1) % 26), sizeof g->piece);
  g->i++;
  out->data = g->piece;
  out->len = sizeof g->piece;
  return NP_OK;
}

static void gen_close(np_gw_body *b) { free(b->ctx); }

static int app(void *ctx, np_gw_environ *env, np_gw_start *sr,
               np_gw_body *body) {
  (void)ctx;
  if (np_slice_eq(np_gw_environ_get(env, "PATH_INFO"), np_slice_cstr("/fail")))
    return NP_EINVAL;
  np_slice q = np_gw_environ_get(env, "QUERY_STRING");
  gen *g = calloc(1, sizeof *g);
  if (!g)
    return NP_ENOMEM;
  g->env = env;
  char num[32];
  snprintf(num, sizeof num, "%.*s", NP_SLICE_ARG(q));
  g->n = atol(num); /* a test parameter */
  np_gw_body_generator(body, gen_next, gen_close, g, -1);
  static const np_gw_header h[] = {{"Content-Type", "text/plain"}};
  return np_gw_start_response(sr, "200 OK", h, 1, NULL);
}

static np_gw_server *srv;
static void on_term(int sig) {
  (void)sig;
  np_gw_server_stop(srv);
}

int main(int argc, char **argv) {
  np_gw_server_options o;
  np_gw_server_options_init(&o);
  o.host = "127.0.0.1";
  o.port = argc > 1 ? atoi(argv[1]) : 0;
  for (int i = 2; i < argc; i++) {
    o.validate |= strcmp(argv[i], "--validate") == 0;
    o.collect |= strcmp(argv[i], "--collect") == 0;
  }
  np_gw_app a = {app, NULL};
  np_error err = NP_ERROR_INIT;
  if (np_gw_make_server(&o, a, &srv, &err) < 0) {
    fprintf(stderr, "%s\n", err.message);
    return 1;
  }
  signal(SIGTERM, on_term);
  printf("Serving on port %d\n", np_gw_server_port(srv));
  fflush(stdout);
  int rc = np_gw_server_serve(srv, &err);
  np_gw_server_free(srv);
  return rc < 0;
}
