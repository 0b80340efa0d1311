/*
 * webbrowser: the registry (Python's _browsers and _tryorder), discovery
 * of the installed browsers, get(), register() and open().
 */
#include "browser/controller.h"

#include <string.h>

extern char **environ;

typedef struct entry {
  char *name;
  np_browser_ctl *ctl;  /* NULL until the constructor ran */
  np_browser_ctor ctor;
  void *ctor_ctx;
} entry;

struct np_browser_registry {
  np__strv env;          /* our copy of the environment */
  entry *e;              /* in try order */
  size_t n, cap;
  np_browser_ctl **made; /* controllers get() made for command lines */
  size_t nmade, capmade;
  char *os_preferred;    /* `xdg-settings get default-web-browser` */
};

static bool name_eq(const char *a, const char *b) {
  size_t n = strlen(a);
  return n == strlen(b) && np__ieq(a, b, n);
}

static entry *find(np_browser_registry *reg, const char *name) {
  for (size_t i = 0; i < reg->n; i++)
    if (name_eq(reg->e[i].name, name))
      return &reg->e[i];
  return NULL;
}

int np_browser_registry_new(np_browser_registry **out, const char *const *envp,
                            np_error *err) {
  if (!out)
    return np_error_set(err, NP_EINVAL, NULL);
  np_browser_registry *reg = np_malloc(sizeof *reg);
  if (!reg)
    return np_error_set(err, NP_ENOMEM, NULL);
  memset(reg, 0, sizeof *reg);
  const char *const *e = envp ? envp : (const char *const *)environ;
  int rc = np__strv_push(&reg->env, "", 0); /* so env.v is never NULL */
  if (rc == NP_OK) {
    np_free(reg->env.v[0]);
    reg->env.n = 0;
    reg->env.v[0] = NULL;
  }
  for (; rc == NP_OK && e && *e; e++)
    rc = np__strv_push_cstr(&reg->env, *e);
  if (rc != NP_OK) {
    np_browser_registry_free(reg);
    return np_error_set(err, rc, NULL);
  }
  *out = reg;
  return NP_OK;
}

void np_browser_registry_free(np_browser_registry *reg) {
  if (!reg)
    return;
  for (size_t i = 0; i < reg->n; i++) {
    np_free(reg->e[i].name);
    np_browser_ctl_free(reg->e[i].ctl);
  }
  for (size_t i = 0; i < reg->nmade; i++)
    np_browser_ctl_free(reg->made[i]);
  np_free(reg->e);
  np_free(reg->made);
  np_free(reg->os_preferred);
  np__strv_free(&reg->env);
  np_free(reg);
}

size_t np_browser_registry_count(const np_browser_registry *reg) {
  return reg ? reg->n : 0;
}

const char *np_browser_registry_name(const np_browser_registry *reg, size_t i) {
  return reg && i < reg->n ? reg->e[i].name : NULL;
}

/* Take e out of the try order, keeping its contents for the caller. */
static entry take(np_browser_registry *reg, entry *e) {
  entry out = *e;
  size_t i = (size_t)(e - reg->e);
  memmove(&reg->e[i], &reg->e[i + 1], (reg->n - i - 1) * sizeof *e);
  reg->n--;
  return out;
}

static int insert(np_browser_registry *reg, entry e, bool front) {
  int rc = np__array_reserve(&reg->e, &reg->cap, reg->n + 1, sizeof *reg->e,
                             16);
  if (rc != NP_OK)
    return rc;
  if (front) {
    memmove(&reg->e[1], &reg->e[0], reg->n * sizeof e);
    reg->e[0] = e;
  } else {
    reg->e[reg->n] = e;
  }
  reg->n++;
  return NP_OK;
}

int np_browser_register(np_browser_registry *reg, const char *name,
                        np_browser_ctl *instance, np_browser_ctor ctor,
                        void *ctor_ctx, int preferred, np_error *err) {
  if (!reg || !name || !*name || (!instance) == (!ctor)) {
    np_browser_ctl_free(instance);
    return np_error_set(err, NP_EINVAL,
                        "register needs a name and an instance or a constructor");
  }
  entry e = {NULL, instance, ctor, ctor_ctx};
  e.name = np__copy_cstr(name);
  if (!e.name) {
    np_browser_ctl_free(instance);
    return np_error_set(err, NP_ENOMEM, NULL);
  }
  if (instance)
    instance->envp = reg->env.v;
  entry *old = find(reg, name);
  if (old) {
    entry gone = take(reg, old);
    np_free(gone.name);
    np_browser_ctl_free(gone.ctl);
  }
  /* The desktop's default browser ("firefox.desktop") goes first too. */
  bool front = preferred || (reg->os_preferred && strstr(reg->os_preferred, name));
  if (insert(reg, e, front) != NP_OK) {
    np_free(e.name);
    np_browser_ctl_free(instance);
    return np_error_set(err, NP_ENOMEM, NULL);
  }
  return NP_OK;
}

