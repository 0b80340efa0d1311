/*
 * netproto fetch: download URLs with urllib.request's opener (src/request),
 * the way curl is used from scripts.
 *
 *   netproto fetch [options] URL...
 *
 * One opener serves every URL of a run: proxy (--proxy or the environment),
 * Basic and Digest authentication on a default-realm password manager (-u),
 * redirects (--max-redirs), cookies (--cookie-jar, Mozilla cookies.txt),
 * https with --cacert / --insecure, keep-alive across the URLs.  Bodies
 * stream from np_response_read into one large buffer and go to the output
 * descriptor with write(2): no stdio on the body path and no body is held
 * whole in memory.  A progress bar is drawn on stderr when it is a terminal
 * (not with -s), redrawn at most ten times a second.
 *
 * Exit status: 0 success, 1 local error (a file), 2 usage, 3 network or URL
 * error (DNS, connect, time-out, TLS, protocol, too many redirects), 4 HTTP
 * error with -f.  With several URLs every one is tried and the first
 * failure's code is returned.
 */
#include "cli.h"

#include "core/internal.h"
#include "core/loop.h"
#include "core/net.h"
#include "netproto/cookiejar.h"
#include "netproto/request.h"
#include "netproto/url.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
  EXIT_LOCAL = 1,
  EXIT_HTTP = 4,
};

/* Bytes read from the response per write(2): large enough that a 1 GiB
 * download costs a few thousand system calls, small enough for the cache. */
#define BODY_BUF_SIZE ((size_t)256 * 1024)
/* Idle connections the opener keeps between the URLs of one run. */
#define KEEPALIVE_POOL 8

static void fetch_usage(FILE *out) {
  fprintf(out,
      "usage: netproto fetch [options] URL...\n"
      "\n"
      "Download URLs with urllib.request's opener (http, https, ftp, file,\n"
      "data).  Bodies go to standard output, concatenated, unless -o/-O\n"
      "name a file; redirects are followed.\n"
      "\n"
      "  -o, --output FILE     write the next URL's body to FILE (one -o per\n"
      "                        URL, in order; - is standard output)\n"
      "  -O, --remote-name     write the next URL's body to the last segment\n"
      "                        of its path, in the current directory\n"
      "  -X, --request METHOD  the request method (default GET; POST with\n"
      "                        data)\n"
      "  -d, --data DATA       send DATA as the body (several -d are joined\n"
      "                        with '&'); Content-type defaults to\n"
      "                        application/x-www-form-urlencoded\n"
      "      --data-file FILE  send the bytes of FILE as the body\n"
      "  -H, --header 'N: V'   add a request header (repeatable)\n"
      "  -u, --user USER:PASS  credentials for Basic or Digest, as the\n"
      "                        server's challenge asks (without -u:\n"
      "                        user:pass@ in an http or https URL)\n"
      "  -A, --user-agent UA   the User-agent header\n"
      "      --cookie-jar FILE Mozilla cookies.txt: loaded if it exists, sent\n"
      "                        with the requests, saved after the last URL\n"
      "      --proxy URL       proxy for http and https (default: the\n"
      "                        *_proxy environment variables, as urllib)\n"
      "      --max-redirs N    follow at most N redirects (default 10)\n"
      "      --timeout S       seconds (decimals allowed) for connecting and\n"
      "                        each read or write (default: none)\n"
      "      --cacert FILE     trust the CA certificates in FILE (PEM)\n"
      "  -k, --insecure        do not verify the server's certificate\n"
      "  -i, --include         write the status line and headers first\n"
      "                        (of every response, redirects included)\n"
      "  -f, --fail            an HTTP error status (>= 400) is a failure:\n"
      "                        no body written, exit status 4\n"
      "  -s, --silent          no progress bar\n"
      "      --no-keepalive    one connection per request (Connection: close)\n"
      "                        instead of reusing connections across URLs\n"
      "  -h, --help            this help\n"
      "\n"
      "A progress bar is drawn on standard error when it is a terminal and\n"
      "the body does not go to that terminal.\n"
      "\n"
      "exit status: 0 success (an HTTP error without -f included), 1 local\n"
      "error (a file cannot be read or written), 2 usage error, 3 network or\n"
      "URL error (DNS, connect, time-out, TLS, protocol, too many\n"
      "redirects), 4 HTTP error with -f.  With several URLs all are tried\n"
      "and the first failure's status is returned.\n");
}

/* Where one URL's body goes: NULL file is standard output; remote_name
 * is -O. */
typedef struct out_spec {
  const char *file;
  int remote_name;
} out_spec;

