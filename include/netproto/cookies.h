/*
 * netproto/cookies.h - server-side cookies: parse a Cookie header, build
 * Set-Cookie headers.
 *
 * Python counterpart: http.cookies (BaseCookie, SimpleCookie, Morsel,
 * CookieError).  CPython 3.11's behaviour is the spec, applied to bytes:
 * text is UTF-8, and where Python escapes code points 128..255 as octal
 * (\351 for U+00E9) netproto does the same to the UTF-8 sequence of that
 * code point.  Unquoting is linear in the length of the value (CPython's is
 * quadratic on runs of backslashes).
 *
 * Ownership: an np_cookies owns its morsels; an np_morsel pointer returned
 * by np_cookies_get()/np_cookies_at() is borrowed and stays valid until the
 * morsel is deleted or the np_cookies freed.  Slices returned by getters
 * point into the morsel and are valid until it changes.  Output functions
 * append to the caller's np_buf.  An np_cookies is not safe to share
 * between threads without a lock of the caller's.
 *
 * Limits: np_cookies_load() accepts at most NP_COOKIES_MAX_MORSELS
 * distinct names per container (NP_ETOOLARGE past it); nothing else grows
 * beyond the size of the input.
 */
#ifndef NETPROTO_COOKIES_H
#define NETPROTO_COOKIES_H

#include "netproto/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The largest number of morsels one np_cookies holds. */
#define NP_COOKIES_MAX_MORSELS 100000

typedef struct np_morsel np_morsel;
typedef struct np_cookies np_cookies;

/* Which Python class an np_cookies behaves as. */
typedef enum np_cookies_kind {
  NP_COOKIES_SIMPLE = 0, /* SimpleCookie: values quoted/unquoted */
  NP_COOKIES_BASE = 1    /* BaseCookie: values kept exactly as given */
} np_cookies_kind;

/*
 * What a morsel attribute holds (Python lets any object be stored; these
 * are the kinds that change how it is written out).
 */
typedef enum np_morsel_kind {
  NP_MORSEL_EMPTY = 0, /* '' : not written out */
  NP_MORSEL_STR = 1,   /* a string */
  NP_MORSEL_INT = 2,   /* an integer: seconds for expires, max-age */
  NP_MORSEL_TRUE = 3,  /* True: what a bare "Secure"/"HttpOnly" parses to */
  NP_MORSEL_NONE = 4   /* None: what a bare "$Path" parses to */
} np_morsel_kind;

/* A new, empty container (NULL on allocation failure).  Free with
 * np_cookies_free(). */
NP_API np_cookies *np_cookies_new(np_cookies_kind kind);
NP_API void np_cookies_free(np_cookies *c);

/*
 * BaseCookie.load(rawdata): parse a Cookie (or Set-Cookie) header value
 * and add its morsels.  A syntactically invalid string changes nothing and
 * is not an error, as in Python; parsing stops silently at the first text
 * the cookie grammar cannot match.  Fails as Python raises CookieError:
 * NP_ECOOKIE_KEY (a name outside the legal key characters), NP_ECOOKIE_ATTR
 * ("$Name" that is not an attribute); morsels applied before the failing
 * one stay, as in Python.  NP_ETOOLARGE past NP_COOKIES_MAX_MORSELS.
 */
NP_API int np_cookies_load(np_cookies *c, const char *s, size_t len,
                           np_error *err);

/*
 * cookie[key] = value: set (or replace) the morsel `key` with the value
 * encoded as the container's kind does (SimpleCookie quotes it).  Existing
 * attributes of that morsel are kept.  NP_ECOOKIE_RESERVED for an
 * attribute name used as key, NP_ECOOKIE_KEY for an illegal key.
 */
NP_API int np_cookies_set(np_cookies *c, const char *key, size_t key_len,
                          const char *value, size_t value_len, np_error *err);

