/*
 * webbrowser: what each controller type does to open a URL.
 */
#include "browser/controller.h"

#include <errno.h>
#include <string.h>

#if defined(_WIN32)
#include <windows.h>
#include <shellapi.h>
#endif

/* Python's remote options per family (see its UnixBrowser subclasses). */
typedef struct unix_family {
  np_browser_kind kind;
  const char *remote_args[3]; /* "%s": URL, "%action": per 'new' */
  const char *action, *newwin, *newtab; /* newtab NULL: use newwin */
  const char *noraise, *raise;          /* NULL: no raise options */
  bool background;      /* plain form detached, else waited for (tty) */
  bool redirect_stdout; /* remote form's stdout to /dev/null */
} unix_family;

static const unix_family families[] = {
    {NP_BROWSER_MOZILLA, {"%action", "%s", NULL}, "", "-new-window", "-new-tab",
     NULL, NULL, true, true},
    {NP_BROWSER_CHROME, {"%action", "%s", NULL}, "", "--new-window", "", NULL,
     NULL, true, true},
    {NP_BROWSER_OPERA, {"%action", "%s", NULL}, "", "--new-window", "", NULL,
     NULL, true, true},
    {NP_BROWSER_EDGE, {"%action", "%s", NULL}, "", "--new-window", "", NULL,
     NULL, true, true},
    {NP_BROWSER_EPIPHANY, {"%action", "%s", NULL}, "-n", "-w", NULL, "-noraise",
     "", true, true},
    /* elinks takes a redirected stdout as a request to -dump. */
    {NP_BROWSER_ELINKS, {"-remote", "openURL(%s%action)", NULL}, "",
     ",new-window", ",new-tab", NULL, NULL, false, false},
};

static const unix_family *family_of(np_browser_kind kind) {
  for (size_t i = 0; i < NP_ARRAY_LEN(families); i++)
    if (families[i].kind == kind)
      return &families[i];
  return NULL;
}

bool np__browser_is_family(np_browser_kind kind) {
  return family_of(kind) != NULL;
}

/* A URL as the controllers see it. */
typedef struct url_arg {
  const char *ptr;
  size_t len;
} url_arg;

/* Expand template and push the result onto argv; skip it when it expands
 * to "" and drop_empty is set (Python drops empty remote arguments). */
static int push_expanded(np__strv *argv, const char *tmpl, url_arg u,
                         const char *action, bool drop_empty) {
  np_buf b;
  np_buf_init(&b, NP_BROWSER_URL_MAX * 2 + 4096);
  int rc = np__browser_expand(&b, tmpl, u.ptr, u.len, action);
  if (rc == NP_OK && !(drop_empty && b.len == 0))
    rc = np__strv_push(argv, b.data ? b.data : "", b.len);
  np_buf_free(&b);
  return rc;
}

/* Find argv[0] on the controller's PATH and run it. */
static int run(const np_browser_ctl *ctl, const np__strv *argv, np__spawn *s,
               np__spawn_result *r, np_error *err) {
  np_buf path;
  np_buf_init(&path, 0);
  int rc = np__browser_which(ctl->envp, argv->v[0], &path);
  if (rc == NP_ENOTFOUND) {
    memset(r, 0, sizeof *r);
    r->outcome = NP__RAN_EXECFAIL;
    r->sys_errno = ENOENT;
    rc = NP_OK;
  } else if (rc == NP_OK) {
    s->path = path.data;
    s->argv = argv->v;
    s->envp = ctl->envp;
    rc = np__spawn_run(s, r, err);
  } else {
    rc = np_error_set(err, rc, NULL);
  }
  np_buf_free(&path);
  return rc;
}

/* Did it work, for a controller that waits (exit 0) or one that detaches
 * (executed)?  Fills err with the reason when not. */
static int judge(const np__strv *argv, const np__spawn_result *r, bool waited,
                 np_error *err) {
  if (r->outcome == NP__RAN_EXECFAIL) {
    np_error_set(err, NP_EBROWSER_FAILED, "%s: cannot execute: %s", argv->v[0],
                 strerror(r->sys_errno));
    if (err)
      err->sys_errno = r->sys_errno;
    return NP_EBROWSER_FAILED;
  }
  if (waited && r->outcome == NP__RAN_EXITED && r->status != 0) {
    np_error_set(err, NP_EBROWSER_FAILED, "%s: exited with status %d",
                 argv->v[0], r->status);
    if (err)
      err->value = r->status;
    return NP_EBROWSER_FAILED;
  }
  return NP_OK;
}

