/*
 * http_get: fetch a URL's body with http.client, as
 *   python3 -c "import http.client as h; c = h.HTTPConnection(host, port);
 *               c.request('GET', path); r = c.getresponse(); print(r.read())"
 *
 *   http_get [--https] [--cafile PEM] HOST[:PORT] PATH
 * Prints the status line on stderr and the body on stdout.  Exit status:
 * 0 for a 2xx response, 1 for another status or an error, 2 for usage.
 */
#include <netproto/http_client.h>

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  np_http_conn_options o;
  memset(&o, 0, sizeof o);
  o.timeout_ms = 10000;
  int i = 1;
  for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
    if (!strcmp(argv[i], "--https"))
      o.https = 1;
    else if (!strcmp(argv[i], "--cafile") && i + 1 < argc)
      o.tls.ca_file = argv[++i];
    else
      break;
  }
  if (argc - i != 2) {
    fprintf(stderr, "usage: http_get [--https] [--cafile PEM] HOST[:PORT] PATH\n");
    return 2;
  }
  np_http_conn *c = NULL;
  np_http_resp *r;
  np_error err = NP_ERROR_INIT;
  np_buf body;
  np_buf_init(&body, 64 << 20); /* refuse bodies over 64 MiB */
  int status = 0;
  if (np_http_conn_new(&c, argv[i], 0, &o, &err) == NP_OK &&
      np_http_conn_request(c, "GET", argv[i + 1], NULL, 0, NULL, 0, &err) == NP_OK &&
      np_http_conn_getresponse(c, &r, &err) == NP_OK) {
    status = np_http_resp_status(r);
    np_slice reason = np_http_resp_reason(r);
    fprintf(stderr, "%d %.*s\n", status, NP_SLICE_ARG(reason));
    if (np_http_resp_read_all(r, &body, &err) == NP_OK)
      fwrite(body.data, 1, body.len, stdout);
  }
  int failed = err.code != NP_OK;
  if (failed)
    fprintf(stderr, "%s: %s\n", np_status_name(err.code), err.message);
  np_buf_free(&body);
  np_http_conn_free(c);
  np_error_clear(&err);
  return failed || status < 200 || status > 299;
}
