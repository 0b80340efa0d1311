/*
 * bench/harness.h - the small toolkit every bench_*.c shares.
 *
 * A benchmark here measures netproto and its named peers in one run and
 * prints ratios, so that a noisy machine affects both sides alike.  The
 * pieces: a monotonic clock, a runner that times a body K times and keeps
 * the median and the best, unit conversions (ns/op, MB/s), a ratio table
 * printer, peak-RSS readers for memory benchmarks, file loading, and a
 * helper that runs an external program (a python3 script measuring CPython
 * over the same data) and captures what it prints, the command-line options
 * every bench shares, and the pieces a bench needs to run a peer server on
 * loopback (a free port, start, wait for it, stop).
 *
 * Benchmarks are not tests: nothing here fails on speed.  Names start with
 * npb_ (bench-only, never part of libnetproto).
 */
#ifndef NP_BENCH_HARNESS_H
#define NP_BENCH_HARNESS_H

#include "netproto/core.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Nanoseconds from CLOCK_MONOTONIC. */
uint64_t npb_now_ns(void);

/* What one measurement gives: times of one call of the body. */
typedef struct npb_result {
  double median_ns; /* median over the runs, of one body call */
  double best_ns;   /* fastest run, of one body call */
  int runs;         /* how many runs were timed */
  long rounds;      /* body calls per run */
} npb_result;

/* The measured code: one call does a whole pass over the data. */
typedef void (*npb_body_fn)(void *ctx);

/*
 * Time `body`: one untimed warm-up call, then choose a number of rounds
 * (body calls per run) so that a run lasts at least min_run_ns (0: 20 ms),
 * then time `runs` runs (at most 64; 0: 7).  Fills *out with the median and
 * best time of ONE body call.
 */
void npb_measure(npb_body_fn body, void *ctx, int runs, uint64_t min_run_ns,
                 npb_result *out);

/* ns per operation for a body call doing ops operations. */
double npb_ns_per_op(double ns_per_call, double ops);
/* MB/s (10^6 bytes per second) for a body call consuming bytes. */
double npb_mbps(double ns_per_call, double bytes);

/*
 * The ratio table: one row per implementation, the first row (netproto)
 * is the reference.  For a "ns" table a ratio > 1 means the peer is
 * slower; for an "MB/s" table the ratio is inverted so that it reads the
 * same way (peer time / netproto time).  Rows carry an optional note
 * (rejection counts...).  Values < 0 mean "not measured" and print "n/a".
 */
typedef enum npb_unit { NPB_NS, NPB_MBPS } npb_unit;

void npb_table_begin(const char *title, npb_unit unit);
void npb_table_row(const char *name, double median, double best,
                   const char *note);
void npb_table_end(void);

/*
 * Peak resident set size of this process in KiB: VmHWM from
 * /proc/self/status, falling back to getrusage's ru_maxrss.  -1 if neither
 * is available.  npb_children_peak_rss_kib() is the largest peak of waited-for
 * children (getrusage RUSAGE_CHILDREN), for peers run as programs.
 */
long npb_peak_rss_kib(void);
long npb_children_peak_rss_kib(void);

/*
 * Append the whole file to out.  Returns NP_OK, NP_ESYS (errno kept in
 * errno) or the np_buf's error (NP_ENOMEM, NP_ETOOLARGE).
 */
int npb_read_file(np_buf *out, const char *path);

/*
 * Split text into lines in place: each '\n' (and a '\r' before it) becomes
 * NUL so every line is also a C string; empty lines are dropped; a UTF-8
 * byte-order mark at the start is skipped.  Sets *lines to an np_malloc'ed
 * array (free with np_free) and returns the count, or -1 on NP_ENOMEM.
 * The slices point into text, which must outlive them.
 */
long npb_split_lines(char *text, size_t len, np_slice **lines);

/*
 * Run argv[0] (searched in PATH) with argv, capture its standard output
 * into out (bounded by out->max), let its standard error through, and wait
 * for it, killing it after timeout_s seconds (0: no limit).  Returns NP_OK
 * when it ran and exited with status 0; NP_ESYS when it could not be run
 * (or exited non-zero or was killed; *exit_status then says how, as
 * wait(2)'s status, -1 if it never started).
 */
