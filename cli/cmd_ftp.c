/*
 * netproto ftp: one FTP operation on an ftp:// URL, with the ftplib client
 * (src/ftp): get (retrbinary to standard output or a file), put (storbinary
 * from a file), ls (LIST), nlst, mlsd, size, rm (DELE), mkdir (MKD).
 * User and password come from the URL (%-escapes decoded), anonymous
 * otherwise.
 */
#include "cli.h"

#include "netproto/ftp.h"
#include "netproto/url.h"

#include <stdlib.h>
#include <string.h>

static void ftp_usage(FILE *out) {
  fprintf(out,
          "usage: netproto ftp [options] get URL [LOCAL]\n"
          "       netproto ftp [options] put LOCAL URL\n"
          "       netproto ftp [options] ls|nlst|mlsd|size|rm|mkdir URL\n"
          "\n"
          "One FTP operation (Python's ftplib) on URL,\n"
          "ftp://[USER[:PASSWORD]@]HOST[:PORT]/PATH; anonymous without USER.\n"
          "  --tls          FTP over TLS: AUTH TLS, PROT P (FTP_TLS)\n"
          "  --ca FILE      trust this CA bundle (with --tls)\n"
          "  --insecure     do not verify the server's certificate\n"
          "  --active       active mode (PORT/EPRT) instead of passive\n"
          "  --timeout SEC  every wait, default 60\n"
          "get writes to standard output without LOCAL.\n");
}

typedef struct target {
  np_url u;
  np_buf user, pass, path;
} target;

/* Split the URL and decode its user, password and path. */
static int parse_target(target *t, const char *url, np_error *err) {
  np_url_init(&t->u);
  np_buf_init(&t->user, 0);
  np_buf_init(&t->pass, 0);
  np_buf_init(&t->path, 0);
  int rc = np_urlsplit(&t->u, url, strlen(url), NULL, 0, err);
  if (rc)
    return rc;
  if (!np_slice_ieq_cstr(t->u.scheme, "ftp") || !t->u.hostname.ptr ||
      t->u.port_status != NP_OK)
    return np_error_set(err, NP_EINVAL, "not an ftp://HOST[:PORT]/ URL");
  if ((t->u.username.ptr &&
       np_unquote(&t->user, t->u.username.ptr, t->u.username.len)) ||
      (t->u.password.ptr &&
       np_unquote(&t->pass, t->u.password.ptr, t->u.password.len)) ||
      np_unquote(&t->path, t->u.path.ptr ? t->u.path.ptr : "",
                 t->u.path.len) ||
      np_buf_putc(&t->user, 0) || np_buf_putc(&t->pass, 0))
    return np_error_set(err, NP_ENOMEM, "URL");
  t->user.len--; /* the NULs above only make sure data is not NULL */
  t->pass.len--;
  return NP_OK;
}

static void free_target(target *t) {
  np_url_free(&t->u);
  np_buf_free(&t->user);
  np_buf_free(&t->pass);
  np_buf_free(&t->path);
}

/* The path without its leading '/': relative to the login directory, as
 * RFC 1738 reads ftp:// URLs. */
static const char *rel_path(const target *t) {
  const char *p = t->path.data ? t->path.data : "";
  return *p == '/' ? p + 1 : p;
}

static int to_file(void *ctx, const char *d, size_t n) {
  return fwrite(d, 1, n, ctx) == n ? 0 : NP_ESYS;
}

static long from_file(void *ctx, char *buf, size_t cap) {
  size_t n = fread(buf, 1, cap, ctx);
  return ferror((FILE *)ctx) ? NP_ESYS : (long)n;
}

static int print_line(void *ctx, const char *l, size_t n) {
  printf("%.*s\n", (int)n, l);
  return 0;
}

static int print_entry(void *ctx, const np_ftp_entry *e) {
  for (size_t i = 0; i < e->nfacts; i++)
    printf("%.*s=%.*s;", NP_SLICE_ARG(e->facts[i].name),
           NP_SLICE_ARG(e->facts[i].value));
  printf(" %.*s\n", NP_SLICE_ARG(e->name));
  return 0;
}

/* "VERB path" for RETR/STOR. */
static int verb_cmd(np_buf *cmd, const char *verb, const char *path) {
  np_buf_init(cmd, 0);
  return np_buf_printf(cmd, "%s %s", verb, path);
}

