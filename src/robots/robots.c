/*
 * robots.txt (urllib.robotparser): the parser and the matching rules.
 *
 * Everything parsed is kept in a few np_bufs used as arrays: the bytes of
 * agent names, rule paths and sitemaps in `store`, referred to by offsets
 * (spans) so that the store may move as it grows.
 */
#include "core/internal.h"
#include "core/unicode.h"
#include "netproto/robots.h"

#include "netproto/url.h"

#include <string.h>
#include <time.h>

typedef struct span {
  size_t off, len;
} span;

typedef struct rule {
  span path; /* quoted, as Python's RuleLine.path */
  bool allow;
} rule;

typedef struct entry {
  size_t agent0, nagents; /* spans in r->agents: lower-cased names */
  size_t rule0, nrules;   /* in r->rules */
  bool has_delay, has_rate;
  uint64_t delay, requests, seconds;
} entry;

struct np_robots {
  np_buf url;     /* set_url's URL, then its host, then its path */
  span host, path;
  np_buf store;   /* bytes the spans below point into */
  np_buf agents;  /* span[] */
  np_buf rules;   /* rule[] */
  np_buf entries; /* entry[]: records with a specific agent, in order */
  np_buf maps;    /* span[] of Sitemap values */
  np_buf map_slices; /* np_slice[], rebuilt after each parse */
  entry default_entry; /* the first record for "*" */
  bool has_default;
  bool allow_all, disallow_all;
  double last_checked;
  size_t max_bytes;
};

/* Every np_buf of r, for np_robots_new and np_robots_free. */
#define ROBOTS_BUFS(r)                                                        \
  {&(r)->url, &(r)->store, &(r)->agents, &(r)->rules, &(r)->entries,         \
   &(r)->maps, &(r)->map_slices}

#define ITEMS(b, T) ((T *)(void *)(b).data)
#define COUNT(b, T) ((b).len / sizeof(T))

static np_slice span_slice(const np_buf *b, span s) {
  return (np_slice){b->data ? b->data + s.off : "", s.len};
}

static int store_add(np_robots *r, const char *s, size_t n, span *out) {
  out->off = r->store.len;
  out->len = n;
  return np_buf_append(&r->store, s, n);
}

/* ---- Unicode as Python's str sees it ------------------------------------ */

/* str.strip(): Unicode white space off both ends of valid UTF-8. */
static np_slice strip(np_slice s) {
  size_t a = 0, b = s.len;
  while (a < b) {
    uint32_t cp;
    size_t k = np__utf8_next(s.ptr + a, b - a, &cp);
    if (!np__uc_is_space(cp))
      break;
    a += k;
  }
  while (b > a) {
    size_t start = b - 1; /* back to the lead byte of the last character */
    while (start > a && ((unsigned char)s.ptr[start] & 0xC0) == 0x80)
      start--;
    uint32_t cp;
    np__utf8_next(s.ptr + start, b - start, &cp);
    if (!np__uc_is_space(cp))
      break;
    b = start;
  }
  return (np_slice){s.ptr + a, b - a};
}

/*
 * int(s) for a field Python first checks with s.strip().isdigit():
 * NP_OK with *out (saturated at UINT64_MAX), NP_ENOTFOUND when isdigit()
 * is false (the line is ignored), NP_EINVAL when isdigit() is true but
 * int() raises (superscript digits and the like: Python's parse raises).
 */
static int parse_int(np_slice s, uint64_t *out) {
  s = strip(s);
  if (s.len == 0)
    return NP_ENOTFOUND;
  uint64_t v = 0;
  bool raises = false;
  for (size_t i = 0; i < s.len;) {
    uint32_t cp;
    i += np__utf8_next(s.ptr + i, s.len - i, &cp);
    int d = np__uc_decimal(cp);
    if (d < 0) {
      if (!np__uc_is_other_digit(cp))
        return NP_ENOTFOUND;
      raises = true;
      continue;
    }
    v = (v > (UINT64_MAX - (uint64_t)d) / 10) ? UINT64_MAX : v * 10 + (uint64_t)d;
  }
  if (raises)
    return NP_EINVAL;
  *out = v;
  return NP_OK;
}

/*
 * The end of the line starting at s[0..n): returns its length and sets
 * *next to where the following line starts.  The line breaks are those of
 * str.splitlines(): \n \r \r\n \v \f \x1c \x1d \x1e U+0085 U+2028 U+2029.
 */
