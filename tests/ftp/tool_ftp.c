/*
 * A driver of the FTP client for the script tests: options, then a list of
 * operations run in order on one connection.  Each operation prints one
 * result line ("ok OP detail" or "error OP STATUS_NAME code message"),
 * listings print "line ..." / "entry ..." lines before it.  The run goes on
 * after an error, so one program checks a whole scenario.
 *
 *   tool_ftp [--tls] [--ca FILE] [--insecure] [--active] [--timeout MS]
 *            [--maxline N] [--trust-pasv] [--source HOST PORT]
 *            HOST PORT OP ARGS... [OP ARGS...]
 *
 * OPs: connect, welcome, login USER PASS, sendcmd CMD, voidcmd CMD, pwd,
 * cwd D, mkd D, rmd D, delete F, rename A B, size F, get F LOCAL,
 * getrest F OFFSET LOCAL, getstop F NBYTES, lines CMD, nlst D, dir D,
 * mlsd D, put LOCAL F, putrest LOCAL F OFFSET, puttext LOCAL F, auth,
 * prot_p, prot_c, ccc, abort, quit, close, resumed F (1 when a PROT P
 * download's data connection resumed the TLS session), rawput F TEXT
 * (STOR through ntransfercmd and np_ftp_data_write).
 */
#include "netproto/ftp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *op, int rc, const np_error *e) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s", e->message);
  for (char *p = msg; *p; p++)
    if (*p == '\n' || *p == '\r')
      *p = '|';
  printf("error %s %s %ld %s\n", op, np_status_name(rc), e->value, msg);
}

static int print_line(void *ctx, const char *l, size_t n) {
  printf("line %.*s\n", (int)n, l);
  return 0;
}

static int print_entry(void *ctx, const np_ftp_entry *e) {
  np_slice t = np_ftp_entry_fact(e, "type"), s = np_ftp_entry_fact(e, "size");
  printf("entry %.*s type=%.*s size=%.*s nfacts=%zu\n", NP_SLICE_ARG(e->name),
         NP_SLICE_ARG(t), NP_SLICE_ARG(s), e->nfacts);
  return 0;
}

static int to_file(void *ctx, const char *d, size_t n) {
  return fwrite(d, 1, n, ctx) == n ? 0 : -1;
}

typedef struct stopper {
  size_t left;
} stopper;

static int stop_after(void *ctx, const char *d, size_t n) {
  stopper *s = ctx;
  if (n >= s->left)
    return 42; /* the callback's own reason to stop */
  s->left -= n;
  return 0;
}

static long from_file(void *ctx, char *buf, size_t cap) {
  size_t n = fread(buf, 1, cap, ctx);
  return ferror((FILE *)ctx) ? -1 : (long)n;
}

static size_t progress_bytes;
static int count_progress(void *ctx, const char *d, size_t n) {
  progress_bytes += n;
  return 0;
}

static int64_t num(const char *s) { return (int64_t)strtoll(s, NULL, 10); }

