/* The runner behind tests/test.h. */
#include "test.h"

#include <stdarg.h>

#define NP_TEST_MAX 1024

static struct {
  const char *name;
  np_test_fn fn;
} tests[NP_TEST_MAX];
static int ntests;
static jmp_buf on_fail;
static int registration_overflow;

void np_test_register(const char *name, np_test_fn fn) {
  if (ntests == NP_TEST_MAX) {
    registration_overflow = 1;
    return;
  }
  tests[ntests].name = name;
  tests[ntests].fn = fn;
  ntests++;
}

void np_test_fail(const char *file, int line, const char *fmt, ...) {
  va_list ap;
  fprintf(stdout, "#   %s:%d: ", file, line);
  va_start(ap, fmt);
  vfprintf(stdout, fmt, ap);
  va_end(ap);
  fputc('\n', stdout);
  longjmp(on_fail, 1);
}

static int selected(const char *name, int argc, char **argv) {
  if (argc < 2)
    return 1;
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], name) == 0)
      return 1;
  return 0;
}

/* Run one test; 1 if it passed.  setjmp lives here, alone, so no local of
 * the caller can be clobbered by the longjmp of a failed assertion. */
static int run_one(np_test_fn fn) {
  if (setjmp(on_fail) != 0)
    return 0;
  fn();
  return 1;
}

int main(int argc, char **argv) {
  int run = 0, failed = 0;
  if (registration_overflow) {
    printf("Bail out! more than %d tests in one program\n", NP_TEST_MAX);
    return 1;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  for (int i = 0; i < ntests; i++) {
    if (!selected(tests[i].name, argc, argv))
      continue;
    run++;
    if (run_one(tests[i].fn)) {
      printf("ok %d - %s\n", run, tests[i].name);
    } else {
      failed++;
      printf("not ok %d - %s\n", run, tests[i].name);
    }
  }
  printf("1..%d\n", run);
  if (run == 0) {
    printf("Bail out! no test ran\n");
    return 1;
  }
  printf("%d passed, %d failed\n", run - failed, failed);
  return failed ? 1 : 0;
}
