/*
 * netproto/request.h - open URLs: requests, an opener of pluggable
 * handlers, responses and the errors they raise.
 *
 * Python counterpart: urllib.request, urllib.response and urllib.error.
 *
 *   Request(url, data, headers, origin_req_host, unverifiable, method)
 *                                        np_request_new + np_request_set_*
 *   OpenerDirector / add_handler / open  np_opener_new / _add_handler / _open
 *   build_opener(*handlers)              np_build_opener
 *   install_opener / urlopen             np_install_opener / np_urlopen
 *   BaseHandler subclasses               np_handler (a table of callbacks)
 *   addinfourl / HTTPResponse            np_response
 *   URLError                             any status urlopen returns other
 *                                        than NP_EREQUEST_HTTP; the reason
 *                                        is err->code and err->message
 *   HTTPError                            NP_EREQUEST_HTTP: err->value is the
 *                                        status, np_error_response(err) the
 *                                        readable response
 *
 * Handlers follow OpenerDirector's protocol: an opener asks its handlers,
 * in handler_order (then in the order added), first to pre-process the
 * request (<scheme>_request), then to open it (default_open, then
 * <scheme>_open, then unknown_open: the first that does not decline
 * wins), then to post-process the response (<scheme>_response).  A
 * post-processor that sees an HTTP status outside 2xx (HTTPErrorProcessor)
 * calls np_opener_error(), which asks the handlers that listed the status
 * (http_error_<code>) and then the default ones (http_error_default).
 *
 * Safer than CPython: a redirect to another scheme, host or port drops the
 * Authorization, Proxy-Authorization and Cookie headers the caller set,
 * unless the redirect handler was made with NP_REDIRECT_KEEP_CREDENTIALS.
 *
 * Ownership: np_request_new/np_request_free; header names and values and
 * the data are copied.  An opener owns the handlers added to it and frees
 * them with itself.  A response belongs to the caller (np_response_free)
 * and owns its connection or file.  The global opener set by
 * np_install_opener() is the library's one piece of global state: it is
 * read by np_urlopen(), not synchronised, and owned by the caller.
 * Nothing here is shared between threads.
 *
 * Limits: a request holds at most NP_REQUEST_MAX_HEADERS headers; the
 * redirect handler follows at most 10 redirects and the same URL at most
 * 4 times (Python's max_redirections and max_repeats, configurable).
 */
#ifndef NETPROTO_REQUEST_H
#define NETPROTO_REQUEST_H

#include "netproto/core.h"
#include "netproto/http.h"
#include "netproto/http_client.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NP_REQUEST_MAX_HEADERS 256

/* ---- Request ---- */

typedef struct np_request np_request;

/*
 * Request(url): the URL is unwrapped ("<URL:...>" and spaces stripped),
 * its fragment kept aside, its scheme (type), host and selector split as
 * Python does.  NP_EREQUEST_UNKNOWN_TYPE when the URL has no scheme;
 * NP_ENOMEM.
 */
NP_API int np_request_new(np_request **out, const char *url, size_t len,
                          np_error *err);
NP_API void np_request_free(np_request *r);

/* The URL as given (with its fragment), and its parts.  Borrowed. */
NP_API const char *np_request_full_url(const np_request *r);
NP_API const char *np_request_type(const np_request *r);     /* "http" */
NP_API const char *np_request_host(const np_request *r);     /* "" if none */
NP_API const char *np_request_selector(const np_request *r);
NP_API const char *np_request_fragment(const np_request *r); /* NULL if none */

/* The data sent as the body (copied); data NULL removes it, as
 * req.data = None (either kind: it replaces a streamed body).  NP_ENOMEM. */
NP_API int np_request_set_data(np_request *r, const void *data, size_t len);
/* The byte data, or an absent slice (also for a streamed body). */
NP_API np_slice np_request_data(const np_request *r);

/*
 * A body produced piece by piece (Python: data given as a file or an
 * iterable).  length >= 0: sent with Content-length; length < 0: sent with
 * Transfer-encoding: chunked (Python's behaviour for data without a known
 * length).  rewind (may be NULL) restarts the body when it must be sent
 * again (a 307/308 redirect followed with NP_REDIRECT_RESEND_BODY, an auth
 * retry, a stale keep-alive connection); without it such a resend fails
 * with NP_ESTATE ("request body cannot be sent again").  A read error
 * aborts the request with read's status.  close (may be NULL) releases
 * ctx when the request is freed or its body replaced.
 */
