#!/bin/sh
# test_screens.sh: the workstation's screens without a terminal (tig's way).
# Each tests/tui/NAME.keys is replayed by mcassess itself (MCASSESS_TUI_SCRIPT:
# keys are fed only when the program is idle); every `:dump SCREEN` line writes
# the screen as text, which must equal tests/tui/SCREEN.screen.
# GENERATE=1 rewrites the .screen files: read every one before accepting it.
. "$TOP_SRCDIR/tests/cli/lib.sh"
TUI_DIR=$TOP_SRCDIR/tests/tui

t_init_db
sqlite3 "$DB" <"$FIXTURES/tui/queue.sql" || { echo "Bail out! the fixture did not load"; exit 1; }
cp "$DB" "$T/base.db"
# A fixed clock for ages, small keyset pages so paging is exercised, no colours.
MCASSESS_TUI_NOW=2026-11-22T12:00:00Z MCASSESS_TUI_PAGE=7 TERM=xterm NO_COLOR=1
export MCASSESS_TUI_NOW MCASSESS_TUI_PAGE TERM NO_COLOR

# replay KEYS [SIZE]: on a fresh copy of the database; dumps go to $T/dumps/NAME/.
replay() {
	_keys=$1
	_name=$(basename "$_keys" .keys)
	_size=${2:-$(sed -n 's/^# size \([0-9]*x[0-9]*\).*/\1/p' "$_keys" | head -1)}
	cp "$T/base.db" "$DB"
	rm -f "$DB-wal" "$DB-shm"
	rm -rf "$T/dumps/$_name"
	mkdir -p "$T/dumps/$_name"
	RC=0
	MCASSESS_TUI_SCRIPT=$_keys MCASSESS_TUI_SIZE=${_size:-80x24} MCASSESS_TUI_DUMP_DIR=$T/dumps/$_name \
		"$MCASSESS" --db "$DB" tui >"$OUT" 2>"$ERR" </dev/null || RC=$?
}

# check_dumps KEYS: every screen the script dumped equals its .screen file.
check_dumps() {
	_name=$(basename "$1" .keys)
	for _screen in $(sed -n 's/^:dump \(.*\)/\1/p' "$1"); do
		_got=$T/dumps/$_name/$_screen
		_want=$TUI_DIR/$_screen.screen
		if [ ! -f "$_got" ]; then
			t_fail "$_name: screen $_screen was dumped"
			continue
		fi
		if [ -n "${GENERATE:-}" ]; then
			cp "$_got" "$_want"
			t_ok "$_name: $_screen.screen generated (review it)"
		elif diff -u "$_want" "$_got" >"$T/diff" 2>&1; then
			t_ok "$_name: screen $_screen"
		else
			t_fail "$_name: screen $_screen"
			t_diag "$T/diff"
		fi
	done
}

