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
    {NP_EURL_QS_SEPARATOR, "NP_EURL_QS_SEPARATOR", "separator must be of non-empty string"},
    {NP_EURL_ENCODING, "NP_EURL_ENCODING", "bytes are not valid in the encoding"},
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
