#!/bin/sh
# test_draft_busy.sh: nothing typed is lost while another process holds the
# database's write lock for longer than the busy timeout (a large import). In a
# real terminal (tmux), the feedback editor is opened; then a helper (the
# sqlite3 shell) takes BEGIN IMMEDIATE and holds it while the text is typed and
# the editor left with Esc, or the terminal hangs up (SIGHUP). The draft is kept
# in a file beside the database, comes back when the editor is opened again
# (replayed in-process), and then moves into the database.
. "$TOP_SRCDIR/tests/cli/lib.sh"
if ! command -v tmux >/dev/null 2>&1; then
	echo "ok 1 # SKIP tmux is not installed"
	echo "1..1"
	exit 0
fi
me=$(id -un)
t_init_db
sqlite3 "$DB" <"$FIXTURES/tui/queue.sql" || { echo "Bail out! the fixture did not load"; exit 1; }
KEPT=$DB.drafts/$me/S-001/overall

SOCK=$T/tmux.sock
tm() { tmux -u -S "$SOCK" -f /dev/null "$@"; }
trap 'exec 3>&- 2>/dev/null; tm kill-server >/dev/null 2>&1; rm -rf "$T"' EXIT
# wait_for TEXT [TENTHS]: poll the pane until it shows TEXT (whitespace squeezed).
wait_for() {
	_i=0
	while [ $_i -lt "${2:-50}" ]; do
		tm capture-pane -p -J -t t 2>/dev/null | tr -s ' \n' '  ' >"$T/pane"
		grep -qF -- "$1" "$T/pane" && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}
shows() { if wait_for "$1" "${3:-50}"; then t_ok "$2"; else t_fail "$2"; t_diag "$T/pane"; fi; }
cat >"$T/run.sh" <<RUN
#!/bin/sh
export LC_ALL=C.UTF-8 HOME="$HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" XDG_DATA_HOME="$XDG_DATA_HOME" NO_COLOR=1
trap '' HUP
"$MCASSESS" --db "$DB" tui 2>"$T/tui.err"
echo "exit \$?" >"$T/exit"
RUN
chmod +x "$T/run.sh"
start() {
	rm -f "$T/exit"
	tm new-session -d -s t -x 80 -y 24 "$T/run.sh"
	tm send-keys -t t Enter f
	shows "Feedback on S-001" "$1: the editor is open on S-001"
}
wait_exit() {
	_i=0
	while [ ! -s "$T/exit" ] && [ $_i -lt 300 ]; do sleep 0.1; _i=$((_i + 1)); done
}
# replay KEYS NAME: the workstation in-process; dumps in $T/dumps/NAME.
replay() {
	mkdir -p "$T/dumps/$2"
	RC=0
	MCASSESS_TUI_SCRIPT=$1 MCASSESS_TUI_SIZE=80x24 MCASSESS_TUI_DUMP_DIR=$T/dumps/$2 NO_COLOR=1 TERM=xterm \
		"$MCASSESS" --db "$DB" tui >"$OUT" 2>"$ERR" </dev/null || RC=$?
}
printf '<Enter>f\n:dump back\n<Esc>\n' >"$T/back.keys"

# --- Esc while the database is busy
start esc
db_lock
tm send-keys -t t -l "Typed while the import held the database."
shows "Typed while the import held the database." "esc: text typed"
tm send-keys -t t Escape
shows "your draft is kept in $DB.drafts/$me/S-001/overall" "esc: the status line says where the draft is kept" 150
t_check "esc: the file beside the database has the text" \
	[ "$(cat "$KEPT" 2>/dev/null)" = "Typed while the import held the database." ]
t_check "esc: the file is the user's alone (0600)" [ "$(stat -c %a "$KEPT" 2>/dev/null)" = 600 ]
db_unlock
t_check "esc: the database has no draft (it could not take one)" [ "$(sql "SELECT count(*) FROM draft")" = 0 ]
tm send-keys -t t q q
wait_exit
tm kill-server >/dev/null 2>&1

# --- the next open brings it back, and it moves into the database
replay "$T/back.keys" back
t_check "reopened: exit 0 (got $RC)" [ "$RC" -eq 0 ]
t_check "reopened: the kept text is in the editor" grep -qF "Typed while the import held the database." "$T/dumps/back/back"
t_check "reopened: it says the draft is back" grep -qF "your unsaved draft is back" "$T/dumps/back/back"
t_check "reopened: the draft is in the database now" \
	[ "$(sql "SELECT body FROM draft WHERE target = 'overall'")" = "Typed while the import held the database." ]
t_check "reopened: and its file is gone" [ ! -e "$KEPT" ]

# --- the terminal hangs up while the database is busy
sql "DELETE FROM draft"
start hup
db_lock
tm send-keys -t t -l "Written just before the line dropped."
shows "Written just before the line dropped." "hup: text typed"
tm kill-server
wait_exit
t_check "hup: mcassess left ($(cat "$T/exit" 2>/dev/null))" grep -q '^exit 1$' "$T/exit"
t_check "hup: the text is kept in the file" [ "$(cat "$KEPT" 2>/dev/null)" = "Written just before the line dropped." ]
db_unlock
replay "$T/back.keys" back2
t_check "hup: reopened, the text comes back" grep -qF "Written just before the line dropped." "$T/dumps/back2/back"
t_check "hup: and it is in the database" [ "$(sql "SELECT body FROM draft")" = "Written just before the line dropped." ]
done_testing
