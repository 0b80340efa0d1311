/* urllib.request without a network: Request objects, the opener's
 * handler protocol, data: and file: URLs, responses.  Expected values are
 * what CPython 3.11 gives for the same calls. */
#include "netproto/request.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static np_request *req_of(const char *url) {
  np_request *r = NULL;
  ASSERT_OK(np_request_new(&r, url, strlen(url), NULL));
  return r;
}

TEST(request_splits_type_host_selector_fragment) {
  np_request *r = req_of("http://www.example.com:8080/a/b?c#frag");
  ASSERT(strcmp(np_request_type(r), "http") == 0);
  ASSERT(strcmp(np_request_host(r), "www.example.com:8080") == 0);
  ASSERT(strcmp(np_request_selector(r), "/a/b?c") == 0);
  ASSERT(strcmp(np_request_fragment(r), "frag") == 0);
  ASSERT(strcmp(np_request_full_url(r), "http://www.example.com:8080/a/b?c#frag") == 0);
  ASSERT(strcmp(np_request_origin_req_host(r), "www.example.com") == 0);
  ASSERT(strcmp(np_request_get_method(r), "GET") == 0);
  np_request_free(r);
}

TEST(request_unwraps_and_lowercases_type) {
  np_request *r = req_of("  <URL:HTTP://h/x>  ");
  ASSERT(strcmp(np_request_type(r), "http") == 0);
  ASSERT(strcmp(np_request_full_url(r), "HTTP://h/x") == 0);
  ASSERT(np_request_fragment(r) == NULL);
  np_request_free(r);
}

TEST(request_selector_rules) {
  np_request *r = req_of("http://h");
  ASSERT(strcmp(np_request_selector(r), "") == 0);
  np_request_free(r);
  r = req_of("http://h?q");
  ASSERT(strcmp(np_request_selector(r), "/?q") == 0);
  np_request_free(r);
  r = req_of("http://%41b/x");
  ASSERT(strcmp(np_request_host(r), "Ab") == 0);
  ASSERT(strcmp(np_request_origin_req_host(r), "%41b") == 0);
  np_request_free(r);
  r = req_of("data:,hi");
  ASSERT(strcmp(np_request_host(r), "") == 0);
  ASSERT(strcmp(np_request_selector(r), ",hi") == 0);
  np_request_free(r);
}

TEST(request_without_scheme_is_unknown_type) {
  np_request *r = NULL;
  np_error err = NP_ERROR_INIT;
  ASSERT_EQ_INT(np_request_new(&r, "nocolon", 7, &err), NP_EREQUEST_UNKNOWN_TYPE);
  ASSERT(r == NULL);
  ASSERT(strstr(err.message, "unknown url type: 'nocolon'") != NULL);
  np_error_clear(&err);
}

TEST(request_headers_capitalized_and_method_derived) {
  np_request *r = req_of("http://h/");
  ASSERT_OK(np_request_set_data(r, "x", 1));
  ASSERT(strcmp(np_request_get_method(r), "POST") == 0);
  ASSERT_OK(np_request_add_header(r, "content-TYPE", "a"));
  ASSERT_OK(np_request_add_header(r, "Content-Type", "b"));
  ASSERT_EQ_INT(np_request_header_count(r), 1);
  ASSERT_EQ_SLICE(np_request_header_at(r, 0).name, "Content-type");
  ASSERT_EQ_SLICE(np_request_get_header(r, "CONTENT-type"), "b");
  ASSERT_OK(np_request_add_unredirected_header(r, "X-a", "u"));
  ASSERT_EQ_SLICE(np_request_get_header(r, "x-A"), "u");
  np_request_remove_header(r, "x-a");
  ASSERT_ABSENT(np_request_get_header(r, "X-a"));
  ASSERT_EQ_INT(np_request_add_header(r, "X", "a\r\nb"), NP_EINVAL);
  ASSERT_OK(np_request_set_method(r, "PUT"));
  ASSERT(strcmp(np_request_get_method(r), "PUT") == 0);
  ASSERT_OK(np_request_set_data(r, NULL, 0));
  ASSERT_OK(np_request_set_method(r, NULL));
  ASSERT(strcmp(np_request_get_method(r), "GET") == 0);
  np_request_free(r);
}