static size_t line_length(const char *s, size_t n, size_t *next) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\n' || c == '\v' || c == '\f' || (c >= 0x1C && c <= 0x1E)) {
      *next = i + 1;
      return i;
    }
    if (c == '\r') {
      *next = (i + 1 < n && s[i + 1] == '\n') ? i + 2 : i + 1;
      return i;
    }
    if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0x85) {
      *next = i + 2;
      return i;
    }
    if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
        ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
      *next = i + 3;
      return i;
    }
  }
  *next = n;
  return n;
}

/* ---- life cycle ---------------------------------------------------------- */

int np_robots_new(np_robots **out, const char *url, size_t url_len) {
  np_robots *r = np_malloc(sizeof *r);
  *out = NULL;
  if (!r)
    return NP_ENOMEM;
  memset(r, 0, sizeof *r);
  np_buf *bufs[] = ROBOTS_BUFS(r);
  for (size_t i = 0; i < NP_ARRAY_LEN(bufs); i++)
    np_buf_init(bufs[i], 0);
  r->max_bytes = NP_ROBOTS_DEFAULT_MAX_BYTES;
  int rc = np_robots_set_url(r, url ? url : "", url ? url_len : 0);
  if (rc != NP_OK) {
    np_robots_free(r);
    return rc;
  }
  *out = r;
  return NP_OK;
}

void np_robots_free(np_robots *r) {
  if (!r)
    return;
  np_buf *bufs[] = ROBOTS_BUFS(r);
  for (size_t i = 0; i < NP_ARRAY_LEN(bufs); i++)
    np_buf_free(bufs[i]);
  np_free(r);
}

int np_robots_set_url(np_robots *r, const char *url, size_t len) {
  np_url u;
  np_url_init(&u);
  int rc = np_urlparse(&u, url, len, NULL, 0, NULL);
  if (rc == NP_OK) {
    np_buf_reset(&r->url);
    rc = np_buf_append(&r->url, url, len);
    r->host = (span){r->url.len, u.netloc.len};
    if (rc == NP_OK)
      rc = np_buf_append_slice(&r->url, u.netloc);
    r->path = (span){r->url.len, u.path.len};
    if (rc == NP_OK)
      rc = np_buf_append_slice(&r->url, u.path);
  }
  np_url_free(&u);
  if (rc != NP_OK) {
    np_buf_reset(&r->url);
    r->host = r->path = (span){0, 0};
  }
  return rc;
}

np_slice np_robots_url(const np_robots *r) {
  return (np_slice){r->url.data ? r->url.data : "", r->host.off};
}
np_slice np_robots_host(const np_robots *r) {
  return span_slice(&r->url, r->host);
}
np_slice np_robots_path(const np_robots *r) {
  return span_slice(&r->url, r->path);
}

void np_robots_set_max_bytes(np_robots *r, size_t max_bytes) {
  r->max_bytes = max_bytes ? max_bytes : NP_ROBOTS_DEFAULT_MAX_BYTES;
}
size_t np_robots_max_bytes(const np_robots *r) { return r->max_bytes; }

void np_robots_apply_status(np_robots *r, int http_status) {
  if (http_status == 401 || http_status == 403)
    r->disallow_all = true;
  else if (http_status >= 400 && http_status < 500)
    r->allow_all = true;
}

void np_robots_set_disallow_all(np_robots *r, int on) { r->disallow_all = on; }
void np_robots_set_allow_all(np_robots *r, int on) { r->allow_all = on; }

double np_robots_mtime(const np_robots *r) { return r->last_checked; }

void np_robots_modified(np_robots *r) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  r->last_checked = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

size_t np_robots_site_maps(const np_robots *r, const np_slice **maps) {
  *maps = ITEMS(r->map_slices, const np_slice);
  return COUNT(r->map_slices, np_slice);
}

/* ---- parsing --------------------------------------------------------------- */

typedef struct parse_state {
  np_robots *r;
  int state;    /* 0 start, 1 after User-agent, 2 after a rule */
  entry cur;    /* the record being read; its agents and rules are the
                   tails of r->agents and r->rules */
  np_buf value; /* scratch: the unquoted value */
  np_buf tmp;   /* scratch: a rule path on its way to being quoted */
  np_url url;
} parse_state;

static void entry_start(parse_state *p) {
  memset(&p->cur, 0, sizeof p->cur);
  p->cur.agent0 = COUNT(p->r->agents, span);
  p->cur.rule0 = COUNT(p->r->rules, rule);
}

