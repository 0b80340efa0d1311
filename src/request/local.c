/* UnknownHandler, DataHandler (RFC 2397) and FileHandler. */
#include "request/req_internal.h"

#include "core/date.h"
#include "netproto/url.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static np_handler *make(const char *kind, const char *schemes, unsigned flags,
                        int (*open)(np_handler *, np_opener *, np_request *,
                                    np_response **, np_error *)) {
  np_handler *h = np__handler_new(sizeof *h, kind, 500, schemes);
  if (h) {
    h->flags = flags;
    h->open = open;
  }
  return h;
}

static int unknown_open(np_handler *h, np_opener *o, np_request *req,
                        np_response **out, np_error *err) {
  (void)h, (void)o, (void)out;
  return np_error_set(err, NP_EREQUEST_UNKNOWN_TYPE, "unknown url type: %s",
                      req->type);
}

np_handler *np_handler_unknown_new(void) {
  return make("unknown", NULL, NP_HANDLER_UNKNOWN_OPEN, unknown_open);
}

/* ---- bodies held in memory (data:) ---- */

typedef struct mem_body {
  char *data;
  size_t len, off;
} mem_body;

static int mem_read(void *ctx, void *buf, size_t cap, size_t *got,
                    np_error *err) {
  mem_body *m = ctx;
  (void)err;
  size_t k = m->len - m->off < cap ? m->len - m->off : cap;
  memcpy(buf, m->data + m->off, k);
  m->off += k;
  *got = k;
  return NP_OK;
}

static void mem_close(void *ctx) {
  mem_body *m = ctx;
  np_free(m->data);
  np_free(m);
}

static int b64val(unsigned char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* base64.decodebytes (binascii's non-strict mode): bytes outside the
 * alphabet are skipped, '=' after two or three digits of a quantum ends
 * the data; a quantum left incomplete is "Incorrect padding". */
static int b64_decode(np_buf *out, const char *s, size_t len) {
  unsigned acc = 0;
  int n = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '=' && n >= 2) { /* the last 1 or 2 bytes, then the end */
      char b[2] = {(char)(acc >> (n == 2 ? 4 : 10)), (char)(acc >> 2)};
      return np_buf_append(out, b, (size_t)(n - 1));
    }
    int v = b64val(c);
    if (v < 0)
      continue;
    acc = (acc << 6) | (unsigned)v;
    if (++n == 4) {
      char b[3] = {(char)(acc >> 16), (char)(acc >> 8), (char)acc};
      int rc = np_buf_append(out, b, 3);
      if (rc != NP_OK)
        return rc;
      n = 0;
      acc = 0;
    }
  }
  return n == 0 ? NP_OK : NP_EINVAL;
}

static int data_response(np_request *req, np_buf *body, const char *mt,
                         size_t mtlen, np_response **out, np_error *err) {
  mem_body *m = np_malloc(sizeof *m);
  if (!m)
    return np_error_set(err, NP_ENOMEM, "out of memory");
  m->len = body->len;
  m->off = 0;
  if (!(m->data = np_buf_detach(body, NULL))) {
    np_free(m);
    return np_error_set(err, NP_ENOMEM, "out of memory");
  }
  np_response_body b = {mem_read, mem_close, m};
  char len[32];
  int ll = snprintf(len, sizeof len, "%zu", m->len);
  int rc = np_response_new(out, req->full_url, 0, "", &b);
  if (rc == NP_OK)
    rc = np_response_add_header(*out, "Content-type", 12, mt, mtlen);
  if (rc == NP_OK)
    rc = np_response_add_header(*out, "Content-length", 14, len, (size_t)ll);
  if (rc != NP_OK) {
    np_response_free(*out);
    *out = NULL;
    return np_error_set(err, rc, "out of memory");
  }
  return NP_OK;
}

