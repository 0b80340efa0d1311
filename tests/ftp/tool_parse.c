/*
 * Reply parsers for the differential test (parse_test.py): each input line
 * is a reply in hex; the output line gives what parse150, parse227,
 * parse229 and parse257 make of it:
 *   150 SIZE | 227 STATUS HOST PORT | 229 STATUS PORT | 257 STATUS HEXDIR
 * A line starting with "M" holds an MLSD line instead (hex after the M):
 *   HEXNAME HEXFACT=HEXVALUE ... (facts in order, names as lower-cased)
 */
#include "netproto/ftp.h"

#include <stdio.h>
#include <string.h>

static int unhex(const char *h, size_t n, char *out) {
  size_t k = 0;
  for (size_t i = 0; i + 1 < n; i += 2) {
    unsigned v;
    if (sscanf(h + i, "%2x", &v) != 1)
      return -1;
    out[k++] = (char)v;
  }
  return (int)k;
}

static void hex(np_slice s) {
  printf("h");  /* never empty, so split() keeps the fields */
  for (size_t i = 0; i < s.len; i++)
    printf("%02x", (unsigned char)s.ptr[i]);
}

int main(void) {
  static char line[70000], r[35000];
  while (fgets(line, sizeof line, stdin)) {
    size_t n = strcspn(line, "\n");
    if (line[0] == 'M') {
      int ml = unhex(line + 1, n - 1, r);
      if (ml < 0)
        return 1;
      np_ftp_entry e;
      np_ftp_parse_mlsd_line(r, (size_t)ml, &e);
      hex(e.name);
      for (size_t i = 0; i < e.nfacts; i++) {
        printf(" ");
        hex(e.facts[i].name);
        printf("=");
        hex(e.facts[i].value);
      }
      printf("\n");
      continue;
    }
    int len = unhex(line, n, r);
    if (len < 0)
      return 1;
    size_t l = (size_t)len;
    char host[16] = "";
    int p227 = 0, p229 = 0;
    int s227 = np_ftp_parse227(r, l, host, &p227);
    int s229 = np_ftp_parse229(r, l, &p229);
    np_buf d;
    np_buf_init(&d, 0);
    int s257 = np_ftp_parse257(r, l, &d);
    printf("150 %lld|227 %s %s %d|229 %s %d|257 %s ",
           (long long)np_ftp_parse150(r, l), np_status_name(s227),
           s227 ? "-" : host, s227 ? 0 : p227, np_status_name(s229),
           s229 ? 0 : p229, np_status_name(s257));
    for (size_t i = 0; i < d.len; i++)
      printf("%02x", (unsigned char)d.data[i]);
    printf("\n");
    np_buf_free(&d);
  }
  return 0;
}