typedef struct np_request_body {
  np_http_body_fn read;          /* from netproto/http_client.h */
  int (*rewind)(void *ctx);      /* NP_OK, or a negative status */
  void (*close)(void *ctx);
  void *ctx;
  long long length;
} np_request_body;
/* Use body as the request's data, replacing byte data or an earlier body
 * (which is closed); body NULL removes it.  Like setting req.data, this
 * drops a Content-length header.  The request owns body->ctx from here on
 * (also on failure).  NP_EINVAL without a read callback. */
NP_API int np_request_set_body(np_request *r, const np_request_body *body);
/* The body read from a file (opened now, length from fstat, rewindable):
 * NP_ESYS (errno in err) when it cannot be opened or is not a regular
 * file; NP_ENOMEM. */
NP_API int np_request_set_data_file(np_request *r, const char *path,
                                    np_error *err);
/* True when the request has data of either kind. */
NP_API int np_request_has_data(const np_request *r);

/* An explicit method (copied); NULL goes back to the derived one. */
NP_API int np_request_set_method(np_request *r, const char *method);
/* get_method(): the explicit method, else "POST" with data, else "GET". */
NP_API const char *np_request_get_method(const np_request *r);

/*
 * add_header / add_unredirected_header: the name is stored as Python's
 * str.capitalize() makes it ("Content-type"); an existing header of that
 * name is replaced.  NP_EINVAL for CR, LF or NUL in name or value,
 * NP_ETOOLARGE past NP_REQUEST_MAX_HEADERS, NP_ENOMEM.
 */
NP_API int np_request_add_header(np_request *r, const char *name,
                                 const char *value);
NP_API int np_request_add_unredirected_header(np_request *r, const char *name,
                                              const char *value);
/* has_header / get_header (either kind); absent slice when missing. */
NP_API np_slice np_request_get_header(const np_request *r, const char *name);
/* remove_header (both kinds). */
NP_API void np_request_remove_header(np_request *r, const char *name);
/* header_items(): the headers, unredirected ones included, in turn. */
NP_API size_t np_request_header_count(const np_request *r);
NP_API np_http_header np_request_header_at(const np_request *r, size_t i);

/* origin_req_host (default: the request's host) and unverifiable. */
NP_API int np_request_set_origin_req_host(np_request *r, const char *host);
NP_API const char *np_request_origin_req_host(const np_request *r);
NP_API void np_request_set_unverifiable(np_request *r, int unverifiable);
NP_API int np_request_unverifiable(const np_request *r);

/* The time-out for connecting and each read/write, in ms (< 0: none, the
 * default). */
NP_API void np_request_set_timeout(np_request *r, int timeout_ms);
NP_API int np_request_timeout(const np_request *r);

/* ---- Response (urllib.response) ---- */

typedef struct np_response np_response;

/*
 * Where a response's body comes from: read stores at most cap bytes in
 * buf (what one read of the source gives: fewer is fine) and sets *got,
 * 0 only at the end; close releases ctx.  Handlers of new schemes make
 * responses with np_response_new and this.
 */
typedef struct np_response_body {
  int (*read)(void *ctx, void *buf, size_t cap, size_t *got, np_error *err);
  void (*close)(void *ctx);
  void *ctx;
} np_response_body;

/*
 * A response for url (copied) with status (0 where Python gives None, as
 * for file: and data:) and reason; body may be NULL (empty).  The
 * response owns body.ctx from here on, also on failure.  NP_ENOMEM.
 */
NP_API int np_response_new(np_response **out, const char *url, int status,
                           const char *reason, const np_response_body *body);
/* Add a header (copied).  NP_ENOMEM, NP_ETOOLARGE past 256 headers. */
NP_API int np_response_add_header(np_response *r, const char *name,
                                  size_t name_len, const char *value,
                                  size_t value_len);
/* Close (running the body's close hook) and release.  NULL is fine. */
NP_API void np_response_free(np_response *r);

/* geturl() / status (getcode()) / reason. */
NP_API const char *np_response_url(const np_response *r);
NP_API int np_response_status(const np_response *r);
NP_API const char *np_response_reason(const np_response *r);
/* HTTPResponse.version: 10 or 11 for an HTTP response, 0 for others
 * (file:, data:, ftp:).  Handlers set it with np_response_set_version. */
