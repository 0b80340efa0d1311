/* FTPHandler: ftp:// URLs through the ftplib client, one connection per
 * URL (as FTPHandler, not CacheFTPHandler). */
#include "request/req_internal.h"

#include "netproto/ftp.h"
#include "netproto/url.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef struct ftp_body {
  np_ftp *ftp;
  np_ftp_data *data;
} ftp_body;

static int ftp_read(void *ctx, void *buf, size_t cap, size_t *got,
                    np_error *err) {
  ftp_body *b = ctx;
  return np_ftp_data_read(b->data, buf, cap, got, err);
}

/* The close hook: end the transfer (its final reply), then close. */
static void ftp_close(void *ctx) {
  ftp_body *b = ctx;
  if (b->data) {
    np_ftp_data_close(b->data, NULL); /* releases it */
    np_ftp_voidresp(b->ftp, NULL);
  }
  np_ftp_free(b->ftp);
  np_free(b);
}

/* The parts of an ftp URL: user, password, host, port; the directories
 * and the file of the path; a ;type= attribute. */
typedef struct ftp_target {
  np_buf user, pass, host, file;
  np_buf dirs[64];
  size_t ndirs;
  int port;
  char type; /* 'I', 'A' or 'D' */
} ftp_target;

static void target_free(ftp_target *t) {
  np_buf_free(&t->user), np_buf_free(&t->pass), np_buf_free(&t->host);
  np_buf_free(&t->file);
  for (size_t i = 0; i < t->ndirs; i++)
    np_buf_free(&t->dirs[i]);
}

static int parse_target(const np_request *req, ftp_target *t) {
  const char *h = req->host;
  size_t hl = strlen(h);
  /* _splitport, then _splituser (the last '@'), then _splitpasswd */
  const char *colon = strrchr(h, ':');
  t->port = NP_FTP_PORT;
  if (colon && colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1)) {
    uint64_t v;
    if (np__parse_uint(colon + 1, strlen(colon + 1), 65535, &v) != NP_OK)
      return NP_EINVAL;
    t->port = (int)v;
    hl = (size_t)(colon - h);
  } else if (colon && !colon[1]) {
    hl--;
  }
  const char *at = NULL;
  for (size_t i = 0; i < hl; i++)
    if (h[i] == '@')
      at = h + i;
  int rc = NP_OK;
  if (at) {
    const char *c = memchr(h, ':', (size_t)(at - h));
    rc = np_buf_append(&t->user, h, c ? (size_t)(c - h) : (size_t)(at - h));
    if (rc == NP_OK && c)
      rc = np_buf_append(&t->pass, c + 1, (size_t)(at - c - 1));
    hl -= (size_t)(at + 1 - h);
    h = at + 1;
  }
  if (rc == NP_OK)
    rc = np_unquote(&t->host, h, hl);
  /* _splitattr on the selector; the path's segments unquoted */
  const char *sel = req->selector, *semi = strchr(sel, ';');
  size_t pl = semi ? (size_t)(semi - sel) : strlen(sel);
  t->type = 0;
  for (const char *a = semi; a && rc == NP_OK; a = strchr(a + 1, ';'))
    if (strncasecmp(a + 1, "type=", 5) == 0 && a[6] && strchr("aAiIdD", a[6]) &&
        (a[7] == '\0' || a[7] == ';'))
      t->type = (char)np__upper((unsigned char)a[6]);
  const char *p = sel, *end = sel + pl;
  if (p < end && *p == '/')
    p++;
  while (rc == NP_OK) {
    const char *slash = memchr(p, '/', (size_t)(end - p));
    if (!slash) {
      rc = np_unquote(&t->file, p, (size_t)(end - p));
      break;
    }
    if (t->ndirs >= NP_ARRAY_LEN(t->dirs))
      return NP_ETOOLARGE;
    np_buf_init(&t->dirs[t->ndirs], 0);
    rc = np_unquote(&t->dirs[t->ndirs++], p, (size_t)(slash - p));
    p = slash + 1;
  }
  if (!t->type)
    t->type = t->file.len ? 'I' : 'D';
  return rc;
}

