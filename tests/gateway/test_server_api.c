/* The gateway server's counters and stop: np_gw_server_requests counts the
 * requests answered, max_requests ends serve_forever, np_gw_server_stop
 * ends it from another thread.  A real client (http.client's C port)
 * talks to it on loopback. */
#include "netproto/gateway.h"
#include "netproto/http_client.h"
#include "test.h"

#include <pthread.h>
#include <string.h>

static int hello(void *ctx, np_gw_environ *env, np_gw_start *sr,
                 np_gw_body *body) {
  (void)ctx, (void)env;
  static const np_gw_header h[] = {{"Content-Type", "text/plain"}};
  int rc = np_gw_start_response(sr, "200 OK", h, 1, NULL);
  return rc < 0 ? rc : np_gw_body_bytes(body, "hi\n", 3);
}

static void *serve(void *s) {
  np_gw_server_serve(s, NULL);
  return NULL;
}

static np_gw_server *start(unsigned long max_requests, pthread_t *t) {
  np_gw_server_options o;
  np_gw_server_options_init(&o);
  o.host = "127.0.0.1";
  o.port = 0;
  o.max_requests = max_requests;
  np_gw_app app = {hello, NULL};
  np_gw_server *s;
  ASSERT_OK(np_gw_make_server(&o, app, &s, NULL));
  ASSERT(pthread_create(t, NULL, serve, s) == 0);
  return s;
}

/* n GETs on one kept connection; every answer "hi\n". */
static void get_n(int port, int n) {
  char host[32];
  snprintf(host, sizeof host, "127.0.0.1:%d", port);
  np_http_conn *c;
  ASSERT_OK(np_http_conn_new(&c, host, 0, NULL, NULL));
  np_buf b;
  np_buf_init(&b, 0);
  for (int i = 0; i < n; i++) {
    np_http_resp *r;
    ASSERT_OK(np_http_conn_request(c, "GET", "/", NULL, 0, NULL, 0, NULL));
    ASSERT_OK(np_http_conn_getresponse(c, &r, NULL));
    ASSERT_EQ_INT(np_http_resp_status(r), 200);
    b.len = 0;
    ASSERT_OK(np_http_resp_read_all(r, &b, NULL));
    ASSERT_EQ_MEM(b.data, b.len, "hi\n");
  }
  np_buf_free(&b);
  np_http_conn_free(c);
}

TEST(requests_counts_answers_and_max_requests_stops) {
  pthread_t t;
  np_gw_server *s = start(3, &t);
  ASSERT_EQ_INT(np_gw_server_requests(s), 0);
  get_n(np_gw_server_port(s), 3);
  ASSERT(pthread_join(t, NULL) == 0); /* serve returned by itself */
  ASSERT_EQ_INT(np_gw_server_requests(s), 3);
  np_gw_server_free(s);
}

TEST(stop_ends_serve_from_another_thread) {
  pthread_t t;
  np_gw_server *s = start(0, &t);
  get_n(np_gw_server_port(s), 2);
  np_gw_server_stop(s);
  ASSERT(pthread_join(t, NULL) == 0);
  ASSERT_EQ_INT(np_gw_server_requests(s), 2);
  np_gw_server_free(s);
}
