/*
 * BaseCookie.load(): the Cookie header grammar of http.cookies.
 *
 * CPython matches one regular expression per cookie:
 *   \s* (?P<key>[K]+?) ( \s*=\s* (?P<val> "(?:[^\\"]|\\.)*"
 *        | \w{3},\s[\w\d\s-]{9,11}\s[\d:]{8}\sGMT | [V]* ) )? \s* (\s+|;|$)
 * where K (the key characters) includes '='.  Because the key is lazy and
 * may contain '=', the first successful way through that expression is
 * what decides key and value; this file walks the same choices in the same
 * order, but each in constant time (the runs scanned are remembered), so a
 * header is parsed in time linear in its length.
 */
#include "cookies/morsel.h"

#include <string.h>

#define NPOS ((size_t)-1)

typedef struct scan {
  const char *s;
  size_t n;
  size_t vrun_lo, vrun_hi; /* from any i in [lo, hi) the V run ends at hi */
  size_t tail_q, tail_end; /* the last tail() asked and its answer */
} scan;

typedef struct match {
  size_t key, key_end;
  size_t val, val_end; /* val == NPOS: no value group */
  size_t end;
} match;

static size_t skip_ws(const scan *x, size_t i) {
  while (i < x->n && np__ck_space((unsigned char)x->s[i]))
    i++;
  return i;
}

/* \s*(\s+|;|$) at q: the end of the match, or NPOS. */
static size_t tail(scan *x, size_t q) {
  if (q == x->tail_q)
    return x->tail_end;
  size_t r = skip_ws(x, q), end = NPOS;
  if (r < x->n && x->s[r] == ';')
    end = r + 1;
  else if (r > q || r == x->n)
    end = r;
  x->tail_q = q;
  x->tail_end = end;
  return end;
}

/* The end of the run of value characters starting at p. */
static size_t vrun_end(scan *x, size_t p) {
  if (p >= x->vrun_lo && p < x->vrun_hi)
    return x->vrun_hi;
  size_t e = p;
  while (e < x->n && np__ck_is((unsigned char)x->s[e], NP_CK_VAL))
    e++;
  if (e > p) {
    x->vrun_lo = p;
    x->vrun_hi = e;
  }
  return e;
}

/* "(?:[^\\"]|\\.)*" at p (s[p] == '"'): the end after the closing quote. */
static size_t quoted_end(const scan *x, size_t p) {
  for (size_t k = p + 1; k < x->n;) {
    char c = x->s[k];
    if (c == '"')
      return k + 1;
    if (c != '\\')
      k++;
    else if (k + 1 < x->n && x->s[k + 1] != '\n')
      k += 2;
    else
      return NPOS;
  }
  return NPOS;
}

static bool cls_run(const scan *x, size_t p, size_t len, unsigned cls) {
  if (p + len > x->n)
    return false;
  for (size_t i = 0; i < len; i++)
    if (!np__ck_is((unsigned char)x->s[p + i], cls))
      return false;
  return true;
}

static bool is_space_at(const scan *x, size_t p) {
  return p < x->n && np__ck_space((unsigned char)x->s[p]);
}

static bool clock_run(const scan *x, size_t p) {
  if (p + 8 > x->n)
    return false;
  for (size_t i = 0; i < 8; i++) {
    char c = x->s[p + i];
    if (!((c >= '0' && c <= '9') || c == ':'))
      return false;
  }
  return true;
}

static bool date_char(unsigned char c) {
  return np__ck_is(c, NP_CK_WORD) || np__ck_space(c) || c == '-';
}

/* \w{3},\s[\w\d\s-]{9,11}\s[\d:]{8}\sGMT at p, followed by the tail: the
 * value's end and *end, trying 11, 10 then 9 as the regex does. */
static size_t expires_value(scan *x, size_t p, size_t *end) {
  if (!cls_run(x, p, 3, NP_CK_WORD) || p + 5 > x->n || x->s[p + 3] != ',' ||
      !is_space_at(x, p + 4))
    return NPOS;
  size_t avail = 0;
  while (avail < 11 && p + 5 + avail < x->n &&
         date_char((unsigned char)x->s[p + 5 + avail]))
    avail++;
  for (size_t cnt = 11; cnt >= 9; cnt--) {
    if (cnt > avail)
      continue;
    size_t q = p + 5 + cnt;
    if (!is_space_at(x, q) || !clock_run(x, q + 1) || !is_space_at(x, q + 9) ||
        q + 13 > x->n || memcmp(x->s + q + 10, "GMT", 3) != 0)
      continue;
    size_t t = tail(x, q + 13);
    if (t != NPOS) {
      *end = t;
      return q + 13;
    }
  }
  return NPOS;
}

/* The value group after the '=' at eq, then the tail. */
static bool value_at(scan *x, size_t eq, match *m) {
  size_t p = skip_ws(x, eq + 1), e, t;
  if (p < x->n && x->s[p] == '"' && (e = quoted_end(x, p)) != NPOS &&
      (t = tail(x, e)) != NPOS)
    goto found;
  if ((e = expires_value(x, p, &t)) != NPOS)
    goto found;
  e = vrun_end(x, p);
  if ((t = tail(x, e)) != NPOS)
    goto found;
  if (p > eq + 1) {
    /* Backtracking into the spaces after '=': an empty value, the spaces
     * serve as the tail. */
    e = p;
    t = p;
    goto found;
  }
  return false;
found:
  m->val = p;
  m->val_end = e;
  m->end = t;
  return true;
}

