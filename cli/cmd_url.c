/*
 * netproto url: urllib.parse on the command line.
 *
 *   netproto url SUB [OPTIONS] [INPUT...]
 *
 * Each subcommand takes its inputs as arguments or, when there are none,
 * one per line from standard input, and writes one output line per input,
 * in order.  Output is block-buffered (unless stdout is a terminal), so a
 * file of millions of URLs streams through at library speed.  An input the
 * library rejects gives an empty line (or {"error":...} with --json) and a
 * message on stderr; the exit status is then 1, the other inputs are still
 * processed.  Plain output writes bytes as they are; --json writes exact
 * JSON, with bytes that are not UTF-8 as \udcXX (Python's surrogateescape).
 */
#include "cli.h"

#include "core/internal.h"
#include "netproto/url.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Options, one bit each, so each subcommand lists the ones it accepts. */
enum {
  OPT_JSON = 1 << 0,
  OPT_SCHEME = 1 << 1,
  OPT_NO_FRAGMENTS = 1 << 2,
  OPT_PAIRS = 1 << 3,
  OPT_PLUS = 1 << 4,
  OPT_SAFE = 1 << 5,
  OPT_QUOTE_VIA = 1 << 6,
  OPT_KEEP_BLANK = 1 << 7,
  OPT_STRICT = 1 << 8,
  OPT_MAX_FIELDS = 1 << 9,
  OPT_SEPARATOR = 1 << 10,
  OPT_DICT = 1 << 11,
};

static const struct {
  const char *name;
  unsigned bit;
  int takes_value;
} options[] = {
    {"--json", OPT_JSON, 0},
    {"--scheme", OPT_SCHEME, 1},
    {"--no-fragments", OPT_NO_FRAGMENTS, 0},
    {"--pairs", OPT_PAIRS, 0},
    {"--plus", OPT_PLUS, 0},
    {"--safe", OPT_SAFE, 1},
    {"--quote-via", OPT_QUOTE_VIA, 1},
    {"--keep-blank", OPT_KEEP_BLANK, 0},
    {"--strict", OPT_STRICT, 0},
    {"--max-fields", OPT_MAX_FIELDS, 1},
    {"--separator", OPT_SEPARATOR, 1},
    {"--dict", OPT_DICT, 0},
};

typedef struct url_ctx url_ctx;
typedef int (*handler_fn)(url_ctx *c, const char *s, size_t n);

typedef struct subcommand {
  const char *name;
  handler_fn run;
  unsigned allowed;
  const char *summary;
  const char *help;
} subcommand;

struct url_ctx {
  const subcommand *sub;
  FILE *out;
  unsigned set;             /* options given */
  const char *scheme;       /* --scheme */
  const char *safe;         /* --safe; NULL: the function's default */
  const char *separator;    /* --separator; NULL: "&" */
  uint64_t max_fields;      /* --max-fields, when OPT_MAX_FIELDS is set */
  np_quote_fn quote_via;    /* --quote-via */
  const char *join_base;    /* join BASE REF...: the fixed base */
  size_t join_base_len;
  unsigned long input_no;   /* 1-based, for messages */
  int failed;
  np_url url;
  np_buf a, b;
  np_qs qs;
};

/* ---- output helpers ---------------------------------------------------- */

static void put(url_ctx *c, const char *s, size_t n) {
  if (n)
    fwrite(s, 1, n, c->out);
}

static void put_slice(url_ctx *c, np_slice s) { put(c, s.ptr, s.len); }

static void json_slice(url_ctx *c, np_slice s) {
  if (!s.ptr)
    fputs("null", c->out);
  else
    np_cli_json_string(c->out, s.ptr, s.len);
}

/* ,"key": */
static void json_key(url_ctx *c, const char *key, int first) {
  if (!first)
    fputc(',', c->out);
  np_cli_json_string(c->out, key, strlen(key));
  fputc(':', c->out);
}

/*
 * Report an input that failed: a message on stderr, and in the output an
 * empty line (plain) or an error object (--json), so that output line N
 * still belongs to input N.  Returns 0 so the caller carries on.
 */
static int fail(url_ctx *c, int rc, const np_error *err) {
  const char *msg = err && err->message[0] ? err->message : np_strerror(rc);
  c->failed = 1;
  fprintf(stderr, "netproto url %s: input %lu: %s (%s)\n", c->sub->name,
          c->input_no, msg, np_status_name(rc));
  if (c->set & OPT_JSON) {
    fputs("{\"error\":", c->out);
    np_cli_json_string(c->out, msg, strlen(msg));
    fputs(",\"code\":", c->out);
    np_cli_json_string(c->out, np_status_name(rc), strlen(np_status_name(rc)));
    fputc('}', c->out);
  }
  fputc('\n', c->out);
  return 0;
}

