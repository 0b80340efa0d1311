/*
 * fuzz_url - libFuzzer target for urllib.parse (netproto/url.h).
 *
 * Input: the first byte chooses options, the rest is the data.
 *   bit 0      NP_URL_NO_FRAGMENTS
 *   bits 1-2   default scheme: none, "http", "ftp", "mailto"
 *   bit 3      parse_qs keep_blank_values
 *   bit 4      parse_qs strict_parsing
 *   bit 5      parse_qs max_num_fields = 4 (else no limit)
 *   bit 6      parse_qs separator ";" (else "&"); with bit 5 too: ""
 *   bit 7      allocation failures: the allocator fails after
 *              (first byte >> 1) & 7 allocations
 * urljoin gets the data cut in two at its first NUL, or, when it has none,
 * at (first byte) modulo its length.
 *
 * np_urldefrag is run too (errors, and no fragment without a '#').
 *
 * Properties (a violation is __builtin_trap()):
 *  - every call returns NP_OK or one of the errors its header documents;
 *  - a split's six components are present, each non-empty slice lies in the
 *    input, the np_url's store or the default scheme; hostname is absent
 *    or non-empty, scheme (when parsed) and hostname (up to a '%' zone id)
 *    have no ASCII upper case; port is -1..65535, -1 when port_status is NP_EURL_PORT;
 *  - unsplit(split(unsplit(split(x)))) == unsplit(split(x)), except when
 *    the first split has no netloc and a path starting with "//", which
 *    CPython 3.11 itself loses two slashes of on each round (so does
 *    netproto, faithfully); the re-split may fail only for input that is
 *    not UTF-8 (see check_roundtrip);
 *  - unquote_to_bytes(quote(x, safe="")) == x, quote's output holds only
 *    unreserved bytes, '%' and hex, quote_plus's has no space;
 *  - unquote and unquote_plus return input without '%' (and '+') as is;
 *  - parse_qs holds as many values as parse_qsl has pairs, np_qs_get
 *    finds every name; a strict-free parse never fails with a syntax error;
 *  - for UTF-8 input, parse_qsl(urlencode(parse_qsl(x)), keep_blank) gives
 *    the same pairs back.
 * With allocation failures on, only the first property is checked (and
 * that no call crashes or leaks).
 */
#include "netproto/url.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* -DFUZZ_URL_DEBUG names the failed check before trapping (triage). */
#ifdef FUZZ_URL_DEBUG
#include <stdio.h>
#define CHECK_REPORT(cond) fprintf(stderr, "fuzz_url: line %d: %s\n", __LINE__, #cond)
#else
#define CHECK_REPORT(cond) ((void)0)
#endif
#define CHECK(cond)                                                         \
  do {                                                                      \
    if (!(cond)) {                                                          \
      CHECK_REPORT(cond);                                                   \
      __builtin_trap();                                                     \
    }                                                                       \
  } while (0)

/* ---- allocation failure injection ---------------------------------- */

static long fail_after = -1; /* -1: never fail */

static bool should_fail(void) {
  if (fail_after < 0)
    return false;
  if (fail_after == 0)
    return true;
  fail_after--;
  return false;
}
static void *fz_malloc(size_t n) { return should_fail() ? NULL : malloc(n); }
static void *fz_realloc(void *p, size_t n) {
  return should_fail() ? NULL : realloc(p, n);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  np_set_allocator(fz_malloc, fz_realloc, free);
  return 0;
}

/* ---- helpers ------------------------------------------------------- */

static bool in_range(np_slice s, const char *base, size_t len) {
  uintptr_t p = (uintptr_t)s.ptr, b = (uintptr_t)base;
  return base && p >= b && p + s.len <= b + len;
}

static bool split_error_ok(int rc) {
  return rc == NP_OK || rc == NP_EURL_BRACKET || rc == NP_EURL_IPV6 ||
         rc == NP_EURL_NETLOC_NFKC || rc == NP_ENOMEM;
}

static bool buf_error_ok(int rc) {
  return rc == NP_OK || rc == NP_ENOMEM || rc == NP_ETOOLARGE;
}

static bool has_upper(np_slice s) {
  for (size_t i = 0; i < s.len; i++)
    if (s.ptr[i] >= 'A' && s.ptr[i] <= 'Z')
      return true;
  return false;
}

