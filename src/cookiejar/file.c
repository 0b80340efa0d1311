/*
 * File jars: MozillaCookieJar (cookies.txt) and LWPCookieJar (Set-Cookie3),
 * load, save (temporary file + rename) and revert.
 */
#include "cookiejar/jar_internal.h"

#include "core/date.h"
#include "core/net.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The largest cookies file load() reads. */
#define NP_COOKIEJAR_MAX_FILE ((size_t)64 << 20)

static const char np_ns_header[] =
    "# Netscape HTTP Cookie File\n"
    "# http://curl.haxx.se/rfc/cookie_spec.html\n"
    "# This is a generated file!  Do not edit.\n\n";

/* ---- lines, as Python's text files give them (universal newlines) ---- */

typedef struct lines {
  const char *s;
  size_t n, pos;
} lines;

/* The next line without its terminator; false at the end. */
static bool next_line(lines *l, const char **line, size_t *len) {
  if (l->pos >= l->n)
    return false;
  size_t i = l->pos;
  while (i < l->n && l->s[i] != '\n' && l->s[i] != '\r')
    i++;
  *line = l->s + l->pos;
  *len = i - l->pos;
  if (i < l->n && l->s[i] == '\r' && i + 1 < l->n && l->s[i + 1] == '\n')
    i++;
  l->pos = i < l->n ? i + 1 : i;
  return true;
}

static int load_error(np_error *err, const char *what, const char *line,
                      size_t len) {
  return np_error_set(err, NP_ECOOKIE_LOAD, "invalid %s: '%.*s'", what,
                      (int)(len > 80 ? 80 : len), line);
}

/* int(float(text)): the seconds of an expires field. */
static bool py_float_int(const char *s, size_t n, int64_t *out) {
  char buf[64];
  np__pystrip(&s, &n);
  if (n == 0 || n >= sizeof buf)
    return false;
  for (size_t i = 0; i < n; i++)
    if (!strchr("0123456789+-.eE", s[i]) || !s[i])
      return false;
  memcpy(buf, s, n);
  buf[n] = 0;
  char *end;
  double d = strtod(buf, &end);
  if (*end || d != d || d > 9.2e18 || d < -9.2e18)
    return false;
  *out = (int64_t)d;
  return true;
}

/* ---- Mozilla --------------------------------------------------------- */

static bool keep(const np_cookie *c, bool ignore_discard, bool ignore_expires,
                 int64_t now) {
  return (ignore_discard || !c->discard) &&
         (ignore_expires || !np_cookie_is_expired(c, now));
}

/* One cookies.txt line of 7 tab-separated fields into a cookie. */
static int moz_line(np_cookie *c, const char *s, size_t n) {
  const char *f[7];
  size_t fl[7], k = 0, start = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i == n || s[i] == '\t') {
      if (k == 7)
        return NP_ECOOKIE_LOAD;
      f[k] = s + start;
      fl[k++] = i - start;
      start = i + 1;
    }
  }
  if (k != 7)
    return NP_ECOOKIE_LOAD;
  bool dspec = fl[1] == 4 && memcmp(f[1], "TRUE", 4) == 0;
  bool initial_dot = fl[0] && f[0][0] == '.';
  if (dspec != initial_dot)
    return NP_ECOOKIE_LOAD; /* Python asserts this */
  c->domain_specified = dspec;
  c->domain_initial_dot = initial_dot;
  c->secure = fl[3] == 4 && memcmp(f[3], "TRUE", 4) == 0;
  if (fl[4] == 0) {
    c->discard = true;
  } else if (py_float_int(f[4], fl[4], &c->expires)) {
    c->has_expires = true;
  } else {
    return NP_ECOOKIE_LOAD;
  }
  int rc = np_cookie_set_str(&c->domain, f[0], fl[0]);
  for (char *p = c->domain; rc == NP_OK && *p; p++)
    *p = (char)np__lower((unsigned char)*p);
  if (rc == NP_OK)
    rc = np_cookie_set_str(&c->path, f[2], fl[2]);
  if (rc == NP_OK && fl[5] == 0) /* "name alone": no name in the file */
    rc = np_cookie_set_str(&c->name, f[6], fl[6]);
  else if (rc == NP_OK) {
    rc = np_cookie_set_str(&c->name, f[5], fl[5]);
    if (rc == NP_OK)
      rc = np_cookie_set_str(&c->value, f[6], fl[6]);
  }
  return rc;
}

