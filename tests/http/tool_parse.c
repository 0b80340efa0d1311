/*
 * Parses messages for differential_test.py: stdin holds records
 * "<R|H|Q><len>\n<bytes>" (R: a response, H: the response to a HEAD
 * request, Q: a request head); for each one line goes to stdout,
 * hex-encoded so any byte survives:
 *   ok <status> <version> <reason> <n> <name>:<value>... <body>   (R, H)
 *   ok <method> <target> <version> <keep-alive> <n> <name>:<value>... (Q)
 *   err <NP_STATUS_NAME>
 * The message is fed whole; its end is the peer closing (parse_eof).
 */
#include "netproto/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void hex(const char *p, size_t n) {
  if (n == 0)
    fputc('-', stdout);
  for (size_t i = 0; i < n; i++)
    printf("%02x", (unsigned char)p[i]);
}

static void one(int head, const char *m, size_t len) {
  np_http_parser p;
  np_http_parser_init(&p, NP_HTTP_RESPONSE);
  p.response_to_head = head;
  size_t hl;
  int rc = np_http_parse_head(&p, m, len, &hl, NULL);
  /* 1xx responses are skipped, as getresponse() does. */
  while (rc == NP_OK && p.status < 200 && p.status != 101) {
    m += hl;
    len -= hl;
    np_http_parser_reset(&p);
    p.response_to_head = head;
    rc = np_http_parse_head(&p, m, len, &hl, NULL);
  }
  np_buf body;
  np_buf_init(&body, 0);
  size_t off = hl;
  while (rc == NP_OK) {
    size_t used;
    np_slice d;
    int r = np_http_parse_body(&p, m + off, len - off, &used, &d, NULL);
    np_buf_append(&body, d.ptr, d.len);
    off += used;
    if (r == NP_OK)
      continue;
    if (r == NP_EAGAIN)
      r = np_http_parse_eof(&p, NULL);
    rc = r == NP_HTTP_DONE ? NP_OK : r;
    break;
  }
  if (rc != NP_OK) {
    printf("err %s\n", rc == NP_EAGAIN ? "NP_EAGAIN" : np_status_name(rc));
  } else {
    printf("ok %d %d ", p.status, p.version_minor == 0 ? 10 : 11);
    hex(p.reason.ptr, p.reason.len);
    printf(" %zu", p.nheaders);
    for (size_t i = 0; i < p.nheaders; i++) {
      fputc(' ', stdout);
      hex(p.headers[i].name.ptr, p.headers[i].name.len);
      fputc(':', stdout);
      hex(p.headers[i].value.ptr, p.headers[i].value.len);
    }
    fputc(' ', stdout);
    hex(body.data, body.len);
    fputc('\n', stdout);
  }
  np_buf_free(&body);
  np_http_parser_free(&p);
}

static void headers(const np_http_parser *p) {
  printf(" %zu", p->nheaders);
  for (size_t i = 0; i < p->nheaders; i++) {
    fputc(' ', stdout);
    hex(p->headers[i].name.ptr, p->headers[i].name.len);
    fputc(':', stdout);
    hex(p->headers[i].value.ptr, p->headers[i].value.len);
  }
}

static void request(const char *m, size_t len) {
  np_http_parser p;
  np_http_parser_init(&p, NP_HTTP_REQUEST);
  int rc = np_http_parse_head(&p, m, len, NULL, NULL);
  if (rc != NP_OK) {
    printf("err %s\n", rc == NP_EAGAIN ? "NP_EAGAIN" : np_status_name(rc));
  } else {
    printf("ok ");
    hex(p.method.ptr, p.method.len);
    fputc(' ', stdout);
    hex(p.target.ptr, p.target.len);
    printf(" %d%d %d", p.version_major, p.version_minor, p.keep_alive);
    headers(&p);
    fputc('\n', stdout);
  }
  np_http_parser_free(&p);
}

int main(void) {
  char kind;
  size_t len;
  while (scanf(" %c%zu", &kind, &len) == 2) {
    if (getchar() != '\n')
      return 2;
    char *m = malloc(len ? len : 1);
    if (fread(m, 1, len, stdin) != len)
      return 2;
    if (kind == 'Q')
      request(m, len);
    else
      one(kind == 'H', m, len);
    free(m);
  }
  return 0;
}
