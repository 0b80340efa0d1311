/*
 * webbrowser: starting browser processes.
 *
 * Never a shell.  A waited browser starts with posix_spawn where glibc
 * gives all it needs (start_waited); otherwise, and for the detached
 * modes, fork + execve.  Between fork and execve the child only
 * makes async-signal-safe calls (the caller may have threads), so every
 * string and path is prepared before the fork.  A pipe whose write end is
 * close-on-exec tells the parent whether execve worked: it sees EOF when
 * it did, an errno when it did not.
 *
 * Detached browsers are started by a short-lived intermediate child that
 * forks the browser and exits; the parent reaps the intermediate at once,
 * so the browser is reparented (to init or a subreaper) and can never
 * become a zombie of ours.  The browser calls setsid(), so it is the leader
 * of its own session and process group (its pgid is its pid), like
 * Python's start_new_session=True.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
/* syscall(SYS_close_range); glibc's POSIX_SPAWN_SETSID and
 * posix_spawn_file_actions_addclosefrom_np */
#define _GNU_SOURCE
#endif

#include "browser/browser_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/syscall.h>
#endif
/* glibc 2.34+ has everything a waited start needs in posix_spawn
 * (setsid, closefrom): see start_waited. */
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
#define NP_SPAWN_POSIX 1
#include <spawn.h>
#endif

extern char **environ;

/* What the children tell the parent through the report pipe. */
enum { MSG_EXECFAIL = 1, MSG_EXITED = 2, MSG_RUNNING = 3, MSG_FORKFAIL = 4 };
typedef struct report_msg {
  int tag;
  int value;
} report_msg;

/* A pipe whose two ends are close-on-exec and above 2, so that dup2() onto
 * the standard descriptors in the child never clobbers them. */
static int cloexec_pipe(int fds[2]) {
  int raw[2];
  if (pipe(raw) != 0)
    return -1;
  for (int i = 0; i < 2; i++) {
    fds[i] = fcntl(raw[i], F_DUPFD_CLOEXEC, 3);
    if (fds[i] < 0) {
      int e = errno;
      if (i == 1)
        close(fds[0]);
      close(raw[0]);
      close(raw[1]);
      errno = e;
      return -1;
    }
  }
  close(raw[0]);
  close(raw[1]);
  return 0;
}

static void close_pair(int fds[2]) {
  if (fds[0] >= 0)
    close(fds[0]);
  if (fds[1] >= 0)
    close(fds[1]);
  fds[0] = fds[1] = -1;
}

/* --- child side: async-signal-safe only ------------------------------- */

static void report(int fd, int tag, int value) {
  report_msg m = {tag, value};
  ssize_t n;
  do
    n = write(fd, &m, sizeof m);
  while (n < 0 && errno == EINTR);
}

/* Close every descriptor above 2 except keep (Python's close_fds=True):
 * a browser must not inherit the caller's sockets and files. */
static void close_other_fds(int keep, long max_fd) {
#if defined(__linux__) && defined(SYS_close_range)
  unsigned lo = 3, k = (unsigned)keep;
  if (keep >= 3) {
    if ((k == lo || syscall(SYS_close_range, lo, k - 1, 0) == 0) &&
        syscall(SYS_close_range, k + 1, ~0u, 0) == 0)
      return;
  } else if (syscall(SYS_close_range, lo, ~0u, 0) == 0) {
    return;
  }
#endif
  for (long fd = 3; fd < max_fd; fd++)
    if (fd != keep)
      close((int)fd);
}

typedef struct child_plan {
  const np__spawn *s;
  int report_fd;
  int capture_fd; /* write end for stdout, or -1 */
  long max_fd;
  char *const *envp;
} child_plan;

static void redirect_stdio(const child_plan *c) {
  const np__spawn *s = c->s;
  if (s->null_stdin || s->null_stdout || s->null_stderr) {
    int nul = open("/dev/null", O_RDWR);
    if (nul >= 0) {
      if (s->null_stdin)
        dup2(nul, 0);
      if (s->null_stdout)
        dup2(nul, 1);
      if (s->null_stderr)
        dup2(nul, 2);
      if (nul > 2)
        close(nul);
    }
  }
  if (c->capture_fd >= 0)
    dup2(c->capture_fd, 1);
}

/* Become the browser.  Never returns. */
static void child_exec(const child_plan *c, bool new_session) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  signal(SIGPIPE, SIG_DFL); /* an ignored SIGPIPE would survive execve */
  if (new_session)
    setsid();
  redirect_stdio(c);
  close_other_fds(c->report_fd, c->max_fd);
  execve(c->s->path, c->s->argv, c->envp);
  report(c->report_fd, MSG_EXECFAIL, errno);
  _exit(127);
}

