#!/bin/sh
# test_check.sh: `check` is quiet on a clean database and names each tampering.
. "$TOP_SRCDIR/tests/cli/lib.sh"
. "$FIXTURES/scoring/setup.sh"
scoring_db

t_run 0 check
t_stdout_has "all good: 3 submissions, 10 evidence items (1 stored file), 0 scores, 0 feedback, 0 decisions, 0 audit rows checked"

# Work done through mcassess keeps the database clean.
mc score S-1 O1 demonstrated
mc score S-1 O2 progressing
printf 'More wait time.\n' >"$T/fb.txt"
mc feedback S-2 --file "$T/fb.txt"
mc decide S-2 resubmit
t_run 0 check
t_stdout_has "all good: 3 submissions, 10 evidence items (1 stored file), 2 scores, 1 feedback, 1 decision, 5 audit rows checked"

sqlite3 "$DB" ".backup '$T/clean.db'"
restore() {
	rm -f "$DB" "$DB-wal" "$DB-shm"
	cp "$T/clean.db" "$DB"
	printf 'lesson plan\n' >"$LESSON_FILE"
}

# ---- an evidence file edited on disk, then missing
printf 'lesson plan, edited\n' >"$LESSON_FILE"
t_run 1 check
t_stdout_has "problem: evidence S-1 #4 (artifact, 'lesson.txt'): stored file $LESSON_FILE no longer matches its SHA-256"
t_stderr_has "mcassess: check found 1 problem in $DB"
rm -f "$LESSON_FILE"
t_run 1 check
t_stdout_has "stored file $LESSON_FILE is missing"
restore

# ---- an evidence text edited in SQLite
sql "UPDATE evidence SET text = text || '!' WHERE submission_id = 2 AND seq = 1"
t_run 1 check
t_stdout_has "problem: evidence S-2 #1 (overview): the text does not match its recorded SHA-256"
restore

# ---- an audit row deleted
sql "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 2"
t_run 1 check
t_stdout_has "problem: audit log: row 2 is missing (deleted)"
t_stdout_has "problem: database: the trigger 'audit_no_delete' is missing"
restore

# ---- a score edited through sqlite3
sql "UPDATE score SET level_id = level_id + 1 WHERE criterion_id = 2"
t_run 1 check
t_stdout_has "problem: score S-1 O2 is 'demonstrated' but the last audited change"
t_stdout_has "made it 'progressing': changed outside mcassess"
t_stderr_has "check found 1 problem"
restore

# ---- feedback whose audited JSON has escapes (line breaks, a quote, a tab, a
# backslash) and letters outside ASCII, read in place since chk15 (not by
# jansson): nothing to say of it clean; its text changed in SQLite is named
printf 'Tom\303\241s: "more" wait\ttime \\ \342\200\223 \360\237\230\200\nsecond line\n' >"$T/fb2.txt"
mc feedback S-1 --file "$T/fb2.txt"
t_run 0 check
t_stdout_has "all good"
sqlite3 "$DB" "SELECT after FROM audit WHERE action = 'feedback' AND subject = 'submission:S-1'" >"$T/fb2.json"
for e in '\n' '\t' '\"' '\\' "$(printf 'Tom\303\241s')"; do
	t_check "the audited feedback's JSON has $e in it" grep -qF -- "$e" "$T/fb2.json"
done
sql "UPDATE feedback SET body = replace(body, 'wait', 'Wait') WHERE submission_id = (SELECT id FROM submission WHERE ext_id = 'S-1')"
t_run 1 check
t_stdout_has "problem: feedback on S-1 is not the text the last audited change"
t_stderr_has "check found 1 problem"
restore

# ---- a status counter edited
sql "UPDATE status_count SET n = n + 3 WHERE status = 'queued'"
t_run 1 check
t_stdout_has "problem: status counter 'queued' says 4 but 1 submission has that status"
restore

