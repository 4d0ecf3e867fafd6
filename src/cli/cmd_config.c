/* cmd_config.c: `mcassess config [blind [on|off]]`: the database's settings that
 * decide what people see (kept in the database, beside identity and roles, so
 * no user's own config file can change them). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mcassess/assign.h"
#include "mcassess/attempts.h"
#include "mcassess/calibration.h"
#include "mcassess/claim.h"
#include "mcassess/report.h"
#include "mcassess/review.h"

/* A whole-number setting: its name, range, what the range means to people,
 * and how core reads and sets it. */
struct int_setting {
	const char *name;
	long min, max;
	const char *range; /* "a whole number of minutes from 1 to %ld" */
	int (*get)(struct store *s, int *value, struct mc_error *err);
	int (*set)(struct store *s, int value, int *changed, struct mc_error *err);
};

/* `config NAME [N]`: print it, or set it (core checks who may). */
static int config_int(struct cli *cli, const struct cli_cmd *self, const struct int_setting *set,
		      const char *value)
{
	long n = 0;
	char *end = NULL;
	if (value) {
		n = strtol(value, &end, 10);
		if (!*value || *end || n < set->min || n > set->max)
			return cli_usage_error(self, "%s is a whole number %s from %ld to %ld, not '%s'", set->name,
					       set->range, set->min, set->max, value);
	}
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	int now = 0, changed = 0;
	if (value && set->set(s, (int)n, &changed, &err) == MC_OK)
		printf("%s %ld%s\n", set->name, n, changed ? "" : " (it already was)");
	else if (!value && set->get(s, &now, &err) == MC_OK)
		printf("%s %d\n", set->name, now);
	cli_close(cli);
	return err.msg ? cli_error(&err) : MC_OK;
}

static const struct int_setting CLAIM_IDLE = {
	"claim-idle-minutes", 1, CLAIM_IDLE_MAX, "of minutes", claim_idle_minutes, claim_idle_minutes_set,
};
static const struct int_setting ATTEMPTS = {
	"attempts", 1, ATTEMPTS_MAX, "of attempts", attempts_limit, attempts_limit_set,
};
static const struct int_setting DUE_DAYS = {
	"due-days", 1, ASSIGN_DUE_DAYS_MAX, "of business days", assign_due_days_get, assign_due_days_set,
};
/* calibration (calibration.h): percent exact agreement that qualifies an assessor */
static const struct int_setting CALIB_THRESHOLD = {
	"calibration-threshold", 0, 100, "of percent", calib_threshold_get, calib_threshold_set,
};

/* `config goal PATHWAY N`: credentials the program hopes to award in a pathway
 * (`total` for the whole program), the figure `report progress` counts against. */
static int config_goal(struct cli *cli, const struct cli_cmd *self, int nargs, char **args)
{
	if (nargs != 3)
		return cli_usage_error(self, "goal needs a pathway and a number: config goal PATHWAY N");
	long n = cli_parse_count(args[2]);
	if (n < 0)
		return cli_usage_error(self, "the goal is a whole number of credentials, not '%s'", args[2]);
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	long before = 0;
	if (report_goal_set(s, args[1], n, &before, &err) == MC_OK)
		printf("goal %s %ld%s\n", args[1], n, before == n ? " (it already was)" : "");
	cli_close(cli);
	return err.msg ? cli_error(&err) : MC_OK;
}

/* `config reads [1|2]` and `config approval [on|off]`: the review process (review.h). */
static int config_review(struct cli *cli, const struct cli_cmd *self, const char *key, const char *value)
{
	int reads = strcmp(key, "reads") == 0;
	if (value && reads && strcmp(value, "1") != 0 && strcmp(value, "2") != 0)
		return cli_usage_error(self, "reads is 1 or 2, not '%s'", value);
	if (value && !reads && strcmp(value, "on") != 0 && strcmp(value, "off") != 0)
		return cli_usage_error(self, "approval is 'on' or 'off', not '%s'", value);
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	int n = 1, on = 0, effective = 0, changed = 0;
	if (value && reads)
		rc = review_reads_set(s, value[0] - '0', &changed, &err);
	else if (value)
		rc = review_approval_set(s, strcmp(value, "on") == 0, &changed, &err);
	if (rc == MC_OK && (rc = review_reads(s, &n, &err)) == MC_OK)
		rc = review_approval(s, &on, &effective, &err);
	if (rc == MC_OK && reads)
		printf("reads %d%s\n", n, value && !changed ? " (it already was)" : "");
	else if (rc == MC_OK)
		printf("approval %s%s%s\n", on ? "on" : "off", value && !changed ? " (it already was)" : "",
		       effective && !on ? " (decisions wait for approval all the same: reads is 2)" : "");
	cli_close(cli);
	return err.msg ? cli_error(&err) : MC_OK;
}

