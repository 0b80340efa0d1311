/*
 * The FTP client's control connection (ftp.h): connect, replies, commands,
 * login, FTP_TLS.  Data connections and transfers are in transfer.c.
 */
#include "ftp/ftp_internal.h"
#include "ftp/ftp_priv.h"

#include "core/internal.h"
#include "core/net.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* np__copy_cstr, noting in *fail when a non-NULL string could not be
 * copied (NULL is a valid "unset" option). */
static char *dup_cstr(const char *s, int *fail) {
  char *d = np__copy_cstr(s);
  if (s && !d)
    *fail = 1;
  return d;
}

static void free_opts(np_ftp_options *o) {
  np_free((char *)o->source_host);
  np_free((char *)o->tls_opts.ca_file);
  np_free((char *)o->tls_opts.ca_path);
  np_free((char *)o->tls_opts.cert_file);
  np_free((char *)o->tls_opts.key_file);
}

/* Copy the options, strings too, so the caller's may go away. */
static int copy_opts(np_ftp_options *d, const np_ftp_options *s) {
  int fail = 0;
  *d = *s;
  d->source_host = dup_cstr(s->source_host, &fail);
  d->tls_opts.ca_file = dup_cstr(s->tls_opts.ca_file, &fail);
  d->tls_opts.ca_path = dup_cstr(s->tls_opts.ca_path, &fail);
  d->tls_opts.cert_file = dup_cstr(s->tls_opts.cert_file, &fail);
  d->tls_opts.key_file = dup_cstr(s->tls_opts.key_file, &fail);
  if (d->timeout_ms == 0)
    d->timeout_ms = NP_FTP_DEFAULT_TIMEOUT_MS;
  else if (d->timeout_ms < 0)
    d->timeout_ms = -1;
  if (d->max_line == 0)
    d->max_line = NP_FTP_MAXLINE;
  return fail ? NP_ENOMEM : NP_OK;
}

int np_ftp_new(np_ftp **out, const np_ftp_options *opts, np_error *err) {
  static const np_ftp_options defaults;
  np_ftp *f = np_malloc(sizeof *f);
  if (!f)
    return np_error_set(err, NP_ENOMEM, "ftp client");
  memset(f, 0, sizeof *f);
  np__stream_init(&f->ctl, -1, -1);
  np_buf_init(&f->reply, NP__FTP_MAX_REPLY);
  np_buf_init(&f->welcome, NP__FTP_MAX_REPLY);
  np_buf_init(&f->cmd, 0);
  np_buf_init(&f->verb, 0);
  int rc = copy_opts(&f->o, opts ? opts : &defaults);
  if (rc)
    np_error_set(err, rc, "ftp options");
  f->passive = !f->o.active;
  if (!rc && f->o.tls)
    rc = np__tls_ctx_new(&f->o.tls_opts, NULL, &f->tls, err);
  if (rc) {
    np_ftp_free(f);
    return rc;
  }
  *out = f;
  return NP_OK;
}

void np_ftp_close(np_ftp *f) {
  np__stream_close(&f->ctl);
  np__ftp_lines_free(&f->lines);
  f->prot_p = 0;
}

void np_ftp_free(np_ftp *f) {
  if (!f)
    return;
  np_ftp_close(f);
  np__tls_ctx_free(f->tls);
  np_buf_free(&f->reply);
  np_buf_free(&f->welcome);
  np_buf_free(&f->cmd);
  np_buf_free(&f->verb);
  free_opts(&f->o);
  np_free(f);
}

/* Remember the peer's address and our own: passive mode connects to the
 * first, active mode listens on the second. */
static int note_addresses(np_ftp *f, np_error *err) {
  np__addr a = {.len = sizeof a.ss};
  if (getpeername(f->ctl.fd, (struct sockaddr *)&a.ss, &a.len) != 0 ||
      np__addr_format(&a, f->peer_host, sizeof f->peer_host, NULL) != NP_OK)
    return np_error_set(err, NP_ESYS, "getpeername");
  f->af = a.ss.ss_family;
  a.len = sizeof a.ss;
  if (getsockname(f->ctl.fd, (struct sockaddr *)&a.ss, &a.len) != 0 ||
      np__addr_format(&a, f->local_host, sizeof f->local_host, NULL) != NP_OK)
    return np_error_set(err, NP_ESYS, "getsockname");
  return NP_OK;
}