static np_buf open_body(np_opener *o, const char *url, np_response **out) {
  np_buf b;
  np_buf_init(&b, 0);
  ASSERT_OK(np_opener_open_url(o, url, NULL, 0, -1, out, NULL));
  ASSERT_OK(np_response_read_all(*out, &b, NULL));
  return b;
}

TEST(data_urls_as_python) {
  static const struct {
    const char *url, *type, *body;
  } cases[] = {
      {"data:,A%20brief%20note", "text/plain;charset=US-ASCII", "A brief note"},
      {"data:text/html;base64,PGI+aGk8L2I+", "text/html", "<b>hi</b>"},
      {"data:;base64,SGVsbG8=", "text/plain;charset=US-ASCII", "Hello"},
      {"data:;base64,SGk=", "text/plain;charset=US-ASCII", "Hi"},
      {"data:text/plain;charset=utf-8,%E2%82%AC", "text/plain;charset=utf-8",
       "\xe2\x82\xac"}};
  np_opener *o;
  ASSERT_OK(np_build_opener(&o, NULL, 0, NULL));
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    np_response *r;
    np_buf b = open_body(o, cases[i].url, &r);
    ASSERT_EQ_MEM(b.data, b.len, cases[i].body);
    ASSERT_EQ_SLICE(np_response_getheader(r, "content-type"), cases[i].type);
    char len[32];
    snprintf(len, sizeof len, "%zu", strlen(cases[i].body));
    ASSERT_EQ_MEM(np_response_getheader(r, "Content-length").ptr,
                  np_response_getheader(r, "Content-length").len, len);
    ASSERT_EQ_INT(np_response_status(r), 0);
    ASSERT(strcmp(np_response_url(r), cases[i].url) == 0);
    np_buf_free(&b);
    np_response_free(r);
  }
  np_response *r = NULL;
  np_error err = NP_ERROR_INIT;
  ASSERT_EQ_INT(np_opener_open_url(o, "data:nocomma", NULL, 0, -1, &r, &err),
                NP_EREQUEST_URL);
  ASSERT_EQ_INT(np_opener_open_url(o, "data:;base64,SGVsbG8", NULL, 0, -1, &r,
                                   &err), NP_EREQUEST_URL);
  ASSERT(r == NULL);
  np_error_clear(&err);
  np_opener_free(o);
}

TEST(file_urls_local_only_with_headers) {
  char path[] = "/tmp/np_request_XXXXXX";
  int fd = mkstemp(path);
  ASSERT(fd >= 0);
  ASSERT(write(fd, "line one\nline two\nend", 21) == 21);
  close(fd);
  char url[128];
  snprintf(url, sizeof url, "file://%s", path);
  np_opener *o;
  ASSERT_OK(np_build_opener(&o, NULL, 0, NULL));
  np_response *r;
  ASSERT_OK(np_opener_open_url(o, url, NULL, 0, -1, &r, NULL));
  ASSERT_EQ_SLICE(np_response_getheader(r, "Content-type"), "text/plain");
  ASSERT_EQ_SLICE(np_response_getheader(r, "Content-length"), "21");
  ASSERT(np_response_getheader(r, "Last-modified").len == 29);
  np_buf line;
  np_buf_init(&line, 0);
  ASSERT_OK(np_response_readline(r, &line, 0, NULL));
  ASSERT_EQ_MEM(line.data, line.len, "line one\n");
  np_buf_reset(&line);
  np_error err = NP_ERROR_INIT;
  ASSERT_EQ_INT(np_response_readline(r, &line, 4, &err), NP_ETOOLARGE);
  np_buf_reset(&line);
  char rest[64];
  size_t got;
  ASSERT_OK(np_response_read(r, rest, sizeof rest, &got, NULL));
  ASSERT(got > 0);
  np_response_free(r);
  snprintf(url, sizeof url, "file://localhost%s", path);
  ASSERT_OK(np_opener_open_url(o, url, NULL, 0, -1, &r, NULL));
  ASSERT(strcmp(np_response_url(r), url) == 0);
  np_response_free(r);
  snprintf(url, sizeof url, "file://example.invalid%s", path);
  ASSERT_EQ_INT(np_opener_open_url(o, url, NULL, 0, -1, &r, &err),
                NP_EREQUEST_URL);
  ASSERT(strstr(err.message, "file not on local host") != NULL);
  ASSERT_EQ_INT(np_opener_open_url(o, "file:///nonexistent/x", NULL, 0, -1,
                                   &r, &err), NP_ESYS);
  ASSERT(strstr(err.message, "No such file") != NULL);
  ASSERT_EQ_INT(np_opener_open_url(o, "file:///tmp", NULL, 0, -1, &r, &err),
                NP_ESYS);
  unlink(path);
  np_buf_free(&line);
  np_error_clear(&err);
  np_opener_free(o);
}

