#!/bin/sh
# test_workload.sh: the workload screen (W from the queue) at 80x24 and
# 160x48, the queue's READS column (160x48) or status-line note (80x24) with
# overdue work marked, and an assessor
# refused the screen, in-process (MCASSESS_TUI_SCRIPT) under real accounts.
. "$TOP_SRCDIR/tests/cli/lib.sh"
DIR=$TOP_SRCDIR/tests/tui/workload
t_init_db
sqlite3 "$DB" <"$FIXTURES/tui/queue.sql" || { echo "Bail out! the fixture did not load"; exit 1; }
t_accounts mcal_w1 mcal_w2 || t_skip_all "needs root, useradd and runuser for OS accounts"
chmod 0666 "$DB"
mc people add mcal_w1 --role assessor --district "Knox County"
mc people add mcal_w2 --role assessor --district "Maury County"
mc assign S-002 S-003 S-004 mcal_w1
[ "$RC" -eq 0 ] || { echo "Bail out! assign failed"; cat "$ERR"; exit 1; }
mc assign S-002 mcal_w2 --read second --blind
mc assign S-005 mcal_w2
# fixed dates for the screens: S-002's first read fell due on 2026-11-20 (before
# the screens' clock and the real one); the rest are due far ahead
sql "UPDATE assignment SET at = '2026-11-16T09:00:00Z', due_at = '2099-01-01T00:00:00Z';
	UPDATE assignment SET at = '2026-11-13T09:00:00Z', due_at = '2026-11-20T09:00:00Z'
	WHERE read = 'first' AND submission_id = (SELECT id FROM submission WHERE ext_id = 'S-002')"
MCASSESS_TUI_NOW=2026-11-22T12:00:00Z MCASSESS_TUI_PAGE=7 TERM=xterm NO_COLOR=1 LC_ALL=C.UTF-8
export MCASSESS_TUI_NOW MCASSESS_TUI_PAGE TERM NO_COLOR LC_ALL

# replay USER KEYS SIZE: every screen dumped must equal workload/NAME.screen
# (GENERATE=1 copies them there instead).
replay() {
	rm -rf "$T/dumps"
	mkdir -p "$T/dumps"
	chmod 0777 "$T" "$T/dumps"
	RC=0
	runuser -u "$1" -- env HOME="$F" MCASSESS_TUI_SCRIPT="$2" MCASSESS_TUI_SIZE="$3" \
		MCASSESS_TUI_DUMP_DIR="$T/dumps" "$MCASSESS" --db "$DB" tui >"$OUT" 2>"$ERR" </dev/null || RC=$?
	t_check "$(basename "$2"): exit 0 (got $RC), nothing on stderr" [ "$RC" -eq 0 ] && [ ! -s "$ERR" ]
	for dump in "$T"/dumps/*; do
		want=$DIR/$(basename "$dump").screen
		[ -n "${GENERATE:-}" ] && cp "$dump" "$want"
		if diff -u "$want" "$dump" >"$T/diff" 2>&1; then t_ok "screen $(basename "$dump")"
		else t_fail "screen $(basename "$dump")"; t_diag "$T/diff"; fi
	done
}
replay root "$DIR/workload-80x24.keys" 80x24
replay root "$DIR/workload-160x48.keys" 160x48
t_check "80x24: mcal_w1 holds 3 open reads, 1 overdue, the oldest 9 days old" \
	grep -q "^mcal_w1 *3 *1 *9d  Knox County" "$DIR/workload-80x24.screen"
t_check "80x24: no room for READS; the status line names the cursor row's readers" \
	sh -c 'tail -1 "$1" | grep -q "^? help  q quit  *! first: mcal_w1, second: mcal_w2 (blind) *\$"' sh "$DIR/queue-note-80x24.screen"
t_check "80x24: the workload screen's status line carries no queue note" \
	sh -c 'tail -1 "$1" | grep -qv "mcal_w"' sh "$DIR/workload-80x24.screen"
t_check "160x48: the queue marks S-002 overdue and names both readers" \
	grep -q "^S-002 .*! first: mcal_w1, second: mcal_w2 (blind)" "$DIR/queue-reads-160x48.screen"
# the command-line twin: the same core call, the same figures
t_run 0 assign workload --format tsv
t_check "assign workload: mcal_w1 3 open, 1 overdue; mcal_w2 2 open, none overdue" \
	test "$(cut -f1-3,5 "$OUT" | tr '\t' ' ')" = "$(printf 'mcal_w1 3 1 Knox County\nmcal_w2 2 0 Maury County')"
t_run 0 assign workload --format json
t_check "assign workload --format json: the oldest read's date" \
	jq -e '.[0].oldest_at == "2026-11-13T09:00:00Z" and (.[0].oldest_age_days | type) == "number"' "$OUT"
as mcal_w1 assign workload
t_check "an assessor is refused assign workload (exit 1)" test "$RC" -eq 1
replay mcal_w1 "$DIR/refused-80x24.keys" 80x24
t_check "an assessor is refused the workload, in words" \
	grep -q "seeing everyone.s workload needs a coordinator or higher" "$DIR/refused-80x24.screen"
done_testing
