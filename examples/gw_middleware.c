/*
 * A middleware: wraps any application, adds an X-Elapsed-Us header by
 * putting its own start_response in front of the server's, and counts the
 * body bytes by wrapping the body.  Here it wraps demo_app.
 *   ./gw_middleware [PORT] [--validate]
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime under -std=c17 */

#include <netproto/gateway.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct timing {
  np_gw_start sr;        /* given to the inner application */
  np_gw_start *outer;    /* the server's */
  np_gw_body inner;      /* what the inner application returned */
  struct timespec t0;
  unsigned long bytes;
} timing;

static int timing_start(np_gw_start *sr, const char *status,
                        const np_gw_header *h, size_t n,
                        const np_gw_exc_info *exc) {
  timing *t = sr->ctx;
  np_gw_header all[64];
  if (n >= 64)
    return NP_ETOOLARGE;
  memcpy(all, h, n * sizeof *h);
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  char us[32];
  snprintf(us, sizeof us, "%ld",
           (long)((now.tv_sec - t->t0.tv_sec) * 1000000 +
                  (now.tv_nsec - t->t0.tv_nsec) / 1000));
  all[n].name = "X-Elapsed-Us";
  all[n].value = us; /* copied by the server during the call */
  return np_gw_start_response(t->outer, status, all, n + 1, exc);
}

static int timing_write(np_gw_start *sr, const void *d, size_t n) {
  timing *t = sr->ctx;
  t->bytes += n;
  return np_gw_write(t->outer, d, n);
}

static int timing_next(np_gw_body *b, np_gw_chunk *out) {
  timing *t = b->ctx;
  int rc = np_gw_body_next(&t->inner, out);
  if (rc == NP_OK && out->kind == NP_GW_CHUNK_BYTES)
    t->bytes += out->len;
  return rc;
}

static void timing_close(np_gw_body *b) {
  timing *t = b->ctx;
  np_gw_body_close(&t->inner); /* close always reaches the inner body */
  free(t);
}

static int timing_app(void *ctx, np_gw_environ *env, np_gw_start *sr,
                      np_gw_body *body) {
  np_gw_app *inner = ctx;
  timing *t = calloc(1, sizeof *t);
  if (!t)
    return NP_ENOMEM;
  clock_gettime(CLOCK_MONOTONIC, &t->t0);
  t->sr.start = timing_start;
  t->sr.write = timing_write;
  t->sr.ctx = t;
  t->outer = sr;
  np_gw_body_init(&t->inner);
  np_gw_body_generator(body, timing_next, timing_close, t, -1);
  int rc = inner->call(inner->ctx, env, &t->sr, &t->inner);
  body->length = t->inner.length; /* keep Content-Length possible */
  return rc;
}

int main(int argc, char **argv) {
  static np_gw_app inner = {np_gw_demo_app, NULL};
  np_gw_app app = {timing_app, &inner};
  if (getenv("GATEWAY_INTERFACE"))
    return np_gw_cgi_main(app) < 0;
  np_gw_server_options o;
  np_gw_server_options_init(&o);
  o.host = "127.0.0.1";
  o.port = argc > 1 ? atoi(argv[1]) : 8000; /* a command-line number */
  o.validate = argc > 2 && strcmp(argv[2], "--validate") == 0;
  np_error err = NP_ERROR_INIT;
  np_gw_server *s;
  if (np_gw_make_server(&o, app, &s, &err) < 0) {
    fprintf(stderr, "gw_middleware: %s\n", err.message);
    return 1;
  }
  printf("Serving on port %d\n", np_gw_server_port(s));
  fflush(stdout);
  int rc = np_gw_server_serve(s, &err);
  np_gw_server_free(s);
  return rc < 0;
}
