/* The HTTP/1.x message parser (http.h): API behaviour and limits.  The
 * rules for malformed and smuggling messages are in corpus/ (test_corpus). */
#include "test.h"

#include "netproto/http.h"

static const char GET[] =
    "GET /search?q=a+b HTTP/1.1\r\n"
    "Host: example.com\r\n"
    "User-Agent: test/1.0\r\n"
    "Accept:   text/html ,  */*  \r\n"
    "Cookie: a=1\r\n"
    "Cookie: b=2\r\n"
    "\r\n";

TEST(request_head_gives_slices_into_the_buffer) {
  np_http_parser p;
  np_http_parser_init(&p, NP_HTTP_REQUEST);
  size_t n = 0;
  ASSERT_OK(np_http_parse_head(&p, GET, strlen(GET), &n, NULL));
  ASSERT_EQ_INT(n, strlen(GET));
  ASSERT_EQ_SLICE(p.method, "GET");
  ASSERT_EQ_SLICE(p.target, "/search?q=a+b");
  ASSERT(p.method.ptr == GET);
  ASSERT_EQ_INT(p.version_major, 1);
  ASSERT_EQ_INT(p.version_minor, 1);
  ASSERT_EQ_INT(p.nheaders, 5);
  ASSERT_EQ_SLICE(p.headers[0].name, "Host");
  ASSERT_EQ_SLICE(p.headers[2].value, "text/html ,  */*");
  ASSERT_EQ_SLICE(np_http_header_get(&p, "user-agent"), "test/1.0");
  ASSERT_ABSENT(np_http_header_get(&p, "missing"));
  ASSERT_EQ_INT(p.body, NP_HTTP_BODY_NONE);
  ASSERT(p.keep_alive);
  np_http_parser_free(&p);
}

TEST(repeated_header_values_are_all_reachable) {
  np_http_parser p;
  np_http_parser_init(&p, NP_HTTP_REQUEST);
  ASSERT_OK(np_http_parse_head(&p, GET, strlen(GET), NULL, NULL));
  size_t from = 0;
  long i = np_http_header_next(&p, "COOKIE", &from);
  ASSERT_EQ_SLICE(p.headers[i].value, "a=1");
  i = np_http_header_next(&p, "cookie", &from);
  ASSERT_EQ_SLICE(p.headers[i].value, "b=2");
  ASSERT_EQ_INT(np_http_header_next(&p, "cookie", &from), -1);
  np_http_parser_free(&p);
}

TEST(head_split_at_every_byte_gives_the_same_result) {
  size_t len = strlen(GET);
  for (size_t cut = 0; cut < len; cut++) {
    np_http_parser p;
    np_http_parser_init(&p, NP_HTTP_REQUEST);
    ASSERT_EQ_INT(np_http_parse_head(&p, GET, cut, NULL, NULL), NP_EAGAIN);
    ASSERT_OK(np_http_parse_head(&p, GET, len, NULL, NULL));
    ASSERT_EQ_INT(p.nheaders, 5);
    ASSERT_EQ_SLICE(p.headers[4].value, "b=2");
    np_http_parser_free(&p);
  }
}

TEST(parser_reset_reuses_the_header_array_for_the_next_message) {
  np_http_parser p;
  np_http_parser_init(&p, NP_HTTP_REQUEST);
  ASSERT_OK(np_http_parse_head(&p, GET, strlen(GET), NULL, NULL));
  np_http_header *arr = p.headers;
  np_http_parser_reset(&p);
  const char *second = "DELETE /x HTTP/1.0\r\n\r\n";
  ASSERT_OK(np_http_parse_head(&p, second, strlen(second), NULL, NULL));
  ASSERT_EQ_SLICE(p.method, "DELETE");
  ASSERT_EQ_INT(p.nheaders, 0);
  ASSERT(p.headers == arr);
  ASSERT(!p.keep_alive);
  np_http_parser_free(&p);
}