/* data:[<mediatype>][;base64],<data> as DataHandler reads it. */
static int data_open(np_handler *h, np_opener *o, np_request *req,
                     np_response **out, np_error *err) {
  (void)h, (void)o;
  const char *url = req->full_url, *colon = strchr(url, ':');
  const char *comma = colon ? strchr(colon + 1, ',') : NULL;
  if (!comma)
    return np_error_set(err, NP_EREQUEST_URL, "data URL has no ','");
  const char *mt = colon + 1;
  size_t mtlen = (size_t)(comma - mt);
  np_buf raw, body;
  np_buf_init(&raw, 0);
  np_buf_init(&body, 0);
  int rc = np_unquote_to_bytes(&raw, comma + 1, strlen(comma + 1));
  bool b64 = mtlen >= 7 && memcmp(mt + mtlen - 7, ";base64", 7) == 0;
  if (rc == NP_OK && b64) {
    rc = b64_decode(&body, raw.data ? raw.data : "", raw.len);
    mtlen -= 7;
  } else if (rc == NP_OK) {
    rc = np_buf_append(&body, raw.data ? raw.data : "", raw.len);
  }
  np_buf_free(&raw);
  if (!mtlen)
    mt = "text/plain;charset=US-ASCII", mtlen = strlen(mt);
  if (rc == NP_OK)
    rc = data_response(req, &body, mt, mtlen, out, err);
  else
    rc = rc == NP_EINVAL ? np_error_set(err, NP_EREQUEST_URL,
                                        "data URL: Incorrect padding")
                         : np_error_set(err, rc, "data URL: %s",
                                        np_strerror(rc));
  np_buf_free(&body);
  return rc;
}

np_handler *np_handler_data_new(void) {
  return make("data", "data", 0, data_open);
}

/* ---- file: ---- */

typedef struct fd_body {
  int fd;
} fd_body;

static int fd_read(void *ctx, void *buf, size_t cap, size_t *got,
                   np_error *err) {
  fd_body *f = ctx;
  ssize_t k;
  do
    k = read(f->fd, buf, cap);
  while (k < 0 && errno == EINTR);
  if (k < 0) {
    *got = 0;
    int e = errno;
    np_error_set(err, NP_ESYS, "read: %s", strerror(e));
    if (err)
      err->sys_errno = e;
    return NP_ESYS;
  }
  *got = (size_t)k;
  return NP_OK;
}

static void fd_close(void *ctx) {
  fd_body *f = ctx;
  close(f->fd);
  np_free(f);
}

/* mimetypes.guess_type for the common suffixes; NULL when unknown. */
const char *np__guess_type(const char *path) {
  static const char *const map[][2] = {
      {".html", "text/html"},       {".htm", "text/html"},
      {".txt", "text/plain"},       {".css", "text/css"},
      {".js", "text/javascript"},   {".json", "application/json"},
      {".xml", "application/xml"},         {".png", "image/png"},
      {".jpg", "image/jpeg"},       {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},        {".svg", "image/svg+xml"},
      {".pdf", "application/pdf"},  {".zip", "application/zip"},
      {".csv", "text/csv"},         {".c", "text/x-csrc"},
      {".h", "text/x-chdr"},         {".py", "text/x-python"},
      {".tar", "application/x-tar"}, {".wasm", "application/wasm"},
      {".bin", "application/octet-stream"}, {".md", "text/markdown"},
      {".mp4", "video/mp4"},        {".webp", "image/webp"}};
  const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
  if (!dot || (slash && slash > dot))
    return NULL;
  for (size_t i = 0; i < NP_ARRAY_LEN(map); i++)
    if (strcasecmp(dot, map[i][0]) == 0)
      return map[i][1];
  return NULL;
}

