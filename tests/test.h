/*
 * The test harness: each tests/<module>/test_*.c is one program of TEST()s.
 * A TEST registers itself; main() runs them all (or those named on the
 * command line), prints one TAP line per test and exits non-zero on any
 * failure.  ASSERT_* stop the current test at the first failed check.
 */
#ifndef NP_TEST_H
#define NP_TEST_H

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*np_test_fn)(void);
void np_test_register(const char *name, np_test_fn fn);
void np_test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

#define TEST(name)                                                          \
  static void test_##name(void);                                            \
  __attribute__((constructor)) static void test_register_##name(void) {     \
    np_test_register(#name, test_##name);                                   \
  }                                                                         \
  static void test_##name(void)

#define ASSERT(cond)                                                        \
  do {                                                                      \
    if (!(cond))                                                            \
      np_test_fail(__FILE__, __LINE__, "assertion failed: %s", #cond);      \
  } while (0)

#define ASSERT_EQ_INT(a, b)                                                 \
  do {                                                                      \
    long long a_ = (long long)(a), b_ = (long long)(b);                     \
    if (a_ != b_)                                                           \
      np_test_fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld",   \
                   #a, a_, #b, b_);                                         \
  } while (0)

#define ASSERT_OK(expr) ASSERT_EQ_INT((expr), 0)

/* Compare a (ptr, len) byte run with a C string literal. */
#define ASSERT_EQ_MEM(ptr, len, lit)                                        \
  do {                                                                      \
    const char *p_ = (ptr);                                                 \
    size_t l_ = (len), e_ = strlen(lit);                                    \
    if (!p_ || l_ != e_ || memcmp(p_, (lit), e_) != 0)                      \
      np_test_fail(__FILE__, __LINE__, "%s is \"%.*s\", expected \"%s\"",   \
                   #ptr, p_ ? (int)l_ : 6, p_ ? p_ : "(null)", (lit));      \
  } while (0)

#define ASSERT_EQ_SLICE(s, lit) ASSERT_EQ_MEM((s).ptr, (s).len, lit)
#define ASSERT_ABSENT(s) ASSERT((s).ptr == NULL)

#endif /* NP_TEST_H */
