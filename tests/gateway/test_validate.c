/* The validator: each rule it enforces, named in wsgi.errors and failing
 * the request; a clean application passes through unchanged. */
#include "test.h"

#include "netproto/gateway.h"

#include <string.h>
#include <unistd.h>

static int mem_write(np_gw_output *o, const void *d, size_t n) {
  return np_buf_append(o->ctx, d, n);
}

typedef struct vh {
  np_gw_environ *env;
  np_buf out, errs;
  np_gw_errors errors;
  np_gw_result res;
} vh;

static void vh_init(vh *h) {
  ASSERT_OK(np_gw_environ_new(&h->env));
  np_buf_init(&h->out, 0);
  np_buf_init(&h->errs, 0);
  np_gw_errors_buf(&h->errors, &h->errs);
  ASSERT_OK(np_gw_environ_set_cstr(h->env, "QUERY_STRING", ""));
  ASSERT_OK(np_gw_setup_testing_defaults(h->env));
  np_gw_environ_set_errors(h->env, &h->errors);
}

/* Run fn (validated when `validate`); returns the response text. */
static const char *vh_run(vh *h, np_gw_app_fn fn, void *ctx, bool validate) {
  np_gw_output out;
  memset(&out, 0, sizeof out);
  out.write = mem_write;
  out.ctx = &h->out;
  np_gw_handler_options o;
  np_gw_handler_options_init(&o);
  o.origin_server = false; /* no Date: outputs compare byte for byte */
  np_gw_app app = {fn, ctx};
  np_gw_validator v;
  if (validate)
    app = np_gw_validator_wrap(&v, app);
  ASSERT_OK(np_gw_handler_run(&o, app, h->env, &out, &h->res));
  return h->out.data ? h->out.data : "";
}

static void vh_free(vh *h) {
  np_gw_environ_free(h->env);
  np_buf_free(&h->out);
  np_buf_free(&h->errs);
}

/* The app fails the request and the violation is named in wsgi.errors. */
static void expect_violation(np_gw_app_fn fn, void (*prep)(vh *),
                             const char *name) {
  vh h;
  vh_init(&h);
  if (prep)
    prep(&h);
  const char *text = vh_run(&h, fn, NULL, true);
  char want[128];
  snprintf(want, sizeof want, "validate: %s:", name);
  if (!h.errs.data || !strstr(h.errs.data, want))
    np_test_fail(__FILE__, __LINE__, "no '%s' in errors: '%s'", want,
                 h.errs.data ? h.errs.data : "");
  ASSERT(h.res.app_status == NP_EGW_INVALID || h.res.close);
  ASSERT(strncmp(text, "Status: 500", 11) == 0 || h.res.close);
  vh_free(&h);
}

static const np_gw_header ct[] = {{"Content-Type", "text/plain"}};

static int clean(void *ctx, np_gw_environ *env, np_gw_start *sr,
                 np_gw_body *body) {
  np_buf in;
  np_buf_init(&in, 0);
  int rc = np_gw_input_read_all(np_gw_environ_input(env), &in);
  np_buf_free(&in);
  np_gw_errors_printf(np_gw_environ_errors(env), "log line\n");
  if (rc == NP_OK)
    rc = np_gw_start_response(sr, "200 OK", ct, 1, NULL);
  if (rc == NP_OK)
    rc = np_gw_write(sr, "a", 1);
  return rc < 0 ? rc : np_gw_body_bytes(body, "bc", 2);
}

TEST(clean_application_unchanged_under_the_validator) {
  vh a, b;
  vh_init(&a);
  vh_init(&b);
  const char *plain = vh_run(&a, clean, NULL, false);
  const char *valid = vh_run(&b, clean, NULL, true);
  ASSERT(strcmp(plain, valid) == 0);
  ASSERT(strcmp(a.errs.data, "log line\n") == 0);
  ASSERT(strcmp(b.errs.data, "log line\n") == 0);
  ASSERT_EQ_INT(b.res.app_status, NP_OK);
  vh_free(&a);
  vh_free(&b);
}

static int start_with(np_gw_start *sr, np_gw_body *body, const char *status,
                      const np_gw_header *h, size_t n) {
  int rc = np_gw_start_response(sr, status, h, n, NULL);
  return rc < 0 ? rc : np_gw_body_bytes(body, "x", 1);
}