NP_API int np_response_version(const np_response *r);
NP_API void np_response_set_version(np_response *r, int version);
/* headers / info(): count, i-th, first value of a name (absent slice). */
NP_API size_t np_response_header_count(const np_response *r);
NP_API np_http_header np_response_header_at(const np_response *r, size_t i);
NP_API np_slice np_response_getheader(const np_response *r, const char *name);

/* read(n): up to n bytes, fewer only at the end; *got 0 at the end. */
NP_API int np_response_read(np_response *r, void *buf, size_t n,
                            size_t *got, np_error *err);
/* read1(n): at most n bytes from one read of the source (what is there
 * now, without waiting for n); *got 0 only at the end. */
NP_API int np_response_read1(np_response *r, void *buf, size_t n,
                             size_t *got, np_error *err);
/* read(): the rest appended to out (bounded by out->max).  On an error
 * the bytes that came before it are kept in out (IncompleteRead's
 * partial). */
NP_API int np_response_read_all(np_response *r, np_buf *out, np_error *err);
/* readline(): the next line with its "\n" appended to out (nothing at the
 * end); NP_ETOOLARGE when a line passes max bytes (0: out->max). */
NP_API int np_response_readline(np_response *r, np_buf *out, size_t max,
                                np_error *err);
/* close(): runs the body's close hook once; later reads give end. */
NP_API void np_response_close(np_response *r);

/*
 * HTTPError's response: the readable response an NP_EREQUEST_HTTP error
 * carries (borrowed: it lives until np_error_clear), or NULL.
 */
NP_API np_response *np_error_response(const np_error *err);
/* Take that response out of the error: the caller frees it. */
NP_API np_response *np_error_take_response(np_error *err);

/* ---- handlers and the opener ---- */

typedef struct np_opener np_opener;
typedef struct np_handler np_handler;

/* What a handler callback returns to pass its turn (Python's None). */
#define NP_DECLINED 1

enum {
  NP_HANDLER_DEFAULT_OPEN = 1 << 0, /* open() is default_open */
  NP_HANDLER_UNKNOWN_OPEN = 1 << 1, /* open() is unknown_open */
  NP_HANDLER_ERROR_DEFAULT = 1 << 2 /* error() is http_error_default */
};

/*
 * A handler: a table of callbacks, any of which may be NULL.  Make one
 * with np_malloc (or a struct that begins with it) and hand it to an
 * opener, which calls destroy (if set) when it is freed.
 *
 * open: return NP_OK with *out set, NP_DECLINED, or a negative status.
 * request: change req before it is opened; NP_OK or a negative status.
 * response: may replace *resp (freeing the old one); NP_OK or negative.
 *   On a negative return *resp must be freed or moved and set to NULL.
 * error: for an HTTP status it listed: NP_OK with *resp replaced (the old
 *   one freed), NP_DECLINED with *resp untouched, or negative with *resp
 *   freed or moved into err and set to NULL.
 */
struct np_handler {
  const char *kind;     /* build_opener replaces a default of this kind */
  int order;            /* handler_order: lower runs first (500) */
  unsigned flags;       /* NP_HANDLER_* */
  const char *schemes;  /* space-separated: the schemes open() opens and
                           request()/response() process ("http https") */
  const int *error_codes; /* the statuses error() handles */
  size_t n_error_codes;
  int (*open)(np_handler *h, np_opener *o, np_request *req,
              np_response **out, np_error *err);
  int (*request)(np_handler *h, np_opener *o, np_request *req,
                 np_error *err);
  int (*response)(np_handler *h, np_opener *o, np_request *req,
                  np_response **resp, np_error *err);
  int (*error)(np_handler *h, np_opener *o, np_request *req,
               np_response **resp, np_error *err);
  void (*destroy)(np_handler *h);
  void *ctx;            /* the handler's own */
};

/* OpenerDirector(): an opener with no handlers.  NP_ENOMEM. */
NP_API int np_opener_new(np_opener **out);
/* Free the opener and every handler it owns.  NULL is fine. */
NP_API void np_opener_free(np_opener *o);
/* add_handler: the opener owns h from here on (also on failure, when it
 * is destroyed).  NP_ENOMEM. */
NP_API int np_opener_add_handler(np_opener *o, np_handler *h);
/* The first handler of that kind, or NULL (borrowed). */
NP_API np_handler *np_opener_find(const np_opener *o, const char *kind);
/* addheaders: sent with every request that does not set them (copied;
 * replaces a header of the same name).  Default: User-agent. */
NP_API int np_opener_add_header(np_opener *o, const char *name,
                                const char *value);