/* The entry's controller, constructing it on first use. */
static int resolve(np_browser_registry *reg, entry *e, np_browser_ctl **out,
                   np_error *err) {
  if (!e->ctl) {
    np_browser_ctl *c = NULL;
    int rc = e->ctor(e->ctor_ctx, &c, err);
    if (rc != NP_OK)
      return rc;
    if (!c)
      return np_error_set(err, NP_EINVAL, "constructor of %s made nothing",
                          e->name);
    c->envp = reg->env.v;
    e->ctl = c;
  }
  *out = e->ctl;
  return NP_OK;
}

static bool has_blank(const char *s) {
  return strpbrk(s, " \t") != NULL;
}

/*
 * Python's _synthesize: "/opt/firefox/firefox" (found on PATH or as a
 * path) whose base name is a registered browser becomes a copy of that
 * controller running this program, registered under the given name.
 * Returns NP_ENOTFOUND when it does not apply.
 */
static int synthesize(np_browser_registry *reg, const char *name, bool preferred,
                      np_browser_ctl **out, np_error *err) {
  np_buf path;
  np_buf_init(&path, 0);
  int rc = np__browser_which(reg->env.v, name, &path);
  np_buf_free(&path);
  if (rc != NP_OK)
    return rc == NP_ENOTFOUND ? rc : np_error_set(err, rc, NULL);
  const char *slash = strrchr(name, '/');
  const char *base = slash ? slash + 1 : name;
  entry *known = find(reg, base);
  /* Only controllers that run a program can run another one. */
  if (!known || !known->ctl || known->ctl->argv.n == 0 ||
      !name_eq(np__browser_ctl_basename(known->ctl), base))
    return NP_ENOTFOUND;
  np_browser_ctl *c = NULL;
  rc = np__browser_ctl_copy(known->ctl, name, name, &c, err);
  if (rc == NP_OK)
    rc = np_browser_register(reg, name, c, NULL, NULL, preferred, err);
  if (rc == NP_OK)
    *out = find(reg, name)->ctl;
  return rc;
}

static int keep_made(np_browser_registry *reg, np_browser_ctl *c,
                     np_error *err) {
  int rc = np__array_reserve(&reg->made, &reg->capmade, reg->nmade + 1,
                             sizeof *reg->made, 4);
  if (rc != NP_OK) {
    np_browser_ctl_free(c);
    return np_error_set(err, rc, NULL);
  }
  c->envp = reg->env.v;
  reg->made[reg->nmade++] = c;
  return NP_OK;
}

int np_browser_get(np_browser_registry *reg, const char *using_,
                   np_browser_ctl **out, np_error *err) {
  if (!reg || !out)
    return np_error_set(err, NP_EINVAL, NULL);
  if (!using_) {
    if (reg->n == 0)
      return np_error_set(err, NP_EBROWSER_NOTFOUND,
                          "could not locate runnable browser");
    return resolve(reg, &reg->e[0], out, err);
  }
  if (np__browser_has_url(using_)) {
    np_browser_ctl *c = NULL;
    int rc = np_browser_ctl_new_command_line(&c, using_, strlen(using_), err);
    if (rc == NP_OK && (rc = keep_made(reg, c, err)) == NP_OK)
      *out = c;
    return rc;
  }
  entry *e = find(reg, using_);
  if (e)
    return resolve(reg, e, out, err);
  int rc = has_blank(using_) ? NP_ENOTFOUND
                             : synthesize(reg, using_, false, out, err);
  if (rc == NP_ENOTFOUND)
    return np_error_set(err, NP_EBROWSER_NOTFOUND,
                        "could not locate runnable browser '%s'", using_);
  return rc;
}

