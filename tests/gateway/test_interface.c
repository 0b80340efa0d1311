/* The gateway's interface: environ, input and errors streams,
 * start_response's rules, bodies, and the handler's server duties. */
#include "test.h"

#include "netproto/gateway.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <string.h>
#include <unistd.h>

/* ---- a test harness: run an app over a memory output ---- */

static int mem_write(np_gw_output *o, const void *d, size_t n) {
  return np_buf_append(o->ctx, d, n);
}

typedef struct harness {
  np_gw_environ *env;
  np_buf out, errs;
  np_gw_errors errors;
  np_gw_result res;
  np_gw_handler_options o;
} harness;

static void h_init(harness *h, const char *method, const char *proto) {
  ASSERT_OK(np_gw_environ_new(&h->env));
  np_buf_init(&h->out, 0);
  np_buf_init(&h->errs, 0);
  np_gw_errors_buf(&h->errors, &h->errs);
  ASSERT_OK(np_gw_environ_set_cstr(h->env, "REQUEST_METHOD", method));
  ASSERT_OK(np_gw_environ_set_cstr(h->env, "SERVER_PROTOCOL", proto));
  ASSERT_OK(np_gw_setup_testing_defaults(h->env));
  np_gw_environ_set_errors(h->env, &h->errors);
  np_gw_handler_options_init(&h->o);
  h->o.http_version = "1.1";
  h->o.server_software = "test/1";
}

static int h_run(harness *h, np_gw_app_fn fn, void *ctx) {
  np_gw_output out;
  memset(&out, 0, sizeof out);
  out.write = mem_write;
  out.ctx = &h->out;
  np_gw_app app = {fn, ctx};
  return np_gw_handler_run(&h->o, app, h->env, &out, &h->res);
}

static void h_free(harness *h) {
  np_gw_environ_free(h->env);
  np_buf_free(&h->out);
  np_buf_free(&h->errs);
}

/* The response with its Date line removed, for exact comparison. */
static const char *h_text(harness *h) {
  char *d = strstr(h->out.data ? h->out.data : "", "Date: ");
  if (d) {
    char *e = strstr(d, "\r\n");
    memmove(d, e + 2, strlen(e + 2) + 1);
    h->out.len = strlen(h->out.data);
  }
  return h->out.data ? h->out.data : "";
}

static const np_gw_header text_plain[] = {{"Content-Type", "text/plain"}};

static int hello(void *ctx, np_gw_environ *env, np_gw_start *sr,
                 np_gw_body *body) {
  int rc = np_gw_start_response(sr, "200 OK", text_plain, 1, NULL);
  return rc < 0 ? rc : np_gw_body_bytes(body, "Hello world!\n", 13);
}

/* ---- environ ---- */

TEST(environ_set_get_replace_delete) {
  np_gw_environ *e;
  ASSERT_OK(np_gw_environ_new(&e));
  ASSERT_ABSENT(np_gw_environ_get(e, "PATH_INFO"));
  ASSERT_OK(np_gw_environ_set(e, "PATH_INFO", "/a\0b", 4));
  np_slice v = np_gw_environ_get(e, "PATH_INFO");
  ASSERT_EQ_INT(v.len, 4);
  ASSERT(memcmp(v.ptr, "/a\0b", 4) == 0);
  ASSERT_OK(np_gw_environ_set_cstr(e, "PATH_INFO", "/x"));
  ASSERT_EQ_SLICE(np_gw_environ_get(e, "PATH_INFO"), "/x");
  ASSERT_OK(np_gw_environ_setdefault(e, "PATH_INFO", "/y"));
  ASSERT_EQ_SLICE(np_gw_environ_get(e, "PATH_INFO"), "/x");
  ASSERT_OK(np_gw_environ_set_cstr(e, "QUERY_STRING", ""));
  ASSERT_EQ_SLICE(np_gw_environ_get(e, "QUERY_STRING"), "");
  ASSERT_EQ_INT(np_gw_environ_count(e), 2);
  ASSERT_OK(np_gw_environ_del(e, "PATH_INFO"));
  ASSERT_EQ_INT(np_gw_environ_del(e, "PATH_INFO"), NP_ENOTFOUND);
  ASSERT(!np_gw_environ_has(e, "PATH_INFO"));
  ASSERT_EQ_INT(np_gw_environ_set_cstr(e, "", "x"), NP_EINVAL);
  np_gw_environ_free(e);
}

