#!/bin/sh
# test_reads_screens.sh: the review process in the workstation, in-process at
# 80x24 and 160x48, with real OS accounts (useradd, as root; else skipped): the
# adjudicator sees both reads side by side; the approver's queue is what awaits
# approval, A approves (asking first), R returns it to the readers with a reason.
# Each script in tests/tui/reads/ runs on a copy of one database; each screen it
# dumps must equal reads/NAME.screen (GENERATE=1 copies them there instead;
# anonymous ids, which are random, read anon-XXXXXXXX), and
# the database must hold what the keys did.
. "$TOP_SRCDIR/tests/cli/lib.sh"
DIR=$TOP_SRCDIR/tests/tui/reads
t_init_db
A=mcrd_a B=mcrd_b C=mcrd_c P=mcrd_p O=mcr11_co
t_accounts $A $B $C $P $O || t_skip_all "not root (useradd, runuser)"
mc import "$DIR/subs.csv"
[ "$RC" -eq 0 ] || { echo "Bail out! the fixture did not load"; cat "$ERR"; exit 1; }
for u in $A $B; do mc people add $u --role assessor --district North; done
mc people add $C --role assessor --district South
mc people add $P --role approver
mc config reads 2
# read_as USER ID LEVEL A1-LEVEL OUTCOME: every criterion at LEVEL (A1 at its
# own), feedback, and the read ended with OUTCOME
read_as() {
	for c in O1 O2 A1 A2 A3 A4 A5 R1 R2; do
		l=$3
		[ "$c" = A1 ] && l=$4
		as "$1" score "$2" $c "$l"
	done
	as "$1" feedback "$2" "Feedback from $1 on $2."
	as "$1" decide "$2" "$5"
	[ "$RC" -eq 0 ] || { echo "Bail out! $1 could not end the read of $2"; cat "$ERR"; exit 1; }
}
for id in RD-1 RD-2 RD-3 RD-4; do mc assign $id $A; mc assign $id $B --read second; done
read_as $A RD-1 3 3 earned
read_as $B RD-1 3 3 earned
read_as $A RD-2 3 3 earned
read_as $B RD-2 3 2 resubmit
read_as $A RD-3 3 2 resubmit
read_as $B RD-3 3 2 resubmit
for c in O1 O2 A1 A2 A3 A4 A5 R1 R2; do # RD-4: the second read scored, not ended; the first scored
	as $B score RD-4 $c 1 --comment "second-read-secret"
	as $A score RD-4 $c 3
done
t_check "the fixture: RD-1 and RD-3 await approval, RD-2 is C's to adjudicate" \
	[ "$(sql "SELECT group_concat(ext_id || ':' || status, ' ') FROM (SELECT * FROM submission ORDER BY ext_id)")|$(sql "SELECT assessor FROM assignment WHERE read = 'adjudication'")" = "RD-1:awaiting_approval RD-2:in_progress RD-3:awaiting_approval RD-4:in_progress|$C" ]
cp "$DB" "$F/base.db"
# needs.db: RD-2's adjudicator gave the read back, so RD-2 needs adjudication;
# O coordinates North
mc people add $O --role coordinator --district North
sql "DELETE FROM assignment WHERE read = 'adjudication'" >/dev/null
sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null && cp "$DB" "$F/needs.db"
# the accounts' own (empty) config, not the test's private one they cannot read
mkdir -p "$F/config" && chmod 0777 "$F/config"
MCASSESS_TUI_NOW=2026-11-22T12:00:00Z TERM=xterm NO_COLOR=1 LC_ALL=C.UTF-8 XDG_CONFIG_HOME=$F/config
export MCASSESS_TUI_NOW TERM NO_COLOR LC_ALL XDG_CONFIG_HOME

