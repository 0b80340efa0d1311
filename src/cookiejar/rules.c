/* DefaultCookiePolicy's rules: set_ok_* and return_ok_*, in Python's
 * order, and the dispatch to a user's callbacks. */
#include "cookiejar/jar_internal.h"

#include <string.h>

static const char *const np_secure_default[] = {"https", "wss", NULL};

bool np_cookie_policy_is_blocked(const np_cookie_policy *p,
                                 const char *domain) {
  for (const char *const *b = p->blocked_domains; b && *b; b++)
    if (np__ck_user_domain_match(domain, *b))
      return true;
  return false;
}

bool np_cookie_policy_is_not_allowed(const np_cookie_policy *p,
                                     const char *domain) {
  if (!p->allowed_domains)
    return false;
  for (const char *const *a = p->allowed_domains; *a; a++)
    if (np__ck_user_domain_match(domain, *a))
      return false;
  return true;
}

/* The path rule through the policy's own callback, as a Python subclass's
 * override would be called from the base class. */
static bool path_ok(const np_cookie_policy *p, const char *path,
                    const np_cookie_reqinfo *r) {
  return p->path_return_ok ? p->path_return_ok(p->ctx, path, r)
                           : np_cookie_policy_default_path_return_ok(p, path, r);
}

static bool version_ok(const np_cookie_policy *p, const np_cookie *c) {
  if (c->version > 0 && !p->rfc2965)
    return false;
  if (c->version == 0 && !p->netscape)
    return false;
  return true;
}

static bool verifiability_ok(const np_cookie_policy *p, const np_cookie *c,
                             const np_cookie_reqinfo *r) {
  if (r->unverifiable && r->third_party) {
    if (c->version > 0 && p->strict_rfc2965_unverifiable)
      return false;
    if (c->version == 0 && p->strict_ns_unverifiable)
      return false;
  }
  return true;
}

static bool ipv4_tail(const char *s) {
  size_t n = strlen(s), k = n;
  while (k > 0 && s[k - 1] >= '0' && s[k - 1] <= '9')
    k--;
  return k < n && k > 0 && s[k - 1] == '.';
}

/* strict_domain: ".co.uk"-like domains (country-code second level). */
static bool cc_second_level(const char *d) {
  static const char *const slds[] = {
      "co",   "ac",   "com",  "edu",    "org",  "net",  "gov",
      "mil",  "int",  "aero", "biz",    "cat",  "coop", "info",
      "jobs", "mobi", "museum", "name", "pro",  "travel", "eu"};
  const char *i = strrchr(d, '.');
  size_t dots = 0;
  for (const char *s = d; *s; s++)
    dots += *s == '.';
  if (dots < 2)
    return false;
  const char *j = i - 1;
  while (j >= d && *j != '.')
    j--;
  if (j != d || strlen(i + 1) != 2)
    return false;
  size_t n = (size_t)(i - (j + 1));
  for (size_t k = 0; k < sizeof slds / sizeof *slds; k++)
    if (strlen(slds[k]) == n && np__ieq(j + 1, slds[k], n))
      return true;
  return false;
}

static bool ends_with_local(const char *erhn, const char *undotted) {
  size_t n = strlen(erhn), k = strlen(undotted);
  return n >= k + 6 && memcmp(erhn + n - k - 6, undotted, k) == 0 &&
         memcmp(erhn + n - 6, ".local", 6) == 0;
}

static bool dot_endswith(const char *s, const char *suffix) {
  /* ("." + s).endswith(suffix) */
  size_t n = strlen(s), k = strlen(suffix);
  if (k <= n)
    return memcmp(s + n - k, suffix, k) == 0;
  return k == n + 1 && suffix[0] == '.' && memcmp(s, suffix + 1, n) == 0;
}

static bool domain_ok(const np_cookie_policy *p, const np_cookie *c,
                      const np_cookie_reqinfo *r) {
  const char *domain = c->domain;
  if (np_cookie_policy_is_blocked(p, domain) ||
      np_cookie_policy_is_not_allowed(p, domain))
    return false;
  if (!c->domain_specified)
    return true;
  if (p->strict_domain && cc_second_level(domain))
    return false;
  const char *undotted = domain[0] == '.' ? domain + 1 : domain;
  if (!strchr(undotted, '.') && !np__ck_endswith(r->erhn, ".local"))
    return false;
  if (c->version == 0 &&
      !(np__ck_endswith(r->erhn, domain) || ends_with_local(r->erhn, undotted)) &&
      (r->erhn[0] != '.' && !dot_endswith(r->erhn, domain)))
    return false;
  if ((c->version > 0 ||
       (p->strict_ns_domain & NP_COOKIE_DOMAIN_RFC2965_MATCH)) &&
      !np__ck_domain_match(r->erhn, domain))
    return false;
  if (c->version > 0 ||
      (p->strict_ns_domain & NP_COOKIE_DOMAIN_STRICT_NO_DOTS)) {
    size_t hl = strlen(r->host), dl = strlen(domain);
    size_t plen = hl > dl ? hl - dl : 0;
    if (memchr(r->host, '.', plen) && !ipv4_tail(r->host))
      return false;
  }
  return true;
}

