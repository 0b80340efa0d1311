/*
 * bench_fetch - `netproto fetch` against curl and CPython's urllib, each a
 * whole program timed from fork to exit (wall time; CPU time and peak RSS
 * from wait4's rusage), on loopback with nginx serving (started here: one
 * worker, sendfile on, access_log off).  Figures are medians of the runs.
 *
 * (a) download of a 1 GiB file (sparse, served from the page cache) to
 *     /dev/null: `netproto fetch -s -o /dev/null URL`, `curl -s -o
 *     /dev/null URL`, `python3 fetch_cpython.py download URL` (urlopen).
 * (b) N GETs (default 10,000) of a 100-byte file, keep-alive, bodies to
 *     /dev/null: `netproto fetch -s URL...` (the URL N times on its command
 *     line), `curl -s URL...` (one connection for all the URLs of a run),
 *     CPython's http.client with one HTTPConnection (urllib itself has no
 *     keep-alive).
 * (c) the same without keep-alive: `netproto fetch -s --no-keepalive
 *     URL...`, `curl -s -H 'Connection: close' URL...`, CPython's urlopen
 *     in a loop.
 *
 * With two CPUs or more, nginx runs on CPU 1 and every client on CPU 0
 * (--no-pin: wherever the scheduler puts them).  Unpinned, a client that
 * lands on nginx's CPU downloads at half the speed, for any client, and
 * which run does is chance.
 *
 * Each table also has a row for the library under the command (this
 * program re-executed as a child: np_urlopen for (a) and (c), one
 * np_http_conn reused for (b)), so the library's cost can be told from the
 * command's.  Ratios are row / curl and row / CPython, for time and for
 * peak RSS: <= 1.00 against curl is the target.
 *
 * Usage: bench_fetch [--source DIR] [--runs K] [--quick] [--no-python]
 *        [--requests N (<= 40000)] [--mib M] [--cli PATH] [--no-pin]
 * The netproto command is NP_CLI, --cli, or the build's netproto next to
 * bench/.  Needs nginx, curl and python3 (scripts/deps.txt); a missing
 * program's rows print n/a.
 */
#define _GNU_SOURCE /* sched_setaffinity, CPU_SET */
#include "harness.h"
#include "netproto/http_client.h"
#include "netproto/request.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_RUNS 16
#define SMALL_BODY                                                         \
  "netproto bench_fetch: a small file of one hundred bytes, served by "    \
  "nginx for the GET rounds........\n"

static npb_options opt;
static char dir[] = "/tmp/bench_fetch.XXXXXX";
static pid_t nginx_pid = -1;
static int port;
static char cli[4096];
static int pin = 1;

static void pin_to(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  sched_setaffinity(0, sizeof set, &set);
}

/* npb_spawn's hook: nginx on CPU 1. */
static void pin_to_cpu1(void) { pin_to(1); }

/* ---- nginx ------------------------------------------------------------- */

static int start_nginx(long long big) {
  if (!mkdtemp(dir))
    return -1;
  chmod(dir, 0755); /* nginx's workers run as another user when root */
  char path[512];
  snprintf(path, sizeof path, "%s/www", dir);
  mkdir(path, 0755);
  snprintf(path, sizeof path, "%s/www/small", dir);
  FILE *f = fopen(path, "w");
  if (!f)
    return -1;
  fputs(SMALL_BODY, f);
  fclose(f);
  snprintf(path, sizeof path, "%s/www/big", dir);
  int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
  if (fd < 0)
    return -1;
  int ok = ftruncate(fd, (off_t)big) == 0; /* sparse: no disk needed */
  close(fd);
  if (!ok)
    return -1;
  port = npb_free_port();
  nginx_pid = npb_nginx_static(dir, port, pin ? pin_to_cpu1 : NULL);
  return nginx_pid > 0 ? 0 : -1;
}

static void stop_nginx(void) {
  npb_stop(nginx_pid);
  npb_remove_dir("bench_fetch", dir);
}

/* ---- the library rows: this program as a child ------------------------- */