TEST(environ_pointer_keys_for_middleware) {
  np_gw_environ *e;
  ASSERT_OK(np_gw_environ_new(&e));
  int db = 42;
  ASSERT_OK(np_gw_environ_set_ptr(e, "myapp.db", &db));
  ASSERT(np_gw_environ_get_ptr(e, "myapp.db") == &db);
  ASSERT(np_gw_environ_has(e, "myapp.db"));
  ASSERT_ABSENT(np_gw_environ_get(e, "myapp.db"));
  np_slice k, v;
  ASSERT(np_gw_environ_at(e, 0, &k, &v));
  ASSERT_EQ_SLICE(k, "myapp.db");
  ASSERT_ABSENT(v);
  np_gw_environ_free(e);
}

TEST(environ_limits_and_reset) {
  np_gw_environ *e;
  ASSERT_OK(np_gw_environ_new(&e));
  char name[32];
  int rc = NP_OK;
  for (int i = 0; i <= NP_GW_MAX_KEYS && rc == NP_OK; i++) {
    snprintf(name, sizeof name, "K%d", i);
    rc = np_gw_environ_set_cstr(e, name, "v");
  }
  ASSERT_EQ_INT(rc, NP_ETOOLARGE);
  np_gw_environ_reset(e);
  ASSERT_EQ_INT(np_gw_environ_count(e), 0);
  char *big = calloc(1, NP_GW_MAX_ENVIRON_BYTES + 1);
  ASSERT_EQ_INT(np_gw_environ_set(e, "BIG", big, NP_GW_MAX_ENVIRON_BYTES),
                NP_ETOOLARGE);
  ASSERT(!np_gw_environ_has(e, "BIG"));
  free(big);
  ASSERT_OK(np_gw_environ_set_cstr(e, "A", "b"));
  np_gw_environ_free(e);
}

TEST(setup_testing_defaults_like_python) {
  np_gw_environ *e;
  ASSERT_OK(np_gw_environ_new(&e));
  ASSERT_OK(np_gw_setup_testing_defaults(e));
  ASSERT_EQ_SLICE(np_gw_environ_get(e, "SERVER_NAME"), "127.0.0.1");
  ASSERT_EQ_SLICE(np_gw_environ_get(e, "SERVER_PROTOCOL"), "HTTP/1.0");
  ASSERT_EQ_SLICE(np_gw_environ_get(e, "HTTP_HOST"), "127.0.0.1");
  ASSERT_EQ_SLICE(np_gw_environ_get(e, "REQUEST_METHOD"), "GET");
  ASSERT_EQ_SLICE(np_gw_environ_get(e, "SCRIPT_NAME"), "");
  ASSERT_EQ_SLICE(np_gw_environ_get(e, "PATH_INFO"), "/");
  ASSERT_EQ_SLICE(np_gw_environ_get(e, "wsgi.url_scheme"), "http");
  ASSERT_EQ_SLICE(np_gw_environ_get(e, "SERVER_PORT"), "80");
  ASSERT(np_gw_environ_input(e) != NULL);
  ASSERT(np_gw_environ_errors(e) != NULL);
  ASSERT_EQ_INT(np_gw_environ_flags(e), 0);
  char c;
  size_t got = 1;
  ASSERT_OK(np_gw_input_read(np_gw_environ_input(e), &c, 1, &got));
  ASSERT_EQ_INT(got, 0);
  np_gw_environ_free(e);
}

/* ---- input ---- */

TEST(input_memory_read_readline_all) {
  np_gw_input in;
  np_gw_input_memory(&in, "line1\nline2\nrest", 16);
  np_buf b;
  np_buf_init(&b, 0);
  ASSERT_OK(np_gw_input_readline(&in, &b, 0));
  ASSERT_EQ_MEM(b.data, b.len, "line1\n");
  np_buf_reset(&b);
  ASSERT_OK(np_gw_input_readline(&in, &b, 3));
  ASSERT_EQ_MEM(b.data, b.len, "lin");
  np_buf_reset(&b);
  ASSERT_OK(np_gw_input_read_all(&in, &b));
  ASSERT_EQ_MEM(b.data, b.len, "e2\nrest");
  np_buf_free(&b);
}

static int continue_calls;
static int on_continue(void *ctx) {
  continue_calls++;
  return (int)write(*(int *)ctx, "HTTP/1.1 100 Continue\r\n\r\n", 25) == 25
             ? NP_OK
             : NP_ESYS;
}

