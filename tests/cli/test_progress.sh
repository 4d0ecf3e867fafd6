#!/bin/sh
# Long work on a terminal (issue 14): progress as a percentage, rewritten in place
# with no debris; nothing when stderr is not a terminal; Ctrl-C says what was kept
# (nothing, for import and check), exits 130, and the database is as it was.
# A terminal is made with script(1) from util-linux.
. "$TOP_SRCDIR/tests/cli/lib.sh"
if ! command -v script >/dev/null 2>&1; then
	echo "1..0 # SKIP script(1) is not installed"
	exit 0
fi
t_init_db
H='submission_id,educator_id,educator_name,district,school,credential,submitted_at,part,kind,text,file'
# rows FILE FIRST LAST: one text submission per row
rows() { { echo "$H"; awk -v a="$2" -v b="$3" 'BEGIN { for (i = a; i <= b; i++)
	printf "P-%d,PE-%d,Name %d,Knox,,TEAM-QUES,2026-11-22,overview,text,evidence %d,\n", i, i, i, i }'; } >"$1"; }

# pty LOG COMMAND...: run mcassess on $DB under a terminal, the terminal's bytes in
# LOG, its pid in $T/pid; in the background when PTY_BG is set.
pty() {
	_log=$1; shift
	printf '%s\n' "exec \"$MCASSESS\" --db \"$DB\" $*" >"$T/pty.sh"
	RC=0
	if [ -n "${PTY_BG:-}" ]; then
		script -qfec "echo \$\$ >$T/pid; . $T/pty.sh" "$_log" >/dev/null </dev/null &
		PTY_PID=$!
	else
		script -qfec "echo \$\$ >$T/pid; . $T/pty.sh" "$_log" >/dev/null </dev/null || RC=$?
	fi
}
# wait_for LOG TEXT: until LOG holds TEXT (30 s at most)
wait_for() {
	_i=0
	while ! grep -qF -- "$2" "$1" 2>/dev/null; do
		_i=$((_i + 1)); [ $_i -gt 3000 ] && return 1
		sleep 0.01
	done
}
esc=$(printf '\033')
cr=$(printf '\r')
# every progress line (after a CR) ends by clearing the rest of the line
no_debris() { # LOG PREFIX
	tr '\r' '\n' <"$1" | grep -F -- "$2" | grep -vF -- "$esc[K" >"$T/debris" || true
	if [ -s "$T/debris" ]; then t_fail "no debris: every '$2' line clears to its end"; t_diag "$T/debris"
	else t_ok "no debris: every '$2' line clears to its end"; fi
}

# ---------------------------------------------------------------- import: progress
rows "$T/a.csv" 1 3000
pty "$T/imp.log" import "$T/a.csv"
t_check "import under a terminal exits 0" [ "$RC" -eq 0 ]
t_check "import shows a percentage" grep -qE "importing: [0-9]+% \([0-9]+ of 3000 submissions\)" "$T/imp.log"
no_debris "$T/imp.log" "importing:"
t_check "the progress line is cleared before the summary" grep -qF "$cr$esc[Kimported 3000 submissions" "$T/imp.log"
rows "$T/b.csv" 3001 6000
mc import "$T/b.csv"
t_check "piped: no progress on stderr" test ! -s "$ERR"

# ---------------------------------------------------------------- import: Ctrl-C mid-write
rows "$T/c.csv" 6001 40000
t_snapshot
PTY_BG=1 pty "$T/int.log" import "$T/c.csv"
if wait_for "$T/int.log" "importing: "; then
	kill -INT "$(cat "$T/pid")"
	wait "$PTY_PID" || RC=$?
	t_check "Ctrl-C mid-import exits 130 (got $RC)" [ "$RC" -eq 130 ]
	t_check "and says nothing was changed" grep -qF "mcassess: interrupted; nothing was changed" "$T/int.log"
	t_db_unchanged
else
	kill "$PTY_PID" 2>/dev/null; t_fail "the import showed progress"
fi
# without a terminal too: mid-write is once it has read its whole input (the
# import's page cache holds its rows until the commit, so the WAL no longer
# grows on the way), and a moment for the parse
"$MCASSESS" --db "$DB" import "$T/c.csv" >"$OUT" 2>"$ERR" & MPID=$!
_sz=$(stat -c %s "$T/c.csv")
_i=0; while _r=$(awk '/^rchar/ { print $2 }' /proc/"$MPID"/io 2>/dev/null) && [ "${_r:-0}" -lt "$_sz" ]; do
	_i=$((_i + 1)); [ $_i -gt 3000 ] && break; sleep 0.01; done
sleep 0.2
kill -INT "$MPID"; RC=0; wait "$MPID" || RC=$?
t_check "piped Ctrl-C exits 130 (got $RC)" [ "$RC" -eq 130 ]
t_check "the message, alone" test "$(cat "$ERR")" = "mcassess: interrupted; nothing was changed"
t_db_unchanged

# ---------------------------------------------------------------- check: progress and Ctrl-C
pty "$T/check.log" check
t_check "check under a terminal exits 0" [ "$RC" -eq 0 ]
t_check "check names the integrity step" grep -qF "checking the database's integrity..." "$T/check.log"
t_check "check shows a percentage" grep -qE "checking evidence: [0-9]+%" "$T/check.log"
no_debris "$T/check.log" "checking"
mc check
t_check "piped: check shows no progress" test ! -s "$ERR"
t_stdout_has "all good:"

# ---------------------------------------------------------------- search: a rebuild of the index
# (the import left the index built: the first search has nothing to index)
pty "$T/first.log" search evidence
t_check "the first search after an import indexes nothing" sh -c "! grep -qi index '$T/first.log'"
pty "$T/search.log" search --reindex
t_check "search --reindex under a terminal exits 0" [ "$RC" -eq 0 ]
t_check "it says what it indexes" grep -qF "search: 6000 evidence items and 0 feedback texts are new to the index (Ctrl-C stops; the next search carries on)" "$T/search.log"
t_check "with a percentage" grep -qE "indexing evidence for search: [0-9]+%" "$T/search.log"
no_debris "$T/search.log" "indexing evidence"
# the ranking of results of an older version (as after an upgrade): built once, told
sql "UPDATE meta SET value = '1' WHERE key = 'search.impact'"
pty "$T/rank.log" search evidence
t_check "a search that builds the ranking exits 0 (got $RC)" [ "$RC" -eq 0 ]
t_check "it says what it builds" grep -qE "search: the ranking of results is built once for this version, over [0-9]+ evidence items \(Ctrl-C stops; the next search carries on\)" "$T/rank.log"
t_check "with a percentage" grep -qE "building the ranking index: [0-9]+%" "$T/rank.log"
no_debris "$T/rank.log" "building the ranking"
t_check "and then it is built" test "$(sql "SELECT value FROM meta WHERE key = 'search.impact'")" = 7
pty "$T/rank2.log" search evidence
t_check "the next search builds nothing" sh -c "! grep -qi 'ranking' '$T/rank2.log'"

# ---------------------------------------------------------------- archive init: progress and Ctrl-C
cp "$DB" "$T/arch.db"
DB0=$DB
DB=$T/arch.db
t_snapshot
PTY_BG=1 pty "$T/arch.log" archive init
if wait_for "$T/arch.log" "archiving the database: "; then
	kill -INT "$(cat "$T/pid")"
	RC=0; wait "$PTY_PID" || RC=$?
	if grep -qF "not available in this build" "$T/arch.log"; then
		t_ok "# SKIP no archive in this build"
	else
		t_check "Ctrl-C in archive init exits 130 (got $RC)" [ "$RC" -eq 130 ]
		t_check "and says what is kept" grep -qE "mcassess: interrupted; (the database was not changed|the archive .* is set up for this database; what it does not hold yet waits in the outbox)" "$T/arch.log"
		# true to its word: the archive's work was not taken up again on the way out
		if grep -qF "is set up for this database" "$T/arch.log"; then
			mc check
			t_check "the interrupted work still waits (exit $RC)" grep -qF "waits in the outbox" "$OUT"
		else
			t_db_unchanged
		fi
		pty "$T/arch2.log" archive init
		t_check "archive init again finishes" [ "$RC" -eq 0 ]
		t_check "archive init shows a percentage" grep -qE "(archiving the database|writing the archive): [0-9]+%" "$T/arch.log" "$T/arch2.log"
		no_debris "$T/arch2.log" "archiv"
		mc check
		t_check "and the database and its archive agree (exit $RC)" [ "$RC" -eq 0 ]
	fi
else
	kill "$PTY_PID" 2>/dev/null
	if grep -qF "not available in this build" "$T/arch.log"; then t_ok "# SKIP no archive in this build"
	else t_fail "archive init showed progress"; t_diag "$T/arch.log"; fi
fi
DB=$DB0

# ---------------------------------------------------------------- demo: the last line
# 400 educators: about 700 submissions, a progress line on the way (one every 500)
# then the last, and an export of 350 kB below, far more than the pipe holds (the
# 1,000 of before were 1,750 submissions, 15 s of CPU under ASan for nothing more)
DB=$T/demo.db
pty "$T/demo.log" demo --educators 400
t_check "demo under a terminal: a progress line on the way" grep -qE "demo: 500 of about [0-9]+ submissions written" "$T/demo.log"
t_check "demo under a terminal exits 0" [ "$RC" -eq 0 ]
no_debris "$T/demo.log" "demo: "
t_check "the last line is whole: N of N written, cleared to its end" \
	grep -qE "demo: ([0-9]+) of \\1 submissions written$esc\\[K" "$T/demo.log"
# ---------------------------------------------------------------- export: Ctrl-C
# Its output goes into a pipe nobody reads: once the pipe is full the export
# waits there, is interrupted, then is let go (64 KiB read) and must stop.
mkfifo "$T/fifo"
exec 3<>"$T/fifo"
"$MCASSESS" --db "$DB" export results --format json >"$T/fifo" 2>"$ERR" & MPID=$!
_i=0; until grep -q pipe_write "/proc/$MPID/wchan" 2>/dev/null; do
	_i=$((_i + 1)); [ $_i -gt 3000 ] && break; sleep 0.01; done
kill -INT "$MPID"
dd bs=65536 count=1 <&3 >/dev/null 2>&1
RC=0; wait "$MPID" || RC=$?
exec 3<&-
t_check "Ctrl-C in export exits 130 (got $RC)" [ "$RC" -eq 130 ]
t_check "and says the output is incomplete" test "$(cat "$ERR")" = "mcassess: interrupted; the output is incomplete"

# Ctrl-C in a new database's demo: nothing of the demo is kept (batches of 20000)
DB=$T/demo2.db
PTY_BG=1 pty "$T/demo2.log" demo --educators 3000
if wait_for "$T/demo2.log" "demo: "; then
	kill -INT "$(cat "$T/pid")"
	RC=0; wait "$PTY_PID" || RC=$?
	t_check "Ctrl-C in demo exits 130 (got $RC)" [ "$RC" -eq 130 ]
	t_check "and says what is kept" grep -qF "mcassess: interrupted; no demo data was written (the new database was set up as 'init' does)" "$T/demo2.log"
	t_check "no submission is left" [ "$(sql "SELECT count(*) FROM submission")" = 0 ]
else
	kill "$PTY_PID" 2>/dev/null; t_fail "the demo showed progress"
fi
done_testing