static int load_mozilla(np_cookiejar *jar, lines *l, bool ignore_discard,
                        bool ignore_expires, np_error *err) {
  const char *s;
  size_t n;
  static const char magic1[] = "# HTTP Cookie File",
                    magic2[] = "# Netscape HTTP Cookie File";
  if (!next_line(l, &s, &n) ||
      !((n >= sizeof magic1 - 1 && !memcmp(s, magic1, sizeof magic1 - 1)) ||
        (n >= sizeof magic2 - 1 && !memcmp(s, magic2, sizeof magic2 - 1))))
    return np_error_set(err, NP_ECOOKIE_LOAD,
                        "does not look like a Netscape format cookies file");
  int64_t now = np__jar_now(jar);
  while (next_line(l, &s, &n)) {
    bool httponly = n >= 10 && memcmp(s, "#HttpOnly_", 10) == 0;
    if (httponly) {
      s += 10;
      n -= 10;
    }
    const char *t = s;
    size_t tn = n;
    np__pystrip(&t, &tn);
    if (tn == 0 || t[0] == '#' || t[0] == '$')
      continue;
    np_cookie *c = np_cookie_new();
    if (!c)
      return np_error_set(err, NP_ENOMEM, NULL);
    int rc = moz_line(c, s, n);
    if (rc == NP_OK && httponly)
      rc = np_cookie_set_attr(c, "HTTPOnly", "");
    if (rc != NP_OK) {
      np_cookie_free(c);
      return rc == NP_ENOMEM ? np_error_set(err, rc, NULL)
                             : load_error(err, "Netscape format cookies file line",
                                          s, n);
    }
    if (!keep(c, ignore_discard, ignore_expires, now)) {
      np_cookie_free(c);
      continue;
    }
    rc = np__jar_store(jar, c);
    if (rc == NP_ENOMEM)
      return np_error_set(err, rc, NULL);
  }
  return NP_OK;
}

static int save_mozilla(np_cookiejar *jar, np_buf *out, bool ignore_discard,
                        bool ignore_expires) {
  int64_t now = np__jar_now(jar);
  int rc = np_buf_append_cstr(out, np_ns_header);
  for (size_t di = 0; rc == NP_OK && di < jar->ndomains; di++) {
    const np__ck_domain *d = jar->domains[di];
    for (size_t pi = 0; rc == NP_OK && pi < d->npaths; pi++)
      for (size_t i = 0; rc == NP_OK && i < d->paths[pi]->n; i++) {
        const np_cookie *c = d->paths[pi]->v[i];
        if (!keep(c, ignore_discard, ignore_expires, now))
          continue;
        if (np_cookie_get_attr(c, "HTTPOnly"))
          rc = np_buf_append_cstr(out, "#HttpOnly_");
        if (rc == NP_OK)
          rc = np_buf_printf(out, "%s\t%s\t%s\t%s\t", c->domain,
                             c->domain[0] == '.' ? "TRUE" : "FALSE", c->path,
                             c->secure ? "TRUE" : "FALSE");
        if (rc == NP_OK && c->has_expires)
          rc = np_buf_printf(out, "%lld", (long long)c->expires);
        if (rc == NP_OK)
          rc = c->value ? np_buf_printf(out, "\t%s\t%s\n", c->name, c->value)
                        : np_buf_printf(out, "\t\t%s\n", c->name);
      }
  }
  return rc;
}

/* ---- LWP (Set-Cookie3) ----------------------------------------------- */

