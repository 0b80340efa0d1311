/*
 * urllib.parse's query strings: urlencode, parse_qsl, parse_qs.
 *
 * np_qs keeps every decoded name and value in one store_, written in pair
 * order (name, value, name, value...).  The store is reserved to the input
 * length before parsing (decoding never lengthens text), and the slices are
 * pointed into it only when parsing is done, from the lengths alone, so
 * they stay right even if the store had to move.
 */
#include "core/internal.h"
#include "core/unicode.h"
#include "netproto/url.h"

#include <stdio.h>
#include <string.h>

/* ---- urlencode ---------------------------------------------------------- */

/* A slice as quote_via expects it: absent counts as "". */
static int quote_slice(np_buf *out, np_slice s, const char *safe,
                       np_quote_fn quote_via) {
  return quote_via(out, s.ptr ? s.ptr : "", s.ptr ? s.len : 0, safe);
}

int np_urlencode(np_buf *out, const np_qs_pair *pairs, size_t n,
                 const char *safe, np_quote_fn quote_via) {
  size_t start = out->len;
  int rc = NP_OK;
  if (!quote_via)
    quote_via = np_quote_plus;
  if (!safe)
    safe = "";
  for (size_t i = 0; i < n && rc == NP_OK; i++) {
    if (i)
      rc = np_buf_putc(out, '&');
    if (rc == NP_OK)
      rc = quote_slice(out, pairs[i].name, safe, quote_via);
    if (rc == NP_OK)
      rc = np_buf_putc(out, '=');
    if (rc == NP_OK)
      rc = quote_slice(out, pairs[i].value, safe, quote_via);
  }
  if (rc != NP_OK && out->data) {
    /* Leave out as it was: no half-encoded query. */
    out->len = start;
    out->data[start] = '\0';
  }
  return rc;
}

/* ---- np_qs life cycle ---------------------------------------------------- */

void np_qs_init(np_qs *qs) {
  qs->pairs = NULL;
  qs->count = 0;
  qs->cap_ = 0;
  np_buf_init(&qs->store_, 0);
}

void np_qs_free(np_qs *qs) {
  np_free(qs->pairs);
  qs->pairs = NULL;
  qs->count = 0;
  qs->cap_ = 0;
  np_buf_free(&qs->store_);
}

/* Room for one more pair. */
static int qs_grow(np_qs *qs) {
  if (qs->count < qs->cap_)
    return NP_OK;
  size_t cap = qs->cap_ ? qs->cap_ * 2 : 16;
  if (cap > SIZE_MAX / sizeof *qs->pairs)
    return NP_ENOMEM;
  np_qs_pair *p = np_realloc(qs->pairs, cap * sizeof *p);
  if (!p)
    return NP_ENOMEM;
  qs->pairs = p;
  qs->cap_ = cap;
  return NP_OK;
}

/* ---- errors as Python words them ---------------------------------------- */

/* Append one escape or run to dst (capacity cap, used *at), if it fits. */
static bool repr_put(char *dst, size_t cap, size_t *at, const char *s,
                     size_t n) {
  if (*at + n >= cap)
    return false;
  memcpy(dst + *at, s, n);
  *at += n;
  return true;
}

/*
 * Python's repr() of the str the field decodes to (UTF-8, surrogateescape):
 * quotes chosen as Python chooses them, ASCII controls and backslashes
 * escaped, bytes that are not UTF-8 as \udcXX.  Non-ASCII characters are
 * kept except the C1 controls, NBSP and soft hyphen; Python escapes a few
 * more rare non-printable ones.  Truncated with "..." to fit cap.
 */
static void py_repr(char *dst, size_t cap, const char *str, size_t len) {
  const unsigned char *s = (const unsigned char *)str;
  char q = memchr(str, '\'', len) && !memchr(str, '"', len) ? '"' : '\'';
  size_t at = 0;
  bool ok = repr_put(dst, cap, &at, &q, 1);
  for (size_t i = 0; i < len && ok;) {
    char esc[16];
    uint32_t cp;
    size_t n = np__utf8_next(str + i, len - i, &cp);
    int w;
    if (cp & NP__UTF8_INVALID) {
      w = snprintf(esc, sizeof esc, "\\udc%02x", s[i]);
    } else if (cp == '\\' || cp == (unsigned char)q) {
      w = snprintf(esc, sizeof esc, "\\%c", (char)cp);
    } else if (cp == '\t' || cp == '\n' || cp == '\r') {
      w = snprintf(esc, sizeof esc, "\\%c",
                   cp == '\t' ? 't' : cp == '\n' ? 'n' : 'r');
    } else if (cp < 0x20 || (cp >= 0x7F && cp <= 0xA0) || cp == 0xAD) {
      w = snprintf(esc, sizeof esc, "\\x%02x", (unsigned)cp);
    } else {
      w = (int)n;
      memcpy(esc, s + i, n);
    }
    ok = repr_put(dst, cap, &at, esc, (size_t)w);
    i += n;
  }
  if (ok)
    ok = repr_put(dst, cap, &at, &q, 1);
  if (!ok) {
    while (at + 4 > cap && at > 0)
      at--;
    while (at > 0 && ((unsigned char)dst[at] & 0xC0) == 0x80)
      at--; /* not inside a UTF-8 sequence */
    at += (size_t)snprintf(dst + at, cap - at, "...");
  }
  dst[at] = '\0';
}