TEST(unknown_scheme_is_urlerror) {
  np_opener *o;
  ASSERT_OK(np_build_opener(&o, NULL, 0, NULL));
  np_response *r;
  np_error err = NP_ERROR_INIT;
  ASSERT_EQ_INT(np_opener_open_url(o, "foo://x", NULL, 0, -1, &r, &err),
                NP_EREQUEST_UNKNOWN_TYPE);
  ASSERT(strcmp(err.message, "unknown url type: foo") == 0);
  ASSERT_EQ_INT(np_opener_open_url(o, "http:///x", NULL, 0, -1, &r, &err),
                NP_EREQUEST_URL);
  ASSERT(strcmp(err.message, "no host given") == 0);
  np_error_clear(&err);
  np_opener_free(o);
}

/* A handler for a new scheme, recording the order things happen in. */
static char trace[256];

static int mem_open(np_handler *h, np_opener *o, np_request *req,
                    np_response **out, np_error *err) {
  (void)o, (void)err;
  strcat(trace, h->ctx ? (const char *)h->ctx : "?");
  if (h->ctx && strcmp(h->ctx, "early;") == 0)
    return NP_DECLINED; /* Python's None: the next handler's turn */
  return np_response_new(out, np_request_full_url(req), 299, "Mine", NULL);
}

static int mem_pre(np_handler *h, np_opener *o, np_request *req,
                   np_error *err) {
  (void)h, (void)o, (void)err;
  strcat(trace, "pre;");
  return np_request_add_header(req, "X-seen", "1");
}

static int mem_post(np_handler *h, np_opener *o, np_request *req,
                    np_response **resp, np_error *err) {
  (void)h, (void)o, (void)err;
  strcat(trace, "post;");
  return np_request_get_header(req, "X-seen").ptr ? NP_OK : NP_EINVAL;
}

static void free_handler(np_handler *h) { free(h); }

static np_handler *mem_handler(const char *kind, int order, const char *tag) {
  np_handler *h = calloc(1, sizeof *h);
  h->kind = kind;
  h->order = order;
  h->schemes = "mem other";
  h->open = mem_open;
  h->request = mem_pre;
  h->response = mem_post;
  h->ctx = (void *)tag;
  h->destroy = free_handler;
  return h;
}

TEST(user_handler_for_new_scheme_in_handler_order) {
  np_handler *hs[] = {mem_handler("a", 600, "late;"),
                      mem_handler("b", 400, "early;")};
  np_opener *o;
  ASSERT_OK(np_build_opener(&o, hs, 2, NULL));
  np_request *req = req_of("mem:decline");
  np_response *r;
  trace[0] = '\0';
  ASSERT_OK(np_opener_open(o, req, &r, NULL));
  /* both pre-processors, the early opener declines, the late one opens */
  ASSERT(strcmp(trace, "pre;pre;early;late;post;post;") == 0);
  ASSERT_EQ_INT(np_response_status(r), 299);
  ASSERT(strcmp(np_response_reason(r), "Mine") == 0);
  np_response_free(r);
  np_request_free(req);
  np_opener_free(o);
}

