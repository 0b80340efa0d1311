/*
 * A tiny event loop (internal), in the style of redis' ae: callbacks when a
 * file descriptor becomes readable or writable, one-shot timers, and a
 * wake-up that any thread may send.  Linux epoll underneath.
 *
 * One loop belongs to one thread: every call except np__loop_wake() and
 * np__loop_stop() must come from the thread that runs np__loop_run().
 * Callbacks may add and remove descriptors and timers, including their own.
 * Timers are kept in an unsorted list (as ae does): the loop is meant for a
 * handful of timers, not one per connection; per-connection deadlines are
 * better swept by a periodic timer.
 */
#ifndef NP_CORE_LOOP_H
#define NP_CORE_LOOP_H

#include "core/internal.h"

#include <stdint.h>

typedef struct np__loop np__loop;

enum {
  NP__EV_READ = 1 << 0,
  NP__EV_WRITE = 1 << 1,
  NP__EV_ERROR = 1 << 2, /* reported only: hang-up or error on the fd */
};

/* Called with the events that fired (NP__EV_*). */
typedef void (*np__io_fn)(np__loop *loop, int fd, unsigned events,
                          void *data);
/* Called once when the timer expires; the timer is gone afterwards. */
typedef void (*np__timer_fn)(np__loop *loop, uint64_t id, void *data);
/* Called in the loop's thread after np__loop_wake() from any thread. */
typedef void (*np__wake_fn)(np__loop *loop, void *data);

/* A new loop; NP_ESYS when epoll or eventfd cannot be created. */
int np__loop_new(np__loop **out, np_error *err);
/* Release the loop (not the descriptors registered in it). NULL is fine. */
void np__loop_free(np__loop *loop);

/*
 * Watch fd for `events` (NP__EV_READ | NP__EV_WRITE), replacing any earlier
 * interest and callback for it.  events == 0 keeps the fd registered but
 * idle.  NP_ENOMEM, NP_ESYS.
 */
int np__loop_watch(np__loop *loop, int fd, unsigned events, np__io_fn fn,
                   void *data);
/* Stop watching fd (call before closing it).  Unknown fds are ignored. */
void np__loop_unwatch(np__loop *loop, int fd);

/* Run fn after `ms` milliseconds; *id (may be NULL) names it for cancel. */
int np__loop_timer(np__loop *loop, int64_t ms, np__timer_fn fn, void *data,
                   uint64_t *id);
/* Cancel a timer that has not fired; unknown ids are ignored. */
void np__loop_timer_cancel(np__loop *loop, uint64_t id);

/* Set the callback run after a wake-up (NULL for none). */
void np__loop_on_wake(np__loop *loop, np__wake_fn fn, void *data);
/* Wake the loop from any thread (async-signal-safe: one write()). */
void np__loop_wake(np__loop *loop);
/* Make np__loop_run() return after the current iteration; any thread. */
void np__loop_stop(np__loop *loop);

/* Dispatch events until np__loop_stop().  NP_OK, or NP_ESYS from epoll. */
int np__loop_run(np__loop *loop, np_error *err);
/* One round: wait at most timeout_ms (-1 forever) and dispatch. */
int np__loop_once(np__loop *loop, int timeout_ms, np_error *err);

/* The loop's cached monotonic clock in milliseconds (updated each round). */
int64_t np__loop_now(const np__loop *loop);
/* A fresh monotonic time in milliseconds. */
int64_t np__now_ms(void);

#endif /* NP_CORE_LOOP_H */
