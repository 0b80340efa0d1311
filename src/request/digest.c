/* HTTPDigestAuthHandler and ProxyDigestAuthHandler: RFC 7616 digest with
 * MD5 and SHA-1 as Python, plus SHA-256 and SHA-512-256; qop auth or
 * none (RFC 2069). */
#include "request/req_internal.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define DIGEST_MAX_RETRIES 5 /* Python's retried > 5 */
#define DIGEST_MAX_PARAMS 32

typedef struct digest_handler {
  np_handler h;
  np_password_mgr *mgr; /* borrowed */
  int proxy;
  int retried;
  unsigned long nonce_count;
  char *last_nonce;
} digest_handler;

static const int code_401[] = {401}, code_407[] = {407};

static void digest_free(np_handler *h) {
  digest_handler *self = (digest_handler *)h;
  np_free(self->last_nonce);
  np_free(self);
}

typedef struct param {
  np_buf key, value;
} param;

/* parse_http_list + parse_keqv_list: comma-separated k=v, commas inside
 * quotes kept, a backslash in quotes taking the next byte, each item
 * stripped as str.strip() does, surrounding quotes of a value removed.
 * *k counts the params filled (the caller frees them, also on failure).
 * NP_ETOOLARGE for an item past 64 KiB (never cut short), NP_ENOMEM. */
static int parse_params(const char *s, size_t n, param *out, size_t max,
                        size_t *k) {
  size_t i = 0;
  int rc = NP_OK;
  *k = 0;
  np_buf item;
  np_buf_init(&item, 65536);
  while (rc == NP_OK && i <= n && *k < max) {
    item.len = 0;
    bool quote = false;
    for (; rc == NP_OK && i < n; i++) {
      char c = s[i];
      if (quote && c == '\\' && i + 1 < n)
        c = s[++i];
      else if (c == '"')
        quote = !quote;
      else if (c == ',' && !quote)
        break;
      rc = np_buf_putc(&item, c);
    }
    i++;
    const char *p = item.data ? item.data : "";
    size_t len = item.len;
    np__pystrip(&p, &len);
    const char *eq = memchr(p, '=', len);
    if (rc != NP_OK || !len || !eq)
      continue;
    param *q = &out[(*k)++];
    np_buf_init(&q->key, 256);
    np_buf_init(&q->value, 65536);
    const char *v = eq + 1;
    size_t vl = len - (size_t)(v - p);
    if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"')
      v++, vl -= 2;
    rc = np_buf_append(&q->key, p, (size_t)(eq - p));
    if (rc == NP_OK)
      rc = np_buf_append(&q->value, v, vl);
  }
  np_buf_free(&item);
  return rc;
}

static const char *get(const param *ps, size_t n, const char *key) {
  for (size_t i = 0; i < n; i++)
    if (ps[i].key.data && strcmp(ps[i].key.data, key) == 0)
      return ps[i].value.data ? ps[i].value.data : "";
  return NULL;
}

/* The hash of an algorithm name, or NULL when unsupported. */
static const EVP_MD *algorithm_md(const char *alg) {
  if (strcmp(alg, "MD5") == 0)
    return EVP_md5();
  if (strcmp(alg, "SHA") == 0)
    return EVP_sha1();
  if (strcasecmp(alg, "SHA-256") == 0)
    return EVP_sha256();
  if (strcasecmp(alg, "SHA-512-256") == 0)
    return EVP_sha512_256();
  return NULL;
}

/* H(data) in lower-case hex into out (at least 129 bytes). */
static int hexdigest(const EVP_MD *md, const char *data, size_t len,
                     char *out) {
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int dl = 0;
  if (!EVP_Digest(data, len, d, &dl, md, NULL))
    return NP_ENOMEM;
  for (unsigned i = 0; i < dl; i++)
    snprintf(out + 2 * i, 3, "%02x", d[i]);
  out[2 * dl] = '\0';
  return NP_OK;
}

static int hash_fmt(const EVP_MD *md, char *out, const char *fmt, ...)
    NP_PRINTF(3, 4);