/* One string result: raw bytes, or a JSON string. */
static void emit_string(url_ctx *c, const np_buf *b) {
  if (c->set & OPT_JSON)
    np_cli_json_string(c->out, b->data ? b->data : "", b->len);
  else
    put(c, b->data, b->len);
  fputc('\n', c->out);
}

/* ---- split, parse ------------------------------------------------------ */

static void emit_port(url_ctx *c, const np_url *u) {
  if (u->port_status != NP_OK)
    fputs("\"invalid\"", c->out);
  else if (u->port < 0)
    fputs("null", c->out);
  else
    fprintf(c->out, "%d", u->port);
}

static void emit_url_json(url_ctx *c, const np_url *u, int with_params) {
  fputc('{', c->out);
  json_key(c, "scheme", 1);
  json_slice(c, u->scheme);
  json_key(c, "netloc", 0);
  json_slice(c, u->netloc);
  json_key(c, "path", 0);
  json_slice(c, u->path);
  if (with_params) {
    json_key(c, "params", 0);
    json_slice(c, u->params);
  }
  json_key(c, "query", 0);
  json_slice(c, u->query);
  json_key(c, "fragment", 0);
  json_slice(c, u->fragment);
  json_key(c, "username", 0);
  json_slice(c, u->username);
  json_key(c, "password", 0);
  json_slice(c, u->password);
  json_key(c, "hostname", 0);
  json_slice(c, u->hostname);
  json_key(c, "port", 0);
  emit_port(c, u);
  fputs("}\n", c->out);
}

/* Plain: the components separated by TAB (urlsplit removes every TAB from
 * its input, so the separator cannot occur inside a component). */
static void emit_url_plain(url_ctx *c, const np_url *u, int with_params) {
  put_slice(c, u->scheme);
  fputc('\t', c->out);
  put_slice(c, u->netloc);
  fputc('\t', c->out);
  put_slice(c, u->path);
  fputc('\t', c->out);
  if (with_params) {
    put_slice(c, u->params);
    fputc('\t', c->out);
  }
  put_slice(c, u->query);
  fputc('\t', c->out);
  put_slice(c, u->fragment);
  fputc('\n', c->out);
}

static unsigned split_flags(const url_ctx *c) {
  return (c->set & OPT_NO_FRAGMENTS) ? NP_URL_NO_FRAGMENTS : 0;
}

static int split_or_parse(url_ctx *c, const char *s, size_t n, int parse) {
  np_error err = NP_ERROR_INIT;
  int rc = parse ? np_urlparse(&c->url, s, n, c->scheme, split_flags(c), &err)
                 : np_urlsplit(&c->url, s, n, c->scheme, split_flags(c), &err);
  if (rc != NP_OK) {
    fail(c, rc, &err);
  } else if (c->set & OPT_JSON) {
    emit_url_json(c, &c->url, parse);
  } else {
    emit_url_plain(c, &c->url, parse);
  }
  np_error_clear(&err);
  return 0;
}

static int run_split(url_ctx *c, const char *s, size_t n) {
  return split_or_parse(c, s, n, 0);
}

static int run_parse(url_ctx *c, const char *s, size_t n) {
  return split_or_parse(c, s, n, 1);
}

/* ---- join, defrag ------------------------------------------------------ */

static int join_one(url_ctx *c, const char *base, size_t base_len,
                    const char *ref, size_t ref_len) {
  np_error err = NP_ERROR_INIT;
  np_buf_reset(&c->a);
  int rc = np_urljoin(&c->a, base, base_len, ref, ref_len, split_flags(c),
                      &err);
  if (rc != NP_OK)
    fail(c, rc, &err);
  else
    emit_string(c, &c->a);
  np_error_clear(&err);
  return 0;
}

/* join --pairs: BASE TAB REF, split at the first TAB. */
static int run_join_pair(url_ctx *c, const char *s, size_t n) {
  const char *tab = memchr(s, '\t', n);
  if (!tab) {
    np_error err = NP_ERROR_INIT;
    np_error_set(&err, NP_EINVAL, "no TAB between BASE and REF");
    return fail(c, NP_EINVAL, &err);
  }
  return join_one(c, s, (size_t)(tab - s), tab + 1, n - (size_t)(tab - s) - 1);
}

