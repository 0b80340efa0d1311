/*
 * netproto serve: `python -m http.server` - serve a directory over HTTP.
 *   netproto serve [-b ADDR] [-d DIR] [--threads N] [-p PROTO] [-q] [PORT]
 */
#define _GNU_SOURCE
#include "cli.h"

#include "netproto/http_server.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static np_httpd *serving;
static volatile sig_atomic_t got_signal;

static void on_signal(int sig) {
  got_signal = sig;
  if (serving)
    np_httpd_stop(serving);
}

static void serve_usage(FILE *f) {
  fprintf(f,
          "usage: netproto serve [-b ADDRESS] [-d DIRECTORY] [--threads N]\n"
          "                      [-p VERSION] [-q] [PORT]\n"
          "\n"
          "Serve the files of a directory over HTTP (python -m http.server).\n"
          "\n"
          "  PORT                 port to listen on (default 8000)\n"
          "  -b, --bind ADDRESS   address to bind (default: all, IPv6 and IPv4)\n"
          "  -d, --directory DIR  directory to serve (default: current)\n"
          "  --threads N          event-loop worker threads (default: CPUs)\n"
          "  -p, --protocol VER   HTTP/1.1 (default, keep-alive) or HTTP/1.0\n"
          "  -q, --quiet          do not log requests to stderr\n"
          "\n"
          "SIGINT or SIGTERM stops it after the requests in flight.\n");
}

typedef struct serve_args {
  const char *bind, *dir, *proto;
  long port, threads;
  int quiet;
} serve_args;

static int parse_args(int argc, char **argv, serve_args *a) {
  for (int i = 1; i < argc; i++) {
    const char *o = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (np_cli_is_help(o)) {
      serve_usage(stdout);
      return -1;
    }
    if (!strcmp(o, "-q") || !strcmp(o, "--quiet")) {
      a->quiet = 1;
      continue;
    }
    int takes = !strcmp(o, "-b") || !strcmp(o, "--bind") || !strcmp(o, "-d") ||
                !strcmp(o, "--directory") || !strcmp(o, "--threads") ||
                !strcmp(o, "-p") || !strcmp(o, "--protocol");
    if (takes && !v)
      return np_cli_usage_error("serve", "%s needs a value", o);
    if (!strcmp(o, "-b") || !strcmp(o, "--bind"))
      a->bind = v;
    else if (!strcmp(o, "-d") || !strcmp(o, "--directory"))
      a->dir = v;
    else if (!strcmp(o, "-p") || !strcmp(o, "--protocol"))
      a->proto = v;
    else if (!strcmp(o, "--threads") &&
             (a->threads = np_cli_number(v, 1, 1024)) < 0)
      return np_cli_usage_error("serve", "--threads takes 1..1024");
    else if (!takes && o[0] == '-' && o[1])
      return np_cli_usage_error("serve", "unknown option %s", o);
    else if (!takes && (a->port = np_cli_number(o, 0, 65535)) < 0)
      return np_cli_usage_error("serve", "bad port '%s'", o);
    if (takes)
      i++;
  }
  return 0;
}

/* A server holds a descriptor per client: take the hard limit, as nginx's
 * worker_rlimit_nofile would. */
static void raise_nofile(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

int np_cmd_serve(int argc, char **argv) {
  serve_args a = {NULL, ".", "HTTP/1.1", 8000, 0, 0};
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  a.threads = ncpu > 0 ? ncpu : 1;
  int prc = parse_args(argc, argv, &a);
  if (prc != 0)
    return prc < 0 ? NP_EXIT_OK : prc;
  raise_nofile();
  np_error err = NP_ERROR_INIT;
  np_httpd_static_options so;
  np_httpd_static_options_init(&so);
  so.directory = a.dir;
  np_httpd_static *st;
  if (np_httpd_static_new(&so, &st, &err) != NP_OK) {
    fprintf(stderr, "netproto serve: %s\n", err.message);
    return NP_EXIT_FAIL;
  }
  np_httpd_options o;
  np_httpd_options_init(&o);
  o.port = (int)a.port;
  o.threads = (int)a.threads;
  o.protocol_version = a.proto;
  o.log = a.quiet ? NULL : stderr;
  np_httpd_handler h = np_httpd_static_handler(st);
  np_httpd *s = NULL;
  int rc;
  if (a.bind) {
    o.host = a.bind;
    rc = np_httpd_new(&o, &h, &s, &err);
  } else { /* dual-stack "::" as Python's DualStackServer, else IPv4 */
    o.host = "::";
    rc = np_httpd_new(&o, &h, &s, &err);
    if (rc != NP_OK) {
      o.host = "0.0.0.0";
      rc = np_httpd_new(&o, &h, &s, &err);
    }
  }
  if (rc != NP_OK) {
    fprintf(stderr, "netproto serve: %s\n", err.message);
    np_httpd_static_free(st);
    return NP_EXIT_FAIL;
  }
  char host[64];
  int port;
  np_httpd_address(s, host, sizeof host, &port);
  int v6 = strchr(host, ':') != NULL;
  printf("Serving HTTP on %s port %d (http://%s%s%s:%d/) ...\n", host, port,
         v6 ? "[" : "", host, v6 ? "]" : "", port);
  fflush(stdout);
  serving = s;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  rc = np_httpd_serve(s, &err);
  serving = NULL;
  if (got_signal == SIGINT) /* what Python prints on Ctrl-C */
    printf("\nKeyboard interrupt received, exiting.\n");
  np_httpd_free(s);
  np_httpd_static_free(st);
  if (rc != NP_OK) {
    fprintf(stderr, "netproto serve: %s\n", err.message);
    return NP_EXIT_FAIL;
  }
  return NP_EXIT_OK;
}
