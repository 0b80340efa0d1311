/*
 * HTTP server: SimpleHTTPRequestHandler.  GET and HEAD of files under one
 * directory: index.html, directory listings, the redirect that adds a
 * trailing slash, MIME types by extension, Last-Modified and
 * If-Modified-Since, and beyond Python ETag/If-None-Match and single byte
 * ranges (206, 416).  Files are sent with sendfile, small ones inline.
 *
 * Path safety: the URL path is decoded once and split on '/', dropping
 * empty, "." and ".." segments as Python's translate_path does, so no
 * spelling of ".." (encoded, doubled, mixed with backslashes) can climb.
 * NUL and backslash refuse the request (404).  The file is opened relative
 * to the served directory with openat2(RESOLVE_BENEATH), so a symlink
 * that leads outside is refused too (unless follow_symlinks_out); where
 * openat2 is missing, the opened file's real path is checked instead.
 */
#define _GNU_SOURCE
#include "server/httpd_internal.h"
#include "netproto/url.h"

#include <dirent.h>
#include <pthread.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#if defined(__linux__)
#include <linux/openat2.h>
#endif

#define NP__INLINE_FILE 16384 /* smaller files go out in the same send */
#define NP__LISTING_MAX ((size_t)64 << 20)   /* bytes of a listing page */
#define NP__LISTING_MAX_ENTRIES 100000       /* names in a listing */

/* Python's mimetypes defaults (types_map), sorted for binary search. */
static const struct {
  const char *ext, *type;
} np__mime[] = {
    {".3g2", "audio/3gpp2"},
    {".3gp", "audio/3gpp"},
    {".3gpp", "audio/3gpp"},
    {".3gpp2", "audio/3gpp2"},
    {".a", "application/octet-stream"},
    {".aac", "audio/aac"},
    {".adts", "audio/aac"},
    {".ai", "application/postscript"},
    {".aif", "audio/x-aiff"},
    {".aifc", "audio/x-aiff"},
    {".aiff", "audio/x-aiff"},
    {".ass", "audio/aac"},
    {".au", "audio/basic"},
    {".avi", "video/x-msvideo"},
    {".avif", "image/avif"},
    {".bat", "text/plain"},
    {".bcpio", "application/x-bcpio"},
    {".bin", "application/octet-stream"},
    {".bmp", "image/bmp"},
    {".c", "text/plain"},
    {".cdf", "application/x-netcdf"},
    {".cpio", "application/x-cpio"},
    {".csh", "application/x-csh"},
    {".css", "text/css"},
    {".csv", "text/csv"},
    {".dll", "application/octet-stream"},
    {".doc", "application/msword"},
    {".dot", "application/msword"},
    {".dvi", "application/x-dvi"},
    {".eml", "message/rfc822"},
    {".eps", "application/postscript"},
    {".etx", "text/x-setext"},
    {".exe", "application/octet-stream"},
    {".gif", "image/gif"},
    {".gtar", "application/x-gtar"},
    {".h", "text/plain"},
    {".h5", "application/x-hdf5"},
    {".hdf", "application/x-hdf"},
    {".heic", "image/heic"},
    {".heif", "image/heif"},
    {".htm", "text/html"},
    {".html", "text/html"},
    {".ico", "image/vnd.microsoft.icon"},
    {".ief", "image/ief"},
    {".jpe", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".jpg", "image/jpeg"},
    {".js", "application/javascript"},
    {".json", "application/json"},
    {".ksh", "text/plain"},
    {".latex", "application/x-latex"},
    {".loas", "audio/aac"},
    {".m1v", "video/mpeg"},
    {".m3u", "application/vnd.apple.mpegurl"},
    {".m3u8", "application/vnd.apple.mpegurl"},
    {".man", "application/x-troff-man"},
    {".me", "application/x-troff-me"},
    {".mht", "message/rfc822"},
    {".mhtml", "message/rfc822"},
    {".mif", "application/x-mif"},
    {".mjs", "application/javascript"},
    {".mov", "video/quicktime"},
    {".movie", "video/x-sgi-movie"},
    {".mp2", "audio/mpeg"},
    {".mp3", "audio/mpeg"},
    {".mp4", "video/mp4"},
    {".mpa", "video/mpeg"},
    {".mpe", "video/mpeg"},
    {".mpeg", "video/mpeg"},
    {".mpg", "video/mpeg"},
    {".ms", "application/x-troff-ms"},
    {".n3", "text/n3"},
    {".nc", "application/x-netcdf"},
    {".nq", "application/n-quads"},
    {".nt", "application/n-triples"},
    {".nws", "message/rfc822"},
    {".o", "application/octet-stream"},
    {".obj", "application/octet-stream"},
    {".oda", "application/oda"},
    {".opus", "audio/opus"},
    {".p12", "application/x-pkcs12"},
    {".p7c", "application/pkcs7-mime"},
    {".pbm", "image/x-portable-bitmap"},
    {".pdf", "application/pdf"},
    {".pfx", "application/x-pkcs12"},
    {".pgm", "image/x-portable-graymap"},
    {".pl", "text/plain"},
    {".png", "image/png"},
    {".pnm", "image/x-portable-anymap"},
    {".pot", "application/vnd.ms-powerpoint"},
    {".ppa", "application/vnd.ms-powerpoint"},
    {".ppm", "image/x-portable-pixmap"},
    {".pps", "application/vnd.ms-powerpoint"},
    {".ppt", "application/vnd.ms-powerpoint"},
    {".ps", "application/postscript"},
    {".pwz", "application/vnd.ms-powerpoint"},
    {".py", "text/x-python"},
    {".pyc", "application/x-python-code"},
    {".pyo", "application/x-python-code"},
    {".qt", "video/quicktime"},
    {".ra", "audio/x-pn-realaudio"},
    {".ram", "application/x-pn-realaudio"},
    {".ras", "image/x-cmu-raster"},
    {".rdf", "application/xml"},
    {".rgb", "image/x-rgb"},
    {".roff", "application/x-troff"},
    {".rtx", "text/richtext"},
    {".sgm", "text/x-sgml"},
    {".sgml", "text/x-sgml"},
    {".sh", "application/x-sh"},
    {".shar", "application/x-shar"},
    {".snd", "audio/basic"},
    {".so", "application/octet-stream"},
    {".src", "application/x-wais-source"},
    {".srt", "text/plain"},
    {".sv4cpio", "application/x-sv4cpio"},
    {".sv4crc", "application/x-sv4crc"},
    {".svg", "image/svg+xml"},
    {".swf", "application/x-shockwave-flash"},
    {".t", "application/x-troff"},
    {".tar", "application/x-tar"},
    {".tcl", "application/x-tcl"},
    {".tex", "application/x-tex"},
    {".texi", "application/x-texinfo"},
    {".texinfo", "application/x-texinfo"},
    {".tif", "image/tiff"},
    {".tiff", "image/tiff"},
    {".tr", "application/x-troff"},
    {".trig", "application/trig"},
    {".tsv", "text/tab-separated-values"},
    {".txt", "text/plain"},
    {".ustar", "application/x-ustar"},
    {".vcf", "text/x-vcard"},
    {".vtt", "text/vtt"},
    {".wasm", "application/wasm"},
    {".wav", "audio/x-wav"},
    {".webm", "video/webm"},
    {".webmanifest", "application/manifest+json"},
    {".wiz", "application/msword"},
    {".wsdl", "application/xml"},
    {".xbm", "image/x-xbitmap"},
    {".xlb", "application/vnd.ms-excel"},
    {".xls", "application/vnd.ms-excel"},
    {".xml", "text/xml"},
    {".xpdl", "application/xml"},
    {".xpm", "image/x-xpixmap"},
    {".xsl", "application/xml"},
    {".xwd", "image/x-xwindowdump"},
    {".zip", "application/zip"},
};

