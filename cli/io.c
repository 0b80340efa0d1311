/* Line input and JSON output for the subcommands (cli.h). */
#include "cli.h"

#include "core/internal.h"
#include "core/unicode.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

long np_cli_number(const char *s, long lo, long hi) {
  uint64_t v;
  if (np__parse_uint(s, strlen(s), (uint64_t)hi, &v) != NP_OK ||
      v < (uint64_t)lo)
    return -1;
  return (long)v;
}

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

/* The bytes written as they are: printable ASCII but the quote and the
 * backslash (DEL is escaped to keep the output printable). */
static int json_plain(unsigned char c) {
  return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

void np_cli_json_string(FILE *out, const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  fputc('"', out);
  for (size_t i = 0; i < len;) {
    size_t run = i;
    while (run < len && json_plain(p[run])) /* write plain runs at once */
      run++;
    if (run > i) {
      fwrite(p + i, 1, run - i, out);
      i = run;
      continue;
    }
    unsigned char c = p[i];
    if (c == '"' || c == '\\') {
      fputc('\\', out);
      fputc(c, out);
      i++;
    } else if (c < 0x80) {
      fprintf(out, "\\u%04x", c);
      i++;
    } else {
      uint32_t cp;
      size_t n = np__utf8_next(s + i, len - i, &cp);
      if (cp & NP__UTF8_INVALID) {
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

bool np_cli_find_userinfo(const char *url, const char **user,
                          const char **at) {
  const char *p = strstr(url, "://");
  if (!p)
    return false;
  p += 3;
  size_t end = strcspn(p, "/?#");
  const char *a = NULL;
  for (size_t i = 0; i < end; i++) /* the last '@' ends it, as urlsplit */
    if (p[i] == '@')
      a = p + i;
  *user = p;
  *at = a;
  return a != NULL;
}

void np_cli_print_url(FILE *out, const char *url) {
  const char *user, *at, *colon;
  if (!np_cli_find_userinfo(url, &user, &at) ||
      !(colon = memchr(user, ':', (size_t)(at - user)))) {
    fputs(url, out);
    return;
  }
  fprintf(out, "%.*s***%s", (int)(colon + 1 - url), url, at);
}