int npb_run_capture(char *const argv[], np_buf *out, unsigned timeout_s,
                    int *exit_status);

/*
 * Find "key " at the start of a line of text (a peer's report, one
 * "key value value..." per line) and read up to n numbers after it.
 * Returns how many were read (0 if the key is absent).
 */
int npb_report_get(const char *text, const char *key, double *vals, int n);

/* The machine line for reports: "N cpus, <CPU model>, <compiler>". */
void npb_print_machine(void);

/* ---- the options every bench takes ----------------------------------- */

/*
 * What scripts/bench.sh passes to every bench, parsed one way:
 *   --source DIR  the netproto source tree, where bench/ keeps its data and
 *                 CPython scripts (default: the tree the bench was built
 *                 from, NPB_SOURCE_DIR)
 *   --runs K      timed runs per figure, 1..1000 (default: the bench's)
 *   --quick       a smoke run: 3 runs of >= 5 ms (a bench may also shrink
 *                 its work when o->quick is set)
 *   --no-python   skip the CPython peer
 */
typedef struct npb_options {
  const char *name;    /* the program, for messages: "bench_url" */
  const char *source;  /* --source DIR */
  int runs;            /* --runs K, or 3 after --quick */
  uint64_t min_run_ns; /* for npb_measure: 0 (its default), 5 ms if quick */
  int quick;           /* --quick was given */
  int python;          /* 1 unless --no-python */
} npb_options;

/* Defaults: the given name and runs, the built-from source tree, CPython
 * on, not quick. */
void npb_options_init(npb_options *o, const char *name, int runs);

/*
 * A bench's own option at argv[i]: returns how many arguments it took
 * (1, or 2 with a value), 0 when argv[i] is not one of its own, -1 when
 * its value is malformed.
 */
typedef int (*npb_option_fn)(void *ctx, int argc, char **argv, int i);

/*
 * Parse argv in order (a later option overrides an earlier one: --runs 9
 * --quick gives 3 runs).  Options other than the four above go to own
 * (NULL: none).  On an unknown or malformed option prints "usage: <name>
 * [--source DIR] [--runs K] [--quick] [--no-python] <own_usage>" on stderr
 * and returns -1; otherwise 0.
 */
int npb_parse_options(npb_options *o, int argc, char **argv,
                      const char *own_usage, npb_option_fn own, void *ctx);

/*
 * A decimal count from the command line (not protocol input): digits only,
 * lo <= value <= hi.  Returns 0 and sets *out, or -1.
 */
int npb_parse_count(const char *s, long lo, long hi, long *out);

/* "<name>: <what>", the machine line, and the runs line. */
void npb_print_intro(const npb_options *o, const char *what);

/* ---- CPython, the peer every bench has -------------------------------- */

/*
 * Run `python3 <source>/bench/<script> args...` (args NULL-terminated, at
 * most 60) with npb_run_capture: *report is initialised here (bounded by
 * max bytes) and holds what the script printed, even when it failed
 * part-way; the caller frees it with np_buf_free.  On failure prints
 * "<name>: CPython peer failed (status N)" on stderr.  Returns
 * npb_run_capture's status.
 */
int npb_run_python(const npb_options *o, const char *script,
                   char *const args[], np_buf *report, size_t max,
                   unsigned timeout_s);

/*
 * A table row from a peer's report: the line "key median best ..." gives
 * the row's figures; when it is missing (or report is empty) the row
 * prints n/a with the note "not measured".  Returns 1 when the figures
 * were there, 0 otherwise.
 */
int npb_report_row(const np_buf *report, const char *key, const char *name,
                   const char *note);

/* ---- statistics over hand-timed runs ----------------------------------- */

/* Median of v[0..n) (n >= 1; the mean of the two middle values for an even
 * n, as npb_measure does).  Sorts v in place. */
double npb_median(double *v, int n);
/* Smallest of v[0..n) (n >= 1). */
double npb_min(const double *v, int n);

/* ---- peers over loopback: processes and ports ------------------------- */

/*
 * A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0,
 * read back, closed), or -1.  Another process may take it before the peer
 * binds it; a peer that fails to start is reported, not retried.
 */