TEST(input_fd_never_reads_past_content_length) {
  int p[2];
  ASSERT_OK(pipe(p));
  ASSERT_EQ_INT(write(p[1], "helloNEXT REQUEST", 17), 17);
  np_gw_input in;
  ASSERT_OK(np_gw_input_fd(&in, p[0], "ab", 2, 7, false, NULL, NULL));
  np_buf b;
  np_buf_init(&b, 0);
  ASSERT_OK(np_gw_input_read_all(&in, &b));
  ASSERT_EQ_MEM(b.data, b.len, "abhello");
  char rest[16];
  ASSERT_EQ_INT(read(p[0], rest, sizeof rest), 12); /* still in the pipe */
  np_buf_free(&b);
  np_gw_input_close(&in);
  close(p[0]);
  close(p[1]);
}

TEST(input_fd_decodes_chunked_and_continue_on_first_read) {
  int p[2], c[2];
  ASSERT_OK(pipe(p));
  ASSERT_OK(pipe(c));
  np_gw_input in;
  continue_calls = 0;
  ASSERT_OK(np_gw_input_fd(&in, p[0], NULL, 0, 0, true, on_continue, &c[1]));
  ASSERT_EQ_INT(continue_calls, 0); /* not before the application reads */
  const char *wire = "5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nT: x\r\n\r\n";
  ASSERT_EQ_INT(write(p[1], wire, strlen(wire)), (long)strlen(wire));
  np_buf b;
  np_buf_init(&b, 0);
  ASSERT_OK(np_gw_input_readline(&in, &b, 0));
  ASSERT_EQ_INT(continue_calls, 1);
  ASSERT_OK(np_gw_input_read_all(&in, &b));
  ASSERT_EQ_MEM(b.data, b.len, "hello, world");
  ASSERT_EQ_INT(continue_calls, 1);
  char got[64];
  ASSERT_EQ_INT(read(c[0], got, sizeof got), 25);
  np_buf_free(&b);
  np_gw_input_close(&in);
  close(p[0]);
  close(p[1]);
  close(c[0]);
  close(c[1]);
}

TEST(input_fd_bad_chunk_and_short_body_fail) {
  int p[2];
  ASSERT_OK(pipe(p));
  np_gw_input in;
  ASSERT_OK(np_gw_input_fd(&in, p[0], NULL, 0, 0, true, NULL, NULL));
  ASSERT_EQ_INT(write(p[1], "zz\r\n", 4), 4);
  char buf[16];
  size_t got;
  ASSERT_EQ_INT(np_gw_input_read(&in, buf, sizeof buf, &got),
                NP_EHTTP_BAD_CHUNK_SIZE);
  np_gw_input_close(&in);
  ASSERT_OK(np_gw_input_fd(&in, p[0], NULL, 0, 10, false, NULL, NULL));
  close(p[1]);
  ASSERT_EQ_INT(np_gw_input_read(&in, buf, sizeof buf, &got),
                NP_EHTTP_INCOMPLETE_READ);
  np_gw_input_close(&in);
  close(p[0]);
}

TEST(errors_stream_to_buffer) {
  np_buf b;
  np_buf_init(&b, 0);
  np_gw_errors e;
  np_gw_errors_buf(&e, &b);
  np_gw_errors_printf(&e, "x=%d\n", 5);
  np_gw_errors_write(&e, "y", 1);
  ASSERT_EQ_MEM(b.data, b.len, "x=5\ny");
  np_buf_free(&b);
}

/* ---- start_response's rules ---- */

static int twice(void *ctx, np_gw_environ *env, np_gw_start *sr,
                 np_gw_body *body) {
  ASSERT_OK(np_gw_start_response(sr, "200 OK", text_plain, 1, NULL));
  /* a second call without exc_info: "Headers already set!" */
  ASSERT_EQ_INT(np_gw_start_response(sr, "404 Not Found", NULL, 0, NULL),
                NP_ESTATE);
  /* with exc_info, before anything is sent: replaces the status */
  np_gw_exc_info exc = {NP_EINVAL, "oops"};
  ASSERT_OK(np_gw_start_response(sr, "400 Bad Request", NULL, 0, &exc));
  ASSERT_OK(np_gw_write(sr, "x", 1));
  /* with exc_info after the headers went out: re-raised */
  ASSERT_EQ_INT(np_gw_start_response(sr, "500 Oops", NULL, 0, &exc),
                NP_EINVAL);
  return NP_OK;
}

TEST(start_response_second_call_rules) {
  harness h;
  h_init(&h, "GET", "HTTP/1.1");
  ASSERT_OK(h_run(&h, twice, NULL));
  ASSERT_EQ_INT(h.res.code, 400);
  ASSERT(strncmp(h_text(&h), "HTTP/1.1 400 Bad Request\r\n", 26) == 0);
  h_free(&h);
}

