/* The serializer (http.h): lines as CPython writes them, and every way of
 * injecting a line refused with nothing appended. */
#include "test.h"

#include "netproto/http.h"

TEST(request_head_round_trips_through_the_parser) {
  np_buf b;
  np_buf_init(&b, 0);
  ASSERT_OK(np_http_write_request_line(&b, "GET", 3, "/a?b=c", 6, 1, NULL));
  ASSERT_OK(np_http_write_header(&b, "Host", 4, "example.com", 11, NULL));
  ASSERT_OK(np_http_write_header(&b, "X-Tab", 5, "a\tb", 3, NULL));
  ASSERT_OK(np_http_write_end_head(&b));
  ASSERT_EQ_MEM(b.data, b.len,
                "GET /a?b=c HTTP/1.1\r\nHost: example.com\r\nX-Tab: a\tb\r\n\r\n");
  np_http_parser p;
  np_http_parser_init(&p, NP_HTTP_REQUEST);
  ASSERT_OK(np_http_parse_head(&p, b.data, b.len, NULL, NULL));
  ASSERT_EQ_SLICE(np_http_header_get(&p, "x-tab"), "a\tb");
  np_http_parser_free(&p);
  np_buf_free(&b);
}

TEST(status_line_takes_the_registered_phrase) {
  np_buf b;
  np_buf_init(&b, 0);
  ASSERT_OK(np_http_write_status_line(&b, 1, 404, NULL, NULL));
  ASSERT_OK(np_http_write_status_line(&b, 0, 299, NULL, NULL));
  ASSERT_OK(np_http_write_status_line(&b, 1, 200, "Fine", NULL));
  ASSERT_EQ_MEM(b.data, b.len,
                "HTTP/1.1 404 Not Found\r\nHTTP/1.0 299 \r\nHTTP/1.1 200 Fine\r\n");
  ASSERT_EQ_INT(np_http_write_status_line(&b, 1, 99, NULL, NULL), NP_EINVAL);
  ASSERT_EQ_INT(np_http_write_status_line(&b, 1, 200, "a\r\nX: y", NULL),
                NP_EHTTP_BAD_HEADER_VALUE);
  np_buf_free(&b);
}

TEST(crlf_injection_is_refused_everywhere) {
  np_buf b;
  np_buf_init(&b, 0);
  np_error err = NP_ERROR_INIT;
  ASSERT_EQ_INT(np_http_write_request_line(&b, "GET", 3, "/a\r\nX: y", 9, 1, &err),
                NP_EHTTP_INVALID_URL);
  ASSERT(strstr(err.message, "control characters") != NULL);
  ASSERT_EQ_INT(np_http_write_request_line(&b, "GET", 3, "/a b", 4, 1, NULL),
                NP_EHTTP_INVALID_URL);
  ASSERT_EQ_INT(np_http_write_request_line(&b, "GET", 3, "", 0, 1, NULL),
                NP_EHTTP_INVALID_URL);
  ASSERT_EQ_INT(np_http_write_request_line(&b, "G\nT", 3, "/", 1, 1, NULL),
                NP_EHTTP_BAD_METHOD);
  ASSERT_EQ_INT(np_http_write_request_line(&b, "GE T", 4, "/", 1, 1, NULL),
                NP_EHTTP_BAD_METHOD);
  ASSERT_EQ_INT(np_http_write_header(&b, "X", 1, "a\r\nSet-Cookie: x", 16, NULL),
                NP_EHTTP_BAD_HEADER_VALUE);
  ASSERT_EQ_INT(np_http_write_header(&b, "X", 1, "a\r\n b", 5, NULL),
                NP_EHTTP_BAD_HEADER_VALUE);
  ASSERT_EQ_INT(np_http_write_header(&b, "X", 1, "a\0b", 3, NULL),
                NP_EHTTP_BAD_HEADER_VALUE);
  ASSERT_EQ_INT(np_http_write_header(&b, "X: y\r\nZ", 8, "v", 1, NULL),
                NP_EHTTP_BAD_HEADER_NAME);
  ASSERT_EQ_INT(np_http_write_header(&b, "", 0, "v", 1, NULL),
                NP_EHTTP_BAD_HEADER_NAME);
  ASSERT_EQ_INT(b.len, 0);
  np_error_clear(&err);
  np_buf_free(&b);
}

TEST(chunks_decode_back_to_the_data) {
  np_buf b;
  np_buf_init(&b, 0);
  ASSERT_OK(np_http_write_chunk(&b, "hello", 5));
  ASSERT_OK(np_http_write_chunk(&b, "", 0));
  char big[300];
  memset(big, 'x', sizeof big);
  ASSERT_OK(np_http_write_chunk(&b, big, sizeof big));
  np_http_header tr = {np_slice_cstr("Checksum"), np_slice_cstr("abc")};
  ASSERT_OK(np_http_write_last_chunk(&b, &tr, 1, NULL));
  ASSERT(memcmp(b.data, "5\r\nhello\r\n12C\r\n", 15) == 0);
  np_http_chunked c;
  np_http_chunked_init(&c, 0, 0);
  size_t off = 0, total = 0, used;
  np_slice d;
  int rc;
  while ((rc = np_http_chunked_next(&c, b.data + off, b.len - off, &used, &d,
                                    NULL)) == NP_OK) {
    off += used;
    total += d.len;
  }
  ASSERT_EQ_INT(rc, NP_HTTP_DONE);
  ASSERT_EQ_INT(total, 305);
  ASSERT_EQ_INT(off + used, b.len);
  np_http_header bad = {np_slice_cstr("X"), np_slice_cstr("a\nb")};
  size_t before = b.len;
  ASSERT_EQ_INT(np_http_write_last_chunk(&b, &bad, 1, NULL),
                NP_EHTTP_BAD_HEADER_VALUE);
  ASSERT_EQ_INT(b.len, before);
  np_buf_free(&b);
}

TEST(chunk_line_formats_any_size) {
  char line[NP_HTTP_CHUNK_LINE_MAX];
  ASSERT_EQ_MEM(line, np_http_format_chunk_line(line, 0), "0\r\n");
  ASSERT_EQ_MEM(line, np_http_format_chunk_line(line, 0xabc), "ABC\r\n");
  ASSERT_EQ_MEM(line, np_http_format_chunk_line(line, UINT64_MAX),
                "FFFFFFFFFFFFFFFF\r\n");
}

TEST(buffer_limit_is_reported_and_nothing_half_written) {
  np_buf b;
  np_buf_init(&b, 10);
  ASSERT_EQ_INT(np_http_write_header(&b, "Name", 4, "value-too-long", 14, NULL),
                NP_ETOOLARGE);
  ASSERT_EQ_INT(b.len, 0);
  np_buf_free(&b);
}

TEST(status_and_method_lookups) {
  ASSERT(strcmp(np_http_status_phrase(418), "I'm a Teapot") == 0);
  ASSERT(strcmp(np_http_status_lookup(404)->name, "NOT_FOUND") == 0);
  ASSERT(np_http_status_lookup(299) == NULL);
  ASSERT(strcmp(np_http_status_phrase(299), "") == 0);
  ASSERT(np_http_method_lookup("PATCH", 5) != NULL);
  ASSERT(np_http_method_lookup("get", 3) == NULL);
  size_t n;
  np_http_method_table(&n);
  ASSERT_EQ_INT(n, 9);
}
