/*
 * socketserver: who runs a request.  SYNC runs it in the serving thread,
 * THREADING in a new thread (ThreadingMixIn), FORKING in a child process
 * (ForkingMixIn, with max_children and reaping).
 */
#define _GNU_SOURCE
#include "server/server_internal.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int np__server_dispatch(np_server *s, np_server_request *req);
void np__server_reap(np_server *s, int block_for_one);
void np__server_wait_all(np_server *s, int all);

typedef struct np__thread_job {
  np_server_request req;
  int joined; /* counted in threads_joined */
} np__thread_job;

static void *np__server_thread(void *arg) {
  np__thread_job *job = arg;
  np_server *s = job->req.server;
  np__server_process(s, &job->req);
  np__server_req_release(&job->req);
  pthread_mutex_lock(&s->mu);
  s->threads_all--;
  if (job->joined)
    s->threads_joined--;
  pthread_cond_broadcast(&s->cv);
  pthread_mutex_unlock(&s->mu);
  np_free(job);
  return NULL;
}

/* Threads are detached; close/free wait on a counter instead of joining,
 * which also covers threads that have already ended. */
static int np__server_spawn_thread(np_server *s, np_server_request *req) {
  np__thread_job *job = np_malloc(sizeof *job);
  if (!job)
    return NP_ENOMEM;
  job->req = *req;
  job->joined = !s->o.daemon_threads;
  pthread_attr_t at;
  pthread_attr_init(&at);
  pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
  pthread_mutex_lock(&s->mu);
  s->threads_all++;
  s->threads_joined += job->joined;
  pthread_t t;
  int e = pthread_create(&t, &at, np__server_thread, job);
  if (e != 0) {
    s->threads_all--;
    s->threads_joined -= job->joined;
  }
  pthread_mutex_unlock(&s->mu);
  pthread_attr_destroy(&at);
  if (e != 0) {
    np_free(job);
    return NP_ESYS;
  }
  return NP_OK;
}

static void np__sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* collect_children: reap the children that ended; with block_for_one,
 * wait until at least one has (only our own pids: waitpid(-1) would steal
 * the exit status of the embedding program's other children). */
void np__server_reap(np_server *s, int block_for_one) {
  for (;;) {
    int reaped = 0;
    for (int i = 0; i < s->nchildren;) {
      pid_t r = waitpid(s->children[i], NULL, WNOHANG);
      if (r == s->children[i] || (r < 0 && errno == ECHILD)) {
        s->children[i] = s->children[--s->nchildren];
        reaped++;
      } else {
        i++;
      }
    }
    if (!block_for_one || reaped || s->nchildren == 0)
      return;
    np__sleep_ms(5);
  }
}

static int np__server_fork(np_server *s, np_server_request *req) {
  while (s->nchildren >= s->o.max_children)
    np__server_reap(s, 1);
  pid_t *c = np_realloc(s->children,
                        (size_t)(s->nchildren + 1) * sizeof *c);
  if (!c)
    return NP_ENOMEM;
  s->children = c;
  pid_t pid = fork();
  if (pid < 0)
    return NP_ESYS;
  if (pid == 0) {
    /* The child serves this one request and ends, as ForkingMixIn's
     * process_request does with os._exit. */
    np__req_io *io = req->priv;
    if (!io->dgram)
      close(s->fd);
    np__server_process(s, req);
    _exit(0);
  }
  s->children[s->nchildren++] = pid;
  return NP_OK;
}

/* process_request for the configured mode.  The request is consumed. */
int np__server_dispatch(np_server *s, np_server_request *req) {
  np__req_io *io = req->priv;
  int rc = NP_OK;
  switch (s->o.mode) {
  case NP_SERVER_THREADING:
    rc = np__server_spawn_thread(s, req);
    if (rc == NP_OK)
      return NP_OK; /* the thread owns the request now */
    break;
  case NP_SERVER_FORKING:
    rc = np__server_fork(s, req);
    if (rc == NP_OK && !io->dgram)
      close(req->fd); /* the child has its own copy */
    if (rc == NP_OK)
      atomic_fetch_add(&s->done, 1);
    break;
  default:
    np__server_process(s, req);
    break;
  }
  if (rc != NP_OK) {
    if (s->h.handle_error)
      s->h.handle_error(req, rc, s->h.ctx);
    if (!io->dgram)
      close(req->fd);
  }
  np__server_req_release(req);
  return NP_OK;
}

/* Wait for request threads (all, or only non-daemon ones) and, unless
 * `all` (free after close), for child processes. */
void np__server_wait_all(np_server *s, int all) {
  pthread_mutex_lock(&s->mu);
  while (all ? s->threads_all > 0 : s->threads_joined > 0)
    pthread_cond_wait(&s->cv, &s->mu);
  pthread_mutex_unlock(&s->mu);
  if (!all)
    while (s->nchildren > 0)
      np__server_reap(s, 1);
}
