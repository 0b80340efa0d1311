/* netproto: the command.  Dispatches to one subcommand per cli/cmd_*.c. */
#include "cli.h"

#include "netproto/netproto.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const struct {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
} commands[] = {
    {"url", np_cmd_url, "split, join, quote and unquote URLs (urllib.parse)"},
    {"serve", np_cmd_serve, "serve a directory over HTTP (python -m http.server)"},
    {"open", np_cmd_open, "show a URL in a web browser (webbrowser)"},
    {"ftp", np_cmd_ftp, "get, put or list files over FTP and FTPS (ftplib)"},
    {"fetch", np_cmd_fetch, "download URLs like curl (urllib.request)"},
    {"robots", np_cmd_robots, "check paths against a robots.txt (urllib.robotparser)"},
    {"gateway-demo", np_cmd_gateway_demo, "serve the gateway's demo app (python -m wsgiref.simple_server)"},
};

static void usage(FILE *out) {
  fprintf(out,
          "usage: netproto [--help] [--version] COMMAND [ARGS...]\n"
          "\n"
          "Python's Internet protocols chapter as a C library and a tool.\n"
          "\n"
          "commands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(out, "  %-13s %s\n", commands[i].name, commands[i].summary);
  fprintf(out,
          "\n"
          "Run 'netproto COMMAND --help' for a command's options.\n"
          "\n"
          "exit status: 0 success, 1 some input or request failed, "
          "2 usage error;\n"
          "fetch and robots also: 3 network or URL error, 4 HTTP error "
          "(fetch -f)\n");
}

int np_cli_usage_error(const char *sub, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "netproto%s%s: ", sub ? " " : "", sub ? sub : "");
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nTry 'netproto%s%s --help'.\n", sub ? " " : "",
          sub ? sub : "");
  return NP_EXIT_USAGE;
}

int np_cli_is_help(const char *arg) {
  return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return NP_EXIT_USAGE;
  }
  if (np_cli_is_help(argv[1])) {
    usage(stdout);
    return NP_EXIT_OK;
  }
  if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
    printf("netproto %s\n", np_version());
    return NP_EXIT_OK;
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(argv[1], commands[i].name) == 0)
      return commands[i].run(argc - 1, argv + 1);
  return np_cli_usage_error(NULL, "unknown command '%s'", argv[1]);
}