static int bad_headers(void *ctx, np_gw_environ *env, np_gw_start *sr,
                       np_gw_body *body) {
  static const np_gw_header hop[] = {{"Connection", "close"}};
  static const np_gw_header crlf[] = {{"X", "a\r\nSet-Cookie: y"}};
  static const np_gw_header badname[] = {{"X Y", "a"}};
  ASSERT_EQ_INT(np_gw_start_response(sr, "200 OK", hop, 1, NULL), NP_EINVAL);
  ASSERT_EQ_INT(np_gw_start_response(sr, "200 OK", crlf, 1, NULL), NP_EINVAL);
  ASSERT_EQ_INT(np_gw_start_response(sr, "200 OK", badname, 1, NULL),
                NP_EINVAL);
  ASSERT_EQ_INT(np_gw_start_response(sr, "200", NULL, 0, NULL), NP_EINVAL);
  ASSERT_EQ_INT(np_gw_start_response(sr, "2000 OK", NULL, 0, NULL),
                NP_EINVAL);
  return np_gw_start_response(sr, "200 OK", NULL, 0, NULL);
}

TEST(start_response_refuses_hop_by_hop_and_injection) {
  harness h;
  h_init(&h, "GET", "HTTP/1.1");
  ASSERT_OK(h_run(&h, bad_headers, NULL));
  ASSERT_EQ_INT(h.res.code, 200);
  h_free(&h);
}

static int write_first(void *ctx, np_gw_environ *env, np_gw_start *sr,
                       np_gw_body *body) {
  return np_gw_write(sr, "x", 1);
}

TEST(write_before_start_response_fails_the_request) {
  harness h;
  h_init(&h, "GET", "HTTP/1.1");
  ASSERT_OK(h_run(&h, write_first, NULL));
  ASSERT_EQ_INT(h.res.code, 500);
  ASSERT_EQ_INT(h.res.app_status, NP_ESTATE);
  ASSERT(strstr(h.errs.data, "application failed") != NULL);
  h_free(&h);
}

/* ---- the server's duties ---- */

TEST(hello_gets_content_length_date_server) {
  harness h;
  h_init(&h, "GET", "HTTP/1.1");
  ASSERT_OK(h_run(&h, hello, NULL));
  ASSERT(strstr(h.out.data, "\r\nDate: ") != NULL);
  ASSERT(strcmp(h_text(&h), "HTTP/1.1 200 OK\r\nServer: test/1\r\n"
                            "Content-Type: text/plain\r\n"
                            "Content-Length: 13\r\n\r\nHello world!\n") == 0);
  ASSERT(!h.res.close);
  h_free(&h);
}

TEST(head_gets_no_body) {
  harness h;
  h_init(&h, "HEAD", "HTTP/1.1");
  ASSERT_OK(h_run(&h, hello, NULL));
  ASSERT(strcmp(h_text(&h), "HTTP/1.1 200 OK\r\nServer: test/1\r\n"
                            "Content-Type: text/plain\r\n"
                            "Content-Length: 13\r\n\r\n") == 0);
  h_free(&h);
}

typedef struct gen_state {
  int n, closed;
} gen_state;

static int gen_next(np_gw_body *b, np_gw_chunk *out) {
  gen_state *g = b->ctx;
  static const char *parts[] = {"one,", "", "two,", "three"};
  if (g->n >= 4)
    return NP_GW_END;
  memset(out, 0, sizeof *out);
  out->data = parts[g->n];
  out->len = strlen(parts[g->n]);
  g->n++;
  return NP_OK;
}

static void gen_close(np_gw_body *b) { ((gen_state *)b->ctx)->closed++; }

static int generator_app(void *ctx, np_gw_environ *env, np_gw_start *sr,
                         np_gw_body *body) {
  int rc = np_gw_start_response(sr, "200 OK", text_plain, 1, NULL);
  return rc < 0 ? rc
                : np_gw_body_generator(body, gen_next, gen_close, ctx, -1);
}

TEST(generator_is_chunked_on_http11_and_closed) {
  harness h;
  gen_state g = {0, 0};
  h_init(&h, "GET", "HTTP/1.1");
  ASSERT_OK(h_run(&h, generator_app, &g));
  ASSERT(strcmp(h_text(&h), "HTTP/1.1 200 OK\r\nServer: test/1\r\n"
                            "Content-Type: text/plain\r\n"
                            "Transfer-Encoding: chunked\r\n\r\n"
                            "4\r\none,\r\n4\r\ntwo,\r\n5\r\nthree\r\n"
                            "0\r\n\r\n") == 0);
  ASSERT_EQ_INT(g.closed, 1);
  ASSERT(!h.res.close);
  h_free(&h);
}

