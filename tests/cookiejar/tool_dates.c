/* Driver for dates_test.py: "H <hex>" runs np__http2time, "I <hex>"
 * np__iso2time; prints the seconds or "None", one line per case. */
#include "core/date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t unhex(const char *h, char *out) {
  size_t n = 0;
  unsigned v;
  while (h[0] && h[1] && sscanf(h, "%2x", &v) == 1) {
    out[n++] = (char)v;
    h += 2;
  }
  return n;
}

int main(void) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  while ((len = getline(&line, &cap, stdin)) > 0) {
    char *buf = malloc((size_t)len);
    size_t n = line[0] && line[1] ? unhex(line + 2, buf) : 0;
    int64_t t = 0;
    bool ok = line[0] == 'H' ? np__http2time(buf, n, &t)
                             : np__iso2time(buf, n, &t);
    if (ok)
      printf("%lld\n", (long long)t);
    else
      puts("None");
    free(buf);
  }
  free(line);
  return 0;
}
