/* BaseCookie / SimpleCookie: a dict of morsels, Cookie header parsing. */
#include "cookies/morsel.h"

#include <stdlib.h>
#include <string.h>

struct np_cookies {
  np_cookies_kind kind;
  np_morsel **v; /* insertion order */
  size_t n, cap;
  size_t *slot; /* open addressing: index + 1, 0 = empty */
  size_t nslot; /* a power of two, > 2 * n */
};

bool np__cookies_simple(const np_cookies *c) {
  return c->kind == NP_COOKIES_SIMPLE;
}

np_cookies *np_cookies_new(np_cookies_kind kind) {
  np_cookies *c = np_malloc(sizeof *c);
  if (!c)
    return NULL;
  memset(c, 0, sizeof *c);
  c->kind = kind;
  return c;
}

void np_cookies_free(np_cookies *c) {
  if (!c)
    return;
  for (size_t i = 0; i < c->n; i++)
    np__morsel_free(c->v[i]);
  np_free(c->v);
  np_free(c->slot);
  np_free(c);
}

static size_t hash_key(const char *s, size_t len) {
  uint64_t h = 1469598103934665603u; /* FNV-1a */
  for (size_t i = 0; i < len; i++)
    h = (h ^ (unsigned char)s[i]) * 1099511628211u;
  return (size_t)h;
}

static size_t find_slot(const np_cookies *c, const char *key, size_t len) {
  size_t mask = c->nslot - 1, i = hash_key(key, len) & mask;
  while (c->slot[i]) {
    const np_morsel *m = c->v[c->slot[i] - 1];
    if (m->key.len == len && memcmp(m->key.data, key, len) == 0)
      break;
    i = (i + 1) & mask;
  }
  return i;
}

static int rehash(np_cookies *c, size_t nslot) {
  size_t *s = np_malloc(nslot * sizeof *s);
  if (!s)
    return NP_ENOMEM;
  memset(s, 0, nslot * sizeof *s);
  np_free(c->slot);
  c->slot = s;
  c->nslot = nslot;
  for (size_t i = 0; i < c->n; i++) {
    np_morsel *m = c->v[i];
    c->slot[find_slot(c, m->key.data, m->key.len)] = i + 1;
  }
  return NP_OK;
}

np_morsel *np_cookies_get(const np_cookies *c, const char *key,
                          size_t key_len) {
  if (!c->nslot)
    return NULL;
  size_t i = find_slot(c, key ? key : "", key_len);
  return c->slot[i] ? c->v[c->slot[i] - 1] : NULL;
}

size_t np_cookies_count(const np_cookies *c) { return c->n; }

np_morsel *np_cookies_at(const np_cookies *c, size_t i) {
  return i < c->n ? c->v[i] : NULL;
}

int np_cookies_del(np_cookies *c, const char *key, size_t key_len) {
  np_morsel *m = np_cookies_get(c, key, key_len);
  if (!m)
    return NP_ENOTFOUND;
  size_t i = 0;
  while (c->v[i] != m)
    i++;
  np__morsel_free(m);
  memmove(c->v + i, c->v + i + 1, (c->n - i - 1) * sizeof *c->v);
  c->n--;
  return rehash(c, c->nslot);
}

/* Add a new, keyless morsel for key (the caller sets it at once). */
static int add_morsel(np_cookies *c, np_morsel **out, np_error *err) {
  if (c->n >= NP_COOKIES_MAX_MORSELS)
    return np_error_set(err, NP_ETOOLARGE, "more than %d cookies",
                        NP_COOKIES_MAX_MORSELS);
  int rc = np__array_reserve(&c->v, &c->cap, c->n + 1, sizeof *c->v, 8);
  if (rc != NP_OK)
    return np_error_set(err, rc, NULL);
  if ((c->n + 1) * 2 >= c->nslot &&
      rehash(c, c->nslot ? c->nslot * 2 : 16) != NP_OK)
    return np_error_set(err, NP_ENOMEM, NULL);
  np_morsel *m = np__morsel_new();
  if (!m)
    return np_error_set(err, NP_ENOMEM, NULL);
  c->v[c->n++] = m;
  *out = m;
  return NP_OK;
}

