/*
 * netproto/ftp.h - an FTP client, plain and over TLS (RFC 959, 2428, 4217).
 *
 * Python counterpart: ftplib (FTP, FTP_TLS).  One np_ftp is one control
 * connection; it is not shared between threads.  Calls follow ftplib's
 * names and replies: np_ftp_sendcmd returns the server's reply, the
 * transfer calls stream data to and from callbacks, and a failure returns
 * one of ftplib's exceptions as a status:
 *   NP_EFTP_REPLY  error_reply  an unexpected reply (1xx-3xx where 2xx was due)
 *   NP_EFTP_TEMP   error_temp   a 4xx reply
 *   NP_EFTP_PERM   error_perm   a 5xx reply
 *   NP_EFTP_PROTO  error_proto  a reply that is not 1xx-5xx, or a PASV/EPSV
 *                               reply that does not parse
 * For those np_error.value is the reply code (0 when there is none) and
 * np_error.message the reply text (truncated to fit); the whole reply is
 * also np_ftp_last_reply().  Other statuses: NP_ETIMEDOUT, NP_EOF (server
 * closed: Python's EOFError), NP_ESYS, NP_ETLS, NP_ETLS_VERIFY,
 * NP_EFTP_LINE_TOO_LONG (a line past max_line), NP_EFTP_NEWLINE (CR/LF in a
 * command: Python's ValueError), NP_ESTATE (not connected, transfer open).
 *
 * Differences from Python, on purpose:
 *   - every wait has a time-out (default NP_FTP_DEFAULT_TIMEOUT_MS, 60 s),
 *     where Python waits forever unless given one;
 *   - FTP_TLS data connections resume the control connection's TLS session
 *     (vsftpd's require_ssl_reuse needs it; CPython does not do it);
 *   - in passive IPv4 mode the address of a 227 reply is ignored and the
 *     control connection's peer is used, as CPython does since 3.9
 *     (trust_server_pasv_ipv4_address turns that off).
 *
 * Ownership: np_ftp_new/np_ftp_free; a data connection from
 * np_ftp_ntransfercmd is closed by np_ftp_data_close (or np_ftp_data_free
 * on an error path).  Strings returned by getters are borrowed until the
 * next call on the same np_ftp.
 */
#ifndef NETPROTO_FTP_H
#define NETPROTO_FTP_H

#include "netproto/core.h"
#include "netproto/http_client.h" /* np_tls_options */

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NP_FTP_PORT 21
#define NP_FTP_DEFAULT_TIMEOUT_MS 60000
#define NP_FTP_MAXLINE 8192     /* ftplib's MAXLINE */
#define NP_FTP_BLOCKSIZE 8192   /* ftplib's default blocksize */

typedef struct np_ftp_options {
  int timeout_ms;          /* connect, and each wait on the control or a data
                              connection; 0: NP_FTP_DEFAULT_TIMEOUT_MS;
                              < 0: wait forever (Python's default) */
  const char *source_host; /* bind the local end (source_address) */
  int source_port;
  int tls;                 /* 1: FTP_TLS (AUTH TLS at login or np_ftp_auth) */
  np_tls_options tls_opts; /* verification is on unless insecure_skip_verify */
  int active;              /* 1: active mode (PORT/EPRT), set_pasv(False) */
  int trust_server_pasv_ipv4_address; /* 1: connect where 227 says */
  size_t max_line;         /* longest line; 0: NP_FTP_MAXLINE */
} np_ftp_options;

typedef struct np_ftp np_ftp;
typedef struct np_ftp_data np_ftp_data;

/* A new, unconnected client.  opts may be NULL (defaults).  The options
 * are copied (strings too).  NP_ENOMEM; NP_ETLS when tls is set and the
 * TLS settings do not load. */
NP_API int np_ftp_new(np_ftp **out, const np_ftp_options *opts,
                      np_error *err);

/* Close the connections without QUIT and release.  NULL is fine. */
NP_API void np_ftp_free(np_ftp *f);

/* Connect to host:port (port <= 0: 21) and read the welcome (connect()).
 * A welcome that is not 1xx-3xx fails as Python's getresp does. */
NP_API int np_ftp_connect(np_ftp *f, const char *host, int port,
                          np_error *err);

/* The welcome message, "" before connect (getwelcome()). */
NP_API const char *np_ftp_getwelcome(const np_ftp *f);

/* The last reply read: all its lines joined by '\n', without the final
 * line end; its code in *code (may be NULL; 0 if it had no valid code). */
NP_API const char *np_ftp_last_reply(const np_ftp *f, int *code);

/* login(user, passwd, acct): NULL or "" user is "anonymous", whose empty
 * or "-" password gets "anonymous@" appended.  On FTP_TLS, AUTH TLS first
 * (when the control connection is still plain). */
NP_API int np_ftp_login(np_ftp *f, const char *user, const char *passwd,
                        const char *acct, np_error *err);

/* sendcmd(): send one command line, read the reply (any 1xx-3xx is fine;
 * 4xx/5xx/other fail).  The reply is np_ftp_last_reply(). */
