/*
 * The controller object shared by the webbrowser sources (not installed).
 */
#ifndef NP_BROWSER_CONTROLLER_H
#define NP_BROWSER_CONTROLLER_H

#include "browser/browser_internal.h"

struct np_browser_ctl {
  np_browser_kind kind;
  char *name;            /* Python's .name */
  np__strv argv;         /* program, then argument templates (command kinds);
                          * program only (browser families) */
  int remote_timeout_ms;
  char *const *envp;     /* the owning registry's environment; NULL: environ */
  np_browser_open_fn open_fn; /* CUSTOM */
  void *ctx;
  void (*ctx_free)(void *ctx);
};

/* Allocate a controller of kind named name, with nothing else set. */
int np__browser_ctl_make(np_browser_ctl **out, np_browser_kind kind,
                         const char *name, np_error *err);

/* True for the kinds with remote options (Mozilla, Chrome, ..., Elinks). */
bool np__browser_is_family(np_browser_kind kind);

/* The program's base name, which a BROWSER path is matched against. */
const char *np__browser_ctl_basename(const np_browser_ctl *ctl);

/* A copy of src named name that runs program instead (Python's
 * _synthesize: a known browser installed somewhere else). */
int np__browser_ctl_copy(const np_browser_ctl *src, const char *name,
                         const char *program, np_browser_ctl **out,
                         np_error *err);

#endif /* NP_BROWSER_CONTROLLER_H */
