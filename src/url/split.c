/*
 * urlsplit, urlparse, urlunsplit, urlunparse (urllib.parse), on bytes.
 *
 * The split is one forward pass: strip, find the scheme, scan the netloc
 * with a class table that notes what later checks need ('@', brackets,
 * upper case, non-ASCII), then two memchr calls for '#' and '?'.  Nothing
 * is copied unless the URL has to change (tab/CR/LF removed, upper-case
 * scheme or host); copies go to u->store_, reserved once per call for the
 * worst case so that slices into it never move during the call.
 */
#include "url/url_internal.h"

#include <string.h>

/* ---- scheme lists ------------------------------------------------------ */

#define R NP__URL_USES_RELATIVE
#define N NP__URL_USES_NETLOC
#define P NP__URL_USES_PARAMS

static const struct {
  const char *name;
  unsigned char len, cls;
} scheme_list[] = {
    {"http", 4, R | N | P},   {"https", 5, R | N | P},  {"ftp", 3, R | N | P},
    {"file", 4, R | N},       {"ws", 2, R | N},         {"wss", 3, R | N},
    {"gopher", 6, R | N},     {"nntp", 4, R | N},       {"imap", 4, R | N | P},
    {"wais", 4, R | N},       {"shttp", 5, R | N | P},  {"mms", 3, R | N | P},
    {"prospero", 8, R | N | P}, {"rtsp", 4, R | N | P}, {"rtsps", 5, R | N | P},
    {"rtspu", 5, R | N | P},  {"sftp", 4, R | N | P},   {"svn", 3, R | N},
    {"svn+ssh", 7, R | N},    {"telnet", 6, N},         {"snews", 5, N},
    {"rsync", 5, N},          {"nfs", 3, N},            {"git", 3, N},
    {"git+ssh", 7, N},        {"hdl", 3, P},            {"sip", 3, P},
    {"sips", 4, P},           {"tel", 3, P},
};

#undef R
#undef N
#undef P

unsigned np__url_scheme_class(np_slice s) {
  if (s.len == 0)
    return NP__URL_USES_RELATIVE | NP__URL_USES_NETLOC | NP__URL_USES_PARAMS;
  for (size_t i = 0; i < NP_ARRAY_LEN(scheme_list); i++)
    if (scheme_list[i].len == s.len &&
        memcmp(scheme_list[i].name, s.ptr, s.len) == 0)
      return scheme_list[i].cls;
  return 0;
}

/* Tab, CR and LF: urlsplit removes them anywhere, but only after Python
 * decoded the text, so the Unicode work below skips rather than drops them
 * (a UTF-8 sequence they interrupt stays invalid, as in Python's str). */
static bool is_removed(unsigned char c) {
  return c == '\t' || c == '\n' || c == '\r';
}

/* ---- the store ---------------------------------------------------------- */

/*
 * One split's scratch state.  The store is reserved on first need for
 * the worst case of the whole call (cleaned copy + scheme + default scheme
 * + lower-cased host at 3/2), so that nothing written into it moves.
 */
typedef struct split_ctx {
  np_url *u;
  size_t bound;
  bool reserved;
  const char *orig;  /* the URL after the leading strip */
  const char *clean; /* its copy without tab/CR/LF, or NULL if none */
} split_ctx;

/*
 * The bytes of the original URL that became clean[p - clean, + n): Python
 * decodes UTF-8 before it removes tab/CR/LF, so Unicode work on a range
 * must see where those bytes were.  Identity when nothing was removed.
 */
static np_slice orig_range(const split_ctx *c, const char *p, size_t n) {
  if (!c->clean || n == 0)
    return (np_slice){p, n};
  size_t a = (size_t)(p - c->clean), b = a + n - 1, kept = 0;
  const char *o = c->orig, *start = NULL;
  for (;; o++) {
    if (is_removed((unsigned char)*o))
      continue;
    if (kept == a)
      start = o;
    if (kept++ == b)
      return (np_slice){start, (size_t)(o + 1 - start)};
  }
}

