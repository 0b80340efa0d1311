/* The event loop (loop.h): epoll, an eventfd for wake-ups, a timer list. */
#define _GNU_SOURCE
#include "core/loop.h"

#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define NP__LOOP_BATCH 256

/* What the loop knows of one descriptor.  gen changes at every unwatch, so
 * an event still queued for an fd number that was closed and reused within
 * the same round is recognised as stale and dropped. */
typedef struct np__watch {
  np__io_fn fn;
  void *data;
  unsigned events;
  uint32_t gen;
  int active;
} np__watch;

typedef struct np__timer {
  struct np__timer *next;
  uint64_t id;
  int64_t when;
  np__timer_fn fn;
  void *data;
} np__timer;

struct np__loop {
  int epfd;
  int wakefd;
  np__watch *fds; /* indexed by fd */
  size_t nfds;
  np__timer *timers;
  uint64_t next_timer_id;
  int64_t now;
  atomic_int stop;
  np__wake_fn wake_fn;
  void *wake_data;
};

int64_t np__now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t np__loop_now(const np__loop *loop) { return loop->now; }

int np__loop_new(np__loop **out, np_error *err) {
  np__loop *l = np_malloc(sizeof *l);
  if (!l)
    return np_error_set(err, NP_ENOMEM, "event loop");
  memset(l, 0, sizeof *l);
  atomic_init(&l->stop, 0);
  l->epfd = epoll_create1(EPOLL_CLOEXEC);
  l->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = UINT64_MAX};
  if (l->epfd < 0 || l->wakefd < 0 ||
      epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->wakefd, &ev) < 0) {
    int rc = np__error_sys(err, errno, "epoll/eventfd");
    np__loop_free(l);
    return rc;
  }
  l->now = np__now_ms();
  *out = l;
  return NP_OK;
}

void np__loop_free(np__loop *loop) {
  if (!loop)
    return;
  if (loop->epfd >= 0)
    close(loop->epfd);
  if (loop->wakefd >= 0)
    close(loop->wakefd);
  while (loop->timers) {
    np__timer *t = loop->timers;
    loop->timers = t->next;
    np_free(t);
  }
  np_free(loop->fds);
  np_free(loop);
}

static int np__loop_grow(np__loop *loop, int fd) {
  if ((size_t)fd < loop->nfds)
    return NP_OK;
  size_t n = loop->nfds ? loop->nfds : 64;
  while (n <= (size_t)fd)
    n *= 2;
  np__watch *w = np_realloc(loop->fds, n * sizeof *w);
  if (!w)
    return NP_ENOMEM;
  memset(w + loop->nfds, 0, (n - loop->nfds) * sizeof *w);
  loop->fds = w;
  loop->nfds = n;
  return NP_OK;
}

static uint32_t np__epoll_mask(unsigned events) {
  uint32_t m = 0;
  if (events & NP__EV_READ)
    m |= EPOLLIN | EPOLLRDHUP;
  if (events & NP__EV_WRITE)
    m |= EPOLLOUT;
  return m;
}

int np__loop_watch(np__loop *loop, int fd, unsigned events, np__io_fn fn,
                   void *data) {
  if (fd < 0 || !fn)
    return NP_EINVAL;
  if (np__loop_grow(loop, fd) != NP_OK)
    return NP_ENOMEM;
  np__watch *w = &loop->fds[fd];
  int op = w->active ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  if (!w->active || w->events != events) {
    struct epoll_event ev = {.events = np__epoll_mask(events),
                             .data.u64 = (uint64_t)w->gen << 32 | (uint32_t)fd};
    if (epoll_ctl(loop->epfd, op, fd, &ev) < 0)
      return NP_ESYS;
  }
  w->fn = fn;
  w->data = data;
  w->events = events;
  w->active = 1;
  return NP_OK;
}

void np__loop_unwatch(np__loop *loop, int fd) {
  if (fd < 0 || (size_t)fd >= loop->nfds || !loop->fds[fd].active)
    return;
  epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
  np__watch *w = &loop->fds[fd];
  uint32_t gen = w->gen + 1;
  memset(w, 0, sizeof *w);
  w->gen = gen;
}

int np__loop_timer(np__loop *loop, int64_t ms, np__timer_fn fn, void *data,
                   uint64_t *id) {
  np__timer *t = np_malloc(sizeof *t);
  if (!t)
    return NP_ENOMEM;
  t->id = ++loop->next_timer_id;
  t->when = np__now_ms() + (ms > 0 ? ms : 0);
  t->fn = fn;
  t->data = data;
  t->next = loop->timers;
  loop->timers = t;
  if (id)
    *id = t->id;
  return NP_OK;
}