static int open_command(const np_browser_ctl *ctl, url_arg u, np_error *err) {
  np__strv argv = {0};
  int rc = np__strv_push_cstr(&argv, ctl->argv.v[0]);
  for (size_t i = 1; i < ctl->argv.n && rc == NP_OK; i++)
    rc = push_expanded(&argv, ctl->argv.v[i], u, NULL, false);
  if (rc != NP_OK) {
    np__strv_free(&argv);
    return np_error_set(err, rc, NULL);
  }
  bool wait = ctl->kind == NP_BROWSER_GENERIC;
  np__spawn s = {0};
  s.mode = wait ? NP__SPAWN_WAIT : NP__SPAWN_DETACH;
  np__spawn_result r;
  rc = run(ctl, &argv, &s, &r, err);
  if (rc == NP_OK)
    rc = judge(&argv, &r, wait, err);
  np__strv_free(&argv);
  return rc;
}

/* The remote form: program [raise option] remote args. */
static int remote_argv(const np_browser_ctl *ctl, const unix_family *f,
                       url_arg u, const char *action, int autoraise,
                       np__strv *argv) {
  int rc = np__strv_push_cstr(argv, ctl->argv.v[0]);
  const char *raise_opt = autoraise ? f->raise : f->noraise;
  if (rc == NP_OK && raise_opt && *raise_opt)
    rc = np__strv_push_cstr(argv, raise_opt);
  for (size_t i = 0; f->remote_args[i] && rc == NP_OK; i++)
    rc = push_expanded(argv, f->remote_args[i], u, action, true);
  return rc;
}

static int open_family(const np_browser_ctl *ctl, const unix_family *f,
                       url_arg u, int new_, int autoraise, np_error *err) {
  const char *action = new_ == NP_BROWSER_SAME     ? f->action
                       : new_ == NP_BROWSER_WINDOW ? f->newwin
                       : f->newtab                 ? f->newtab
                                                   : f->newwin;
  np__strv argv = {0};
  int rc = remote_argv(ctl, f, u, action, autoraise, &argv);
  np__spawn s = {0};
  np__spawn_result r;
  s.mode = NP__SPAWN_REMOTE;
  s.timeout_ms = ctl->remote_timeout_ms;
  s.null_stdin = s.null_stderr = true;
  s.null_stdout = f->redirect_stdout;
  if (rc == NP_OK)
    rc = run(ctl, &argv, &s, &r, err);
  np__strv_free(&argv);
  if (rc != NP_OK)
    return rc == NP_ENOMEM ? np_error_set(err, rc, NULL) : rc;
  /* Still running after the time-out: it started a new instance. */
  if (r.outcome == NP__RAN_RUNNING ||
      (r.outcome == NP__RAN_EXITED && r.status == 0))
    return NP_OK;
  /* The remote call failed: start the browser the plain way. */
  rc = np__strv_push_cstr(&argv, ctl->argv.v[0]);
  if (rc == NP_OK)
    rc = push_expanded(&argv, "%s", u, NULL, false);
  memset(&s, 0, sizeof s);
  s.mode = f->background ? NP__SPAWN_DETACH : NP__SPAWN_WAIT;
  s.null_stdin = s.null_stdout = s.null_stderr = f->background;
  if (rc == NP_OK)
    rc = run(ctl, &argv, &s, &r, err);
  else
    rc = np_error_set(err, rc, NULL);
  if (rc == NP_OK)
    rc = judge(&argv, &r, !f->background, err);
  np__strv_free(&argv);
  return rc;
}

/* Konqueror: kfmclient (its exit status means nothing), else konqueror
 * --silent, else kfm -d, the last two detached - as Python does. */
