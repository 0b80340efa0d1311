/*
 * A command-line driver of np_http_conn for the script tests: sends the
 * requests given on the command line over ONE connection object and prints
 * what happened, one "key value" per line, for Python to check.
 *
 *   http_tool_client [options] METHOD PATH [METHOD PATH ...]
 *   --port P --host H --https --cafile F --capath D --cert F --key F
 *   --insecure --timeout MS --tunnel HOST:PORT --proxy-header "N: v"
 *   --header "N: v" --body TEXT --stream-body N (N bytes, chunked)
 *   --read all|read1|peek|N (read(N) in a loop) --trace --max-info N
 *   --source-port P --max-headers N --print-body --getheader NAME
 */
#include "netproto/http_client.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

typedef struct opts {
  const char *host, *tunnel, *body, *read_mode, *getheader;
  int port, trace, print_body, max_headers;
  long stream_body;
  np_http_conn_options co;
  np_http_header headers[16], proxy_headers[16];
  size_t nh, nph;
} opts;

static np_http_header split_header(const char *s) {
  const char *colon = strchr(s, ':');
  np_http_header h;
  h.name = np_slice_from(s, colon ? (size_t)(colon - s) : strlen(s));
  const char *v = colon ? colon + 1 : "";
  while (*v == ' ')
    v++;
  h.value = np_slice_cstr(v);
  return h;
}

static int parse_opts(int argc, char **argv, opts *o) {
  int i = 1;
  for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : "";
    if (!strcmp(a, "--https")) o->co.https = 1;
    else if (!strcmp(a, "--insecure")) o->co.tls.insecure_skip_verify = 1;
    else if (!strcmp(a, "--trace")) o->trace = 1;
    else if (!strcmp(a, "--print-body")) o->print_body = 1;
    else {
      i++;
      if (!strcmp(a, "--port")) o->port = atoi(v);
      else if (!strcmp(a, "--host")) o->host = v;
      else if (!strcmp(a, "--cafile")) o->co.tls.ca_file = v;
      else if (!strcmp(a, "--capath")) o->co.tls.ca_path = v;
      else if (!strcmp(a, "--cert")) o->co.tls.cert_file = v;
      else if (!strcmp(a, "--key")) o->co.tls.key_file = v;
      else if (!strcmp(a, "--timeout")) o->co.timeout_ms = atoi(v);
      else if (!strcmp(a, "--tunnel")) o->tunnel = v;
      else if (!strcmp(a, "--body")) o->body = v;
      else if (!strcmp(a, "--stream-body")) o->stream_body = atol(v);
      else if (!strcmp(a, "--read")) o->read_mode = v;
      else if (!strcmp(a, "--getheader")) o->getheader = v;
      else if (!strcmp(a, "--max-info")) o->co.max_informational = atoi(v);
      else if (!strcmp(a, "--max-headers")) o->co.limits.max_headers = (size_t)atoi(v);
      else if (!strcmp(a, "--source-port")) o->co.source_port = atoi(v);
      else if (!strcmp(a, "--header") && o->nh < 16) o->headers[o->nh++] = split_header(v);
      else if (!strcmp(a, "--proxy-header") && o->nph < 16) o->proxy_headers[o->nph++] = split_header(v);
      else {
        fprintf(stderr, "unknown option %s\n", a);
        exit(2);
      }
    }
  }
  return i;
}

