/*
 * netproto/cookiejar.h - the client side of cookies: a jar that takes
 * cookies from responses and adds a Cookie header to requests.
 *
 * Python counterpart: http.cookiejar (Cookie, CookieJar, CookiePolicy,
 * DefaultCookiePolicy, FileCookieJar, MozillaCookieJar, LWPCookieJar,
 * LoadError).  CPython 3.11's behaviour is the spec: the same cookies are
 * kept and the same Cookie headers sent, with Netscape (Set-Cookie) and
 * RFC 2965 (Set-Cookie2) cookies and every DefaultCookiePolicy switch.
 *
 * The request and the response are small structs, so any HTTP client (or
 * urllib.request's opener) can feed the jar: a request is its URL plus the
 * two facts Python's Request carries besides (unverifiable, origin request
 * host); a response is its header fields as name/value slices.
 *
 * Ownership: an np_cookie's strings are NUL-terminated, allocated with
 * np_malloc and owned by the cookie; NULL is Python's None.  The jar owns
 * the cookies in it; np_cookiejar_set_cookie() takes ownership of the
 * cookie it is given (also when it fails).  Cookies passed to callbacks are
 * borrowed for the duration of the call.
 *
 * Threads: a jar may be used from several threads at once, as Python's
 * (every call takes the jar's lock).  Callbacks (a user policy, foreach)
 * run with the lock held and must not call back into the same jar except
 * through the functions documented as safe for that.
 *
 * Limits against cookie flooding (np_cookiejar_limits): at most
 * max_per_domain cookies under one domain key (default 180), max_total in
 * the jar (default 3000) and max_cookie_size bytes of name plus value
 * (default 4096).  A cookie past a limit is not stored (one that replaces
 * a cookie of the same domain, path and name needs no room, but must still
 * be small enough); Python has no such limits.  0 means "no limit".
 */
#ifndef NETPROTO_COOKIEJAR_H
#define NETPROTO_COOKIEJAR_H

#include <stdbool.h>
#include <stdint.h>

#include "netproto/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A non-standard attribute of a cookie (HttpOnly, SameSite...). */
typedef struct np_cookie_attr {
  char *name;
  char *value; /* NULL: a bare attribute (Python's None) */
} np_cookie_attr;

/* http.cookiejar.Cookie.  Every field is public; strings are owned. */
typedef struct np_cookie {
  long version;          /* 0 Netscape, 1 RFC 2965 */
  bool has_version;      /* false: version is None */
  char *name;
  char *value;           /* NULL: None (a Netscape cookie "name" alone) */
  char *port;            /* NULL: None; else "80,8080" */
  bool port_specified;
  char *domain;          /* lower case */
  bool domain_specified;
  bool domain_initial_dot;
  char *path;
  bool path_specified;
  bool secure;
  bool has_expires;      /* false: expires is None (a session cookie) */
  int64_t expires;       /* seconds since the epoch */
  bool discard;
  char *comment;         /* NULL: None */
  char *comment_url;     /* NULL: None */
  bool rfc2109;
  np_cookie_attr *rest;  /* non-standard attributes, in order */
  size_t nrest;
} np_cookie;

/* A new cookie with every field zero/NULL (version 0); NULL on ENOMEM. */
NP_API np_cookie *np_cookie_new(void);
/* A deep copy; NULL on ENOMEM. */
NP_API np_cookie *np_cookie_copy(const np_cookie *c);
NP_API void np_cookie_free(np_cookie *c);
/* Replace one of the cookie's strings (&c->name, &c->domain...) with a copy
 * of s[0..len) (s NULL: set to NULL).  NP_ENOMEM. */
NP_API int np_cookie_set_str(char **field, const char *s, size_t len);
/* Cookie.set_nonstandard_attr(name, value): value NULL is None. */
NP_API int np_cookie_set_attr(np_cookie *c, const char *name,
                              const char *value);
