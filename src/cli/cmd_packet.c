/* cmd_packet.c: `mcassess packet export|import|status|conflicts|resolve`:
 * offline review sessions (packet.h). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "mcassess/packet.h"
#include "mcassess/suggest.h"

static int do_export(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "district", required_argument, NULL, 'd' },
		{ "assessor", required_argument, NULL, 'a' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *district = NULL, *out = NULL;
	const char **who = calloc((size_t)argc + 1, sizeof *who);
	int n = 0, ch, rc;
	while ((ch = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (ch) {
		case 'd': district = optarg; break;
		case 'a': who[n++] = optarg; break;
		case 'o': out = optarg; break;
		case 'h': free(who); return cli_help(self);
		default: free(who); return cli_usage_error(self, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (!district || optind != argc) {
		free(who);
		return cli_usage_error(self, "packet export needs --district D (and no other arguments)");
	}
	struct store *s;
	rc = cli_open(cli, 0, &s);
	struct mc_error err = MC_ERROR_INIT;
	/* the district as typed (its start will do): one that is none is said so */
	char *named = NULL, *dflt = NULL;
	int known = rc == MC_OK && suggest_district(s, &district, &named, &err) == MC_OK;
	if (known && !out)
		dflt = mc_packet_default_name(district);
	struct packet_export_result res;
	cli_progress_begin(cli);
	if (known && packet_export(s, district, who, n, out ? out : dflt, &res, &err) == MC_OK) {
		cli_progress_end();
		cli_say(stdout, "%s: review packet %s of %s: %ld submission%s (%ld evidence file%s) for %s.\n",
			out ? out : dflt, res.packet_id, district, res.submissions, res.submissions == 1 ? "" : "s",
			res.files, res.files == 1 ? "" : "s", res.assessors);
		packet_export_result_free(&res);
	}
	cli_progress_end();
	cli_close(cli);
	free(who);
	free(dflt);
	free(named);
	return rc != MC_OK ? rc : err.msg ? cli_error(&err) : MC_OK;
}

static int one_file(const struct cli_cmd *self, int argc, char **argv, const char **file)
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
	if (argc - optind != 1)
		return cli_usage_error(self, "%s needs one packet file", argv[0]);
	*file = argv[optind];
	return -1;
}

static int do_import(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	const char *file;
	int rc = one_file(self, argc, argv, &file);
	if (rc >= 0)
		return rc;
	struct store *s;
	rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	struct packet_import_result res;
	cli_progress_begin(cli);
	cli_catch_interrupt(s);
	rc = packet_import(s, file, &res, &err);
	cli_progress_end();
	if (rc != MC_OK && cli_interrupted())
		return cli_interrupted_exit(cli, &err, "nothing of the packet was merged");
	cli_close(cli);
	if (rc != MC_OK)
		return cli_error(&err);
	if (res.events == 0 && res.conflicts == 0)
		cli_say(stdout, "%s: nothing new: everything in it was merged before.\n", file);
	else
		cli_say(stdout, "%s: merged %ld submission%s (%ld audit event%s); %ld conflict%s%s.\n", file,
			res.submissions, res.submissions == 1 ? "" : "s", res.events, res.events == 1 ? "" : "s",
			res.conflicts, res.conflicts == 1 ? "" : "s",
			res.conflicts ? " held: see 'mcassess packet conflicts'" : "");
	return MC_OK;
}

static int do_status(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	const char *file;
	int rc = one_file(self, argc, argv, &file);
	if (rc >= 0)
		return rc;
	struct store *s = NULL;
	/* On the laptop there is no server database: the packet's own figures. */
	if (access(cli->db_path, F_OK) == 0 && strcmp(cli->db_path, file) != 0 && cli_open(cli, 0, &s) != MC_OK)
		return MC_FAIL;
	struct mc_error err = MC_ERROR_INIT;
	struct packet_status st;
	rc = packet_status(file, s, &st, &err);
	cli_close(cli);
	if (rc != MC_OK)
		return cli_error(&err);
	printf("packet       %s\ndistrict     %s\nexported     by %s at %s\nassessors    %s\n", st.packet_id,
	       st.district ? st.district : "", st.exported_by ? st.exported_by : "",
	       st.exported_at ? st.exported_at : "", st.assessors ? st.assessors : "");
	printf("submissions  %ld\nscored       %ld\ndecided      %ld\n", st.submissions, st.scored, st.decided);
	if (s)
		printf("merged       %s\nconflicts    %ld open, %ld resolved\n", st.imported ? "yes" : "not yet",
		       st.conflicts_open, st.conflicts_resolved);
	packet_status_free(&st);
	return MC_OK;
}

