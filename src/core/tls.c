/* The byte stream over a socket, plain or TLS (tls.h), with OpenSSL 3. */
#include "core/tls.h"
#include "core/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct np__tls_ctx {
  SSL_CTX *ctx;
  int verify;
};

/* OpenSSL's last error as our NP_ETLS, its queue emptied. */
static int tls_fail(np_error *err, int code, const char *what) {
  unsigned long e = ERR_get_error();
  char reason[160] = "";
  if (e)
    ERR_error_string_n(e, reason, sizeof reason);
  ERR_clear_error();
  return np_error_set(err, code, "%s%s%s", what, *reason ? ": " : "", reason);
}

static int load_trust(SSL_CTX *ctx, const np_tls_options *o, np_error *err) {
  if (o && (o->ca_file || o->ca_path)) {
    if (SSL_CTX_load_verify_locations(ctx, o->ca_file, o->ca_path) != 1)
      return tls_fail(err, NP_ETLS, "cannot load CA file or folder");
    return NP_OK;
  }
  if (SSL_CTX_set_default_verify_paths(ctx) != 1)
    return tls_fail(err, NP_ETLS, "cannot load the system trust store");
  return NP_OK;
}

static int load_client_cert(SSL_CTX *ctx, const np_tls_options *o,
                            np_error *err) {
  if (!o || !o->cert_file)
    return NP_OK;
  if (SSL_CTX_use_certificate_chain_file(ctx, o->cert_file) != 1)
    return tls_fail(err, NP_ETLS, "cannot load client certificate");
  const char *key = o->key_file ? o->key_file : o->cert_file;
  if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
    return tls_fail(err, NP_ETLS, "cannot load client key");
  if (SSL_CTX_check_private_key(ctx) != 1)
    return tls_fail(err, NP_ETLS, "client key does not match certificate");
  return NP_OK;
}

int np__tls_ctx_new(const np_tls_options *o, const char *alpn,
                    np__tls_ctx **out, np_error *err) {
  np__tls_ctx *t = np_malloc(sizeof *t);
  if (!t)
    return np_error_set(err, NP_ENOMEM, "TLS context");
  t->ctx = SSL_CTX_new(TLS_client_method());
  t->verify = !(o && o->insecure_skip_verify);
  if (!t->ctx) {
    np_free(t);
    return tls_fail(err, NP_ETLS, "SSL_CTX_new");
  }
  SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION);
  /* A close without close_notify is an ordinary end of stream here: HTTP
   * framing finds truncation (CPython's suppress_ragged_eofs). */
  SSL_CTX_set_options(t->ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
  SSL_CTX_set_mode(t->ctx, SSL_MODE_AUTO_RETRY);
  SSL_CTX_set_verify(t->ctx, t->verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE,
                     NULL);
  int rc = t->verify ? load_trust(t->ctx, o, err) : NP_OK;
  if (!rc)
    rc = load_client_cert(t->ctx, o, err);
  if (!rc && alpn) {
    unsigned char wire[256];
    size_t n = strlen(alpn);
    if (n == 0 || n > 255)
      rc = np_error_set(err, NP_EINVAL, "bad ALPN protocol name");
    else {
      wire[0] = (unsigned char)n;
      memcpy(wire + 1, alpn, n);
      if (SSL_CTX_set_alpn_protos(t->ctx, wire, (unsigned)n + 1) != 0)
        rc = tls_fail(err, NP_ETLS, "cannot set ALPN");
    }
  }
  if (rc) {
    np__tls_ctx_free(t);
    return rc;
  }
  *out = t;
  return NP_OK;
}

void np__tls_ctx_free(np__tls_ctx *t) {
  if (!t)
    return;
  SSL_CTX_free(t->ctx);
  np_free(t);
}

void np__stream_init(np__stream *s, int fd, int timeout_ms) {
  s->fd = fd;
  s->ssl = NULL;
  s->timeout_ms = timeout_ms;
}

/* Wait for what OpenSSL asked for after a WANT_READ / WANT_WRITE. */
static int tls_wait(np__stream *s, int ssl_err, np_error *err) {
  short ev = ssl_err == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN;
  return np__net_wait(s->fd, ev, s->timeout_ms, err);
}

/*
 * A socket BIO that writes with MSG_NOSIGNAL: OpenSSL's own socket BIO
 * uses write(), and a peer that closed would kill the whole program with
 * SIGPIPE.  A library must not do that (CPython ignores SIGPIPE at start-up;
 * a C program may not), so TLS goes through send()/recv() here.  The fd is
 * kept in the BIO's data pointer; the BIO never closes it.
 */
static BIO_METHOD *nosig_method;
static pthread_once_t nosig_once = PTHREAD_ONCE_INIT;

