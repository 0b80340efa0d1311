/*
 * urlsplit / urlparse / urlunsplit / urlunparse.  Every expected value
 * below was produced by python3 (CPython 3.11.7) on the same input.
 */
#include "netproto/url.h"
#include "test.h"

#include <stdint.h>

static np_url U;

/* Split a C string with the default scheme and flags; assert success. */
static np_url *split_ds(const char *s, const char *ds, unsigned flags) {
  int rc = np_urlsplit(&U, s, strlen(s), ds, flags, NULL);
  if (rc != 0)
    np_test_fail(__FILE__, __LINE__, "np_urlsplit(\"%s\") = %d", s, rc);
  return &U;
}

static np_url *split(const char *s) { return split_ds(s, NULL, 0); }

static np_url *parse(const char *s) {
  int rc = np_urlparse(&U, s, strlen(s), NULL, 0, NULL);
  if (rc != 0)
    np_test_fail(__FILE__, __LINE__, "np_urlparse(\"%s\") = %d", s, rc);
  return &U;
}

static int split_rc(const char *s) {
  np_error err = NP_ERROR_INIT;
  int rc = np_urlsplit(&U, s, strlen(s), NULL, 0, &err);
  if (rc != NP_OK && err.code != rc)
    np_test_fail(__FILE__, __LINE__, "np_error not filled for %s", s);
  np_error_clear(&err);
  return rc;
}

#define ASSERT_SPLIT(u, sc, nl, pa, qu, fr)                                 \
  do {                                                                      \
    ASSERT_EQ_SLICE((u)->scheme, sc);                                       \
    ASSERT_EQ_SLICE((u)->netloc, nl);                                       \
    ASSERT_EQ_SLICE((u)->path, pa);                                         \
    ASSERT_EQ_SLICE((u)->query, qu);                                        \
    ASSERT_EQ_SLICE((u)->fragment, fr);                                     \
  } while (0)

/* urlunsplit of a split result (geturl), as a C string in a static buffer. */
static const char *geturl(const np_url *u, int parsed) {
  static char text[512];
  np_buf b;
  np_buf_init(&b, 0);
  int rc = parsed ? np_urlunparse(&b, u) : np_urlunsplit(&b, u);
  if (rc != 0 || b.len >= sizeof text)
    np_test_fail(__FILE__, __LINE__, "unsplit failed: %d", rc);
  memcpy(text, b.data, b.len + 1);
  np_buf_free(&b);
  return text;
}

/* Compose from components like Python's urlunsplit((s, n, p, q, f)). */
static const char *unsplit5(const char *s, const char *n, const char *p,
                            const char *q, const char *f) {
  np_url u;
  np_url_init(&u);
  u.scheme = np_slice_cstr(s);
  u.netloc = np_slice_cstr(n);
  u.path = np_slice_cstr(p);
  u.query = np_slice_cstr(q);
  u.fragment = np_slice_cstr(f);
  return geturl(&u, 0);
}

static const char *unparse6(const char *s, const char *n, const char *p,
                            const char *a, const char *q, const char *f) {
  np_url u;
  np_url_init(&u);
  u.scheme = np_slice_cstr(s);
  u.netloc = np_slice_cstr(n);
  u.path = np_slice_cstr(p);
  u.params = np_slice_cstr(a);
  u.query = np_slice_cstr(q);
  u.fragment = np_slice_cstr(f);
  return geturl(&u, 1);
}

/* ---- components ---------------------------------------------------------- */

TEST(split_all_components) {
  np_url *u = split("HTTP://User:Pw@WWW.Example.COM:8080/a/b;p?q=1#frag");
  ASSERT_SPLIT(u, "http", "User:Pw@WWW.Example.COM:8080", "/a/b;p", "q=1",
               "frag");
  ASSERT_EQ_SLICE(u->params, "");
  ASSERT_EQ_SLICE(u->username, "User");
  ASSERT_EQ_SLICE(u->password, "Pw");
  ASSERT_EQ_SLICE(u->hostname, "www.example.com");
  ASSERT_EQ_INT(u->port, 8080);
  ASSERT_EQ_INT(u->port_status, NP_OK);
}

