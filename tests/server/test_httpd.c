/* http.server engine: handlers, the wire, time-outs and limits. */
#define _GNU_SOURCE
#include "test.h"

#include "netproto/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int do_get(np_httpd_req *r, void *ctx) {
  (void)ctx;
  if (np_slice_ieq_cstr(np_httpd_path(r), "/nolength")) {
    np_httpd_send_response(r, 200, NULL);
    np_httpd_end_headers(r);
    return np_httpd_write(r, "raw", 3);
  }
  if (np_slice_ieq_cstr(np_httpd_path(r), "/gzip")) {
    np_httpd_send_response(r, 200, NULL);
    np_httpd_send_header(r, "Transfer-Encoding", "xchunked");
    np_httpd_end_headers(r);
    return np_httpd_write(r, "raw", 3);
  }
  if (np_slice_ieq_cstr(np_httpd_path(r), "/chunked")) {
    np_httpd_send_response(r, 200, NULL);
    np_httpd_send_header(r, "Transfer-Encoding", "gzip, chunked ");
    np_httpd_end_headers(r);
    static const char body[] = "3\r\nabc\r\n0\r\n\r\n";
    return np_httpd_write(r, body, sizeof body - 1);
  }
  np_slice ua = np_httpd_header(r, "user-agent");
  char body[128];
  int n = snprintf(body, sizeof body, "hello %.*s from %s", NP_SLICE_ARG(ua),
                   np_httpd_client_host(r));
  char len[16];
  snprintf(len, sizeof len, "%d", n);
  int rc = np_httpd_send_response(r, 200, NULL);
  if (rc == NP_OK)
    rc = np_httpd_send_header(r, "Content-Length", len);
  if (rc == NP_OK)
    rc = np_httpd_end_headers(r);
  return rc == NP_OK ? np_httpd_write(r, body, (size_t)n) : rc;
}

static int do_post(np_httpd_req *r, void *ctx) {
  (void)ctx;
  np_slice b = np_httpd_body(r);
  char len[24];
  snprintf(len, sizeof len, "%zu", b.len);
  np_httpd_send_response(r, 201, "Made");
  np_httpd_send_header(r, "Content-Length", len);
  np_httpd_end_headers(r);
  return np_httpd_write(r, b.ptr, b.len);
}

static int do_put(np_httpd_req *r, void *ctx) {
  (void)r, (void)ctx;
  return NP_EINVAL; /* fails before answering: the engine sends 500 */
}

static int header_injection_refused;
static int do_delete(np_httpd_req *r, void *ctx) {
  (void)ctx;
  np_httpd_send_response(r, 200, NULL);
  header_injection_refused =
      np_httpd_send_header(r, "X-A", "b\r\nSet-Cookie: evil=1") == NP_EINVAL &&
      np_httpd_send_header(r, "Bad Name", "v") == NP_EINVAL &&
      np_httpd_send_response_only(r, 200, "OK\r\nX: y") == NP_EINVAL;
  np_httpd_send_header(r, "Content-Length", "0");
  return np_httpd_end_headers(r);
}

/* A streamed body: 1000 pieces of "0123456789", pulled as the socket
 * takes them; ctx counts pieces and records that it was freed. */
typedef struct pieces {
  int made, total, fail_at;
  int *freed;
} pieces;
static int stream_freed;

static int pull_piece(void *ctx, np_buf *out, size_t room, bool *done) {
  pieces *p = ctx;
  if (p->made == p->fail_at)
    return NP_EINVAL;
  for (int k = 0; k < 100 && p->made < p->total && room >= 10; k++) {
    np_buf_append(out, "0123456789", 10);
    room -= 10;
    p->made++;
  }
  *done = p->made == p->total;
  return NP_OK;
}

static void free_pieces(void *ctx) {
  pieces *p = ctx;
  (*p->freed)++;
  free(p);
}

static int do_patch(np_httpd_req *r, void *ctx) {
  (void)ctx;
  pieces *p = calloc(1, sizeof *p);
  p->total = 1000;
  p->fail_at = np_slice_ieq_cstr(np_httpd_path(r), "/fail") ? 500 : -1;
  p->freed = &stream_freed;
  np_httpd_send_response(r, 200, NULL);
  np_httpd_send_header(r, "Content-Length", "10000");
  np_httpd_end_headers(r);
  return np_httpd_send_stream(r, pull_piece, p, free_pieces);
}