NP_API size_t np_opener_header_count(const np_opener *o);
NP_API np_http_header np_opener_header_at(const np_opener *o, size_t i);

/*
 * open(req): pre-process, open, post-process; *out is the caller's.
 * NP_EREQUEST_HTTP (HTTPError, response in err) or another status
 * (URLError).  req stays the caller's and may be opened again.
 */
NP_API int np_opener_open(np_opener *o, np_request *req, np_response **out,
                          np_error *err);
/* open(url, data): a request made for the call (data may be NULL). */
NP_API int np_opener_open_url(np_opener *o, const char *url,
                              const void *data, size_t data_len,
                              int timeout_ms, np_response **out,
                              np_error *err);
/* error('http', ...): for handlers; see np_handler.error. */
NP_API int np_opener_error(np_opener *o, np_request *req, np_response **resp,
                           np_error *err);

/*
 * Beyond Python: keep-alive.  Off by default (one connection per request,
 * "Connection: close", as urllib).  max_idle > 0 turns on a per-opener
 * pool of at most max_idle idle connections (keyed by scheme, host, port,
 * proxy tunnel and time-out; the oldest is closed first), reused by the
 * opener's http and https handlers: requests go without "Connection:
 * close", and a response whose body was read to its end (or closed after
 * that) on a connection the server keeps returns it to the pool; a
 * response closed before its end closes its connection.  A request sent
 * on a pooled connection that fails before any response byte (the server
 * closed it while idle: NP_EHTTP_REMOTE_DISCONNECTED, ECONNRESET, EPIPE)
 * is retried once on a fresh connection; a streamed body without rewind
 * always gets a fresh connection.  max_idle 0 turns the pool off (idle
 * connections closed).  The pool lives until the opener and the last
 * response taken from it are freed.  NP_ENOMEM.
 */
NP_API int np_opener_set_keepalive(np_opener *o, size_t max_idle);
/* How many idle connections the opener's pool holds now. */
NP_API size_t np_opener_idle_count(const np_opener *o);

/* The built-in handlers (each NULL on NP_ENOMEM). */
NP_API np_handler *np_handler_unknown_new(void);
NP_API np_handler *np_handler_http_new(void);
/* tls may be NULL (the default context); it is copied, its strings are
 * read when a connection is made and must outlive the handler. */
NP_API np_handler *np_handler_https_new(const np_tls_options *tls);
NP_API np_handler *np_handler_default_error_new(void);
NP_API np_handler *np_handler_error_processor_new(void);
NP_API np_handler *np_handler_data_new(void);
NP_API np_handler *np_handler_file_new(void);
/* FTPHandler: ftp://[user[:pass]@]host[:port]/dir/file[;type=a|i|d], one
 * control connection per URL (ftplib's client): RETR for a file, LIST
 * for a directory or a path RETR refuses with 550; Content-type from the
 * suffix, Content-length when the 150 reply gives it; status 0.  FTP
 * failures keep their NP_EFTP_* status, message "ftp error: ...". */
NP_API np_handler *np_handler_ftp_new(void);
/*
 * CacheFTPHandler: like np_handler_ftp_new, but keeps logged-in control
 * connections for the next URL of the same user, host, port, directory
 * and time-out (and, beyond Python, password).  setMaxConns: at most
 * max_conns (0: Python's 16) are kept, the one idle longest closed first
 * (CPython's check_cache keeps one fewer).  setTimeout: timeout_s (<= 0:
 * Python's 60) seconds after its last use a connection is closed by the
 * next open of another key, as check_cache does (the key asked for is
 * reused whatever its age, as connect_ftp renews it first).  A connection
 * is out of the cache while a response reads from it and goes back when
 * its transfer ended well (a response freed early closes it).  Freeing the
 * handler closes them all (clear_cache).  When the first command on a
 * kept connection fails (the server closed it), a new login replaces it,
 * once, as ftpwrapper.retrfile does.  Kind "ftp", so it replaces
 * FTPHandler in np_build_opener.
 */
NP_API np_handler *np_handler_cache_ftp_new(size_t max_conns, int timeout_s);
/* How many connections a CacheFTPHandler holds now (0 for another). */
NP_API size_t np_handler_cache_ftp_count(const np_handler *h);

/* HTTPCookieProcessor(jar): Cookie on requests (unless the caller set
 * one), Set-Cookie of every response into the jar.  The jar stays the
 * caller's and must outlive the handler. */
typedef struct np_cookiejar np_cookiejar;
NP_API np_handler *np_handler_cookie_new(np_cookiejar *jar);