# ---- a row whose parent is gone (the foreign key check) and a counter edited: the
# integrity check runs on a connection of its own beside the other parts, and what
# it finds still comes first, as it does when it runs alone first (SERIAL)
sql "INSERT INTO assignment (uid, submission_id, assessor, assigned_by, at)
	VALUES ('orphan', 999, 'ann', 'ann', '2026-01-01T00:00:00Z');
	UPDATE status_count SET n = n + 3 WHERE status = 'queued'"
for serial in 0 1; do
	MCASSESS_CHECK_SERIAL=$serial
	export MCASSESS_CHECK_SERIAL
	t_run 1 check
	t_stdout_has "problem: foreign key: assignment row"
	t_stdout_has "problem: status counter 'queued' says 4"
	t_check "the database's problem comes first (MCASSESS_CHECK_SERIAL=$serial)" \
		awk '/foreign key/ { f = NR } /status counter/ { c = NR } END { exit !(f && c && f < c) }' "$OUT"
	t_stderr_has "check found 2 problems"
done
unset MCASSESS_CHECK_SERIAL
restore

# ---- the audit log is read once (issue 15): one walk by subject checks the
# records against it and the chain both, the chain through an order-free sum
# (audit_sum); no walk in seq order while the chain is whole
MCASSESS_SQL_TRACE=$T/once.sql
export MCASSESS_SQL_TRACE
t_run 0 check
unset MCASSESS_SQL_TRACE
t_check "a clean check reads the audit log once, by subject ($(grep -c ' FROM audit WHERE subject >= ' "$T/once.sql") walk)" \
	sh -c "[ \$(grep -c ' FROM audit WHERE subject >= ' '$T/once.sql') -eq 1 ] && ! grep -q ' FROM audit ORDER BY seq' '$T/once.sql'"
# a broken chain is walked again in seq order for its messages, and every
# problem comes in the order it did when each part read the log itself: the
# chain's, the counters', then the records' (found in the same walk as the chain)
sql "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 2;
	UPDATE status_count SET n = n + 3 WHERE status = 'queued';
	UPDATE decision SET outcome = 'earned'"
for serial in 0 1; do
	MCASSESS_CHECK_SERIAL=$serial MCASSESS_SQL_TRACE=$T/broken$serial.sql
	export MCASSESS_CHECK_SERIAL MCASSESS_SQL_TRACE
	t_run 1 check
	unset MCASSESS_SQL_TRACE
	t_stdout_has "problem: audit log: row 2 is missing (deleted)"
	t_stdout_has "problem: status counter 'queued' says 4"
	t_stdout_has "problem: decision on S-2 is 'earned' but the last audited change"
	t_stdout_has "problem: submission S-2 was decided 'earned' but its status is 'resubmit'"
	t_check "the chain's problem, the counter's, then the records' (MCASSESS_CHECK_SERIAL=$serial)" \
		awk '/audit log: row 2/ { a = NR } /status counter/ { c = NR } /decision on S-2/ { d = NR }
			END { exit !(a && c && d && a < c && c < d) }' "$OUT"
	t_check "a broken chain is walked in seq order for its messages" grep -q ' FROM audit ORDER BY seq' "$T/broken$serial.sql"
done
unset MCASSESS_CHECK_SERIAL
restore

# ---- a decision that the submission's status does not reflect
sql "UPDATE submission SET status = 'in_progress' WHERE ext_id = 'S-2'"
t_run 1 check
t_stdout_has "problem: submission S-2 was decided 'resubmit' but its status is 'in_progress'"
restore