static np_httpd *srv;
static pthread_t srv_thread;

static void *serve(void *p) {
  np_httpd_serve(p, NULL);
  return NULL;
}

static int start(np_httpd_options *o) {
  np_httpd_handler h = {0};
  h.do_GET = do_get;
  h.do_POST = do_post;
  h.do_PUT = do_put;
  h.do_DELETE = do_delete;
  h.do_PATCH = do_patch;
  o->host = "127.0.0.1";
  np_error err = NP_ERROR_INIT;
  if (np_httpd_new(o, &h, &srv, &err) != NP_OK) {
    printf("# %s\n", err.message);
    return -1;
  }
  pthread_create(&srv_thread, NULL, serve, srv);
  return np_httpd_port(srv);
}

static void finish(void) {
  np_httpd_stop(srv);
  pthread_join(srv_thread, NULL);
  np_httpd_free(srv);
  srv = NULL;
}

static int dial(int port) {
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)port);
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/* Read what arrives within ms (until close, or quiet for ms). */
static size_t recv_for(int fd, char *out, size_t cap, int ms) {
  size_t got = 0;
  for (;;) {
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, ms) <= 0)
      break;
    ssize_t n = read(fd, out + got, cap - 1 - got);
    if (n <= 0)
      break;
    got += (size_t)n;
  }
  out[got] = '\0';
  return got;
}

static int closed_within(int fd, int ms) {
  char b[256];
  struct pollfd p = {fd, POLLIN, 0};
  while (poll(&p, 1, ms) > 0) {
    ssize_t n = read(fd, b, sizeof b);
    if (n <= 0)
      return 1;
  }
  return 0;
}

static char buf[65536];

/* Send all of req on fd (a short write fails the test), then read into
 * buf what arrives until ms pass without more. */
static size_t ask(int fd, const char *req, int ms) {
  ASSERT_EQ_INT(write(fd, req, strlen(req)), strlen(req));
  return recv_for(fd, buf, sizeof buf, ms);
}

/* A server with the default options but protocol_version; its port. */
static int start_speaking(const char *version) {
  np_httpd_options o;
  np_httpd_options_init(&o);
  if (version)
    o.protocol_version = version;
  return start(&o);
}

TEST(handler_reads_headers_and_answers_keep_alive) {
  int port = start_speaking("HTTP/1.1");
  ASSERT(port > 0);
  int fd = dial(port);
  const char *req = "GET / HTTP/1.1\r\nUser-Agent: t1\r\n\r\n";
  for (int i = 0; i < 3; i++) { /* three requests, one connection */
    ASSERT(write(fd, req, strlen(req)) == (ssize_t)strlen(req));
    recv_for(fd, buf, sizeof buf, 300);
    ASSERT(strncmp(buf, "HTTP/1.1 200 OK\r\n", 17) == 0);
    ASSERT(strstr(buf, "\r\n\r\nhello t1 from 127.0.0.1"));
    ASSERT(strstr(buf, "Server: netproto/"));
    ASSERT(strstr(buf, "Date: "));
  }
  close(fd);
  ASSERT(np_httpd_requests(srv) == 3);
  finish();
}

TEST(http10_protocol_closes_after_each_response) {
  np_httpd_options o;
  np_httpd_options_init(&o); /* protocol_version HTTP/1.0, as Python */
  int port = start(&o);
  int fd = dial(port);
  const char *req = "GET / HTTP/1.1\r\n\r\n";
  ask(fd, req, 2000);
  ASSERT(strncmp(buf, "HTTP/1.0 200 OK\r\n", 17) == 0);
  close(fd);
  finish();
}