static long elapsed_ms(const struct timespec *t0) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long)(t.tv_sec - t0->tv_sec) * 1000 +
         (long)(t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* The intermediate child of DETACH/REMOTE: start the browser in its own
 * session; for REMOTE wait up to the time-out for it to exit and say how
 * it went.  Then exit, which orphans the browser.  Never returns. */
static void intermediate(const child_plan *c) {
  pid_t pid = fork();
  if (pid < 0) {
    report(c->report_fd, MSG_FORKFAIL, errno);
    _exit(1);
  }
  if (pid == 0)
    child_exec(c, true);
  if (c->s->mode == NP__SPAWN_REMOTE) {
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
      int st;
      pid_t r = waitpid(pid, &st, WNOHANG);
      if (r == pid) {
        report(c->report_fd, MSG_EXITED,
               WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
        _exit(0);
      }
      if (r < 0 && errno != EINTR)
        break;
      if (elapsed_ms(&t0) >= c->s->timeout_ms)
        break;
      poll(NULL, 0, 5);
    }
  }
  report(c->report_fd, MSG_RUNNING, 0);
  _exit(0);
}

/* --- parent side ------------------------------------------------------- */

static int reap(pid_t pid, int *status) {
  int st = 0;
  pid_t r;
  do
    r = waitpid(pid, &st, 0);
  while (r < 0 && errno == EINTR);
  if (r < 0) {
    /* ECHILD: the caller ignores SIGCHLD, so the status is gone. */
    *status = 0;
    return errno == ECHILD ? 0 : -1;
  }
  *status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  return 0;
}

/* Read the report pipe to EOF and fold the messages into *r. */
static void read_reports(int fd, np__spawn_result *r) {
  report_msg msgs[8];
  size_t have = 0;
  char *buf = (char *)msgs;
  for (;;) {
    ssize_t n = read(fd, buf + have, sizeof msgs - have);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    have += (size_t)n;
    if (have == sizeof msgs)
      break;
  }
  for (size_t i = 0; i < have / sizeof msgs[0]; i++) {
    const report_msg *m = &msgs[i];
    if (m->tag == MSG_EXECFAIL || m->tag == MSG_FORKFAIL) {
      r->outcome = NP__RAN_EXECFAIL;
      r->sys_errno = m->value;
      return; /* the failure outranks what the intermediate saw */
    }
    if (m->tag == MSG_EXITED) {
      r->outcome = NP__RAN_EXITED;
      r->status = m->value;
    } else if (m->tag == MSG_RUNNING) {
      r->outcome = NP__RAN_RUNNING;
    }
  }
}

/* Collect the child's standard output until EOF, a time-out or the
 * buffer's limit.  Returns NP_OK, NP_ETIMEDOUT or NP_ETOOLARGE. */
static int drain_capture(int fd, np_buf *out, int timeout_ms) {
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int rc = NP_OK;
  for (;;) {
    long left = timeout_ms < 0 ? -1 : timeout_ms - elapsed_ms(&t0);
    if (timeout_ms >= 0 && left <= 0)
      return NP_ETIMEDOUT;
    struct pollfd p = {fd, POLLIN, 0};
    int n = poll(&p, 1, (int)left);
    if (n < 0 && errno == EINTR)
      continue;
    if (n == 0)
      return NP_ETIMEDOUT;
    char chunk[1024];
    ssize_t got = read(fd, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      return rc;
    if (rc == NP_OK && np_buf_append(out, chunk, (size_t)got) != NP_OK)
      rc = NP_ETOOLARGE; /* keep draining so the child is not blocked */
  }
}

static long fd_limit(void) {
  long m = sysconf(_SC_OPEN_MAX);
  return (m < 0 || m > 65536) ? 65536 : m;
}

#ifdef NP_SPAWN_POSIX
/* Start a waited child with posix_spawn: glibc's shares the caller's
 * memory until execve (no copy of its page tables, as a fork makes) and
 * gives the set-up of child_exec: signal mask emptied, SIGPIPE to its
 * default, a new session if asked, standard descriptors to /dev/null or
 * the capture pipe, every other descriptor closed.  Returns 0, or the
 * errno of the start or of execve (no child is left then). */
static int start_waited(const np__spawn *s, const child_plan *c, pid_t *pid) {
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t at;
  int e = posix_spawn_file_actions_init(&fa);
  if (e)
    return e;
  if ((e = posix_spawnattr_init(&at)) != 0) {
    posix_spawn_file_actions_destroy(&fa);
    return e;
  }
  sigset_t none, pipe_dfl;
  sigemptyset(&none);
  sigemptyset(&pipe_dfl);
  sigaddset(&pipe_dfl, SIGPIPE);
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (s->new_session)
    flags |= POSIX_SPAWN_SETSID;
  e = posix_spawnattr_setflags(&at, flags);
  if (!e)
    e = posix_spawnattr_setsigmask(&at, &none);
  if (!e)
    e = posix_spawnattr_setsigdefault(&at, &pipe_dfl);
  const bool nul[3] = {s->null_stdin, s->null_stdout, s->null_stderr};
  for (int fd = 0; fd < 3 && !e; fd++)
    if (nul[fd])
      e = posix_spawn_file_actions_addopen(&fa, fd, "/dev/null", O_RDWR, 0);
  if (!e && c->capture_fd >= 0)
    e = posix_spawn_file_actions_adddup2(&fa, c->capture_fd, 1);
  if (!e)
    e = posix_spawn_file_actions_addclosefrom_np(&fa, 3);
  if (!e)
    e = posix_spawn(pid, s->path, &fa, &at, s->argv, c->envp);
  posix_spawnattr_destroy(&at);
  posix_spawn_file_actions_destroy(&fa);
  return e;
}
#else
/* Start a waited child with fork; an execve failure comes through the
 * report pipe.  Returns 0 or fork's errno. */
static int start_waited(const np__spawn *s, const child_plan *c, pid_t *pid) {
  *pid = fork();
  if (*pid < 0)
    return errno;
  if (*pid == 0)
    child_exec(c, s->new_session);
  return 0;
}
#endif

static int spawn_wait(const np__spawn *s, child_plan *c, int rep[2],
                      np__spawn_result *r, np_error *err) {
  int cap[2] = {-1, -1};
  if (s->capture && cloexec_pipe(cap) != 0)
    return np__error_sys(err, errno, "pipe");
  c->capture_fd = cap[1];
  pid_t pid;
  int e = start_waited(s, c, &pid);
  if (e) {
    close_pair(cap);
#ifdef NP_SPAWN_POSIX
    r->outcome = NP__RAN_EXECFAIL; /* posix_spawn reports execve's errno */
    r->sys_errno = e;
    return NP_OK;
#else
    return np__error_sys(err, e, "fork");
#endif
  }
  close(rep[1]);
  rep[1] = -1;
  int rc = NP_OK;
  if (s->capture) {
    close(cap[1]);
    cap[1] = -1;
    rc = drain_capture(cap[0], s->capture, s->timeout_ms);
    close_pair(cap);
    if (rc == NP_ETIMEDOUT)
      kill(pid, SIGKILL);
  }
  read_reports(rep[0], r);
  int status;
  if (reap(pid, &status) != 0)
    return np__error_sys(err, errno, "waitpid");
  if (r->outcome != NP__RAN_EXECFAIL) {
    r->outcome = NP__RAN_EXITED;
    r->status = status;
  }
  if (rc != NP_OK)
    return np_error_set(err, rc, rc == NP_ETIMEDOUT ? "%s: timed out"
                                                    : "%s: output too long",
                        s->path);
  return NP_OK;
}

static int spawn_detached(child_plan *c, int rep[2], np__spawn_result *r,
                          np_error *err) {
  pid_t pid = fork();
  if (pid < 0)
    return np__error_sys(err, errno, "fork");
  if (pid == 0)
    intermediate(c);
  close(rep[1]);
  rep[1] = -1;
  int status;
  if (reap(pid, &status) != 0)
    return np__error_sys(err, errno, "waitpid");
  r->outcome = NP__RAN_RUNNING;
  read_reports(rep[0], r);
  return NP_OK;
}

int np__spawn_run(const np__spawn *s, np__spawn_result *r, np_error *err) {
  memset(r, 0, sizeof *r);
  int rep[2];
  if (cloexec_pipe(rep) != 0)
    return np__error_sys(err, errno, "pipe");
  child_plan c = {s, rep[1], -1, fd_limit(), s->envp ? s->envp : environ};
  int rc = s->mode == NP__SPAWN_WAIT ? spawn_wait(s, &c, rep, r, err)
                                     : spawn_detached(&c, rep, r, err);
  close_pair(rep);
  return rc;
}
