/* http.client's state rules (ImproperConnectionState and friends) and
 * connection reuse, against a small in-process server. */
#include "test.h"

#include "core/net.h"
#include "netproto/http_client.h"

#include <pthread.h>
#include <unistd.h>

static int server_port, accepted, lfd;
static volatile int stopping;

/* Answer every request on every connection with "hello" (5 bytes). */
static void *serve(void *arg) {
  (void)arg;
  while (!stopping) {
    int fd;
    np__addr peer;
    if (np__net_accept(lfd, &fd, &peer, NULL) != NP_OK)
      continue;
    if (stopping) {
      close(fd);
      break;
    }
    __atomic_add_fetch(&accepted, 1, __ATOMIC_SEQ_CST);
    char buf[8192];
    size_t have = 0, got;
    while (np__net_read(fd, buf + have, sizeof buf - have - 1, 5000, &got,
                        NULL) == NP_OK) {
      have += got;
      buf[have] = '\0';
      char *end;
      while ((end = strstr(buf, "\r\n\r\n")) != NULL) {
        size_t used = (size_t)(end + 4 - buf);
        np__net_write_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
                          43, 1000, NULL);
        memmove(buf, buf + used, have - used + 1);
        have -= used;
      }
    }
    close(fd);
  }
  return NULL;
}

static pthread_t start(void) {
  np__addr bound;
  stopping = 0;
  accepted = 0;
  ASSERT_OK(np__net_listen("127.0.0.1", 0, SOCK_STREAM, 16,
                           NP__LISTEN_REUSEADDR, &lfd, &bound, NULL));
  char host[64];
  np__addr_format(&bound, host, sizeof host, &server_port);
  pthread_t t;
  pthread_create(&t, NULL, serve, NULL);
  return t;
}

static void stop(pthread_t t) {
  stopping = 1;
  int fd;
  if (np__net_connect("127.0.0.1", server_port, NULL, 0, 1000, &fd, NULL) == NP_OK)
    close(fd);
  pthread_join(t, NULL);
  close(lfd);
}

static np_http_conn *conn(void) {
  np_http_conn *c;
  np_http_conn_options o;
  memset(&o, 0, sizeof o);
  o.timeout_ms = 5000;
  ASSERT_OK(np_http_conn_new(&c, "127.0.0.1", server_port, &o, NULL));
  return c;
}

TEST(out_of_order_calls_are_improper_connection_state) {
  pthread_t t = start();
  np_http_conn *c = conn();
  np_http_resp *r;
  np_error err = NP_ERROR_INIT;
  ASSERT_EQ_INT(np_http_conn_putheader(c, "X", "y", 1, &err),
                NP_EHTTP_CANNOT_SEND_HEADER);
  ASSERT_EQ_INT(np_http_conn_getresponse(c, &r, &err),
                NP_EHTTP_RESPONSE_NOT_READY);
  ASSERT_OK(np_http_conn_putrequest(c, "GET", "/", 0, 0, &err));
  ASSERT_EQ_INT(np_http_conn_putrequest(c, "GET", "/", 0, 0, &err),
                NP_EHTTP_CANNOT_SEND_REQUEST);
  ASSERT_EQ_INT(np_http_conn_getresponse(c, &r, &err),
                NP_EHTTP_RESPONSE_NOT_READY);
  ASSERT_OK(np_http_conn_endheaders(c, NULL, 0, 0, &err));
  ASSERT_EQ_INT(np_http_conn_endheaders(c, NULL, 0, 0, &err),
                NP_EHTTP_CANNOT_SEND_HEADER);
  ASSERT_OK(np_http_conn_getresponse(c, &r, &err));
  ASSERT_EQ_INT(np_http_resp_status(r), 200);
  /* A second request may be sent, but its response waits for this one. */
  ASSERT_OK(np_http_conn_request(c, "GET", "/2", NULL, 0, NULL, 0, &err));
  np_http_resp *r2;
  ASSERT_EQ_INT(np_http_conn_getresponse(c, &r2, &err),
                NP_EHTTP_RESPONSE_NOT_READY);
  char buf[16];
  size_t got;
  ASSERT_OK(np_http_resp_read(r, buf, sizeof buf, &got, &err));
  ASSERT_EQ_MEM(buf, got, "hello");
  ASSERT(np_http_resp_isclosed(r));
  ASSERT_OK(np_http_conn_getresponse(c, &r2, &err));
  ASSERT_OK(np_http_resp_read(r2, buf, sizeof buf, &got, &err));
  ASSERT_EQ_MEM(buf, got, "hello");
  ASSERT_EQ_INT(accepted, 1);
  np_http_conn_free(c);
  stop(t);
}