TEST(bad_version_still_reports_the_request_line_for_a_505) {
  np_http_parser p;
  np_error err = NP_ERROR_INIT;
  np_http_parser_init(&p, NP_HTTP_REQUEST);
  const char *m = "GET /x HTTP/3.0\r\n\r\n";
  ASSERT_EQ_INT(np_http_parse_head(&p, m, strlen(m), NULL, &err),
                NP_EHTTP_BAD_VERSION);
  ASSERT_EQ_INT(err.code, NP_EHTTP_BAD_VERSION);
  ASSERT_EQ_INT(p.version_major, 3);
  ASSERT_EQ_SLICE(p.target, "/x");
  np_error_clear(&err);
  np_http_parser_free(&p);
}

TEST(error_reports_the_byte_offset) {
  np_http_parser p;
  np_error err = NP_ERROR_INIT;
  np_http_parser_init(&p, NP_HTTP_REQUEST);
  const char *m = "GET / HTTP/1.1\r\nA: b\x01\r\n\r\n";
  ASSERT_EQ_INT(np_http_parse_head(&p, m, strlen(m), NULL, &err),
                NP_EHTTP_BAD_HEADER_VALUE);
  ASSERT_EQ_INT(err.value, 20);
  ASSERT(strstr(err.message, "control byte") != NULL);
  np_http_parser_free(&p);
}

/* A request with one header line of `n` value bytes. */
static char *long_line(size_t n) {
  char *m = malloc(n + 64);
  size_t k = (size_t)sprintf(m, "GET / HTTP/1.1\r\nX: ");
  memset(m + k, 'a', n);
  strcpy(m + k + n, "\r\n\r\n");
  return m;
}

TEST(line_length_limit_default_and_setter) {
  np_http_parser p;
  np_http_parser_init(&p, NP_HTTP_REQUEST);
  ASSERT_EQ_INT(p.limits.max_line, 65536);
  char *ok = long_line(65536 - 3);
  ASSERT_OK(np_http_parse_head(&p, ok, strlen(ok), NULL, NULL));
  np_http_parser_reset(&p);
  char *bad = long_line(65536);
  ASSERT_EQ_INT(np_http_parse_head(&p, bad, strlen(bad), NULL, NULL),
                NP_EHTTP_LINE_TOO_LONG);
  /* Refused before the line ends, too: a slow drip cannot grow it. */
  np_http_parser_reset(&p);
  ASSERT_EQ_INT(np_http_parse_head(&p, bad, 65536 + 30, NULL, NULL),
                NP_EHTTP_LINE_TOO_LONG);
  np_http_limits l = {100, 0, 0, 0};
  ASSERT_OK(np_http_parser_set_limits(&p, &l));
  ASSERT_EQ_INT(p.limits.max_headers, 100);
  np_http_parser_reset(&p);
  char *mid = long_line(200);
  ASSERT_EQ_INT(np_http_parse_head(&p, mid, strlen(mid), NULL, NULL),
                NP_EHTTP_LINE_TOO_LONG);
  free(ok);
  free(bad);
  free(mid);
  np_http_parser_free(&p);
}

/* A head with n header fields. */
static char *many_headers(const char *start, int n) {
  np_buf b;
  np_buf_init(&b, 0);
  np_buf_append_cstr(&b, start);
  for (int i = 0; i < n; i++)
    np_buf_printf(&b, "X-%d: v\r\n", i);
  np_buf_append_cstr(&b, "\r\n");
  return np_buf_detach(&b, NULL);
}

TEST(header_count_limit_applies_to_1xx_responses_too) {
  np_http_parser p;
  np_http_parser_init(&p, NP_HTTP_RESPONSE);
  char *hundred = many_headers("HTTP/1.1 100 Continue\r\n", 100);
  ASSERT_OK(np_http_parse_head(&p, hundred, strlen(hundred), NULL, NULL));
  ASSERT_EQ_INT(p.status, 100);
  np_http_parser_reset(&p);
  char *flood = many_headers("HTTP/1.1 100 Continue\r\n", 101);
  ASSERT_EQ_INT(np_http_parse_head(&p, flood, strlen(flood), NULL, NULL),
                NP_EHTTP_TOO_MANY_HEADERS);
  np_http_limits l = {0, 200, 0, 0};
  np_http_parser_set_limits(&p, &l);
  np_http_parser_reset(&p);
  ASSERT_OK(np_http_parse_head(&p, flood, strlen(flood), NULL, NULL));
  ASSERT_EQ_INT(p.nheaders, 101);
  np_free(hundred);
  np_free(flood);
  np_http_parser_free(&p);
}

