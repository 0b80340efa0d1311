/*
 * urllib.parse query strings: parse_qsl, parse_qs, urlencode.  Every
 * expected value was produced by CPython 3.11.7 on the same input.
 */
#include "netproto/url.h"
#include "test.h"

#define LIT(s) (s), (sizeof(s) - 1)

static np_qs qs_;
static np_error err_ = NP_ERROR_INIT;

/* parse_qsl (dict == 0) or parse_qs (dict == 1) into qs_; returns rc. */
static int parse(int dict, const char *s, size_t len, int keep, int strict,
                 size_t max, const char *sep) {
  np_qs_options o = {keep, strict, max, sep};
  np_error_clear(&err_);
  return dict ? np_parse_qs(&qs_, s, len, &o, &err_)
              : np_parse_qsl(&qs_, s, len, &o, &err_);
}

#define QSL(s, ...) parse(0, LIT(s), __VA_ARGS__)
#define QS(s, ...) parse(1, LIT(s), __VA_ARGS__)

/* Pair i of qs_ is (name, value); both compared with literals that may
 * hold NULs. */
#define ASSERT_PAIR(i, n, v)                                                \
  do {                                                                      \
    ASSERT((i) < qs_.count);                                                \
    np_slice n_ = qs_.pairs[i].name, v_ = qs_.pairs[i].value;               \
    ASSERT(n_.ptr && n_.len == sizeof(n) - 1 &&                             \
           memcmp(n_.ptr, n, sizeof(n) - 1) == 0);                          \
    ASSERT(v_.ptr && v_.len == sizeof(v) - 1 &&                             \
           memcmp(v_.ptr, v, sizeof(v) - 1) == 0);                          \
  } while (0)

#define ASSERT_ERR(rc, code, msg)                                           \
  do {                                                                      \
    ASSERT_EQ_INT(rc, code);                                                \
    ASSERT_EQ_MEM(err_.message, strlen(err_.message), msg);                 \
    ASSERT_EQ_INT(qs_.count, 0);                                            \
  } while (0)

/* ---- parse_qsl ------------------------------------------------------------ */

TEST(qsl_pairs_in_order_with_repeats) {
  ASSERT_OK(QSL("a=1&b=2&a=3", 0, 0, 0, NULL));
  ASSERT_EQ_INT(qs_.count, 3);
  ASSERT_PAIR(0, "a", "1");
  ASSERT_PAIR(1, "b", "2");
  ASSERT_PAIR(2, "a", "3");
}

TEST(qsl_empty_string_has_no_pairs) {
  ASSERT_OK(QSL("", 0, 0, 0, NULL));
  ASSERT_EQ_INT(qs_.count, 0);
  ASSERT_OK(QSL("", 1, 1, 0, NULL));
  ASSERT_EQ_INT(qs_.count, 0);
}

TEST(qsl_semicolon_is_not_a_separator_by_default) {
  ASSERT_OK(QSL("a=1;b=2", 0, 0, 0, NULL));
  ASSERT_EQ_INT(qs_.count, 1);
  ASSERT_PAIR(0, "a", "1;b=2");
}

TEST(qsl_custom_separator) {
  ASSERT_OK(QSL("a=1;b=2", 0, 0, 0, ";"));
  ASSERT_EQ_INT(qs_.count, 2);
  ASSERT_PAIR(1, "b", "2");
}

TEST(qsl_multi_character_separator) {
  ASSERT_OK(QSL("a=1::b=2::c", 1, 0, 0, "::"));
  ASSERT_EQ_INT(qs_.count, 3);
  ASSERT_PAIR(0, "a", "1");
  ASSERT_PAIR(1, "b", "2");
  ASSERT_PAIR(2, "c", "");
  /* split left to right, no overlaps: 'a=1&&&b=2' -> a=1, &b=2 */
  ASSERT_OK(QSL("a=1&&&b=2", 0, 0, 0, "&&"));
  ASSERT_EQ_INT(qs_.count, 2);
  ASSERT_PAIR(1, "&b", "2");
  ASSERT_OK(QSL("a=1&b=2", 0, 0, 0, "&&"));
  ASSERT_EQ_INT(qs_.count, 1);
  ASSERT_PAIR(0, "a", "1&b=2");
}

TEST(qsl_blank_values_dropped_by_default) {
  ASSERT_OK(QSL("a&b=&c=1", 0, 0, 0, NULL));
  ASSERT_EQ_INT(qs_.count, 1);
  ASSERT_PAIR(0, "c", "1");
}