/* A record is complete: "*" records make the default (the first wins), the
 * others join the list in order. */
static int entry_add(parse_state *p) {
  np_robots *r = p->r;
  const span *agents = ITEMS(r->agents, span);
  bool is_default = false;
  for (size_t i = 0; i < p->cur.nagents; i++) {
    span a = agents[p->cur.agent0 + i];
    if (a.len == 1 && r->store.data[a.off] == '*')
      is_default = true;
  }
  int rc = NP_OK;
  if (!is_default)
    rc = np_buf_append(&r->entries, &p->cur, sizeof p->cur);
  else if (!r->has_default) {
    r->default_entry = p->cur;
    r->has_default = true;
  }
  entry_start(p);
  return rc;
}

/* Drop the record being read (User-agent lines with no rule after them). */
static void entry_drop(parse_state *p) {
  p->r->agents.len = p->cur.agent0 * sizeof(span);
  p->r->rules.len = p->cur.rule0 * sizeof(rule);
  entry_start(p);
}

static int add_agent(parse_state *p, np_slice name) {
  np_robots *r = p->r;
  span s = {r->store.len, 0};
  int rc = np__utf8_lower(&r->store, name.ptr, name.len);
  if (rc != NP_OK)
    return rc;
  s.len = r->store.len - s.off;
  p->cur.nagents++;
  return np_buf_append(&r->agents, &s, sizeof s);
}

/* RuleLine(path, allowance): an empty Disallow allows; the path is
 * normalised by urlunparse(urlparse()) and quoted. */
static int add_rule(parse_state *p, np_slice path, bool allow, np_error *err) {
  np_robots *r = p->r;
  if (path.len == 0 && !allow)
    allow = true;
  int rc = np_urlparse(&p->url, path.ptr, path.len, NULL, 0, err);
  if (rc != NP_OK)
    return rc;
  np_buf_reset(&p->tmp);
  rc = np_urlunparse(&p->tmp, &p->url);
  rule ru = {{r->store.len, 0}, allow};
  if (rc == NP_OK)
    rc = np_quote(&r->store, np_buf_slice(&p->tmp).ptr, p->tmp.len, NULL);
  if (rc != NP_OK)
    return rc;
  ru.path.len = r->store.len - ru.path.off;
  p->cur.nrules++;
  return np_buf_append(&r->rules, &ru, sizeof ru);
}

static int int_error(np_error *err, np_slice v) {
  return np_error_set(err, NP_EINVAL,
                      "invalid literal for int() with base 10: '%.*s'",
                      NP_SLICE_ARG(v));
}

/* Crawl-delay ends the User-agent lines of a record even when its value
 * is not a number, as in Python. */
static int on_delay(parse_state *p, np_slice v, np_error *err) {
  uint64_t n;
  int rc = parse_int(v, &n);
  if (rc == NP_EINVAL)
    return int_error(err, v);
  p->state = 2;
  if (rc == NP_OK) {
    p->cur.has_delay = true;
    p->cur.delay = n;
  }
  return NP_OK;
}

static int on_rate(parse_state *p, np_slice v, np_error *err) {
  const char *slash = memchr(v.ptr, '/', v.len);
  p->state = 2;
  if (!slash || memchr(slash + 1, '/', v.len - (size_t)(slash + 1 - v.ptr)))
    return NP_OK; /* not exactly two numbers */
  np_slice a = {v.ptr, (size_t)(slash - v.ptr)};
  np_slice b = {slash + 1, v.len - a.len - 1};
  uint64_t x, y;
  int ra = parse_int(a, &x), rb = parse_int(b, &y);
  if (ra == NP_ENOTFOUND || rb == NP_ENOTFOUND)
    return NP_OK;
  if (ra != NP_OK || rb != NP_OK)
    return int_error(err, ra != NP_OK ? a : b);
  p->cur.has_rate = true;
  p->cur.requests = x;
  p->cur.seconds = y;
  return NP_OK;
}

