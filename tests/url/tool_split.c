/*
 * tool_split: np_urlsplit driven by a script (tests/url/unicode_test.py).
 * Each stdin line is a URL in hex; each stdout line is the hostname in hex,
 * "-" when absent, or "E<status>" when the split fails.  Hex keeps every
 * byte (NUL, CR, invalid UTF-8) intact through the pipe.
 */
#include "netproto/url.h"

#include <stdio.h>
#include <string.h>

static int hexval(int c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

int main(void) {
  static char line[65536], url[32768];
  np_url u;
  np_url_init(&u);
  while (fgets(line, sizeof line, stdin)) {
    size_t n = 0;
    for (const char *p = line; hexval(p[0]) >= 0 && hexval(p[1]) >= 0;
         p += 2)
      url[n++] = (char)(hexval(p[0]) * 16 + hexval(p[1]));
    int rc = np_urlsplit(&u, url, n, NULL, 0, NULL);
    if (rc != NP_OK) {
      printf("E%d\n", rc);
    } else if (!u.hostname.ptr) {
      puts("-");
    } else {
      for (size_t i = 0; i < u.hostname.len; i++)
        printf("%02x", (unsigned char)u.hostname.ptr[i]);
      putchar('\n');
    }
  }
  np_url_free(&u);
  return 0;
}