TEST(qsl_keep_blank_values) {
  ASSERT_OK(QSL("a&b=&c=1", 1, 0, 0, NULL));
  ASSERT_EQ_INT(qs_.count, 3);
  ASSERT_PAIR(0, "a", "");
  ASSERT_PAIR(1, "b", "");
  ASSERT_PAIR(2, "c", "1");
}

TEST(qsl_empty_fields_are_skipped_even_keeping_blanks) {
  ASSERT_OK(QSL("&&a=1&&", 1, 0, 0, NULL));
  ASSERT_EQ_INT(qs_.count, 1);
  ASSERT_PAIR(0, "a", "1");
}

TEST(qsl_empty_name_is_kept) {
  ASSERT_OK(QSL("=v", 0, 0, 0, NULL));
  ASSERT_PAIR(0, "", "v");
  ASSERT_OK(QSL("=&=1", 1, 0, 0, NULL));
  ASSERT_EQ_INT(qs_.count, 2);
  ASSERT_PAIR(0, "", "");
  ASSERT_PAIR(1, "", "1");
}

TEST(qsl_splits_on_first_equals_only) {
  ASSERT_OK(QSL("a==b&c=1=2", 0, 0, 0, NULL));
  ASSERT_PAIR(0, "a", "=b");
  ASSERT_PAIR(1, "c", "1=2");
}

TEST(qsl_plus_is_space_and_escapes_are_decoded) {
  ASSERT_OK(QSL("a+b=c+d&%61=%62&x=%2B%26%3D", 0, 0, 0, NULL));
  ASSERT_EQ_INT(qs_.count, 3);
  ASSERT_PAIR(0, "a b", "c d");
  ASSERT_PAIR(1, "a", "b");
  ASSERT_PAIR(2, "x", "+&=");
}

TEST(qsl_utf8_and_replacement_as_unquote) {
  ASSERT_OK(QSL("n=%C3%A9+x&m=%E2%82", 0, 0, 0, NULL));
  ASSERT_PAIR(0, "n", "\xc3\xa9 x");
  ASSERT_PAIR(1, "m", "\xef\xbf\xbd");
}

TEST(qsl_nul_bytes) {
  ASSERT_OK(QSL("%00=%00&\0=\0", 0, 0, 0, NULL));
  ASSERT_EQ_INT(qs_.count, 2);
  ASSERT_PAIR(0, "\0", "\0");
  ASSERT_PAIR(1, "\0", "\0");
}

TEST(qsl_reuse_replaces_earlier_pairs) {
  ASSERT_OK(QSL("a=1&b=2&c=3", 0, 0, 0, NULL));
  ASSERT_OK(QSL("z=9", 0, 0, 0, NULL));
  ASSERT_EQ_INT(qs_.count, 1);
  ASSERT_PAIR(0, "z", "9");
}

TEST(qsl_many_pairs_slices_stay_valid) {
  /* enough pairs and bytes to grow both the pair array and the store */
  np_buf in;
  np_buf_init(&in, 0);
  for (int i = 0; i < 5000; i++)
    ASSERT_OK(np_buf_printf(&in, "%sk%d=v%%2B%d", i ? "&" : "", i % 7, i));
  ASSERT_OK(parse(0, in.data, in.len, 0, 0, 0, NULL));
  ASSERT_EQ_INT(qs_.count, 5000);
  char want[32];
  for (int i = 0; i < 5000; i++) {
    snprintf(want, sizeof want, "v+%d", i);
    ASSERT_EQ_SLICE(qs_.pairs[i].value, want);
  }
  np_buf_free(&in);
}

TEST(qsl_null_options_are_python_defaults) {
  ASSERT_OK(np_parse_qsl(&qs_, LIT("a=1&b"), NULL, NULL));
  ASSERT_EQ_INT(qs_.count, 1);
  ASSERT_PAIR(0, "a", "1");
}

TEST(qsl_zeroed_qs_works) {
  np_qs z;
  memset(&z, 0, sizeof z);
  ASSERT_OK(np_parse_qsl(&z, LIT("a=1"), NULL, NULL));
  ASSERT_EQ_INT(z.count, 1);
  ASSERT_EQ_SLICE(z.pairs[0].value, "1");
  np_qs_free(&z);
}

/* ---- errors ------------------------------------------------------------- */

TEST(qsl_strict_field_without_equals_is_bad_query_field) {
  ASSERT_ERR(QSL("a=1&b", 0, 1, 0, NULL), NP_EURL_QS_SYNTAX,
             "bad query field: 'b'");
  ASSERT_EQ_INT(err_.value, 4); /* byte offset of the field */
}

