/* Internal to src/cookies and src/cookiejar: the cookie grammar's
 * character classes. */
#ifndef NP_COOKIES_INTERNAL_H
#define NP_COOKIES_INTERNAL_H

#include "core/internal.h"
#include "netproto/cookies.h"

enum {
  NP_CK_LEGAL = 1 << 0, /* _LegalChars: a key, or a value needing no quotes */
  NP_CK_UNESC = 1 << 1, /* _UnescapedChars: kept as is inside quotes */
  NP_CK_KEY = 1 << 2,   /* _LegalKeyChars of the Cookie header regex */
  NP_CK_VAL = 1 << 3,   /* _LegalValueChars of the Cookie header regex */
  NP_CK_WORD = 1 << 4,  /* \w under re.ASCII */
};
extern const uint8_t np__ck_class[256];

static inline bool np__ck_is(unsigned char c, unsigned cls) {
  return (np__ck_class[c] & cls) != 0;
}

/* \s under re.ASCII: space \t \n \r \f \v. */
static inline bool np__ck_space(unsigned char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}

#endif /* NP_COOKIES_INTERNAL_H */
