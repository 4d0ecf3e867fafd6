/* cmd_init.c: `mcassess init`: create the database, load the catalog, make you admin. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "mcassess/catalog.h"
#include "mcassess/setup.h"
#include "mcassess/util.h"

/* A database file init created and could not finish is removed again, so a
 * failed init leaves nothing behind. */
static void remove_new(const char *path)
{
	const char *sfx[] = { "", "-wal", "-shm", "-journal" };
	for (size_t i = 0; i < sizeof sfx / sizeof *sfx; i++) {
		char *p = mc_xasprintf("%s%s", path, sfx[i]);
		unlink(p);
		free(p);
	}
	char *ev = mc_xasprintf("%s.evidence", path);
	rmdir(ev);
	free(ev);
}

static int run_init(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	int c;
	while ((c = cli_getopt(argc, argv, "", opts)) != -1) {
		if (c == 'h')
			return cli_help(self);
		return cli_usage_error(self, "unknown option '%s'", argv[optind - 1]);
	}
	if (optind < argc)
		return cli_usage_error(self, "init takes no arguments ('%s'); use --db PATH to choose the file",
				       argv[optind]);
	struct stat sb;
	int existed = stat(cli->db_path, &sb) == 0;
	struct store *s;
	int rc = cli_open(cli, STORE_CREATE, &s);
	if (rc)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	struct catalog_load_stats st;
	rc = setup_init_stats(s, &st, &err);
	if (rc != MC_OK) {
		mc_error_prefix(&err, "init: %s", cli->db_path);
		cli_close(cli);
		if (!existed)
			remove_new(cli->db_path);
		return cli_error(&err);
	}
	struct catalog_pathway *pw = NULL;
	int npw = 0;
	if (catalog_pathways(s, &pw, &npw, &err) != MC_OK) {
		cli_close(cli);
		return cli_error(&err);
	}
	catalog_pathways_free(&pw, npw);
	cli_say(stdout, "%s the database %s\n", existed ? "initialised" : "created", cli->db_path);
	cli_say(stdout, "loaded the catalog from %s/catalog: %d credentials in %d pathways\n", mc_data_dir(),
	       st.added + st.changed + st.unchanged, npw);
	cli_say(stdout, "you (%s) are admin; add others with 'mcassess people add USER --role ROLE'\n", cli->sess->actor.user);
	cli_close(cli);
	return MC_OK;
}

const struct cli_cmd cli_cmd_init = {
	"init", run_init,
	"init",
	"Creates the database and loads the credential catalog; you become its admin.",
	"Creates the database (--db PATH, $MCASSESS_DB, or the default under\n"
	"$XDG_DATA_HOME/mcassess), loads the shipped credential catalog and makes the\n"
	"operating-system account running it an admin. A database is initialised once:\n"
	"running init again changes nothing and exits 1.\n",
};
