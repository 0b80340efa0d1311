/* http.cookiejar: unit tests (jar_test.py compares with CPython). */
#include "netproto/cookiejar.h"
#include "core/date.h"
#include "test.h"

#include <pthread.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int64_t fixed(void) { return 1700000000; }

static np_cookiejar *new_jar(void) {
  np_cookiejar *jar = np_cookiejar_new(NULL);
  ASSERT(jar);
  np_cookiejar_set_clock(jar, fixed);
  return jar;
}

static np_cookie_request req(const char *url) {
  np_cookie_request r = {url, strlen(url), NULL, NULL, false};
  return r;
}

static void extract(np_cookiejar *jar, const char *url, const char *h) {
  np_cookie_header hd = {np_slice_cstr("Set-Cookie"), np_slice_cstr(h)};
  np_cookie_request r = req(url);
  ASSERT_OK(np_cookiejar_extract(jar, &hd, 1, &r));
}

/* The Cookie header for url, as a static string ("" when none). */
static const char *header(np_cookiejar *jar, const char *url) {
  static char out[4096];
  np_buf b;
  np_buf_init(&b, 0);
  np_cookie_request r = req(url);
  int flags = 0;
  ASSERT_OK(np_cookiejar_cookie_header(jar, &r, &b, NULL, &flags));
  snprintf(out, sizeof out, "%s", (flags & NP_COOKIEJAR_COOKIE) ? b.data : "");
  np_buf_free(&b);
  return out;
}

TEST(netscape_round_trip) {
  np_cookiejar *jar = new_jar();
  extract(jar, "http://www.acme.com/a/b", "sid=1; Path=/; HttpOnly");
  extract(jar, "http://www.acme.com/a/b", "deep=2; Path=/a");
  extract(jar, "http://www.acme.com/a/b", "dom=3; Domain=.acme.com");
  extract(jar, "http://evil.com/", "x=1; Domain=.acme.com"); /* refused */
  ASSERT_EQ_INT(np_cookiejar_count(jar), 3);
  /* dom has the default path /a: longest paths first, then jar order */
  ASSERT(strcmp(header(jar, "http://www.acme.com/a/x"),
                "deep=2; dom=3; sid=1") == 0);
  ASSERT(strcmp(header(jar, "http://foo.acme.com/a"), "dom=3") == 0);
  ASSERT(strcmp(header(jar, "http://other.org/"), "") == 0);
  np_cookiejar_free(jar);
}

TEST(max_age_and_expiry) {
  np_cookiejar *jar = new_jar();
  extract(jar, "http://h.com/", "a=1; Max-Age=60");
  extract(jar, "http://h.com/", "b=1; expires=Wed, 09 Jun 2100 10:18:14 GMT");
  extract(jar, "http://h.com/", "a=2; Max-Age=0"); /* deletes a */
  ASSERT_EQ_INT(np_cookiejar_count(jar), 1);
  ASSERT(strcmp(header(jar, "http://h.com/"), "b=1") == 0);
  np_cookiejar_free(jar);
}

TEST(clear_variants) {
  np_cookiejar *jar = new_jar();
  extract(jar, "http://h.com/p/q", "a=1");
  extract(jar, "http://h.com/p/q", "b=1; Path=/");
  extract(jar, "http://g.com/", "c=1; Max-Age=100");
  ASSERT_EQ_INT(np_cookiejar_clear(jar, NULL, "/", NULL), NP_EINVAL);
  ASSERT_EQ_INT(np_cookiejar_clear(jar, "h.com", NULL, "a"), NP_EINVAL);
  ASSERT_EQ_INT(np_cookiejar_clear(jar, "nope", NULL, NULL), NP_ENOTFOUND);
  ASSERT_OK(np_cookiejar_clear(jar, "h.com", "/p", "a"));
  ASSERT_EQ_INT(np_cookiejar_clear(jar, "h.com", "/p", "a"), NP_ENOTFOUND);
  ASSERT_EQ_INT(np_cookiejar_count(jar), 2);
  np_cookiejar_clear_session_cookies(jar); /* b has no expiry */
  ASSERT_EQ_INT(np_cookiejar_count(jar), 1);
  ASSERT_OK(np_cookiejar_clear(jar, NULL, NULL, NULL));
  ASSERT_EQ_INT(np_cookiejar_count(jar), 0);
  np_cookiejar_free(jar);
}

