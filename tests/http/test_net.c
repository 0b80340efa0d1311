/* The client half of the socket layer (src/core/net.c) and the plain
 * stream (src/core/tls.h) on loopback. */
#include "test.h"

#include "core/net.h"
#include "core/tls.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

static int listener(int *port) {
  int fd;
  np__addr bound;
  ASSERT_OK(np__net_listen("127.0.0.1", 0, SOCK_STREAM, 16,
                           NP__LISTEN_REUSEADDR, &fd, &bound, NULL));
  char host[64];
  ASSERT_OK(np__addr_format(&bound, host, sizeof host, port));
  ASSERT(strcmp(host, "127.0.0.1") == 0);
  return fd;
}

TEST(connect_read_write_and_eof) {
  int port, lfd = listener(&port), fd, peer;
  ASSERT_OK(np__net_connect("127.0.0.1", port, NULL, 0, 2000, &fd, NULL));
  np__addr pa;
  ASSERT_OK(np__net_accept(lfd, &peer, &pa, NULL));
  ASSERT_OK(np__net_write_all(fd, "ping", 4, 1000, NULL));
  char buf[16];
  size_t got;
  ASSERT_OK(np__net_read(peer, buf, sizeof buf, 1000, &got, NULL));
  ASSERT_EQ_MEM(buf, got, "ping");
  close(peer);
  np_error err = NP_ERROR_INIT;
  ASSERT_EQ_INT(np__net_read(fd, buf, sizeof buf, 1000, &got, &err), NP_EOF);
  ASSERT_EQ_INT(got, 0);
  close(fd);
  close(lfd);
}

TEST(read_times_out_on_a_silent_peer) {
  int port, lfd = listener(&port), fd;
  ASSERT_OK(np__net_connect("localhost", port, NULL, 0, 2000, &fd, NULL));
  char buf[4];
  size_t got;
  np_error err = NP_ERROR_INIT;
  ASSERT_EQ_INT(np__net_read(fd, buf, sizeof buf, 50, &got, &err),
                NP_ETIMEDOUT);
  ASSERT_EQ_INT(err.code, NP_ETIMEDOUT);
  ASSERT_EQ_INT(np__net_wait(fd, POLLIN, 10, NULL), NP_ETIMEDOUT);
  close(fd);
  close(lfd);
}

TEST(refused_and_unresolvable_are_named) {
  int port, lfd = listener(&port), fd;
  close(lfd); /* nobody listens there now */
  np_error err = NP_ERROR_INIT;
  ASSERT_EQ_INT(np__net_connect("127.0.0.1", port, NULL, 0, 1000, &fd, &err),
                NP_ESYS);
  ASSERT_EQ_INT(err.sys_errno, ECONNREFUSED);
  ASSERT_EQ_INT(np__net_connect("no-such-host.invalid", 80, NULL, 0, 1000,
                                &fd, &err),
                NP_ENOTFOUND);
  ASSERT_EQ_INT(np__net_connect("127.0.0.1", 70000, NULL, 0, 1000, &fd, &err),
                NP_EINVAL);
}

TEST(source_address_binds_the_local_end) {
  int port, lfd = listener(&port), fd, peer;
  int src_port, tmp = listener(&src_port);
  close(tmp); /* a port that was free a moment ago */
  ASSERT_OK(np__net_connect("127.0.0.1", port, "127.0.0.1", src_port, 2000,
                            &fd, NULL));
  np__addr pa;
  ASSERT_OK(np__net_accept(lfd, &peer, &pa, NULL));
  char host[64];
  int p;
  ASSERT_OK(np__addr_format(&pa, host, sizeof host, &p));
  ASSERT_EQ_INT(p, src_port);
  close(peer);
  close(fd);
  close(lfd);
}

TEST(plain_stream_reads_and_writes) {
  int port, lfd = listener(&port), fd, peer;
  ASSERT_OK(np__net_connect("127.0.0.1", port, NULL, 0, 2000, &fd, NULL));
  np__addr pa;
  ASSERT_OK(np__net_accept(lfd, &peer, &pa, NULL));
  np__stream s;
  np__stream_init(&s, fd, 1000);
  ASSERT_OK(np__stream_write(&s, "abc", 3, NULL));
  char buf[8];
  size_t got;
  ASSERT_OK(np__net_read(peer, buf, sizeof buf, 1000, &got, NULL));
  ASSERT_EQ_MEM(buf, got, "abc");
  ASSERT_OK(np__net_write_all(peer, "xyz", 3, 1000, NULL));
  ASSERT_OK(np__stream_read(&s, buf, sizeof buf, &got, NULL));
  ASSERT_EQ_MEM(buf, got, "xyz");
  ASSERT_EQ_INT(np__stream_pending(&s), 0);
  np__stream_close(&s);
  ASSERT_EQ_INT(s.fd, -1);
  np__stream_close(&s); /* idempotent */
  close(peer);
  close(lfd);
}

TEST(tls_context_reports_unloadable_files) {
  np__tls_ctx *ctx = NULL;
  np_tls_options o;
  memset(&o, 0, sizeof o);
  o.ca_file = "/nonexistent/ca.pem";
  np_error err = NP_ERROR_INIT;
  ASSERT_EQ_INT(np__tls_ctx_new(&o, "http/1.1", &ctx, &err), NP_ETLS);
  ASSERT(strstr(err.message, "CA file") != NULL);
  memset(&o, 0, sizeof o);
  o.cert_file = "/nonexistent/cert.pem";
  ASSERT_EQ_INT(np__tls_ctx_new(&o, NULL, &ctx, &err), NP_ETLS);
  ASSERT_OK(np__tls_ctx_new(NULL, "http/1.1", &ctx, NULL));
  np__tls_ctx_free(ctx);
  np_error_clear(&err);
}
