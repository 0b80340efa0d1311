/*
 * Internals shared by the request module's files (urllib.request).
 */
#ifndef NP_REQUEST_INTERNAL_H
#define NP_REQUEST_INTERNAL_H

#include "core/internal.h"
#include "netproto/request.h"

/* A URL seen on a redirect chain and how many times (redirect_dict). */
typedef struct np__visit {
  char *url;
  int count;
} np__visit;

/* A copied header; unredirected ones are not carried over redirects. */
typedef struct np__reqhdr {
  char *name;
  char *value;
  int unredirected;
} np__reqhdr;

struct np_request {
  char *url;       /* without the fragment */
  char *full_url;  /* with it, as full_url reads */
  char *fragment;  /* NULL: none */
  char *type, *host, *selector;
  char *data;      /* NULL: no data */
  size_t data_len;
  np_request_body body; /* body.read NULL: none (streamed data) */
  int body_sent;   /* the streamed body was read from: rewind to resend */
  int body_borrowed; /* a redirect's copy: the original closes it */
  char *method;    /* NULL: derived */
  np__reqhdr *hdrs;
  size_t nhdrs, caphdrs;
  char *origin_req_host;
  int unverifiable;
  int timeout_ms;
  char *tunnel_host;  /* set_proxy for https: CONNECT to this */
  char *orig_host;    /* before set_proxy (Host header); NULL if none */
  np__visit *visited; /* the redirect chain so far (owned copy) */
  size_t nvisited;
};

/* Python's str.capitalize() / str.title() of an ASCII header name,
 * into out (cap bytes, NUL-terminated; longer names are cut). */
void np__hdr_capitalize(const char *in, char *out, size_t cap);
void np__hdr_title(const char *in, char *out, size_t cap);
/* True when space-separated `list` holds the word `s`. */
bool np__word_in(const char *list, const char *s);
/* Copy a redirect chain into req (replacing its own). NP_ENOMEM. */
int np__request_set_visited(np_request *req, const np__visit *v, size_t n);
/* Raise HTTPError: move *resp into err (message "HTTP Error N: msg",
 * msg NULL: the reason; url not NULL replaces the response's, as
 * HTTPError(url, ...) does); returns NP_EREQUEST_HTTP. */
int np__http_error(np_response **resp, np_error *err, const char *msg,
                   const char *url);

/* Make the streamed body ready to be sent (again): rewinds it when it
 * was read from.  NP_OK, NP_ESTATE without rewind, rewind's status. */
int np__request_body_ready(np_request *req, np_error *err);
/* True when the request's body could be sent again. */
bool np__request_body_resendable(const np_request *req);
/* Share req's data (bytes copied, a streamed body borrowed) with next. */
int np__request_copy_body(np_request *next, const np_request *req);

/* A handler of `size` bytes (np_handler itself or a struct that begins
 * with one), zeroed, with kind, order and schemes set and destroy
 * freeing it (replace destroy when the struct owns more).  NULL when
 * out of memory. */
void *np__handler_new(size_t size, const char *kind, int order,
                      const char *schemes);

/* The opener's keep-alive pool (NULL when off), for the http handlers. */
typedef struct np__pool np__pool;
np__pool *np__opener_pool(const np_opener *o);
/* Take an idle connection for key (NULL: none).  The caller owns it. */
np_http_conn *np__pool_take(np__pool *p, const char *key);
/* Give conn back (it is closed when the pool is full or shut). */
void np__pool_put(np__pool *p, const char *key, np_http_conn *conn);
void np__pool_ref(np__pool *p);
void np__pool_unref(np__pool *p);

/* "Basic " and the base64 of "user:pass" appended to out: the value of
 * an Authorization or Proxy-Authorization header.  NP_ENOMEM. */
int np__basic_auth(np_buf *out, const char *user, const char *pass);
/* Request.set_proxy(hostport, type). NP_ENOMEM. */
int np__request_set_proxy(np_request *req, const char *hostport,
                          const char *type);

/* mimetypes.guess_type for common suffixes of a path or URL, or NULL. */
const char *np__guess_type(const char *path);
/* urlcleanup's part in retrieve.c: remove the temporary files. */
void np__retrieve_cleanup(void);

#endif /* NP_REQUEST_INTERNAL_H */