TEST(split_strips_leading_c0_and_space) {
  static const char url[] = " \x00\x1f http://a/b";
  ASSERT_OK(np_urlsplit(&U, url, sizeof url - 1, NULL, 0, NULL));
  ASSERT_SPLIT(&U, "http", "a", "/b", "", "");
}

TEST(split_keeps_trailing_space) {
  np_url *u = split("http://a/b ");
  ASSERT_EQ_SLICE(u->path, "/b ");
}

TEST(split_removes_tab_cr_lf_anywhere) {
  np_url *u = split("ht\ttp://ex\r.com/p\na");
  ASSERT_SPLIT(u, "http", "ex.com", "/pa", "", "");
  ASSERT_EQ_SLICE(u->hostname, "ex.com");
}

TEST(split_scheme_digits_after_colon) {
  /* 3.11 no longer treats "path:80" as a path with a port. */
  ASSERT_SPLIT(split("path:80"), "path", "", "80", "", "");
}

TEST(split_scheme_must_start_with_letter) {
  ASSERT_SPLIT(split("1http://a"), "", "", "1http://a", "", "");
}

TEST(split_scheme_chars_plus_dot_minus) {
  ASSERT_SPLIT(split("a+b.c-d://h/"), "a+b.c-d", "h", "/", "", "");
}

TEST(split_scheme_with_bad_char_is_path) {
  ASSERT_SPLIT(split("a_b:c"), "", "", "a_b:c", "", "");
}

TEST(split_no_scheme_netloc) {
  np_url *u = split("//host/p");
  ASSERT_SPLIT(u, "", "host", "/p", "", "");
  ASSERT_EQ_SLICE(u->hostname, "host");
}

TEST(split_opaque_mailto) {
  np_url *u = split("mailto:user@example.com");
  ASSERT_SPLIT(u, "mailto", "", "user@example.com", "", "");
  ASSERT_ABSENT(u->username);
  ASSERT_ABSENT(u->hostname);
}

TEST(split_fragment_before_query) {
  ASSERT_SPLIT(split("http://a#b?c"), "http", "a", "", "", "b?c");
  ASSERT_SPLIT(split("http://a?b#c"), "http", "a", "", "b", "c");
}

TEST(split_allow_fragments_false) {
  np_url *u = split_ds("http://a/b#c", NULL, NP_URL_NO_FRAGMENTS);
  ASSERT_SPLIT(u, "http", "a", "/b#c", "", "");
  /* The netloc still ends at '#'. */
  u = split_ds("http://a#b?c", NULL, NP_URL_NO_FRAGMENTS);
  ASSERT_SPLIT(u, "http", "a", "#b", "c", "");
}

TEST(split_default_scheme_kept_as_given) {
  ASSERT_SPLIT(split_ds("//a/b#c", "HTTPS", 0), "HTTPS", "a", "/b", "", "c");
  /* A scheme in the URL wins. */
  ASSERT_SPLIT(split_ds("ftp://a", "HTTPS", 0), "ftp", "a", "", "", "");
}

TEST(split_default_scheme_cleaned) {
  ASSERT_SPLIT(split_ds("a", " \tX\n ", 0), "X", "", "a", "", "");
  ASSERT_SPLIT(split_ds("a", "h\tt", 0), "ht", "", "a", "", "");
}

TEST(split_empty_input) {
  np_url *u = split("");
  ASSERT_SPLIT(u, "", "", "", "", "");
  ASSERT_ABSENT(u->hostname);
  ASSERT_EQ_INT(u->port, -1);
}

TEST(split_empty_netloc) {
  np_url *u = split("http://");
  ASSERT_SPLIT(u, "http", "", "", "", "");
  ASSERT_ABSENT(u->hostname);
  u = split("file:///etc/passwd");
  ASSERT_SPLIT(u, "file", "", "/etc/passwd", "", "");
}

TEST(split_nul_bytes_are_data) {
  static const char url[] = "http://a/b\0c?d";
  ASSERT_OK(np_urlsplit(&U, url, sizeof url - 1, NULL, 0, NULL));
  ASSERT_EQ_INT(U.path.len, 4);
  ASSERT_EQ_SLICE(U.query, "d");
}

