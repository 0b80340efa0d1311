/*
 * tests/request/tool_open.c - open URLs in turn with one np_build_opener
 * opener, for body_test.py and keepalive_test.py:
 *   tool_open [options] URL...
 *   --file PATH       the body from np_request_set_data_file
 *   --stream PATH     the body read from PATH through np_request_set_body,
 *                     length unknown (chunked), rewindable
 *   --stream-norewind PATH   the same without a rewind callback
 *   -d DATA           byte data;  -X METHOD;  -H 'Name: value'
 *   --resend          redirect handler with NP_REDIRECT_RESEND_BODY
 *   -u user:pass      basic auth handler (default realm, for each URL)
 *   --keepalive N     np_opener_set_keepalive(N)
 *   --sleep-ms N      pause between URLs
 *   --partial         read only 1 byte of each body before freeing it
 *   --cache-ftp N,T   np_handler_cache_ftp_new(N, T) as the ftp handler
 *   --cacert FILE     an https handler trusting FILE
 * Output per URL: "status N" and "body:" then the body and a newline, or
 * "error NAME [code N] message"; at the end "idle N" (the pool's size)
 * and, with --cache-ftp, "ftpcache N" (connections the cache holds).
 */
#include "netproto/request.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct stream {
  FILE *f;
} stream;

static int stream_read(void *ctx, void *buf, size_t cap, size_t *got) {
  stream *s = ctx;
  *got = fread(buf, 1, cap, s->f);
  return ferror(s->f) ? NP_ESYS : NP_OK;
}
static int stream_rewind(void *ctx) {
  stream *s = ctx;
  return fseek(s->f, 0, SEEK_SET) == 0 ? NP_OK : NP_ESYS;
}
static void stream_close(void *ctx) {
  stream *s = ctx;
  fclose(s->f);
  free(s);
}

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
    ;
}

int main(int argc, char **argv) {
  const char *method = NULL, *data = NULL, *file = NULL, *spath = NULL;
  const char *hdrs[32], *urls[64], *userpass = NULL;
  size_t nh = 0, nu = 0;
  int rewind = 1, resend = 0, keepalive = 0, pause = 0, partial = 0;
  int cache_max = -1, cache_timeout = 0;
  np_tls_options tls = {0};
  int https = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int more = i + 1 < argc;
    if (strcmp(a, "--file") == 0 && more)
      file = argv[++i];
    else if (strcmp(a, "--stream") == 0 && more)
      spath = argv[++i];
    else if (strcmp(a, "--stream-norewind") == 0 && more)
      spath = argv[++i], rewind = 0;
    else if (strcmp(a, "-d") == 0 && more)
      data = argv[++i];
    else if (strcmp(a, "-X") == 0 && more)
      method = argv[++i];
    else if (strcmp(a, "-H") == 0 && more && nh < 32)
      hdrs[nh++] = argv[++i];
    else if (strcmp(a, "-u") == 0 && more)
      userpass = argv[++i];
    else if (strcmp(a, "--resend") == 0)
      resend = 1;
    else if (strcmp(a, "--cache-ftp") == 0 && more &&
             sscanf(argv[i + 1], "%d,%d", &cache_max, &cache_timeout) == 2)
      i++;
    else if (strcmp(a, "--cacert") == 0 && more)
      tls.ca_file = argv[++i], https = 1;
    else if (strcmp(a, "--partial") == 0)
      partial = 1;
    else if (strcmp(a, "--keepalive") == 0 && more)
      keepalive = atoi(argv[++i]);
    else if (strcmp(a, "--sleep-ms") == 0 && more)
      pause = atoi(argv[++i]);
    else if (nu < 64)
      urls[nu++] = a;
  }
  np_handler *hs[4];
  size_t n = 0;
  np_password_mgr *mgr = NULL;
  if (resend)
    hs[n++] = np_handler_redirect_new(0, 0, NP_REDIRECT_RESEND_BODY);
  if (userpass) {
    char user[128];
    const char *colon = strchr(userpass, ':');
    snprintf(user, sizeof user, "%.*s", colon ? (int)(colon - userpass) : 0,
             userpass);
    if (np_password_mgr_new(&mgr, NP_PASSWORD_MGR_DEFAULT_REALM) != NP_OK)
      return 2;
    for (size_t i = 0; i < nu; i++)
      np_password_mgr_add(mgr, NULL, urls[i], user, colon ? colon + 1 : "",
                          0);
    hs[n++] = np_handler_basic_auth_new(mgr);
  }
  if (https)
    hs[n++] = np_handler_https_new(&tls);
  np_handler *cache = NULL;
  if (cache_max >= 0)
    hs[n++] = cache = np_handler_cache_ftp_new((size_t)cache_max,
                                               cache_timeout);
  np_opener *o;
  np_error err = NP_ERROR_INIT;
  if (np_build_opener(&o, hs, n, &err) != NP_OK ||
      (keepalive && np_opener_set_keepalive(o, (size_t)keepalive) != NP_OK))
    return 2;
  for (size_t u = 0; u < nu; u++) {
    if (u && pause)
      sleep_ms(pause);
    np_request *req;
    int rc = np_request_new(&req, urls[u], strlen(urls[u]), &err);
    if (rc != NP_OK)
      return 2;
    np_request_set_timeout(req, 10000);
    if (method)
      np_request_set_method(req, method);
    for (size_t i = 0; i < nh; i++) {
      char name[128];
      const char *c = strchr(hdrs[i], ':');
      if (!c)
        continue;
      snprintf(name, sizeof name, "%.*s", (int)(c - hdrs[i]), hdrs[i]);
      np_request_add_header(req, name, c + 1 + (c[1] == ' '));
    }
    if (data)
      np_request_set_data(req, data, strlen(data));
    if (file)
      rc = np_request_set_data_file(req, file, &err);
    if (spath) {
      stream *s = malloc(sizeof *s);
      if (!s || !(s->f = fopen(spath, "rb")))
        return 2;
      np_request_body b = {stream_read, rewind ? stream_rewind : NULL,
                           stream_close, s, -1};
      rc = np_request_set_body(req, &b);
    }
    np_response *r = NULL;
    if (rc == NP_OK)
      rc = np_opener_open(o, req, &r, &err);
    if (rc == NP_EREQUEST_HTTP)
      r = np_error_take_response(&err);
    if (rc != NP_OK)
      printf("error %s code %ld %s\n", np_status_name(rc),
             rc == NP_EREQUEST_HTTP ? err.value : 0L, err.message);
    if (r && partial) {
      char one;
      size_t got;
      np_response_read(r, &one, 1, &got, &err);
      printf("status %d\npartial %zu\n", np_response_status(r), got);
    } else if (r) {
      np_buf body;
      np_buf_init(&body, 0);
      printf("status %d\n", np_response_status(r));
      if (np_response_read_all(r, &body, &err) != NP_OK)
        printf("read error %s\n", np_status_name(err.code));
      printf("body:\n");
      fwrite(body.data ? body.data : "", 1, body.len, stdout);
      printf("\n");
      np_buf_free(&body);
    }
    np_response_free(r);
    np_request_free(req);
    np_error_clear(&err);
    fflush(stdout);
  }
  printf("idle %zu\n", np_opener_idle_count(o));
  if (cache)
    printf("ftpcache %zu\n", np_handler_cache_ftp_count(cache));
  np_opener_free(o);
  np_password_mgr_free(mgr);
  return 0;
}
