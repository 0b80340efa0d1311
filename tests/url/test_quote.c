/*
 * urllib.parse quoting: quote, quote_plus, quote_from_bytes, unquote,
 * unquote_plus, unquote_to_bytes.  Every expected value was produced by
 * CPython 3.11.7's urllib.parse on the same input.
 */
#include "netproto/url.h"
#include "test.h"

#include <stdint.h>

/* Literals may hold NUL bytes: their length is sizeof - 1. */
#define LIT(s) (s), (sizeof(s) - 1)

typedef int (*quote_fn)(np_buf *, const char *, size_t, const char *);
typedef int (*unquote_fn)(np_buf *, const char *, size_t);

static np_buf out_;

/* Run a quoting function into a fresh buffer; the result stays in out_. */
static const np_buf *q(quote_fn fn, const char *s, size_t len,
                       const char *safe) {
  np_buf_free(&out_);
  np_buf_init(&out_, 0);
  if (fn(&out_, s, len, safe) != NP_OK)
    np_test_fail(__FILE__, __LINE__, "quoting failed");
  return &out_;
}

static const np_buf *u(unquote_fn fn, const char *s, size_t len) {
  np_buf_free(&out_);
  np_buf_init(&out_, 0);
  if (fn(&out_, s, len) != NP_OK)
    np_test_fail(__FILE__, __LINE__, "unquoting failed");
  return &out_;
}

/* Compare a buffer with an expected literal that may contain NULs. */
#define ASSERT_BUF(b, lit)                                                  \
  do {                                                                      \
    const np_buf *b_ = (b);                                                 \
    if (b_->len != sizeof(lit) - 1 ||                                       \
        memcmp(b_->data, lit, sizeof(lit) - 1) != 0)                        \
      np_test_fail(__FILE__, __LINE__, "got \"%.*s\" (%zu bytes), "         \
                   "expected \"%s\"", (int)b_->len, b_->data, b_->len, lit); \
    ASSERT(b_->data[b_->len] == '\0');                                      \
  } while (0)

/* ---- quote ---------------------------------------------------------------- */

TEST(quote_empty_input_gives_empty_output) {
  ASSERT_BUF(q(np_quote, "", 0, NULL), "");
  ASSERT(out_.data != NULL);
}

TEST(quote_default_safe_is_slash) {
  ASSERT_BUF(q(np_quote, LIT("abc/def ghi"), NULL), "abc/def%20ghi");
}

TEST(quote_empty_safe_escapes_slash) {
  ASSERT_BUF(q(np_quote, LIT("a/b"), ""), "a%2Fb");
}

TEST(quote_always_safe_characters_are_kept) {
  ASSERT_BUF(q(np_quote, LIT("~_.-azAZ09"), ""), "~_.-azAZ09");
}

TEST(quote_reserved_characters_are_escaped_upper_case_hex) {
  ASSERT_BUF(q(np_quote, LIT("!*'();:@&=+$,/?#[]"), NULL),
             "%21%2A%27%28%29%3B%3A%40%26%3D%2B%24%2C/%3F%23%5B%5D");
}

TEST(quote_custom_safe) {
  ASSERT_BUF(q(np_quote, LIT("a:b@c"), ":@"), "a:b@c");
  ASSERT_BUF(q(np_quote, LIT("%41"), "%"), "%41");
  ASSERT_BUF(q(np_quote, LIT("a%b"), NULL), "a%25b");
}

TEST(quote_utf8_text_is_escaped_bytewise) {
  ASSERT_BUF(q(np_quote, LIT("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"), NULL),
             "%C3%A9%E2%82%AC%F0%9F%98%80");
}

TEST(quote_non_ascii_bytes_of_safe_are_ignored) {
  /* quote('\u00e9', safe='\u00e9') == '%C3%A9' */
  ASSERT_BUF(q(np_quote, LIT("\xc3\xa9"), "\xc3\xa9"), "%C3%A9");
}

TEST(quote_from_bytes_escapes_nul_and_high_bytes) {
  ASSERT_BUF(q(np_quote, LIT("\x00\xff\x80"), NULL), "%00%FF%80");
}

