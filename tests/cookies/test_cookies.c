/* http.cookies: unit tests (the differential test covers the grammar). */
#include "netproto/cookies.h"
#include "core/date.h"
#include "test.h"

#include <time.h>

static const char *out_of(np_cookies *c, const char *const *attrs,
                          np_buf *b) {
  np_buf_reset(b);
  ASSERT_OK(np_cookies_output(c, b, attrs, NULL, NULL));
  return b->data ? b->data : "";
}

TEST(load_and_output_sorted) {
  np_cookies *c = np_cookies_new(NP_COOKIES_SIMPLE);
  np_buf b;
  np_buf_init(&b, 0);
  const char *h = "zeta=1; alpha=\"two words\"; Path=/x; secure";
  ASSERT_OK(np_cookies_load(c, h, strlen(h), NULL));
  ASSERT_EQ_INT(np_cookies_count(c), 2);
  ASSERT(strcmp(out_of(c, NULL, &b), "Set-Cookie: alpha=\"two words\"; "
                                      "Path=/x; Secure\r\nSet-Cookie: zeta=1") ==
         0);
  np_morsel *m = np_cookies_get(c, "alpha", 5);
  ASSERT(m);
  ASSERT_EQ_SLICE(np_morsel_value(m), "two words");
  ASSERT_EQ_SLICE(np_morsel_coded_value(m), "\"two words\"");
  const char *const only_path[] = {"path", NULL};
  ASSERT(strcmp(out_of(c, only_path, &b),
                "Set-Cookie: alpha=\"two words\"; Path=/x\r\n"
                "Set-Cookie: zeta=1") == 0);
  ASSERT_OK(np_cookies_del(c, "zeta", 4));
  ASSERT_EQ_INT(np_cookies_del(c, "zeta", 4), NP_ENOTFOUND);
  ASSERT_EQ_INT(np_cookies_count(c), 1);
  np_buf_free(&b);
  np_cookies_free(c);
}

TEST(invalid_string_changes_nothing) {
  np_cookies *c = np_cookies_new(NP_COOKIES_SIMPLE);
  ASSERT_OK(np_cookies_load(c, "a=1; b", 6, NULL));
  ASSERT_EQ_INT(np_cookies_count(c), 0);
  np_error e = NP_ERROR_INIT;
  ASSERT_EQ_INT(np_cookies_load(c, "a=1; b@=2", 9, &e), NP_ECOOKIE_KEY);
  ASSERT_EQ_INT(e.code, NP_ECOOKIE_KEY);
  ASSERT_EQ_INT(np_cookies_count(c), 1); /* a was applied, as in Python */
  np_error_clear(&e);
  np_cookies_free(c);
}

TEST(set_checks_keys) {
  np_cookies *c = np_cookies_new(NP_COOKIES_SIMPLE);
  ASSERT_EQ_INT(np_cookies_set(c, "Path", 4, "x", 1, NULL),
                NP_ECOOKIE_RESERVED);
  ASSERT_EQ_INT(np_cookies_set(c, "a b", 3, "x", 1, NULL), NP_ECOOKIE_KEY);
  ASSERT_EQ_INT(np_cookies_set(c, "", 0, "x", 1, NULL), NP_ECOOKIE_KEY);
  ASSERT_OK(np_cookies_set(c, "k", 1, "a;b", 3, NULL));
  ASSERT_EQ_SLICE(np_morsel_coded_value(np_cookies_get(c, "k", 1)),
                  "\"a\\073b\"");
  np_cookies_free(c);
}

TEST(attributes_of_every_kind) {
  np_cookies *c = np_cookies_new(NP_COOKIES_SIMPLE);
  np_buf b;
  np_buf_init(&b, 0);
  ASSERT_OK(np_cookies_set(c, "id", 2, "7", 1, NULL));
  np_morsel *m = np_cookies_get(c, "id", 2);
  ASSERT_OK(np_morsel_set_attr_int(m, "Max-Age", 7, 0, NULL));
  ASSERT_OK(np_morsel_set_attr(m, "comment", 7, "a b", 3, NULL));
  ASSERT_OK(np_morsel_set_attr(m, "samesite", 8, "Strict", 6, NULL));
  ASSERT_OK(np_morsel_set_flag(m, "httponly", 8, 1, NULL));
  ASSERT_OK(np_morsel_set_flag(m, "secure", 6, 0, NULL));
  ASSERT_EQ_INT(np_morsel_set_attr(m, "bogus", 5, "x", 1, NULL),
                NP_ECOOKIE_ATTR);
  ASSERT(strcmp(out_of(c, NULL, &b),
                "Set-Cookie: id=7; Comment=\"a b\"; HttpOnly; Max-Age=0; "
                "SameSite=Strict") == 0);
  /* expires as an int: seconds from now, written as an HTTP date */
  ASSERT_OK(np_morsel_set_attr_int(m, "expires", 7, 3600, NULL));
  np_buf want;
  np_buf_init(&want, 0);
  int64_t now = (int64_t)time(NULL);
  ASSERT_OK(np_morsel_output_string(m, &b, NULL));
  np_buf_reset(&b);
  ASSERT_OK(np_morsel_output_string(m, &b, NULL));
  ASSERT_OK(np_buf_append_cstr(&want, "expires="));
  ASSERT_OK(np__http_date_format(&want, now + 3600));
  ASSERT(strstr(b.data, want.data) != NULL || time(NULL) != now);
  np_buf_free(&want);
  np_buf_free(&b);
  np_cookies_free(c);
}

