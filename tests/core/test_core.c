/* Core: buffer limits, slices, the error model, the allocator policy. */
#include "test.h"

#include <errno.h>

#include "core/internal.h"
#include "netproto/core.h"

TEST(buf_appends_and_stays_nul_terminated) {
  np_buf b;
  np_buf_init(&b, 0);
  ASSERT_OK(np_buf_append_cstr(&b, "hello"));
  ASSERT_OK(np_buf_putc(&b, ' '));
  ASSERT_OK(np_buf_printf(&b, "%d-%s", 42, "x"));
  ASSERT_EQ_MEM(b.data, b.len, "hello 42-x");
  ASSERT(b.data[b.len] == '\0');
  np_buf_consume(&b, 6);
  ASSERT_EQ_MEM(b.data, b.len, "42-x");
  np_buf_reset(&b);
  ASSERT_EQ_INT(b.len, 0);
  np_buf_free(&b);
  ASSERT(b.data == NULL);
}

TEST(buf_refuses_to_grow_past_its_limit) {
  np_buf b;
  np_buf_init(&b, 8);
  ASSERT_OK(np_buf_append(&b, "12345678", 8));
  ASSERT_EQ_INT(np_buf_putc(&b, '9'), NP_ETOOLARGE);
  ASSERT_EQ_MEM(b.data, b.len, "12345678");
  ASSERT_EQ_INT(np_buf_append(&b, "x", (size_t)-1), NP_ETOOLARGE);
  np_buf_free(&b);
}

TEST(buf_detach_hands_over_ownership) {
  np_buf b;
  size_t n = 99;
  np_buf_init(&b, 0);
  char *empty = np_buf_detach(&b, &n);
  ASSERT(empty && empty[0] == '\0' && n == 0);
  np_free(empty);
  ASSERT_OK(np_buf_append_cstr(&b, "abc"));
  char *s = np_buf_detach(&b, &n);
  ASSERT_EQ_MEM(s, n, "abc");
  ASSERT(b.data == NULL && b.len == 0);
  np_free(s);
}

TEST(slices_distinguish_absent_from_empty) {
  np_slice absent = NP_SLICE_NULL, empty = np_slice_cstr("");
  ASSERT(!np_slice_eq(absent, empty));
  ASSERT(np_slice_eq(absent, np_slice_cstr(NULL)));
  ASSERT(np_slice_eq(np_slice_from("ab", 2), np_slice_cstr("ab")));
  ASSERT(np_slice_ieq_cstr(np_slice_cstr("HoSt"), "host"));
  ASSERT(!np_slice_ieq_cstr(absent, ""));
}

TEST(every_status_has_a_name_and_a_message) {
  const int codes[] = {NP_OK, NP_ENOMEM, NP_EINVAL, NP_ETOOLARGE, NP_ESYS,
                       NP_EOF, NP_ETIMEDOUT, NP_EURL_PORT, NP_EURL_BRACKET};
  for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
    ASSERT(strcmp(np_strerror(codes[i]), "unknown error") != 0);
    ASSERT(strncmp(np_status_name(codes[i]), "NP_", 3) == 0);
  }
  ASSERT(strcmp(np_strerror(-12345), "unknown error") == 0);
}

static int payload_freed;
static void free_payload(void *p) {
  payload_freed++;
  np_free(p);
}

TEST(error_detail_carries_message_and_payload) {
  np_error err = NP_ERROR_INIT;
  ASSERT_EQ_INT(np_error_set(&err, NP_EURL_PORT, "port %s", "x1"),
                NP_EURL_PORT);
  ASSERT(strcmp(err.message, "port x1") == 0);
  err.payload = np_malloc(16);
  err.payload_free = free_payload;
  np_error_set(&err, NP_EINVAL, NULL); /* replaces and frees the payload */
  ASSERT_EQ_INT(payload_freed, 1);
  ASSERT(strcmp(err.message, "invalid argument") == 0);
  np_error_clear(&err);
  ASSERT_EQ_INT(err.code, NP_OK);
  ASSERT_EQ_INT(np_error_set(NULL, NP_EOF, "ignored"), NP_EOF);
}

static int fail_after;
static void *failing_malloc(size_t n) {
  return fail_after-- > 0 ? malloc(n) : NULL;
}
static void *failing_realloc(void *p, size_t n) {
  return fail_after-- > 0 ? realloc(p, n) : NULL;
}

TEST(allocation_failure_is_reported_not_fatal) {
  np_buf b;
  np_buf_init(&b, 0);
  np_set_allocator(failing_malloc, failing_realloc, free);
  fail_after = 0;
  ASSERT_EQ_INT(np_buf_append_cstr(&b, "x"), NP_ENOMEM);
  ASSERT(b.data == NULL && b.len == 0);
  np_set_allocator(NULL, NULL, NULL);
  ASSERT_OK(np_buf_append_cstr(&b, "x"));
  np_buf_free(&b);
}