TEST(quote_appends_to_existing_content) {
  np_buf b;
  np_buf_init(&b, 0);
  ASSERT_OK(np_buf_append_cstr(&b, "x="));
  ASSERT_OK(np_quote(&b, LIT("a b"), NULL));
  ASSERT_EQ_MEM(b.data, b.len, "x=a%20b");
  np_buf_free(&b);
}

TEST(quote_long_input_is_measured_not_overallocated) {
  /* 100 KB of safe text: takes the exact-size path, output == input. */
  size_t n = 100000;
  char *s = malloc(n);
  ASSERT(s != NULL);
  memset(s, 'a', n);
  s[n / 2] = ' ';
  np_buf b;
  np_buf_init(&b, 0);
  ASSERT_OK(np_quote(&b, s, n, NULL));
  ASSERT_EQ_INT(b.len, n + 2);
  ASSERT(b.cap < 2 * n);
  ASSERT(memcmp(b.data + n / 2, "%20a", 4) == 0);
  np_buf_free(&b);
  free(s);
}

TEST(quote_past_buffer_limit_is_too_large) {
  np_buf b;
  np_buf_init(&b, 8);
  ASSERT_EQ_INT(np_quote(&b, LIT("abcdefgh"), NULL), NP_OK);
  np_buf_reset(&b);
  ASSERT_EQ_INT(np_quote(&b, LIT("abcdefg "), NULL), NP_ETOOLARGE);
  ASSERT_EQ_INT(b.len, 0);
  np_buf_free(&b);
}

/* ---- quote_plus ------------------------------------------------------------ */

TEST(quote_plus_space_becomes_plus_and_slash_is_escaped) {
  ASSERT_BUF(q(np_quote_plus, LIT("a b/c"), NULL), "a+b%2Fc");
  ASSERT_BUF(q(np_quote_plus, LIT("a b/c"), "/"), "a+b/c");
}

TEST(quote_plus_escapes_plus_unless_safe) {
  ASSERT_BUF(q(np_quote_plus, LIT("a+b"), NULL), "a%2Bb");
  ASSERT_BUF(q(np_quote_plus, LIT("a+b c"), "+"), "a+b+c");
}

TEST(quote_plus_space_in_safe_still_becomes_plus) {
  ASSERT_BUF(q(np_quote_plus, LIT(" "), " "), "+");
}

/* ---- unquote_to_bytes -------------------------------------------------------- */

TEST(unquote_to_bytes_decodes_escapes_in_either_case) {
  ASSERT_BUF(u(np_unquote_to_bytes, LIT("%41%42%43%e2%82%AC")),
             "ABC\xe2\x82\xac");
}

TEST(unquote_to_bytes_keeps_invalid_escapes) {
  ASSERT_BUF(u(np_unquote_to_bytes, LIT("%C3%A9%zz%4%")), "\xc3\xa9%zz%4%");
}

TEST(unquote_to_bytes_keeps_invalid_utf8) {
  ASSERT_BUF(u(np_unquote_to_bytes, LIT("%FF%C0%AF")), "\xff\xc0\xaf");
}

TEST(unquote_to_bytes_nul_and_empty) {
  ASSERT_BUF(u(np_unquote_to_bytes, LIT("%00")), "\x00");
  ASSERT_BUF(u(np_unquote_to_bytes, LIT("")), "");
}

TEST(unquote_to_bytes_leaves_plus_alone) {
  ASSERT_BUF(u(np_unquote_to_bytes, LIT("a+b")), "a+b");
}

/* ---- unquote ------------------------------------------------------------- */

TEST(unquote_plain_text_is_unchanged) {
  ASSERT_BUF(u(np_unquote, LIT("abc def/\xc3\xa9")), "abc def/\xc3\xa9");
}

TEST(unquote_decodes_ascii_and_utf8) {
  ASSERT_BUF(u(np_unquote, LIT("abc%20def")), "abc def");
  ASSERT_BUF(u(np_unquote, LIT("caf%C3%A9")), "caf\xc3\xa9");
  ASSERT_BUF(u(np_unquote, LIT("%F0%9F%98%80")), "\xf0\x9f\x98\x80");
}

TEST(unquote_leaves_plus_alone) {
  ASSERT_BUF(u(np_unquote, LIT("a+b")), "a+b");
}

