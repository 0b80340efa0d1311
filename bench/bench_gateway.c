/*
 * bench_gateway: the gateway's built-in server running the hello
 * application against nginx's `return 200` and CPython's
 * wsgiref.simple_server with the same hello application, and the same
 * application under the validator, in one run:
 *   wrk, 2 threads, 64 keep-alive connections, loopback; requests per
 *   second, best of ROUNDS rounds that alternate between the servers so
 *   that load from elsewhere on the machine favours none of them; and the
 *   server's CPU time per request (from /proc), which a busy machine
 *   disturbs much less than the rate.
 * The gateway runs in a child process of this program (2 worker threads,
 * as nginx has 2 workers).  CPython's wsgiref speaks HTTP/1.0 and closes
 * every connection; wrk reconnects, which is what its users get.
 *
 *   bench_gateway [--source DIR] [--runs N] [--quick] [--seconds N]
 *                 [--rounds N] [--threads N]
 * --rounds is --runs; --quick is one round of 2 s runs (unless given).
 * Needs wrk, nginx and python3 (scripts/deps.txt); a missing peer prints
 * n/a.  Nothing here fails on speed.
 */
#define _GNU_SOURCE
#include "harness.h"
#include "netproto/gateway.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int seconds, rounds, threads = 2;
static char dir[256];

/* The application every server runs. */
static int hello(void *ctx, np_gw_environ *env, np_gw_start *sr,
                 np_gw_body *body) {
  (void)ctx;
  (void)env;
  static const np_gw_header h[] = {{"Content-Type", "text/plain"}};
  int rc = np_gw_start_response(sr, "200 OK", h, 1, NULL);
  return rc < 0 ? rc : np_gw_body_bytes(body, "Hello world!\n", 13);
}

static np_gw_server *child_server;
static void on_term(int sig) {
  (void)sig;
  if (child_server)
    np_gw_server_stop(child_server);
}

static pid_t start_gateway(int port, bool validate) {
  pid_t pid = fork();
  if (pid != 0)
    return pid;
  setpgid(0, 0);
  np_gw_server_options o;
  np_gw_server_options_init(&o);
  o.host = "127.0.0.1";
  o.port = port;
  o.threads = threads;
  o.validate = validate;
  np_gw_app app = {hello, NULL};
  np_error err = NP_ERROR_INIT;
  if (np_gw_make_server(&o, app, &child_server, &err) < 0)
    _exit(1);
  signal(SIGTERM, on_term);
  np_gw_server_serve(child_server, &err);
  _exit(0);
}

static pid_t start_nginx(int port) {
  char path[300];
  snprintf(path, sizeof path, "%s/nginx.conf", dir);
  FILE *f = fopen(path, "w");
  if (!f)
    return -1;
  fprintf(f,
          "worker_processes 2; worker_rlimit_nofile 30000;\n"
          "pid %s/nginx.pid; error_log %s/nginx.err; daemon off;\n"
          "events { worker_connections 20000; }\n"
          "http { access_log off; keepalive_requests 10000000;\n"
          "  client_body_temp_path %s/t1; proxy_temp_path %s/t2;\n"
          "  fastcgi_temp_path %s/t3; uwsgi_temp_path %s/t4;"
          "  scgi_temp_path %s/t5;\n"
          "  server { listen 127.0.0.1:%d reuseport;\n"
          "    location / { default_type text/plain;\n"
          "      return 200 \"Hello world!\\n\"; } } }\n",
          dir, dir, dir, dir, dir, dir, dir, port);
  fclose(f);
  char *argv[] = {"nginx", "-c", path, "-p", dir, NULL};
  return npb_spawn(argv, NULL);
}

static pid_t start_cpython(int port) {
  char code[1024];
  snprintf(code, sizeof code,
           "from wsgiref.simple_server import make_server, WSGIRequestHandler\n"
           "class Q(WSGIRequestHandler):\n"
           "  def log_message(self, *a): pass\n"
           "def hello(environ, start_response):\n"
           "  start_response('200 OK', [('Content-Type', 'text/plain')])\n"
           "  return [b'Hello world!\\n']\n"
           "make_server('127.0.0.1', %d, hello, handler_class=Q)"
           ".serve_forever()\n",
           port);
  char *argv[] = {"python3", "-c", code, NULL};
  return npb_spawn(argv, NULL);
}

typedef struct server {
  const char *name;
  pid_t pid;
  int port;
  double rps;
  double cpu_us; /* server CPU per request, best round */
} server;