static void tsv_fields(const char *const *v, size_t n);

struct listed {
	int fmt;
	long n;
};

/* tsv: ID SOURCE STATE HERE THERE; json: the same as an object's keys */
static int show_conflict(void *ctx, const struct packet_conflict_view *c)
{
	struct listed *l = ctx;
	const char *f[] = { c->submission, c->packet_id, c->state, c->server, c->packet };
	static const char *const keys[] = { "id", "source", "state", "here", "there" };
	if (l->n++, l->fmt == CLI_TSV) {
		tsv_fields(f, 5);
		putchar('\n');
	} else if (l->fmt == CLI_JSON) {
		for (size_t i = 0; i < 5; i++) {
			printf("%s\"%s\": ", i ? ", " : l->n > 1 ? ",\n  {" : "\n  {", keys[i]);
			cli_json_str(stdout, f[i]);
		}
		putchar('}');
	} else {
		/* an archive pull's conflicts are here too, from "archive:COMMIT" (archive.h) */
		int pulled = c->pull;
		cli_say(stdout, "%s  %s %s  %s\n  on the server: %s\n  %s: %s\n", c->submission,
			pulled ? "from" : "packet", c->packet_id, c->state, c->server,
			pulled ? "in the remote archive" : "in the packet", c->packet);
	}
	return 0;
}

static int do_conflicts(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int all = 0, ch;
	struct listed l = { .fmt = CLI_TEXT };
	while ((ch = cli_getopt(argc, argv, "h", opts)) != -1) {
		if (ch == 'h')
			return cli_help(self);
		if (ch == 'a')
			all = 1;
		else if (ch == 'f' && (l.fmt = cli_parse_format(optarg)) < 0)
			return cli_usage_error(self, "unknown format '%s' (text, tsv or json)", optarg);
		else if (ch != 'f')
			return cli_usage_error(self, "unknown option '%s'", argv[optind - 1]);
	}
	if (optind != argc)
		return cli_usage_error(self, "packet conflicts takes no arguments");
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	long n = 0;
	if (l.fmt == CLI_JSON)
		putchar('[');
	rc = packet_conflicts(s, all, show_conflict, &l, &n, &err);
	if (l.fmt == CLI_JSON)
		puts(rc == MC_OK && n ? "\n]" : "]");
	cli_close(cli);
	if (rc != MC_OK)
		return cli_error(&err);
	if (n == 0 && l.fmt == CLI_TEXT)
		cli_say(stdout, "no %sconflicts\n", all ? "" : "open ");
	return MC_OK;
}

static int do_resolve(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "keep", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *keep = NULL;
	int ch;
	while ((ch = cli_getopt(argc, argv, "h", opts)) != -1) {
		if (ch == 'h')
			return cli_help(self);
		if (ch == 'k')
			keep = optarg;
		else
			return cli_usage_error(self, "unknown option '%s'", argv[optind - 1]);
	}
	if (argc - optind != 1 || !keep)
		return cli_usage_error(self, "packet resolve needs a submission id and --keep server|packet");
	struct store *s;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	rc = packet_resolve(s, argv[optind], keep, &err);
	cli_close(cli);
	if (rc != MC_OK)
		return cli_error(&err);
	cli_say(stdout, "%s: resolved, the %s's work kept.\n", argv[optind], keep);
	return MC_OK;
}

static int list_text(const struct packet_list_view *v)
{
	const struct packet_list_row *r = v->row;
	if (v->pull)
		cli_say(stdout, "%s  an archive pull: its commit by %s at %s", r->packet_id, r->exported_by,
			r->exported_at);
	else
		cli_say(stdout, "%s  %s  exported by %s at %s", r->packet_id, r->district, r->exported_by,
			r->exported_at);
	if (r->submissions >= 0)
		cli_say(stdout, ", %ld submission%s for %s", r->submissions, r->submissions == 1 ? "" : "s",
			r->assessors);
	cli_say(stdout, "\n  %s", v->state);
	if (r->imported_at)
		cli_say(stdout, ": by %s at %s, %ld event%s, %ld conflict%s open, %ld resolved", r->imported_by,
			r->imported_at, r->events, r->events == 1 ? "" : "s", r->conflicts_open,
			r->conflicts_open == 1 ? "" : "s", r->conflicts_resolved);
	putchar('\n');
	return 0;
}

static void tsv_fields(const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			putchar('\t');
		cli_tsv_field(stdout, v[i]);
	}
}

