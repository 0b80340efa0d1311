/*
 * tests/request/tool_fetch.c - open one URL with np_build_opener and print
 * what happened in the form tests/request/opener_test.py prints for
 * CPython's urllib.request:
 *   tool_fetch [-k] [-X METHOD] [-d DATA] [-H 'Name: value']... URL
 * -k keeps credentials on cross-origin redirects; -R follows 307/308 with
 * the method and body (NP_REDIRECT_RESEND_BODY); -F FILE sends the file
 * as the body (np_request_set_data_file); -c adds a cookie
 * processor with an empty jar; -u user:pass a basic auth handler whose
 * manager (default realm) holds them for the URL; -p user:pass the same
 * with a prior-auth manager that knows the URL needs them; -D user:pass
 * as -u with a digest handler too; -A URI registers them for URI instead
 * of the URL.  -P user:pass answers a proxy's 407 (proxy basic and digest
 * handlers; the manager, default realm, holds them for the proxy's
 * host:port and for the URL, as Python's handlers look them up).  -x URL
 * opens http and https through
 * the proxy URL (ProxyHandler({'http': URL, 'https': URL}); no_proxy of
 * the environment still applies); --cacert FILE verifies https against
 * that CA, --insecure does not verify; -i NAME prints that response
 * header (repeatable); -b reads the body in pieces of an odd size and
 * prints its length and CRC-32 (zlib's) instead of the body; -t MS sets
 * the request's timeout.  Output: "status N", "url U", "reason R", the
 * Content-type header, "header NAME: value" for each -i, then "body:" and
 * the body (or "body-length N" and "body-crc32 X"); or "error NAME [code
 * N]" then the HTTPError response's body.  A read error is printed as
 * "read error NAME" before the body read so far.
 */
#include "netproto/cookiejar.h"
#include "netproto/request.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *show_hdrs[32];
static size_t n_show;
static int big_body;

