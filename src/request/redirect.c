/* HTTPRedirectHandler: 301, 302, 303, 307 and 308 with Python's rules. */
#include "request/req_internal.h"

#include "netproto/url.h"

#include <stdio.h>
#include <string.h>

static const int redirect_codes[] = {301, 302, 303, 307, 308};

static const char inf_msg[] =
    "The HTTP server returned a redirect error that would lead to an "
    "infinite loop.\nThe last 30x error message was:\n";

typedef struct redirect_handler {
  np_handler h;
  int max_redirections, max_repeats;
  unsigned flags;
} redirect_handler;


/* The default port of a scheme, for telling origins apart. */
static int origin_port(const np_url *u) {
  if (u->port >= 0)
    return u->port;
  if (np_slice_ieq_cstr(u->scheme, "https"))
    return 443;
  if (np_slice_ieq_cstr(u->scheme, "ftp"))
    return 21;
  return 80;
}

/* True when a and b differ in scheme, host or port. */
static bool cross_origin(const char *a, const char *b) {
  np_url ua, ub;
  np_url_init(&ua);
  np_url_init(&ub);
  bool cross = true;
  if (np_urlsplit(&ua, a, strlen(a), NULL, 0, NULL) == NP_OK &&
      np_urlsplit(&ub, b, strlen(b), NULL, 0, NULL) == NP_OK)
    cross = !np_slice_eq(ua.scheme, ub.scheme) ||
            !np_slice_eq(ua.hostname, ub.hostname) ||
            origin_port(&ua) != origin_port(&ub);
  np_url_free(&ua);
  np_url_free(&ub);
  return cross;
}

/* http_error_302's URL work: check the scheme, "/" for an empty path,
 * quote with string.punctuation safe, join with the request's URL. */
static int target_url(np_request *req, np_slice loc, np_buf *out,
                      np_error *err) {
  np_url u;
  np_url_init(&u);
  np_buf tmp, quoted;
  np_buf_init(&tmp, 0);
  np_buf_init(&quoted, 0);
  int rc = np_urlparse(&u, loc.ptr, loc.len, NULL, 0, err);
  if (rc == NP_OK && u.scheme.len &&
      !np_slice_ieq_cstr(u.scheme, "http") &&
      !np_slice_ieq_cstr(u.scheme, "https") && !np_slice_ieq_cstr(u.scheme, "ftp"))
    rc = NP_DECLINED; /* the caller raises HTTPError */
  if (rc == NP_OK) {
    if (!u.path.len && u.netloc.len)
      u.path = np_slice_cstr("/");
    rc = np_urlunparse(&tmp, &u);
  }
  if (rc == NP_OK)
    rc = np_quote(&quoted, tmp.data ? tmp.data : "", tmp.len,
                  "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");
  if (rc == NP_OK)
    rc = np_urljoin(out, req->full_url, strlen(req->full_url),
                    quoted.data ? quoted.data : "", quoted.len, 0, err);
  np_url_free(&u);
  np_buf_free(&tmp);
  np_buf_free(&quoted);
  return rc;
}

/* redirect_request: the new request, or NP_DECLINED when Python raises
 * HTTPError for this method and code. */
static int make_redirect(redirect_handler *self, np_request *req, int code,
                         const char *newurl, np_request **out, np_error *err) {
  const char *m = np_request_get_method(req);
  bool get = strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
  /* beyond Python: 307/308 keep the method and the body */
  bool resend = code >= 307 && (self->flags & NP_REDIRECT_RESEND_BODY) &&
                np_request_has_data(req);
  if (!(get || resend || (code <= 303 && strcmp(m, "POST") == 0)))
    return NP_DECLINED;
  int rc = np_request_new(out, newurl, strlen(newurl), err);
  if (rc != NP_OK)
    return rc;
  if (resend && ((rc = np__request_copy_body(*out, req)) != NP_OK ||
                 (rc = np_request_set_method(*out, m)) != NP_OK))
    return np_error_set(err, rc, "out of memory");
  bool strip = !(self->flags & NP_REDIRECT_KEEP_CREDENTIALS) &&
               cross_origin(req->full_url, newurl);
  for (size_t i = 0; rc == NP_OK && i < req->nhdrs; i++) {
    const char *n = req->hdrs[i].name;
    if (req->hdrs[i].unredirected ||
        (!resend && (strcmp(n, "Content-length") == 0 ||
                     strcmp(n, "Content-type") == 0)))
      continue;
    if (strip && (strcmp(n, "Authorization") == 0 ||
                  strcmp(n, "Proxy-authorization") == 0 ||
                  strcmp(n, "Cookie") == 0))
      continue;
    rc = np_request_add_header(*out, n, req->hdrs[i].value);
  }
  if (rc == NP_OK)
    rc = np_request_set_origin_req_host(*out, req->origin_req_host);
  (*out)->unverifiable = 1;
  (*out)->timeout_ms = req->timeout_ms;
  return rc;
}