static int hash_fmt(const EVP_MD *md, char *out, const char *fmt, ...) {
  np_buf b;
  np_buf_init(&b, 0);
  va_list ap;
  va_start(ap, fmt);
  int rc = np_buf_vprintf(&b, fmt, ap);
  va_end(ap);
  if (rc == NP_OK)
    rc = hexdigest(md, b.data, b.len, out);
  np_buf_free(&b);
  return rc;
}

/* get_authorization: the Authorization value after "Digest ", or
 * NP_DECLINED when the challenge lacks realm or nonce or no password is
 * known. */
static int authorization(digest_handler *self, np_request *req,
                         const param *ps, size_t n, np_buf *out,
                         np_error *err) {
  const char *realm = get(ps, n, "realm"), *nonce = get(ps, n, "nonce");
  const char *qop = get(ps, n, "qop"), *opaque = get(ps, n, "opaque");
  const char *alg = get(ps, n, "algorithm");
  if (!realm || !nonce)
    return NP_DECLINED;
  if (!alg)
    alg = "MD5";
  const EVP_MD *md = algorithm_md(alg);
  if (!md)
    return np_error_set(err, NP_EUNSUPPORTED,
                        "Unsupported digest authentication algorithm '%s'",
                        alg);
  const char *user, *pw;
  if (np_password_mgr_find(self->mgr, realm, req->full_url, &user, &pw) !=
          NP_OK || !user)
    return NP_DECLINED;
  char ha1[129], ha2[129], resp[129], cnonce[17] = "", nc[16] = "";
  int rc = hash_fmt(md, ha1, "%s:%s:%s", user, realm, pw ? pw : "None");
  if (rc == NP_OK)
    rc = hash_fmt(md, ha2, "%s:%s", np_request_get_method(req), req->selector);
  bool auth_qop = false;
  if (qop) { /* 'auth' in qop.split(',') */
    for (const char *q = qop; *q;) {
      size_t w = strcspn(q, ",");
      auth_qop |= w == 4 && memcmp(q, "auth", 4) == 0;
      q += w + (q[w] == ',');
    }
    if (!auth_qop)
      return np_error_set(err, NP_EREQUEST_URL, "qop '%s' is not supported.",
                          qop);
    if (self->last_nonce && strcmp(self->last_nonce, nonce) == 0) {
      self->nonce_count++;
    } else {
      np_free(self->last_nonce);
      self->last_nonce = np__copy_cstr(nonce);
      self->nonce_count = 1;
    }
    snprintf(nc, sizeof nc, "%08lx", self->nonce_count);
    unsigned char rnd[8];
    if (RAND_bytes(rnd, sizeof rnd) != 1)
      return np_error_set(err, NP_ESYS, "no random bytes for the cnonce");
    for (int i = 0; i < 8; i++)
      snprintf(cnonce + 2 * i, 3, "%02x", rnd[i]);
  }
  if (rc == NP_OK)
    rc = qop ? hash_fmt(md, resp, "%s:%s:%s:%s:auth:%s", ha1, nonce, nc,
                        cnonce, ha2)
             : hash_fmt(md, resp, "%s:%s:%s", ha1, nonce, ha2);
  if (rc == NP_OK)
    rc = np_buf_printf(out,
                       "username=\"%s\", realm=\"%s\", nonce=\"%s\", "
                       "uri=\"%s\", response=\"%s\"",
                       user, realm, nonce, req->selector, resp);
  if (rc == NP_OK && opaque && *opaque)
    rc = np_buf_printf(out, ", opaque=\"%s\"", opaque);
  if (rc == NP_OK)
    rc = np_buf_printf(out, ", algorithm=\"%s\"", alg);
  if (rc == NP_OK && qop)
    rc = np_buf_printf(out, ", qop=auth, nc=%s, cnonce=\"%s\"", nc, cnonce);
  return rc == NP_OK ? NP_OK : np_error_set(err, rc, "digest: %s",
                                            np_strerror(rc));
}

