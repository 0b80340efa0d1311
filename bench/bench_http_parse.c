/*
 * bench_http_parse - the HTTP/1.x message parser (http.h) in messages per
 * second and MB/s over three realistic sets, against CPython parsing the
 * same bytes (bench/http_parse_cpython.py: request line split +
 * http.client.parse_headers for requests, HTTPResponse.begin() + read()
 * for responses, the way http.server and http.client do it).
 *
 *   short GETs       curl-like requests, 4 header fields (~90 bytes)
 *   browser GETs     Chrome-like requests, 15 fields and cookies (~1 kB)
 *   chunked replies  nginx-like response heads, 16 chunks of 1 kB
 *
 * Every message is parsed head and body, as a server or client would, with
 * one parser reset between messages (no allocation after the first).
 *
 * Usage: bench_http_parse [--source DIR] [--runs K] [--quick] [--no-python]
 */
#include "harness.h"
#include "netproto/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NMSG 2000

static npb_options opt;

typedef struct set {
  const char *name;
  np_http_kind kind;
  np_buf data;      /* the messages, back to back */
  size_t off[NMSG + 1];
  size_t count;
} set;

static void add(set *s, const np_buf *m) {
  s->off[s->count++] = s->data.len;
  np_buf_append(&s->data, m->data, m->len);
  s->off[s->count] = s->data.len;
}

static void make_short(set *s) {
  np_buf m;
  np_buf_init(&m, 0);
  for (int i = 0; i < NMSG; i++) {
    np_buf_reset(&m);
    np_buf_printf(&m,
                  "GET /api/v1/items/%d?fields=name HTTP/1.1\r\n"
                  "Host: example.com\r\nUser-Agent: curl/7.88.1\r\n"
                  "Accept: */*\r\nConnection: keep-alive\r\n\r\n",
                  i * 7919 % 100000);
    add(s, &m);
  }
  np_buf_free(&m);
}

static void make_browser(set *s) {
  np_buf m;
  np_buf_init(&m, 0);
  for (int i = 0; i < NMSG; i++) {
    np_buf_reset(&m);
    np_buf_printf(
        &m,
        "GET /static/js/app.%08x.js?v=%d HTTP/1.1\r\n"
        "Host: www.example.org\r\n"
        "Connection: keep-alive\r\n"
        "sec-ch-ua: \"Chromium\";v=\"118\", \"Google Chrome\";v=\"118\", "
        "\"Not=A?Brand\";v=\"99\"\r\n"
        "sec-ch-ua-mobile: ?0\r\n"
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36\r\n"
        "sec-ch-ua-platform: \"Linux\"\r\n"
        "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,"
        "image/avif,image/webp,image/apng,*/*;q=0.8\r\n"
        "Sec-Fetch-Site: same-origin\r\nSec-Fetch-Mode: no-cors\r\n"
        "Sec-Fetch-Dest: script\r\n"
        "Referer: https://www.example.org/products/%d\r\n"
        "Accept-Encoding: gzip, deflate, br\r\n"
        "Accept-Language: en-GB,en-US;q=0.9,en;q=0.8,fr;q=0.7\r\n"
        "Cookie: session=%016x%016x; _ga=GA1.2.%d.%d; theme=dark; "
        "consent=necessary%%2Canalytics; cart=%d\r\n"
        "If-None-Match: \"%08x-%04x\"\r\n\r\n",
        (unsigned)(i * 2654435761u), i, i, (unsigned)(i * 40503u),
        (unsigned)(i * 2246822519u), 1000000 + i, 1600000000 + i, i % 13,
        (unsigned)(i * 3266489917u), (unsigned)(i & 0xffff));
    add(s, &m);
  }
  np_buf_free(&m);
}

static void make_chunked(set *s) {
  np_buf m;
  np_buf_init(&m, 0);
  char chunk[1024];
  for (size_t i = 0; i < sizeof chunk; i++)
    chunk[i] = (char)('a' + i % 26);
  for (int i = 0; i < NMSG / 4; i++) {
    np_buf_reset(&m);
    np_buf_printf(&m,
                  "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n"
                  "Date: Mon, 23 Nov 2026 20:00:%02d GMT\r\n"
                  "Content-Type: application/json\r\n"
                  "Transfer-Encoding: chunked\r\nConnection: keep-alive\r\n"
                  "Cache-Control: no-store\r\nX-Request-Id: %08x\r\n\r\n",
                  i % 60, (unsigned)(i * 2654435761u));
    for (int c = 0; c < 16; c++)
      np_http_write_chunk(&m, chunk, sizeof chunk);
    np_http_write_last_chunk(&m, NULL, 0, NULL);
    add(s, &m);
  }
  np_buf_free(&m);
}

