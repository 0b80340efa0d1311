/*
 * netproto/core.h - what every module shares: status codes and the error
 * detail object, byte slices, the growable bounded buffer, the allocator.
 *
 * Python counterpart: the exceptions of the chapter's modules.  A Python
 * call that raises is, here, a call that returns a negative np_status and,
 * when the caller passed an np_error, fills it with the detail an exception
 * would carry (a message, an errno, a protocol code, a rich payload such as
 * an HTTP response).
 *
 * Ownership: np_slice never owns; it points into memory someone else keeps.
 * np_buf owns its bytes until np_buf_free() or np_buf_detach().  An np_error
 * owns its payload until np_error_clear().  Objects made by np_X_new() are
 * released by np_X_free(); getters return borrowed pointers.
 */
#ifndef NETPROTO_CORE_H
#define NETPROTO_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(NP_BUILDING) && defined(__GNUC__)
#define NP_API __attribute__((visibility("default")))
#else
#define NP_API
#endif

#if defined(__GNUC__)
#define NP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define NP_PRINTF(f, a)
#endif

/* The library's version, as "MAJOR.MINOR.PATCH". */
NP_API const char *np_version(void);

/*
 * Status codes.  Every fallible call returns NP_OK (0) or one of these
 * negative values.  Codes are grouped by module; their numbers are stable
 * once released.  np_strerror() names each one.
 */