static int bio_fd(BIO *b) { return (int)(intptr_t)BIO_get_data(b); }

/* Set OpenSSL's retry flags from a send/recv result. */
static void set_retry(BIO *b, ssize_t n, int writing) {
  BIO_clear_retry_flags(b);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
    if (writing)
      BIO_set_retry_write(b);
    else
      BIO_set_retry_read(b);
  }
}

static int nosig_write(BIO *b, const char *buf, size_t len, size_t *done) {
  ssize_t n = send(bio_fd(b), buf, len, MSG_NOSIGNAL);
  set_retry(b, n, 1);
  if (n < 0)
    return 0;
  *done = (size_t)n;
  return 1;
}

static int nosig_read(BIO *b, char *buf, size_t len, size_t *done) {
  ssize_t n = recv(bio_fd(b), buf, len, 0);
  set_retry(b, n, 0);
  if (n <= 0) {
    if (n == 0)
      BIO_set_flags(b, BIO_FLAGS_IN_EOF);
    return 0;
  }
  *done = (size_t)n;
  return 1;
}

static long nosig_ctrl(BIO *b, int cmd, long num, void *ptr) {
  (void)num;
  switch (cmd) {
  case BIO_C_GET_FD:
    if (ptr)
      *(int *)ptr = bio_fd(b);
    return bio_fd(b);
  case BIO_CTRL_FLUSH:
    return 1;
  case BIO_CTRL_EOF:
    return BIO_test_flags(b, BIO_FLAGS_IN_EOF) != 0;
  default:
    return 0;
  }
}

static int nosig_create(BIO *b) {
  BIO_set_init(b, 1);
  return 1;
}

static void nosig_init_method(void) {
  BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK |
                                   BIO_TYPE_DESCRIPTOR,
                               "netproto socket");
  if (m && BIO_meth_set_write_ex(m, nosig_write) == 1 &&
      BIO_meth_set_read_ex(m, nosig_read) == 1 &&
      BIO_meth_set_ctrl(m, nosig_ctrl) == 1 &&
      BIO_meth_set_create(m, nosig_create) == 1) {
    nosig_method = m;
    return;
  }
  BIO_meth_free(m);
}

/* Attach fd to ssl through the MSG_NOSIGNAL BIO. */
static int attach_fd(SSL *ssl, int fd, np_error *err) {
  pthread_once(&nosig_once, nosig_init_method);
  BIO *b = nosig_method ? BIO_new(nosig_method) : NULL;
  if (!b)
    return tls_fail(err, NP_ETLS, "cannot make the socket BIO");
  BIO_set_data(b, (void *)(intptr_t)fd);
  SSL_set_bio(ssl, b, b); /* one reference, owned by ssl */
  return NP_OK;
}

static int is_ip_literal(const char *host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

/* SNI and the name or address the certificate must match. */
static int set_peer_name(SSL *ssl, const char *host, int verify,
                         np_error *err) {
  if (is_ip_literal(host)) {
    if (verify && X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host) != 1)
      return tls_fail(err, NP_ETLS, "bad IP address for verification");
    return NP_OK;
  }
  if (SSL_set_tlsext_host_name(ssl, host) != 1)
    return tls_fail(err, NP_ETLS, "cannot set SNI");
  if (verify && SSL_set1_host(ssl, host) != 1)
    return tls_fail(err, NP_ETLS, "cannot set host name to verify");
  return NP_OK;
}

static int handshake_error(SSL *ssl, int e, np_error *err) {
  long v = SSL_get_verify_result(ssl);
  if (v != X509_V_OK) {
    ERR_clear_error();
    np_error_set(err, NP_ETLS_VERIFY, "certificate verify failed: %s",
                 X509_verify_cert_error_string(v));
    if (err)
      err->value = v;
    return NP_ETLS_VERIFY;
  }
  if (e == SSL_ERROR_SYSCALL && errno)
    return np__error_sys(err, errno, "TLS handshake");
  return tls_fail(err, NP_ETLS, "TLS handshake failed");
}

