/*
 * tests/request/tool_retrieve.c - np_urlretrieve(URL [, FILE]) printing
 * each reporthook call ("hook BLOCKNUM BLOCKSIZE TOTAL"), then "status
 * NAME", "size N" of the file written, and whether the path is the
 * given file, a temporary file (and that np_urlcleanup removed it) or the
 * local file of a file: URL; tests/request/retrieve_test.py prints the
 * same from CPython's urlretrieve.
 */
#include "netproto/request.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void hook(void *ctx, long long blocknum, size_t bs, long long total) {
  (void)ctx;
  printf("hook %lld %zu %lld\n", blocknum, bs, total);
}

int main(int argc, char **argv) {
  if (argc < 2)
    return 2;
  const char *file = argc > 2 ? argv[2] : NULL;
  char *path = NULL;
  np_response *h = NULL;
  np_error err = NP_ERROR_INIT;
  int rc = np_urlretrieve(NULL, argv[1], file, NULL, 0, hook, NULL, &path, &h,
                          &err);
  printf("status %s\n", rc == NP_OK ? "ok" : np_status_name(rc));
  if (rc != NP_OK)
    printf("message %s\n", err.message);
  struct stat st;
  if (path && stat(path, &st) == 0)
    printf("size %lld\n", (long long)st.st_size);
  if (path)
    printf("path %s\n", file && strcmp(path, file) == 0 ? "given"
                        : strncmp(argv[1], "file:", 5) == 0 ? path : "temp");
  if (h)
    printf("content-length %.*s\n",
           NP_SLICE_ARG(np_response_getheader(h, "Content-Length")));
  np_urlcleanup();
  if (path && !file && strncmp(argv[1], "file:", 5) != 0)
    printf("cleaned %d\n", access(path, F_OK) != 0);
  np_free(path);
  np_response_free(h);
  np_error_clear(&err);
  return 0;
}