/* retry_http_digest_auth: the request again with the answer. */
static int retry_digest(digest_handler *self, np_opener *o, np_request *req,
                        np_slice chal, np_response **resp, np_error *err) {
  const char *sp = memchr(chal.ptr, ' ', chal.len);
  if (!sp)
    return NP_DECLINED;
  param ps[DIGEST_MAX_PARAMS];
  size_t n;
  np_buf auth;
  np_buf_init(&auth, 0);
  int rc = parse_params(sp + 1, chal.len - (size_t)(sp + 1 - chal.ptr), ps,
                        DIGEST_MAX_PARAMS, &n);
  if (rc != NP_OK)
    np_error_set(err, rc, "digest challenge: %s", np_strerror(rc));
  if (rc == NP_OK)
    rc = np_buf_append_cstr(&auth, "Digest ");
  if (rc == NP_OK)
    rc = authorization(self, req, ps, n, &auth, err);
  for (size_t i = 0; i < n; i++) {
    np_buf_free(&ps[i].key);
    np_buf_free(&ps[i].value);
  }
  const char *hname = self->proxy ? "Proxy-authorization" : "Authorization";
  np_slice had = np_request_get_header(req, hname);
  if (rc == NP_OK && had.ptr && np_slice_eq(had, np_buf_slice(&auth)))
    rc = NP_DECLINED;
  if (rc == NP_OK)
    rc = np_request_add_unredirected_header(req, hname, auth.data);
  np_buf_free(&auth);
  if (rc != NP_OK) {
    if (rc < 0) {
      np_response_free(*resp);
      *resp = NULL;
    }
    return rc;
  }
  np_response *next = NULL;
  rc = np_opener_open(o, req, &next, err);
  np_response_free(*resp);
  *resp = next;
  return rc;
}

/* http_error_auth_reqed for digest: at most 5 retries in a row. */
static int digest_reqed(digest_handler *self, np_opener *o, np_request *req,
                        np_response **resp, np_error *err) {
  np_slice chal = np_response_getheader(
      *resp, self->proxy ? "Proxy-Authenticate" : "WWW-Authenticate");
  if (self->retried > DIGEST_MAX_RETRIES)
    return np__http_error(resp, err, "digest auth failed", NULL);
  self->retried++;
  if (!chal.ptr || !chal.len)
    return NP_DECLINED;
  size_t w = 0;
  while (w < chal.len && !np__is((unsigned char)chal.ptr[w], NP_CC_SPACE))
    w++;
  np_slice scheme = np_slice_from(chal.ptr, w);
  if (np_slice_ieq_cstr(scheme, "digest"))
    return retry_digest(self, o, req, chal, resp, err);
  if (np_slice_ieq_cstr(scheme, "basic"))
    return NP_DECLINED;
  int rc = np_error_set(err, NP_EUNSUPPORTED,
                        "AbstractDigestAuthHandler does not support the "
                        "following scheme: '%.*s'",
                        NP_SLICE_ARG(scheme));
  np_response_free(*resp);
  *resp = NULL;
  return rc;
}

static int digest_error(np_handler *h, np_opener *o, np_request *req,
                        np_response **resp, np_error *err) {
  digest_handler *self = (digest_handler *)h;
  int rc = digest_reqed(self, o, req, resp, err);
  /* reset_retry_count, also after a failure (Python leaves the count
   * at its limit then, refusing every later challenge) */
  self->retried = 0;
  return rc;
}

static np_handler *make_digest(np_password_mgr *m, int proxy) {
  /* order 490: before basic, as Python */
  digest_handler *self = np__handler_new(
      sizeof *self, proxy ? "proxy_digest_auth" : "digest_auth", 490, NULL);
  if (!self)
    return NULL;
  self->mgr = m;
  self->proxy = proxy;
  self->h.error_codes = proxy ? code_407 : code_401;
  self->h.n_error_codes = 1;
  self->h.error = digest_error;
  self->h.destroy = digest_free;
  return &self->h;
}

np_handler *np_handler_digest_auth_new(np_password_mgr *m) {
  return make_digest(m, 0);
}
np_handler *np_handler_proxy_digest_auth_new(np_password_mgr *m) {
  return make_digest(m, 1);
}
