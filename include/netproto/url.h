/*
 * netproto/url.h - parse URLs into components, join them, quote them.
 *
 * Python counterpart: urllib.parse.  The behaviour of CPython 3.11's
 * functions is the spec, applied to bytes: input is a byte string (pointer
 * and length, NUL bytes allowed); text is UTF-8.  Where Python works on str
 * (hostname lower-casing, unquote's decoding), netproto does what Python's
 * str function does to the UTF-8 decoding of the input, passing bytes that
 * are not valid UTF-8 through unchanged (Python's "surrogateescape").
 *
 * Ownership: an np_url holds slices into the caller's input, which must
 * outlive it.  When the input has to be changed to be split (ASCII tab, CR
 * or LF removed, an upper-case scheme or host lower-cased), the np_url keeps
 * a changed copy in its own storage; that storage is reused by the next
 * split into the same np_url, so splitting many URLs into one np_url
 * allocates only when a URL is longer than any before it.  np_url_free()
 * releases it.  Functions that produce text append to a caller's np_buf.
 */
#ifndef NETPROTO_URL_H
#define NETPROTO_URL_H

#include "netproto/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Flags for np_urlsplit/np_urlparse. */
enum {
  /* allow_fragments=False: '#' is not special. */
  NP_URL_NO_FRAGMENTS = 1 << 0,
};

/*
 * A split URL: urlsplit()'s SplitResult or urlparse()'s ParseResult.
 * The six components are always present (ptr != NULL), possibly empty, as
 * Python gives ''.  The derived attributes are absent (ptr == NULL) where
 * Python gives None.
 */
typedef struct np_url {
  /* read-only: components */
  np_slice scheme;   /* lower-cased; a default scheme is kept as given */
  np_slice netloc;
  np_slice path;
  np_slice params;   /* only np_urlparse fills it; "" from np_urlsplit */
  np_slice query;
  np_slice fragment;
  /* read-only: derived, as Python's properties */
  np_slice username; /* absent when the netloc has no '@' */
  np_slice password; /* absent when the userinfo has no ':' */
  np_slice hostname; /* str.lower()-ed up to a '%' zone id, brackets
                        removed; absent when empty */
  int port;          /* 0..65535, or -1 when absent or invalid */
  int port_status;   /* NP_OK, or NP_EURL_PORT when Python's .port raises */
  /* private */
  np_buf store_;
} np_url;

/* Prepare an np_url for use (or zero it: the same thing). */
NP_API void np_url_init(np_url *u);
/* Release the np_url's storage.  The np_url may be used again. */
NP_API void np_url_free(np_url *u);

/*
 * urlsplit(url, scheme=default_scheme, allow_fragments=!(flags &
 * NP_URL_NO_FRAGMENTS)).  default_scheme may be NULL (Python's ''); it is
 * a NUL-terminated string that u->scheme may point into, so it must live
 * as long as the result is used.  url must not point into u's own
 * storage (split a copy instead).  Leading C0 controls and spaces are
 * stripped and ASCII tab, CR and LF removed, as Python 3.11.7 does.
 * Fails with NP_EURL_BRACKET, NP_EURL_IPV6 or NP_EURL_NETLOC_NFKC where
 * Python raises ValueError, NP_ENOMEM, or NP_ETOOLARGE when the copy the
 * URL needs (at most 2.5 times its length) passes the 1 GiB buffer limit;
 * u's fields are unspecified after a failure.  A bad port does not fail
 * the split: it shows in port_status, as Python's .port raises only when
 * read.
 */
NP_API int np_urlsplit(np_url *u, const char *url, size_t len,
                       const char *default_scheme, unsigned flags,
                       np_error *err);

/* urlparse(): np_urlsplit plus ';params' split off the last path segment. */
NP_API int np_urlparse(np_url *u, const char *url, size_t len,
                       const char *default_scheme, unsigned flags,
                       np_error *err);

