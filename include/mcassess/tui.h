/* tui.h: the ncurses workstation. The CLI's `mcassess` / `mcassess tui` calls this. */
#ifndef MCASSESS_TUI_H
#define MCASSESS_TUI_H
#include <stdio.h>

#include "mcassess/error.h"

struct store;

/* Run the workstation on an open database until the user quits. Reads key
 * bindings and colours from $XDG_CONFIG_HOME/mcassess/config. With
 * $MCASSESS_TUI_SCRIPT set, runs without a terminal instead: keys come from that
 * script and `:dump NAME` lines write the screen as text (see src/tui/script.c).
 * Returns MC_OK, or an error status with err filled (the screen is restored first). */
struct mc_session;
int tui_run(struct mc_session *sess, struct mc_error *err);
/* The default key bindings, one action a line: "KEYS<TAB>ACTION<TAB>HELP"
 * (KEYS as help shows them, "j, Down"; empty when unbound), in help's order.
 * `mcassess tui --keys` prints it; the man page's KEYS section is checked against it. */
int tui_keys_list(FILE *out);
#endif
