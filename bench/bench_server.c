/*
 * bench_server: `netproto serve` against nginx (2 workers, sendfile on,
 * access log off) and `python3 -m http.server`, in one run:
 *   1. wrk, 2 threads, 64 keep-alive connections, on a 13-byte file and on
 *      a 1 MiB file: requests per second, and the ratio netproto / peer;
 *      and the server's CPU time per request (from /proc), which a busy
 *      machine disturbs much less than the rate;
 *   2. 10,000 idle keep-alive connections held open (each has made one
 *      request): the server's memory (resident, all its processes), its
 *      growth per connection, and the peak.
 * Each server runs alone while it is measured.  python3's http.server
 * speaks HTTP/1.0 and closes every connection, so it has no idle
 * keep-alive figure.
 *
 *   bench_server [--source DIR] [--runs ROUNDS] [--quick] [--seconds N]
 *                [--conns N] [--cli PATH]
 * --quick: one round of 2 s runs and 2,000 idle connections (unless
 * given); --no-python is accepted (the options every bench takes) but the
 * http.server rows are always measured.
 * Needs wrk, nginx and python3 (scripts/deps.txt); a missing peer prints
 * n/a.  Nothing here fails on speed.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int seconds, rounds, idle_conns;
/* Pinned mode: each server gets one worker on CPU 1, wrk one thread on
 * CPU 0, so neither competes with the other for a core. */
static int pinned;
static char dir[256], cli[4096];

static int dial(int port, int nonblock) {
  int fd = socket(AF_INET, SOCK_STREAM | (nonblock ? SOCK_NONBLOCK : 0), 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0 &&
      errno != EINPROGRESS) {
    close(fd);
    return -1;
  }
  return fd;
}

/* npb_spawn's hook in pinned mode: the server runs on CPU 1 only. */
static void pin_to_cpu1(void) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(1, &set);
  sched_setaffinity(0, sizeof set, &set);
}

static pid_t spawn(char *const argv[]) {
  return npb_spawn(argv, pinned ? pin_to_cpu1 : NULL);
}

/* Open n keep-alive connections, one request each, all answered; then
 * the server's resident memory.  Returns the fds through *fds. */
static int hold_idle(int port, int n, int *fds) {
  int ep = epoll_create1(0), opened = 0, answered = 0;
  static const char req[] = "GET /s13.txt HTTP/1.1\r\nHost: b\r\n\r\n";
  for (int i = 0; i < n; i++) {
    fds[i] = dial(port, 1);
    if (fds[i] < 0)
      break;
    struct epoll_event ev = {.events = EPOLLOUT, .data.u32 = (uint32_t)i};
    epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
    opened++;
    if (opened % 500 == 0) { /* let the server's accept queue drain */
      struct epoll_event evs[512];
      int k = epoll_wait(ep, evs, 512, 0);
      (void)k;
    }
  }
  static char sent[65536], got[65536];
  memset(sent, 0, sizeof sent);
  memset(got, 0, sizeof got);
  int64_t deadline = time(NULL) + 60;
  struct epoll_event evs[1024];
  while (answered < opened && time(NULL) < deadline) {
    int k = epoll_wait(ep, evs, 1024, 1000);
    for (int j = 0; j < k; j++) {
      int i = (int)evs[j].data.u32;
      if (!sent[i] && (evs[j].events & EPOLLOUT)) {
        if (write(fds[i], req, sizeof req - 1) == (ssize_t)sizeof req - 1) {
          sent[i] = 1;
          struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
          epoll_ctl(ep, EPOLL_CTL_MOD, fds[i], &ev);
        }
      } else if (evs[j].events & EPOLLIN) {
        char b[1024];
        ssize_t r = read(fds[i], b, sizeof b);
        if (r > 0 && !got[i] && memmem(b, (size_t)r, "hello", 5)) {
          got[i] = 1;
          answered++;
          epoll_ctl(ep, EPOLL_CTL_DEL, fds[i], NULL);
        } else if (r == 0) {
          epoll_ctl(ep, EPOLL_CTL_DEL, fds[i], NULL);
        }
      }
    }
  }
  close(ep);
  return answered;
}

