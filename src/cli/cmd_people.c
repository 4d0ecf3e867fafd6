/* cmd_people.c: `mcassess people add|list`: who may do what. */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mcassess/people.h"
#include "mcassess/show.h"
#include "mcassess/text.h"
#include "mcassess/util.h"

static int run_add(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = { { "role", required_argument, NULL, 'r' },
					      { "district", required_argument, NULL, 'd' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	const char *role_s = NULL, *district = NULL;
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'h': return cli_help(self);
		case 'r': role_s = optarg; break;
		case 'd': district = optarg; break;
		default:
			return cli_usage_error(self, "add: unknown option or missing value: '%s'", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error(self, "add needs one USER (a login name)");
	if (!role_s)
		return cli_usage_error(self, "add needs --role assessor, approver, coordinator or admin");
	enum people_role role = people_role_parse(role_s);
	if (role == ROLE_NONE)
		return cli_usage_error(self, "unknown role '%s' (assessor, approver, coordinator or admin)", role_s);
	const char *user = argv[optind];
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	enum people_role before = ROLE_NONE;
	enum people_change what;
	if (people_role(s, user, &before, &err) != MC_OK ||
	    people_set(s, user, role, district, &what, &err) != MC_OK) {
		cli_close(cli);
		return cli_error(&err);
	}
	if (what == PEOPLE_ADDED)
		cli_say(stdout, "added %s as %s%s%s\n", user, people_role_name(role), district ? " in " : "",
		       district ? district : "");
	else if (what == PEOPLE_CHANGED && before != role)
		cli_say(stdout, "changed %s: %s -> %s%s%s\n", user, people_role_name(before), people_role_name(role),
		       district ? " in " : "", district ? district : "");
	else if (what == PEOPLE_CHANGED)
		cli_say(stdout, "changed %s: %s, now in %s\n", user, people_role_name(role), district ? district : "no district");
	else
		cli_say(stdout, "%s is already %s; nothing changed\n", user, people_role_name(role));
	cli_close(cli);
	return MC_OK;
}

static int run_list(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	int fmt, rc = cli_list_args(self, argc, argv, &fmt);
	if (rc >= 0)
		return rc;
	struct store *s;
	rc = cli_open(cli, STORE_READONLY, &s);
	if (rc)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	struct person *p = NULL;
	int n = 0;
	if (people_list(s, &p, &n, &err) != MC_OK) {
		cli_close(cli);
		return cli_error(&err);
	}
	if (fmt == CLI_TSV) {
		for (int i = 0; i < n; i++) {
			cli_tsv_field(stdout, p[i].user);
			printf("\t%s\t", people_role_name(p[i].role));
			cli_tsv_field(stdout, p[i].district);
			putchar('\n');
		}
	} else if (fmt == CLI_JSON) {
		fputs("[", stdout);
		for (int i = 0; i < n; i++) {
			fputs(i ? ",\n  {\"user\": " : "\n  {\"user\": ", stdout);
			cli_json_str(stdout, p[i].user);
			printf(", \"role\": \"%s\", \"district\": ", people_role_name(p[i].role));
			cli_json_str(stdout, p[i].district);
			fputs(", \"name\": ", stdout);
			cli_json_str(stdout, p[i].name);
			fputs(", \"email\": ", stdout);
			cli_json_str(stdout, p[i].email);
			fputs("}", stdout);
		}
		fputs(n ? "\n]\n" : "]\n", stdout);
	} else {
		int w[4] = { 4, 11, 8, 4 };
		for (int i = 0; i < n; i++) {
			int a[4] = { cli_width(p[i].user), 11, cli_width(p[i].district), cli_width(p[i].name) };
			for (int k = 0; k < 4; k++)
				w[k] = a[k] > w[k] ? a[k] : w[k];
		}
		cli_pad("USER", w[0] + 2), cli_pad("ROLE", w[1] + 2), cli_pad("DISTRICT", w[2] + 2), cli_pad("NAME", w[3] + 2);
		puts("E-MAIL");
		for (int i = 0; i < n; i++) {
			cli_pad(p[i].user, w[0] + 2);
			cli_pad(people_role_name(p[i].role), w[1] + 2);
			cli_pad(p[i].district ? p[i].district : "-", w[2] + 2);
			cli_pad(p[i].name, w[3] + 2);
			cli_put(p[i].email);
			putchar('\n');
		}
	}
	people_list_free(&p, n);
	cli_close(cli);
	return MC_OK;
}

static int run_people(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error(self, "which one: add or list?");
	if (strcmp(argv[1], "add") == 0)
		return run_add(cli, self, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return run_list(cli, self, argc - 1, argv + 1);
	return cli_usage_error(self, "unknown subcommand '%s' (add or list)", argv[1]);
}

const struct cli_cmd cli_cmd_people = {
	"people", run_people,
	"people add USER --role assessor|approver|coordinator|admin [--district D] | people list [--format tsv|json]",
	"Who may do what: people are operating-system accounts with a role.",
	"  add USER --role ROLE   add a person, or change their role (admins only; the first\n"
	"                         person of a database may be added by anyone)\n"
	"      --district D       the district they work for (created if new)\n"
	"  list                   everyone, by login name\n"
	"      --format tsv|json  for scripts (tsv: user<TAB>role<TAB>district)\n"
	"\n"
	"Roles, least to most: assessor (scores assigned work), coordinator (assigns work,\n"
	"runs review sessions, reports), admin (loads the catalog and submissions, manages\n"
	"people). Name and e-mail come from the account's passwd entry when there is one.\n",
};
