/*
 * The byte stream every client protocol reads and writes (internal): a
 * connected socket, plain or wrapped in TLS by OpenSSL 3.  http.client,
 * ftplib and urllib.request share it, so a protocol is written once over
 * np__stream_read / np__stream_write and works the same with and without
 * TLS.
 *
 * TLS defaults are those of Python's ssl.create_default_context(): the
 * peer's certificate chain is verified against the system store (or the
 * CA file/folder given) and its name against the host we connected to;
 * SNI carries that name (not for IP literals); TLS 1.2 is the minimum;
 * ALPN offers what the caller names ("http/1.1").  Turning verification off
 * takes an option named insecure_skip_verify.  A peer closing without
 * close_notify reads as a clean end of stream, as CPython's
 * suppress_ragged_eofs does (framing, not TLS, detects truncation).
 * Writes never raise SIGPIPE, plain or TLS (send with MSG_NOSIGNAL): a peer
 * that went away is an NP_ESYS error with errno EPIPE or ECONNRESET.
 *
 * Life cycle: np__tls_ctx_new once per configuration (it loads the trust
 * store, which is slow; share it across connections), then per
 * connection np__stream_init on a connected fd, np__stream_start_tls for
 * TLS, I/O, and np__stream_close, which closes the fd.
 *
 * Time-outs: the stream's timeout_ms bounds each read and each write
 * (negative: none), and the handshake as a whole.  Errors: NP_ETIMEDOUT,
 * NP_EOF (peer closed), NP_ESYS (errno), NP_ETLS (TLS failure, OpenSSL's
 * reason in the message), NP_ETLS_VERIFY (certificate or name not
 * verified, with OpenSSL's verify reason).
 */
#ifndef NP_CORE_TLS_H
#define NP_CORE_TLS_H

#include "core/internal.h"
#include "netproto/http_client.h" /* np_tls_options */

typedef struct np__tls_ctx np__tls_ctx;

/* A TLS client context from options (NULL: the defaults).  alpn is a
 * protocol name to offer ("http/1.1") or NULL.  NP_ETLS when a file does
 * not load, NP_ENOMEM. */
int np__tls_ctx_new(const np_tls_options *opts, const char *alpn,
                    np__tls_ctx **out, np_error *err);
void np__tls_ctx_free(np__tls_ctx *ctx);

typedef struct np__stream {
  int fd;         /* read-only: the socket, -1 when closed */
  void *ssl;      /* private: SSL *, NULL for a plain stream */
  int timeout_ms; /* public: per read/write, negative for none */
} np__stream;

/* A plain stream over a connected socket (taking ownership of fd). */
void np__stream_init(np__stream *s, int fd, int timeout_ms);

/* Run the TLS client handshake for `host` (SNI and name check; an IP
 * literal is checked as an address).  On failure the stream stays plain
 * and open; the caller closes it. */
int np__stream_start_tls(np__stream *s, np__tls_ctx *ctx, const char *host,
                         np_error *err);

/* The same handshake, offering the session of `from` (a TLS stream to the
 * same server) for resumption: FTP servers such as vsftpd accept a data
 * connection only when it resumes the control connection's session.  A
 * server that declines resumption gets a full handshake; check with
 * np__stream_session_reused. */
int np__stream_start_tls_resume(np__stream *s, np__tls_ctx *ctx,
                                const char *host, const np__stream *from,
                                np_error *err);

/* 1 when the handshake of s resumed an earlier session, else 0. */
int np__stream_session_reused(const np__stream *s);

/* End TLS but keep the connection (FTP's CCC, ssl's unwrap): send
 * close_notify, wait (time-out bounded) for the peer's, and leave s a plain
 * stream on the same open fd.  NP_ESTATE when s is not TLS.  On failure s
 * is plain too; the caller should close it. */
int np__stream_unwrap(np__stream *s, np_error *err);

/* Read at most len bytes (>= 1 on NP_OK); NP_EOF when the peer closed. */
int np__stream_read(np__stream *s, void *buf, size_t len, size_t *got,
                    np_error *err);

/* Write all len bytes. */
int np__stream_write(np__stream *s, const void *buf, size_t len,
                     np_error *err);

/* Bytes already decrypted and waiting inside TLS (0 for plain). */
size_t np__stream_pending(const np__stream *s);

/* The ALPN protocol the server chose, or "" (plain or none). */
const char *np__stream_alpn(const np__stream *s, size_t *len);

/* Send close_notify when TLS (best effort), close the fd. Idempotent. */
void np__stream_close(np__stream *s);

#endif /* NP_CORE_TLS_H */
