/* CookieJar: storage in Python's order, the lock, limits, clearing. */
#include "cookiejar/jar_internal.h"

#include <string.h>
#include <time.h>

static const np_cookiejar_limits np_default_limits = {180, 3000, 4096};

np_cookiejar *np_cookiejar_new(const np_cookie_policy *policy) {
  np_cookiejar *jar = np_malloc(sizeof *jar);
  if (!jar)
    return NULL;
  memset(jar, 0, sizeof *jar);
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
  int rc = pthread_mutex_init(&jar->lock, &a);
  pthread_mutexattr_destroy(&a);
  if (rc != 0) {
    np_free(jar);
    return NULL;
  }
  if (policy)
    jar->policy = *policy;
  else
    np_cookie_policy_init(&jar->policy);
  jar->limits = np_default_limits;
  return jar;
}

static void free_path(np__ck_path *p) {
  for (size_t i = 0; i < p->n; i++)
    np_cookie_free(p->v[i]);
  np_free(p->v);
  np_free(p->path);
  np_free(p);
}

static void free_domain(np__ck_domain *d) {
  for (size_t i = 0; i < d->npaths; i++)
    free_path(d->paths[i]);
  np_free(d->paths);
  np_free(d->domain);
  np_free(d);
}

static void clear_all(np_cookiejar *jar) {
  for (size_t i = 0; i < jar->ndomains; i++)
    free_domain(jar->domains[i]);
  jar->ndomains = 0;
  jar->total = 0;
  np_free(jar->index);
  jar->index = NULL;
  jar->nindex = 0;
}

void np_cookiejar_free(np_cookiejar *jar) {
  if (!jar)
    return;
  clear_all(jar);
  np_free(jar->domains);
  pthread_mutex_destroy(&jar->lock);
  np_free(jar);
}

void np_cookiejar_set_policy(np_cookiejar *jar,
                             const np_cookie_policy *policy) {
  pthread_mutex_lock(&jar->lock);
  if (policy)
    jar->policy = *policy;
  else
    np_cookie_policy_init(&jar->policy);
  pthread_mutex_unlock(&jar->lock);
}

void np_cookiejar_set_limits(np_cookiejar *jar,
                             const np_cookiejar_limits *limits) {
  pthread_mutex_lock(&jar->lock);
  jar->limits = limits ? *limits : np_default_limits;
  pthread_mutex_unlock(&jar->lock);
}

void np_cookiejar_get_limits(np_cookiejar *jar, np_cookiejar_limits *limits) {
  pthread_mutex_lock(&jar->lock);
  *limits = jar->limits;
  pthread_mutex_unlock(&jar->lock);
}

void np_cookiejar_set_clock(np_cookiejar *jar, int64_t (*now)(void)) {
  pthread_mutex_lock(&jar->lock);
  jar->clock = now;
  pthread_mutex_unlock(&jar->lock);
}

int64_t np__jar_now(const np_cookiejar *jar) {
  return jar->clock ? jar->clock() : (int64_t)time(NULL);
}

/* ---- the domain index ------------------------------------------------- */

static size_t str_hash(const char *s) {
  uint64_t h = 1469598103934665603u;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211u;
  return (size_t)h;
}

static int reindex(np_cookiejar *jar) {
  size_t n = 16;
  while (n < jar->ndomains * 2 + 2)
    n *= 2;
  np__ck_domain **ix = np_malloc(n * sizeof *ix);
  if (!ix)
    return NP_ENOMEM;
  memset(ix, 0, n * sizeof *ix);
  for (size_t i = 0; i < jar->ndomains; i++) {
    size_t h = str_hash(jar->domains[i]->domain) & (n - 1);
    while (ix[h])
      h = (h + 1) & (n - 1);
    ix[h] = jar->domains[i];
  }
  np_free(jar->index);
  jar->index = ix;
  jar->nindex = n;
  return NP_OK;
}

np__ck_domain *np__jar_find_domain(const np_cookiejar *jar, const char *d) {
  if (!jar->nindex)
    return NULL;
  size_t h = str_hash(d) & (jar->nindex - 1);
  while (jar->index[h]) {
    if (strcmp(jar->index[h]->domain, d) == 0)
      return jar->index[h];
    h = (h + 1) & (jar->nindex - 1);
  }
  return NULL;
}

