/*
 * Driver for jar_test.py, the differential test against CPython's
 * http.cookiejar.  Reads commands, one a line, fields separated by spaces,
 * strings in hex ("-" for None), and prints one hex line per command that
 * answers:
 *   N                         a new, empty jar (policy and clock kept)
 *   P key=value ...           DefaultCookiePolicy switches (see below)
 *   T <seconds>               the clock
 *   E url unverif origin n name value ...   extract_cookies
 *   A url unverif origin      add_cookie_header: "cookie|cookie2|flags"
 *   D                         every cookie, in iteration order
 *   C domain path name        clear(...): prints the status name
 *   X / S                     clear_expired_cookies / clear_session_cookies
 *   F M|L discard expires hex load the file bytes into a new jar with
 *                             those ignore_* flags: status, then dump
 *   M / L                     save as Mozilla / LWP (ignore_discard and
 *                             ignore_expires on): print the file, then load
 *                             it into a new jar and dump that
 */
#include "netproto/cookiejar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t g_now;
static int64_t fixed_now(void) { return g_now; }

static char *unhex(const char *h) {
  if (strcmp(h, "-") == 0)
    return NULL;
  size_t n = strlen(h) / 2;
  char *s = malloc(n + 1);
  for (size_t i = 0; i < n; i++) {
    unsigned v;
    sscanf(h + 2 * i, "%2x", &v);
    s[i] = (char)v;
  }
  s[n] = 0;
  return s;
}

static void put_hex(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    printf("%02x", (unsigned char)s[i]);
  putchar('\n');
}

static void field(np_buf *o, const char *s) {
  np_buf_append_cstr(o, s ? s : "None");
  np_buf_putc(o, '|');
}

static int dump_one(void *ctx, const np_cookie *c) {
  np_buf *o = ctx;
  np_buf_printf(o, "%s|", c->has_version ? "" : "None");
  if (c->has_version)
    np_buf_printf(o, "%ld|", c->version);
  field(o, c->name);
  field(o, c->value);
  field(o, c->port);
  np_buf_printf(o, "%d|", c->port_specified);
  field(o, c->domain);
  np_buf_printf(o, "%d|%d|", c->domain_specified, c->domain_initial_dot);
  field(o, c->path);
  np_buf_printf(o, "%d|%d|", c->path_specified, c->secure);
  if (c->has_expires)
    np_buf_printf(o, "%lld|", (long long)c->expires);
  else
    np_buf_append_cstr(o, "None|");
  np_buf_printf(o, "%d|", c->discard);
  field(o, c->comment);
  field(o, c->comment_url);
  np_buf_printf(o, "%d|{", c->rfc2109);
  for (size_t i = 0; i < c->nrest; i++) {
    np_buf_printf(o, "%s=", c->rest[i].name);
    field(o, c->rest[i].value);
  }
  np_buf_append_cstr(o, "}\n");
  return 0;
}

static void dump(np_cookiejar *jar) {
  np_buf o;
  np_buf_init(&o, 0);
  np_buf_printf(&o, "%zu\n", np_cookiejar_count(jar));
  np_cookiejar_foreach(jar, dump_one, &o);
  put_hex(o.data, o.len);
  np_buf_free(&o);
}

/* Policy: the lists stay allocated for the program's life. */
static np_cookie_policy g_policy;
static char *g_lists[3][16];

static void set_list(const char *const **dst, char **store, char *spec) {
  if (strcmp(spec, "none") == 0) {
    *dst = NULL;
    return;
  }
  size_t n = 0;
  for (char *t = strtok(spec, ","); t && n < 15; t = strtok(NULL, ","))
    store[n++] = unhex(t);
  store[n] = NULL;
  *dst = (const char *const *)store;
}

static void free_lists(void) {
  for (int l = 0; l < 3; l++)
    for (int i = 0; i < 16; i++) {
      free(g_lists[l][i]);
      g_lists[l][i] = NULL;
    }
}

static void policy(char *args) {
  np_cookie_policy_init(&g_policy);
  free_lists();
  char *save = NULL;
  for (char *kv = strtok_r(args, " ", &save); kv;
       kv = strtok_r(NULL, " ", &save)) {
    char *eq = strchr(kv, '=');
    if (!eq)
      continue;
    *eq = 0;
    char *v = eq + 1;
    int iv = atoi(v);
    if (!strcmp(kv, "netscape")) g_policy.netscape = iv;
    else if (!strcmp(kv, "rfc2965")) g_policy.rfc2965 = iv;
    else if (!strcmp(kv, "rfc2109_as_netscape")) g_policy.rfc2109_as_netscape = iv;
    else if (!strcmp(kv, "hide_cookie2")) g_policy.hide_cookie2 = iv;
    else if (!strcmp(kv, "strict_domain")) g_policy.strict_domain = iv;
    else if (!strcmp(kv, "strict_rfc2965_unverifiable")) g_policy.strict_rfc2965_unverifiable = iv;
    else if (!strcmp(kv, "strict_ns_unverifiable")) g_policy.strict_ns_unverifiable = iv;
    else if (!strcmp(kv, "strict_ns_domain")) g_policy.strict_ns_domain = iv;
    else if (!strcmp(kv, "strict_ns_set_initial_dollar")) g_policy.strict_ns_set_initial_dollar = iv;
    else if (!strcmp(kv, "strict_ns_set_path")) g_policy.strict_ns_set_path = iv;
    else if (!strcmp(kv, "blocked")) set_list(&g_policy.blocked_domains, g_lists[0], v);
    else if (!strcmp(kv, "allowed")) set_list(&g_policy.allowed_domains, g_lists[1], v);
    else if (!strcmp(kv, "secure")) set_list(&g_policy.secure_protocols, g_lists[2], v);
  }
}