/* ---- username / password -------------------------------------------------- */

TEST(userinfo_username_only) {
  np_url *u = split("http://u@h");
  ASSERT_EQ_SLICE(u->username, "u");
  ASSERT_ABSENT(u->password);
  ASSERT_EQ_SLICE(u->hostname, "h");
}

TEST(userinfo_empty_username_and_password) {
  np_url *u = split("http://:p@h");
  ASSERT_EQ_SLICE(u->username, "");
  ASSERT_EQ_SLICE(u->password, "p");
  u = split("http://u:@h");
  ASSERT_EQ_SLICE(u->username, "u");
  ASSERT_EQ_SLICE(u->password, "");
}

TEST(userinfo_last_at_wins) {
  np_url *u = split("http://a@b@c:1");
  ASSERT_EQ_SLICE(u->username, "a@b");
  ASSERT_EQ_SLICE(u->hostname, "c");
  ASSERT_EQ_INT(u->port, 1);
}

TEST(userinfo_absent_without_at) {
  np_url *u = split("http://h:1");
  ASSERT_ABSENT(u->username);
  ASSERT_ABSENT(u->password);
}

/* ---- hostname ---------------------------------------------------------------- */

TEST(hostname_lowercased_netloc_kept) {
  np_url *u = split("http://WWW.Ex.COM/");
  ASSERT_EQ_SLICE(u->netloc, "WWW.Ex.COM");
  ASSERT_EQ_SLICE(u->hostname, "www.ex.com");
}

TEST(hostname_ipv6_brackets_removed) {
  np_url *u = split("http://[::1]:80/");
  ASSERT_EQ_SLICE(u->hostname, "::1");
  ASSERT_EQ_INT(u->port, 80);
}

TEST(hostname_ipv6_zone_keeps_case) {
  np_url *u = split("http://[FE80::1%ZoNe]:1/");
  ASSERT_EQ_SLICE(u->hostname, "fe80::1%ZoNe");
  ASSERT_EQ_INT(u->port, 1);
}

TEST(hostname_ipvfuture) {
  ASSERT_EQ_SLICE(split("http://[v1.fe]/")->hostname, "v1.fe");
}

TEST(hostname_text_after_bracket_before_colon_ignored) {
  np_url *u = split("http://[::1]x:5/");
  ASSERT_EQ_SLICE(u->hostname, "::1");
  ASSERT_EQ_INT(u->port, 5);
}

TEST(hostname_unicode_lowercase) {
  /* "ΣΑΣ.COM": the last sigma is followed by '.', case-ignorable, then a
   * cased letter, so it is not final. */
  ASSERT_EQ_SLICE(split("http://\xce\xa3\xce\x91\xce\xa3.COM/")->hostname,
                  "\xcf\x83\xce\xb1\xcf\x83.com");
  /* Final sigma at the end of the hostname. */
  ASSERT_EQ_SLICE(split("http://\xce\x91\xce\xa3/")->hostname,
                  "\xce\xb1\xcf\x82");
  /* U+0130 lowers to two code points: i + U+0307. */
  ASSERT_EQ_SLICE(split("http://\xc4\xb0.com")->hostname,
                  "i\xcc\x87.com");
  /* KELVIN SIGN lowers to ASCII k. */
  ASSERT_EQ_SLICE(split("http://\xe2\x84\xaa")->hostname, "k");
}

TEST(hostname_invalid_utf8_passes_through) {
  ASSERT_EQ_SLICE(split("http://A\xff\xc3Z/")->hostname, "a\xff\xc3z");
}

TEST(hostname_utf8_split_by_tab_stays_invalid) {
  /* Python decodes before it removes the tab: "\xc3\t\x89" is two invalid
   * bytes, not an E-acute, so it is neither lower-cased nor NFKC-checked. */
  ASSERT_EQ_SLICE(split("http://\xc3\t\x89/")->hostname, "\xc3\x89");
  ASSERT_EQ_INT(split_rc("http://\xe2\x84\t\x80/"), NP_OK);
  ASSERT_EQ_SLICE(U.netloc, "\xe2\x84\x80");
  /* Whole sequences around the tab are still lower-cased. */
  ASSERT_EQ_SLICE(split("http://\xc3\x89\t\xc3\x89/")->hostname,
                  "\xc3\xa9\xc3\xa9");
}