typedef struct fetch_opts {
  const char **urls;
  size_t nurls, caps[3]; /* capacities of urls, outs, headers */
  out_spec *outs;
  size_t nouts;
  const char *method;
  np_buf data;          /* -d pieces joined with '&' */
  int has_data;
  const char *data_file;
  const char **headers; /* "Name: value" as given */
  size_t nheaders;
  const char *user;     /* "user:pass" */
  const char *agent;
  const char *cookie_jar;
  const char *proxy;
  long max_redirs;      /* -1: the default */
  int timeout_ms;       /* -1: none */
  const char *cacert;
  int insecure, include, fail, silent, no_keepalive;
} fetch_opts;

/* ---- option parsing ------------------------------------------------- */

/*
 * Decimal seconds: digits, optionally '.' and more digits (at least one
 * digit in all), at most 2,000,000 s.  Returns milliseconds, or -1.
 */
static int parse_seconds(const char *s) {
  uint64_t whole = 0, ms = 0;
  const char *dot = strchr(s, '.');
  size_t ilen = dot ? (size_t)(dot - s) : strlen(s);
  if (ilen && np__parse_uint(s, ilen, 2000000, &whole) != NP_OK)
    return -1;
  if (dot) {
    const char *f = dot + 1;
    size_t flen = strlen(f);
    if (!ilen && !flen)
      return -1;
    uint64_t scale = 100;
    for (size_t i = 0; i < flen; i++) {
      if (f[i] < '0' || f[i] > '9')
        return -1;
      ms += (uint64_t)(f[i] - '0') * scale;
      scale /= 10;
    }
  } else if (!ilen) {
    return -1;
  }
  uint64_t total = whole * 1000 + ms;
  if (total == 0 || total > 2000000000u)
    return -1;
  return (int)total;
}

/* The table of options: short and long names, whether a value follows.
 * O_STRING keeps the value in the const char * field at `field`, O_FLAG
 * sets the int at `field` to 1; the others are checked in apply_option. */
typedef enum {
  O_STRING, O_FLAG, O_OUTPUT, O_REMOTE, O_METHOD, O_DATA, O_HEADER, O_USER,
  O_MAXREDIRS, O_TIMEOUT, O_HELP
} opt_id;

typedef struct fetch_option {
  char short_name;
  const char *long_name;
  opt_id id;
  int takes_value;
  size_t field; /* O_STRING, O_FLAG: offsetof(fetch_opts, ...) */
} fetch_option;

#define STR_OPT(s, l, f) {s, l, O_STRING, 1, offsetof(fetch_opts, f)}
#define FLAG_OPT(s, l, f) {s, l, O_FLAG, 0, offsetof(fetch_opts, f)}
static const fetch_option fetch_options[] = {
    {'o', "--output", O_OUTPUT, 1, 0},
    {'O', "--remote-name", O_REMOTE, 0, 0},
    {'X', "--request", O_METHOD, 1, 0},
    {'d', "--data", O_DATA, 1, 0},
    STR_OPT(0, "--data-file", data_file),
    {'H', "--header", O_HEADER, 1, 0},
    {'u', "--user", O_USER, 1, 0},
    STR_OPT('A', "--user-agent", agent),
    STR_OPT(0, "--cookie-jar", cookie_jar),
    STR_OPT(0, "--proxy", proxy),
    {0, "--max-redirs", O_MAXREDIRS, 1, 0},
    {0, "--timeout", O_TIMEOUT, 1, 0},
    STR_OPT(0, "--cacert", cacert),
    FLAG_OPT('k', "--insecure", insecure),
    FLAG_OPT('i', "--include", include),
    FLAG_OPT('f', "--fail", fail),
    FLAG_OPT('s', "--silent", silent),
    FLAG_OPT(0, "--no-keepalive", no_keepalive),
    {'h', "--help", O_HELP, 0, 0},
};
#undef STR_OPT
#undef FLAG_OPT

/* An RFC 9110 token: a method or a header name. */
static int is_token(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!np__is((unsigned char)s[i], NP_CC_TCHAR))
      return 0;
  return n > 0 && n < 256;
}

/* Out of memory while reading the command line: exit status 1 (a local
 * failure), not a usage error. */
static int out_of_memory(void) {
  fputs("netproto fetch: out of memory\n", stderr);
  return EXIT_LOCAL;
}

/* Apply one option.  Returns 0, NP_EXIT_USAGE (or EXIT_LOCAL when out of
 * memory) after a message, or -1 for --help (printed). */