/* join_header_words' value: bare when it is all word characters. */
static int lwp_value(np_buf *out, const char *v) {
  size_t n = strlen(v), k = n;
  if (k && v[k - 1] == '\n')
    k--; /* '$' matches before a final newline */
  bool word = k > 0;
  for (size_t i = 0; i < k && word; i++) {
    unsigned char c = (unsigned char)v[i];
    word = c >= 0x80 || c == '_' || np__is(c, NP_CC_ALPHA | NP_CC_DIGIT);
  }
  if (word)
    return np_buf_append(out, v, n);
  int rc = np_buf_putc(out, '"');
  for (; rc == NP_OK && *v; v++) {
    if (*v == '"' || *v == '\\')
      rc = np_buf_putc(out, '\\');
    if (rc == NP_OK)
      rc = np_buf_putc(out, (unsigned char)*v);
  }
  return rc == NP_OK ? np_buf_putc(out, '"') : rc;
}

static int lwp_pair(np_buf *out, const char *k, const char *v, bool first) {
  int rc = first ? NP_OK : np_buf_append_cstr(out, "; ");
  if (rc == NP_OK)
    rc = np_buf_append_cstr(out, k);
  if (rc == NP_OK && v) {
    rc = np_buf_putc(out, '=');
    if (rc == NP_OK)
      rc = lwp_value(out, v);
  }
  return rc;
}

static int cmp_attr(const void *a, const void *b) {
  return strcmp((*(const np_cookie_attr *const *)a)->name,
                (*(const np_cookie_attr *const *)b)->name);
}

/* lwp_cookie_str(cookie) */
static int lwp_line(np_buf *out, const np_cookie *c) {
  char num[64];
  int rc = np_buf_append_cstr(out, "Set-Cookie3: ");
  if (rc == NP_OK)
    rc = lwp_pair(out, c->name, c->value, true);
  if (rc == NP_OK)
    rc = lwp_pair(out, "path", c->path, false);
  if (rc == NP_OK)
    rc = lwp_pair(out, "domain", c->domain, false);
  if (rc == NP_OK && c->port)
    rc = lwp_pair(out, "port", c->port, false);
  if (rc == NP_OK && c->path_specified)
    rc = lwp_pair(out, "path_spec", NULL, false);
  if (rc == NP_OK && c->port_specified)
    rc = lwp_pair(out, "port_spec", NULL, false);
  if (rc == NP_OK && c->domain_initial_dot)
    rc = lwp_pair(out, "domain_dot", NULL, false);
  if (rc == NP_OK && c->secure)
    rc = lwp_pair(out, "secure", NULL, false);
  if (rc == NP_OK && c->has_expires && c->expires) {
    np__tm tm;
    np__gmtime(c->expires, &tm);
    snprintf(num, sizeof num, "%04lld-%02d-%02d %02d:%02d:%02dZ",
             (long long)tm.year, tm.mon, tm.mday, tm.hour, tm.min, tm.sec);
    rc = lwp_pair(out, "expires", num, false);
  }
  if (rc == NP_OK && c->discard)
    rc = lwp_pair(out, "discard", NULL, false);
  if (rc == NP_OK && c->comment && c->comment[0])
    rc = lwp_pair(out, "comment", c->comment, false);
  if (rc == NP_OK && c->comment_url && c->comment_url[0])
    rc = lwp_pair(out, "commenturl", c->comment_url, false);
  if (rc == NP_OK && c->nrest) {
    const np_cookie_attr **s = np_malloc(c->nrest * sizeof *s);
    if (!s)
      return NP_ENOMEM;
    for (size_t i = 0; i < c->nrest; i++)
      s[i] = &c->rest[i];
    qsort(s, c->nrest, sizeof *s, cmp_attr);
    for (size_t i = 0; rc == NP_OK && i < c->nrest; i++)
      rc = lwp_pair(out, s[i]->name, s[i]->value ? s[i]->value : "None",
                    false);
    np_free(s);
  }
  if (rc == NP_OK) {
    if (c->has_version)
      snprintf(num, sizeof num, "%ld", c->version);
    else
      snprintf(num, sizeof num, "None");
    rc = lwp_pair(out, "version", num, false);
  }
  return rc == NP_OK ? np_buf_putc(out, '\n') : rc;
}

