/* socketserver: every kind, every mode, the life cycle, handler I/O. */
#define _GNU_SOURCE
#include "test.h"

#include "netproto/socketserver.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* The echo handler: StreamRequestHandler's readline/write; for datagrams
 * the packet upper-cased back. */
static atomic_int setups, finishes, errors;

static int echo_setup(np_server_request *req, void *ctx) {
  (void)req, (void)ctx;
  atomic_fetch_add(&setups, 1);
  return 0;
}
static void echo_finish(np_server_request *req, void *ctx) {
  (void)req, (void)ctx;
  atomic_fetch_add(&finishes, 1);
}
static void echo_error(np_server_request *req, int st, void *ctx) {
  (void)req, (void)st, (void)ctx;
  atomic_fetch_add(&errors, 1);
}
static int echo_handle(np_server_request *req, void *ctx) {
  (void)ctx;
  np_buf line;
  np_buf_init(&line, 0);
  int rc;
  while ((rc = np_server_readline(req, &line, NULL)) == NP_OK && line.len) {
    rc = np_server_write(req, line.data, line.len, NULL);
    if (rc != NP_OK || (line.len >= 4 && memcmp(line.data, "quit", 4) == 0))
      break;
    np_buf_reset(&line);
  }
  np_buf_free(&line);
  return rc;
}

static np_server_handler echo = {echo_setup, echo_handle, echo_finish, NULL,
                                 echo_error, NULL, NULL};

typedef struct {
  np_server *s;
  int rc;
} serve_arg;
static void *serve_thread(void *p) {
  serve_arg *a = p;
  a->rc = np_server_serve_forever(a->s, 50, NULL);
  return NULL;
}

static int connect_tcp(const char *ip, int port) {
  struct sockaddr_storage ss;
  socklen_t len;
  memset(&ss, 0, sizeof ss);
  if (strchr(ip, ':')) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((uint16_t)port);
    inet_pton(AF_INET6, ip, &a->sin6_addr);
    len = sizeof *a;
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, ip, &a->sin_addr);
    len = sizeof *a;
  }
  int fd = socket(ss.ss_family, SOCK_STREAM, 0);
  if (fd >= 0 && connect(fd, (struct sockaddr *)&ss, len) < 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/* Send a request and read until the server closes; returns bytes read. */
static size_t talk(int fd, const char *msg, char *out, size_t cap) {
  size_t got = 0;
  if (*msg && write(fd, msg, strlen(msg)) < 0)
    return 0;
  for (;;) {
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, 5000) <= 0)
      break;
    ssize_t n = read(fd, out + got, cap - 1 - got);
    if (n <= 0)
      break;
    got += (size_t)n;
  }
  out[got] = '\0';
  close(fd);
  return got;
}

static np_server *start_tcp(const char *host, np_server_mode mode,
                            pthread_t *t, serve_arg *a) {
  np_server_options o;
  np_server_options_init(&o);
  o.host = host;
  o.mode = mode;
  o.request_queue_size = 64;
  np_server *s = NULL;
  np_error err = NP_ERROR_INIT;
  if (np_server_new(&o, &echo, &s, &err) != NP_OK) {
    printf("# %s\n", err.message);
    return NULL;
  }
  a->s = s;
  pthread_create(t, NULL, serve_thread, a);
  return s;
}

static void echo_round(const char *ip, int port) {
  char out[256];
  int fd = connect_tcp(ip, port);
  ASSERT(fd >= 0);
  talk(fd, "hello\nquit\n", out, sizeof out);
  ASSERT_EQ_MEM(out, strlen(out), "hello\nquit\n");
}

static void run_tcp(const char *host, const char *ip, np_server_mode mode) {
  pthread_t t;
  serve_arg a = {0};
  atomic_store(&setups, 0);
  atomic_store(&finishes, 0);
  np_server *s = start_tcp(host, mode, &t, &a);
  ASSERT(s);
  int port = np_server_port(s);
  ASSERT(port > 0);
  for (int i = 0; i < 5; i++)
    echo_round(ip, port);
  np_server_shutdown(s);
  pthread_join(t, NULL);
  ASSERT_OK(a.rc);
  np_server_close(s);
  if (mode != NP_SERVER_FORKING) {
    ASSERT_EQ_INT(atomic_load(&setups), 5);
    ASSERT_EQ_INT(atomic_load(&finishes), 5);
  }
  ASSERT_EQ_INT(np_server_requests_done(s), 5);
  ASSERT_EQ_INT(np_server_fileno(s), -1);
  np_server_free(s);
}

