/*
 * From Set-Cookie / Set-Cookie2 fields to cookies: Python's
 * parse_ns_headers, split_header_words, _normalized_cookie_tuples,
 * _cookie_from_cookie_tuple and make_cookies.  Each parser is one pass.
 */
#include "cookiejar/jar_internal.h"

#include "core/date.h"

#include <string.h>

/* A cookie may carry at most this many attributes; more makes the header
 * invalid (a defence Python lacks: its attribute dict has no bound). */
#define NP_COOKIE_MAX_ATTRS 256

typedef struct pair {
  char *k;
  char *v;        /* NULL: None */
  bool is_time;   /* Netscape expires: converted to a time (or None) */
  int64_t t;
} pair;

typedef struct attrs { /* one cookie's pairs */
  pair *v;
  size_t n, cap;
} attrs;

typedef struct attrs_set {
  attrs *v;
  size_t n, cap;
} attrs_set;

static void attrs_free(attrs *a) {
  for (size_t i = 0; i < a->n; i++) {
    np_free(a->v[i].k);
    np_free(a->v[i].v);
  }
  np_free(a->v);
  memset(a, 0, sizeof *a);
}

static void set_free(attrs_set *s) {
  for (size_t i = 0; i < s->n; i++)
    attrs_free(&s->v[i]);
  np_free(s->v);
  memset(s, 0, sizeof *s);
}

/* Add a pair; k and v are copied (v NULL: None). */
static int add_pair(attrs *a, const char *k, size_t kl, const char *v,
                    size_t vl) {
  int rc = np__array_reserve(&a->v, &a->cap, a->n + 1, sizeof *a->v, 8);
  if (rc != NP_OK)
    return rc;
  pair *p = &a->v[a->n];
  memset(p, 0, sizeof *p);
  p->k = np__copy_str(k, kl);
  p->v = v ? np__copy_str(v, vl) : NULL;
  if (!p->k || (v && !p->v)) {
    np_free(p->k);
    np_free(p->v);
    return NP_ENOMEM;
  }
  a->n++;
  return NP_OK;
}

static int add_attrs(attrs_set *s, attrs *a) {
  int rc = np__array_reserve(&s->v, &s->cap, s->n + 1, sizeof *s->v, 4);
  if (rc != NP_OK)
    return rc;
  s->v[s->n++] = *a;
  memset(a, 0, sizeof *a);
  return NP_OK;
}

static bool ieq_cstr(const char *s, size_t n, const char *lit) {
  return strlen(lit) == n && np__ieq(s, lit, n);
}

/* ---- parse_ns_headers ------------------------------------------------ */

static const char *const ns_known[] = {"expires", "domain", "path", "secure",
                                       "version", "port", "max-age"};

static int ns_param(attrs *a, size_t ii, const char *s, size_t n,
                    bool *version_set, bool *stop) {
  np__pystrip(&s, &n);
  const char *eq = memchr(s, '=', n);
  const char *k = s, *v = NULL;
  size_t kl = eq ? (size_t)(eq - s) : n, vl = 0;
  np__pystrip(&k, &kl);
  if (kl == 0) {
    *stop = ii == 0;
    return NP_OK;
  }
  if (eq) {
    v = eq + 1;
    vl = (size_t)(s + n - v);
    np__pystrip(&v, &vl);
  }
  int rc;
  if (ii == 0)
    return add_pair(a, k, kl, v, vl);
  char lk[8];
  const char *key = k;
  for (size_t i = 0; i < NP_ARRAY_LEN(ns_known); i++)
    if (ieq_cstr(k, kl, ns_known[i])) {
      memcpy(lk, ns_known[i], kl);
      key = lk;
    }
  if (key == lk && ieq_cstr(k, kl, "version")) {
    if (v && vl && v[0] == '"') { /* strip_quotes */
      v++;
      vl--;
    }
    if (v && vl && v[vl - 1] == '"')
      vl--;
    *version_set = true;
  }
  rc = add_pair(a, key, kl, v, vl);
  if (rc == NP_OK && key == lk && ieq_cstr(k, kl, "expires") && v) {
    pair *p = &a->v[a->n - 1];
    const char *d = v;
    size_t dl = vl;
    if (dl && d[0] == '"') {
      d++;
      dl--;
    }
    if (dl && d[dl - 1] == '"')
      dl--;
    p->is_time = true;
    if (!np__http2time(d, dl, &p->t)) {
      np_free(p->v);
      p->v = NULL; /* None: an invalid date */
    }
  }
  return rc;
}

