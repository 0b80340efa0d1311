/*
 * Internals of the url module (urllib.parse) shared by its files: the
 * scheme lists of urllib.parse and the split itself.  Unicode behaviour
 * (str.lower, the NFKC netloc check) comes from src/core/unicode.h.
 */
#ifndef NP_URL_INTERNAL_H
#define NP_URL_INTERNAL_H

#include "core/internal.h"
#include "core/unicode.h"
#include "netproto/url.h"

/* urllib.parse's scheme classification lists. */
enum {
  NP__URL_USES_RELATIVE = 1 << 0,
  NP__URL_USES_NETLOC = 1 << 1,
  NP__URL_USES_PARAMS = 1 << 2,
};

/*
 * Which of the lists above contain scheme s (exact, case-sensitive
 * comparison, as Python's `in` does; the empty scheme is in all three).
 */
unsigned np__url_scheme_class(np_slice s);

/*
 * The split behind np_urlsplit (params false) and np_urlparse (params
 * true), with the default scheme given as (pointer, length).
 */
int np__url_split(np_url *u, const char *url, size_t len, const char *ds,
                  size_t ds_len, unsigned flags, bool params, np_error *err);

/*
 * urlunparse((scheme, netloc, path, params, query, fragment)) appended to
 * out; absent slices count as empty.  Returns NP_OK or a np_buf error.
 */
int np__url_unsplit(np_buf *out, np_slice scheme, np_slice netloc,
                    np_slice path, np_slice params, np_slice query,
                    np_slice fragment);

#endif /* NP_URL_INTERNAL_H */