static int list_one(void *ctx, const struct packet_list_view *v)
{
	struct listed *l = ctx;
	const struct packet_list_row *r = v->row;
	if (l->n++, l->fmt == CLI_TEXT)
		return list_text(v);
	if (l->fmt == CLI_TSV) {
		const char *f[] = { r->packet_id, r->district, r->exported_by, r->exported_at, r->assessors, v->state,
				    r->imported_by, r->imported_at };
		tsv_fields(f, 5);
		printf("\t%ld\t", r->submissions);
		tsv_fields(f + 5, 3);
		printf("\t%ld\t%ld\t%ld\n", r->events, r->conflicts_open, r->conflicts_resolved);
		return 0;
	}
	printf("%s\n  {\"packet_id\": ", l->n > 1 ? "," : "");
	cli_json_str(stdout, r->packet_id);
	const char *keys[] = { "district", "exported_by", "exported_at", "state", "imported_by", "imported_at" };
	const char *vals[] = { r->district, r->exported_by, r->exported_at, v->state, r->imported_by,
			       r->imported_at };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		printf(", \"%s\": ", keys[i]);
		cli_json_str(stdout, vals[i]);
	}
	/* assessors is a JSON array already; unknown (not exported here): null */
	printf(", \"assessors\": %s", r->assessors ? r->assessors : "null");
	if (r->submissions >= 0)
		printf(", \"submissions\": %ld", r->submissions);
	else
		printf(", \"submissions\": null");
	printf(", \"events\": %ld, \"conflicts_open\": %ld, \"conflicts_resolved\": %ld}", r->events,
	       r->conflicts_open, r->conflicts_resolved);
	return 0;
}

static int do_list(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	struct listed l = { 0 };
	int rc = cli_list_args(self, argc, argv, &l.fmt);
	if (rc >= 0)
		return rc;
	struct store *s;
	rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	if (l.fmt == CLI_JSON)
		putchar('[');
	rc = packet_list(s, list_one, &l, &err);
	if (l.fmt == CLI_JSON)
		puts(rc == MC_OK && l.n ? "\n]" : "]");
	else if (rc == MC_OK && l.n == 0 && l.fmt == CLI_TEXT)
		cli_say(stdout, "no packets exported or imported here\n");
	cli_close(cli);
	return rc != MC_OK ? cli_error(&err) : MC_OK;
}

static int run_packet(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(struct cli *, const struct cli_cmd *, int, char **);
	} subs[] = { { "export", do_export }, { "import", do_import }, { "status", do_status },
		     { "conflicts", do_conflicts }, { "resolve", do_resolve }, { "list", do_list } };
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
		return cli_help(self);
	for (size_t i = 0; argc >= 2 && i < sizeof subs / sizeof subs[0]; i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].fn(cli, self, argc - 1, argv + 1);
	return cli_usage_error(self, "say export, import, status, list, conflicts or resolve");
}

const struct cli_cmd cli_cmd_packet = {
	"packet", run_packet,
	"packet export --district D [--assessor U ...] [--out FILE] | packet import FILE | packet status FILE | "
	"packet list [--format text|tsv|json] | packet conflicts [--all] [--format text|tsv|json] | packet resolve ID --keep server|packet",
	"Offline review sessions: a district's open work taken away on laptops and merged back.",
	"  export     writes one file (a database: open it with 'mcassess --db FILE')\n"
	"             holding district D's open submissions assigned to the assessors\n"
	"             named (all of them by default), their evidence files, the rubrics\n"
	"             they need and those assessors. Names of educators scored blind stay\n"
	"             out. The server only notes the export (packet list). Default FILE:\n"
	"             packet-D-DATE.mcpacket.\n"
	"  import     merges a packet back: scores, feedback, decisions and the audit\n"
	"             log's events, under the laptop's authors and times, in one\n"
	"             transaction. A packet changed after it was made, or made from\n"
	"             another database, is refused and nothing changes. Importing again\n"
	"             changes nothing; packets merge in any order to the same result. A\n"
	"             submission changed on the server meanwhile, or by another packet,\n"
	"             is a conflict with a side for each packet: it keeps the server's\n"
	"             own records until resolved.\n"
	"  status     what a packet holds and, on the server, what came of it\n"
	"  list       the packets exported and imported here: exported, imported or\n"
	"             conflicts open\n"
	"  conflicts  the open conflicts (--all: resolved ones too), a packet's\n"
	"             submissions and an archive pull's submissions and people\n"
	"             (person:USER)\n"
	"  resolve    --keep server (the packets' work is set aside, still recorded) or\n"
	"             --keep packet (the packet's records replace the server's; with\n"
	"             several packets, name one as PACKET/ID)\n\n"
	"Export, import and resolve are for coordinators (of the district) and admins.\n"
	"Exit status: 0 done, 1 refused or failed, 2 usage, 3 the packet is refused.\n",
};