static bool eq(const char *a, size_t alen, const char *b, size_t blen) {
  return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/* Strict UTF-8 as Python decodes it: no overlongs, surrogates or > U+10FFFF. */
static bool valid_utf8(const unsigned char *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    unsigned c = s[i];
    size_t n;
    uint32_t cp, min;
    if (c < 0x80) {
      i++;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (len - i <= n)
      return false;
    for (size_t k = 1; k <= n; k++) {
      if ((s[i + k] & 0xC0) != 0x80)
        return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

/* ---- split / parse ------------------------------------------------- */

static np_url u1, u2; /* static: reuse of an np_url's store is tested too */

static void check_slices(const np_url *u, const char *in, size_t len,
                         const char *ds, bool parsed_scheme) {
  const np_slice comps[] = {u->scheme, u->netloc, u->path,
                            u->params, u->query, u->fragment};
  const np_slice derived[] = {u->username, u->password, u->hostname};
  for (size_t i = 0; i < 6; i++)
    CHECK(comps[i].ptr != NULL);
  for (size_t i = 0; i < 9; i++) {
    np_slice s = i < 6 ? comps[i] : derived[i - 6];
    if (!s.ptr || s.len == 0)
      continue;
    CHECK(in_range(s, in, len) ||
          in_range(s, u->store_.data, u->store_.len) ||
          (ds && in_range(s, ds, strlen(ds))));
  }
  CHECK(!u->hostname.ptr || u->hostname.len > 0);
  /* Python lower-cases the hostname up to its first '%' (a zone id after
   * it keeps its case). */
  np_slice h = u->hostname;
  const char *pct = h.ptr ? memchr(h.ptr, '%', h.len) : NULL;
  if (pct)
    h.len = (size_t)(pct - h.ptr);
  CHECK(!has_upper(h));
  CHECK(!parsed_scheme || !has_upper(u->scheme));
  CHECK(u->port_status == NP_OK || u->port_status == NP_EURL_PORT);
  CHECK(u->port >= -1 && u->port <= 65535);
  CHECK(u->port_status == NP_OK || u->port == -1);
}

typedef int (*split_fn)(np_url *, const char *, size_t, const char *,
                        unsigned, np_error *);
typedef int (*unsplit_fn)(np_buf *, const np_url *);

static bool starts_2slash(np_slice s) {
  return s.len >= 2 && s.ptr[0] == '/' && s.ptr[1] == '/';
}

static void check_roundtrip(split_fn split, unsplit_fn unsplit, const char *in,
                            size_t len, const char *ds, unsigned flags,
                            bool props) {
  np_error err = NP_ERROR_INIT;
  int rc = split(&u1, in, len, ds, flags, &err);
  CHECK(split_error_ok(rc));
  CHECK(rc == NP_OK || err.code == rc);
  np_error_clear(&err);
  if (rc != NP_OK)
    return;
  /* The scheme was parsed (so lower-cased) unless the default was used. */
  bool parsed = !ds || u1.scheme.ptr < ds || u1.scheme.ptr > ds + strlen(ds);
  check_slices(&u1, in, len, ds, parsed);
  np_buf a, b;
  np_buf_init(&a, 0);
  np_buf_init(&b, 0);
  rc = unsplit(&a, &u1);
  CHECK(buf_error_ok(rc));
  if (rc != NP_OK || !props || (u1.netloc.len == 0 && starts_2slash(u1.path)))
    goto done;
  rc = split(&u2, a.data, a.len, ds, flags, NULL);
  /* Bytes that are not UTF-8 stand for themselves (surrogate escapes); once
   * a tab between them is gone they may join into a character that NFKC
   * changes, so a re-split may fail where Python, on its str, would not. */
  if (rc != NP_OK && !valid_utf8((const unsigned char *)in, len)) {
    CHECK(split_error_ok(rc));
    goto done;
  }
  CHECK(rc == NP_OK);
  check_slices(&u2, a.data, a.len, ds, false);
  rc = unsplit(&b, &u2);
  CHECK(buf_error_ok(rc));
  if (rc == NP_OK)
    CHECK(eq(a.data, a.len, b.data, b.len));
done:
  np_buf_free(&a);
  np_buf_free(&b);
}

static void check_join(const char *in, size_t len, unsigned sel,
                       unsigned flags) {
  if (len == 0)
    return;
  const char *nul = memchr(in, '\0', len);
  size_t cut = nul ? (size_t)(nul - in) : sel % len;
  size_t rest = nul ? cut + 1 : cut;
  np_buf out;
  np_buf_init(&out, 0);
  np_error err = NP_ERROR_INIT;
  int rc = np_urljoin(&out, in, cut, in + rest, len - rest, flags, &err);
  CHECK(split_error_ok(rc));
  np_error_clear(&err);
  np_buf_free(&out);
}

/* urldefrag: the fragment it returns is the one urlparse finds. */
static void check_defrag(const char *in, size_t len, bool props) {
  np_buf url, frag;
  np_buf_init(&url, 0);
  np_buf_init(&frag, 0);
  int rc = np_urldefrag(&url, &frag, in, len, NULL);
  CHECK(split_error_ok(rc));
  if (rc == NP_OK && props && memchr(in, '#', len) == NULL)
    CHECK(frag.len == 0);
  np_buf_free(&url);
  np_buf_free(&frag);
}

/* ---- quote / unquote ----------------------------------------------- */

static bool quoted_byte_ok(unsigned char c, const char *safe) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-' ||
         c == '~' || c == '%' || (c && strchr(safe, c));
}

static void check_quote(const char *in, size_t len, bool props) {
  np_buf q, r;
  np_buf_init(&q, 0);
  np_buf_init(&r, 0);
  int rc = np_quote(&q, in, len, "");
  CHECK(buf_error_ok(rc));
  if (rc == NP_OK && props) {
    for (size_t i = 0; i < q.len; i++)
      CHECK(quoted_byte_ok((unsigned char)q.data[i], ""));
    rc = np_unquote_to_bytes(&r, q.data, q.len);
    CHECK(buf_error_ok(rc));
    if (rc == NP_OK)
      CHECK(eq(r.data, r.len, in, len));
  }
  np_buf_reset(&q);
  rc = np_quote(&q, in, len, NULL); /* safe="/" */
  CHECK(buf_error_ok(rc));
  if (rc == NP_OK && props)
    for (size_t i = 0; i < q.len; i++)
      CHECK(quoted_byte_ok((unsigned char)q.data[i], "/"));
  np_buf_reset(&q);
  rc = np_quote_plus(&q, in, len, ":/?");
  CHECK(buf_error_ok(rc));
  if (rc == NP_OK && props)
    for (size_t i = 0; i < q.len; i++)
      CHECK(quoted_byte_ok((unsigned char)q.data[i], ":/?+"));
  np_buf_free(&q);
  np_buf_free(&r);
}

static void check_unquote(const char *in, size_t len, bool props) {
  np_buf r;
  np_buf_init(&r, 0);
  bool pct = memchr(in, '%', len) != NULL;
  bool plus = memchr(in, '+', len) != NULL;
  int rc = np_unquote_to_bytes(&r, in, len);
  CHECK(buf_error_ok(rc));
  if (rc == NP_OK && props && !pct)
    CHECK(eq(r.data, r.len, in, len));
  np_buf_reset(&r);
  rc = np_unquote(&r, in, len);
  CHECK(buf_error_ok(rc));
  if (rc == NP_OK && props && !pct)
    CHECK(eq(r.data, r.len, in, len));
  np_buf_reset(&r);
  rc = np_unquote_plus(&r, in, len);
  CHECK(buf_error_ok(rc));
  if (rc == NP_OK && props && !pct && !plus)
    CHECK(eq(r.data, r.len, in, len));
  np_buf_free(&r);
}

/* ---- query strings ------------------------------------------------- */

static bool qs_error_ok(int rc, const np_qs_options *o) {
  if (rc == NP_OK || rc == NP_ENOMEM)
    return true;
  if (rc == NP_EURL_QS_FIELDS)
    return o->max_num_fields != 0;
  if (rc == NP_EURL_QS_SYNTAX)
    return o->strict_parsing;
  if (rc == NP_EURL_QS_SEPARATOR)
    return o->separator && !o->separator[0];
  return false;
}

static bool same_pairs(const np_qs *a, const np_qs *b) {
  if (a->count != b->count)
    return false;
  for (size_t i = 0; i < a->count; i++) {
    const np_qs_pair *x = &a->pairs[i], *y = &b->pairs[i];
    if (!eq(x->name.ptr, x->name.len, y->name.ptr, y->name.len) ||
        !eq(x->value.ptr, x->value.len, y->value.ptr, y->value.len))
      return false;
  }
  return true;
}

static void check_urlencode(const np_qs *qsl, bool props) {
  np_buf enc;
  np_buf_init(&enc, 0);
  int rc = np_urlencode(&enc, qsl->pairs, qsl->count, NULL, NULL);
  CHECK(buf_error_ok(rc));
  if (rc == NP_OK && props) {
    np_qs back;
    np_qs_init(&back);
    np_qs_options o = {1, 0, 0, NULL};
    /* An empty np_buf's data is NULL: (NULL, 0) is valid input. */
    rc = np_parse_qsl(&back, enc.data, enc.len, &o, NULL);
    CHECK(rc == NP_OK || rc == NP_ENOMEM);
    if (rc == NP_OK)
      CHECK(same_pairs(qsl, &back));
    np_qs_free(&back);
  }
  np_buf_reset(&enc);
  rc = np_urlencode(&enc, qsl->pairs, qsl->count, "/", np_quote);
  CHECK(buf_error_ok(rc));
  np_buf_free(&enc);
}

static void check_qs(const char *in, size_t len, unsigned sel, bool props) {
  np_qs_options o;
  memset(&o, 0, sizeof o);
  o.keep_blank_values = (sel >> 3) & 1;
  o.strict_parsing = (sel >> 4) & 1;
  o.max_num_fields = (sel >> 5) & 1 ? 4 : 0;
  if ((sel >> 6) & 1)
    o.separator = (sel >> 5) & 1 ? "" : ";";
  np_qs qsl, qs;
  np_qs_init(&qsl);
  np_qs_init(&qs);
  np_error err = NP_ERROR_INIT;
  int rc1 = np_parse_qsl(&qsl, in, len, &o, &err);
  CHECK(qs_error_ok(rc1, &o));
  np_error_clear(&err);
  int rc2 = np_parse_qs(&qs, in, len, &o, NULL);
  CHECK(qs_error_ok(rc2, &o));
  if (props && o.separator && !o.separator[0])
    CHECK(rc1 == NP_EURL_QS_SEPARATOR && rc2 == NP_EURL_QS_SEPARATOR);
  if (props && rc1 == NP_OK && rc2 == NP_OK) {
    CHECK(qs.count == qsl.count);
    size_t total = 0, i = 0;
    while (i < qs.count) {
      size_t first = (size_t)-1;
      size_t n = np_qs_get(&qs, qs.pairs[i].name.ptr, qs.pairs[i].name.len,
                           &first);
      CHECK(n >= 1 && first == i && i + n <= qs.count);
      total += n;
      i += n;
    }
    CHECK(total == qs.count);
  }
  if (rc1 == NP_OK)
    check_urlencode(&qsl, props && valid_utf8((const unsigned char *)in, len));
  np_qs_free(&qsl);
  np_qs_free(&qs);
}

/* ---- entry --------------------------------------------------------- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  static const char *const schemes[] = {NULL, "http", "ftp", "mailto"};
  unsigned sel = data[0];
  const char *in = (const char *)data + 1;
  size_t len = size - 1;
  unsigned flags = (sel & 1) ? NP_URL_NO_FRAGMENTS : 0;
  const char *ds = schemes[(sel >> 1) & 3];
  bool props = !(sel & 0x80);
  fail_after = props ? -1 : (long)((sel >> 1) & 7);

  check_roundtrip(np_urlsplit, np_urlunsplit, in, len, ds, flags, props);
  check_roundtrip(np_urlparse, np_urlunparse, in, len, ds, flags, props);
  check_join(in, len, sel, flags);
  check_defrag(in, len, props);
  check_quote(in, len, props);
  check_unquote(in, len, props);
  check_qs(in, len, sel, props);
  fail_after = -1;
  return 0;
}