static int save_lwp(np_cookiejar *jar, np_buf *out, bool ignore_discard,
                    bool ignore_expires) {
  int64_t now = np__jar_now(jar);
  int rc = np_buf_append_cstr(out, "#LWP-Cookies-2.0\n");
  for (size_t di = 0; rc == NP_OK && di < jar->ndomains; di++) {
    const np__ck_domain *d = jar->domains[di];
    for (size_t pi = 0; rc == NP_OK && pi < d->npaths; pi++)
      for (size_t i = 0; rc == NP_OK && i < d->paths[pi]->n; i++) {
        const np_cookie *c = d->paths[pi]->v[i];
        if (keep(c, ignore_discard, ignore_expires, now))
          rc = lwp_line(out, c);
      }
  }
  return rc;
}

/* Set-Cookie3 attributes are split_header_words pairs; np__ck_split_words
 * (parse.c) gives them.  Returns NP_OK, NP_ENOMEM or NP_ECOOKIE_LOAD. */
static int lwp_cookie(np_cookiejar *jar, const np__ck_words *w, size_t first,
                      size_t end, bool ignore_discard, bool ignore_expires,
                      int64_t now) {
  static const char *const names[] = {"port_spec", "path_spec", "domain_dot",
                                      "secure",    "discard",   "version",
                                      "port",      "path",      "domain",
                                      "expires",   "comment",   "commenturl"};
  enum { PORT_SPEC, PATH_SPEC, DOMAIN_DOT, SECURE, DISCARD, VERSION, PORT,
         PATH, DOMAIN, EXPIRES, COMMENT, COMMENTURL, NSTD };
  bool set[NSTD] = {0};
  const char *v[NSTD] = {0};
  np_cookie *c = np_cookie_new();
  if (!c)
    return NP_ENOMEM;
  int rc = np_cookie_set_str(&c->name, w->k[first], strlen(w->k[first]));
  if (rc == NP_OK && w->v[first])
    rc = np_cookie_set_str(&c->value, w->v[first], strlen(w->v[first]));
  for (size_t i = first + 1; rc == NP_OK && i < end; i++) {
    int k = -1;
    for (int j = 0; j < NSTD; j++)
      if (strlen(names[j]) == strlen(w->k[i]) &&
          np__ieq(names[j], w->k[i], strlen(w->k[i])))
        k = j;
    if (k < 0) {
      rc = np_cookie_set_attr(c, w->k[i], w->v[i]);
      continue;
    }
    set[k] = true;
    v[k] = w->v[i]; /* NULL for a boolean means True */
  }
  long long version = 0;
  if (rc == NP_OK) {
    c->has_version = v[VERSION] != NULL; /* a bare "version" is None */
    if (c->has_version &&
        !np__ck_pyint(v[VERSION], strlen(v[VERSION]), &version))
      rc = NP_ECOOKIE_LOAD;
    c->version = (long)version;
  }
#define FLAG(k) (set[k] && (!v[k] || v[k][0]))
  if (rc == NP_OK) {
    c->port_specified = FLAG(PORT_SPEC);
    c->path_specified = FLAG(PATH_SPEC);
    c->domain_initial_dot = FLAG(DOMAIN_DOT);
    c->secure = FLAG(SECURE);
    c->discard = FLAG(DISCARD);
    /* Python fails on a missing domain; it stores a missing path as None,
     * which later breaks add_cookie_header: refused here as malformed. */
    if (!v[DOMAIN] || !v[PATH])
      rc = NP_ECOOKIE_LOAD;
  }
#undef FLAG
  if (rc == NP_OK && !v[PORT] && c->port_specified)
    rc = NP_ECOOKIE_LOAD;
  if (rc == NP_OK) {
    c->domain_specified = v[DOMAIN][0] == '.';
    rc = np_cookie_set_str(&c->domain, v[DOMAIN], strlen(v[DOMAIN]));
    for (char *p = c->domain; rc == NP_OK && *p; p++)
      *p = (char)np__lower((unsigned char)*p);
  }
  if (rc == NP_OK)
    rc = np_cookie_set_str(&c->path, v[PATH], strlen(v[PATH]));
  if (rc == NP_OK && v[PORT])
    rc = np_cookie_set_str(&c->port, v[PORT], strlen(v[PORT]));
  if (rc == NP_OK && v[COMMENT])
    rc = np_cookie_set_str(&c->comment, v[COMMENT], strlen(v[COMMENT]));
  if (rc == NP_OK && v[COMMENTURL])
    rc = np_cookie_set_str(&c->comment_url, v[COMMENTURL],
                           strlen(v[COMMENTURL]));
  if (rc == NP_OK && v[EXPIRES] &&
      np__iso2time(v[EXPIRES], strlen(v[EXPIRES]), &c->expires))
    c->has_expires = true;
  if (!c->has_expires)
    c->discard = true;
  if (rc != NP_OK || !keep(c, ignore_discard, ignore_expires, now)) {
    np_cookie_free(c);
    return rc;
  }
  rc = np__jar_store(jar, c);
  return rc == NP_ENOMEM ? rc : NP_OK;
}