TEST(closing_an_unread_response_reopens_the_connection) {
  pthread_t t = start();
  np_http_conn *c = conn();
  np_http_resp *r;
  ASSERT_OK(np_http_conn_request(c, "GET", "/", NULL, 0, NULL, 0, NULL));
  ASSERT_OK(np_http_conn_getresponse(c, &r, NULL));
  ASSERT(!np_http_resp_will_close(r));
  ASSERT(np_http_resp_fileno(r) >= 0);
  np_http_resp_close(r);
  ASSERT(np_http_resp_isclosed(r));
  ASSERT_EQ_INT(np_http_conn_fileno(c), -1);
  ASSERT_OK(np_http_conn_request(c, "GET", "/", NULL, 0, NULL, 0, NULL));
  ASSERT_OK(np_http_conn_getresponse(c, &r, NULL));
  np_buf b;
  np_buf_init(&b, 0);
  ASSERT_OK(np_http_resp_read_all(r, &b, NULL));
  ASSERT_EQ_MEM(b.data, b.len, "hello");
  ASSERT_EQ_INT(accepted, 2);
  /* Read to the end: the connection is kept for the next request. */
  ASSERT_OK(np_http_conn_request(c, "GET", "/", NULL, 0, NULL, 0, NULL));
  ASSERT_OK(np_http_conn_getresponse(c, &r, NULL));
  ASSERT_EQ_INT(accepted, 2);
  np_buf_free(&b);
  np_http_conn_free(c);
  stop(t);
}

TEST(host_forms_and_invalid_urls) {
  np_http_conn *c;
  np_error err = NP_ERROR_INIT;
  ASSERT_EQ_INT(np_http_conn_new(&c, "[::1]:x", 0, NULL, &err),
                NP_EHTTP_INVALID_URL);
  ASSERT(strstr(err.message, "nonnumeric port") != NULL);
  ASSERT_EQ_INT(np_http_conn_new(&c, "a:70000", 0, NULL, &err),
                NP_EHTTP_INVALID_URL);
  ASSERT_EQ_INT(np_http_conn_new(&c, "a\nb", 80, NULL, &err),
                NP_EHTTP_INVALID_URL);
  ASSERT_OK(np_http_conn_new(&c, "[::1]:8080", 0, NULL, &err));
  np_http_conn_free(c);
  ASSERT_OK(np_http_conn_new(&c, "example.com:", 0, NULL, &err));
  np_http_conn_free(c);
  np_error_clear(&err);
}

TEST(tunnel_cannot_be_set_on_an_open_connection) {
  pthread_t t = start();
  np_http_conn *c = conn();
  ASSERT_OK(np_http_conn_connect(c, NULL));
  ASSERT_EQ_INT(np_http_conn_set_tunnel(c, "example.com", 443, NULL, 0, NULL),
                NP_ESTATE);
  np_http_conn_close(c);
  ASSERT_OK(np_http_conn_set_tunnel(c, "example.com", 443, NULL, 0, NULL));
  np_http_conn_free(c);
  stop(t);
}

TEST(closing_the_connection_closes_its_response) {
  pthread_t t = start();
  np_http_conn *c = conn();
  np_http_resp *r;
  ASSERT_OK(np_http_conn_request(c, "GET", "/", NULL, 0, NULL, 0, NULL));
  ASSERT_OK(np_http_conn_getresponse(c, &r, NULL));
  np_http_conn_close(c);
  ASSERT(np_http_resp_isclosed(r));
  char buf[8];
  size_t got = 99;
  ASSERT_OK(np_http_resp_read(r, buf, sizeof buf, &got, NULL));
  ASSERT_EQ_INT(got, 0);
  ASSERT_EQ_INT(np_http_resp_status(r), 200); /* the head stays readable */
  /* The connection reopens for the next request. */
  ASSERT_OK(np_http_conn_request(c, "GET", "/", NULL, 0, NULL, 0, NULL));
  ASSERT_OK(np_http_conn_getresponse(c, &r, NULL));
  ASSERT_OK(np_http_resp_read(r, buf, sizeof buf, &got, NULL));
  ASSERT_EQ_MEM(buf, got, "hello");
  np_http_conn_free(c);
  stop(t);
}