static int apply_option(fetch_opts *f, const fetch_option *opt,
                        const char *v) {
  opt_id id = opt->id;
  switch (id) {
  case O_STRING:
    *(const char **)(void *)((char *)f + opt->field) = v;
    return 0;
  case O_FLAG:
    *(int *)(void *)((char *)f + opt->field) = 1;
    return 0;
  case O_OUTPUT:
  case O_REMOTE: {
    if (np__array_reserve(&f->outs, &f->caps[1], f->nouts + 1,
                          sizeof *f->outs, 8))
      return out_of_memory();
    f->outs[f->nouts].file = id == O_OUTPUT && strcmp(v, "-") ? v : NULL;
    f->outs[f->nouts].remote_name = id == O_REMOTE;
    f->nouts++;
    return 0;
  }
  case O_METHOD:
    if (!is_token(v, strlen(v)))
      return np_cli_usage_error("fetch", "bad method '%s' for -X", v);
    f->method = v;
    return 0;
  case O_DATA:
    if ((f->has_data && np_buf_putc(&f->data, '&')) ||
        np_buf_append_cstr(&f->data, v))
      return np_cli_usage_error("fetch", "-d data too large");
    f->has_data = 1;
    return 0;
  case O_HEADER: {
    const char *colon = strchr(v, ':');
    if (!colon || !is_token(v, (size_t)(colon - v)) || strpbrk(v, "\r\n"))
      return np_cli_usage_error("fetch", "bad header '%s' (want 'Name: value')",
                                v);
    if (np__array_reserve(&f->headers, &f->caps[2], f->nheaders + 1,
                          sizeof *f->headers, 8))
      return out_of_memory();
    f->headers[f->nheaders++] = v;
    return 0;
  }
  case O_USER:
    if (!strchr(v, ':'))
      return np_cli_usage_error("fetch", "-u wants USER:PASSWORD");
    f->user = v;
    return 0;
  case O_MAXREDIRS:
    if ((f->max_redirs = np_cli_number(v, 0, 1000000)) < 0)
      return np_cli_usage_error("fetch", "bad --max-redirs %s", v);
    return 0;
  case O_TIMEOUT:
    if ((f->timeout_ms = parse_seconds(v)) < 0)
      return np_cli_usage_error("fetch", "bad --timeout %s", v);
    return 0;
  case O_HELP:
    fetch_usage(stdout);
    return -1;
  }
  return 0;
}

/*
 * Options and URLs in any order ("--" ends the options).  Short options
 * may be grouped (-sf) and take their value attached (-oFILE) or as the
 * next word; long ones as the next word or after '='.
 */
static int parse_args(fetch_opts *f, int argc, char **argv) {
  int only_urls = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (only_urls || a[0] != '-' || !a[1]) {
      if (np__array_reserve(&f->urls, &f->caps[0], f->nurls + 1,
                            sizeof *f->urls, 64))
        return out_of_memory();
      f->urls[f->nurls++] = a;
      continue;
    }
    if (!strcmp(a, "--")) {
      only_urls = 1;
      continue;
    }
    if (a[1] == '-') {
      const char *eq = strchr(a, '=');
      size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
      size_t k = 0, n = sizeof fetch_options / sizeof fetch_options[0];
      while (k < n && !(strlen(fetch_options[k].long_name) == nlen &&
                        !strncmp(fetch_options[k].long_name, a, nlen)))
        k++;
      if (k == n)
        return np_cli_usage_error("fetch", "unknown option %s", a);
      const char *v = NULL;
      if (fetch_options[k].takes_value) {
        if (eq)
          v = eq + 1;
        else if (i + 1 < argc)
          v = argv[++i];
        else
          return np_cli_usage_error("fetch", "%s needs a value", a);
      } else if (eq) {
        return np_cli_usage_error("fetch", "%.*s takes no value", (int)nlen,
                                  a);
      }
      int rc = apply_option(f, &fetch_options[k], v);
      if (rc)
        return rc;
      continue;
    }
    for (const char *p = a + 1; *p; p++) {
      size_t k = 0, n = sizeof fetch_options / sizeof fetch_options[0];
      while (k < n && fetch_options[k].short_name != *p)
        k++;
      if (k == n)
        return np_cli_usage_error("fetch", "unknown option -%c", *p);
      const char *v = NULL;
      if (fetch_options[k].takes_value) {
        if (p[1])
          v = p + 1;
        else if (i + 1 < argc)
          v = argv[++i];
        else
          return np_cli_usage_error("fetch", "-%c needs a value", *p);
      }
      int rc = apply_option(f, &fetch_options[k], v);
      if (rc)
        return rc;
      if (v)
        break;
    }
  }
  if (!f->nurls)
    return np_cli_usage_error("fetch", "no URL given");
  if (f->has_data && f->data_file)
    return np_cli_usage_error("fetch", "-d and --data-file exclude each other");
  if (f->nouts > f->nurls)
    return np_cli_usage_error("fetch", "more -o/-O than URLs");
  return 0;
}