int np__ftp_attach_fd(np_ftp *f, int fd, np_error *err) {
  np_ftp_close(f);
  np__stream_init(&f->ctl, fd, f->o.timeout_ms);
  /* A listing line may be long, a reply line rarely: little extra room. */
  if (np__ftp_lines_init(&f->lines, &f->ctl, f->o.max_line, 512) != NP_OK)
    return np_error_set(err, NP_ENOMEM, "ftp line buffer");
  np_buf_reset(&f->reply);
  np_buf_reset(&f->welcome);
  f->code = 0;
  return NP_OK;
}

int np_ftp_connect(np_ftp *f, const char *host, int port, np_error *err) {
  if (!host || strlen(host) >= sizeof f->host)
    return np_error_set(err, NP_EINVAL, "bad host");
  int fd = -1;
  int rc = np__net_connect(host, port > 0 ? port : NP_FTP_PORT,
                           f->o.source_host, f->o.source_port,
                           f->o.timeout_ms, &fd, err);
  if (rc)
    return rc;
  if ((rc = np__ftp_attach_fd(f, fd, err)) != NP_OK)
    return rc;
  snprintf(f->host, sizeof f->host, "%s", host);
  if ((rc = note_addresses(f, err)) != NP_OK)
    return rc;
  rc = np__ftp_getresp(f, err);
  if (np_buf_append(&f->welcome, f->reply.data, f->reply.len) != NP_OK)
    return np_error_set(err, NP_ENOMEM, "welcome");
  return rc;
}

const char *np_ftp_getwelcome(const np_ftp *f) {
  return f->welcome.data ? f->welcome.data : "";
}

const char *np_ftp_last_reply(const np_ftp *f, int *code) {
  if (code)
    *code = f->code;
  return f->reply.data ? f->reply.data : "";
}

/* getline(): one line without its CRLF (or a lone CR or LF). */
static int get_line(np_ftp *f, char **line, size_t *len, np_error *err) {
  int rc = np__ftp_lines_get(&f->lines, line, len, err);
  if (rc)
    return rc;
  if (*len == 0)
    return np_error_set(err, NP_EOF, "connection closed by the server");
  char *l = *line;
  if (*len >= 2 && l[*len - 2] == '\r' && l[*len - 1] == '\n')
    *len -= 2;
  else if (l[*len - 1] == '\r' || l[*len - 1] == '\n')
    *len -= 1;
  return NP_OK;
}

static int append_reply(np_ftp *f, const char *l, size_t n, np_error *err) {
  int rc = np_buf_append(&f->reply, l, n);
  if (rc)
    return np_error_set(err, rc, "reply longer than %zu bytes",
                        (size_t)NP__FTP_MAX_REPLY);
  return NP_OK;
}

/* getmultiline(): "123-" opens a reply that "123 " (or "123x", any but
 * '-') closes; lines between are joined with '\n'. */
static int get_multiline(np_ftp *f, np_error *err) {
  char *l;
  size_t n;
  np_buf_reset(&f->reply);
  f->code = 0;
  if (!f->lines.buf)
    return np_error_set(err, NP_ESTATE, "not connected");
  int rc = get_line(f, &l, &n, err);
  if (!rc)
    rc = append_reply(f, l, n, err);
  if (rc || n < 4 || l[3] != '-')
    return rc;
  char code[3];
  memcpy(code, l, 3);
  for (;;) {
    if ((rc = get_line(f, &l, &n, err)) != NP_OK ||
        (rc = append_reply(f, "\n", 1, err)) != NP_OK ||
        (rc = append_reply(f, l, n, err)) != NP_OK)
      return rc;
    if (n >= 3 && memcmp(l, code, 3) == 0 && (n < 4 || l[3] != '-'))
      return NP_OK;
  }
}

