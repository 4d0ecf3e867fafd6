/* demo.h: a deterministic synthetic district dataset, for trying the
 * workstation, for tests and for benchmarks. The same options and seed give
 * the same rows in the same order: ids, uids and times come from the seed,
 * never from the clock. */
#ifndef MCASSESS_DEMO_H
#define MCASSESS_DEMO_H
#include <stdint.h>

#include "mcassess/error.h"
#include "mcassess/queue.h"
#include "mcassess/util.h"

struct store;

#define DEMO_DEFAULT_EDUCATORS 800
#define DEMO_DEFAULT_SEED 2025

struct demo_options {
	long educators;        /* educators to create (each makes 1-3 submissions) */
	long submissions;      /* > 0: keep adding educators until exactly this many submissions */
	uint64_t seed;
	/* Called now and then with the submissions written so far and the target
	 * (an estimate when only educators were asked for). NULL: quiet. */
	void (*progress)(void *ctx, long done, long total);
	void *progress_ctx;
	long batch;            /* submissions per transaction; 0: the default (tests use fewer) */
};

#define DEMO_NSTATUS QUEUE_NSTATUS
struct demo_counts {
	long districts, schools, cohorts, people, educators, submissions, evidence, scores,
		feedback, decisions, assignments;
	long by_status[DEMO_NSTATUS]; /* in the order of demo_status_name() */
	long resumed_after;           /* > 0: a stopped demo was finished; it had written this many educators */
};
/* queued, in_progress, awaiting_approval, earned, resubmit, incomplete, withdrawn */
const char *demo_status_name(int i);

/* Fill the database at `s`: initialise it first when it is new (catalog and
 * admin, as `init` does), then write districts, schools, cohorts, people,
 * educators, submissions with evidence for every part of their rubric, scores,
 * feedback, decisions and assignments, and one audit row "demo" with the options.
 * Refused (MC_FAIL, nothing changed) when the database already holds
 * submissions or educators. Large runs commit in batches (checkpointing between
 * them, always after a whole educator) so the write-ahead log stays small. A run
 * that was stopped after a batch (meta 'demo_unfinished' holds its options) is
 * finished by the same options: the rows it had written are kept, and the rest
 * are written as the whole run would have; other options are refused with the
 * command that finishes it. */
int demo_run(struct store *s, const struct demo_options *o, struct demo_counts *out,
	     struct mc_error *err);

/* The generator's random numbers: xoshiro256** seeded through splitmix64.
 * Exposed for tests; never rand(). */
struct demo_rng {
	uint64_t s[4];
};
void demo_rng_seed(struct demo_rng *r, uint64_t seed);
uint64_t demo_rng_next(struct demo_rng *r);
/* Uniform in [0, n) (n > 0), without modulo bias. */
uint64_t demo_rng_below(struct demo_rng *r, uint64_t n);
/* A UUIDv7-shaped id: the 48-bit millisecond time `t` then random bits from r. */
void demo_uuid(struct demo_rng *r, time_t t, char out[MC_UUID_LEN]);
#endif
