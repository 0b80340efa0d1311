/*
 * The FTP client's data connections and transfers (ftp.h): passive and
 * active mode, ntransfercmd, retr/stor in binary and line mode, listings.
 */
#include "ftp/ftp_priv.h"

#include "core/net.h"

#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* makepasv(): where to connect.  IPv4 asks PASV and, unless told to trust
 * it, ignores the address in the reply (a server naming another host is
 * the FTP bounce / SSRF trick); IPv6 asks EPSV, which names none. */
static int make_pasv(np_ftp *f, char *host, size_t cap, int *port,
                     np_error *err) {
  int rc;
  char h[16];
  if (f->af == AF_INET) {
    if ((rc = np_ftp_sendcmd(f, "PASV", err)) != NP_OK)
      return rc;
    rc = np_ftp_parse227(f->reply.data, f->reply.len, h, port);
    if (rc)
      return np__ftp_fail(f, rc, err);
    snprintf(host, cap, "%s", f->o.trust_server_pasv_ipv4_address
                                  ? h : f->peer_host);
    return NP_OK;
  }
  if ((rc = np_ftp_sendcmd(f, "EPSV", err)) != NP_OK)
    return rc;
  rc = np_ftp_parse229(f->reply.data, f->reply.len, port);
  if (rc)
    return np__ftp_fail(f, rc, err);
  snprintf(host, cap, "%s", f->peer_host);
  return NP_OK;
}

/* makeport(): listen next to our end of the control connection and tell
 * the server with PORT (IPv4) or EPRT (IPv6). */
static int make_port(np_ftp *f, int *lfd, np_error *err) {
  np__addr bound;
  int rc = np__net_listen(f->local_host, 0, SOCK_STREAM, 1, 0, lfd, &bound,
                          err);
  if (rc)
    return rc;
  int port = 0;
  char h[NP__FTP_HOSTMAX];
  np__addr_format(&bound, h, sizeof h, &port);
  char cmd[NP__FTP_HOSTMAX + 32];
  if (f->af == AF_INET) {
    unsigned a, b, c, d;
    if (sscanf(f->local_host, "%u.%u.%u.%u", &a, &b, &c, &d) != 4)
      return np_error_set(err, NP_EINVAL, "bad local address");
    snprintf(cmd, sizeof cmd, "PORT %u,%u,%u,%u,%d,%d", a, b, c, d,
             port >> 8, port & 255);
  } else {
    snprintf(cmd, sizeof cmd, "EPRT |2|%s|%d|", f->local_host, port);
  }
  return np_ftp_voidcmd(f, cmd, err);
}

static int accept_data(np_ftp *f, int lfd, int *fd, np_error *err) {
  int rc = np__net_wait(lfd, POLLIN, f->o.timeout_ms, err);
  if (!rc)
    rc = np__net_accept(lfd, fd, NULL, err);
  return rc;
}

/* Send REST (when rest >= 0) and cmd; a 2xx first is followed by the real
 * reply; it must be 1xx (the transfer starts). */
static int start_cmd(np_ftp *f, const char *cmd, int64_t rest,
                     np_error *err) {
  int rc;
  if (rest >= 0) {
    char r[32];
    snprintf(r, sizeof r, "REST %lld", (long long)rest);
    if ((rc = np_ftp_sendcmd(f, r, err)) != NP_OK)
      return rc;
  }
  if ((rc = np_ftp_sendcmd(f, cmd, err)) != NP_OK)
    return rc;
  if (f->reply.data[0] == '2' && (rc = np__ftp_getresp(f, err)) != NP_OK)
    return rc;
  if (f->reply.data[0] != '1')
    return np__ftp_fail(f, NP_EFTP_REPLY, err);
  return NP_OK;
}

static int open_data(np_ftp *f, const char *cmd, int64_t rest, int *fd,
                     np_error *err) {
  int rc, lfd = -1;
  if (f->passive) {
    char host[NP__FTP_HOSTMAX];
    int port = 0;
    if ((rc = make_pasv(f, host, sizeof host, &port, err)) != NP_OK)
      return rc;
    if ((rc = np__net_connect(host, port, f->o.source_host, 0,
                              f->o.timeout_ms, fd, err)) != NP_OK)
      return rc;
    if ((rc = start_cmd(f, cmd, rest, err)) != NP_OK) {
      close(*fd);
      *fd = -1;
    }
    return rc;
  }
  if ((rc = make_port(f, &lfd, err)) == NP_OK &&
      (rc = start_cmd(f, cmd, rest, err)) == NP_OK)
    rc = accept_data(f, lfd, fd, err);
  if (lfd >= 0)
    close(lfd);
  return rc;
}