typedef enum np_status {
  NP_OK = 0,

  /* core: -1 .. -99 */
  NP_ENOMEM = -1,      /* an allocation failed */
  NP_EINVAL = -2,      /* an argument is out of its documented domain */
  NP_ETOOLARGE = -3,   /* a documented limit was exceeded */
  NP_ESYS = -4,        /* a system call failed; np_error.sys_errno has errno */
  NP_EOF = -5,         /* end of input where more was needed */
  NP_ETIMEDOUT = -6,   /* a time-out expired */
  NP_EAGAIN = -7,      /* not ready yet; try again (non-blocking I/O) */
  NP_ENOTFOUND = -8,   /* the named thing does not exist */
  NP_EUNSUPPORTED = -9, /* valid but not supported by this build/module */
  NP_ESTATE = -10,     /* the call is not allowed in the object's state */

  /* url (urllib.parse): -100 .. -199 */
  NP_EURL_PORT = -100,       /* port is not a number or out of 0..65535 */
  NP_EURL_BRACKET = -101,    /* '[' or ']' unbalanced in the netloc */
  NP_EURL_IPV6 = -102,       /* bracketed host is not IPv6 or IPvFuture */
  NP_EURL_NETLOC_NFKC = -103, /* netloc changes under NFKC normalisation */
  NP_EURL_QS_FIELDS = -110,  /* parse_qs: more fields than max_num_fields */
  NP_EURL_QS_SYNTAX = -111,  /* parse_qs strict: a field has no '=' */
  NP_EURL_QS_SEPARATOR = -112, /* parse_qs: separator is empty */
  NP_EURL_ENCODING = -113,   /* bytes are not valid in the named encoding */

  /* http message engine and http.client: -200 .. -299 */
  NP_EHTTP_LINE_TOO_LONG = -200, /* a line is longer than the limit */
  NP_EHTTP_TOO_MANY_HEADERS = -201, /* more header fields than the limit */
  NP_EHTTP_HEADERS_TOO_LARGE = -202, /* the head or trailer is larger than the limit */
  NP_EHTTP_BAD_REQUEST_LINE = -203, /* request line is not METHOD SP target SP version */
  NP_EHTTP_BAD_STATUS_LINE = -204, /* status line is not HTTP/x.y SP 3DIGIT [SP reason] */
  NP_EHTTP_BAD_VERSION = -205, /* HTTP version is malformed or its major is not 1 */
  NP_EHTTP_UNKNOWN_PROTOCOL = -206, /* response version is not HTTP/1.x (UnknownProtocol) */
  NP_EHTTP_BAD_HEADER_NAME = -207, /* field name empty, not a token, or no colon */
  NP_EHTTP_BAD_HEADER_VALUE = -208, /* NUL or control byte in a field value */
  NP_EHTTP_BARE_CR = -209, /* CR not followed by LF */
  NP_EHTTP_WS_BEFORE_COLON = -210, /* whitespace between field name and colon */
  NP_EHTTP_OBS_FOLD = -211, /* obs-fold (line folding) in a request */
  NP_EHTTP_BAD_CONTENT_LENGTH = -212, /* Content-Length is not a decimal number */
  NP_EHTTP_DUP_CONTENT_LENGTH = -213, /* Content-Length repeated or a list */
  NP_EHTTP_TE_AND_CL = -214, /* Transfer-Encoding and Content-Length together */
  NP_EHTTP_BAD_TRANSFER_ENCODING = -215, /* unknown, repeated or misplaced transfer coding */
  NP_EHTTP_BAD_CHUNK_SIZE = -216, /* chunk size is not hexadecimal */
  NP_EHTTP_CHUNK_SIZE_OVERFLOW = -217, /* chunk size does not fit in 64 bits */
  NP_EHTTP_BAD_CHUNK = -218, /* chunk data not followed by CRLF, or bad extension */
  NP_EHTTP_CHUNK_LINE_TOO_LONG = -219, /* chunk-size line longer than the limit */
  NP_EHTTP_BAD_TRAILER = -220, /* malformed trailer field */
  NP_EHTTP_INCOMPLETE_READ = -221, /* peer closed before the body was complete (IncompleteRead) */
  NP_EHTTP_REMOTE_DISCONNECTED = -222, /* peer closed without a response (RemoteDisconnected) */
  NP_EHTTP_IMPROPER_STATE = -223, /* call out of order (ImproperConnectionState) */
  NP_EHTTP_CANNOT_SEND_REQUEST = -224, /* request started while one is pending (CannotSendRequest) */
  NP_EHTTP_CANNOT_SEND_HEADER = -225, /* header sent after endheaders (CannotSendHeader) */
  NP_EHTTP_RESPONSE_NOT_READY = -226, /* no request sent or response pending (ResponseNotReady) */
  NP_EHTTP_INVALID_URL = -227, /* bad host, port or control bytes in the URL (InvalidURL) */
  NP_EHTTP_BAD_METHOD = -228, /* method is not a token or holds control bytes */
  NP_EHTTP_TOO_MANY_INFORMATIONAL = -229, /* more 1xx responses than the limit */
  NP_EHTTP_TUNNEL = -230, /* CONNECT through the proxy failed */
  /* the TLS stream (src/core/tls.c), shared by http, ftp and request */
  NP_ETLS = -250, /* TLS handshake or record error (ssl.SSLError) */
  NP_ETLS_VERIFY = -251, /* peer certificate or host name not verified (SSLCertVerificationError) */

  /* cookies (http.cookies, http.cookiejar): -300 .. -399 */
  NP_ECOOKIE_KEY = -300,      /* CookieError: illegal cookie key */
  NP_ECOOKIE_RESERVED = -301, /* CookieError: attribute name used as key */
  NP_ECOOKIE_ATTR = -302,     /* CookieError: not a morsel attribute */
  NP_ECOOKIE_LOAD = -310,     /* LoadError: malformed cookies file */

  /* ftp (ftplib): -400 .. -499; np_error.value carries the reply code and
   * np_error.message the reply text */
  NP_EFTP_REPLY = -400,   /* error_reply: an unexpected reply (1xx-3xx) */
  NP_EFTP_TEMP = -401,    /* error_temp: a 4xx reply */
  NP_EFTP_PERM = -402,    /* error_perm: a 5xx reply */
  NP_EFTP_PROTO = -403,   /* error_proto: a reply that is not 1xx-5xx or
                             does not parse (PASV, EPSV...) */
  NP_EFTP_LINE_TOO_LONG = -404, /* a reply or listing line over max_line */
  NP_EFTP_NEWLINE = -405, /* CR or LF inside a command argument */

  /* request (urllib.request, .response, .error): -500 .. -599 */
  NP_EREQUEST_URL = -500,        /* URLError with a reason of its own (no
                                    host, file not local, bad data: URL) */
  NP_EREQUEST_UNKNOWN_TYPE = -501, /* unknown url type (URLError/ValueError) */
  NP_EREQUEST_HTTP = -502,       /* HTTPError: np_error.value is the status,
                                    payload the readable np_response */
  NP_EREQUEST_CONTENT_TOO_SHORT = -503, /* ContentTooShortError */

  /* server (http.server, socketserver): -600 .. -699 (none yet) */

  /* gateway (wsgiref): -700 .. -799 */
  NP_EGW_INVALID = -700, /* the validator found a violation of the gateway
                            interface */

  /* webbrowser: -800 .. -899 */
  NP_EBROWSER_NOTFOUND = -800, /* no runnable browser (Python's Error) */
  NP_EBROWSER_FAILED = -801,   /* every browser tried failed to open the URL */
  NP_EBROWSER_URL = -802,      /* URL refused: leading dash, NUL byte */
  NP_EBROWSER_COMMAND = -803,  /* a browser command line does not parse */
  NP_EBROWSER_NEW = -804,      /* 'new' is not 0, 1 or 2 */

  NP_ESTATUS_LAST = -999
} np_status;

/* A static, human-readable name for a status; never NULL. */
NP_API const char *np_strerror(int status);

/* The short symbolic name, e.g. "NP_EURL_PORT"; never NULL. */
NP_API const char *np_status_name(int status);

/*
 * The detail object: what a Python exception would carry.  Callers keep it
 * on the stack, initialise it with NP_ERROR_INIT (or zero it), pass its
 * address to any number of calls, and call np_error_clear() when done.
 * A call that fails overwrites it; a call that succeeds leaves it alone.
 * Every function that takes an np_error * accepts NULL.
 */