TEST(hostname_absent_when_empty) {
  ASSERT_ABSENT(split("http://:80/")->hostname);
  ASSERT_ABSENT(split("http://u@/")->hostname);
}

/* ---- port ---------------------------------------------------------------------- */

static int port_of(const char *url, int *status) {
  np_url *u = split(url);
  *status = u->port_status;
  return u->port;
}

TEST(port_leading_zeros_accepted) {
  int st;
  ASSERT_EQ_INT(port_of("http://h:080", &st), 80);
  ASSERT_EQ_INT(st, NP_OK);
  ASSERT_EQ_INT(port_of("http://h:0", &st), 0);
  ASSERT_EQ_INT(port_of("http://h:65535", &st), 65535);
}

TEST(port_empty_is_none) {
  int st;
  ASSERT_EQ_INT(port_of("http://h:/", &st), -1);
  ASSERT_EQ_INT(st, NP_OK);
  ASSERT_EQ_INT(port_of("http://h/", &st), -1);
  ASSERT_EQ_INT(st, NP_OK);
}

TEST(port_out_of_range_is_error) {
  int st;
  ASSERT_EQ_INT(port_of("http://h:65536", &st), -1);
  ASSERT_EQ_INT(st, NP_EURL_PORT);
  ASSERT_EQ_INT(port_of("http://h:99999999999999999999999", &st), -1);
  ASSERT_EQ_INT(st, NP_EURL_PORT);
}

TEST(port_not_ascii_digits_is_error) {
  static const char *bad[] = {"http://h: 80", "http://h:+80", "http://h:-1",
                              "http://h:8a", "http://h:\xd9\xa3"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int st;
    ASSERT_EQ_INT(port_of(bad[i], &st), -1);
    ASSERT_EQ_INT(st, NP_EURL_PORT);
  }
}

TEST(port_bad_does_not_fail_split) {
  /* Python's urlsplit succeeds; only .port raises. */
  np_url *u = split("http://h:x/p");
  ASSERT_EQ_SLICE(u->path, "/p");
  ASSERT_EQ_SLICE(u->hostname, "h");
}

/* ---- errors ---------------------------------------------------------------------- */

TEST(error_unbalanced_brackets) {
  ASSERT_EQ_INT(split_rc("http://[::1"), NP_EURL_BRACKET);
  ASSERT_EQ_INT(split_rc("http://::1]"), NP_EURL_BRACKET);
  ASSERT_EQ_INT(split_rc("//[a/b]"), NP_EURL_BRACKET);
}

TEST(error_ipv4_in_brackets) {
  ASSERT_EQ_INT(split_rc("http://[1.2.3.4]/"), NP_EURL_IPV6);
}

TEST(error_bracketed_host_not_an_address) {
  ASSERT_EQ_INT(split_rc("http://[zz]/"), NP_EURL_IPV6);
  ASSERT_EQ_INT(split_rc("http://[]/"), NP_EURL_IPV6);
  ASSERT_EQ_INT(split_rc("http://[1::2::3]/"), NP_EURL_IPV6);
  ASSERT_EQ_INT(split_rc("http://[1:2:3:4:5:6:7:8:9]/"), NP_EURL_IPV6);
  ASSERT_EQ_INT(split_rc("http://[fe80::1%]/"), NP_EURL_IPV6);
  ASSERT_EQ_INT(split_rc("http://[::01.2.3.4]/"), NP_EURL_IPV6);
  /* Upper-case V is not IPvFuture. */
  ASSERT_EQ_INT(split_rc("http://[Vx.y]"), NP_EURL_IPV6);
}

TEST(error_ipvfuture_invalid) {
  ASSERT_EQ_INT(split_rc("http://[v1.]/"), NP_EURL_IPV6);
  ASSERT_EQ_INT(split_rc("http://[v.x]/"), NP_EURL_IPV6);
  ASSERT_EQ_INT(split_rc("http://[vg.x]/"), NP_EURL_IPV6);
}