int np_browser_registry_open(np_browser_registry *reg, const char *url,
                             size_t len, int new_, int autoraise,
                             np_error *err) {
  if (!reg)
    return np_error_set(err, NP_EINVAL, NULL);
  int rc = np__browser_check_open(url, len, new_, err);
  if (rc != NP_OK)
    return rc;
  if (reg->n == 0)
    return np_error_set(err, NP_EBROWSER_NOTFOUND,
                        "could not locate runnable browser");
  np_error last = NP_ERROR_INIT;
  for (size_t i = 0; i < reg->n; i++) {
    np_browser_ctl *c = NULL;
    rc = resolve(reg, &reg->e[i], &c, err);
    if (rc == NP_OK)
      rc = np_browser_ctl_open(c, url, len, new_, autoraise, &last);
    if (rc == NP_OK) {
      np_error_clear(&last);
      return NP_OK;
    }
    /* A browser that failed is Python's False: try the next one. */
    if (rc != NP_EBROWSER_FAILED && rc != NP_ESYS) {
      if (last.code == rc) {
        np_error_set(err, rc, "%s", last.message);
        if (err)
          err->sys_errno = last.sys_errno;
      }
      np_error_clear(&last);
      return rc;
    }
  }
  rc = np_error_set(err, NP_EBROWSER_FAILED,
                    "no browser could open the URL (last: %s)", last.message);
  if (err)
    err->sys_errno = last.sys_errno;
  np_error_clear(&last);
  return rc;
}

int np_browser_open(const char *url, size_t len, int new_, int autoraise,
                    np_error *err) {
  np_browser_registry *reg;
  int rc = np_browser_registry_new(&reg, NULL, err);
  if (rc != NP_OK)
    return rc;
  rc = np_browser_registry_discover(reg, err);
  if (rc == NP_OK)
    rc = np_browser_registry_open(reg, url, len, new_, autoraise, err);
  np_browser_registry_free(reg);
  return rc;
}

int np_browser_open_new(const char *url, size_t len, np_error *err) {
  return np_browser_open(url, len, NP_BROWSER_WINDOW, 1, err);
}

int np_browser_open_new_tab(const char *url, size_t len, np_error *err) {
  return np_browser_open(url, len, NP_BROWSER_TAB, 1, err);
}

/* ---- discovery ---------------------------------------------------------- */

/* Python's truthiness of os.environ.get(name). */
static bool env_set(const np_browser_registry *reg, const char *name) {
  const char *v = np__browser_getenv(reg->env.v, name);
  return v && *v;
}

static bool on_path(const np_browser_registry *reg, const char *name) {
  np_buf b;
  np_buf_init(&b, 0);
  bool ok = np__browser_which(reg->env.v, name, &b) == NP_OK;
  np_buf_free(&b);
  return ok;
}

/* Register name as a controller of kind; args (NULL-terminated, program
 * first) for command kinds, else the program is name. */
static int add(np_browser_registry *reg, const char *name, np_browser_kind kind,
               const char *const *args, bool preferred, np_error *err) {
  np_browser_ctl *c = NULL;
  int rc;
  if (kind == NP_BROWSER_GENERIC || kind == NP_BROWSER_BACKGROUND) {
    const char *one[] = {name, NULL};
    const char *const *v = args ? args : one;
    size_t n = 0;
    while (v[n])
      n++;
    rc = np_browser_ctl_new_command(&c, kind, v, n, err);
  } else {
    rc = np_browser_ctl_new_unix(&c, kind, name, err);
  }
  if (rc != NP_OK)
    return rc;
  return np_browser_register(reg, name, c, NULL, NULL, preferred, err);
}

static int add_if_found(np_browser_registry *reg, const char *name,
                        np_browser_kind kind, const char *const *args,
                        np_error *err) {
  return on_path(reg, name) ? add(reg, name, kind, args, false, err) : NP_OK;
}

#if !defined(__APPLE__) && !defined(_WIN32)
/* "GNOME" in XDG_CURRENT_DESKTOP.split(":") or the legacy variable set. */
static bool in_desktop(const np_browser_registry *reg, const char *desk,
                       const char *legacy_var) {
  if (np__browser_getenv(reg->env.v, legacy_var))
    return true;
  const char *v = np__browser_getenv(reg->env.v, "XDG_CURRENT_DESKTOP");
  size_t n = strlen(desk);
  for (const char *p = v; p && *p;) {
    const char *colon = strchr(p, ':');
    size_t len = colon ? (size_t)(colon - p) : strlen(p);
    if (len == n && memcmp(p, desk, n) == 0)
      return true;
    p = colon ? colon + 1 : p + len;
  }
  return false;
}

