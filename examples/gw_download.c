/*
 * A file download through FileWrapper: GET /NAME sends NAME from the
 * directory given on the command line, with sendfile when the server can.
 *   ./gw_download DIR [PORT] [--validate]
 */
#include <netproto/gateway.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int download(void *ctx, np_gw_environ *env, np_gw_start *sr,
                    np_gw_body *body) {
  const char *dir = ctx;
  static const np_gw_header text[] = {{"Content-Type", "text/plain"}};
  np_slice path = np_gw_environ_get(env, "PATH_INFO");
  /* One plain name: no "/" after the first, no "..", no NUL. */
  if (path.len < 2 || memchr(path.ptr + 1, '/', path.len - 1) ||
      memchr(path.ptr, '\0', path.len) || path.ptr[1] == '.') {
    int rc = np_gw_start_response(sr, "404 Not Found", text, 1, NULL);
    return rc < 0 ? rc : np_gw_body_bytes(body, "not found\n", 10);
  }
  char full[4096];
  snprintf(full, sizeof full, "%s/%.*s", dir, (int)path.len - 1, path.ptr + 1);
  int fd = open(full, O_RDONLY);
  if (fd < 0) {
    int rc = np_gw_start_response(sr, "404 Not Found", text, 1, NULL);
    return rc < 0 ? rc : np_gw_body_bytes(body, "not found\n", 10);
  }
  static const np_gw_header bin[] = {
      {"Content-Type", "application/octet-stream"}};
  int rc = np_gw_start_response(sr, "200 OK", bin, 1, NULL);
  np_gw_file_wrapper fw = {fd, 0, -1, 8192};
  if (rc < 0) {
    close(fd);
    return rc;
  }
  return np_gw_body_file(body, &fw); /* the body closes fd */
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: gw_download DIR [PORT] [--validate]\n");
    return 2;
  }
  np_gw_app app = {download, argv[1]};
  if (getenv("GATEWAY_INTERFACE"))
    return np_gw_cgi_main(app) < 0;
  np_gw_server_options o;
  np_gw_server_options_init(&o);
  o.host = "127.0.0.1";
  o.port = argc > 2 ? atoi(argv[2]) : 8000; /* a command-line number */
  o.validate = argc > 3 && strcmp(argv[3], "--validate") == 0;
  np_error err = NP_ERROR_INIT;
  np_gw_server *s;
  if (np_gw_make_server(&o, app, &s, &err) < 0) {
    fprintf(stderr, "gw_download: %s\n", err.message);
    return 1;
  }
  printf("Serving on port %d\n", np_gw_server_port(s));
  fflush(stdout);
  int rc = np_gw_server_serve(s, &err);
  np_gw_server_free(s);
  return rc < 0;
}