static int bad_status(void *c, np_gw_environ *e, np_gw_start *sr,
                      np_gw_body *b) {
  return start_with(sr, b, "20 OK", ct, 1);
}
static int status_header(void *c, np_gw_environ *e, np_gw_start *sr,
                         np_gw_body *b) {
  np_gw_header h[] = {{"Content-Type", "a/b"}, {"Status", "200"}};
  return start_with(sr, b, "200 OK", h, 2);
}
static int name_dash(void *c, np_gw_environ *e, np_gw_start *sr,
                     np_gw_body *b) {
  np_gw_header h[] = {{"Content-Type", "a/b"}, {"X-", "1"}};
  return start_with(sr, b, "200 OK", h, 2);
}
static int value_ctl(void *c, np_gw_environ *e, np_gw_start *sr,
                     np_gw_body *b) {
  np_gw_header h[] = {{"Content-Type", "a/b\r\nX: y"}};
  return start_with(sr, b, "200 OK", h, 1);
}
static int hop(void *c, np_gw_environ *e, np_gw_start *sr, np_gw_body *b) {
  np_gw_header h[] = {{"Content-Type", "a/b"}, {"Keep-Alive", "1"}};
  return start_with(sr, b, "200 OK", h, 2);
}
static int no_ctype(void *c, np_gw_environ *e, np_gw_start *sr,
                    np_gw_body *b) {
  return start_with(sr, b, "200 OK", NULL, 0);
}
static int ctype_204(void *c, np_gw_environ *e, np_gw_start *sr,
                     np_gw_body *b) {
  return np_gw_start_response(sr, "204 No Content", ct, 1, NULL);
}
static int twice(void *c, np_gw_environ *e, np_gw_start *sr, np_gw_body *b) {
  np_gw_start_response(sr, "200 OK", ct, 1, NULL);
  np_gw_start_response(sr, "200 OK", ct, 1, NULL);
  return np_gw_body_bytes(b, "x", 1);
}
static int write_early(void *c, np_gw_environ *e, np_gw_start *sr,
                       np_gw_body *b) {
  np_gw_write(sr, "x", 1);
  return start_with(sr, b, "200 OK", ct, 1);
}
static int write_null(void *c, np_gw_environ *e, np_gw_start *sr,
                      np_gw_body *b) {
  np_gw_start_response(sr, "200 OK", ct, 1, NULL);
  return np_gw_write(sr, NULL, 3);
}
static int body_early(void *c, np_gw_environ *e, np_gw_start *sr,
                      np_gw_body *b) {
  return np_gw_body_bytes(b, "x", 1);
}
static int never_starts(void *c, np_gw_environ *e, np_gw_start *sr,
                        np_gw_body *b) {
  return NP_OK;
}
static int null_chunk_next(np_gw_body *b, np_gw_chunk *out) {
  memset(out, 0, sizeof *out);
  out->len = 5;
  return NP_OK;
}
static int bad_chunk(void *c, np_gw_environ *e, np_gw_start *sr,
                     np_gw_body *b) {
  np_gw_start_response(sr, "200 OK", ct, 1, NULL);
  return np_gw_body_generator(b, null_chunk_next, NULL, NULL, -1);
}
static int bad_read(void *c, np_gw_environ *e, np_gw_start *sr,
                    np_gw_body *b) {
  size_t got;
  np_gw_input_read(np_gw_environ_input(e), NULL, 5, &got);
  return start_with(sr, b, "200 OK", ct, 1);
}

TEST(application_violations_are_named) {
  expect_violation(bad_status, NULL, "start_response.status");
  expect_violation(status_header, NULL, "start_response.header_name");
  expect_violation(name_dash, NULL, "start_response.header_name");
  expect_violation(value_ctl, NULL, "start_response.header_value");
  expect_violation(hop, NULL, "start_response.hop_by_hop");
  expect_violation(no_ctype, NULL, "start_response.content_type");
  expect_violation(ctype_204, NULL, "start_response.content_type");
  expect_violation(twice, NULL, "start_response.twice");
  expect_violation(write_early, NULL, "write.before_start_response");
  expect_violation(write_null, NULL, "write.bad_data");
  expect_violation(body_early, NULL, "body.before_start_response");
  expect_violation(never_starts, NULL, "app.no_start_response");
  expect_violation(bad_chunk, NULL, "body.bad_chunk");
  expect_violation(bad_read, NULL, "input.bad_args");
}