TEST(tcp_ipv4_sync_echoes_lines) { run_tcp("127.0.0.1", "127.0.0.1", NP_SERVER_SYNC); }
TEST(tcp_ipv6_sync_echoes_lines) { run_tcp("::1", "::1", NP_SERVER_SYNC); }
TEST(tcp_dual_stack_wildcard_takes_ipv4_and_ipv6) {
  run_tcp("::", "127.0.0.1", NP_SERVER_SYNC);
}
TEST(tcp_threading_echoes_lines) { run_tcp("127.0.0.1", "127.0.0.1", NP_SERVER_THREADING); }
TEST(tcp_forking_echoes_lines) { run_tcp("127.0.0.1", "127.0.0.1", NP_SERVER_FORKING); }

TEST(threading_serves_clients_concurrently) {
  pthread_t t;
  serve_arg a = {0};
  np_server *s = start_tcp("127.0.0.1", NP_SERVER_THREADING, &t, &a);
  ASSERT(s);
  int port = np_server_port(s);
  /* A first client holds its connection open; in SYNC mode the second
   * would wait behind it, here it is served at once. */
  int slow = connect_tcp("127.0.0.1", port);
  ASSERT(slow >= 0);
  ASSERT(write(slow, "held\n", 5) == 5);
  echo_round("127.0.0.1", port);
  char out[64];
  talk(slow, "quit\n", out, sizeof out);
  ASSERT_EQ_MEM(out, strlen(out), "held\nquit\n");
  np_server_shutdown(s);
  pthread_join(t, NULL);
  np_server_free(s);
}

TEST(block_on_close_waits_for_request_threads) {
  pthread_t t;
  serve_arg a = {0};
  np_server *s = start_tcp("127.0.0.1", NP_SERVER_THREADING, &t, &a);
  ASSERT(s);
  atomic_store(&finishes, 0);
  int fd = connect_tcp("127.0.0.1", np_server_port(s));
  ASSERT(write(fd, "x\n", 2) == 2);
  char b[8];
  ASSERT(read(fd, b, sizeof b) == 2); /* the thread is now in handle */
  np_server_shutdown(s);
  pthread_join(t, NULL);
  close(fd); /* the handler sees EOF and finishes */
  np_server_close(s);
  ASSERT_EQ_INT(atomic_load(&finishes), 1);
  np_server_free(s);
}

TEST(shutdown_before_serve_forever_is_not_lost) {
  np_server_options o;
  np_server_options_init(&o);
  o.host = "127.0.0.1";
  np_server *s;
  ASSERT_OK(np_server_new(&o, &echo, &s, NULL));
  np_server_shutdown(s); /* not serving: returns at once */
  ASSERT_OK(np_server_serve_forever(s, 10000, NULL)); /* returns at once */
  np_server_free(s);
}

TEST(handle_request_times_out_then_serves_one) {
  np_server_options o;
  np_server_options_init(&o);
  o.host = "127.0.0.1";
  o.timeout_ms = 50;
  np_server *s;
  np_error err = NP_ERROR_INIT;
  ASSERT_OK(np_server_new(&o, &echo, &s, &err));
  ASSERT_EQ_INT(np_server_handle_request(s, &err), NP_ETIMEDOUT);
  int fd = connect_tcp("127.0.0.1", np_server_port(s));
  ASSERT(write(fd, "one\n", 4) == 4);
  shutdown(fd, SHUT_WR);
  ASSERT_OK(np_server_handle_request(s, &err));
  char out[32];
  talk(fd, "", out, sizeof out);
  ASSERT_EQ_MEM(out, strlen(out), "one\n");
  np_server_free(s);
}

static bool refuse_all(np_server_request *req, void *ctx) {
  (void)req, (void)ctx;
  return false;
}

TEST(verify_request_false_drops_the_connection) {
  np_server_handler h = echo;
  h.verify_request = refuse_all;
  np_server_options o;
  np_server_options_init(&o);
  o.host = "127.0.0.1";
  o.timeout_ms = 2000;
  np_server *s;
  ASSERT_OK(np_server_new(&o, &h, &s, NULL));
  int fd = connect_tcp("127.0.0.1", np_server_port(s));
  ASSERT(write(fd, "x\n", 2) == 2);
  ASSERT_OK(np_server_handle_request(s, NULL));
  char out[32];
  ASSERT_EQ_INT(talk(fd, "", out, sizeof out), 0);
  ASSERT_EQ_INT(np_server_requests_done(s), 0);
  np_server_free(s);
}

