/* Morsels: one cookie's key, value and attributes, and how they print. */
#include "cookies/morsel.h"

#include "core/date.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* In sorted order of the keys, because output sorts by key. */
static const struct {
  const char *key; /* Morsel's dict key */
  const char *out; /* how OutputString names it */
} np_attrs[NP_MA_COUNT] = {
    {"comment", "Comment"},   {"domain", "Domain"},
    {"expires", "expires"},   {"httponly", "HttpOnly"},
    {"max-age", "Max-Age"},   {"path", "Path"},
    {"samesite", "SameSite"}, {"secure", "Secure"},
    {"version", "Version"},
};

int np__morsel_attr_index(const char *name, size_t len) {
  for (int i = 0; i < NP_MA_COUNT; i++)
    if (strlen(np_attrs[i].key) == len && np__ieq(name, np_attrs[i].key, len))
      return i;
  return -1;
}

bool np__morsel_is_flag(int idx) {
  return idx == NP_MA_SECURE || idx == NP_MA_HTTPONLY;
}

np_morsel *np__morsel_new(void) {
  np_morsel *m = np_malloc(sizeof *m);
  if (!m)
    return NULL;
  memset(m, 0, sizeof *m);
  np_buf_init(&m->key, 0);
  np_buf_init(&m->value, 0);
  np_buf_init(&m->coded, 0);
  for (int i = 0; i < NP_MA_COUNT; i++)
    np_buf_init(&m->attr[i].str, 0);
  return m;
}

void np__morsel_free(np_morsel *m) {
  if (!m)
    return;
  np_buf_free(&m->key);
  np_buf_free(&m->value);
  np_buf_free(&m->coded);
  for (int i = 0; i < NP_MA_COUNT; i++)
    np_buf_free(&m->attr[i].str);
  np_free(m);
}

static int set_buf(np_buf *b, const char *s, size_t len) {
  np_buf_reset(b);
  int rc = np_buf_append(b, s ? s : "", len);
  return rc;
}

int np__morsel_set(np_morsel *m, np_slice key, np_slice value,
                   np_slice coded) {
  int rc = set_buf(&m->key, key.ptr, key.len);
  if (rc == NP_OK)
    rc = set_buf(&m->value, value.ptr, value.len);
  if (rc == NP_OK)
    rc = set_buf(&m->coded, coded.ptr, coded.len);
  return rc;
}

int np__morsel_put(np_morsel *m, int idx, int kind, const char *s,
                   size_t len, long long num) {
  np__morsel_attr *a = &m->attr[idx];
  np_buf_reset(&a->str);
  a->num = num;
  a->kind = kind;
  if (kind == NP_MORSEL_STR) {
    if (len == 0) {
      a->kind = NP_MORSEL_EMPTY;
      return NP_OK;
    }
    return np_buf_append(&a->str, s, len);
  }
  return NP_OK;
}

np_slice np_morsel_key(const np_morsel *m) {
  return np_slice_from(m->key.data ? m->key.data : "", m->key.len);
}
np_slice np_morsel_value(const np_morsel *m) {
  return np_slice_from(m->value.data ? m->value.data : "", m->value.len);
}
np_slice np_morsel_coded_value(const np_morsel *m) {
  return np_slice_from(m->coded.data ? m->coded.data : "", m->coded.len);
}

int np_morsel_get_attr(const np_morsel *m, const char *name, size_t name_len,
                       np_slice *str, long long *num) {
  int idx = np__morsel_attr_index(name, name_len);
  if (idx < 0)
    return NP_ECOOKIE_ATTR;
  const np__morsel_attr *a = &m->attr[idx];
  if (str)
    *str = np_slice_from(a->str.data ? a->str.data : "", a->str.len);
  if (num)
    *num = a->num;
  return a->kind;
}

static int attr_index_or_error(const char *name, size_t len, np_error *err) {
  int idx = np__morsel_attr_index(name, len);
  if (idx < 0)
    np_error_set(err, NP_ECOOKIE_ATTR, "Invalid attribute '%.*s'",
                 (int)(len > 64 ? 64 : len), name);
  return idx;
}

int np_morsel_set_attr(np_morsel *m, const char *name, size_t name_len,
                       const char *value, size_t value_len, np_error *err) {
  int idx = attr_index_or_error(name, name_len, err);
  if (idx < 0)
    return NP_ECOOKIE_ATTR;
  return np__morsel_put(m, idx, NP_MORSEL_STR, value, value_len, 0);
}

