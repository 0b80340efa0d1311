/* The event loop (src/core/loop.h): fd callbacks, timers, wake-ups. */
#include "test.h"

#include "core/loop.h"

#include <pthread.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(long ms) {
  struct timespec ts = {0, ms * 1000000L};
  nanosleep(&ts, NULL);
}

static int reads, timer_fired, woke;
static char got[16];

static void on_read(np__loop *l, int fd, unsigned ev, void *data) {
  (void)data;
  ASSERT(ev & NP__EV_READ);
  ssize_t n = read(fd, got, sizeof got - 1);
  if (n > 0)
    got[n] = '\0';
  reads++;
  np__loop_unwatch(l, fd);
  np__loop_stop(l);
}

TEST(loop_calls_back_when_a_pipe_is_readable) {
  np__loop *l;
  int p[2];
  ASSERT_OK(np__loop_new(&l, NULL));
  ASSERT_OK(pipe(p));
  ASSERT_OK(np__loop_watch(l, p[0], NP__EV_READ, on_read, NULL));
  ASSERT(write(p[1], "hi", 2) == 2);
  reads = 0;
  ASSERT_OK(np__loop_run(l, NULL));
  ASSERT_EQ_INT(reads, 1);
  ASSERT_EQ_MEM(got, 2, "hi");
  close(p[0]);
  close(p[1]);
  np__loop_free(l);
}

static void on_timer(np__loop *l, uint64_t id, void *data) {
  (void)id;
  timer_fired += *(int *)data;
  np__loop_stop(l);
}

TEST(loop_timers_fire_once_in_order_and_cancel) {
  np__loop *l;
  ASSERT_OK(np__loop_new(&l, NULL));
  int one = 1, hundred = 100;
  uint64_t id;
  timer_fired = 0;
  ASSERT_OK(np__loop_timer(l, 20, on_timer, &one, NULL));
  ASSERT_OK(np__loop_timer(l, 10, on_timer, &hundred, &id));
  np__loop_timer_cancel(l, id);
  int64_t t0 = np__now_ms();
  ASSERT_OK(np__loop_run(l, NULL));
  ASSERT_EQ_INT(timer_fired, 1);
  ASSERT(np__now_ms() - t0 >= 19);
  np__loop_free(l);
}

static void on_wake(np__loop *l, void *data) {
  (void)data;
  woke++;
}

static void *stopper(void *p) {
  sleep_ms(20);
  np__loop_wake(p);
  sleep_ms(20);
  np__loop_stop(p);
  return NULL;
}

TEST(loop_wake_and_stop_from_another_thread) {
  np__loop *l;
  ASSERT_OK(np__loop_new(&l, NULL));
  np__loop_on_wake(l, on_wake, NULL);
  woke = 0;
  pthread_t t;
  pthread_create(&t, NULL, stopper, l);
  ASSERT_OK(np__loop_run(l, NULL));
  pthread_join(t, NULL);
  ASSERT(woke >= 1);
  np__loop_free(l);
}

TEST(loop_stop_before_run_is_kept) {
  np__loop *l;
  ASSERT_OK(np__loop_new(&l, NULL));
  np__loop_stop(l);
  ASSERT_OK(np__loop_run(l, NULL)); /* returns at once */
  np__loop_free(l);
}

static int second_calls;
static void close_other(np__loop *l, int fd, unsigned ev, void *data) {
  (void)ev;
  int other = *(int *)data;
  np__loop_unwatch(l, other); /* its event of this round must not fire */
  np__loop_unwatch(l, fd);
  np__loop_stop(l);
}
static void count_second(np__loop *l, int fd, unsigned ev, void *data) {
  (void)ev, (void)data;
  second_calls++;
  np__loop_unwatch(l, fd);
  np__loop_unwatch(l, *(int *)data);
  np__loop_stop(l);
}

TEST(loop_drops_events_of_fds_unwatched_in_the_same_round) {
  np__loop *l;
  int a[2], b[2];
  ASSERT_OK(np__loop_new(&l, NULL));
  ASSERT_OK(pipe(a));
  ASSERT_OK(pipe(b));
  ASSERT_OK(np__loop_watch(l, a[0], NP__EV_READ, close_other, &b[0]));
  ASSERT_OK(np__loop_watch(l, b[0], NP__EV_READ, count_second, &a[0]));
  ASSERT(write(a[1], "x", 1) == 1 && write(b[1], "x", 1) == 1);
  second_calls = 0;
  ASSERT_OK(np__loop_run(l, NULL));
  /* whichever fired first unwatched the other: exactly one callback ran */
  ASSERT(second_calls <= 1);
  for (int i = 0; i < 2; i++) {
    close(a[i]);
    close(b[i]);
  }
  np__loop_free(l);
}
