/*
 * fuzz_request_auth: the opener's answer to hostile responses, without a
 * network.  A handler that claims http, https and ftp answers every
 * request with the status the first input byte picks (401, 407 or a
 * redirect) and the header lines of the rest ("Name: value" per line);
 * after 30 answers it gives 200.  The basic and digest handlers parse
 * the WWW-Authenticate / Proxy-Authenticate values, the redirect handler
 * the Location, and the whole chain of retries must end cleanly.
 */
#include "netproto/request.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct fake {
  const uint8_t *data;
  size_t len;
  int calls;
} fake;

static int fake_open(np_handler *h, np_opener *o, np_request *req,
                     np_response **out, np_error *err) {
  static const int codes[] = {401, 407, 301, 302, 303, 307, 308, 401};
  fake *f = h->ctx;
  (void)o, (void)err;
  int code = f->calls++ < 30 ? codes[f->data[0] & 7] : 200;
  int rc = np_response_new(out, np_request_full_url(req), code, "Fuzz", NULL);
  if (rc != NP_OK)
    return rc;
  const char *p = (const char *)f->data + 1, *end = (const char *)f->data + f->len;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *e = nl ? nl : end;
    const char *colon = memchr(p, ':', (size_t)(e - p));
    if (colon) {
      const char *v = colon + 1;
      while (v < e && *v == ' ')
        v++;
      np_response_add_header(*out, p, (size_t)(colon - p), v, (size_t)(e - v));
    }
    p = e + 1;
  }
  return NP_OK;
}

static void no_free(np_handler *h) { (void)h; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 65536)
    return 0;
  fake f = {data, size, 0};
  np_handler mem;
  memset(&mem, 0, sizeof mem);
  mem.kind = "fake";
  mem.order = 500;
  mem.schemes = "http https ftp";
  mem.open = fake_open;
  mem.destroy = no_free;
  mem.ctx = &f;
  np_password_mgr *pm = NULL;
  np_opener *o = NULL;
  if (np_password_mgr_new(&pm, NP_PASSWORD_MGR_DEFAULT_REALM) != NP_OK ||
      np_password_mgr_add(pm, NULL, "http://fuzz.example/", "user", "pass",
                          0) != NP_OK ||
      np_opener_new(&o) != NP_OK) {
    np_password_mgr_free(pm);
    return 0;
  }
  np_opener_add_handler(o, &mem);
  np_opener_add_handler(o, np_handler_redirect_new(0, 0, 0));
  np_opener_add_handler(o, np_handler_basic_auth_new(pm));
  np_opener_add_handler(o, np_handler_digest_auth_new(pm));
  np_opener_add_handler(o, np_handler_proxy_basic_auth_new(pm));
  np_opener_add_handler(o, np_handler_proxy_digest_auth_new(pm));
  np_opener_add_handler(o, np_handler_default_error_new());
  np_opener_add_handler(o, np_handler_error_processor_new());
  np_error err = NP_ERROR_INIT;
  np_response *r = NULL;
  if (np_opener_open_url(o, "http://fuzz.example/a/b", NULL, 0, -1, &r,
                         &err) == NP_OK)
    np_response_free(r);
  np_error_clear(&err);
  np_opener_free(o);
  np_password_mgr_free(pm);
  return 0;
}