static int run_config(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	while ((ch = cli_getopt(argc, argv, "h", opts)) != -1) {
		if (ch == 'h')
			return cli_help(self);
		return cli_usage_error(self, "unknown option '%s'", argv[optind - 1]);
	}
	int nargs = argc - optind;
	if (nargs >= 1 && strcmp(argv[optind], "goal") == 0)
		return config_goal(cli, self, nargs, argv + optind);
	if (nargs >= 1 && strcmp(argv[optind], "due-days") == 0)
		return config_int(cli, self, &DUE_DAYS, nargs == 2 ? argv[optind + 1] : NULL);
	if (nargs == 1 || nargs == 2) /* calibration */
		if (strcmp(argv[optind], "calibration-threshold") == 0)
			return config_int(cli, self, &CALIB_THRESHOLD, nargs == 2 ? argv[optind + 1] : NULL);
	if (nargs > 2)
		return cli_usage_error(self, "unexpected argument '%s'", argv[optind + 2]);
	if (nargs >= 1 && strcmp(argv[optind], "claim-idle-minutes") == 0)
		return config_int(cli, self, &CLAIM_IDLE, nargs == 2 ? argv[optind + 1] : NULL);
	if (nargs >= 1 && (strcmp(argv[optind], "reads") == 0 || strcmp(argv[optind], "approval") == 0))
		return config_review(cli, self, argv[optind], nargs == 2 ? argv[optind + 1] : NULL);
	if (nargs >= 1 && strcmp(argv[optind], "attempts") == 0)
		return config_int(cli, self, &ATTEMPTS, nargs == 2 ? argv[optind + 1] : NULL);
	if (nargs >= 1 && strcmp(argv[optind], "blind") != 0)
		return cli_usage_error(self, "unknown setting '%s' (the settings: blind, claim-idle-minutes, "
				       "reads, approval, attempts, due-days, goal, calibration-threshold)",
				       argv[optind]);
	const char *value = nargs == 2 ? argv[optind + 1] : NULL;
	if (value && strcmp(value, "on") != 0 && strcmp(value, "off") != 0)
		return cli_usage_error(self, "blind is 'on' or 'off', not '%s'", value);
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	int on = 0, changed = 0;
	if (value && assign_blind_all_set(s, strcmp(value, "on") == 0, &changed, &err) == MC_OK)
		printf("blind %s%s\n", value, changed ? "" : " (it already was)");
	else if (!value && assign_blind_all_get(s, &on, &err) == MC_OK)
		printf("blind %s\n", on ? "on" : "off");
	cli_close(cli);
	return err.msg ? cli_error(&err) : MC_OK;
}

const struct cli_cmd cli_cmd_config = {
	"config", run_config,
	"config [blind [on|off] | claim-idle-minutes [N] | reads [1|2] | approval [on|off] | attempts [N] |"
	" due-days [N] | goal PATHWAY N | calibration-threshold [PCT]]",
	"Shows or sets the database's settings (blind scoring, claim expiry, reads, approval, attempts, due dates, goals).",
	"  blind on|off   blind scoring for every assessor (admins only): assessors see\n"
	"                 each educator's anonymous id instead of the name, id and\n"
	"                 school, on every screen and in every command; coordinators\n"
	"                 and admins still see both. Off, blindness comes per\n"
	"                 assignment (mcassess assign --blind).\n"
	"  claim-idle-minutes N   (admins only) how long a claim on a submission\n"
	"                 lasts after its holder's last key; then anyone may take it\n"
	"                 (1 to 10080; default 30).\n"
	"  reads 1|2      (admins only) how many independent reads a submission gets\n"
	"                 (default 1). With 2, each reader ends their own read without\n"
	"                 seeing the other's; readers who agree send it for approval,\n"
	"                 readers who disagree to an adjudication read.\n"
	"  approval on|off  (admins only) with one read, whether a reader's decision\n"
	"                 waits for an approver (default off). With two reads it always\n"
	"                 does.\n"
	"  attempts N     (admins only) how many attempts an educator has at one\n"
	"                 credential (1 to 99; default 3); an import of one more is\n"
	"                 refused unless an admin ran 'mcassess attempts grant'.\n"
	"  due-days N     (admins only) business days a read is due in after it is\n"
	"                 assigned (Saturday and Sunday skipped; 1 to 365; default 5);\n"
	"                 reads past it are listed by mcassess assign list --overdue.\n"
	"  goal PATHWAY N the credentials the program hopes to award in PATHWAY (a code\n"
	"                 of 'mcassess catalog list', e.g. TEAM), or in all with 'total'\n"
	"                 (admins only); mcassess report progress counts against it\n"
	"  calibration-threshold PCT  (admins only) the exact agreement with a\n"
	"                 credential's calibration set, in percent (0 to 100; default\n"
	"                 80), that qualifies an assessor for it (mcassess calibration).\n"
	"Without a value, prints the setting. The setting lives in the database, not\n"
	"in $XDG_CONFIG_HOME/mcassess/config: who sees what is not a personal choice.\n"
	"Changes are audited.\n",
};