TEST(generator_on_http10_closes_the_connection) {
  harness h;
  gen_state g = {0, 0};
  h_init(&h, "GET", "HTTP/1.0");
  ASSERT_OK(h_run(&h, generator_app, &g));
  ASSERT(strstr(h_text(&h), "chunked") == NULL);
  ASSERT(strstr(h.out.data, "\r\n\r\none,two,three") != NULL);
  ASSERT(h.res.close);
  ASSERT_EQ_INT(g.closed, 1);
  h_free(&h);
}

static int fail_next(np_gw_body *b, np_gw_chunk *out) {
  gen_state *g = b->ctx;
  if (g->n++ == 0) {
    memset(out, 0, sizeof *out);
    out->data = "partial";
    out->len = 7;
    return NP_OK;
  }
  return NP_EINVAL;
}

static int fail_midway(void *ctx, np_gw_environ *env, np_gw_start *sr,
                       np_gw_body *body) {
  int rc = np_gw_start_response(sr, "200 OK", text_plain, 1, NULL);
  return rc < 0 ? rc
                : np_gw_body_generator(body, fail_next, gen_close, ctx, -1);
}

TEST(failure_after_headers_closes_and_logs_and_still_calls_close) {
  harness h;
  gen_state g = {0, 0};
  h_init(&h, "GET", "HTTP/1.1");
  ASSERT_OK(h_run(&h, fail_midway, &g));
  ASSERT(h.res.close);
  ASSERT_EQ_INT(h.res.code, 200);
  ASSERT_EQ_INT(g.closed, 1);
  ASSERT(strstr(h.errs.data, "NP_EINVAL") != NULL);
  h_free(&h);
}

static int raises(void *ctx, np_gw_environ *env, np_gw_start *sr,
                  np_gw_body *body) {
  return NP_ENOMEM;
}

TEST(failure_before_headers_is_a_500_with_python_body) {
  harness h;
  h_init(&h, "GET", "HTTP/1.1");
  ASSERT_OK(h_run(&h, raises, NULL));
  ASSERT(strcmp(h_text(&h),
                "HTTP/1.1 500 Internal Server Error\r\nServer: test/1\r\n"
                "Content-Type: text/plain\r\nContent-Length: 59\r\n\r\n"
                "A server error occurred.  Please contact the "
                "administrator.") == 0);
  ASSERT(strstr(h.errs.data, "NP_ENOMEM") != NULL);
  h_free(&h);
}

static int legacy_write(void *ctx, np_gw_environ *env, np_gw_start *sr,
                        np_gw_body *body) {
  int rc = np_gw_start_response(sr, "200 OK", text_plain, 1, NULL);
  if (rc == NP_OK)
    rc = np_gw_write(sr, "via write;", 10);
  return rc < 0 ? rc : np_gw_body_bytes(body, "then body", 9);
}

TEST(write_then_body_in_order) {
  harness h;
  h_init(&h, "GET", "HTTP/1.1");
  ASSERT_OK(h_run(&h, legacy_write, NULL));
  /* chunk sizes in either case of hex */
  ASSERT(strstr(h.out.data, "Transfer-Encoding: chunked\r\n\r\n") != NULL);
  ASSERT(strstr(h.out.data, "\r\nvia write;\r\n9\r\nthen body\r\n0\r\n\r\n"));
  h_free(&h);
}

static int declared_short(void *ctx, np_gw_environ *env, np_gw_start *sr,
                          np_gw_body *body) {
  static const np_gw_header cl[] = {{"Content-Length", "3"}};
  int rc = np_gw_start_response(sr, "200 OK", cl, 1, NULL);
  return rc < 0 ? rc : np_gw_body_bytes(body, (const char *)ctx,
                                        strlen((const char *)ctx));
}

TEST(declared_content_length_bounds_the_body) {
  harness h;
  h_init(&h, "GET", "HTTP/1.1");
  ASSERT_OK(h_run(&h, declared_short, "abcdef"));
  ASSERT(strstr(h.out.data, "\r\n\r\nabc") != NULL);
  ASSERT(strstr(h.out.data, "abcd") == NULL);
  h_free(&h);
  h_init(&h, "GET", "HTTP/1.1");
  ASSERT_OK(h_run(&h, declared_short, "a"));
  ASSERT(h.res.close); /* shorter than announced: the connection ends */
  h_free(&h);
}