/* The reply as an error: its code in value, its text in message. */
int np__ftp_fail(np_ftp *f, int status, np_error *err) {
  np_error_set(err, status, "%s", f->reply.data ? f->reply.data : "");
  if (err)
    err->value = f->code;
  return status;
}

int np__ftp_getresp(np_ftp *f, np_error *err) {
  int rc = get_multiline(f, err);
  if (rc)
    return rc;
  const char *r = f->reply.data;
  if (f->reply.len >= 3 && np__is((unsigned char)r[0], NP_CC_DIGIT) &&
      np__is((unsigned char)r[1], NP_CC_DIGIT) &&
      np__is((unsigned char)r[2], NP_CC_DIGIT))
    f->code = (r[0] - '0') * 100 + (r[1] - '0') * 10 + (r[2] - '0');
  switch (f->reply.len ? r[0] : 0) {
  case '1':
  case '2':
  case '3':
    return NP_OK;
  case '4':
    return np__ftp_fail(f, NP_EFTP_TEMP, err);
  case '5':
    return np__ftp_fail(f, NP_EFTP_PERM, err);
  default:
    return np__ftp_fail(f, NP_EFTP_PROTO, err);
  }
}

int np_ftp_voidresp(np_ftp *f, np_error *err) {
  int rc = np__ftp_getresp(f, err);
  if (!rc && f->reply.data[0] != '2')
    return np__ftp_fail(f, NP_EFTP_REPLY, err);
  return rc;
}

/* putcmd(): the line and CRLF in one write; CR or LF inside is refused
 * (command injection). */
static int put_cmd(np_ftp *f, const char *cmd, size_t n, np_error *err) {
  if (f->ctl.fd < 0)
    return np_error_set(err, NP_ESTATE, "not connected");
  if (np__memchr2(cmd, n, '\r', '\n'))
    return np_error_set(err, NP_EFTP_NEWLINE,
                        "an illegal newline character should not be "
                        "contained");
  np_buf_reset(&f->cmd);
  if (np_buf_append(&f->cmd, cmd, n) || np_buf_append(&f->cmd, "\r\n", 2))
    return np_error_set(err, NP_ENOMEM, "command");
  return np__stream_write(&f->ctl, f->cmd.data, f->cmd.len, err);
}

int np_ftp_sendcmd(np_ftp *f, const char *cmd, np_error *err) {
  int rc = put_cmd(f, cmd, strlen(cmd), err);
  return rc ? rc : np__ftp_getresp(f, err);
}

int np_ftp_voidcmd(np_ftp *f, const char *cmd, np_error *err) {
  int rc = put_cmd(f, cmd, strlen(cmd), err);
  return rc ? rc : np_ftp_voidresp(f, err);
}

/* "VERB arg" built in f->verb, for the helpers below. */
const char *np__ftp_cmd2(np_ftp *f, const char *verb, const char *arg) {
  np_buf_reset(&f->verb);
  f->verb.max = f->o.max_line;
  if (np_buf_append_cstr(&f->verb, verb) ||
      (arg && (np_buf_putc(&f->verb, ' ') ||
               np_buf_append_cstr(&f->verb, arg))))
    return NULL;
  return f->verb.data;
}

int np__ftp_send2(np_ftp *f, const char *verb, const char *arg, int void_,
                  np_error *err) {
  const char *c = np__ftp_cmd2(f, verb, arg);
  if (!c)
    return np_error_set(err, NP_ETOOLARGE,
                        "command longer than %zu bytes (or out of memory)",
                        f->o.max_line);
  return void_ ? np_ftp_voidcmd(f, c, err) : np_ftp_sendcmd(f, c, err);
}

