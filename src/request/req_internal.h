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

/* base64 of s[0..len) appended to out. */
int np__base64_append(np_buf *out, const char *s, size_t len);
/* Request.set_proxy(hostport, type). NP_ENOMEM. */
int np__request_set_proxy(np_request *req, const char *hostport,
                          const char *type);

/* mimetypes.guess_type for common suffixes of a path or URL, or NULL. */
const char *np__guess_type(const char *path);
/* urlcleanup's part in retrieve.c: remove the temporary files. */
void np__retrieve_cleanup(void);

#endif /* NP_REQUEST_INTERNAL_H */