TEST(bind_and_activate_false_binds_later) {
  np_server_options o;
  np_server_options_init(&o);
  o.host = "127.0.0.1";
  o.bind_and_activate = false;
  o.allow_reuse_address = true;
  np_server *s;
  ASSERT_OK(np_server_new(&o, &echo, &s, NULL));
  ASSERT_EQ_INT(np_server_fileno(s), -1);
  ASSERT_EQ_INT(np_server_serve_forever(s, 10, NULL), NP_ESTATE);
  ASSERT_OK(np_server_bind(s, NULL));
  ASSERT_EQ_INT(np_server_bind(s, NULL), NP_ESTATE);
  ASSERT_OK(np_server_activate(s, NULL));
  ASSERT(np_server_fileno(s) >= 0);
  np_server_free(s);
}

TEST(address_in_use_is_an_errno_error) {
  np_server_options o;
  np_server_options_init(&o);
  o.host = "127.0.0.1";
  np_server *s1, *s2 = NULL;
  ASSERT_OK(np_server_new(&o, &echo, &s1, NULL));
  o.port = np_server_port(s1);
  np_error err = NP_ERROR_INIT;
  ASSERT_EQ_INT(np_server_new(&o, &echo, &s2, &err), NP_ESYS);
  ASSERT_EQ_INT(err.sys_errno, EADDRINUSE);
  ASSERT(s2 == NULL);
  np_server_free(s1);
}

TEST(reuse_port_lets_two_servers_share_a_port) {
  np_server_options o;
  np_server_options_init(&o);
  o.host = "127.0.0.1";
  o.allow_reuse_port = true;
  np_server *s1, *s2;
  ASSERT_OK(np_server_new(&o, &echo, &s1, NULL));
  o.port = np_server_port(s1);
  ASSERT_OK(np_server_new(&o, &echo, &s2, NULL));
  np_server_free(s2);
  np_server_free(s1);
}

TEST(bad_options_are_rejected) {
  np_server_options o;
  np_server_options_init(&o);
  np_server *s = NULL;
  o.port = 70000;
  ASSERT_EQ_INT(np_server_new(&o, &echo, &s, NULL), NP_EINVAL);
  np_server_options_init(&o);
  o.kind = NP_SERVER_UNIX_STREAM;
  ASSERT_EQ_INT(np_server_new(&o, &echo, &s, NULL), NP_EINVAL);
  np_server_options_init(&o);
  o.host = "no.such.host.invalid";
  ASSERT_EQ_INT(np_server_new(&o, &echo, &s, NULL), NP_ENOTFOUND);
}

TEST(readline_longer_than_limit_fails_with_etoolarge) {
  np_server_options o;
  np_server_options_init(&o);
  o.host = "127.0.0.1";
  o.stream_max = 16;
  o.timeout_ms = 2000;
  np_server *s;
  ASSERT_OK(np_server_new(&o, &echo, &s, NULL));
  atomic_store(&errors, 0);
  int fd = connect_tcp("127.0.0.1", np_server_port(s));
  ASSERT(write(fd, "0123456789abcdefghij\n", 21) == 21);
  ASSERT_OK(np_server_handle_request(s, NULL));
  ASSERT_EQ_INT(atomic_load(&errors), 1);
  close(fd);
  np_server_free(s);
}

TEST(stream_timeout_ends_a_silent_client) {
  np_server_options o;
  np_server_options_init(&o);
  o.host = "127.0.0.1";
  o.stream_timeout_ms = 100;
  o.timeout_ms = 2000;
  np_server *s;
  ASSERT_OK(np_server_new(&o, &echo, &s, NULL));
  atomic_store(&errors, 0);
  int fd = connect_tcp("127.0.0.1", np_server_port(s));
  ASSERT_OK(np_server_handle_request(s, NULL)); /* returns after 100 ms */
  ASSERT_EQ_INT(atomic_load(&errors), 1);
  close(fd);
  np_server_free(s);
}

/* Datagrams: reply is the packet upper-cased, sent after finish. */
static int dgram_handle(np_server_request *req, void *ctx) {
  (void)ctx;
  np_buf b;
  np_buf_init(&b, 0);
  int rc = np_server_read(req, 1000, &b, NULL);
  for (size_t i = 0; i < b.len; i++)
    if (b.data[i] >= 'a' && b.data[i] <= 'z')
      b.data[i] = (char)(b.data[i] - 32);
  if (rc == NP_OK)
    rc = np_server_write(req, b.data, b.len, NULL);
  np_buf_free(&b);
  return rc;
}