TEST(flood_limits) {
  np_cookiejar *jar = new_jar();
  np_cookiejar_limits l = {5, 8, 20};
  np_cookiejar_set_limits(jar, &l);
  char h[64];
  for (int i = 0; i < 10; i++) {
    snprintf(h, sizeof h, "c%d=v", i);
    extract(jar, "http://a.com/", h);
  }
  ASSERT_EQ_INT(np_cookiejar_count(jar), 5); /* per domain */
  extract(jar, "http://a.com/", "c0=replaced-is-fine");
  ASSERT(strstr(header(jar, "http://a.com/"), "c0=replaced-is-fine"));
  extract(jar, "http://a.com/", "c0=but-not-with-a-value-this-long");
  ASSERT(strstr(header(jar, "http://a.com/"), "c0=replaced-is-fine"));
  for (int i = 0; i < 10; i++) {
    snprintf(h, sizeof h, "d%d=v", i);
    extract(jar, "http://b.com/", h);
  }
  ASSERT_EQ_INT(np_cookiejar_count(jar), 8); /* in total */
  ASSERT_OK(np_cookiejar_clear(jar, NULL, NULL, NULL));
  extract(jar, "http://a.com/", "big=012345678901234567890");
  ASSERT_EQ_INT(np_cookiejar_count(jar), 0); /* cookie size */
  np_cookiejar_free(jar);
}

/* A user policy: refuses cookies named "no", otherwise the default. */
static bool my_set_ok(void *ctx, const np_cookie *c,
                      const np_cookie_reqinfo *r) {
  const np_cookie_policy *base = ctx;
  return strcmp(c->name, "no") != 0 &&
         np_cookie_policy_default_set_ok(base, c, r);
}

TEST(user_policy) {
  np_cookie_policy base, p;
  np_cookie_policy_init(&base);
  p = base;
  p.set_ok = my_set_ok;
  p.ctx = &base;
  np_cookiejar *jar = np_cookiejar_new(&p);
  np_cookiejar_set_clock(jar, fixed);
  extract(jar, "http://a.com/", "no=1");
  extract(jar, "http://a.com/", "yes=1");
  ASSERT(strcmp(header(jar, "http://a.com/"), "yes=1") == 0);
  /* "a.com" is not under the blocked ".a.com"; "a.com" itself is */
  static const char *const blocked1[] = {".a.com", NULL};
  base.blocked_domains = blocked1;
  np_cookiejar_set_policy(jar, &base);
  ASSERT(strcmp(header(jar, "http://www.a.com/"), "yes=1") == 0);
  static const char *const blocked2[] = {"a.com", NULL};
  base.blocked_domains = blocked2;
  np_cookiejar_set_policy(jar, &base);
  ASSERT(strcmp(header(jar, "http://a.com/"), "") == 0);
  np_cookiejar_free(jar);
}