NP_API int np_ftp_sendcmd(np_ftp *f, const char *cmd, np_error *err);

/* voidcmd(): sendcmd() that also requires a 2xx reply (else NP_EFTP_REPLY). */
NP_API int np_ftp_voidcmd(np_ftp *f, const char *cmd, np_error *err);

/* voidresp(): read one reply, which must be 2xx. */
NP_API int np_ftp_voidresp(np_ftp *f, np_error *err);

/* abort(): ABOR as urgent data; the reply must be 426, 225 or 226
 * (else NP_EFTP_PROTO).  After a 426 (a transfer was cut) the reply to ABOR
 * itself is read too, so the next command gets its own reply (ftplib
 * leaves that 226 unread).  Free the data connection BEFORE calling it
 * (np_ftp_data_free), as curl does: a server blocked sending on the data
 * connection (vsftpd) reads no ABOR until that connection goes away. */
NP_API int np_ftp_abort(np_ftp *f, np_error *err);

/* set_pasv(): 1 passive (the default), 0 active. */
NP_API void np_ftp_set_pasv(np_ftp *f, int passive);

/* ---- data connections ---- */

/*
 * ntransfercmd(cmd, rest): open a data connection (PASV/EPSV, or PORT/EPRT
 * and accept), send "REST rest" when rest >= 0, send cmd and require a 1xx
 * reply.  *size (may be NULL) is the size a "150 ... (N bytes)" reply
 * announced, or -1.  With FTP_TLS after PROT P the data connection is TLS,
 * resuming the control connection's session.  The caller reads or writes,
 * then calls np_ftp_data_close and np_ftp_voidresp.
 */
NP_API int np_ftp_ntransfercmd(np_ftp *f, const char *cmd, int64_t rest,
                               np_ftp_data **out, int64_t *size,
                               np_error *err);

/* Read at most len bytes; *got == 0 with NP_OK at the end of the data. */
NP_API int np_ftp_data_read(np_ftp_data *d, void *buf, size_t len,
                            size_t *got, np_error *err);

/* Write all len bytes. */
NP_API int np_ftp_data_write(np_ftp_data *d, const void *buf, size_t len,
                             np_error *err);

/* Close the data connection (TLS: close_notify first) and release d.
 * Returns the status of the TLS shutdown; d is released either way. */
NP_API int np_ftp_data_close(np_ftp_data *d, np_error *err);

/* Release d without a TLS shutdown (an error path).  NULL is fine. */
NP_API void np_ftp_data_free(np_ftp_data *d);

/* 1 when the data connection resumed the control connection's TLS session. */
NP_API int np_ftp_data_tls_resumed(const np_ftp_data *d);

/* ---- transfers ---- */

/* Receives a block of data; a non-zero return stops the transfer (the data
 * connection is closed, the final reply read) and is returned. */
typedef int (*np_ftp_data_cb)(void *ctx, const char *data, size_t len);

/* Receives one line, without its CRLF or LF. Non-zero stops, as above. */
typedef int (*np_ftp_line_cb)(void *ctx, const char *line, size_t len);

/* Supplies upload data: up to cap bytes into buf, returns the count, 0 at
 * the end, or a negative status to stop (which is returned). */
typedef long (*np_ftp_read_cb)(void *ctx, char *buf, size_t cap);

/* retrbinary(cmd, callback, blocksize, rest): TYPE I, then cmd's data in
 * blocks of at most blocksize bytes (0: 8192); rest < 0: none. */
NP_API int np_ftp_retrbinary(np_ftp *f, const char *cmd, np_ftp_data_cb cb,
                             void *ctx, size_t blocksize, int64_t rest,
                             np_error *err);

/* retrlines(cmd, callback): TYPE A, then each line (CRLF or LF stripped).
 * cmd NULL is "LIST".  A line past max_line: NP_EFTP_LINE_TOO_LONG. */
NP_API int np_ftp_retrlines(np_ftp *f, const char *cmd, np_ftp_line_cb cb,
                            void *ctx, np_error *err);

/* storbinary(cmd, fp, blocksize, callback, rest): TYPE I, then the data
 * read() gives, in blocks of blocksize (0: 8192); progress (may be NULL)
 * sees each block after it is sent. */
NP_API int np_ftp_storbinary(np_ftp *f, const char *cmd, np_ftp_read_cb read,
                             void *rctx, size_t blocksize,
                             np_ftp_data_cb progress, void *pctx,
                             int64_t rest, np_error *err);

/* storlines(cmd, fp, callback): TYPE A, then the lines read() gives, each
 * ending changed to CRLF (a final line without one gets it); a line past
 * max_line: NP_EFTP_LINE_TOO_LONG.  progress sees each line as sent. */
NP_API int np_ftp_storlines(np_ftp *f, const char *cmd, np_ftp_read_cb read,
                            void *rctx, np_ftp_data_cb progress, void *pctx,
                            np_error *err);

/* ---- directories and files ---- */

/* nlst(args): each name NLST lists.  args may be NULL. */
NP_API int np_ftp_nlst(np_ftp *f, const char *args, np_ftp_line_cb cb,
                       void *ctx, np_error *err);

