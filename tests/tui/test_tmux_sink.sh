#!/bin/sh
# test_tmux_sink.sh: while the workstation runs, a warning from below (the
# archive's drain failing when idle) goes on its status line through the
# session's sink; no byte of it is written to the terminal behind curses' back.
# A private tmux server at 80x24; every byte the program writes to the terminal
# is recorded with pipe-pane, and mcassess's stderr is the terminal itself.
. "$TOP_SRCDIR/tests/cli/lib.sh"
command -v tmux >/dev/null 2>&1 || t_skip_all "tmux is not installed"
t_archive_db
# The archive goes away: an event waits, and every drain fails with a warning.
mv "$DB.archive.git" "$T/away.git"
mc score HX-101 O1 demonstrated
t_check "an event waits for the archive" [ "$(sql "SELECT count(*) FROM outbox")" -gt 0 ]

SOCK=$T/tmux.sock
tm() { tmux -u -S "$SOCK" -f /dev/null "$@"; }
trap 'tm kill-server >/dev/null 2>&1; rm -rf "$T"' EXIT
wait_for() { # TEXT SECONDS
	_i=0
	while [ $_i -lt $(($2 * 10)) ]; do
		tm capture-pane -p -t t >"$T/pane" 2>/dev/null
		grep -qF -- "$1" "$T/pane" && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}
cat >"$T/run.sh" <<RUN
#!/bin/sh
export LC_ALL=C.UTF-8 HOME="$HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" XDG_DATA_HOME="$XDG_DATA_HOME"
"$MCASSESS" --db "$DB" tui
echo "exit \$?" >"$T/exit"
sleep 30
RUN
chmod +x "$T/run.sh"
: >"$T/bytes"
tm new-session -d -s t -x 80 -y 24
tm pipe-pane -t t -o "cat >>'$T/bytes'"
tm respawn-pane -k -t t "$T/run.sh"
if wait_for "queue: open work" 5; then t_ok "the workstation is up"; else t_fail "the workstation is up"; t_diag "$T/pane"; fi
# Idle: the drain runs a few seconds in, fails, and says so on the status line.
if wait_for "warning: " 15; then t_ok "the warning shows"; else t_fail "the warning shows"; t_diag "$T/pane"; fi
# (a long message wraps over the bottom lines, as the status line does)
if grep -v '^ *$' "$T/pane" | tail -n 5 | grep -q "^warning: .* wait in the outbox"; then
	t_ok "on the status line at the bottom"
else
	t_fail "on the status line at the bottom"; t_diag "$T/pane"
fi
t_check "the screen is intact above it" grep -q "queue: open work" "$T/pane"
tm pipe-pane -t t
t_check "the terminal got bytes from the workstation" [ -s "$T/bytes" ]
t_check "no byte of a warning written past curses (no 'mcassess: warning')" [ "$(grep -c "mcassess: warning" "$T/bytes")" -eq 0 ]
t_check "nor any stderr line of mcassess" [ "$(grep -c "mcassess: " "$T/bytes")" -eq 0 ]
tm send-keys -t t q
_i=0
while [ ! -s "$T/exit" ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
t_check "q leaves with status 0" grep -q "exit 0" "$T/exit"
mv "$T/away.git" "$DB.archive.git"
done_testing