/* SimpleHTTPRequestHandler.extensions_map's own entries come first. */
static const struct {
  const char *ext, *type;
} np__ext_first[] = {
    {".gz", "application/gzip"},
    {".Z", "application/octet-stream"},
    {".bz2", "application/x-bzip2"},
    {".xz", "application/x-xz"},
};

typedef struct np__user_type {
  char *ext, *type;
} np__user_type;

typedef struct np__sys_type {
  char *ext, *type; /* one allocation, freed through ext */
  size_t seq;       /* reading order */
} np__sys_type;

static void np__fcache_free(void *p);

struct np_httpd_static {
  np_httpd_static_options o;
  np__sys_type *sys;   /* from mime.types files: sorted, one per ext */
  size_t nsys;
  int dirfd;
  char *root;        /* realpath of the directory */
  size_t root_len;
  np__user_type *types;
  size_t ntypes;
  int no_openat2;    /* the kernel lacks it: check real paths instead */
  pthread_key_t cache_key; /* each worker thread's small-file cache */
  int has_key;
};

void np_httpd_static_options_init(np_httpd_static_options *o) {
  memset(o, 0, sizeof *o);
  o->directory = ".";
  o->list_directories = true;
  o->etags = true;
  o->ranges = true;
  o->system_mime_types = true;
}

/* The files mimetypes.knownfiles lists, read in order; later wins. */
static const char *const np__mime_files[] = {
    "/etc/mime.types",
    "/etc/httpd/mime.types",
    "/etc/httpd/conf/mime.types",
    "/etc/apache/mime.types",
    "/etc/apache2/mime.types",
    "/usr/local/etc/httpd/conf/mime.types",
    "/usr/local/lib/netscape/mime.types",
    "/usr/local/etc/mime.types",
};

/* Sort by extension; among equal ones the latest definition first, so
 * the de-duplication below keeps it. */
static int np__sys_cmp(const void *a, const void *b) {
  const np__sys_type *x = a, *y = b;
  int c = strcmp(x->ext, y->ext);
  return c ? c : (x->seq < y->seq ? 1 : x->seq > y->seq ? -1 : 0);
}

static int np__sys_add(np_httpd_static *st, size_t *cap, const char *type,
                       size_t tl, const char *ext, size_t el) {
  if (st->nsys == *cap) {
    size_t nc = *cap ? *cap * 2 : 256;
    np__sys_type *n = np_realloc(st->sys, nc * sizeof *n);
    if (!n)
      return NP_ENOMEM;
    st->sys = n;
    *cap = nc;
  }
  char *m = np_malloc(el + tl + 3); /* ".ext\0type\0" */
  if (!m)
    return NP_ENOMEM;
  m[0] = '.';
  memcpy(m + 1, ext, el);
  m[el + 1] = '\0';
  memcpy(m + el + 2, type, tl);
  m[el + 2 + tl] = '\0';
  st->sys[st->nsys].ext = m;
  st->sys[st->nsys].type = m + el + 2;
  st->sys[st->nsys].seq = st->nsys;
  st->nsys++;
  return NP_OK;
}

/* "type ext1 ext2 ..." lines; '#' starts a comment. */
static int np__sys_read(np_httpd_static *st, size_t *cap, FILE *f) {
  char line[1024];
  int rc = NP_OK;
  while (rc == NP_OK && fgets(line, sizeof line, f)) {
    char *h = strchr(line, '#');
    if (h)
      *h = '\0';
    const char *w[64];
    size_t wl[64], n = 0;
    for (char *p = line; *p && n < 64;) {
      while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
      if (!*p)
        break;
      w[n] = p;
      while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
        p++;
      wl[n] = (size_t)(p - w[n]);
      n++;
    }
    for (size_t i = 1; i < n && rc == NP_OK; i++)
      rc = np__sys_add(st, cap, w[0], wl[0], w[i], wl[i]);
  }
  return rc;
}

