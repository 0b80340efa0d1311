/*
 * A form: GET shows it, POST reads the body from wsgi.input and echoes the
 * fields it got (parsed with netproto's parse_qs).  Runs as a server
 * (./gw_form [PORT] [--validate]) or as a CGI program.
 */
#include <netproto/gateway.h>
#include <netproto/url.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char page[] =
    "<form method=post><input name=name><input type=submit></form>\n";

/* The answer's text lives until the server closes the body. */
typedef struct answer {
  np_buf text;
  int given;
} answer;

static void free_answer(np_gw_body *b) {
  answer *a = b->ctx;
  np_buf_free(&a->text);
  free(a);
}

static int answer_next(np_gw_body *b, np_gw_chunk *out) {
  answer *a = b->ctx;
  if (a->given++)
    return NP_GW_END;
  memset(out, 0, sizeof *out);
  out->data = a->text.data;
  out->len = a->text.len;
  return NP_OK;
}

static int form(void *ctx, np_gw_environ *env, np_gw_start *sr,
                np_gw_body *body) {
  (void)ctx;
  static const np_gw_header html[] = {{"Content-Type", "text/html"}};
  static const np_gw_header text[] = {{"Content-Type", "text/plain"}};
  np_slice method = np_gw_environ_get(env, "REQUEST_METHOD");
  if (!np_slice_eq(method, np_slice_cstr("POST"))) {
    int rc = np_gw_start_response(sr, "200 OK", html, 1, NULL);
    return rc < 0 ? rc : np_gw_body_bytes(body, page, sizeof page - 1);
  }
  answer *a = calloc(1, sizeof *a);
  if (!a)
    return NP_ENOMEM;
  np_buf in, *out = &a->text;
  np_buf_init(&in, 1 << 20); /* the form takes at most 1 MiB */
  np_buf_init(out, 0);
  np_gw_body_generator(body, answer_next, free_answer, a, -1);
  int rc = np_gw_input_read_all(np_gw_environ_input(env), &in);
  np_qs qs;
  np_qs_init(&qs);
  if (rc == NP_OK)
    rc = np_parse_qsl(&qs, in.data ? in.data : "", in.len, NULL, NULL);
  for (size_t i = 0; rc == NP_OK && i < qs.count; i++)
    rc = np_buf_printf(out, "%.*s=%.*s\n", NP_SLICE_ARG(qs.pairs[i].name),
                       NP_SLICE_ARG(qs.pairs[i].value));
  np_qs_free(&qs);
  np_buf_free(&in);
  if (rc == NP_OK)
    rc = np_gw_start_response(sr, "200 OK", text, 1, NULL);
  body->length = (int64_t)out->len;
  return rc;
}

int main(int argc, char **argv) {
  np_gw_app app = {form, NULL};
  if (getenv("GATEWAY_INTERFACE"))
    return np_gw_cgi_main(app) < 0;
  np_gw_server_options o;
  np_gw_server_options_init(&o);
  o.host = "127.0.0.1";
  o.port = argc > 1 ? atoi(argv[1]) : 8000; /* a command-line number */
  o.validate = argc > 2 && strcmp(argv[2], "--validate") == 0;
  np_error err = NP_ERROR_INIT;
  np_gw_server *s;
  if (np_gw_make_server(&o, app, &s, &err) < 0) {
    fprintf(stderr, "gw_form: %s\n", err.message);
    return 1;
  }
  printf("Serving on port %d\n", np_gw_server_port(s));
  fflush(stdout);
  int rc = np_gw_server_serve(s, &err);
  np_gw_server_free(s);
  return rc < 0;
}
