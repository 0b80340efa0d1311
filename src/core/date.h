/*
 * Internal HTTP date helpers (not installed): formatting the IMF-fixdate of
 * RFC 9110 and parsing the many date forms HTTP peers send (Python's
 * http.cookiejar.http2time and iso2time, which also cover RFC 850 and
 * asctime dates).  Times are seconds since the Unix epoch, UTC, as int64.
 * Every parser runs in time linear in its input.
 */
#ifndef NP_CORE_DATE_H
#define NP_CORE_DATE_H

#include "netproto/core.h"

#include <stdbool.h>
#include <stdint.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
int64_t np__days_from_civil(int64_t y, unsigned m, unsigned d);

/* The broken-down UTC time of t. */
typedef struct np__tm {
  int64_t year;
  int mon;  /* 1..12 */
  int mday; /* 1..31 */
  int hour, min, sec;
  int wday; /* 0 = Sunday */
} np__tm;
void np__gmtime(int64_t t, np__tm *tm);

/*
 * Append t as an IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT" (what
 * email.utils.formatdate(usegmt=True) and http.cookies' expires give).
 * Years outside 0..9999 are written with as many digits as they need.
 */
int np__http_date_format(np_buf *out, int64_t t);

/*
 * Python's http.cookiejar.http2time(text): parse an HTTP date in any of
 * the forms it accepts (IMF-fixdate, RFC 850, asctime, and the looser
 * forms browsers and servers send, with optional weekday, numeric or named
 * zone).  Returns true and sets *t on success; false where Python returns
 * None.
 */
bool np__http2time(const char *s, size_t len, int64_t *t);

/* Python's http.cookiejar.iso2time(text): ISO 8601-like dates,
 * "1994-02-03 14:15:29 -0100", "19940203T141529Z", "1994-02-03". */
bool np__iso2time(const char *s, size_t len, int64_t *t);

/*
 * Parse an HTTP-date as RFC 9110 section 5.6.7 requires a recipient to
 * (IMF-fixdate, RFC 850 and asctime).  Same result as np__http2time for
 * those forms; the HTTP server uses it for If-Modified-Since.
 */
bool np__http_date_parse(const char *s, size_t len, int64_t *t);

#endif /* NP_CORE_DATE_H */
