/*
 * urljoin and urldefrag.  Expected values are python3's (CPython 3.11.7)
 * for the same inputs; the RFC 3986 section 5.4 examples come first.
 */
#include "netproto/url.h"
#include "test.h"

static const char *join_f(const char *base, const char *ref, unsigned flags) {
  static char text[8192];
  np_buf b;
  np_buf_init(&b, 0);
  int rc = np_urljoin(&b, base, strlen(base), ref, strlen(ref), flags, NULL);
  if (rc != 0 || b.len >= sizeof text)
    np_test_fail(__FILE__, __LINE__, "np_urljoin(%s, %s) = %d", base, ref,
                 rc);
  memcpy(text, b.data ? b.data : "", b.len + 1);
  np_buf_free(&b);
  return text;
}

static const char *join(const char *base, const char *ref) {
  return join_f(base, ref, 0);
}

#define ASSERT_STR(got, want)                                               \
  do {                                                                      \
    const char *g_ = (got);                                                 \
    if (strcmp(g_, (want)) != 0)                                            \
      np_test_fail(__FILE__, __LINE__, "got \"%s\", expected \"%s\"", g_,   \
                   (want));                                                 \
  } while (0)

#define RFC_BASE "http://a/b/c/d;p?q"

TEST(join_rfc3986_normal) {
  static const char *cases[][2] = {
      {"g:h", "g:h"},
      {"g", "http://a/b/c/g"},
      {"./g", "http://a/b/c/g"},
      {"g/", "http://a/b/c/g/"},
      {"/g", "http://a/g"},
      {"//g", "http://g"},
      {"?y", "http://a/b/c/d;p?y"},
      {"g?y", "http://a/b/c/g?y"},
      {"#s", "http://a/b/c/d;p?q#s"},
      {"g#s", "http://a/b/c/g#s"},
      {"g?y#s", "http://a/b/c/g?y#s"},
      {";x", "http://a/b/c/;x"},
      {"g;x", "http://a/b/c/g;x"},
      {"g;x?y#s", "http://a/b/c/g;x?y#s"},
      {".", "http://a/b/c/"},
      {"./", "http://a/b/c/"},
      {"..", "http://a/b/"},
      {"../", "http://a/b/"},
      {"../g", "http://a/b/g"},
      {"../..", "http://a/"},
      {"../../", "http://a/"},
      {"../../g", "http://a/g"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    ASSERT_STR(join(RFC_BASE, cases[i][0]), cases[i][1]);
}

TEST(join_rfc3986_abnormal) {
  static const char *cases[][2] = {
      {"../../../g", "http://a/g"},
      {"../../../../g", "http://a/g"},
      {"/./g", "http://a/g"},
      {"/../g", "http://a/g"},
      {"g.", "http://a/b/c/g."},
      {".g", "http://a/b/c/.g"},
      {"g..", "http://a/b/c/g.."},
      {"..g", "http://a/b/c/..g"},
      {"./../g", "http://a/b/g"},
      {"./g/.", "http://a/b/c/g/"},
      {"g/./h", "http://a/b/c/g/h"},
      {"g/../h", "http://a/b/c/h"},
      {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
      {"g;x=1/../y", "http://a/b/c/y"},
      {"g?y/./x", "http://a/b/c/g?y/./x"},
      {"g#s/../x", "http://a/b/c/g#s/../x"},
      {"http:g", "http://a/b/c/g"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    ASSERT_STR(join(RFC_BASE, cases[i][0]), cases[i][1]);
}

TEST(join_empty_reference_is_base) {
  ASSERT_STR(join(RFC_BASE, ""), RFC_BASE);
  ASSERT_STR(join("x", ""), "x");
}

TEST(join_empty_base_is_reference) {
  /* Returned unchanged: not even split and put together again. */
  ASSERT_STR(join("", " x\t"), " x\t");
}

TEST(join_scheme_lowercased_before_compare) {
  ASSERT_STR(join(RFC_BASE, "HTTP:g"), "http://a/b/c/g");
}

TEST(join_netloc_reference_keeps_its_path) {
  ASSERT_STR(join(RFC_BASE, "//g/../x"), "http://g/../x");
}

TEST(join_other_scheme_returns_reference_unchanged) {
  ASSERT_STR(join("http://a/b", "ftp:/x"), "ftp:/x");
}

TEST(join_scheme_not_relative) {
  ASSERT_STR(join("mailto:x", "y"), "y");
  ASSERT_STR(join("tel:1", "2"), "2");
  ASSERT_STR(join("ssh://h/a", "b"), "b");
  /* git uses a netloc but not relative references. */
  ASSERT_STR(join("git://h/a", "b"), "b");
}

TEST(join_svn_ssh_is_relative) {
  ASSERT_STR(join("svn+ssh://h/a/b", "c"), "svn+ssh://h/a/c");
}

TEST(join_base_without_path) {
  ASSERT_STR(join("http://a", "b"), "http://a/b");
}

TEST(join_empty_segments_dropped) {
  ASSERT_STR(join(RFC_BASE, "a//b//c"), "http://a/b/c/a/b/c");
  ASSERT_STR(join("http://a/b//c/", "d"), "http://a/b/c/d");
  ASSERT_STR(join("http://a/b/c/", "..//..//x"), "http://a/x");
}

TEST(join_absolute_path_dot_segments) {
  ASSERT_STR(join("http://a/b", "/x/../../y"), "http://a/y");
}

TEST(join_relative_base) {
  ASSERT_STR(join("a/b/c", "../d"), "a/d");
}

TEST(join_reference_is_cleaned) {
  ASSERT_STR(join(RFC_BASE, "\tg"), "http://a/b/c/g");
}

TEST(join_allow_fragments_false) {
  ASSERT_STR(join_f(RFC_BASE, "g#s", NP_URL_NO_FRAGMENTS), "http://a/b/c/g#s");
}

TEST(join_error_from_split) {
  np_buf b;
  np_buf_init(&b, 0);
  np_error err = NP_ERROR_INIT;
  ASSERT_EQ_INT(np_urljoin(&b, "http://[::1", 11, "x", 1, 0, &err),
                NP_EURL_BRACKET);
  ASSERT_EQ_INT(err.code, NP_EURL_BRACKET);
  ASSERT_EQ_INT(np_urljoin(&b, "http://a/", 9, "//[zz]/", 7, 0, &err),
                NP_EURL_IPV6);
  np_buf_free(&b);
  np_error_clear(&err);
}

TEST(join_long_path_allocates_segments) {
  /* More segments than the stack array holds. */
  char base[600], want[700];
  strcpy(base, "http://h");
  for (int i = 0; i < 100; i++)
    strcat(base, "/s");
  strcpy(want, base);
  strcat(base, "/f");
  strcat(want, "/g");
  ASSERT_STR(join(base, "g"), want);
}

TEST(join_long_path_bytes_allocate) {
  /* A resolved path longer than the stack buffer. */
  static char base[3000], ref[1600], want[4700];
  memset(ref, 'r', 1500);
  ref[1500] = 0;
  strcpy(base, "http://h/");
  memset(base + 9, 'b', 2000);
  base[2009] = 0;
  strcat(base, "/f");
  strcpy(want, base);
  want[strlen(want) - 1] = 0; /* drop the file name "f" */
  strcat(want, ref);
  ASSERT_STR(join(base, ref), want);
}

static unsigned long allocs;
static void *count_malloc(size_t n) { allocs++; return malloc(n); }
static void *count_realloc(void *p, size_t n) { allocs++; return realloc(p, n); }

TEST(join_common_case_does_not_allocate) {
  np_buf b;
  np_buf_init(&b, 0);
  ASSERT_OK(np_buf_reserve(&b, 256));
  allocs = 0;
  np_set_allocator(count_malloc, count_realloc, free);
  int rc = np_urljoin(&b, RFC_BASE, strlen(RFC_BASE), "../g/./h", 8, 0, NULL);
  np_set_allocator(NULL, NULL, NULL);
  ASSERT_OK(rc);
  ASSERT_EQ_MEM(b.data, b.len, "http://a/b/g/h");
  ASSERT_EQ_INT(allocs, 0);
  np_buf_free(&b);
}

/* ---- urldefrag ------------------------------------------------------------ */

static void defrag(const char *url, const char *want_url,
                   const char *want_frag) {
  np_buf a, f;
  np_buf_init(&a, 0);
  np_buf_init(&f, 0);
  ASSERT_OK(np_urldefrag(&a, &f, url, strlen(url), NULL));
  ASSERT_EQ_MEM(a.data ? a.data : "", a.len, want_url);
  ASSERT_EQ_MEM(f.data ? f.data : "", f.len, want_frag);
  np_buf_free(&a);
  np_buf_free(&f);
}

TEST(defrag_splits_fragment) { defrag("http://a/b?c#d", "http://a/b?c", "d"); }

TEST(defrag_without_hash_is_unchanged) {
  defrag("http://a/b", "http://a/b", "");
  defrag("HTTP://A/b?", "HTTP://A/b?", "");
}

TEST(defrag_reassembles_like_urlunparse) {
  defrag("HTTP://A/b;p?#", "http://A/b;p", "");
  defrag("x#", "x", "");
}

TEST(defrag_outputs_optional) {
  ASSERT_OK(np_urldefrag(NULL, NULL, "a#b", 3, NULL));
}