int npb_free_port(void);

/* Sleep ms milliseconds (a signal does not cut it short). */
void npb_sleep_ms(long ms);

/*
 * Wait until something accepts TCP connections on 127.0.0.1:port, trying
 * every 25 ms for up to timeout_ms.  Returns 0 once a connection is
 * accepted, -1 on time-out.
 */
int npb_wait_port(int port, long timeout_ms);

/*
 * Start argv[0] (searched in PATH) with argv as a peer: in its own process
 * group (npb_stop ends it with its children), standard output and error to
 * /dev/null.  in_child (NULL: none) runs in the child just before exec, to
 * pin it to a CPU for example.  Returns the pid, or -1 if fork failed; an
 * exec failure makes the child exit with status 127.
 */
pid_t npb_spawn(char *const argv[], void (*in_child)(void));

/*
 * nginx serving dir/www on 127.0.0.1:port (one worker, sendfile, access
 * log off, keep-alive without a request limit), its configuration, pid
 * file and temporary paths under dir; in_child as for npb_spawn.  Waits
 * for the port.  Returns nginx's pid (stop it with npb_stop), or -1.
 */
pid_t npb_nginx_static(const char *dir, int port, void (*in_child)(void));

/*
 * Stop a peer started by npb_spawn: SIGTERM, up to 5 s for it to exit,
 * then SIGKILL to its whole process group; always reaped.  pid <= 0 does
 * nothing.
 */
void npb_stop(pid_t pid);

/*
 * Run argv (PATH search) with standard output to /dev/null and wait for
 * it: its wall time in ns and its peak RSS in KiB (from wait4).  Returns 0
 * when it exited with status 0, -1 otherwise (*ns and *rss_kib are then
 * unspecified).
 */
int npb_run_timed(char *const argv[], double *ns, long *rss_kib);
/* The same, and the child's CPU time in seconds (user + system, from
 * wait4's rusage; cpu_s may be NULL): on loopback the wall time also holds
 * the server's share and the scheduler's, the CPU time is the client's. */
int npb_run_timed_cpu(char *const argv[], double *ns, double *cpu_s,
                      long *rss_kib);

/*
 * The netproto command for benches that run it: out keeps what it holds
 * (from --cli); otherwise NP_CLI when set and not empty, else the build's
 * netproto next to this program (<build>/bench/<bench> ->
 * <build>/netproto), else "netproto" (searched in PATH).
 */
void npb_find_cli(char *out, size_t size);

/* Remove a temporary directory and everything in it (rm -rf); a failure
 * prints "<prog>: could not remove <dir>" on stderr.  "" does nothing. */
void npb_remove_dir(const char *prog, const char *dir);

/* ---- servers under load: wrk and /proc ------------------------------ */

/*
 * CPU time (user + system, all threads, in clock ticks) of pid and of its
 * direct children (nginx's workers), from /proc; what cannot be read
 * counts 0.
 */
long long npb_tree_ticks(pid_t pid);

/*
 * A field of /proc/<pid>/status in KiB ("VmRSS:", "VmHWM:"), summed over
 * pid and its direct children; what cannot be read counts 0.
 */
long npb_tree_kib(pid_t pid, const char *field);

/* One wrk run: `wrk -t<threads> -c64 -d<seconds>s url`. */
typedef struct npb_wrk_run {
  const char *prog; /* this bench, for messages: "bench_server" */
  const char *who;  /* the server measured, for messages */
  const char *url;
  int threads, seconds;
  int cpu;      /* >= 0: wrk runs under `taskset -c <cpu>` */
  pid_t server; /* > 0: measure this server's CPU time per request */
} npb_wrk_run;

/*
 * Run wrk and return its Requests/sec, or -1.  Non-2xx answers, socket
 * errors or a failed wrk print "<prog>: wrk reported errors for <url>
 * (<who>)" on stderr.  When r->server > 0 and cpu_us is not NULL, *cpu_us
 * gets the server's CPU time per request in microseconds (npb_tree_ticks
 * around the run), or -1 when wrk made no request.
 */
double npb_wrk(const npb_wrk_run *r, double *cpu_us);

#endif /* NP_BENCH_HARNESS_H */