/* ---- parse_qsl ----------------------------------------------------------- */

/* The next occurrence of sep (seplen >= 1) in s[0..len), or NULL. */
static const char *find_sep(const char *s, size_t len, const char *sep,
                            size_t seplen) {
  if (seplen == 1) /* the common case: '&' */
    return memchr(s, sep[0], len);
  while (len >= seplen) {
    const char *p = memchr(s, sep[0], len - seplen + 1);
    if (!p)
      return NULL;
    if (memcmp(p, sep, seplen) == 0)
      return p;
    len -= (size_t)(p - s) + 1;
    s = p + 1;
  }
  return NULL;
}

/* Python's field count: 1 + separators, and 0 for the empty string. */
static size_t count_fields(const char *s, size_t len, const char *sep,
                           size_t seplen) {
  size_t n = 0;
  const char *end, *p;
  if (len == 0)
    return 0;
  end = s + len;
  while ((p = find_sep(s, (size_t)(end - s), sep, seplen)) != NULL) {
    n++;
    s = p + seplen;
  }
  return n + 1;
}

/* Decode one name/value into the store and record the pair (slices are
 * set later, see qs_point). */
static int qs_add(np_qs *qs, const char *name, size_t nlen,
                  const char *value, size_t vlen) {
  int rc = qs_grow(qs);
  size_t at = qs->store_.len;
  if (rc == NP_OK)
    rc = np_unquote_plus(&qs->store_, name, nlen);
  size_t mid = qs->store_.len;
  if (rc == NP_OK)
    rc = np_unquote_plus(&qs->store_, value, vlen);
  if (rc != NP_OK)
    return rc;
  qs->pairs[qs->count].name = (np_slice){NULL, mid - at};
  qs->pairs[qs->count].value = (np_slice){NULL, qs->store_.len - mid};
  qs->count++;
  return NP_OK;
}

/* Point every pair's slices into the store, which holds them in order. */
static void qs_point(np_qs *qs) {
  const char *p = qs->store_.data;
  for (size_t i = 0; i < qs->count; i++) {
    qs->pairs[i].name.ptr = p;
    p += qs->pairs[i].name.len;
    qs->pairs[i].value.ptr = p;
    p += qs->pairs[i].value.len;
  }
}

/* One field: Python's rules for blanks, strictness and the first '='. */
static int qs_field(np_qs *qs, const char *f, size_t n,
                    const np_qs_options *opt, size_t offset, np_error *err) {
  if (n == 0 && !opt->strict_parsing)
    return NP_OK;
  const char *eq = n ? memchr(f, '=', n) : NULL;
  if (!eq) {
    if (opt->strict_parsing) {
      char r[200];
      py_repr(r, sizeof r, f, n);
      int rc = np_error_set(err, NP_EURL_QS_SYNTAX, "bad query field: %s", r);
      if (err)
        err->value = (long)offset;
      return rc;
    }
    return opt->keep_blank_values ? qs_add(qs, f, n, f + n, 0) : NP_OK;
  }
  size_t nlen = (size_t)(eq - f), vlen = n - nlen - 1;
  if (vlen == 0 && !opt->keep_blank_values)
    return NP_OK;
  return qs_add(qs, f, nlen, eq + 1, vlen);
}

/* Check the options and the field limit, as Python does before parsing. */
static int qs_check(const char *s, size_t len, const np_qs_options *opt,
                    const char *sep, np_error *err) {
  if (!*sep)
    return np_error_set(err, NP_EURL_QS_SEPARATOR,
                        "Separator must be of type string or bytes.");
  if (opt->max_num_fields &&
      count_fields(s, len, sep, strlen(sep)) > opt->max_num_fields)
    return np_error_set(err, NP_EURL_QS_FIELDS, "Max number of fields exceeded");
  return NP_OK;
}

/* Empty qs, store reserved for the whole decoded input. */
static int qs_reset(np_qs *qs, size_t len) {
  qs->count = 0;
  if (qs->store_.max == 0) /* a zeroed np_qs */
    qs->store_.max = NP_BUF_DEFAULT_MAX;
  np_buf_reset(&qs->store_);
  return np_buf_reserve(&qs->store_, len);
}

