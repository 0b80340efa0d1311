/* urlretrieve, urlcleanup's temporary files, pathname2url, url2pathname,
 * getproxies. */
#include "request/req_internal.h"

#include "core/net.h"
#include "netproto/url.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RETRIEVE_BLOCK 8192

/* The temporary files urlretrieve made (urllib's _url_tempfiles). */
static char **tempfiles;
static size_t ntempfiles, captempfiles;

void np__retrieve_cleanup(void) {
  for (size_t i = 0; i < ntempfiles; i++) {
    unlink(tempfiles[i]);
    np_free(tempfiles[i]);
  }
  np_free(tempfiles);
  tempfiles = NULL;
  ntempfiles = captempfiles = 0;
}

int np_getproxies(np_proxies *out) {
  return np_getproxies_environment(out, NULL);
}

int np_pathname2url(np_buf *out, const char *path, size_t len) {
  return np_quote(out, path, len, "/");
}

int np_url2pathname(np_buf *out, const char *url, size_t len) {
  return np_unquote(out, url, len);
}

static int sys_err(np_error *err, const char *what, const char *path) {
  int e = errno;
  np_error_set(err, NP_ESYS, "[Errno %d] %s: '%s' (%s)", e, strerror(e), path,
               what);
  if (err)
    err->sys_errno = e;
  return NP_ESYS;
}

/* Open the destination: the caller's file, or a new temporary one that
 * urlcleanup will remove. */
static int open_dest(const char *filename, char **path, np_error *err) {
  if (filename) {
    int fd = open(filename, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0)
      return sys_err(err, "open", filename);
    if (!(*path = np__copy_cstr(filename))) {
      close(fd);
      return np_error_set(err, NP_ENOMEM, "out of memory");
    }
    return fd;
  }
  const char *dir = getenv("TMPDIR");
  np_buf t;
  np_buf_init(&t, 4096);
  if (np_buf_printf(&t, "%s/tmpXXXXXX", dir && *dir ? dir : "/tmp") != NP_OK ||
      np__array_reserve(&tempfiles, &captempfiles, ntempfiles + 1,
                        sizeof *tempfiles, 8) != NP_OK) {
    np_buf_free(&t);
    return np_error_set(err, NP_ENOMEM, "out of memory");
  }
  int fd = mkstemp(t.data);
  if (fd < 0) {
    int rc = sys_err(err, "mkstemp", t.data);
    np_buf_free(&t);
    return rc;
  }
  char *p = np_buf_detach(&t, NULL), *keep = np__copy_cstr(p);
  if (!p || !keep) {
    np_free(p), np_free(keep);
    close(fd);
    return np_error_set(err, NP_ENOMEM, "out of memory");
  }
  tempfiles[ntempfiles++] = keep;
  *path = p;
  return fd;
}

/* The block loop: read, write, report; counts what was read. */
static int copy_body(np_response *r, int fd, const char *path,
                     np_reporthook_fn hook, void *ctx, long long size,
                     long long *read_total, np_error *err) {
  char *buf = np_malloc(RETRIEVE_BLOCK);
  if (!buf)
    return np_error_set(err, NP_ENOMEM, "out of memory");
  long long blocknum = 0;
  int rc = NP_OK;
  if (hook)
    hook(ctx, blocknum, RETRIEVE_BLOCK, size);
  for (;;) {
    size_t got = 0;
    rc = np_response_read(r, buf, RETRIEVE_BLOCK, &got, err);
    if (got && np__write_all(fd, buf, got, NULL) != NP_OK) { /* sets errno */
      rc = sys_err(err, "write", path);
      break;
    }
    *read_total += (long long)got;
    if (got) {
      blocknum++;
      if (hook)
        hook(ctx, blocknum, RETRIEVE_BLOCK, size);
    }
    if (rc != NP_OK || got == 0)
      break;
  }
  np_free(buf);
  /* a body cut short is the ContentTooShortError below, as Python */
  return rc == NP_EHTTP_INCOMPLETE_READ ? NP_OK : rc;
}

int np_urlretrieve(np_opener *opener, const char *url, const char *filename,
                   const void *data, size_t data_len, np_reporthook_fn hook,
                   void *ctx, char **path, np_response **headers,
                   np_error *err) {
  np_response *r = NULL;
  *path = NULL;
  if (headers)
    *headers = NULL;
  int rc = opener ? np_opener_open_url(opener, url, data, data_len, -1, &r, err)
                  : np_urlopen(url, data, data_len, -1, &r, err);
  if (rc != NP_OK)
    return rc;
  np_request *req = NULL;
  bool local = !filename && np_request_new(&req, url, strlen(url), NULL) == NP_OK &&
               strcmp(np_request_type(req), "file") == 0;
  long long size = -1, got = 0;
  if (local) {
    np_buf p;
    np_buf_init(&p, 0);
    const char *sel = np_request_selector(req);
    rc = np_url2pathname(&p, sel, strlen(sel));
    *path = rc == NP_OK ? np_buf_detach(&p, NULL) : NULL;
    np_buf_free(&p);
    if (!*path)
      rc = np_error_set(err, NP_ENOMEM, "out of memory");
  } else {
    np_slice cl = np_response_getheader(r, "Content-Length");
    uint64_t v;
    if (cl.ptr && np__parse_uint(cl.ptr, cl.len, INT64_MAX, &v) == NP_OK)
      size = (long long)v;
    int fd = open_dest(filename, path, err);
    rc = fd < 0 ? fd : copy_body(r, fd, *path, hook, ctx, size, &got, err);
    if (fd >= 0 && close(fd) != 0 && rc == NP_OK)
      rc = sys_err(err, "close", *path);
  }
  np_request_free(req);
  np_response_close(r);
  if (rc == NP_OK && size >= 0 && got < size)
    rc = np_error_set(err, NP_EREQUEST_CONTENT_TOO_SHORT,
                      "retrieval incomplete: got only %lld out of %lld bytes",
                      got, size);
  if (headers)
    *headers = r;
  else
    np_response_free(r);
  if (rc != NP_OK && rc != NP_EREQUEST_CONTENT_TOO_SHORT) {
    np_free(*path);
    *path = NULL;
  }
  return rc;
}
