/*
 * The data-driven parser corpus: every file in tests/http/corpus/ holds one
 * raw message and what parsing it must give (see corpus/README.md).  Each
 * message is parsed whole, one byte at a time, in 7-byte pieces, and with
 * the caller's buffer moving between calls; all must agree.
 */
#include "test.h"

#include "netproto/http.h"

#include <dirent.h>
#include <stdint.h>

typedef struct expect {
  char kind[32];
  char status_name[64];
  np_buf body;
  int have_body;
  char framing[16];
  int keep_alive; /* -1: not checked */
  long headers, status, rest;
} expect;

typedef struct outcome {
  int rc;
  np_buf body;
  int framing, keep_alive, status;
  size_t nheaders, rest;
} outcome;

/* Decode the corpus escapes: \r \n \t \0 \\ \xHH; physical newlines are
 * layout and are dropped. */
static void unescape(const char *s, size_t n, np_buf *out) {
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '\n')
      continue;
    if (c != '\\' || i + 1 == n) {
      np_buf_putc(out, c);
      continue;
    }
    c = s[++i];
    if (c == 'r') np_buf_putc(out, '\r');
    else if (c == 'n') np_buf_putc(out, '\n');
    else if (c == 't') np_buf_putc(out, '\t');
    else if (c == '0') np_buf_putc(out, '\0');
    else if (c == 'x' && i + 2 < n) {
      char hex[3] = {s[i + 1], s[i + 2], 0};
      np_buf_putc(out, (int)strtol(hex, NULL, 16));
      i += 2;
    } else np_buf_putc(out, c);
  }
}

/* Split the file into its "key: value" lines and the raw message after
 * the "---" line. */
static void load(const char *text, size_t len, expect *e, np_buf *msg) {
  memset(e, 0, sizeof *e);
  np_buf_init(&e->body, 0);
  e->keep_alive = -1;
  e->headers = e->status = e->rest = -1;
  const char *p = text, *end = text + len;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    const char *next = nl ? nl + 1 : end;
    if (n == 3 && memcmp(p, "---", 3) == 0) {
      unescape(next, (size_t)(end - next), msg);
      return;
    }
    char line[600], key[32], val[512];
    snprintf(line, sizeof line, "%.*s", (int)(n < 599 ? n : 599), p);
    if (line[0] != '#' && sscanf(line, "%31[^:]: %511[^\n]", key, val) == 2) {
      if (!strcmp(key, "kind")) snprintf(e->kind, sizeof e->kind, "%.31s", val);
      else if (!strcmp(key, "expect")) snprintf(e->status_name, sizeof e->status_name, "%.63s", val);
      else if (!strcmp(key, "body")) { unescape(val, strlen(val), &e->body); e->have_body = 1; }
      else if (!strcmp(key, "framing")) snprintf(e->framing, sizeof e->framing, "%.15s", val);
      else if (!strcmp(key, "keep-alive")) e->keep_alive = atoi(val);
      else if (!strcmp(key, "headers")) e->headers = atol(val);
      else if (!strcmp(key, "status")) e->status = atol(val);
      else if (!strcmp(key, "rest")) e->rest = atol(val);
    } else if (!strncmp(p, "body:", 5) && n == 5) {
      e->have_body = 1; /* "body:" alone: an empty body */
    }
    p = next;
  }
}

/* Feed the head: step bytes more each call; move != 0 copies the buffer to
 * fresh memory before every call (ASan catches any stale pointer). */
static int feed_head(np_http_parser *p, const char *msg, size_t len,
                     size_t step, int move, char **keep, size_t *head_len) {
  size_t cur = step < len ? step : len;
  for (;;) {
    char *copy = malloc(len + 1);
    memcpy(copy, msg, len);
    free(*keep);
    *keep = copy;
    int rc = np_http_parse_head(p, move ? copy : msg, cur, head_len, NULL);
    if (!move) {
      free(*keep);
      *keep = NULL;
    }
    if (rc != NP_EAGAIN || cur == len)
      return rc;
    cur = len - cur < step ? len : cur + step;
  }
}

static int feed_body(np_http_parser *p, const char *in, size_t len,
                     size_t step, outcome *o) {
  size_t off = 0;
  int rc = NP_EAGAIN;
  o->rest = 0;
  while (off < len || rc == NP_OK) {
    size_t n = len - off < step ? len - off : step;
    const char *piece = in + off;
    for (;;) {
      size_t used;
      np_slice data;
      rc = np_http_parse_body(p, piece, n, &used, &data, NULL);
      np_buf_append(&o->body, data.ptr, data.len);
      piece += used;
      n -= used;
      off += used;
      if (rc == NP_HTTP_DONE) {
        o->rest = len - off;
        return NP_OK;
      }
      if (rc != NP_OK)
        break;
    }
    if (rc != NP_EAGAIN)
      return rc;
    if (n != 0)
      return -9999; /* NP_EAGAIN must mean all input was eaten */
  }
  rc = np_http_parse_eof(p, NULL);
  return rc == NP_HTTP_DONE ? NP_OK : rc;
}

