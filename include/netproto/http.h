/*
 * netproto/http.h - the HTTP/1.x message engine: one incremental parser for
 * requests and responses, the chunked decoder, the serializer, and the
 * HTTPStatus / HTTPMethod tables.
 *
 * Python counterparts: `http` (HTTPStatus, HTTPMethod) and the message
 * reading and writing inside `http.client` and `http.server`.  The client
 * itself is in netproto/http_client.h.
 *
 * The parser is a push parser over caller-owned memory.  The caller keeps
 * the bytes it has received in its own buffer and calls np_http_parse_head()
 * each time more arrive, with the whole buffer so far; the answer is
 * NP_EAGAIN (need more), NP_OK (the head is complete) or a named error.
 * Method, target, version, reason and every header name and value are
 * np_slice views into that buffer: nothing is copied and nothing is
 * allocated per header (the header array is allocated once per parser and
 * reused for every message).  The slices stay valid while the caller keeps
 * the buffer unchanged.  The body is then fed to np_http_parse_body(),
 * which returns its data as slices of the input, chunked framing removed.
 *
 * Strictness (RFC 9112): duplicate or conflicting Content-Length,
 * Transfer-Encoding together with Content-Length, unknown or repeated
 * transfer codings, bad or overflowing chunk sizes, bare CR, NUL and other
 * control bytes, whitespace between a field name and its colon are each
 * refused with their own status.  obs-fold (a header line starting with
 * space or tab) is refused in requests; in responses the continuation is
 * kept in the value, as CPython's http.client does ("a\r\n  b").  A line
 * may end with CRLF or a lone LF (RFC 9112 2.2); chunked framing needs CRLF.
 *
 * Ownership: an np_http_parser is caller-allocated; np_http_parser_init()
 * prepares it, np_http_parser_free() releases its header array.  Nothing a
 * parser returns needs freeing.
 */
#ifndef NETPROTO_HTTP_H
#define NETPROTO_HTTP_H

#include "netproto/core.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A positive return of the body calls: the message is complete. */
#define NP_HTTP_DONE 1

/* Default limits (np_http_limits). */
#define NP_HTTP_MAX_LINE 65536          /* CPython's _MAXLINE */
#define NP_HTTP_MAX_HEADERS 100         /* CPython's _MAXHEADERS */
#define NP_HTTP_MAX_HEADER_BYTES 262144 /* the whole head */
#define NP_HTTP_MAX_CHUNK_LINE 4096     /* chunk size + extensions */

typedef struct np_http_limits {
  size_t max_line;         /* bytes in the start line or one header line,
                              line end excluded: NP_EHTTP_LINE_TOO_LONG */
  size_t max_headers;      /* header fields per message (1xx responses
                              too): NP_EHTTP_TOO_MANY_HEADERS */
  size_t max_header_bytes; /* the whole head, and the chunked trailer:
                              NP_EHTTP_HEADERS_TOO_LARGE */
  size_t max_chunk_line;   /* one chunk-size line with its extensions:
                              NP_EHTTP_CHUNK_LINE_TOO_LONG */
} np_http_limits;

/* Fill *l with the defaults above. */
NP_API void np_http_limits_default(np_http_limits *l);

typedef struct np_http_header {
  np_slice name;  /* as received (case kept) */
  np_slice value; /* leading and trailing spaces/tabs removed */
} np_http_header;

typedef enum np_http_kind {
  NP_HTTP_REQUEST = 0,
  NP_HTTP_RESPONSE = 1,
} np_http_kind;

/* How the body of the parsed message is delimited. */
typedef enum np_http_body_kind {
  NP_HTTP_BODY_NONE = 0,    /* no body: length 0, HEAD, 1xx, 204, 304 */
  NP_HTTP_BODY_LENGTH = 1,  /* exactly content_length bytes */
  NP_HTTP_BODY_CHUNKED = 2, /* the chunked transfer coding */
  NP_HTTP_BODY_CLOSE = 3,   /* until the peer closes (responses only) */
} np_http_body_kind;

/*
 * The chunked decoder, usable on its own: feed it the bytes after the head,
 * in pieces of any size.  Chunk extensions are checked and skipped; the
 * trailer section is checked (no control bytes, no obs-fold, bounded) and
 * discarded, as CPython's http.client does.
 */
typedef struct np_http_chunked {
  /* private */
  int state;
  uint64_t remaining; /* data bytes left in the current chunk */
  size_t line;        /* bytes in the current size or trailer line */
  size_t trailer;     /* bytes of trailer so far */
  size_t max_line;
  size_t max_trailer;
  int digits;
} np_http_chunked;

/* Start a decoder; 0 for a limit means the default. */
NP_API void np_http_chunked_init(np_http_chunked *c, size_t max_line,
                                 size_t max_trailer);

