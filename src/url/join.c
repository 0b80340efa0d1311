/*
 * urljoin and urldefrag (urllib.parse), on bytes.
 *
 * urljoin is RFC 3986 section 5.2 as Python 3.11 does it: the schemes in
 * uses_relative resolve against the base, those in uses_netloc inherit its
 * netloc, and dot segments are removed over the '/'-separated segments of
 * the base's directory and the reference, with empty inner segments
 * dropped and '..' above the root ignored.
 */
#include "url/url_internal.h"

#include <string.h>

/* Segments and path bytes kept on the stack up to these counts; longer
 * paths allocate. */
#define JOIN_STACK_SEGS 64
#define JOIN_STACK_PATH 1024

static size_t count_byte(np_slice s, char c) {
  size_t n = 0;
  for (size_t i = 0; i < s.len; i++)
    n += s.ptr[i] == c;
  return n;
}

/* Append the '/'-separated parts of s to seg (Python's s.split('/')). */
static size_t split_slash(np_slice s, np_slice *seg, size_t n) {
  const char *p = s.ptr, *end = s.ptr + s.len;
  for (;;) {
    const char *q = memchr(p, '/', (size_t)(end - p));
    const char *e = q ? q : end;
    seg[n++] = (np_slice){p, (size_t)(e - p)};
    if (!q)
      return n;
    p = q + 1;
  }
}

static bool seg_is(np_slice s, const char *lit, size_t n) {
  return s.len == n && memcmp(s.ptr, lit, n) == 0;
}

/*
 * The segments to resolve: the reference path alone when it starts with
 * '/', else the base's directory followed by it, with the empty segments
 * between the first and the last removed.  Returns their count.
 */
static size_t gather(np_slice bpath, np_slice path, np_slice *seg) {
  if (path.len && path.ptr[0] == '/')
    return split_slash(path, seg, 0);
  size_t n = split_slash(bpath, seg, 0);
  if (seg[n - 1].len != 0)
    n--; /* the base's last segment is a file, not a directory */
  n = split_slash(path, seg, n);
  size_t k = 1;
  for (size_t i = 1; i < n; i++)
    if (seg[i].len || i == n - 1)
      seg[k++] = seg[i];
  return k;
}

/* Resolve '.' and '..' in place; returns the count kept. */
static size_t resolve(np_slice *seg, size_t n) {
  np_slice last = seg[n - 1]; /* n >= 1: a split gives one part at least */
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (seg_is(seg[i], "..", 2)) {
      if (k)
        k--;
    } else if (!seg_is(seg[i], ".", 1)) {
      seg[k++] = seg[i];
    }
  }
  /* A last '.' or '..' names a directory: keep its trailing '/'. */
  if (seg_is(last, ".", 1) || seg_is(last, "..", 2))
    seg[k++] = (np_slice){"", 0};
  return k;
}

/*
 * Join the resolved segments with '/' into out, which has room for
 * bpath.len + path.len + 2 bytes (the segments are parts of the two paths
 * plus at most one trailing "/"); "/" when that is empty.  Sets *len.
 */
static int join_path(char *out, size_t *len, np_slice bpath, np_slice path) {
  size_t cap = count_byte(bpath, '/') + count_byte(path, '/') + 3;
  np_slice stack_seg[JOIN_STACK_SEGS], *seg = stack_seg;
  if (cap > JOIN_STACK_SEGS) {
    seg = np_malloc(cap * sizeof *seg);
    if (!seg)
      return NP_ENOMEM;
  }
  size_t n = resolve(seg, gather(bpath, path, seg)), k = 0;
  for (size_t i = 0; i < n; i++) {
    if (i)
      out[k++] = '/';
    if (seg[i].len)
      memcpy(out + k, seg[i].ptr, seg[i].len);
    k += seg[i].len;
  }
  if (k == 0)
    out[k++] = '/';
  *len = k;
  if (seg != stack_seg)
    np_free(seg);
  return NP_OK;
}

/* Both URLs split; b is the base, r the reference. */
static int join_parsed(np_buf *out, const np_url *b, const np_url *r,
                       const char *ref, size_t ref_len) {
  unsigned cls = np__url_scheme_class(r->scheme);
  if (!np_slice_eq(r->scheme, b->scheme) || !(cls & NP__URL_USES_RELATIVE))
    return np_buf_append(out, ref, ref_len);
  np_slice netloc = r->netloc;
  if (cls & NP__URL_USES_NETLOC) {
    if (netloc.len)
      return np_urlunparse(out, r);
    netloc = b->netloc;
  }
  if (!r->path.len && !r->params.len)
    return np__url_unsplit(out, r->scheme, netloc, b->path, b->params,
                           r->query.len ? r->query : b->query, r->fragment);
  /* The resolved path on the stack when it is short (the usual case). */
  char stack_path[JOIN_STACK_PATH], *path = stack_path;
  size_t room = b->path.len + r->path.len + 2, len;
  if (room > sizeof stack_path && !(path = np_malloc(room)))
    return NP_ENOMEM;
  int rc = join_path(path, &len, b->path, r->path);
  if (rc == NP_OK)
    rc = np__url_unsplit(out, r->scheme, netloc, np_slice_from(path, len),
                         r->params, r->query, r->fragment);
  if (path != stack_path)
    np_free(path);
  return rc;
}

int np_urljoin(np_buf *out, const char *base, size_t base_len,
               const char *ref, size_t ref_len, unsigned flags,
               np_error *err) {
  if (base_len == 0)
    return np_buf_append(out, ref, ref_len);
  if (ref_len == 0)
    return np_buf_append(out, base, base_len);
  np_url b, r;
  np_url_init(&b);
  np_url_init(&r);
  int rc = np__url_split(&b, base, base_len, NULL, 0, flags, true, err);
  if (rc == NP_OK)
    rc = np__url_split(&r, ref, ref_len, b.scheme.ptr, b.scheme.len, flags,
                       true, err);
  if (rc == NP_OK && (rc = join_parsed(out, &b, &r, ref, ref_len)) != NP_OK)
    np_error_set(err, rc, "urljoin: %s", np_strerror(rc));
  np_url_free(&b);
  np_url_free(&r);
  return rc;
}

int np_urldefrag(np_buf *url_out, np_buf *frag_out, const char *url,
                 size_t len, np_error *err) {
  int rc = NP_OK;
  if (!url || !memchr(url, '#', len)) {
    if (url_out)
      rc = np_buf_append(url_out, url ? url : "", len);
    return rc;
  }
  np_url u;
  np_url_init(&u);
  rc = np__url_split(&u, url, len, NULL, 0, 0, true, err);
  if (rc == NP_OK && url_out)
    rc = np__url_unsplit(url_out, u.scheme, u.netloc, u.path, u.params,
                         u.query, NP_SLICE_NULL);
  if (rc == NP_OK && frag_out)
    rc = np_buf_append_slice(frag_out, u.fragment);
  np_url_free(&u);
  return rc;
}