/* retrfile: RETR for a file, else (a directory, or a 550) LIST. */
static int retrieve(np_ftp *f, ftp_target *t, np_ftp_data **data,
                    int64_t *size, np_error *err) {
  char cmd[64];
  snprintf(cmd, sizeof cmd, "TYPE %c", t->type == 'D' ? 'A' : t->type);
  int rc = np_ftp_voidcmd(f, cmd, err);
  const char *file = t->file.data ? t->file.data : "";
  np_buf line;
  np_buf_init(&line, 0);
  if (rc == NP_OK && t->file.len && t->type != 'D') {
    if ((rc = np_buf_printf(&line, "RETR %s", file)) == NP_OK)
      rc = np_ftp_ntransfercmd(f, line.data, -1, data, size, err);
    int code = 0;
    np_ftp_last_reply(f, &code);
    if (rc == NP_EFTP_PERM && code == 550)
      rc = NP_DECLINED; /* not a file: list it as a directory */
  }
  if (rc == NP_OK && *data) {
    np_buf_free(&line);
    return NP_OK;
  }
  if (rc == NP_OK || rc == NP_DECLINED) {
    rc = np_ftp_voidcmd(f, "TYPE A", err);
    if (rc == NP_OK && t->file.len) {
      np_buf pwd;
      np_buf_init(&pwd, 0);
      rc = np_ftp_pwd(f, &pwd, err);
      if (rc == NP_OK && (rc = np_ftp_cwd(f, file, err)) == NP_OK)
        rc = np_ftp_cwd(f, pwd.data ? pwd.data : "/", err);
      np_buf_free(&pwd);
    }
    np_buf_reset(&line);
    if (rc == NP_OK)
      rc = t->file.len ? np_buf_printf(&line, "LIST %s", file)
                       : np_buf_append_cstr(&line, "LIST");
    if (rc == NP_OK)
      rc = np_ftp_ntransfercmd(f, line.data, -1, data, size, err);
  }
  np_buf_free(&line);
  return rc;
}

static int make_response(np_request *req, ftp_body *b, int64_t size,
                         np_response **out) {
  np_response_body body = {ftp_read, ftp_close, b};
  int rc = np_response_new(out, req->full_url, 0, "", &body);
  const char *mt = np__guess_type(req->full_url);
  if (rc == NP_OK && mt)
    rc = np_response_add_header(*out, "Content-type", 12, mt, strlen(mt));
  if (rc == NP_OK && size >= 0) {
    char len[32];
    int n = snprintf(len, sizeof len, "%lld", (long long)size);
    rc = np_response_add_header(*out, "Content-length", 14, len, (size_t)n);
  }
  if (rc != NP_OK) {
    np_response_free(*out);
    *out = NULL;
  }
  return rc;
}

static int ftp_open(np_handler *h, np_opener *o, np_request *req,
                    np_response **out, np_error *err) {
  (void)h, (void)o;
  if (!req->host[0])
    return np_error_set(err, NP_EREQUEST_URL, "ftp error: no host given");
  ftp_target t;
  memset(&t, 0, sizeof t);
  np_buf_init(&t.user, 0), np_buf_init(&t.pass, 0), np_buf_init(&t.host, 0);
  np_buf_init(&t.file, 0);
  int rc = parse_target(req, &t);
  ftp_body *b = rc == NP_OK ? np_malloc(sizeof *b) : NULL;
  if (rc != NP_OK || !b) {
    target_free(&t);
    return np_error_set(err, rc == NP_OK ? NP_ENOMEM : NP_EREQUEST_URL,
                        "ftp error: bad URL");
  }
  memset(b, 0, sizeof *b);
  np_ftp_options opts;
  memset(&opts, 0, sizeof opts);
  opts.timeout_ms = req->timeout_ms;
  int64_t size = -1;
  rc = np_ftp_new(&b->ftp, &opts, err);
  if (rc == NP_OK)
    rc = np_ftp_connect(b->ftp, t.host.data ? t.host.data : "", t.port, err);
  if (rc == NP_OK)
    rc = np_ftp_login(b->ftp, t.user.data ? t.user.data : "",
                      t.pass.data ? t.pass.data : "", "", err);
  for (size_t i = 0; rc == NP_OK && i < t.ndirs; i++)
    if (t.dirs[i].len || i > 0) /* a leading empty segment is skipped */
      rc = np_ftp_cwd(b->ftp, t.dirs[i].data ? t.dirs[i].data : "", err);
  if (rc == NP_OK)
    rc = retrieve(b->ftp, &t, &b->data, &size, err);
  target_free(&t);
  if (rc != NP_OK) {
    if (err && strncmp(err->message, "ftp error: ", 11) != 0) {
      char orig[sizeof err->message];
      memcpy(orig, err->message, sizeof orig);
      snprintf(err->message, sizeof err->message, "ftp error: %.240s", orig);
    }
    ftp_close(b);
    return rc;
  }
  rc = make_response(req, b, size, out);
  return rc == NP_OK ? NP_OK : np_error_set(err, rc, "out of memory");
}

static void free_self(np_handler *h) { np_free(h); }

np_handler *np_handler_ftp_new(void) {
  np_handler *h = np_malloc(sizeof *h);
  if (!h)
    return NULL;
  memset(h, 0, sizeof *h);
  h->kind = "ftp";
  h->order = 500;
  h->schemes = "ftp";
  h->open = ftp_open;
  h->destroy = free_self;
  return h;
}