/* Read the system's mime.types files; keep the last type of each ext. */
static int np__load_system_types(np_httpd_static *st) {
  size_t cap = 0;
  int rc = NP_OK;
  for (size_t i = 0; i < NP_ARRAY_LEN(np__mime_files) && rc == NP_OK; i++) {
    FILE *f = fopen(np__mime_files[i], "re");
    if (!f)
      continue;
    rc = np__sys_read(st, &cap, f);
    fclose(f);
  }
  if (rc != NP_OK || st->nsys == 0)
    return rc;
  qsort(st->sys, st->nsys, sizeof *st->sys, np__sys_cmp);
  size_t out = 0;
  for (size_t i = 0; i < st->nsys; i++) {
    if (out > 0 && strcmp(st->sys[out - 1].ext, st->sys[i].ext) == 0) {
      np_free(st->sys[i].ext);
      continue;
    }
    st->sys[out++] = st->sys[i];
  }
  st->nsys = out;
  return NP_OK;
}

static const char *np__sys_type_of(const np_httpd_static *st, const char *ext,
                                   size_t n) {
  size_t lo = 0, hi = st->nsys;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    const char *e = st->sys[mid].ext;
    size_t el = strlen(e);
    int c = memcmp(e, ext, el < n ? el : n);
    if (c == 0)
      c = el < n ? -1 : el > n ? 1 : 0;
    if (c == 0)
      return st->sys[mid].type;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

int np_httpd_static_new(const np_httpd_static_options *o,
                        np_httpd_static **out, np_error *err) {
  *out = NULL;
  np_httpd_static *st = np_malloc(sizeof *st);
  if (!st)
    return np_error_set(err, NP_ENOMEM, "static handler");
  memset(st, 0, sizeof *st);
  st->dirfd = -1;
  st->o = *o;
  const char *dir = o->directory ? o->directory : ".";
  st->o.directory = NULL;
  st->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  char *rp = st->dirfd >= 0 ? realpath(dir, NULL) : NULL;
  if (!rp) {
    int e = errno;
    np_httpd_static_free(st);
    np_error_set(err, NP_ESYS, "%s: %s", dir, strerror(e));
    if (err)
      err->sys_errno = e;
    return NP_ESYS;
  }
  st->root_len = strlen(rp);
  st->root = np_malloc(st->root_len + 1);
  if (st->root)
    memcpy(st->root, rp, st->root_len + 1);
  free(rp); /* realpath's memory comes from malloc */
  if (!st->root) {
    np_httpd_static_free(st);
    return np_error_set(err, NP_ENOMEM, "static handler");
  }
  st->has_key = pthread_key_create(&st->cache_key, np__fcache_free) == 0;
  if (o->system_mime_types && np__load_system_types(st) != NP_OK) {
    np_httpd_static_free(st);
    return np_error_set(err, NP_ENOMEM, "mime types");
  }
#if defined(SYS_openat2) && defined(RESOLVE_BENEATH)
  { /* probe once: an old kernel answers ENOSYS */
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = O_RDONLY | O_CLOEXEC;
    how.resolve = RESOLVE_BENEATH;
    int fd = (int)syscall(SYS_openat2, st->dirfd, ".", &how, sizeof how);
    if (fd >= 0)
      close(fd);
    else if (errno == ENOSYS)
      st->no_openat2 = 1;
  }
#else
  st->no_openat2 = 1;
#endif
  *out = st;
  return NP_OK;
}

void np_httpd_static_free(np_httpd_static *st) {
  if (!st)
    return;
  if (st->has_key) { /* worker threads freed theirs when they ended */
    np__fcache_free(pthread_getspecific(st->cache_key));
    pthread_key_delete(st->cache_key);
  }
  if (st->dirfd >= 0)
    close(st->dirfd);
  for (size_t i = 0; i < st->ntypes; i++) {
    np_free(st->types[i].ext);
    np_free(st->types[i].type);
  }
  np_free(st->types);
  for (size_t i = 0; i < st->nsys; i++)
    np_free(st->sys[i].ext);
  np_free(st->sys);
  np_free(st->root);
  np_free(st);
}

int np_httpd_static_add_type(np_httpd_static *st, const char *ext,
                             const char *type) {
  if (!ext || ext[0] != '.' || !type || np__memchr2(type, strlen(type), '\r', '\n'))
    return NP_EINVAL;
  np__user_type *t = np_realloc(st->types, (st->ntypes + 1) * sizeof *t);
  if (!t)
    return NP_ENOMEM;
  st->types = t;
  t[st->ntypes].ext = np__copy_cstr(ext);
  t[st->ntypes].type = np__copy_cstr(type);
  if (!t[st->ntypes].ext || !t[st->ntypes].type) {
    np_free(t[st->ntypes].ext);
    np_free(t[st->ntypes].type);
    return NP_ENOMEM;
  }
  st->ntypes++;
  return NP_OK;
}

static const char *np__builtin_type(const char *ext, size_t n) {
  size_t lo = 0, hi = NP_ARRAY_LEN(np__mime);
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    const char *e = np__mime[mid].ext;
    size_t el = strlen(e);
    int c = memcmp(e, ext, el < n ? el : n);
    if (c == 0)
      c = el < n ? -1 : el > n ? 1 : 0;
    if (c == 0)
      return np__mime[mid].type;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

/* extensions_map (the caller's, then the handler's own), then mimetypes;
 * exact extension first, then lower-cased. */
static const char *np__type_of_ext(const np_httpd_static *st,
                                   const char *ext, size_t n) {
  for (size_t i = st->ntypes; i-- > 0;)
    if (strlen(st->types[i].ext) == n && memcmp(st->types[i].ext, ext, n) == 0)
      return st->types[i].type;
  for (size_t i = 0; i < NP_ARRAY_LEN(np__ext_first); i++)
    if (strlen(np__ext_first[i].ext) == n &&
        memcmp(np__ext_first[i].ext, ext, n) == 0)
      return np__ext_first[i].type;
  const char *t = np__sys_type_of(st, ext, n);
  return t ? t : np__builtin_type(ext, n);
}

const char *np_httpd_static_guess_type(const np_httpd_static *st,
                                       const char *path, size_t len) {
  /* posixpath.splitext: the last '.' of the last segment, not leading. */
  size_t b = len;
  while (b > 0 && path[b - 1] != '/')
    b--;
  size_t s = b;
  while (s < len && path[s] == '.')
    s++;
  const char *dot = NULL;
  for (size_t i = len; i > s; i--)
    if (path[i - 1] == '.') {
      dot = path + i - 1;
      break;
    }
  if (dot) {
    size_t n = (size_t)(path + len - dot);
    const char *t = np__type_of_ext(st, dot, n);
    if (t)
      return t;
    char low[32];
    if (n < sizeof low) {
      for (size_t i = 0; i < n; i++)
        low[i] = (char)np__lower((unsigned char)dot[i]);
      if ((t = np__type_of_ext(st, low, n)))
        return t;
    }
  }
  return "application/octet-stream";
}

np_httpd_handler np_httpd_static_handler(np_httpd_static *st) {
  np_httpd_handler h;
  memset(&h, 0, sizeof h);
  h.do_GET = np_httpd_static_get;
  h.do_HEAD = np_httpd_static_head;
  h.ctx = st;
  return h;
}

/* ---- the path ---- */

/*
 * translate_path: the URL path (query and fragment cut, percent-decoded)
 * resolved like posixpath.normpath - "." and empty segments dropped, ".."
 * removing the previous segment and never climbing above the root - into
 * a relative path in rel ("" for the root).  NP_ENOTFOUND for a NUL or a
 * backslash.  *trailing: the URL path ended with '/'.
 */
int np__httpd_translate(np_slice path, np_buf *rel, bool *trailing) {
  size_t n = 0;
  while (n < path.len && path.ptr[n] != '?' && path.ptr[n] != '#')
    n++;
  size_t t = n;
  while (t > 0 && np__is((unsigned char)path.ptr[t - 1], NP_CC_SPACE))
    t--;
  *trailing = t > 0 && path.ptr[t - 1] == '/';
  np_buf_reset(rel);
  size_t seg = 0; /* where the current segment starts in rel */
  for (size_t i = 0; i <= n; i++) {
    int sep = 1;
    if (i < n) {
      unsigned char ch = (unsigned char)path.ptr[i];
      if (ch == '%' && i + 2 < n && np__hexval[(unsigned char)path.ptr[i + 1]] >= 0 &&
          np__hexval[(unsigned char)path.ptr[i + 2]] >= 0) {
        ch = (unsigned char)(np__hexval[(unsigned char)path.ptr[i + 1]] * 16 +
                             np__hexval[(unsigned char)path.ptr[i + 2]]);
        i += 2; /* "%2F" then separates, as after Python's unquote */
      }
      if (ch == '\0' || ch == '\\')
        return NP_ENOTFOUND;
      sep = ch == '/';
      if (!sep) {
        if (np_buf_putc(rel, (char)ch) != NP_OK)
          return NP_ETOOLARGE;
        continue;
      }
    }
    size_t sl = rel->len - seg; /* the segment just finished */
    const char *s = rel->data ? rel->data + seg : "";
    if (sl == 0 || (sl == 1 && s[0] == '.')) {
      rel->len = seg;
    } else if (sl == 2 && s[0] == '.' && s[1] == '.') {
      size_t p = seg ? seg - 1 : 0; /* drop it and the segment before */
      while (p > 0 && rel->data[p - 1] != '/')
        p--;
      rel->len = p;
    } else if (np_buf_putc(rel, '/') != NP_OK) {
      return NP_ETOOLARGE;
    }
    seg = rel->len;
  }
  if (rel->len > 0 && !*trailing)
    rel->len--; /* the last segment's '/' */
  if (rel->data)
    rel->data[rel->len] = '\0';
  return NP_OK;
}

/* Open rel under the served directory without leaving it. */
static int np__open_beneath(const np_httpd_static *st, const char *rel) {
  if (!*rel)
    rel = ".";
  int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  if (st->o.follow_symlinks_out)
    return openat(st->dirfd, rel, flags);
#if defined(SYS_openat2) && defined(RESOLVE_BENEATH)
  if (!st->no_openat2) {
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (uint64_t)flags;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    return (int)syscall(SYS_openat2, st->dirfd, rel, &how, sizeof how);
  }
#endif
  int fd = openat(st->dirfd, rel, flags);
  if (fd < 0)
    return -1;
  char link[64], real[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, real, sizeof real - 1);
  if (n < 0 || (size_t)n < st->root_len ||
      memcmp(real, st->root, st->root_len) != 0 ||
      ((size_t)n > st->root_len && real[st->root_len] != '/' &&
       st->root_len > 1)) {
    close(fd);
    errno = EXDEV;
    return -1;
  }
  return fd;
}

/* ---- conditional requests and ranges ---- */

static void np__etag(const struct stat *sb, char *out, size_t cap) {
  snprintf(out, cap, "\"%llx-%llx\"",
           (unsigned long long)sb->st_mtim.tv_sec * 1000000000ull +
               (unsigned long long)sb->st_mtim.tv_nsec,
           (unsigned long long)sb->st_size);
}

/* If-None-Match: "*" or a list of entity tags, compared weakly. */
static bool np__etag_listed(np_slice inm, const char *etag) {
  size_t el = strlen(etag);
  const char *p = inm.ptr, *end = inm.ptr + inm.len;
  while (p < end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
      p++;
    const char *b = p;
    while (p < end && *p != ',')
      p++;
    const char *e = p;
    while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
      e--;
    if (e - b == 1 && *b == '*')
      return true;
    if (e - b >= 2 && b[0] == 'W' && b[1] == '/')
      b += 2;
    if ((size_t)(e - b) == el && memcmp(b, etag, el) == 0)
      return true;
  }
  return false;
}

/* An IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT", as clients send it. */
static bool np__parse_imf(np_slice v, int64_t *t) {
  static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  if (v.len != 29 || v.ptr[3] != ',' || memcmp(v.ptr + 25, " GMT", 4) != 0)
    return false;
  const char *p = v.ptr + 5;
  uint64_t d, y, hh, mm, ss;
  if (np__parse_uint(p, 2, 31, &d) || np__parse_uint(p + 7, 4, 9999, &y) ||
      np__parse_uint(p + 12, 2, 23, &hh) ||
      np__parse_uint(p + 15, 2, 59, &mm) ||
      np__parse_uint(p + 18, 2, 60, &ss))
    return false;
  const char *m = NULL;
  for (int i = 0; i < 12 && !m; i++)
    if (memcmp(months + 3 * i, p + 3, 3) == 0)
      m = months + 3 * i;
  if (!m)
    return false;
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  tm.tm_mday = (int)d;
  tm.tm_mon = (int)((m - months) / 3);
  tm.tm_year = (int)y - 1900;
  tm.tm_hour = (int)hh;
  tm.tm_min = (int)mm;
  tm.tm_sec = (int)ss;
  *t = (int64_t)timegm(&tm);
  return true;
}

static void np__http_date(int64_t t, char *out, size_t cap) {
  static const char days[] = "SunMonTueWedThuFriSat";
  static const char mons[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  snprintf(out, cap, "%.3s, %02d %.3s %04d %02d:%02d:%02d GMT",
           days + 3 * tm.tm_wday, tm.tm_mday, mons + 3 * tm.tm_mon,
           tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

enum { NP__RANGE_NONE, NP__RANGE_OK, NP__RANGE_UNSAT };

/* One "bytes=a-b" / "a-" / "-n" range; several ranges, or a header that
 * does not parse, are ignored (the whole file is sent, as RFC 9110
 * allows). */
static int np__parse_range(np_slice v, uint64_t size, uint64_t *start,
                           uint64_t *len) {
  if (v.len < 7 || !np__ieq(v.ptr, "bytes=", 6) || memchr(v.ptr, ',', v.len))
    return NP__RANGE_NONE;
  const char *p = v.ptr + 6, *end = v.ptr + v.len;
  const char *dash = memchr(p, '-', (size_t)(end - p));
  if (!dash)
    return NP__RANGE_NONE;
  uint64_t a = 0, b = 0;
  bool has_a = dash > p, has_b = dash + 1 < end;
  if ((has_a && np__parse_uint(p, (size_t)(dash - p), UINT64_MAX, &a)) ||
      (has_b &&
       np__parse_uint(dash + 1, (size_t)(end - dash - 1), UINT64_MAX, &b)) ||
      (!has_a && !has_b) || (has_a && has_b && b < a))
    return NP__RANGE_NONE;
  if (!has_a) { /* the last b bytes */
    if (b == 0 || size == 0)
      return NP__RANGE_UNSAT;
    *start = b >= size ? 0 : size - b;
    *len = size - *start;
    return NP__RANGE_OK;
  }
  if (a >= size)
    return NP__RANGE_UNSAT;
  if (!has_b || b >= size)
    b = size - 1;
  *start = a;
  *len = b - a + 1;
  return NP__RANGE_OK;
}

/* If-Range: the range applies only if the validator still matches. */
static bool np__if_range_ok(np_httpd_req *r, const char *etag,
                            int64_t mtime) {
  np_slice ir = np_httpd_header(r, "If-Range");
  if (!ir.ptr)
    return true;
  if (ir.len > 0 && ir.ptr[0] == '"')
    return ir.len == strlen(etag) && memcmp(ir.ptr, etag, ir.len) == 0;
  int64_t t;
  return np__parse_imf(ir, &t) && t == mtime;
}

/* ---- the small-file cache ----
 *
 * Each worker thread keeps the bytes of up to NP__FCACHE_SLOTS small files
 * it served (direct-mapped by path).  A hit costs one fstatat instead of
 * open + fstat + read + close, and is only a hit when the path still leads
 * to the same inode with the same size, mtime and ctime: a changed file,
 * or a symlink re-pointed elsewhere, misses and takes the checked open.
 */
#define NP__FCACHE_SLOTS 64

typedef struct np__fentry {
  char *path; /* relative path; NULL: empty slot */
  dev_t dev;
  ino_t ino;
  off_t size;
  struct timespec mtim, ctim;
  char *data;
} np__fentry;

typedef struct np__fcache {
  np__fentry e[NP__FCACHE_SLOTS];
} np__fcache;

static void np__fentry_clear(np__fentry *e) {
  np_free(e->path);
  np_free(e->data);
  memset(e, 0, sizeof *e);
}

static void np__fcache_free(void *p) {
  np__fcache *c = p;
  if (!c)
    return;
  for (size_t i = 0; i < NP__FCACHE_SLOTS; i++)
    np__fentry_clear(&c->e[i]);
  np_free(c);
}

static np__fentry *np__fcache_slot(const np_httpd_static *st,
                                   const char *path, int create) {
  if (!st->has_key)
    return NULL;
  np__fcache *c = pthread_getspecific(st->cache_key);
  if (!c && create) {
    c = np_malloc(sizeof *c);
    if (!c)
      return NULL;
    memset(c, 0, sizeof *c);
    if (pthread_setspecific(st->cache_key, c) != 0) {
      np_free(c);
      return NULL;
    }
  }
  if (!c)
    return NULL;
  uint32_t h = 2166136261u; /* FNV-1a */
  for (const unsigned char *p = (const unsigned char *)path; *p; p++)
    h = (h ^ *p) * 16777619u;
  return &c->e[h % NP__FCACHE_SLOTS];
}

static bool np__same_file(const np__fentry *e, const struct stat *sb) {
  return e->dev == sb->st_dev && e->ino == sb->st_ino &&
         e->size == sb->st_size && e->mtim.tv_sec == sb->st_mtim.tv_sec &&
         e->mtim.tv_nsec == sb->st_mtim.tv_nsec &&
         e->ctim.tv_sec == sb->st_ctim.tv_sec &&
         e->ctim.tv_nsec == sb->st_ctim.tv_nsec;
}

/* The cached bytes of path if it is still the same file (*sb filled). */
static const char *np__fcache_get(const np_httpd_static *st, const char *path,
                                  struct stat *sb) {
  np__fentry *e = np__fcache_slot(st, path, 0);
  if (!e || !e->path || strcmp(e->path, path) != 0)
    return NULL;
  if (fstatat(st->dirfd, path, sb, 0) != 0 || !S_ISREG(sb->st_mode) ||
      !np__same_file(e, sb)) {
    np__fentry_clear(e);
    return NULL;
  }
  return e->data;
}

static void np__fcache_put(const np_httpd_static *st, const char *path,
                           const struct stat *sb, const char *data) {
  np__fentry *e = np__fcache_slot(st, path, 1);
  if (!e)
    return;
  np__fentry_clear(e);
  size_t pl = strlen(path) + 1, n = (size_t)sb->st_size;
  e->path = np_malloc(pl);
  e->data = np_malloc(n ? n : 1);
  if (!e->path || !e->data) {
    np__fentry_clear(e);
    return;
  }
  memcpy(e->path, path, pl);
  memcpy(e->data, data, n);
  e->dev = sb->st_dev;
  e->ino = sb->st_ino;
  e->size = sb->st_size;
  e->mtim = sb->st_mtim;
  e->ctim = sb->st_ctim;
}

/* ---- responses ---- */

static int np__not_found(np_httpd_req *r) {
  return np_httpd_send_error(r, 404, "File not found", NULL);
}

/* urllib.parse.quote(s): keep ALPHA DIGIT _ . - ~ and '/'. */
static int np__quote(np_buf *o, const char *s, size_t n) {
  int rc = NP_OK;
  for (size_t i = 0; i < n && rc == NP_OK; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (np__is(ch, NP_CC_UNRESERVED) || ch == '/')
      rc = np_buf_putc(o, (char)ch);
    else
      rc = np_buf_printf(o, "%%%02X", ch);
  }
  return rc;
}

/* html.escape(s, quote=False). */
static int np__escape(np_buf *o, const char *s, size_t n) {
  int rc = NP_OK;
  for (size_t i = 0; i < n && rc == NP_OK; i++) {
    char ch = s[i];
    rc = ch == '&'   ? np_buf_append_cstr(o, "&amp;")
         : ch == '<' ? np_buf_append_cstr(o, "&lt;")
         : ch == '>' ? np_buf_append_cstr(o, "&gt;")
                     : np_buf_putc(o, ch);
  }
  return rc;
}

/* list.sort(key=str.lower), with the raw name breaking ties so the page
 * does not depend on readdir's order. */
static int np__name_cmp(const void *a, const void *b) {
  const char *x = *(const char *const *)a, *y = *(const char *const *)b;
  for (size_t i = 0;; i++) {
    unsigned char p = np__lower((unsigned char)x[i]),
                  q = np__lower((unsigned char)y[i]);
    if (p != q || !p)
      return p != q ? (p < q ? -1 : 1) : strcmp(x, y);
  }
}

/* The names in a directory (without "." and ".."), sorted; at most
 * NP__LISTING_MAX_ENTRIES (NP_ETOOLARGE past it). */
static int np__read_names(DIR *d, char ***out, size_t *count) {
  char **names = NULL;
  size_t n = 0, cap = 0;
  int rc = NP_OK;
  struct dirent *e;
  while (rc == NP_OK && (e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
      continue;
    if (n == NP__LISTING_MAX_ENTRIES) {
      rc = NP_ETOOLARGE;
      break;
    }
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      char **nn = np_realloc(names, cap * sizeof *nn);
      if (!nn) {
        rc = NP_ENOMEM;
        break;
      }
      names = nn;
    }
    size_t l = strlen(e->d_name) + 1;
    if (!(names[n] = np_malloc(l)))
      rc = NP_ENOMEM;
    else
      memcpy(names[n++], e->d_name, l);
  }
  if (n > 1)
    qsort(names, n, sizeof *names, np__name_cmp);
  *out = names;
  *count = n;
  return rc;
}

/* "Directory listing for " + html.escape(unquote(self.path)). */
static int np__listing_title(np_httpd_req *r, np_buf *title) {
  np_buf disp;
  np_buf_init(&disp, 0);
  np_slice p = np_httpd_path(r);
  int rc = np_unquote_to_bytes(&disp, p.ptr, p.len);
  if (rc == NP_OK)
    rc = np_buf_append_cstr(title, "Directory listing for ");
  if (rc == NP_OK)
    rc = np__escape(title, disp.data ? disp.data : "", disp.len);
  np_buf_free(&disp);
  return rc;
}

/* One <li>: the link quoted (with '/' for a directory), the name escaped
 * (with '/' for a directory, '@' for a symbolic link). */
static int np__listing_entry(np_buf *body, int dfd, const char *name) {
  struct stat sb, lsb;
  bool dir = fstatat(dfd, name, &sb, 0) == 0 && S_ISDIR(sb.st_mode);
  bool link = fstatat(dfd, name, &lsb, AT_SYMLINK_NOFOLLOW) == 0 &&
              S_ISLNK(lsb.st_mode);
  size_t l = strlen(name);
  np_buf_append_cstr(body, "<li><a href=\"");
  np__quote(body, name, l);
  if (dir)
    np_buf_putc(body, '/');
  np_buf_append_cstr(body, "\">");
  np__escape(body, name, l);
  np_buf_append_cstr(body, link ? "@" : dir ? "/" : "");
  return np_buf_append_cstr(body, "</a></li>\n");
}

/* list_directory's page, byte for byte.  Takes dfd. */
static int np__listing_body(np_httpd_req *r, int dfd, np_buf *body) {
  DIR *d = fdopendir(dfd);
  if (!d) {
    close(dfd);
    return NP_ESYS;
  }
  char **names;
  size_t n;
  np_buf title;
  np_buf_init(&title, 0);
  int rc = np__read_names(d, &names, &n);
  if (rc == NP_OK)
    rc = np__listing_title(r, &title);
  if (rc == NP_OK)
    rc = np_buf_printf(body, "<!DOCTYPE HTML>\n<html lang=\"en\">\n<head>\n"
                             "<meta charset=\"utf-8\">\n<title>%s</title>\n"
                             "</head>\n<body>\n<h1>%s</h1>\n<hr>\n<ul>\n",
                       title.data, title.data);
  for (size_t i = 0; i < n && rc == NP_OK; i++)
    rc = np__listing_entry(body, dirfd(d), names[i]);
  if (rc == NP_OK)
    rc = np_buf_append_cstr(body, "</ul>\n<hr>\n</body>\n</html>\n");
  for (size_t i = 0; i < n; i++)
    np_free(names[i]);
  np_free(names);
  np_buf_free(&title);
  closedir(d);
  return rc;
}

static int np__list_directory(np_httpd_req *r, int dfd, bool head) {
  np_buf body;
  np_buf_init(&body, NP__LISTING_MAX);
  int rc = np__listing_body(r, dfd, &body);
  if (rc != NP_OK) {
    np_buf_free(&body);
    if (rc == NP_ETOOLARGE)
      return np_httpd_send_error(r, 500, "Directory too large to list", NULL);
    return np_httpd_send_error(r, 404, "No permission to list directory",
                               NULL);
  }
  char len[24];
  snprintf(len, sizeof len, "%zu", body.len);
  rc = np_httpd_send_response(r, 200, NULL);
  if (rc == NP_OK)
    rc = np_httpd_send_header(r, "Content-type", "text/html; charset=utf-8");
  if (rc == NP_OK)
    rc = np_httpd_send_header(r, "Content-Length", len);
  if (rc == NP_OK)
    rc = np_httpd_end_headers(r);
  if (rc == NP_OK && !head)
    rc = np_httpd_write(r, body.data, body.len);
  np_buf_free(&body);
  return rc;
}

/* The redirect that adds the slash: path + '/' before query/fragment. */
static int np__redirect_slash(np_httpd_req *r) {
  np_slice p = np_httpd_path(r);
  size_t n = 0;
  while (n < p.len && p.ptr[n] != '?' && p.ptr[n] != '#')
    n++;
  np_buf loc;
  np_buf_init(&loc, 0);
  np_buf_append(&loc, p.ptr, n);
  np_buf_putc(&loc, '/');
  int rc = np_buf_append(&loc, p.ptr + n, p.len - n);
  if (rc == NP_OK)
    rc = np_httpd_send_response(r, 301, NULL);
  if (rc == NP_OK)
    rc = np_httpd_send_header_n(r, "Location", 8, loc.data, loc.len);
  if (rc == NP_OK)
    rc = np_httpd_send_header(r, "Content-Length", "0");
  if (rc == NP_OK)
    rc = np_httpd_end_headers(r);
  np_buf_free(&loc);
  return rc;
}

static int np__send_304(np_httpd_req *r, const char *etag) {
  int rc = np_httpd_send_response(r, 304, NULL);
  if (rc == NP_OK && etag[0])
    rc = np_httpd_send_header(r, "ETag", etag);
  return rc == NP_OK ? np_httpd_end_headers(r) : rc;
}

static int np__send_416(np_httpd_req *r, uint64_t size) {
  char cr[48];
  snprintf(cr, sizeof cr, "bytes */%llu", (unsigned long long)size);
  int rc = np_httpd_send_response(r, 416, NULL);
  if (rc == NP_OK)
    rc = np_httpd_send_header(r, "Content-Range", cr);
  if (rc == NP_OK)
    rc = np_httpd_send_header(r, "Content-Length", "0");
  return rc == NP_OK ? np_httpd_end_headers(r) : rc;
}

/* Headers of a 200 or 206 file response. */
static int np__file_head(np_httpd_req *r, int status, const char *type,
                         uint64_t len, int64_t mtime, const char *etag,
                         const char *range) {
  char lenb[24], lm[40];
  snprintf(lenb, sizeof lenb, "%llu", (unsigned long long)len);
  np__http_date(mtime, lm, sizeof lm);
  int rc = np_httpd_send_response(r, status, NULL);
  if (rc == NP_OK)
    rc = np_httpd_send_header(r, "Content-type", type);
  if (rc == NP_OK)
    rc = np_httpd_send_header(r, "Content-Length", lenb);
  if (rc == NP_OK)
    rc = np_httpd_send_header(r, "Last-Modified", lm);
  if (rc == NP_OK && etag[0])
    rc = np_httpd_send_header(r, "ETag", etag);
  if (rc == NP_OK && range)
    rc = np_httpd_send_header(r, "Content-Range", range);
  if (rc == NP_OK)
    rc = np_httpd_end_headers(r);
  return rc;
}

/* The body: small files inline (one send with the head, and kept in the
 * cache), large ones by sendfile.  Takes fd. */
static int np__file_body(np_httpd_req *r, const np_httpd_static *st, int fd,
                         const struct stat *sb, const char *rel, uint64_t off,
                         uint64_t len) {
  uint64_t size = (uint64_t)sb->st_size;
  if (size > NP__INLINE_FILE)
    return np_httpd_send_file(r, fd, off, len);
  char buf[NP__INLINE_FILE];
  size_t got = 0;
  while (got < size) {
    ssize_t n = pread(fd, buf + got, (size_t)size - got, (off_t)got);
    if (n <= 0) {
      if (n < 0 && errno == EINTR)
        continue;
      close(fd);
      return NP_ESYS; /* the file shrank: the head promised more */
    }
    got += (size_t)n;
  }
  close(fd);
  np__fcache_put(st, rel, sb, buf);
  return np_httpd_write(r, buf + off, (size_t)len);
}

/* Answer with a file: fd open on it, or fd < 0 and its cached bytes. */
static int np__serve_file(np_httpd_req *r, const np_httpd_static *st, int fd,
                          const char *cached, const struct stat *sb,
                          const char *rel, bool head) {
  const char *type = np_httpd_static_guess_type(st, rel, strlen(rel));
  char etag[48] = "";
  if (st->o.etags)
    np__etag(sb, etag, sizeof etag);
  int64_t mtime = (int64_t)sb->st_mtim.tv_sec;
  uint64_t size = (uint64_t)sb->st_size;
  np_slice inm = np_httpd_header(r, "If-None-Match");
  np_slice ims = np_httpd_header(r, "If-Modified-Since");
  int64_t since;
  if ((st->o.etags && inm.ptr && np__etag_listed(inm, etag)) ||
      (!inm.ptr && ims.ptr && np__parse_imf(ims, &since) && mtime <= since)) {
    if (fd >= 0)
      close(fd);
    return np__send_304(r, etag);
  }
  uint64_t start = 0, len = size;
  np_slice range = np_httpd_header(r, "Range");
  int kind = NP__RANGE_NONE;
  if (st->o.ranges && range.ptr && np__if_range_ok(r, etag, mtime))
    kind = np__parse_range(range, size, &start, &len);
  if (kind == NP__RANGE_UNSAT) {
    if (fd >= 0)
      close(fd);
    return np__send_416(r, size);
  }
  char cr[80];
  if (kind == NP__RANGE_OK)
    snprintf(cr, sizeof cr, "bytes %llu-%llu/%llu", (unsigned long long)start,
             (unsigned long long)(start + len - 1), (unsigned long long)size);
  int rc = np__file_head(r, kind == NP__RANGE_OK ? 206 : 200, type, len,
                         mtime, etag, kind == NP__RANGE_OK ? cr : NULL);
  if (rc != NP_OK || head || len == 0) {
    if (fd >= 0)
      close(fd);
    return rc;
  }
  if (cached)
    return np_httpd_write(r, cached + start, (size_t)len);
  return np__file_body(r, st, fd, sb, rel, start, len);
}

/* send_head + copyfile: what GET and HEAD share. */
static int np__serve(np_httpd_req *r, np_httpd_static *st, bool head) {
  np_buf rel;
  np_buf_init(&rel, PATH_MAX);
  bool trailing;
  int fd = -1, rc;
  if (np__httpd_translate(np_httpd_path(r), &rel, &trailing) != NP_OK) {
    np_buf_free(&rel);
    return np__not_found(r);
  }
  struct stat csb;
  const char *cached;
  if (!trailing && rel.len > 0 &&
      (cached = np__fcache_get(st, rel.data, &csb)) != NULL) {
    rc = np__serve_file(r, st, -1, cached, &csb, rel.data, head);
    np_buf_free(&rel);
    return rc;
  }
  if ((fd = np__open_beneath(st, rel.data ? rel.data : "")) < 0) {
    np_buf_free(&rel);
    return np__not_found(r);
  }
  struct stat sb;
  if (fstat(fd, &sb) != 0) {
    close(fd);
    np_buf_free(&rel);
    return np__not_found(r);
  }
  if (S_ISDIR(sb.st_mode)) {
    if (!trailing) {
      close(fd);
      np_buf_free(&rel);
      return np__redirect_slash(r);
    }
    static const char *const index[] = {"index.html", "index.htm"};
    size_t base = rel.len;
    for (size_t i = 0; i < 2; i++) {
      rel.len = base;
      if (np_buf_append_cstr(&rel, index[i]) != NP_OK)
        break;
      int ifd = np__open_beneath(st, rel.data);
      struct stat isb;
      if (ifd >= 0 && fstat(ifd, &isb) == 0 && S_ISREG(isb.st_mode)) {
        close(fd);
        rc = np__serve_file(r, st, ifd, NULL, &isb, rel.data, head);
        np_buf_free(&rel);
        return rc;
      }
      if (ifd >= 0)
        close(ifd);
    }
    np_buf_free(&rel);
    if (!st->o.list_directories) {
      close(fd);
      return np__not_found(r);
    }
    return np__list_directory(r, fd, head);
  }
  if (trailing || !S_ISREG(sb.st_mode)) {
    close(fd);
    np_buf_free(&rel);
    return np__not_found(r);
  }
  rc = np__serve_file(r, st, fd, NULL, &sb, rel.data, head);
  np_buf_free(&rel);
  return rc;
}

int np_httpd_static_get(np_httpd_req *r, void *st) {
  return np__serve(r, st, false);
}

int np_httpd_static_head(np_httpd_req *r, void *st) {
  return np__serve(r, st, true);
}
