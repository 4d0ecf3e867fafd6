/* cmd_tui.c: `mcassess` and `mcassess tui` open the workstation. */
#include "config.h"

#include <getopt.h>

#include "cli.h"
#include "mcassess/tui.h"

static int run_tui(struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' },
					      { "keys", no_argument, NULL, 'k' }, { 0, 0, 0, 0 } };
	int c, keys = 0;
	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		if (c == 'h')
			return cli_help(self);
		if (c == 'k') {
			keys = 1;
			continue;
		}
		return cli_usage_error(self, "unknown option '%s'", argv[optind - 1]);
	}
	if (optind < argc)
		return cli_usage_error(self, "unexpected argument '%s'", argv[optind]);
	if (keys)
		return tui_keys_list(stdout);
	struct store *s = NULL;
	int rc = cli_open(cli, 0, &s);
	if (rc != MC_OK)
		return rc;
	struct mc_error err = MC_ERROR_INIT;
	(void)s;
	rc = tui_run(cli->sess, &err);
	if (rc != MC_OK) /* a hang-up or a signal: no archive work on the way out */
		session_abandon(&cli->sess);
	cli_close(cli);
	if (rc != MC_OK)
		return cli_error(&err);
	return MC_OK;
}

const struct cli_cmd cli_cmd_tui = {
	"tui", run_tui,
	"tui [--keys]",
	"Opens the workstation on your queue.",
	"Keys: arrows or j/k move, Enter (or l) opens, Tab moves between evidence and\n"
	"rubric, digits score the focused criterion from either pane, J/K go to the next\n"
	"or previous criterion (the evidence follows its part), = shows the whole rubric,\n"
	"/ narrows the queue, F filters it, s sorts,\n"
	"f writes the feedback and c a criterion's comment in the editor (^X saves, Esc\n"
	"leaves it as a draft, ^E opens $VISUAL/$EDITOR, ^T the comment bank), d decides,\n"
	"v opens file evidence, ? lists every key, q goes back (and quits from the queue).\n"
	"Opening a submission claims it (see 'mcassess claim'); drafts are saved as you\n"
	"type and on SIGHUP/SIGTERM/Ctrl-C. --keys lists every action with its default\n"
	"keys (tab-separated: keys, action, help) and exits. Bindings and colours: $XDG_CONFIG_HOME/mcassess/config\n"
	"('bind KEY ACTION', 'color ELEMENT FG BG', 'set cursor arrow').\n"
	"NO_COLOR=1 turns colours off.\n",
};
