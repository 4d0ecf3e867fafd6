/* terminal.c: whether the terminal can show the workstation at all, asked of its
 * description before anything is written to it. Alone in its file because
 * <term.h> defines a macro for every capability name (lines, columns ...), so it
 * comes after every other header. */
#include "config.h"

#include "tui/tui_int.h"

#include <term.h>

int tui_terminal_can_draw(const char *term, int fd, struct mc_error *err)
{
	int hardcopy = 0;
	int rc = setupterm(term, fd, &hardcopy);
	if (rc != OK && hardcopy != 1)
		return 1; /* not in the terminal database: newterm says so */
	/* A printing terminal fails setupterm; TERM=dumb passes with no cursor moves. */
	const char *cup = rc == OK ? tigetstr("cup") : NULL;
	int ok = cup && cup != (char *)-1;
	if (cur_term)
		del_curterm(cur_term);
	if (!ok)
		mc_error_set(err, MC_FAIL,
			     "this terminal (TERM=%s) cannot show the workstation: it cannot move the "
			     "cursor; use a terminal such as xterm, or the commands (mcassess queue, "
			     "mcassess show ID, see 'mcassess --help')", term ? term : "");
	return ok;
}
