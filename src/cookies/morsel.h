/* Internal to src/cookies: the morsel's layout. */
#ifndef NP_COOKIES_MORSEL_H
#define NP_COOKIES_MORSEL_H

#include "cookies/cookies_internal.h"

/* Attribute slots, in the sorted order of their keys. */
enum {
  NP_MA_COMMENT,
  NP_MA_DOMAIN,
  NP_MA_EXPIRES,
  NP_MA_HTTPONLY,
  NP_MA_MAXAGE,
  NP_MA_PATH,
  NP_MA_SAMESITE,
  NP_MA_SECURE,
  NP_MA_VERSION,
  NP_MA_COUNT
};

typedef struct np__morsel_attr {
  int kind;      /* np_morsel_kind */
  long long num; /* NP_MORSEL_INT */
  np_buf str;    /* NP_MORSEL_STR */
} np__morsel_attr;

struct np_morsel {
  np_buf key, value, coded;
  np__morsel_attr attr[NP_MA_COUNT];
};

/* The slot of an attribute name in any case, or -1. */
int np__morsel_attr_index(const char *name, size_t len);
bool np__morsel_is_flag(int idx);
np_morsel *np__morsel_new(void);
void np__morsel_free(np_morsel *m);
/* Morsel.set(key, value, coded) without the key checks. */
int np__morsel_set(np_morsel *m, np_slice key, np_slice value, np_slice coded);
/* morsel[slot] = value of the given kind; an empty string is kind EMPTY. */
int np__morsel_put(np_morsel *m, int idx, int kind, const char *s, size_t len,
                   long long num);

/* BaseCookie.__set: check key (reserved, legal), then create or update the
 * morsel; *out (may be NULL) gets it. */
int np__cookies_set_morsel(np_cookies *c, np_slice key, np_slice real,
                           np_slice coded, np_morsel **out, np_error *err);
/* Whether c is a SimpleCookie. */
bool np__cookies_simple(const np_cookies *c);

#endif /* NP_COOKIES_MORSEL_H */