static int open_konqueror(const np_browser_ctl *ctl, url_arg u, int new_,
                          np_error *err) {
  static const char *const tries[3][2] = {
      {"kfmclient", NULL}, {"konqueror", "--silent"}, {"kfm", "-d"}};
  int rc = NP_OK;
  for (int i = 0; i < 3; i++) {
    np__strv argv = {0};
    rc = np__strv_push_cstr(&argv, tries[i][0]);
    const char *second = i == 0 ? (new_ == NP_BROWSER_TAB ? "newTab" : "openURL")
                                : tries[i][1];
    if (rc == NP_OK)
      rc = np__strv_push_cstr(&argv, second);
    if (rc == NP_OK)
      rc = np__strv_push(&argv, u.ptr, u.len);
    np__spawn s = {0};
    s.mode = i == 0 ? NP__SPAWN_WAIT : NP__SPAWN_DETACH;
    s.null_stdin = s.null_stdout = s.null_stderr = true;
    np__spawn_result r;
    if (rc == NP_OK)
      rc = run(ctl, &argv, &s, &r, err);
    else
      rc = np_error_set(err, rc, NULL);
    if (rc == NP_OK)
      rc = judge(&argv, &r, false, err);
    np__strv_free(&argv);
    if (rc != NP_EBROWSER_FAILED)
      return rc;
  }
  return rc;
}

static int open_system(const np_browser_ctl *ctl, url_arg u, np_error *err) {
#if defined(_WIN32)
  (void)ctl;
  HINSTANCE h = ShellExecuteA(NULL, "open", u.ptr, NULL, NULL, SW_SHOWNORMAL);
  if ((INT_PTR)h <= 32)
    return np_error_set(err, NP_EBROWSER_FAILED, "ShellExecute failed (%ld)",
                        (long)(INT_PTR)h);
  return NP_OK;
#elif defined(__APPLE__)
  /* open(1) hands the URL to the default browser (LaunchServices). */
  np_browser_ctl tmp = *ctl;
  const char *argv[] = {"/usr/bin/open", "%s"};
  tmp.argv = (np__strv){(char **)argv, 2, 2};
  tmp.kind = NP_BROWSER_GENERIC;
  return open_command(&tmp, u, err);
#else
  (void)ctl;
  (void)u;
  return np_error_set(err, NP_EUNSUPPORTED, "no system browser opener here");
#endif
}

int np_browser_ctl_new_system(np_browser_ctl **out, np_error *err) {
#if defined(_WIN32) || defined(__APPLE__)
  return np__browser_ctl_make(out, NP_BROWSER_SYSTEM,
#if defined(_WIN32)
                              "windows-default",
#else
                              "MacOSX",
#endif
                              err);
#else
  (void)out;
  return np_error_set(err, NP_EUNSUPPORTED,
                      "no system browser opener on this platform");
#endif
}

int np_browser_ctl_open(np_browser_ctl *ctl, const char *url, size_t len,
                        int new_, int autoraise, np_error *err) {
  if (!ctl)
    return np_error_set(err, NP_EINVAL, "no controller");
  int rc = np__browser_check_open(url, len, new_, err);
  if (rc != NP_OK)
    return rc;
  /* A NUL-terminated copy: custom controllers and argv need one. */
  char *copy = np__copy_str(url, len);
  if (!copy)
    return np_error_set(err, NP_ENOMEM, NULL);
  url_arg u = {copy, len};
  const unix_family *f = family_of(ctl->kind);
  if (ctl->kind == NP_BROWSER_GENERIC || ctl->kind == NP_BROWSER_BACKGROUND)
    rc = open_command(ctl, u, err);
  else if (f)
    rc = open_family(ctl, f, u, new_, autoraise, err);
  else if (ctl->kind == NP_BROWSER_KONQUEROR)
    rc = open_konqueror(ctl, u, new_, err);
  else if (ctl->kind == NP_BROWSER_SYSTEM)
    rc = open_system(ctl, u, err);
  else
    rc = ctl->open_fn(ctl->ctx, copy, len, new_, autoraise, err);
  np_free(copy);
  return rc;
}

int np_browser_ctl_open_new(np_browser_ctl *ctl, const char *url, size_t len,
                            np_error *err) {
  return np_browser_ctl_open(ctl, url, len, NP_BROWSER_WINDOW, 1, err);
}

int np_browser_ctl_open_new_tab(np_browser_ctl *ctl, const char *url,
                                size_t len, np_error *err) {
  return np_browser_ctl_open(ctl, url, len, NP_BROWSER_TAB, 1, err);
}