static int store_reserve(split_ctx *c) {
  if (c->reserved)
    return NP_OK;
  np_buf *b = &c->u->store_;
  if (b->max == 0)
    b->max = NP_BUF_DEFAULT_MAX; /* a zeroed np_url is an initialised one */
  np_buf_reset(b);
  int rc = np_buf_reserve(b, c->bound);
  if (rc == NP_OK)
    c->reserved = true;
  return rc;
}

/* Room for n more bytes in the store, already reserved. */
static char *store_tail(split_ctx *c) {
  return c->u->store_.data + c->u->store_.len;
}

/* Count n bytes written at store_tail(); keeps np_buf's trailing NUL. */
static void store_commit(split_ctx *c, size_t n) {
  c->u->store_.len += n;
  c->u->store_.data[c->u->store_.len] = '\0';
}

/* ---- splitting ---------------------------------------------------------- */

static const char empty_str[1] = "";

/* Whether one of the 8 bytes at s is below 0x0E. */
static inline bool word_has_low(const char *s) {
  return np__word_below(np__word_load(s), 0x0E) != 0;
}

/* Whether s holds an ASCII tab, LF or CR (WHATWG's bytes to remove). */
static bool has_unsafe(const char *s, size_t n) {
  size_t i = 0;
  /* Eight bytes at a time: a word with no byte below 0x0E has none; the
   * last word overlaps the one before it instead of a byte loop. */
  if (n >= 8) {
    for (; i + 8 <= n; i += 8)
      if (word_has_low(s + i))
        break;
    if (i + 8 > n && !word_has_low(s + n - 8))
      return false;
  }
  for (; i < n; i++) {
    char ch = s[i];
    if (ch == '\t' || ch == '\n' || ch == '\r')
      return true;
  }
  return false;
}

/* Copy s without tab/CR/LF into the store; returns the copy's length. */
static size_t copy_without_unsafe(split_ctx *c, const char *s, size_t n) {
  char *o = store_tail(c);
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
      o[k++] = s[i];
  store_commit(c, k);
  return k;
}

/* Lower-case ASCII copy of s into the store. */
static np_slice store_lower_ascii(split_ctx *c, const char *s, size_t n) {
  char *o = store_tail(c);
  for (size_t i = 0; i < n; i++)
    o[i] = (char)np__lower((unsigned char)s[i]);
  store_commit(c, n);
  return (np_slice){o, n};
}

/* The default scheme, stripped of C0/space and without tab/CR/LF. */
static int default_scheme(split_ctx *c, const char *ds, size_t n,
                          np_slice *out) {
  while (n && (unsigned char)ds[0] <= 0x20)
    ds++, n--;
  while (n && (unsigned char)ds[n - 1] <= 0x20)
    n--;
  if (n == 0) {
    *out = (np_slice){empty_str, 0};
    return NP_OK;
  }
  if (!has_unsafe(ds, n)) {
    *out = (np_slice){ds, n};
    return NP_OK;
  }
  int rc = store_reserve(c);
  if (rc != NP_OK)
    return rc;
  char *o = store_tail(c);
  *out = (np_slice){o, copy_without_unsafe(c, ds, n)};
  return NP_OK;
}

/* Netloc byte classes, for the one scan over it. */
enum {
  NL_END = 1,  /* '/', '?', '#': the netloc ends */
  NL_AT = 2,   /* '@' */
  NL_LB = 4,   /* '[' */
  NL_RB = 8,   /* ']' */
  NL_HIGH = 16, /* a non-ASCII byte */
  NL_UPPER = 32, /* A-Z */
  NL_COLON = 64, /* ':' */
};

