/*
 * bench_url - urllib.parse's hot paths against their peers, in one run.
 *
 * 1. urlsplit + hostname, ns per URL, over real URL lists when the
 *    project's shared data is present (kasztp.txt, userbait.txt), and over
 *    the generated bench/data/urls.txt always.  Peers: uriparser
 *    (uriParseSingleUriExA + hostText), libcurl's URL API (curl_url_set
 *    CURLUPART_URL + curl_url_get CURLUPART_HOST on one reused handle,
 *    cleared between URLs so that a relative reference is not resolved
 *    against the previous URL), CPython 3 (urlsplit(u).hostname, timed by
 *    bench/url_cpython.py over the same file).  Each parser's count of
 *    refused URLs is printed beside its time: they do not refuse the same.
 * 2. quote (safe="/") and unquote in MB/s over bench/data/quote.txt (paths
 *    with spaces and non-ASCII words, query strings) against CPython.
 * 3. "no allocation per URL": the library's allocator is replaced by a
 *    counting one; the count over the timed loops (after a warm-up pass)
 *    is printed and should be 0.
 *
 * Usage: bench_url [--data DIR] [--source DIR] [--runs K] [--quick]
 *                  [--no-python]
 *   --data DIR    where kasztp.txt / userbait.txt are
 *                 (default: <source>/../shared/data/urls)
 *   --source DIR  the netproto source tree (default: the one built from)
 *   --runs K      timed runs per figure, median and best reported (7)
 *   --quick       3 runs of >= 5 ms: a smoke run
 *   --no-python   skip CPython
 */
#include "harness.h"
#include "netproto/url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef NPB_HAVE_CURL
#include <curl/curl.h>
#endif
#ifdef NPB_HAVE_URIPARSER
#include <uriparser/Uri.h>
#endif

/* ---- allocation counting ------------------------------------------- */

static unsigned long alloc_count;

static void *count_malloc(size_t n) {
  alloc_count++;
  return malloc(n);
}
static void *count_realloc(void *p, size_t n) {
  alloc_count++;
  return realloc(p, n);
}

/* ---- options and data ---------------------------------------------- */

static npb_options opt;
static const char *data_dir; /* --data DIR */

typedef struct dataset {
  char label[32];
  char path[1024];
  np_buf text;
  np_slice *lines;
  long n;
  size_t bytes;
} dataset;

static int load(dataset *d, const char *label, const char *path) {
  snprintf(d->label, sizeof d->label, "%s", label);
  snprintf(d->path, sizeof d->path, "%s", path);
  np_buf_init(&d->text, 0);
  d->lines = NULL;
  d->n = 0;
  if (npb_read_file(&d->text, path) != NP_OK)
    return -1;
  d->n = npb_split_lines(d->text.data, d->text.len, &d->lines);
  if (d->n <= 0)
    return -1;
  d->bytes = 0;
  for (long i = 0; i < d->n; i++)
    d->bytes += d->lines[i].len;
  return 0;
}

static void unload(dataset *d) {
  np_free(d->lines);
  np_buf_free(&d->text);
}

/* A sink the optimiser cannot see through, so no loop is dropped. */
static volatile size_t sink;

/* ---- split bodies -------------------------------------------------- */

typedef struct split_ctx {
  const dataset *d;
  long rejected; /* of the last pass */
  unsigned long calls;
  np_url u;
#ifdef NPB_HAVE_CURL
  CURLU *curl;
#endif
} split_ctx;

static void np_split_body(void *arg) {
  split_ctx *c = arg;
  long rej = 0;
  size_t sum = 0;
  for (long i = 0; i < c->d->n; i++) {
    np_slice s = c->d->lines[i];
    if (np_urlsplit(&c->u, s.ptr, s.len, NULL, 0, NULL) != NP_OK)
      rej++;
    else
      sum += c->u.hostname.len;
  }
  c->rejected = rej;
  c->calls++;
  sink += sum;
}