TEST(js_output) {
  np_cookies *c = np_cookies_new(NP_COOKIES_SIMPLE);
  np_buf b;
  np_buf_init(&b, 0);
  ASSERT_OK(np_cookies_set(c, "a", 1, "x y", 3, NULL));
  ASSERT_OK(np_cookies_js_output(c, &b, NULL));
  ASSERT(strcmp(b.data, "\n        <script type=\"text/javascript\">\n"
                        "        <!-- begin hiding\n"
                        "        document.cookie = \"a=\\\"x y\\\"\";\n"
                        "        // end hiding -->\n        </script>\n"
                        "        ") == 0);
  np_buf_free(&b);
  np_cookies_free(c);
}

TEST(http_date_format) {
  np_buf b;
  np_buf_init(&b, 0);
  ASSERT_OK(np__http_date_format(&b, 784111777));
  ASSERT_EQ_MEM(b.data, b.len, "Sun, 06 Nov 1994 08:49:37 GMT");
  np_buf_reset(&b);
  ASSERT_OK(np__http_date_format(&b, 0));
  ASSERT_EQ_MEM(b.data, b.len, "Thu, 01 Jan 1970 00:00:00 GMT");
  np_buf_reset(&b);
  ASSERT_OK(np__http_date_format(&b, 951782400)); /* leap day 2000 */
  ASSERT_EQ_MEM(b.data, b.len, "Tue, 29 Feb 2000 00:00:00 GMT");
  np_buf_free(&b);
}

/* CPython 3.11's _unquote is quadratic on backslashes; this one must not
 * be: 4 MB of "\\x" pairs in well under a second. */
TEST(unquote_is_linear) {
  size_t n = 4u << 20;
  char *s = malloc(n + 2);
  ASSERT(s);
  s[0] = '"';
  for (size_t i = 1; i <= n; i++)
    s[i] = (i & 1) ? '\\' : (i % 3 ? 'x' : '0');
  s[n + 1] = '"';
  np_buf b;
  np_buf_init(&b, 0);
  clock_t t0 = clock();
  ASSERT_OK(np_cookie_unquote(&b, s, n + 2));
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  ASSERT(b.len == n / 2);
  ASSERT(secs < 1.0);
  /* And a header of 200,000 "k=v;" cookies loads in linear time too. */
  np_buf h;
  np_buf_init(&h, 0);
  for (int i = 0; i < 200000; i++)
    np_buf_printf(&h, "k%d=%d; ", i, i);
  np_cookies *c = np_cookies_new(NP_COOKIES_SIMPLE);
  np_error e = NP_ERROR_INIT;
  t0 = clock();
  ASSERT_EQ_INT(np_cookies_load(c, h.data, h.len, &e), NP_ETOOLARGE);
  ASSERT_EQ_INT(np_cookies_count(c), NP_COOKIES_MAX_MORSELS);
  ASSERT((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
  np_cookies_free(c);
  np_buf_free(&h);
  np_buf_free(&b);
  free(s);
}

TEST(key_with_equals_chain_is_linear) {
  /* "a=a=a=...=a \x01": every '=' is a candidate key end; each candidate
   * must cost O(1) after the first. */
  size_t n = 1u << 20;
  char *s = malloc(n + 8);
  ASSERT(s);
  for (size_t i = 0; i < n; i++)
    s[i] = (i & 1) ? '=' : 'a';
  memcpy(s + n, "    \x01", 5);
  np_cookies *c = np_cookies_new(NP_COOKIES_SIMPLE);
  clock_t t0 = clock();
  ASSERT_OK(np_cookies_load(c, s, n + 5, NULL));
  ASSERT((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
  ASSERT_EQ_INT(np_cookies_count(c), 1);
  np_cookies_free(c);
  free(s);
}