static void request(np_cookie_request *r, char **url, char **origin) {
  *url = unhex(strtok(NULL, " "));
  r->url = *url;
  r->url_len = strlen(*url);
  r->unverifiable = atoi(strtok(NULL, " "));
  *origin = unhex(strtok(NULL, " "));
  r->origin_req_host = *origin;
  r->host_header = NULL;
}

static void extract(np_cookiejar *jar) {
  np_cookie_request r;
  char *url, *origin;
  request(&r, &url, &origin);
  int n = atoi(strtok(NULL, " "));
  np_cookie_header *h = calloc((size_t)n + 1, sizeof *h);
  char **keep = calloc((size_t)n * 2 + 1, sizeof *keep);
  for (int i = 0; i < n; i++) {
    keep[2 * i] = unhex(strtok(NULL, " "));
    keep[2 * i + 1] = unhex(strtok(NULL, " "));
    h[i].name = np_slice_cstr(keep[2 * i]);
    h[i].value = np_slice_cstr(keep[2 * i + 1]);
  }
  int rc = np_cookiejar_extract(jar, h, (size_t)n, &r);
  printf("%d\n", rc);
  for (int i = 0; i < 2 * n; i++)
    free(keep[i]);
  free(keep);
  free(h);
  free(url);
  free(origin);
}

static void add_header(np_cookiejar *jar) {
  np_cookie_request r;
  char *url, *origin;
  request(&r, &url, &origin);
  np_buf c, c2, o;
  np_buf_init(&c, 0);
  np_buf_init(&c2, 0);
  np_buf_init(&o, 0);
  int flags = 0;
  int rc = np_cookiejar_cookie_header(jar, &r, &c, &c2, &flags);
  np_buf_printf(&o, "%d|%s|%s|", rc, (flags & 1) ? (c.data ? c.data : "") : "None",
                (flags & 2) ? c2.data : "None");
  put_hex(o.data, o.len);
  np_buf_free(&c);
  np_buf_free(&c2);
  np_buf_free(&o);
  free(url);
  free(origin);
}

static void roundtrip(np_cookiejar *jar, np_cookiejar_format fmt) {
  np_buf f;
  np_buf_init(&f, 0);
  np_cookiejar_save_mem(jar, fmt, &f, true, true);
  put_hex(f.data ? f.data : "", f.len);
  np_cookiejar *j2 = np_cookiejar_new(&g_policy);
  np_cookiejar_set_clock(j2, fixed_now);
  np_error e = NP_ERROR_INIT;
  int rc = np_cookiejar_load_mem(j2, fmt, f.data ? f.data : "", f.len, true,
                                 true, &e);
  printf("%d\n", rc);
  dump(j2);
  np_cookiejar_free(j2);
  np_buf_free(&f);
}

static void load_file(void) {
  char *fmt = strtok(NULL, " ");
  bool idisc = atoi(strtok(NULL, " ")), iexp = atoi(strtok(NULL, " "));
  char *data = unhex(strtok(NULL, " "));
  np_cookiejar *j = np_cookiejar_new(&g_policy);
  np_cookiejar_limits none = {0, 0, 0};
  np_cookiejar_set_limits(j, &none);
  np_cookiejar_set_clock(j, fixed_now);
  int rc = np_cookiejar_load_mem(
      j, fmt[0] == 'M' ? NP_COOKIEJAR_MOZILLA : NP_COOKIEJAR_LWP, data,
      data ? strlen(data) : 0, idisc, iexp, NULL);
  printf("%d\n", rc);
  dump(j);
  np_cookiejar_free(j);
  free(data);
}

int main(void) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  np_cookie_policy_init(&g_policy);
  np_cookiejar *jar = np_cookiejar_new(&g_policy);
  np_cookiejar_limits nolimit = {0, 0, 0};
  np_cookiejar_set_limits(jar, &nolimit);
  np_cookiejar_set_clock(jar, fixed_now);
  while ((len = getline(&line, &cap, stdin)) > 0) {
    if (line[len - 1] == '\n')
      line[len - 1] = 0;
    char *cmd = strtok(line, " ");
    if (!cmd)
      continue;
    switch (cmd[0]) {
    case 'N':
      np_cookiejar_free(jar);
      jar = np_cookiejar_new(&g_policy);
      np_cookiejar_set_limits(jar, &nolimit);
      np_cookiejar_set_clock(jar, fixed_now);
      break;
    case 'P':
      policy(line + 2);
      np_cookiejar_set_policy(jar, &g_policy);
      break;
    case 'T':
      g_now = atoll(strtok(NULL, " "));
      break;
    case 'E':
      extract(jar);
      break;
    case 'A':
      add_header(jar);
      break;
    case 'D':
      dump(jar);
      break;
    case 'C': {
      char *d = unhex(strtok(NULL, " ")), *p = unhex(strtok(NULL, " ")),
           *n = unhex(strtok(NULL, " "));
      printf("%s\n", np_status_name(np_cookiejar_clear(jar, d, p, n)));
      free(d);
      free(p);
      free(n);
      break;
    }
    case 'X':
      np_cookiejar_clear_expired_cookies(jar);
      break;
    case 'S':
      np_cookiejar_clear_session_cookies(jar);
      break;
    case 'F':
      load_file();
      break;
    case 'M':
    case 'L':
      roundtrip(jar, cmd[0] == 'M' ? NP_COOKIEJAR_MOZILLA : NP_COOKIEJAR_LWP);
      break;
    }
    fflush(stdout);
  }
  np_cookiejar_free(jar);
  free_lists();
  free(line);
  return 0;
}
