/* cmd_claim.c: `mcassess claim ID | release ID | list`: the CLI twin of opening
 * a submission to score in the workstation (which claims it) and leaving it. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mcassess/claim.h"

static int run_claim(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int fmt = CLI_TEXT, ch;
	while ((ch = cli_getopt(argc, argv, "h", opts)) != -1) {
		if (ch == 'h')
			return cli_help(self);
		if (ch == 'f' && (fmt = cli_parse_format(optarg)) >= 0)
			continue;
		if (ch == 'f')
			return cli_usage_error(self, "--format is text, tsv or json, not '%s'", optarg);
		return cli_usage_error(self, "unknown option '%s'", argv[optind - 1]);
	}
	if (optind >= argc)
		return cli_usage_error(self, "say what to do: claim ID, take ID, release ID or list");
	const char *what = argv[optind];
	int list = strcmp(what, "list") == 0;
	int take = strcmp(what, "take") == 0;
	if (!list && !take && strcmp(what, "claim") != 0 && strcmp(what, "release") != 0)
		return cli_usage_error(self, "unknown subcommand '%s' (claim ID, take ID, release ID or list)", what);
	if (list && optind + 1 != argc)
		return cli_usage_error(self, "list takes no arguments");
	if (!list && optind + 2 != argc)
		return cli_usage_error(self, "%s takes one submission ID", what);
	struct store *s = NULL;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	const char *id = list ? NULL : argv[optind + 1];
	if (!list && strcmp(what, "claim") == 0) {
		rc = claim_acquire(s, id, &err);
		if (rc == MC_OK)
			cli_say(stdout, "claimed %s\n", id);
	} else if (take) {
		rc = claim_take(s, id, &err);
		if (rc == MC_OK)
			cli_say(stdout, "took %s: the other claim was released\n", id);
	} else if (!list) {
		rc = claim_release(s, id, &err);
		if (rc == MC_OK)
			cli_say(stdout, "released %s\n", id);
	} else {
		struct claim_info *l = NULL;
		int n = 0;
		rc = claim_list(s, &l, &n, &err);
		if (rc == MC_OK && fmt == CLI_JSON)
			fputc('[', stdout);
		for (int i = 0; rc == MC_OK && i < n; i++) {
			if (fmt == CLI_JSON) {
				fputs(i ? ",{\"id\":" : "{\"id\":", stdout);
				cli_json_str(stdout, l[i].submission);
				fputs(",\"user\":", stdout);
				cli_json_str(stdout, l[i].user);
				fputs(",\"claimed_at\":", stdout);
				cli_json_str(stdout, l[i].claimed_at);
				fputs(",\"seen_at\":", stdout);
				cli_json_str(stdout, l[i].seen_at);
				printf(",\"expired\":%s}", l[i].expired ? "true" : "false");
			} else if (fmt == CLI_TSV) {
				printf("%s\t%s\t%s\t%s\t%s\n", l[i].submission, l[i].user, l[i].claimed_at,
				       l[i].seen_at, l[i].expired ? "expired" : "active");
			} else {
				cli_say(stdout, "%-14s %-16s since %s, last active %s%s\n", l[i].submission, l[i].user,
				       l[i].claimed_at, l[i].seen_at, l[i].expired ? " (expired)" : "");
			}
		}
		if (rc == MC_OK && fmt == CLI_JSON)
			fputs("]\n", stdout);
		if (rc == MC_OK && fmt == CLI_TEXT && !n)
			printf("no claims\n");
		claim_list_free(&l, n);
	}
	cli_close(cli);
	if (rc != MC_OK)
		return cli_error(&err);
	return MC_OK;
}

const struct cli_cmd cli_cmd_claim = {
	"claim", run_claim,
	"claim claim ID | take ID | release ID | list [--format text|tsv|json]",
	"Claims a submission to score it, releases it, or lists who holds what.",
	"A claim keeps two assessors from scoring one submission at once; the workstation\n"
	"claims a submission when you open it and releases it when you leave it.\n"
	"  claim ID     claim it for you (refused, naming who holds it and since when,\n"
	"               while another person's claim is active)\n"
	"  take ID      (admins) release another person's claim and claim it, in one\n"
	"               step, so nobody slips in between; both are audited\n"
	"  release ID   give your claim up (an admin may release anyone's)\n"
	"  list         every claim: id, user, claimed at, last active, active|expired\n"
	"A claim lapses after claim-idle-minutes (default 30) without activity; then\n"
	"anyone may take it. Admins set it: mcassess config claim-idle-minutes N.\n",
};