/* Cookie.get_nonstandard_attr: the attribute or NULL when absent. */
NP_API const np_cookie_attr *np_cookie_get_attr(const np_cookie *c,
                                                const char *name);
/* Cookie.is_expired(now). */
NP_API bool np_cookie_is_expired(const np_cookie *c, int64_t now);

/* The request a cookie comes from or goes to. */
typedef struct np_cookie_request {
  const char *url;             /* the full URL (get_full_url()) */
  size_t url_len;
  const char *host_header;     /* Host header if the URL has none; NULL */
  const char *origin_req_host; /* NULL: the URL's host (Python's default) */
  bool unverifiable;
} np_cookie_request;

/*
 * What the policy sees of a request, computed once per call: Python's
 * request_host, eff_request_host, request_path, request_port, type and
 * is_third_party.  Strings are NUL-terminated and borrowed.
 */
typedef struct np_cookie_reqinfo {
  const np_cookie_request *req;
  const char *scheme;   /* lower case (Request.type) */
  const char *host;     /* request_host: lower case, port removed */
  const char *erhn;     /* effective request-host name (".local" added) */
  const char *path;     /* request_path: escaped, starts with '/' */
  const char *port;     /* request_port: "80" by default; NULL if bad */
  bool third_party;     /* is_third_party(request) */
  bool unverifiable;
} np_cookie_reqinfo;

/* A response header field (only Set-Cookie and Set-Cookie2 are read). */
typedef struct np_cookie_header {
  np_slice name;
  np_slice value;
} np_cookie_header;

/* DefaultCookiePolicy.strict_ns_domain flags. */
enum {
  NP_COOKIE_DOMAIN_LIBERAL = 0,
  NP_COOKIE_DOMAIN_STRICT_NO_DOTS = 1,
  NP_COOKIE_DOMAIN_STRICT_NON_DOMAIN = 2,
  NP_COOKIE_DOMAIN_RFC2965_MATCH = 4,
  NP_COOKIE_DOMAIN_STRICT = 3
};

/*
 * A cookie policy: DefaultCookiePolicy's switches, and optional callbacks
 * that replace its four decisions (a user-supplied CookiePolicy).  A NULL
 * callback means DefaultCookiePolicy's rule; a callback may call the
 * np_cookie_policy_default_*() functions to extend the default rule, as a
 * Python subclass calls its base class.  np_cookie_policy_init() sets the
 * defaults; the lists are borrowed and must outlive the jar's use of it
 * (the jar copies the policy struct, not the lists).
 */
typedef struct np_cookie_policy {
  bool netscape;                    /* default true */
  bool rfc2965;                     /* default false */
  int rfc2109_as_netscape;          /* -1 None (default), 0 false, 1 true */
  bool hide_cookie2;
  bool strict_domain;
  bool strict_rfc2965_unverifiable; /* default true */
  bool strict_ns_unverifiable;
  int strict_ns_domain;             /* NP_COOKIE_DOMAIN_* flags */
  bool strict_ns_set_initial_dollar;
  bool strict_ns_set_path;
  const char *const *secure_protocols; /* NULL-terminated; NULL: https, wss */
  const char *const *blocked_domains;  /* NULL-terminated; NULL: none */
  const char *const *allowed_domains;  /* NULL-terminated; NULL: None */
  bool (*set_ok)(void *ctx, const np_cookie *c, const np_cookie_reqinfo *r);
  bool (*return_ok)(void *ctx, const np_cookie *c,
                    const np_cookie_reqinfo *r);
  bool (*domain_return_ok)(void *ctx, const char *domain,
                           const np_cookie_reqinfo *r);
  bool (*path_return_ok)(void *ctx, const char *path,
                         const np_cookie_reqinfo *r);
  void *ctx;
} np_cookie_policy;

NP_API void np_cookie_policy_init(np_cookie_policy *p);
/* DefaultCookiePolicy's own rules, for callbacks that extend them.  `now`
 * is the time return_ok measures expiry against. */
