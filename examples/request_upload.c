/*
 * examples/request_upload.c - PUT files to a URL, one request each, over
 * connections kept alive between them:
 *   request_upload URL FILE...
 * Prints "FILE: STATUS BODY" per file; exit 1 when one failed.
 */
#include <netproto/request.h>

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s URL FILE...\n", argv[0]);
    return 2;
  }
  np_error err = NP_ERROR_INIT;
  np_opener *o;
  if (np_build_opener(&o, NULL, 0, &err) != NP_OK)
    return 1;
  if (np_opener_set_keepalive(o, 4) != NP_OK) { /* beyond urllib */
    np_opener_free(o);
    return 1;
  }
  int failed = 0;
  for (int i = 2; i < argc; i++) {
    np_request *req = NULL;
    np_response *r = NULL;
    int rc = np_request_new(&req, argv[1], strlen(argv[1]), &err);
    if (rc == NP_OK)
      rc = np_request_set_method(req, "PUT");
    if (rc == NP_OK) /* streamed from the file, with its Content-length */
      rc = np_request_set_data_file(req, argv[i], &err);
    if (rc == NP_OK)
      rc = np_opener_open(o, req, &r, &err);
    if (rc == NP_OK) {
      np_buf body;
      np_buf_init(&body, 0);
      /* read to its end, the connection goes back to the pool */
      rc = np_response_read_all(r, &body, &err);
      printf("%s: %d %.*s\n", argv[i], np_response_status(r), (int)body.len,
             body.data ? body.data : "");
      np_buf_free(&body);
    }
    if (rc != NP_OK) {
      fprintf(stderr, "%s: %s\n", argv[i], err.message);
      failed = 1;
    }
    np_response_free(r);
    np_request_free(req);
    np_error_clear(&err);
  }
  np_opener_free(o);
  return failed;
}
