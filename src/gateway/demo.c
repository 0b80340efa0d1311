/* demo_app: "Hello world!" and the environ, sorted, as Python prints it
 * (print(k, '=', repr(v))). */
#include "gateway/gw_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct item {
  np_slice name, value;
  const char *literal; /* a non-string value already in Python's form */
} item;

static int by_name(const void *a, const void *b) {
  const item *x = a, *y = b;
  size_t n = x->name.len < y->name.len ? x->name.len : y->name.len;
  int c = memcmp(x->name.ptr, y->name.ptr, n);
  return c ? c : (x->name.len > y->name.len) - (x->name.len < y->name.len);
}

/* repr() of a latin-1 str, written as UTF-8. */
static int py_repr(np_buf *b, np_slice v) {
  bool sq = memchr(v.ptr, '\'', v.len) != NULL;
  bool dq = memchr(v.ptr, '"', v.len) != NULL;
  char q = sq && !dq ? '"' : '\'';
  int rc = np_buf_putc(b, q);
  for (size_t i = 0; rc == NP_OK && i < v.len; i++) {
    unsigned char c = (unsigned char)v.ptr[i];
    if (c == '\\' || c == (unsigned char)q)
      rc = np_buf_printf(b, "\\%c", c);
    else if (c == '\t')
      rc = np_buf_append(b, "\\t", 2);
    else if (c == '\n')
      rc = np_buf_append(b, "\\n", 2);
    else if (c == '\r')
      rc = np_buf_append(b, "\\r", 2);
    else if (c < 0x20 || (c >= 0x7f && c <= 0xa0) || c == 0xad)
      rc = np_buf_printf(b, "\\x%02x", c);
    else if (c >= 0x80)
      rc = np_buf_printf(b, "%c%c", 0xc0 | c >> 6, 0x80 | (c & 0x3f));
    else
      rc = np_buf_putc(b, c);
  }
  return rc == NP_OK ? np_buf_putc(b, q) : rc;
}

static int demo_next(np_gw_body *b, np_gw_chunk *out) {
  np_buf *text = b->ctx;
  if (b->pos++)
    return NP_GW_END;
  memset(out, 0, sizeof *out);
  out->data = text->data;
  out->len = text->len;
  return NP_OK;
}

static void demo_close(np_gw_body *b) {
  np_buf_free(b->ctx);
  np_free(b->ctx);
}

static int render(np_gw_environ *env, np_buf *text) {
  size_t n = np_gw_environ_count(env);
  item *items = np_malloc((n + 8) * sizeof *items);
  if (!items)
    return NP_ENOMEM;
  size_t k = 0;
  for (size_t i = 0; i < n; i++, k++) {
    np_gw_environ_at(env, i, &items[k].name, &items[k].value);
    items[k].literal = items[k].value.ptr ? NULL : "<pointer>";
  }
  unsigned f = np_gw_environ_flags(env);
  const struct { const char *name, *literal; } fixed[] = {
      {"wsgi.errors", "<wsgi.errors>"},
      {"wsgi.input", "<wsgi.input>"},
      {"wsgi.multiprocess", f & NP_GW_MULTIPROCESS ? "True" : "False"},
      {"wsgi.multithread", f & NP_GW_MULTITHREAD ? "True" : "False"},
      {"wsgi.run_once", f & NP_GW_RUN_ONCE ? "True" : "False"},
      {"wsgi.version", "(1, 0)"}};
  for (size_t i = 0; i < NP_ARRAY_LEN(fixed); i++, k++) {
    items[k].name = np_slice_cstr(fixed[i].name);
    items[k].value = NP_SLICE_NULL;
    items[k].literal = fixed[i].literal;
  }
  qsort(items, k, sizeof *items, by_name);
  int rc = np_buf_append_cstr(text, "Hello world!\n\n");
  for (size_t i = 0; rc == NP_OK && i < k; i++) {
    rc = np_buf_printf(text, "%.*s = ", NP_SLICE_ARG(items[i].name));
    if (rc == NP_OK)
      rc = items[i].literal ? np_buf_append_cstr(text, items[i].literal)
                            : py_repr(text, items[i].value);
    if (rc == NP_OK)
      rc = np_buf_putc(text, '\n');
  }
  np_free(items);
  return rc;
}

int np_gw_demo_app(void *ctx, np_gw_environ *env, np_gw_start *sr,
                   np_gw_body *body) {
  (void)ctx;
  np_buf *text = np_malloc(sizeof *text);
  if (!text)
    return NP_ENOMEM;
  np_buf_init(text, 0);
  /* The body owns the text from here on: close frees it. */
  np_gw_body_generator(body, demo_next, demo_close, text, -1);
  int rc = render(env, text);
  if (rc < 0)
    return rc;
  body->length = (int64_t)text->len;
  static const np_gw_header h[] = {
      {"Content-Type", "text/plain; charset=utf-8"}};
  return np_gw_start_response(sr, "200 OK", h, 1, NULL);
}