static int file_app(void *ctx, np_gw_environ *env, np_gw_start *sr,
                    np_gw_body *body) {
  int rc = np_gw_start_response(sr, "200 OK", text_plain, 1, NULL);
  np_gw_file_wrapper fw = {*(int *)ctx, 2, -1, 0};
  return rc < 0 ? rc : np_gw_body_file(body, &fw);
}

TEST(file_wrapper_sent_with_length_and_closed) {
  char path[] = "/tmp/np_gw_fileXXXXXX";
  int fd = mkstemp(path);
  ASSERT(fd >= 0);
  unlink(path);
  ASSERT_EQ_INT(write(fd, "0123456789", 10), 10);
  harness h;
  h_init(&h, "GET", "HTTP/1.1");
  ASSERT_OK(h_run(&h, file_app, &fd));
  ASSERT(strstr(h.out.data, "Content-Length: 8\r\n\r\n23456789") != NULL);
  ASSERT(fcntl(fd, F_GETFD) < 0); /* closed by the body's close */
  h_free(&h);
}

static int no_body_204(void *ctx, np_gw_environ *env, np_gw_start *sr,
                       np_gw_body *body) {
  return np_gw_start_response(sr, "204 No Content", NULL, 0, NULL);
}

TEST(empty_body_gets_zero_length_and_204_none) {
  harness h;
  h_init(&h, "GET", "HTTP/1.1");
  ASSERT_OK(h_run(&h, no_body_204, NULL));
  ASSERT(strcmp(h_text(&h), "HTTP/1.1 204 No Content\r\nServer: test/1\r\n\r\n")
         == 0);
  h_free(&h);
}

TEST(cgi_mode_writes_status_header) {
  harness h;
  h_init(&h, "GET", "HTTP/1.1");
  np_gw_cgi_options_init(&h.o);
  ASSERT_OK(h_run(&h, hello, NULL));
  ASSERT(strcmp(h_text(&h), "Status: 200 OK\r\nContent-Type: text/plain\r\n"
                            "Content-Length: 13\r\n\r\nHello world!\n") == 0);
  ASSERT_EQ_INT(np_gw_environ_flags(h.env),
                NP_GW_MULTIPROCESS | NP_GW_RUN_ONCE);
  h_free(&h);
}

/* ---- headers ---- */

TEST(headers_like_python) {
  np_gw_headers *h;
  ASSERT_OK(np_gw_headers_new(&h));
  np_gw_header init[] = {{"Content-Type", "text/html"}, {"X-A", "1"},
                         {"x-a", "2"}};
  ASSERT_OK(np_gw_headers_extend(h, init, 3));
  ASSERT(strcmp(np_gw_headers_get(h, "X-a"), "1") == 0);
  size_t from = 0;
  ASSERT_EQ_INT(np_gw_headers_next(h, "x-A", &from), 1);
  ASSERT_EQ_INT(np_gw_headers_next(h, "x-A", &from), 2);
  ASSERT_EQ_INT(np_gw_headers_next(h, "x-A", &from), -1);
  ASSERT_OK(np_gw_headers_set(h, "X-A", "3"));
  ASSERT_EQ_INT(np_gw_headers_count(h), 2);
  const char *v;
  ASSERT_OK(np_gw_headers_setdefault(h, "X-A", "9", &v));
  ASSERT(strcmp(v, "3") == 0);
  ASSERT_OK(np_gw_headers_setdefault(h, "X-B", "9", &v));
  ASSERT(strcmp(v, "9") == 0);
  ASSERT_EQ_INT(np_gw_headers_remove(h, "content-type"), 1);
  np_gw_param p[] = {{"filename", "a \"b\".txt"}, {"x_y", NULL}};
  ASSERT_OK(np_gw_headers_add(h, "Content-Disposition", "attachment", p, 2));
  np_buf b;
  np_buf_init(&b, 0);
  ASSERT_OK(np_gw_headers_format(h, &b));
  ASSERT_EQ_MEM(b.data, b.len,
                "X-A: 3\r\nX-B: 9\r\nContent-Disposition: attachment; "
                "filename=\"a \\\"b\\\".txt\"; x-y\r\n\r\n");
  ASSERT_EQ_INT(np_gw_headers_set(h, "X", "a\nb"), NP_EINVAL);
  np_buf_free(&b);
  np_gw_headers_free(h);
}

/* ---- util ---- */

