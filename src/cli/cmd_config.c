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
#include "mcassess/claim.h"
#include "mcassess/report.h"

/* `config claim-idle-minutes [N]`: how long a claim outlives its holder's last key. */
static int config_claim_idle(struct cli *cli, const struct cli_cmd *self, const char *value)
{
	long n = 0;
	char *end = NULL;
	if (value) {
		n = strtol(value, &end, 10);
		if (!*value || *end || n < 1 || n > CLAIM_IDLE_MAX)
			return cli_usage_error(self, "claim-idle-minutes is a whole number of minutes from 1 to %d, "
					       "not '%s'", CLAIM_IDLE_MAX, value);
	}
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	int minutes = 0, changed = 0;
	if (value && claim_idle_minutes_set(s, (int)n, &changed, &err) == MC_OK)
		printf("claim-idle-minutes %ld%s\n", n, changed ? "" : " (it already was)");
	else if (!value && claim_idle_minutes(s, &minutes, &err) == MC_OK)
		printf("claim-idle-minutes %d\n", minutes);
	cli_close(cli);
	return err.msg ? cli_error(&err) : MC_OK;
}

/* `config due-days [N]`: business days a read is due in, from when it is assigned. */
static int config_due_days(struct cli *cli, const struct cli_cmd *self, const char *value)
{
	long n = 0;
	char *end = NULL;
	if (value) {
		n = strtol(value, &end, 10);
		if (!*value || *end || n < 1 || n > ASSIGN_DUE_DAYS_MAX)
			return cli_usage_error(self, "due-days is a whole number of business days from 1 to %d, "
					       "not '%s'", ASSIGN_DUE_DAYS_MAX, value);
	}
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	int days = 0, changed = 0;
	if (value && assign_due_days_set(s, (int)n, &changed, &err) == MC_OK)
		printf("due-days %ld%s\n", n, changed ? "" : " (it already was)");
	else if (!value && assign_due_days_get(s, &days, &err) == MC_OK)
		printf("due-days %d\n", days);
	cli_close(cli);
	return err.msg ? cli_error(&err) : MC_OK;
}

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
		return config_due_days(cli, self, nargs == 2 ? argv[optind + 1] : NULL);
	if (nargs > 2)
		return cli_usage_error(self, "unexpected argument '%s'", argv[optind + 2]);
	if (nargs >= 1 && strcmp(argv[optind], "claim-idle-minutes") == 0)
		return config_claim_idle(cli, self, nargs == 2 ? argv[optind + 1] : NULL);
	if (nargs >= 1 && strcmp(argv[optind], "blind") != 0)
		return cli_usage_error(self, "unknown setting '%s' (the settings: blind, claim-idle-minutes, due-days, goal)",
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
	"config [blind [on|off] | claim-idle-minutes [N] | due-days [N] | goal PATHWAY N]",
	"Shows or sets the database's settings (blind scoring for everyone, claim expiry, due dates, goals).",
	"  blind on|off   blind scoring for every assessor (admins only): assessors see\n"
	"                 each educator's anonymous id instead of the name, id and\n"
	"                 school, on every screen and in every command; coordinators\n"
	"                 and admins still see both. Off, blindness comes per\n"
	"                 assignment (mcassess assign --blind).\n"
	"  claim-idle-minutes N   (admins only) how long a claim on a submission\n"
	"                 lasts after its holder's last key; then anyone may take it\n"
	"                 (1 to 10080; default 30).\n"
	"  due-days N     (admins only) business days a read is due in after it is\n"
	"                 assigned (Saturday and Sunday skipped; 1 to 365; default 5);\n"
	"                 reads past it are listed by mcassess assign list --overdue.\n"
	"  goal PATHWAY N the credentials the program hopes to award in PATHWAY (a code\n"
	"                 of 'mcassess catalog list', e.g. TEAM), or in all with 'total'\n"
	"                 (admins only); mcassess report progress counts against it\n"
	"Without a value, prints the setting. The setting lives in the database, not\n"
	"in $XDG_CONFIG_HOME/mcassess/config: who sees what is not a personal choice.\n"
	"Changes are audited.\n",
};