int np_ftp_ntransfercmd(np_ftp *f, const char *cmd, int64_t rest,
                        np_ftp_data **out, int64_t *size, np_error *err) {
  int fd = -1;
  int rc = open_data(f, cmd, rest, &fd, err);
  if (rc)
    return rc;
  if (size)
    *size = f->code == 150 ? np_ftp_parse150(f->reply.data, f->reply.len)
                           : -1;
  np_ftp_data *d = np_malloc(sizeof *d);
  if (!d) {
    close(fd);
    return np_error_set(err, NP_ENOMEM, "data connection");
  }
  np__stream_init(&d->s, fd, f->o.timeout_ms);
  d->f = f;
  d->resumed = 0;
  if (f->prot_p) {
    rc = np__stream_start_tls_resume(&d->s, f->tls, f->host, &f->ctl, err);
    if (rc) {
      np_ftp_data_free(d);
      return rc;
    }
    d->resumed = np__stream_session_reused(&d->s);
  }
  *out = d;
  return NP_OK;
}

int np_ftp_data_read(np_ftp_data *d, void *buf, size_t len, size_t *got,
                     np_error *err) {
  np_error e = NP_ERROR_INIT;
  int rc = np__stream_read(&d->s, buf, len, got, &e);
  if (rc == NP_EOF) {
    *got = 0;
    return NP_OK;
  }
  if (rc && err)
    *err = e;
  return rc;
}

int np_ftp_data_write(np_ftp_data *d, const void *buf, size_t len,
                      np_error *err) {
  return np__stream_write(&d->s, buf, len, err);
}

int np_ftp_data_close(np_ftp_data *d, np_error *err) {
  int rc = NP_OK;
  if (d->s.ssl) {
    /* ssl's unwrap(): the server must see close_notify to trust the end
     * of an upload.  A server that just closes is no failure. */
    np_error e = NP_ERROR_INIT;
    rc = np__stream_unwrap(&d->s, &e);
    if (rc == NP_EOF)
      rc = NP_OK;
    else if (rc && err)
      *err = e;
  }
  np_ftp_data_free(d);
  return rc;
}

void np_ftp_data_free(np_ftp_data *d) {
  if (!d)
    return;
  np__stream_close(&d->s);
  np_free(d);
}

int np_ftp_data_tls_resumed(const np_ftp_data *d) { return d->resumed; }

/* ---- transfers ---- */

/* After a transfer stopped early (callback, line too long): drop the data
 * connection and read the final reply so that the control connection
 * stays in step, then return the reason. */
static int stop_transfer(np_ftp *f, np_ftp_data *d, int why) {
  np_ftp_data_free(d);
  np__ftp_getresp(f, NULL);
  return why;
}

/* Close the data connection, then voidresp(). */
static int finish(np_ftp *f, np_ftp_data *d, np_error *err) {
  int rc = np_ftp_data_close(d, err);
  int rr = np_ftp_voidresp(f, err);
  return rr ? rr : rc;
}

/*
 * One block of a transfer: move up to `size` bytes through buf and set
 * *moved (0 at the end of the data).  Returns non-zero to stop the
 * transfer early with that code (an error, or a callback's stop value).
 */
typedef int (*block_step)(void *ctx, np_ftp_data *d, char *buf, size_t size,
                          size_t *moved, np_error *err);

/* The set-up and tear-down retrbinary, storbinary and storlines share:
 * TYPE, the data connection, a block buffer, and ending by finish() or
 * stop_transfer(). */
static int block_transfer(np_ftp *f, const char *type, const char *cmd,
                          int64_t rest, size_t blocksize, block_step step,
                          void *ctx, np_error *err) {
  if (blocksize == 0)
    blocksize = NP_FTP_BLOCKSIZE;
  char *buf = np_malloc(blocksize);
  if (!buf)
    return np_error_set(err, NP_ENOMEM, "transfer buffer");
  np_ftp_data *d = NULL;
  int rc = np_ftp_voidcmd(f, type, err);
  if (!rc)
    rc = np_ftp_ntransfercmd(f, cmd, rest, &d, NULL, err);
  while (!rc) {
    size_t moved = 0;
    int why = step(ctx, d, buf, blocksize, &moved, err);
    if (why) {
      rc = stop_transfer(f, d, why);
      break;
    }
    if (moved == 0) {
      rc = finish(f, d, err);
      break;
    }
  }
  np_free(buf);
  return rc;
}

typedef struct retr_ctx {
  np_ftp_data_cb cb;
  void *ctx;
} retr_ctx;

/* Download: read a block from the data connection, hand it to cb. */
static int retr_step(void *ctx, np_ftp_data *d, char *buf, size_t size,
                     size_t *moved, np_error *err) {
  retr_ctx *r = ctx;
  int rc = np_ftp_data_read(d, buf, size, moved, err);
  if (rc != NP_OK)
    return rc;
  return *moved ? r->cb(r->ctx, buf, *moved) : 0;
}

