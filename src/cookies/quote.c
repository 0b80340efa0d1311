/*
 * http.cookies' quoting: _quote, _unquote, _is_legal_key and the
 * character classes of the cookie grammar.
 */
#include "cookies/cookies_internal.h"

#include <string.h>

/* Bits of np__ck_class[]. */
const uint8_t np__ck_class[256] = {
#define L NP_CK_LEGAL
#define U NP_CK_UNESC
#define K NP_CK_KEY
#define V NP_CK_VAL
#define W NP_CK_WORD
/* _LegalChars: letters, digits and !#$%&'*+-.^_`|~: (legal key, quoted
 * nowhere).  _UnescapedChars adds  ()/<=>?@[]{} and space.  The regex
 * key class \w\d!#%&'~_`><@,:/$*+-.^|)(?}{= and the value class adds []. */
#define LK (L | U | K | V)
#define WK (L | U | K | V | W)
    [' '] = U,
    ['!'] = LK, ['#'] = LK, ['$'] = LK, ['%'] = LK, ['&'] = LK,
    ['\''] = LK, ['*'] = LK, ['+'] = LK, ['-'] = LK, ['.'] = LK,
    ['^'] = LK, ['_'] = WK, ['`'] = LK, ['|'] = LK, ['~'] = LK,
    [':'] = LK,
    ['('] = U | K | V, [')'] = U | K | V, ['/'] = U | K | V,
    ['<'] = U | K | V, ['='] = U | K | V, ['>'] = U | K | V,
    ['?'] = U | K | V, ['@'] = U | K | V, ['{'] = U | K | V,
    ['}'] = U | K | V, [','] = K | V,
    ['['] = U | V, [']'] = U | V,
    ['0'] = WK, ['1'] = WK, ['2'] = WK, ['3'] = WK, ['4'] = WK,
    ['5'] = WK, ['6'] = WK, ['7'] = WK, ['8'] = WK, ['9'] = WK,
    ['A'] = WK, ['B'] = WK, ['C'] = WK, ['D'] = WK, ['E'] = WK,
    ['F'] = WK, ['G'] = WK, ['H'] = WK, ['I'] = WK, ['J'] = WK,
    ['K'] = WK, ['L'] = WK, ['M'] = WK, ['N'] = WK, ['O'] = WK,
    ['P'] = WK, ['Q'] = WK, ['R'] = WK, ['S'] = WK, ['T'] = WK,
    ['U'] = WK, ['V'] = WK, ['W'] = WK, ['X'] = WK, ['Y'] = WK,
    ['Z'] = WK,
    ['a'] = WK, ['b'] = WK, ['c'] = WK, ['d'] = WK, ['e'] = WK,
    ['f'] = WK, ['g'] = WK, ['h'] = WK, ['i'] = WK, ['j'] = WK,
    ['k'] = WK, ['l'] = WK, ['m'] = WK, ['n'] = WK, ['o'] = WK,
    ['p'] = WK, ['q'] = WK, ['r'] = WK, ['s'] = WK, ['t'] = WK,
    ['u'] = WK, ['v'] = WK, ['w'] = WK, ['x'] = WK, ['y'] = WK,
    ['z'] = WK,
#undef L
#undef U
#undef K
#undef V
#undef W
#undef LK
#undef WK
};

int np_cookie_is_legal_key(const char *s, size_t len) {
  if (!s || len == 0)
    return 0;
  for (size_t i = 0; i < len; i++)
    if (!np__ck_is((unsigned char)s[i], NP_CK_LEGAL))
      return 0;
  return 1;
}

/* Decode one UTF-8 sequence at s (n bytes left): its code point and length,
 * or -1 when the bytes are not valid UTF-8 (Python would have surrogate-
 * escaped them: code points >= 256, which _quote leaves alone). */
