/*
 * urllib.parse's percent-encoding: quote, quote_plus, quote_from_bytes,
 * unquote, unquote_plus, unquote_to_bytes.
 *
 * Both directions write straight into the caller's np_buf after reserving
 * the output once.  Quoting is a table of 256 four-byte codes, one store
 * per input byte with no branch on the data; it reserves the worst case
 * (3 bytes per input byte) once per 16 KiB of input, or the exact size
 * when the worst case would pass the buffer's limit.  Unquoting never produces more bytes than it reads, so it
 * reserves the input length; a fast pass copies eight bytes at a time up
 * to the next '%' and checks each escaped UTF-8 sequence whole, and only
 * when escapes decode to invalid UTF-8 does the exact decoder run again
 * from the start to place Python's U+FFFD replacements.
 */
#include "core/internal.h"
#include "netproto/url.h"

#include <string.h>

/*
 * A quoting table gives, for each byte, what to write: up to three bytes
 * and, in the fourth, how many of them count (1: the byte itself or '+',
 * 3: "%XX").  The loop stores all four and advances by the count, so it
 * has no branch per byte however the safe and unsafe bytes alternate.
 */
typedef struct q_code {
  uint8_t b[4];
} q_code;

/* Python's _ALWAYS_SAFE: ASCII letters, digits and "_.-~". */
#define Q_ALWAYS(c)                                                         \
  (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z') ||             \
   ((c) >= '0' && (c) <= '9') || (c) == '_' || (c) == '.' || (c) == '-' ||  \
   (c) == '~')
#define Q_HEX(n) ((n) < 10 ? '0' + (n) : 'A' + (n) - 10)
#define Q_ENT(c, keep, plus)                                                \
  {{(keep) ? (c) : (plus) ? '+' : '%',                                      \
    (keep) || (plus) ? 0 : Q_HEX((c) >> 4),                                 \
    (keep) || (plus) ? 0 : Q_HEX((c) & 15), (keep) || (plus) ? 1 : 3}}
#define Q_NONE(c) Q_ENT(c, Q_ALWAYS(c), 0)
#define Q_SLASH(c) Q_ENT(c, Q_ALWAYS(c) || (c) == '/', 0)
#define Q_PLUS(c) Q_ENT(c, Q_ALWAYS(c), (c) == ' ')

#define R4(f, b) f(b), f((b) + 1), f((b) + 2), f((b) + 3)
#define R16(f, b) R4(f, b), R4(f, (b) + 4), R4(f, (b) + 8), R4(f, (b) + 12)
#define R64(f, b) R16(f, b), R16(f, (b) + 16), R16(f, (b) + 32), R16(f, (b) + 48)
#define R256(f) R64(f, 0), R64(f, 64), R64(f, 128), R64(f, 192)

/* The tables of the common calls, so they cost nothing to set up. */
static const q_code q_tab_none[256] = {R256(Q_NONE)};   /* safe="" */
static const q_code q_tab_slash[256] = {R256(Q_SLASH)}; /* safe="/" */
static const q_code q_tab_plus[256] = {R256(Q_PLUS)};   /* quote_plus */

/* Quoting works through the input in chunks of this size, reserving the
 * worst case (3 bytes per byte) for each: one reservation for short
 * inputs, and never three times a long input's size at once. */
#define Q_CHUNK ((size_t)16 * 1024)

/*
 * The table for a safe string: the base table plus the ASCII bytes of safe
 * (Python encodes safe to ASCII, ignoring the rest).  Returns the static
 * base itself when safe adds nothing, else fills and returns tmp.
 */
static const q_code *quote_table(const char *safe, bool plus, q_code *tmp) {
  const q_code *base = plus ? q_tab_plus : q_tab_none;
  if (!safe || !*safe)
    return base;
  if (!plus && safe[0] == '/' && safe[1] == '\0')
    return q_tab_slash;
  memcpy(tmp, base, 256 * sizeof *tmp);
  for (const unsigned char *p = (const unsigned char *)safe; *p; p++) {
    if (*p < 0x80 && tmp[*p].b[3] == 3) {
      tmp[*p].b[0] = *p;
      tmp[*p].b[3] = 1;
    }
  }
  return tmp;
}

/* The exact quoted size of s (n <= Q_CHUNK, so it cannot overflow). */
static size_t quote_size(const unsigned char *s, size_t n, const q_code *tab) {
  size_t out = 0;
  for (size_t i = 0; i < n; i++)
    out += tab[s[i]].b[3];
  return out;
}

/*
 * Quote s[0..n) to d, which has room for the exact result, and return the
 * new end.  Each byte's code is stored whole and d advances by its count:
 * no branch on the data, however kept and escaped bytes alternate.  A
 * four-byte store is safe while four input bytes remain, since each
 * produces at least one byte of output.
 */
static unsigned char *quote_run(unsigned char *d, const unsigned char *s,
                                size_t n, const q_code *tab) {
  size_t i = 0;
  for (; i + 4 <= n; i++) {
    const uint8_t *e = tab[s[i]].b;
    memcpy(d, e, 4);
    d += e[3];
  }
  for (; i < n; i++) {
    const uint8_t *e = tab[s[i]].b;
    memcpy(d, e, e[3]);
    d += e[3];
  }
  return d;
}

/* Reserve the worst case for n input bytes, or, near out->max, the exact
 * size, which may still fit. */
static int quote_reserve(np_buf *out, const unsigned char *s, size_t n,
                         const q_code *tab) {
  int rc = np_buf_reserve(out, 3 * n);
  return rc == NP_ETOOLARGE ? np_buf_reserve(out, quote_size(s, n, tab)) : rc;
}

static int quote_with(np_buf *out, const char *str, size_t len,
                      const q_code *tab) {
  const unsigned char *s = (const unsigned char *)str;
  size_t start = out->len, i = 0;
  int rc = NP_OK;
  if (len == 0) /* s may be NULL; out->data is set all the same */
    return np_buf_reserve(out, 0);
  while (i < len) {
    size_t n = len - i < Q_CHUNK ? len - i : Q_CHUNK;
    if ((rc = quote_reserve(out, s + i, n, tab)) != NP_OK)
      break;
    unsigned char *d = (unsigned char *)out->data + out->len;
    out->len = (size_t)((char *)quote_run(d, s + i, n, tab) - out->data);
    i += n;
  }
  if (rc != NP_OK && out->data) /* no half-quoted output */
    out->len = start;
  if (out->data)
    out->data[out->len] = '\0';
  return rc;
}

int np_quote(np_buf *out, const char *s, size_t len, const char *safe) {
  q_code tmp[256];
  return quote_with(out, s, len, quote_table(safe ? safe : "/", false, tmp));
}

int np_quote_plus(np_buf *out, const char *s, size_t len, const char *safe) {
  q_code tmp[256];
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

/* The byte the escape at s (s[0] == '%', three bytes available) stands
 * for, or -1 when it is not one. */
static inline int uq_hex(const unsigned char *s) {
  int hi = np__hexval[s[1]], lo = np__hexval[s[2]];
  /* -1 in either digit makes (hi | lo) negative */
  return (hi | lo) < 0 ? -1 : (hi << 4 | lo);
}

/* The byte escaped at s ("%XX" within end), or -1 when s holds no valid
 * escape. */
static inline int uq_escape(const unsigned char *s, const unsigned char *end) {
  return end - s >= 3 && *s == '%' ? uq_hex(s) : -1;
}

/*
 * The exact decoder, one escape at a time through the UTF-8 validator.
 * Used when escaped non-ASCII bytes are not valid UTF-8 or sit next to
 * literal non-ASCII bytes, which the fast pass cannot tell apart.
 */
static unsigned char *uq_exact(unsigned char *d, const unsigned char *s,
                               const unsigned char *end, bool plus) {
  u8dec u = {{0}, 0, 0, 0x80, 0xBF};
  while (s < end) {
    int v = uq_escape(s, end);
    if (v >= 0) {
      d = u8_feed(&u, d, (unsigned char)v);
      s += 3;
    } else {
      /* a literal byte ends any pending sequence and is kept */
      d = u8_flush(&u, d);
      *d++ = plus && *s == '+' ? ' ' : *s;
      s++;
    }
  }
  return u8_flush(&u, d);
}

/*
 * A whole valid UTF-8 sequence of escapes at s whose lead byte is b:
 * writes it at d and returns the new end of output (d + 2..4, for 6..12
 * bytes of input), or NULL when the sequence is not complete and valid.
 */
static unsigned char *uq_seq(const unsigned char *s, const unsigned char *end,
                             unsigned char b, unsigned char *d) {
  u8dec u = {{0}, 0, 0, 0, 0};
  if (!u8_start(&u, b) || (size_t)(end - s) < 3 * u.need)
    return NULL;
  for (unsigned k = 1; k < u.need; k++) {
    const unsigned char *e = s + 3 * k;
    int c = uq_escape(e, end);
    if (c < u.lo || c > u.hi)
      return NULL;
    u.seq[k] = (unsigned char)c;
    u.lo = 0x80;
    u.hi = 0xBF;
  }
  memcpy(d, u.seq, 4); /* room: the output never passes the input */
  return d + u.need;
}

/*
 * The fast pass: eight bytes at a time up to the next '%' (or '+' in plus
 * mode), then the escape.  In text mode an escaped non-ASCII byte must
 * start a complete, valid UTF-8 sequence of escapes, which is written
 * whole; anything else makes it give up (NULL) and the caller decodes
 * exactly with uq_exact.  Literal bytes around valid sequences cannot
 * change their decoding, so they are copied as they are.  The output
 * never passes the input, so eight-byte stores stay in the reservation.
 */
static unsigned char *uq_fast(unsigned char *d, const unsigned char *s,
                              const unsigned char *end, bool plus,
                              bool text) {
  for (;;) {
    unsigned i;
    if (s < end && *s == '%') {
      i = 0; /* escapes often come in runs (UTF-8): no word scan between */
    } else if (end - s >= 8) {
      uint64_t w = np__word_load(s);
      uint64_t m = np__word_eq(w, '%') | (plus ? np__word_eq(w, '+') : 0);
      memcpy(d, s, 8);
      if (!m) {
        d += 8;
        s += 8;
        continue;
      }
      i = np__word_first(m);
    } else {
      for (i = 0; s + i < end && s[i] != '%' && !(plus && s[i] == '+'); i++)
        d[i] = s[i];
      if (s + i == end)
        return d + i;
    }
    d += i;
    s += i;
    int v = uq_escape(s, end), v2;
    if (v < 0) {
      /* '+' in plus mode, or an invalid escape kept as it is */
      *d++ = *s == '+' ? ' ' : '%';
      s++;
    } else if (v < 0x80 || !text) {
      *d++ = (unsigned char)v;
      s += 3;
    } else if (v >= 0xC2 && v <= 0xDF &&
               (v2 = uq_escape(s + 3, end)) >= 0x80 && v2 <= 0xBF) {
      /* uq_seq's check of the common two-byte sequence (Latin, Greek,
       * Cyrillic...), in line */
      d[0] = (unsigned char)v;
      d[1] = (unsigned char)v2;
      d += 2;
      s += 6;
    } else {
      unsigned char *e = uq_seq(s, end, (unsigned char)v, d);
      if (!e)
        return NULL;
      s += 3 * (size_t)(e - d);
      d = e;
    }
  }
}

enum { UQ_BYTES = 0, UQ_TEXT = 1, UQ_PLUS = 2 };

static int unquote_mode(np_buf *out, const char *str, size_t len,
                        unsigned mode) {
  /* Every escape shrinks 3 bytes to at most 3 (a U+FFFD): the output is
   * never longer than the input. */
  int rc = np_buf_reserve(out, len);
  if (rc != NP_OK || len == 0) /* s may be NULL when len is 0 */
    return rc;
  unsigned char *d0 = (unsigned char *)out->data + out->len;
  const unsigned char *s = (const unsigned char *)str, *end = s + len;
  bool plus = (mode & UQ_PLUS) != 0;
  unsigned char *d = uq_fast(d0, s, end, plus, (mode & UQ_TEXT) != 0);
  if (!d) /* escaped bytes that are not valid UTF-8: U+FFFD time */
    d = uq_exact(d0, s, end, plus);
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