static int run_op(np_ftp *f, const char *op, const char *path,
                  const char *local, np_error *err) {
  np_buf cmd;
  int rc = NP_OK;
  if (!strcmp(op, "get") || !strcmp(op, "put")) {
    int put = op[0] == 'p';
    FILE *fp = put ? fopen(local, "rb") : local ? fopen(local, "wb") : stdout;
    if (!fp)
      return np_error_set(err, NP_ESYS, "cannot open %s", local);
    rc = verb_cmd(&cmd, put ? "STOR" : "RETR", path);
    if (!rc)
      rc = put ? np_ftp_storbinary(f, cmd.data, from_file, fp, 65536, NULL,
                                   NULL, -1, err)
               : np_ftp_retrbinary(f, cmd.data, to_file, fp, 65536, -1, err);
    np_buf_free(&cmd);
    if (fp != stdout && fclose(fp) != 0 && !rc)
      rc = np_error_set(err, NP_ESYS, "cannot write %s", local);
  } else if (!strcmp(op, "ls")) {
    rc = np_ftp_dir(f, *path ? path : NULL, print_line, NULL, err);
  } else if (!strcmp(op, "nlst")) {
    rc = np_ftp_nlst(f, *path ? path : NULL, print_line, NULL, err);
  } else if (!strcmp(op, "mlsd")) {
    rc = np_ftp_mlsd(f, *path ? path : NULL, NULL, print_entry, NULL, err);
  } else if (!strcmp(op, "size")) {
    int64_t n = -1;
    rc = np_ftp_voidcmd(f, "TYPE I", err);
    if (!rc)
      rc = np_ftp_size(f, path, &n, err);
    if (!rc)
      printf("%lld\n", (long long)n);
  } else if (!strcmp(op, "rm")) {
    rc = np_ftp_delete(f, path, err);
  } else {
    rc = np_ftp_mkd(f, path, NULL, err);
  }
  return rc;
}

static int known_op(const char *op) {
  static const char *ops[] = {"get", "put", "ls", "nlst", "mlsd",
                              "size", "rm", "mkdir"};
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (!strcmp(op, ops[i]))
      return 1;
  return 0;
}

static int session(np_ftp_options *o, const char *op, const char *url,
                   const char *local) {
  np_error err = NP_ERROR_INIT;
  target t;
  np_ftp *f = NULL;
  int rc = parse_target(&t, url, &err);
  char host[256];
  if (!rc && t.u.hostname.len >= sizeof host)
    rc = np_error_set(&err, NP_EINVAL, "host name too long");
  if (!rc) {
    snprintf(host, sizeof host, "%.*s", NP_SLICE_ARG(t.u.hostname));
    rc = np_ftp_new(&f, o, &err);
  }
  if (!rc)
    rc = np_ftp_connect(f, host, t.u.port, &err);
  if (!rc)
    rc = np_ftp_login(f, t.user.data, t.pass.data, NULL, &err);
  if (!rc && o->tls)
    rc = np_ftp_prot_p(f, &err);
  if (!rc)
    rc = run_op(f, op, rel_path(&t), local, &err);
  if (!rc)
    rc = np_ftp_quit(f, &err);
  if (rc)
    fprintf(stderr, "netproto ftp: %s: %s\n", np_status_name(rc),
            err.message[0] ? err.message : np_strerror(rc));
  np_error_clear(&err);
  np_ftp_free(f);
  free_target(&t);
  return rc ? NP_EXIT_FAIL : NP_EXIT_OK;
}

int np_cmd_ftp(int argc, char **argv) {
  np_ftp_options o = {0};
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (np_cli_is_help(argv[i])) {
      ftp_usage(stdout);
      return NP_EXIT_OK;
    } else if (!strcmp(argv[i], "--tls")) {
      o.tls = 1;
    } else if (!strcmp(argv[i], "--ca") && i + 1 < argc) {
      o.tls_opts.ca_file = argv[++i];
    } else if (!strcmp(argv[i], "--insecure")) {
      o.tls_opts.insecure_skip_verify = 1;
    } else if (!strcmp(argv[i], "--active")) {
      o.active = 1;
    } else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
      double s = strtod(argv[++i], NULL);
      if (!(s > 0 && s < 2e6))
        return np_cli_usage_error("ftp", "bad --timeout %s", argv[i]);
      o.timeout_ms = (int)(s * 1000);
    } else {
      return np_cli_usage_error("ftp", "unknown option %s", argv[i]);
    }
  }
  if (i >= argc || !known_op(argv[i]))
    return np_cli_usage_error("ftp", "expected a command: get, put, ls, "
                                     "nlst, mlsd, size, rm, mkdir");
  const char *op = argv[i++];
  int put = !strcmp(op, "put"), get = !strcmp(op, "get");
  int want = put ? 2 : 1, extra = argc - i - want;
  if (extra < 0 || extra > (get ? 1 : 0))
    return np_cli_usage_error("ftp", "wrong number of arguments for %s", op);
  const char *url = argv[i + (put ? 1 : 0)];
  const char *local = put ? argv[i] : (extra ? argv[i + 1] : NULL);
  return session(&o, op, url, local);
}