#ifdef NPB_HAVE_URIPARSER
static void uriparser_body(void *arg) {
  split_ctx *c = arg;
  long rej = 0;
  size_t sum = 0;
  for (long i = 0; i < c->d->n; i++) {
    np_slice s = c->d->lines[i];
    UriUriA uri;
    const char *err;
    if (uriParseSingleUriExA(&uri, s.ptr, s.ptr + s.len, &err) != URI_SUCCESS) {
      rej++; /* uriparser frees what it built when it fails */
      continue;
    }
    if (uri.hostText.first)
      sum += (size_t)(uri.hostText.afterLast - uri.hostText.first);
    uriFreeUriMembersA(&uri);
  }
  c->rejected = rej;
  sink += sum;
}
#endif

#ifdef NPB_HAVE_CURL
static void curl_body(void *arg) {
  split_ctx *c = arg;
  long rej = 0;
  size_t sum = 0;
  for (long i = 0; i < c->d->n; i++) {
    /* Clear first: on a handle that holds a URL, curl resolves a relative
     * reference against it instead of refusing it. */
    curl_url_set(c->curl, CURLUPART_URL, NULL, 0);
    if (curl_url_set(c->curl, CURLUPART_URL, c->d->lines[i].ptr,
                     CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
      rej++;
      continue;
    }
    char *host = NULL;
    if (curl_url_get(c->curl, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
      sum += strlen(host);
      curl_free(host);
    }
  }
  c->rejected = rej;
  sink += sum;
}
#endif

/* ---- CPython ------------------------------------------------------- */

static np_buf py_report;

static void run_python(dataset *sets, int nsets, const char *quote_path) {
  char runs[16];
  snprintf(runs, sizeof runs, "%d", opt.runs);
  char *args[60];
  int a = 0;
  args[a++] = "--rounds";
  args[a++] = runs;
  for (int i = 0; i < nsets && a < 54; i++) {
    args[a++] = "--split";
    args[a++] = sets[i].label;
    args[a++] = sets[i].path;
  }
  if (quote_path) {
    args[a++] = "--quote";
    args[a++] = (char *)quote_path;
  }
  args[a] = NULL;
  npb_run_python(&opt, "url_cpython.py", args, &py_report, 1 << 20, 900);
}

/* ---- split table --------------------------------------------------- */

static void note_rejected(char *out, size_t size, long rej, long n) {
  snprintf(out, size, "rejected %ld of %ld", rej, n);
}

static void bench_split(dataset *d) {
  split_ctx c;
  memset(&c, 0, sizeof c);
  c.d = d;
  np_url_init(&c.u);
  npb_result r;
  char note[128], title[256];
  snprintf(title, sizeof title,
           "urlsplit + hostname, ns per URL: %.31s (%ld URLs, %zu bytes)",
           d->label, d->n, d->bytes);

  np_split_body(&c); /* warm-up: the np_url's store reaches its size */
  alloc_count = 0;
  c.calls = 0;
  npb_measure(np_split_body, &c, opt.runs, opt.min_run_ns, &r);
  unsigned long allocs = alloc_count, calls = c.calls;
  npb_table_begin(title, NPB_NS);
  note_rejected(note, sizeof note, c.rejected, d->n);
  npb_table_row("netproto", npb_ns_per_op(r.median_ns, (double)d->n),
                npb_ns_per_op(r.best_ns, (double)d->n), note);
  np_url_free(&c.u);

#ifdef NPB_HAVE_URIPARSER
  npb_measure(uriparser_body, &c, opt.runs, opt.min_run_ns, &r);
  note_rejected(note, sizeof note, c.rejected, d->n);
  npb_table_row("uriparser", npb_ns_per_op(r.median_ns, (double)d->n),
                npb_ns_per_op(r.best_ns, (double)d->n), note);
#else
  npb_table_row("uriparser", -1, -1, "not built (liburiparser-dev missing)");
#endif
#ifdef NPB_HAVE_CURL
  c.curl = curl_url();
  if (c.curl) {
    npb_measure(curl_body, &c, opt.runs, opt.min_run_ns, &r);
    curl_url_cleanup(c.curl);
    note_rejected(note, sizeof note, c.rejected, d->n);
    npb_table_row("libcurl curl_url", npb_ns_per_op(r.median_ns, (double)d->n),
                  npb_ns_per_op(r.best_ns, (double)d->n), note);
  }
#else
  npb_table_row("libcurl curl_url", -1, -1, "not built (libcurl dev missing)");
#endif
  double v[4];
  char key[64];
  snprintf(key, sizeof key, "split %.31s", d->label);
  if (py_report.data && npb_report_get(py_report.data, key, v, 4) == 4) {
    note_rejected(note, sizeof note, (long)v[2], (long)v[3]);
    npb_table_row("CPython urlsplit", v[0], v[1], note);
  } else {
    npb_table_row("CPython urlsplit", -1, -1, "not measured");
  }
  npb_table_end();
  printf("  netproto allocations in the timed loop: %lu over %lu URL splits "
         "(after a warm-up pass)\n",
         allocs, calls * (unsigned long)d->n);
}

/* ---- quote / unquote ----------------------------------------------- */

typedef struct quote_ctx {
  const dataset *d;
  np_buf out;
  np_buf quoted;     /* every line quoted, back to back */
  size_t *offsets;   /* n + 1 offsets into quoted */
} quote_ctx;

static void quote_body(void *arg) {
  quote_ctx *c = arg;
  size_t sum = 0;
  for (long i = 0; i < c->d->n; i++) {
    np_buf_reset(&c->out);
    np_quote(&c->out, c->d->lines[i].ptr, c->d->lines[i].len, NULL);
    sum += c->out.len;
  }
  sink += sum;
}

static void unquote_body(void *arg) {
  quote_ctx *c = arg;
  size_t sum = 0;
  for (long i = 0; i < c->d->n; i++) {
    np_buf_reset(&c->out);
    np_unquote(&c->out, c->quoted.data + c->offsets[i],
               c->offsets[i + 1] - c->offsets[i]);
    sum += c->out.len;
  }
  sink += sum;
}

static void python_row(const char *key, const char *name) {
  double v[3];
  char note[64];
  if (py_report.data && npb_report_get(py_report.data, key, v, 3) == 3) {
    snprintf(note, sizeof note, "%.0f input bytes", v[2]);
    npb_table_row(name, v[0], v[1], note);
  } else {
    npb_table_row(name, -1, -1, "not measured");
  }
}

static int prepare_quoted(quote_ctx *c) {
  c->offsets = np_malloc(((size_t)c->d->n + 1) * sizeof *c->offsets);
  if (!c->offsets)
    return -1;
  c->offsets[0] = 0;
  for (long i = 0; i < c->d->n; i++) {
    if (np_quote(&c->quoted, c->d->lines[i].ptr, c->d->lines[i].len, NULL))
      return -1;
    c->offsets[i + 1] = c->quoted.len;
  }
  return 0;
}

static void bench_quote(dataset *d) {
  quote_ctx c;
  memset(&c, 0, sizeof c);
  c.d = d;
  np_buf_init(&c.out, 0);
  np_buf_init(&c.quoted, 0);
  if (prepare_quoted(&c) != 0) {
    fprintf(stderr, "bench_url: cannot quote %s\n", d->path);
    goto done;
  }
  npb_result r;
  char title[256], note[64];

  quote_body(&c);
  alloc_count = 0;
  npb_measure(quote_body, &c, opt.runs, opt.min_run_ns, &r);
  unsigned long qa = alloc_count;
  snprintf(title, sizeof title, "quote(s, safe='/'), MB/s of input: %.31s (%ld "
           "strings, %zu bytes)", d->label, d->n, d->bytes);
  npb_table_begin(title, NPB_MBPS);
  snprintf(note, sizeof note, "%lu allocations in the timed loop", qa);
  npb_table_row("netproto", npb_mbps(r.median_ns, (double)d->bytes),
                npb_mbps(r.best_ns, (double)d->bytes), note);
  python_row("quote", "CPython quote");
  npb_table_end();

  unquote_body(&c);
  alloc_count = 0;
  npb_measure(unquote_body, &c, opt.runs, opt.min_run_ns, &r);
  unsigned long ua = alloc_count;
  snprintf(title, sizeof title, "unquote(s), MB/s of quoted input: %.31s (%zu "
           "bytes)", d->label, c.quoted.len);
  npb_table_begin(title, NPB_MBPS);
  snprintf(note, sizeof note, "%lu allocations in the timed loop", ua);
  npb_table_row("netproto", npb_mbps(r.median_ns, (double)c.quoted.len),
                npb_mbps(r.best_ns, (double)c.quoted.len), note);
  python_row("unquote", "CPython unquote");
  npb_table_end();
done:
  np_free(c.offsets);
  np_buf_free(&c.out);
  np_buf_free(&c.quoted);
}

/* ---- main ---------------------------------------------------------- */

/* bench_url's own option: --data DIR. */
static int own_option(void *ctx, int argc, char **argv, int i) {
  (void)ctx;
  if (strcmp(argv[i], "--data") != 0)
    return 0;
  if (i + 1 >= argc)
    return -1;
  data_dir = argv[i + 1];
  return 2;
}

int main(int argc, char **argv) {
  /* Before any other netproto call, as np_set_allocator requires. */
  np_set_allocator(count_malloc, count_realloc, free);
  npb_options_init(&opt, "bench_url", 7);
  if (npb_parse_options(&opt, argc, argv, "[--data DIR]", own_option, NULL))
    return 2;
#ifdef NPB_HAVE_CURL
  curl_global_init(CURL_GLOBAL_DEFAULT);
#endif
  char path[1024], dir[1024];
  if (data_dir)
    snprintf(dir, sizeof dir, "%s", data_dir);
  else
    snprintf(dir, sizeof dir, "%.990s/../shared/data/urls", opt.source);

  dataset sets[3], quotes;
  int nsets = 0;
  static const char *const shared[] = {"kasztp", "userbait"};
  for (size_t i = 0; i < 2; i++) {
    snprintf(path, sizeof path, "%.1000s/%s.txt", dir, shared[i]);
    if (load(&sets[nsets], shared[i], path) == 0)
      nsets++;
    else
      unload(&sets[nsets]);
  }
  snprintf(path, sizeof path, "%.1000s/bench/data/urls.txt", opt.source);
  if (load(&sets[nsets], "generated", path) == 0)
    nsets++;
  else
    unload(&sets[nsets]);
  snprintf(path, sizeof path, "%.1000s/bench/data/quote.txt", opt.source);
  int have_quote = load(&quotes, "quote-mix", path) == 0;
  if (nsets == 0) {
    fprintf(stderr, "bench_url: no URL data (looked in %s and %s/bench/data)\n",
            dir, opt.source);
    return 1;
  }

  npb_print_intro(&opt, "urllib.parse against uriparser, libcurl and CPython");
  if (opt.python)
    run_python(sets, nsets, have_quote ? quotes.path : NULL);
  if (py_report.data)
    printf("peer: %.*s", (int)strcspn(py_report.data, "\n") + 1,
           py_report.data);

  for (int i = 0; i < nsets; i++)
    bench_split(&sets[i]);
  if (have_quote)
    bench_quote(&quotes);
  printf("\npeak RSS: %ld KiB (bench_url), %ld KiB (largest child: CPython)\n",
         npb_peak_rss_kib(), npb_children_peak_rss_kib());

  for (int i = 0; i < nsets; i++)
    unload(&sets[i]);
  if (have_quote)
    unload(&quotes);
  np_buf_free(&py_report);
#ifdef NPB_HAVE_CURL
  curl_global_cleanup();
#endif
  return 0;
}