TEST(total_header_bytes_limit) {
  np_http_parser p;
  np_http_parser_init(&p, NP_HTTP_REQUEST);
  np_http_limits l = {0, 10000, 1000, 0};
  np_http_parser_set_limits(&p, &l);
  char *m = many_headers("GET / HTTP/1.1\r\n", 200);
  ASSERT_EQ_INT(np_http_parse_head(&p, m, strlen(m), NULL, NULL),
                NP_EHTTP_HEADERS_TOO_LARGE);
  np_http_parser_reset(&p);
  ASSERT_EQ_INT(np_http_parse_head(&p, m, 1001, NULL, NULL),
                NP_EHTTP_HEADERS_TOO_LARGE);
  np_free(m);
  np_http_parser_free(&p);
}

/* Decode a whole chunked body split into pieces of `step` bytes. */
static int decode(const char *in, size_t len, size_t step, size_t max_line,
                  np_buf *out, size_t *rest) {
  np_http_chunked c;
  np_http_chunked_init(&c, max_line, 0);
  size_t off = 0;
  for (;;) {
    size_t n = len - off < step ? len - off : step;
    size_t used;
    np_slice d;
    int rc = np_http_chunked_next(&c, in + off, n, &used, &d, NULL);
    np_buf_append(out, d.ptr, d.len);
    off += used;
    if (rc == NP_HTTP_DONE) {
      *rest = len - off;
      return rc;
    }
    if (rc == NP_EAGAIN && off == len)
      return NP_EAGAIN;
    if (rc != NP_OK && rc != NP_EAGAIN)
      return rc;
  }
}

TEST(chunked_decoder_alone_at_every_piece_size) {
  const char *body = "7\r\nMozilla\r\n9;ext=\"q\"\r\nDeveloper\r\n7\r\nNetwork"
                     "\r\n0\r\nTrailer: x\r\n\r\nNEXT";
  for (size_t step = 1; step <= strlen(body); step++) {
    np_buf out;
    np_buf_init(&out, 0);
    size_t rest = 0;
    ASSERT_EQ_INT(decode(body, strlen(body), step, 0, &out, &rest),
                  NP_HTTP_DONE);
    ASSERT_EQ_MEM(out.data, out.len, "MozillaDeveloperNetwork");
    ASSERT_EQ_INT(rest, 4);
    np_buf_free(&out);
  }
}

TEST(chunked_size_line_limit) {
  char line[200];
  memset(line, '0', sizeof line);
  memcpy(line + 190, "1\r\na\r\n0\r\n", 9);
  np_buf out;
  np_buf_init(&out, 0);
  size_t rest;
  ASSERT_EQ_INT(decode(line, 199, 1, 100, &out, &rest),
                NP_EHTTP_CHUNK_LINE_TOO_LONG);
  np_buf_reset(&out);
  /* Leading zeros are no overflow as long as the line fits. */
  ASSERT_EQ_INT(decode(line, 199, 7, 0, &out, &rest), NP_EAGAIN);
  ASSERT_EQ_MEM(out.data, out.len, "a");
  np_buf_free(&out);
}

TEST(chunked_largest_size_is_accepted_and_next_is_overflow) {
  np_http_chunked c;
  np_http_chunked_init(&c, 0, 0);
  size_t used;
  np_slice d;
  const char *max = "7fffffffffffffff\r\nab";
  ASSERT_EQ_INT(np_http_chunked_next(&c, max, strlen(max), &used, &d, NULL),
                NP_OK);
  ASSERT_EQ_MEM(d.ptr, d.len, "ab");
  np_http_chunked_init(&c, 0, 0);
  const char *over = "80000000000000000\r\n";
  ASSERT_EQ_INT(np_http_chunked_next(&c, over, strlen(over), &used, &d, NULL),
                NP_EHTTP_CHUNK_SIZE_OVERFLOW);
}