/* One cookie of the grammar at i. */
static bool match_at(scan *x, size_t i, match *m) {
  size_t start = skip_ws(x, i), kend = start;
  while (kend < x->n && np__ck_is((unsigned char)x->s[kend], NP_CK_KEY))
    kend++;
  if (kend == start)
    return false;
  m->key = start;
  for (size_t p = start + 1; p < kend; p++) {
    /* A key that stops inside the run: only an '=' can follow it. */
    if (x->s[p] == '=' && value_at(x, p, m)) {
      m->key_end = p;
      return true;
    }
  }
  m->key_end = kend;
  size_t p2 = skip_ws(x, kend);
  if (p2 < x->n && x->s[p2] == '=' && value_at(x, p2, m))
    return true;
  m->val = NPOS;
  m->end = tail(x, kend);
  return m->end != NPOS;
}

/* ---- load ------------------------------------------------------------ */

enum { T_ATTR, T_KEYVALUE };

typedef struct item {
  int type;
  int attr;        /* T_ATTR: the morsel slot, -1 when not an attribute */
  np_slice key;    /* T_KEYVALUE: the key; T_ATTR: the name as written */
  np_slice val;    /* absent: None (or True for a flag) */
  bool raw;        /* T_ATTR from "$name": the value is not unquoted */
} item;

typedef struct items {
  item *v;
  size_t n, cap;
} items;

static int push(items *it, item x) {
  int rc = np__array_reserve(&it->v, &it->cap, it->n + 1, sizeof *it->v, 16);
  if (rc != NP_OK)
    return rc;
  it->v[it->n++] = x;
  return NP_OK;
}

/* Parse everything first: an invalid string must change nothing.  Returns
 * 1 when the string is valid, 0 when not, or a negative status. */
static int parse_all(const char *s, size_t n, items *it) {
  scan x = {s, n, 0, 0, NPOS, NPOS};
  bool morsel_seen = false;
  size_t i = 0;
  match m;
  while (i < n && match_at(&x, i, &m)) {
    i = m.end;
    np_slice key = np_slice_from(s + m.key, m.key_end - m.key);
    np_slice val = m.val == NPOS ? NP_SLICE_NULL
                                 : np_slice_from(s + m.val, m.val_end - m.val);
    item t = {T_ATTR, -1, key, val, false};
    int slot = np__morsel_attr_index(key.ptr, key.len);
    if (key.ptr[0] == '$') {
      if (!morsel_seen)
        continue; /* "$Version" and friends before any cookie */
      t.key = np_slice_from(key.ptr + 1, key.len - 1);
      t.attr = np__morsel_attr_index(t.key.ptr, t.key.len);
      t.raw = true;
    } else if (slot >= 0) {
      if (!morsel_seen)
        return 0;
      if (!val.ptr && !np__morsel_is_flag(slot))
        return 0;
      t.attr = slot;
    } else if (val.ptr) {
      t.type = T_KEYVALUE;
      morsel_seen = true;
    } else {
      return 0;
    }
    if (push(it, t) != NP_OK)
      return NP_ENOMEM;
  }
  return 1;
}

static int apply_attr(np_morsel *mo, const item *t, np_buf *tmp,
                      np_error *err) {
  if (t->attr < 0)
    return np_error_set(err, NP_ECOOKIE_ATTR, "Invalid attribute '%.*s'",
                        (int)(t->key.len > 64 ? 64 : t->key.len), t->key.ptr);
  int rc;
  if (!t->val.ptr)
    rc = np__morsel_put(mo, t->attr, t->raw ? NP_MORSEL_NONE : NP_MORSEL_TRUE,
                        NULL, 0, 0);
  else if (t->raw)
    rc = np__morsel_put(mo, t->attr, NP_MORSEL_STR, t->val.ptr, t->val.len, 0);
  else {
    np_buf_reset(tmp);
    rc = np_cookie_unquote(tmp, t->val.ptr, t->val.len);
    if (rc == NP_OK)
      rc = np__morsel_put(mo, t->attr, NP_MORSEL_STR, tmp->data, tmp->len, 0);
  }
  return rc == NP_OK ? NP_OK : np_error_set(err, rc, NULL);
}

static int apply_all(np_cookies *c, const items *it, bool simple,
                     np_error *err) {
  np_buf tmp;
  np_buf_init(&tmp, 0);
  np_morsel *mo = NULL;
  int rc = NP_OK;
  for (size_t i = 0; rc == NP_OK && i < it->n; i++) {
    const item *t = &it->v[i];
    if (t->type == T_ATTR) {
      rc = apply_attr(mo, t, &tmp, err);
      continue;
    }
    np_slice real = t->val;
    if (simple) {
      np_buf_reset(&tmp);
      rc = np_cookie_unquote(&tmp, t->val.ptr, t->val.len);
      if (rc != NP_OK) {
        np_error_set(err, rc, NULL);
        break;
      }
      real = np_slice_from(tmp.data ? tmp.data : "", tmp.len);
    }
    rc = np__cookies_set_morsel(c, t->key, real, t->val, &mo, err);
  }
  np_buf_free(&tmp);
  return rc;
}

int np_cookies_load(np_cookies *c, const char *s, size_t len, np_error *err) {
  items it = {NULL, 0, 0};
  int rc = parse_all(s ? s : "", s ? len : 0, &it);
  if (rc < 0)
    rc = np_error_set(err, rc, NULL);
  else if (rc == 1)
    rc = apply_all(c, &it, np__cookies_simple(c), err);
  np_free(it.v);
  return rc;
}
