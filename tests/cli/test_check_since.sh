#!/bin/sh
# test_check_since.sh: `check --since-last` looks only at what came after the last
# clean check, and still finds a tampering there (and at the boundary).
. "$TOP_SRCDIR/tests/cli/lib.sh"
. "$FIXTURES/scoring/setup.sh"
scoring_db

# No clean check yet: everything is checked.
t_run 0 check --since-last
t_stdout_has "no clean check recorded yet: everything was checked"
t_stdout_has "all good: 3 submissions, 10 evidence items"

mc score S-1 O1 demonstrated
mc score S-1 O2 progressing
t_run 0 check
t_stdout_has "all good:"
# where that check ended: the newest evidence row and audit row 3
t_run 0 check --since-last
t_stdout_has "since the last clean check: evidence items after #10, audit rows from 3 on"
t_stdout_has "all good:"

# Work through mcassess after it: checked from there, clean, and the marks move on.
mc score S-1 O1 progressing
t_run 0 check --since-last
t_stdout_has "audit rows from 3 on"
t_run 0 check --since-last
t_stdout_has "audit rows from 4 on"

sqlite3 "$DB" ".backup '$T/clean.db'"
restore() {
	rm -f "$DB" "$DB-wal" "$DB-shm"
	cp "$T/clean.db" "$DB"
}

# ---- evidence added since, its text not matching its SHA-256
sql "INSERT INTO evidence(submission_id, seq, part_id, kind, text, sha256, words, media_type)
     SELECT submission_id, 9, part_id, 'text', 'added behind its back', 'not-the-hash', 4, 'text/plain'
     FROM evidence WHERE id = 1"
t_run 1 check --since-last
t_stdout_has "problem: evidence S-1 #9 (overview): the text does not match its recorded SHA-256"
t_stderr_has "check found 1 problem"
restore

# ---- an audit row written since, edited
mc score S-2 O1 demonstrated
sql "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'mallory' WHERE seq = (SELECT max(seq) FROM audit)"
t_run 1 check --since-last
t_stdout_has "submission:S-2, by mallory"
t_stdout_has "was edited: its hash does not match its contents"
t_stdout_has "problem: database: the trigger 'audit_no_update' is missing"
restore

# ---- the boundary row itself edited, its hash recomputed to match: still found
sql "DROP TRIGGER audit_no_update; UPDATE audit SET hash = 'f00d' WHERE seq = 4"
t_run 1 check --since-last
t_stdout_has "problem: audit log: row 4 was changed after the last clean check"
restore

# ---- the newest audit rows deleted since
mc score S-2 O1 demonstrated
mc score S-2 O2 demonstrated
sql "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)"
t_run 1 check --since-last
t_stdout_has "the newest rows were deleted"
restore

# ---- older evidence edited in place is the whole check's to find (it reads all)
sql "UPDATE evidence SET text = text || '!' WHERE submission_id = 2 AND seq = 1"
t_run 0 check --since-last
t_run 1 check
t_stdout_has "problem: evidence S-2 #1 (overview): the text does not match its recorded SHA-256"
restore

# ---- a failed check records nothing: the next one starts where the last clean one ended
mc score S-2 O1 demonstrated
sql "UPDATE status_count SET n = n + 3 WHERE status = 'queued'"
t_run 1 check --since-last
sql "UPDATE status_count SET n = n - 3 WHERE status = 'queued'"
t_run 0 check --since-last
t_stdout_has "audit rows from 4 on"

# ---- the report counters: those of the days and submissions written since the
# last clean check are recounted, and one edited in SQLite there is named
restore
t_run 0 check
mc score S-3 O1 demonstrated # S-3 goes from queued to in progress: its day's counters change
S3_DAY=$(sql "SELECT substr(submitted_at, 1, 10) FROM submission WHERE ext_id = 'S-3'")
sql "UPDATE report_day SET n = n + 2 WHERE day = '$S3_DAY' AND status = 'in_progress'"
t_run 1 check --since-last
t_stdout_has "problem: report counter (by day) for $S3_DAY,"
t_stdout_has "in_progress, first attempts, says 3 but 1 submission matches it"
sql "UPDATE report_day SET n = n - 2 WHERE day = '$S3_DAY' AND status = 'in_progress';
	UPDATE report_submission SET decided_at = '2026-01-01T00:00:00Z'
	WHERE submission_id = (SELECT id FROM submission WHERE ext_id = 'S-3')"
t_run 1 check --since-last
t_stdout_has "problem: submission S-3: the facts kept for the turnaround and assessors reports differ"
restore
# a month no change since touched: --since-last leaves it (its time is the change's,
# not the database's); the whole check recounts every counter and names it
t_run 0 check
mc score S-3 O1 demonstrated
sql "INSERT INTO report_month (month, credential_id, district_id, status, first, n, attempts)
	VALUES ('1999-01', (SELECT min(id) FROM credential), 0, 'queued', 1, 5, 5)"