TEST(chunked_trailer_size_is_bounded) {
  np_buf m;
  np_buf_init(&m, 0);
  np_buf_append_cstr(&m, "0\r\n");
  for (int i = 0; i < 100; i++)
    np_buf_append_cstr(&m, "X-Trailer: 0123456789\r\n");
  np_buf_append_cstr(&m, "\r\n");
  np_http_chunked c;
  np_http_chunked_init(&c, 0, 1000);
  size_t used;
  np_slice d;
  ASSERT_EQ_INT(np_http_chunked_next(&c, m.data, m.len, &used, &d, NULL),
                NP_EHTTP_HEADERS_TOO_LARGE);
  np_buf_free(&m);
}

TEST(body_length_pieces_and_eof) {
  np_http_parser p;
  np_http_parser_init(&p, NP_HTTP_RESPONSE);
  const char *m = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";
  ASSERT_OK(np_http_parse_head(&p, m, strlen(m), NULL, NULL));
  ASSERT_EQ_INT(p.body, NP_HTTP_BODY_LENGTH);
  ASSERT_EQ_INT(p.content_length, 10);
  size_t used;
  np_slice d;
  ASSERT_EQ_INT(np_http_parse_body(&p, "0123", 4, &used, &d, NULL), NP_OK);
  ASSERT_EQ_MEM(d.ptr, d.len, "0123");
  ASSERT_EQ_INT(np_http_parse_body(&p, "", 0, &used, &d, NULL), NP_EAGAIN);
  np_error err = NP_ERROR_INIT;
  ASSERT_EQ_INT(np_http_parse_eof(&p, &err), NP_EHTTP_INCOMPLETE_READ);
  ASSERT(strstr(err.message, "6 more bytes") != NULL);
  ASSERT_EQ_INT(np_http_parse_body(&p, "456789XY", 8, &used, &d, NULL), NP_OK);
  ASSERT_EQ_MEM(d.ptr, d.len, "456789");
  ASSERT_EQ_INT(np_http_parse_body(&p, "XY", 2, &used, &d, NULL), NP_HTTP_DONE);
  ASSERT_EQ_INT(used, 0);
  ASSERT_EQ_INT(np_http_parse_eof(&p, NULL), NP_HTTP_DONE);
  np_http_parser_free(&p);
}

TEST(expect_continue_is_reported) {
  np_http_parser p;
  np_http_parser_init(&p, NP_HTTP_REQUEST);
  const char *m = "PUT /f HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: "
                  "3\r\n\r\n";
  ASSERT_OK(np_http_parse_head(&p, m, strlen(m), NULL, NULL));
  ASSERT(p.expect_continue);
  np_http_parser_free(&p);
}

TEST(list_has_matches_whole_tokens_case_insensitively) {
  ASSERT(np_http_list_has(np_slice_cstr("keep-alive, Close"), "close"));
  ASSERT(!np_http_list_has(np_slice_cstr("closed"), "close"));
  ASSERT(np_http_list_has(np_slice_cstr(" ,, close ,"), "close"));
  ASSERT(!np_http_list_has(NP_SLICE_NULL, "close"));
}

TEST(obs_fold_in_response_keeps_the_continuation_like_cpython) {
  np_http_parser p;
  np_http_parser_init(&p, NP_HTTP_RESPONSE);
  const char *m = "HTTP/1.1 200 OK\r\nX: a\r\n  b\r\nY:  c  \r\n\r\n";
  ASSERT_OK(np_http_parse_head(&p, m, strlen(m), NULL, NULL));
  ASSERT_EQ_SLICE(np_http_header_get(&p, "x"), "a\r\n  b");
  ASSERT_EQ_SLICE(np_http_header_get(&p, "y"), "c");
  np_http_parser_free(&p);
}

TEST(reason_is_stripped_and_a_finished_head_is_not_parsed_again) {
  np_http_parser p;
  np_http_parser_init(&p, NP_HTTP_RESPONSE);
  const char *m = "HTTP/1.1 404  Not Found \r\nContent-Length: 4\r\n\r\nX: y";
  size_t hl = 0;
  ASSERT_OK(np_http_parse_head(&p, m, strlen(m), &hl, NULL));
  ASSERT_EQ_SLICE(p.reason, "Not Found");
  hl = 0;
  ASSERT_OK(np_http_parse_head(&p, m, strlen(m), &hl, NULL));
  ASSERT_EQ_INT(hl, strlen(m) - 4);
  ASSERT_EQ_INT(p.nheaders, 1);
  np_http_parser_free(&p);
}
