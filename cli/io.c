/* Line input and JSON output for the subcommands (cli.h). */
#include "cli.h"

#include "netproto/core.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

int np_cli_each_line(FILE *in, np_cli_line_fn fn, void *ctx) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  int rc = 0;
  while ((n = getline(&line, &cap, in)) >= 0) {
    size_t len = (size_t)n;
    if (len && line[len - 1] == '\n')
      len--;
    if (len && line[len - 1] == '\r')
      len--;
    if (fn(line, len, ctx))
      break;
  }
  if (ferror(in))
    rc = -1;
  free(line);
  return rc;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t left) {
  unsigned char c = s[0];
  size_t n;
  unsigned min;
  unsigned cp;
  if (c < 0x80)
    return 1;
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2; cp = c & 0x1f; min = 0x80;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3; cp = c & 0x0f; min = 0x800;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4; cp = c & 0x07; min = 0x10000;
  } else {
    return 0;
  }
  if (left < n)
    return 0;
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return 0;
    cp = (cp << 6) | (s[i] & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return n;
}

void np_cli_json_string(FILE *out, const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  fputc('"', out);
  for (size_t i = 0; i < len;) {
    unsigned char c = p[i];
    if (c == '"' || c == '\\') {
      fputc('\\', out);
      fputc(c, out);
      i++;
    } else if (c < 0x20 || c == 0x7f) {
      fprintf(out, "\\u%04x", c);
      i++;
    } else if (c < 0x80) {
      fputc(c, out);
      i++;
    } else {
      size_t n = utf8_seq_len(p + i, len - i);
      if (n == 0) {
        /* Python's surrogateescape: byte 0xXY is the code point U+DCXY. */
        fprintf(out, "\\udc%02x", c);
        i++;
      } else {
        fwrite(p + i, 1, n, out);
        i += n;
      }
    }
  }
  fputc('"', out);
}
