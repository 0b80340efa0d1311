/*
 * netproto robots: urllib.robotparser on the command line.
 *
 *   netproto robots [--verbose] URL AGENT PATH...
 *
 * Reads the robots.txt at URL with np_robots_read through an opener of
 * np_build_opener, as RobotFileParser.read() does (401/403 disallow
 * everything, other 4xx allow everything, 2xx is parsed), then prints
 * "allowed PATH" or "disallowed PATH" for each PATH as can_fetch(AGENT,
 * PATH) answers.  Exit status: 0, 2 usage error, 3 network or URL error
 * (or a robots.txt that is not UTF-8), 1 out of memory.
 */
#include "cli.h"

#include "netproto/request.h"
#include "netproto/robots.h"

#include <string.h>

static void robots_usage(FILE *out) {
  fprintf(out,
          "usage: netproto robots [options] URL AGENT PATH...\n"
          "\n"
          "Read the robots.txt at URL (Python's RobotFileParser.read()) and\n"
          "print \"allowed PATH\" or \"disallowed PATH\" for each PATH\n"
          "(a path or a full URL), as can_fetch(AGENT, PATH) answers.\n"
          "  -v, --verbose  also print crawl-delay, request-rate and the\n"
          "                 sitemaps for AGENT\n"
          "Connecting and each read wait at most 30 seconds.\n"
          "\n"
          "exit status: 0 success, 1 out of memory, 2 usage error, 3 network\n"
          "or URL error (or a robots.txt that is not UTF-8)\n");
}

int np_cmd_robots(int argc, char **argv) {
  int verbose = 0, i = 1;
  for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    if (np_cli_is_help(argv[i])) {
      robots_usage(stdout);
      return NP_EXIT_OK;
    } else if (!strcmp(argv[i], "--verbose") || !strcmp(argv[i], "-v")) {
      verbose = 1;
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
  np_opener *o = NULL;
  np_error err = NP_ERROR_INIT;
  int code = NP_EXIT_OK;
  int rc = np_robots_new(&r, url, strlen(url));
  if (rc == NP_OK) /* an opener of our own: proxies from the environment */
    rc = np_build_opener(&o, NULL, 0, &err);
  if (rc == NP_OK)
    rc = np_robots_read(r, o, &err);
  if (rc != NP_OK) {
    fputs("netproto robots: ", stderr);
    np_cli_print_url(stderr, url);
    fprintf(stderr, ": %s\n", err.message[0] ? err.message : np_strerror(rc));
    code = rc == NP_ENOMEM ? NP_EXIT_FAIL : NP_EXIT_NETWORK;
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
  np_opener_free(o);
  np_robots_free(r);
  return code;
}