int np_parse_qsl(np_qs *qs, const char *s, size_t len,
                 const np_qs_options *opt, np_error *err) {
  static const np_qs_options defaults = {0, 0, 0, NULL};
  if (!opt)
    opt = &defaults;
  const char *sep = opt->separator ? opt->separator : "&";
  size_t seplen = strlen(sep);
  int rc = qs_check(s, len, opt, sep, err);
  if (rc == NP_OK)
    rc = qs_reset(qs, len);
  if (rc != NP_OK) {
    qs->count = 0;
    return rc;
  }
  const char *p = s, *end = len ? s + len : s; /* s may be NULL if empty */
  while (len > 0 && rc == NP_OK) {
    const char *q = find_sep(p, (size_t)(end - p), sep, seplen);
    const char *fend = q ? q : end;
    rc = qs_field(qs, p, (size_t)(fend - p), opt, (size_t)(p - s), err);
    if (!q)
      break;
    p = q + seplen;
  }
  if (rc != NP_OK) {
    qs->count = 0;
    if (rc == NP_ENOMEM || rc == NP_ETOOLARGE)
      np_error_set(err, rc, "%s", np_strerror(rc));
    return rc;
  }
  qs_point(qs);
  return NP_OK;
}

/* ---- parse_qs: group the pairs by name ---------------------------------- */

static uint64_t name_hash(np_slice s) {
  uint64_t h = 1469598103934665603u; /* FNV-1a */
  for (size_t i = 0; i < s.len; i++)
    h = (h ^ (unsigned char)s.ptr[i]) * 1099511628211u;
  return h;
}

/*
 * Reorder qs->pairs so that each name's values follow its first
 * appearance: a hash table gives each pair its group (names in order of
 * first appearance), then a stable counting sort by group.
 */
/*
 * The same grouping for a few pairs, in place and without allocating:
 * each pair moves back to just after the last earlier pair of its name.
 */
static void qs_group_small(np_qs *qs) {
  for (size_t k = 1; k < qs->count; k++) {
    np_qs_pair p = qs->pairs[k];
    size_t m = k;
    while (m > 0 && !np_slice_eq(qs->pairs[m - 1].name, p.name))
      m--;
    if (m == 0 || m == k)
      continue; /* a new name, or already next to its group */
    memmove(qs->pairs + m + 1, qs->pairs + m, (k - m) * sizeof p);
    qs->pairs[m] = p;
  }
}

/* Up to this many pairs, qs_group_small's quadratic scan is cheaper than
 * the hash table's allocations. */
#define QS_GROUP_SMALL 16

static int qs_group(np_qs *qs) {
  size_t n = qs->count, tsize = 16;
  if (n < 2)
    return NP_OK;
  if (n <= QS_GROUP_SMALL) {
    qs_group_small(qs);
    return NP_OK;
  }
  while (tsize < 2 * n)
    tsize *= 2;
  /* gid[n], first[n] (group -> first pair), start[n + 1], table[tsize] */
  size_t words = 3 * n + 1 + tsize;
  if (words > SIZE_MAX / sizeof(size_t))
    return NP_ENOMEM;
  size_t *gid = np_malloc(words * sizeof(size_t));
  np_qs_pair *sorted = np_malloc(qs->cap_ * sizeof *sorted);
  if (!gid || !sorted) {
    np_free(gid);
    np_free(sorted);
    return NP_ENOMEM;
  }
  size_t *first = gid + n, *start = first + n, *table = start + n + 1;
  size_t groups = 0;
  memset(table, 0, tsize * sizeof *table);
  memset(start, 0, (n + 1) * sizeof *start);
  for (size_t i = 0; i < n; i++) {
    size_t slot = (size_t)name_hash(qs->pairs[i].name) & (tsize - 1);
    /* table holds group + 1; 0 is an empty slot */
    while (table[slot] &&
           !np_slice_eq(qs->pairs[first[table[slot] - 1]].name,
                        qs->pairs[i].name))
      slot = (slot + 1) & (tsize - 1);
    if (!table[slot]) {
      first[groups] = i;
      table[slot] = ++groups;
    }
    gid[i] = table[slot] - 1;
    start[gid[i] + 1]++;
  }
  for (size_t g = 0; g < groups; g++)
    start[g + 1] += start[g];
  for (size_t i = 0; i < n; i++)
    sorted[start[gid[i]]++] = qs->pairs[i];
  np_free(qs->pairs);
  qs->pairs = sorted;
  np_free(gid);
  return NP_OK;
}

int np_parse_qs(np_qs *qs, const char *s, size_t len,
                const np_qs_options *opt, np_error *err) {
  int rc = np_parse_qsl(qs, s, len, opt, err);
  if (rc == NP_OK && (rc = qs_group(qs)) != NP_OK) {
    qs->count = 0;
    np_error_set(err, rc, "%s", np_strerror(rc));
  }
  return rc;
}

size_t np_qs_get(const np_qs *qs, const char *name, size_t name_len,
                 size_t *first) {
  np_slice want = {name ? name : "", name ? name_len : 0};
  for (size_t i = 0; i < qs->count; i++) {
    if (!np_slice_eq(qs->pairs[i].name, want))
      continue;
    size_t j = i + 1;
    while (j < qs->count && np_slice_eq(qs->pairs[j].name, want))
      j++;
    if (first)
      *first = i;
    return j - i;
  }
  return 0;
}
