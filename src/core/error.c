/* The error model (core.h): status names and the detail object. */
#include "core/internal.h"

#include <stdio.h>
#include <string.h>

const char *np_version(void) { return NP_VERSION_STRING; }

/* One row per status: code, symbolic name, message.  Modules add their rows
 * in their own block, in the order of core.h. */
static const struct {
  int code;
  const char *name;
  const char *text;
} np_statuses[] = {
    {NP_OK, "NP_OK", "success"},
    {NP_ENOMEM, "NP_ENOMEM", "out of memory"},
    {NP_EINVAL, "NP_EINVAL", "invalid argument"},
    {NP_ETOOLARGE, "NP_ETOOLARGE", "limit exceeded"},
    {NP_ESYS, "NP_ESYS", "system call failed"},
    {NP_EOF, "NP_EOF", "unexpected end of input"},
    {NP_ETIMEDOUT, "NP_ETIMEDOUT", "timed out"},
    {NP_EAGAIN, "NP_EAGAIN", "resource temporarily unavailable"},
    {NP_ENOTFOUND, "NP_ENOTFOUND", "not found"},
    {NP_EUNSUPPORTED, "NP_EUNSUPPORTED", "not supported"},
    {NP_ESTATE, "NP_ESTATE", "operation not allowed in this state"},
    /* url */
    {NP_EURL_PORT, "NP_EURL_PORT", "port could not be cast to integer value or is out of range 0-65535"},
    {NP_EURL_BRACKET, "NP_EURL_BRACKET", "invalid IPv6 URL: unbalanced brackets"},
    {NP_EURL_IPV6, "NP_EURL_IPV6", "invalid bracketed host: not IPv6 or IPvFuture"},
    {NP_EURL_NETLOC_NFKC, "NP_EURL_NETLOC_NFKC", "netloc contains invalid characters under NFKC normalization"},
    {NP_EURL_QS_FIELDS, "NP_EURL_QS_FIELDS", "max number of fields exceeded"},
    {NP_EURL_QS_SYNTAX, "NP_EURL_QS_SYNTAX", "bad query field"},
    {NP_EURL_QS_SEPARATOR, "NP_EURL_QS_SEPARATOR", "separator must be a non-empty string"},
    {NP_EURL_ENCODING, "NP_EURL_ENCODING", "bytes are not valid in the encoding"},
    /* http message engine, http.client, TLS */
    {NP_EHTTP_LINE_TOO_LONG, "NP_EHTTP_LINE_TOO_LONG", "got more than the line length limit (LineTooLong)"},
    {NP_EHTTP_TOO_MANY_HEADERS, "NP_EHTTP_TOO_MANY_HEADERS", "got more than 100 headers"},
    {NP_EHTTP_HEADERS_TOO_LARGE, "NP_EHTTP_HEADERS_TOO_LARGE", "header section larger than the limit"},
    {NP_EHTTP_BAD_REQUEST_LINE, "NP_EHTTP_BAD_REQUEST_LINE", "malformed request line"},
    {NP_EHTTP_BAD_STATUS_LINE, "NP_EHTTP_BAD_STATUS_LINE", "bad status line (BadStatusLine)"},
    {NP_EHTTP_BAD_VERSION, "NP_EHTTP_BAD_VERSION", "unsupported or malformed HTTP version"},
    {NP_EHTTP_UNKNOWN_PROTOCOL, "NP_EHTTP_UNKNOWN_PROTOCOL", "unknown protocol (UnknownProtocol)"},
    {NP_EHTTP_BAD_HEADER_NAME, "NP_EHTTP_BAD_HEADER_NAME", "invalid header field name"},
    {NP_EHTTP_BAD_HEADER_VALUE, "NP_EHTTP_BAD_HEADER_VALUE", "invalid header field value"},
    {NP_EHTTP_BARE_CR, "NP_EHTTP_BARE_CR", "bare CR in message framing"},
    {NP_EHTTP_WS_BEFORE_COLON, "NP_EHTTP_WS_BEFORE_COLON", "whitespace before colon in header field"},
    {NP_EHTTP_OBS_FOLD, "NP_EHTTP_OBS_FOLD", "obsolete line folding not allowed"},
    {NP_EHTTP_BAD_CONTENT_LENGTH, "NP_EHTTP_BAD_CONTENT_LENGTH", "invalid Content-Length"},
    {NP_EHTTP_DUP_CONTENT_LENGTH, "NP_EHTTP_DUP_CONTENT_LENGTH", "duplicate Content-Length"},
    {NP_EHTTP_TE_AND_CL, "NP_EHTTP_TE_AND_CL", "both Transfer-Encoding and Content-Length"},
    {NP_EHTTP_BAD_TRANSFER_ENCODING, "NP_EHTTP_BAD_TRANSFER_ENCODING", "unsupported or invalid Transfer-Encoding"},
    {NP_EHTTP_BAD_CHUNK_SIZE, "NP_EHTTP_BAD_CHUNK_SIZE", "invalid chunk size"},
    {NP_EHTTP_CHUNK_SIZE_OVERFLOW, "NP_EHTTP_CHUNK_SIZE_OVERFLOW", "chunk size too large"},
    {NP_EHTTP_BAD_CHUNK, "NP_EHTTP_BAD_CHUNK", "malformed chunked encoding"},
    {NP_EHTTP_CHUNK_LINE_TOO_LONG, "NP_EHTTP_CHUNK_LINE_TOO_LONG", "chunk size line too long"},
    {NP_EHTTP_BAD_TRAILER, "NP_EHTTP_BAD_TRAILER", "malformed chunked trailer"},
    {NP_EHTTP_INCOMPLETE_READ, "NP_EHTTP_INCOMPLETE_READ", "incomplete read (IncompleteRead)"},
    {NP_EHTTP_REMOTE_DISCONNECTED, "NP_EHTTP_REMOTE_DISCONNECTED", "remote end closed connection without response"},
    {NP_EHTTP_IMPROPER_STATE, "NP_EHTTP_IMPROPER_STATE", "improper connection state"},
    {NP_EHTTP_CANNOT_SEND_REQUEST, "NP_EHTTP_CANNOT_SEND_REQUEST", "cannot send request (CannotSendRequest)"},
    {NP_EHTTP_CANNOT_SEND_HEADER, "NP_EHTTP_CANNOT_SEND_HEADER", "cannot send header (CannotSendHeader)"},
    {NP_EHTTP_RESPONSE_NOT_READY, "NP_EHTTP_RESPONSE_NOT_READY", "response not ready (ResponseNotReady)"},
    {NP_EHTTP_INVALID_URL, "NP_EHTTP_INVALID_URL", "invalid URL (InvalidURL)"},
    {NP_EHTTP_BAD_METHOD, "NP_EHTTP_BAD_METHOD", "invalid method"},
    {NP_EHTTP_TOO_MANY_INFORMATIONAL, "NP_EHTTP_TOO_MANY_INFORMATIONAL", "too many informational (1xx) responses"},
    {NP_EHTTP_TUNNEL, "NP_EHTTP_TUNNEL", "tunnel connection failed"},
    {NP_ETLS, "NP_ETLS", "TLS error"},
    {NP_ETLS_VERIFY, "NP_ETLS_VERIFY", "certificate verify failed"},
    /* ftp */
    {NP_EFTP_REPLY, "NP_EFTP_REPLY", "unexpected FTP reply (error_reply)"},
    {NP_EFTP_TEMP, "NP_EFTP_TEMP", "FTP temporary error, 4xx (error_temp)"},
    {NP_EFTP_PERM, "NP_EFTP_PERM", "FTP permanent error, 5xx (error_perm)"},
    {NP_EFTP_PROTO, "NP_EFTP_PROTO", "FTP reply does not follow the protocol (error_proto)"},
    {NP_EFTP_LINE_TOO_LONG, "NP_EFTP_LINE_TOO_LONG", "FTP line longer than the limit"},
    {NP_EFTP_NEWLINE, "NP_EFTP_NEWLINE", "an illegal newline character should not be contained"},
    /* request */
    {NP_EREQUEST_URL, "NP_EREQUEST_URL", "URL error (URLError)"},
    {NP_EREQUEST_UNKNOWN_TYPE, "NP_EREQUEST_UNKNOWN_TYPE", "unknown url type"},
    {NP_EREQUEST_HTTP, "NP_EREQUEST_HTTP", "HTTP error response (HTTPError)"},
    {NP_EREQUEST_CONTENT_TOO_SHORT, "NP_EREQUEST_CONTENT_TOO_SHORT", "retrieval incomplete: got less data than expected (ContentTooShortError)"},
    /* gateway */
    {NP_EGW_INVALID, "NP_EGW_INVALID", "the gateway interface was violated (wsgiref.validate)"},
    /* webbrowser */
    {NP_EBROWSER_NOTFOUND, "NP_EBROWSER_NOTFOUND", "could not locate runnable browser"},
    {NP_EBROWSER_FAILED, "NP_EBROWSER_FAILED", "no browser could open the URL"},
    {NP_EBROWSER_URL, "NP_EBROWSER_URL", "invalid URL for a browser (leading dash or NUL byte)"},
    {NP_EBROWSER_COMMAND, "NP_EBROWSER_COMMAND", "browser command line does not parse"},
    {NP_EBROWSER_NEW, "NP_EBROWSER_NEW", "bad 'new' parameter: expected 0, 1 or 2"},
    /* cookies */
    {NP_ECOOKIE_KEY, "NP_ECOOKIE_KEY", "illegal cookie key"},
    {NP_ECOOKIE_RESERVED, "NP_ECOOKIE_RESERVED", "attempt to set a reserved key"},
    {NP_ECOOKIE_ATTR, "NP_ECOOKIE_ATTR", "invalid morsel attribute"},
    {NP_ECOOKIE_LOAD, "NP_ECOOKIE_LOAD", "invalid cookies file"},
};

static int np_status_index(int status) {
  for (size_t i = 0; i < NP_ARRAY_LEN(np_statuses); i++)
    if (np_statuses[i].code == status)
      return (int)i;
  return -1;
}

const char *np_strerror(int status) {
  int i = np_status_index(status);
  return i < 0 ? "unknown error" : np_statuses[i].text;
}

const char *np_status_name(int status) {
  int i = np_status_index(status);
  return i < 0 ? "NP_E?" : np_statuses[i].name;
}

void np_error_clear(np_error *err) {
  if (!err)
    return;
  if (err->payload && err->payload_free)
    err->payload_free(err->payload);
  memset(err, 0, sizeof *err);
}

int np_error_set(np_error *err, int code, const char *fmt, ...) {
  if (!err)
    return code;
  np_error_clear(err);
  err->code = code;
  if (fmt) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
  } else {
    snprintf(err->message, sizeof err->message, "%s", np_strerror(code));
  }
  return code;
}

int np__error_sys(np_error *err, int e, const char *what) {
  np_error_set(err, NP_ESYS, "%s: %s", what, strerror(e));
  if (err)
    err->sys_errno = e;
  return NP_ESYS;
}