static int parse_ns(attrs_set *out, const char *s, size_t n) {
  attrs a = {NULL, 0, 0};
  bool version_set = false, stop = false;
  int rc = NP_OK;
  size_t ii = 0, i = 0;
  for (;;) {
    const char *semi = memchr(s + i, ';', n - i);
    size_t e = semi ? (size_t)(semi - s) : n;
    rc = ns_param(&a, ii++, s + i, e - i, &version_set, &stop);
    if (rc != NP_OK || stop || !semi)
      break;
    i = e + 1;
  }
  if (rc == NP_OK && a.n && !version_set)
    rc = add_pair(&a, "version", 7, "0", 1);
  if (rc == NP_OK && a.n)
    rc = add_attrs(out, &a);
  attrs_free(&a);
  return rc;
}

/* ---- split_header_words ---------------------------------------------- */

static size_t skip_sp(const char *s, size_t n, size_t i) {
  while (i < n && np__is_pyspace((unsigned char)s[i]))
    i++;
  return i;
}

/* "\s*=\s*" at i: the position after it, or (size_t)-1. */
static size_t equals_at(const char *s, size_t n, size_t i) {
  i = skip_sp(s, n, i);
  if (i >= n || s[i] != '=')
    return (size_t)-1;
  return skip_sp(s, n, i + 1);
}

/* A quoted value at i (s[i] == '"'): end after the closing quote, and the
 * unescaped value appended to val; (size_t)-1 if it does not close. */
static size_t quoted(const char *s, size_t n, size_t i, np_buf *val) {
  for (size_t k = i + 1; k < n; k++) {
    if (s[k] == '"')
      return k + 1;
    if (s[k] == '\\') {
      if (k + 1 >= n || s[k + 1] == '\n')
        return (size_t)-1;
      k++;
    }
    if (np_buf_putc(val, (unsigned char)s[k]) != NP_OK)
      return (size_t)-1;
  }
  return (size_t)-1;
}

static bool token_char(unsigned char c) {
  return c != '=' && c != ';' && c != ',' && !np__is_pyspace(c);
}

static int split_words(attrs_set *out, const char *s, size_t n) {
  attrs a = {NULL, 0, 0};
  np_buf val;
  np_buf_init(&val, n + 1);
  int rc = NP_OK;
  size_t i = 0;
  while (rc == NP_OK && i < n) {
    size_t t = skip_sp(s, n, i), te = t;
    while (te < n && token_char((unsigned char)s[te]))
      te++;
    if (te > t) {
      size_t v = equals_at(s, n, te), e;
      np_buf_reset(&val);
      if (v != (size_t)-1 && v < n && s[v] == '"' &&
          (e = quoted(s, n, v, &val)) != (size_t)-1) {
        rc = add_pair(&a, s + t, te - t, val.data ? val.data : "", val.len);
        i = e;
      } else if (v != (size_t)-1) {
        e = v; /* [^\s;,]* */
        while (e < n && s[e] != ';' && s[e] != ',' &&
               !np__is_pyspace((unsigned char)s[e]))
          e++;
        rc = add_pair(&a, s + t, te - t, s + v, e - v);
        i = e;
      } else {
        rc = add_pair(&a, s + t, te - t, NULL, 0);
        i = te;
      }
    } else if (t < n && s[t] == ',') {
      i = t + 1;
      if (a.n)
        rc = add_attrs(out, &a);
    } else {
      while (i < n && (s[i] == '=' || s[i] == ';' || np__is_pyspace((unsigned char)s[i])))
        i++;
    }
  }
  if (rc == NP_OK && a.n)
    rc = add_attrs(out, &a);
  attrs_free(&a);
  np_buf_free(&val);
  return rc;
}

