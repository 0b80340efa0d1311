/* Internals of the FTP client shared by its files, tests and the fuzzer. */
#ifndef NP_FTP_INTERNAL_H
#define NP_FTP_INTERNAL_H

#include "netproto/ftp.h"

#include "core/tls.h"

/* Longest reply (all lines of a multi-line reply) kept: 1 MiB. */
#define NP__FTP_MAX_REPLY ((size_t)1 << 20)

/*
 * A line reader over a stream: lines end at LF; a line (with its end)
 * longer than max_line fails with NP_EFTP_LINE_TOO_LONG, as ftplib's
 * readline(maxline + 1) check does.  At the end of the stream a last line
 * without LF is returned as it is, then len 0.
 */
typedef struct np__ftp_lines {
  np__stream *s;
  char *buf;
  size_t cap, beg, end;
  size_t max_line;
  int eof;
} np__ftp_lines;

int np__ftp_lines_init(np__ftp_lines *lr, np__stream *s, size_t max_line,
                       size_t extra);
void np__ftp_lines_free(np__ftp_lines *lr);
/* The next line (with its line end), borrowed until the next call;
 * *len == 0 at the end of the stream. */
int np__ftp_lines_get(np__ftp_lines *lr, char **line, size_t *len,
                      np_error *err);

/* Use an already connected socket as the control connection (tests and
 * the fuzzer): no welcome is read. */
int np__ftp_attach_fd(np_ftp *f, int fd, np_error *err);

/* getresp(): read one reply (multi-line aware) and classify it. */
int np__ftp_getresp(np_ftp *f, np_error *err);

#endif /* NP_FTP_INTERNAL_H */
