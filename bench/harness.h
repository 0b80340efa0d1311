/*
 * bench/harness.h - the small toolkit every bench_*.c shares.
 *
 * A benchmark here measures netproto and its named peers in one run and
 * prints ratios, so that a noisy machine affects both sides alike.  The
 * pieces: a monotonic clock, a runner that times a body K times and keeps
 * the median and the best, unit conversions (ns/op, MB/s), a ratio table
 * printer, peak-RSS readers for memory benchmarks, file loading, and a
 * helper that runs an external program (a python3 script measuring CPython
 * over the same data) and captures what it prints.
 *
 * Benchmarks are not tests: nothing here fails on speed.  Names start with
 * npb_ (bench-only, never part of libnetproto).
 */
#ifndef NP_BENCH_HARNESS_H
#define NP_BENCH_HARNESS_H

#include "netproto/core.h"

#include <stddef.h>
#include <stdint.h>

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

#endif /* NP_BENCH_HARNESS_H */