/*
 * urlunsplit((scheme, netloc, path, query, fragment)): append the URL made
 * from u's components to out (u's derived fields are not read, so a caller
 * may fill the components of a zeroed np_url with slices of its own).
 * np_urlunparse also joins params.  Python's geturl() is np_urlunsplit
 * of an np_urlsplit result, or np_urlunparse of an np_urlparse result.
 * Absent component slices count as empty.  Fails only as np_buf does.
 */
NP_API int np_urlunsplit(np_buf *out, const np_url *u);
NP_API int np_urlunparse(np_buf *out, const np_url *u);

/*
 * urljoin(base, url, allow_fragments): append the joined URL to out.
 * RFC 3986 section 5 with Python's lists of schemes that use relative
 * references and netlocs.  An empty base gives ref, an empty ref gives
 * base, and a ref that does not resolve against base (another scheme, or
 * one not in uses_relative) is appended unchanged, all as Python does.
 * Fails as np_urlparse fails on either URL, or with NP_ENOMEM.
 */
NP_API int np_urljoin(np_buf *out, const char *base, size_t base_len,
                      const char *ref, size_t ref_len, unsigned flags,
                      np_error *err);

/*
 * urldefrag(url): append the URL without its fragment to url_out and the
 * fragment to frag_out (either may be NULL when not wanted).
 */
NP_API int np_urldefrag(np_buf *url_out, np_buf *frag_out, const char *url,
                        size_t len, np_error *err);

/*
 * quote(s, safe) / quote_from_bytes(s, safe): append s with every byte
 * percent-encoded (%XX, upper-case hex) except ASCII letters, digits,
 * "_.-~" and the bytes in safe.  safe NULL means Python's default "/".
 * Only ASCII bytes of safe count, as in Python.  s is bytes: UTF-8 text
 * gives what quote(str) gives; bytes that are not UTF-8 are escaped as
 * quote_from_bytes does (Python's quote(str) would raise on them).
 * Returns NP_OK, or NP_ETOOLARGE / NP_ENOMEM from out, which is then
 * unchanged.  out is grown by 3 bytes per input byte ahead of the work,
 * 16 KiB of input at a time (the exact size when that would pass
 * out->max), so a long input does not reserve three times its size.
 */
NP_API int np_quote(np_buf *out, const char *s, size_t len, const char *safe);
/*
 * quote_plus(s, safe): as np_quote, but space becomes '+' (even when safe
 * holds a space); safe NULL means "".
 */
NP_API int np_quote_plus(np_buf *out, const char *s, size_t len,
                         const char *safe);

/*
 * unquote_to_bytes(s): append s with each %XX (either case of hex)
 * decoded; an invalid escape ("%", "%4", "%zz") is kept as it is, '+' too.
 * The output is never longer than s.  Returns NP_OK, or NP_ETOOLARGE /
 * NP_ENOMEM from out (unchanged then).
 */
NP_API int np_unquote_to_bytes(np_buf *out, const char *s, size_t len);
/*
 * unquote(s): what Python's unquote(str) gives, as UTF-8.  Escaped bytes
 * are decoded as UTF-8 with errors='replace': each maximal subpart of an
 * invalid sequence becomes one U+FFFD ("%E2%82" one, "%C0%AF" two,
 * "%ED%A0%80" three).  Bytes that were not escaped are copied as they are,
 * valid UTF-8 or not (Python's surrogateescape), and end any escaped
 * sequence in progress ("%C3\xc3\xa9" gives U+FFFD then the e-acute).
 * Errors as np_unquote_to_bytes.
 */
NP_API int np_unquote(np_buf *out, const char *s, size_t len);
/* unquote_plus(s): '+' becomes space (but "%2B" is '+'), then np_unquote. */
NP_API int np_unquote_plus(np_buf *out, const char *s, size_t len);

/* A name/value pair of a query string. */
typedef struct np_qs_pair {
  np_slice name;
  np_slice value;
} np_qs_pair;

