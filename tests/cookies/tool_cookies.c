/*
 * Driver for the differential test against CPython's http.cookies
 * (cookies_test.py).  Reads one case a line from stdin, "<op> <hex> [<hex>]",
 * and writes one line of hex per case:
 *   L/B <header>     SimpleCookie/BaseCookie().load(header): state + output
 *   S <key> <value>  SimpleCookie()[key] = value: state + output
 *   Q <s> / U <s>    _quote(s) / _unquote(s)
 *   J <header>       SimpleCookie().load(header).js_output()
 * The state is "ok" or "err:<name>", then per morsel in insertion order
 * key, value, coded value and the non-empty attributes, then output().
 */
#include "netproto/cookies.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const attr_names[] = {"comment", "domain",   "expires",
                                         "httponly", "max-age", "path",
                                         "samesite", "secure",  "version"};

static int unhex(const char *h, size_t n, np_buf *out) {
  static const char d[] = "0123456789abcdef";
  for (size_t i = 0; i + 1 < n; i += 2) {
    const char *a = strchr(d, h[i]), *b = strchr(d, h[i + 1]);
    if (!a || !b)
      return -1;
    np_buf_putc(out, (int)(((a - d) << 4) | (b - d)));
  }
  return 0;
}

static void put_hex(const np_buf *b) {
  for (size_t i = 0; i < b->len; i++)
    printf("%02x", (unsigned char)b->data[i]);
  putchar('\n');
}

static void dump_morsel(const np_morsel *m, np_buf *o) {
  np_slice k = np_morsel_key(m), v = np_morsel_value(m),
           c = np_morsel_coded_value(m);
  np_buf_append_cstr(o, "K=");
  np_buf_append_slice(o, k);
  np_buf_append(o, "\0V=", 3);
  np_buf_append_slice(o, v);
  np_buf_append(o, "\0C=", 3);
  np_buf_append_slice(o, c);
  np_buf_putc(o, 0);
  for (size_t i = 0; i < sizeof attr_names / sizeof *attr_names; i++) {
    np_slice s;
    long long num;
    int kind = np_morsel_get_attr(m, attr_names[i], strlen(attr_names[i]), &s,
                                  &num);
    if (kind == NP_MORSEL_STR) {
      np_buf_printf(o, "%s:s:", attr_names[i]);
      np_buf_append_slice(o, s);
      np_buf_putc(o, 0);
    }
    else if (kind == NP_MORSEL_TRUE)
      np_buf_printf(o, "%s:t:%c", attr_names[i], 0);
    else if (kind == NP_MORSEL_NONE)
      np_buf_printf(o, "%s:n:%c", attr_names[i], 0);
  }
}

static void dump(const np_cookies *c, int rc, np_buf *o) {
  if (rc == NP_OK)
    np_buf_append_cstr(o, "ok");
  else
    np_buf_printf(o, "err:%s", np_status_name(rc));
  np_buf_putc(o, 1);
  for (size_t i = 0; i < np_cookies_count(c); i++)
    dump_morsel(np_cookies_at(c, i), o);
  np_buf_putc(o, 1);
  np_cookies_output(c, o, NULL, NULL, NULL);
}

static void run(char op, np_buf *a, np_buf *b, np_buf *o) {
  if (op == 'Q' || op == 'U') {
    (op == 'Q' ? np_cookie_quote : np_cookie_unquote)(o, a->data, a->len);
    return;
  }
  np_cookies *c =
      np_cookies_new(op == 'B' ? NP_COOKIES_BASE : NP_COOKIES_SIMPLE);
  int rc = op == 'S' ? np_cookies_set(c, a->data, a->len, b->data, b->len, NULL)
                     : np_cookies_load(c, a->data, a->len, NULL);
  if (op == 'J')
    np_cookies_js_output(c, o, NULL);
  else
    dump(c, rc, o);
  np_cookies_free(c);
}

int main(void) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  np_buf a, b, o;
  np_buf_init(&a, 0);
  np_buf_init(&b, 0);
  np_buf_init(&o, 0);
  while ((n = getline(&line, &cap, stdin)) > 0) {
    if (line[n - 1] == '\n')
      line[--n] = 0;
    char *sp1 = strchr(line, ' ');
    if (!sp1)
      continue;
    char *sp2 = strchr(sp1 + 1, ' ');
    np_buf_reset(&a);
    np_buf_reset(&b);
    np_buf_reset(&o);
    np_buf_append(&a, "", 0);
    np_buf_append(&b, "", 0);
    unhex(sp1 + 1, sp2 ? (size_t)(sp2 - sp1 - 1) : strlen(sp1 + 1), &a);
    if (sp2)
      unhex(sp2 + 1, strlen(sp2 + 1), &b);
    run(line[0], &a, &b, &o);
    put_hex(&o);
  }
  free(line);
  np_buf_free(&a);
  np_buf_free(&b);
  np_buf_free(&o);
  return 0;
}