t_run 0 check --since-last
t_stdout_has "all good:"
t_run 1 check
t_stdout_has "problem: report counter (by month) for 1999-01,"
t_stdout_has "queued, first attempts, says 5 but 0 submissions match it"
restore
# agreement's counts (pairs of reads) of a day written since are recounted too
t_run 0 check
sql "INSERT INTO report_agree_count VALUES ('day', '$S3_DAY', 0, 1, 0, 0, 'nobody', 3, 0, 0, 4)"
t_run 1 check --since-last
t_stdout_has "problem: agreement counter (by day) for $S3_DAY,"
t_stdout_has "earlier reads by nobody against the final ones, says 4 but 0 pairs of reads match it"
restore
# a month that several days written since belong to is recounted once, not once a day:
# month_once WHAT TAMPER MESSAGE RECOUNT: three days of 2026-02 written since and TAMPER
# (SQL) on the month's counter; --since-last names MESSAGE once, and of the statements it
# runs, one has RECOUNT (the month's kept counts read)
month_once() {
	t_run 0 check
	mc score S-1 O1 demonstrated
	mc score S-2 O1 demonstrated
	mc score S-3 O1 demonstrated
	sql "$2"
	MCASSESS_SQL_TRACE=$T/since-month-$1.sql
	export MCASSESS_SQL_TRACE
	t_run 1 check --since-last
	unset MCASSESS_SQL_TRACE
	t_stdout_has "$3"
	t_check "$1: the month's difference named once ($(grep -cF -- "$3" "$OUT") times)" \
		test "$(grep -cF -- "$3" "$OUT")" -eq 1
	t_check "$1: the month recounted once for three days ($(grep -cF -- "$4" "$T/since-month-$1.sql") statements)" \
		test "$(grep -cF -- "$4" "$T/since-month-$1.sql")" -eq 1
	restore
}
month_once agreement "INSERT INTO report_agree_count VALUES ('month', '2026-02', 0, 1, 0, 0, 'nobody', 3, 0, 0, 4)" \
	"problem: agreement counter (by month) for 2026-02," "report_agree_count WHERE per = 'month'"
month_once assessors "INSERT INTO report_assigned_count VALUES ('month', '2026-02', 0, 'nobody', 3, 0, 0, NULL, NULL)" \
	"problem: assessors counter (by month) for 2026-02, (no district), nobody says 3 assignments, 0 done" \
	"report_assigned_count WHERE per = 'month'"
month_once turnaround "INSERT INTO report_turn_count VALUES ('month', '2026-02', 'decide', 0, 0, 21600, 4)" \
	"problem: turnaround counter (by month) for 2026-02, (no credential), (no district), submissions decided within" \
	"report_turn_count WHERE per = 'month'"
month_once "own progress" \
	"INSERT INTO report_own_progress VALUES ('nobody', 'month', '2026-02', 0, 0, 'queued', 1, 3, 3)" \
	"problem: own progress counter of nobody (by month) for 2026-02, (no credential), (no district), queued, first" \
	"at = substr(?1, 1, 7) AND per = 'month'"
# one day's recount of the assessors' counts and turnaround seeks the day, its month
# and its submissions: a condition that also allows the whole check's NULL (?1 IS
# NULL OR ...) kept SQLite from seeking by it, a walk of every day's counts or rows
# for each day written since (EXPLAIN QUERY PLAN; no statistics: the plans do not
# depend on the data)
t_run 0 check
mc score S-1 O1 demonstrated
mc score S-2 O1 demonstrated
MCASSESS_SQL_TRACE=$T/since-plans.sql
export MCASSESS_SQL_TRACE
t_run 0 check --since-last
unset MCASSESS_SQL_TRACE
sed -n 's/^(prepared) //p' "$T/since-plans.sql" | grep -E 'FROM report_(assigned|turn)(_count)? ' | sort -u \
	>"$T/since-recounts.sql"
R=$T/since-recounts.sql
t_check "the day's recounts were traced ($(wc -l <"$R") statements)" \
	sh -c "grep -q 'FROM report_assigned_count ' '$R' && grep -q 'FROM report_turn_count ' '$R'"
: >"$T/walks"
while IFS= read -r q; do
	sqlite3 "$DB" "EXPLAIN QUERY PLAN $q" >"$T/plan" 2>&1 || echo "cannot plan: $q" >>"$T/walks"
	grep -E 'SCAN (report_[a-z_]+|f)$|USING PRIMARY KEY \(per=\?\)$' "$T/plan" |
		sed "s|^|$(printf '%.70s' "$q") ... |" >>"$T/walks"
done <"$T/since-recounts.sql"
if [ -s "$T/walks" ]; then
	t_fail "a day's recounts seek its counts and rows, never walk them all"
	t_diag "$T/walks"
else
	t_ok "a day's recounts seek its counts and rows, never walk them all"
fi
restore
# another process writing: a clean check does not wait to record where it ended (it
# can do without), says so, and the next --since-last starts from the last one recorded
t_run 0 check
mc score S-1 O1 demonstrated
db_lock
t_run 0 check
t_stdout_has "all good:"
t_stderr_has "the database was busy (or cannot be written), so where this check ended was not recorded"
db_unlock
t_run 0 check --since-last
t_stdout_has "since the last clean check:"
t_check "and where it ended recorded this time" sh -c "! grep -q 'was not recorded' '$ERR'"
restore

t_run 0 check --help
t_stdout_has "--since-last"

done_testing