static const uint8_t netloc_cls[256] = {
    ['/'] = NL_END, ['?'] = NL_END, ['#'] = NL_END, ['@'] = NL_AT, [':'] = NL_COLON,
    ['['] = NL_LB, [']'] = NL_RB,
    ['A'] = NL_UPPER, ['B'] = NL_UPPER, ['C'] = NL_UPPER, ['D'] = NL_UPPER,
    ['E'] = NL_UPPER, ['F'] = NL_UPPER, ['G'] = NL_UPPER, ['H'] = NL_UPPER,
    ['I'] = NL_UPPER, ['J'] = NL_UPPER, ['K'] = NL_UPPER, ['L'] = NL_UPPER,
    ['M'] = NL_UPPER, ['N'] = NL_UPPER, ['O'] = NL_UPPER, ['P'] = NL_UPPER,
    ['Q'] = NL_UPPER, ['R'] = NL_UPPER, ['S'] = NL_UPPER, ['T'] = NL_UPPER,
    ['U'] = NL_UPPER, ['V'] = NL_UPPER, ['W'] = NL_UPPER, ['X'] = NL_UPPER,
    ['Y'] = NL_UPPER, ['Z'] = NL_UPPER,
#define H4(x) [x] = NL_HIGH, [x + 1] = NL_HIGH, [x + 2] = NL_HIGH, [x + 3] = NL_HIGH
#define H16(x) H4(x), H4(x + 4), H4(x + 8), H4(x + 12)
    H16(0x80), H16(0x90), H16(0xA0), H16(0xB0),
    H16(0xC0), H16(0xD0), H16(0xE0), H16(0xF0),
#undef H16
#undef H4
};

/* What the netloc scan learnt. */
typedef struct netloc_info {
  unsigned seen;    /* NL_* classes met */
  const char *at;   /* the last '@', or NULL */
  const char *colon; /* the first ':' after it, or NULL */
} netloc_info;

/* ---- bracketed hosts: ipaddress.ip_address and IPvFuture ---------------- */

/* IPv4Address's octet rule: 1-3 ASCII digits, no leading zero, <= 255. */
static bool ipv4_octet_ok(const char *s, size_t n) {
  if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
    return false;
  unsigned v = 0;
  for (size_t i = 0; i < n; i++) {
    if (!np__is((unsigned char)s[i], NP_CC_DIGIT))
      return false;
    v = v * 10 + (unsigned)(s[i] - '0');
  }
  return v <= 255;
}

static bool ipv4_ok(const char *s, size_t n) {
  int parts = 0;
  const char *end = s + n;
  for (;;) {
    const char *dot = memchr(s, '.', (size_t)(end - s));
    const char *e = dot ? dot : end;
    if (!ipv4_octet_ok(s, (size_t)(e - s)) || ++parts > 4)
      return false;
    if (!dot)
      return parts == 4;
    s = dot + 1;
  }
}

/* A hextet: one to four ASCII hex digits. */
static bool hextet_ok(const char *s, size_t n) {
  if (n == 0 || n > 4)
    return false;
  for (size_t i = 0; i < n; i++)
    if (np__hexval[(unsigned char)s[i]] < 0)
      return false;
  return true;
}

/* Split s at ':' into part[]; returns the count, or max + 1 past max. */
static size_t split_colons(const char *s, size_t n, np_slice *part,
                           size_t max) {
  const char *end = s + n;
  size_t k = 0;
  for (;;) {
    const char *col = memchr(s, ':', (size_t)(end - s));
    const char *e = col ? col : end;
    if (k == max)
      return max + 1;
    part[k++] = (np_slice){s, (size_t)(e - s)};
    if (!col)
      return k;
    s = col + 1;
  }
}

/*
 * Where '::' may stand, as IPv6Address decides it: sets *hi and *lo, the
 * counts of hextets before and after the gap (the whole address when there
 * is none).  total counts an IPv4 tail as two parts; v4 says there is one.
 */