/* dir(args): each line LIST gives.  args may be NULL. */
NP_API int np_ftp_dir(np_ftp *f, const char *args, np_ftp_line_cb cb,
                      void *ctx, np_error *err);

/* One MLSD fact: name lower-cased as Python does, value as sent. */
typedef struct np_ftp_fact {
  np_slice name;
  np_slice value;
} np_ftp_fact;

#define NP_FTP_MAX_FACTS 32

/* One MLSD entry (borrowed, valid during the callback). */
typedef struct np_ftp_entry {
  np_slice name;
  size_t nfacts;
  np_ftp_fact facts[NP_FTP_MAX_FACTS];
} np_ftp_entry;

typedef int (*np_ftp_entry_cb)(void *ctx, const np_ftp_entry *e);

/* The value of fact `name` (lower case) in e, or an absent slice. */
NP_API np_slice np_ftp_entry_fact(const np_ftp_entry *e, const char *name);

/*
 * Parse one MLSD line "fact=v;fact=v; name" as ftplib's mlsd() does: the
 * name is everything after the first space; each fact before it is split
 * at its first '=' and its name lower-cased IN PLACE (line is modified).
 * Slices in e point into line.  Facts past NP_FTP_MAX_FACTS are dropped.
 * It never fails: a line without a space is all facts and an empty name,
 * as Python's str.partition gives.
 */
NP_API void np_ftp_parse_mlsd_line(char *line, size_t len, np_ftp_entry *e);

/* mlsd(path, facts): each entry of MLSD path (NULL: current directory);
 * facts (may be NULL, or NULL-terminated) are requested first with
 * "OPTS MLST f1;f2;". */
NP_API int np_ftp_mlsd(np_ftp *f, const char *path, const char *const *facts,
                       np_ftp_entry_cb cb, void *ctx, np_error *err);

/* cwd(): ".." sends CDUP (falling back to CWD .. on a 500); "" or NULL
 * is ".". */
NP_API int np_ftp_cwd(np_ftp *f, const char *dir, np_error *err);

/* pwd(): the directory in out (appended), as parse257 reads it. */
NP_API int np_ftp_pwd(np_ftp *f, np_buf *out, np_error *err);

/* mkd(): create; the new path appended to out (may be NULL). */
NP_API int np_ftp_mkd(np_ftp *f, const char *dir, np_buf *out,
                      np_error *err);

/* rmd(): remove a directory (2xx required). */
NP_API int np_ftp_rmd(np_ftp *f, const char *dir, np_error *err);

/* delete(): the reply must be 250 or 200 (else NP_EFTP_REPLY). */
NP_API int np_ftp_delete(np_ftp *f, const char *name, np_error *err);

/* rename(): RNFR must get 3xx (else NP_EFTP_REPLY), then RNTO. */
NP_API int np_ftp_rename(np_ftp *f, const char *from, const char *to,
                         np_error *err);

/* size(): SIZE; *size is -1 when the reply is not 213 (Python's None). */
NP_API int np_ftp_size(np_ftp *f, const char *name, int64_t *size,
                       np_error *err);

/* quit(): QUIT (2xx required), then close. */
NP_API int np_ftp_quit(np_ftp *f, np_error *err);

/* close(): close the connection without a word; the object is reusable. */
NP_API void np_ftp_close(np_ftp *f);

/* ---- FTP_TLS ---- */

/* auth(): AUTH TLS and the TLS handshake on the control connection. */
NP_API int np_ftp_auth(np_ftp *f, np_error *err);

/* prot_p(): PBSZ 0 and PROT P: data connections use TLS.  NP_ESTATE on
 * a client made without opts.tls. */
NP_API int np_ftp_prot_p(np_ftp *f, np_error *err);

/* prot_c(): PROT C: data connections are plain. */
NP_API int np_ftp_prot_c(np_ftp *f, np_error *err);

/* ccc(): CCC, then the control connection goes back to plain text
 * (NP_ESTATE when it is not TLS). */
NP_API int np_ftp_ccc(np_ftp *f, np_error *err);

/* ---- reply parsers (ftplib's parse150, parse227, parse229, parse257) ---- */

/* The size of a "150 ... (N bytes)" reply, or -1. */
NP_API int64_t np_ftp_parse150(const char *resp, size_t len);

/* The host (dotted, into host[16]) and port of a 227 reply; numbers over
 * 255 do not parse (Python builds an impossible address); numbers are read
 * as decimal, so "0127" is 127 (Python keeps the text).
 * NP_EFTP_REPLY when not 227, NP_EFTP_PROTO when it does not parse. */
NP_API int np_ftp_parse227(const char *resp, size_t len, char host[16],
                           int *port);

/* The port of a 229 reply "(|||port|)".  Same errors. */
NP_API int np_ftp_parse229(const char *resp, size_t len, int *port);

/* The directory of a 257 reply appended to out ("" when it is not quoted).
 * NP_EFTP_REPLY when not 257. */
NP_API int np_ftp_parse257(const char *resp, size_t len, np_buf *out);

#ifdef __cplusplus
}
#endif
#endif /* NETPROTO_FTP_H */
