/* add_cookie_header: which cookies go back, and the Cookie header text. */
#include "cookiejar/jar_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct picked {
  const np_cookie **v;
  size_t n, cap;
} picked;

static int pick(picked *p, const np_cookie *c) {
  int rc = np__array_reserve(&p->v, &p->cap, p->n + 1, sizeof *p->v, 16);
  if (rc != NP_OK)
    return rc;
  p->v[p->n++] = c;
  return NP_OK;
}

/* _cookies_for_request: domains, paths, names in order, as the policy
 * allows. */
static int cookies_for_request(const np_cookiejar *jar,
                               const np_cookie_reqinfo *r, int64_t now,
                               picked *out) {
  for (size_t di = 0; di < jar->ndomains; di++) {
    const np__ck_domain *d = jar->domains[di];
    if (!np__policy_domain_return_ok(jar, d->domain, r))
      continue;
    for (size_t pi = 0; pi < d->npaths; pi++) {
      const np__ck_path *p = d->paths[pi];
      if (!np__policy_path_return_ok(jar, p->path, r))
        continue;
      for (size_t i = 0; i < p->n; i++)
        if (np__policy_return_ok(jar, p->v[i], r, now) &&
            pick(out, p->v[i]) != NP_OK)
          return NP_ENOMEM;
    }
  }
  return NP_OK;
}

/* Stable sort by path length, longest first (list.sort is stable). */
static void sort_by_path(picked *p) {
  size_t n = p->n;
  if (n < 2)
    return;
  const np_cookie **tmp = np_malloc(n * sizeof *tmp);
  size_t *len = np_malloc(n * sizeof *len);
  if (!tmp || !len) { /* insertion sort needs no memory */
    for (size_t i = 1; i < n; i++) {
      const np_cookie *c = p->v[i];
      size_t j = i, l = strlen(c->path);
      while (j > 0 && strlen(p->v[j - 1]->path) < l) {
        p->v[j] = p->v[j - 1];
        j--;
      }
      p->v[j] = c;
    }
  } else {
    /* bottom-up merge sort on precomputed lengths */
    for (size_t i = 0; i < n; i++)
      len[i] = strlen(p->v[i]->path);
    size_t *tl = np_malloc(n * sizeof *tl);
    if (tl) {
      for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
          size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
          size_t a = lo, b = mid, k = lo;
          while (a < mid || b < hi) {
            if (b >= hi || (a < mid && len[a] >= len[b])) {
              tmp[k] = p->v[a];
              tl[k++] = len[a++];
            } else {
              tmp[k] = p->v[b];
              tl[k++] = len[b++];
            }
          }
        }
        memcpy(p->v, tmp, n * sizeof *tmp);
        memcpy(len, tl, n * sizeof *tl);
      }
      np_free(tl);
    }
  }
  np_free(tmp);
  np_free(len);
}

/* \W in a Python str regex: anything but letters, digits, '_' (bytes of
 * non-ASCII characters count as word characters, as letters mostly are). */
static bool has_non_word(const char *s) {
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c < 0x80 && !np__is(c, NP_CC_ALPHA | NP_CC_DIGIT) && c != '_')
      return true;
  }
  return false;
}

static int put_value(np_buf *out, const np_cookie *c) {
  int rc = np_buf_append_cstr(out, c->name);
  if (rc != NP_OK || !c->value)
    return rc;
  rc = np_buf_putc(out, '=');
  if (!(c->version > 0 && has_non_word(c->value)))
    return rc == NP_OK ? np_buf_append_cstr(out, c->value) : rc;
  for (const char *v = c->value; rc == NP_OK && *v; v++) {
    if (*v == '"' || *v == '\\')
      rc = np_buf_putc(out, '\\');
    if (rc == NP_OK)
      rc = np_buf_putc(out, (unsigned char)*v);
  }
  return rc;
}

/* _cookie_attrs joined with "; ". */
static int cookie_attrs(np_buf *out, const picked *p) {
  int rc = NP_OK;
  const char *sep = "";
  for (size_t i = 0; rc == NP_OK && i < p->n; i++) {
    const np_cookie *c = p->v[i];
    if (i == 0 && c->version > 0) {
      rc = np_buf_printf(out, "$Version=%ld", c->version);
      sep = "; ";
    }
    if (rc == NP_OK)
      rc = np_buf_append_cstr(out, sep);
    sep = "; ";
    if (rc == NP_OK)
      rc = put_value(out, c);
    if (rc != NP_OK || c->version <= 0)
      continue;
    if (c->path_specified)
      rc = np_buf_printf(out, "; $Path=\"%s\"", c->path);
    if (rc == NP_OK && c->domain[0] == '.')
      rc = np_buf_printf(out, "; $Domain=\"%s\"",
                         c->domain + (c->domain_initial_dot ? 0 : 1));
    if (rc == NP_OK && c->port)
      rc = c->port_specified ? np_buf_printf(out, "; $Port=\"%s\"", c->port)
                             : np_buf_append_cstr(out, "; $Port");
  }
  return rc;
}

int np_cookiejar_cookie_header(np_cookiejar *jar, const np_cookie_request *req,
                               np_buf *cookie, np_buf *cookie2, int *flags) {
  np_buf store;
  np_cookie_reqinfo r;
  picked p = {NULL, 0, 0};
  np_buf_init(&store, 0);
  if (flags)
    *flags = 0;
  int rc = np_cookie_reqinfo_make(&r, &store, req);
  if (rc == NP_OK) {
    pthread_mutex_lock(&jar->lock);
    rc = cookies_for_request(jar, &r, np__jar_now(jar), &p);
    if (rc == NP_OK) {
      sort_by_path(&p);
      size_t before = cookie->len;
      rc = cookie_attrs(cookie, &p);
      (void)before;
      if (rc == NP_OK && p.n && flags)
        *flags |= NP_COOKIEJAR_COOKIE;
    }
    const np_cookie_policy *pol = &jar->policy;
    bool want2 = false;
    for (size_t i = 0; pol->rfc2965 && !pol->hide_cookie2 && i < p.n; i++)
      want2 |= p.v[i]->version != 1;
    if (rc == NP_OK && want2) {
      if (cookie2)
        rc = np_buf_append_cstr(cookie2, "$Version=\"1\"");
      if (flags)
        *flags |= NP_COOKIEJAR_COOKIE2;
    }
    pthread_mutex_unlock(&jar->lock);
  }
  np_free(p.v);
  np_buf_free(&store);
  if (rc == NP_OK)
    np_cookiejar_clear_expired_cookies(jar);
  return rc;
}