/* Run one operation at argv[0]; returns how many arguments it used. */
static int run_op(np_ftp *f, char **a, int argc, const char *host, int port) {
  np_error e = NP_ERROR_INIT;
  const char *op = a[0];
  int rc = NP_OK, used = 1;
  char detail[512] = "";
#define NEED(n)                                                              \
  do {                                                                       \
    if (argc < (n) + 1) {                                                    \
      printf("usage %s\n", op);                                              \
      return argc;                                                           \
    }                                                                        \
    used = (n) + 1;                                                          \
  } while (0)
  if (!strcmp(op, "connect")) {
    rc = np_ftp_connect(f, host, port, &e);
  } else if (!strcmp(op, "welcome")) {
    snprintf(detail, sizeof detail, "%s", np_ftp_getwelcome(f));
  } else if (!strcmp(op, "login")) {
    NEED(2);
    rc = np_ftp_login(f, a[1], a[2], NULL, &e);
  } else if (!strcmp(op, "sendcmd") || !strcmp(op, "voidcmd")) {
    NEED(1);
    rc = op[0] == 's' ? np_ftp_sendcmd(f, a[1], &e) : np_ftp_voidcmd(f, a[1], &e);
    if (!rc)
      snprintf(detail, sizeof detail, "%s", np_ftp_last_reply(f, NULL));
  } else if (!strcmp(op, "pwd") || !strcmp(op, "mkd")) {
    np_buf b;
    np_buf_init(&b, 0);
    if (op[0] == 'p') {
      rc = np_ftp_pwd(f, &b, &e);
    } else {
      NEED(1);
      rc = np_ftp_mkd(f, a[1], &b, &e);
    }
    snprintf(detail, sizeof detail, "%s", b.data ? b.data : "");
    np_buf_free(&b);
  } else if (!strcmp(op, "cwd")) {
    NEED(1);
    rc = np_ftp_cwd(f, a[1], &e);
  } else if (!strcmp(op, "rmd")) {
    NEED(1);
    rc = np_ftp_rmd(f, a[1], &e);
  } else if (!strcmp(op, "delete")) {
    NEED(1);
    rc = np_ftp_delete(f, a[1], &e);
  } else if (!strcmp(op, "rename")) {
    NEED(2);
    rc = np_ftp_rename(f, a[1], a[2], &e);
  } else if (!strcmp(op, "size")) {
    NEED(1);
    int64_t s = 0;
    rc = np_ftp_size(f, a[1], &s, &e);
    snprintf(detail, sizeof detail, "%lld", (long long)s);
  } else if (!strcmp(op, "get") || !strcmp(op, "getrest")) {
    int rest = op[3] == 'r';
    NEED(rest ? 3 : 2);
    FILE *out = fopen(a[rest ? 3 : 2], "wb");
    char cmd[600];
    snprintf(cmd, sizeof cmd, "RETR %s", a[1]);
    rc = np_ftp_retrbinary(f, cmd, to_file, out, 0, rest ? num(a[2]) : -1, &e);
    fclose(out);
  } else if (!strcmp(op, "getstop")) {
    NEED(2);
    stopper s = {(size_t)num(a[2])};
    char cmd[600];
    snprintf(cmd, sizeof cmd, "RETR %s", a[1]);
    rc = np_ftp_retrbinary(f, cmd, stop_after, &s, 1024, -1, &e);
    if (rc == 42)
      snprintf(detail, sizeof detail, "stopped");
    rc = rc == 42 ? NP_OK : rc;
  } else if (!strcmp(op, "lines")) {
    NEED(1);
    rc = np_ftp_retrlines(f, a[1], print_line, NULL, &e);
  } else if (!strcmp(op, "nlst") || !strcmp(op, "dir")) {
    NEED(1);
    const char *arg = *a[1] ? a[1] : NULL;
    rc = op[0] == 'n' ? np_ftp_nlst(f, arg, print_line, NULL, &e)
                      : np_ftp_dir(f, arg, print_line, NULL, &e);
  } else if (!strcmp(op, "mlsd")) {
    NEED(1);
    static const char *const facts[] = {"type", "size", "perm", NULL};
    rc = np_ftp_mlsd(f, *a[1] ? a[1] : NULL, facts, print_entry, NULL, &e);
  } else if (!strcmp(op, "put") || !strcmp(op, "putrest") ||
             !strcmp(op, "puttext")) {
    int rest = !strcmp(op, "putrest"), text = !strcmp(op, "puttext");
    NEED(rest ? 3 : 2);
    FILE *in = fopen(a[1], "rb");
    char cmd[600];
    snprintf(cmd, sizeof cmd, "STOR %s", a[2]);
    progress_bytes = 0;
    if (rest)
      fseek(in, (long)num(a[3]), SEEK_SET);
    rc = text ? np_ftp_storlines(f, cmd, from_file, in, count_progress, NULL, &e)
              : np_ftp_storbinary(f, cmd, from_file, in, 0, count_progress,
                                  NULL, rest ? num(a[3]) : -1, &e);
    fclose(in);
    snprintf(detail, sizeof detail, "%zu", progress_bytes);
  } else if (!strcmp(op, "resumed")) {
    NEED(1);
    np_ftp_data *d = NULL;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "RETR %s", a[1]);
    rc = np_ftp_voidcmd(f, "TYPE I", &e);
    int64_t size = -1;
    if (!rc)
      rc = np_ftp_ntransfercmd(f, cmd, -1, &d, &size, &e);
    if (!rc) {
      int r = np_ftp_data_tls_resumed(d);
      char buf[4096];
      size_t got = 1, total = 0;
      while (!rc && got)
        if (!(rc = np_ftp_data_read(d, buf, sizeof buf, &got, &e)))
          total += got;
      int rc2 = np_ftp_data_close(d, &e);
      rc = rc ? rc : rc2;
      if (!rc)
        rc = np_ftp_voidresp(f, &e);
      snprintf(detail, sizeof detail, "%d %zu %lld", r, total, (long long)size);
    }
  } else if (!strcmp(op, "rawput")) {
    NEED(2);
    np_ftp_data *d = NULL;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "STOR %s", a[1]);
    rc = np_ftp_voidcmd(f, "TYPE I", &e);
    if (!rc)
      rc = np_ftp_ntransfercmd(f, cmd, -1, &d, NULL, &e);
    if (!rc) {
      rc = np_ftp_data_write(d, a[2], strlen(a[2]), &e);
      int rc2 = np_ftp_data_close(d, &e);
      rc = rc ? rc : rc2;
      if (!rc)
        rc = np_ftp_voidresp(f, &e);
      snprintf(detail, sizeof detail, "%zu", strlen(a[2]));
    }
  } else if (!strcmp(op, "abortxfer")) {
    /* transfercmd, read a little, close, abort() */
    NEED(1);
    np_ftp_data *d = NULL;
    char cmd[600], buf[4096];
    size_t got = 0;
    snprintf(cmd, sizeof cmd, "RETR %s", a[1]);
    rc = np_ftp_voidcmd(f, "TYPE I", &e);
    if (!rc)
      rc = np_ftp_ntransfercmd(f, cmd, -1, &d, NULL, &e);
    if (!rc)
      rc = np_ftp_data_read(d, buf, sizeof buf, &got, &e);
    /* Close first: vsftpd reads no ABOR while blocked sending data. */
    np_ftp_data_free(d);
    if (!rc)
      rc = np_ftp_abort(f, &e);
    if (!rc)
      snprintf(detail, sizeof detail, "%s", np_ftp_last_reply(f, NULL));
  } else if (!strcmp(op, "auth")) {
    rc = np_ftp_auth(f, &e);
  } else if (!strcmp(op, "prot_p")) {
    rc = np_ftp_prot_p(f, &e);
  } else if (!strcmp(op, "prot_c")) {
    rc = np_ftp_prot_c(f, &e);
  } else if (!strcmp(op, "ccc")) {
    rc = np_ftp_ccc(f, &e);
  } else if (!strcmp(op, "abort")) {
    rc = np_ftp_abort(f, &e);
  } else if (!strcmp(op, "pasv")) {
    NEED(1);
    np_ftp_set_pasv(f, (int)num(a[1]));
  } else if (!strcmp(op, "quit")) {
    rc = np_ftp_quit(f, &e);
  } else if (!strcmp(op, "close")) {
    np_ftp_close(f);
  } else {
    printf("usage unknown op %s\n", op);
    return argc;
  }
  for (char *p = detail; *p; p++)
    if (*p == '\n' || *p == '\r')
      *p = '|';
  if (rc)
    fail(op, rc, &e);
  else
    printf("ok %s %s\n", op, detail);
  fflush(stdout);
  np_error_clear(&e);
  return used;
}