static int write_out(const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(STDOUT_FILENO, p, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Copy a response's body to standard output through buf. */
static int copy_body(np_response *r, char *buf, size_t cap, np_error *err) {
  for (;;) {
    size_t got = 0;
    int rc = np_response_read(r, buf, cap, &got, err);
    if (rc || write_out(buf, got))
      return -1;
    if (got < cap)
      return 0; /* read(n) fills n unless the body ended */
  }
}

/* --child-urlopen URL N: N times np_urlopen(URL), bodies to stdout. */
static int child_urlopen(const char *url, long n) {
  static char buf[131072];
  np_error err = NP_ERROR_INIT;
  for (long i = 0; i < n; i++) {
    np_response *r;
    if (np_urlopen(url, NULL, 0, -1, &r, &err) ||
        copy_body(r, buf, sizeof buf, &err)) {
      fprintf(stderr, "bench_fetch child: %s\n", err.message);
      return 1;
    }
    np_response_free(r);
  }
  np_urlcleanup();
  np_error_clear(&err);
  return 0;
}

/* --child-conn PORT PATH N: one np_http_conn, N GETs, bodies to stdout. */
static int child_conn(int p, const char *path, long n) {
  static char buf[65536];
  np_http_conn *c;
  np_error err = NP_ERROR_INIT;
  if (np_http_conn_new(&c, "127.0.0.1", p, NULL, &err))
    return 1;
  for (long i = 0; i < n; i++) {
    np_http_resp *r;
    if (np_http_conn_request(c, "GET", path, NULL, 0, NULL, 0, &err) ||
        np_http_conn_getresponse(c, &r, &err) ||
        np_http_resp_status(r) != 200) {
      fprintf(stderr, "bench_fetch child: GET %ld: %s\n", i, err.message);
      return 1;
    }
    for (;;) {
      size_t got = 0;
      if (np_http_resp_read(r, buf, sizeof buf, &got, &err) ||
          write_out(buf, got))
        return 1;
      if (got == 0)
        break;
    }
  }
  np_http_conn_free(c);
  return 0;
}

static int child_main(int argc, char **argv) {
  long n, p;
  if (argc == 4 && !strcmp(argv[1], "--child-urlopen") &&
      npb_parse_count(argv[3], 1, 100000000, &n) == 0)
    return child_urlopen(argv[2], n);
  if (argc == 5 && !strcmp(argv[1], "--child-conn") &&
      npb_parse_count(argv[2], 1, 65535, &p) == 0 &&
      npb_parse_count(argv[4], 1, 100000000, &n) == 0)
    return child_conn((int)p, argv[3], n);
  return 2;
}

/* ---- measuring --------------------------------------------------------- */

/* One row: a program measured runs times. */
typedef struct row {
  const char *name;
  char **argv;   /* NULL: not measured (program missing) */
  const char *why; /* the note when not measured */
  double ns[MAX_RUNS];
  double cpu[MAX_RUNS]; /* user + system seconds */
  long rss;      /* largest peak RSS of the runs, KiB */
  int done;      /* runs measured */
  int failed;    /* a run exited non-zero */
} row;

#define ROW(n, a, w) {.name = (n), .argv = (a), .why = (w)}

static void run_row(row *r) {
  if (!r->argv || r->failed)
    return;
  double ns, cpu;
  long rss;
  if (npb_run_timed_cpu(r->argv, &ns, &cpu, &rss) != 0) {
    r->failed = 1;
    r->why = "failed (exit status not 0)";
    return;
  }
  r->cpu[r->done] = cpu;
  r->ns[r->done++] = ns;
  if (rss > r->rss)
    r->rss = rss;
}

static double row_median(row *r, const double *of) {
  if (!r->argv || r->failed || r->done == 0)
    return -1;
  double v[MAX_RUNS];
  memcpy(v, of, sizeof v);
  return npb_median(v, r->done);
}

static void print_ratio(double a, double b) {
  if (a > 0 && b > 0)
    printf(" %7.2f", a / b);
  else
    printf(" %7s", "n/a");
}

/*
 * The table: per row the median time, the rate (MB/s when bytes > 0,
 * else requests/s for ops requests), the peak RSS and the ratios of time
 * and RSS to curl's row and CPython's row.
 */
static void print_table(const char *title, row *rows, int n, int curl_i,
                        int py_i, double bytes, double ops) {
  double med[8], cpu[8];
  for (int i = 0; i < n; i++) {
    med[i] = row_median(&rows[i], rows[i].ns);
    cpu[i] = row_median(&rows[i], rows[i].cpu);
  }
  printf("\n%s\n", title);
  printf("  %-34s %9s %10s %7s %9s %7s %7s %7s %7s\n", "program", "median s",
         bytes > 0 ? "MB/s" : "req/s", "cpu s", "peak KiB", "t/curl",
         "m/curl", "t/py", "m/py");
  for (int i = 0; i < n; i++) {
    printf("  %-34s", rows[i].name);
    if (med[i] < 0) {
      printf(" %9s %10s %7s %9s  %s\n", "n/a", "", "", "",
             rows[i].why ? rows[i].why : "not measured");
      continue;
    }
    double rate = bytes > 0 ? bytes * 1e3 / med[i] : ops * 1e9 / med[i];
    printf(" %9.3f %10.0f %7.3f %9ld", med[i] / 1e9, rate, cpu[i],
           rows[i].rss);
    print_ratio(med[i], med[curl_i]);
    print_ratio((double)rows[i].rss, med[curl_i] > 0 ? rows[curl_i].rss : 0);
    print_ratio(med[i], med[py_i]);
    print_ratio((double)rows[i].rss, med[py_i] > 0 ? rows[py_i].rss : 0);
    printf("\n");
  }
  printf("  (cpu s: the client's user + system time; t/x: median time / "
         "x's,\n   m/x: peak RSS / x's; <= 1.00 vs curl is the target)\n");
  fflush(stdout);
}

static void run_rows(row *rows, int n, int runs) {
  for (int r = 0; r < runs; r++)
    for (int i = 0; i < n; i++)
      run_row(&rows[i]);
}

static int has_program(const char *name) {
  char cmd[256];
  snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
  return system(cmd) == 0;
}

/* The command, once, quietly: does `netproto fetch` (with flag, may be
 * NULL) fetch url with exit status 0? */
static int cli_fetch_works(const char *flag, const char *url) {
  char *argv[] = {cli, "fetch", "-s", (char *)(flag ? flag : url),
                  (char *)(flag ? url : NULL), NULL};
  pid_t pid = fork();
  if (pid < 0)
    return 0;
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    execvp(argv[0], argv);
    _exit(127);
  }
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR)
      return 0;
  return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* An argv: the fixed words, then url count times, NULL-terminated. */
static char **make_argv(char *const *words, const char *url, long count) {
  long nw = 0;
  while (words[nw])
    nw++;
  char **v = calloc((size_t)(nw + count + 1), sizeof *v);
  if (!v)
    return NULL;
  for (long i = 0; i < nw; i++)
    v[i] = words[i];
  for (long i = 0; i < count; i++)
    v[nw + i] = (char *)url;
  return v;
}

/* ---- main -------------------------------------------------------------- */

typedef struct own {
  long requests;
  long mib;
} own;

static int own_option(void *ctx, int argc, char **argv, int i) {
  own *o = ctx;
  if (!strcmp(argv[i], "--no-pin")) {
    pin = 0;
    return 1;
  }
  if (!strcmp(argv[i], "--cli") && i + 1 < argc) {
    snprintf(cli, sizeof cli, "%s", argv[i + 1]);
    return 2;
  }
  long *dst = !strcmp(argv[i], "--requests") ? &o->requests
              : !strcmp(argv[i], "--mib")    ? &o->mib
                                             : NULL;
  if (!dst)
    return 0;
  /* The URLs of (b) and (c) go on one command line: 40,000 of them stay
   * well under Linux's 2 MiB for arguments. */
  long hi = dst == &o->requests ? 40000 : 1048576;
  if (i + 1 >= argc || npb_parse_count(argv[i + 1], 1, hi, dst) != 0)
    return -1;
  return 2;
}

int main(int argc, char **argv) {
  if (argc > 1 && !strncmp(argv[1], "--child-", 8))
    return child_main(argc, argv);
  own o = {0, 0};
  npb_options_init(&opt, "bench_fetch", 5);
  if (npb_parse_options(&opt, argc, argv,
                        "[--requests N] [--mib M] [--cli PATH] [--no-pin]",
                        own_option, &o))
    return 2;
  long n = o.requests ? o.requests : (opt.quick ? 1000 : 10000);
  long mib = o.mib ? o.mib : (opt.quick ? 256 : 1024);
  int runs = opt.runs > MAX_RUNS ? MAX_RUNS : opt.runs;
  if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
    pin = 0;
  npb_find_cli(cli, sizeof cli);
  printf("bench_fetch: netproto fetch vs curl vs CPython urllib, whole "
         "programs on loopback (nginx)\n");
  npb_print_machine();
  printf("runs: %d per figure (medians; peak RSS: largest of the runs)\n",
         runs);
  if (!has_program("nginx") || start_nginx(mib << 20) != 0) {
    printf("nginx could not be started: nothing measured\n");
    stop_nginx();
    return 0;
  }
  if (pin)
    pin_to(0); /* every client inherits it */
  printf("placement: %s\n", pin ? "nginx on CPU 1, clients on CPU 0"
                                 : "not pinned (--no-pin)");
  char self[4000];
  ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
  self[sl > 0 ? sl : 0] = '\0';
  char big[128], small[128], pstr[16], nstr[24], script[1100];
  snprintf(big, sizeof big, "http://127.0.0.1:%d/big", port);
  snprintf(small, sizeof small, "http://127.0.0.1:%d/small", port);
  snprintf(pstr, sizeof pstr, "%d", port);
  snprintf(nstr, sizeof nstr, "%ld", n);
  snprintf(script, sizeof script, "%.1000s/bench/fetch_cpython.py", opt.source);
  int have_curl = has_program("curl");
  int have_py = opt.python && has_program("python3");
  int have_fetch = cli_fetch_works(NULL, small);
  int have_nokeep = have_fetch && cli_fetch_works("--no-keepalive", small);
  const char *no_fetch = "`netproto fetch` failed or is missing";
  /* the command's version, not its path: recorded tables name no machine */
  printf("netproto: %s%s\n", np_version(),
         have_fetch ? "" : " (`netproto fetch` missing or failing)");

  /* (a) download */
  {
    char *fetch[] = {cli, "fetch", "-s", "-o", "/dev/null", big, NULL};
    char *lib[] = {self, "--child-urlopen", big, "1", NULL};
    char *curl[] = {"curl", "-s", "-o", "/dev/null", big, NULL};
    char *py[] = {"python3", script, "download", big, NULL};
    row rows[] = {
        ROW("netproto fetch -o /dev/null", have_fetch ? fetch : NULL, no_fetch),
        ROW("library: np_urlopen (128 KiB reads)", lib, NULL),
        ROW("curl -o /dev/null", have_curl ? curl : NULL, "no curl"),
        ROW("CPython urlopen + copyfileobj", have_py ? py : NULL, "no python3"),
    };
    run_rows(rows, 4, runs);
    char title[160];
    snprintf(title, sizeof title, "(a) download of %ld MiB to /dev/null",
             mib);
    print_table(title, rows, 4, 2, 3, (double)(mib << 20), 0);
    printf("  commands: netproto fetch -s -o /dev/null URL; curl -s -o "
           "/dev/null URL;\n    python3 bench/fetch_cpython.py download URL "
           "(urlopen, shutil.copyfileobj to stdout=/dev/null)\n");
  }

  /* (b) keep-alive GETs */
  {
    char *fw[] = {cli, "fetch", "-s", NULL};
    char *cw[] = {"curl", "-s", NULL};
    char **fetch = have_fetch ? make_argv(fw, small, n) : NULL;
    char **curl = have_curl ? make_argv(cw, small, n) : NULL;
    char *lib[] = {self, "--child-conn", pstr, "/small", nstr, NULL};
    char *py[] = {"python3", script, "gets-keepalive", small, nstr, NULL};
    row rows[] = {
        ROW("netproto fetch URL...", fetch, no_fetch),
        ROW("library: one np_http_conn", lib, NULL),
        ROW("curl URL... (one connection)", curl, "no curl"),
        ROW("CPython http.client, one conn", have_py ? py : NULL, "no python3"),
    };
    run_rows(rows, 4, runs);
    char title[160];
    snprintf(title, sizeof title,
             "(b) %ld GETs of %zu bytes, keep-alive, one process", n,
             sizeof SMALL_BODY - 1);
    print_table(title, rows, 4, 2, 3, 0, (double)n);
    printf("  commands: netproto fetch -s URL x%ld; curl -s URL x%ld; python3 "
           "bench/fetch_cpython.py\n    gets-keepalive URL %ld (urllib has no "
           "keep-alive: http.client.HTTPConnection reused)\n", n, n, n);
    free(fetch);
    free(curl);
  }

  /* (c) GETs without keep-alive */
  {
    char *fw[] = {cli, "fetch", "-s", "--no-keepalive", NULL};
    char *cw[] = {"curl", "-s", "-H", "Connection: close", NULL};
    char **fetch = have_nokeep ? make_argv(fw, small, n) : NULL;
    char **curl = have_curl ? make_argv(cw, small, n) : NULL;
    char *lib[] = {self, "--child-urlopen", small, nstr, NULL};
    char *py[] = {"python3", script, "gets-close", small, nstr, NULL};
    row rows[] = {
        ROW("netproto fetch --no-keepalive", fetch, no_fetch),
        ROW("library: np_urlopen per GET", lib, NULL),
        ROW("curl -H 'Connection: close'", curl, "no curl"),
        ROW("CPython urlopen per GET", have_py ? py : NULL, "no python3"),
    };
    run_rows(rows, 4, runs);
    char title[160];
    snprintf(title, sizeof title,
             "(c) %ld GETs of %zu bytes, a connection per GET, one process",
             n, sizeof SMALL_BODY - 1);
    print_table(title, rows, 4, 2, 3, 0, (double)n);
    printf("  commands: netproto fetch -s --no-keepalive URL x%ld; curl -s -H "
           "'Connection: close' URL x%ld;\n    python3 bench/fetch_cpython.py "
           "gets-close URL %ld (urlopen per GET)\n", n, n, n);
    free(fetch);
    free(curl);
  }
  stop_nginx();
  return 0;
}