static void start(server *s, int kind) {
  s->port = npb_free_port();
  s->rps = -1;
  s->cpu_us = -1;
  s->pid = kind == 0   ? start_gateway(s->port, false)
           : kind == 1 ? start_gateway(s->port, true)
           : kind == 2 ? start_nginx(s->port)
                       : start_cpython(s->port);
  if (s->pid <= 0 || npb_wait_port(s->port, 5000) != 0) {
    fprintf(stderr, "bench_gateway: %s did not start\n", s->name);
    npb_stop(s->pid);
    s->pid = -1;
  }
}

static void ratio(const char *what, double a, double b) {
  if (a > 0 && b > 0)
    printf("  %-34s %8.2f\n", what, a / b);
  else
    printf("  %-34s %8s\n", what, "n/a");
}

/* bench_gateway's own options: --seconds N, --rounds N (as --runs),
 * --threads N. */
static int own_option(void *ctx, int argc, char **argv, int i) {
  long n;
  int *dst = !strcmp(argv[i], "--seconds")   ? &seconds
             : !strcmp(argv[i], "--rounds")  ? &rounds
             : !strcmp(argv[i], "--threads") ? &threads
                                             : NULL;
  (void)ctx;
  if (!dst)
    return 0;
  if (i + 1 >= argc || npb_parse_count(argv[i + 1], 1, 3600, &n) != 0)
    return -1;
  *dst = (int)n;
  return 2;
}

int main(int argc, char **argv) {
  npb_options opt;
  npb_options_init(&opt, "bench_gateway", 3);
  seconds = rounds = 0; /* 0: not given, the defaults below */
  if (npb_parse_options(&opt, argc, argv,
                        "[--seconds N] [--rounds N] [--threads N]",
                        own_option, NULL) != 0)
    return 2;
  /* --rounds N or --runs N: N rounds; --quick: one round of 2 s runs
   * (unless given). */
  if (!rounds)
    rounds = opt.quick && opt.runs == 3 ? 1 : opt.runs;
  if (!seconds)
    seconds = opt.quick ? 2 : 5;
  signal(SIGPIPE, SIG_IGN);
  snprintf(dir, sizeof dir, "/tmp/bench_gateway.XXXXXX");
  if (!mkdtemp(dir))
    return 1;
  server s[4] = {{.name = "netproto gateway"},
                 {.name = "netproto gateway + validator"},
                 {.name = "nginx return 200"},
                 {.name = "CPython wsgiref"}};
  for (int i = 0; i < 4; i++)
    start(&s[i], i);
  /* Each round starts one server later, and each run waits half a second
   * for the previous server to settle: with a fixed order, the gateway
   * (measured first, right after start-up or after CPython's
   * connection-per-request run) came out below the validator, which costs
   * more CPU, in 4 of 5 runs on a loaded machine. */
  for (int r = 0; r < rounds; r++)
    for (int k = 0; k < 4; k++) {
      int i = (r + k) % 4;
      if (s[i].pid <= 0)
        continue;
      npb_sleep_ms(500);
      char url[64];
      snprintf(url, sizeof url, "http://127.0.0.1:%d/", s[i].port);
      npb_wrk_run run = {"bench_gateway", s[i].name, url, 2, seconds, -1,
                         s[i].pid};
      double cpu = -1, v = npb_wrk(&run, &cpu);
      if (v > s[i].rps)
        s[i].rps = v;
      if (cpu > 0 && (s[i].cpu_us < 0 || cpu < s[i].cpu_us))
        s[i].cpu_us = cpu;
    }
  for (int i = 0; i < 4; i++)
    npb_stop(s[i].pid);
  printf("\nhello application, wrk -t2 -c64 -d%ds, keep-alive, loopback, "
         "best of %d rounds (gateway: %d threads, nginx: 2 workers)\n",
         seconds, rounds, threads);
  for (int i = 0; i < 4; i++) {
    if (s[i].rps > 0)
      printf("  %-34s %10.0f req/s %8.1f us CPU/request\n", s[i].name,
             s[i].rps, s[i].cpu_us);
    else
      printf("  %-34s %10s\n", s[i].name, "n/a");
  }
  printf("ratios\n");
  ratio("gateway / nginx (target >= 1.0)", s[0].rps, s[2].rps);
  ratio("gateway / CPython (target >= 50)", s[0].rps, s[3].rps);
  ratio("validated / plain (target >= 0.9)", s[1].rps, s[0].rps);
  printf("CPU per request (peer / gateway: > 1 means the gateway spends "
         "less)\n");
  ratio("nginx / gateway", s[2].cpu_us, s[0].cpu_us);
  ratio("CPython / gateway", s[3].cpu_us, s[0].cpu_us);
  ratio("gateway / validated", s[0].cpu_us, s[1].cpu_us);
  npb_remove_dir("bench_gateway", dir);
  return 0;
}