TEST(build_opener_replaces_default_of_same_kind) {
  np_handler *hs[] = {mem_handler("data", 500, "mine;")};
  hs[0]->schemes = "data";
  np_opener *o;
  ASSERT_OK(np_build_opener(&o, hs, 1, NULL));
  ASSERT(np_opener_find(o, "data") == hs[0]);
  ASSERT(np_opener_find(o, "http") != NULL);
  np_response *r;
  trace[0] = '\0';
  ASSERT_OK(np_opener_open_url(o, "data:,x", NULL, 0, -1, &r, NULL));
  ASSERT_EQ_INT(np_response_status(r), 299);
  np_response_free(r);
  np_opener_free(o);
}

TEST(empty_opener_has_user_agent_and_no_handlers) {
  np_opener *o;
  ASSERT_OK(np_opener_new(&o));
  ASSERT_EQ_INT(np_opener_header_count(o), 1);
  ASSERT_EQ_SLICE(np_opener_header_at(o, 0).name, "User-agent");
  np_response *r;
  ASSERT_EQ_INT(np_opener_open_url(o, "data:,x", NULL, 0, -1, &r, NULL),
                NP_EREQUEST_UNKNOWN_TYPE);
  np_opener_free(o);
}

TEST(urlopen_with_installed_opener) {
  np_response *r;
  np_buf b;
  np_buf_init(&b, 0);
  ASSERT_OK(np_urlopen("data:,default", NULL, 0, -1, &r, NULL));
  ASSERT_OK(np_response_read_all(r, &b, NULL));
  ASSERT_EQ_MEM(b.data, b.len, "default");
  np_response_free(r);
  np_handler *hs[] = {mem_handler("data", 500, "x;")};
  hs[0]->schemes = "data";
  np_opener *o;
  ASSERT_OK(np_build_opener(&o, hs, 1, NULL));
  np_install_opener(o);
  ASSERT_OK(np_urlopen("data:,default", NULL, 0, -1, &r, NULL));
  ASSERT_EQ_INT(np_response_status(r), 299);
  np_response_free(r);
  np_install_opener(NULL);
  np_opener_free(o);
  np_urlcleanup();
  np_buf_free(&b);
}

static int err_close_count;
static void count_close(void *ctx) {
  (void)ctx;
  err_close_count++;
}

TEST(http_error_payload_is_readable_response) {
  np_response_body body = {NULL, count_close, NULL};
  np_response *r;
  ASSERT_OK(np_response_new(&r, "http://h/", 404, "Not Found", &body));
  ASSERT_OK(np_response_add_header(r, "X", 1, "y", 1));
  np_error err = NP_ERROR_INIT;
  np_handler *h = np_handler_default_error_new();
  np_opener *o;
  ASSERT_OK(np_opener_new(&o));
  ASSERT_OK(np_opener_add_handler(o, h));
  np_request *req = req_of("http://h/");
  ASSERT_EQ_INT(np_opener_error(o, req, &r, &err), NP_EREQUEST_HTTP);
  ASSERT(r == NULL);
  ASSERT_EQ_INT(err.value, 404);
  ASSERT(strcmp(err.message, "HTTP Error 404: Not Found") == 0);
  np_response *er = np_error_response(&err);
  ASSERT(er != NULL);
  ASSERT_EQ_SLICE(np_response_getheader(er, "x"), "y");
  ASSERT_EQ_INT(err_close_count, 0);
  np_error_clear(&err);
  ASSERT_EQ_INT(err_close_count, 1);
  np_request_free(req);
  np_opener_free(o);
}

/* A body source that gives at most 3 bytes a call, from a string. */
typedef struct drip {
  const char *s;
  size_t len, at;
} drip;
static int drip_read(void *ctx, void *buf, size_t cap, size_t *got,
                     np_error *err) {
  (void)err;
  drip *d = ctx;
  size_t k = d->len - d->at;
  k = k < 3 ? k : 3;
  k = k < cap ? k : cap;
  memcpy(buf, d->s + d->at, k);
  d->at += k;
  *got = k;
  return NP_OK;
}