void np__loop_timer_cancel(np__loop *loop, uint64_t id) {
  for (np__timer **p = &loop->timers; *p; p = &(*p)->next) {
    if ((*p)->id == id) {
      np__timer *t = *p;
      *p = t->next;
      np_free(t);
      return;
    }
  }
}

void np__loop_on_wake(np__loop *loop, np__wake_fn fn, void *data) {
  loop->wake_fn = fn;
  loop->wake_data = data;
}

void np__loop_wake(np__loop *loop) {
  uint64_t one = 1;
  ssize_t r = write(loop->wakefd, &one, sizeof one);
  (void)r; /* EAGAIN means a wake-up is already pending: good enough */
}

void np__loop_stop(np__loop *loop) {
  atomic_store(&loop->stop, 1);
  np__loop_wake(loop);
}

/* Milliseconds until the nearest timer, capped by the caller's wait. */
static int np__loop_wait_ms(np__loop *loop, int timeout_ms) {
  int64_t now = np__now_ms();
  for (np__timer *t = loop->timers; t; t = t->next) {
    int64_t d = t->when - now;
    if (d < 0)
      d = 0;
    if (timeout_ms < 0 || d < timeout_ms)
      timeout_ms = (int)d;
  }
  return timeout_ms;
}

/* Fire every due timer.  A timer callback may add or cancel timers, so the
 * list is searched again from its head after each one fires. */
static void np__loop_fire_timers(np__loop *loop) {
  int64_t now = loop->now;
  for (;;) {
    np__timer **p = &loop->timers;
    while (*p && (*p)->when > now)
      p = &(*p)->next;
    if (!*p)
      return;
    np__timer *t = *p;
    *p = t->next;
    np__timer_fn fn = t->fn;
    void *data = t->data;
    uint64_t id = t->id;
    np_free(t);
    fn(loop, id, data);
  }
}

static void np__loop_drain_wake(np__loop *loop) {
  uint64_t v;
  ssize_t r = read(loop->wakefd, &v, sizeof v);
  (void)r;
  if (loop->wake_fn)
    loop->wake_fn(loop, loop->wake_data);
}

static void np__loop_dispatch(np__loop *loop, const struct epoll_event *ev) {
  if (ev->data.u64 == UINT64_MAX) {
    np__loop_drain_wake(loop);
    return;
  }
  int fd = (int)(uint32_t)ev->data.u64;
  uint32_t gen = (uint32_t)(ev->data.u64 >> 32);
  if ((size_t)fd >= loop->nfds)
    return;
  np__watch *w = &loop->fds[fd];
  if (!w->active || w->gen != gen)
    return; /* unwatched by an earlier callback of this round */
  unsigned fired = 0;
  if (ev->events & (EPOLLIN | EPOLLRDHUP))
    fired |= NP__EV_READ;
  if (ev->events & EPOLLOUT)
    fired |= NP__EV_WRITE;
  if (ev->events & (EPOLLERR | EPOLLHUP))
    fired |= NP__EV_ERROR | (w->events & (NP__EV_READ | NP__EV_WRITE));
  fired &= w->events | NP__EV_ERROR;
  if (fired)
    w->fn(loop, fd, fired, w->data);
}

int np__loop_once(np__loop *loop, int timeout_ms, np_error *err) {
  struct epoll_event evs[NP__LOOP_BATCH];
  int wait = np__loop_wait_ms(loop, timeout_ms);
  int n = epoll_wait(loop->epfd, evs, NP__LOOP_BATCH, wait);
  if (n < 0) {
    if (errno == EINTR)
      n = 0;
    else
      return np__error_sys(err, errno, "epoll_wait");
  }
  loop->now = np__now_ms();
  for (int i = 0; i < n; i++)
    np__loop_dispatch(loop, &evs[i]);
  if (loop->timers)
    np__loop_fire_timers(loop);
  return NP_OK;
}

/* The stop flag is cleared on the way out, not on the way in, so a stop
 * requested before the loop started is not lost. */
int np__loop_run(np__loop *loop, np_error *err) {
  int rc = NP_OK;
  while (rc == NP_OK && !atomic_load(&loop->stop))
    rc = np__loop_once(loop, -1, err);
  atomic_store(&loop->stop, 0);
  return rc;
}
