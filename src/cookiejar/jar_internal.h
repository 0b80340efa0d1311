/* Internal to src/cookiejar: the jar's layout and shared helpers. */
#ifndef NP_COOKIEJAR_INTERNAL_H
#define NP_COOKIEJAR_INTERNAL_H

#include "core/internal.h"
#include "netproto/cookiejar.h"

#include <pthread.h>

/* Python's nested dicts domain -> path -> name, each in insertion order.
 * Nodes stay when they empty (Python keeps the empty dicts too). */
typedef struct np__ck_path {
  char *path;
  np_cookie **v;
  size_t n, cap;
} np__ck_path;

typedef struct np__ck_domain {
  char *domain;
  np__ck_path **paths;
  size_t npaths, cap;
  size_t count; /* cookies under this domain */
} np__ck_domain;

struct np_cookiejar {
  pthread_mutex_t lock; /* recursive, as Python's RLock */
  np_cookie_policy policy;
  np_cookiejar_limits limits;
  int64_t (*clock)(void);
  np__ck_domain **domains;
  size_t ndomains, cap;
  size_t total;
  /* domain string -> node, open addressing; rebuilt when domains change */
  np__ck_domain **index;
  size_t nindex;
};

int64_t np__jar_now(const np_cookiejar *jar);
/* Store c (owned) replacing a cookie of the same domain/path/name. */
int np__jar_store(np_cookiejar *jar, np_cookie *c);
/* clear(domain, path, name) without locking. */
int np__jar_clear(np_cookiejar *jar, const char *domain, const char *path,
                  const char *name);
np__ck_domain *np__jar_find_domain(const np_cookiejar *jar, const char *d);

/* Python's str.lower()/endswith/startswith on our NUL-terminated text. */
bool np__ck_endswith(const char *s, const char *suffix);
bool np__ck_startswith(const char *s, const char *prefix);
/* int(text) as Python parses it (whitespace, sign, '_' between digits);
 * the value saturates at +-10^15. */
bool np__ck_pyint(const char *s, size_t len, long long *out);
/* Python's domain_match, user_domain_match, is_HDN, reach. */
bool np__ck_domain_match(const char *a, const char *b);
bool np__ck_user_domain_match(const char *a, const char *b);
/* escape_path(path) appended to out. */
int np__ck_escape_path(np_buf *out, const char *path, size_t len);
/* The set_ok / return_ok / ... of jar's policy, callbacks or defaults. */
bool np__policy_set_ok(const np_cookiejar *jar, const np_cookie *c,
                       const np_cookie_reqinfo *r);
bool np__policy_return_ok(const np_cookiejar *jar, const np_cookie *c,
                          const np_cookie_reqinfo *r, int64_t now);
bool np__policy_domain_return_ok(const np_cookiejar *jar, const char *d,
                                 const np_cookie_reqinfo *r);
bool np__policy_path_return_ok(const np_cookiejar *jar, const char *p,
                               const np_cookie_reqinfo *r);

/* split_header_words' result, flattened: pairs k[i]=v[i] (v NULL: None);
 * group[g] is the index of the first pair of the g-th comma group. */
typedef struct np__ck_words {
  char **k, **v;
  size_t n;
  size_t *group;
  size_t ngroups;
} np__ck_words;
/* split_header_words([s]) into w (emptied first). */
int np__ck_split_words(np__ck_words *w, const char *s, size_t n);
void np__ck_words_free(np__ck_words *w);
/* Exchange the cookies of two jars (policy, limits, lock stay). */
void np__jar_swap(np_cookiejar *a, np_cookiejar *b);

#endif /* NP_COOKIEJAR_INTERNAL_H */