TEST(read1_returns_one_piece_read_fills) {
  drip d = {"hello world", 11, 0};
  np_response_body body = {drip_read, NULL, &d};
  np_response *r;
  ASSERT_OK(np_response_new(&r, "x-drip:", 0, "", &body));
  ASSERT_EQ_INT(np_response_version(r), 0); /* not HTTP */
  np_response_set_version(r, 10);
  ASSERT_EQ_INT(np_response_version(r), 10);
  char buf[16];
  size_t got;
  ASSERT_OK(np_response_read1(r, buf, sizeof buf, &got, NULL));
  ASSERT_EQ_MEM(buf, got, "hel");
  ASSERT_OK(np_response_read(r, buf, 5, &got, NULL));
  ASSERT_EQ_MEM(buf, got, "lo wo");
  np_buf line;
  np_buf_init(&line, 0); /* readline keeps what it read past: read1 gets it */
  ASSERT_OK(np_response_readline(r, &line, 0, NULL));
  ASSERT_EQ_MEM(line.data, line.len, "rld");
  ASSERT_OK(np_response_read1(r, buf, sizeof buf, &got, NULL));
  ASSERT_EQ_INT(got, 0);
  np_buf_free(&line);
  np_response_free(r);
  np_response *data;
  ASSERT_OK(np_urlopen("data:,abc", NULL, 0, -1, &data, NULL));
  ASSERT_EQ_INT(np_response_version(data), 0);
  ASSERT_OK(np_response_read1(data, buf, 2, &got, NULL));
  ASSERT_EQ_MEM(buf, got, "ab");
  np_response_free(data);
  np_urlcleanup();
}

TEST(credentials_in_an_http_host_are_a_urlerror_that_hides_them) {
  np_opener *o;
  ASSERT_OK(np_build_opener(&o, NULL, 0, NULL));
  np_response *r = NULL;
  np_error err = NP_ERROR_INIT;
  const char *url = "http://someone:hunter2@127.0.0.1:1/x";
  ASSERT_EQ_INT(np_opener_open_url(o, url, NULL, 0, 1000, &r, &err),
                NP_EREQUEST_URL);
  ASSERT(r == NULL);
  ASSERT(strstr(err.message, "hunter2") == NULL);
  ASSERT(strstr(err.message, "password manager") != NULL);
  np_error_clear(&err);
  np_opener_free(o);
}

TEST(status_names) {
  ASSERT(strcmp(np_status_name(NP_EREQUEST_HTTP), "NP_EREQUEST_HTTP") == 0);
  ASSERT(strstr(np_strerror(NP_EREQUEST_CONTENT_TOO_SHORT), "ContentTooShort"));
}

/* find_user_password as HTTPPasswordMgr answers it (values from CPython). */
static const char *find_user(np_password_mgr *m, const char *realm,
                             const char *uri) {
  const char *u, *p;
  return np_password_mgr_find(m, realm, uri, &u, &p) == NP_OK ? u : NULL;
}

TEST(password_mgr_reduce_uri_and_is_suburi) {
  np_password_mgr *m;
  ASSERT_OK(np_password_mgr_new(&m, NP_PASSWORD_MGR_PLAIN));
  ASSERT_OK(np_password_mgr_add(m, "r", "http://h/a/", "u1", "p1", 0));
  ASSERT_OK(np_password_mgr_add(m, "r", "https://h:8443/x", "u2", "p2", 0));
  ASSERT_OK(np_password_mgr_add(m, "r", "h2", "u3", "p3", 0));
  static const struct {
    const char *realm, *uri, *user;
  } cases[] = {{"r", "http://h/a/b", "u1"},       {"r", "http://h:80/a/", "u1"},
               {"r", "http://h/ab", NULL},        {"r", "http://h/a", NULL},
               {"r2", "http://h/a/b", NULL},      {"r", "https://h:8443/x/y", "u2"},
               {"r", "https://h:8443/xy", NULL},  {"r", "h2", "u3"},
               {"r", "http://h2/", "u3"},         {"r", "http://h2:80/z", NULL},
               {"r", "h2:80", NULL}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *u = find_user(m, cases[i].realm, cases[i].uri);
    if (!cases[i].user)
      ASSERT(u == NULL);
    else
      ASSERT(u && strcmp(u, cases[i].user) == 0);
  }
  ASSERT_EQ_INT(np_password_mgr_is_authenticated(m, "http://h/a/"), -1);
  np_password_mgr_free(m);
}