TEST(array_reserve_doubles_from_min_and_keeps_elements) {
  int *v = NULL;
  size_t cap = 0;
  ASSERT_OK(np__array_reserve(&v, &cap, 1, sizeof *v, 4));
  ASSERT(v != NULL);
  ASSERT_EQ_INT(cap, 4);
  for (int i = 0; i < 4; i++)
    v[i] = i;
  int *before = v;
  ASSERT_OK(np__array_reserve(&v, &cap, 4, sizeof *v, 4)); /* fits */
  ASSERT(v == before);
  ASSERT_EQ_INT(cap, 4);
  ASSERT_OK(np__array_reserve(&v, &cap, 5, sizeof *v, 4)); /* doubles */
  ASSERT_EQ_INT(cap, 8);
  ASSERT_OK(np__array_reserve(&v, &cap, 100, sizeof *v, 4)); /* to need */
  ASSERT_EQ_INT(cap, 100);
  for (int i = 0; i < 4; i++)
    ASSERT_EQ_INT(v[i], i);
  v[99] = 99; /* the whole capacity is usable (ASan checks) */
  np_free(v);
}

TEST(array_reserve_failure_changes_nothing) {
  char *v = NULL;
  size_t cap = 0;
  ASSERT_OK(np__array_reserve(&v, &cap, 3, 1, 8));
  memcpy(v, "abc", 3);
  char *before = v;
  ASSERT_EQ_INT(np__array_reserve(&v, &cap, SIZE_MAX / 2 + 1, 2, 8),
                NP_ETOOLARGE);
  ASSERT(v == before);
  ASSERT_EQ_INT(cap, 8);
  np_set_allocator(failing_malloc, failing_realloc, free);
  fail_after = 0;
  ASSERT_EQ_INT(np__array_reserve(&v, &cap, 9, 1, 8), NP_ENOMEM);
  np_set_allocator(NULL, NULL, NULL);
  ASSERT(v == before);
  ASSERT_EQ_INT(cap, 8);
  ASSERT_EQ_MEM(v, 3, "abc");
  np_free(v);
}

TEST(copy_str_gives_a_nul_terminated_copy) {
  char *a = np__copy_str("abcdef", 3);
  ASSERT_EQ_MEM(a, strlen(a), "abc");
  char *b = np__copy_str(NULL, 0);
  ASSERT(b && b[0] == '\0');
  char *c = np__copy_cstr("x y");
  ASSERT_EQ_MEM(c, strlen(c), "x y");
  ASSERT(np__copy_cstr(NULL) == NULL);
  np_set_allocator(failing_malloc, failing_realloc, free);
  fail_after = 0;
  ASSERT(np__copy_str("a", 1) == NULL);
  np_set_allocator(NULL, NULL, NULL);
  np_free(a);
  np_free(b);
  np_free(c);
}

TEST(error_sys_records_errno_and_its_text) {
  np_error err = NP_ERROR_INIT;
  ASSERT_EQ_INT(np__error_sys(&err, ENOENT, "open x"), NP_ESYS);
  ASSERT_EQ_INT(err.code, NP_ESYS);
  ASSERT_EQ_INT(err.sys_errno, ENOENT);
  char want[300];
  snprintf(want, sizeof want, "open x: %s", strerror(ENOENT));
  ASSERT(strcmp(err.message, want) == 0);
  ASSERT_EQ_INT(np__error_sys(NULL, EPIPE, "send"), NP_ESYS);
  np_error_clear(&err);
}

TEST(protocol_numbers_parse_strictly) {
  uint64_t v = 0;
  ASSERT_OK(np__parse_uint("65535", 5, 65535, &v));
  ASSERT_EQ_INT(v, 65535);
  ASSERT_EQ_INT(np__parse_uint("65536", 5, 65535, &v), NP_ETOOLARGE);
  ASSERT_EQ_INT(np__parse_uint("+1", 2, 10, &v), NP_EINVAL);
  ASSERT_EQ_INT(np__parse_uint(" 1", 2, 10, &v), NP_EINVAL);
  ASSERT_EQ_INT(np__parse_uint("", 0, 10, &v), NP_EINVAL);
  ASSERT_EQ_INT(np__parse_uint("18446744073709551616", 20, UINT64_MAX, &v),
                NP_ETOOLARGE);
  ASSERT_OK(np__parse_hex("fF", 2, 255, &v));
  ASSERT_EQ_INT(v, 255);
  ASSERT_EQ_INT(np__parse_hex("1g", 2, 255, &v), NP_EINVAL);
}

TEST(pyspace_is_python_str_isspace_over_ascii) {
  /* python3 -c "print([c for c in range(128) if chr(c).isspace()])" */
  for (int c = 0; c < 128; c++) {
    bool want = c == ' ' || (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x1f);
    ASSERT_EQ_INT(np__is_pyspace((unsigned char)c), want);
  }
  const char *s = "\x1f\t a b \r\n\x1c";
  size_t n = strlen(s);
  np__pystrip(&s, &n);
  ASSERT_EQ_MEM(s, n, "a b");
  s = " \x1d ";
  n = 3;
  np__pystrip(&s, &n);
  ASSERT_EQ_INT(n, 0);
}

TEST(character_classes) {
  ASSERT(np__is('a', NP_CC_SCHEME) && np__is('+', NP_CC_SCHEME));
  ASSERT(!np__is(':', NP_CC_SCHEME) && !np__is(0x80, NP_CC_ALPHA));
  ASSERT(np__is('~', NP_CC_UNRESERVED) && !np__is('/', NP_CC_UNRESERVED));
  ASSERT(np__is('\t', NP_CC_CTL) && np__is(0x7f, NP_CC_CTL));
  ASSERT(!np__is('(', NP_CC_TCHAR) && np__is('!', NP_CC_TCHAR));
  ASSERT_EQ_INT(np__hexval['c'], 12);
  ASSERT_EQ_INT(np__hexval['g'], -1);
}