void np__ck_words_free(np__ck_words *w) {
  for (size_t i = 0; i < w->n; i++) {
    np_free(w->k[i]);
    np_free(w->v[i]);
  }
  np_free(w->k);
  np_free(w->v);
  np_free(w->group);
  memset(w, 0, sizeof *w);
}

int np__ck_split_words(np__ck_words *w, const char *s, size_t n) {
  attrs_set set = {NULL, 0, 0};
  np__ck_words_free(w);
  int rc = split_words(&set, s, n);
  size_t total = 0;
  for (size_t i = 0; i < set.n; i++)
    total += set.v[i].n;
  if (rc == NP_OK) {
    w->k = np_malloc((total + 1) * sizeof *w->k);
    w->v = np_malloc((total + 1) * sizeof *w->v);
    w->group = np_malloc((set.n + 1) * sizeof *w->group);
    if (!w->k || !w->v || !w->group)
      rc = NP_ENOMEM;
  }
  for (size_t g = 0; rc == NP_OK && g < set.n; g++) {
    w->group[w->ngroups++] = w->n;
    for (size_t i = 0; i < set.v[g].n; i++) {
      w->k[w->n] = set.v[g].v[i].k;
      w->v[w->n++] = set.v[g].v[i].v;
      set.v[g].v[i].k = set.v[g].v[i].v = NULL;
    }
  }
  set_free(&set);
  return rc;
}

/* ---- from attributes to a cookie ------------------------------------- */

enum { S_VERSION, S_EXPIRES, S_DOMAIN, S_PATH, S_PORT, S_COMMENT,
       S_COMMENTURL, S_DISCARD, S_SECURE, S_COUNT };
static const char *const std_names[S_COUNT] = {
    "version", "expires", "domain", "path", "port", "comment", "commenturl",
    "discard", "secure"};

typedef struct standard {
  bool set[S_COUNT];
  const char *v[S_COUNT]; /* borrowed from the pairs; NULL: None / True */
  bool expires_is_time;
  int64_t expires;
} standard;

/* _normalized_cookie_tuples for one cookie.  Returns 1 when the cookie is
 * good, 0 when bad, -1 where Python raises (the whole header set fails). */
static int normalize(const attrs *a, standard *st, int64_t now,
                     const pair **rest, size_t *nrest) {
  bool max_age_set = false;
  memset(st, 0, sizeof *st);
  *nrest = 0;
  if (a->n > NP_COOKIE_MAX_ATTRS)
    return 0;
  for (size_t i = 1; i < a->n; i++) {
    const pair *p = &a->v[i];
    int k = -1;
    bool max_age = ieq_cstr(p->k, strlen(p->k), "max-age");
    for (int j = 0; j < S_COUNT; j++)
      if (ieq_cstr(p->k, strlen(p->k), std_names[j]))
        k = j;
    if (!max_age && k < 0) {
      /* rest[k] = v: a later duplicate replaces the value in place */
      size_t r = 0;
      while (r < *nrest && strcmp(rest[r]->k, p->k) != 0)
        r++;
      rest[r] = p;
      if (r == *nrest)
        (*nrest)++;
      continue;
    }
    if (k >= 0 && st->set[k])
      continue;
    if (k == S_DOMAIN && !p->v)
      return 0;
    if (k == S_EXPIRES) {
      if (max_age_set || !p->v)
        continue;
    }
    if (max_age) {
      max_age_set = true;
      long long v;
      if (!p->v)
        return -1; /* int(None): TypeError */
      if (!np__ck_pyint(p->v, strlen(p->v), &v))
        return 0;
      st->set[S_EXPIRES] = true;
      st->expires_is_time = true;
      st->expires = now + v;
      continue;
    }
    if (!p->v && k != S_PORT && k != S_COMMENT && k != S_COMMENTURL &&
        k != S_DISCARD && k != S_SECURE)
      return 0;
    st->set[k] = true;
    st->v[k] = p->v;
    if (k == S_EXPIRES) {
      st->expires_is_time = p->is_time;
      st->expires = p->t;
    }
  }
  return 1;
}

static bool truthy_flag(const standard *st, int k) {
  /* a bare "secure" is True; "secure=" is '' (false); other text true */
  return st->set[k] && (!st->v[k] || st->v[k][0]);
}