typedef struct ctx {
  set *s;
  np_http_parser p;
  size_t body_bytes;
} ctx;

static void parse_all(void *arg) {
  ctx *c = arg;
  set *s = c->s;
  size_t total = 0;
  for (size_t i = 0; i < s->count; i++) {
    const char *m = s->data.data + s->off[i];
    size_t len = s->off[i + 1] - s->off[i], head;
    np_http_parser_reset(&c->p);
    np_error err = NP_ERROR_INIT;
    if (np_http_parse_head(&c->p, m, len, &head, &err) != NP_OK) {
      fprintf(stderr, "%s: message %zu (%zu bytes): %s\n", s->name, i, len, err.message);
      abort();
    }
    size_t off = head;
    for (;;) {
      size_t used;
      np_slice d;
      int rc = np_http_parse_body(&c->p, m + off, len - off, &used, &d, NULL);
      off += used;
      total += d.len;
      if (rc != NP_OK)
        break;
    }
  }
  c->body_bytes = total;
}

/* CPython over the same messages: writes them to a file for the script. */
static double cpython_ns(const set *s) {
  char path[] = "/tmp/npb_http_XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0)
    return -1;
  FILE *f = fdopen(fd, "wb");
  for (size_t i = 0; i < s->count; i++) {
    unsigned len = (unsigned)(s->off[i + 1] - s->off[i]);
    fprintf(f, "%c%u\n", s->kind == NP_HTTP_REQUEST ? 'Q' : 'R', len);
    fwrite(s->data.data + s->off[i], 1, len, f);
  }
  fclose(f);
  char *args[] = {path, NULL};
  np_buf out;
  double v = -1;
  if (npb_run_python(&opt, "http_parse_cpython.py", args, &out, 1 << 20,
                     300) == NP_OK &&
      npb_report_get(out.data, "ns_per_msg", &v, 1) != 1)
    v = -1;
  np_buf_free(&out);
  unlink(path);
  return v;
}

int main(int argc, char **argv) {
  npb_options_init(&opt, "bench_http_parse", 7);
  if (npb_parse_options(&opt, argc, argv, NULL, NULL, NULL) != 0)
    return 2;
  npb_print_intro(&opt, "the HTTP/1.x parser against CPython");
  static set sets[3] = {{.name = "short GETs", .kind = NP_HTTP_REQUEST},
                        {.name = "browser GETs", .kind = NP_HTTP_REQUEST},
                        {.name = "chunked replies", .kind = NP_HTTP_RESPONSE}};
  for (int k = 0; k < 3; k++)
    np_buf_init(&sets[k].data, 0);
  make_short(&sets[0]);
  make_browser(&sets[1]);
  make_chunked(&sets[2]);
  for (int k = 0; k < 3; k++) {
    set *s = &sets[k];
    ctx c;
    memset(&c, 0, sizeof c);
    c.s = s;
    np_http_parser_init(&c.p, s->kind);
    npb_result r;
    npb_measure(parse_all, &c, opt.runs, opt.min_run_ns, &r);
    double ns = npb_ns_per_op(r.median_ns, (double)s->count);
    double mbps = npb_mbps(r.median_ns, (double)s->data.len);
    char title[128];
    snprintf(title, sizeof title,
             "%s: %zu messages, %.0f bytes each on average", s->name, s->count,
             (double)s->data.len / (double)s->count);
    npb_table_begin(title, NPB_NS);
    char note[96];
    snprintf(note, sizeof note, "%.2f M msg/s, %.0f MB/s", 1e3 / ns, mbps);
    npb_table_row("netproto", ns, npb_ns_per_op(r.best_ns, (double)s->count),
                  note);
    double py = opt.python ? cpython_ns(s) : -1;
    snprintf(note, sizeof note, "%.3f M msg/s", py > 0 ? 1e3 / py : 0);
    npb_table_row("CPython http.client/server", py, py, py > 0 ? note : "");
    npb_table_end();
    np_http_parser_free(&c.p);
    np_buf_free(&s->data);
  }
  return 0;
}
