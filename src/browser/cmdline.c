/*
 * webbrowser: the text side of starting a browser - argument vectors,
 * BROWSER command lines (shlex-style splitting), "%s"/"%%"/"%action"
 * templates, URL checks, environment and PATH look-ups.
 */
#include "browser/browser_internal.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

int np__strv_push(np__strv *a, const char *s, size_t len) {
  /* Room for the new string and the NULL that ends the vector. */
  int rc = np__array_reserve(&a->v, &a->cap, a->n + 2, sizeof *a->v, 8);
  if (rc != NP_OK)
    return rc;
  char *copy = np__copy_str(s, len);
  if (!copy)
    return NP_ENOMEM;
  a->v[a->n++] = copy;
  a->v[a->n] = NULL;
  return NP_OK;
}

int np__strv_push_cstr(np__strv *a, const char *s) {
  return np__strv_push(a, s, strlen(s));
}

void np__strv_free(np__strv *a) {
  for (size_t i = 0; i < a->n; i++)
    np_free(a->v[i]);
  np_free(a->v);
  a->v = NULL;
  a->n = a->cap = 0;
}

static bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* One word starting at line[*i] (not blank): append its bytes to w. */
static int split_word(const char *line, size_t len, size_t *i, np_buf *w,
                      np_error *err) {
  char quote = 0;
  size_t p = *i;
  for (; p < len; p++) {
    char c = line[p];
    int rc = NP_OK;
    if (quote == '\'') {
      if (c == '\'')
        quote = 0;
      else
        rc = np_buf_putc(w, c);
    } else if (quote == '"') {
      if (c == '"')
        quote = 0;
      else if (c == '\\' && p + 1 < len && (line[p + 1] == '"' || line[p + 1] == '\\'))
        rc = np_buf_putc(w, line[++p]);
      else
        rc = np_buf_putc(w, c);
    } else if (is_blank(c)) {
      break;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '\\') {
      if (p + 1 >= len)
        return np_error_set(err, NP_EBROWSER_COMMAND, "no escaped character");
      rc = np_buf_putc(w, line[++p]);
    } else {
      rc = np_buf_putc(w, c);
    }
    if (rc != NP_OK)
      return np_error_set(err, rc, NULL);
  }
  if (quote)
    return np_error_set(err, NP_EBROWSER_COMMAND, "no closing quotation");
  *i = p;
  return NP_OK;
}

int np__browser_split(const char *line, size_t len, np__strv *out,
                      np_error *err) {
  if (len > NP_BROWSER_COMMAND_MAX)
    return np_error_set(err, NP_ETOOLARGE, "command line longer than %zu bytes",
                        NP_BROWSER_COMMAND_MAX);
  np_buf w;
  np_buf_init(&w, NP_BROWSER_COMMAND_MAX);
  size_t i = 0;
  int rc = NP_OK;
  while (rc == NP_OK) {
    while (i < len && is_blank(line[i]))
      i++;
    if (i >= len)
      break;
    np_buf_reset(&w);
    rc = split_word(line, len, &i, &w, err);
    if (rc == NP_OK && np__strv_push(out, w.data ? w.data : "", w.len) != NP_OK)
      rc = np_error_set(err, NP_ENOMEM, NULL);
  }
  np_buf_free(&w);
  return rc;
}

bool np__browser_has_url(const char *tmpl) {
  for (const char *p = tmpl; *p; p++) {
    if (p[0] != '%')
      continue;
    if (p[1] == 's')
      return true;
    if (p[1] == '%')
      p++;
  }
  return false;
}

int np__browser_expand(np_buf *out, const char *tmpl, const char *url,
                       size_t url_len, const char *action) {
  size_t alen = sizeof "%action" - 1;
  const char *p = tmpl;
  while (*p) {
    const char *pct = strchr(p, '%');
    size_t run = pct ? (size_t)(pct - p) : strlen(p);
    int rc = np_buf_append(out, p, run);
    if (rc != NP_OK || !pct)
      return rc;
    p = pct;
    if (p[1] == 's') {
      rc = np_buf_append(out, url, url_len);
      p += 2;
    } else if (p[1] == '%') {
      rc = np_buf_putc(out, '%');
      p += 2;
    } else if (action && strncmp(p, "%action", alen) == 0) {
      rc = np_buf_append_cstr(out, action);
      p += alen;
    } else {
      rc = np_buf_putc(out, '%');
      p++;
    }
    if (rc != NP_OK)
      return rc;
  }
  return NP_OK;
}

int np__browser_check_url(const char *url, size_t len, np_error *err) {
  if (!url && len)
    return np_error_set(err, NP_EINVAL, "URL is NULL");
  if (len > NP_BROWSER_URL_MAX)
    return np_error_set(err, NP_ETOOLARGE, "URL longer than %zu bytes",
                        NP_BROWSER_URL_MAX);
  if (len && memchr(url, '\0', len))
    return np_error_set(err, NP_EBROWSER_URL, "invalid URL (NUL byte)");
  size_t i = 0;
  while (i < len && np__is_pyspace((unsigned char)url[i]))
    i++;
  if (i < len && url[i] == '-')
    return np_error_set(err, NP_EBROWSER_URL,
                        "invalid URL (leading dash disallowed): '%.*s'",
                        len > 200 ? 200 : (int)len, url);
  return NP_OK;
}

int np__browser_check_open(const char *url, size_t len, int new_,
                           np_error *err) {
  if (new_ < NP_BROWSER_SAME || new_ > NP_BROWSER_TAB)
    return np_error_set(err, NP_EBROWSER_NEW,
                        "bad 'new' parameter to open(); expected 0, 1, or 2, "
                        "got %d", new_);
  return np__browser_check_url(url, len, err);
}

const char *np__browser_getenv(char *const *envp, const char *name) {
  char *const *e = envp ? envp : environ;
  size_t n = strlen(name);
  for (; e && *e; e++)
    if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
      return *e + n + 1;
  return NULL;
}

static bool is_executable_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int np__browser_which(char *const *envp, const char *name, np_buf *out) {
  np_buf_reset(out);
  if (!*name)
    return NP_ENOTFOUND;
  if (strchr(name, '/')) {
    if (!is_executable_file(name))
      return NP_ENOTFOUND;
    return np_buf_append_cstr(out, name);
  }
  const char *path = np__browser_getenv(envp, "PATH");
  if (!path)
    path = "/bin:/usr/bin";
  for (const char *p = path;;) {
    const char *colon = strchr(p, ':');
    size_t dlen = colon ? (size_t)(colon - p) : strlen(p);
    np_buf_reset(out);
    int rc = dlen ? np_buf_append(out, p, dlen) : np_buf_putc(out, '.');
    if (rc == NP_OK)
      rc = np_buf_putc(out, '/');
    if (rc == NP_OK)
      rc = np_buf_append_cstr(out, name);
    if (rc != NP_OK)
      return rc;
    if (is_executable_file(out->data))
      return NP_OK;
    if (!colon)
      break;
    p = colon + 1;
  }
  np_buf_reset(out);
  return NP_ENOTFOUND;
}