static np__ck_domain *add_domain(np_cookiejar *jar, const char *d) {
  if (np__array_reserve(&jar->domains, &jar->cap, jar->ndomains + 1,
                        sizeof *jar->domains, 8) != NP_OK)
    return NULL;
  np__ck_domain *node = np_malloc(sizeof *node);
  if (!node)
    return NULL;
  memset(node, 0, sizeof *node);
  if (np_cookie_set_str(&node->domain, d, strlen(d)) != NP_OK) {
    np_free(node);
    return NULL;
  }
  jar->domains[jar->ndomains++] = node;
  if ((jar->ndomains * 2 >= jar->nindex && reindex(jar) != NP_OK)) {
    jar->ndomains--;
    free_domain(node);
    return NULL;
  }
  if (jar->ndomains * 2 < jar->nindex) {
    size_t h = str_hash(d) & (jar->nindex - 1);
    while (jar->index[h] && jar->index[h] != node)
      h = (h + 1) & (jar->nindex - 1);
    jar->index[h] = node;
  }
  return node;
}

static np__ck_path *find_path(const np__ck_domain *d, const char *p) {
  for (size_t i = 0; i < d->npaths; i++)
    if (strcmp(d->paths[i]->path, p) == 0)
      return d->paths[i];
  return NULL;
}

static np__ck_path *add_path(np__ck_domain *d, const char *p) {
  if (np__array_reserve(&d->paths, &d->cap, d->npaths + 1, sizeof *d->paths,
                        4) != NP_OK)
    return NULL;
  np__ck_path *node = np_malloc(sizeof *node);
  if (!node)
    return NULL;
  memset(node, 0, sizeof *node);
  if (np_cookie_set_str(&node->path, p, strlen(p)) != NP_OK) {
    np_free(node);
    return NULL;
  }
  d->paths[d->npaths++] = node;
  return node;
}

static size_t find_name(const np__ck_path *p, const char *name) {
  for (size_t i = 0; i < p->n; i++)
    if (strcmp(p->v[i]->name, name) == 0)
      return i;
  return (size_t)-1;
}

static bool too_big(const np_cookiejar *jar, const np_cookie *c) {
  size_t size = strlen(c->name) + (c->value ? strlen(c->value) : 0);
  return jar->limits.max_cookie_size && size > jar->limits.max_cookie_size;
}

/* Whether one more cookie would pass the count limits. */
static bool no_room(const np_cookiejar *jar, const np__ck_domain *d) {
  const np_cookiejar_limits *l = &jar->limits;
  return (l->max_total && jar->total >= l->max_total) ||
         (l->max_per_domain && d && d->count >= l->max_per_domain);
}

int np__jar_store(np_cookiejar *jar, np_cookie *c) {
  if (!c->name || !c->domain || !c->path) {
    np_cookie_free(c);
    return NP_EINVAL;
  }
  if (too_big(jar, c)) {
    np_cookie_free(c);
    return NP_ETOOLARGE;
  }
  np__ck_domain *d = np__jar_find_domain(jar, c->domain);
  np__ck_path *p = d ? find_path(d, c->path) : NULL;
  size_t i = p ? find_name(p, c->name) : (size_t)-1;
  if (i != (size_t)-1) { /* replacing keeps the place, as a dict does */
    np_cookie_free(p->v[i]);
    p->v[i] = c;
    return NP_OK;
  }
  if (no_room(jar, d)) {
    np_cookie_free(c);
    return NP_ETOOLARGE;
  }
  if ((!d && !(d = add_domain(jar, c->domain))) ||
      (!p && !(p = add_path(d, c->path)))) {
    np_cookie_free(c);
    return NP_ENOMEM;
  }
  if (np__array_reserve(&p->v, &p->cap, p->n + 1, sizeof *p->v, 4) != NP_OK) {
    np_cookie_free(c);
    return NP_ENOMEM;
  }
  p->v[p->n++] = c;
  d->count++;
  jar->total++;
  return NP_OK;
}

int np_cookiejar_set_cookie(np_cookiejar *jar, np_cookie *c) {
  if (!c)
    return NP_EINVAL;
  pthread_mutex_lock(&jar->lock);
  int rc = np__jar_store(jar, c);
  pthread_mutex_unlock(&jar->lock);
  return rc;
}

int np_cookiejar_set_cookie_if_ok(np_cookiejar *jar, np_cookie *c,
                                  const np_cookie_request *req, bool *stored) {
  np_buf store;
  np_cookie_reqinfo info;
  np_buf_init(&store, 0);
  if (stored)
    *stored = false;
  int rc = np_cookie_reqinfo_make(&info, &store, req);
  pthread_mutex_lock(&jar->lock);
  if (rc == NP_OK && np__policy_set_ok(jar, c, &info)) {
    rc = np__jar_store(jar, c);
    if (stored)
      *stored = rc == NP_OK;
  } else {
    np_cookie_free(c);
  }
  pthread_mutex_unlock(&jar->lock);
  np_buf_free(&store);
  return rc;
}

/* ---- clearing ---------------------------------------------------------- */