static int run_defrag(url_ctx *c, const char *s, size_t n) {
  np_error err = NP_ERROR_INIT;
  np_buf_reset(&c->a);
  np_buf_reset(&c->b);
  int rc = np_urldefrag(&c->a, &c->b, s, n, &err);
  if (rc != NP_OK) {
    fail(c, rc, &err);
  } else if (c->set & OPT_JSON) {
    fputc('{', c->out);
    json_key(c, "url", 1);
    np_cli_json_string(c->out, c->a.data ? c->a.data : "", c->a.len);
    json_key(c, "fragment", 0);
    np_cli_json_string(c->out, c->b.data ? c->b.data : "", c->b.len);
    fputs("}\n", c->out);
  } else {
    put(c, c->a.data, c->a.len);
    fputc('\t', c->out);
    put(c, c->b.data, c->b.len);
    fputc('\n', c->out);
  }
  np_error_clear(&err);
  return 0;
}

/* ---- quote, unquote, encode ------------------------------------------- */

static int run_quote(url_ctx *c, const char *s, size_t n) {
  np_buf_reset(&c->a);
  int rc = (c->set & OPT_PLUS) ? np_quote_plus(&c->a, s, n, c->safe)
                               : np_quote(&c->a, s, n, c->safe);
  if (rc != NP_OK)
    return fail(c, rc, NULL);
  emit_string(c, &c->a);
  return 0;
}

static int run_unquote(url_ctx *c, const char *s, size_t n) {
  np_buf_reset(&c->a);
  int rc = (c->set & OPT_PLUS) ? np_unquote_plus(&c->a, s, n)
                               : np_unquote(&c->a, s, n);
  if (rc != NP_OK)
    return fail(c, rc, NULL);
  emit_string(c, &c->a);
  return 0;
}

/* encode takes every KEY=VALUE argument at once: one urlencode() call. */
static int run_encode_args(url_ctx *c, char **args, int n) {
  np_qs_pair *pairs = np_malloc(sizeof *pairs * (size_t)n);
  int rc;
  if (!pairs)
    return fail(c, NP_ENOMEM, NULL);
  for (int i = 0; i < n; i++) {
    char *eq = strchr(args[i], '=');
    pairs[i].name = np_slice_from(args[i], (size_t)(eq - args[i]));
    pairs[i].value = np_slice_cstr(eq + 1);
  }
  np_buf_reset(&c->a);
  rc = np_urlencode(&c->a, pairs, (size_t)n, c->safe, c->quote_via);
  np_free(pairs);
  if (rc != NP_OK)
    return fail(c, rc, NULL);
  emit_string(c, &c->a);
  return 0;
}

/* ---- parse-qs ---------------------------------------------------------- */

static void emit_qs_json_pairs(url_ctx *c, const np_qs *qs) {
  fputc('[', c->out);
  for (size_t i = 0; i < qs->count; i++) {
    fputs(i ? ",[" : "[", c->out);
    json_slice(c, qs->pairs[i].name);
    fputc(',', c->out);
    json_slice(c, qs->pairs[i].value);
    fputc(']', c->out);
  }
  fputs("]\n", c->out);
}

/* parse_qs's dict of lists: np_parse_qs keeps each name's values together,
 * so a new key starts wherever the name changes. */
static void emit_qs_json_dict(url_ctx *c, const np_qs *qs) {
  fputc('{', c->out);
  for (size_t i = 0; i < qs->count; i++) {
    int same = i && np_slice_eq(qs->pairs[i].name, qs->pairs[i - 1].name);
    if (same) {
      fputc(',', c->out);
    } else {
      if (i)
        fputs("],", c->out);
      json_slice(c, qs->pairs[i].name);
      fputs(":[", c->out);
    }
    json_slice(c, qs->pairs[i].value);
  }
  fputs(qs->count ? "]}\n" : "}\n", c->out);
}

/* Plain: name=value for each pair, pairs separated by TAB. */
static void emit_qs_plain(url_ctx *c, const np_qs *qs) {
  for (size_t i = 0; i < qs->count; i++) {
    if (i)
      fputc('\t', c->out);
    put_slice(c, qs->pairs[i].name);
    fputc('=', c->out);
    put_slice(c, qs->pairs[i].value);
  }
  fputc('\n', c->out);
}