# ---- files a killed import left in the evidence directory, and check --repair
ORPHAN=$DB.evidence/5e/5e$(printf '%062d' 0)
mkdir -p "${ORPHAN%/*}"
printf 'stored by an import that was killed\n' >"$ORPHAN"
printf 'half a co' >"$DB.evidence/.incoming-Qw3rTy"
t_snapshot
t_run 1 check
t_stdout_has "problem: evidence: 2 files in $DB.evidence are used by no evidence item ("
t_stdout_has "left by an import that was stopped before it finished; 'mcassess check --repair' removes them"
t_stderr_has "mcassess: check found 1 problem in $DB"
t_db_unchanged
if [ "$(id -u)" -eq 0 ] && command -v useradd >/dev/null 2>&1 && command -v runuser >/dev/null 2>&1; then
	U=mccrrep
	id "$U" >/dev/null 2>&1 || useradd -M -N "$U" 2>/dev/null || useradd -M "$U"
	chmod -R a+rwX "$T" # $U is none of the database's people: no audited change to them
	RC=0
	t_user "$U" "$MCASSESS" --db "$DB" check --repair >"$OUT" 2>"$ERR" || RC=$?
	t_check "someone not an admin may not repair (exit $RC)" [ "$RC" -eq 1 ]
	t_stderr_has "remove unused evidence files"
	t_check "the files are still there" sh -c '[ -f "$1" ] && [ -f "$2" ]' - "$ORPHAN" "$DB.evidence/.incoming-Qw3rTy"
else
	for i in 1 2 3; do t_ok "someone not an admin may not repair # SKIP not root (useradd, runuser)"; done
fi
t_run 0 check --repair
t_stdout_has "repair: removed 2 evidence files that no evidence item used"
t_stdout_has "all good: 3 submissions, 10 evidence items (1 stored file)"
t_check "the orphans are gone" sh -c '[ ! -e "$1" ] && [ ! -e "$2" ]' - "$ORPHAN" "$DB.evidence/.incoming-Qw3rTy"
t_check "the evidence in use stays" [ -f "$LESSON_FILE" ]
t_run 0 check --repair
t_stdout_has "repair: removed 0 evidence files that no evidence item used"

t_run 0 check
t_stdout_has "all good:"
t_run 2 check extra
t_run 0 check --help
t_stdout_has "problem: "