NP_API bool np_cookie_policy_default_set_ok(const np_cookie_policy *p,
                                            const np_cookie *c,
                                            const np_cookie_reqinfo *r);
NP_API bool np_cookie_policy_default_return_ok(const np_cookie_policy *p,
                                               const np_cookie *c,
                                               const np_cookie_reqinfo *r,
                                               int64_t now);
NP_API bool np_cookie_policy_default_domain_return_ok(
    const np_cookie_policy *p, const char *domain, const np_cookie_reqinfo *r);
NP_API bool np_cookie_policy_default_path_return_ok(const np_cookie_policy *p,
                                                    const char *path,
                                                    const np_cookie_reqinfo *r);
/* DefaultCookiePolicy.is_blocked / is_not_allowed. */
NP_API bool np_cookie_policy_is_blocked(const np_cookie_policy *p,
                                        const char *domain);
NP_API bool np_cookie_policy_is_not_allowed(const np_cookie_policy *p,
                                            const char *domain);

typedef struct np_cookiejar np_cookiejar;

typedef struct np_cookiejar_limits {
  size_t max_per_domain;  /* default 180; 0: no limit */
  size_t max_total;       /* default 3000; 0: no limit */
  size_t max_cookie_size; /* name + value bytes; default 4096; 0: none */
} np_cookiejar_limits;

/* A new, empty jar with the policy (NULL: DefaultCookiePolicy()) copied
 * in.  NULL on ENOMEM. */
NP_API np_cookiejar *np_cookiejar_new(const np_cookie_policy *policy);
NP_API void np_cookiejar_free(np_cookiejar *jar);
/* CookieJar.set_policy. */
NP_API void np_cookiejar_set_policy(np_cookiejar *jar,
                                    const np_cookie_policy *policy);
NP_API void np_cookiejar_set_limits(np_cookiejar *jar,
                                    const np_cookiejar_limits *limits);
NP_API void np_cookiejar_get_limits(np_cookiejar *jar,
                                    np_cookiejar_limits *limits);
/* Replace the clock (seconds since the epoch) the jar reads for max-age and
 * expiry; NULL restores time().  For tests and replays. */
NP_API void np_cookiejar_set_clock(np_cookiejar *jar, int64_t (*now)(void));

/*
 * Fill *info from req (Python's request_host, eff_request_host,
 * request_path, request_port, is_third_party).  The strings live in *store
 * (caller's buffer, reset first) and *info borrows them.  NP_ENOMEM.
 */
NP_API int np_cookie_reqinfo_make(np_cookie_reqinfo *info, np_buf *store,
                                  const np_cookie_request *req);

/*
 * CookieJar.make_cookies(response, request): the cookies the Set-Cookie and
 * Set-Cookie2 fields of the response describe, policy not yet applied.
 * *out is an np_malloc'ed array of *n cookies the caller frees with
 * np_cookies_list_free().  As in Python, a cookie already expired is not
 * returned and removes the jar's cookie of the same domain, path and name.
 */
NP_API int np_cookiejar_make_cookies(np_cookiejar *jar,
                                     const np_cookie_header *headers,
                                     size_t nheaders,
                                     const np_cookie_request *req,
                                     np_cookie ***out, size_t *n);
NP_API void np_cookies_list_free(np_cookie **list, size_t n);

/* CookieJar.extract_cookies(response, request): make_cookies, then store
 * each cookie the policy accepts. */
NP_API int np_cookiejar_extract(np_cookiejar *jar,
                                const np_cookie_header *headers,
                                size_t nheaders,
                                const np_cookie_request *req);

/*
 * CookieJar.add_cookie_header(request): append the Cookie header's value
 * to *cookie and, when the policy asks for it, '$Version="1"' to *cookie2
 * (may be NULL).  *flags (may be NULL) gets NP_COOKIEJAR_COOKIE and/or
 * NP_COOKIEJAR_COOKIE2 for the headers to add; a caller whose request
 * already has that header keeps its own, as Python does.  Then expired
 * cookies are removed.
 */