static int set_lower(char **field, const char *s) {
  int rc = np_cookie_set_str(field, s, strlen(s));
  for (char *p = *field; rc == NP_OK && *p; p++)
    *p = (char)np__lower((unsigned char)*p);
  return rc;
}

/* The cookie's path when none was given: the request path up to its last
 * '/' (Netscape) or through it (RFC 2965). */
static int default_path(np_cookie *c, const np_cookie_reqinfo *r,
                        long version) {
  const char *p = r->path, *slash = strrchr(p, '/');
  size_t n = strlen(p);
  if (slash)
    n = (size_t)(slash - p) + (version == 0 ? 0 : 1);
  if (n == 0)
    return np_cookie_set_str(&c->path, "/", 1);
  return np_cookie_set_str(&c->path, p, n);
}

/* The port list with whitespace removed. */
static int set_port(np_cookie *c, const char *v) {
  size_t n = strlen(v), k = 0;
  char *d = np_malloc(n + 1);
  if (!d)
    return NP_ENOMEM;
  for (size_t i = 0; i < n; i++)
    if (!np__is_pyspace((unsigned char)v[i]))
      d[k++] = v[i];
  d[k] = 0;
  np_free(c->port);
  c->port = d;
  return NP_OK;
}

/* _cookie_from_cookie_tuple.  *out NULL when the cookie is dropped.
 * Returns -1 where Python raises. */
static int make_one(np_cookiejar *jar, const attrs *a, const standard *st,
                    const pair **rest, size_t nrest,
                    const np_cookie_reqinfo *r, int64_t now, np_cookie **out) {
  *out = NULL;
  long long version = 0;
  bool has_version = st->set[S_VERSION];
  if (has_version && !np__ck_pyint(st->v[S_VERSION],
                                   strlen(st->v[S_VERSION]), &version))
    return 0;
  if (st->set[S_EXPIRES] && !st->expires_is_time)
    return -1; /* RFC 2965 expires text compared with a number: TypeError */
  np_cookie *c = np_cookie_new();
  if (!c)
    return NP_ENOMEM;
  int rc = NP_OK;
  c->has_version = has_version;
  c->version = (long)version;
  rc = np_cookie_set_str(&c->name, a->v[0].k, strlen(a->v[0].k));
  if (rc == NP_OK && a->v[0].v)
    rc = np_cookie_set_str(&c->value, a->v[0].v, strlen(a->v[0].v));
  c->secure = truthy_flag(st, S_SECURE);
  c->discard = truthy_flag(st, S_DISCARD);
  if (rc == NP_OK && st->v[S_COMMENT])
    rc = np_cookie_set_str(&c->comment, st->v[S_COMMENT],
                           strlen(st->v[S_COMMENT]));
  if (rc == NP_OK && st->v[S_COMMENTURL])
    rc = np_cookie_set_str(&c->comment_url, st->v[S_COMMENTURL],
                           strlen(st->v[S_COMMENTURL]));
  if (rc == NP_OK) {
    if (st->set[S_PATH] && st->v[S_PATH][0]) {
      np_buf b;
      np_buf_init(&b, 0);
      c->path_specified = true;
      rc = np__ck_escape_path(&b, st->v[S_PATH], strlen(st->v[S_PATH]));
      if (rc == NP_OK)
        rc = np_cookie_set_str(&c->path, b.data ? b.data : "", b.len);
      np_buf_free(&b);
    } else {
      rc = default_path(c, r, has_version ? (long)version : -1);
    }
  }
  if (rc == NP_OK) {
    const char *d = st->v[S_DOMAIN];
    c->domain_specified = st->set[S_DOMAIN];
    c->domain_initial_dot = d && d[0] == '.';
    if (!d) {
      rc = np_cookie_set_str(&c->domain, r->erhn, strlen(r->erhn));
    } else if (d[0] == '.') {
      rc = set_lower(&c->domain, d);
    } else {
      size_t n = strlen(d);
      rc = np_cookie_set_str(&c->domain, ".", 1);
      char *dd = np_malloc(n + 2);
      if (rc == NP_OK && dd) {
        dd[0] = '.';
        memcpy(dd + 1, d, n + 1);
        rc = set_lower(&c->domain, dd);
      } else if (!dd) {
        rc = NP_ENOMEM;
      }
      np_free(dd);
    }
  }
  if (rc == NP_OK && st->set[S_PORT]) {
    if (!st->v[S_PORT]) {
      if (r->port)
        rc = np_cookie_set_str(&c->port, r->port, strlen(r->port));
    } else {
      c->port_specified = true;
      rc = set_port(c, st->v[S_PORT]);
    }
  }
  for (size_t i = 0; rc == NP_OK && i < nrest; i++)
    rc = np_cookie_set_attr(c, rest[i]->k, rest[i]->v);
  if (rc != NP_OK) {
    np_cookie_free(c);
    return rc;
  }
  if (!st->set[S_EXPIRES]) {
    c->discard = true;
  } else if (st->expires <= now) {
    /* Expired: it deletes the jar's cookie of that name, and goes. */
    np__jar_clear(jar, c->domain, c->path, c->name);
    np_cookie_free(c);
    return 0;
  } else {
    c->has_expires = true;
    c->expires = st->expires;
  }
  *out = c;
  return 1;
}