/* get_names(): is host one of this machine's names (IPv4, as Python)? */
static bool host_is_local(const char *host) {
  if (!host[0] || strcasecmp(host, "localhost") == 0)
    return true;
  char self[256] = "localhost";
  const char *names[] = {"localhost", self};
  gethostname(self, sizeof self - 1);
  struct addrinfo hints, *ai = NULL, *mine = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_INET;
  if (getaddrinfo(host, NULL, &hints, &ai) != 0)
    return false;
  bool local = false;
  for (size_t i = 0; i < 2 && !local; i++) {
    if (getaddrinfo(names[i], NULL, &hints, &mine) != 0)
      continue;
    for (struct addrinfo *p = mine; p && !local; p = p->ai_next)
      for (struct addrinfo *q = ai; q && !local; q = q->ai_next)
        local = memcmp(p->ai_addr, q->ai_addr, sizeof(struct sockaddr_in)) == 0;
    freeaddrinfo(mine);
  }
  freeaddrinfo(ai);
  return local;
}

static int file_headers(np_response *r, const char *path,
                        const struct stat *st) {
  const char *mt = np__guess_type(path);
  if (!mt)
    mt = "text/plain";
  char len[32];
  int ll = snprintf(len, sizeof len, "%lld", (long long)st->st_size);
  np_buf date;
  np_buf_init(&date, 0);
  int rc = np__http_date_format(&date, (int64_t)st->st_mtime);
  if (rc == NP_OK)
    rc = np_response_add_header(r, "Content-type", 12, mt, strlen(mt));
  if (rc == NP_OK)
    rc = np_response_add_header(r, "Content-length", 14, len, (size_t)ll);
  if (rc == NP_OK)
    rc = np_response_add_header(r, "Last-modified", 13, date.data, date.len);
  np_buf_free(&date);
  return rc;
}

static int sys_fail(np_error *err, const char *path) {
  int e = errno;
  np_error_set(err, NP_ESYS, "[Errno %d] %s: '%s'", e, strerror(e), path);
  if (err)
    err->sys_errno = e;
  return NP_ESYS;
}

/* open_local_file: url2pathname (unquote) of the selector, opened when
 * the host is empty or names this machine. */
static int file_open(np_handler *h, np_opener *o, np_request *req,
                     np_response **out, np_error *err) {
  (void)h, (void)o;
  np_buf path;
  np_buf_init(&path, 4096);
  if (np_unquote(&path, req->selector, strlen(req->selector)) != NP_OK ||
      !path.data) {
    np_buf_free(&path);
    return np_error_set(err, NP_EREQUEST_URL, "bad file path");
  }
  int rc = NP_OK;
  struct stat st;
  fd_body *f = NULL;
  char *colon = strrchr(req->host, ':');
  if (colon && !strchr(colon, ']'))
    *colon = '\0'; /* _splitport: the port does not matter here */
  if (!host_is_local(req->host))
    rc = np_error_set(err, NP_EREQUEST_URL, "file not on local host");
  else if (!(f = np_malloc(sizeof *f)))
    rc = np_error_set(err, NP_ENOMEM, "out of memory");
  else if ((f->fd = open(path.data, O_RDONLY | O_CLOEXEC)) < 0 ||
           fstat(f->fd, &st) < 0)
    rc = sys_fail(err, path.data);
  else if (S_ISDIR(st.st_mode))
    rc = (errno = EISDIR, sys_fail(err, path.data));
  if (colon)
    *colon = ':';
  if (rc != NP_OK) {
    if (f && f->fd >= 0)
      close(f->fd);
    np_free(f);
    np_buf_free(&path);
    return rc;
  }
  np_buf url;
  np_buf_init(&url, 0);
  np_response_body b = {fd_read, fd_close, f};
  rc = np_buf_printf(&url, "file://%s%s", req->host, req->selector);
  if (rc == NP_OK)
    rc = np_response_new(out, url.data, 0, "", &b);
  else
    fd_close(f);
  if (rc == NP_OK && (rc = file_headers(*out, path.data, &st)) != NP_OK) {
    np_response_free(*out);
    *out = NULL;
  }
  np_buf_free(&url);
  np_buf_free(&path);
  return rc == NP_OK ? NP_OK : np_error_set(err, rc, "out of memory");
}

np_handler *np_handler_file_new(void) {
  return make("file", "file", 0, file_open);
}