/*
 * Proxies: scheme -> proxy URL, as getproxies() returns them; the scheme
 * "no" holds no_proxy.  Strings are owned by the np_proxies.
 */
typedef struct np_proxy {
  char *scheme;
  char *url;
} np_proxy;
typedef struct np_proxies {
  np_proxy *items;
  size_t n;
} np_proxies;

/*
 * getproxies_environment() on envp (NULL: the process's environ): every
 * <scheme>_proxy variable of any case with a value, then the lower-case
 * ones again so they win (an empty one removes the scheme); under CGI
 * (REQUEST_METHOD set) HTTP_PROXY in upper case is ignored.  *out must be
 * zeroed or freed; NP_ENOMEM.
 */
NP_API int np_getproxies_environment(np_proxies *out, char *const *envp);
/* getproxies(): np_getproxies_environment(out, NULL). */
NP_API int np_getproxies(np_proxies *out);
/* The proxy for a scheme (or "no"), or NULL.  Borrowed. */
NP_API const char *np_proxies_get(const np_proxies *p, const char *scheme);
/* Set (copy) or, with url NULL, remove the proxy of a scheme. NP_ENOMEM. */
NP_API int np_proxies_set(np_proxies *p, const char *scheme, const char *url);
NP_API void np_proxies_free(np_proxies *p);
/* proxy_bypass_environment(host, proxies): 1 when no_proxy ("*", or a
 * comma list of names and domain suffixes, leading dots ignored) covers
 * host (with or without its port), else 0. */
NP_API int np_proxy_bypass(const char *host, const np_proxies *p);

/*
 * ProxyHandler(proxies): opens each scheme that has a proxy through it
 * (order 100): user:password in the proxy URL becomes a Basic
 * Proxy-authorization header, https is tunnelled with CONNECT, other
 * schemes are sent to the proxy with the full URL.  Hosts no_proxy of the
 * process environment covers go direct, as Python does.  proxies NULL:
 * np_getproxies_environment(NULL) when the handler is made.  Copied.
 */
NP_API np_handler *np_handler_proxy_new(const np_proxies *proxies);

/*
 * Password managers: HTTPPasswordMgr, HTTPPasswordMgrWithDefaultRealm
 * (a NULL realm is the default one, tried after the realm asked for) and
 * HTTPPasswordMgrWithPriorAuth (also remembers which URIs are known to
 * need credentials, so they are sent before a 401).  URIs match by
 * authority (the default port filled in for http and https, and also as
 * written) and path prefix at a '/' boundary, as Python's reduce_uri and
 * is_suburi.  Strings are copied.
 */
typedef struct np_password_mgr np_password_mgr;
enum {
  NP_PASSWORD_MGR_PLAIN = 0,
  NP_PASSWORD_MGR_DEFAULT_REALM = 1,
  NP_PASSWORD_MGR_PRIOR_AUTH = 2
};
NP_API int np_password_mgr_new(np_password_mgr **out, int kind);
NP_API void np_password_mgr_free(np_password_mgr *m);
/* add_password(realm, uri, user, passwd[, is_authenticated]); realm NULL
 * is Python's None.  is_authenticated only counts for PRIOR_AUTH. */
NP_API int np_password_mgr_add(np_password_mgr *m, const char *realm,
                               const char *uri, const char *user,
                               const char *passwd, int is_authenticated);
/* find_user_password(realm, authuri): NP_OK with borrowed strings, or
 * NP_ENOTFOUND (both set to NULL). */
NP_API int np_password_mgr_find(const np_password_mgr *m, const char *realm,
                                const char *authuri, const char **user,
                                const char **passwd);
/* update_authenticated / is_authenticated (PRIOR_AUTH): 1, 0, or -1 when
 * no URI of the manager covers authuri. */
NP_API int np_password_mgr_update_authenticated(np_password_mgr *m,
                                                const char *uri,
                                                int is_authenticated);
NP_API int np_password_mgr_is_authenticated(const np_password_mgr *m,
                                            const char *authuri);

/*
 * HTTPBasicAuthHandler / ProxyBasicAuthHandler on a password manager the
 * caller keeps (it must outlive the handler).  On a 401 (407) whose
 * WWW-Authenticate (Proxy-Authenticate) names Basic with a realm, the
 * request is retried once with credentials for that realm and the
 * request's URL (the proxy's host:port); a challenge of another scheme
 * only is NP_EUNSUPPORTED, as Python's ValueError.  The challenge is
 * parsed in one pass (no backtracking).  With a PRIOR_AUTH manager the
 * www handler sends credentials up front for authenticated URIs and
 * records each response's outcome.
 */