/* ---- progress --------------------------------------------------------- */

typedef struct progress {
  int on;
  long long total;   /* Content-Length, -1 if unknown */
  long long done;
  double start, last; /* seconds, monotonic */
} progress;

static double now_s(void) { return (double)np__now_ms() / 1e3; }

/* "12.3 MiB" style sizes into out. */
static void human(char *out, size_t cap, double n) {
  static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (n >= 1024 && u < 4)
    n /= 1024, u++;
  if (u == 0)
    snprintf(out, cap, "%.0f %s", n, units[u]);
  else
    snprintf(out, cap, "%.1f %s", n, units[u]);
}

static void progress_draw(progress *p, double t) {
  char line[160], done[32], total[32], rate[32];
  double el = t - p->start;
  double bps = el > 0 ? (double)p->done / el : 0;
  human(done, sizeof done, (double)p->done);
  human(rate, sizeof rate, bps);
  int n;
  if (p->total > 0) {
    human(total, sizeof total, (double)p->total);
    double pct = 100.0 * (double)p->done / (double)p->total;
    if (pct > 100)
      pct = 100;
    char eta[32] = "--:--";
    if (bps > 0 && p->done < p->total) {
      long long s = (long long)((double)(p->total - p->done) / bps + 0.5);
      if (s >= 3600)
        snprintf(eta, sizeof eta, "%lld:%02lld:%02lld", s / 3600,
                 s / 60 % 60, s % 60);
      else
        snprintf(eta, sizeof eta, "%02lld:%02lld", s / 60, s % 60);
    } else if (p->done >= p->total) {
      snprintf(eta, sizeof eta, "00:00");
    }
    n = snprintf(line, sizeof line, "\r%5.1f%%  %s / %s  %s/s  ETA %s\033[K",
                 pct, done, total, rate, eta);
  } else {
    n = snprintf(line, sizeof line, "\r%s  %s/s\033[K", done, rate);
  }
  size_t len = n < 0                      ? 0
               : (size_t)n < sizeof line ? (size_t)n
                                         : sizeof line - 1;
  (void)!write(2, line, len); /* a lost redraw is harmless */
  p->last = t;
}

static void progress_start(progress *p, int on, np_response *resp) {
  memset(p, 0, sizeof *p);
  p->on = on;
  p->total = -1;
  if (!on)
    return;
  np_slice cl = np_response_getheader(resp, "Content-Length");
  uint64_t v;
  if (cl.ptr && np__parse_uint(cl.ptr, cl.len, INT64_MAX, &v) == NP_OK)
    p->total = (long long)v;
  p->start = p->last = now_s();
}

/* Called after each read: one clock read, a redraw at most every 0.1 s. */
static void progress_add(progress *p, size_t n) {
  p->done += (long long)n;
  if (!p->on)
    return;
  double t = now_s();
  if (t - p->last >= 0.1)
    progress_draw(p, t);
}

static void progress_end(progress *p) {
  if (!p->on)
    return;
  progress_draw(p, now_s());
  (void)!write(2, "\n", 1);
}

/* ---- one URL ---------------------------------------------------------- */

typedef struct fetch_run {
  fetch_opts *o;
  np_opener *opener;
  char *buf;          /* BODY_BUF_SIZE */
  np_buf heads;       /* -i: the heads of the current URL's responses */
  int stdout_tty, stderr_tty;
} fetch_run;

