/* libFuzzer target: what the HTTP server does with untrusted bytes before
 * a handler runs - the request head as the server reads it (the engine's
 * parser plus CPython's request-line rules and HTTP/0.9, and a chunked
 * body decoded into a bounded buffer), and the URL path
 * as the static handler turns it into a file path, which must never leave
 * the served directory. */
#include "server/httpd_internal.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static np_httpd srv;
static np__hworker worker;

static void setup(void) {
  static int done;
  if (done)
    return;
  done = 1;
  np_httpd_options_init(&srv.o);
  srv.o.max_line = 4096; /* small limits reach the limit paths */
  srv.o.max_headers = 20;
  srv.http11 = 1;
  worker.h = &srv;
  np_http_parser_init(&worker.parser, NP_HTTP_REQUEST);
  np_http_limits lim;
  np_http_limits_default(&lim);
  lim.max_line = srv.o.max_line;
  lim.max_headers = srv.o.max_headers;
  lim.max_header_bytes = 2 * srv.o.max_line;
  np_http_parser_set_limits(&worker.parser, &lim);
  np_buf_init(&worker.body, 4096);
}

static void check_head(const char *in, size_t size) {
  np_httpd_req r;
  memset(&r, 0, sizeof r);
  r.h = &srv;
  r.w = &worker;
  r.file_fd = -1;
  size_t used = 0;
  int rc = np__httpd_parse_head(&r, in, size, &used);
  if (rc == NP_OK && (used == 0 || used > size || !r.command.ptr ||
                      !r.path.ptr || (r.path.len > 1 && r.path.ptr[0] == '/' &&
                                      r.path.ptr[1] == '/')))
    abort();
  if (rc == NP_EINVAL && (r.err_code < 400 || r.err_code > 599))
    abort();
  if (rc == NP_OK && r.chunked) { /* the chunked body after the head */
    size_t body_used = 0;
    int b = np__httpd_chunked_body(&r, in + used, size - used, &worker.body,
                                   &body_used);
    if ((b == NP_OK && body_used > size - used) ||
        (b == NP_EINVAL && r.err_code != 400 && r.err_code != 413) ||
        worker.body.len > 4096)
      abort();
  }
}

/* Every segment of a translated path is a real name. */
static void check_path(const char *in, size_t size) {
  np_buf rel;
  np_buf_init(&rel, 8192);
  bool trailing;
  if (np__httpd_translate(np_slice_from(in, size), &rel, &trailing) == NP_OK &&
      rel.len > 0) {
    const char *p = rel.data, *end = rel.data + rel.len;
    if (*p == '/' || memchr(p, '\0', rel.len) || memchr(p, '\\', rel.len))
      abort();
    while (p < end) {
      const char *s = memchr(p, '/', (size_t)(end - p));
      size_t n = s ? (size_t)(s - p) : (size_t)(end - p);
      if (n == 0 || (n == 1 && p[0] == '.') ||
          (n == 2 && p[0] == '.' && p[1] == '.'))
        abort();
      p += n + 1;
    }
  }
  np_buf_free(&rel);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size) {
  setup();
  char *copy = malloc(size ? size : 1); /* exact size: ASan sees overreads */
  if (!copy)
    return 0;
  memcpy(copy, data, size);
  check_head(copy, size);
  check_path(copy, size);
  free(copy);
  return 0;
}