static bool ipv6_layout(const np_slice *part, size_t n, size_t total,
                        bool v4, size_t *hi, size_t *lo) {
  size_t skip = 0; /* index of the one empty inner part; 0: none */
  for (size_t i = 1; i + 1 < n; i++) {
    if (part[i].len == 0) {
      if (skip)
        return false; /* two '::' */
      skip = i;
    }
  }
  bool last_empty = !v4 && part[n - 1].len == 0;
  if (!skip) {
    *hi = total, *lo = 0;
    return total == 8 && part[0].len && !last_empty;
  }
  *hi = skip, *lo = total - skip - 1;
  if (part[0].len == 0 && --*hi)
    return false; /* a leading ':' that is not half of '::' */
  if (last_empty && --*lo)
    return false; /* the same at the end */
  return *hi + *lo < 8; /* '::' stands for one hextet at least */
}

/*
 * IPv6Address's rules without the scope: 3 to 9 ':'-separated parts (an
 * IPv4 tail counts as two), at most one empty inner part standing for
 * '::', a leading or trailing empty part only as half of '::', and each
 * hextet one to four hex digits.
 */
static bool ipv6_ok(const char *s, size_t n) {
  np_slice part[10];
  if (n == 0)
    return false;
  size_t np_ = split_colons(s, n, part, 10), total = np_;
  if (np_ < 3 || np_ > 9)
    return false;
  np_slice last = part[np_ - 1];
  bool v4 = last.len && memchr(last.ptr, '.', last.len);
  if (v4 && (!ipv4_ok(last.ptr, last.len) || ++total > 9))
    return false;
  size_t hi, lo;
  if (!ipv6_layout(part, np_, total, v4, &hi, &lo))
    return false;
  /* Check parts [0, hi) and the last lo; an IPv4 tail, already checked,
   * stands for the last two. */
  size_t hex_end = v4 ? np_ - 1 : np_;
  size_t lo_hex = v4 ? (lo >= 2 ? lo - 2 : 0) : lo;
  for (size_t i = 0; i < hi && i < hex_end; i++)
    if (!hextet_ok(part[i].ptr, part[i].len))
      return false;
  for (size_t i = hex_end - lo_hex; i < hex_end; i++)
    if (!hextet_ok(part[i].ptr, part[i].len))
      return false;
  return true;
}

/* IPv6Address(): an address, then optionally '%' and a non-empty zone. */
static bool ipv6_scoped_ok(const char *s, size_t n) {
  const char *pct = memchr(s, '%', n);
  if (pct) {
    size_t zone = n - (size_t)(pct - s) - 1;
    if (zone == 0 || memchr(pct + 1, '%', zone))
      return false;
    n = (size_t)(pct - s);
  }
  return ipv6_ok(s, n);
}

/* IPvFuture, as 3.11's regex \Av[a-fA-F0-9]+\..+\Z says. */
static bool ipvfuture_ok(const char *s, size_t n) {
  size_t i = 1;
  while (i < n && np__hexval[(unsigned char)s[i]] >= 0)
    i++;
  return i > 1 && i < n && s[i] == '.' && i + 1 < n;
}

static int check_bracketed_host(const char *h, size_t n, np_error *err) {
  if (n && h[0] == 'v') {
    if (!ipvfuture_ok(h, n))
      return np_error_set(err, NP_EURL_IPV6, "IPvFuture address is invalid");
    return NP_OK;
  }
  if (ipv4_ok(h, n))
    return np_error_set(err, NP_EURL_IPV6,
                        "An IPv4 address cannot be in brackets");
  if (!ipv6_scoped_ok(h, n))
    return np_error_set(err, NP_EURL_IPV6,
                        "'%.*s' does not appear to be an IPv4 or IPv6 address",
                        (int)(n > 200 ? 200 : n), h);
  return NP_OK;
}

