/* Password managers and the Basic auth handlers (HTTPPasswordMgr*,
 * HTTPBasicAuthHandler, ProxyBasicAuthHandler). */
#include "request/req_internal.h"

#include "netproto/url.h"

#include <stdio.h>
#include <string.h>

typedef struct pw_entry {
  char *realm;     /* NULL: None */
  char *authority; /* reduced URI */
  char *path;
  char *user, *passwd;
  int authenticated; /* the authenticated map's entries only */
} pw_entry;

struct np_password_mgr {
  int kind;
  pw_entry *e; /* the passwd map, in insertion order */
  size_t n, cap;
  np_password_mgr *authed; /* PRIOR_AUTH: the authenticated map */
};

int np_password_mgr_new(np_password_mgr **out, int kind) {
  *out = np_malloc(sizeof **out);
  if (!*out)
    return NP_ENOMEM;
  memset(*out, 0, sizeof **out);
  (*out)->kind = kind;
  if (kind == NP_PASSWORD_MGR_PRIOR_AUTH &&
      np_password_mgr_new(&(*out)->authed, NP_PASSWORD_MGR_PLAIN) != NP_OK) {
    np_free(*out);
    *out = NULL;
    return NP_ENOMEM;
  }
  return NP_OK;
}

static void entry_free(pw_entry *e) {
  np_free(e->realm);
  np_free(e->authority);
  np_free(e->path);
  np_free(e->user);
  np_free(e->passwd);
}

void np_password_mgr_free(np_password_mgr *m) {
  if (!m)
    return;
  for (size_t i = 0; i < m->n; i++)
    entry_free(&m->e[i]);
  np_free(m->e);
  np_password_mgr_free(m->authed);
  np_free(m);
}

/* reduce_uri(uri, default_port) into authority and path buffers. */
static int reduce_uri(const char *uri, bool default_port, np_buf *auth,
                      np_buf *path) {
  np_url u;
  np_url_init(&u);
  int rc = np_urlsplit(&u, uri, strlen(uri), NULL, 0, NULL);
  bool is_uri = rc == NP_OK && u.netloc.len > 0;
  np_slice a = is_uri ? u.netloc : np_slice_cstr(uri);
  if (rc == NP_OK || !is_uri)
    rc = np_buf_append_slice(auth, a);
  if (rc == NP_OK)
    rc = is_uri && u.path.len ? np_buf_append_slice(path, u.path)
                              : np_buf_append_cstr(path, "/");
  /* _splitport: no ":digits" (with a digit) at the end: no port */
  const char *colon = auth->data ? strrchr(auth->data, ':') : NULL;
  bool port = colon && colon[1] &&
              strspn(colon + 1, "0123456789") == strlen(colon + 1);
  if (rc == NP_OK && default_port && !port && is_uri) {
    int dport = np_slice_ieq_cstr(u.scheme, "http")    ? 80
                : np_slice_ieq_cstr(u.scheme, "https") ? 443
                                                       : 0;
    if (dport) {
      if (colon && !colon[1])
        auth->len--, auth->data[auth->len] = '\0'; /* "h:" is host "h" */
      rc = np_buf_printf(auth, ":%d", dport);
    }
  }
  np_url_free(&u);
  return rc;
}

/* is_suburi((authority, path) of base, of test). */
static bool is_suburi(const pw_entry *base, const char *auth,
                      const char *path) {
  if (strcmp(base->authority, auth) != 0)
    return false;
  size_t bl = strlen(base->path);
  if (strcmp(base->path, path) == 0)
    return true;
  if (strncmp(path, base->path, bl) != 0)
    return false;
  return bl && base->path[bl - 1] == '/' ? true : path[bl] == '/';
}