static int report(const char *url, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int report(const char *url, int code, const char *fmt, ...) {
  va_list ap;
  fputs("netproto fetch: ", stderr);
  np_cli_print_url(stderr, url);
  fputs(": ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return code;
}

/* The exit status for an opener failure other than an HTTP error. */
static int failure_code(int rc) {
  return rc == NP_ENOMEM ? EXIT_LOCAL : NP_EXIT_NETWORK;
}

static const char *reason_of(int rc, const np_error *err) {
  return err->message[0] ? err->message : np_strerror(rc);
}

/* -O: the last segment of the URL's path; NULL when it has none. */
static char *remote_name(const char *url) {
  np_url u;
  np_url_init(&u);
  char *name = NULL;
  if (np_urlsplit(&u, url, strlen(url), NULL, 0, NULL) == NP_OK &&
      u.path.ptr) {
    const char *p = u.path.ptr, *end = p + u.path.len, *s = end;
    while (s > p && s[-1] != '/')
      s--;
    size_t n = (size_t)(end - s);
    int dots = (n == 1 && s[0] == '.') ||
               (n == 2 && s[0] == '.' && s[1] == '.');
    if (n && !dots)
      name = np__copy_str(s, n);
  }
  np_url_free(&u);
  return name;
}

/* True for an http: or https: URL: the ones whose userinfo fetch turns
 * into credentials (ftp: URLs carry theirs to the FTP handler). */
static bool is_http(const char *url) {
  return strncasecmp(url, "http://", 7) == 0 ||
         strncasecmp(url, "https://", 8) == 0;
}

/* url without its userinfo in *bare (np_free), or *bare NULL when it has
 * none.  NP_ENOMEM. */
static int strip_userinfo(const char *url, char **bare) {
  const char *user, *at;
  *bare = NULL;
  if (!np_cli_find_userinfo(url, &user, &at))
    return NP_OK;
  size_t head = (size_t)(user - url), len = strlen(url);
  *bare = np_malloc(len + 1);
  if (!*bare)
    return NP_ENOMEM;
  memcpy(*bare, url, head);
  memcpy(*bare + head, at + 1, len - (size_t)(at + 1 - url) + 1);
  return NP_OK;
}

/* The request for url with the command line's method, data and headers. */
static int make_request(fetch_run *r, const char *url, np_request **out,
                        np_error *err) {
  fetch_opts *o = r->o;
  char *bare = NULL;
  if (is_http(url) && strip_userinfo(url, &bare) != NP_OK)
    return np_error_set(err, NP_ENOMEM, "out of memory");
  if (bare)
    url = bare;
  int rc = np_request_new(out, url, strlen(url), err);
  np_free(bare);
  if (rc)
    return rc;
  np_request *req = *out;
  if (o->has_data)
    rc = np_request_set_data(req, o->data.data, o->data.len);
  else if (o->data_file &&
           (rc = np_request_set_data_file(req, o->data_file, err))) {
    char why[sizeof err->message];
    snprintf(why, sizeof why, "%s", reason_of(rc, err));
    return np_error_set(err, rc, "cannot read %s: %s", o->data_file, why);
  }
  if (!rc && o->method)
    rc = np_request_set_method(req, o->method);
  for (size_t i = 0; !rc && i < o->nheaders; i++) {
    const char *h = o->headers[i], *colon = strchr(h, ':');
    char name[256]; /* is_token() checked the length */
    size_t nlen = (size_t)(colon - h);
    memcpy(name, h, nlen);
    name[nlen] = 0;
    const char *v = colon + 1;
    while (*v == ' ' || *v == '\t')
      v++;
    rc = np_request_add_header(req, name, v);
    if (rc)
      return np_error_set(err, rc, "bad header '%s'", h);
  }
  if (!rc && o->timeout_ms > 0)
    np_request_set_timeout(req, o->timeout_ms);
  return rc ? np_error_set(err, rc, "%s", np_strerror(rc)) : NP_OK;
}

/* -i: the status line and headers of resp appended to h, as curl writes
 * them (a status line only for responses that have one). */
static int append_head(np_buf *h, const np_response *resp) {
  int rc = NP_OK;
  int status = np_response_status(resp);
  if (status > 0) {
    const char *reason = np_response_reason(resp);
    int v = np_response_version(resp);
    rc = np_buf_printf(h, "HTTP/%s %03d%s%s\r\n", v == 10 ? "1.0" : "1.1",
                       status, *reason ? " " : "", reason);
  }
  for (size_t i = 0; !rc && i < np_response_header_count(resp); i++) {
    np_http_header hd = np_response_header_at(resp, i);
    rc = np_buf_printf(h, "%.*s: %.*s\r\n", NP_SLICE_ARG(hd.name),
                       NP_SLICE_ARG(hd.value));
  }
  return rc ? rc : np_buf_append(h, "\r\n", 2);
}

/* -i: every head an http(s) URL met (redirects and challenges on the way,
 * as curl -iL shows them, recorded by the heads handler), or the final
 * response's alone for other schemes. */
static int write_heads(fetch_run *r, int fd, np_response *resp,
                       np_error *err) {
  int rc = r->heads.len ? NP_OK : append_head(&r->heads, resp);
  if (rc)
    return np_error_set(err, rc, "%s", np_strerror(rc));
  return np__write_all(fd, r->heads.data, r->heads.len, err);
}

/* Where the body goes: opened only once there is a response to write, so
 * a failed request leaves no empty file behind.  *fd 1 is stdout. */
static int open_output(fetch_run *r, const char *url, size_t idx, int *fd,
                       char **path) {
  *fd = 1;
  *path = NULL;
  if (idx >= r->o->nouts)
    return 0;
  const out_spec *s = &r->o->outs[idx];
  if (s->remote_name) {
    if (!(*path = remote_name(url)))
      return report(url, EXIT_LOCAL, "no file name in the URL for -O");
  } else if (s->file) {
    if (!(*path = np__copy_cstr(s->file)))
      return report(url, EXIT_LOCAL, "out of memory");
  } else {
    return 0;
  }
  *fd = open(*path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (*fd < 0) {
    int e = errno;
    *fd = 1;
    return report(url, EXIT_LOCAL, "cannot open %s: %s", *path, strerror(e));
  }
  return 0;
}

/* True for HTTPError raised by the redirect handler's loop check. */
static int is_redirect_loop(const np_error *err) {
  return err->value >= 300 && err->value < 400 &&
         strstr(err->message, "redirect error that would lead to an "
                              "infinite loop") != NULL;
}

static int fetch_one(fetch_run *r, const char *url, size_t idx) {
  fetch_opts *o = r->o;
  np_error err = NP_ERROR_INIT;
  np_request *req = NULL;
  np_response *resp = NULL;
  int code = 0, fd = 1;
  char *path = NULL;
  int rc = make_request(r, url, &req, &err);
  if (rc) { /* a bad URL, or --data-file that cannot be read */
    int c = rc == NP_ENOMEM || rc == NP_ESYS ? EXIT_LOCAL : NP_EXIT_NETWORK;
    code = report(url, c, "%s", reason_of(rc, &err));
    goto done;
  }
  r->heads.len = 0;
  rc = np_opener_open(r->opener, req, &resp, &err);
  if (rc == NP_EREQUEST_HTTP) {
    int status = (int)err.value;
    if (is_redirect_loop(&err)) {
      code = report(url, NP_EXIT_NETWORK,
                    "too many redirects (the last one was HTTP %d)", status);
      goto done;
    }
    if (o->max_redirs == 0 && status >= 300 && status < 400 &&
        np_error_response(&err) &&
        np_response_getheader(np_error_response(&err), "Location").ptr) {
      code = report(url, NP_EXIT_NETWORK,
                    "too many redirects (--max-redirs 0)");
      goto done;
    }
    if (o->fail && status >= 400) {
      code = report(url, EXIT_HTTP, "%s", reason_of(rc, &err));
      goto done;
    }
    resp = np_error_take_response(&err);
    if (!resp) {
      code = report(url, NP_EXIT_NETWORK, "%s", reason_of(rc, &err));
      goto done;
    }
    np_error_clear(&err);
  } else if (rc) {
    code = report(url, failure_code(rc), "%s", reason_of(rc, &err));
    goto done;
  }
  if ((code = open_output(r, url, idx, &fd, &path)))
    goto done;
  if (o->include && write_heads(r, fd, resp, &err)) {
    code = report(url, EXIT_LOCAL, "%s", reason_of(NP_ESYS, &err));
    goto done;
  }
  progress p;
  progress_start(&p, r->stderr_tty && !o->silent && !(fd == 1 && r->stdout_tty),
                 resp);
  for (;;) {
    size_t got = 0;
    /* with a bar, take what came (read1) so it moves on slow links; else
     * fill the buffer: fewer, larger writes */
    rc = p.on ? np_response_read1(resp, r->buf, BODY_BUF_SIZE, &got, &err)
              : np_response_read(resp, r->buf, BODY_BUF_SIZE, &got, &err);
    if (got && np__write_all(fd, r->buf, got, &err) != NP_OK) {
      progress_end(&p);
      code = report(url, EXIT_LOCAL, "cannot write %s: %s",
                    path ? path : "standard output", strerror(err.sys_errno));
      goto done;
    }
    progress_add(&p, got);
    if (rc || !got)
      break;
  }
  progress_end(&p);
  if (rc)
    code = report(url, failure_code(rc), "%s", reason_of(rc, &err));
done:
  if (fd > 2 && close(fd) != 0 && !code)
    code = report(url, EXIT_LOCAL, "cannot write %s: %s", path,
                  strerror(errno));
  np_free(path);
  np_response_free(resp);
  np_request_free(req);
  np_error_clear(&err);
  return code;
}

/* ---- the opener --------------------------------------------------------- */

static void free_plain_handler(np_handler *h) { np_free(h); }

/* A zeroed handler with kind, order and schemes, freed by the opener. */
static np_handler *plain_handler(const char *kind, int order,
                                 const char *schemes) {
  np_handler *h = np_malloc(sizeof *h);
  if (h) {
    memset(h, 0, sizeof *h);
    h->kind = kind;
    h->order = order;
    h->schemes = schemes;
    h->destroy = free_plain_handler;
  }
  return h;
}

/* --max-redirs 0: a handler of kind "redirect" that handles nothing, so it
 * replaces the default one and a 30x reaches the caller. */
static np_handler *no_redirect_handler(void) {
  return plain_handler("redirect", 500, NULL);
}

/* -i: a response post-processor that runs before HTTPErrorProcessor
 * (order 1000), so it sees every response of an http(s) URL: the
 * redirects and challenges the opener follows, then the final one. */
static int record_head(np_handler *h, np_opener *o, np_request *req,
                       np_response **resp, np_error *err) {
  (void)o, (void)req;
  fetch_run *r = h->ctx;
  int rc = append_head(&r->heads, *resp);
  return rc ? np_error_set(err, rc, "%s", np_strerror(rc)) : NP_OK;
}

static np_handler *heads_handler(fetch_run *r) {
  np_handler *h = plain_handler("fetch_heads", 900, "http https");
  if (h) {
    h->response = record_head;
    h->ctx = r;
  }
  return h;
}

/* scheme://host[:port]/ of url, for the password manager. */
static int add_credentials(np_password_mgr *pm, const char *url,
                           const char *user, const char *pass) {
  np_url u;
  np_url_init(&u);
  np_buf b;
  np_buf_init(&b, 0);
  int rc = np_urlsplit(&u, url, strlen(url), NULL, 0, NULL);
  if (rc == NP_OK && u.hostname.ptr) {
    np_slice host = u.netloc;
    const char *at = memchr(host.ptr, '@', host.len);
    if (at) { /* drop user info */
      host.len -= (size_t)(at + 1 - host.ptr);
      host.ptr = at + 1;
    }
    rc = np_buf_printf(&b, "%.*s://%.*s/", NP_SLICE_ARG(u.scheme),
                       NP_SLICE_ARG(host));
    if (rc == NP_OK)
      rc = np_password_mgr_add(pm, NULL, b.data, user, pass, 0);
  }
  np_url_free(&u);
  np_buf_free(&b);
  return rc == NP_ENOMEM ? rc : NP_OK;
}

typedef struct fetch_state {
  np_password_mgr *pm;
  np_cookiejar *jar;
  np_tls_options tls;
  char *user, *pass;
} fetch_state;

/* The percent-decoded user and password of an http(s) URL's userinfo
 * (as curl reads them) into the password manager, made on first use. */
static int add_url_credentials(fetch_state *st, const char *url) {
  np_url u;
  np_url_init(&u);
  if (!is_http(url) || np_urlsplit(&u, url, strlen(url), NULL, 0, NULL) ||
      !u.username.ptr) {
    np_url_free(&u);
    return NP_OK; /* a bad URL fails later, with its own message */
  }
  np_buf user, pass;
  np_buf_init(&user, 0);
  np_buf_init(&pass, 0);
  int rc = np_unquote(&user, u.username.ptr, u.username.len);
  if (!rc && u.password.ptr)
    rc = np_unquote(&pass, u.password.ptr, u.password.len);
  if (!rc && !st->pm)
    rc = np_password_mgr_new(&st->pm, NP_PASSWORD_MGR_DEFAULT_REALM);
  if (!rc)
    rc = add_credentials(st->pm, url, user.data ? user.data : "",
                         pass.data ? pass.data : "");
  np_buf_free(&user);
  np_buf_free(&pass);
  np_url_free(&u);
  return rc;
}

static int build(fetch_run *r, fetch_state *st, np_error *err) {
  fetch_opts *o = r->o;
  np_handler *hs[8];
  size_t n = 0;
  int rc = NP_OK;
  st->tls.ca_file = o->cacert;
  st->tls.insecure_skip_verify = o->insecure;
  hs[n++] = np_handler_https_new(&st->tls);
  if (o->max_redirs == 0)
    hs[n++] = no_redirect_handler();
  else /* 307/308 resend the method and body, as curl -L does */
    hs[n++] = np_handler_redirect_new(o->max_redirs > 0 ? (int)o->max_redirs
                                                        : 0,
                                      0, NP_REDIRECT_RESEND_BODY);
  if (o->proxy) {
    np_proxies px = {0};
    rc = np_proxies_set(&px, "http", o->proxy);
    if (!rc)
      rc = np_proxies_set(&px, "https", o->proxy);
    if (!rc)
      hs[n++] = np_handler_proxy_new(&px);
    np_proxies_free(&px);
  }
  if (!rc && o->user) {
    const char *colon = strchr(o->user, ':');
    st->user = np__copy_str(o->user, (size_t)(colon - o->user));
    st->pass = np__copy_cstr(colon + 1);
    rc = st->user && st->pass ? np_password_mgr_new(
                                    &st->pm, NP_PASSWORD_MGR_DEFAULT_REALM)
                              : NP_ENOMEM;
    for (size_t i = 0; !rc && i < o->nurls; i++)
      rc = add_credentials(st->pm, o->urls[i], st->user, st->pass);
  }
  /* without -u, user:pass in an http(s) URL answers its challenges */
  for (size_t i = 0; !rc && !o->user && i < o->nurls; i++)
    rc = add_url_credentials(st, o->urls[i]);
  if (!rc && st->pm) {
    hs[n++] = np_handler_basic_auth_new(st->pm);
    hs[n++] = np_handler_digest_auth_new(st->pm);
  }
  if (!rc && o->include)
    hs[n++] = heads_handler(r);
  if (!rc && o->cookie_jar) {
    st->jar = np_cookiejar_new(NULL);
    if (st->jar)
      hs[n++] = np_handler_cookie_new(st->jar);
    else
      rc = NP_ENOMEM;
  }
  for (size_t i = 0; i < n; i++)
    if (!hs[i])
      rc = NP_ENOMEM;
  if (rc) {
    for (size_t i = 0; i < n; i++)
      if (hs[i] && hs[i]->destroy)
        hs[i]->destroy(hs[i]);
    return np_error_set(err, rc, "%s", np_strerror(rc));
  }
  rc = np_build_opener(&r->opener, hs, n, err);
  if (!rc && o->agent)
    rc = np_opener_add_header(r->opener, "User-agent", o->agent);
  if (!rc && !o->no_keepalive)
    rc = np_opener_set_keepalive(r->opener, KEEPALIVE_POOL);
  return rc;
}

int np_cmd_fetch(int argc, char **argv) {
  fetch_opts o;
  memset(&o, 0, sizeof o);
  o.max_redirs = -1;
  o.timeout_ms = -1;
  np_buf_init(&o.data, (size_t)1 << 30);
  fetch_run r;
  memset(&r, 0, sizeof r);
  r.o = &o;
  np_buf_init(&r.heads, (size_t)1 << 20); /* -i: 11 redirects' heads fit */
  fetch_state st;
  memset(&st, 0, sizeof st);
  np_error err = NP_ERROR_INIT;
  int code = parse_args(&o, argc, argv);
  if (code) {
    code = code < 0 ? NP_EXIT_OK : code;
    goto out;
  }
  r.stdout_tty = isatty(1);
  r.stderr_tty = isatty(2);
  if (build(&r, &st, &err)) {
    code = report("-", EXIT_LOCAL, "%s", reason_of(err.code, &err));
    goto out;
  }
  if (st.jar && access(o.cookie_jar, F_OK) == 0 &&
      np_cookiejar_load(st.jar, NP_COOKIEJAR_MOZILLA, o.cookie_jar, true,
                        false, &err) != NP_OK) {
    code = report(o.cookie_jar, EXIT_LOCAL, "cannot load cookies: %s",
                  reason_of(err.code, &err));
    goto out;
  }
#ifdef F_SETPIPE_SZ
  /* Standard output into a pipe: a 1 MiB pipe takes a whole block per
   * write (the default 64 KiB one wakes the reader four times as often).
   * Best effort; the pipe stays as it is when Linux refuses. */
  struct stat so;
  if (fstat(1, &so) == 0 && S_ISFIFO(so.st_mode))
    (void)fcntl(1, F_SETPIPE_SZ, 1 << 20);
#endif
  if (!(r.buf = np_malloc(BODY_BUF_SIZE))) {
    code = report("-", EXIT_LOCAL, "out of memory");
    goto out;
  }
  for (size_t i = 0; i < o.nurls; i++) {
    int c = fetch_one(&r, o.urls[i], i);
    if (c && !code)
      code = c;
  }
  if (st.jar) {
    np_error_clear(&err);
    if (np_cookiejar_save(st.jar, NP_COOKIEJAR_MOZILLA, o.cookie_jar, true,
                          false, &err) != NP_OK) {
      int c = report(o.cookie_jar, EXIT_LOCAL, "cannot save cookies: %s",
                     reason_of(err.code, &err));
      if (!code)
        code = c;
    }
  }
out:
  np_error_clear(&err);
  np_opener_free(r.opener);
  np_cookiejar_free(st.jar);
  np_password_mgr_free(st.pm);
  np_free(st.user);
  np_free(st.pass);
  np_free(r.buf);
  np_buf_free(&r.heads);
  np_buf_free(&o.data);
  np_free(o.urls);
  np_free(o.outs);
  np_free(o.headers);
  return code;
}