# Agreement's kept pairs of reads (report_pair) against the scores, in the whole
# check: a kept pair changed behind its back is named from both sides, the kept
# row that no score makes and the scores' row that is not kept.
DB=$T/pairs.db
"$MCASSESS" --db "$DB" demo --submissions 200 >/dev/null 2>&1
t_run 0 check
t_stdout_has "all good: 200 submissions"
PAIR=$(sql "SELECT s.ext_id || '|' || c.code || '|' || p.x_assessor || '|' || p.y_assessor || '|' || p.submission_id
	|| '|' || p.criterion_id || '|' || p.x_read || '|' || p.y_read FROM report_pair p
	JOIN submission s ON s.id = p.submission_id JOIN criterion c ON c.id = p.criterion_id
	ORDER BY p.submission_id DESC LIMIT 1")
IFS='|' read -r P_SUB P_CRIT P_X P_Y P_SID P_CID P_XR P_YR <<EOF_PAIR
$PAIR
EOF_PAIR
sql "UPDATE report_pair SET x_assessor = 'mcck15-nobody' WHERE submission_id = $P_SID AND criterion_id = $P_CID
	AND x_read = '$P_XR' AND y_read = '$P_YR'"
t_run 1 check
t_stdout_has "problem: submission $P_SUB: the pairs of reads kept for the agreement report differ from its scores (criterion $P_CRIT, mcck15-nobody and $P_Y)"
t_stdout_has "problem: submission $P_SUB: the pairs of reads kept for the agreement report differ from its scores (criterion $P_CRIT, $P_X and $P_Y)"
t_stderr_has "check found 2 problems"
sql "UPDATE report_pair SET x_assessor = '$P_X' WHERE submission_id = $P_SID AND criterion_id = $P_CID
	AND x_read = '$P_XR' AND y_read = '$P_YR'"
t_run 0 check
# Agreement's counts by month and for all time are the sums of their days (a walk
# of each table in its key's order, issue 15): a day's count deleted is named at
# its day and as the difference it makes to its month and all time; a month with
# no day and an assessor with no day at all, whose counts only the month and
# all-time rows hold, are named too.
sqlite3 "$DB" ".backup '$T/pairs-clean.db'"
OWN_KEY="assessor, per, at, district_id, final, credential_id, criterion_id, x_assessor, levels, x_pos, y_pos"
A_PICK="WHERE o.per = 'day' AND o.final AND o.n > 0 ORDER BY o.assessor, o.at, o.district_id, o.x_assessor,
	o.levels, o.x_pos, o.y_pos LIMIT 1"
ROW=$(sql "SELECT o.assessor || '|' || o.at || '|' || d.name || '|' || o.x_assessor || '|' || o.n || '|' || o.district_id
	|| '|' || (SELECT m.n FROM report_own_count m WHERE m.assessor = o.assessor AND m.per = 'month'
		AND m.at = substr(o.at, 1, 7) AND (m.district_id, m.final, m.credential_id, m.criterion_id, m.x_assessor,
		m.levels, m.x_pos, m.y_pos) = (o.district_id, o.final, o.credential_id, o.criterion_id, o.x_assessor,
		o.levels, o.x_pos, o.y_pos))
	|| '|' || (SELECT a.n FROM report_own_count a WHERE a.assessor = o.assessor AND a.per = 'all'
		AND (a.district_id, a.final, a.credential_id, a.criterion_id, a.x_assessor, a.levels, a.x_pos, a.y_pos)
		= (o.district_id, o.final, o.credential_id, o.criterion_id, o.x_assessor, o.levels, o.x_pos, o.y_pos))
	FROM report_own_count o JOIN district d ON d.id = o.district_id $A_PICK")
IFS='|' read -r A_WHO A_DAY A_DIST A_X A_N A_DID A_MONTH_N A_ALL_N <<EOF_ROW
$ROW
EOF_ROW
A_MONTH=$(echo "$A_DAY" | cut -c1-7)
A_WHAT="$A_DIST, earlier reads by $A_X against the final ones"
sql "DELETE FROM report_own_count WHERE ($OWN_KEY) = (SELECT $OWN_KEY FROM report_own_count o
	JOIN district d ON d.id = o.district_id $A_PICK)"
sql "INSERT INTO report_agree_count VALUES ('month', '2019-01', $A_DID, 1, 0, 0, 'mcc15-x', 3, 0, 0, 5);
	INSERT INTO report_own_count VALUES ('mcc15-nobody', 'all', '', $A_DID, 1, 0, 0, 'mcc15-x', 3, 0, 0, 7)"
t_run 1 check
t_stdout_has "problem: agreement counter of the pairs with a read by $A_WHO (by day) for $A_DAY, $A_WHAT, says 0 but $A_N pair"
t_stdout_has "problem: agreement counter of the pairs with a read by $A_WHO (by month) for $A_MONTH, $A_WHAT, says $A_MONTH_N but $((A_MONTH_N - A_N)) pair"
t_stdout_has "problem: agreement counter of the pairs with a read by $A_WHO (all time) for $A_WHAT, says $A_ALL_N but $((A_ALL_N - A_N)) pair"
t_stdout_has "problem: agreement counter (by month) for 2019-01, $A_DIST, earlier reads by mcc15-x against the final ones, says 5 but 0 pairs of reads match it"
t_stdout_has "problem: agreement counter of the pairs with a read by mcc15-nobody (all time) for $A_DIST, earlier reads by mcc15-x against the final ones, says 7 but 0 pairs of reads match it"
t_stderr_has "check found 5 problems"
cp "$T/pairs-clean.db" "$DB"
rm -f "$DB-wal" "$DB-shm"
t_run 0 check
# ...and all time's sums held in memory are its distinct keys, no more (the
# months merged in as they end; they took up to four times that, issue 15);
# with a day's count of each table one more, so that both walks run (a clean
# check's sums hold, and it walks neither)
sql "UPDATE report_agree_count SET n = n + 1 WHERE (${OWN_KEY#assessor, }) = (SELECT ${OWN_KEY#assessor, }
	FROM report_agree_count WHERE per = 'day' AND n > 0 LIMIT 1);
	UPDATE report_own_count SET n = n + 1 WHERE ($OWN_KEY) = (SELECT $OWN_KEY FROM report_own_count
	WHERE per = 'day' AND n > 0 LIMIT 1)"