/* Ask the desktop which browser is its default (Python does the same);
 * a missing or failing xdg-settings is not an error. */
static int ask_desktop(np_browser_registry *reg, np_error *err) {
  np_buf path, out;
  np_buf_init(&path, 0);
  np_buf_init(&out, 4096);
  int rc = np__browser_which(reg->env.v, "xdg-settings", &path);
  if (rc == NP_OK) {
    char *argv[] = {"xdg-settings", "get", "default-web-browser", NULL};
    np__spawn s = {0};
    s.path = path.data;
    s.argv = argv;
    s.envp = reg->env.v;
    s.mode = NP__SPAWN_WAIT;
    s.null_stdin = s.null_stderr = true;
    s.timeout_ms = NP_BROWSER_REMOTE_TIMEOUT_MS;
    s.capture = &out;
    np__spawn_result r;
    np_error ignored = NP_ERROR_INIT;
    rc = np__spawn_run(&s, &r, &ignored);
    np_error_clear(&ignored);
    if (rc == NP_OK && r.outcome == NP__RAN_EXITED && r.status == 0) {
      size_t a = 0, b = out.len;
      while (a < b && np__is((unsigned char)out.data[a], NP_CC_SPACE))
        a++;
      while (b > a && np__is((unsigned char)out.data[b - 1], NP_CC_SPACE))
        b--;
      if (b > a && !memchr(out.data + a, '\0', b - a)) {
        reg->os_preferred = np_malloc(b - a + 1);
        if (!reg->os_preferred)
          rc = NP_ENOMEM;
        else {
          memcpy(reg->os_preferred, out.data + a, b - a);
          reg->os_preferred[b - a] = '\0';
        }
      }
    }
  }
  np_buf_free(&path);
  np_buf_free(&out);
  return rc == NP_ENOMEM ? np_error_set(err, rc, NULL) : NP_OK;
}

/* The graphical browsers, in Python's order (register_X_browsers). */
static int discover_graphical(np_browser_registry *reg, np_error *err) {
  static const char *const gio[] = {"gio", "open", "--", "%s", NULL};
  static const char *const mozilla[] = {"firefox", "iceweasel", "seamonkey",
                                        "mozilla-firefox", "mozilla"};
  static const char *const chrome[] = {"google-chrome", "chrome", "chromium",
                                       "chromium-browser"};
  int rc = ask_desktop(reg, err);
  if (rc == NP_OK)
    rc = add_if_found(reg, "xdg-open", NP_BROWSER_BACKGROUND, NULL, err);
  if (rc == NP_OK)
    rc = add_if_found(reg, "gio", NP_BROWSER_BACKGROUND, gio, err);
  if (rc == NP_OK && in_desktop(reg, "GNOME", "GNOME_DESKTOP_SESSION_ID"))
    rc = add_if_found(reg, "gvfs-open", NP_BROWSER_BACKGROUND, NULL, err);
  if (rc == NP_OK && in_desktop(reg, "KDE", "KDE_FULL_SESSION"))
    rc = add_if_found(reg, "kfmclient", NP_BROWSER_KONQUEROR, NULL, err);
  if (rc == NP_OK)
    rc = add_if_found(reg, "x-www-browser", NP_BROWSER_BACKGROUND, NULL, err);
  for (size_t i = 0; rc == NP_OK && i < NP_ARRAY_LEN(mozilla); i++)
    rc = add_if_found(reg, mozilla[i], NP_BROWSER_MOZILLA, NULL, err);
  if (rc == NP_OK)
    rc = on_path(reg, "kfm")
             ? add(reg, "kfm", NP_BROWSER_KONQUEROR, NULL, false, err)
             : add_if_found(reg, "konqueror", NP_BROWSER_KONQUEROR, NULL, err);
  if (rc == NP_OK)
    rc = add_if_found(reg, "epiphany", NP_BROWSER_EPIPHANY, NULL, err);
  for (size_t i = 0; rc == NP_OK && i < NP_ARRAY_LEN(chrome); i++)
    rc = add_if_found(reg, chrome[i], NP_BROWSER_CHROME, NULL, err);
  if (rc == NP_OK)
    rc = add_if_found(reg, "opera", NP_BROWSER_OPERA, NULL, err);
  if (rc == NP_OK)
    rc = add_if_found(reg, "microsoft-edge", NP_BROWSER_EDGE, NULL, err);
  return rc;
}