same_file() {
	if diff -u "$1" "$2" >"$T/diff" 2>&1; then t_ok "$3"; else t_fail "$3"; t_diag "$T/diff"; fi
}
# run USER SCRIPT: replay reads/SCRIPT.keys as USER on a fresh copy of the
# database, and compare every screen it dumps.
run() {
	cp "$F/${BASE:-base}.db" "$DB" && chmod 0666 "$DB" && rm -f "$DB-wal" "$DB-shm"
	D=$F/dumps-$2
	mkdir -p "$D" && chmod 0777 "$D"
	MCASSESS_TUI_SCRIPT=$DIR/$2.keys MCASSESS_TUI_SIZE=${2##*-} MCASSESS_TUI_DUMP_DIR=$D
	export MCASSESS_TUI_SCRIPT MCASSESS_TUI_SIZE MCASSESS_TUI_DUMP_DIR
	as "$1" tui
	unset MCASSESS_TUI_SCRIPT MCASSESS_TUI_SIZE MCASSESS_TUI_DUMP_DIR
	t_check "$2: replayed as $1, exit 0 (got $RC), nothing on stderr" [ "$RC" -eq 0 ] && [ ! -s "$ERR" ]
	t_check "$2: every screen dumped" [ "$(ls "$D" | wc -l)" -eq "$(grep -c '^:dump ' "$DIR/$2.keys")" ]
	for dump in "$D"/*; do
		sed -i 's/anon-[0-9a-f]\{8\}/anon-XXXXXXXX/' "$dump" # anonymous ids are random
		want=$DIR/$(basename "$dump").screen
		[ -n "${GENERATE:-}" ] && cp "$dump" "$want"
		same_file "$want" "$dump" "$2: screen $(basename "$dump")"
	done
}
status() { sql "SELECT status FROM submission WHERE ext_id = '$1'"; }

for size in 80x24 160x48; do
	run $A reader-$size
	t_check "reader-$size: nothing of the second read on the first reader's screen" \
		sh -c '! grep -q "second\|Not Met (does\|secret" "$1"/reader-open-*' sh "$F/dumps-reader-$size"
	t_check "reader-$size: the first read ended, not decided" \
		[ "$(sql "SELECT read || ':' || assessor || ':' || outcome FROM read_decision r JOIN submission s ON s.id = r.submission_id WHERE s.ext_id = 'RD-4'")|$(status RD-4)|$(sql "SELECT count(*) FROM decision")" = "first:$A:earned|in_progress|0" ]
	run $C adjudicator-$size
	t_check "adjudicator-$size: the side by side view writes nothing" [ "$(status RD-2)" = in_progress ]
	run $P approve-$size
	t_check "approve-$size: RD-1 approved: earned, decided by the approver" \
		[ "$(status RD-1)|$(sql "SELECT decided_by FROM decision")" = "earned|$P" ]
	t_check "approve-$size: RD-3 still awaits approval" [ "$(status RD-3)" = awaiting_approval ]
	# approvers cannot score: the rubric's header names their keys instead
	t_check "approve-$size: the approver's rubric says A approve, X return, never digits score" \
		sh -c 'grep -q "Rubric v1 .*· A approve, X return\$" "$1"/approve-open-* && ! grep -q "digits score" "$1"/*' \
		sh "$F/dumps-approve-$size"
	t_check "adjudicator-$size: a reader's rubric still says digits score" \
		grep -q "digits score" "$F/dumps-adjudicator-$size/adjudicator-$size"
	BASE=needs run $O needs-$size
	t_check "needs-$size: the queue says RD-2 needs adjudication, the filter leaves it alone" \
		sh -c 'grep -q "needs adjudication" "$1"/needs-queue-* && grep -q "RD-2" "$1"/needs-filtered-* &&
			! grep -q "RD-4" "$1"/needs-filtered-*' sh "$F/dumps-needs-$size"
	run $P return-$size
	t_check "return-$size: RD-1 returned to its readers, with the reason" \
		[ "$(status RD-1)|$(sql "SELECT json_extract(after, '\$.reason') FROM audit WHERE action = 'return'")" = "in_progress|Look at A1 again." ]
done
done_testing
