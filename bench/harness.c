/*
 * bench/harness.c - timing, tables, RSS and peer-process helpers for the
 * benchmarks (see harness.h).
 */
/* wait4() (a child's own peak RSS) is BSD/Linux, outside POSIX. */
#define _DEFAULT_SOURCE
#include "harness.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef NPB_SOURCE_DIR
#define NPB_SOURCE_DIR "."
#endif

#define NPB_MAX_RUNS 64

uint64_t npb_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t time_rounds(npb_body_fn body, void *ctx, long rounds) {
  uint64_t t0 = npb_now_ns();
  for (long i = 0; i < rounds; i++)
    body(ctx);
  return npb_now_ns() - t0;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Double the rounds until one run lasts min_ns; bounded so a body that
 * takes no time at all cannot loop for ever. */
static long calibrate(npb_body_fn body, void *ctx, uint64_t min_ns) {
  long rounds = 1;
  while (rounds < (1L << 24)) {
    uint64_t t = time_rounds(body, ctx, rounds);
    if (t >= min_ns)
      break;
    rounds *= 2;
  }
  return rounds;
}

void npb_measure(npb_body_fn body, void *ctx, int runs, uint64_t min_run_ns,
                 npb_result *out) {
  double t[NPB_MAX_RUNS];
  if (runs <= 0)
    runs = 7;
  if (runs > NPB_MAX_RUNS)
    runs = NPB_MAX_RUNS;
  if (min_run_ns == 0)
    min_run_ns = 20 * 1000 * 1000;
  body(ctx); /* warm caches, let the code reach its steady state */
  long rounds = calibrate(body, ctx, min_run_ns);
  for (int i = 0; i < runs; i++)
    t[i] = (double)time_rounds(body, ctx, rounds) / (double)rounds;
  qsort(t, (size_t)runs, sizeof t[0], cmp_double);
  out->best_ns = t[0];
  out->median_ns = (runs % 2) ? t[runs / 2]
                              : (t[runs / 2 - 1] + t[runs / 2]) / 2.0;
  out->runs = runs;
  out->rounds = rounds;
}

double npb_ns_per_op(double ns_per_call, double ops) {
  return ops > 0 ? ns_per_call / ops : -1.0;
}

double npb_mbps(double ns_per_call, double bytes) {
  return ns_per_call > 0 ? bytes * 1e3 / ns_per_call : -1.0;
}

/* The table keeps only its reference value between calls: one table at a
 * time, which is how a benchmark prints. */
static struct {
  npb_unit unit;
  double ref;
  int rows;
} table;

void npb_table_begin(const char *title, npb_unit unit) {
  table.unit = unit;
  table.ref = -1.0;
  table.rows = 0;
  printf("\n%s\n", title);
  printf("  %-22s %12s %12s %8s  %s\n", "implementation",
         unit == NPB_NS ? "median ns" : "median MB/s",
         unit == NPB_NS ? "best ns" : "best MB/s", "ratio", "note");
}

static void print_value(double v) {
  if (v < 0)
    printf(" %12s", "n/a");
  else if (v >= 100)
    printf(" %12.0f", v);
  else
    printf(" %12.1f", v);
}

void npb_table_row(const char *name, double median, double best,
                   const char *note) {
  printf("  %-22s", name);
  print_value(median);
  print_value(best);
  if (table.rows == 0)
    table.ref = median;
  /* Ratio = peer time / netproto time, whatever the unit. */
  double ratio = -1.0;
  if (table.ref > 0 && median > 0)
    ratio = table.unit == NPB_NS ? median / table.ref : table.ref / median;
  if (table.rows == 0)
    printf(" %8s", "1.00");
  else if (ratio < 0)
    printf(" %8s", "n/a");
  else
    printf(" %8.2f", ratio);
  printf("  %s\n", note ? note : "");
  table.rows++;
}

void npb_table_end(void) {
  printf("  (ratio = peer time / netproto time: > 1 means netproto is "
         "faster)\n");
  fflush(stdout);
}

/* The first number after "key:" in a "Key:   123 kB" line of a file. */
static long proc_status_kib(const char *key) {
  FILE *f = fopen("/proc/self/status", "r");
  if (!f)
    return -1;
  char line[256];
  long v = -1;
  size_t klen = strlen(key);
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
      if (sscanf(line + klen + 1, "%ld", &v) != 1)
        v = -1;
      break;
    }
  }
  fclose(f);
  return v;
}