TEST(password_mgr_default_realm_and_prior_auth) {
  np_password_mgr *d;
  ASSERT_OK(np_password_mgr_new(&d, NP_PASSWORD_MGR_DEFAULT_REALM));
  ASSERT_OK(np_password_mgr_add(d, NULL, "http://h/", "du", "dp", 0));
  ASSERT_OK(np_password_mgr_add(d, "r", "http://h/s/", "ru", "rp", 0));
  ASSERT(strcmp(find_user(d, "zz", "http://h/x"), "du") == 0);
  ASSERT(strcmp(find_user(d, "r", "http://h/s/t"), "ru") == 0);
  ASSERT(strcmp(find_user(d, "r", "http://h/x"), "du") == 0);
  np_password_mgr_free(d);
  np_password_mgr *p;
  ASSERT_OK(np_password_mgr_new(&p, NP_PASSWORD_MGR_PRIOR_AUTH));
  ASSERT_OK(np_password_mgr_add(p, "r", "http://h/p/", "pu", "pp", 1));
  ASSERT_EQ_INT(np_password_mgr_is_authenticated(p, "http://h/p/q"), 1);
  ASSERT_EQ_INT(np_password_mgr_is_authenticated(p, "http://h/q"), -1);
  ASSERT(strcmp(find_user(p, NULL, "http://h/p/q"), "pu") == 0);
  ASSERT_OK(np_password_mgr_update_authenticated(p, "http://h/p/", 0));
  ASSERT_EQ_INT(np_password_mgr_is_authenticated(p, "http://h/p/q"), 0);
  np_password_mgr_free(p);
}

TEST(pathname2url_and_back) {
  np_buf b;
  np_buf_init(&b, 0);
  ASSERT_OK(np_pathname2url(&b, "/tmp/a b/c%d?e", 14));
  ASSERT_EQ_MEM(b.data, b.len, "/tmp/a%20b/c%25d%3Fe");
  np_buf c;
  np_buf_init(&c, 0);
  ASSERT_OK(np_url2pathname(&c, b.data, b.len));
  ASSERT_EQ_MEM(c.data, c.len, "/tmp/a b/c%d?e");
  np_buf_free(&b);
  np_buf_free(&c);
}

/* ---- streamed bodies ---- */

static int body_closes;
static int nop_read(void *ctx, void *buf, size_t cap, size_t *got) {
  (void)ctx, (void)buf, (void)cap;
  *got = 0;
  return NP_OK;
}
static void body_close(void *ctx) {
  (void)ctx;
  body_closes++;
}

TEST(request_body_kinds_replace_each_other) {
  np_request *r = req_of("http://h/x");
  body_closes = 0;
  np_request_body b = {nop_read, NULL, body_close, NULL, -1};
  ASSERT_OK(np_request_add_header(r, "Content-length", "3"));
  ASSERT_OK(np_request_set_body(r, &b));
  /* as the data setter: the old Content-length goes */
  ASSERT_ABSENT(np_request_get_header(r, "Content-length"));
  ASSERT(np_request_has_data(r));
  ASSERT_ABSENT(np_request_data(r)); /* not byte data */
  ASSERT(strcmp(np_request_get_method(r), "POST") == 0);
  ASSERT_OK(np_request_set_data(r, "abc", 3)); /* replaces (body_closes) it */
  ASSERT_EQ_INT(body_closes, 1);
  ASSERT_EQ_SLICE(np_request_data(r), "abc");
  ASSERT_OK(np_request_set_body(r, &b));
  ASSERT_ABSENT(np_request_data(r));
  ASSERT_OK(np_request_set_body(r, NULL));
  ASSERT_EQ_INT(body_closes, 2);
  ASSERT(!np_request_has_data(r));
  ASSERT(strcmp(np_request_get_method(r), "GET") == 0);
  np_request_body bad = {NULL, NULL, body_close, NULL, 0};
  ASSERT_EQ_INT(np_request_set_body(r, &bad), NP_EINVAL);
  ASSERT_EQ_INT(body_closes, 3); /* owned also on failure */
  ASSERT_OK(np_request_set_body(r, &b));
  np_request_free(r);
  ASSERT_EQ_INT(body_closes, 4);
}

