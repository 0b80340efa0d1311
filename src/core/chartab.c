/* The ASCII class tables behind np__is() and friends (see internal.h). */
#include "core/internal.h"

#include <string.h>

#define A (NP_CC_ALPHA | NP_CC_SCHEME | NP_CC_UNRESERVED | NP_CC_TCHAR)
#define AH (A | NP_CC_HEX)
#define D (NP_CC_DIGIT | NP_CC_HEX | NP_CC_SCHEME | NP_CC_UNRESERVED | NP_CC_TCHAR)
#define C NP_CC_CTL
#define CS (NP_CC_CTL | NP_CC_SPACE)
#define T NP_CC_TCHAR

const uint8_t np__cc[256] = {
    /* 0x00 */ C, C, C, C, C, C, C, C, C, CS, CS, CS, CS, CS, C, C,
    /* 0x10 */ C, C, C, C, C, C, C, C, C, C, C, C, C, C, C, C,
    /* ' ' */ NP_CC_SPACE,
    /* ! */ T, /* " */ 0, /* # */ T, /* $ */ T, /* % */ T, /* & */ T,
    /* ' */ T, /* ( */ 0, /* ) */ 0, /* * */ T,
    /* + */ T | NP_CC_SCHEME, /* , */ 0,
    /* - */ T | NP_CC_SCHEME | NP_CC_UNRESERVED,
    /* . */ T | NP_CC_SCHEME | NP_CC_UNRESERVED, /* / */ 0,
    /* 0-9 */ D, D, D, D, D, D, D, D, D, D,
    /* : ; < = > ? @ */ 0, 0, 0, 0, 0, 0, 0,
    /* A-F */ AH, AH, AH, AH, AH, AH,
    /* G-Z */ A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A,
    /* [ \ ] */ 0, 0, 0, /* ^ */ T, /* _ */ T | NP_CC_UNRESERVED, /* ` */ T,
    /* a-f */ AH, AH, AH, AH, AH, AH,
    /* g-z */ A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A,
    /* { */ 0, /* | */ T, /* } */ 0, /* ~ */ T | NP_CC_UNRESERVED,
    /* DEL */ C,
    /* 0x80-0xFF: no class */
};

#define H16(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
const int8_t np__hexval[256] = {
    H16(-1), H16(-1), H16(-1),
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -1, -1, -1, -1, -1,
    -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    H16(-1),
    -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    H16(-1),
    H16(-1), H16(-1), H16(-1), H16(-1), H16(-1), H16(-1), H16(-1), H16(-1),
};

const char np__hexdigits_upper[16] = "0123456789ABCDEF";

int np__parse_uint(const char *s, size_t len, uint64_t max, uint64_t *out) {
  uint64_t v = 0;
  if (len == 0)
    return NP_EINVAL;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < '0' || c > '9')
      return NP_EINVAL;
    unsigned d = c - '0';
    if (v > (max - d) / 10)
      return NP_ETOOLARGE;
    v = v * 10 + d;
  }
  *out = v;
  return NP_OK;
}

int np__parse_hex(const char *s, size_t len, uint64_t max, uint64_t *out) {
  uint64_t v = 0;
  if (len == 0)
    return NP_EINVAL;
  for (size_t i = 0; i < len; i++) {
    int d = np__hexval[(unsigned char)s[i]];
    if (d < 0)
      return NP_EINVAL;
    if (v > (max - (uint64_t)d) / 16)
      return NP_ETOOLARGE;
    v = v * 16 + (uint64_t)d;
  }
  *out = v;
  return NP_OK;
}

bool np__ieq(const char *a, const char *b, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (np__lower((unsigned char)a[i]) != np__lower((unsigned char)b[i]))
      return false;
  return true;
}

const char *np__memchr2(const char *s, size_t len, char a, char b) {
  for (size_t i = 0; i < len; i++)
    if (s[i] == a || s[i] == b)
      return s + i;
  return NULL;
}