/* One "field: value" line, value already unquoted. */
static int on_field(parse_state *p, np_slice name, np_slice v, np_error *err) {
  if (np_slice_ieq_cstr(name, "user-agent")) {
    int rc = p->state == 2 ? entry_add(p) : NP_OK;
    p->state = 1;
    return rc != NP_OK ? rc : add_agent(p, v);
  }
  if (np_slice_ieq_cstr(name, "sitemap")) {
    span s;
    int rc = store_add(p->r, v.ptr, v.len, &s);
    return rc != NP_OK ? rc : np_buf_append(&p->r->maps, &s, sizeof s);
  }
  if (p->state == 0) /* rules before any User-agent are ignored */
    return NP_OK;
  if (np_slice_ieq_cstr(name, "disallow") || np_slice_ieq_cstr(name, "allow")) {
    p->state = 2;
    return add_rule(p, v, name.len == 5, err);
  }
  if (np_slice_ieq_cstr(name, "crawl-delay"))
    return on_delay(p, v, err);
  if (np_slice_ieq_cstr(name, "request-rate"))
    return on_rate(p, v, err);
  return NP_OK;
}

static int on_line(parse_state *p, np_slice line, np_error *err) {
  if (line.len == 0) { /* a blank line ends a record */
    int rc = NP_OK;
    if (p->state == 1)
      entry_drop(p);
    else if (p->state == 2)
      rc = entry_add(p);
    p->state = 0;
    return rc;
  }
  const char *hash = memchr(line.ptr, '#', line.len);
  if (hash)
    line.len = (size_t)(hash - line.ptr);
  line = strip(line);
  const char *colon = line.len ? memchr(line.ptr, ':', line.len) : NULL;
  if (!colon)
    return NP_OK;
  np_slice name = strip((np_slice){line.ptr, (size_t)(colon - line.ptr)});
  np_slice raw = strip((np_slice){colon + 1, (size_t)(line.ptr + line.len - colon - 1)});
  np_buf_reset(&p->value);
  int rc = np_unquote(&p->value, raw.ptr, raw.len);
  if (rc != NP_OK)
    return rc;
  return on_field(p, name, np_buf_slice(&p->value), err);
}

/* Make the public sitemap slices point into the store as it now is. */
static int publish_maps(np_robots *r) {
  size_t n = COUNT(r->maps, span);
  np_buf_reset(&r->map_slices);
  int rc = np_buf_reserve(&r->map_slices, n * sizeof(np_slice));
  for (size_t i = 0; rc == NP_OK && i < n; i++) {
    np_slice s = span_slice(&r->store, ITEMS(r->maps, span)[i]);
    rc = np_buf_append(&r->map_slices, &s, sizeof s);
  }
  return rc;
}

int np_robots_parse(np_robots *r, const char *text, size_t len,
                    np_error *err) {
  if (len > r->max_bytes) { /* cut at the limit, on a character boundary */
    len = r->max_bytes;
    while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
      len--;
  }
  if (!np__utf8_valid(text, len))
    return np_error_set(err, NP_EURL_ENCODING,
                        "robots.txt is not valid UTF-8");
  parse_state p = {.r = r};
  np_buf_init(&p.value, 0);
  np_buf_init(&p.tmp, 0);
  np_url_init(&p.url);
  entry_start(&p);
  np_robots_modified(r);
  int rc = NP_OK;
  for (size_t at = 0; rc == NP_OK && at < len;) {
    size_t next, n = line_length(text + at, len - at, &next);
    rc = on_line(&p, (np_slice){text + at, n}, err);
    at += next;
  }
  if (rc == NP_OK && p.state == 2)
    rc = entry_add(&p);
  /* Where Python's parse raises, what came before the bad line stays. */
  int prc = publish_maps(r);
  np_buf_free(&p.value);
  np_buf_free(&p.tmp);
  np_url_free(&p.url);
  if (rc == NP_ENOMEM || prc == NP_ENOMEM)
    return np_error_set(err, NP_ENOMEM, NULL);
  return rc != NP_OK ? rc : prc;
}

/* ---- matching -------------------------------------------------------------- */

static bool contains(np_slice hay, np_slice needle) {
  if (needle.len == 0)
    return true;
  for (size_t i = 0; i + needle.len <= hay.len; i++)
    if (memcmp(hay.ptr + i, needle.ptr, needle.len) == 0)
      return true;
  return false;
}

/* Entry.applies_to: `token` is the caller's agent up to the first '/',
 * lower-cased. */
static bool applies_to(const np_robots *r, const entry *e, np_slice token) {
  const span *agents = ITEMS(r->agents, const span);
  for (size_t i = 0; i < e->nagents; i++) {
    np_slice a = span_slice(&r->store, agents[e->agent0 + i]);
    if ((a.len == 1 && a.ptr[0] == '*') || contains(token, a))
      return true;
  }
  return false;
}

