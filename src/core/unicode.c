/*
 * UTF-8 and Python's str behaviour on it (src/core/unicode.h): decoding,
 * encoding, str.lower() with Final_Sigma, and the character properties the
 * modules ask about.  The tables are generated (unicode_tables.c).
 */
#include "core/unicode.h"

#include <string.h>

size_t np__utf8_next(const char *text, size_t n, uint32_t *cp) {
  const unsigned char *s = (const unsigned char *)text;
  unsigned c = s[0];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  size_t need;
  uint32_t v;
  /* The second byte's range excludes overlong forms, surrogates and code
   * points past U+10FFFF, as RFC 3629 and Python's decoder do. */
  unsigned lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1, v = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2, v = c & 0x0F;
    if (c == 0xE0)
      lo = 0xA0;
    else if (c == 0xED)
      hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3, v = c & 0x07;
    if (c == 0xF0)
      lo = 0x90;
    else if (c == 0xF4)
      hi = 0x8F;
  } else {
    *cp = NP__UTF8_INVALID | c;
    return 1;
  }
  if (n <= need || s[1] < lo || s[1] > hi) {
    *cp = NP__UTF8_INVALID | c;
    return 1;
  }
  for (size_t i = 1; i <= need; i++) {
    if ((s[i] & 0xC0) != 0x80) {
      *cp = NP__UTF8_INVALID | c;
      return 1;
    }
    v = (v << 6) | (s[i] & 0x3F);
  }
  *cp = v;
  return need + 1;
}

size_t np__utf8_put(char *out, uint32_t cp) {
  unsigned char *o = (unsigned char *)out;
  if (cp < 0x80) {
    o[0] = (unsigned char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (unsigned char)(0xC0 | (cp >> 6));
    o[1] = (unsigned char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (unsigned char)(0xE0 | (cp >> 12));
    o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (unsigned char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (unsigned char)(0xF0 | (cp >> 18));
  o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (unsigned char)(0x80 | (cp & 0x3F));
  return 4;
}

bool np__utf8_valid(const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    if ((unsigned char)s[i] < 0x80) { /* ASCII runs are the common case */
      i++;
      continue;
    }
    uint32_t cp;
    i += np__utf8_next(s + i, n - i, &cp);
    if (cp & NP__UTF8_INVALID)
      return false;
  }
  return true;
}

/*
 * Index of the last of n elements (size bytes each, sorted by a leading
 * uint32_t key: a code point list, np__uc_range or np__uc_lower_run) whose
 * key is <= cp, or n when none is.  The tables' one binary search.
 */
static size_t last_at_most(const void *table, size_t n, size_t size,
                           uint32_t cp) {
  const unsigned char *base = table;
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    uint32_t key;
    memcpy(&key, base + mid * size, sizeof key);
    if (key <= cp)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo == 0 ? n : lo - 1;
}

/* In one of the sorted, disjoint ranges. */
static bool in_ranges(const np__uc_range *r, size_t n, uint32_t cp) {
  size_t i = last_at_most(r, n, sizeof *r, cp);
  return i < n && cp <= r[i].last;
}

static bool in_list(const uint32_t *list, size_t n, uint32_t cp) {
  size_t i = last_at_most(list, n, sizeof *list, cp);
  return i < n && list[i] == cp;
}

bool np__uc_is_cased(uint32_t cp) {
  return !(cp & NP__UTF8_INVALID) &&
         in_ranges(np__uc_cased, np__uc_cased_len, cp);
}

bool np__uc_is_case_ignorable(uint32_t cp) {
  return !(cp & NP__UTF8_INVALID) &&
         in_ranges(np__uc_case_ignorable, np__uc_case_ignorable_len, cp);
}

uint32_t np__uc_lower(uint32_t cp) {
  if (cp < 0x80)
    return np__lower((unsigned char)cp);
  size_t i = last_at_most(np__uc_lower_runs, np__uc_lower_runs_len,
                          sizeof *np__uc_lower_runs, cp);
  if (i == np__uc_lower_runs_len)
    return cp;
  const np__uc_lower_run *r = &np__uc_lower_runs[i];
  uint32_t off = cp - r->start;
  if (off % r->stride == 0 && off / r->stride < r->count)
    return (uint32_t)((int32_t)cp + r->delta);
  return cp;
}

bool np__uc_is_space(uint32_t cp) {
  return in_list(np__uc_spaces, np__uc_spaces_len, cp);
}

int np__uc_decimal(uint32_t cp) {
  if (cp >= '0' && cp <= '9')
    return (int)(cp - '0');
  size_t i = last_at_most(np__uc_digit_zeros, np__uc_digit_zeros_len,
                          sizeof *np__uc_digit_zeros, cp);
  if (i == np__uc_digit_zeros_len || cp - np__uc_digit_zeros[i] > 9)
    return -1;
  return (int)(cp - np__uc_digit_zeros[i]);
}

bool np__uc_is_other_digit(uint32_t cp) {
  return in_list(np__uc_other_digits, np__uc_other_digits_len, cp);
}

bool np__uc_nfkc_has_url_delim(uint32_t cp) {
  return in_list(np__uc_nfkc_url, np__uc_nfkc_url_len, cp);
}

static bool skipped(unsigned char c, unsigned flags) {
  return (flags & NP__UTF8_SKIP_TAB_CRLF) &&
         (c == '\t' || c == '\n' || c == '\r');
}

/*
 * Python's Final_Sigma: U+03A3 lowers to final sigma when a cased letter
 * precedes it and none follows it, skipping case-ignorable code points
 * both ways.  prev_cased carries the backward half.
 */
static bool sigma_is_final(bool prev_cased, const char *s, size_t n,
                           unsigned flags) {
  if (!prev_cased)
    return false;
  size_t i = 0;
  while (i < n) {
    uint32_t cp;
    if (skipped((unsigned char)s[i], flags)) {
      i++;
      continue;
    }
    i += np__utf8_next(s + i, n - i, &cp);
    if (!np__uc_is_case_ignorable(cp))
      return !np__uc_is_cased(cp);
  }
  return true;
}

size_t np__utf8_lower_into(char *out, const char *s, size_t n,
                           unsigned flags) {
  size_t i = 0, o = 0;
  bool prev_cased = false;
  while (i < n) {
    uint32_t cp;
    if (skipped((unsigned char)s[i], flags)) {
      i++;
      continue;
    }
    size_t k = np__utf8_next(s + i, n - i, &cp);
    if (cp & NP__UTF8_INVALID) {
      out[o++] = s[i];
    } else if (cp == 0x130) { /* the one multi-code-point mapping */
      out[o++] = 'i';
      o += np__utf8_put(out + o, 0x307);
    } else if (cp == 0x3A3) {
      bool fin = sigma_is_final(prev_cased, s + i + k, n - i - k, flags);
      o += np__utf8_put(out + o, fin ? 0x3C2 : 0x3C3);
    } else {
      o += np__utf8_put(out + o, np__uc_lower(cp));
    }
    if (!np__uc_is_case_ignorable(cp))
      prev_cased = np__uc_is_cased(cp);
    i += k;
  }
  return o;
}

int np__utf8_lower(np_buf *out, const char *s, size_t n) {
  size_t room = n + n / 2 + 1;
  int rc = np_buf_reserve(out, room);
  if (rc != NP_OK)
    return rc;
  out->len += np__utf8_lower_into(out->data + out->len, s, n, 0);
  out->data[out->len] = '\0';
  return NP_OK;
}