for keys in "$TUI_DIR"/*.keys; do
	replay "$keys"
	if [ "$RC" -eq 0 ] && [ ! -s "$ERR" ]; then
		t_ok "$(basename "$keys"): replayed, exit 0, nothing on stderr"
	else
		t_fail "$(basename "$keys"): replayed, exit 0, nothing on stderr (got $RC)"
		t_diag "$ERR"
	fi
	check_dumps "$keys"
	# What the scripts changed, checked in the database itself.
	case $(basename "$keys") in
	submission-80x24.keys)
		got=$(sql "SELECT l.code FROM score s JOIN criterion c ON c.id = s.criterion_id
			JOIN level l ON l.id = s.level_id JOIN submission u ON u.id = s.submission_id
			WHERE u.ext_id = 'S-001' AND c.code = 'O2'")
		t_check "digit 2 scored S-001 O2 as progressing (got '$got')" [ "$got" = progressing ]
		got=$(sql "SELECT count(*) FROM score s JOIN submission u ON u.id = s.submission_id
			WHERE u.ext_id = 'S-001'")
		t_check "a level beyond the rubric scored nothing (3 scores, got $got)" [ "$got" = 3 ]
		got=$(sql "SELECT count(*) FROM audit WHERE action = 'score' AND subject = 'submission:S-001'")
		t_check "the score is audited ($got row)" [ "$got" = 1 ]
		;;
	submission-160x48.keys)
		got=$(sql "SELECT group_concat(c.code || '=' || l.code, ' ') FROM (SELECT * FROM score
			ORDER BY criterion_id) s JOIN criterion c ON c.id = s.criterion_id
			JOIN level l ON l.id = s.level_id JOIN submission u ON u.id = s.submission_id
			WHERE u.ext_id = 'S-001'")
		t_check "scores after 2, 3, then 1 on O1 (R1 left unscored) (got '$got')" \
			[ "$got" = "O1=not_met O2=progressing A1=demonstrated" ]
		;;
	esac
done

# The same screens on a colour terminal and on a monochrome one (attributes only).
for term in xterm-256color vt100; do
	if ! infocmp "$term" >/dev/null 2>&1; then
		t_ok "queue on $term # SKIP no terminfo entry"
		continue
	fi
	printf ':dump queue-80x24\n<Enter>\n:dump submission-80x24\n' >"$T/term.keys"
	TERM=$term NO_COLOR=
	replay "$T/term.keys" 80x24
	TERM=xterm NO_COLOR=1
	if diff -q "$TUI_DIR/queue-80x24.screen" "$T/dumps/term/queue-80x24" >/dev/null &&
	   diff -q "$TUI_DIR/submission-80x24.screen" "$T/dumps/term/submission-80x24" >/dev/null &&
	   [ "$RC" -eq 0 ]; then
		t_ok "queue and submission on $term look the same"
	else
		t_fail "queue and submission on $term look the same (exit $RC)"
		t_diag "$ERR"
	fi
done

# A cursor move is two rows, never a repaint: count what would reach the terminal.
bytes_for() {
	printf '%s\n' "$1" >"$T/bytes.keys"
	cp "$T/base.db" "$DB"
	MCASSESS_TUI_SCRIPT=$T/bytes.keys MCASSESS_TUI_TTY_OUT=$T/tty.out \
		"$MCASSESS" --db "$DB" tui >/dev/null 2>&1 </dev/null
	wc -c <"$T/tty.out"
}
b0=$(bytes_for "")
b10=$(bytes_for "jjjjjjjjjj")
per=$(( (b10 - b0) / 10 ))
t_check "a cursor move sends few bytes ($per per move; a repaint is > 1500)" [ "$per" -gt 0 ] && [ "$per" -lt 300 ]

# User bindings and colours from the config file; bad lines named by file:line.
mkdir -p "$XDG_CONFIG_HOME/mcassess"
printf 'bind n move-down\nbind x none\nbind ? nonsense\ncolor cursor black yellow bold\n' \
	>"$XDG_CONFIG_HOME/mcassess/config"
printf 'nn<Enter>\n:dump config-open\n' >"$T/config.keys"
replay "$T/config.keys" 80x24
t_check "config: 'bind n move-down' moves (S-003 opened)" grep -q '^ S-003 ·' "$T/dumps/config/config-open"
printf ':dump config-start\n' >"$T/config.keys"
replay "$T/config.keys" 160x48
t_check "config: the bad line is reported with file:line" \
	grep -q "mcassess/config:3: bind: unknown action 'nonsense'" "$T/dumps/config/config-start"
printf '?\n:dump config-help\n' >"$T/config.keys"
replay "$T/config.keys" 80x24
t_check "config: help lists the user's binding" grep -q '^ j, Down, n  *move-down' "$T/dumps/config/config-help"
rm -f "$XDG_CONFIG_HOME/mcassess/config"

# A bad script is an error with its file and line, not a hang.
printf 'j\n<Nope>\n' >"$T/bad.keys"
replay "$T/bad.keys" 80x24
t_check "bad script: exit 2 (got $RC)" [ "$RC" -eq 2 ]
t_stderr_has "bad.keys:2: unknown key '<Nope>' in the script"

# No terminal and no script: a clear refusal.
mc tui
t_check "without a terminal: exit 2 (got $RC)" [ "$RC" -eq 2 ]
t_stderr_has "mcassess: tui: the workstation needs a terminal"

done_testing