/* The record that decides for this agent: the first that applies, else
 * the "*" record, else none. */
static const entry *find_entry(const np_robots *r, np_slice token) {
  const entry *es = ITEMS(r->entries, const entry);
  for (size_t i = 0; i < COUNT(r->entries, entry); i++)
    if (applies_to(r, &es[i], token))
      return &es[i];
  return r->has_default ? &r->default_entry : NULL;
}

static int agent_token(np_buf *out, const char *agent, size_t len) {
  const char *slash = memchr(agent, '/', len);
  return np__utf8_lower(out, agent, slash ? (size_t)(slash - agent) : len);
}

static bool allowance(const np_robots *r, const entry *e, np_slice path) {
  const rule *rules = ITEMS(r->rules, const rule);
  for (size_t i = 0; i < e->nrules; i++) {
    np_slice p = span_slice(&r->store, rules[e->rule0 + i].path);
    if ((p.len == 1 && p.ptr[0] == '*') ||
        (p.len <= path.len && memcmp(p.ptr, path.ptr, p.len) == 0))
      return rules[e->rule0 + i].allow;
  }
  return true;
}

/* can_fetch's form of the URL: unquoted, reduced to path;params?query
 * #fragment, quoted again; "/" when that is empty. */
static int url_path(np_buf *out, const char *url, size_t len) {
  np_url u;
  np_buf unquoted, rebuilt;
  np_url_init(&u);
  np_buf_init(&unquoted, 0);
  np_buf_init(&rebuilt, 0);
  int rc = np_unquote(&unquoted, url, len);
  np_slice s = np_buf_slice(&unquoted);
  if (rc == NP_OK)
    rc = np_urlparse(&u, s.ptr, s.len, NULL, 0, NULL);
  if (rc == NP_OK) {
    u.scheme = u.netloc = np_slice_cstr("");
    rc = np_urlunparse(&rebuilt, &u);
  }
  s = np_buf_slice(&rebuilt);
  if (rc == NP_OK)
    rc = np_quote(out, s.ptr, s.len, NULL);
  if (rc == NP_OK && out->len == 0)
    rc = np_buf_putc(out, '/');
  np_url_free(&u);
  np_buf_free(&unquoted);
  np_buf_free(&rebuilt);
  return rc;
}

int np_robots_can_fetch(const np_robots *r, const char *agent,
                        size_t agent_len, const char *url, size_t url_len) {
  if (r->disallow_all)
    return 0;
  if (r->allow_all)
    return 1;
  if (r->last_checked == 0)
    return 0; /* not read yet: assume nothing may be fetched */
  np_buf path, token;
  np_buf_init(&path, 0);
  np_buf_init(&token, 0);
  int rc = url_path(&path, url, url_len);
  if (rc == NP_OK)
    rc = agent_token(&token, agent, agent_len);
  if (rc == NP_OK) {
    const entry *e = find_entry(r, np_buf_slice(&token));
    rc = e ? allowance(r, e, np_buf_slice(&path)) : 1;
  }
  np_buf_free(&path);
  np_buf_free(&token);
  return rc;
}

/* The deciding record for crawl_delay / request_rate, or NULL. */
static int entry_for(const np_robots *r, const char *agent, size_t len,
                     const entry **out) {
  *out = NULL;
  if (r->last_checked == 0)
    return NP_OK;
  np_buf token;
  np_buf_init(&token, 0);
  int rc = agent_token(&token, agent, len);
  if (rc == NP_OK)
    *out = find_entry(r, np_buf_slice(&token));
  np_buf_free(&token);
  return rc;
}

int np_robots_crawl_delay(const np_robots *r, const char *agent,
                          size_t agent_len, uint64_t *delay) {
  const entry *e;
  int rc = entry_for(r, agent, agent_len, &e);
  if (rc != NP_OK)
    return rc;
  if (!e || !e->has_delay)
    return NP_ENOTFOUND;
  *delay = e->delay;
  return NP_OK;
}

int np_robots_request_rate(const np_robots *r, const char *agent,
                           size_t agent_len, uint64_t *requests,
                           uint64_t *seconds) {
  const entry *e;
  int rc = entry_for(r, agent, agent_len, &e);
  if (rc != NP_OK)
    return rc;
  if (!e || !e->has_rate)
    return NP_ENOTFOUND;
  *requests = e->requests;
  *seconds = e->seconds;
  return NP_OK;
}