enum { NP_COOKIEJAR_COOKIE = 1, NP_COOKIEJAR_COOKIE2 = 2 };
NP_API int np_cookiejar_cookie_header(np_cookiejar *jar,
                                      const np_cookie_request *req,
                                      np_buf *cookie, np_buf *cookie2,
                                      int *flags);

/* CookieJar.set_cookie_if_ok(cookie, request): takes ownership of c;
 * *stored (may be NULL) says whether the policy let it in. */
NP_API int np_cookiejar_set_cookie_if_ok(np_cookiejar *jar, np_cookie *c,
                                         const np_cookie_request *req,
                                         bool *stored);
/* CookieJar.set_cookie(cookie): store without asking the policy; takes
 * ownership of c.  NP_ETOOLARGE when a limit refuses it. */
NP_API int np_cookiejar_set_cookie(np_cookiejar *jar, np_cookie *c);

/*
 * CookieJar.clear(domain, path, name): NULL arguments are Python's None.
 * NP_EINVAL where Python raises ValueError (a name without domain and
 * path, a path without domain), NP_ENOTFOUND where it raises KeyError.
 */
NP_API int np_cookiejar_clear(np_cookiejar *jar, const char *domain,
                              const char *path, const char *name);
NP_API void np_cookiejar_clear_session_cookies(np_cookiejar *jar);
NP_API void np_cookiejar_clear_expired_cookies(np_cookiejar *jar);

/* len(jar). */
NP_API size_t np_cookiejar_count(np_cookiejar *jar);
/* for cookie in jar: fn(ctx, cookie) in Python's order (domains, then
 * paths, then names, each in insertion order); a non-zero return stops the
 * walk and is returned.  fn must not change the jar. */
NP_API int np_cookiejar_foreach(np_cookiejar *jar,
                                int (*fn)(void *ctx, const np_cookie *c),
                                void *ctx);

/*
 * File jars.  Formats: NP_COOKIEJAR_MOZILLA (cookies.txt, as curl and
 * browsers write it, "#HttpOnly_" lines included) and NP_COOKIEJAR_LWP
 * (Set-Cookie3 lines).  Loading adds to the jar; NP_ECOOKIE_LOAD (Python's
 * LoadError) on a malformed file, NP_ESYS when it cannot be read.  Saving
 * writes a temporary file in the same directory and renames it over the
 * target, so a failed save never leaves a truncated file.
 */
typedef enum np_cookiejar_format {
  NP_COOKIEJAR_MOZILLA = 0,
  NP_COOKIEJAR_LWP = 1
} np_cookiejar_format;

NP_API int np_cookiejar_load(np_cookiejar *jar, np_cookiejar_format fmt,
                             const char *filename, bool ignore_discard,
                             bool ignore_expires, np_error *err);
/* Load from memory (the file's bytes). */
NP_API int np_cookiejar_load_mem(np_cookiejar *jar, np_cookiejar_format fmt,
                                 const char *data, size_t len,
                                 bool ignore_discard, bool ignore_expires,
                                 np_error *err);
NP_API int np_cookiejar_save(np_cookiejar *jar, np_cookiejar_format fmt,
                             const char *filename, bool ignore_discard,
                             bool ignore_expires, np_error *err);
/* The file's bytes, appended to out. */
NP_API int np_cookiejar_save_mem(np_cookiejar *jar, np_cookiejar_format fmt,
                                 np_buf *out, bool ignore_discard,
                                 bool ignore_expires);
/* FileCookieJar.revert: clear and load again; on failure the jar keeps
 * what it held before. */
NP_API int np_cookiejar_revert(np_cookiejar *jar, np_cookiejar_format fmt,
                               const char *filename, bool ignore_discard,
                               bool ignore_expires, np_error *err);

#ifdef __cplusplus
}
#endif
#endif /* NETPROTO_COOKIEJAR_H */
