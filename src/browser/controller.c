/*
 * webbrowser: the controllers (Python's browser classes) and their open().
 */
#include "browser/browser_internal.h"
#include "browser/controller.h"

#include <errno.h>
#include <string.h>

const char *np_browser_kind_name(np_browser_kind kind) {
  static const char *const names[] = {
      "GenericBrowser", "BackgroundBrowser", "Mozilla", "Chrome",
      "Opera",          "Edge",              "Epiphany", "Elinks",
      "Konqueror",      "SystemBrowser",     "CustomBrowser"};
  return (unsigned)kind < NP_ARRAY_LEN(names) ? names[kind] : "?";
}

int np__browser_ctl_make(np_browser_ctl **out, np_browser_kind kind,
                     const char *name, np_error *err) {
  np_browser_ctl *c = np_malloc(sizeof *c);
  if (!c)
    return np_error_set(err, NP_ENOMEM, NULL);
  memset(c, 0, sizeof *c);
  c->kind = kind;
  c->remote_timeout_ms = NP_BROWSER_REMOTE_TIMEOUT_MS;
  c->name = np__copy_cstr(name ? name : "");
  if (!c->name) {
    np_free(c);
    return np_error_set(err, NP_ENOMEM, NULL);
  }
  *out = c;
  return NP_OK;
}

void np_browser_ctl_free(np_browser_ctl *ctl) {
  if (!ctl)
    return;
  if (ctl->ctx_free)
    ctl->ctx_free(ctl->ctx);
  np__strv_free(&ctl->argv);
  np_free(ctl->name);
  np_free(ctl);
}

/* Python's basename: what a BROWSER path is matched against. */
const char *np__browser_ctl_basename(const np_browser_ctl *ctl) {
  const char *prog = ctl->argv.n ? ctl->argv.v[0] : ctl->name;
  const char *slash = strrchr(prog, '/');
  return slash ? slash + 1 : prog;
}

int np_browser_ctl_new_command(np_browser_ctl **out, np_browser_kind kind,
                               const char *const *argv, size_t argc,
                               np_error *err) {
  if (!out || !argv || argc == 0 || !argv[0] ||
      (kind != NP_BROWSER_GENERIC && kind != NP_BROWSER_BACKGROUND))
    return np_error_set(err, NP_EINVAL, "a command needs a program and a "
                                        "GENERIC or BACKGROUND kind");
  np_browser_ctl *c = NULL;
  int rc = np__browser_ctl_make(&c, kind, argv[0], err);
  if (rc != NP_OK)
    return rc;
  for (size_t i = 0; i < argc && rc == NP_OK; i++)
    rc = argv[i] ? np__strv_push_cstr(&c->argv, argv[i]) : NP_EINVAL;
  if (rc == NP_OK && argc == 1)
    rc = np__strv_push_cstr(&c->argv, "%s");
  if (rc != NP_OK) {
    np_browser_ctl_free(c);
    return np_error_set(err, rc, rc == NP_EINVAL ? "NULL argument" : NULL);
  }
  *out = c;
  return NP_OK;
}

int np_browser_ctl_new_command_line(np_browser_ctl **out, const char *line,
                                    size_t len, np_error *err) {
  if (!out || (!line && len))
    return np_error_set(err, NP_EINVAL, NULL);
  np__strv words = {0};
  int rc = np__browser_split(line, len, &words, err);
  np_browser_kind kind = NP_BROWSER_GENERIC;
  if (rc == NP_OK && words.n && strcmp(words.v[words.n - 1], "&") == 0) {
    kind = NP_BROWSER_BACKGROUND;
    np_free(words.v[--words.n]);
    words.v[words.n] = NULL;
  }
  if (rc == NP_OK && words.n == 0)
    rc = np_error_set(err, NP_EBROWSER_COMMAND, "empty browser command line");
  bool has_url = false;
  for (size_t i = 1; rc == NP_OK && i < words.n; i++)
    has_url |= np__browser_has_url(words.v[i]);
  /* Without a "%s" the URL goes last, as it would for a bare name. */
  if (rc == NP_OK && !has_url && np__strv_push_cstr(&words, "%s") != NP_OK)
    rc = np_error_set(err, NP_ENOMEM, NULL);
  np_browser_ctl *c = NULL;
  if (rc == NP_OK)
    rc = np__browser_ctl_make(&c, kind, words.v[0], err);
  if (rc == NP_OK) {
    np_free(c->name); /* Python names it after the whole command line */
    c->name = np__copy_str(line, len);
    if (!c->name) {
      np_browser_ctl_free(c);
      rc = np_error_set(err, NP_ENOMEM, NULL);
    } else {
      c->argv = words;
      words = (np__strv){0};
      *out = c;
    }
  }
  np__strv_free(&words);
  return rc;
}

int np_browser_ctl_new_unix(np_browser_ctl **out, np_browser_kind kind,
                            const char *program, np_error *err) {
  if (!out || !program || !*program ||
      (!np__browser_is_family(kind) && kind != NP_BROWSER_KONQUEROR))
    return np_error_set(err, NP_EINVAL, "not a browser family with remote "
                                        "options, or no program");
  np_browser_ctl *c = NULL;
  int rc = np__browser_ctl_make(&c, kind, program, err);
  if (rc == NP_OK && np__strv_push_cstr(&c->argv, program) != NP_OK) {
    np_browser_ctl_free(c);
    rc = np_error_set(err, NP_ENOMEM, NULL);
  }
  if (rc == NP_OK)
    *out = c;
  return rc;
}

int np_browser_ctl_new_custom(np_browser_ctl **out, const char *name,
                              np_browser_open_fn open_fn, void *ctx,
                              void (*ctx_free)(void *ctx), np_error *err) {
  np_browser_ctl *c = NULL;
  int rc = (!out || !open_fn)
               ? np_error_set(err, NP_EINVAL, "a custom browser needs open_fn")
               : np__browser_ctl_make(&c, NP_BROWSER_CUSTOM, name, err);
  if (rc != NP_OK) {
    if (ctx_free)
      ctx_free(ctx);
    return rc;
  }
  c->open_fn = open_fn;
  c->ctx = ctx;
  c->ctx_free = ctx_free;
  *out = c;
  return NP_OK;
}

const char *np_browser_ctl_name(const np_browser_ctl *ctl) {
  return ctl ? ctl->name : "";
}

np_browser_kind np_browser_ctl_kind(const np_browser_ctl *ctl) {
  return ctl ? ctl->kind : NP_BROWSER_GENERIC;
}

void np_browser_ctl_set_remote_timeout(np_browser_ctl *ctl, int ms) {
  if (ctl)
    ctl->remote_timeout_ms = ms < 0 ? 0 : ms;
}

int np__browser_ctl_copy(const np_browser_ctl *src, const char *name,
                         const char *program, np_browser_ctl **out,
                         np_error *err) {
  np_browser_ctl *c = NULL;
  int rc = np__browser_ctl_make(&c, src->kind, name, err);
  if (rc != NP_OK)
    return rc;
  c->remote_timeout_ms = src->remote_timeout_ms;
  for (size_t i = 0; i < src->argv.n && rc == NP_OK; i++)
    rc = np__strv_push_cstr(&c->argv, i == 0 ? program : src->argv.v[i]);
  if (rc != NP_OK) {
    np_browser_ctl_free(c);
    return np_error_set(err, rc, NULL);
  }
  *out = c;
  return NP_OK;
}
