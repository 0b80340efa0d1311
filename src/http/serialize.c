/* The HTTP/1.x serializer (http.h): start lines, fields and chunks, each
 * checked so that no caller-given text can start a new line. */
#include "http/http_internal.h"

#include <stdio.h>
#include <string.h>

/* Undo a partial append, keeping the buffer's NUL terminator. */
static void rollback(np_buf *out, size_t start) {
  if (start < out->len) {
    out->len = start;
    out->data[start] = '\0';
  }
}

static int is_token(const char *s, size_t n) {
  if (n == 0)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (!np__is((unsigned char)s[i], NP_CC_TCHAR))
      return 0;
  return 1;
}

/* Field values and reason phrases: HTAB, SP, VCHAR, obs-text. */
static int is_text(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!(np__http_cc[(unsigned char)s[i]] & NP__HV_VALUE))
      return 0;
  return 1;
}

static int is_target(const char *s, size_t n) {
  if (n == 0)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (!(np__http_cc[(unsigned char)s[i]] & NP__HV_TARGET))
      return 0;
  return 1;
}

int np_http_write_request_line(np_buf *out, const char *method,
                               size_t method_len, const char *target,
                               size_t target_len, int minor, np_error *err) {
  if (!is_token(method, method_len))
    return np_error_set(err, NP_EHTTP_BAD_METHOD,
                        "method can't contain control characters: '%.*s'",
                        (int)(method_len > 40 ? 40 : method_len), method);
  if (!is_target(target, target_len))
    return np_error_set(err, NP_EHTTP_INVALID_URL,
                        "URL can't contain control characters or spaces");
  if (minor != 0 && minor != 1)
    return np_error_set(err, NP_EINVAL, "HTTP minor version must be 0 or 1");
  size_t start = out->len;
  int rc = np_buf_reserve(out, method_len + target_len + 12);
  if (!rc) rc = np_buf_append(out, method, method_len);
  if (!rc) rc = np_buf_putc(out, ' ');
  if (!rc) rc = np_buf_append(out, target, target_len);
  if (!rc) rc = np_buf_append(out, minor ? " HTTP/1.1\r\n" : " HTTP/1.0\r\n", 11);
  if (rc)
    rollback(out, start);
  return rc ? np_error_set(err, rc, NULL) : NP_OK;
}

int np_http_write_status_line(np_buf *out, int minor, int code,
                              const char *reason, np_error *err) {
  if (code < 100 || code > 999 || (minor != 0 && minor != 1))
    return np_error_set(err, NP_EINVAL, "status %d or version 1.%d invalid",
                        code, minor);
  if (!reason)
    reason = np_http_status_phrase(code);
  size_t rl = strlen(reason);
  if (!is_text(reason, rl))
    return np_error_set(err, NP_EHTTP_BAD_HEADER_VALUE,
                        "reason phrase holds a control byte");
  int rc = np_buf_printf(out, "HTTP/1.%d %d %s\r\n", minor, code, reason);
  return rc ? np_error_set(err, rc, NULL) : NP_OK;
}

int np_http_write_header(np_buf *out, const char *name, size_t name_len,
                         const char *value, size_t value_len, np_error *err) {
  if (!is_token(name, name_len))
    return np_error_set(err, NP_EHTTP_BAD_HEADER_NAME,
                        "Invalid header name '%.*s'",
                        (int)(name_len > 40 ? 40 : name_len), name);
  if (!is_text(value, value_len))
    return np_error_set(err, NP_EHTTP_BAD_HEADER_VALUE,
                        "Invalid header value for '%.*s': control byte",
                        (int)(name_len > 40 ? 40 : name_len), name);
  size_t start = out->len;
  int rc = np_buf_reserve(out, name_len + value_len + 4);
  if (!rc) rc = np_buf_append(out, name, name_len);
  if (!rc) rc = np_buf_append(out, ": ", 2);
  if (!rc) rc = np_buf_append(out, value, value_len);
  if (!rc) rc = np_buf_append(out, "\r\n", 2);
  if (rc)
    rollback(out, start);
  return rc ? np_error_set(err, rc, NULL) : NP_OK;
}

int np_http_write_end_head(np_buf *out) {
  return np_buf_append(out, "\r\n", 2);
}

size_t np_http_format_chunk_line(char *out, uint64_t len) {
  char tmp[17];
  size_t n = 0;
  do {
    tmp[n++] = np__hexdigits_upper[len & 15]; /* as CPython writes it */
    len >>= 4;
  } while (len);
  for (size_t i = 0; i < n; i++)
    out[i] = tmp[n - 1 - i];
  out[n] = '\r';
  out[n + 1] = '\n';
  return n + 2;
}

int np_http_write_chunk(np_buf *out, const void *data, size_t len) {
  if (len == 0)
    return NP_OK;
  char line[NP_HTTP_CHUNK_LINE_MAX];
  size_t n = np_http_format_chunk_line(line, len);
  size_t start = out->len;
  int rc = np_buf_reserve(out, n + len + 2);
  if (!rc) rc = np_buf_append(out, line, n);
  if (!rc) rc = np_buf_append(out, data, len);
  if (!rc) rc = np_buf_append(out, "\r\n", 2);
  if (rc)
    rollback(out, start);
  return rc;
}

int np_http_write_last_chunk(np_buf *out, const np_http_header *trailers,
                             size_t n, np_error *err) {
  size_t start = out->len;
  int rc = np_buf_append(out, "0\r\n", 3);
  for (size_t i = 0; !rc && i < n; i++)
    rc = np_http_write_header(out, trailers[i].name.ptr, trailers[i].name.len,
                              trailers[i].value.ptr, trailers[i].value.len,
                              err);
  if (!rc)
    rc = np_buf_append(out, "\r\n", 2);
  if (rc) {
    rollback(out, start);
    return err && err->code == rc ? rc : np_error_set(err, rc, NULL);
  }
  return NP_OK;
}
