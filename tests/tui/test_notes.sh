#!/bin/sh
# test_notes.sh: private notes in the workstation (P on a submission): the
# list, a note typed on the prompt and kept (in the database, audited), one
# cancelled with Esc (nothing kept), at 80x24 and 160x48. The notes' times are
# the clock's: the dumps are compared with them replaced by a placeholder of the
# same width. GENERATE=1 rewrites notes/*.screen: read every one before accepting it.
. "$TOP_SRCDIR/tests/cli/lib.sh"
DIR=$TOP_SRCDIR/tests/tui/notes
MCASSESS_TUI_NOW=2026-11-22T12:00:00Z TERM=xterm NO_COLOR=1
export MCASSESS_TUI_NOW TERM NO_COLOR
me=$(id -un)

# screens KEYS SIZE NAME...: replay the script on a fresh copy of the fixture, compare the dumps.
screens() {
	_keys=$1 _size=$2; shift 2
	rm -f "$DB" "$DB"-*
	t_init_db
	sqlite3 "$DB" <"$FIXTURES/tui/queue.sql" || { echo "Bail out! the fixture did not load"; exit 1; }
	rm -rf "$T/dumps" && mkdir -p "$T/dumps"
	RC=0
	MCASSESS_TUI_SCRIPT=$DIR/$_keys MCASSESS_TUI_SIZE=$_size MCASSESS_TUI_DUMP_DIR=$T/dumps \
		"$MCASSESS" --db "$DB" tui >"$OUT" 2>"$ERR" </dev/null || RC=$?
	t_check "$_keys: replayed, exit 0, nothing on stderr (got $RC)" [ "$RC" -eq 0 ] && [ ! -s "$ERR" ]
	for _n in "$@"; do
		sed -E -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/YYYY-MM-DDTHH:MM:SSZ/g' \
			-e "s/^ $me · / ME · /" \
			"$T/dumps/$_n" >"$T/dumps/$_n.masked" 2>/dev/null
		if [ -n "${GENERATE:-}" ]; then
			cp "$T/dumps/$_n.masked" "$DIR/$_n.screen"
			t_ok "$_n.screen generated (review it)"
		elif diff -u "$DIR/$_n.screen" "$T/dumps/$_n.masked" >"$T/diff" 2>&1; then
			t_ok "screen $_n"
		else
			t_fail "screen $_n"
			t_diag "$T/diff"
		fi
	done
}

screens notes-80x24.keys 80x24 notes-empty-80x24 notes-typing-80x24 notes-kept-80x24 notes-cancel-80x24 \
	notes-back-80x24
t_check "80x24: one note kept, by the user, with the text typed" \
	[ "$(sql "SELECT author || '|' || body FROM note")" = "$me|Check the artifact date against the lesson plan." ]
t_check "80x24: the note is audited" [ "$(sql "SELECT count(*) FROM audit WHERE action = 'note' AND subject = 'submission:S-001'")" = 1 ]
t_check "80x24: the cancelled note was not kept" [ "$(sql "SELECT count(*) FROM note WHERE body LIKE '%not this one%'")" = 0 ]
t_check "80x24: the feedback holds no note" [ "$(sql "SELECT count(*) FROM feedback WHERE body LIKE '%artifact date%'")" = 0 ]
t_check "80x24: the back screen is the submission" grep -q '^ S-001 · TUI-DEMO' "$T/dumps/notes-back-80x24"

screens notes-160x48.keys 160x48 notes-two-160x48
t_check "160x48: two notes kept" [ "$(sql "SELECT count(*) FROM note")" = 2 ]
done_testing
