/*
 * UTF-8 and the Unicode behaviour of Python's str functions, on bytes
 * (internal).  The chapter's modules work on str; netproto works on UTF-8
 * bytes and does what Python's str functions do to their decoding, passing
 * bytes that are not valid UTF-8 through unchanged, as Python's
 * surrogateescape does.  The tables (src/core/unicode_tables.c) are made by
 * scripts/gen_unicode_tables.py from the python3 whose behaviour is the
 * spec; tests/url/unicode_test.py checks they are current.
 */
#ifndef NP_CORE_UNICODE_H
#define NP_CORE_UNICODE_H

#include "core/internal.h"

/*
 * Decode one code point of s[0..n), n >= 1, as Python's strict decoder
 * does (no overlong forms, surrogates or values past U+10FFFF); returns
 * the bytes used.  A byte that does not start a valid sequence uses 1 and
 * gives NP__UTF8_INVALID | byte.
 */
#define NP__UTF8_INVALID 0x80000000u
size_t np__utf8_next(const char *s, size_t n, uint32_t *cp);
/* Encode cp (< 0x110000) at out (room for 4 bytes); returns the length. */
size_t np__utf8_put(char *out, uint32_t cp);
/* True when all of s[0..n) is valid UTF-8. */
bool np__utf8_valid(const char *s, size_t n);

/* Flags of np__utf8_lower_into. */
enum {
  /* Skip tab, CR and LF as if absent: urlsplit removes them only after
   * Python decoded the text, so a sequence they interrupt stays invalid. */
  NP__UTF8_SKIP_TAB_CRLF = 1 << 0,
};

/*
 * Python's str.lower() of the UTF-8 text s[0..n), written to out, which has
 * room for 3 * n / 2 bytes (no lower-case form is longer: the generator
 * checks).  Full mappings (U+0130 -> "i" U+0307) and the Final_Sigma rule
 * included; invalid bytes copied unchanged.  Returns the length written.
 */
size_t np__utf8_lower_into(char *out, const char *s, size_t n, unsigned flags);
/* The same, appended to an np_buf. */
int np__utf8_lower(np_buf *out, const char *s, size_t n);

/* str.lower() of one code point, single-code-point mappings only. */
uint32_t np__uc_lower(uint32_t cp);
/* The Cased and Case_Ignorable properties (false for invalid bytes). */
bool np__uc_is_cased(uint32_t cp);
bool np__uc_is_case_ignorable(uint32_t cp);
/* str.isspace() of one code point. */
bool np__uc_is_space(uint32_t cp);
/* The value of a decimal digit (category Nd, what int() accepts), or -1. */
int np__uc_decimal(uint32_t cp);
/* str.isdigit() true but not a decimal digit (superscripts...): int()
 * raises on it. */
bool np__uc_is_other_digit(uint32_t cp);
/* Its NFKC form contains one of "/?#@:" (urlsplit's netloc check). */
bool np__uc_nfkc_has_url_delim(uint32_t cp);

/* The generated tables. */
typedef struct np__uc_range {
  uint32_t first, last;
} np__uc_range;

/* count code points start, start + stride, ... map to cp + delta. */
typedef struct np__uc_lower_run {
  uint32_t start;
  uint16_t count;
  uint8_t stride;
  int32_t delta;
} np__uc_lower_run;

extern const uint32_t np__uc_nfkc_url[];
extern const size_t np__uc_nfkc_url_len;
extern const np__uc_lower_run np__uc_lower_runs[];
extern const size_t np__uc_lower_runs_len;
extern const np__uc_range np__uc_cased[];
extern const size_t np__uc_cased_len;
extern const np__uc_range np__uc_case_ignorable[];
extern const size_t np__uc_case_ignorable_len;
extern const uint32_t np__uc_digit_zeros[];
extern const size_t np__uc_digit_zeros_len;
extern const uint32_t np__uc_other_digits[];
extern const size_t np__uc_other_digits_len;
extern const uint32_t np__uc_spaces[];
extern const size_t np__uc_spaces_len;

#endif /* NP_CORE_UNICODE_H */