TEST(qsl_strict_empty_field_is_bad_query_field) {
  ASSERT_ERR(QSL("a=1&&b=2", 0, 1, 0, NULL), NP_EURL_QS_SYNTAX,
             "bad query field: ''");
  ASSERT_ERR(QSL("a=1&", 0, 1, 0, NULL), NP_EURL_QS_SYNTAX,
             "bad query field: ''");
}

TEST(qsl_strict_blank_values_are_not_errors) {
  ASSERT_OK(QSL("a=&b=", 0, 1, 0, NULL));
  ASSERT_EQ_INT(qs_.count, 0);
  ASSERT_OK(QSL("a=&b=", 1, 1, 0, NULL));
  ASSERT_EQ_INT(qs_.count, 2);
}

TEST(qsl_strict_error_message_quotes_like_python_repr) {
  ASSERT_ERR(QSL("it's", 0, 1, 0, NULL), NP_EURL_QS_SYNTAX,
             "bad query field: \"it's\"");
  ASSERT_ERR(QSL("a\"'b", 0, 1, 0, NULL), NP_EURL_QS_SYNTAX,
             "bad query field: 'a\"\\'b'");
  ASSERT_ERR(QSL("x\ty\\", 0, 1, 0, NULL), NP_EURL_QS_SYNTAX,
             "bad query field: 'x\\ty\\\\'");
  ASSERT_ERR(QSL("\0", 0, 1, 0, NULL), NP_EURL_QS_SYNTAX,
             "bad query field: '\\x00'");
  ASSERT_ERR(QSL("\xc3\xa9", 0, 1, 0, NULL), NP_EURL_QS_SYNTAX,
             "bad query field: '\xc3\xa9'");
  ASSERT_ERR(QSL("\xff", 0, 1, 0, NULL), NP_EURL_QS_SYNTAX,
             "bad query field: '\\udcff'");
}

TEST(qsl_strict_error_message_is_truncated_to_fit) {
  char big[600];
  memset(big, 'x', sizeof big);
  ASSERT_EQ_INT(parse(0, big, sizeof big, 0, 1, 0, NULL), NP_EURL_QS_SYNTAX);
  size_t n = strlen(err_.message);
  ASSERT(n < sizeof err_.message);
  ASSERT(memcmp(err_.message + n - 3, "...", 3) == 0);
}

TEST(qsl_too_many_fields) {
  ASSERT_ERR(QSL("a=1&b=2&c=3", 0, 0, 2, NULL), NP_EURL_QS_FIELDS,
             "Max number of fields exceeded");
  ASSERT_OK(QSL("a=1&b=2&c=3", 0, 0, 3, NULL));
  ASSERT_EQ_INT(qs_.count, 3);
}

TEST(qsl_too_many_fields_counts_empty_fields_before_parsing) {
  /* 1 + number of separators, blank or not */
  ASSERT_ERR(QSL("a&&", 0, 0, 2, NULL), NP_EURL_QS_FIELDS,
             "Max number of fields exceeded");
  ASSERT_ERR(QSL("a&&&&", 0, 0, 2, "&&"), NP_EURL_QS_FIELDS,
             "Max number of fields exceeded");
  ASSERT_OK(QSL("", 0, 0, 1, NULL)); /* the empty string has no field */
}

TEST(qsl_empty_separator_is_an_error) {
  ASSERT_ERR(QSL("a=1", 0, 0, 0, ""), NP_EURL_QS_SEPARATOR,
             "Separator must be of type string or bytes.");
  ASSERT_ERR(QSL("", 0, 0, 0, ""), NP_EURL_QS_SEPARATOR,
             "Separator must be of type string or bytes.");
}

/* ---- parse_qs ------------------------------------------------------------- */

TEST(qs_groups_values_by_name_in_first_appearance_order) {
  ASSERT_OK(QS("a=1&b=2&a=3&c=4&b=5", 0, 0, 0, NULL));
  ASSERT_EQ_INT(qs_.count, 5);
  ASSERT_PAIR(0, "a", "1");
  ASSERT_PAIR(1, "a", "3");
  ASSERT_PAIR(2, "b", "2");
  ASSERT_PAIR(3, "b", "5");
  ASSERT_PAIR(4, "c", "4");
}