/* BaseCookie.__set(key, real, coded): Morsel.set's checks, then store. */
int np__cookies_set_morsel(np_cookies *c, np_slice key, np_slice real,
                           np_slice coded, np_morsel **out, np_error *err) {
  if (np__morsel_attr_index(key.ptr, key.len) >= 0)
    return np_error_set(err, NP_ECOOKIE_RESERVED,
                        "Attempt to set a reserved key '%.*s'", (int)key.len,
                        key.ptr);
  if (!np_cookie_is_legal_key(key.ptr, key.len))
    return np_error_set(err, NP_ECOOKIE_KEY, "Illegal key '%.*s'",
                        (int)(key.len > 64 ? 64 : key.len), key.ptr);
  np_morsel *m = np_cookies_get(c, key.ptr, key.len);
  if (!m) {
    int rc = add_morsel(c, &m, err);
    if (rc != NP_OK)
      return rc;
    rc = np__morsel_set(m, key, real, coded);
    c->slot[find_slot(c, key.ptr, key.len)] = c->n;
    if (rc != NP_OK)
      return np_error_set(err, rc, NULL);
  } else if (np__morsel_set(m, key, real, coded) != NP_OK) {
    return np_error_set(err, NP_ENOMEM, NULL);
  }
  if (out)
    *out = m;
  return NP_OK;
}

int np_cookies_set(np_cookies *c, const char *key, size_t key_len,
                   const char *value, size_t value_len, np_error *err) {
  np_slice k = np_slice_from(key ? key : "", key_len);
  np_slice v = np_slice_from(value ? value : "", value_len);
  if (c->kind == NP_COOKIES_BASE)
    return np__cookies_set_morsel(c, k, v, v, NULL, err);
  np_buf coded;
  np_buf_init(&coded, 0);
  int rc = np_cookie_quote(&coded, v.ptr, v.len);
  if (rc == NP_OK)
    rc = np__cookies_set_morsel(c, k, v, np_slice_from(coded.data, coded.len),
                                NULL, err);
  else
    np_error_set(err, rc, NULL);
  np_buf_free(&coded);
  return rc;
}

/* ---- output ---------------------------------------------------------- */

static int cmp_morsel(const void *a, const void *b) {
  const np_morsel *x = *(np_morsel *const *)a, *y = *(np_morsel *const *)b;
  size_t n = x->key.len < y->key.len ? x->key.len : y->key.len;
  int d = memcmp(x->key.data, y->key.data, n);
  if (d)
    return d;
  return (x->key.len > y->key.len) - (x->key.len < y->key.len);
}

/* The morsels sorted by key, as sorted(self.items()) gives them. */
static np_morsel **sorted(const np_cookies *c) {
  np_morsel **s = np_malloc((c->n ? c->n : 1) * sizeof *s);
  if (!s)
    return NULL;
  if (c->n)
    memcpy(s, c->v, c->n * sizeof *s);
  qsort(s, c->n, sizeof *s, cmp_morsel);
  return s;
}

int np_cookies_output(const np_cookies *c, np_buf *out,
                      const char *const *attrs, const char *header,
                      const char *sep) {
  np_morsel **s = sorted(c);
  if (!s)
    return NP_ENOMEM;
  int rc = NP_OK;
  for (size_t i = 0; rc == NP_OK && i < c->n; i++) {
    if (i)
      rc = np_buf_append_cstr(out, sep ? sep : "\r\n");
    if (rc == NP_OK)
      rc = np_morsel_output(s[i], out, attrs, header);
  }
  np_free(s);
  return rc;
}

int np_cookies_js_output(const np_cookies *c, np_buf *out,
                         const char *const *attrs) {
  np_morsel **s = sorted(c);
  if (!s)
    return NP_ENOMEM;
  int rc = NP_OK;
  for (size_t i = 0; rc == NP_OK && i < c->n; i++)
    rc = np_morsel_js_output(s[i], out, attrs);
  np_free(s);
  return rc;
}
