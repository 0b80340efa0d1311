/* HTTPCookieProcessor: the cookie jar on the opener's requests and
 * responses. */
#include "request/req_internal.h"

#include "netproto/cookiejar.h"

#include <string.h>

typedef struct cookie_handler {
  np_handler h;
  np_cookiejar *jar; /* borrowed: the caller's */
} cookie_handler;


static np_cookie_request jar_request(const np_request *req, np_slice host) {
  np_cookie_request cr;
  memset(&cr, 0, sizeof cr);
  cr.url = req->full_url;
  cr.url_len = strlen(req->full_url);
  cr.host_header = host.ptr;
  cr.origin_req_host = req->origin_req_host;
  cr.unverifiable = req->unverifiable != 0;
  return cr;
}

/* http_request: add_cookie_header, unless the caller set Cookie. */
static int cookie_request(np_handler *h, np_opener *o, np_request *req,
                          np_error *err) {
  cookie_handler *self = (cookie_handler *)h;
  (void)o;
  np_cookie_request cr = jar_request(req, np_request_get_header(req, "Host"));
  np_buf c1, c2;
  np_buf_init(&c1, 0);
  np_buf_init(&c2, 0);
  int flags = 0;
  int rc = np_cookiejar_cookie_header(self->jar, &cr, &c1, &c2, &flags);
  if (rc == NP_OK && (flags & NP_COOKIEJAR_COOKIE) && c1.data &&
      !np_request_get_header(req, "Cookie").ptr)
    rc = np_request_add_unredirected_header(req, "Cookie", c1.data);
  if (rc == NP_OK && (flags & NP_COOKIEJAR_COOKIE2) && c2.data &&
      !np_request_get_header(req, "Cookie2").ptr)
    rc = np_request_add_unredirected_header(req, "Cookie2", c2.data);
  np_buf_free(&c1);
  np_buf_free(&c2);
  return rc == NP_OK ? NP_OK
                     : np_error_set(err, rc, "cookies: %s", np_strerror(rc));
}

/* http_response: extract_cookies from every response, errors too. */
static int cookie_response(np_handler *h, np_opener *o, np_request *req,
                           np_response **resp, np_error *err) {
  cookie_handler *self = (cookie_handler *)h;
  (void)o;
  size_t n = np_response_header_count(*resp);
  np_cookie_header *hs = np_malloc((n ? n : 1) * sizeof *hs);
  if (!hs)
    return np_error_set(err, NP_ENOMEM, "out of memory");
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    np_http_header x = np_response_header_at(*resp, i);
    if (np_slice_ieq_cstr(x.name, "Set-Cookie") ||
        np_slice_ieq_cstr(x.name, "Set-Cookie2"))
      hs[k++] = (np_cookie_header){x.name, x.value};
  }
  np_cookie_request cr = jar_request(req, np_request_get_header(req, "Host"));
  int rc = k ? np_cookiejar_extract(self->jar, hs, k, &cr) : NP_OK;
  np_free(hs);
  return rc == NP_OK ? NP_OK
                     : np_error_set(err, rc, "cookies: %s", np_strerror(rc));
}

np_handler *np_handler_cookie_new(np_cookiejar *jar) {
  cookie_handler *self =
      np__handler_new(sizeof *self, "cookie", 500, "http https");
  if (!self)
    return NULL;
  self->jar = jar;
  self->h.request = cookie_request;
  self->h.response = cookie_response;
  return &self->h;
}