/* zlib's crc32 (reflected 0xEDB88320), bit by bit: Python's zlib.crc32. */
static uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t n) {
  static uint32_t table[256];
  if (!table[1])
    for (uint32_t i = 0; i < 256; i++) {
      uint32_t c = i;
      for (int k = 0; k < 8; k++)
        c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
  crc = ~crc;
  while (n--)
    crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return ~crc;
}

static void print_big(np_response *r) {
  enum { PIECE = 65521 }; /* odd: pieces straddle every framing boundary */
  unsigned char *buf = malloc(PIECE);
  unsigned long long total = 0;
  uint32_t crc = 0;
  np_error err = NP_ERROR_INIT;
  if (!buf)
    exit(3);
  for (;;) {
    size_t got = 0;
    int rc = np_response_read(r, buf, PIECE, &got, &err);
    crc = crc32_update(crc, buf, got);
    total += got;
    if (rc != NP_OK) {
      printf("read error %s\n", np_status_name(err.code));
      break;
    }
    if (got == 0)
      break;
  }
  printf("body-length %llu\nbody-crc32 %08x\n", total, (unsigned)crc);
  free(buf);
  np_error_clear(&err);
}

static void print_resp(np_response *r) {
  np_buf body;
  np_buf_init(&body, 0);
  np_error err = NP_ERROR_INIT;
  printf("status %d\nurl %s\nreason %s\n", np_response_status(r),
         np_response_url(r), np_response_reason(r));
  np_slice ct = np_response_getheader(r, "Content-type");
  printf("content-type %.*s\n", NP_SLICE_ARG(ct));
  for (size_t i = 0; i < n_show; i++) {
    np_slice v = np_response_getheader(r, show_hdrs[i]);
    printf("header %s: %.*s\n", show_hdrs[i], NP_SLICE_ARG(v));
  }
  if (big_body) {
    print_big(r);
    return;
  }
  if (np_response_read_all(r, &body, &err) != NP_OK)
    printf("read error %s\n", np_status_name(err.code));
  printf("body:\n");
  fwrite(body.data ? body.data : "", 1, body.len, stdout); /* NULs too */
  printf("\n");
  np_buf_free(&body);
  np_error_clear(&err);
}

/* Copies what s holds before its first ':' into out (cap bytes with the
   NUL) and returns what follows the ':'; NULL without a ':' or when the
   part before it does not fit. */
static const char *split_colon(const char *s, char *out, size_t cap) {
  const char *colon = strchr(s, ':');
  size_t n = colon ? (size_t)(colon - s) : 0;
  if (!colon || n >= cap)
    return NULL;
  memcpy(out, s, n);
  out[n] = '\0';
  return colon + 1;
}

int main(int argc, char **argv) {
  const char *method = NULL, *data = NULL, *url = NULL, *data_file = NULL;
  const char *hdrs[32];
  size_t nh = 0;
  unsigned flags = 0;
  int cookies = 0;
  const char *userpass = NULL, *proxy_userpass = NULL;
  int prior = 0, digest = 0, insecure = 0, timeout_ms = 0;
  const char *proxy = NULL, *cafile = NULL, *auth_uri = NULL;
  for (int i = 1; i < argc; i++) {
    if ((strcmp(argv[i], "-u") == 0 || strcmp(argv[i], "-p") == 0 ||
         strcmp(argv[i], "-D") == 0) &&
        i + 1 < argc) {
      prior = argv[i][1] == 'p';
      digest = argv[i][1] == 'D';
      userpass = argv[++i];
    }
    else if (strcmp(argv[i], "-P") == 0 && i + 1 < argc)
      proxy_userpass = argv[++i];
    else if (strcmp(argv[i], "-A") == 0 && i + 1 < argc)
      auth_uri = argv[++i];
    else if (strcmp(argv[i], "-x") == 0 && i + 1 < argc)
      proxy = argv[++i];
    else if (strcmp(argv[i], "--cacert") == 0 && i + 1 < argc)
      cafile = argv[++i];
    else if (strcmp(argv[i], "--insecure") == 0)
      insecure = 1;
    else if (strcmp(argv[i], "-i") == 0 && i + 1 < argc && n_show < 32)
      show_hdrs[n_show++] = argv[++i];
    else if (strcmp(argv[i], "-b") == 0)
      big_body = 1;
    else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
      timeout_ms = atoi(argv[++i]);
    else if (strcmp(argv[i], "-c") == 0)
      cookies = 1;
    else if (strcmp(argv[i], "-k") == 0)
      flags |= NP_REDIRECT_KEEP_CREDENTIALS;
    else if (strcmp(argv[i], "-R") == 0)
      flags |= NP_REDIRECT_RESEND_BODY;
    else if (strcmp(argv[i], "-F") == 0 && i + 1 < argc)
      data_file = argv[++i];
    else if (strcmp(argv[i], "-X") == 0 && i + 1 < argc)
      method = argv[++i];
    else if (strcmp(argv[i], "-d") == 0 && i + 1 < argc)
      data = argv[++i];
    else if (strcmp(argv[i], "-H") == 0 && i + 1 < argc && nh < 32)
      hdrs[nh++] = argv[++i];
    else
      url = argv[i];
  }
  if (!url)
    return 2;
  np_error err = NP_ERROR_INIT;
  np_opener *o;
  np_cookiejar *jar = cookies ? np_cookiejar_new(NULL) : NULL;
  np_password_mgr *pm = NULL, *ppm = NULL;
  np_handler *hs[8] = {np_handler_redirect_new(0, 0, flags)};
  size_t nhs = 1;
  np_tls_options tls = {0};
  tls.ca_file = cafile;
  tls.insecure_skip_verify = insecure;
  if (cafile || insecure)
    hs[nhs++] = np_handler_https_new(&tls);
  if (proxy) {
    np_proxies px = {0};
    if (np_proxies_set(&px, "http", proxy) != NP_OK ||
        np_proxies_set(&px, "https", proxy) != NP_OK)
      return 3;
    hs[nhs++] = np_handler_proxy_new(&px);
    np_proxies_free(&px);
  }
  if (jar)
    hs[nhs++] = np_handler_cookie_new(jar);
  if (userpass) { /* -u user:pass for any realm of the URL */
    char user[128];
    const char *pass = split_colon(userpass, user, sizeof user);
    if (!pass)
      return 2;
    np_password_mgr_new(&pm, prior ? NP_PASSWORD_MGR_PRIOR_AUTH
                                   : NP_PASSWORD_MGR_DEFAULT_REALM);
    np_password_mgr_add(pm, NULL, auth_uri ? auth_uri : url, user, pass,
                        prior);
    hs[nhs++] = np_handler_basic_auth_new(pm);
    if (digest)
      hs[nhs++] = np_handler_digest_auth_new(pm);
  }
  if (proxy_userpass) { /* -P user:pass for the proxy (given by -x) */
    char user[128];
    const char *pass = split_colon(proxy_userpass, user, sizeof user);
    const char *at = proxy ? strstr(proxy, "://") : NULL;
    if (!pass || !at)
      return 2;
    np_password_mgr_new(&ppm, NP_PASSWORD_MGR_DEFAULT_REALM);
    np_password_mgr_add(ppm, NULL, at + 3, user, pass, 0);
    np_password_mgr_add(ppm, NULL, url, user, pass, 0);
    hs[nhs++] = np_handler_proxy_basic_auth_new(ppm);
    hs[nhs++] = np_handler_proxy_digest_auth_new(ppm);
  }
  if (np_build_opener(&o, hs, nhs, &err) != NP_OK)
    return 2;
  np_request *req = NULL;
  if (np_request_new(&req, url, strlen(url), &err) != NP_OK) {
    printf("error %s\n", np_status_name(err.code));
    goto done;
  }
  if (method)
    np_request_set_method(req, method);
  if (timeout_ms)
    np_request_set_timeout(req, timeout_ms);
  if (data)
    np_request_set_data(req, data, strlen(data));
  if (data_file && np_request_set_data_file(req, data_file, &err) != NP_OK) {
    printf("error %s\n", np_status_name(err.code));
    goto done;
  }
  for (size_t i = 0; i < nh; i++) {
    char name[128];
    const char *value = split_colon(hdrs[i], name, sizeof name);
    if (!value)
      return 2;
    np_request_add_header(req, name, value + strspn(value, " "));
  }
  np_response *resp;
  int rc = np_opener_open(o, req, &resp, &err);
  if (rc == NP_OK) {
    print_resp(resp);
    np_response_free(resp);
  } else {
    printf("error %s", np_status_name(rc));
    if (rc == NP_EREQUEST_HTTP)
      printf(" code %ld\nmessage %s\n", err.value, err.message);
    else
      printf("\n");
    np_response *er = np_error_response(&err);
    if (er)
      print_resp(er);
  }
done:
  np_error_clear(&err);
  np_request_free(req);
  np_opener_free(o);
  np_cookiejar_free(jar);
  np_password_mgr_free(pm);
  np_password_mgr_free(ppm);
  return 0;
}