long npb_peak_rss_kib(void) {
  long v = proc_status_kib("VmHWM");
  if (v >= 0)
    return v;
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) == 0)
    return ru.ru_maxrss; /* KiB on Linux */
  return -1;
}

long npb_children_peak_rss_kib(void) {
  struct rusage ru;
  if (getrusage(RUSAGE_CHILDREN, &ru) == 0)
    return ru.ru_maxrss;
  return -1;
}

int npb_read_file(np_buf *out, const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return NP_ESYS;
  char chunk[65536];
  int rc = NP_OK;
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      rc = NP_ESYS;
      break;
    }
    if (n == 0)
      break;
    rc = np_buf_append(out, chunk, (size_t)n);
    if (rc != NP_OK)
      break;
  }
  int saved = errno;
  close(fd);
  errno = saved;
  return rc;
}

long npb_split_lines(char *text, size_t len, np_slice **lines) {
  size_t start = 0;
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
    start = 3;
  size_t cap = 1;
  for (size_t i = start; i < len; i++)
    cap += text[i] == '\n';
  np_slice *v = np_malloc(cap * sizeof *v);
  if (!v)
    return -1;
  long n = 0;
  size_t i = start;
  while (i < len) {
    char *nl = memchr(text + i, '\n', len - i);
    size_t end = nl ? (size_t)(nl - text) : len;
    size_t e = end;
    if (e > i && text[e - 1] == '\r')
      e--;
    if (nl)
      *nl = '\0';
    if (e < end)
      text[e] = '\0';
    if (e > i)
      v[n++] = np_slice_from(text + i, e - i);
    i = end + 1;
  }
  *lines = v;
  return n;
}

/* Read the child's output until EOF or the deadline (0: none). */
static int drain(int fd, np_buf *out, uint64_t deadline) {
  char chunk[16384];
  for (;;) {
    int wait_ms = -1;
    if (deadline) {
      uint64_t now = npb_now_ns();
      if (now >= deadline)
        return NP_ETIMEDOUT;
      wait_ms = (int)((deadline - now) / 1000000u) + 1;
    }
    struct pollfd p = {fd, POLLIN, 0};
    int r = poll(&p, 1, wait_ms);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      return NP_ESYS;
    if (r == 0)
      return NP_ETIMEDOUT;
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return n == 0 ? NP_OK : NP_ESYS;
    int rc = np_buf_append(out, chunk, (size_t)n);
    if (rc != NP_OK)
      return rc;
  }
}

int npb_run_capture(char *const argv[], np_buf *out, unsigned timeout_s,
                    int *exit_status) {
  int status = -1, fds[2];
  if (exit_status)
    *exit_status = -1;
  if (pipe(fds) != 0)
    return NP_ESYS;
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return NP_ESYS;
  }
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    execvp(argv[0], argv);
    _exit(127);
  }
  close(fds[1]);
  uint64_t deadline = timeout_s ? npb_now_ns() + timeout_s * 1000000000ull : 0;
  int rc = drain(fds[0], out, deadline);
  close(fds[0]);
  if (rc != NP_OK)
    kill(pid, SIGKILL); /* timed out or output too large: stop it */
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (exit_status)
    *exit_status = status;
  if (rc != NP_OK)
    return rc;
  return (WIFEXITED(status) && WEXITSTATUS(status) == 0) ? NP_OK : NP_ESYS;
}

int npb_report_get(const char *text, const char *key, double *vals, int n) {
  size_t klen = strlen(key);
  const char *p = text;
  while (p && *p) {
    if (strncmp(p, key, klen) == 0 && p[klen] == ' ') {
      const char *q = p + klen;
      int got = 0;
      while (got < n) {
        char *end;
        double d = strtod(q, &end);
        if (end == q)
          break;
        vals[got++] = d;
        q = end;
      }
      return got;
    }
    p = strchr(p, '\n');
    if (p)
      p++;
  }
  return 0;
}

static void cpu_model(char *out, size_t size) {
  snprintf(out, size, "unknown CPU");
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (!f)
    return;
  char line[512];
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "model name", 10) == 0) {
      char *c = strchr(line, ':');
      if (c) {
        c++;
        while (*c == ' ' || *c == '\t')
          c++;
        c[strcspn(c, "\n")] = '\0';
        snprintf(out, size, "%s", c);
      }
      break;
    }
  }
  fclose(f);
}

