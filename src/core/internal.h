/*
 * Internal helpers shared by every module (not installed, not exported).
 * Internal non-static names start with np__ (two underscores).
 */
#ifndef NP_CORE_INTERNAL_H
#define NP_CORE_INTERNAL_H

#include "netproto/core.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__GNUC__)
#define NP_LIKELY(x) __builtin_expect(!!(x), 1)
#define NP_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define NP_LIKELY(x) (x)
#define NP_UNLIKELY(x) (x)
#endif

#define NP_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Character classes, one table lookup each.  Locale never matters: these
 * are ASCII classes of protocol text.
 */
enum {
  NP_CC_ALPHA = 1 << 0,   /* A-Z a-z */
  NP_CC_DIGIT = 1 << 1,   /* 0-9 */
  NP_CC_HEX = 1 << 2,     /* 0-9 A-F a-f */
  NP_CC_SCHEME = 1 << 3,  /* ALPHA DIGIT + - . (RFC 3986 scheme tail) */
  NP_CC_UNRESERVED = 1 << 4, /* ALPHA DIGIT - . _ ~ (always safe in quote) */
  NP_CC_TCHAR = 1 << 5,   /* RFC 9110 token characters */
  NP_CC_CTL = 1 << 6,     /* 0x00-0x1F and 0x7F */
  NP_CC_SPACE = 1 << 7,   /* space, \t \n \v \f \r (bytes.isspace; str's
                             ASCII set adds 0x1C-0x1F: np__is_pyspace) */
};
extern const uint8_t np__cc[256];

static inline bool np__is(unsigned char c, unsigned cls) {
  return (np__cc[c] & cls) != 0;
}
static inline unsigned char np__lower(unsigned char c) {
  return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
}
static inline unsigned char np__upper(unsigned char c) {
  return (c >= 'a' && c <= 'z') ? (unsigned char)(c & ~0x20) : c;
}
/* Python's str.isspace() over ASCII: NP_CC_SPACE and the separators
 * 0x1C..0x1F. */
static inline bool np__is_pyspace(unsigned char c) {
  return np__is(c, NP_CC_SPACE) || (c >= 0x1c && c <= 0x1f);
}
/* str.strip() over ASCII bytes: narrow (*s, *n) past np__is_pyspace bytes
 * at both ends. */
static inline void np__pystrip(const char **s, size_t *n) {
  while (*n && np__is_pyspace((unsigned char)**s)) {
    (*s)++;
    (*n)--;
  }
  while (*n && np__is_pyspace((unsigned char)(*s)[*n - 1]))
    (*n)--;
}
/*
 * Eight bytes at a time (SWAR), for scanners of long runs.  np__word_load
 * reads the 8 bytes at p as a little-endian word (one load on common
 * machines).  np__word_below(w, n), n <= 0x80, and np__word_eq(w, c) set
 * bit 7 of the lowest byte of w below n / equal to c, and of no lower
 * byte; bits above that first one may be noise, so a mask is only tested
 * for zero or given to np__word_first (index of its lowest flagged byte).
 */
#define NP__WORD_ONES ((uint64_t)0x0101010101010101u)
static inline uint64_t np__word_load(const void *p) {
  uint64_t w;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  memcpy(&w, p, 8);
#else
  const unsigned char *s = p;
  w = 0;
  for (int i = 7; i >= 0; i--)
    w = w << 8 | s[i];
#endif
  return w;
}
static inline uint64_t np__word_below(uint64_t w, unsigned char n) {
  return (w - NP__WORD_ONES * n) & ~w & (NP__WORD_ONES << 7);
}
static inline uint64_t np__word_eq(uint64_t w, unsigned char c) {
  return np__word_below(w ^ (NP__WORD_ONES * c), 1);
}
static inline unsigned np__word_first(uint64_t m) {
#if defined(__GNUC__)
  return (unsigned)__builtin_ctzll(m) >> 3;
#else
  unsigned i = 0;
  while (!(m & 0x80u)) {
    m >>= 8;
    i++;
  }
  return i;
#endif
}

/* Value of a hex digit, or -1. */
extern const int8_t np__hexval[256];
extern const char np__hexdigits_upper[16];

/*
 * Parse an unsigned decimal number from s[0..len) with no sign, no
 * whitespace and no overflow past max.  Returns NP_OK, NP_EINVAL (not all
 * digits or empty) or NP_ETOOLARGE (> max).  Never strtol/atoi on protocol
 * numbers: they accept signs, spaces and locales.
 */
int np__parse_uint(const char *s, size_t len, uint64_t max, uint64_t *out);

/* Same for hexadecimal (chunk sizes). */
int np__parse_hex(const char *s, size_t len, uint64_t max, uint64_t *out);

/* ASCII case-insensitive comparison of equal-length byte runs. */
bool np__ieq(const char *a, const char *b, size_t len);

/*
 * A NUL-terminated copy of s[0..n) in memory from np_malloc (the caller
 * frees it with np_free); NULL when the allocation fails.  s may be NULL
 * when n is 0.  np__copy_cstr copies a C string, and gives NULL for NULL.
 */
char *np__copy_str(const char *s, size_t n);
char *np__copy_cstr(const char *s);

/*
 * Record a failed system call: NP_ESYS with the message "<what>: <strerror
 * of e>" and err->sys_errno = e (np_error_set alone clears sys_errno).
 * Returns NP_ESYS; err may be NULL.
 */
int np__error_sys(np_error *err, int e, const char *what);

/* memchr for either of two bytes; NULL when neither occurs. */
const char *np__memchr2(const char *s, size_t len, char a, char b);

/*
 * Make room for `need` elements of `size` bytes in a growable array.
 * `items` is the address of the caller's array pointer (any element type;
 * the pointer is NULL or came from np_malloc/np_realloc) and *cap its
 * capacity in elements.  When need > *cap the array grows to double its
 * capacity (to `min` elements when it has none yet), or to `need` if that
 * is larger, so n pushes cost O(n) copies in all.  Returns NP_OK,
 * NP_ETOOLARGE when need * size does not fit in size_t, or NP_ENOMEM; on
 * failure neither the pointer nor *cap changes, and the elements already
 * there stay valid.  The caller still owns (and frees) the array.
 */
int np__array_reserve(void *items, size_t *cap, size_t need, size_t size,
                      size_t min);

#endif /* NP_CORE_INTERNAL_H */