/*
 * Decode from in[0..len).  Sets *consumed to the bytes eaten and *data to
 * decoded body bytes (a slice of in, possibly empty).  Returns
 *   NP_OK         *data holds at least one byte; call again with the rest
 *                 (in + *consumed), even if nothing is left;
 *   NP_EAGAIN     all input eaten (*consumed == len), more is needed;
 *   NP_HTTP_DONE  the last chunk and trailer are complete; bytes after
 *                 *consumed belong to whatever follows;
 *   NP_EHTTP_BAD_CHUNK_SIZE, NP_EHTTP_CHUNK_SIZE_OVERFLOW,
 *   NP_EHTTP_BAD_CHUNK, NP_EHTTP_CHUNK_LINE_TOO_LONG, NP_EHTTP_BARE_CR,
 *   NP_EHTTP_BAD_TRAILER, NP_EHTTP_HEADERS_TOO_LARGE on malformed input
 *   (err, which may be NULL, gets the detail; value = byte offset in in).
 */
NP_API int np_http_chunked_next(np_http_chunked *c, const char *in,
                                size_t len, size_t *consumed, np_slice *data,
                                np_error *err);

typedef struct np_http_parser {
  /* public: set before parsing (np_http_parser_init sets the defaults) */
  np_http_limits limits;
  int response_to_head; /* responses: the request was HEAD (no body) */

  /* read-only: valid after np_http_parse_head() returned NP_OK */
  np_http_kind kind;
  np_slice method;      /* requests: "GET" */
  np_slice target;      /* requests: "/index.html?q" */
  np_slice reason;      /* responses: "OK" (may be empty) */
  int status;           /* responses: 100..999 */
  int version_major;    /* 1 */
  int version_minor;    /* 0 or 1 (requests: any digit) */
  np_http_header *headers;
  size_t nheaders;
  np_http_body_kind body;
  uint64_t content_length; /* for NP_HTTP_BODY_LENGTH */
  int keep_alive;       /* the connection may carry another message */
  int expect_continue;  /* requests: "Expect: 100-continue" */
  size_t head_len;      /* bytes of the head, empty line included */

  /* private */
  const char *base;
  size_t pos;       /* start of the next unparsed line */
  size_t searched;  /* bytes already searched for a line end */
  int started;      /* the start line has been parsed */
  size_t cap;       /* entries allocated in headers */
  uint64_t remaining;
  int body_done;
  np_http_chunked chunked;
} np_http_parser;

/* Prepare a parser for requests or responses, with default limits.  No
 * allocation happens here. */
NP_API void np_http_parser_init(np_http_parser *p, np_http_kind kind);

/* Replace the limits (0 in a field keeps the default).  Call between
 * messages.  NP_EINVAL if p is NULL. */
NP_API int np_http_parser_set_limits(np_http_parser *p,
                                     const np_http_limits *l);

/* Forget the current message and get ready for the next one on the same
 * connection; keeps the limits and the header array. */
NP_API void np_http_parser_reset(np_http_parser *p);

/* Release the header array.  The parser may be initialised again. */
NP_API void np_http_parser_free(np_http_parser *p);

/*
 * Parse the head (start line and header fields) from buf[0..len), which
 * holds every byte received since the message began (pass the same growing
 * buffer each time; when its address changes, parsing restarts from its
 * first byte, so moving the buffer is allowed).  Returns
 *   NP_OK      the head is complete; *head_len (may be NULL) is its length
 *              including the empty line; the fields above are set;
 *   NP_EAGAIN  the head is not complete yet; read more and call again;
 *   NP_ENOMEM  the header array could not be allocated;
 *   a NP_EHTTP_* status naming the rule that was broken; err (may be NULL)
 *   gets a message and value = the byte offset of the problem.  For
 *   NP_EHTTP_BAD_VERSION (a request of major version other than 1) the
 *   request line fields are set so that a server can answer 505.
 * Empty lines before a request line are skipped (RFC 9112 2.2).
 */
NP_API int np_http_parse_head(np_http_parser *p, const char *buf, size_t len,
                              size_t *head_len, np_error *err);

/*
 * Decode body bytes from in[0..len) (the bytes after the head, in pieces of
 * any size).  Same returns as np_http_chunked_next(): NP_OK with data,
 * NP_EAGAIN for more input, NP_HTTP_DONE at the end of the message (bytes
 * after *consumed belong to the next message), or an error.  A
 * close-delimited body never returns NP_HTTP_DONE: call np_http_parse_eof()
 * when the peer closes.
 */
NP_API int np_http_parse_body(np_http_parser *p, const char *in, size_t len,
                              size_t *consumed, np_slice *data,
                              np_error *err);