/* A quoting function, as urlencode's quote_via (np_quote, np_quote_plus). */
typedef int (*np_quote_fn)(np_buf *out, const char *s, size_t len,
                           const char *safe);

/*
 * urlencode(pairs, doseq=True, safe, quote_via): append
 * "name=value&name=value..." with each name and value quoted by quote_via
 * (NULL: np_quote_plus) with safe (NULL: "", also for np_quote, as in
 * Python).  A name that carries several values appears once per value,
 * which is what doseq=True does with a sequence.  An absent slice counts
 * as "".  On failure (quote_via's error, NP_ETOOLARGE, NP_ENOMEM) out is
 * left as it was.
 */
NP_API int np_urlencode(np_buf *out, const np_qs_pair *pairs, size_t n,
                        const char *safe, np_quote_fn quote_via);

/* parse_qs / parse_qsl options; zero them (or pass NULL) for Python's
 * defaults. */
typedef struct np_qs_options {
  int keep_blank_values;  /* keep "a=" and "a" as empty values */
  int strict_parsing;     /* a field without '=' (or an empty field) is
                             NP_EURL_QS_SYNTAX */
  size_t max_num_fields;  /* 0: no limit; else NP_EURL_QS_FIELDS when
                             1 + number of separators is larger (Python's
                             max_num_fields=0, which rejects any non-empty
                             input, has no equivalent here) */
  const char *separator;  /* NULL: "&"; may be several bytes; only it
                             separates (';' is not special); "" is
                             NP_EURL_QS_SEPARATOR */
} np_qs_options;

/*
 * The decoded pairs of a query string, in order.  Names and values are
 * unquote_plus()-decoded and live in the np_qs's own storage: they stay
 * valid until the next parse into the same np_qs or np_qs_free().  The
 * storage is reused by the next parse, which allocates only when a query
 * is longer (or has more pairs) than any before.
 */
typedef struct np_qs {
  np_qs_pair *pairs;  /* read-only */
  size_t count;       /* read-only */
  /* private */
  np_buf store_;
  size_t cap_;
} np_qs;

/* Prepare an np_qs (zeroing it works too). */
NP_API void np_qs_init(np_qs *qs);
/* Release its storage; the np_qs may be used again. */
NP_API void np_qs_free(np_qs *qs);

/*
 * parse_qsl(s, ...): fill qs (replacing what it held) with the pairs.
 * Fields are split on the separator; an empty field is skipped; a field
 * is cut at its first '='; a field without '=' is dropped unless
 * keep_blank_values (then its value is ""), as is one with an empty value.
 * Errors, which leave qs empty and fill err as Python's ValueError reads:
 * NP_EURL_QS_SEPARATOR, NP_EURL_QS_FIELDS (checked before any parsing),
 * NP_EURL_QS_SYNTAX with "bad query field: <repr of the field>" and
 * err->value the field's byte offset in s, NP_ETOOLARGE when s is over
 * 1 GiB, NP_ENOMEM.
 */
NP_API int np_parse_qsl(np_qs *qs, const char *s, size_t len,
                        const np_qs_options *opt, np_error *err);

/*
 * parse_qs(s, ...): the same pairs, grouped as Python's dict of lists:
 * names in order of first appearance, each name's values together in
 * order (names compare as decoded bytes).  np_qs_get() finds a name's
 * values in such a result.  Errors as np_parse_qsl.
 */
NP_API int np_parse_qs(np_qs *qs, const char *s, size_t len,
                       const np_qs_options *opt, np_error *err);

/*
 * The values of `name` in a np_parse_qs() result: returns how many, and
 * sets *first (may be NULL) to the index of the first in qs->pairs (they
 * follow it).  0 when the name is absent.  A linear scan: O(count).
 */
NP_API size_t np_qs_get(const np_qs *qs, const char *name, size_t name_len,
                        size_t *first);

#ifdef __cplusplus
}
#endif
#endif /* NETPROTO_URL_H */