/* A growable list of cookies. */
typedef struct clist {
  np_cookie **v;
  size_t n, cap;
} clist;

static int clist_push(clist *l, np_cookie *c) {
  int rc = np__array_reserve(&l->v, &l->cap, l->n + 1, sizeof *l->v, 8);
  if (rc != NP_OK) {
    np_cookie_free(c);
    return rc;
  }
  l->v[l->n++] = c;
  return NP_OK;
}

static void clist_clear(clist *l) {
  for (size_t i = 0; i < l->n; i++)
    np_cookie_free(l->v[i]);
  l->n = 0;
}

/* _cookies_from_attrs_set: every cookie is normalised before any is
 * made, as in Python; where Python raises, the list is emptied. */
static int cookies_from_set(np_cookiejar *jar, const attrs_set *set,
                            const np_cookie_reqinfo *r, int64_t now,
                            clist *out) {
  size_t total = 0;
  for (size_t i = 0; i < set->n; i++)
    total += set->v[i].n;
  standard *st = np_malloc((set->n + 1) * sizeof *st);
  const pair **rest = np_malloc((total + 1) * sizeof *rest);
  size_t *nrest = np_malloc((set->n + 1) * sizeof *nrest);
  signed char *good = np_malloc(set->n + 1);
  int rc = st && rest && nrest && good ? NP_OK : NP_ENOMEM;
  size_t off = 0;
  for (size_t i = 0; rc == NP_OK && i < set->n; i++) {
    good[i] = (signed char)normalize(&set->v[i], &st[i], now, rest + off,
                                     &nrest[i]);
    off += set->v[i].n;
    if (good[i] < 0)
      goto done; /* raised before any cookie was made */
  }
  off = 0;
  for (size_t i = 0; rc == NP_OK && i < set->n; i++) {
    np_cookie *c = NULL;
    int ok = good[i] == 1 ? make_one(jar, &set->v[i], &st[i], rest + off,
                                     nrest[i], r, now, &c)
                          : 0;
    off += set->v[i].n;
    if (ok < -1) {
      rc = ok;
    } else if (ok == -1) {
      clist_clear(out);
      break;
    } else if (c) {
      rc = clist_push(out, c);
    }
  }
done:
  np_free(st);
  np_free(rest);
  np_free(nrest);
  np_free(good);
  return rc;
}

static bool same_key(const np_cookie *a, const np_cookie *b) {
  return strcmp(a->domain, b->domain) == 0 && strcmp(a->path, b->path) == 0 &&
         strcmp(a->name, b->name) == 0;
}

