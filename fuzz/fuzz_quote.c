/*
 * libFuzzer target: quoting and unquoting (src/url/quote.c) against a
 * slow reference written the way Python's documentation describes it, so
 * the fast paths (eight bytes at a time, whole-sequence UTF-8 checks, the
 * exact fallback) must agree with it byte for byte.
 *
 * The first input byte picks the mode (bit 0: plus) and the safe set;
 * the rest is the string.  Checks:
 *  - np_unquote(s) == reference: split s into runs of ASCII and non-ASCII
 *    bytes; ASCII runs are %-decoded then decoded as UTF-8 with one U+FFFD
 *    per maximal subpart; non-ASCII runs are kept;
 *  - np_unquote_to_bytes(np_quote(s, safe)) == s when safe has no '%';
 *  - quote's output is the reference quote (escape all but unreserved and
 *    safe), quote_plus's likewise with space as '+'.
 */
#include "netproto/url.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int hexv(uint8_t c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Length of the maximal subpart at s: the longest prefix that a valid
 * sequence could start with (Unicode table 3-7), at least 1; *ok when it
 * is a whole valid sequence. */
static size_t subpart(const uint8_t *s, size_t n, bool *ok) {
  static const struct {
    uint8_t lo0, hi0, lo1, hi1;
    size_t len;
  } rows[] = {
      {0x00, 0x7F, 0, 0, 1},       {0xC2, 0xDF, 0x80, 0xBF, 2},
      {0xE0, 0xE0, 0xA0, 0xBF, 3}, {0xE1, 0xEC, 0x80, 0xBF, 3},
      {0xED, 0xED, 0x80, 0x9F, 3}, {0xEE, 0xEF, 0x80, 0xBF, 3},
      {0xF0, 0xF0, 0x90, 0xBF, 4}, {0xF1, 0xF3, 0x80, 0xBF, 4},
      {0xF4, 0xF4, 0x80, 0x8F, 4},
  };
  *ok = false;
  for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
    if (s[0] < rows[r].lo0 || s[0] > rows[r].hi0)
      continue;
    size_t k = 1;
    while (k < rows[r].len && k < n) {
      uint8_t lo = k == 1 ? rows[r].lo1 : 0x80, hi = k == 1 ? rows[r].hi1 : 0xBF;
      if (s[k] < lo || s[k] > hi)
        break;
      k++;
    }
    *ok = k == rows[r].len;
    return k;
  }
  return 1;
}

static void ref_decode(np_buf *out, const uint8_t *b, size_t n) {
  for (size_t i = 0; i < n;) {
    bool ok;
    size_t k = subpart(b + i, n - i, &ok);
    if (ok)
      np_buf_append(out, b + i, k);
    else
      np_buf_append(out, "\xef\xbf\xbd", 3);
    i += k;
  }
}

static void ref_unquote(np_buf *out, const uint8_t *s, size_t n, bool plus) {
  np_buf run;
  np_buf_init(&run, 0);
  for (size_t i = 0; i < n;) {
    if (s[i] >= 0x80) {
      np_buf_putc(out, s[i++]);
      continue;
    }
    np_buf_reset(&run);
    for (; i < n && s[i] < 0x80; i++) {
      int h, l;
      if (s[i] == '%' && i + 2 < n && (h = hexv(s[i + 1])) >= 0 &&
          (l = hexv(s[i + 2])) >= 0) {
        np_buf_putc(&run, h << 4 | l);
        i += 2;
      } else {
        np_buf_putc(&run, plus && s[i] == '+' ? ' ' : s[i]);
      }
    }
    ref_decode(out, (const uint8_t *)run.data, run.len);
  }
  np_buf_free(&run);
}

static void ref_quote(np_buf *out, const uint8_t *s, size_t n,
                      const char *safe, bool plus) {
  for (size_t i = 0; i < n; i++) {
    uint8_t c = s[i];
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (c >= '0' && c <= '9') || (c && strchr("_.-~", c)) ||
                (c && c < 0x80 && strchr(safe, c));
    if (plus && c == ' ')
      np_buf_putc(out, '+');
    else if (keep)
      np_buf_putc(out, c);
    else
      np_buf_printf(out, "%%%02X", c);
  }
}

static void same(const np_buf *a, const np_buf *b) {
  if (a->len != b->len || (a->len && memcmp(a->data, b->data, a->len)))
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *safes[] = {"", "/", "/:@", " +%", "~\xc3\xa9="};
  if (size == 0)
    return 0;
  bool plus = data[0] & 1;
  const char *safe = safes[(data[0] >> 1) % 5];
  const uint8_t *s = data + 1;
  size_t n = size - 1;
  np_buf got, want, back;
  np_buf_init(&got, 0);
  np_buf_init(&want, 0);
  np_buf_init(&back, 0);

  if ((plus ? np_unquote_plus : np_unquote)(&got, (const char *)s, n))
    abort();
  ref_unquote(&want, s, n, plus);
  same(&got, &want);

  np_buf_reset(&got);
  np_buf_reset(&want);
  if ((plus ? np_quote_plus : np_quote)(&got, (const char *)s, n, safe))
    abort();
  ref_quote(&want, s, n, safe, plus);
  same(&got, &want);

  if (!plus && !strchr(safe, '%')) { /* a kept '%' cannot round-trip */
    np_buf_reset(&want);
    np_buf_append(&want, s, n);
    if (np_unquote_to_bytes(&back, got.data, got.len))
      abort();
    same(&back, &want);
  }
  np_buf_free(&got);
  np_buf_free(&want);
  np_buf_free(&back);
  return 0;
}
