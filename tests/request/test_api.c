/* urllib.request's smaller calls, each on its own: Request attributes,
 * an OpenerDirector assembled handler by handler (each built-in handler
 * shown to do its part), addheaders, getproxies and the response object.
 * Expected values are CPython 3.11's for the same steps. */
#include "netproto/request.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TEST(request_origin_host_unverifiable_and_timeout) {
  np_request *r;
  const char *u = "http://WWW.Example.com:81/x";
  ASSERT_OK(np_request_new(&r, u, strlen(u), NULL));
  ASSERT(strcmp(np_request_origin_req_host(r), "www.example.com") == 0);
  ASSERT_EQ_INT(np_request_unverifiable(r), 0);
  ASSERT_EQ_INT(np_request_timeout(r), -1); /* none */
  ASSERT_OK(np_request_set_origin_req_host(r, "o"));
  np_request_set_unverifiable(r, 1);
  np_request_set_timeout(r, 2500);
  ASSERT(strcmp(np_request_origin_req_host(r), "o") == 0);
  ASSERT_EQ_INT(np_request_unverifiable(r), 1);
  ASSERT_EQ_INT(np_request_timeout(r), 2500);
  np_request_free(r);
}

TEST(opener_addheaders_replace_by_name) {
  np_opener *o;
  ASSERT_OK(np_opener_new(&o));
  ASSERT_OK(np_opener_add_header(o, "X-one", "1"));
  ASSERT_EQ_INT(np_opener_header_count(o), 2); /* User-agent first */
  ASSERT_OK(np_opener_add_header(o, "User-agent", "mine/1"));
  ASSERT_EQ_INT(np_opener_header_count(o), 2);
  ASSERT_EQ_SLICE(np_opener_header_at(o, 0).value, "mine/1");
  ASSERT_EQ_SLICE(np_opener_header_at(o, 1).name, "X-one");
  ASSERT_EQ_SLICE(np_opener_header_at(o, 1).value, "1");
  np_opener_free(o);
}

static np_opener *bare_opener(np_handler *h) {
  np_opener *o;
  ASSERT_OK(np_opener_new(&o));
  ASSERT(h != NULL);
  ASSERT_OK(np_opener_add_handler(o, h));
  return o;
}

static int open_status(np_opener *o, const char *url, np_error *err) {
  np_response *r = NULL;
  int rc = np_opener_open_url(o, url, NULL, 0, 2000, &r, err);
  np_response_free(r);
  return rc;
}

TEST(each_builtin_handler_opens_its_scheme_alone) {
  np_error err = NP_ERROR_INIT;
  np_opener *o = bare_opener(np_handler_data_new());
  np_response *r;
  ASSERT_OK(np_opener_open_url(o, "data:,hi", NULL, 0, -1, &r, NULL));
  np_buf b;
  np_buf_init(&b, 0);
  ASSERT_OK(np_response_read_all(r, &b, NULL));
  ASSERT_EQ_MEM(b.data, b.len, "hi");
  np_response_free(r);
  ASSERT_EQ_INT(open_status(o, "file:///", &err), NP_EREQUEST_UNKNOWN_TYPE);
  np_opener_free(o);

  char path[] = "/tmp/np_request_api_XXXXXX";
  int fd = mkstemp(path);
  ASSERT(fd >= 0 && write(fd, "file body", 9) == 9);
  close(fd);
  char url[64];
  snprintf(url, sizeof url, "file://%s", path);
  o = bare_opener(np_handler_file_new());
  ASSERT_OK(np_opener_open_url(o, url, NULL, 0, -1, &r, NULL));
  b.len = 0;
  ASSERT_OK(np_response_read_all(r, &b, NULL));
  ASSERT_EQ_MEM(b.data, b.len, "file body");
  np_response_free(r);
  np_opener_free(o);
  unlink(path);

  /* unknown_open: any scheme no other handler took is URLError */
  o = bare_opener(np_handler_unknown_new());
  ASSERT_EQ_INT(open_status(o, "data:,x", &err), NP_EREQUEST_UNKNOWN_TYPE);
  ASSERT(strcmp(err.message, "unknown url type: data") == 0);
  np_opener_free(o);

  /* the http handler opens http: port 1 refuses, which is not "unknown" */
  o = bare_opener(np_handler_http_new());
  int rc = open_status(o, "http://127.0.0.1:1/", &err);
  ASSERT(rc != NP_OK && rc != NP_EREQUEST_UNKNOWN_TYPE);
  ASSERT_EQ_INT(open_status(o, "https://127.0.0.1:1/", &err),
                NP_EREQUEST_UNKNOWN_TYPE);
  np_opener_free(o);
  np_error_clear(&err);
  np_buf_free(&b);
}

/* An "http" opener that answers every request 404 without a network. */
static int answer_404(np_handler *h, np_opener *o, np_request *req,
                      np_response **out, np_error *err) {
  (void)h, (void)o, (void)err;
  return np_response_new(out, np_request_full_url(req), 404, "Not Found",
                         NULL);
}

static void free_handler(np_handler *h) { free(h); }

