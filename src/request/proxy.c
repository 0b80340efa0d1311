/* ProxyHandler, getproxies_environment and proxy_bypass_environment. */
#include "request/req_internal.h"

#include "netproto/url.h"

#include <string.h>
#include <strings.h>

extern char **environ;

void np_proxies_free(np_proxies *p) {
  for (size_t i = 0; i < p->n; i++) {
    np_free(p->items[i].scheme);
    np_free(p->items[i].url);
  }
  np_free(p->items);
  p->items = NULL;
  p->n = 0;
}

const char *np_proxies_get(const np_proxies *p, const char *scheme) {
  for (size_t i = 0; i < p->n; i++)
    if (strcmp(p->items[i].scheme, scheme) == 0)
      return p->items[i].url;
  return NULL;
}

static int set_n(np_proxies *p, const char *scheme, size_t sl,
                 const char *url) {
  for (size_t i = 0; i < p->n; i++)
    if (strlen(p->items[i].scheme) == sl &&
        strncasecmp(p->items[i].scheme, scheme, sl) == 0) {
      if (!url) {
        np_free(p->items[i].scheme);
        np_free(p->items[i].url);
        p->items[i] = p->items[--p->n];
        return NP_OK;
      }
      char *u = np__copy_cstr(url);
      if (!u)
        return NP_ENOMEM;
      np_free(p->items[i].url);
      p->items[i].url = u;
      return NP_OK;
    }
  if (!url)
    return NP_OK;
  np_proxy *grown = np_realloc(p->items, (p->n + 1) * sizeof *grown);
  if (!grown)
    return NP_ENOMEM;
  p->items = grown;
  char *s = np__copy_str(scheme, sl), *u = np__copy_cstr(url);
  if (!s || !u) {
    np_free(s), np_free(u);
    return NP_ENOMEM;
  }
  for (size_t i = 0; i < sl; i++)
    s[i] = (char)np__lower((unsigned char)s[i]);
  p->items[p->n++] = (np_proxy){s, u};
  return NP_OK;
}

int np_proxies_set(np_proxies *p, const char *scheme, const char *url) {
  return set_n(p, scheme, strlen(scheme), url);
}

/* One pass over the environment; lower_only: names ending in "_proxy"
 * exactly, where an empty value removes the scheme. */
static int env_pass(np_proxies *p, char *const *envp, bool lower_only,
                    bool cgi) {
  for (size_t i = 0; envp[i]; i++) {
    const char *eq = strchr(envp[i], '=');
    if (!eq || eq - envp[i] < 6)
      continue;
    size_t nl = (size_t)(eq - envp[i]);
    const char *tail = eq - 6, *val = eq + 1;
    if (lower_only ? memcmp(tail, "_proxy", 6) != 0
                   : strncasecmp(tail, "_proxy", 6) != 0)
      continue;
    if (!lower_only && (!*val || (cgi && nl == 10 &&
                                  strncasecmp(envp[i], "http", 4) == 0)))
      continue;
    int rc = set_n(p, envp[i], nl - 6, *val || !lower_only ? val : NULL);
    if (rc != NP_OK)
      return rc;
  }
  return NP_OK;
}

int np_getproxies_environment(np_proxies *out, char *const *envp) {
  if (!envp)
    envp = environ;
  bool cgi = false;
  for (size_t i = 0; envp[i]; i++)
    if (strncmp(envp[i], "REQUEST_METHOD=", 15) == 0)
      cgi = true;
  int rc = env_pass(out, envp, false, cgi);
  if (rc == NP_OK)
    rc = env_pass(out, envp, true, cgi);
  if (rc != NP_OK)
    np_proxies_free(out);
  return rc;
}

static bool ends_with(const char *s, size_t sl, const char *suf, size_t fl) {
  return sl >= fl && memcmp(s + sl - fl, suf, fl) == 0;
}

/* One no_proxy name against host ("h:port") and hostonly ("h"). */
static bool name_matches(const char *name, size_t nl, const char *host,
                         size_t hl, size_t ol) {
  while (nl && *name == '.')
    name++, nl--;
  if (!nl)
    return false;
  if ((nl == ol && memcmp(host, name, nl) == 0) ||
      (nl == hl && memcmp(host, name, nl) == 0))
    return true;
  return (ends_with(host, ol, name, nl) && ol > nl && host[ol - nl - 1] == '.') ||
         (ends_with(host, hl, name, nl) && hl > nl && host[hl - nl - 1] == '.');
}

int np_proxy_bypass(const char *host_in, const np_proxies *p) {
  const char *no = np_proxies_get(p, "no");
  if (!no)
    return 0;
  if (strcmp(no, "*") == 0)
    return 1;
  size_t hl = strlen(host_in);
  char *host = np__copy_str(host_in, hl);
  if (!host)
    return 0;
  for (size_t i = 0; i < hl; i++)
    host[i] = (char)np__lower((unsigned char)host[i]);
  /* _splitport: a trailing ":digits" (or ":") is the port */
  size_t ol = hl;
  const char *colon = strrchr(host, ':');
  if (colon && strspn(colon + 1, "0123456789") == strlen(colon + 1))
    ol = (size_t)(colon - host);
  int hit = 0;
  for (const char *s = no; *s && !hit;) {
    size_t w = strcspn(s, ",");
    const char *a = s;
    size_t an = w;
    np__pystrip(&a, &an); /* proxy.strip() */
    const char *e = a + an;
    char name[256];
    size_t nl = (size_t)(e - a) < sizeof name ? (size_t)(e - a) : 0;
    for (size_t i = 0; i < nl; i++)
      name[i] = (char)np__lower((unsigned char)a[i]);
    hit = nl && name_matches(name, nl, host, hl, ol);
    s += w + (s[w] == ',');
  }
  np_free(host);
  return hit;
}