typedef struct np_error {
  int code;              /* np_status of the last failure, NP_OK if none */
  int sys_errno;         /* errno for NP_ESYS and I/O failures, else 0 */
  long value;            /* context: a protocol status, a byte offset... */
  char message[256];     /* detail in English, NUL-terminated, may be "" */
  void *payload;         /* rich detail owned by the error (see module) */
  void (*payload_free)(void *payload);
} np_error;

#define NP_ERROR_INIT {0, 0, 0, {0}, NULL, NULL}

/* Release the payload and reset to NP_OK.  Safe on a zeroed error. */
NP_API void np_error_clear(np_error *err);

/*
 * Record a failure: sets code and message (printf format, truncated to fit),
 * clears any earlier payload.  Returns code, so callers can write
 * `return np_error_set(err, NP_EINVAL, "bad %s", what);`.  err may be NULL.
 */
NP_API int np_error_set(np_error *err, int code, const char *fmt, ...)
    NP_PRINTF(3, 4);

/*
 * A byte slice: ptr and len.  It never owns memory.  A slice with ptr ==
 * NULL is "absent" (Python's None); a slice with len == 0 and ptr != NULL is
 * present and empty ('').
 */
typedef struct np_slice {
  const char *ptr;
  size_t len;
} np_slice;

#define NP_SLICE_NULL ((np_slice){NULL, 0})
/* printf("%.*s", NP_SLICE_ARG(s)) */
#define NP_SLICE_ARG(s) (int)(s).len, ((s).ptr ? (s).ptr : "")

NP_API np_slice np_slice_from(const char *ptr, size_t len);
/* A slice of a NUL-terminated string; NULL gives an absent slice. */
NP_API np_slice np_slice_cstr(const char *s);
/* Bytewise equality; two absent slices are equal, absent != empty. */
NP_API int np_slice_eq(np_slice a, np_slice b);
/* ASCII case-insensitive equality with a NUL-terminated string. */
NP_API int np_slice_ieq_cstr(np_slice a, const char *s);

/*
 * The growable byte buffer.  It knows the largest size it may reach
 * (max, in bytes of content): growth past it fails with NP_ETOOLARGE, so a
 * hostile peer cannot make it grow without bound.  Its content is always
 * followed by a NUL byte that is not counted in len, so data can be used as
 * a C string when it holds no NUL of its own.
 */
typedef struct np_buf {
  char *data;   /* read-only: the bytes, NUL-terminated; NULL until used */
  size_t len;   /* read-only: bytes in use */
  size_t cap;   /* private: bytes allocated, excluding the NUL */
  size_t max;   /* public: the largest len allowed */
} np_buf;

/* The default limit for buffers made with max == 0: 1 GiB. */
#define NP_BUF_DEFAULT_MAX ((size_t)1 << 30)

/* Start an empty buffer that may grow to max bytes (0: the default). */
NP_API void np_buf_init(np_buf *b, size_t max);
/* Make room for `extra` more bytes. */
NP_API int np_buf_reserve(np_buf *b, size_t extra);
NP_API int np_buf_append(np_buf *b, const void *data, size_t len);
NP_API int np_buf_append_cstr(np_buf *b, const char *s);
NP_API int np_buf_append_slice(np_buf *b, np_slice s);
NP_API int np_buf_putc(np_buf *b, int c);
NP_API int np_buf_printf(np_buf *b, const char *fmt, ...) NP_PRINTF(2, 3);
NP_API int np_buf_vprintf(np_buf *b, const char *fmt, va_list ap);
/* Drop the first n bytes (consumed input), keeping the rest. */
NP_API void np_buf_consume(np_buf *b, size_t n);
/* Forget the content, keep the memory for reuse. */
NP_API void np_buf_reset(np_buf *b);
/* Release the memory; the buffer is empty and reusable afterwards. */
NP_API void np_buf_free(np_buf *b);
/*
 * Hand the bytes to the caller, who must free them with np_free().  The
 * buffer is empty afterwards.  Returns a NUL-terminated copy even for an
 * empty buffer; NULL only when that allocation fails.
 */
NP_API char *np_buf_detach(np_buf *b, size_t *len);
/* The content as a slice (borrowed). */
NP_API np_slice np_buf_slice(const np_buf *b);

/*
 * The allocator.  Every allocation the library makes goes through these
 * three functions.  np_set_allocator() replaces them for the whole process;
 * call it before any other netproto call, from one thread.  Passing NULLs
 * restores malloc/realloc/free.  Memory the library hands to the caller is
 * released with np_free().
 */
typedef void *(*np_malloc_fn)(size_t size);
typedef void *(*np_realloc_fn)(void *ptr, size_t size);
typedef void (*np_free_fn)(void *ptr);
NP_API void np_set_allocator(np_malloc_fn m, np_realloc_fn r, np_free_fn f);
NP_API void *np_malloc(size_t size);
NP_API void *np_realloc(void *ptr, size_t size);
NP_API void np_free(void *ptr);

#ifdef __cplusplus
}
#endif
#endif /* NETPROTO_CORE_H */