typedef struct server {
  const char *name;
  pid_t pid;
  int port;
  double rps_small, rps_big;
  double cpu_small, cpu_big; /* server CPU microseconds per request */
  long base_kib, idle_kib, peak_kib;
  int idle_ok;
} server;

static pid_t start_server(server *s) {
  char port[16];
  s->port = npb_free_port();
  snprintf(port, sizeof port, "%d", s->port);
  if (!strcmp(s->name, "netproto serve")) {
    char www[300];
    snprintf(www, sizeof www, "%s/www", dir);
    char *argv[] = {cli, "serve", "-q", "-b", "127.0.0.1", "--threads",
                    pinned ? "1" : "2", "-d", www, port, NULL};
    s->pid = spawn(argv);
  } else if (!strcmp(s->name, "nginx")) {
    char path[300];
    snprintf(path, sizeof path, "%s/nginx.conf", dir);
    FILE *f = fopen(path, "w");
    if (!f)
      return -1;
    fprintf(f,
            "worker_processes %d; worker_rlimit_nofile 30000;\n"
            "pid %s/nginx.pid; error_log %s/nginx.err; daemon off;\n"
            "events { worker_connections 20000; }\n",
            pinned ? 1 : 2, dir, dir);
    fprintf(f,
            "http { access_log off; sendfile on; tcp_nopush on;\n"
            "  keepalive_requests 10000000; keepalive_timeout 120s;\n"
            "  client_body_temp_path %s/t1; proxy_temp_path %s/t2;\n"
            "  fastcgi_temp_path %s/t3; uwsgi_temp_path %s/t4;"
            "  scgi_temp_path %s/t5;\n"
            "  types { text/plain txt; application/octet-stream bin; }\n"
            "  server { listen 127.0.0.1:%d reuseport; root %s/www; } }\n",
            dir, dir, dir, dir, dir, s->port, dir);
    fclose(f);
    char *argv[] = {"nginx", "-c", path, "-p", dir, NULL};
    s->pid = spawn(argv);
  } else {
    char www[300];
    snprintf(www, sizeof www, "%s/www", dir);
    char *argv[] = {"python3", "-m", "http.server", "-b", "127.0.0.1",
                    "-d", www, port, NULL};
    s->pid = spawn(argv);
  }
  if (s->pid <= 0 || npb_wait_port(s->port, 5000) != 0) {
    npb_stop(s->pid);
    s->pid = -1;
  }
  return s->pid;
}

/* One wrk run on s's file; keeps the best rate and the least CPU per
 * request of the rounds in *rps and *cpu_us. */
static void run_one(const server *s, const char *file, double *rps,
                    double *cpu_us) {
  char url[128];
  snprintf(url, sizeof url, "http://127.0.0.1:%d/%s", s->port, file);
  npb_wrk_run r = {"bench_server", s->name, url, pinned ? 1 : 2, seconds,
                   pinned ? 0 : -1, s->pid};
  double cpu = -1, v = npb_wrk(&r, &cpu);
  if (v > *rps)
    *rps = v;
  if (cpu > 0 && (*cpu_us < 0 || cpu < *cpu_us))
    *cpu_us = cpu;
}

/* Throughput: every server runs while the others idle; rounds alternate
 * between them (netproto, nginx, python, netproto, ...) and each keeps its
 * best round, so load from other programs on the machine, which comes and
 * goes, does not favour whoever ran in a quiet moment. */