/* make_cookies with the jar locked and the request facts made. */
static int make_locked(np_cookiejar *jar, const np_cookie_header *h,
                       size_t nh, const np_cookie_reqinfo *r, clist *out) {
  const np_cookie_policy *p = &jar->policy;
  attrs_set rfc = {NULL, 0, 0}, ns = {NULL, 0, 0};
  int rc = NP_OK;
  bool any_ns = false, any_rfc = false;
  for (size_t i = 0; i < nh; i++) {
    any_ns |= np_slice_ieq_cstr(h[i].name, "Set-Cookie");
    any_rfc |= np_slice_ieq_cstr(h[i].name, "Set-Cookie2");
  }
  if ((!any_rfc && !any_ns) || (!any_ns && !p->rfc2965) ||
      (!any_rfc && !p->netscape) || (!p->netscape && !p->rfc2965))
    return NP_OK;
  int64_t now = np__jar_now(jar);
  for (size_t i = 0; rc == NP_OK && i < nh; i++) {
    if (np_slice_ieq_cstr(h[i].name, "Set-Cookie2"))
      rc = split_words(&rfc, h[i].value.ptr ? h[i].value.ptr : "",
                       h[i].value.len);
    else if (np_slice_ieq_cstr(h[i].name, "Set-Cookie") && p->netscape)
      rc = parse_ns(&ns, h[i].value.ptr ? h[i].value.ptr : "", h[i].value.len);
  }
  if (rc == NP_OK)
    rc = cookies_from_set(jar, &rfc, r, now, out);
  size_t nrfc = out->n;
  if (rc == NP_OK && any_ns && p->netscape) {
    clist nsl = {NULL, 0, 0};
    rc = cookies_from_set(jar, &ns, r, now, &nsl);
    bool as_ns = p->rfc2109_as_netscape < 0 ? !p->rfc2965
                                            : p->rfc2109_as_netscape != 0;
    for (size_t i = 0; rc == NP_OK && i < nsl.n; i++) {
      np_cookie *c = nsl.v[i];
      nsl.v[i] = NULL;
      if (c->version == 1) {
        c->rfc2109 = true;
        if (as_ns)
          c->version = 0;
      }
      bool shadowed = false;
      for (size_t j = 0; p->rfc2965 && j < nrfc && !shadowed; j++)
        shadowed = same_key(out->v[j], c);
      if (shadowed)
        np_cookie_free(c);
      else
        rc = clist_push(out, c);
    }
    for (size_t i = 0; i < nsl.n; i++)
      np_cookie_free(nsl.v[i]);
    np_free(nsl.v);
  }
  set_free(&rfc);
  set_free(&ns);
  return rc;
}

int np_cookiejar_make_cookies(np_cookiejar *jar, const np_cookie_header *h,
                              size_t nh, const np_cookie_request *req,
                              np_cookie ***out, size_t *n) {
  np_buf store;
  np_cookie_reqinfo r;
  clist l = {NULL, 0, 0};
  np_buf_init(&store, 0);
  *out = NULL;
  *n = 0;
  int rc = np_cookie_reqinfo_make(&r, &store, req);
  if (rc == NP_OK) {
    pthread_mutex_lock(&jar->lock);
    rc = make_locked(jar, h, nh, &r, &l);
    pthread_mutex_unlock(&jar->lock);
  }
  np_buf_free(&store);
  if (rc != NP_OK) {
    np_cookies_list_free(l.v, l.n);
    return rc;
  }
  *out = l.v;
  *n = l.n;
  return NP_OK;
}

void np_cookies_list_free(np_cookie **list, size_t n) {
  for (size_t i = 0; list && i < n; i++)
    np_cookie_free(list[i]);
  np_free(list);
}

int np_cookiejar_extract(np_cookiejar *jar, const np_cookie_header *h,
                         size_t nh, const np_cookie_request *req) {
  np_buf store;
  np_cookie_reqinfo r;
  clist l = {NULL, 0, 0};
  np_buf_init(&store, 0);
  int rc = np_cookie_reqinfo_make(&r, &store, req);
  if (rc == NP_OK) {
    pthread_mutex_lock(&jar->lock);
    rc = make_locked(jar, h, nh, &r, &l);
    for (size_t i = 0; i < l.n; i++) {
      np_cookie *c = l.v[i];
      l.v[i] = NULL;
      if (rc == NP_OK && np__policy_set_ok(jar, c, &r)) {
        int src = np__jar_store(jar, c);
        if (src == NP_ENOMEM)
          rc = src; /* a cookie over a limit is skipped, not an error */
      } else {
        np_cookie_free(c);
      }
    }
    pthread_mutex_unlock(&jar->lock);
  }
  np_free(l.v);
  np_buf_free(&store);
  return rc;
}