/* The peer closed: NP_HTTP_DONE if that ends the body normally (close
 * delimited, or already complete), else NP_EHTTP_INCOMPLETE_READ. */
NP_API int np_http_parse_eof(np_http_parser *p, np_error *err);

/* The first value of header `name` (ASCII case-insensitive), or an absent
 * slice. */
NP_API np_slice np_http_header_get(const np_http_parser *p, const char *name);

/* The index of the next header named `name` at or after *from; advances
 * *from past it.  -1 when there is none.  Loop to get every value of a
 * repeated header. */
NP_API long np_http_header_next(const np_http_parser *p, const char *name,
                                size_t *from);

/* True if the comma-separated header list `value` holds `token`
 * (case-insensitive), e.g. "close" in a Connection value. */
NP_API int np_http_list_has(np_slice value, const char *token);

/* ---- HTTPStatus and HTTPMethod ---- */

typedef struct np_http_status_info {
  int code;                /* 404 */
  const char *name;        /* "NOT_FOUND" (the HTTPStatus member name) */
  const char *phrase;      /* "Not Found" */
  const char *description; /* "Nothing matches the given URI" (may be "") */
} np_http_status_info;

/* Every status of Python 3.11's http.HTTPStatus, sorted by code; *count
 * (may be NULL) gets the number of rows.  Static storage. */
NP_API const np_http_status_info *np_http_status_table(size_t *count);
/* The row for `code`, or NULL when it is not registered. */
NP_API const np_http_status_info *np_http_status_lookup(int code);
/* The phrase for `code`, or "" when it is not registered; never NULL. */
NP_API const char *np_http_status_phrase(int code);

typedef struct np_http_method_info {
  const char *name;        /* "GET" */
  const char *description; /* "Retrieve the target." */
} np_http_method_info;

/* The nine methods of Python 3.11's http.HTTPMethod.  Static storage. */
NP_API const np_http_method_info *np_http_method_table(size_t *count);
/* The row for a method name (case-sensitive, as HTTPMethod), or NULL. */
NP_API const np_http_method_info *np_http_method_lookup(const char *name,
                                                        size_t len);

/* ---- the serializer ----
 * Each call appends to an np_buf (bounded by its max) and returns NP_OK,
 * NP_ENOMEM, NP_ETOOLARGE or the refusal below; on a refusal nothing is
 * appended.  Control bytes are refused so that no caller can inject a line
 * (CPython's "can't contain control characters" checks, made stricter: a
 * header value may hold HTAB but no CR, LF, NUL or other control byte). */

/* "METHOD SP target SP HTTP/1.minor CRLF".  method must be a token
 * (NP_EHTTP_BAD_METHOD); target must be non-empty VCHARs, no space or
 * control byte (NP_EHTTP_INVALID_URL); minor is 0 or 1 (NP_EINVAL). */
NP_API int np_http_write_request_line(np_buf *out, const char *method,
                                      size_t method_len, const char *target,
                                      size_t target_len, int minor,
                                      np_error *err);

/* "HTTP/1.minor SP code SP reason CRLF"; reason NULL takes the registered
 * phrase ("" when none).  code must be 100..999, the reason free of control
 * bytes other than HTAB (NP_EINVAL, NP_EHTTP_BAD_HEADER_VALUE). */
NP_API int np_http_write_status_line(np_buf *out, int minor, int code,
                                     const char *reason, np_error *err);

/* "name: value CRLF".  name must be a token (NP_EHTTP_BAD_HEADER_NAME);
 * value must hold no control byte but HTAB (NP_EHTTP_BAD_HEADER_VALUE). */
NP_API int np_http_write_header(np_buf *out, const char *name,
                                size_t name_len, const char *value,
                                size_t value_len, np_error *err);

/* The empty line ending the head. */
NP_API int np_http_write_end_head(np_buf *out);

/* One chunk: "HEX CRLF data CRLF".  len 0 appends nothing (an empty chunk
 * would end the body); use np_http_write_last_chunk for that. */
NP_API int np_http_write_chunk(np_buf *out, const void *data, size_t len);

/* The chunk-size line alone ("1a2b\r\n") into out[NP_HTTP_CHUNK_LINE_MAX],
 * for callers that write the data themselves (writev, sendfile).  Returns
 * its length. */
#define NP_HTTP_CHUNK_LINE_MAX 20
NP_API size_t np_http_format_chunk_line(char *out, uint64_t len);

/* "0 CRLF", the trailer fields (n of them, checked as headers, may be 0)
 * and the final CRLF. */
NP_API int np_http_write_last_chunk(np_buf *out, const np_http_header *trailers,
                                    size_t n, np_error *err);

#ifdef __cplusplus
}
#endif
#endif /* NETPROTO_HTTP_H */