TEST(shift_path_info_examples_from_python_docs) {
  np_gw_environ *e;
  ASSERT_OK(np_gw_environ_new(&e));
  ASSERT_OK(np_gw_environ_set_cstr(e, "SCRIPT_NAME", "/foo"));
  ASSERT_OK(np_gw_environ_set_cstr(e, "PATH_INFO", "/bar/baz"));
  np_buf name;
  np_buf_init(&name, 0);
  bool has;
  ASSERT_OK(np_gw_shift_path_info(e, &name, &has));
  ASSERT(has);
  ASSERT_EQ_MEM(name.data, name.len, "bar");
  ASSERT_EQ_SLICE(np_gw_environ_get(e, "SCRIPT_NAME"), "/foo/bar");
  ASSERT_EQ_SLICE(np_gw_environ_get(e, "PATH_INFO"), "/baz");
  np_buf_free(&name);
  np_gw_environ_free(e);
}

TEST(request_uri_quotes_path) {
  np_gw_environ *e;
  ASSERT_OK(np_gw_environ_new(&e));
  ASSERT_OK(np_gw_setup_testing_defaults(e));
  ASSERT_OK(np_gw_environ_set_cstr(e, "PATH_INFO", "/a b;c"));
  ASSERT_OK(np_gw_environ_set_cstr(e, "QUERY_STRING", "x=1"));
  np_buf b;
  np_buf_init(&b, 0);
  ASSERT_OK(np_gw_request_uri(e, true, &b));
  ASSERT_EQ_MEM(b.data, b.len, "http://127.0.0.1/a%20b;c?x=1");
  np_buf_free(&b);
  np_gw_environ_free(e);
}

/* ---- CGI handlers ---- */

static int path_app(void *ctx, np_gw_environ *env, np_gw_start *sr,
                    np_gw_body *body) {
  np_buf *b = ctx;
  np_slice p = np_gw_environ_get(env, "PATH_INFO");
  np_buf_printf(b, "%.*s", NP_SLICE_ARG(p));
  np_buf in;
  np_buf_init(&in, 0);
  int rc = np_gw_input_read_all(np_gw_environ_input(env), &in);
  np_buf_printf(b, "|%.*s", (int)in.len, in.data ? in.data : "");
  np_buf_free(&in);
  if (rc == NP_OK)
    rc = np_gw_start_response(sr, "200 OK", text_plain, 1, NULL);
  return rc < 0 ? rc : np_gw_body_bytes(body, b->data, b->len);
}

static void cgi_case(bool iis, const char *want) {
  int in[2], out[2], err[2];
  ASSERT_OK(pipe(in));
  ASSERT_OK(pipe(out));
  ASSERT_OK(pipe(err));
  ASSERT_EQ_INT(write(in[1], "bodyMORE", 8), 8);
  np_gw_environ *env;
  ASSERT_OK(np_gw_environ_new(&env));
  ASSERT_OK(np_gw_environ_set_cstr(env, "SCRIPT_NAME", "/app"));
  ASSERT_OK(np_gw_environ_set_cstr(env, "PATH_INFO", "/app/x"));
  ASSERT_OK(np_gw_environ_set_cstr(env, "CONTENT_LENGTH", "4"));
  ASSERT_OK(np_gw_environ_set_cstr(env, "REQUEST_METHOD", "POST"));
  np_buf b;
  np_buf_init(&b, 0);
  np_gw_app app = {path_app, &b};
  ASSERT_OK(np_gw_cgi_run(app, env, in[0], out[1], dup(err[1]), iis));
  char got[512];
  ssize_t n = read(out[0], got, sizeof got - 1);
  ASSERT(n > 0);
  got[n] = '\0';
  ASSERT(strstr(got, want) != NULL);
  ASSERT(strncmp(got, "Status: 200 OK\r\n", 16) == 0);
  np_buf_free(&b);
  np_gw_environ_free(env);
  for (int i = 0; i < 2; i++) {
    close(in[i]);
    close(out[i]);
    close(err[i]);
  }
}

TEST(base_cgi_handler_reads_content_length_only) {
  cgi_case(false, "\r\n\r\n/app/x|body");
}

TEST(iis_cgi_handler_strips_script_name_from_path_info) {
  cgi_case(true, "\r\n\r\n/x|body");
}

TEST(read_environ_takes_the_process_variables) {
  ASSERT_OK(setenv("NP_GW_TEST_VAR", "a=b c", 1));
  np_gw_environ *env;
  ASSERT_OK(np_gw_environ_new(&env));
  ASSERT_OK(np_gw_read_environ(env));
  ASSERT_EQ_SLICE(np_gw_environ_get(env, "NP_GW_TEST_VAR"), "a=b c");
  np_gw_environ_free(env);
}

