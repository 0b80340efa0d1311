/*
 * urllib.parse's percent-encoding: quote, quote_plus, quote_from_bytes,
 * unquote, unquote_plus, unquote_to_bytes.
 *
 * Both directions are table-driven and write straight into the caller's
 * np_buf after reserving the output once: quoting reserves the worst case
 * (3 bytes per input byte) for short inputs and the exact size for long
 * ones; unquoting never produces more bytes than it reads, so it reserves
 * the input length.
 */
#include "core/internal.h"
#include "netproto/url.h"

#include <string.h>

/* What quoting does with a byte: escape it, copy it, or write '+'. */
enum { Q_ESC = 0, Q_KEEP = 1, Q_PLUS = 2 };

/* Python's _ALWAYS_SAFE: ASCII letters, digits and "_.-~". */
#define Q_ALWAYS(c)                                                         \
  (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z') ||             \
   ((c) >= '0' && (c) <= '9') || (c) == '_' || (c) == '.' || (c) == '-' ||  \
   (c) == '~')
#define Q_NONE(c) (Q_ALWAYS(c) ? Q_KEEP : Q_ESC)
#define Q_SLASH(c) ((Q_ALWAYS(c) || (c) == '/') ? Q_KEEP : Q_ESC)
#define Q_PLUSTAB(c) ((c) == ' ' ? Q_PLUS : Q_NONE(c))

#define R4(f, b) f(b), f((b) + 1), f((b) + 2), f((b) + 3)
#define R16(f, b) R4(f, b), R4(f, (b) + 4), R4(f, (b) + 8), R4(f, (b) + 12)
#define R64(f, b) R16(f, b), R16(f, (b) + 16), R16(f, (b) + 32), R16(f, (b) + 48)
#define R256(f) R64(f, 0), R64(f, 64), R64(f, 128), R64(f, 192)

/* The tables of the common calls, so they cost nothing to set up. */
static const uint8_t q_tab_none[256] = {R256(Q_NONE)};   /* safe="" */
static const uint8_t q_tab_slash[256] = {R256(Q_SLASH)}; /* safe="/" */
static const uint8_t q_tab_plus[256] = {R256(Q_PLUSTAB)}; /* quote_plus */

/* Inputs up to this size reserve the worst case; longer ones are measured
 * first so a long, mostly safe input does not allocate three times its
 * size. */
#define Q_RESERVE_WORST_MAX ((size_t)16 * 1024)

/*
 * The table for a safe string: the base table plus the ASCII bytes of safe
 * (Python encodes safe to ASCII, ignoring the rest).  Returns the static
 * base itself when safe adds nothing, else fills and returns tmp.
 */
static const uint8_t *quote_table(const char *safe, bool plus, uint8_t *tmp) {
  const uint8_t *base = plus ? q_tab_plus : q_tab_none;
  if (!safe || !*safe)
    return base;
  if (!plus && safe[0] == '/' && safe[1] == '\0')
    return q_tab_slash;
  memcpy(tmp, base, 256);
  for (const unsigned char *p = (const unsigned char *)safe; *p; p++)
    if (*p < 0x80 && tmp[*p] == Q_ESC)
      tmp[*p] = Q_KEEP;
  return tmp;
}

/* The exact quoted size of s, or SIZE_MAX when it does not fit a size_t. */
static size_t quote_size(const unsigned char *s, size_t len,
                         const uint8_t *tab) {
  size_t esc = 0;
  for (size_t i = 0; i < len; i++)
    esc += tab[s[i]] == Q_ESC;
  if (esc > (SIZE_MAX - len) / 2)
    return SIZE_MAX;
  return len + 2 * esc;
}

/* Reserve room for quoting s: the worst case when small, else exact. */
static int quote_reserve(np_buf *out, const unsigned char *s, size_t len,
                         const uint8_t *tab) {
  if (len <= Q_RESERVE_WORST_MAX && np_buf_reserve(out, 3 * len) == NP_OK)
    return NP_OK;
  size_t need = quote_size(s, len, tab);
  return need == SIZE_MAX ? NP_ETOOLARGE : np_buf_reserve(out, need);
}

static int quote_with(np_buf *out, const char *str, size_t len,
                   const uint8_t *tab) {
  const unsigned char *s = (const unsigned char *)str;
  int rc = quote_reserve(out, s, len, tab);
  if (rc != NP_OK)
    return rc;
  unsigned char *d = (unsigned char *)out->data + out->len;
  size_t i = 0;
  while (i < len) {
    /* Eight safe bytes at a time: the common case of URL text. */
    while (i + 8 <= len &&
           (tab[s[i]] & tab[s[i + 1]] & tab[s[i + 2]] & tab[s[i + 3]] &
            tab[s[i + 4]] & tab[s[i + 5]] & tab[s[i + 6]] & tab[s[i + 7]]) ==
               Q_KEEP) {
      memcpy(d, s + i, 8);
      d += 8;
      i += 8;
    }
    if (i == len)
      break;
    unsigned char c = s[i++];
    switch (tab[c]) {
    case Q_KEEP:
      *d++ = c;
      break;
    case Q_PLUS:
      *d++ = '+';
      break;
    default:
      d[0] = '%';
      d[1] = (unsigned char)np__hexdigits_upper[c >> 4];
      d[2] = (unsigned char)np__hexdigits_upper[c & 15];
      d += 3;
    }
  }
  out->len = (size_t)((char *)d - out->data);
  out->data[out->len] = '\0';
  return NP_OK;
}

int np_quote(np_buf *out, const char *s, size_t len, const char *safe) {
  uint8_t tmp[256];
  return quote_with(out, s, len, quote_table(safe ? safe : "/", false, tmp));
}

int np_quote_plus(np_buf *out, const char *s, size_t len, const char *safe) {
  uint8_t tmp[256];
  return quote_with(out, s, len, quote_table(safe, true, tmp));
}

/* ---- unquoting ---------------------------------------------------------- */

/*
 * An incremental UTF-8 validator for the bytes that %XX escapes produce,
 * doing what Python's decode(errors='replace') does: a valid sequence is
 * kept, and each maximal subpart of an invalid one (Unicode's "maximal
 * subpart" practice) becomes one U+FFFD.  Bytes that were not escaped never
 * enter it: they end any pending sequence and are copied as they are.
 */
typedef struct u8dec {
  unsigned char seq[4]; /* the pending sequence */
  unsigned have;        /* bytes in seq; 0 when idle */
  unsigned need;        /* length of the sequence seq[0] starts */
  unsigned char lo, hi; /* the range the next byte must fall in */
} u8dec;

static const unsigned char u8_fffd[3] = {0xEF, 0xBF, 0xBD};

/* End a pending (incomplete) sequence: one U+FFFD for all of it. */
static unsigned char *u8_flush(u8dec *u, unsigned char *d) {
  if (u->have) {
    memcpy(d, u8_fffd, 3);
    d += 3;
    u->have = 0;
  }
  return d;
}

/* Start a sequence with lead byte b, or reject b (returns false). */
static bool u8_start(u8dec *u, unsigned char b) {
  u->lo = 0x80;
  u->hi = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) {
    u->need = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    u->need = 3;
    if (b == 0xE0)
      u->lo = 0xA0; /* no overlong forms */
    else if (b == 0xED)
      u->hi = 0x9F; /* no surrogates */
  } else if (b >= 0xF0 && b <= 0xF4) {
    u->need = 4;
    if (b == 0xF0)
      u->lo = 0x90; /* no overlong forms */
    else if (b == 0xF4)
      u->hi = 0x8F; /* nothing past U+10FFFF */
  } else {
    return false;
  }
  u->seq[0] = b;
  u->have = 1;
  return true;
}

