/*
 * libFuzzer target: everything the FTP client parses from a server.
 * The input is the server's side of a control connection (fed to the
 * client through a socketpair): replies are read one by one as getresp
 * reads them and each is given to parse150/227/229/257; the same bytes,
 * split at LF, are parsed as MLSD lines.  Properties: only documented
 * statuses, a parsed port in 0..65535, reply codes in 0..999, facts inside
 * the line, no read past the input.
 */
#include "ftp/ftp_internal.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int documented(int rc) {
  return rc == NP_OK || rc == NP_EFTP_TEMP || rc == NP_EFTP_PERM ||
         rc == NP_EFTP_PROTO || rc == NP_EFTP_LINE_TOO_LONG || rc == NP_EOF ||
         rc == NP_ETOOLARGE;
}

static void parse_reply(const char *r, size_t n) {
  char host[16];
  int port = -1;
  int rc = np_ftp_parse227(r, n, host, &port);
  if (rc == NP_OK && (port < 0 || port > 65535 || strlen(host) > 15))
    __builtin_trap();
  if (rc != NP_OK && rc != NP_EFTP_REPLY && rc != NP_EFTP_PROTO)
    __builtin_trap();
  rc = np_ftp_parse229(r, n, &port);
  if (rc == NP_OK && (port < 0 || port > 65535))
    __builtin_trap();
  np_buf b;
  np_buf_init(&b, 0);
  rc = np_ftp_parse257(r, n, &b);
  if (rc == NP_OK && b.len > n)
    __builtin_trap();
  np_buf_free(&b);
  if (np_ftp_parse150(r, n) < -1)
    __builtin_trap();
}

static void parse_mlsd(const uint8_t *data, size_t size) {
  char *copy = malloc(size + 1);
  if (!copy)
    return;
  memcpy(copy, data, size);
  np_ftp_entry *e = malloc(sizeof *e);
  for (size_t i = 0; e && i < size;) {
    char *nl = memchr(copy + i, '\n', size - i);
    size_t n = nl ? (size_t)(nl - (copy + i)) : size - i;
    np_ftp_parse_mlsd_line(copy + i, n, e);
    if (e->nfacts > NP_FTP_MAX_FACTS ||
        e->name.ptr < copy + i || e->name.ptr + e->name.len > copy + i + n)
      __builtin_trap();
    np_ftp_entry_fact(e, "type");
    i += n + 1;
  }
  free(e);
  free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 60000) /* fits a socketpair's buffer: no writer thread */
    return 0;
  parse_mlsd(data, size);
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
    return 0;
  if (size && write(sv[1], data, size) != (ssize_t)size)
    __builtin_trap();
  shutdown(sv[1], SHUT_WR);
  np_ftp_options o = {.timeout_ms = 1000, .max_line = 512};
  np_ftp *f = NULL;
  if (np_ftp_new(&f, &o, NULL) != NP_OK || np__ftp_attach_fd(f, sv[0], NULL)) {
    np_ftp_free(f);
    close(sv[1]);
    return 0;
  }
  for (int i = 0; i < 10000; i++) {
    np_error e = NP_ERROR_INIT;
    int rc = np__ftp_getresp(f, &e);
    if (!documented(rc))
      __builtin_trap();
    int code;
    const char *r = np_ftp_last_reply(f, &code);
    if (code < 0 || code > 999)
      __builtin_trap();
    if (rc == NP_EOF || rc == NP_EFTP_LINE_TOO_LONG || rc == NP_ETOOLARGE)
      break;
    parse_reply(r, strlen(r));
    np_error_clear(&e);
  }
  np_ftp_free(f);
  close(sv[1]);
  return 0;
}