MCASSESS_CHECK_TIMES=1 mc check
t_check "a day's count of each table changed: the walks ran" \
	sh -c "grep -q 'agreement counter (by day)' '$OUT' && grep -q 'agreement counter of the pairs with a read by .* (by day)' '$OUT'"
cp "$T/pairs-clean.db" "$DB"
rm -f "$DB-wal" "$DB-shm"
HELD=$(sed -n "s/^check time: agreement's sums for all time: \([0-9]*\) held at most$/\1/p" "$ERR")
KEYS=$(sql "SELECT max(n) FROM (SELECT count(*) AS n FROM report_agree_count WHERE per = 'all'
	UNION ALL SELECT count(*) FROM report_own_count WHERE per = 'all' GROUP BY assessor)")
t_check "agreement's sums for all time: ${HELD:-none} held at most, for $KEYS distinct keys" \
	test -n "$HELD" -a "${HELD:-0}" -gt 0 -a "${HELD:-0}" -le "$KEYS"
# Turnaround's and the assessors' own progress's whole recounts are first added
# up as sums (store_report.c: each side's rows and counts, by a keyed hash): a
# clean database runs neither recount's statement (each sorted every kept row
# and every row the facts say, and worked the facts out three times: issue 15)
MCASSESS_SQL_TRACE=$T/sums.sql mc check
t_stdout_has "all good: 200 submissions"
t_check "a clean check runs neither turnaround's nor the own progress's whole recount" \
	sh -c "! grep -q 'EXCEPT SELECT \* FROM report_turn_fact\|SELECT .submission. AS tb' '$T/sums.sql'"
# ...and the assessors' counts without their kept rows' EXCEPTs (the rows' sums
# are equal; the counts' first and last decisions are not sums: they still run)
t_check "a clean check compares the assessors' kept rows as sums" \
	sh -c "grep -q 'SELECT .day. AS tb, k, district_id AS did, assessor' '$T/sums.sql' &&
		! grep -q 'EXCEPT SELECT \* FROM report_assigned_fact' '$T/sums.sql'"
# Agreement's recount is added up the same way (the pairs as the scores say,
# report_pair's rows and both tables' counts): a clean check neither copies
# the pairs nor walks them (the copy, its two sorts and the walks were most of
# agreement's check: issue 15)
t_check "a clean check compares agreement's pairs and counts as sums" \
	sh -c "grep -q 'FROM report_pair_fact f LEFT JOIN' '$T/sums.sql' &&
		! grep -q 'CREATE TABLE temp.check_report_pair_fact\|FROM temp.check_report_pair_fact' '$T/sums.sql'"
# ...and every kind of change to them is still named, by that statement
pick() { # TABLE KEY WHERE: a row's key, as SQL values
	sql "SELECT quote($(echo "$2" | sed 's/, /) || '"', '"' || quote(/g')) FROM $1 WHERE $3 LIMIT 1 OFFSET 3"
}
tamper() { # SQL EXPECTED...: on a copy of the clean database, each expected line in the report
	cp "$T/pairs-clean.db" "$DB"
	rm -f "$DB-wal" "$DB-shm"
	sql "$1"
	shift
	t_run 1 check
	for want in "$@"; do
		t_stdout_has "$want"
	done
}
TURN_KEY="per, at, kind, upto, district_id, credential_id"
for per in day month all; do
	K=$(pick report_turn_count "$TURN_KEY" "per = '$per' AND n > 0")
	AT=$(echo "$K" | cut -d"'" -f4)
	case $per in day) WHAT="(by day) for $AT," ;; month) WHAT="(by month) for $AT," ;; all) WHAT="(all time) for " ;; esac
	tamper "UPDATE report_turn_count SET n = n + 1 WHERE ($TURN_KEY) = ($K)" "problem: turnaround counter $WHAT"
