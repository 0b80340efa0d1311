/*
 * The allocator (core.h).  The policy: every allocation goes through here,
 * every failure is returned to the caller as NP_ENOMEM, nothing aborts.
 * Tests swap in a failing allocator to prove that.
 */
#include "core/internal.h"

#include <stdlib.h>
#include <string.h>

static np_malloc_fn np_m = malloc;
static np_realloc_fn np_r = realloc;
static np_free_fn np_f = free;

void np_set_allocator(np_malloc_fn m, np_realloc_fn r, np_free_fn f) {
  /* All three or none: a mixed set would free with the wrong function. */
  if (m && r && f) {
    np_m = m;
    np_r = r;
    np_f = f;
  } else {
    np_m = malloc;
    np_r = realloc;
    np_f = free;
  }
}

void *np_malloc(size_t size) { return np_m(size ? size : 1); }
void *np_realloc(void *ptr, size_t size) { return np_r(ptr, size ? size : 1); }
void np_free(void *ptr) {
  if (ptr)
    np_f(ptr);
}

char *np__copy_str(const char *s, size_t n) {
  char *d = np_malloc(n + 1);
  if (!d)
    return NULL;
  if (n)
    memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

char *np__copy_cstr(const char *s) {
  return s ? np__copy_str(s, strlen(s)) : NULL;
}