static int load_lwp(np_cookiejar *jar, lines *l, bool ignore_discard,
                    bool ignore_expires, np_error *err) {
  const char *s;
  size_t n;
  if (!next_line(l, &s, &n) || n < 16 || memcmp(s, "#LWP-Cookies-", 13) != 0 ||
      !np__is((unsigned char)s[13], NP_CC_DIGIT))
    return np_error_set(err, NP_ECOOKIE_LOAD,
                        "does not look like a Set-Cookie3 (LWP) format file");
  { /* ^#LWP-Cookies-(\d+\.\d+) */
    size_t i = 13;
    while (i < n && np__is((unsigned char)s[i], NP_CC_DIGIT))
      i++;
    if (i >= n || s[i] != '.' || i + 1 >= n ||
        !np__is((unsigned char)s[i + 1], NP_CC_DIGIT))
      return np_error_set(err, NP_ECOOKIE_LOAD,
                          "does not look like a Set-Cookie3 (LWP) format file");
  }
  int64_t now = np__jar_now(jar);
  np__ck_words w;
  memset(&w, 0, sizeof w);
  int rc = NP_OK;
  while (rc == NP_OK && next_line(l, &s, &n)) {
    if (n < 12 || memcmp(s, "Set-Cookie3:", 12) != 0)
      continue;
    const char *t = s + 12;
    size_t tn = n - 12;
    np__pystrip(&t, &tn);
    rc = np__ck_split_words(&w, t, tn);
    for (size_t g = 0; rc == NP_OK && g < w.ngroups; g++)
      rc = lwp_cookie(jar, &w, w.group[g], g + 1 < w.ngroups ? w.group[g + 1] : w.n,
                      ignore_discard, ignore_expires, now);
    if (rc == NP_ECOOKIE_LOAD)
      load_error(err, "Set-Cookie3 format file line", s, n);
    else if (rc != NP_OK)
      np_error_set(err, rc, NULL);
  }
  np__ck_words_free(&w);
  return rc;
}

/* ---- the public entry points ----------------------------------------- */

int np_cookiejar_load_mem(np_cookiejar *jar, np_cookiejar_format fmt,
                          const char *data, size_t len, bool ignore_discard,
                          bool ignore_expires, np_error *err) {
  lines l = {data ? data : "", data ? len : 0, 0};
  pthread_mutex_lock(&jar->lock);
  int rc = fmt == NP_COOKIEJAR_LWP
               ? load_lwp(jar, &l, ignore_discard, ignore_expires, err)
               : load_mozilla(jar, &l, ignore_discard, ignore_expires, err);
  pthread_mutex_unlock(&jar->lock);
  return rc;
}

