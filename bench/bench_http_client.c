/*
 * bench_http_client - http.client (http_client.h) against curl and CPython
 * on loopback, with nginx serving (started here, 1 worker, sendfile on).
 *
 * 1. Sequential keep-alive GETs of a small file (13 bytes), requests per
 *    second: netproto (one np_http_conn, request + getresponse + read_all
 *    per GET), curl fetching the same URL N times in one process (URL
 *    globbing, one connection), CPython's http.client (one HTTPConnection,
 *    bench/http_client_cpython.py).
 * 2. Download of a 1 GiB file: netproto reading into a 256 KiB buffer
 *    against `curl -o /dev/null`, GB/s and peak RSS of each process (each
 *    runs as its own program: this one re-executes itself for netproto).
 *
 * Usage: bench_http_client [--source DIR] [--runs K] [--quick]
 *        [--no-python] [--requests N]
 * Needs nginx, curl and python3 (scripts/deps.txt); a missing peer prints
 * n/a.
 */
#include "harness.h"
#include "netproto/http_client.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BIG_SIZE ((off_t)1 << 30)

/* ---- nginx ---------------------------------------------------------- */

static npb_options opt;
static char dir[] = "/tmp/npb_http_client_XXXXXX";
static pid_t nginx_pid = -1;
static int port;

static void write_file(const char *name, const char *text) {
  char path[512];
  snprintf(path, sizeof path, "%s/www/%s", dir, name);
  FILE *f = fopen(path, "w");
  if (f) {
    fputs(text, f);
    fclose(f);
  }
}

static int start_nginx(void) {
  if (!mkdtemp(dir))
    return -1;
  chmod(dir, 0755); /* nginx's workers run as another user when root */
  char path[512];
  snprintf(path, sizeof path, "%s/www", dir);
  mkdir(path, 0755);
  write_file("small", "hello, world\n");
  snprintf(path, sizeof path, "%s/www/big", dir);
  int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
  if (fd < 0 || ftruncate(fd, BIG_SIZE) != 0) /* sparse: no disk needed */
    return -1;
  close(fd);
  port = npb_free_port();
  nginx_pid = npb_nginx_static(dir, port, NULL);
  return nginx_pid > 0 ? 0 : -1;
}

static void stop_nginx(void) {
  npb_stop(nginx_pid);
  npb_remove_dir("bench_http_client", dir);
}

/* ---- netproto's side ----------------------------------------------------- */

static int keepalive_gets(long n) {
  np_http_conn *c;
  np_error err = NP_ERROR_INIT;
  if (np_http_conn_new(&c, "127.0.0.1", port, NULL, &err))
    return -1;
  np_buf body;
  np_buf_init(&body, 0);
  for (long i = 0; i < n; i++) {
    np_http_resp *r;
    np_buf_reset(&body);
    if (np_http_conn_request(c, "GET", "/small", NULL, 0, NULL, 0, &err) ||
        np_http_conn_getresponse(c, &r, &err) ||
        np_http_resp_read_all(r, &body, &err) || body.len != 13) {
      fprintf(stderr, "netproto GET %ld: %s\n", i, err.message);
      return -1;
    }
  }
  np_buf_free(&body);
  np_http_conn_free(c);
  return 0;
}

/* The child program for the download: GET /big into a 256 KiB buffer
 * (larger ones fall out of the L2 cache and read no faster). */
static int download(int p) {
  np_http_conn *c;
  np_error err = NP_ERROR_INIT;
  np_http_resp *r;
  if (np_http_conn_new(&c, "127.0.0.1", p, NULL, &err) ||
      np_http_conn_request(c, "GET", "/big", NULL, 0, NULL, 0, &err) ||
      np_http_conn_getresponse(c, &r, &err)) {
    fprintf(stderr, "download: %s\n", err.message);
    return 1;
  }
  static char buf[262144];
  long long total = 0;
  for (;;) {
    size_t got;
    if (np_http_resp_read(r, buf, sizeof buf, &got, &err)) {
      fprintf(stderr, "download: %s\n", err.message);
      return 1;
    }
    if (got == 0)
      break;
    total += (long long)got;
  }
  np_http_conn_free(c);
  return total == (long long)BIG_SIZE ? 0 : 1;
}

static int has_program(const char *name) {
  char cmd[256];
  snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
  return system(cmd) == 0;
}

/* ---- 1: keep-alive GETs ------------------------------------------------ */