NP_API np_handler *np_handler_basic_auth_new(np_password_mgr *m);
NP_API np_handler *np_handler_proxy_basic_auth_new(np_password_mgr *m);

/*
 * HTTPDigestAuthHandler / ProxyDigestAuthHandler (order 490, before
 * basic) on a manager the caller keeps.  The first WWW-Authenticate
 * (Proxy-Authenticate) field is answered when it is Digest: algorithms
 * MD5 and SHA (SHA-1) as Python, and beyond Python SHA-256 and
 * SHA-512-256 (RFC 7616); qop "auth" (nonce count and a random cnonce) or
 * none.  At most 5 retries in a row, then HTTPError "digest auth failed";
 * a Basic challenge is left to the basic handler; another scheme is
 * NP_EUNSUPPORTED, another qop NP_EREQUEST_URL, as Python.
 */
NP_API np_handler *np_handler_digest_auth_new(np_password_mgr *m);
NP_API np_handler *np_handler_proxy_digest_auth_new(np_password_mgr *m);

enum {
  /* Forward Authorization, Proxy-Authorization and Cookie on a redirect
   * to another scheme, host or port, as CPython does (unsafe). */
  NP_REDIRECT_KEEP_CREDENTIALS = 1 << 0,
  /* Beyond Python: follow 307 and 308 for every method, sending the same
   * method, body (a streamed one rewound) and content headers again, as
   * RFC 9110 allows (Python raises HTTPError for a POST or PUT). */
  NP_REDIRECT_RESEND_BODY = 1 << 1
};
/* HTTPRedirectHandler: max_redirections and max_repeats <= 0 take
 * Python's 10 and 4. */
NP_API np_handler *np_handler_redirect_new(int max_redirections,
                                           int max_repeats, unsigned flags);

/*
 * build_opener(*handlers): an opener with the default handlers (proxy
 * from the environment, unknown, ftp,
 * http, https, default_error, redirect, file, error_processor, data) and
 * then the n given ones; a given handler whose kind is a default's
 * replaces it.  The opener owns the given handlers from here on, also on
 * failure.  NP_ENOMEM.
 */
NP_API int np_build_opener(np_opener **out, np_handler **handlers, size_t n,
                           np_error *err);

/* install_opener(o): the opener np_urlopen uses (NULL: a default one made
 * on first use).  The caller keeps ownership and must keep o alive while
 * installed.  Not thread-safe. */
NP_API void np_install_opener(np_opener *o);

/* urlopen(url, data, timeout): with the installed opener. */
NP_API int np_urlopen(const char *url, const void *data, size_t data_len,
                      int timeout_ms, np_response **out, np_error *err);
/*
 * urlcleanup(): remove the temporary files np_urlretrieve made and free
 * the default opener np_urlopen made.  Not thread-safe.
 */
NP_API void np_urlcleanup(void);

/* reporthook(blocknum, blocksize, totalsize): totalsize -1 when unknown. */
typedef void (*np_reporthook_fn)(void *ctx, long long blocknum,
                                 size_t blocksize, long long totalsize);

/*
 * urlretrieve(url, filename, reporthook, data): copy the URL's body to
 * filename (NULL: a new temporary file, removed by np_urlcleanup), in
 * 8 KiB blocks, calling hook (may be NULL) once before the first block
 * and after each.  opener NULL: the one np_urlopen uses.  *path (the
 * caller frees it with np_free) is the file written; a file: URL without
 * filename is not copied and *path is its local path.  *headers (may be
 * NULL) receives the response, closed, for its status and headers.
 * NP_EREQUEST_CONTENT_TOO_SHORT when fewer bytes came than
 * Content-Length said (the file and *path are kept, as Python keeps
 * them); the statuses of np_urlopen; NP_ESYS for the file.
 */
NP_API int np_urlretrieve(np_opener *opener, const char *url,
                          const char *filename, const void *data,
                          size_t data_len, np_reporthook_fn hook, void *ctx,
                          char **path, np_response **headers, np_error *err);

/* pathname2url / url2pathname (POSIX): quote and unquote, appended to
 * out.  The np_buf's statuses. */
NP_API int np_pathname2url(np_buf *out, const char *path, size_t len);
NP_API int np_url2pathname(np_buf *out, const char *url, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* NETPROTO_REQUEST_H */