/* Python's check that '[' and ']' come together and enclose an address. */
static int check_brackets(np_slice nl, unsigned seen, np_error *err) {
  bool lb = seen & NL_LB, rb = seen & NL_RB;
  if (lb != rb)
    return np_error_set(err, NP_EURL_BRACKET, "Invalid IPv6 URL");
  if (!lb)
    return NP_OK;
  const char *open = (const char *)memchr(nl.ptr, '[', nl.len) + 1;
  size_t rest = nl.len - (size_t)(open - nl.ptr);
  const char *close = memchr(open, ']', rest);
  return check_bracketed_host(open, close ? (size_t)(close - open) : rest,
                              err);
}

/* _checknetloc: no code point may bring '/?#@:' in under NFKC. */
static int check_nfkc(const split_ctx *c, np_slice nl, np_error *err) {
  np_slice raw = orig_range(c, nl.ptr, nl.len);
  size_t i = 0;
  while (i < raw.len) {
    uint32_t cp;
    if (is_removed((unsigned char)raw.ptr[i])) {
      i++;
      continue;
    }
    i += np__utf8_next(raw.ptr + i, raw.len - i, &cp);
    if (np__uc_nfkc_has_url_delim(cp))
      return np_error_set(err, NP_EURL_NETLOC_NFKC,
                          "netloc '%.*s' contains invalid characters "
                          "under NFKC normalization",
                          (int)(nl.len > 200 ? 200 : nl.len), nl.ptr);
  }
  return NP_OK;
}

/* ---- derived attributes --------------------------------------------------- */

/* Python's .port: ASCII digits only, 0..65535; '' is None. */
static void parse_port(np_url *u, const char *p, size_t n) {
  u->port = -1;
  u->port_status = NP_OK;
  if (n == 0)
    return;
  uint32_t v = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned d = (unsigned char)p[i] - (unsigned)'0';
    if (d > 9) {
      u->port_status = NP_EURL_PORT;
      return;
    }
    v = v * 10 + d;
    if (v > 65535) { /* stays an error whatever follows */
      u->port_status = NP_EURL_PORT;
      return;
    }
  }
  u->port = (int)v;
}

/* hostname: lower-cased up to the first '%' (an IPv6 zone keeps its case). */
static np_slice lower_host(split_ctx *c, const char *h, size_t n,
                           unsigned seen) {
  if (!(seen & (NL_UPPER | NL_HIGH)))
    return (np_slice){h, n};
  char *o = store_tail(c);
  size_t k = 0;
  if (seen & NL_HIGH) {
    np_slice raw = orig_range(c, h, n);
    const char *pct = memchr(raw.ptr, '%', raw.len);
    size_t low = pct ? (size_t)(pct - raw.ptr) : raw.len;
    k = np__utf8_lower_into(o, raw.ptr, low, NP__UTF8_SKIP_TAB_CRLF);
    for (size_t i = low; i < raw.len; i++) /* the zone, as it is */
      if (!is_removed((unsigned char)raw.ptr[i]))
        o[k++] = raw.ptr[i];
  } else {
    const char *pct = memchr(h, '%', n);
    size_t low = pct ? (size_t)(pct - h) : n;
    for (size_t i = 0; i < low; i++)
      o[i] = (char)np__lower((unsigned char)h[i]);
    memcpy(o + low, h + low, n - low);
    k = n;
  }
  store_commit(c, k);
  return (np_slice){o, k};
}

/* username and password: the userinfo before the last '@', cut at ':'. */
static const char *derive_userinfo(np_url *u, const netloc_info *ni) {
  np_slice nl = u->netloc;
  u->username = u->password = NP_SLICE_NULL;
  if (!ni->at)
    return nl.ptr;
  const char *colon = memchr(nl.ptr, ':', (size_t)(ni->at - nl.ptr));
  const char *uend = colon ? colon : ni->at;
  u->username = (np_slice){nl.ptr, (size_t)(uend - nl.ptr)};
  if (colon)
    u->password = (np_slice){colon + 1, (size_t)(ni->at - colon - 1)};
  return ni->at + 1;
}