TEST(error_processor_turns_a_404_into_httperror) {
  np_handler *fake = calloc(1, sizeof *fake);
  fake->kind = "http";
  fake->order = 500;
  fake->schemes = "http";
  fake->open = answer_404;
  fake->destroy = free_handler;
  np_opener *o = bare_opener(fake);
  np_error err = NP_ERROR_INIT;
  ASSERT_OK(open_status(o, "http://h/", &err)); /* no processor: a response */
  ASSERT_OK(np_opener_add_handler(o, np_handler_error_processor_new()));
  ASSERT_OK(np_opener_add_handler(o, np_handler_default_error_new()));
  ASSERT_EQ_INT(open_status(o, "http://h/", &err), NP_EREQUEST_HTTP);
  ASSERT_EQ_INT(err.value, 404);
  np_error_clear(&err);
  np_opener_free(o);
}

TEST(getproxies_reads_the_process_environment) {
  ASSERT(setenv("http_proxy", "http://proxy.test:3128", 1) == 0);
  ASSERT(setenv("no_proxy", "local.test", 1) == 0);
  np_proxies p = {0};
  ASSERT_OK(np_getproxies(&p));
  ASSERT(strcmp(np_proxies_get(&p, "http"), "http://proxy.test:3128") == 0);
  ASSERT(strcmp(np_proxies_get(&p, "no"), "local.test") == 0);
  ASSERT(np_proxies_get(&p, "gopher") == NULL);
  np_proxies_free(&p);
  unsetenv("http_proxy");
  unsetenv("no_proxy");
}

static int closes;
static void count_close(void *ctx) {
  (void)ctx;
  closes++;
}
static int give_abc(void *ctx, void *buf, size_t cap, size_t *got,
                    np_error *err) {
  (void)ctx, (void)err;
  *got = cap < 3 ? cap : 3;
  memcpy(buf, "abc", *got);
  return NP_OK;
}

TEST(response_headers_and_close) {
  np_response_body body = {give_abc, count_close, NULL};
  np_response *r;
  ASSERT_OK(np_response_new(&r, "x:", 200, "OK", &body));
  ASSERT_OK(np_response_add_header(r, "A", 1, "1", 1));
  ASSERT_OK(np_response_add_header(r, "B", 1, "two", 3));
  ASSERT_EQ_INT(np_response_header_count(r), 2);
  ASSERT_EQ_SLICE(np_response_header_at(r, 1).name, "B");
  ASSERT_EQ_SLICE(np_response_header_at(r, 1).value, "two");
  ASSERT(np_response_header_at(r, 2).name.ptr == NULL);
  char buf[8];
  size_t got;
  ASSERT_OK(np_response_read1(r, buf, sizeof buf, &got, NULL));
  ASSERT_EQ_INT(got, 3);
  closes = 0;
  np_response_close(r);
  np_response_close(r); /* once only */
  ASSERT_EQ_INT(closes, 1);
  ASSERT_OK(np_response_read(r, buf, sizeof buf, &got, NULL));
  ASSERT_EQ_INT(got, 0); /* closed: the end */
  np_response_free(r);
  ASSERT_EQ_INT(closes, 1);
}

/* An "http" opener whose answer is a 401 with a 70 KiB Digest nonce. */
static int answer_big_digest(np_handler *h, np_opener *o, np_request *req,
                             np_response **out, np_error *err) {
  (void)h, (void)o, (void)err;
  int rc = np_response_new(out, np_request_full_url(req), 401, "No", NULL);
  size_t n = 70 * 1024;
  char *v = malloc(n + 64);
  int k = snprintf(v, 64, "Digest realm=\"r\", nonce=\"");
  memset(v + k, 'a', n);
  memcpy(v + k + n, "\"", 2);
  if (rc == NP_OK)
    rc = np_response_add_header(*out, "WWW-Authenticate", 16, v, strlen(v));
  free(v);
  return rc;
}

TEST(digest_challenge_item_past_64k_is_an_error_not_cut) {
  np_handler *fake = calloc(1, sizeof *fake);
  fake->kind = "http";
  fake->order = 500;
  fake->schemes = "http";
  fake->open = answer_big_digest;
  fake->destroy = free_handler;
  np_password_mgr *m;
  ASSERT_OK(np_password_mgr_new(&m, NP_PASSWORD_MGR_DEFAULT_REALM));
  ASSERT_OK(np_password_mgr_add(m, NULL, "http://h/", "u", "p", 0));
  np_opener *o = bare_opener(fake);
  ASSERT_OK(np_opener_add_handler(o, np_handler_error_processor_new()));
  ASSERT_OK(np_opener_add_handler(o, np_handler_digest_auth_new(m)));
  np_error err = NP_ERROR_INIT;
  ASSERT_EQ_INT(open_status(o, "http://h/", &err), NP_ETOOLARGE);
  ASSERT(strstr(err.message, "digest challenge") != NULL);
  np_error_clear(&err);
  np_opener_free(o);
  np_password_mgr_free(m);
}

TEST(unwrap_strips_as_str_strip_and_url_prefix_is_case_sensitive) {
  /* CPython 3.11: Request(s).full_url / .type for each s */
  static const struct {
    const char *in, *full, *type;
  } cases[] = {
      {"<URL:http://a/b>", "http://a/b", "http"},
      {"<url:http://a/b>", "url:http://a/b", "url"},
      {" \x1chttp://a/b\x1f ", "http://a/b", "http"},
      {"<\x1c http://a/ >", "http://a/", "http"},
      {"<URL: http://a/ >", "http://a/", "http"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    np_request *r;
    ASSERT_OK(np_request_new(&r, cases[i].in, strlen(cases[i].in), NULL));
    ASSERT(strcmp(np_request_full_url(r), cases[i].full) == 0);
    ASSERT(strcmp(np_request_type(r), cases[i].type) == 0);
    np_request_free(r);
  }
}