static void drop_domain(np_cookiejar *jar, size_t i) {
  np__ck_domain *d = jar->domains[i];
  jar->total -= d->count;
  free_domain(d);
  memmove(jar->domains + i, jar->domains + i + 1,
          (jar->ndomains - i - 1) * sizeof *jar->domains);
  jar->ndomains--;
  reindex(jar); /* shrinking: on ENOMEM the old index is kept */
}

int np__jar_clear(np_cookiejar *jar, const char *domain, const char *path,
                  const char *name) {
  if ((name && (!domain || !path)) || (path && !domain))
    return NP_EINVAL;
  if (!domain) {
    clear_all(jar);
    return NP_OK;
  }
  np__ck_domain *d = np__jar_find_domain(jar, domain);
  if (!d)
    return NP_ENOTFOUND;
  if (!path) {
    size_t i = 0;
    while (jar->domains[i] != d)
      i++;
    drop_domain(jar, i);
    return NP_OK;
  }
  size_t pi = 0;
  while (pi < d->npaths && strcmp(d->paths[pi]->path, path) != 0)
    pi++;
  if (pi == d->npaths)
    return NP_ENOTFOUND;
  np__ck_path *p = d->paths[pi];
  if (!name) {
    d->count -= p->n;
    jar->total -= p->n;
    free_path(p);
    memmove(d->paths + pi, d->paths + pi + 1,
            (d->npaths - pi - 1) * sizeof *d->paths);
    d->npaths--;
    return NP_OK;
  }
  size_t i = find_name(p, name);
  if (i == (size_t)-1)
    return NP_ENOTFOUND;
  np_cookie_free(p->v[i]);
  memmove(p->v + i, p->v + i + 1, (p->n - i - 1) * sizeof *p->v);
  p->n--;
  d->count--;
  jar->total--;
  return NP_OK;
}

int np_cookiejar_clear(np_cookiejar *jar, const char *domain,
                       const char *path, const char *name) {
  pthread_mutex_lock(&jar->lock);
  int rc = np__jar_clear(jar, domain, path, name);
  pthread_mutex_unlock(&jar->lock);
  return rc;
}

/* Remove, in place, every cookie for which drop() is true. */
static void remove_if(np_cookiejar *jar,
                      bool (*drop)(const np_cookie *c, int64_t now),
                      int64_t now) {
  for (size_t di = 0; di < jar->ndomains; di++) {
    np__ck_domain *d = jar->domains[di];
    for (size_t pi = 0; pi < d->npaths; pi++) {
      np__ck_path *p = d->paths[pi];
      size_t k = 0;
      for (size_t i = 0; i < p->n; i++) {
        if (drop(p->v[i], now)) {
          np_cookie_free(p->v[i]);
          d->count--;
          jar->total--;
        } else {
          p->v[k++] = p->v[i];
        }
      }
      p->n = k;
    }
  }
}

static bool is_session(const np_cookie *c, int64_t now) {
  (void)now;
  return c->discard;
}

void np_cookiejar_clear_session_cookies(np_cookiejar *jar) {
  pthread_mutex_lock(&jar->lock);
  remove_if(jar, is_session, 0);
  pthread_mutex_unlock(&jar->lock);
}

void np_cookiejar_clear_expired_cookies(np_cookiejar *jar) {
  pthread_mutex_lock(&jar->lock);
  remove_if(jar, np_cookie_is_expired, np__jar_now(jar));
  pthread_mutex_unlock(&jar->lock);
}

size_t np_cookiejar_count(np_cookiejar *jar) {
  pthread_mutex_lock(&jar->lock);
  size_t n = jar->total;
  pthread_mutex_unlock(&jar->lock);
  return n;
}

int np_cookiejar_foreach(np_cookiejar *jar,
                         int (*fn)(void *ctx, const np_cookie *c), void *ctx) {
  int rc = 0;
  pthread_mutex_lock(&jar->lock);
  for (size_t di = 0; rc == 0 && di < jar->ndomains; di++) {
    const np__ck_domain *d = jar->domains[di];
    for (size_t pi = 0; rc == 0 && pi < d->npaths; pi++)
      for (size_t i = 0; rc == 0 && i < d->paths[pi]->n; i++)
        rc = fn(ctx, d->paths[pi]->v[i]);
  }
  pthread_mutex_unlock(&jar->lock);
  return rc;
}

void np__jar_swap(np_cookiejar *a, np_cookiejar *b) {
  np_cookiejar t = *a;
  a->domains = b->domains;
  a->ndomains = b->ndomains;
  a->cap = b->cap;
  a->total = b->total;
  a->index = b->index;
  a->nindex = b->nindex;
  b->domains = t.domains;
  b->ndomains = t.ndomains;
  b->cap = t.cap;
  b->total = t.total;
  b->index = t.index;
  b->nindex = t.nindex;
}