static int run_parse_qs(url_ctx *c, const char *s, size_t n) {
  np_error err = NP_ERROR_INIT;
  np_qs_options opt = {0};
  int rc;
  opt.keep_blank_values = (c->set & OPT_KEEP_BLANK) != 0;
  opt.strict_parsing = (c->set & OPT_STRICT) != 0;
  opt.separator = c->separator;
  if (c->set & OPT_MAX_FIELDS) {
    /* Python's max_num_fields=0 rejects every non-empty input (it counts
     * at least one field), while the library's 0 means "no limit". */
    if (c->max_fields == 0 && n > 0)
      return fail(c, np_error_set(&err, NP_EURL_QS_FIELDS,
                                  "Max number of fields exceeded"), &err);
    opt.max_num_fields = (size_t)c->max_fields;
  }
  rc = (c->set & OPT_DICT) ? np_parse_qs(&c->qs, s, n, &opt, &err)
                           : np_parse_qsl(&c->qs, s, n, &opt, &err);
  if (rc != NP_OK)
    fail(c, rc, &err);
  else if (!(c->set & OPT_JSON))
    emit_qs_plain(c, &c->qs);
  else if (c->set & OPT_DICT)
    emit_qs_json_dict(c, &c->qs);
  else
    emit_qs_json_pairs(c, &c->qs);
  np_error_clear(&err);
  return 0;
}

/* ---- the subcommand table and help ------------------------------------ */

static const subcommand subcommands[] = {
    {"split", run_split, OPT_JSON | OPT_SCHEME | OPT_NO_FRAGMENTS,
     "urlsplit: the five components (and hostname, port...)",
     "usage: netproto url split [--json] [--scheme S] [--no-fragments] "
     "[URL...]\n"
     "\n"
     "urlsplit(URL, scheme=S, allow_fragments=not --no-fragments).\n"
     "Plain output: scheme, netloc, path, query, fragment separated by TAB.\n"
     "--json: one object per URL with scheme, netloc, path, query, fragment,\n"
     "username, password, hostname (null where Python gives None) and port\n"
     "(a number, null, or \"invalid\" where Python's .port raises);\n"
     "{\"error\": MESSAGE, \"code\": NAME} where urlsplit raises.\n"},
    {"parse", run_parse, OPT_JSON | OPT_SCHEME | OPT_NO_FRAGMENTS,
     "urlparse: as split, with ;params",
     "usage: netproto url parse [--json] [--scheme S] [--no-fragments] "
     "[URL...]\n"
     "\n"
     "urlparse(): as 'split', with params after path (plain output: scheme,\n"
     "netloc, path, params, query, fragment separated by TAB).\n"},
    {"join", NULL, OPT_JSON | OPT_NO_FRAGMENTS | OPT_PAIRS,
     "urljoin: resolve references against a base",
     "usage: netproto url join [--json] [--no-fragments] BASE [REF...]\n"
     "       netproto url join --pairs [--json] [--no-fragments] [LINE...]\n"
     "\n"
     "urljoin(BASE, REF): one line per REF (REFs from standard input, one a\n"
     "line, when none is given).  With --pairs each input is BASE TAB REF,\n"
     "split at the first TAB.  --json writes each result as a JSON string.\n"},
    {"defrag", run_defrag, OPT_JSON,
     "urldefrag: the URL without its fragment, and the fragment",
     "usage: netproto url defrag [--json] [URL...]\n"
     "\n"
     "urldefrag(URL): the URL without its fragment, TAB, the fragment;\n"
     "--json: {\"url\": ..., \"fragment\": ...}.\n"},
    {"quote", run_quote, OPT_JSON | OPT_PLUS | OPT_SAFE,
     "quote, quote_plus: percent-encode",
     "usage: netproto url quote [--plus] [--safe CHARS] [--json] [STRING...]\n"
     "\n"
     "quote_from_bytes(STRING, safe=CHARS) (default safe \"/\"); with --plus\n"
     "quote_plus (default safe \"\").  Letters, digits and \"_.-~\" are never\n"
     "quoted; only the ASCII characters of CHARS count.\n"},
    {"unquote", run_unquote, OPT_JSON | OPT_PLUS,
     "unquote, unquote_plus: decode %XX",
     "usage: netproto url unquote [--plus] [--json] [STRING...]\n"
     "\n"
     "unquote(STRING) (decoded bytes that are not UTF-8 become U+FFFD); with\n"
     "--plus unquote_plus.  A decoded %0A is a newline in plain output: use\n"
     "--json to keep one line per input.\n"},
    {"encode", NULL, OPT_JSON | OPT_SAFE | OPT_QUOTE_VIA,
     "urlencode: KEY=VALUE arguments to a query string",
     "usage: netproto url encode [--quote-via quote|quote_plus] [--safe CHARS]"
     " [--json]\n"
     "                           KEY=VALUE...\n"
     "\n"
     "urlencode([(KEY, VALUE), ...], doseq=True, safe=CHARS, quote_via=...):\n"
     "one line for all the arguments (split at the first '=').  Arguments\n"
     "only; standard input is not read.  Default quote_via is quote_plus.\n"},
    {"parse-qs", run_parse_qs,
     OPT_JSON | OPT_KEEP_BLANK | OPT_STRICT | OPT_MAX_FIELDS | OPT_SEPARATOR |
         OPT_DICT,
     "parse_qsl, parse_qs: a query string to its pairs",
     "usage: netproto url parse-qs [--keep-blank] [--strict] [--max-fields N]\n"
     "                             [--separator S] [--dict] [--json] "
     "[QUERY...]\n"
     "\n"
     "parse_qsl(QUERY, keep_blank_values, strict_parsing, max_num_fields,\n"
     "separator): plain output is NAME=VALUE for each pair, separated by TAB\n"
     "(decoded bytes as they are: use --json for exact output).  --json: a\n"
     "JSON array of [name, value] pairs per input.  --dict: parse_qs's\n"
     "grouping (with --json, an object of name -> list of values).\n"
     "{\"error\": ..., \"code\": ...} where Python raises ValueError.\n"},
};