TEST(qs_names_compare_after_decoding) {
  ASSERT_OK(QS("%61=1&a=2", 0, 0, 0, NULL));
  ASSERT_PAIR(0, "a", "1");
  ASSERT_PAIR(1, "a", "2");
  /* '%FE' and '%EF%BF%BD' both decode to U+FFFD: one key */
  ASSERT_OK(QS("n=%FF&%FE=1&%EF%BF%BD=2", 0, 0, 0, NULL));
  ASSERT_EQ_INT(qs_.count, 3);
  ASSERT_PAIR(0, "n", "\xef\xbf\xbd");
  ASSERT_PAIR(1, "\xef\xbf\xbd", "1");
  ASSERT_PAIR(2, "\xef\xbf\xbd", "2");
}

TEST(qs_get_finds_values_of_a_name) {
  size_t first = 99;
  ASSERT_OK(QS("a=1&b=2&a=3&c=4&b=5", 0, 0, 0, NULL));
  ASSERT_EQ_INT(np_qs_get(&qs_, "b", 1, &first), 2);
  ASSERT_EQ_INT(first, 2);
  ASSERT_EQ_INT(np_qs_get(&qs_, "c", 1, &first), 1);
  ASSERT_EQ_INT(first, 4);
  ASSERT_EQ_INT(np_qs_get(&qs_, "zz", 2, &first), 0);
}

TEST(qs_many_names_group_stably) {
  np_buf in;
  np_buf_init(&in, 0);
  for (int i = 0; i < 3000; i++)
    ASSERT_OK(np_buf_printf(&in, "%sn%d=%d", i ? "&" : "", i % 101, i));
  ASSERT_OK(parse(1, in.data, in.len, 0, 0, 0, NULL));
  ASSERT_EQ_INT(qs_.count, 3000);
  size_t first = 0, expect_first = 0;
  char want[32];
  for (int g = 0; g < 101; g++) {
    snprintf(want, sizeof want, "n%d", g);
    size_t n = np_qs_get(&qs_, want, strlen(want), &first);
    ASSERT_EQ_INT(n, 3000 / 101 + (g < 3000 % 101));
    ASSERT_EQ_INT(first, expect_first);
    for (size_t k = 0; k < n; k++) {
      snprintf(want, sizeof want, "%zu", (size_t)g + 101 * k);
      ASSERT_EQ_SLICE(qs_.pairs[first + k].value, want);
    }
    expect_first += n;
  }
  np_buf_free(&in);
}

TEST(qs_errors_as_qsl) {
  ASSERT_ERR(QS("a", 0, 1, 0, NULL), NP_EURL_QS_SYNTAX,
             "bad query field: 'a'");
  ASSERT_ERR(QS("a=1&b=2", 0, 0, 1, NULL), NP_EURL_QS_FIELDS,
             "Max number of fields exceeded");
}

/* ---- urlencode ------------------------------------------------------------ */

static np_buf enc_;

static const char *encode(const np_qs_pair *p, size_t n, const char *safe,
                          np_quote_fn via) {
  if (enc_.max == 0)
    np_buf_init(&enc_, 0);
  np_buf_reset(&enc_);
  if (np_urlencode(&enc_, p, n, safe, via) != NP_OK)
    return NULL;
  return enc_.data ? enc_.data : "";
}

#define PAIR(n, v) {{n, sizeof(n) - 1}, {v, sizeof(v) - 1}}

TEST(urlencode_quotes_with_quote_plus_by_default) {
  np_qs_pair p[] = {PAIR("a", "1"), PAIR("b", "x y"), PAIR("c", "&=?/")};
  ASSERT_EQ_MEM(encode(p, 3, NULL, NULL), enc_.len, "a=1&b=x+y&c=%26%3D%3F%2F");
}

TEST(urlencode_safe) {
  np_qs_pair p[] = {PAIR("a", "/"), PAIR("b", " ")};
  ASSERT_EQ_MEM(encode(p, 2, "/", NULL), enc_.len, "a=/&b=+");
}

TEST(urlencode_quote_via_quote) {
  np_qs_pair p[] = {PAIR("a b", "c d")};
  ASSERT_EQ_MEM(encode(p, 1, NULL, np_quote), enc_.len, "a%20b=c%20d");
  /* urlencode's safe default is '' even with quote: '/' is escaped */
  np_qs_pair s[] = {PAIR("p", "/x")};
  ASSERT_EQ_MEM(encode(s, 1, NULL, np_quote), enc_.len, "p=%2Fx");
}

