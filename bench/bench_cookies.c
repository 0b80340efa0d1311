/*
 * bench_cookies: the cookie jar and http.cookies against CPython 3.
 *
 *   setcookie  Set-Cookie fields parsed into cookies per second
 *              (np_cookiejar_make_cookies / CookieJar.make_cookies), N
 *              fields in one response
 *   header     the Cookie header for one request against a jar of 10,000
 *              cookies (np_cookiejar_cookie_header / add_cookie_header)
 *   load       a Cookie header of 50 cookies parsed (np_cookies_load /
 *              SimpleCookie.load), per cookie
 *
 * The data is generated the same way on both sides (see
 * bench/cookies_cpython.py, which this program runs for CPython's figures).
 *
 * Usage: bench_cookies [--source DIR] [--runs K] [--quick] [--no-python]
 */
#include "harness.h"

#include "netproto/cookiejar.h"
#include "netproto/cookies.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { N_SETCOOKIE = 10000, JAR_SIZE = 10000, M_LOAD = 50 };

static npb_options opt;

static np_buf py_report;

static void set_cookie(char *out, size_t cap, int i) {
  snprintf(out, cap,
           "name%d=value%d; Path=/p%d; Domain=.d%d.example.com; "
           "Max-Age=3600; HttpOnly; SameSite=Lax",
           i, i, i % 10, i % 100);
}

/* ---- setcookie ------------------------------------------------------- */

typedef struct sc_ctx {
  np_cookiejar *jar;
  np_cookie_header *h;
  size_t n;
  size_t made;
} sc_ctx;

static void sc_body(void *p) {
  sc_ctx *c = p;
  static const char url[] = "http://www.d7.example.com/p7/x";
  np_cookie_request r = {url, sizeof url - 1, NULL, NULL, false};
  np_cookie **list;
  size_t n;
  if (np_cookiejar_make_cookies(c->jar, c->h, c->n, &r, &list, &n) != NP_OK)
    abort();
  c->made = n;
  np_cookies_list_free(list, n);
}

/* ---- header ---------------------------------------------------------- */

typedef struct hd_ctx {
  np_cookiejar *jar;
  np_buf out;
} hd_ctx;

static void hd_body(void *p) {
  hd_ctx *c = p;
  static const char url[] = "http://www.d7.example.com/p7/x";
  np_cookie_request r = {url, sizeof url - 1, NULL, NULL, false};
  np_buf_reset(&c->out);
  if (np_cookiejar_cookie_header(c->jar, &r, &c->out, NULL, NULL) != NP_OK)
    abort();
}

/* ---- load ------------------------------------------------------------ */

typedef struct ld_ctx {
  np_buf text;
  size_t count;
} ld_ctx;

static void ld_body(void *p) {
  ld_ctx *c = p;
  np_cookies *ck = np_cookies_new(NP_COOKIES_SIMPLE);
  if (!ck || np_cookies_load(ck, c->text.data, c->text.len, NULL) != NP_OK)
    abort();
  c->count = np_cookies_count(ck);
  np_cookies_free(ck);
}

static void run_python(void) {
  char runs[16];
  snprintf(runs, sizeof runs, "%d", opt.runs);
  char *args[] = {"--rounds", runs, NULL};
  /* A failed run shows no CPython figures at all, not a partial set. */
  if (npb_run_python(&opt, "cookies_cpython.py", args, &py_report, 1 << 20,
                     900) != NP_OK)
    np_buf_free(&py_report);
}

int main(int argc, char **argv) {
  npb_options_init(&opt, "bench_cookies", 7);
  if (npb_parse_options(&opt, argc, argv, NULL, NULL, NULL) != 0)
    return 2;
  npb_print_intro(&opt, "http.cookiejar and http.cookies against CPython");
  if (opt.python)
    run_python();

  /* setcookie */
  char line[256];
  sc_ctx sc = {np_cookiejar_new(NULL), NULL, N_SETCOOKIE, 0};
  char **texts = malloc(N_SETCOOKIE * sizeof *texts);
  sc.h = malloc(N_SETCOOKIE * sizeof *sc.h);
  for (int i = 0; i < N_SETCOOKIE; i++) {
    set_cookie(line, sizeof line, i);
    texts[i] = strdup(line);
    sc.h[i].name = np_slice_cstr("Set-Cookie");
    sc.h[i].value = np_slice_cstr(texts[i]);
  }
  npb_result r;
  npb_measure(sc_body, &sc, opt.runs, opt.min_run_ns, &r);
  char note[128];
  snprintf(note, sizeof note, "%zu cookies from %d fields", sc.made,
           N_SETCOOKIE);
  npb_table_begin("Set-Cookie parsing (make_cookies), ns per field", NPB_NS);
  npb_table_row("netproto", npb_ns_per_op(r.median_ns, N_SETCOOKIE),
                npb_ns_per_op(r.best_ns, N_SETCOOKIE), note);
  npb_report_row(&py_report, "setcookie", "CPython http.cookiejar", NULL);
  npb_table_end();

  /* header: a jar of JAR_SIZE cookies, as extract_cookies would fill it */
  hd_ctx hd = {np_cookiejar_new(NULL), {0}};
  np_cookiejar_limits none = {0, 0, 0};
  np_cookiejar_set_limits(hd.jar, &none);
  np_buf_init(&hd.out, 0);
  for (int i = 0; i < JAR_SIZE; i++) {
    char url[128];
    snprintf(url, sizeof url, "http://www.d%d.example.com/p%d/x", i % 100,
             i % 10);
    np_cookie_request rq = {url, strlen(url), NULL, NULL, false};
    np_cookie_header h = {np_slice_cstr("Set-Cookie"),
                          np_slice_cstr(texts[i % N_SETCOOKIE])};
    if (np_cookiejar_extract(hd.jar, &h, 1, &rq) != NP_OK)
      abort();
  }
  npb_measure(hd_body, &hd, opt.runs, opt.min_run_ns, &r);
  snprintf(note, sizeof note, "jar of %zu, header of %zu bytes",
           np_cookiejar_count(hd.jar), hd.out.len);
  npb_table_begin("Cookie header for one request, 10,000-cookie jar, ns",
                  NPB_NS);
  npb_table_row("netproto", r.median_ns, r.best_ns, note);
  npb_report_row(&py_report, "header", "CPython http.cookiejar", NULL);
  npb_table_end();

  /* load */
  ld_ctx ld;
  np_buf_init(&ld.text, 0);
  for (int i = 0; i < M_LOAD; i++)
    np_buf_printf(&ld.text, "%sk%d=\"v%d w\"", i ? "; " : "", i, i);
  npb_measure(ld_body, &ld, opt.runs, opt.min_run_ns, &r);
  snprintf(note, sizeof note, "%zu morsels", ld.count);
  npb_table_begin("Cookie header parsing (SimpleCookie.load), ns per cookie",
                  NPB_NS);
  npb_table_row("netproto", npb_ns_per_op(r.median_ns, M_LOAD),
                npb_ns_per_op(r.best_ns, M_LOAD), note);
  npb_report_row(&py_report, "load", "CPython http.cookies", NULL);
  npb_table_end();

  for (int i = 0; i < N_SETCOOKIE; i++)
    free(texts[i]);
  free(texts);
  free(sc.h);
  np_cookiejar_free(sc.jar);
  np_cookiejar_free(hd.jar);
  np_buf_free(&hd.out);
  np_buf_free(&ld.text);
  np_buf_free(&py_report);
  return 0;
}