int np_ftp_login(np_ftp *f, const char *user, const char *passwd,
                 const char *acct, np_error *err) {
  int rc;
  if (f->o.tls && !f->ctl.ssl && (rc = np_ftp_auth(f, err)) != NP_OK)
    return rc;
  if (!user || !*user)
    user = "anonymous";
  if (!passwd)
    passwd = "";
  char anon[16];
  if (strcmp(user, "anonymous") == 0 &&
      (strcmp(passwd, "") == 0 || strcmp(passwd, "-") == 0)) {
    snprintf(anon, sizeof anon, "%sanonymous@", passwd);
    passwd = anon;
  }
  if ((rc = np__ftp_send2(f, "USER", user, 0, err)) != NP_OK)
    return rc;
  if (f->reply.data[0] == '3' &&
      (rc = np__ftp_send2(f, "PASS", passwd, 0, err)) != NP_OK)
    return rc;
  if (f->reply.data[0] == '3' &&
      (rc = np__ftp_send2(f, "ACCT", acct ? acct : "", 0, err)) != NP_OK)
    return rc;
  if (f->reply.data[0] != '2')
    return np__ftp_fail(f, NP_EFTP_REPLY, err);
  return NP_OK;
}

int np_ftp_abort(np_ftp *f, np_error *err) {
  static const char abor[] = "ABOR\r\n";
  if (f->ctl.fd < 0)
    return np_error_set(err, NP_ESTATE, "not connected");
  int rc;
  if (f->ctl.ssl) {
    rc = np__stream_write(&f->ctl, abor, sizeof abor - 1, err);
  } else {
    /* Urgent data, as ftplib sends it, so a busy server notices. */
    ssize_t n = send(f->ctl.fd, abor, sizeof abor - 1, MSG_OOB | MSG_NOSIGNAL);
    rc = n == (ssize_t)(sizeof abor - 1)
             ? NP_OK
             : np__stream_write(&f->ctl, abor + (n > 0 ? n : 0),
                                sizeof abor - 1 - (size_t)(n > 0 ? n : 0),
                                err);
  }
  if (rc || (rc = get_multiline(f, err)) != NP_OK)
    return rc;
  /* 426 answers the aborted transfer; RFC 959 has the server answer ABOR
   * itself next (225/226).  Reading both keeps the control connection in
   * step (ftplib reads only the first and is one reply behind after). */
  if (f->reply.len >= 3 && memcmp(f->reply.data, "426", 3) == 0 &&
      (rc = get_multiline(f, err)) != NP_OK)
    return rc;
  const char *r = f->reply.data;
  if (f->reply.len >= 3 && (memcmp(r, "426", 3) == 0 ||
                            memcmp(r, "225", 3) == 0 ||
                            memcmp(r, "226", 3) == 0))
    return NP_OK;
  return np__ftp_fail(f, NP_EFTP_PROTO, err);
}

void np_ftp_set_pasv(np_ftp *f, int passive) { f->passive = passive != 0; }

/* ---- FTP_TLS ---- */

int np_ftp_auth(np_ftp *f, np_error *err) {
  if (!f->tls)
    return np_error_set(err, NP_ESTATE, "not an FTP_TLS client");
  if (f->ctl.ssl)
    return np_error_set(err, NP_ESTATE, "Already using TLS");
  int rc = np_ftp_voidcmd(f, "AUTH TLS", err);
  if (rc)
    return rc;
  /* Bytes after the 234 reply, before the handshake, would be plain text
   * injected into the TLS session: refuse them. */
  if (f->lines.end != f->lines.beg)
    return np_error_set(err, NP_EFTP_PROTO, "data after AUTH TLS reply");
  return np__stream_start_tls(&f->ctl, f->tls, f->host, err);
}

int np_ftp_prot_p(np_ftp *f, np_error *err) {
  if (!f->tls) /* no TLS context to protect data connections with */
    return np_error_set(err, NP_ESTATE, "not an FTP_TLS client");
  int rc = np_ftp_voidcmd(f, "PBSZ 0", err);
  if (!rc)
    rc = np_ftp_voidcmd(f, "PROT P", err);
  if (!rc)
    f->prot_p = 1;
  return rc;
}

