/*
 * Internals of the webbrowser module (not installed): argument vectors,
 * command-line splitting and template expansion, PATH look-up, and the
 * process spawner every controller uses.
 */
#ifndef NP_BROWSER_INTERNAL_H
#define NP_BROWSER_INTERNAL_H

#include "core/internal.h"
#include "netproto/webbrowser.h"

#include <stdbool.h>
#include <stddef.h>

/* A NULL-terminated vector of strings it owns (argv, envp). */
typedef struct np__strv {
  char **v;   /* v[n] == NULL once anything was pushed */
  size_t n;
  size_t cap;
} np__strv;

int np__strv_push(np__strv *a, const char *s, size_t len);
int np__strv_push_cstr(np__strv *a, const char *s);
void np__strv_free(np__strv *a);

/*
 * Split line[0..len) into words as Python's shlex.split does (POSIX mode,
 * no comments): blanks are space, tab, CR, LF; '...' is literal; "..."
 * lets a backslash escape only '"' and '\'; outside quotes a backslash
 * escapes any byte.  Words are appended to out.  NP_EBROWSER_COMMAND on an
 * unclosed quote or a trailing backslash.
 */
int np__browser_split(const char *line, size_t len, np__strv *out,
                      np_error *err);

/* True when tmpl holds the placeholder "%s" (a "%%" pair is skipped). */
bool np__browser_has_url(const char *tmpl);

/*
 * Append tmpl to out with "%s" replaced by url[0..url_len), "%%" by "%" and,
 * when action is not NULL, "%action" by action.  One pass: text that a
 * replacement brings in is never scanned again.
 */
int np__browser_expand(np_buf *out, const char *tmpl, const char *url,
                       size_t url_len, const char *action);

/*
 * Refuse a URL that cannot be handed to a browser safely: NUL bytes,
 * a first non-blank byte '-', longer than NP_BROWSER_URL_MAX.
 */
int np__browser_check_url(const char *url, size_t len, np_error *err);

/* What every open() checks first: `new_` in 0..2 (NP_EBROWSER_NEW, worded
 * as Python's), then the URL (np__browser_check_url). */
int np__browser_check_open(const char *url, size_t len, int new_,
                           np_error *err);

/* The value of name in envp (NULL: absent); envp NULL means environ. */
const char *np__browser_getenv(char *const *envp, const char *name);

/*
 * Find an executable as shutil.which does: a name with '/' is checked as
 * it is, others in each directory of PATH (empty entry: current directory;
 * no PATH: /bin:/usr/bin).  On success the path is in out (reset first).
 * NP_ENOTFOUND when there is none.
 */
int np__browser_which(char *const *envp, const char *name, np_buf *out);

/* How the spawner runs the program. */
typedef enum np__spawn_mode {
  NP__SPAWN_WAIT,   /* wait until it exits (GenericBrowser) */
  NP__SPAWN_DETACH, /* own session, reparented; return once executed */
  NP__SPAWN_REMOTE, /* as DETACH, but wait up to timeout_ms for its exit */
} np__spawn_mode;

typedef struct np__spawn {
  const char *path;      /* program to execute (absolute or relative path) */
  char *const *argv;     /* NULL-terminated */
  char *const *envp;     /* NULL-terminated; NULL: environ */
  np__spawn_mode mode;
  bool null_stdin, null_stdout, null_stderr; /* connect to /dev/null */
  bool new_session;      /* WAIT only: setsid() first */
  int timeout_ms;        /* REMOTE: how long to wait; WAIT+capture: limit */
  np_buf *capture;       /* WAIT only: collect standard output here */
} np__spawn;

typedef enum np__spawn_outcome {
  NP__RAN_EXITED,   /* it exited; status is the exit status (or 128+sig) */
  NP__RAN_RUNNING,  /* it was executed and is (as far as known) running */
  NP__RAN_EXECFAIL, /* execve failed; sys_errno says why */
} np__spawn_outcome;

typedef struct np__spawn_result {
  np__spawn_outcome outcome;
  int status;
  int sys_errno;
} np__spawn_result;

/*
 * Run a program as s describes.  Returns NP_OK with *r filled, NP_ESYS
 * (pipe/fork failed), NP_ETIMEDOUT (capture ran past its limit: the child
 * was killed and reaped), NP_ETOOLARGE (capture over the buffer's max), or
 * NP_ENOMEM.  No child is ever left unreaped.
 */
int np__spawn_run(const np__spawn *s, np__spawn_result *r, np_error *err);

#endif /* NP_BROWSER_INTERNAL_H */