/* ---- the descriptor output: buffered writes, sendfile to a socket ---- */

TEST(fd_output_sends_file_body_with_sendfile_over_a_socket) {
  char path[] = "/tmp/np_gw_sfXXXXXX";
  int fd = mkstemp(path);
  ASSERT(fd >= 0);
  unlink(path);
  static char data[200000];
  for (size_t i = 0; i < sizeof data; i++)
    data[i] = (char)('a' + i % 23);
  ASSERT_EQ_INT(write(fd, data, sizeof data), (long)sizeof data);
  int sv[2];
  ASSERT_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
  /* the reader runs in a child so that the socket never fills up */
  pid_t pid = fork();
  if (pid == 0) {
    close(sv[1]);
    static char got[300000];
    size_t n = 0;
    ssize_t r;
    while ((r = read(sv[0], got + n, sizeof got - n)) > 0)
      n += (size_t)r;
    char *body = NULL; /* the end of the head */
    for (size_t i = 0; !body && i + 4 <= n; i++)
      if (memcmp(got + i, "\r\n\r\n", 4) == 0)
        body = got + i + 4;
    /* file_app sends the file from offset 2 */
    _exit(body && (size_t)(got + n - body) == sizeof data - 2 &&
                  memcmp(body, data + 2, sizeof data - 2) == 0
              ? 0
              : 1);
  }
  close(sv[0]);
  np_gw_environ *env;
  ASSERT_OK(np_gw_environ_new(&env));
  ASSERT_OK(np_gw_setup_testing_defaults(env));
  np_gw_output out;
  np_gw_output_fd(&out, sv[1]);
  np_gw_handler_options o;
  np_gw_handler_options_init(&o);
  np_gw_result res;
  np_gw_app app = {file_app, &fd};
  ASSERT_OK(np_gw_handler_run(&o, app, env, &out, &res));
  np_gw_output_close(&out);
  close(sv[1]);
  int status;
  ASSERT_EQ_INT(waitpid(pid, &status, 0), pid);
  ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_EQ_INT(res.body_bytes, sizeof data - 2);
  np_gw_environ_free(env);
}

/* ---- bodies pulled as bytes (servers that cannot sendfile) ---- */

TEST(body_buffers_and_next_bytes_over_a_file) {
  np_gw_body b;
  np_gw_body_init(&b);
  np_slice parts[] = {{"ab", 2}, {"", 0}, {"cde", 3}};
  ASSERT_OK(np_gw_body_buffers(&b, parts, 3));
  ASSERT_EQ_INT(b.length, 5);
  ASSERT_EQ_INT(b.nchunks, 3);
  np_gw_chunk c;
  ASSERT_OK(np_gw_body_next(&b, &c));
  ASSERT_EQ_MEM(c.data, c.len, "ab");
  ASSERT_OK(np_gw_body_next(&b, &c)); /* the empty part is skipped */
  ASSERT_EQ_MEM(c.data, c.len, "cde");
  ASSERT_EQ_INT(np_gw_body_next(&b, &c), NP_GW_END);
  np_gw_body_close(&b);
  ASSERT_EQ_INT(np_gw_body_next(&b, &c), NP_ESTATE); /* after close */

  char path[] = "/tmp/np_gw_nbXXXXXX";
  int fd = mkstemp(path);
  ASSERT(fd >= 0);
  unlink(path);
  ASSERT_EQ_INT(write(fd, "0123456789", 10), 10);
  np_gw_body_init(&b);
  np_gw_file_wrapper fw = {fd, 1, 7, 3}; /* bytes 1..7, blocks of 3 */
  ASSERT_OK(np_gw_body_file(&b, &fw));
  ASSERT_EQ_INT(b.length, 7);
  char scratch[64];
  np_buf all;
  np_buf_init(&all, 0);
  int rc, blocks = 0;
  while ((rc = np_gw_body_next_bytes(&b, &c, scratch, sizeof scratch)) ==
         NP_OK) {
    ASSERT(c.len <= 3);
    np_buf_append(&all, c.data, c.len);
    blocks++;
  }
  ASSERT_EQ_INT(rc, NP_GW_END);
  ASSERT_EQ_MEM(all.data, all.len, "1234567");
  ASSERT_EQ_INT(blocks, 3);
  np_gw_body_close(&b);
  ASSERT(fcntl(fd, F_GETFD) < 0); /* FileWrapper.close closed it */
  np_buf_free(&all);
}