/*
 * The host part [host, end) as Python's _hostinfo cuts it: inside the
 * first '[' up to the next ']' (the port after a ':' past it), else up to
 * the first ':'.  Sets the host range and the port text.
 */
static void host_and_port(const netloc_info *ni, const char *host,
                          const char *end, np_slice *h, np_slice *port) {
  const char *hs = host, *he = end, *colon = NULL;
  const char *lb =
      (ni->seen & NL_LB) ? memchr(host, '[', (size_t)(end - host)) : NULL;
  if (lb) {
    hs = lb + 1;
    const char *rb = memchr(hs, ']', (size_t)(end - hs));
    if (rb) {
      he = rb;
      colon = memchr(rb, ':', (size_t)(end - rb));
    }
  } else if ((colon = ni->colon) != NULL) { /* the first in the host part */
    he = colon;
  }
  *h = (np_slice){hs, (size_t)(he - hs)};
  *port = colon ? (np_slice){colon + 1, (size_t)(end - colon - 1)}
                : (np_slice){end, 0};
}

/* username, password, hostname, port from the netloc, as the properties. */
static int derive(split_ctx *c, const netloc_info *ni) {
  np_url *u = c->u;
  const char *host = derive_userinfo(u, ni);
  np_slice h, port;
  host_and_port(ni, host, u->netloc.ptr + u->netloc.len, &h, &port);
  parse_port(u, port.ptr, port.len);
  if (h.len == 0) {
    u->hostname = NP_SLICE_NULL;
    return NP_OK;
  }
  if (ni->seen & (NL_UPPER | NL_HIGH)) {
    int rc = store_reserve(c);
    if (rc != NP_OK)
      return rc;
  }
  u->hostname = lower_host(c, h.ptr, h.len, ni->seen);
  return NP_OK;
}

/* ---- the split -------------------------------------------------------------- */

/* Scan the netloc from s (after "//") to the first '/', '?' or '#'. */
static const char *scan_netloc(const char *s, const char *end,
                               netloc_info *ni) {
  unsigned seen = 0;
  const char *at = NULL, *colon = NULL;
  for (; s < end; s++) {
    unsigned k = netloc_cls[(unsigned char)*s];
    if (NP_LIKELY(k == 0))
      continue;
    if (k & NL_END)
      break;
    seen |= k;
    if (k & NL_AT)
      at = s, colon = NULL;
    else if ((k & NL_COLON) && !colon)
      colon = s;
  }
  ni->seen = seen;
  ni->at = at;
  ni->colon = colon;
  return s;
}

/* Python's _splitparams on the path: ';' after the last '/'. */
static void split_params(np_url *u) {
  np_slice p = u->path;
  const char *from = p.ptr, *end = p.ptr + p.len;
  for (const char *q = end; q > p.ptr; q--) {
    if (q[-1] == '/') {
      from = q - 1;
      break;
    }
  }
  const char *semi = memchr(from, ';', (size_t)(end - from));
  if (!semi)
    return;
  u->path = (np_slice){p.ptr, (size_t)(semi - p.ptr)};
  u->params = (np_slice){semi + 1, (size_t)(end - semi - 1)};
}

/* Split path?query#fragment. */
static void split_tail(np_url *u, const char *s, const char *end,
                       unsigned flags) {
  u->query = u->fragment = (np_slice){empty_str, 0};
  if (!(flags & NP_URL_NO_FRAGMENTS)) {
    const char *hash = memchr(s, '#', (size_t)(end - s));
    if (hash) {
      u->fragment = (np_slice){hash + 1, (size_t)(end - hash - 1)};
      end = hash;
    }
  }
  const char *q = memchr(s, '?', (size_t)(end - s));
  if (q) {
    u->query = (np_slice){q + 1, (size_t)(end - q - 1)};
    end = q;
  }
  u->path = (np_slice){s, (size_t)(end - s)};
}

