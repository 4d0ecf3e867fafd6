/* cmd_people.c: `mcassess people add|list|import|remove`: who may do what. */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mcassess/people.h"
#include "mcassess/assign.h"
#include "mcassess/assign_rules.h"
#include "mcassess/show.h"
#include "mcassess/suggest.h"
#include "mcassess/text.h"
#include "mcassess/util.h"

/* "changed ann: school Oak Elementary; cohort none" for what --school, --cohort
 * and --educator set. */
static void say_links(const char *user, const struct assign_links *l)
{
	const char *name[3] = { "school", "cohort", "educator" }, *value[3] = { l->school, l->cohort, l->educator };
	cli_say(stdout, "changed %s:", user);
	for (int i = 0, n = 0; i < 3; i++)
		if (value[i])
			cli_say(stdout, "%s %s %s", n++ ? ";" : "", name[i], *value[i] ? value[i] : "none");
	cli_say(stdout, "\n");
}

static int run_add(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = { { "role", required_argument, NULL, 'r' },
					      { "district", required_argument, NULL, 'd' },
					      { "school", required_argument, NULL, 's' },
					      { "cohort", required_argument, NULL, 'c' },
					      { "educator", required_argument, NULL, 'e' },
					      { "new-district", required_argument, NULL, 'n' },
					      { "help", no_argument, NULL, 'h' }, { 0 } };
	static const struct suggest_name districts = { SUGGEST_DISTRICT, "district", "districts", NULL, 1,
						       "to add a new district of that name, use --new-district" };
	const char *role_s = NULL, *district = NULL, *new_district = NULL;
	struct assign_links links = { 0 };
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'h': return cli_help(self);
		case 'r': role_s = optarg; break;
		case 'd': district = optarg; break;
		case 'n': new_district = optarg; break;
		case 's': links.school = optarg; break;
		case 'c': links.cohort = optarg; break;
		case 'e': links.educator = optarg; break;
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
	if (district && new_district)
		return cli_usage_error(self, "add: --district names a known district, --new-district a new one; "
				       "give one of them");
	const char *user = argv[optind];
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	enum people_role before = ROLE_NONE;
	enum people_change what;
	char *canonical = NULL;
	int is_new = 0;
	if (new_district)
		district = new_district;
	else if (suggest_resolve(s, &districts, &district, &canonical, &is_new, &err) != MC_OK) {
		cli_close(cli);
		return cli_error(&err);
	}
	if (people_role(s, user, &before, &err) != MC_OK ||
	    (links.school || links.cohort || links.educator
		     ? assign_reader_links_set(s, user, role, district, &links, &what, &err)
		     : people_set(s, user, role, district, &what, &err)) != MC_OK) {
		free(canonical);
		cli_close(cli);
		return cli_error(&err);
	}
	const char *fresh = is_new || new_district ? ", a new district" : "";
	if (what == PEOPLE_ADDED)
		cli_say(stdout, "added %s as %s%s%s%s\n", user, people_role_name(role), district ? " in " : "",
		       district ? district : "", fresh);
	else if (what == PEOPLE_CHANGED && before != role)
		cli_say(stdout, "changed %s: %s -> %s%s%s%s\n", user, people_role_name(before),
		       people_role_name(role), district ? " in " : "", district ? district : "", fresh);
	else if (what == PEOPLE_CHANGED && district)
		cli_say(stdout, "changed %s: %s, now in %s%s\n", user, people_role_name(role), district, fresh);
	else if (what == PEOPLE_CHANGED)
		say_links(user, &links);
	else
		cli_say(stdout, "%s is already %s; nothing changed\n", user, people_role_name(role));
	free(canonical);
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
			fputs(", \"school\": ", stdout);
			cli_json_str(stdout, p[i].school);
			fputs(", \"cohort\": ", stdout);
			cli_json_str(stdout, p[i].cohort);
			fputs(", \"educator\": ", stdout);
			cli_json_str(stdout, p[i].educator);
			fputs("}", stdout);
		}
		fputs(n ? "\n]\n" : "]\n", stdout);
	} else {
		/* Their school, cohort and educator id, in columns only when someone has one. */
		int w[7] = { 4, 11, 8, 4, 6, 6, 8 };
		int links = 0;
		for (int i = 0; i < n; i++) {
			int a[7] = { cli_width(p[i].user), 11, cli_width(p[i].district), cli_width(p[i].name),
				     cli_width(p[i].school), cli_width(p[i].cohort), cli_width(p[i].educator) };
			for (int k = 0; k < 7; k++)
				w[k] = a[k] > w[k] ? a[k] : w[k];
			links |= p[i].school || p[i].cohort || p[i].educator;
		}
		cli_pad("USER", w[0] + 2), cli_pad("ROLE", w[1] + 2), cli_pad("DISTRICT", w[2] + 2);
		if (links)
			cli_pad("SCHOOL", w[4] + 2), cli_pad("COHORT", w[5] + 2), cli_pad("EDUCATOR", w[6] + 2);
		cli_pad("NAME", w[3] + 2);
		puts("E-MAIL");
		for (int i = 0; i < n; i++) {
			cli_pad(p[i].user, w[0] + 2);
			cli_pad(people_role_name(p[i].role), w[1] + 2);
			cli_pad(p[i].district ? p[i].district : "-", w[2] + 2);
			if (links) {
				cli_pad(p[i].school ? p[i].school : "-", w[4] + 2);
				cli_pad(p[i].cohort ? p[i].cohort : "-", w[5] + 2);
				cli_pad(p[i].educator ? p[i].educator : "-", w[6] + 2);
			}
			cli_pad(p[i].name, w[3] + 2);
			cli_put(p[i].email);
			putchar('\n');
		}
	}
	people_list_free(&p, n);
	cli_close(cli);
	return MC_OK;
}