int main(int argc, char **argv) {
  np_ftp_options o = {0};
  int i = 1;
  for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
    if (!strcmp(argv[i], "--tls"))
      o.tls = 1;
    else if (!strcmp(argv[i], "--ca") && i + 1 < argc)
      o.tls_opts.ca_file = argv[++i];
    else if (!strcmp(argv[i], "--insecure"))
      o.tls_opts.insecure_skip_verify = 1;
    else if (!strcmp(argv[i], "--active"))
      o.active = 1;
    else if (!strcmp(argv[i], "--trust-pasv"))
      o.trust_server_pasv_ipv4_address = 1;
    else if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
      o.timeout_ms = (int)num(argv[++i]);
    else if (!strcmp(argv[i], "--source") && i + 2 < argc) {
      o.source_host = argv[++i];
      o.source_port = (int)num(argv[++i]);
    } else if (!strcmp(argv[i], "--maxline") && i + 1 < argc)
      o.max_line = (size_t)num(argv[++i]);
  }
  if (argc - i < 2) {
    fprintf(stderr, "usage: tool_ftp [options] HOST PORT OP...\n");
    return 2;
  }
  const char *host = argv[i];
  int port = (int)num(argv[i + 1]);
  np_ftp *f = NULL;
  np_error e = NP_ERROR_INIT;
  int rc = np_ftp_new(&f, &o, &e);
  if (rc) {
    fail("new", rc, &e);
    return 1;
  }
  for (i += 2; i < argc;)
    i += run_op(f, argv + i, argc - i, host, port);
  np_ftp_free(f);
  return 0;
}
