/*
 * netproto/webbrowser.h - the browser controller: show a URL to the user in
 * a web browser.
 *
 * Python counterpart: webbrowser.  np_browser_open() is webbrowser.open(),
 * a registry is the module's table of known browsers (_browsers and
 * _tryorder), np_browser_get() is get(), np_browser_register() is
 * register(), and a controller (np_browser_ctl) is a browser class
 * instance: GenericBrowser, BackgroundBrowser, Mozilla, Chrome, Opera, Edge,
 * Epiphany, Elinks, Konqueror, or one of your own.  Python's Error is
 * NP_EBROWSER_NOTFOUND (get) and NP_EBROWSER_NEW (bad 'new'); its False is
 * NP_EBROWSER_FAILED.
 *
 * Safety: a browser is always started with fork and execve, never through a
 * shell, and the URL is always one argv element of its own.  A URL whose
 * first non-blank byte is '-' is refused (the browser would read it as an
 * option), and so is one containing a NUL byte.  Nothing is printed.
 *
 * Ownership: a registry owns every controller registered in it and every
 * controller np_browser_get() had to make; pointers it hands out are
 * borrowed and stay valid until the registry is freed or the same name is
 * registered again.  A controller made with np_browser_ctl_new_*() belongs
 * to the caller until it is passed to np_browser_register().
 *
 * No hidden global state: np_browser_open() builds a registry from the
 * environment on each call (Python caches it in module globals); programs
 * that open many URLs keep a registry of their own.
 *
 * Processes: a controller that waits (GenericBrowser, terminal browsers)
 * returns when the browser exits; a background controller returns as soon
 * as the browser has been executed, and the browser is detached (own
 * session, reparented away from the caller) so no zombie is ever left.
 * The library does not touch SIGCHLD; if the caller ignores SIGCHLD the
 * exit status of a waited-for browser cannot be known and counts as 0.
 */
#ifndef NETPROTO_WEBBROWSER_H
#define NETPROTO_WEBBROWSER_H

#include "netproto/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limits.  The longest URL passed to a browser, in bytes (Linux refuses
 * single arguments above 128 KiB anyway); longer ones get NP_ETOOLARGE. */
#define NP_BROWSER_URL_MAX ((size_t)65536)
/* How long a remote-control invocation (firefox -new-tab URL, ...) may run
 * before it is taken to have started a new browser instance, as Python
 * does: 5 s.  np_browser_ctl_set_remote_timeout() changes it. */
#define NP_BROWSER_REMOTE_TIMEOUT_MS 5000
/* The longest BROWSER variable or command line that is parsed. */
#define NP_BROWSER_COMMAND_MAX ((size_t)65536)

/* Where to show the URL: Python's new = 0, 1, 2. */
enum {
  NP_BROWSER_SAME = 0,   /* the same browser window, if possible */
  NP_BROWSER_WINDOW = 1, /* a new window */
  NP_BROWSER_TAB = 2,    /* a new tab ("page"), else a new window */
};

/* The controller types Python has (plus CUSTOM for your own open()). */
typedef enum np_browser_kind {
  NP_BROWSER_GENERIC = 0, /* run a command and wait for it (GenericBrowser) */
  NP_BROWSER_BACKGROUND,  /* run a command detached (BackgroundBrowser) */
  NP_BROWSER_MOZILLA,     /* firefox, iceweasel, seamonkey... */
  NP_BROWSER_CHROME,      /* google-chrome, chrome, chromium, chromium-browser */
  NP_BROWSER_OPERA,       /* opera */
  NP_BROWSER_EDGE,        /* microsoft-edge */
  NP_BROWSER_EPIPHANY,    /* epiphany (GNOME Web) */
  NP_BROWSER_ELINKS,      /* elinks, in the terminal */
  NP_BROWSER_KONQUEROR,   /* kfmclient, konqueror, kfm (KDE) */
  NP_BROWSER_SYSTEM,      /* macOS `open`, Windows ShellExecute */
  NP_BROWSER_CUSTOM       /* np_browser_ctl_new_custom() */
} np_browser_kind;

typedef struct np_browser_ctl np_browser_ctl;
typedef struct np_browser_registry np_browser_registry;

/* ---- Module-level calls (webbrowser.open, open_new, open_new_tab) ---- */

/*
 * Show url[0..len) in the user's preferred browser: build the standard
 * registry from the process environment (see np_browser_registry_discover),
 * then try its browsers in order until one succeeds.  new is
 * NP_BROWSER_SAME, _WINDOW or _TAB; autoraise asks a remote-controlled
 * browser to raise its window (where the browser supports it).
 * Returns NP_OK when a browser took the URL; NP_EBROWSER_URL,
 * NP_ETOOLARGE, NP_EBROWSER_NEW for a refused argument; NP_EBROWSER_NOTFOUND
 * when no browser is known at all; NP_EBROWSER_FAILED when every browser
 * failed (err->message names the last one and err->sys_errno its errno);
 * NP_EBROWSER_COMMAND when BROWSER does not parse; NP_ENOMEM.
 */