TEST(unquote_keeps_invalid_escapes) {
  ASSERT_BUF(u(np_unquote, LIT("%")), "%");
  ASSERT_BUF(u(np_unquote, LIT("%%")), "%%");
  ASSERT_BUF(u(np_unquote, LIT("%a")), "%a");
  ASSERT_BUF(u(np_unquote, LIT("100%")), "100%");
  ASSERT_BUF(u(np_unquote, LIT("%G1%1G")), "%G1%1G");
  ASSERT_BUF(u(np_unquote, LIT("%%41")), "%A");
}

TEST(unquote_nul_byte) {
  ASSERT_BUF(u(np_unquote, LIT("a%00b")), "a\x00" "b");
  ASSERT_BUF(u(np_unquote, LIT("a\x00%41")), "a\x00" "A");
}

TEST(unquote_empty) {
  ASSERT_BUF(u(np_unquote, "", 0), "");
}

#define FFFD "\xef\xbf\xbd"

/* Python's errors='replace' uses one U+FFFD per maximal subpart. */
TEST(unquote_truncated_three_byte_sequence_is_one_replacement) {
  ASSERT_BUF(u(np_unquote, LIT("%E2%82")), FFFD);
}

TEST(unquote_truncated_four_byte_sequence_is_one_replacement) {
  ASSERT_BUF(u(np_unquote, LIT("%F0%9F%98")), FFFD);
  ASSERT_BUF(u(np_unquote, LIT("%F0%9F%98a")), FFFD "a");
}

TEST(unquote_overlong_two_byte_form_is_two_replacements) {
  ASSERT_BUF(u(np_unquote, LIT("%C0%AF")), FFFD FFFD);
}

TEST(unquote_overlong_three_byte_form_is_three_replacements) {
  ASSERT_BUF(u(np_unquote, LIT("%E0%80%80")), FFFD FFFD FFFD);
}

TEST(unquote_encoded_surrogate_is_three_replacements) {
  ASSERT_BUF(u(np_unquote, LIT("%ED%A0%80")), FFFD FFFD FFFD);
}

TEST(unquote_past_max_code_point_is_four_replacements) {
  ASSERT_BUF(u(np_unquote, LIT("%F4%90%80%80")), FFFD FFFD FFFD FFFD);
}

TEST(unquote_lone_bytes_each_become_a_replacement) {
  ASSERT_BUF(u(np_unquote, LIT("%80")), FFFD);
  ASSERT_BUF(u(np_unquote, LIT("%FF%FE")), FFFD FFFD);
  ASSERT_BUF(u(np_unquote, LIT("%F0%80")), FFFD FFFD);
}

TEST(unquote_sequence_cut_by_a_literal_byte) {
  /* the literal byte ends the escaped run: '%E2%82%2F' -> '\ufffd/' */
  ASSERT_BUF(u(np_unquote, LIT("%E2%82%2F")), FFFD "/");
  ASSERT_BUF(u(np_unquote, LIT("%C3%A9%C3")), "\xc3\xa9" FFFD);
}

TEST(unquote_escapes_do_not_join_literal_non_ascii) {
  /* unquote('%C3\u00e9%A9') == '\ufffd\u00e9\ufffd' */
  ASSERT_BUF(u(np_unquote, LIT("%C3\xc3\xa9%A9")), FFFD "\xc3\xa9" FFFD);
  /* unquote('%E2\u201a%AC') == '\ufffd\u201a\ufffd' */
  ASSERT_BUF(u(np_unquote, LIT("%E2\xe2\x80\x9a%AC")),
             FFFD "\xe2\x80\x9a" FFFD);
}

TEST(unquote_invalid_utf8_input_bytes_pass_through) {
  /* surrogateescape: unescaped bytes are kept as they are */
  ASSERT_BUF(u(np_unquote, LIT("\xff%41\xe2\x82")), "\xff" "A\xe2\x82");
}

/* ---- unquote_plus ---------------------------------------------------------- */

TEST(unquote_plus_plus_is_space_escaped_plus_is_plus) {
  ASSERT_BUF(u(np_unquote_plus, LIT("a+b%2B")), "a b+");
  ASSERT_BUF(u(np_unquote_plus, LIT("+%20+")), "   ");
}

TEST(unquote_plus_plus_ends_a_pending_sequence) {
  ASSERT_BUF(u(np_unquote_plus, LIT("%E2+%AC")), FFFD " " FFFD);
}