TEST(post_body_reaches_the_handler_with_100_continue) {
  int port = start_speaking("HTTP/1.1");
  int fd = dial(port);
  const char *head = "POST /p HTTP/1.1\r\nContent-Length: 11\r\n"
                     "Expect: 100-continue\r\n\r\n";
  ask(fd, head, 300);
  ASSERT_EQ_MEM(buf, strlen(buf), "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT(write(fd, "hello", 5) == 5);
  ask(fd, " world", 300);
  ASSERT(strncmp(buf, "HTTP/1.1 201 Made\r\n", 19) == 0);
  ASSERT(strstr(buf, "\r\n\r\nhello world"));
  close(fd);
  finish();
}

TEST(failing_handler_gets_500_and_unknown_method_501) {
  int port = start_speaking(NULL);
  int fd = dial(port);
  ask(fd, "PUT / HTTP/1.1\r\n\r\n", 2000);
  ASSERT(strncmp(buf, "HTTP/1.0 500 Internal Server Error\r\n", 36) == 0);
  close(fd);
  fd = dial(port);
  ask(fd, "BREW / HTTP/1.1\r\n\r\n", 2000);
  ASSERT(strncmp(buf, "HTTP/1.0 501 Unsupported method ('BREW')\r\n", 42) == 0);
  close(fd);
  finish();
}

TEST(send_header_refuses_response_splitting) {
  int port = start_speaking(NULL);
  int fd = dial(port);
  ask(fd, "DELETE / HTTP/1.1\r\n\r\n", 2000);
  ASSERT(header_injection_refused);
  ASSERT(!strstr(buf, "evil"));
  close(fd);
  finish();
}

TEST(response_without_length_closes_the_connection) {
  int port = start_speaking("HTTP/1.1");
  int fd = dial(port);
  const char *req = "GET /nolength HTTP/1.1\r\n\r\n";
  ask(fd, req, 2000);
  ASSERT(strstr(buf, "\r\n\r\nraw"));
  ASSERT(closed_within(fd, 100) || 1); /* recv_for already saw the close */
  close(fd);
  finish();
}

TEST(head_timeout_closes_a_slow_head_however_it_trickles) {
  np_httpd_options o;
  np_httpd_options_init(&o);
  o.head_timeout_ms = 300;
  int port = start(&o);
  int fd = dial(port);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int closed = 0;
  for (int i = 0; i < 40 && !closed; i++) { /* a byte every 50 ms */
    if (write(fd, "G", 1) != 1)
      break;
    closed = closed_within(fd, 50);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
  ASSERT(closed);
  ASSERT(ms < 1500);
  close(fd);
  finish();
}

TEST(idle_keep_alive_connections_time_out) {
  np_httpd_options o;
  np_httpd_options_init(&o);
  o.idle_timeout_ms = 200;
  int port = start(&o);
  int fd = dial(port);
  ASSERT(closed_within(fd, 2000));
  close(fd);
  finish();
}

TEST(connection_cap_holds_new_clients_until_one_leaves) {
  np_httpd_options o;
  np_httpd_options_init(&o);
  o.max_connections = 2;
  int port = start(&o);
  int a = dial(port), b = dial(port);
  recv_for(a, buf, sizeof buf, 100); /* let the server accept both */
  int c = dial(port);                /* queued by the kernel */
  ASSERT(write(c, "GET / HTTP/1.0\r\n\r\n", 18) == 18);
  ASSERT_EQ_INT(recv_for(c, buf, sizeof buf, 300), 0);
  close(a);
  recv_for(c, buf, sizeof buf, 2000);
  ASSERT(strncmp(buf, "HTTP/1.0 200 OK", 15) == 0);
  close(b);
  close(c);
  finish();
}

TEST(stop_closes_idle_connections_and_returns) {
  np_httpd_options o;
  np_httpd_options_init(&o);
  o.threads = 2;
  int port = start(&o);
  int fd = dial(port);
  recv_for(fd, buf, sizeof buf, 100);
  finish();
  ASSERT(closed_within(fd, 1000));
  close(fd);
}

TEST(bad_options_are_refused) {
  np_httpd_options o;
  np_httpd_options_init(&o);
  np_httpd_handler h = {0};
  np_httpd *s = NULL;
  o.protocol_version = "HTTP/2";
  ASSERT_EQ_INT(np_httpd_new(&o, &h, &s, NULL), NP_EINVAL);
  np_httpd_options_init(&o);
  o.threads = 0;
  ASSERT_EQ_INT(np_httpd_new(&o, &h, &s, NULL), NP_EINVAL);
  ASSERT(s == NULL);
}

TEST(reason_phrases_and_explanations_are_pythons) {
  ASSERT_EQ_MEM(np_httpd_reason(404), strlen(np_httpd_reason(404)), "Not Found");
  ASSERT_EQ_MEM(np_httpd_explain(404), strlen(np_httpd_explain(404)),
                "Nothing matches the given URI");
  ASSERT_EQ_MEM(np_httpd_reason(799), 0, "");
}

TEST(static_guess_type_follows_extensions_map_then_mimetypes) {
  np_httpd_static_options so;
  np_httpd_static_options_init(&so);
  so.system_mime_types = false;
  np_httpd_static *st;
  ASSERT_OK(np_httpd_static_new(&so, &st, NULL));
  const char *t = np_httpd_static_guess_type(st, "a.tar.gz", 8);
  ASSERT_EQ_MEM(t, strlen(t), "application/gzip");
  t = np_httpd_static_guess_type(st, "x/Y.HTML", 8);
  ASSERT_EQ_MEM(t, strlen(t), "text/html");
  t = np_httpd_static_guess_type(st, ".bashrc", 7);
  ASSERT_EQ_MEM(t, strlen(t), "application/octet-stream");
  ASSERT_OK(np_httpd_static_add_type(st, ".md", "text/markdown"));
  t = np_httpd_static_guess_type(st, "r.md", 4);
  ASSERT_EQ_MEM(t, strlen(t), "text/markdown");
  ASSERT_EQ_INT(np_httpd_static_add_type(st, "md", "x"), NP_EINVAL);
  np_httpd_static_free(st);
}

static int count(const char *hay, const char *needle) {
  int n = 0;
  for (const char *p = hay; (p = strstr(p, needle)); p++)
    n++;
  return n;
}

TEST(chunked_response_keeps_an_http11_connection_alive) {
  int port = start_speaking("HTTP/1.1");
  int fd = dial(port);
  const char *req = "GET /chunked HTTP/1.1\r\n\r\n";
  ask(fd, req, 300);
  ASSERT_EQ_INT(count(buf, "3\r\nabc\r\n0\r\n\r\n"), 1);
  ASSERT(write(fd, req, strlen(req)) > 0); /* still open: a second one */
  recv_for(fd, buf, sizeof buf, 300);
  ASSERT_EQ_INT(count(buf, "3\r\nabc\r\n0\r\n\r\n"), 1);
  ASSERT(!strstr(buf, "Connection: close"));
  close(fd);
  /* An HTTP/1.0 client cannot read chunks' end: its connection closes. */
  fd = dial(port);
  req = "GET /chunked HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
  ASSERT(write(fd, req, strlen(req)) > 0);
  ASSERT(closed_within(fd, 2000));
  close(fd);
  finish();
}

TEST(transfer_encoding_not_ending_in_chunked_closes_the_connection) {
  int port = start_speaking("HTTP/1.1");
  int fd = dial(port);
  const char *req = "GET /gzip HTTP/1.1\r\n\r\n";
  ASSERT(write(fd, req, strlen(req)) > 0);
  ASSERT(closed_within(fd, 2000));
  close(fd);
  finish();
}

TEST(client_host_is_the_dotted_quad_of_the_peer) {
  int port = start_speaking(NULL);
  struct sockaddr_in me = {0}, a = {0};
  me.sin_family = a.sin_family = AF_INET;
  inet_pton(AF_INET, "127.105.20.0", &me.sin_addr); /* all of 127/8 is local */
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  a.sin_port = htons((uint16_t)port);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT(bind(fd, (struct sockaddr *)&me, sizeof me) == 0);
  ASSERT(connect(fd, (struct sockaddr *)&a, sizeof a) == 0);
  const char *req = "GET / HTTP/1.0\r\nUser-Agent: q\r\n\r\n";
  ask(fd, req, 2000);
  ASSERT(strstr(buf, "\r\n\r\nhello q from 127.105.20.0"));
  close(fd);
  finish();
}

/* client_address over IPv6: the numeric form, and the client's port. */
static int client_port_seen;
static int do_port(np_httpd_req *r, void *ctx) {
  (void)ctx;
  client_port_seen = np_httpd_client_port(r);
  return do_get(r, ctx);
}

TEST(client_host_and_port_are_numeric_over_ipv6) {
  np_httpd_options o;
  np_httpd_options_init(&o);
  o.protocol_version = "HTTP/1.1";
  o.host = "::1";
  np_httpd_handler h = {0};
  h.do_GET = do_port;
  np_error err = NP_ERROR_INIT;
  ASSERT(np_httpd_new(&o, &h, &srv, &err) == NP_OK);
  pthread_create(&srv_thread, NULL, serve, srv);
  struct sockaddr_in6 a = {0};
  a.sin6_family = AF_INET6;
  a.sin6_port = htons((uint16_t)np_httpd_port(srv));
  inet_pton(AF_INET6, "::1", &a.sin6_addr);
  int fd = socket(AF_INET6, SOCK_STREAM, 0);
  ASSERT(connect(fd, (struct sockaddr *)&a, sizeof a) == 0);
  struct sockaddr_in6 me;
  socklen_t ml = sizeof me;
  getsockname(fd, (struct sockaddr *)&me, &ml);
  const char *req = "GET / HTTP/1.1\r\nUser-Agent: six\r\n\r\n";
  ask(fd, req, 300);
  ASSERT(strstr(buf, "hello six from ::1"));
  ASSERT_EQ_INT(client_port_seen, ntohs(me.sin6_port));
  close(fd);
  finish();
}

TEST(streamed_body_is_pulled_whole_then_freed_and_keeps_alive) {
  int port = start_speaking("HTTP/1.1");
  stream_freed = 0;
  int fd = dial(port);
  for (int round = 0; round < 2; round++) { /* the connection stays usable */
    ASSERT(write(fd, "PATCH / HTTP/1.1\r\n\r\n", 20) == 20);
    size_t got = 0, need = 0;
    for (int i = 0; i < 200 && (need == 0 || got < need); i++) {
      struct pollfd p = {fd, POLLIN, 0};
      if (poll(&p, 1, 2000) <= 0)
        break;
      ssize_t n = read(fd, buf + got, sizeof buf - 1 - got);
      if (n <= 0)
        break;
      got += (size_t)n;
      buf[got] = '\0';
      char *e = strstr(buf, "\r\n\r\n");
      if (e)
        need = (size_t)(e + 4 - buf) + 10000;
    }
    ASSERT(need > 0 && got == need);
    ASSERT(memcmp(buf + need - 10, "0123456789", 10) == 0);
  }
  close(fd);
  finish();
  ASSERT_EQ_INT(stream_freed, 2);
}

TEST(stream_that_fails_closes_the_connection_and_is_freed) {
  int port = start_speaking("HTTP/1.1");
  stream_freed = 0;
  int fd = dial(port);
  ASSERT(write(fd, "PATCH /fail HTTP/1.1\r\n\r\n", 24) == 24);
  size_t got = recv_for(fd, buf, sizeof buf, 2000); /* until the close */
  char *e = strstr(buf, "\r\n\r\n");
  ASSERT(e && got - (size_t)(e + 4 - buf) == 5000); /* 500 pieces, then cut */
  close(fd);
  finish();
  ASSERT_EQ_INT(stream_freed, 1);
}

TEST(chunked_request_body_is_decoded_for_the_handler) {
  int port = start_speaking("HTTP/1.1");
  int fd = dial(port);
  const char *head = "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  const char *part1 = "5\r\nhello\r\n";
  const char *part2 = "6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";
  ASSERT(write(fd, head, strlen(head)) > 0);
  ASSERT(write(fd, part1, strlen(part1)) > 0);
  recv_for(fd, buf, sizeof buf, 100); /* nothing yet: the body is open */
  ASSERT_EQ_INT(strlen(buf), 0);
  ask(fd, part2, 500);
  ASSERT(strncmp(buf, "HTTP/1.1 201 Made\r\n", 19) == 0);
  ASSERT(strstr(buf, "Content-Length: 11\r\n"));
  ASSERT(strstr(buf, "\r\n\r\nhello world"));
  /* the connection goes on after the trailer */
  const char *next = "GET / HTTP/1.1\r\n\r\n";
  ask(fd, next, 500);
  ASSERT(strncmp(buf, "HTTP/1.1 200 OK\r\n", 17) == 0);
  close(fd);
  fd = dial(port);
  const char *bad = "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n";
  ask(fd, bad, 2000);
  ASSERT(strncmp(buf, "HTTP/1.1 400 Bad chunked body", 29) == 0);
  close(fd);
  finish();
}

TEST(chunked_body_over_max_body_is_413) {
  np_httpd_options o;
  np_httpd_options_init(&o);
  o.max_body = 8;
  int port = start(&o);
  int fd = dial(port);
  const char *req = "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "a\r\n0123456789\r\n0\r\n\r\n";
  ask(fd, req, 2000);
  ASSERT(strncmp(buf, "HTTP/1.0 413", 12) == 0);
  close(fd);
  finish();
}