TEST(urlencode_utf8) {
  np_qs_pair p[] = {PAIR("\xc3\xa9", "\xe2\x82\xac")};
  ASSERT_EQ_MEM(encode(p, 1, NULL, NULL), enc_.len, "%C3%A9=%E2%82%AC");
}

TEST(urlencode_doseq_repeats_the_name) {
  np_qs_pair p[] = {PAIR("k", "1"), PAIR("k", "2"), PAIR("k", "3")};
  ASSERT_EQ_MEM(encode(p, 3, NULL, NULL), enc_.len, "k=1&k=2&k=3");
}

TEST(urlencode_empty) {
  ASSERT_EQ_MEM(encode(NULL, 0, NULL, NULL), enc_.len, "");
  np_qs_pair p[] = {PAIR("", "")};
  ASSERT_EQ_MEM(encode(p, 1, NULL, NULL), enc_.len, "=");
}

TEST(urlencode_absent_slices_count_as_empty) {
  np_qs_pair p[] = {{NP_SLICE_NULL, NP_SLICE_NULL}};
  ASSERT_EQ_MEM(encode(p, 1, NULL, NULL), enc_.len, "=");
}

TEST(urlencode_round_trips_through_parse_qsl) {
  np_qs_pair p[] = {PAIR("a b", "1+2=3&4"), PAIR("\0", "%")};
  ASSERT(encode(p, 2, NULL, NULL) != NULL);
  ASSERT_OK(parse(0, enc_.data, enc_.len, 0, 0, 0, NULL));
  ASSERT_EQ_INT(qs_.count, 2);
  ASSERT_PAIR(0, "a b", "1+2=3&4");
  ASSERT_PAIR(1, "\0", "%");
}

TEST(urlencode_failure_leaves_output_unchanged) {
  np_buf b;
  np_buf_init(&b, 10);
  ASSERT_OK(np_buf_append_cstr(&b, "x?"));
  np_qs_pair p[] = {PAIR("a", "1"), PAIR("b", "\xff\xff\xff")};
  ASSERT_EQ_INT(np_urlencode(&b, p, 2, NULL, NULL), NP_ETOOLARGE);
  ASSERT_EQ_MEM(b.data, b.len, "x?");
  np_buf_free(&b);
  np_buf_free(&enc_);
  np_qs_free(&qs_);
  np_error_clear(&err_);
}

TEST(qsl_null_pointer_with_zero_length_is_empty_input) {
  np_qs_options o = {1, 1, 1, NULL};
  ASSERT_OK(np_parse_qsl(&qs_, NULL, 0, &o, NULL));
  ASSERT_EQ_INT(qs_.count, 0);
  ASSERT_OK(np_parse_qs(&qs_, NULL, 0, &o, NULL));
  ASSERT_EQ_INT(qs_.count, 0);
}

TEST(qs_grouping_same_on_both_sides_of_the_small_path) {
  /* 16 pairs take the in-place path, 17 the hash table: same order */
  for (int n = 15; n <= 18; n++) {
    np_buf in;
    np_buf_init(&in, 0);
    for (int i = 0; i < n; i++)
      ASSERT_OK(np_buf_printf(&in, "%s%c=%d", i ? "&" : "", "cab"[i % 3], i));
    ASSERT_OK(parse(1, in.data, in.len, 0, 0, 0, NULL));
    ASSERT_EQ_INT(qs_.count, n);
    size_t at = 0;
    for (int g = 0; g < 3; g++) {
      for (int i = g; i < n; i += 3, at++) {
        char v[16];
        snprintf(v, sizeof v, "%d", i);
        ASSERT(qs_.pairs[at].name.len == 1 &&
               qs_.pairs[at].name.ptr[0] == "cab"[g]);
        ASSERT_EQ_SLICE(qs_.pairs[at].value, v);
      }
    }
    np_buf_free(&in);
  }
}

TEST(qsl_strict_error_message_truncation_keeps_utf8_whole) {
  char big[400];
  for (size_t i = 0; i < sizeof big; i += 2)
    memcpy(big + i, "\xc3\xa9", 2);
  ASSERT_EQ_INT(parse(0, big, sizeof big, 0, 1, 0, NULL), NP_EURL_QS_SYNTAX);
  size_t n = strlen(err_.message);
  ASSERT(memcmp(err_.message + n - 3, "...", 3) == 0);
  /* what precedes "..." is whole e-acutes after "bad query field: '" */
  size_t body = n - 3 - strlen("bad query field: '");
  ASSERT_EQ_INT(body % 2, 0);
  ASSERT((unsigned char)err_.message[n - 4] == 0xa9);
}