void npb_print_machine(void) {
  char model[256];
  cpu_model(model, sizeof model);
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
#if defined(__clang__)
  const char *cc = "clang " __clang_version__;
#elif defined(__GNUC__)
  const char *cc = "gcc " __VERSION__;
#else
  const char *cc = "unknown compiler";
#endif
  printf("machine: %ld cpus, %s, %s\n", cpus, model, cc);
}

/* ---- options ---------------------------------------------------------- */

void npb_options_init(npb_options *o, const char *name, int runs) {
  o->name = name;
  o->source = NPB_SOURCE_DIR;
  o->runs = runs;
  o->min_run_ns = 0;
  o->quick = 0;
  o->python = 1;
}

int npb_parse_count(const char *s, long lo, long hi, long *out) {
  long v = 0;
  if (!s || !*s)
    return -1;
  for (; *s; s++) {
    if (*s < '0' || *s > '9')
      return -1;
    long d = *s - '0';
    if (v > hi / 10 || v * 10 > hi - d) /* past hi, and never overflows */
      return -1;
    v = v * 10 + d;
  }
  if (v < lo)
    return -1;
  *out = v;
  return 0;
}

/* One of the shared options at argv[i]: arguments taken, 0 if not one of
 * them, -1 if its value is malformed. */
static int common_option(npb_options *o, int argc, char **argv, int i) {
  long n;
  if (!strcmp(argv[i], "--source")) {
    if (i + 1 >= argc)
      return -1;
    o->source = argv[i + 1];
    return 2;
  }
  if (!strcmp(argv[i], "--runs")) {
    if (i + 1 >= argc || npb_parse_count(argv[i + 1], 1, 1000, &n) != 0)
      return -1;
    o->runs = (int)n;
    return 2;
  }
  if (!strcmp(argv[i], "--quick")) {
    o->quick = 1;
    o->runs = 3;
    o->min_run_ns = 5 * 1000 * 1000;
    return 1;
  }
  if (!strcmp(argv[i], "--no-python")) {
    o->python = 0;
    return 1;
  }
  return 0;
}

int npb_parse_options(npb_options *o, int argc, char **argv,
                      const char *own_usage, npb_option_fn own, void *ctx) {
  for (int i = 1; i < argc;) {
    int took = common_option(o, argc, argv, i);
    if (took == 0 && own)
      took = own(ctx, argc, argv, i);
    if (took <= 0) {
      fprintf(stderr, "%s: bad option '%s'\nusage: %s [--source DIR] "
              "[--runs K] [--quick] [--no-python]%s%s\n", o->name, argv[i],
              o->name, own_usage ? " " : "", own_usage ? own_usage : "");
      return -1;
    }
    i += took;
  }
  return 0;
}

void npb_print_intro(const npb_options *o, const char *what) {
  printf("%s: %s\n", o->name, what);
  npb_print_machine();
  printf("runs: %d per figure; figures are per call, median and best\n",
         o->runs);
}

/* ---- CPython ------------------------------------------------------------ */

int npb_run_python(const npb_options *o, const char *script,
                   char *const args[], np_buf *report, size_t max,
                   unsigned timeout_s) {
  char path[1200];
  char *argv[64];
  int a = 0;
  snprintf(path, sizeof path, "%.1000s/bench/%s", o->source, script);
  argv[a++] = "python3";
  argv[a++] = path;
  for (int i = 0; args && args[i] && a < 62; i++)
    argv[a++] = args[i];
  argv[a] = NULL;
  np_buf_init(report, max);
  int status;
  int rc = npb_run_capture(argv, report, timeout_s, &status);
  if (rc != NP_OK)
    fprintf(stderr, "%s: CPython peer failed (status %d)\n", o->name, status);
  return rc;
}

int npb_report_row(const np_buf *report, const char *key, const char *name,
                   const char *note) {
  double v[2];
  if (report->data && npb_report_get(report->data, key, v, 2) == 2) {
    npb_table_row(name, v[0], v[1], note);
    return 1;
  }
  npb_table_row(name, -1, -1, "not measured");
  return 0;
}

/* ---- statistics --------------------------------------------------------- */