static long utf8_decode(const unsigned char *s, size_t n, size_t *used) {
  unsigned char c = s[0];
  size_t need;
  long cp;
  if (c < 0x80) {
    *used = 1;
    return c;
  }
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    cp = c & 0x07;
  } else {
    return -1;
  }
  if (n < need + 1)
    return -1;
  for (size_t i = 1; i <= need; i++) {
    if ((s[i] & 0xC0) != 0x80)
      return -1;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if ((need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
      (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
    return -1;
  *used = need + 1;
  return cp;
}

static int put_octal(np_buf *out, unsigned v) {
  char e[4] = {'\\', (char)('0' + (v >> 6)), (char)('0' + ((v >> 3) & 7)),
               (char)('0' + (v & 7))};
  return np_buf_append(out, e, 4);
}

int np_cookie_quote(np_buf *out, const char *s, size_t len) {
  if (np_cookie_is_legal_key(s, len))
    return np_buf_append(out, s, len);
  int rc = np_buf_reserve(out, len + 2);
  if (rc == NP_OK)
    rc = np_buf_putc(out, '"');
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  while (rc == NP_OK && i < len) {
    unsigned char c = u[i];
    size_t used = 1;
    if (c == '"' || c == '\\') {
      char e[2] = {'\\', (char)c};
      rc = np_buf_append(out, e, 2);
    } else if (c < 0x80) {
      rc = np__ck_is(c, NP_CK_UNESC) ? np_buf_putc(out, c) : put_octal(out, c);
    } else {
      long cp = utf8_decode(u + i, len - i, &used);
      if (cp >= 0x80 && cp <= 0xFF)
        rc = put_octal(out, (unsigned)cp);
      else
        rc = np_buf_append(out, u + i, cp < 0 ? (used = 1) : used);
    }
    i += used;
  }
  return rc == NP_OK ? np_buf_putc(out, '"') : rc;
}

/* Append code point cp (0..255) as UTF-8. */
static int put_latin1(np_buf *out, unsigned cp) {
  if (cp < 0x80)
    return np_buf_putc(out, (int)cp);
  char e[2] = {(char)(0xC0 | (cp >> 6)), (char)(0x80 | (cp & 0x3F))};
  return np_buf_append(out, e, 2);
}

static bool is_octal_escape(const char *s, size_t n) {
  return n >= 3 && s[0] >= '0' && s[0] <= '3' && s[1] >= '0' && s[1] <= '7' &&
         s[2] >= '0' && s[2] <= '7';
}

/*
 * One pass over the value: at each backslash, an octal escape \[0-3][0-7]
 * [0-7] wins, then "\x" (any x but a newline: the regex '.' does not match
 * it) gives x; a backslash before a newline or at the end stays.  That is
 * exactly what CPython's two regex searches produce, without re-searching.
 */
int np_cookie_unquote(np_buf *out, const char *s, size_t len) {
  if (len < 2 || s[0] != '"' || s[len - 1] != '"')
    return np_buf_append(out, s, len);
  s++;
  len -= 2;
  int rc = np_buf_reserve(out, len);
  size_t i = 0;
  while (rc == NP_OK && i < len) {
    const char *bs = memchr(s + i, '\\', len - i);
    size_t j = bs ? (size_t)(bs - s) : len;
    rc = np_buf_append(out, s + i, j - i);
    if (rc != NP_OK || j == len)
      break;
    if (is_octal_escape(s + j + 1, len - j - 1)) {
      unsigned v = (unsigned)((s[j + 1] - '0') * 64 + (s[j + 2] - '0') * 8 +
                              (s[j + 3] - '0'));
      rc = put_latin1(out, v);
      i = j + 4;
    } else if (j + 1 < len && s[j + 1] != '\n') {
      rc = np_buf_putc(out, (unsigned char)s[j + 1]);
      i = j + 2;
    } else {
      rc = np_buf_putc(out, '\\');
      i = j + 1;
    }
  }
  return rc;
}