static void measure_rps(server *s, int n, int nrounds) {
  for (int i = 0; i < n; i++) {
    s[i].rps_small = s[i].rps_big = -1;
    s[i].cpu_small = s[i].cpu_big = -1;
    if (start_server(&s[i]) <= 0)
      fprintf(stderr, "bench_server: %s did not start\n", s[i].name);
  }
  /* Each round starts one server later, and each run waits for the
   * previous one to settle, so that no server is always the one measured
   * right after python's connection-per-request run (as in
   * bench_gateway). */
  for (int round = 0; round < nrounds; round++) {
    for (int k = 0; k < n; k++) {
      int i = (round + k) % n;
      if (s[i].pid <= 0)
        continue;
      npb_sleep_ms(500);
      run_one(&s[i], "s13.txt", &s[i].rps_small, &s[i].cpu_small);
      run_one(&s[i], "big.bin", &s[i].rps_big, &s[i].cpu_big);
    }
  }
  for (int i = 0; i < n; i++)
    npb_stop(s[i].pid);
}

/* Memory: a fresh server, one warm-up request, then idle_conns clients. */
static void measure_idle(server *s) {
  s->base_kib = s->idle_kib = s->peak_kib = -1;
  if (start_server(s) <= 0)
    return;
  int *fds = malloc(sizeof(int) * (size_t)idle_conns);
  for (int i = 0; i < idle_conns; i++)
    fds[i] = -1;
  int warm = dial(s->port, 0); /* one request first: buffers allocated */
  if (warm >= 0) {
    static const char r[] = "GET /s13.txt HTTP/1.0\r\n\r\n";
    char b[512];
    if (write(warm, r, sizeof r - 1) > 0 && read(warm, b, sizeof b) > 0)
      npb_sleep_ms(100);
    close(warm);
  }
  s->base_kib = npb_tree_kib(s->pid, "VmRSS:");
  int ok = hold_idle(s->port, idle_conns, fds);
  npb_sleep_ms(500);
  s->idle_kib = npb_tree_kib(s->pid, "VmRSS:");
  s->peak_kib = npb_tree_kib(s->pid, "VmHWM:");
  s->idle_ok = ok;
  for (int i = 0; i < idle_conns; i++)
    if (fds[i] >= 0)
      close(fds[i]);
  free(fds);
  npb_stop(s->pid);
}

static void ratio(const char *what, double np, double peer) {
  if (np > 0 && peer > 0)
    printf("  %-34s %8.2f\n", what, np / peer);
  else
    printf("  %-34s %8s\n", what, "n/a");
}

static void print_rps(const server *s, const char *how) {
  printf("\nHTTP static files, %s; -c64 -d%ds, keep-alive, loopback, "
         "best of %d alternating rounds\n",
         how, seconds, rounds);
  printf("  %-24s %14s %14s\n", "server", "13 B req/s", "1 MiB req/s");
  for (int i = 0; i < 3; i++)
    printf("  %-24s %14.0f %14.0f\n", s[i].name, s[i].rps_small, s[i].rps_big);
  printf("ratio netproto / peer (>= 1.0: netproto is faster)\n");
  ratio("13 B vs nginx", s[0].rps_small, s[1].rps_small);
  ratio("1 MiB vs nginx", s[0].rps_big, s[1].rps_big);
  ratio("13 B vs python3 -m http.server", s[0].rps_small, s[2].rps_small);
  ratio("1 MiB vs python3 -m http.server", s[0].rps_big, s[2].rps_big);
  printf("server CPU time per request (user+system, all its processes "
         "and threads; best round)\n");
  printf("  %-24s %14s %14s\n", "server", "13 B us/req", "1 MiB us/req");
  for (int i = 0; i < 3; i++)
    printf("  %-24s %14.2f %14.2f\n", s[i].name, s[i].cpu_small,
           s[i].cpu_big);
  printf("ratio peer / netproto (>= 1.0: netproto uses less CPU)\n");
  ratio("13 B vs nginx", s[1].cpu_small, s[0].cpu_small);
  ratio("1 MiB vs nginx", s[1].cpu_big, s[0].cpu_big);
}

static void write_file(const char *name, size_t size, const char *text) {
  char p[400];
  snprintf(p, sizeof p, "%s/www/%s", dir, name);
  FILE *f = fopen(p, "wb");
  if (!f)
    return;
  if (text) {
    fputs(text, f);
  } else {
    unsigned x = 12345;
    for (size_t i = 0; i < size; i++) {
      x = x * 1103515245u + 12345u;
      fputc((int)(x >> 16) & 0xff, f);
    }
  }
  fclose(f);
}