NP_API int np_browser_open(const char *url, size_t len, int new_, int autoraise,
                           np_error *err);
/* np_browser_open(url, len, NP_BROWSER_WINDOW, 1, err). */
NP_API int np_browser_open_new(const char *url, size_t len, np_error *err);
/* np_browser_open(url, len, NP_BROWSER_TAB, 1, err). */
NP_API int np_browser_open_new_tab(const char *url, size_t len, np_error *err);

/* ---- Controllers ---- */

/*
 * A command controller: kind NP_BROWSER_GENERIC (waits for the command and
 * succeeds when it exits with 0) or NP_BROWSER_BACKGROUND (starts it
 * detached and succeeds when it could be executed).  argv[0] is the
 * program (looked up on PATH unless it contains '/'), argv[1..argc) are
 * argument templates in which "%s" becomes the URL and "%%" a percent
 * sign.  With argc == 1 the URL is the one argument, as Python's
 * GenericBrowser("name").  The strings are copied.  *out is the caller's
 * until registered or freed with np_browser_ctl_free().
 * Errors: NP_EINVAL (argc == 0, NULL, wrong kind), NP_ENOMEM.
 */
NP_API int np_browser_ctl_new_command(np_browser_ctl **out, np_browser_kind kind,
                                      const char *const *argv, size_t argc,
                                      np_error *err);

/*
 * A command controller from one command line, as an entry of the BROWSER
 * variable is written: words split as POSIX shells (and Python's
 * shlex.split) do, with '...' and "..." quoting and backslash escapes, no
 * expansions; "%s" is the URL and "%%" a percent sign; without any "%s"
 * the URL is appended as the last argument; a last word "&" makes it a
 * background controller.  Errors: NP_EBROWSER_COMMAND (unclosed quote,
 * empty), NP_ETOOLARGE (over NP_BROWSER_COMMAND_MAX), NP_ENOMEM.
 */
NP_API int np_browser_ctl_new_command_line(np_browser_ctl **out, const char *line,
                                           size_t len, np_error *err);

/*
 * A controller for a browser family with remote options (Python's
 * UnixBrowser subclasses): NP_BROWSER_MOZILLA, _CHROME, _OPERA, _EDGE,
 * _EPIPHANY, _ELINKS, or NP_BROWSER_KONQUEROR (which, as in Python, drives
 * kfmclient, then konqueror, then kfm whatever the program).  program is
 * the command to run ("firefox", "/opt/firefox/firefox").  Opening first
 * runs the remote form (firefox -new-tab URL) detached, waits up to the
 * remote time-out, and falls back to the plain form (firefox URL) when the
 * remote form fails.  Errors: NP_EINVAL (other kinds), NP_ENOMEM.
 */
NP_API int np_browser_ctl_new_unix(np_browser_ctl **out, np_browser_kind kind,
                                   const char *program, np_error *err);

/*
 * The platform's own opener: macOS `open`, Windows ShellExecute.  On other
 * systems NP_EUNSUPPORTED.
 */
NP_API int np_browser_ctl_new_system(np_browser_ctl **out, np_error *err);

/*
 * Your own controller (a Python subclass of BaseBrowser): open_fn is called
 * with ctx and the checked URL (NUL-terminated copy, len bytes) and must
 * return NP_OK or an error code.  ctx_free, if not NULL, is called on ctx
 * when the controller is freed (also when this call fails after taking
 * ctx).  Errors: NP_EINVAL (no open_fn), NP_ENOMEM.
 */
typedef int (*np_browser_open_fn)(void *ctx, const char *url, size_t len,
                                  int new_, int autoraise, np_error *err);
NP_API int np_browser_ctl_new_custom(np_browser_ctl **out, const char *name,
                                     np_browser_open_fn open_fn, void *ctx,
                                     void (*ctx_free)(void *ctx), np_error *err);

/* Free a controller the caller owns.  NULL is allowed. */
NP_API void np_browser_ctl_free(np_browser_ctl *ctl);

/*
 * Show url[0..len) with this controller (the controller's open()).
 * Returns NP_OK, NP_EBROWSER_FAILED (the browser could not be executed:
 * err->sys_errno; or it exited non-zero: err->value has the status),
 * NP_EBROWSER_URL, NP_ETOOLARGE, NP_EBROWSER_NEW, NP_ESYS (fork or pipe
 * failed), NP_ENOMEM.
 */
