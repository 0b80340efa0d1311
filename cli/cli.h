/*
 * Shared pieces of the netproto command: exit codes, usage errors, line
 * input.  One file per subcommand in cli/; each is listed in cli/main.c.
 */
#ifndef NP_CLI_H
#define NP_CLI_H

#include <stdio.h>
#include <stdbool.h>
#include <stddef.h>

/* Exit codes, documented in `netproto --help` and docs/cli.md. */
enum {
  NP_EXIT_OK = 0,      /* everything worked */
  NP_EXIT_FAIL = 1,    /* some input could not be processed */
  NP_EXIT_USAGE = 2,   /* the command line was wrong */
  NP_EXIT_NETWORK = 3, /* fetch, robots: a network or URL error */
};

/* Print "netproto SUB: message" and a hint to stderr; returns NP_EXIT_USAGE. */
int np_cli_usage_error(const char *sub, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* True when argv[i] is -h or --help. */
int np_cli_is_help(const char *arg);

/*
 * A decimal number option in [lo, hi] (0 <= lo <= hi): digits only, no
 * sign and no spaces (np__parse_uint, not strtol).  Returns the number, or
 * -1 when s is not such a number.
 */
long np_cli_number(const char *s, long lo, long hi);

/*
 * Read standard input one line at a time (without the trailing "\n" or
 * "\r\n"), calling fn for each; stops early when fn returns non-zero.
 * Returns 0, or -1 on a read error.  The line is only valid during the call.
 */
typedef int (*np_cli_line_fn)(const char *line, size_t len, void *ctx);
int np_cli_each_line(FILE *in, np_cli_line_fn fn, void *ctx);

/* Write s[0..len) as a JSON string (quoted, escaped).  A byte that is not
 * part of valid UTF-8 is written as \udcXX, Python's surrogateescape, so
 * the output is JSON that Python reads back to the same bytes. */
void np_cli_json_string(FILE *out, const char *s, size_t len);

/* Where the userinfo of a "scheme://user:pass@host/..." URL is: [*user,
 * *at) with the last '@' of the authority at *at; false when it has none. */
bool np_cli_find_userinfo(const char *url, const char **user,
                          const char **at);
/* Write url for a message, its password (if any) shown as "***". */
void np_cli_print_url(FILE *out, const char *url);

/* Subcommands: int main-like entry points. */
int np_cmd_url(int argc, char **argv);
int np_cmd_serve(int argc, char **argv);
int np_cmd_open(int argc, char **argv);
int np_cmd_ftp(int argc, char **argv);
int np_cmd_gateway_demo(int argc, char **argv);
int np_cmd_fetch(int argc, char **argv);
int np_cmd_robots(int argc, char **argv);

#endif /* NP_CLI_H */