/* Feed one decoded byte; returns the new output position. */
static unsigned char *u8_feed(u8dec *u, unsigned char *d, unsigned char b) {
  if (u->have) {
    if (b >= u->lo && b <= u->hi) {
      u->seq[u->have++] = b;
      u->lo = 0x80;
      u->hi = 0xBF;
      if (u->have == u->need) {
        memcpy(d, u->seq, u->need);
        d += u->need;
        u->have = 0;
      }
      return d;
    }
    /* b does not continue the sequence: the sequence so far is one
     * maximal subpart, and b is looked at afresh. */
    d = u8_flush(u, d);
  }
  if (b < 0x80) {
    *d++ = b;
  } else if (!u8_start(u, b)) {
    memcpy(d, u8_fffd, 3);
    d += 3;
  }
  return d;
}

/* Where the next '%' (or, with plus, '+') is at or after s; end if none. */
static const char *unquote_next(const char *s, const char *end, bool plus) {
  if (!plus) {
    const char *p = memchr(s, '%', (size_t)(end - s));
    return p ? p : end;
  }
  while (s < end && *s != '%' && *s != '+')
    s++;
  return s;
}

enum { UQ_BYTES = 0, UQ_TEXT = 1, UQ_PLUS = 2 };

static int unquote_mode(np_buf *out, const char *s, size_t len, unsigned mode) {
  /* Every escape shrinks 3 bytes to at most 3 (a U+FFFD): the output is
   * never longer than the input. */
  int rc = np_buf_reserve(out, len);
  if (rc != NP_OK)
    return rc;
  unsigned char *d = (unsigned char *)out->data + out->len;
  const char *end = s + len;
  bool plus = (mode & UQ_PLUS) != 0, text = (mode & UQ_TEXT) != 0;
  u8dec u = {{0}, 0, 0, 0x80, 0xBF};
  while (s < end) {
    const char *p = unquote_next(s, end, plus);
    if (p > s) {
      d = u8_flush(&u, d);
      memcpy(d, s, (size_t)(p - s));
      d += p - s;
      s = p;
      if (s == end)
        break;
    }
    int hi = -1, lo = -1;
    if (*s == '%' && end - s >= 3) {
      hi = np__hexval[(unsigned char)s[1]];
      lo = np__hexval[(unsigned char)s[2]];
    }
    if (hi >= 0 && lo >= 0) {
      unsigned char b = (unsigned char)(hi << 4 | lo);
      if (text)
        d = u8_feed(&u, d, b);
      else
        *d++ = b;
      s += 3;
    } else {
      /* A '+' (plus mode) or an invalid escape, kept as Python keeps it. */
      d = u8_flush(&u, d);
      *d++ = *s == '+' ? ' ' : '%';
      s++;
    }
  }
  d = u8_flush(&u, d);
  out->len = (size_t)((char *)d - out->data);
  out->data[out->len] = '\0';
  return NP_OK;
}

int np_unquote_to_bytes(np_buf *out, const char *s, size_t len) {
  return unquote_mode(out, s, len, UQ_BYTES);
}

int np_unquote(np_buf *out, const char *s, size_t len) {
  return unquote_mode(out, s, len, UQ_TEXT);
}

int np_unquote_plus(np_buf *out, const char *s, size_t len) {
  return unquote_mode(out, s, len, UQ_TEXT | UQ_PLUS);
}