NP_API int np_browser_ctl_open(np_browser_ctl *ctl, const char *url, size_t len,
                               int new_, int autoraise, np_error *err);
NP_API int np_browser_ctl_open_new(np_browser_ctl *ctl, const char *url,
                                   size_t len, np_error *err);
NP_API int np_browser_ctl_open_new_tab(np_browser_ctl *ctl, const char *url,
                                       size_t len, np_error *err);

/* The controller's name (Python's .name: the program or command line) and
 * type.  Borrowed, valid while the controller lives. */
NP_API const char *np_browser_ctl_name(const np_browser_ctl *ctl);
NP_API np_browser_kind np_browser_ctl_kind(const np_browser_ctl *ctl);
/* The kind as Python's class name ("Mozilla", "BackgroundBrowser"...). */
NP_API const char *np_browser_kind_name(np_browser_kind kind);
/* Milliseconds a remote invocation may run before it counts as a newly
 * started browser (NP_BROWSER_REMOTE_TIMEOUT_MS); 0 or more. */
NP_API void np_browser_ctl_set_remote_timeout(np_browser_ctl *ctl, int ms);

/* ---- The registry (webbrowser's _browsers and _tryorder) ---- */

/*
 * An empty registry.  envp is the environment used for discovery, for
 * PATH look-ups and for the browsers' own environment; it is copied.  NULL
 * means the process environment at the time of the call.
 * Errors: NP_ENOMEM.
 */
NP_API int np_browser_registry_new(np_browser_registry **out,
                                   const char *const *envp, np_error *err);

/*
 * Register the browsers found in the registry's environment, in Python's
 * order of preference: on macOS the system opener; when DISPLAY or
 * WAYLAND_DISPLAY is set, the graphical ones (xdg-open, gio, gvfs-open and
 * kfmclient in GNOME/KDE sessions, x-www-browser, the Mozilla family,
 * konqueror, epiphany, the Chrome family, opera, microsoft-edge), with the
 * one `xdg-settings get default-web-browser` names moved first; when TERM
 * is set, the console ones (www-browser, links, elinks, lynx, w3m); then
 * each entry of BROWSER (':'-separated) at the front, in its own order.
 * Errors: NP_EBROWSER_COMMAND (a BROWSER entry does not parse),
 * NP_ETOOLARGE, NP_ENOMEM.
 */
NP_API int np_browser_registry_discover(np_browser_registry *reg, np_error *err);

/* Free the registry and every controller it owns.  NULL is allowed. */
NP_API void np_browser_registry_free(np_browser_registry *reg);

/*
 * webbrowser.register(name, klass, instance, preferred): make name known.
 * Give either an instance (the registry takes it over, even when this call
 * fails) or a constructor, called with ctor_ctx the first time the name is
 * needed (Python's klass()).  A preferred browser goes to the front of the
 * try order, else to the end; a name registered again replaces the old
 * entry.  Names compare case-insensitively.  As in Python, a name contained
 * in the desktop's default browser (xdg-settings) is preferred as well.
 * Errors: NP_EINVAL (no name, or neither/both of instance and ctor),
 * NP_ENOMEM.
 */
typedef int (*np_browser_ctor)(void *ctx, np_browser_ctl **out, np_error *err);
NP_API int np_browser_register(np_browser_registry *reg, const char *name,
                               np_browser_ctl *instance, np_browser_ctor ctor,
                               void *ctor_ctx, int preferred, np_error *err);

/*
 * webbrowser.get(using): the controller for a registered name, a command
 * line containing "%s" (see np_browser_ctl_new_command_line), or a path to
 * a known browser (/opt/bin/firefox is a Mozilla controller for that
 * program, registered under that path); using == NULL gives the first
 * browser of the try order.  *out is borrowed from the registry.
 * Errors: NP_EBROWSER_NOTFOUND, NP_EBROWSER_COMMAND, NP_ENOMEM, or what a
 * constructor returned.
 */
NP_API int np_browser_get(np_browser_registry *reg, const char *using_,
                          np_browser_ctl **out, np_error *err);

/* webbrowser.open() with this registry's browsers; as np_browser_open(). */
NP_API int np_browser_registry_open(np_browser_registry *reg, const char *url,
                                    size_t len, int new_, int autoraise,
                                    np_error *err);

/* The try order: how many names, and the i-th (borrowed, NULL past the
 * end). */
NP_API size_t np_browser_registry_count(const np_browser_registry *reg);
NP_API const char *np_browser_registry_name(const np_browser_registry *reg,
                                            size_t i);

#ifdef __cplusplus
}
#endif
#endif /* NETPROTO_WEBBROWSER_H */
