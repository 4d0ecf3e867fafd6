/* cmd_demo.c: `mcassess demo [--educators N] [--seed S] [--submissions N]`. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "mcassess/demo.h"
#include "mcassess/queue.h"
#include "mcassess/util.h"

static void progress(void *ctx, long done, long total)
{
	(void)ctx;
	if (total < done)
		total = done;
	cli_progress_printf("demo: %ld of %s%ld submissions written", done, done < total ? "about " : "",
			    total);
	if (done >= total)
		fputc('\n', stderr); /* the last line stays */
}

/* What an interrupted demo leaves: the batches it had committed. */
static int interrupted(struct cli *cli, struct mc_error *err, int existed)
{
	long long counts[QUEUE_NSTATUS], n = 0;
	struct mc_error e2 = MC_ERROR_INIT;
	struct store *s = cli->sess->store;
	store_stop_when(s, NULL);
	if (queue_counts(s, counts, &e2) == MC_OK)
		for (int i = 0; i < QUEUE_NSTATUS; i++)
			n += counts[i];
	else
		n = -1;
	mc_error_clear(&e2);
	cli_catch_interrupt(s); /* again: the rest of the close must not take up long work */
	char *kept = n > 0 ? mc_xasprintf("the first %lld demo submissions had been saved and are kept; "
					  "start again with a new database", n)
		: n < 0 ? mc_xstrdup("the demo data saved so far could not be counted; run 'mcassess check'")
		: existed ? NULL : mc_xstrdup("no demo data was written (the new database was set up as "
					      "'init' does)");
	int rc = cli_interrupted_exit(cli, err, kept);
	free(kept);
	return rc;
}

static int parse_seed(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-')
		return -1;
	*out = v;
	return 0;
}

static void print_counts(const char *path, const struct demo_counts *c)
{
	if (c->resumed_after > 0)
		cli_say(stdout, "%s: the demo stopped after %ld educators is finished; written now:\n", path,
			c->resumed_after);
	else
		cli_say(stdout, "%s: filled with demo data:\n", path);
	printf("  %-12s %ld\n", "districts", c->districts);
	printf("  %-12s %ld\n", "schools", c->schools);
	printf("  %-12s %ld\n", "cohorts", c->cohorts);
	printf("  %-12s %ld\n", "people", c->people);
	printf("  %-12s %ld\n", "educators", c->educators);
	printf("  %-12s %ld (", "submissions", c->submissions);
	for (int i = 0; i < DEMO_NSTATUS; i++)
		printf("%s%s %ld", i ? ", " : "", demo_status_name(i), c->by_status[i]);
	printf(")\n");
	printf("  %-12s %ld\n", "evidence", c->evidence);
	printf("  %-12s %ld\n", "scores", c->scores);
	printf("  %-12s %ld\n", "feedback", c->feedback);
	printf("  %-12s %ld\n", "decisions", c->decisions);
	printf("  %-12s %ld\n", "assignments", c->assignments);
}

static int run_demo(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "educators", required_argument, NULL, 'e' },
		{ "seed", required_argument, NULL, 's' },
		{ "submissions", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct demo_options o = { .educators = DEMO_DEFAULT_EDUCATORS, .seed = DEMO_DEFAULT_SEED };
	int c;
	long v;
	while ((c = cli_getopt(argc, argv, ":", opts)) != -1) {
		switch (c) {
		case 'h': return cli_help(self);
		case 'e':
			if ((v = cli_parse_count(optarg)) < 1)
				return cli_usage_error(self, "--educators: expected a whole number of at "
							     "least 1, got '%s'", optarg);
			o.educators = v;
			break;
		case 'n':
			if ((v = cli_parse_count(optarg)) < 1)
				return cli_usage_error(self, "--submissions: expected a whole number of at "
							     "least 1, got '%s'", optarg);
			o.submissions = v;
			break;
		case 's':
			if (parse_seed(optarg, &o.seed) != 0)
				return cli_usage_error(self, "--seed: expected a whole number from 0 to "
							     "18446744073709551615, got '%s'", optarg);
			break;
		case ':': return cli_usage_error(self, "%s needs a value", argv[optind - 1]);
		default: return cli_usage_error(self, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(self, "unexpected argument '%s'", argv[optind]);
	if (cli->progress) {
		o.progress = progress;
		o.progress_ctx = NULL;
	}

	struct store *s;
	struct stat sb;
	int existed = stat(cli->db_path, &sb) == 0;
	int rc = cli_open(cli, STORE_CREATE, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	struct demo_counts counts;
	cli_progress_begin(cli);
	cli_catch_interrupt(s);
	rc = demo_run(s, &o, &counts, &err);
	if (rc != MC_OK && cli_interrupted())
		return interrupted(cli, &err, existed);
	cli_close(cli);
	if (rc != MC_OK)
		return cli_error(&err);
	print_counts(cli->db_path, &counts);
	return MC_OK;
}

const struct cli_cmd cli_cmd_demo = {
	"demo", run_demo,
	"demo [--educators N] [--seed S] [--submissions N]",
	"Fills a database with a deterministic synthetic district dataset.",
	"Fills an empty database (creating and initialising it if it is new, as 'init'\n"
	"does) with the pilot's 15 districts, their schools, cohorts, coordinators and\n"
	"assessors, and educators who each submitted evidence for one to three\n"
	"credentials: submissions in every status, text evidence for every part of\n"
	"the rubric (some of it in Chinese, some over or under the word limits),\n"
	"scores, feedback, decisions, assignments and resubmissions.\n"
	"\n"
	"The same options give the same data: ids, times and text all come from the\n"
	"seed. A database that already holds submissions is refused. Only an admin may\n"
	"fill an existing database. A demo that was stopped (killed, a power cut) is\n"
	"finished by running it again with the same options; with other options it is\n"
	"refused, naming the command that finishes it.\n"
	"\n"
	"options:\n"
	"  --educators N    how many educators (default 800, the pilot's third year)\n"
	"  --seed S         the random seed, 0 to 18446744073709551615 (default 2025)\n"
	"  --submissions N  add educators until exactly N submissions exist\n"
	"                   (instead of --educators; for benchmarks: 1000000 works)\n"
	"\n"
	"Progress goes to stderr when it is a terminal.\n",
};