int np_ftp_retrbinary(np_ftp *f, const char *cmd, np_ftp_data_cb cb,
                      void *ctx, size_t blocksize, int64_t rest,
                      np_error *err) {
  retr_ctx r = {cb, ctx};
  return block_transfer(f, "TYPE I", cmd, rest, blocksize, retr_step, &r,
                        err);
}

int np_ftp_retrlines(np_ftp *f, const char *cmd, np_ftp_line_cb cb,
                     void *ctx, np_error *err) {
  np_ftp_data *d = NULL;
  int rc = np_ftp_sendcmd(f, "TYPE A", err);
  if (!rc)
    rc = np_ftp_ntransfercmd(f, cmd ? cmd : "LIST", -1, &d, NULL, err);
  if (rc)
    return rc;
  np__ftp_lines lr;
  if (np__ftp_lines_init(&lr, &d->s, f->o.max_line, 65536) != NP_OK)
    return stop_transfer(f, d, np_error_set(err, NP_ENOMEM, "lines"));
  for (;;) {
    char *l;
    size_t n;
    if ((rc = np__ftp_lines_get(&lr, &l, &n, err)) != NP_OK) {
      rc = stop_transfer(f, d, rc);
      break;
    }
    if (n == 0) {
      rc = finish(f, d, err);
      break;
    }
    if (n >= 2 && l[n - 2] == '\r' && l[n - 1] == '\n')
      n -= 2;
    else if (l[n - 1] == '\n')
      n -= 1;
    int stop = cb(ctx, l, n);
    if (stop) {
      rc = stop_transfer(f, d, stop);
      break;
    }
  }
  np__ftp_lines_free(&lr);
  return rc;
}

typedef struct stor_ctx {
  np_ftp_read_cb reader;
  void *rctx;
  np_ftp_data_cb progress;
  void *pctx;
} stor_ctx;

/* A block from an upload's reader: a negative count is its failure, one
 * past size is NP_EINVAL. */
static int read_block(np_ftp_read_cb reader, void *rctx, char *buf,
                      size_t size, size_t *moved) {
  long n = reader(rctx, buf, size);
  if (n < 0 || (size_t)n > size)
    return n < 0 ? (int)n : NP_EINVAL;
  *moved = (size_t)n;
  return NP_OK;
}

/* Upload: take a block from the reader, send it, report progress. */
static int stor_step(void *ctx, np_ftp_data *d, char *buf, size_t size,
                     size_t *moved, np_error *err) {
  stor_ctx *s = ctx;
  int rc = read_block(s->reader, s->rctx, buf, size, moved);
  if (rc || *moved == 0)
    return rc;
  size_t n = *moved;
  rc = np_ftp_data_write(d, buf, n, err);
  if (rc != NP_OK)
    return rc;
  return s->progress ? s->progress(s->pctx, buf, n) : 0;
}

int np_ftp_storbinary(np_ftp *f, const char *cmd, np_ftp_read_cb reader,
                      void *rctx, size_t blocksize, np_ftp_data_cb progress,
                      void *pctx, int64_t rest, np_error *err) {
  stor_ctx s = {reader, rctx, progress, pctx};
  return block_transfer(f, "TYPE I", cmd, rest, blocksize, stor_step, &s,
                        err);
}

/* storlines' state: the line being gathered and the output batch. */
typedef struct lines_out {
  np_ftp_read_cb reader;
  void *rctx;
  size_t max_line;
  np_ftp_data *d;
  np_buf line; /* bounded: max_line + 1 */
  np_buf out;  /* CRLF lines waiting to be sent */
  np_ftp_data_cb progress;
  void *pctx;
} lines_out;

/* One complete line in lo->line: CRLF ending, queue it, flush when big. */
static int emit_line(lines_out *lo, np_error *err) {
  np_buf *l = &lo->line;
  int has_crlf = l->len >= 2 && l->data[l->len - 2] == '\r' &&
                 l->data[l->len - 1] == '\n';
  if (!has_crlf) {
    if (l->len && (l->data[l->len - 1] == '\r' || l->data[l->len - 1] == '\n'))
      l->len--;
    l->max += 1; /* "\r\n" may take the room the LF had, plus one */
    if (np_buf_append(l, "\r\n", 2))
      return np_error_set(err, NP_ENOMEM, "line");
  }
  if (np_buf_append(&lo->out, l->data, l->len))
    return np_error_set(err, NP_ENOMEM, "line");
  int stop = lo->progress ? lo->progress(lo->pctx, l->data, l->len) : 0;
  np_buf_reset(l);
  l->max -= has_crlf ? 0 : 1;
  if (stop)
    return stop;
  if (lo->out.len >= 65536) {
    int rc = np_ftp_data_write(lo->d, lo->out.data, lo->out.len, err);
    np_buf_reset(&lo->out);
    return rc;
  }
  return NP_OK;
}

