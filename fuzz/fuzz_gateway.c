/*
 * fuzz_gateway: the gateway's handling of untrusted request data - util's
 * URI building and shift_path_info over any SCRIPT_NAME / PATH_INFO /
 * QUERY_STRING / HTTP_HOST bytes, and Headers.add_header with any names,
 * values and parameters.  Input: fields separated by NUL bytes.
 * Checks: nothing crashes or leaks; shift_path_info removes a segment
 * each time and keeps PATH_INFO starting with "/" when it did; a
 * formatted header block holds no CR or LF but its line ends.
 */
#include "netproto/gateway.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t field(const uint8_t **p, const uint8_t *end, char *out,
                    size_t cap) {
  size_t n = 0;
  while (*p < end && **p != 0) {
    if (n + 1 < cap)
      out[n++] = (char)**p;
    (*p)++;
  }
  if (*p < end)
    (*p)++;
  out[n] = '\0';
  return n;
}


static void fuzz_util(const char *script, const char *path, const char *q,
                      const char *host) {
  np_gw_environ *e;
  if (np_gw_environ_new(&e) < 0)
    return;
  np_gw_environ_set_cstr(e, "SCRIPT_NAME", script);
  np_gw_environ_set_cstr(e, "PATH_INFO", path);
  np_gw_environ_set_cstr(e, "QUERY_STRING", q);
  if (*host)
    np_gw_environ_set_cstr(e, "HTTP_HOST", host);
  np_gw_setup_testing_defaults(e);
  np_buf b;
  np_buf_init(&b, 0);
  np_gw_request_uri(e, true, &b);
  np_buf_reset(&b);
  np_gw_application_uri(e, &b);
  np_buf_reset(&b);
  bool had_slash = path[0] == '/';
  for (int i = 0; i < 1000; i++) {
    bool has;
    np_buf_reset(&b);
    if (np_gw_shift_path_info(e, &b, &has) < 0)
      break;
    np_slice pi = np_gw_environ_get(e, "PATH_INFO");
    if (had_slash && pi.len && pi.ptr[0] != '/')
      abort();
    if (!pi.len)
      break;
    if (i == 999)
      abort(); /* every shift removes a segment */
  }
  np_buf_free(&b);
  np_gw_environ_free(e);
}

static void fuzz_headers(const char *name, const char *value,
                         const char *pname, const char *pvalue) {
  np_gw_headers *h;
  if (np_gw_headers_new(&h) < 0)
    return;
  np_gw_param p[2] = {{pname, pvalue}, {"x_y", NULL}};
  np_gw_headers_add(h, name, *value ? value : NULL, p, 2);
  np_gw_headers_set(h, value, name);
  np_buf b;
  np_buf_init(&b, 0);
  if (np_gw_headers_format(h, &b) == NP_OK) {
    for (size_t i = 0; i < b.len; i++) {
      char c = b.data[i];
      bool line_end = (c == '\r' && i + 1 < b.len && b.data[i + 1] == '\n') ||
                      (c == '\n' && i > 0 && b.data[i - 1] == '\r');
      if ((c == '\r' || c == '\n') && !line_end)
        abort();
    }
  }
  np_buf_free(&b);
  np_gw_headers_free(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const uint8_t *p = data, *end = data + size;
  char f[4][512];
  for (int i = 0; i < 4; i++)
    field(&p, end, f[i], sizeof f[i]);
  fuzz_util(f[0], f[1], f[2], f[3]);
  fuzz_headers(f[0], f[1], f[2], f[3]);
  return 0;
}