TEST(unquote_buffer_limit_is_too_large) {
  np_buf b;
  np_buf_init(&b, 4);
  ASSERT_EQ_INT(np_unquote(&b, LIT("abcde")), NP_ETOOLARGE);
  ASSERT_EQ_INT(b.len, 0);
  np_buf_free(&b);
}

/* ---- round trip ----------------------------------------------------------- */

TEST(quote_then_unquote_round_trips_every_byte) {
  char all[256];
  for (int i = 0; i < 256; i++)
    all[i] = (char)i;
  np_buf a, b;
  np_buf_init(&a, 0);
  np_buf_init(&b, 0);
  ASSERT_OK(np_quote(&a, all, sizeof all, ""));
  ASSERT_EQ_INT(a.len, 66 + 3 * 190);
  ASSERT_OK(np_unquote_to_bytes(&b, a.data, a.len));
  ASSERT_EQ_INT(b.len, 256);
  ASSERT(memcmp(b.data, all, 256) == 0);
  np_buf_free(&a);
  np_buf_free(&b);
  np_buf_free(&out_);
}

/* ---- the fast pass and its exact fallback ---------------------------- */

TEST(unquote_invalid_sequence_late_in_long_input) {
  /* valid escapes first, then one that forces the exact decoder */
  ASSERT_BUF(u(np_unquote, LIT("%C3%A9abcdefghijkl%FF")),
             "\xc3\xa9" "abcdefghijkl" FFFD);
}

TEST(unquote_literal_byte_after_complete_sequence_is_kept) {
  /* unquote('%C3%A9\udca9') keeps the stray byte: bytes C3 A9 A9 */
  ASSERT_BUF(u(np_unquote, LIT("%C3%A9\xa9")), "\xc3\xa9\xa9");
}

TEST(unquote_long_literal_runs) {
  ASSERT_BUF(u(np_unquote_plus, LIT("abcdefgh+ijklmnop+q%2B")),
             "abcdefgh ijklmnop q+");
  ASSERT_BUF(u(np_unquote, LIT("abcdefgh%41bcdefghi%")), "abcdefghAbcdefghi%");
}

TEST(null_pointer_with_zero_length_is_empty_input) {
  ASSERT_BUF(q(np_quote, NULL, 0, NULL), "");
  ASSERT_BUF(q(np_quote_plus, NULL, 0, NULL), "");
  ASSERT_BUF(u(np_unquote, NULL, 0), "");
  ASSERT_BUF(u(np_unquote_plus, NULL, 0), "");
  ASSERT_BUF(u(np_unquote_to_bytes, NULL, 0), "");
}

TEST(quote_long_input_across_chunks) {
  /* 50,000 bytes cycle through every byte value: escapes straddle the
   * 16 KiB chunk boundaries */
  size_t n = 50000;
  char *s = malloc(n);
  np_buf want, got;
  np_buf_init(&want, 0);
  np_buf_init(&got, 0);
  ASSERT(s != NULL);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)(i * 7);
    s[i] = (char)c;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9') || (c && strchr("_.-~/", c)))
      ASSERT_OK(np_buf_putc(&want, c));
    else
      ASSERT_OK(np_buf_printf(&want, "%%%02X", c));
  }
  ASSERT_OK(np_quote(&got, s, n, NULL));
  ASSERT_EQ_INT(got.len, want.len);
  ASSERT(memcmp(got.data, want.data, want.len) == 0);
  np_buf_free(&want);
  np_buf_free(&got);
  free(s);
}

TEST(quote_near_the_buffer_limit_uses_the_exact_size) {
  /* 3 * len does not fit under max, the exact result does */
  size_t n = 20000;
  char *s = malloc(n);
  ASSERT(s != NULL);
  memset(s, 'x', n);
  np_buf b;
  np_buf_init(&b, n);
  ASSERT_OK(np_quote(&b, s, n, NULL));
  ASSERT_EQ_INT(b.len, n);
  np_buf_reset(&b);
  s[n - 1] = ' '; /* now one byte too many */
  ASSERT_EQ_INT(np_quote(&b, s, n, NULL), NP_ETOOLARGE);
  ASSERT_EQ_INT(b.len, 0);
  ASSERT(b.data[0] == '\0');
  np_buf_free(&b);
  free(s);
}
