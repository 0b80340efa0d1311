/*
 * netproto gateway-demo: `python -m wsgiref.simple_server` - serve
 * demo_app, show it in a web browser, serve one request and exit.
 *   netproto gateway-demo [--forever] [-b ADDR] [--no-browser]
 *                         [--validate] [--threads N] [-q] [PORT]
 * With no browser (or --no-browser) the page is fetched with netproto's
 * own HTTP client and printed, so the demo runs end to end anywhere.
 */
#include "cli.h"

#include "netproto/gateway.h"
#include "netproto/http_client.h"
#include "netproto/webbrowser.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static np_gw_server *serving;

static void on_signal(int sig) {
  (void)sig;
  if (serving)
    np_gw_server_stop(serving);
}

static void demo_usage(FILE *f) {
  fprintf(f,
          "usage: netproto gateway-demo [--forever] [-b ADDRESS] [--no-browser]\n"
          "                             [--validate] [--threads N] [-q] [PORT]\n"
          "\n"
          "Serve the gateway's demo application (python -m "
          "wsgiref.simple_server):\n"
          "open http://localhost:PORT/xyz?abc in a web browser, answer one "
          "request, exit.\n"
          "\n"
          "  PORT               port to listen on (default 8000; 0 picks one)\n"
          "  -b, --bind ADDR    address to bind (default: all)\n"
          "  --forever          keep serving until SIGINT or SIGTERM\n"
          "  --no-browser       fetch the page with netproto's client and "
          "print it\n"
          "  --validate         serve the application under the validator\n"
          "  --threads N        worker threads (default 1)\n"
          "  -q, --quiet        do not log requests to stderr\n");
}

typedef struct demo_args {
  const char *bind;
  long port, threads;
  int forever, no_browser, validate, quiet;
} demo_args;

static int parse_args(int argc, char **argv, demo_args *a) {
  for (int i = 1; i < argc; i++) {
    const char *o = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (np_cli_is_help(o)) {
      demo_usage(stdout);
      return -1;
    } else if (strcmp(o, "--forever") == 0) {
      a->forever = 1;
    } else if (strcmp(o, "--no-browser") == 0) {
      a->no_browser = 1;
    } else if (strcmp(o, "--validate") == 0) {
      a->validate = 1;
    } else if (strcmp(o, "-q") == 0 || strcmp(o, "--quiet") == 0) {
      a->quiet = 1;
    } else if ((strcmp(o, "-b") == 0 || strcmp(o, "--bind") == 0) && v) {
      a->bind = v;
      i++;
    } else if (strcmp(o, "--threads") == 0 && v &&
               (a->threads = np_cli_number(v, 1, 256)) > 0) {
      i++;
    } else if (o[0] != '-' &&
               (a->port = np_cli_number(o, 0, 65535)) >= 0) {
      continue;
    } else {
      return np_cli_usage_error("gateway-demo", "bad argument '%s'", o);
    }
  }
  return 0;
}

/* The no-browser path: GET the page with http.client and print it. */
typedef struct fetch {
  char host[300]; /* where the server listens, as http.client takes it */
  int port;
  int status;
  np_gw_server *server; /* stopped when the page cannot be fetched */
} fetch;

/* The address to fetch from: the bound one, loopback for a wildcard. */
static void fetch_host(fetch *f, const char *bind) {
  if (!bind || !*bind || strcmp(bind, "0.0.0.0") == 0)
    bind = "127.0.0.1";
  else if (strcmp(bind, "::") == 0)
    bind = "::1";
  snprintf(f->host, sizeof f->host, strchr(bind, ':') ? "[%s]" : "%s", bind);
}

static void *fetch_page(void *arg) {
  fetch *f = arg;
  np_error err = NP_ERROR_INIT;
  np_http_conn *c = NULL;
  np_http_resp *r = NULL;
  np_buf body;
  np_buf_init(&body, 1 << 20);
  f->status = np_http_conn_new(&c, f->host, f->port, NULL, &err);
  if (f->status == NP_OK)
    f->status = np_http_conn_request(c, "GET", "/xyz?abc", NULL, 0, NULL, 0,
                                     &err);
  if (f->status == NP_OK)
    f->status = np_http_conn_getresponse(c, &r, &err);
  if (f->status == NP_OK)
    f->status = np_http_resp_read_all(r, &body, &err);
  if (f->status == NP_OK)
    fwrite(body.data, 1, body.len, stdout);
  else {
    fprintf(stderr, "netproto gateway-demo: fetching the page: %s %s\n",
            np_strerror(f->status), err.message);
    np_gw_server_stop(f->server); /* no request will come */
  }
  fflush(stdout);
  if (r)
    np_http_resp_close(r);
  np_http_conn_free(c);
  np_buf_free(&body);
  np_error_clear(&err);
  return NULL;
}

int np_cmd_gateway_demo(int argc, char **argv) {
  demo_args a = {NULL, 8000, 1, 0, 0, 0, 0};
  int rc = parse_args(argc, argv, &a);
  if (rc)
    return rc < 0 ? NP_EXIT_OK : rc;
  np_gw_server_options o;
  np_gw_server_options_init(&o);
  o.host = a.bind;
  o.port = (int)a.port;
  o.threads = (int)a.threads;
  o.log = a.quiet ? NULL : stderr;
  o.validate = a.validate;
  o.max_requests = a.forever ? 0 : 1;
  np_gw_app app = {np_gw_demo_app, NULL};
  np_error err = NP_ERROR_INIT;
  np_gw_server *s;
  rc = np_gw_make_server(&o, app, &s, &err);
  if (rc < 0) {
    fprintf(stderr, "netproto gateway-demo: %s: %s\n", np_strerror(rc),
            err.message);
    np_error_clear(&err);
    return NP_EXIT_FAIL;
  }
  int port = np_gw_server_port(s);
  printf("Serving HTTP on %s port %d ...\n", a.bind && *a.bind ? a.bind : "0.0.0.0",
         port);
  fflush(stdout);
  char url[64];
  snprintf(url, sizeof url, "http://localhost:%d/xyz?abc", port);
  fetch f;
  memset(&f, 0, sizeof f);
  fetch_host(&f, a.bind);
  f.port = port;
  f.server = s;
  pthread_t tid;
  int fetching = 0;
  if (a.no_browser ||
      np_browser_open(url, strlen(url), 0, 1, &err) != NP_OK) {
    if (!a.no_browser)
      fprintf(stderr, "netproto gateway-demo: no browser (%s); fetching %s\n",
              err.message, url);
    fetching = pthread_create(&tid, NULL, fetch_page, &f) == 0;
  }
  serving = s;
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  rc = np_gw_server_serve(s, &err);
  serving = NULL;
  if (fetching)
    pthread_join(tid, NULL);
  np_gw_server_free(s);
  if (rc < 0)
    fprintf(stderr, "netproto gateway-demo: %s\n", np_strerror(rc));
  np_error_clear(&err);
  return rc < 0 || (fetching && f.status < 0) ? NP_EXIT_FAIL : NP_EXIT_OK;
}