static int read_file(const char *filename, np_buf *out, np_error *err) {
  int fd = open(filename, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return np__error_sys(err, errno, filename);
  char chunk[65536];
  ssize_t got;
  int rc = NP_OK;
  while ((got = read(fd, chunk, sizeof chunk)) != 0) {
    if (got < 0) {
      if (errno == EINTR)
        continue;
      rc = np_error_set(err, NP_ESYS, "%s: read failed", filename);
      break;
    }
    if ((rc = np_buf_append(out, chunk, (size_t)got)) != NP_OK) {
      np_error_set(err, rc, "%s: larger than the cookie file limit", filename);
      break;
    }
  }
  close(fd);
  return rc;
}

int np_cookiejar_load(np_cookiejar *jar, np_cookiejar_format fmt,
                      const char *filename, bool ignore_discard,
                      bool ignore_expires, np_error *err) {
  np_buf b;
  np_buf_init(&b, NP_COOKIEJAR_MAX_FILE);
  int rc = read_file(filename, &b, err);
  if (rc == NP_OK)
    rc = np_cookiejar_load_mem(jar, fmt, b.data, b.len, ignore_discard,
                               ignore_expires, err);
  np_buf_free(&b);
  return rc;
}

int np_cookiejar_save_mem(np_cookiejar *jar, np_cookiejar_format fmt,
                          np_buf *out, bool ignore_discard,
                          bool ignore_expires) {
  pthread_mutex_lock(&jar->lock);
  int rc = fmt == NP_COOKIEJAR_LWP
               ? save_lwp(jar, out, ignore_discard, ignore_expires)
               : save_mozilla(jar, out, ignore_discard, ignore_expires);
  pthread_mutex_unlock(&jar->lock);
  return rc;
}

int np_cookiejar_save(np_cookiejar *jar, np_cookiejar_format fmt,
                      const char *filename, bool ignore_discard,
                      bool ignore_expires, np_error *err) {
  np_buf data, tmp;
  np_buf_init(&data, 0);
  np_buf_init(&tmp, 0);
  int rc = np_cookiejar_save_mem(jar, fmt, &data, ignore_discard,
                                 ignore_expires);
  if (rc == NP_OK)
    rc = np_buf_printf(&tmp, "%s.tmpXXXXXX", filename);
  if (rc != NP_OK) {
    np_buf_free(&data);
    np_buf_free(&tmp);
    return np_error_set(err, rc, NULL);
  }
  int fd = mkstemp(tmp.data); /* mode 0600, as Python creates it */
  if (fd < 0 || np__write_all(fd, data.data, data.len, NULL) != 0 ||
      fsync(fd) != 0 || close(fd) != 0 || rename(tmp.data, filename) != 0) {
    int e = errno;
    if (fd >= 0) {
      close(fd);
      unlink(tmp.data);
    }
    rc = np__error_sys(err, e, filename);
  }
  np_buf_free(&data);
  np_buf_free(&tmp);
  return rc;
}

int np_cookiejar_revert(np_cookiejar *jar, np_cookiejar_format fmt,
                        const char *filename, bool ignore_discard,
                        bool ignore_expires, np_error *err) {
  np_buf b;
  np_buf_init(&b, NP_COOKIEJAR_MAX_FILE);
  int rc = read_file(filename, &b, err);
  if (rc == NP_OK) {
    /* Load into a fresh jar; swap its content in only on success. */
    np_cookiejar *fresh = np_cookiejar_new(&jar->policy);
    if (!fresh) {
      rc = np_error_set(err, NP_ENOMEM, NULL);
    } else {
      pthread_mutex_lock(&jar->lock);
      fresh->limits = jar->limits;
      fresh->clock = jar->clock;
      rc = np_cookiejar_load_mem(fresh, fmt, b.data, b.len, ignore_discard,
                                 ignore_expires, err);
      if (rc == NP_OK) {
        np__jar_swap(jar, fresh);
      }
      pthread_mutex_unlock(&jar->lock);
      np_cookiejar_free(fresh);
    }
  }
  np_buf_free(&b);
  return rc;
}