/* The local port tells connections apart: a new one gets a new port. */
static int local_port(int fd) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (fd < 0 || getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
    return -1;
  if (ss.ss_family == AF_INET)
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
  return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

static void print_error(const char *what, int rc, const np_error *e) {
  printf("error %s %s\n", np_status_name(rc), what);
  printf("message %s\n", e->message);
  printf("value %ld\n", e->value);
}

/* FNV-1a over the body, so big bodies can be compared without printing. */
static unsigned long long fnv(unsigned long long h, const char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
  return h;
}

static long stream_left;
static int stream_fn(void *ctx, void *buf, size_t cap, size_t *got) {
  (void)ctx;
  size_t n = stream_left < (long)cap ? (size_t)stream_left : cap;
  memset(buf, 'z', n);
  stream_left -= (long)n;
  *got = n;
  return 0;
}

static int read_body(np_http_resp *r, const opts *o, np_buf *body,
                     np_error *err) {
  const char *mode = o->read_mode ? o->read_mode : "all";
  if (!strcmp(mode, "all"))
    return np_http_resp_read_all(r, body, err);
  char buf[70000];
  size_t n = !strcmp(mode, "read1") ? sizeof buf
             : !strcmp(mode, "peek") ? sizeof buf : (size_t)atol(mode);
  if (n == 0 || n > sizeof buf)
    n = sizeof buf;
  for (;;) {
    size_t got = 0;
    int rc;
    if (!strcmp(mode, "peek")) {
      np_slice s;
      rc = np_http_resp_peek(r, &s, err);
      if (!rc && s.len == 0)
        return 0;
      printf("peek %zu\n", s.len);
      if (!rc)
        rc = np_http_resp_read(r, buf, s.len < n ? s.len : n, &got, err);
    } else if (!strcmp(mode, "read1")) {
      rc = np_http_resp_read1(r, buf, n, &got, err);
    } else {
      rc = np_http_resp_read(r, buf, n, &got, err);
    }
    np_buf_append(body, buf, got);
    if (rc) {
      printf("partial %zu\n", got);
      return rc;
    }
    if (got == 0)
      return 0;
  }
}

static int one_request(np_http_conn *c, const opts *o, const char *method,
                       const char *path) {
  np_error err = NP_ERROR_INIT;
  int rc;
  printf("request %s %s\n", method, path);
  if (o->stream_body) {
    stream_left = o->stream_body;
    rc = np_http_conn_request_stream(c, method, path, o->headers, o->nh,
                                     stream_fn, NULL, &err);
  } else {
    rc = np_http_conn_request(c, method, path, o->body,
                              o->body ? strlen(o->body) : 0, o->headers, o->nh,
                              &err);
  }
  if (rc) {
    print_error("request", rc, &err);
    return 1;
  }
  np_http_resp *r;
  if ((rc = np_http_conn_getresponse(c, &r, &err))) {
    print_error("getresponse", rc, &err);
    return 1;
  }
  np_slice reason = np_http_resp_reason(r);
  printf("status %d %.*s\n", np_http_resp_status(r), NP_SLICE_ARG(reason));
  printf("version %d\n", np_http_resp_version(r));
  for (size_t i = 0; i < np_http_resp_header_count(r); i++) {
    np_http_header h = np_http_resp_header_at(r, i);
    printf("header %.*s: %.*s\n", NP_SLICE_ARG(h.name), NP_SLICE_ARG(h.value));
  }
  if (o->getheader) {
    np_buf joined;
    np_buf_init(&joined, 0);
    int grc = np_http_resp_getheader_joined(r, o->getheader, &joined);
    printf("getheader %s %.*s\n", grc ? np_status_name(grc) : "ok",
           (int)joined.len, joined.data ? joined.data : "");
    np_buf_free(&joined);
  }
  printf("local_port %d\n", local_port(np_http_conn_fileno(c)));
  np_slice alpn = np_http_conn_alpn(c);
  printf("alpn %.*s\n", NP_SLICE_ARG(alpn));
  np_buf body;
  np_buf_init(&body, 0);
  rc = read_body(r, o, &body, &err);
  printf("body_len %zu\n", body.len);
  printf("body_fnv %016llx\n", fnv(14695981039346656037ULL, body.data ? body.data : "", body.len));
  if (o->print_body)
    printf("body %.*s\n", (int)body.len, body.data ? body.data : "");
  printf("will_close %d\n", np_http_resp_will_close(r));
  printf("isclosed %d\n", np_http_resp_isclosed(r));
  np_buf_free(&body);
  if (rc) {
    print_error("read", rc, &err);
    return 1;
  }
  printf("ok\n");
  return 0;
}

int main(int argc, char **argv) {
  opts o;
  memset(&o, 0, sizeof o);
  o.host = "127.0.0.1";
  o.co.timeout_ms = 10000;
  int i = parse_opts(argc, argv, &o);
  if (o.trace)
    o.co.trace = stdout;
  np_http_conn *c;
  np_error err = NP_ERROR_INIT;
  int rc = np_http_conn_new(&c, o.host, o.port, &o.co, &err);
  if (rc) {
    print_error("new", rc, &err);
    return 1;
  }
  if (o.tunnel && (rc = np_http_conn_set_tunnel(c, o.tunnel, 0, o.proxy_headers,
                                                o.nph, &err))) {
    print_error("tunnel", rc, &err);
    return 1;
  }
  int failures = 0;
  for (; i + 1 < argc; i += 2) {
    failures += one_request(c, &o, argv[i], argv[i + 1]);
    printf("conn_open %d\n", np_http_conn_fileno(c) >= 0);
    fflush(stdout);
  }
  np_http_conn_free(c);
  np_error_clear(&err);
  return failures ? 1 : 0;
}