int np_ftp_prot_c(np_ftp *f, np_error *err) {
  int rc = np_ftp_voidcmd(f, "PROT C", err);
  if (!rc)
    f->prot_p = 0;
  return rc;
}

int np_ftp_ccc(np_ftp *f, np_error *err) {
  if (!f->ctl.ssl)
    return np_error_set(err, NP_ESTATE, "not using TLS");
  int rc = np_ftp_voidcmd(f, "CCC", err);
  if (rc)
    return rc;
  if (f->lines.end != f->lines.beg)
    return np_error_set(err, NP_EFTP_PROTO, "data after CCC reply");
  return np__stream_unwrap(&f->ctl, err);
}

/* ---- directories and files ---- */

int np_ftp_cwd(np_ftp *f, const char *dir, np_error *err) {
  if (!dir)
    dir = "";
  if (strcmp(dir, "..") == 0) {
    np_error e = NP_ERROR_INIT;
    int rc = np_ftp_voidcmd(f, "CDUP", &e);
    /* A server without CDUP says 500: then CWD .. does the same. */
    if (rc != NP_EFTP_PERM || f->code != 500) {
      if (rc && err)
        *err = e;
      return rc;
    }
  } else if (*dir == '\0') {
    dir = ".";
  }
  return np__ftp_send2(f, "CWD", dir, 1, err);
}

static int dir_reply(np_ftp *f, np_buf *out, np_error *err) {
  if (!out || f->reply.len < 3 || memcmp(f->reply.data, "257", 3) != 0)
    return NP_OK; /* Python's mkd returns '' for another 2xx */
  int rc = np_ftp_parse257(f->reply.data, f->reply.len, out);
  return rc ? np_error_set(err, rc, "directory name") : NP_OK;
}

int np_ftp_pwd(np_ftp *f, np_buf *out, np_error *err) {
  int rc = np_ftp_voidcmd(f, "PWD", err);
  return rc ? rc : dir_reply(f, out, err);
}

int np_ftp_mkd(np_ftp *f, const char *dir, np_buf *out, np_error *err) {
  int rc = np__ftp_send2(f, "MKD", dir, 1, err);
  return rc ? rc : dir_reply(f, out, err);
}

int np_ftp_rmd(np_ftp *f, const char *dir, np_error *err) {
  return np__ftp_send2(f, "RMD", dir, 1, err);
}

int np_ftp_delete(np_ftp *f, const char *name, np_error *err) {
  int rc = np__ftp_send2(f, "DELE", name, 0, err);
  if (rc)
    return rc;
  if (f->code == 250 || f->code == 200)
    return NP_OK;
  return np__ftp_fail(f, NP_EFTP_REPLY, err);
}

int np_ftp_rename(np_ftp *f, const char *from, const char *to,
                  np_error *err) {
  int rc = np__ftp_send2(f, "RNFR", from, 0, err);
  if (rc)
    return rc;
  if (f->reply.data[0] != '3')
    return np__ftp_fail(f, NP_EFTP_REPLY, err);
  return np__ftp_send2(f, "RNTO", to, 1, err);
}

int np_ftp_size(np_ftp *f, const char *name, int64_t *size, np_error *err) {
  *size = -1;
  int rc = np__ftp_send2(f, "SIZE", name, 0, err);
  if (rc || f->code != 213)
    return rc;
  /* int(resp[3:].strip()) */
  const char *s = f->reply.data + 3;
  size_t n = f->reply.len - 3;
  while (n && np__is((unsigned char)*s, NP_CC_SPACE))
    s++, n--;
  while (n && np__is((unsigned char)s[n - 1], NP_CC_SPACE))
    n--;
  uint64_t v;
  if (np__parse_uint(s, n, (uint64_t)INT64_MAX, &v) != NP_OK)
    return np__ftp_fail(f, NP_EFTP_PROTO, err);
  *size = (int64_t)v;
  return NP_OK;
}

int np_ftp_quit(np_ftp *f, np_error *err) {
  int rc = np_ftp_voidcmd(f, "QUIT", err);
  np_ftp_close(f);
  return rc;
}