TEST(bracketed_hosts_accepted) {
  static const char *ok[] = {
      "http://[::]/", "http://[1:2:3:4:5:6:7:8]/", "http://[::ffff:1.2.3.4]/",
      "http://[1:2:3:4:5:6:1.2.3.4]/", "http://[fe80::1%eth0]/",
      "http://[a::b:c:d:e:f:1]/", "http://[1::]/", "http://[v7.:]/"};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
    ASSERT_EQ_INT(split_rc(ok[i]), NP_OK);
}

TEST(error_brackets_checked_across_userinfo) {
  /* '[' in the host, ']' in the userinfo: Python checks the text after
   * the first '[' of the whole netloc. */
  ASSERT_EQ_INT(split_rc("http://a]@[b"), NP_EURL_IPV6);
  ASSERT_EQ_INT(split_rc("http://[::1]@h/"), NP_OK);
  ASSERT_EQ_SLICE(U.hostname, "h");
}

TEST(error_netloc_nfkc) {
  /* U+FF0F FULLWIDTH SOLIDUS, U+2100 ACCOUNT OF, U+FF1A FULLWIDTH COLON */
  ASSERT_EQ_INT(split_rc("http://a\xef\xbc\x8f" "b/"), NP_EURL_NETLOC_NFKC);
  ASSERT_EQ_INT(split_rc("http://\xe2\x84\x80.com"), NP_EURL_NETLOC_NFKC);
  ASSERT_EQ_INT(split_rc("http://h\xef\xbc\x9a" "80"), NP_EURL_NETLOC_NFKC);
  /* Other non-ASCII netlocs are fine, and the path is not checked. */
  ASSERT_EQ_INT(split_rc("http://\xc3\xa9.fr/\xef\xbc\x8f"), NP_OK);
}

TEST(error_message_filled) {
  np_error err = NP_ERROR_INIT;
  ASSERT_EQ_INT(np_urlsplit(&U, "http://[::1", 11, NULL, 0, &err),
                NP_EURL_BRACKET);
  ASSERT(strcmp(err.message, "Invalid IPv6 URL") == 0);
  np_error_clear(&err);
}

/* ---- urlparse params ------------------------------------------------------------ */

TEST(parse_params_from_last_segment) {
  np_url *u = parse("http://a/b;c/d;e;f?q");
  ASSERT_EQ_SLICE(u->path, "/b;c/d");
  ASSERT_EQ_SLICE(u->params, "e;f");
  ASSERT_EQ_SLICE(u->query, "q");
}

TEST(parse_params_only_for_uses_params) {
  ASSERT_EQ_SLICE(parse("mailto:a;b")->path, "a;b");
  ASSERT_EQ_SLICE(U.params, "");
  np_url *u = parse("tel:1;x");
  ASSERT_EQ_SLICE(u->path, "1");
  ASSERT_EQ_SLICE(u->params, "x");
}

TEST(parse_params_without_slash) {
  np_url *u = parse(";a");
  ASSERT_EQ_SLICE(u->path, "");
  ASSERT_EQ_SLICE(u->params, "a");
  /* ';' in the netloc is not a parameter. */
  u = parse("http://a;b");
  ASSERT_EQ_SLICE(u->netloc, "a;b");
  ASSERT_EQ_SLICE(u->params, "");
}

TEST(parse_params_default_scheme_compared_exactly) {
  /* 'HTTP' is not in uses_params; only the lower-case names are. */
  np_url *u = NULL;
  ASSERT_OK(np_urlparse(&U, "a;b", 3, "HTTP", 0, NULL));
  u = &U;
  ASSERT_EQ_SLICE(u->path, "a;b");
}

/* ---- unsplit / unparse ---------------------------------------------------------- */

TEST(unsplit_round_trip_drops_empty_delimiters) {
  ASSERT(strcmp(geturl(split("HTTP://A/b?#"), 0), "http://A/b") == 0);
  ASSERT(strcmp(geturl(parse("http://h/;p?q"), 1), "http://h/;p?q") == 0);
}