done
K=$(pick report_turn "submission_id, kind" "kind = 'decide'")
SUB=$(sql "SELECT ext_id FROM submission WHERE id = $(echo "$K" | cut -d, -f1)")
tamper "UPDATE report_turn SET secs = secs + 1 WHERE (submission_id, kind) = ($K)" \
	"problem: submission $SUB: its turnaround row (decided within" "is not what its facts say"
tamper "DELETE FROM report_turn WHERE (submission_id, kind) = ($K)" \
	"problem: submission $SUB: its turnaround row (decided within" "is missing"
OWN_KEY="assessor, per, at, credential_id, district_id, status, first"
for per in day month all; do
	K=$(pick report_own_progress "$OWN_KEY" "per = '$per' AND n > 0")
	WHO=$(echo "$K" | cut -d"'" -f2)
	AT=$(echo "$K" | cut -d"'" -f6)
	case $per in day) WHAT="(by day) for $AT," ;; month) WHAT="(by month) for $AT," ;; all) WHAT="(all time) for " ;; esac
	tamper "UPDATE report_own_progress SET n = n + 1 WHERE ($OWN_KEY) = ($K)" "problem: own progress counter of $WHO $WHAT"
	# the attempts alone, the number of submissions left as it is
	tamper "UPDATE report_own_progress SET attempts = attempts + 1 WHERE ($OWN_KEY) = ($K)" \
		"problem: own progress counter of $WHO $WHAT"
done
K=$(pick report_own_sub "submission_id, assessor" "decided_at IS NOT NULL")
WHO=$(echo "$K" | cut -d"'" -f2)
SUB=$(sql "SELECT ext_id FROM submission WHERE id = $(echo "$K" | cut -d, -f1)")
tamper "UPDATE report_own_sub SET decided_at = NULL WHERE (submission_id, assessor) = ($K)" \
	"problem: submission $SUB: the row kept for $WHO's own progress and turnaround reports is not what its facts and reads say"
tamper "DELETE FROM report_own_sub WHERE (submission_id, assessor) = ($K)" \
	"problem: submission $SUB: the row kept for $WHO's own progress and turnaround reports is missing"
ASG_KEY="per, at, district_id, assessor"
K=$(pick report_assigned_count "$ASG_KEY" "per = 'day' AND first_done IS NOT NULL")
WHO=$(echo "$K" | cut -d"'" -f6)
AT=$(echo "$K" | cut -d"'" -f4)
tamper "UPDATE report_assigned_count SET first_done = '2001-01-01T00:00:00Z' WHERE ($ASG_KEY) = ($K)" \
	"problem: assessors counter (by day) for $AT, "
K=$(pick report_assigned "submission_id, assignment_id" "state = 'done'")
SUB=$(sql "SELECT ext_id FROM submission WHERE id = $(echo "$K" | cut -d, -f1)")
WHO=$(sql "SELECT assessor FROM report_assigned WHERE (submission_id, assignment_id) = ($K)")
tamper "UPDATE report_assigned SET state = 'open' WHERE (submission_id, assignment_id) = ($K)" \
	"problem: submission $SUB: the assignment to $WHO kept for the assessors report is kept but its assignments and decision say there is none" \
	"problem: submission $SUB: the assignment to $WHO kept for the assessors report is missing but its assignments and decision say there is one"
tamper "DELETE FROM report_assigned WHERE (submission_id, assignment_id) = ($K)" \
	"problem: submission $SUB: the assignment to $WHO kept for the assessors report is missing"
# agreement's counts, everyone's and each assessor's own, by day, month and
# all time, and the kept pairs, changed behind the triggers' backs
AGREE_KEY="per, at, district_id, final, credential_id, criterion_id, x_assessor, levels, x_pos, y_pos"
for per in day month all; do
	case $per in day) WHAT="(by day) for " ;; month) WHAT="(by month) for " ;; all) WHAT="(all time) for " ;; esac
	K=$(pick report_agree_count "$AGREE_KEY" "per = '$per' AND n > 0")
	tamper "UPDATE report_agree_count SET n = n + 1 WHERE ($AGREE_KEY) = ($K)" "problem: agreement counter $WHAT"
	K=$(pick report_own_count "assessor, $AGREE_KEY" "per = '$per' AND n > 0")
	WHO=$(echo "$K" | cut -d"'" -f2)
	tamper "UPDATE report_own_count SET n = n + 1 WHERE (assessor, $AGREE_KEY) = ($K)" \
		"problem: agreement counter of the pairs with a read by $WHO $WHAT"