int np_morsel_set_attr_int(np_morsel *m, const char *name, size_t name_len,
                           long long value, np_error *err) {
  int idx = attr_index_or_error(name, name_len, err);
  if (idx < 0)
    return NP_ECOOKIE_ATTR;
  return np__morsel_put(m, idx, NP_MORSEL_INT, NULL, 0, value);
}

int np_morsel_set_flag(np_morsel *m, const char *name, size_t name_len, int on,
                       np_error *err) {
  int idx = attr_index_or_error(name, name_len, err);
  if (idx < 0)
    return NP_ECOOKIE_ATTR;
  return np__morsel_put(m, idx, on ? NP_MORSEL_TRUE : NP_MORSEL_EMPTY, NULL,
                        0, 0);
}

static bool wanted(const char *key, const char *const *attrs) {
  if (!attrs)
    return true;
  for (; *attrs; attrs++)
    if (strcmp(*attrs, key) == 0)
      return true;
  return false;
}

static bool truthy(const np__morsel_attr *a) {
  return a->kind == NP_MORSEL_STR || a->kind == NP_MORSEL_TRUE ||
         (a->kind == NP_MORSEL_INT && a->num != 0);
}

/* str(value) as Python writes it. */
static int put_value(np_buf *out, const np__morsel_attr *a) {
  switch (a->kind) {
  case NP_MORSEL_INT:
    return np_buf_printf(out, "%lld", a->num);
  case NP_MORSEL_TRUE:
    return np_buf_append_cstr(out, "True");
  case NP_MORSEL_NONE:
    return np_buf_append_cstr(out, "None");
  default:
    return np_buf_append(out, a->str.data ? a->str.data : "", a->str.len);
  }
}

static int put_attr(np_buf *out, int idx, const np__morsel_attr *a) {
  if (np__morsel_is_flag(idx))
    return truthy(a) ? np_buf_printf(out, "; %s", np_attrs[idx].out) : NP_OK;
  int rc = np_buf_printf(out, "; %s=", np_attrs[idx].out);
  if (rc != NP_OK)
    return rc;
  if (idx == NP_MA_EXPIRES && a->kind == NP_MORSEL_INT)
    return np__http_date_format(out, (int64_t)time(NULL) + a->num);
  if (idx == NP_MA_COMMENT && a->kind == NP_MORSEL_STR)
    return np_cookie_quote(out, a->str.data, a->str.len);
  return put_value(out, a);
}

int np_morsel_output_string(const np_morsel *m, np_buf *out,
                            const char *const *attrs) {
  int rc = np_buf_append(out, m->key.data ? m->key.data : "", m->key.len);
  if (rc == NP_OK)
    rc = np_buf_putc(out, '=');
  if (rc == NP_OK)
    rc = np_buf_append(out, m->coded.data ? m->coded.data : "", m->coded.len);
  for (int i = 0; rc == NP_OK && i < NP_MA_COUNT; i++) {
    if (m->attr[i].kind == NP_MORSEL_EMPTY || !wanted(np_attrs[i].key, attrs))
      continue;
    rc = put_attr(out, i, &m->attr[i]);
  }
  return rc;
}

int np_morsel_output(const np_morsel *m, np_buf *out, const char *const *attrs,
                     const char *header) {
  int rc = np_buf_append_cstr(out, header ? header : "Set-Cookie:");
  if (rc == NP_OK)
    rc = np_buf_putc(out, ' ');
  return rc == NP_OK ? np_morsel_output_string(m, out, attrs) : rc;
}

int np_morsel_js_output(const np_morsel *m, np_buf *out,
                        const char *const *attrs) {
  np_buf tmp;
  np_buf_init(&tmp, out->max);
  int rc = np_morsel_output_string(m, &tmp, attrs);
  if (rc == NP_OK)
    rc = np_buf_append_cstr(out, "\n        <script type=\"text/javascript\">\n"
                                 "        <!-- begin hiding\n"
                                 "        document.cookie = \"");
  /* OutputString(attrs).replace('"', r'\"') */
  for (size_t i = 0; rc == NP_OK && i < tmp.len; i++)
    rc = tmp.data[i] == '"' ? np_buf_append(out, "\\\"", 2)
                            : np_buf_putc(out, (unsigned char)tmp.data[i]);
  if (rc == NP_OK)
    rc = np_buf_append_cstr(out, "\";\n        // end hiding -->\n"
                                 "        </script>\n        ");
  np_buf_free(&tmp);
  return rc;
}