TEST(files_save_load_revert) {
  char dir[] = "/tmp/np_cookiejar_XXXXXX";
  ASSERT(mkdtemp(dir));
  char path[256], bad[300];
  snprintf(path, sizeof path, "%s/cookies.txt", dir);
  snprintf(bad, sizeof bad, "%s/missing/cookies.txt", dir);
  np_cookiejar *jar = new_jar();
  extract(jar, "http://www.acme.com/", "a=1; Max-Age=3600; Domain=.acme.com");
  extract(jar, "http://www.acme.com/", "s=session");
  for (int fmt = 0; fmt < 2; fmt++) {
    np_error e = NP_ERROR_INIT;
    ASSERT_OK(np_cookiejar_save(jar, fmt, path, false, false, &e));
    struct stat st;
    ASSERT_OK(stat(path, &st));
    ASSERT_EQ_INT(st.st_mode & 0777, 0600);
    /* a save that fails leaves the existing file alone */
    ASSERT_EQ_INT(np_cookiejar_save(jar, fmt, bad, false, false, &e), NP_ESYS);
    np_cookiejar *j2 = new_jar();
    ASSERT_OK(np_cookiejar_load(j2, fmt, path, false, false, &e));
    ASSERT_EQ_INT(np_cookiejar_count(j2), 1); /* the session one not saved */
    ASSERT(strcmp(header(j2, "http://x.acme.com/"), "a=1") == 0);
    /* revert: a bad file changes nothing */
    ASSERT_EQ_INT(np_cookiejar_revert(j2, fmt, bad, false, false, &e),
                  NP_ESYS);
    ASSERT_EQ_INT(np_cookiejar_count(j2), 1);
    ASSERT_OK(np_cookiejar_revert(j2, fmt, path, true, true, &e));
    ASSERT_EQ_INT(np_cookiejar_count(j2), 1);
    np_cookiejar_free(j2);
    np_error_clear(&e);
  }
  unlink(path);
  rmdir(dir);
  np_cookiejar_free(jar);
}

TEST(load_errors) {
  np_cookiejar *jar = new_jar();
  np_error e = NP_ERROR_INIT;
  const char *nomagic = "a\tTRUE\t/\tFALSE\t0\tn\tv\n";
  ASSERT_EQ_INT(np_cookiejar_load_mem(jar, NP_COOKIEJAR_MOZILLA, nomagic,
                                      strlen(nomagic), true, true, &e),
                NP_ECOOKIE_LOAD);
  const char *fields = "# Netscape HTTP Cookie File\n.a.com\tTRUE\t/\n";
  ASSERT_EQ_INT(np_cookiejar_load_mem(jar, NP_COOKIEJAR_MOZILLA, fields,
                                      strlen(fields), true, true, &e),
                NP_ECOOKIE_LOAD);
  const char *dot = "# HTTP Cookie File\na.com\tTRUE\t/\tFALSE\t\tn\tv\n";
  ASSERT_EQ_INT(np_cookiejar_load_mem(jar, NP_COOKIEJAR_MOZILLA, dot,
                                      strlen(dot), true, true, &e),
                NP_ECOOKIE_LOAD);
  const char *lwp = "#LWP-Cookies-2.0\nSet-Cookie3: a=1; path=/\n";
  ASSERT_EQ_INT(np_cookiejar_load_mem(jar, NP_COOKIEJAR_LWP, lwp, strlen(lwp),
                                      true, true, &e),
                NP_ECOOKIE_LOAD); /* no domain */
  const char *ok = "# Netscape HTTP Cookie File\r\n#HttpOnly_.a.com\tTRUE\t/\t"
                   "TRUE\t4102444800\tn\tv\r\n\r\n# comment\r\n";
  ASSERT_OK(np_cookiejar_load_mem(jar, NP_COOKIEJAR_MOZILLA, ok, strlen(ok),
                                  false, false, &e));
  ASSERT_EQ_INT(np_cookiejar_count(jar), 1);
  np_buf out;
  np_buf_init(&out, 0);
  ASSERT_OK(np_cookiejar_save_mem(jar, NP_COOKIEJAR_MOZILLA, &out, false,
                                  false));
  ASSERT(strstr(out.data, "#HttpOnly_.a.com\tTRUE\t/\tTRUE\t4102444800\tn\tv\n"));
  np_buf_free(&out);
  np_error_clear(&e);
  np_cookiejar_free(jar);
}

static void *hammer(void *arg) {
  np_cookiejar *jar = arg;
  char h[64];
  for (int i = 0; i < 300; i++) {
    snprintf(h, sizeof h, "k%d=%d; Max-Age=100", i % 50, i);
    np_cookie_header hd = {np_slice_cstr("Set-Cookie"), np_slice_cstr(h)};
    np_cookie_request r = req("http://t.com/x");
    if (np_cookiejar_extract(jar, &hd, 1, &r) != NP_OK)
      return (void *)1;
    np_buf b;
    np_buf_init(&b, 0);
    if (np_cookiejar_cookie_header(jar, &r, &b, NULL, NULL) != NP_OK)
      return (void *)1;
    np_buf_free(&b);
  }
  return NULL;
}