static void run(const expect *e, const np_buf *msg, size_t step, int move,
                outcome *o) {
  np_http_parser p;
  int resp = strncmp(e->kind, "response", 8) == 0;
  np_http_parser_init(&p, resp ? NP_HTTP_RESPONSE : NP_HTTP_REQUEST);
  p.response_to_head = strcmp(e->kind, "response-to-head") == 0;
  np_buf_init(&o->body, 0);
  char *keep = NULL;
  size_t head_len = 0;
  o->rc = feed_head(&p, msg->data, msg->len, step, move, &keep, &head_len);
  if (o->rc == NP_OK) {
    o->framing = p.body;
    o->keep_alive = p.keep_alive;
    o->status = p.status;
    o->nheaders = p.nheaders;
    o->rc = feed_body(&p, msg->data + head_len, msg->len - head_len, step, o);
  }
  free(keep);
  np_http_parser_free(&p);
}

static const char *framing_name(int f) {
  static const char *names[] = {"none", "length", "chunked", "close"};
  return f >= 0 && f < 4 ? names[f] : "?";
}

/* Report a mismatch and count it; every file is checked before failing. */
static int mismatches;
#define MISMATCH(file, ...)                                                 \
  do {                                                                      \
    printf("#   %s: ", file);                                               \
    printf(__VA_ARGS__);                                                    \
    printf("\n");                                                           \
    mismatches++;                                                           \
    return;                                                                 \
  } while (0)

static void check(const char *file, const expect *e, const outcome *o,
                  size_t step, int move) {
  const char *got = o->rc == NP_EAGAIN ? "NP_EAGAIN" : np_status_name(o->rc);
  if (strcmp(got, e->status_name) != 0)
    MISMATCH(file, "step %zu move %d: got %s, expected %s", step, move,
                 got, e->status_name);
  if (o->rc != NP_OK)
    return;
  if (e->have_body && (o->body.len != e->body.len ||
                       (o->body.len && memcmp(o->body.data, e->body.data, o->body.len))))
    MISMATCH(file, "step %zu: body \"%.*s\" differs", step,
                 (int)o->body.len, o->body.data ? o->body.data : "");
  if (e->framing[0] && strcmp(e->framing, framing_name(o->framing)))
    MISMATCH(file, "framing %s, expected %s", framing_name(o->framing),
                 e->framing);
  if (e->keep_alive >= 0 && e->keep_alive != o->keep_alive)
    MISMATCH(file, "keep-alive %d, expected %d", o->keep_alive,
                 e->keep_alive);
  if (e->headers >= 0 && (size_t)e->headers != o->nheaders)
    MISMATCH(file, "%zu headers, expected %ld", o->nheaders, e->headers);
  if (e->status >= 0 && e->status != o->status)
    MISMATCH(file, "status %d, expected %ld", o->status, e->status);
  if (e->rest >= 0 && (size_t)e->rest != o->rest)
    MISMATCH(file, "%zu bytes left, expected %ld", o->rest, e->rest);
}

static void run_file(const char *dir, const char *name) {
  char path[1024];
  int plen = snprintf(path, sizeof path, "%s/%s", dir, name);
  ASSERT(plen > 0 && (size_t)plen < sizeof path);
  FILE *f = fopen(path, "rb");
  ASSERT(f != NULL);
  np_buf text, msg;
  np_buf_init(&text, 0);
  np_buf_init(&msg, 0);
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    np_buf_append(&text, chunk, n);
  fclose(f);
  expect e;
  load(text.data, text.len, &e, &msg);
  if (!e.kind[0] || !e.status_name[0])
    np_test_fail(name, 0, "corpus file lacks kind: or expect:");
  int before = mismatches;
  static const size_t steps[] = {SIZE_MAX, 1, 7};
  for (size_t s = 0; s < 3; s++) {
    for (int move = 0; move < 2; move++) {
      outcome o;
      run(&e, &msg, steps[s], move, &o);
      check(name, &e, &o, steps[s], move);
      np_buf_free(&o.body);
      if (mismatches != before)
        break;
    }
    if (mismatches != before)
      break;
  }
  np_buf_free(&e.body);
  np_buf_free(&text);
  np_buf_free(&msg);
}

TEST(corpus_every_message_gives_its_expected_result) {
  const char *src = getenv("NP_SOURCE_DIR");
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/tests/http/corpus", src ? src : ".");
  DIR *d = opendir(dir);
  ASSERT(d != NULL);
  struct dirent *ent;
  int count = 0;
  while ((ent = readdir(d)) != NULL) {
    size_t n = strlen(ent->d_name);
    if (n < 5 || strcmp(ent->d_name + n - 5, ".http") != 0)
      continue;
    run_file(dir, ent->d_name);
    count++;
  }
  closedir(d);
  printf("# %d corpus messages, %d mismatches\n", count, mismatches);
  ASSERT_EQ_INT(mismatches, 0);
  ASSERT(count >= 40);
}