double npb_median(double *v, int n) {
  qsort(v, (size_t)n, sizeof v[0], cmp_double);
  return (n % 2) ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

double npb_min(const double *v, int n) {
  double m = v[0];
  for (int i = 1; i < n; i++)
    m = v[i] < m ? v[i] : m;
  return m;
}

/* ---- peers over loopback ------------------------------------------------ */

static struct sockaddr_in loopback(int port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

int npb_free_port(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return -1;
  struct sockaddr_in a = loopback(0);
  socklen_t len = sizeof a;
  int ok = bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
           getsockname(fd, (struct sockaddr *)&a, &len) == 0;
  close(fd);
  return ok ? ntohs(a.sin_port) : -1;
}

void npb_sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

int npb_wait_port(int port, long timeout_ms) {
  struct sockaddr_in a = loopback(port);
  for (long waited = 0;; waited += 25) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    if (fd >= 0)
      close(fd);
    if (ok)
      return 0;
    if (waited >= timeout_ms)
      return -1;
    npb_sleep_ms(25);
  }
}

pid_t npb_spawn(char *const argv[], void (*in_child)(void)) {
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    setpgid(0, 0);
    if (in_child)
      in_child();
    execvp(argv[0], argv);
    _exit(127);
  }
  return pid;
}

void npb_stop(pid_t pid) {
  if (pid <= 0)
    return;
  kill(pid, SIGTERM);
  for (int i = 0; i < 200; i++) {
    if (waitpid(pid, NULL, WNOHANG) == pid)
      return;
    npb_sleep_ms(25);
  }
  kill(-pid, SIGKILL);
  waitpid(pid, NULL, 0);
}

pid_t npb_nginx_static(const char *dir, int port, void (*in_child)(void)) {
  char path[1100];
  snprintf(path, sizeof path, "%.1000s/nginx.conf", dir);
  FILE *f = fopen(path, "w");
  if (!f)
    return -1;
  fprintf(f,
          "daemon off; worker_processes 1; pid %s/nginx.pid;\n"
          "error_log %s/error.log;\n"
          "events { worker_connections 256; }\n"
          "http { access_log off; sendfile on; tcp_nopush on;\n"
          "  keepalive_requests 10000000; keepalive_timeout 60;\n"
          "  client_body_temp_path %s/b; proxy_temp_path %s/p;\n"
          "  fastcgi_temp_path %s/f; uwsgi_temp_path %s/u;\n"
          "  scgi_temp_path %s/s;\n"
          "  server { listen 127.0.0.1:%d; root %s/www; } }\n",
          dir, dir, dir, dir, dir, dir, dir, port, dir);
  if (fclose(f) != 0)
    return -1;
  char *argv[] = {"nginx", "-c", path, "-p", (char *)dir, NULL};
  pid_t pid = npb_spawn(argv, in_child);
  if (pid > 0 && npb_wait_port(port, 10000) != 0) {
    npb_stop(pid);
    return -1;
  }
  return pid;
}

int npb_run_timed_cpu(char *const argv[], double *ns, double *cpu_s,
                      long *rss_kib) {
  uint64_t t0 = npb_now_ns();
  fflush(stdout); /* the child must not write our buffered output too */
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO);
    execvp(argv[0], argv);
    _exit(127);
  }
  int st;
  struct rusage ru;
  while (wait4(pid, &st, 0, &ru) < 0) {
    if (errno != EINTR)
      return -1;
  }
  *ns = (double)(npb_now_ns() - t0);
  if (cpu_s)
    *cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
             ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
  *rss_kib = ru.ru_maxrss;
  return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int npb_run_timed(char *const argv[], double *ns, long *rss_kib) {
  return npb_run_timed_cpu(argv, ns, NULL, rss_kib);
}

void npb_find_cli(char *out, size_t size) {
  if (out[0])
    return;
  const char *env = getenv("NP_CLI");
  if (env && *env) {
    snprintf(out, size, "%s", env);
    return;
  }
  char self[4000];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) {
    snprintf(out, size, "netproto");
    return;
  }
  self[n] = '\0';
  snprintf(out, size, "%s/../netproto", dirname(self));
}

void npb_remove_dir(const char *prog, const char *dir) {
  char cmd[1100];
  if (!dir[0])
    return;
  snprintf(cmd, sizeof cmd, "rm -rf '%.1000s'", dir);
  if (system(cmd) != 0)
    fprintf(stderr, "%s: could not remove %s\n", prog, dir);
}