TEST(threads_share_a_jar) {
  np_cookiejar *jar = new_jar();
  pthread_t t[4];
  for (int i = 0; i < 4; i++)
    ASSERT_OK(pthread_create(&t[i], NULL, hammer, jar));
  for (int i = 0; i < 4; i++) {
    void *res;
    ASSERT_OK(pthread_join(t[i], &res));
    ASSERT(res == NULL);
  }
  ASSERT_EQ_INT(np_cookiejar_count(jar), 50);
  np_cookiejar_free(jar);
}

TEST(set_cookie_if_ok_and_copy) {
  np_cookiejar *jar = new_jar();
  np_cookie *c = np_cookie_new();
  ASSERT_OK(np_cookie_set_str(&c->name, "n", 1));
  ASSERT_OK(np_cookie_set_str(&c->value, "v", 1));
  ASSERT_OK(np_cookie_set_str(&c->domain, "h.com", 5));
  ASSERT_OK(np_cookie_set_str(&c->path, "/", 1));
  ASSERT_OK(np_cookie_set_attr(c, "SameSite", "Lax"));
  np_cookie *d = np_cookie_copy(c);
  ASSERT(d && strcmp(np_cookie_get_attr(d, "SameSite")->value, "Lax") == 0);
  np_cookie_request r = req("http://other.com/");
  bool stored = true;
  ASSERT_OK(np_cookiejar_set_cookie_if_ok(jar, c, &r, &stored));
  ASSERT(stored); /* a domain-less Netscape cookie is accepted as is */
  ASSERT_OK(np_cookiejar_set_cookie(jar, d));
  ASSERT_EQ_INT(np_cookiejar_count(jar), 1); /* replaced in place */
  np_cookiejar_free(jar);
}

TEST(http_date_parse_three_forms) {
  int64_t t = 0;
  const char *imf = "Sun, 06 Nov 1994 08:49:37 GMT";
  const char *rfc850 = "Sunday, 06-Nov-94 08:49:37 GMT";
  const char *asc = "Sun Nov  6 08:49:37 1994";
  ASSERT(np__http_date_parse(imf, strlen(imf), &t));
  ASSERT_EQ_INT(t, 784111777);
  ASSERT(np__http_date_parse(rfc850, strlen(rfc850), &t));
  ASSERT_EQ_INT(t, 784111777);
  ASSERT(np__http_date_parse(asc, strlen(asc), &t));
  ASSERT_EQ_INT(t, 784111777);
  ASSERT(!np__http_date_parse("Sun Nov 6 08:49:37 1994", 23, &t));
  ASSERT(!np__http_date_parse("yesterday", 9, &t));
  np_buf b;
  np_buf_init(&b, 0);
  ASSERT_OK(np__http_date_format(&b, 784111777));
  ASSERT_EQ_MEM(b.data, b.len, "Sun, 06 Nov 1994 08:49:37 GMT");
  np_buf_free(&b);
}

/* Date parsing stays linear on long runs of spaces and digits. */
TEST(dates_are_linear) {
  size_t n = 4u << 20;
  char *s = malloc(n + 32);
  ASSERT(s);
  int64_t t;
  memcpy(s, "1 Jan 2000", 10);
  memset(s + 10, ' ', n);
  memcpy(s + 10 + n, "x", 1);
  clock_t t0 = clock();
  ASSERT(!np__http2time(s, n + 11, &t));
  memcpy(s, "2000-01-01", 10);
  ASSERT(!np__iso2time(s, n + 11, &t));
  memset(s + 10, '1', n); /* a long year-like digit run */
  memcpy(s, "1 Jan ", 6);
  ASSERT(!np__http2time(s, n + 10, &t));
  ASSERT((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
  free(s);
}
