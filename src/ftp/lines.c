/* The bounded line reader of the FTP client (ftp_internal.h). */
#include "ftp/ftp_internal.h"

#include <string.h>

int np__ftp_lines_init(np__ftp_lines *lr, np__stream *s, size_t max_line,
                       size_t extra) {
  memset(lr, 0, sizeof *lr);
  lr->s = s;
  lr->max_line = max_line;
  /* max_line + 1 bytes must fit to tell "too long" from "just fits"; the
   * extra room lets one read bring many short lines (listings). */
  lr->cap = max_line + 1 + extra;
  lr->buf = np_malloc(lr->cap);
  return lr->buf ? NP_OK : NP_ENOMEM;
}

void np__ftp_lines_free(np__ftp_lines *lr) {
  np_free(lr->buf);
  lr->buf = NULL;
}

static int too_long(np__ftp_lines *lr, np_error *err) {
  return np_error_set(err, NP_EFTP_LINE_TOO_LONG, "got more than %zu bytes",
                      lr->max_line);
}

int np__ftp_lines_get(np__ftp_lines *lr, char **line, size_t *len,
                      np_error *err) {
  for (;;) {
    size_t have = lr->end - lr->beg;
    char *p = lr->buf + lr->beg;
    char *nl = memchr(p, '\n', have);
    if (nl || (lr->eof && have > 0)) {
      size_t n = nl ? (size_t)(nl - p) + 1 : have;
      if (n > lr->max_line)
        return too_long(lr, err);
      lr->beg += n;
      *line = p;
      *len = n;
      return NP_OK;
    }
    if (have > lr->max_line)
      return too_long(lr, err);
    if (lr->eof) {
      *line = p;
      *len = 0;
      return NP_OK;
    }
    if (lr->beg > 0) { /* keep the partial line at the front */
      memmove(lr->buf, p, have);
      lr->beg = 0;
      lr->end = have;
    }
    size_t got = 0;
    np_error e = NP_ERROR_INIT; /* the end is no failure: keep err clean */
    int rc = np__stream_read(lr->s, lr->buf + lr->end, lr->cap - lr->end,
                             &got, &e);
    if (rc == NP_EOF) {
      lr->eof = 1;
      continue;
    }
    if (rc) {
      if (err)
        *err = e;
      return rc;
    }
    lr->end += got;
  }
}
