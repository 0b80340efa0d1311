/*
 * tests/request/tool_fetch.c - open one URL with np_build_opener and print
 * what happened in the form tests/request/opener_test.py prints for
 * CPython's urllib.request:
 *   tool_fetch [-k] [-X METHOD] [-d DATA] [-H 'Name: value']... URL
 * -k keeps credentials on cross-origin redirects; -c adds a cookie
 * processor with an empty jar; -u user:pass a basic auth handler whose
 * manager (default realm) holds them for the URL; -p user:pass the same
 * with a prior-auth manager that knows the URL needs them; -D user:pass
 * as -u with a digest handler too.  Output: "status N",
 * "url U", "reason R", the Content-type header, then "body:" and the body;
 * or "error NAME [code N]" then the HTTPError response's body.
 */
#include "netproto/cookiejar.h"
#include "netproto/request.h"

#include <stdio.h>
#include <string.h>

static void print_resp(np_response *r) {
  np_buf body;
  np_buf_init(&body, 0);
  np_error err = NP_ERROR_INIT;
  printf("status %d\nurl %s\nreason %s\n", np_response_status(r),
         np_response_url(r), np_response_reason(r));
  np_slice ct = np_response_getheader(r, "Content-type");
  printf("content-type %.*s\n", NP_SLICE_ARG(ct));
  if (np_response_read_all(r, &body, &err) != NP_OK)
    printf("read error %s\n", np_status_name(err.code));
  printf("body:\n");
  fwrite(body.data ? body.data : "", 1, body.len, stdout); /* NULs too */
  printf("\n");
  np_buf_free(&body);
  np_error_clear(&err);
}

int main(int argc, char **argv) {
  const char *method = NULL, *data = NULL, *url = NULL;
  const char *hdrs[32];
  size_t nh = 0;
  unsigned flags = 0;
  int cookies = 0;
  const char *userpass = NULL;
  int prior = 0, digest = 0;
  for (int i = 1; i < argc; i++) {
    if ((strcmp(argv[i], "-u") == 0 || strcmp(argv[i], "-p") == 0 ||
         strcmp(argv[i], "-D") == 0) &&
        i + 1 < argc) {
      prior = argv[i][1] == 'p';
      digest = argv[i][1] == 'D';
      userpass = argv[++i];
    }
    else if (strcmp(argv[i], "-c") == 0)
      cookies = 1;
    else if (strcmp(argv[i], "-k") == 0)
      flags |= NP_REDIRECT_KEEP_CREDENTIALS;
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
  np_password_mgr *pm = NULL;
  np_handler *hs[4] = {np_handler_redirect_new(0, 0, flags), NULL, NULL,
                       NULL};
  size_t nhs = 1;
  if (jar)
    hs[nhs++] = np_handler_cookie_new(jar);
  if (userpass) { /* -u user:pass for any realm of the URL */
    char user[128];
    const char *colon = strchr(userpass, ':');
    size_t ul = colon ? (size_t)(colon - userpass) : 0;
    if (!colon || ul >= sizeof user)
      return 2;
    memcpy(user, userpass, ul);
    user[ul] = '\0';
    np_password_mgr_new(&pm, prior ? NP_PASSWORD_MGR_PRIOR_AUTH
                                   : NP_PASSWORD_MGR_DEFAULT_REALM);
    np_password_mgr_add(pm, NULL, url, user, colon + 1, prior);
    hs[nhs++] = np_handler_basic_auth_new(pm);
    if (digest)
      hs[nhs++] = np_handler_digest_auth_new(pm);
  }
  if (np_build_opener(&o, hs, nhs, &err) != NP_OK)
    return 2;
  np_request *req;
  if (np_request_new(&req, url, strlen(url), &err) != NP_OK) {
    printf("error %s\n", np_status_name(err.code));
    np_opener_free(o);
    return 0;
  }
  if (method)
    np_request_set_method(req, method);
  if (data)
    np_request_set_data(req, data, strlen(data));
  for (size_t i = 0; i < nh; i++) {
    char name[128];
    const char *colon = strchr(hdrs[i], ':');
    size_t n = colon ? (size_t)(colon - hdrs[i]) : 0;
    if (!colon || n >= sizeof name)
      return 2;
    memcpy(name, hdrs[i], n);
    name[n] = '\0';
    np_request_add_header(req, name, colon + 1 + strspn(colon + 1, " "));
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
  np_error_clear(&err);
  np_request_free(req);
  np_opener_free(o);
  np_cookiejar_free(jar);
  np_password_mgr_free(pm);
  return 0;
}