static void no_method(vh *h) { np_gw_environ_del(h->env, "REQUEST_METHOD"); }
static void http_ct(vh *h) {
  np_gw_environ_set_cstr(h->env, "HTTP_CONTENT_TYPE", "a/b");
}
static void http_cl(vh *h) {
  np_gw_environ_set_cstr(h->env, "HTTP_CONTENT_LENGTH", "1");
}
static void bad_scheme(vh *h) {
  np_gw_environ_set_cstr(h->env, "wsgi.url_scheme", "ftp");
}
static void script_slash(vh *h) {
  np_gw_environ_set_cstr(h->env, "SCRIPT_NAME", "/");
}
static void script_rel(vh *h) {
  np_gw_environ_set_cstr(h->env, "SCRIPT_NAME", "app");
}
static void path_rel(vh *h) {
  np_gw_environ_set_cstr(h->env, "PATH_INFO", "x");
}
static void no_path(vh *h) { np_gw_environ_del(h->env, "PATH_INFO"); }
static void bad_cl(vh *h) {
  np_gw_environ_set_cstr(h->env, "CONTENT_LENGTH", "-1");
}
static void no_input(vh *h) { np_gw_environ_set_input(h->env, NULL); }

TEST(server_violations_are_named) {
  expect_violation(clean, no_method, "environ.missing_key");
  expect_violation(clean, http_ct, "environ.http_content_type");
  expect_violation(clean, http_cl, "environ.http_content_length");
  expect_violation(clean, bad_scheme, "environ.url_scheme");
  expect_violation(clean, script_slash, "environ.script_name");
  expect_violation(clean, script_rel, "environ.script_name");
  expect_violation(clean, path_rel, "environ.path_info");
  expect_violation(clean, no_path, "environ.no_path");
  expect_violation(clean, bad_cl, "environ.content_length");
  expect_violation(clean, no_input, "environ.missing_key");
}

static void odd_method(vh *h) {
  np_gw_environ_set_cstr(h->env, "REQUEST_METHOD", "BREW");
  np_gw_environ_del(h->env, "QUERY_STRING");
}

TEST(warnings_do_not_fail) {
  vh h;
  vh_init(&h);
  odd_method(&h);
  const char *text = vh_run(&h, clean, NULL, true);
  ASSERT(strncmp(text, "Status: 200 OK", 14) == 0);
  ASSERT(strstr(h.errs.data, "validate: warning: environ.request_method"));
  ASSERT(strstr(h.errs.data, "validate: warning: environ.query_string"));
  vh_free(&h);
}

static int after_headers_exc(void *c, np_gw_environ *e, np_gw_start *sr,
                             np_gw_body *b) {
  np_gw_start_response(sr, "200 OK", ct, 1, NULL);
  np_gw_write(sr, "x", 1);
  np_gw_exc_info exc = {NP_EINVAL, "late"};
  int rc = np_gw_start_response(sr, "500 Oops", ct, 1, &exc);
  ASSERT_EQ_INT(rc, NP_EINVAL); /* re-raised, not a violation */
  return rc;
}

TEST(exc_info_after_headers_is_reraised_not_a_violation) {
  vh h;
  vh_init(&h);
  vh_run(&h, after_headers_exc, NULL, true);
  ASSERT(strstr(h.errs.data, "validate: start_") == NULL);
  ASSERT(h.res.close);
  vh_free(&h);
}

static int file_body(void *c, np_gw_environ *e, np_gw_start *sr,
                     np_gw_body *b) {
  int p[2];
  ASSERT_OK(pipe(p));
  ASSERT_EQ_INT(write(p[1], "piped", 5), 5);
  close(p[1]);
  np_gw_start_response(sr, "200 OK", ct, 1, NULL);
  np_gw_file_wrapper fw = {p[0], 0, 5, 0};
  return np_gw_body_file(b, &fw);
}

TEST(file_body_through_the_validator) {
  vh a, b;
  vh_init(&a);
  vh_init(&b);
  ASSERT(strcmp(vh_run(&a, file_body, NULL, false),
                vh_run(&b, file_body, NULL, true)) == 0);
  ASSERT(strstr(a.out.data, "\r\n\r\npiped"));
  vh_free(&a);
  vh_free(&b);
}