/* cookie[key]: the morsel, or NULL when absent.  Borrowed. */
NP_API np_morsel *np_cookies_get(const np_cookies *c, const char *key,
                                 size_t key_len);
/* del cookie[key]: NP_ENOTFOUND when absent. */
NP_API int np_cookies_del(np_cookies *c, const char *key, size_t key_len);
/* len(cookie) and the i-th morsel in insertion order (NULL past the end). */
NP_API size_t np_cookies_count(const np_cookies *c);
NP_API np_morsel *np_cookies_at(const np_cookies *c, size_t i);

/*
 * BaseCookie.output(attrs, header, sep): append one "header morsel" line
 * per morsel, sorted by key, joined with sep.  attrs is a NULL-terminated
 * list of lower-case attribute keys to write (NULL: all); header NULL means
 * "Set-Cookie:", sep NULL means "\r\n".
 */
NP_API int np_cookies_output(const np_cookies *c, np_buf *out,
                             const char *const *attrs, const char *header,
                             const char *sep);
/* BaseCookie.js_output(attrs): each morsel's js_output, sorted by key. */
NP_API int np_cookies_js_output(const np_cookies *c, np_buf *out,
                                const char *const *attrs);

/* Morsel.key, .value, .coded_value (borrowed). */
NP_API np_slice np_morsel_key(const np_morsel *m);
NP_API np_slice np_morsel_value(const np_morsel *m);
NP_API np_slice np_morsel_coded_value(const np_morsel *m);

/*
 * morsel[name] for an attribute name in any case ("expires", "path",
 * "comment", "domain", "max-age", "secure", "httponly", "version",
 * "samesite").  Returns the np_morsel_kind and fills *str (for
 * NP_MORSEL_STR) or *num (for NP_MORSEL_INT); either pointer may be NULL.
 * NP_ECOOKIE_ATTR for any other name.
 */
NP_API int np_morsel_get_attr(const np_morsel *m, const char *name,
                              size_t name_len, np_slice *str, long long *num);
/* morsel[name] = "value" (an empty value unsets it).  NP_ECOOKIE_ATTR for
 * an unknown name. */
NP_API int np_morsel_set_attr(np_morsel *m, const char *name, size_t name_len,
                              const char *value, size_t value_len,
                              np_error *err);
/* morsel[name] = integer, e.g. expires in seconds from now, max-age. */
NP_API int np_morsel_set_attr_int(np_morsel *m, const char *name,
                                  size_t name_len, long long value,
                                  np_error *err);
/* morsel[name] = True / False (False stores '', which is not written). */
NP_API int np_morsel_set_flag(np_morsel *m, const char *name, size_t name_len,
                              int on, np_error *err);

/* Morsel.OutputString(attrs): "key=coded; Attr=value; ..." appended. */
NP_API int np_morsel_output_string(const np_morsel *m, np_buf *out,
                                   const char *const *attrs);
/* Morsel.output(attrs, header): header NULL means "Set-Cookie:". */
NP_API int np_morsel_output(const np_morsel *m, np_buf *out,
                            const char *const *attrs, const char *header);
/* Morsel.js_output(attrs): the <script> snippet setting document.cookie. */
NP_API int np_morsel_js_output(const np_morsel *m, np_buf *out,
                               const char *const *attrs);

/*
 * http.cookies' _quote: a value made only of legal key characters is
 * appended as it is; any other (the empty one included) is appended in
 * double quotes with '"' and '\' backslash-escaped and other special
 * characters as \ooo octal escapes.
 */
NP_API int np_cookie_quote(np_buf *out, const char *s, size_t len);
/* http.cookies' _unquote: the inverse; a value not in double quotes is
 * appended unchanged.  Linear time. */
NP_API int np_cookie_unquote(np_buf *out, const char *s, size_t len);
/* Whether s is a legal cookie key (non-empty, legal key characters). */
NP_API int np_cookie_is_legal_key(const char *s, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* NETPROTO_COOKIES_H */