static void run_dgram(np_server_kind kind, np_server_mode mode) {
  static np_server_handler h = {NULL, dgram_handle, NULL, NULL, NULL, NULL,
                                NULL};
  char path[64], cpath[64];
  snprintf(path, sizeof path, "/tmp/np_srv_test_%d.sock", (int)getpid());
  snprintf(cpath, sizeof cpath, "/tmp/np_srv_test_%d.cli", (int)getpid());
  unlink(path);
  unlink(cpath);
  np_server_options o;
  np_server_options_init(&o);
  o.kind = kind;
  o.mode = mode;
  o.host = "127.0.0.1";
  o.path = path;
  o.timeout_ms = 2000;
  np_server *s;
  np_error err = NP_ERROR_INIT;
  ASSERT_OK(np_server_new(&o, &h, &s, &err));
  int fd;
  if (kind == NP_SERVER_UDP) {
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)np_server_port(s));
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    ASSERT_OK(connect(fd, (struct sockaddr *)&a, sizeof a));
  } else {
    fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un c = {0}, a = {0};
    c.sun_family = a.sun_family = AF_UNIX;
    strcpy(c.sun_path, cpath); /* a datagram client needs a name to be answered */
    strcpy(a.sun_path, path);
    ASSERT_OK(bind(fd, (struct sockaddr *)&c, sizeof c));
    ASSERT_OK(connect(fd, (struct sockaddr *)&a, sizeof a));
  }
  ASSERT(write(fd, "ping me", 7) == 7);
  ASSERT_OK(np_server_handle_request(s, &err));
  char out[32] = {0};
  struct pollfd p = {fd, POLLIN, 0};
  ASSERT(poll(&p, 1, 3000) == 1);
  ASSERT_EQ_INT(read(fd, out, sizeof out), 7);
  ASSERT_EQ_MEM(out, 7, "PING ME");
  close(fd);
  np_server_free(s);
  unlink(path);
  unlink(cpath);
}

TEST(udp_sync_answers_datagrams) { run_dgram(NP_SERVER_UDP, NP_SERVER_SYNC); }
TEST(udp_threading_answers_datagrams) { run_dgram(NP_SERVER_UDP, NP_SERVER_THREADING); }
TEST(udp_forking_answers_datagrams) { run_dgram(NP_SERVER_UDP, NP_SERVER_FORKING); }
TEST(unix_datagram_answers) { run_dgram(NP_SERVER_UNIX_DGRAM, NP_SERVER_SYNC); }

TEST(unix_stream_echoes_lines) {
  char path[64];
  snprintf(path, sizeof path, "/tmp/np_srv_test_%d.us", (int)getpid());
  unlink(path);
  np_server_options o;
  np_server_options_init(&o);
  o.kind = NP_SERVER_UNIX_STREAM;
  o.path = path;
  o.mode = NP_SERVER_THREADING;
  np_server *s;
  ASSERT_OK(np_server_new(&o, &echo, &s, NULL));
  pthread_t t;
  serve_arg a = {s, 0};
  pthread_create(&t, NULL, serve_thread, &a);
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un u = {0};
  u.sun_family = AF_UNIX;
  strcpy(u.sun_path, path);
  ASSERT_OK(connect(fd, (struct sockaddr *)&u, sizeof u));
  char out[64];
  talk(fd, "over unix\nquit\n", out, sizeof out);
  ASSERT_EQ_MEM(out, strlen(out), "over unix\nquit\n");
  np_server_shutdown(s);
  pthread_join(t, NULL);
  np_server_free(s);
  unlink(path);
}

TEST(forking_respects_max_children) {
  np_server_options o;
  np_server_options_init(&o);
  o.host = "127.0.0.1";
  o.mode = NP_SERVER_FORKING;
  o.max_children = 2;
  o.request_queue_size = 16;
  np_server *s;
  ASSERT_OK(np_server_new(&o, &echo, &s, NULL));
  pthread_t t;
  serve_arg a = {s, 0};
  pthread_create(&t, NULL, serve_thread, &a);
  int port = np_server_port(s);
  for (int i = 0; i < 6; i++)
    echo_round("127.0.0.1", port);
  np_server_shutdown(s);
  pthread_join(t, NULL);
  np_server_close(s); /* block_on_close: every child reaped */
  ASSERT_EQ_INT(np_server_requests_done(s), 6);
  np_server_free(s);
}
