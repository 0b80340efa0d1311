/*
 * ftp_get: download a file over FTP (or FTP over TLS) to standard output,
 * as ftplib's FTP.retrbinary does, from C.
 *
 *   cc ftp_get.c $(pkg-config --cflags --libs netproto) -o ftp_get
 *   ./ftp_get [--tls] [--ca FILE] HOST PORT USER PASSWORD PATH > file
 *
 * USER "" logs in as anonymous.  With --tls the control connection is
 * secured (AUTH TLS) and so is the data (PROT P), verifying the server's
 * certificate against the system store or FILE.  Exit status 0 on success,
 * 1 on an FTP or network error (printed with the server's reply), 2 for a
 * usage error.
 */
#include <netproto/ftp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each block of the file, as it arrives. */
static int write_block(void *ctx, const char *data, size_t len) {
  return fwrite(data, 1, len, ctx) == len ? 0 : -1;
}

int main(int argc, char **argv) {
  np_ftp_options opts = {0}; /* 60 s time-out, passive mode */
  int i = 1;
  for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
    if (strcmp(argv[i], "--tls") == 0)
      opts.tls = 1;
    else if (strcmp(argv[i], "--ca") == 0 && i + 1 < argc)
      opts.tls_opts.ca_file = argv[++i];
  }
  if (argc - i != 5) {
    fprintf(stderr, "usage: ftp_get [--tls] [--ca FILE] HOST PORT USER "
                    "PASSWORD PATH\n");
    return 2;
  }
  const char *host = argv[i], *user = argv[i + 2], *pass = argv[i + 3];
  int port = atoi(argv[i + 1]);
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "RETR %s", argv[i + 4]);

  np_ftp *ftp = NULL;
  np_error err = NP_ERROR_INIT;
  int rc = np_ftp_new(&ftp, &opts, &err);
  if (rc == NP_OK)
    rc = np_ftp_connect(ftp, host, port, &err);
  if (rc == NP_OK)
    rc = np_ftp_login(ftp, user, pass, NULL, &err); /* AUTH TLS first */
  if (rc == NP_OK && opts.tls)
    rc = np_ftp_prot_p(ftp, &err);
  if (rc == NP_OK)
    rc = np_ftp_retrbinary(ftp, cmd, write_block, stdout, 65536, -1, &err);
  if (rc == NP_OK)
    rc = np_ftp_quit(ftp, &err);
  if (rc != NP_OK) /* for a reply error, err.value is the reply code */
    fprintf(stderr, "ftp_get: %s: %s\n", np_status_name(rc),
            err.message[0] ? err.message : np_strerror(rc));
  np_error_clear(&err);
  np_ftp_free(ftp);
  return rc == NP_OK ? 0 : 1;
}