static bool same_realm(const char *a, const char *b) {
  return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int add_one(np_password_mgr *m, const char *realm, np_buf *auth,
                   np_buf *path, const char *user, const char *passwd,
                   int is_auth) {
  for (size_t i = 0; i < m->n; i++) {
    pw_entry *e = &m->e[i];
    if (same_realm(e->realm, realm) && strcmp(e->authority, auth->data) == 0 &&
        strcmp(e->path, path->data) == 0) {
      char *u = np__copy_cstr(user), *p = np__copy_cstr(passwd);
      if ((user && !u) || (passwd && !p)) {
        np_free(u), np_free(p);
        return NP_ENOMEM;
      }
      np_free(e->user), np_free(e->passwd);
      e->user = u, e->passwd = p;
      e->authenticated = is_auth;
      return NP_OK;
    }
  }
  int rc = np__array_reserve(&m->e, &m->cap, m->n + 1, sizeof *m->e, 4);
  if (rc != NP_OK)
    return rc;
  pw_entry e = {np__copy_cstr(realm), np_buf_detach(auth, NULL),
                np_buf_detach(path, NULL), np__copy_cstr(user),
                np__copy_cstr(passwd), is_auth};
  if ((realm && !e.realm) || !e.authority || !e.path || (user && !e.user) ||
      (passwd && !e.passwd)) {
    entry_free(&e);
    return NP_ENOMEM;
  }
  m->e[m->n++] = e;
  return NP_OK;
}

/* Both reductions of uri into m under realm. */
static int add_reduced(np_password_mgr *m, const char *realm, const char *uri,
                       const char *user, const char *passwd, int flag) {
  int rc = NP_OK;
  for (int dp = 1; dp >= 0 && rc == NP_OK; dp--) {
    np_buf auth, path;
    np_buf_init(&auth, 0);
    np_buf_init(&path, 0);
    rc = reduce_uri(uri, dp, &auth, &path);
    if (rc == NP_OK)
      rc = add_one(m, realm, &auth, &path, user, passwd, flag);
    np_buf_free(&auth);
    np_buf_free(&path);
  }
  return rc;
}

int np_password_mgr_add(np_password_mgr *m, const char *realm,
                        const char *uri, const char *user, const char *passwd,
                        int is_authenticated) {
  int rc = NP_OK;
  if (m->kind == NP_PASSWORD_MGR_PRIOR_AUTH) {
    rc = np_password_mgr_update_authenticated(m, uri, is_authenticated);
    if (rc == NP_OK && realm) /* a default for requests sent up front */
      rc = add_reduced(m, NULL, uri, user, passwd, 0);
  }
  return rc == NP_OK ? add_reduced(m, realm, uri, user, passwd, 0) : rc;
}

/* The first entry of realm covering authuri, or NULL. */
static pw_entry *lookup(const np_password_mgr *m, const char *realm,
                        bool any_realm, const char *authuri) {
  pw_entry *hit = NULL;
  for (int dp = 1; dp >= 0 && !hit; dp--) {
    np_buf auth, path;
    np_buf_init(&auth, 0);
    np_buf_init(&path, 0);
    if (reduce_uri(authuri, dp, &auth, &path) == NP_OK && auth.data)
      for (size_t i = 0; i < m->n && !hit; i++)
        if ((any_realm || same_realm(m->e[i].realm, realm)) &&
            is_suburi(&m->e[i], auth.data, path.data))
          hit = &m->e[i];
    np_buf_free(&auth);
    np_buf_free(&path);
  }
  return hit;
}

int np_password_mgr_find(const np_password_mgr *m, const char *realm,
                         const char *authuri, const char **user,
                         const char **passwd) {
  pw_entry *e = lookup(m, realm, false, authuri);
  if ((!e || !e->user) && realm && m->kind != NP_PASSWORD_MGR_PLAIN)
    e = lookup(m, NULL, false, authuri); /* the default realm */
  *user = e ? e->user : NULL;
  *passwd = e ? e->passwd : NULL;
  return e ? NP_OK : NP_ENOTFOUND;
}

int np_password_mgr_update_authenticated(np_password_mgr *m, const char *uri,
                                         int is_authenticated) {
  if (!m->authed)
    return NP_EINVAL;
  return add_reduced(m->authed, NULL, uri, NULL, NULL, is_authenticated != 0);
}

int np_password_mgr_is_authenticated(const np_password_mgr *m,
                                     const char *authuri) {
  if (!m->authed)
    return -1;
  pw_entry *e = lookup(m->authed, NULL, true, authuri);
  return e ? e->authenticated : -1;
}

/* ---- Basic auth handlers ---- */

typedef struct basic_handler {
  np_handler h;
  np_password_mgr *mgr; /* borrowed */
  int proxy;
} basic_handler;

static const int code_401[] = {401}, code_407[] = {407};


/* A challenge: its scheme and realm (realm.ptr NULL: none found). */
typedef struct challenge {
  np_slice scheme, realm;
} challenge;

static bool sp(char c) { return c == ' ' || c == '\t'; }

/*
 * One match of (?:^|,)[ \t]*([^ \t,]+)[ \t]+realm=(["']?)([^"']*)\2 (re.I) at
 * position i (0 or a comma), the way Python's finditer finds it, in one
 * forward pass: the token cannot hold a blank, so nothing is ever
 * backtracked.  Returns the end of the match, or 0 when none starts here.
 */
static size_t match_at(const char *s, size_t n, size_t i, challenge *c) {
  if (i < n && s[i] == ',')
    i++;
  while (i < n && sp(s[i]))
    i++;
  size_t t = i;
  while (i < n && !sp(s[i]) && s[i] != ',')
    i++;
  if (i == t || i >= n || !sp(s[i]))
    return 0;
  c->scheme = np_slice_from(s + t, i - t);
  while (i < n && sp(s[i]))
    i++;
  if (n - i < 6 || !np__ieq(s + i, "realm=", 6)) /* the regex is re.I */
    return 0;
  i += 6;
  size_t q = i;
  char quote = i < n && (s[i] == '"' || s[i] == '\'') ? s[i++] : 0;
  size_t r = i;
  while (i < n && s[i] != '"' && s[i] != '\'')
    i++;
  if (quote && i < n && s[i] == quote) {
    c->realm = np_slice_from(s + r, i - r);
    return i + 1;
  }
  if (quote) { /* the other quote: the regex falls back to an empty \2 */
    c->realm = np_slice_from(s + q, 0);
    return q;
  }
  c->realm = np_slice_from(s + r, i - r);
  return i;
}

/* _parse_realm: every challenge of one header value, or its first word
 * with no realm.  Calls fn for each until it returns non-zero. */
static int parse_realm(np_slice v, int (*fn)(void *, challenge *), void *ctx) {
  bool found = false;
  size_t i = 0;
  while (i <= v.len) {
    challenge c;
    size_t end = (i == 0 || (i < v.len && v.ptr[i] == ','))
                     ? match_at(v.ptr, v.len, i, &c)
                     : 0;
    if (end) {
      found = true;
      int rc = fn(ctx, &c);
      if (rc)
        return rc;
      i = end > i ? end : i + 1;
      continue;
    }
    const char *comma = i + 1 < v.len ? memchr(v.ptr + i + 1, ',', v.len - i - 1)
                                      : NULL;
    if (!comma)
      break;
    i = (size_t)(comma - v.ptr);
  }
  if (found)
    return 0;
  size_t a = 0;
  while (a < v.len && np__is((unsigned char)v.ptr[a], NP_CC_SPACE))
    a++;
  size_t b = a;
  while (b < v.len && !np__is((unsigned char)v.ptr[b], NP_CC_SPACE))
    b++;
  challenge c = {np_slice_from(v.ptr + a, b - a), NP_SLICE_NULL};
  return fn(ctx, &c);
}

typedef struct scan {
  challenge basic; /* the first Basic challenge with a realm */
  bool have;
  np_slice unsupported;
} scan;

static int on_challenge(void *ctx, challenge *c) {
  scan *s = ctx;
  if (!np_slice_ieq_cstr(c->scheme, "basic")) {
    s->unsupported = c->scheme;
    return 0;
  }
  if (!c->realm.ptr)
    return 0;
  s->basic = *c;
  s->have = true;
  return 1;
}

/* retry_http_basic_auth: the same request again with credentials, unless
 * they are the ones that just failed. */
static int retry_basic(basic_handler *self, np_opener *o, np_request *req,
                       const char *host, np_slice realm, np_response **resp,
                       np_error *err) {
  char *rz = np__copy_str(realm.ptr, realm.len);
  const char *user, *pw;
  if (!rz)
    return np_error_set(err, NP_ENOMEM, "out of memory");
  int found = np_password_mgr_find(self->mgr, rz, host, &user, &pw);
  np_free(rz);
  if (found != NP_OK || !pw)
    return NP_DECLINED;
  const char *hname = self->proxy ? "Proxy-authorization" : "Authorization";
  np_buf auth;
  np_buf_init(&auth, 0);
  int rc = np__basic_auth(&auth, user ? user : "None", pw);
  np_slice had = np_request_get_header(req, hname);
  bool same = rc == NP_OK && had.ptr && np_slice_eq(had, np_buf_slice(&auth));
  if (rc == NP_OK && !same)
    rc = np_request_add_unredirected_header(req, hname, auth.data);
  np_buf_free(&auth);
  if (rc != NP_OK)
    return np_error_set(err, rc, "basic auth: %s", np_strerror(rc));
  if (same)
    return NP_DECLINED; /* these credentials failed: HTTPError */
  np_response *next = NULL;
  rc = np_opener_open(o, req, &next, err);
  np_response_free(*resp);
  *resp = next;
  return rc;
}

/* http_error_401 / http_error_407: http_error_auth_reqed. */
static int basic_error(np_handler *h, np_opener *o, np_request *req,
                       np_response **resp, np_error *err) {
  basic_handler *self = (basic_handler *)h;
  const char *field = self->proxy ? "Proxy-Authenticate" : "WWW-Authenticate";
  scan s;
  memset(&s, 0, sizeof s);
  for (size_t i = 0; i < np_response_header_count(*resp) && !s.have; i++) {
    np_http_header x = np_response_header_at(*resp, i);
    if (np_slice_ieq_cstr(x.name, field))
      parse_realm(x.value, on_challenge, &s);
  }
  if (s.have)
    return retry_basic(self, o, req, self->proxy ? req->host : req->full_url,
                       s.basic.realm, resp, err);
  if (s.unsupported.ptr) {
    int rc = np_error_set(err, NP_EUNSUPPORTED,
                          "AbstractBasicAuthHandler does not support the "
                          "following scheme: '%.*s'",
                          NP_SLICE_ARG(s.unsupported));
    np_response_free(*resp);
    *resp = NULL;
    return rc;
  }
  return NP_DECLINED;
}

/* http_request with a prior-auth manager: credentials up front. */
static int basic_request(np_handler *h, np_opener *o, np_request *req,
                         np_error *err) {
  basic_handler *self = (basic_handler *)h;
  (void)o;
  if (np_password_mgr_is_authenticated(self->mgr, req->full_url) != 1 ||
      np_request_get_header(req, "Authorization").ptr)
    return NP_OK;
  const char *user, *pw;
  np_password_mgr_find(self->mgr, NULL, req->full_url, &user, &pw);
  np_buf auth;
  np_buf_init(&auth, 0);
  int rc = np__basic_auth(&auth, user ? user : "None", pw ? pw : "None");
  if (rc == NP_OK)
    rc = np_request_add_unredirected_header(req, "Authorization", auth.data);
  np_buf_free(&auth);
  return rc == NP_OK ? NP_OK
                     : np_error_set(err, rc, "basic auth: %s", np_strerror(rc));
}

/* http_response with a prior-auth manager: remember the outcome. */
static int basic_response(np_handler *h, np_opener *o, np_request *req,
                          np_response **resp, np_error *err) {
  basic_handler *self = (basic_handler *)h;
  (void)o;
  if (!self->mgr->authed)
    return NP_OK;
  int code = np_response_status(*resp);
  int rc = np_password_mgr_update_authenticated(self->mgr, req->full_url,
                                                code >= 200 && code < 300);
  return rc == NP_OK ? NP_OK : np_error_set(err, rc, "out of memory");
}

static np_handler *make_basic(np_password_mgr *m, int proxy) {
  basic_handler *self =
      np__handler_new(sizeof *self, proxy ? "proxy_basic_auth" : "basic_auth",
                      500, proxy ? NULL : "http https");
  if (!self)
    return NULL;
  self->mgr = m;
  self->proxy = proxy;
  self->h.error_codes = proxy ? code_407 : code_401;
  self->h.n_error_codes = 1;
  self->h.error = basic_error;
  if (!proxy) {
    self->h.request = basic_request;
    self->h.response = basic_response;
  }
  return &self->h;
}

np_handler *np_handler_basic_auth_new(np_password_mgr *m) {
  return make_basic(m, 0);
}
np_handler *np_handler_proxy_basic_auth_new(np_password_mgr *m) {
  return make_basic(m, 1);
}