/* The scheme, if url starts with ALPHA *(scheme char) ':'.  *upper tells
 * whether it needs lower-casing.  Returns its length, 0 if none. */
static size_t find_scheme(const char *s, size_t n, bool *upper) {
  if (n == 0 || !np__is((unsigned char)s[0], NP_CC_ALPHA))
    return 0;
  bool up = false;
  size_t i = 0;
  while (i < n && np__is((unsigned char)s[i], NP_CC_SCHEME)) {
    up |= (s[i] >= 'A' && s[i] <= 'Z');
    i++;
  }
  *upper = up;
  return (i < n && s[i] == ':') ? i : 0;
}

/*
 * WHATWG's clean-up as 3.11.7 applies it: strip leading C0 controls and
 * spaces, then remove tab, CR and LF anywhere (into the store, only when
 * there is one).  Also sizes the store's worst case for this call.
 */
static int clean_input(split_ctx *c, const char **url, size_t *len,
                       size_t ds_len) {
  const char *p = *url ? *url : empty_str;
  size_t n = *url ? *len : 0;
  while (n && (unsigned char)*p <= 0x20)
    p++, n--;
  /* Worst case: the cleaned copy, then the scheme and the host, which
   * are disjoint parts of it, the host growing by half when lower-cased
   * (scripts/gen_url_tables.py checks that bound), or the default scheme. */
  if (n > (SIZE_MAX - ds_len - 16) / 3)
    return NP_ETOOLARGE;
  c->bound = n + n + n / 2 + ds_len + 16;
  if (has_unsafe(p, n)) {
    int rc = store_reserve(c);
    if (rc != NP_OK)
      return rc;
    c->orig = p;
    c->clean = store_tail(c);
    n = copy_without_unsafe(c, p, n);
    p = c->clean;
  }
  *url = p;
  *len = n;
  return NP_OK;
}

/* The scheme (lower-cased) or the default; returns where the rest starts. */
static int take_scheme(split_ctx *c, const char *url, size_t len,
                       const char *ds, size_t ds_len, size_t *rest) {
  bool upper = false;
  size_t sl = find_scheme(url, len, &upper);
  *rest = sl ? sl + 1 : 0;
  if (!sl)
    return default_scheme(c, ds ? ds : empty_str, ds_len, &c->u->scheme);
  if (!upper) {
    c->u->scheme = (np_slice){url, sl};
    return NP_OK;
  }
  int rc = store_reserve(c);
  if (rc == NP_OK)
    c->u->scheme = store_lower_ascii(c, url, sl);
  return rc;
}

int np__url_split(np_url *u, const char *url, size_t len, const char *ds,
                  size_t ds_len, unsigned flags, bool params,
                  np_error *err) {
  split_ctx c = {u, 0, false, NULL, NULL};
  size_t rest;
  int rc = clean_input(&c, &url, &len, ds_len);
  if (rc == NP_OK)
    rc = take_scheme(&c, url, len, ds, ds_len, &rest);
  if (rc != NP_OK)
    return np_error_set(err, rc, "%s", np_strerror(rc));
  const char *s = url + rest, *end = url + len;
  netloc_info ni = {0, NULL, NULL};
  u->netloc = (np_slice){empty_str, 0};
  if (end - s >= 2 && s[0] == '/' && s[1] == '/') {
    const char *ne = scan_netloc(s + 2, end, &ni);
    u->netloc = (np_slice){s + 2, (size_t)(ne - s - 2)};
    s = ne;
    if ((ni.seen & (NL_LB | NL_RB)) &&
        (rc = check_brackets(u->netloc, ni.seen, err)) != NP_OK)
      return rc;
  }
  split_tail(u, s, end, flags);
  u->params = (np_slice){empty_str, 0};
  if ((ni.seen & NL_HIGH) && (rc = check_nfkc(&c, u->netloc, err)) != NP_OK)
    return rc;
  if (params && (np__url_scheme_class(u->scheme) & NP__URL_USES_PARAMS))
    split_params(u);
  if ((rc = derive(&c, &ni)) != NP_OK)
    return np_error_set(err, rc, "%s", np_strerror(rc));
  return NP_OK;
}