#endif

/* The text-mode browsers, for a terminal. */
static int discover_console(np_browser_registry *reg, np_error *err) {
  int rc = add_if_found(reg, "www-browser", NP_BROWSER_GENERIC, NULL, err);
  if (rc == NP_OK)
    rc = add_if_found(reg, "links", NP_BROWSER_GENERIC, NULL, err);
  if (rc == NP_OK)
    rc = add_if_found(reg, "elinks", NP_BROWSER_ELINKS, NULL, err);
  if (rc == NP_OK)
    rc = add_if_found(reg, "lynx", NP_BROWSER_GENERIC, NULL, err);
  if (rc == NP_OK)
    rc = add_if_found(reg, "w3m", NP_BROWSER_GENERIC, NULL, err);
  return rc;
}

/* One BROWSER entry, put at the front of the try order. */
static int add_user_choice(np_browser_registry *reg, const char *cmd,
                           np_error *err) {
  np_browser_ctl *c = NULL;
  if (np__browser_has_url(cmd) || has_blank(cmd)) {
    int rc = np_browser_ctl_new_command_line(&c, cmd, strlen(cmd), err);
    return rc == NP_OK ? np_browser_register(reg, cmd, c, NULL, NULL, 1, err)
                       : rc;
  }
  entry *e = find(reg, cmd);
  if (e) { /* a known name: move it to the front */
    entry moved = take(reg, e);
    if (insert(reg, moved, true) != NP_OK) {
      np_free(moved.name);
      np_browser_ctl_free(moved.ctl);
      return np_error_set(err, NP_ENOMEM, NULL);
    }
    return NP_OK;
  }
  int rc = synthesize(reg, cmd, true, &c, err);
  if (rc != NP_ENOTFOUND)
    return rc;
  return add(reg, cmd, NP_BROWSER_GENERIC, NULL, true, err);
}

/* BROWSER: ':'-separated entries, the first most preferred. */
static int discover_user(np_browser_registry *reg, const char *val,
                         np_error *err) {
  size_t len = strlen(val);
  if (len > NP_BROWSER_COMMAND_MAX)
    return np_error_set(err, NP_ETOOLARGE, "BROWSER longer than %zu bytes",
                        NP_BROWSER_COMMAND_MAX);
  np__strv parts = {0};
  int rc = NP_OK;
  for (const char *p = val; rc == NP_OK;) {
    const char *colon = strchr(p, ':');
    size_t n = colon ? (size_t)(colon - p) : strlen(p);
    rc = np__strv_push(&parts, p, n);
    if (!colon)
      break;
    p = colon + 1;
  }
  if (rc != NP_OK)
    rc = np_error_set(err, rc, NULL);
  /* Last entry first, each to the front: the first ends up first. */
  for (size_t i = parts.n; rc == NP_OK && i-- > 0;)
    if (parts.v[i][0])
      rc = add_user_choice(reg, parts.v[i], err);
  np__strv_free(&parts);
  return rc;
}

int np_browser_registry_discover(np_browser_registry *reg, np_error *err) {
  if (!reg)
    return np_error_set(err, NP_EINVAL, NULL);
  int rc = NP_OK;
#if defined(__APPLE__) || defined(_WIN32)
  np_browser_ctl *sys = NULL;
  rc = np_browser_ctl_new_system(&sys, err);
  if (rc == NP_OK)
    rc = np_browser_register(reg, np_browser_ctl_name(sys), sys, NULL, NULL, 0,
                             err);
#endif
#if !defined(__APPLE__) && !defined(_WIN32)
  /* On macOS DISPLAY may come from XQuartz; Python skips X there too. */
  if (rc == NP_OK &&
      (env_set(reg, "DISPLAY") || env_set(reg, "WAYLAND_DISPLAY")))
    rc = discover_graphical(reg, err);
#endif
#if !defined(_WIN32)
  if (rc == NP_OK && env_set(reg, "TERM"))
    rc = discover_console(reg, err);
#endif
  const char *user = np__browser_getenv(reg->env.v, "BROWSER");
  if (rc == NP_OK && user)
    rc = discover_user(reg, user, err);
  return rc;
}