/* Whether port p (a piece of the cookie's list) equals the request's. */
static bool port_listed(const char *list, const char *req_port,
                        bool check_int) {
  const char *s = list;
  for (;;) {
    const char *e = strchr(s, ',');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    long long v;
    if (check_int && !np__ck_pyint(s, n, &v))
      return false;
    if (strlen(req_port) == n && memcmp(s, req_port, n) == 0)
      return true;
    if (!e)
      return false;
    s = e + 1;
  }
}

bool np_cookie_policy_default_set_ok(const np_cookie_policy *p,
                                     const np_cookie *c,
                                     const np_cookie_reqinfo *r) {
  if (!c->has_version || !version_ok(p, c) || !verifiability_ok(p, c, r))
    return false;
  if (c->version == 0 && p->strict_ns_set_initial_dollar && c->name[0] == '$')
    return false;
  if (c->path_specified &&
      (c->version > 0 || (c->version == 0 && p->strict_ns_set_path)) &&
      !path_ok(p, c->path, r))
    return false;
  if (!domain_ok(p, c, r))
    return false;
  if (c->port_specified &&
      !port_listed(c->port ? c->port : "", r->port ? r->port : "80", true))
    return false;
  return true;
}

bool np_cookie_policy_default_return_ok(const np_cookie_policy *p,
                                        const np_cookie *c,
                                        const np_cookie_reqinfo *r,
                                        int64_t now) {
  if (!version_ok(p, c) || !verifiability_ok(p, c, r))
    return false;
  if (c->secure) {
    const char *const *sp =
        p->secure_protocols ? p->secure_protocols : np_secure_default;
    bool found = false;
    for (; *sp && !found; sp++)
      found = strcmp(*sp, r->scheme) == 0;
    if (!found)
      return false;
  }
  if (np_cookie_is_expired(c, now))
    return false;
  if (c->port && c->port[0] &&
      !port_listed(c->port, r->port ? r->port : "80", false))
    return false;
  const char *domain = c->domain;
  if (c->version == 0 &&
      (p->strict_ns_domain & NP_COOKIE_DOMAIN_STRICT_NON_DOMAIN) &&
      !c->domain_specified && strcmp(domain, r->erhn) != 0)
    return false;
  if (c->version > 0 && !np__ck_domain_match(r->erhn, domain))
    return false;
  if (c->version == 0) {
    /* ("." + erhn).endswith(dotdomain) */
    bool ok = domain[0] && domain[0] != '.'
                  ? (np__ck_endswith(r->erhn, domain) &&
                     (strlen(r->erhn) == strlen(domain) ||
                      r->erhn[strlen(r->erhn) - strlen(domain) - 1] == '.'))
                  : dot_endswith(r->erhn, domain);
    if (!ok)
      return false;
  }
  return true;
}

/* s.endswith(dotdomain) where s gets a '.' in front when it lacks one. */
static bool dotted_endswith(const char *s, const char *dotdomain) {
  return s[0] == '.' ? np__ck_endswith(s, dotdomain)
                     : dot_endswith(s, dotdomain);
}

bool np_cookie_policy_default_domain_return_ok(const np_cookie_policy *p,
                                               const char *domain,
                                               const np_cookie_reqinfo *r) {
  bool ok;
  if (domain[0] && domain[0] != '.') {
    size_t n = strlen(domain);
    char *dd = np_malloc(n + 2);
    if (!dd)
      return false;
    dd[0] = '.';
    memcpy(dd + 1, domain, n + 1);
    ok = dotted_endswith(r->host, dd) || dotted_endswith(r->erhn, dd);
    np_free(dd);
  } else {
    ok = dotted_endswith(r->host, domain) || dotted_endswith(r->erhn, domain);
  }
  return ok && !np_cookie_policy_is_blocked(p, domain) &&
         !np_cookie_policy_is_not_allowed(p, domain);
}

bool np_cookie_policy_default_path_return_ok(const np_cookie_policy *p,
                                             const char *path,
                                             const np_cookie_reqinfo *r) {
  (void)p;
  const char *rp = r->path;
  size_t n = strlen(path);
  if (strcmp(rp, path) == 0)
    return true;
  return strncmp(rp, path, n) == 0 &&
         ((n && path[n - 1] == '/') || rp[n] == '/');
}

/* ---- dispatch: the jar asks its policy -------------------------------- */

bool np__policy_set_ok(const np_cookiejar *jar, const np_cookie *c,
                       const np_cookie_reqinfo *r) {
  const np_cookie_policy *p = &jar->policy;
  return p->set_ok ? p->set_ok(p->ctx, c, r)
                   : np_cookie_policy_default_set_ok(p, c, r);
}

bool np__policy_return_ok(const np_cookiejar *jar, const np_cookie *c,
                          const np_cookie_reqinfo *r, int64_t now) {
  const np_cookie_policy *p = &jar->policy;
  return p->return_ok ? p->return_ok(p->ctx, c, r)
                      : np_cookie_policy_default_return_ok(p, c, r, now);
}

bool np__policy_domain_return_ok(const np_cookiejar *jar, const char *d,
                                 const np_cookie_reqinfo *r) {
  const np_cookie_policy *p = &jar->policy;
  return p->domain_return_ok
             ? p->domain_return_ok(p->ctx, d, r)
             : np_cookie_policy_default_domain_return_ok(p, d, r);
}

bool np__policy_path_return_ok(const np_cookiejar *jar, const char *path,
                               const np_cookie_reqinfo *r) {
  return path_ok(&jar->policy, path, r);
}