/* redirect_dict: refuse loops, then count this URL. */
static int visit(redirect_handler *self, np_request *req, np_request *next,
                 const char *newurl) {
  int seen = 0;
  for (size_t i = 0; i < req->nvisited; i++)
    if (strcmp(req->visited[i].url, newurl) == 0)
      seen = req->visited[i].count;
  if (seen >= self->max_repeats ||
      req->nvisited >= (size_t)self->max_redirections)
    return NP_DECLINED;
  int rc = np__request_set_visited(next, req->visited, req->nvisited);
  if (rc != NP_OK)
    return rc;
  for (size_t i = 0; i < next->nvisited; i++)
    if (strcmp(next->visited[i].url, newurl) == 0) {
      next->visited[i].count++;
      return NP_OK;
    }
  np__visit v = {(char *)newurl, 1};
  np__visit *grown = np_realloc(next->visited,
                                (next->nvisited + 1) * sizeof *grown);
  if (!grown)
    return NP_ENOMEM;
  next->visited = grown;
  if (!(v.url = np__copy_cstr(newurl)))
    return NP_ENOMEM;
  next->visited[next->nvisited++] = v;
  return NP_OK;
}

/* fp.read() before following, as Python does: a short body read to its
 * end lets a kept-alive connection be reused (a longer one is closed). */
static void drain(np_response *r) {
  char buf[4096];
  size_t got = 1, total = 0;
  while (got && total < 65536 &&
         np_response_read(r, buf, sizeof buf, &got, NULL) == NP_OK)
    total += got;
}

static int redirect_error(np_handler *h, np_opener *o, np_request *req,
                          np_response **resp, np_error *err) {
  redirect_handler *self = (redirect_handler *)h;
  np_slice loc = np_response_getheader(*resp, "Location");
  if (!loc.ptr)
    loc = np_response_getheader(*resp, "URI");
  if (!loc.ptr)
    return NP_DECLINED;
  int code = np_response_status(*resp);
  np_buf url;
  np_buf_init(&url, 0);
  np_request *next = NULL;
  int rc = target_url(req, loc, &url, err);
  if (rc == NP_DECLINED) {
    char msg[512];
    snprintf(msg, sizeof msg, "%s - Redirection to url '%.*s' is not allowed",
             np_response_reason(*resp), NP_SLICE_ARG(loc));
    rc = np__http_error(resp, err, msg, loc.ptr);
  } else if (rc == NP_OK) {
    rc = make_redirect(self, req, code, url.data, &next, err);
    if (rc == NP_OK && (rc = visit(self, req, next, url.data)) == NP_DECLINED) {
      char msg[512];
      snprintf(msg, sizeof msg, "%s%s", inf_msg, np_response_reason(*resp));
      rc = np__http_error(resp, err, msg, NULL);
    } else if (rc == NP_DECLINED) {
      rc = np__http_error(resp, err, NULL, NULL);
    }
  }
  if (rc == NP_OK) {
    drain(*resp);
    np_response_free(*resp);
    *resp = NULL;
    rc = np_opener_open(o, next, resp, err);
  } else if (*resp) {
    np_response_free(*resp);
    *resp = NULL;
  }
  np_request_free(next);
  np_buf_free(&url);
  return rc;
}

np_handler *np_handler_redirect_new(int max_redirections, int max_repeats,
                                    unsigned flags) {
  redirect_handler *self = np__handler_new(sizeof *self, "redirect", 500, NULL);
  if (!self)
    return NULL;
  self->max_redirections = max_redirections > 0 ? max_redirections : 10;
  self->max_repeats = max_repeats > 0 ? max_repeats : 4;
  self->flags = flags;
  self->h.error_codes = redirect_codes;
  self->h.n_error_codes = NP_ARRAY_LEN(redirect_codes);
  self->h.error = redirect_error;
  return &self->h;
}