TEST(request_data_file_errors_and_length) {
  np_request *r = req_of("http://h/x");
  np_error err = NP_ERROR_INIT;
  ASSERT_EQ_INT(np_request_set_data_file(r, "/nonexistent/x", &err), NP_ESYS);
  ASSERT(err.sys_errno != 0);
  ASSERT_EQ_INT(np_request_set_data_file(r, "/", &err), NP_ESYS);
  ASSERT(!np_request_has_data(r));
  char path[] = "/tmp/np-body-XXXXXX";
  int fd = mkstemp(path);
  ASSERT(fd >= 0);
  ASSERT_EQ_INT(write(fd, "hello", 5), 5);
  close(fd);
  ASSERT_OK(np_request_set_data_file(r, path, &err));
  ASSERT(np_request_has_data(r));
  unlink(path);
  np_request_free(r);
  np_error_clear(&err);
}

/* ---- the keep-alive pool against a small in-process HTTP/1.1 server ---- */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>

typedef struct ka_server {
  int lfd, stop[2], port, accepted;
} ka_server;

/* Answers every request head with "ok" (Content-Length 2), keeping the
 * connection, until told to stop. */
static void *ka_serve(void *arg) {
  ka_server *s = arg;
  struct pollfd p[18];
  char buf[16][2048];
  size_t have[16];
  int n = 0;
  for (;;) {
    p[0] = (struct pollfd){s->lfd, POLLIN, 0};
    p[1] = (struct pollfd){s->stop[0], POLLIN, 0};
    if (poll(p, (nfds_t)(n + 2), 5000) <= 0 || p[1].revents)
      break;
    if ((p[0].revents & POLLIN) && n < 16) {
      int c = accept(s->lfd, NULL, NULL);
      if (c >= 0) {
        p[n + 2] = (struct pollfd){c, POLLIN, 0};
        have[n++] = 0;
        s->accepted++;
      }
    }
    for (int i = 0; i < n; i++) {
      if (!(p[i + 2].revents & (POLLIN | POLLHUP | POLLERR)))
        continue;
      ssize_t got = read(p[i + 2].fd, buf[i] + have[i],
                         sizeof buf[i] - 1 - have[i]);
      if (got <= 0) {
        close(p[i + 2].fd);
        p[i + 2] = p[n + 1];
        memcpy(buf[i], buf[n - 1], have[n - 1]);
        have[i] = have[n - 1];
        n--, i--;
        continue;
      }
      have[i] += (size_t)got;
      buf[i][have[i]] = '\0';
      char *end;
      while ((end = strstr(buf[i], "\r\n\r\n"))) {
        static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        ssize_t w = write(p[i + 2].fd, ok, sizeof ok - 1);
        (void)w;
        size_t used = (size_t)(end + 4 - buf[i]);
        memmove(buf[i], end + 4, have[i] - used + 1);
        have[i] -= used;
      }
    }
  }
  for (int i = 0; i < n; i++)
    close(p[i + 2].fd);
  return NULL;
}