/* Split input into lines at LF; a line past max_line fails. */
static int feed_lines(lines_out *lo, const char *p, size_t n, size_t max,
                      np_error *err) {
  while (n > 0) {
    const char *nl = memchr(p, '\n', n);
    size_t k = nl ? (size_t)(nl - p) + 1 : n;
    if (lo->line.len + k > max)
      return np_error_set(err, NP_EFTP_LINE_TOO_LONG,
                          "got more than %zu bytes", max);
    if (np_buf_append(&lo->line, p, k))
      return np_error_set(err, NP_ENOMEM, "line");
    p += k;
    n -= k;
    int rc = nl ? emit_line(lo, err) : NP_OK;
    if (rc)
      return rc;
  }
  return NP_OK;
}

/* Upload in line mode: split the reader's blocks into CRLF lines; at the
 * end, the last line without an end and what is queued go out. */
static int storlines_step(void *ctx, np_ftp_data *d, char *buf, size_t size,
                          size_t *moved, np_error *err) {
  lines_out *lo = ctx;
  lo->d = d;
  int rc = read_block(lo->reader, lo->rctx, buf, size, moved);
  if (rc)
    return rc;
  if (*moved)
    return feed_lines(lo, buf, *moved, lo->max_line, err);
  if (lo->line.len)
    rc = emit_line(lo, err);
  if (!rc && lo->out.len)
    rc = np_ftp_data_write(d, lo->out.data, lo->out.len, err);
  return rc;
}

int np_ftp_storlines(np_ftp *f, const char *cmd, np_ftp_read_cb reader,
                     void *rctx, np_ftp_data_cb progress, void *pctx,
                     np_error *err) {
  lines_out lo = {.reader = reader,
                  .rctx = rctx,
                  .max_line = f->o.max_line,
                  .progress = progress,
                  .pctx = pctx};
  np_buf_init(&lo.line, f->o.max_line + 1);
  np_buf_init(&lo.out, 0);
  int rc = block_transfer(f, "TYPE A", cmd, -1, NP_FTP_BLOCKSIZE,
                          storlines_step, &lo, err);
  np_buf_free(&lo.line);
  np_buf_free(&lo.out);
  return rc;
}

/* ---- listings ---- */

static int list_cmd(np_ftp *f, const char *verb, const char *args,
                    np_ftp_line_cb cb, void *ctx, np_error *err) {
  const char *c = np__ftp_cmd2(f, verb, args && *args ? args : NULL);
  if (!c)
    return np_error_set(err, NP_ETOOLARGE, "command too long");
  /* c lives in f->verb, which only np__ftp_cmd2 writes: retrlines' own
   * commands (TYPE A, PASV, PORT, REST) go through f->cmd. */
  return np_ftp_retrlines(f, c, cb, ctx, err);
}

int np_ftp_nlst(np_ftp *f, const char *args, np_ftp_line_cb cb, void *ctx,
                np_error *err) {
  return list_cmd(f, "NLST", args, cb, ctx, err);
}

int np_ftp_dir(np_ftp *f, const char *args, np_ftp_line_cb cb, void *ctx,
               np_error *err) {
  return list_cmd(f, "LIST", args, cb, ctx, err);
}

typedef struct mlsd_ctx {
  np_ftp_entry_cb cb;
  void *ctx;
  np_ftp_entry e;
} mlsd_ctx;

static int mlsd_line(void *vctx, const char *line, size_t len) {
  mlsd_ctx *m = vctx;
  /* The line is the reader's own buffer, writable: parse in place. */
  np_ftp_parse_mlsd_line((char *)line, len, &m->e);
  return m->cb(m->ctx, &m->e);
}

int np_ftp_mlsd(np_ftp *f, const char *path, const char *const *facts,
                np_ftp_entry_cb cb, void *ctx, np_error *err) {
  int rc;
  if (facts && facts[0]) {
    np_buf o;
    np_buf_init(&o, f->o.max_line);
    rc = np_buf_append_cstr(&o, "OPTS MLST ");
    for (size_t i = 0; !rc && facts[i]; i++)
      rc = np_buf_printf(&o, "%s;", facts[i]);
    rc = rc ? np_error_set(err, rc, "OPTS MLST") : np_ftp_sendcmd(f, o.data, err);
    np_buf_free(&o);
    if (rc)
      return rc;
  }
  mlsd_ctx *m = np_malloc(sizeof *m);
  if (!m)
    return np_error_set(err, NP_ENOMEM, "mlsd");
  m->cb = cb;
  m->ctx = ctx;
  rc = list_cmd(f, "MLSD", path, mlsd_line, m, err);
  np_free(m);
  return rc;
}