typedef struct proxy_handler {
  np_handler h;
  np_proxies proxies;
  char *schemes;
} proxy_handler;

static void proxy_free(np_handler *h) {
  proxy_handler *self = (proxy_handler *)h;
  np_proxies_free(&self->proxies);
  np_free(self->schemes);
  np_free(self);
}

/* _parse_proxy: scheme (may be empty), userinfo and host:port. */
static int parse_proxy(const char *proxy, np_buf *scheme, np_buf *user,
                       np_buf *pass, np_buf *hostport, bool *has_user) {
  const char *colon = strchr(proxy, ':'), *auth = proxy;
  size_t al = strlen(proxy);
  if (colon && colon > proxy && !memchr(proxy, '/', (size_t)(colon - proxy)) &&
      colon[1] == '/') {
    if (colon[2] != '/')
      return NP_EINVAL; /* proxy URL with no authority */
    int rc = np_buf_append(scheme, proxy, (size_t)(colon - proxy));
    if (rc != NP_OK)
      return rc;
    auth = colon + 3;
    const char *at = strchr(auth, '@');
    const char *end = strchr(at ? at : auth, '/');
    al = end ? (size_t)(end - auth) : strlen(auth);
  }
  const char *at = NULL;
  for (size_t i = 0; i < al; i++)
    if (auth[i] == '@')
      at = auth + i; /* _splituser: the last '@' */
  *has_user = at != NULL;
  int rc = NP_OK;
  if (at) {
    const char *c = memchr(auth, ':', (size_t)(at - auth));
    rc = np_unquote(user, auth, c ? (size_t)(c - auth) : (size_t)(at - auth));
    if (rc == NP_OK && c)
      rc = np_unquote(pass, c + 1, (size_t)(at - c - 1));
    al -= (size_t)(at + 1 - auth);
    auth = at + 1;
  }
  return rc == NP_OK ? np_unquote(hostport, auth, al) : rc;
}

static int proxy_open(np_handler *h, np_opener *o, np_request *req,
                      np_response **out, np_error *err) {
  proxy_handler *self = (proxy_handler *)h;
  const char *proxy = np_proxies_get(&self->proxies, req->type);
  if (!proxy)
    return NP_DECLINED;
  np_proxies env = {NULL, 0};
  if (req->host[0] && np_getproxies_environment(&env, NULL) == NP_OK &&
      np_proxy_bypass(req->host, &env)) {
    np_proxies_free(&env);
    return NP_DECLINED;
  }
  np_proxies_free(&env);
  np_buf scheme, user, pass, hp, hdr;
  np_buf_init(&scheme, 0), np_buf_init(&user, 0), np_buf_init(&pass, 0);
  np_buf_init(&hp, 0), np_buf_init(&hdr, 0);
  bool has_user = false;
  char *orig_type = np__copy_cstr(req->type);
  int rc = orig_type ? parse_proxy(proxy, &scheme, &user, &pass, &hp, &has_user)
                     : NP_ENOMEM;
  const char *ptype = scheme.len ? scheme.data : orig_type;
  if (rc == NP_OK && has_user && user.len && pass.len) {
    rc = np__basic_auth(&hdr, user.data, pass.data);
    if (rc == NP_OK)
      rc = np_request_add_header(req, "Proxy-authorization", hdr.data);
  }
  if (rc == NP_OK)
    rc = np__request_set_proxy(req, hp.data ? hp.data : "", ptype);
  bool again = rc == NP_OK && strcmp(orig_type, ptype) != 0 &&
               strcmp(orig_type, "https") != 0;
  np_buf_free(&scheme), np_buf_free(&user), np_buf_free(&pass);
  np_buf_free(&hp), np_buf_free(&hdr);
  np_free(orig_type);
  if (rc == NP_EINVAL)
    return np_error_set(err, NP_EREQUEST_URL, "proxy URL with no authority: '%s'",
                        proxy);
  if (rc != NP_OK)
    return np_error_set(err, rc, "proxy: %s", np_strerror(rc));
  /* another scheme through the proxy (ftp over an http proxy): reopen */
  return again ? np_opener_open(o, req, out, err) : NP_DECLINED;
}

np_handler *np_handler_proxy_new(const np_proxies *proxies) {
  proxy_handler *self = np__handler_new(sizeof *self, "proxy", 100, NULL);
  if (!self)
    return NULL;
  self->h.destroy = proxy_free;
  np_buf schemes;
  np_buf_init(&schemes, 0);
  int rc = proxies ? NP_OK : np_getproxies_environment(&self->proxies, NULL);
  for (size_t i = 0; proxies && rc == NP_OK && i < proxies->n; i++)
    rc = np_proxies_set(&self->proxies, proxies->items[i].scheme,
                        proxies->items[i].url);
  for (size_t i = 0; rc == NP_OK && i < self->proxies.n; i++)
    rc = np_buf_printf(&schemes, " %s", self->proxies.items[i].scheme);
  self->schemes = rc == NP_OK ? np_buf_detach(&schemes, NULL) : NULL;
  np_buf_free(&schemes);
  if (!self->schemes) {
    proxy_free(&self->h);
    return NULL;
  }
  self->h.schemes = self->schemes;
  self->h.open = proxy_open;
  return &self->h;
}
