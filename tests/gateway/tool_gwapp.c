/*
 * One test application run three ways by cgi.test.sh: as a CGI program
 * under lighttpd's mod_cgi (no arguments, GATEWAY_INTERFACE set), and under
 * the test harness ("harness METHOD PATH_INFO QUERY BODY"), so the script
 * can check that both answer the same.  The application echoes what it saw
 * and the body it read.  Under the harness it always runs under the
 * validator; as a CGI program when NP_GW_VALIDATE is set (lighttpd passes
 * HTTP_CONTENT_LENGTH, which the validator, like Python's, refuses).
 */
#include "netproto/gateway.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int echo_app(void *ctx, np_gw_environ *env, np_gw_start *sr,
                    np_gw_body *body) {
  np_buf *out = ctx;
  np_buf in;
  np_buf_init(&in, 1 << 20);
  int rc = np_gw_input_read_all(np_gw_environ_input(env), &in);
  if (rc < 0) {
    np_buf_free(&in);
    return rc;
  }
  static const char *keys[] = {"REQUEST_METHOD", "PATH_INFO", "QUERY_STRING",
                               "CONTENT_TYPE", "CONTENT_LENGTH",
                               "HTTP_X_TEST", "wsgi.url_scheme"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    np_slice v = np_gw_environ_get(env, keys[i]);
    np_buf_printf(out, "%s=%.*s\n", keys[i], NP_SLICE_ARG(v));
  }
  np_buf_printf(out, "body=%.*s\n", (int)in.len, in.data ? in.data : "");
  np_buf_free(&in);
  np_slice path = np_gw_environ_get(env, "PATH_INFO");
  const char *status = np_slice_eq(path, np_slice_cstr("/missing"))
                           ? "404 Not Found"
                           : "200 OK";
  np_gw_header h[] = {{"Content-Type", "text/plain; charset=utf-8"},
                      {"X-App", "echo"}};
  rc = np_gw_start_response(sr, status, h, 2, NULL);
  return rc < 0 ? rc : np_gw_body_bytes(body, out->data, out->len);
}

int main(int argc, char **argv) {
  np_buf out;
  np_buf_init(&out, 0);
  np_gw_app inner = {echo_app, &out};
  np_gw_validator checker;
  bool harness = argc == 6 && strcmp(argv[1], "harness") == 0;
  np_gw_app app = harness || getenv("NP_GW_VALIDATE")
                      ? np_gw_validator_wrap(&checker, inner)
                      : inner;
  int rc;
  if (harness) {
    np_gw_environ *env;
    np_gw_environ_new(&env);
    np_gw_environ_set_cstr(env, "REQUEST_METHOD", argv[2]);
    /* PATH_INFO is unquoted, as a server gives it */
    char *path = argv[3], *d = path;
    for (char *r = path; *r; r++) {
      unsigned v;
      if (r[0] == '%' && r[1] && r[2] && sscanf(r + 1, "%2x", &v) == 1) {
        *d++ = (char)v;
        r += 2;
      } else {
        *d++ = *r;
      }
    }
    *d = 0;
    np_gw_environ_set_cstr(env, "PATH_INFO", path);
    np_gw_environ_set_cstr(env, "QUERY_STRING", argv[4]);
    np_gw_environ_set_cstr(env, "HTTP_X_TEST", "yes");
    char len[32];
    snprintf(len, sizeof len, "%zu", strlen(argv[5]));
    np_gw_environ_set_cstr(env, "CONTENT_LENGTH", len);
    if (strlen(argv[5])) {
      np_gw_environ_set_cstr(env, "CONTENT_TYPE",
                             "application/x-www-form-urlencoded");
    }
    np_gw_setup_testing_defaults(env);
    np_gw_input in;
    np_gw_input_memory(&in, argv[5], strlen(argv[5]));
    np_gw_environ_set_input(env, &in);
    np_gw_handler_options o;
    np_gw_cgi_options_init(&o);
    np_gw_output w;
    np_gw_output_fd(&w, 1);
    rc = np_gw_handler_run(&o, app, env, &w, NULL);
    np_gw_output_close(&w);
    np_gw_environ_free(env);
  } else {
    rc = np_gw_cgi_main(app);
  }
  np_buf_free(&out);
  if (rc < 0)
    fprintf(stderr, "tool_gwapp: %s\n", np_strerror(rc));
  return rc < 0 ? 1 : 0;
}