/* bench_server's own options: --seconds N, --conns N, --cli PATH. */
static int own_option(void *ctx, int argc, char **argv, int i) {
  long n;
  (void)ctx;
  if (i + 1 >= argc)
    return 0;
  if (!strcmp(argv[i], "--cli")) {
    snprintf(cli, sizeof cli, "%s", argv[i + 1]);
    return 2;
  }
  int is_seconds = !strcmp(argv[i], "--seconds");
  if (!is_seconds && strcmp(argv[i], "--conns") != 0)
    return 0;
  if (npb_parse_count(argv[i + 1], 1, is_seconds ? 3600 : 1000000, &n) != 0)
    return -1;
  *(is_seconds ? &seconds : &idle_conns) = (int)n;
  return 2;
}

int main(int argc, char **argv) {
  npb_options opt;
  npb_options_init(&opt, "bench_server", 3);
  seconds = idle_conns = 0; /* 0: not given, the defaults below */
  if (npb_parse_options(&opt, argc, argv,
                        "[--seconds N] [--conns N] [--cli PATH]", own_option,
                        NULL) != 0)
    return 2;
  /* --runs K: K rounds; --quick: one round (unless a later --runs says
   * otherwise), 2 s runs and 2,000 idle connections (unless given). */
  rounds = opt.quick && opt.runs == 3 ? 1 : opt.runs;
  if (!seconds)
    seconds = opt.quick ? 2 : 5;
  if (!idle_conns)
    idle_conns = opt.quick ? 2000 : 10000;
  npb_find_cli(cli, sizeof cli);
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_max < (rlim_t)idle_conns + 64)
      idle_conns = (int)rl.rlim_max - 64;
  }
  signal(SIGPIPE, SIG_IGN);
  snprintf(dir, sizeof dir, "/tmp/bench_server.XXXXXX");
  if (!mkdtemp(dir))
    return 1;
  chmod(dir, 0755); /* nginx's workers run as another user when root */
  char www[300];
  snprintf(www, sizeof www, "%s/www", dir);
  mkdir(www, 0755);
  write_file("s13.txt", 13, "hello world!\n");
  write_file("big.bin", 1 << 20, NULL);

  server s[3] = {{.name = "netproto serve"}, {.name = "nginx"},
                 {.name = "python3 -m http.server"}};
  measure_rps(s, 3, rounds);
  print_rps(s, "2 server workers, wrk -t2, sharing both cores");
  if (sysconf(_SC_NPROCESSORS_ONLN) >= 2) {
    server p[3] = {{.name = "netproto serve"}, {.name = "nginx"},
                   {.name = "python3 -m http.server"}};
    pinned = 1;
    measure_rps(p, 3, rounds);
    pinned = 0;
    print_rps(p, "1 server worker on CPU 1, wrk -t1 on CPU 0");
  }
  measure_idle(&s[0]);
  measure_idle(&s[1]);

  printf("\n%d idle keep-alive connections (each made one request)\n",
         idle_conns);
  printf("  %-24s %8s %10s %10s %10s %12s\n", "server", "held", "base KiB",
         "idle KiB", "peak KiB", "B/conn");
  for (int i = 0; i < 2; i++) {
    double per = s[i].idle_ok > 0 ? (double)(s[i].idle_kib - s[i].base_kib) *
                                        1024.0 / s[i].idle_ok
                                  : -1;
    printf("  %-24s %8d %10ld %10ld %10ld %12.0f\n", s[i].name, s[i].idle_ok,
           s[i].base_kib, s[i].idle_kib, s[i].peak_kib, per);
  }
  printf("  python3 -m http.server: n/a (HTTP/1.0, closes every connection)\n");
  npb_remove_dir("bench_server", dir);
  return 0;
}