static void url_usage(FILE *out) {
  fputs("usage: netproto url SUBCOMMAND [OPTIONS] [INPUT...]\n"
        "\n"
        "urllib.parse on the command line.  Inputs come from the arguments\n"
        "or, when there are none, one a line from standard input; each input\n"
        "gives one output line.  An input that fails gives an empty line (or\n"
        "{\"error\": ...} with --json), a message on stderr, and exit status 1.\n"
        "\n"
        "subcommands:\n",
        out);
  for (size_t i = 0; i < NP_ARRAY_LEN(subcommands); i++)
    fprintf(out, "  %-9s %s\n", subcommands[i].name, subcommands[i].summary);
  fputs("\nPut -- before inputs that begin with '-'.\n"
        "Run 'netproto url SUBCOMMAND --help' for its options.\n"
        "exit status: 0 success, 1 some input failed, 2 usage error\n",
        out);
}

/* ---- option parsing ---------------------------------------------------- */

static int set_value(url_ctx *c, unsigned bit, const char *v) {
  const char *sub = c->sub->name;
  switch (bit) {
  case OPT_SCHEME:
    c->scheme = v;
    break;
  case OPT_SAFE:
    c->safe = v;
    break;
  case OPT_SEPARATOR:
    c->separator = v;
    break;
  case OPT_MAX_FIELDS:
    if (np__parse_uint(v, strlen(v), SIZE_MAX, &c->max_fields) != NP_OK)
      return np_cli_usage_error(sub, "--max-fields wants a number, not '%s'",
                                v);
    break;
  case OPT_QUOTE_VIA:
    if (strcmp(v, "quote") == 0)
      c->quote_via = np_quote;
    else if (strcmp(v, "quote_plus") == 0)
      c->quote_via = np_quote_plus;
    else
      return np_cli_usage_error(sub, "--quote-via is quote or quote_plus");
    break;
  default:
    break;
  }
  return 0;
}

/* Match one option argument (with its value as "--x=V" or "--x V"). */
static int parse_option(url_ctx *c, int argc, char **argv, int *i) {
  const char *arg = argv[*i];
  for (size_t k = 0; k < NP_ARRAY_LEN(options); k++) {
    size_t len = strlen(options[k].name);
    if (strncmp(arg, options[k].name, len) != 0 ||
        (arg[len] != '\0' && !(options[k].takes_value && arg[len] == '=')))
      continue;
    if (!(c->sub->allowed & options[k].bit))
      break;
    c->set |= options[k].bit;
    if (!options[k].takes_value)
      return 0;
    if (arg[len] == '=')
      return set_value(c, options[k].bit, arg + len + 1);
    if (*i + 1 >= argc)
      return np_cli_usage_error(c->sub->name, "%s needs a value", arg);
    return set_value(c, options[k].bit, argv[++*i]);
  }
  return np_cli_usage_error(c->sub->name, "unknown option '%s'", arg);
}

