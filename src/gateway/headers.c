/* wsgiref.headers.Headers: an ordered list of (name, value) fields with
 * case-insensitive lookup.  Each field is one allocation holding both
 * strings. */
#include "gateway/gw_internal.h"

#include <string.h>

typedef struct field {
  char *name;
  char *value;
} field;

struct np_gw_headers {
  field *f;
  size_t n, cap;
};

int np_gw_headers_new(np_gw_headers **out) {
  np_gw_headers *h = np_malloc(sizeof *h);
  if (!h)
    return NP_ENOMEM;
  memset(h, 0, sizeof *h);
  *out = h;
  return NP_OK;
}

void np_gw_headers_free(np_gw_headers *h) {
  if (!h)
    return;
  for (size_t i = 0; i < h->n; i++)
    np_free(h->f[i].name);
  np_free(h->f);
  np_free(h);
}

static bool name_is(const char *a, const char *b) {
  size_t n = strlen(a);
  return strlen(b) == n && np__ieq(a, b, n);
}

/* Append a field; value_len bytes of value (no NUL inside). */
static int push(np_gw_headers *h, const char *name, const char *value,
                size_t value_len) {
  if (!np__gw_token(name))
    return NP_EINVAL;
  if (h->n >= NP_GW_MAX_HEADERS)
    return NP_ETOOLARGE;
  int grown = np__array_reserve(&h->f, &h->cap, h->n + 1, sizeof *h->f, 8);
  if (grown)
    return grown;
  size_t nl = strlen(name);
  char *mem = np_malloc(nl + value_len + 2);
  if (!mem)
    return NP_ENOMEM;
  memcpy(mem, name, nl + 1);
  memcpy(mem + nl + 1, value, value_len);
  mem[nl + 1 + value_len] = '\0';
  if (!np__gw_value_ok(mem + nl + 1)) {
    np_free(mem);
    return NP_EINVAL;
  }
  h->f[h->n].name = mem;
  h->f[h->n].value = mem + nl + 1;
  h->n++;
  return NP_OK;
}

int np_gw_headers_extend(np_gw_headers *h, const np_gw_header *hdrs,
                         size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (!hdrs[i].value)
      return NP_EINVAL;
    int rc = push(h, hdrs[i].name, hdrs[i].value, strlen(hdrs[i].value));
    if (rc < 0)
      return rc;
  }
  return NP_OK;
}

size_t np_gw_headers_count(const np_gw_headers *h) { return h ? h->n : 0; }

bool np_gw_headers_at(const np_gw_headers *h, size_t i, const char **name,
                      const char **value) {
  if (!h || i >= h->n)
    return false;
  if (name)
    *name = h->f[i].name;
  if (value)
    *value = h->f[i].value;
  return true;
}

long np_gw_headers_next(const np_gw_headers *h, const char *name,
                        size_t *from) {
  for (size_t i = *from; h && i < h->n; i++)
    if (name_is(h->f[i].name, name)) {
      *from = i + 1;
      return (long)i;
    }
  *from = h ? h->n : 0;
  return -1;
}

const char *np_gw_headers_get(const np_gw_headers *h, const char *name) {
  size_t from = 0;
  long i = np_gw_headers_next(h, name, &from);
  return i < 0 ? NULL : h->f[i].value;
}

size_t np_gw_headers_remove(np_gw_headers *h, const char *name) {
  size_t kept = 0, removed = 0;
  for (size_t i = 0; h && i < h->n; i++) {
    if (name_is(h->f[i].name, name)) {
      np_free(h->f[i].name);
      removed++;
    } else {
      h->f[kept++] = h->f[i];
    }
  }
  if (h)
    h->n = kept;
  return removed;
}

int np_gw_headers_set(np_gw_headers *h, const char *name, const char *value) {
  if (!h || !value || !np__gw_token(name) || !np__gw_value_ok(value))
    return NP_EINVAL;
  np_gw_headers_remove(h, name);
  return push(h, name, value, strlen(value));
}

int np_gw_headers_setdefault(np_gw_headers *h, const char *name,
                             const char *value, const char **result) {
  const char *have = np_gw_headers_get(h, name);
  if (have) {
    if (result)
      *result = have;
    return NP_OK;
  }
  if (!h || !value)
    return NP_EINVAL;
  int rc = push(h, name, value, strlen(value));
  if (rc == NP_OK && result)
    *result = h->f[h->n - 1].value;
  return rc;
}

/* _formatparam(param, value, quote=1): a non-empty value is always quoted,
 * with backslash and double quote escaped. */
static int format_param(np_buf *b, const np_gw_param *p) {
  int rc = NP_OK;
  for (const char *s = p->name; rc == NP_OK && *s; s++)
    rc = np_buf_putc(b, *s == '_' ? '-' : *s);
  if (rc != NP_OK || !p->value || !*p->value)
    return rc;
  rc = np_buf_append(b, "=\"", 2);
  for (const char *s = p->value; rc == NP_OK && *s; s++) {
    if (*s == '\\' || *s == '"')
      rc = np_buf_putc(b, '\\');
    if (rc == NP_OK)
      rc = np_buf_putc(b, *s);
  }
  if (rc == NP_OK)
    rc = np_buf_putc(b, '"');
  return rc;
}

int np_gw_headers_add(np_gw_headers *h, const char *name, const char *value,
                      const np_gw_param *params, size_t nparams) {
  if (!h || (!params && nparams))
    return NP_EINVAL;
  np_buf v;
  np_buf_init(&v, 0);
  int rc = value ? np_buf_append_cstr(&v, value) : NP_OK;
  for (size_t i = 0; rc == NP_OK && i < nparams; i++) {
    if (!params[i].name) {
      rc = NP_EINVAL;
      break;
    }
    if (v.len || i > 0 || value)
      rc = np_buf_append(&v, "; ", 2);
    if (rc == NP_OK)
      rc = format_param(&v, &params[i]);
  }
  if (rc == NP_OK)
    rc = push(h, name, v.data ? v.data : "", v.len);
  np_buf_free(&v);
  return rc;
}

int np_gw_headers_format(const np_gw_headers *h, np_buf *out) {
  int rc = NP_OK;
  for (size_t i = 0; rc == NP_OK && h && i < h->n; i++)
    rc = np_buf_printf(out, "%s: %s\r\n", h->f[i].name, h->f[i].value);
  if (rc == NP_OK)
    rc = np_buf_append(out, "\r\n", 2);
  return rc;
}

void np__gw_headers_clear(np_gw_headers *h) {
  for (size_t i = 0; i < h->n; i++)
    np_free(h->f[i].name);
  h->n = 0;
}
