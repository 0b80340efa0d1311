/*
 * netproto/robots.h - robots.txt: which URLs a crawler may fetch.
 *
 * Python counterpart: urllib.robotparser.RobotFileParser.  The matching
 * rules are CPython 3.11's: records start at User-agent lines and end at a
 * blank line; the first record whose agent name is a substring of the
 * caller's agent token (case-insensitive) decides; the record for "*" is
 * tried last; within a record the first Allow/Disallow rule whose path is a
 * prefix of the URL's path decides; Crawl-delay, Request-rate and Sitemap are
 * read as Python reads them.
 *
 * Ownership: an np_robots owns copies of everything it parsed; the slices it
 * hands out stay valid until the next np_robots_parse() or np_robots_free().
 * One np_robots may be read from several threads at once once parsed;
 * parsing and setters need the caller's exclusion.
 *
 * Fetching robots.txt (Python's read()) is np_robots_read() (with the URL
 * opener of netproto/request.h), or by hand: fetch the file, then
 * np_robots_parse() its body, or np_robots_apply_status() when the server
 * answered with an HTTP error.
 */
#ifndef NETPROTO_ROBOTS_H
#define NETPROTO_ROBOTS_H

#include "netproto/core.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct np_robots np_robots;

/*
 * The largest robots.txt parsed by default (RFC 9309 section 2.5 asks for
 * at least 500 KiB); bytes past the limit are ignored, as the RFC allows.
 */
#define NP_ROBOTS_DEFAULT_MAX_BYTES ((size_t)512 * 1024)

/* RobotFileParser(url): url may be NULL.  Free with np_robots_free(). */
NP_API int np_robots_new(np_robots **out, const char *url, size_t url_len);
NP_API void np_robots_free(np_robots *r);

/* set_url(url): the robots.txt URL; its host and path are kept as Python's
 * .host and .path (see np_robots_url). */
NP_API int np_robots_set_url(np_robots *r, const char *url, size_t len);
/* The URL, host and path given to set_url (borrowed; "" before any). */
NP_API np_slice np_robots_url(const np_robots *r);
NP_API np_slice np_robots_host(const np_robots *r);
NP_API np_slice np_robots_path(const np_robots *r);

/* Change the parse limit (0: the default); the limit in force. */
NP_API void np_robots_set_max_bytes(np_robots *r, size_t max_bytes);
NP_API size_t np_robots_max_bytes(const np_robots *r);

/*
 * parse(lines): read the records of a robots.txt body (UTF-8; every line
 * break Python's str.splitlines() knows ends a line).  As in Python, a
 * second parse adds to what the first read (the first "*" record stays the
 * default), and the parser is marked as checked now (modified()).
 * Errors: NP_EURL_ENCODING when the body is not UTF-8 (Python's read()
 * raises UnicodeDecodeError; nothing is parsed); where Python's parse()
 * raises ValueError, the same line stops the parse with the same error and
 * what came before it stays: NP_EURL_BRACKET / NP_EURL_IPV6 for a rule path
 * urlparse() refuses, NP_EINVAL for a Crawl-delay or Request-rate that
 * isdigit() accepts but int() does not (superscript digits); NP_ENOMEM.
 */
NP_API int np_robots_parse(np_robots *r, const char *text, size_t len,
                           np_error *err);

/*
 * What read() does with an HTTP error answer for robots.txt: 401 and 403
 * disallow everything, any other 4xx allows everything, other codes change
 * nothing.
 */
NP_API void np_robots_apply_status(np_robots *r, int http_status);

/* The disallow_all / allow_all attributes. */
NP_API void np_robots_set_disallow_all(np_robots *r, int on);
NP_API void np_robots_set_allow_all(np_robots *r, int on);

/*
 * can_fetch(useragent, url): 1 when the agent may fetch url, 0 when not,
 * NP_ENOMEM when memory ran out.  Before any parse (mtime() == 0) nothing
 * may be fetched, as in Python.
 */
NP_API int np_robots_can_fetch(const np_robots *r, const char *agent,
                               size_t agent_len, const char *url,
                               size_t url_len);

/*
 * crawl_delay(useragent): NP_OK with *delay set, or NP_ENOTFOUND where
 * Python returns None.  Delays past UINT64_MAX are ignored when parsing.
 */
NP_API int np_robots_crawl_delay(const np_robots *r, const char *agent,
                                 size_t agent_len, uint64_t *delay);

/* request_rate(useragent): NP_OK with requests per seconds, or NP_ENOTFOUND. */
NP_API int np_robots_request_rate(const np_robots *r, const char *agent,
                                  size_t agent_len, uint64_t *requests,
                                  uint64_t *seconds);

/*
 * site_maps(): the Sitemap URLs in file order; returns their count and
 * points *maps at them (borrowed).  0 where Python returns None.
 */
NP_API size_t np_robots_site_maps(const np_robots *r, const np_slice **maps);

/*
 * read(): fetch the set_url URL through opener o (a np_opener from
 * netproto/request.h; NULL: the one np_urlopen uses, time-out 30 s
 * either way) and, as RobotFileParser.read: a 2xx body (its first
 * np_robots_max_bytes bytes) is parsed, which marks the parser checked
 * (mtime); an HTTPError 401 or 403 sets disallow_all, another 4xx
 * allow_all, and any other status changes nothing (mtime stays as it
 * was, so can_fetch keeps answering 0 before any parse).  Network and
 * URL errors are returned as np_urlopen returns them (URLError); the
 * parse's errors as np_robots_parse's.  Implemented in the request
 * module: a program that calls it links both.
 */
typedef struct np_opener np_opener;
NP_API int np_robots_read(np_robots *r, np_opener *o, np_error *err);

/* mtime(): when the file was last parsed (seconds since the epoch), 0 if
 * never; modified(): set it to now. */
NP_API double np_robots_mtime(const np_robots *r);
NP_API void np_robots_modified(np_robots *r);

#ifdef __cplusplus
}
#endif
#endif /* NETPROTO_ROBOTS_H */