/* The handshake, offering `sess` for resumption when not NULL. */
static int start_tls(np__stream *s, np__tls_ctx *ctx, const char *host,
                     SSL_SESSION *sess, np_error *err) {
  SSL *ssl = SSL_new(ctx->ctx);
  if (!ssl)
    return tls_fail(err, NP_ETLS, "SSL_new");
  int rc = set_peer_name(ssl, host, ctx->verify, err);
  if (!rc && sess && SSL_set_session(ssl, sess) != 1)
    rc = tls_fail(err, NP_ETLS, "SSL_set_session");
  if (!rc)
    rc = attach_fd(ssl, s->fd, err);
  /* Non-blocking underneath, so every step can honour the time-out. */
  np__net_set_nonblock(s->fd, 1);
  while (!rc) {
    int r = SSL_connect(ssl);
    if (r == 1)
      break;
    int e = SSL_get_error(ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
      rc = tls_wait(s, e, err);
    else
      rc = handshake_error(ssl, e, err);
  }
  if (rc) {
    SSL_free(ssl);
    np__net_set_nonblock(s->fd, 0);
    return rc;
  }
  s->ssl = ssl;
  return NP_OK;
}

int np__stream_start_tls(np__stream *s, np__tls_ctx *ctx, const char *host,
                         np_error *err) {
  return start_tls(s, ctx, host, NULL, err);
}

int np__stream_start_tls_resume(np__stream *s, np__tls_ctx *ctx,
                                const char *host, const np__stream *from,
                                np_error *err) {
  SSL_SESSION *sess = from && from->ssl ? SSL_get1_session(from->ssl) : NULL;
  int rc = start_tls(s, ctx, host, sess, err);
  SSL_SESSION_free(sess); /* the SSL keeps its own reference */
  return rc;
}

int np__stream_session_reused(const np__stream *s) {
  return s->ssl && SSL_session_reused(s->ssl) == 1;
}

static int io_error(np__stream *s, int e, const char *what, np_error *err) {
  if (e == SSL_ERROR_ZERO_RETURN)
    return np_error_set(err, NP_EOF, "connection closed by peer");
  if (e == SSL_ERROR_SYSCALL) {
    int en = errno;
    ERR_clear_error();
    if (en == 0)
      return np_error_set(err, NP_EOF, "connection closed by peer");
    return np__error_sys(err, en, what);
  }
  (void)s;
  return tls_fail(err, NP_ETLS, what);
}

int np__stream_read(np__stream *s, void *buf, size_t len, size_t *got,
                    np_error *err) {
  if (!s->ssl)
    return np__net_read(s->fd, buf, len, s->timeout_ms, got, err);
  *got = 0;
  for (;;) {
    errno = 0;
    int r = SSL_read_ex(s->ssl, buf, len, got);
    if (r == 1)
      return NP_OK;
    int e = SSL_get_error(s->ssl, r);
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
      return io_error(s, e, "TLS read", err);
    int rc = tls_wait(s, e, err);
    if (rc)
      return rc;
  }
}

int np__stream_write(np__stream *s, const void *buf, size_t len,
                     np_error *err) {
  if (!s->ssl)
    return np__net_write_all(s->fd, buf, len, s->timeout_ms, err);
  const char *p = buf;
  while (len > 0) {
    size_t n = 0;
    errno = 0;
    int r = SSL_write_ex(s->ssl, p, len, &n);
    if (r == 1) {
      p += n;
      len -= n;
      continue;
    }
    int e = SSL_get_error(s->ssl, r);
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
      return io_error(s, e, "TLS write", err);
    int rc = tls_wait(s, e, err);
    if (rc)
      return rc;
  }
  return NP_OK;
}

size_t np__stream_pending(const np__stream *s) {
  return s->ssl ? (size_t)SSL_pending(s->ssl) : 0;
}

const char *np__stream_alpn(const np__stream *s, size_t *len) {
  const unsigned char *p = NULL;
  unsigned n = 0;
  if (s->ssl)
    SSL_get0_alpn_selected(s->ssl, &p, &n);
  *len = n;
  return p ? (const char *)p : "";
}

void np__stream_close(np__stream *s) {
  if (s->ssl) {
    SSL_shutdown(s->ssl); /* one non-blocking attempt; no wait for reply */
    SSL_free(s->ssl);
    s->ssl = NULL;
    ERR_clear_error();
  }
  if (s->fd >= 0)
    close(s->fd);
  s->fd = -1;
}

int np__stream_unwrap(np__stream *s, np_error *err) {
  if (!s->ssl)
    return np_error_set(err, NP_ESTATE, "not using TLS");
  int rc = NP_OK;
  /* 0: our close_notify went out, the peer's has not come yet; wait for it
   * so that no TLS record is left to be read as plain text. */
  for (int r; (r = SSL_shutdown(s->ssl)) != 1;) {
    int e = SSL_get_error(s->ssl, r);
    if (r == 0)
      e = SSL_ERROR_WANT_READ;
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
      rc = io_error(s, e, "TLS shutdown", err);
      break;
    }
    if ((rc = tls_wait(s, e, err)) != NP_OK)
      break;
  }
  SSL_free(s->ssl);
  s->ssl = NULL;
  ERR_clear_error();
  np__net_set_nonblock(s->fd, 0);
  return rc;
}