/* ---- public API ---------------------------------------------------------- */

void np_url_init(np_url *u) {
  memset(u, 0, sizeof *u);
  np_buf_init(&u->store_, 0);
  u->port = -1;
}

void np_url_free(np_url *u) {
  np_buf_free(&u->store_);
  size_t max = u->store_.max;
  np_url_init(u);
  u->store_.max = max;
}

int np_urlsplit(np_url *u, const char *url, size_t len,
                const char *default_scheme, unsigned flags, np_error *err) {
  size_t dl = default_scheme ? strlen(default_scheme) : 0;
  return np__url_split(u, url, len, default_scheme, dl, flags, false, err);
}

int np_urlparse(np_url *u, const char *url, size_t len,
                const char *default_scheme, unsigned flags, np_error *err) {
  size_t dl = default_scheme ? strlen(default_scheme) : 0;
  return np__url_split(u, url, len, default_scheme, dl, flags, true, err);
}

/* ---- unsplit ------------------------------------------------------------- */

static np_slice present(np_slice s) {
  return s.ptr ? s : (np_slice){empty_str, 0};
}

/*
 * urlunsplit of (scheme, netloc, path [';' params], query, fragment):
 * Python adds "//" before the path when there is a netloc, or when the
 * scheme uses one and the path does not already start with "//"; then
 * a '/' if the path does not start with one.
 */
int np__url_unsplit(np_buf *out, np_slice scheme, np_slice netloc,
                    np_slice path, np_slice params, np_slice query,
                    np_slice fragment) {
  scheme = present(scheme), netloc = present(netloc), path = present(path);
  params = present(params), query = present(query);
  fragment = present(fragment);
  /* The first two bytes of path + ';' + params, as Python's url[:2]. */
  char head[2] = {0, 0};
  size_t hn = 0;
  for (size_t i = 0; i < path.len && hn < 2; i++)
    head[hn++] = path.ptr[i];
  if (params.len) {
    if (hn < 2)
      head[hn++] = ';';
    if (hn < 2)
      head[hn++] = params.ptr[0];
  }
  bool full = path.len || params.len;
  bool slashes =
      netloc.len || (scheme.len &&
                     (np__url_scheme_class(scheme) & NP__URL_USES_NETLOC) &&
                     !(hn == 2 && head[0] == '/' && head[1] == '/'));
  size_t need = scheme.len + 1 + 2 + netloc.len + 1 + path.len + 1 +
                params.len + 1 + query.len + 1 + fragment.len;
  int rc = np_buf_reserve(out, need);
  if (rc != NP_OK)
    return rc;
  if (scheme.len) {
    np_buf_append_slice(out, scheme);
    np_buf_putc(out, ':');
  }
  if (slashes) {
    np_buf_append(out, "//", 2);
    np_buf_append_slice(out, netloc);
    if (full && head[0] != '/')
      np_buf_putc(out, '/');
  }
  np_buf_append_slice(out, path);
  if (params.len) {
    np_buf_putc(out, ';');
    np_buf_append_slice(out, params);
  }
  if (query.len) {
    np_buf_putc(out, '?');
    np_buf_append_slice(out, query);
  }
  if (fragment.len) {
    np_buf_putc(out, '#');
    np_buf_append_slice(out, fragment);
  }
  return NP_OK;
}

int np_urlunsplit(np_buf *out, const np_url *u) {
  return np__url_unsplit(out, u->scheme, u->netloc, u->path, NP_SLICE_NULL,
                         u->query, u->fragment);
}

int np_urlunparse(np_buf *out, const np_url *u) {
  return np__url_unsplit(out, u->scheme, u->netloc, u->path, u->params,
                         u->query, u->fragment);
}