done
PAIR_KEY="submission_id, criterion_id, x_read, y_read"
K=$(pick report_pair "$PAIR_KEY" "1")
SUB=$(sql "SELECT ext_id FROM submission WHERE id = $(echo "$K" | cut -d, -f1)")
tamper "UPDATE report_pair SET fs = 1 - fs WHERE ($PAIR_KEY) = ($K)" \
	"problem: submission $SUB: the pairs of reads kept for the agreement report differ from its scores"
tamper "DROP TRIGGER report_pair_del; DROP TRIGGER report_own_pair_del; DELETE FROM report_pair WHERE ($PAIR_KEY) = ($K)" \
	"problem: submission $SUB: the pairs of reads kept for the agreement report differ from its scores"
cp "$T/pairs-clean.db" "$DB"
rm -f "$DB-wal" "$DB-shm"
t_run 0 check
# The turnaround and assessors facts (report_submission), one row a submission:
# a kept row whose submission is gone, and one that differs from its submission's.
sql "INSERT INTO report_submission SELECT 999999, credential_id, district_id, status, submitted_at, assigned_at,
	decided_at FROM report_submission LIMIT 1;
	UPDATE report_submission SET assigned_at = '2001-01-01T00:00:00Z' WHERE submission_id = $P_SID"
t_run 1 check
t_stdout_has "problem: submission #999999: the facts kept for the turnaround and assessors reports differ"
t_stdout_has "problem: submission $P_SUB: the facts kept for the turnaround and assessors reports differ"

# A person's school is audited too, but it is not their role: no false alarm.
DB=$T/people.db
t_init_db
mc people add mccheckz --role assessor --district North
mc people add mccheckz --role assessor --school Oak
t_run 0 check
t_stdout_has "all good"

# ---- MCASSESS_CHECK_TIMES=1: each part's time and reads on stderr, the output unchanged
MCASSESS_CHECK_TIMES=1 mc check
t_stdout_has "all good"
t_stderr_has "check time: recount: the submissions' facts"
t_stderr_has "check time: checking scores and decisions"
t_check "no timing without MCASSESS_CHECK_TIMES" sh -c "! '$MCASSESS' --db '$DB' check 2>&1 | grep -q 'check time:'"