static const char *const CHANGE_WORDS[] = { "unchanged", "added", "changed" };

static int run_import(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	if (argc != 2)
		return cli_usage_error(self, "import needs one FILE (CSV: user,name,email,role,district; - for stdin)");
	struct mc_error err = MC_ERROR_INIT;
	char *data = NULL;
	size_t len = 0;
	const char *where = NULL;
	if (cli_text_input(argv[1], NULL, "the file", &data, &len, &where, &err) != MC_OK)
		return cli_error(&err);
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK) {
		free(data);
		return rc;
	}
	struct people_import_result r;
	rc = people_import(s, where, data, len, &r, &err);
	cli_close(cli);
	free(data);
	if (rc != MC_OK)
		return cli_error(&err);
	for (int i = 0; i < r.n; i++)
		cli_say(stdout, "line %ld: %s %s%s%s%s\n", r.lines[i].line, r.lines[i].user,
			CHANGE_WORDS[r.lines[i].what], r.lines[i].detail ? " (" : "",
			r.lines[i].detail ? r.lines[i].detail : "", r.lines[i].detail ? ")" : "");
	cli_say(stdout, "added %d, changed %d, unchanged %d\n", r.added, r.changed, r.unchanged);
	people_import_result_free(&r);
	return MC_OK;
}

static int run_remove(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	if (argc != 2)
		return cli_usage_error(self, "remove needs one USER (a login name)");
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	rc = people_remove(s, argv[1], &err);
	if (rc == MC_OK)
		cli_say(stdout, "removed %s; their past work stays under their name\n", argv[1]);
	cli_close(cli);
	return rc == MC_OK ? MC_OK : cli_error(&err);
}

static int run_people(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error(self, "which one: add, list, import or remove?");
	if (strcmp(argv[1], "add") == 0)
		return run_add(cli, self, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return run_list(cli, self, argc - 1, argv + 1);
	if (strcmp(argv[1], "import") == 0)
		return run_import(cli, self, argc - 1, argv + 1);
	if (strcmp(argv[1], "remove") == 0)
		return run_remove(cli, self, argc - 1, argv + 1);
	return cli_usage_error(self, "unknown subcommand '%s' (add, list, import or remove)", argv[1]);
}

const struct cli_cmd cli_cmd_people = {
	"people", run_people,
	"people add USER --role assessor|approver|coordinator|admin [--district D | --new-district D] [--school S] [--cohort C] [--educator ID] | people list [--format tsv|json]"
	" | people import FILE | people remove USER",
	"Who may do what: people are operating-system accounts with a role.",
	"  add USER --role ROLE   add a person, or change their role (admins only; the first\n"
	"                         person of a database may be added by anyone)\n"
	"      --district D       the district they work for: its name, or the start of\n"
	"                         it when that names one district; a name unlike any\n"
	"                         known district adds it (a near miss is refused)\n"
	"      --new-district D   add district D (when its name is close to a known one)\n"
	"      --school S         the school they work at (a name within their district):\n"
	"                         mcassess assign --auto never gives them its educators\n"
	"      --cohort C         the cohort they belong to (a name within their district,\n"
	"                         theirs or --district's): nobody reads their own\n"
	"                         cohort's work\n"
	"      --educator ID      the educator id they submit under as a teacher: nobody\n"
	"                         reads their own submission (\"\" clears a link)\n"
	"  list                   everyone, by login name (with their school, cohort and\n"
	"                         educator id when anyone has one)\n"
	"      --format tsv|json  for scripts (tsv: user<TAB>role<TAB>district)\n"
	"  import FILE            (admins) add or update many people at once from a CSV\n"
	"                         file with the header user,name,email,role,district\n"
	"                         (and, optional, cohort and educator after it)\n"
	"                         (- reads stdin): all or nothing, a bad row named by\n"
	"                         file:line (exit 3); says what happened to each line\n"
	"  remove USER            (admins) they may no longer act; their scores,\n"
	"                         decisions and history keep their name. Refused for\n"
	"                         the only admin and while they hold open assignments\n"
	"\n"
	"Roles, least to most: assessor (scores assigned work), coordinator (assigns work,\n"
	"runs review sessions, reports), admin (loads the catalog and submissions, manages\n"
	"people). Name and e-mail come from the account's passwd entry when there is one.\n",
};