TEST(keepalive_pool_keeps_at_most_max_idle) {
  ka_server s = {0};
  s.lfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t al = sizeof a;
  ASSERT(s.lfd >= 0 && bind(s.lfd, (struct sockaddr *)&a, sizeof a) == 0);
  ASSERT(listen(s.lfd, 16) == 0 && pipe(s.stop) == 0);
  ASSERT(getsockname(s.lfd, (struct sockaddr *)&a, &al) == 0);
  s.port = ntohs(a.sin_port);
  pthread_t t;
  ASSERT(pthread_create(&t, NULL, ka_serve, &s) == 0);
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%d/x", s.port);
  np_opener *o;
  ASSERT_OK(np_build_opener(&o, NULL, 0, NULL));
  ASSERT_OK(np_opener_set_keepalive(o, 2));
  np_response *r[4];
  np_buf body;
  np_buf_init(&body, 0);
  for (int i = 0; i < 4; i++) /* four at once: four connections */
    ASSERT_OK(np_opener_open_url(o, url, NULL, 0, 5000, &r[i], NULL));
  ASSERT_EQ_INT(np_response_version(r[0]), 11);
  for (int i = 0; i < 4; i++) {
    body.len = 0;
    ASSERT_OK(np_response_read_all(r[i], &body, NULL));
    ASSERT_EQ_MEM(body.data, body.len, "ok");
    np_response_free(r[i]);
    ASSERT_EQ_INT(np_opener_idle_count(o), i < 2 ? i + 1 : 2);
  }
  ASSERT_EQ_INT(s.accepted, 4);
  /* one more: an idle connection is taken and given back */
  ASSERT_OK(np_opener_open_url(o, url, NULL, 0, 5000, &r[0], NULL));
  ASSERT_EQ_INT(np_opener_idle_count(o), 1);
  body.len = 0;
  ASSERT_OK(np_response_read_all(r[0], &body, NULL));
  np_response_free(r[0]);
  ASSERT_EQ_INT(np_opener_idle_count(o), 2);
  /* freed before its end: closed, not pooled */
  ASSERT_OK(np_opener_open_url(o, url, NULL, 0, 5000, &r[0], NULL));
  char one;
  size_t got;
  ASSERT_OK(np_response_read(r[0], &one, 1, &got, NULL));
  np_response_free(r[0]);
  ASSERT_EQ_INT(np_opener_idle_count(o), 1);
  ASSERT_EQ_INT(s.accepted, 4);
  /* a smaller limit closes the oldest; 0 turns the pool off */
  ASSERT_OK(np_opener_open_url(o, url, NULL, 0, 5000, &r[0], NULL));
  ASSERT_OK(np_opener_set_keepalive(o, 1));
  ASSERT_OK(np_opener_set_keepalive(o, 0));
  ASSERT_EQ_INT(np_opener_idle_count(o), 0);
  body.len = 0;
  ASSERT_OK(np_response_read_all(r[0], &body, NULL));
  np_response_free(r[0]); /* the pool is shut: the connection is closed */
  ASSERT_EQ_INT(np_opener_idle_count(o), 0);
  /* a response may outlive its opener */
  ASSERT_OK(np_opener_set_keepalive(o, 3));
  ASSERT_OK(np_opener_open_url(o, url, NULL, 0, 5000, &r[0], NULL));
  np_opener_free(o);
  body.len = 0;
  ASSERT_OK(np_response_read_all(r[0], &body, NULL));
  ASSERT_EQ_MEM(body.data, body.len, "ok");
  np_response_free(r[0]);
  np_buf_free(&body);
  ASSERT_EQ_INT(write(s.stop[1], "x", 1), 1);
  pthread_join(t, NULL);
  close(s.lfd);
  close(s.stop[0]);
  close(s.stop[1]);
}

TEST(cache_ftp_handler_kind_and_count) {
  np_handler *c = np_handler_cache_ftp_new(0, 0), *f = np_handler_ftp_new();
  ASSERT(c && f);
  ASSERT(strcmp(c->kind, "ftp") == 0 && strcmp(c->schemes, "ftp") == 0);
  ASSERT_EQ_INT(np_handler_cache_ftp_count(c), 0);
  ASSERT_EQ_INT(np_handler_cache_ftp_count(f), 0);
  ASSERT_EQ_INT(np_handler_cache_ftp_count(NULL), 0);
  np_opener *o;
  np_handler *hs[] = {c};
  ASSERT_OK(np_build_opener(&o, hs, 1, NULL));
  ASSERT(np_opener_find(o, "ftp") == c); /* it replaced FTPHandler */
  np_opener_free(o);
  f->destroy(f);
}