static void bench_keepalive(long n, int runs, int python, const char *self) {
  double np_ns[16], curl_ns[16], py_ns[16];
  int have_curl = has_program("curl"), ok_np = 1, ok_curl = have_curl;
  char url[128], nstr[32], pstr[16];
  snprintf(url, sizeof url, "http://127.0.0.1:%d/small?[1-%ld]", port, n);
  snprintf(nstr, sizeof nstr, "%ld", n);
  snprintf(pstr, sizeof pstr, "%d", port);
  double py_rps = -1;
  if (python) {
    np_buf out;
    char *args[] = {pstr, nstr, NULL};
    if (npb_run_python(&opt, "http_client_cpython.py", args, &out, 1 << 16,
                       600) == NP_OK)
      npb_report_get(out.data, "rps", &py_rps, 1);
    np_buf_free(&out);
  }
  for (int r = 0; r < runs; r++) {
    long rss;
    uint64_t t0 = npb_now_ns();
    ok_np &= keepalive_gets(n) == 0;
    np_ns[r] = (double)(npb_now_ns() - t0) / (double)n;
    char *cargv[] = {"curl", "-s", "--fail", url, NULL};
    if (have_curl) {
      ok_curl &= npb_run_timed(cargv, &curl_ns[r], &rss) == 0;
      curl_ns[r] /= (double)n;
    }
    py_ns[r] = py_rps > 0 ? 1e9 / py_rps : -1;
  }
  (void)self;
  char title[160];
  snprintf(title, sizeof title,
           "sequential keep-alive GETs of 13 bytes from nginx, %ld per run", n);
  npb_table_begin(title, NPB_NS);
  char note[64];
  snprintf(note, sizeof note, "%.0f req/s", 1e9 / npb_median(np_ns, runs));
  npb_table_row("netproto", ok_np ? npb_median(np_ns, runs) : -1,
                npb_min(np_ns, runs), note);
  double cm = ok_curl ? npb_median(curl_ns, runs) : -1;
  snprintf(note, sizeof note, "%.0f req/s", cm > 0 ? 1e9 / cm : 0);
  npb_table_row("curl (one process, URL glob)", cm,
                ok_curl ? npb_min(curl_ns, runs) : -1, cm > 0 ? note : "");
  snprintf(note, sizeof note, "%.0f req/s", py_rps);
  npb_table_row("CPython http.client", py_ns[0], py_ns[0],
                py_rps > 0 ? note : "");
  npb_table_end();
}

/* ---- 2: 1 GiB download --------------------------------------------------- */

static void bench_download(int runs, const char *self) {
  double np_ns[16], curl_ns[16];
  long np_rss = 0, curl_rss = 0, rss;
  int have_curl = has_program("curl"), ok_np = 1, ok_curl = have_curl;
  char pstr[16], url[128];
  snprintf(pstr, sizeof pstr, "%d", port);
  snprintf(url, sizeof url, "http://127.0.0.1:%d/big", port);
  for (int r = 0; r < runs; r++) {
    char *nargv[] = {(char *)self, "--child-download", pstr, NULL};
    ok_np &= npb_run_timed(nargv, &np_ns[r], &rss) == 0;
    np_rss = rss > np_rss ? rss : np_rss;
    if (have_curl) {
      char *cargv[] = {"curl", "-s", "--fail", "-o", "/dev/null", url, NULL};
      ok_curl &= npb_run_timed(cargv, &curl_ns[r], &rss) == 0;
      curl_rss = rss > curl_rss ? rss : curl_rss;
    }
  }
  npb_table_begin("download of 1 GiB from nginx (whole program, peak RSS)",
                  NPB_MBPS);
  char note[64];
  double m = npb_median(np_ns, runs);
  snprintf(note, sizeof note, "%.2f GB/s, peak RSS %ld KiB",
           (double)BIG_SIZE / m, np_rss);
  npb_table_row("netproto", ok_np ? npb_mbps(m, (double)BIG_SIZE) : -1,
                ok_np ? npb_mbps(npb_min(np_ns, runs), (double)BIG_SIZE) : -1,
                note);
  double cm = ok_curl ? npb_median(curl_ns, runs) : -1;
  snprintf(note, sizeof note, "%.2f GB/s, peak RSS %ld KiB",
           cm > 0 ? (double)BIG_SIZE / cm : 0, curl_rss);
  npb_table_row("curl -o /dev/null", cm > 0 ? npb_mbps(cm, (double)BIG_SIZE) : -1,
                cm > 0 ? npb_mbps(npb_min(curl_ns, runs), (double)BIG_SIZE) : -1,
                cm > 0 ? note : "");
  npb_table_end();
}

/* --requests N: GETs per run (0: 20,000, or 2,000 with --quick). */
static int own_option(void *ctx, int argc, char **argv, int i) {
  if (strcmp(argv[i], "--requests") != 0)
    return 0;
  if (i + 1 >= argc || npb_parse_count(argv[i + 1], 1, 100000000, ctx) != 0)
    return -1;
  return 2;
}

int main(int argc, char **argv) {
  long child_port;
  if (argc == 3 && !strcmp(argv[1], "--child-download"))
    return npb_parse_count(argv[2], 1, 65535, &child_port) == 0
               ? download((int)child_port)
               : 2;
  long n = 0;
  npb_options_init(&opt, "bench_http_client", 5);
  if (npb_parse_options(&opt, argc, argv, "[--requests N]", own_option, &n))
    return 2;
  if (n == 0)
    n = opt.quick ? 2000 : 20000;
  int runs = opt.runs > 16 ? 16 : opt.runs, python = opt.python;
  npb_print_machine();
  if (!has_program("nginx") || start_nginx() != 0) {
    printf("nginx could not be started: nothing measured\n");
    stop_nginx();
    return 0;
  }
  char self[4096];
  ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
  self[sl > 0 ? sl : 0] = '\0';
  bench_keepalive(n, runs, python, self);
  bench_download(runs, self);
  stop_nginx();
  return 0;
}