# ---- the recounts read the large tables in key order (issue 15): when the file
# is larger than the page cache, a walk of the submissions in the order of one
# of their indexes, or a seek by assessor into the assignments, for each row
# reads from anywhere in the file. Every statement of a whole check that reads
# the reports' tables is planned (EXPLAIN QUERY PLAN; the plans do not depend
# on the data: there are no statistics) and none may do either.
# A kept pair that the scores do not say: agreement's sums differ, so its
# walks and the pairs' comparison run and are planned here too (a clean check
# adds them up as sums and runs neither).
sql "INSERT INTO report_pair VALUES (1, 1, 'first', 'second', '2025-01-01', 1, 1, 'mcca', 'mccb', 1, 1, 1, 1)"
MCASSESS_SQL_TRACE=$T/trace.sql mc check
# SQLite's memory is bounded for the whole check, whatever the size: the first
# connection's page cache, both connections' temporary tables and with them
# each sort's memory (issue 15: several sorts at a time, each up to the 2 MB
# cache, were half of check's peak); back to the default after
bounded() { # TRACE: both connections' temporary tables and the first's cache set to 512 KiB, before the recounts; the default after
	[ "$(grep -c 'PRAGMA main.cache_size = -512' "$1")" -eq 1 ] &&
		[ "$(grep -c 'PRAGMA temp.cache_size = -512' "$1")" -eq 2 ] &&
		awk '/PRAGMA main.cache_size = -512/ && !b { b = NR } / FROM report_agree_count / && !r { r = NR }
			/PRAGMA main.cache_size = -2000/ { d = NR } END { exit !(b && r && d && b < r && r < d) }' "$1"
}
t_check "the check's connections run with 512 KiB caches, then the default" bounded "$T/trace.sql"
# ...but the integrity check's page cache is SQLite's default, as the anchor's
# sqlite3 has it: it sorts nothing, and with 512 KiB it read the indexes' pages
# from the operating system again and again (at 100,000 submissions two thirds
# of its CPU; bench/README.md, branch chk12). Its connection is the second one
# opened: its cache is set to 2000 KiB before the first recount, with its
# temporary tables' at 512 KiB.
side_cache() { # TRACE
	awk '/PRAGMA main.cache_size = -2000;/ { m = NR } /PRAGMA temp.cache_size = -512/ && m == NR - 1 && !s { s = NR }
		/ FROM report_agree_count / && !r { r = NR } END { exit !(s && r && s < r) }' "$1"
}
t_check "the integrity check's connection runs with SQLite's default cache" side_cache "$T/trace.sql"
sed -n 's/^(prepared) //p' "$T/trace.sql" | grep -E '^(SELECT|WITH|INSERT)' | grep 'report_' | sort -u >"$T/recounts.sql"
copy=$(sed -n 's/^(prepared) \(CREATE TABLE temp\.check_[a-z_]* .*\)/\1;/p' "$T/trace.sql" | sort -u | tr '\n' ' ')
t_check "the recounts' statements were traced ($(wc -l <"$T/recounts.sql") of them)" \
	test "$(wc -l <"$T/recounts.sql")" -ge 10 -a -n "$copy"
: >"$T/plans"
: >"$T/sorts"
: >"$T/groups"
facts=0
while IFS= read -r q; do
	sqlite3 "$DB" "$copy" "EXPLAIN QUERY PLAN $q" >"$T/plan" 2>&1 || echo "cannot plan: $q" >>"$T/plans"
	grep -E 'SCAN [a-z_]+ USING (COVERING )?INDEX submission_|INDEX report_assignment ' "$T/plan" |
		sed "s|^|$(printf '%.70s' "$q") ... |" >>"$T/plans"
	# agreement's counts are compared and summed (months, all time) as they are
	# read in their key's order: SQLite sorting them was half of check's CPU
	case $q in *" FROM report_agree_count WHERE "* | *" FROM report_own_count WHERE "*)
		grep 'TEMP B-TREE' "$T/plan" | sed "s|^|$(printf '%.70s' "$q") ... |" >>"$T/sorts" ;;
	esac
	# the pairs, read for the whole check's walk, are counted by key there: a
	# GROUP BY of them sorted a row a pair, reader and tally by the whole key
	case $q in *" FROM temp.check_report_pair_fact f"*)
		facts=$((facts + 1))
		grep 'TEMP B-TREE FOR GROUP BY' "$T/plan" | sed "s|^|$(printf '%.70s' "$q") ... |" >>"$T/groups" ;;
	esac
done <"$T/recounts.sql"
if [ -s "$T/plans" ]; then
	t_fail "every recount walks the submissions in id order and finds assignments by submission"
	t_diag "$T/plans"
else
	t_ok "every recount walks the submissions in id order and finds assignments by submission"
fi
if [ -s "$T/sorts" ]; then
	t_fail "agreement's counts are read in their key's order, never sorted"
	t_diag "$T/sorts"
else
	t_ok "agreement's counts are read in their key's order, never sorted"
fi
if [ "$facts" -ge 2 ] && [ ! -s "$T/groups" ]; then
	t_ok "the pairs are counted by key in the walk ($facts statements), not grouped by SQLite"
else
	t_fail "the pairs are counted by key in the walk ($facts statements), not grouped by SQLite"
	t_diag "$T/groups"
fi

done_testing