/* ---- servers under load ----------------------------------------------- */

/* utime + stime (clock ticks) of one process, all its threads; its
 * parent's pid into *ppid (0 when unreadable). */
static long long proc_ticks(pid_t pid, pid_t *ppid) {
  char p[64], buf[1024];
  *ppid = 0;
  snprintf(p, sizeof p, "/proc/%d/stat", (int)pid);
  FILE *f = fopen(p, "r");
  if (!f)
    return 0;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  char *rp = strrchr(buf, ')'); /* the name may hold spaces */
  unsigned long long ut = 0, st = 0;
  int pp = 0;
  /* after ") ": state ppid pgrp session tty tpgid flags minflt cminflt
   * majflt cmajflt utime stime */
  if (!rp || sscanf(rp + 2, "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
                             "%llu %llu", &pp, &ut, &st) != 3)
    return 0;
  *ppid = pp;
  return (long long)(ut + st);
}

/* pid and its direct children (at most max in all) into out; the count. */
static int proc_family(pid_t pid, pid_t *out, int max) {
  int n = 0;
  out[n++] = pid;
  DIR *d = opendir("/proc");
  struct dirent *e;
  while (d && n < max && (e = readdir(d))) {
    pid_t child = (pid_t)atoi(e->d_name), pp;
    if (child > 0 && child != pid) {
      proc_ticks(child, &pp);
      if (pp == pid)
        out[n++] = child;
    }
  }
  if (d)
    closedir(d);
  return n;
}

#define NPB_MAX_FAMILY 256

long long npb_tree_ticks(pid_t pid) {
  pid_t fam[NPB_MAX_FAMILY], pp;
  int n = proc_family(pid, fam, NPB_MAX_FAMILY);
  long long total = 0;
  for (int i = 0; i < n; i++)
    total += proc_ticks(fam[i], &pp);
  return total;
}

/* A field of /proc/pid/status in KiB, or 0. */
static long proc_kib(pid_t pid, const char *field) {
  char p[64], line[256];
  snprintf(p, sizeof p, "/proc/%d/status", (int)pid);
  FILE *f = fopen(p, "r");
  long v = 0;
  if (!f)
    return 0;
  size_t flen = strlen(field);
  while (fgets(line, sizeof line, f))
    if (strncmp(line, field, flen) == 0)
      v = strtol(line + flen, NULL, 10);
  fclose(f);
  return v;
}

long npb_tree_kib(pid_t pid, const char *field) {
  pid_t fam[NPB_MAX_FAMILY];
  int n = proc_family(pid, fam, NPB_MAX_FAMILY);
  long total = 0;
  for (int i = 0; i < n; i++)
    total += proc_kib(fam[i], field);
  return total;
}

double npb_wrk(const npb_wrk_run *r, double *cpu_us) {
  char cmd[600], pin[32] = "", line[512];
  if (r->cpu >= 0)
    snprintf(pin, sizeof pin, "taskset -c %d ", r->cpu);
  snprintf(cmd, sizeof cmd, "%swrk -t%d -c64 -d%ds %.500s 2>&1", pin,
           r->threads, r->seconds, r->url);
  long long t0 = r->server > 0 ? npb_tree_ticks(r->server) : 0;
  double rps = -1, requests = 0;
  int errors = 0;
  fflush(stdout); /* the child must not write our buffered output too */
  FILE *p = popen(cmd, "r");
  if (!p)
    return -1;
  while (fgets(line, sizeof line, p)) {
    if (strncmp(line, "Requests/sec:", 13) == 0)
      rps = strtod(line + 13, NULL);
    if (strstr(line, " requests in "))
      requests = strtod(line, NULL);
    if (strstr(line, "Non-2xx") || strstr(line, "Socket errors"))
      errors = 1;
  }
  if (pclose(p) != 0 || errors)
    fprintf(stderr, "%s: wrk reported errors for %s (%s)\n", r->prog,
            r->url, r->who);
  if (cpu_us && r->server > 0)
    *cpu_us = requests > 0 ? (double)(npb_tree_ticks(r->server) - t0) *
                                 1e6 / (double)sysconf(_SC_CLK_TCK) /
                                 requests
                           : -1;
  return rps;
}