/*
 * Take the options out of argv (anywhere before "--"), leaving the inputs
 * in argv[0..*nargs).  Returns 0, NP_EXIT_USAGE, or -1 after printing help.
 */
static int parse_args(url_ctx *c, int argc, char **argv, int *nargs) {
  int n = 0, opts_done = 0;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (!opts_done && strcmp(arg, "--") == 0) {
      opts_done = 1;
    } else if (!opts_done && np_cli_is_help(arg)) {
      fputs(c->sub->help, stdout);
      return -1;
    } else if (!opts_done && arg[0] == '-' && arg[1] != '\0') {
      int rc = parse_option(c, argc, argv, &i);
      if (rc)
        return rc;
    } else {
      argv[n++] = argv[i];
    }
  }
  *nargs = n;
  return 0;
}

/* ---- running ----------------------------------------------------------- */

typedef struct line_ctx {
  url_ctx *c;
  handler_fn run;
} line_ctx;

static int on_line(const char *line, size_t len, void *p) {
  line_ctx *lc = p;
  lc->c->input_no++;
  return lc->run(lc->c, line, len);
}

/* Feed each argument, or each line of standard input, to run. */
static int feed(url_ctx *c, handler_fn run, char **args, int n) {
  if (n > 0) {
    for (int i = 0; i < n; i++) {
      c->input_no++;
      run(c, args[i], strlen(args[i]));
    }
    return 0;
  }
  line_ctx lc = {c, run};
  if (np_cli_each_line(stdin, on_line, &lc) != 0) {
    fprintf(stderr, "netproto url %s: error reading standard input\n",
            c->sub->name);
    c->failed = 1;
  }
  return 0;
}

/* join BASE REF...: the base is fixed, the refs are the inputs. */
static int run_join_ref(url_ctx *c, const char *s, size_t n) {
  return join_one(c, c->join_base, c->join_base_len, s, n);
}

static int dispatch(url_ctx *c, char **args, int n) {
  const char *name = c->sub->name;
  if (strcmp(name, "encode") == 0) {
    if (n == 0)
      return np_cli_usage_error(name, "needs KEY=VALUE arguments");
    for (int i = 0; i < n; i++)
      if (!strchr(args[i], '='))
        return np_cli_usage_error(name, "'%s' is not KEY=VALUE", args[i]);
    c->input_no = 1;
    return run_encode_args(c, args, n);
  }
  if (strcmp(name, "join") == 0) {
    if (c->set & OPT_PAIRS)
      return feed(c, run_join_pair, args, n);
    if (n == 0)
      return np_cli_usage_error(name, "needs a BASE URL");
    c->join_base = args[0];
    c->join_base_len = strlen(args[0]);
    return feed(c, run_join_ref, args + 1, n - 1);
  }
  return feed(c, c->sub->run, args, n);
}

static const subcommand *find_sub(const char *name) {
  for (size_t i = 0; i < NP_ARRAY_LEN(subcommands); i++)
    if (strcmp(subcommands[i].name, name) == 0)
      return &subcommands[i];
  return NULL;
}

int np_cmd_url(int argc, char **argv) {
  url_ctx c;
  int nargs = 0, rc;
  if (argc < 2) {
    url_usage(stderr);
    return NP_EXIT_USAGE;
  }
  if (np_cli_is_help(argv[1])) {
    url_usage(stdout);
    return NP_EXIT_OK;
  }
  memset(&c, 0, sizeof c);
  c.sub = find_sub(argv[1]);
  if (!c.sub)
    return np_cli_usage_error("url", "unknown subcommand '%s'", argv[1]);
  rc = parse_args(&c, argc - 1, argv + 1, &nargs);
  if (rc)
    return rc < 0 ? NP_EXIT_OK : rc;
  c.out = stdout;
  /* Streaming: a large buffer unless a person is watching the output. */
  if (!isatty(STDOUT_FILENO))
    setvbuf(stdout, NULL, _IOFBF, (size_t)1 << 16);
  np_url_init(&c.url);
  np_buf_init(&c.a, 0);
  np_buf_init(&c.b, 0);
  np_qs_init(&c.qs);
  rc = dispatch(&c, argv + 1, nargs);
  np_url_free(&c.url);
  np_buf_free(&c.a);
  np_buf_free(&c.b);
  np_qs_free(&c.qs);
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "netproto url %s: error writing output\n", c.sub->name);
    return NP_EXIT_FAIL;
  }
  if (rc)
    return rc;
  return c.failed ? NP_EXIT_FAIL : NP_EXIT_OK;
}
