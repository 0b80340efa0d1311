/*
 * netproto robots: urllib.robotparser on the command line.
 *
 *   netproto robots [--verbose] [--timeout S] URL AGENT PATH...
 *
 * Reads the robots.txt at URL through urllib.request's opener, as
 * RobotFileParser.read() does (401/403 disallow everything, other 4xx
 * allow everything, 2xx is parsed), then prints "allowed PATH" or
 * "disallowed PATH" for each PATH as can_fetch(AGENT, PATH) answers.
 * Exit status: 0, 2 usage error, 3 network or URL error.
 */
#include "cli.h"

#include "netproto/request.h"
#include "netproto/robots.h"

#include <stdlib.h>
#include <string.h>

static void robots_usage(FILE *out) {
  fprintf(out,
          "usage: netproto robots [options] URL AGENT PATH...\n"
          "\n"
          "Read the robots.txt at URL (Python's RobotFileParser.read()) and\n"
          "print \"allowed PATH\" or \"disallowed PATH\" for each PATH (a path\n"
          "or a full URL), as can_fetch(AGENT, PATH) answers.\n"
          "  --verbose      also print crawl-delay, request-rate and the\n"
          "                 sitemaps for AGENT\n"
          "  --timeout S    seconds (decimals allowed) for connecting and\n"
          "                 each read (default 30)\n"
          "\n"
          "exit status: 0 success, 2 usage error, 3 network or URL error\n");
}

enum { EXIT_NETWORK = 3 };

/* Python's read(): the body parsed, or the error status applied. */
static int read_robots(np_robots *r, const char *url, int timeout_ms,
                       np_error *err) {
  np_opener *o = NULL;
  np_response *resp = NULL;
  int rc = np_build_opener(&o, NULL, 0, err);
  if (rc == NP_OK)
    rc = np_opener_open_url(o, url, NULL, 0, timeout_ms, &resp, err);
  if (rc == NP_EREQUEST_HTTP) {
    int status = (int)err->value;
    np_error_clear(err);
    np_robots_apply_status(r, status);
    rc = NP_OK;
  } else if (rc == NP_OK) {
    np_buf body;
    np_buf_init(&body, NP_ROBOTS_DEFAULT_MAX_BYTES);
    char chunk[16384];
    size_t got = 0;
    /* Read up to the parse limit; what lies beyond is ignored anyway. */
    while ((rc = np_response_read(resp, chunk, sizeof chunk, &got, err)) ==
               NP_OK &&
           got) {
      size_t room = body.max - body.len;
      if (np_buf_append(&body, chunk, got < room ? got : room) != NP_OK) {
        rc = np_error_set(err, NP_ENOMEM, "out of memory");
        break;
      }
      if (got >= room)
        break;
    }
    if (rc == NP_OK)
      rc = np_robots_parse(r, body.data ? body.data : "", body.len, err);
    np_buf_free(&body);
  }
  np_response_free(resp);
  np_opener_free(o);
  return rc;
}

static int parse_timeout(const char *s) {
  /* digits with an optional fraction, 1 ms .. 2e6 s */
  double v = 0, scale = 0;
  int digits = 0;
  for (const char *p = s; *p; p++) {
    if (*p == '.' && scale == 0) {
      scale = 0.1;
    } else if (*p >= '0' && *p <= '9') {
      digits++;
      if (scale == 0) {
        v = v * 10 + (*p - '0');
      } else {
        v += (*p - '0') * scale;
        scale /= 10;
      }
      if (v > 2e6)
        return -1;
    } else {
      return -1;
    }
  }
  return digits && v >= 0.001 ? (int)(v * 1000 + 0.5) : -1;
}

int np_cmd_robots(int argc, char **argv) {
  int verbose = 0, timeout_ms = 30000, i = 1;
  for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    if (np_cli_is_help(argv[i])) {
      robots_usage(stdout);
      return NP_EXIT_OK;
    } else if (!strcmp(argv[i], "--verbose") || !strcmp(argv[i], "-v")) {
      verbose = 1;
    } else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
      if ((timeout_ms = parse_timeout(argv[++i])) < 0)
        return np_cli_usage_error("robots", "bad --timeout %s", argv[i]);
    } else if (!strcmp(argv[i], "--")) {
      i++;
      break;
    } else {
      return np_cli_usage_error("robots", "unknown option %s", argv[i]);
    }
  }
  if (argc - i < 3)
    return np_cli_usage_error("robots", "expected URL AGENT PATH...");
  const char *url = argv[i], *agent = argv[i + 1];
  np_robots *r = NULL;
  np_error err = NP_ERROR_INIT;
  int code = NP_EXIT_OK;
  int rc = np_robots_new(&r, url, strlen(url));
  if (rc == NP_OK)
    rc = read_robots(r, url, timeout_ms, &err);
  if (rc != NP_OK) {
    fprintf(stderr, "netproto robots: %s: %s\n", url,
            err.message[0] ? err.message : np_strerror(rc));
    code = rc == NP_ENOMEM ? NP_EXIT_FAIL : EXIT_NETWORK;
    goto out;
  }
  size_t alen = strlen(agent);
  for (int k = i + 2; k < argc; k++) {
    int ok = np_robots_can_fetch(r, agent, alen, argv[k], strlen(argv[k]));
    if (ok < 0) {
      fprintf(stderr, "netproto robots: %s\n", np_strerror(ok));
      code = NP_EXIT_FAIL;
      goto out;
    }
    printf("%s %s\n", ok ? "allowed" : "disallowed", argv[k]);
  }
  if (verbose) {
    uint64_t a, b;
    if (np_robots_crawl_delay(r, agent, alen, &a) == NP_OK)
      printf("crawl-delay %llu\n", (unsigned long long)a);
    if (np_robots_request_rate(r, agent, alen, &a, &b) == NP_OK)
      printf("request-rate %llu/%llu\n", (unsigned long long)a,
             (unsigned long long)b);
    const np_slice *maps;
    size_t n = np_robots_site_maps(r, &maps);
    for (size_t k = 0; k < n; k++)
      printf("sitemap %.*s\n", NP_SLICE_ARG(maps[k]));
  }
out:
  np_error_clear(&err);
  np_robots_free(r);
  return code;
}