TEST(unsplit_adds_slashes_for_netloc_schemes) {
  ASSERT(strcmp(unsplit5("http", "", "/a", "", ""), "http:///a") == 0);
  ASSERT(strcmp(unsplit5("http", "", "a", "", ""), "http:///a") == 0);
  ASSERT(strcmp(unsplit5("http", "", "", "", ""), "http://") == 0);
}

TEST(unsplit_path_with_double_slash) {
  ASSERT(strcmp(unsplit5("http", "", "//a", "", ""), "http://a") == 0);
  ASSERT(strcmp(unsplit5("", "", "//a", "", ""), "//a") == 0);
}

TEST(unsplit_other_schemes) {
  ASSERT(strcmp(unsplit5("mailto", "", "x", "", ""), "mailto:x") == 0);
  ASSERT(strcmp(unsplit5("x", "", "", "", ""), "x:") == 0);
  ASSERT(strcmp(unsplit5("", "h", "p", "q", "f"), "//h/p?q#f") == 0);
  ASSERT(strcmp(unsplit5("", "", "", "", ""), "") == 0);
}

TEST(unsplit_absent_slices_are_empty) {
  ASSERT(strcmp(unsplit5(NULL, "h", NULL, NULL, "f"), "//h#f") == 0);
}

TEST(unparse_params) {
  ASSERT(strcmp(unparse6("http", "h", "", "p", "q", ""), "http://h/;p?q") ==
         0);
  ASSERT(strcmp(unparse6("", "", "", "p", "", ""), ";p") == 0);
  ASSERT(strcmp(unparse6("http", "", "", "p", "", ""), "http:///;p") == 0);
  ASSERT(strcmp(unparse6("http", "", "/x", "p", "", ""), "http:///x;p") == 0);
}

/* ---- storage -------------------------------------------------------------------- */

TEST(store_reused_without_growth) {
  np_url u;
  np_url_init(&u);
  ASSERT_OK(np_urlsplit(&u, "HTTP://A.B/x\t", 13, NULL, 0, NULL));
  char *data = u.store_.data;
  size_t cap = u.store_.cap;
  for (int i = 0; i < 100; i++) {
    ASSERT_OK(np_urlsplit(&u, "HTTP://C.D/y", 12, NULL, 0, NULL));
    ASSERT_EQ_SLICE(u.hostname, "c.d");
  }
  ASSERT(u.store_.data == data);
  ASSERT_EQ_INT(u.store_.cap, cap);
  np_url_free(&u);
  ASSERT(u.store_.data == NULL);
}

TEST(zeroed_np_url_works) {
  np_url u;
  memset(&u, 0, sizeof u);
  ASSERT_OK(np_urlsplit(&u, "HTTP://X/", 9, NULL, 0, NULL));
  ASSERT_EQ_SLICE(u.scheme, "http");
  ASSERT_EQ_SLICE(u.hostname, "x");
  np_url_free(&u);
}

TEST(no_allocation_for_clean_url) {
  np_url u;
  np_url_init(&u);
  ASSERT_OK(np_urlsplit(&u, "http://www.example.com:80/a?b#c", 31, NULL, 0,
                        NULL));
  ASSERT(u.store_.data == NULL);
  np_url_free(&u);
}

static int fail_after;
static void *failing_malloc(size_t n) { return fail_after-- > 0 ? malloc(n) : NULL; }
static void *failing_realloc(void *p, size_t n) {
  return fail_after-- > 0 ? realloc(p, n) : NULL;
}

TEST(allocation_failure_is_enomem) {
  np_url u;
  np_url_init(&u);
  fail_after = 0;
  np_set_allocator(failing_malloc, failing_realloc, free);
  np_error err = NP_ERROR_INIT;
  int rc = np_urlsplit(&u, "HTTP://X/", 9, NULL, 0, &err);
  np_set_allocator(NULL, NULL, NULL);
  ASSERT_EQ_INT(rc, NP_ENOMEM);
  ASSERT_EQ_INT(err.code, NP_ENOMEM);
  np_url_free(&u);
}
