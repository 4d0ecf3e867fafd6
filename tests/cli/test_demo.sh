# test_demo.sh: `mcassess demo`: a deterministic dataset, consistent outcomes,
# refusal of a filled database, and the command line.
. "$TOP_SRCDIR/tests/cli/lib.sh"

# The domain tables as text (not the catalog, meta, audit or the admin who ran
# init: those carry the clock and the OS user).
domain_dump() {
	for t in district school cohort educator submission evidence score feedback decision assignment; do
		echo "-- $t"
		sqlite3 "$1" "SELECT * FROM $t ORDER BY id"
	done
	echo "-- person"
	sqlite3 "$1" "SELECT user, name, email, role, district_id, created_at FROM person WHERE role <> 'admin' ORDER BY id"
}
# t_sql_is DESCRIPTION EXPECTED QUERY
t_sql_is() {
	_got=$(sql "$3")
	if [ "$_got" = "$2" ]; then t_ok "$1"; else t_fail "$1 (got '$_got', want '$2')"; fi
}
# t_sql_positive DESCRIPTION QUERY
t_sql_positive() {
	_got=$(sql "$2")
	if [ "${_got:-0}" -gt 0 ] 2>/dev/null; then t_ok "$1 ($_got)"; else t_fail "$1 (got '$_got')"; fi
}

# ---- the command line
t_run 0 demo --help
t_stdout_has "usage: mcassess [--db PATH] demo [--educators N] [--seed S]"
t_stdout_has "--submissions N"
t_run 2 demo --educators 0
t_stderr_has "mcassess: demo: --educators: expected a whole number of at least 1, got '0'"
t_run 2 demo --educators many
t_stderr_has "got 'many'"
t_run 2 demo --seed -4
t_stderr_has "mcassess: demo: --seed: expected a whole number"
t_run 2 demo --seed 1x
t_stderr_has "got '1x'"
t_run 2 demo --bogus
t_stderr_has "mcassess: demo: unknown option '--bogus'"
t_run 2 demo --educators
t_stderr_has "mcassess: demo: --educators needs a value"
t_run 2 demo extra
t_stderr_has "unexpected argument 'extra'"
if [ -e "$DB" ]; then t_fail "a usage error creates no database"; else t_ok "a usage error creates no database"; fi

# ---- a new database is initialised and filled
t_run 0 demo --educators 50 --seed 7
t_stdout_has "filled with demo data"
t_stdout_has "educators    50"
t_stdout_has "districts    15"
t_sql_is "50 educators" 50 "SELECT count(*) FROM educator"
t_sql_is "15 districts" 15 "SELECT count(*) FROM district"
t_sql_is "15 coordinators" 15 "SELECT count(*) FROM person WHERE role = 'coordinator'"
t_sql_positive "assessors" "SELECT count(*) FROM person WHERE role = 'assessor'"
t_sql_positive "the catalog was loaded" "SELECT count(*) FROM credential"
t_sql_is "the one running it is the admin" "$(id -un)" "SELECT user FROM person WHERE role = 'admin'"
t_sql_is "one audit row for the demo" 1 "SELECT count(*) FROM audit WHERE action = 'demo'"
t_sql_is "the audit row holds the options" '{"educators":50,"seed":"7"}' "SELECT after FROM audit WHERE action = 'demo'"
n=$(sql "SELECT count(*) FROM submission")
t_stdout_has "submissions  $n ("
if [ "$n" -ge 50 ] && [ "$n" -le 200 ]; then t_ok "one to three submissions each, some resubmitted ($n)"; else t_fail "submissions: $n"; fi
for st in queued in_progress earned; do
	t_sql_positive "some submissions are $st" "SELECT count(*) FROM submission WHERE status = '$st'"
done
# the deciding read: the adjudication when there was one, else the first (two reads that agree)
DEC="coalesce((SELECT r.read FROM read_decision r WHERE r.submission_id = s.id AND r.read = 'adjudication'), 'first')"
t_sql_is "earned: the deciding read scored every criterion at a passing level" 0 \
	"SELECT count(*) FROM submission s WHERE status = 'earned' AND (EXISTS (SELECT 1 FROM score x JOIN level l ON l.id = x.level_id WHERE x.submission_id = s.id AND x.read = $DEC AND l.passes = 0) OR (SELECT count(*) FROM score WHERE submission_id = s.id AND read = $DEC) <> (SELECT count(*) FROM criterion WHERE rubric_id = s.rubric_id))"
t_sql_is "resubmit: a failing criterion and feedback" 0 \
	"SELECT count(*) FROM submission s WHERE status = 'resubmit' AND (NOT EXISTS (SELECT 1 FROM score x JOIN level l ON l.id = x.level_id WHERE x.submission_id = s.id AND l.passes = 0) OR NOT EXISTS (SELECT 1 FROM feedback WHERE submission_id = s.id AND body <> ''))"
t_sql_is "attempt 2 follows a resubmitted attempt 1" 0 \
	"SELECT count(*) FROM submission s LEFT JOIN submission p ON p.id = s.previous_id WHERE s.attempt = 2 AND (p.id IS NULL OR p.status <> 'resubmit' OR p.attempt <> 1 OR p.educator_id <> s.educator_id OR p.credential_id <> s.credential_id)"
t_sql_is "decisions match statuses" 0 \
	"SELECT count(*) FROM decision d JOIN submission s ON s.id = d.submission_id WHERE d.outcome <> s.status"
# ---- the two-read process (review.h): the demo reads everything twice, with approval
t_sql_is "config reads 2 and approval on" "approval=on reads=2" \
	"SELECT group_concat(key || '=' || value, ' ') FROM (SELECT * FROM meta WHERE key IN ('reads', 'approval') ORDER BY key)"
t_sql_is "decided and awaiting: first and second reads ended, by two people" 0 \
	"SELECT count(*) FROM submission s WHERE status IN ('earned', 'resubmit', 'awaiting_approval') AND (SELECT count(DISTINCT assessor) FROM read_decision WHERE submission_id = s.id AND read IN ('first', 'second')) <> 2"
t_sql_is "nobody holds two reads of one submission" 0 \
	"SELECT count(*) FROM (SELECT submission_id, assessor FROM assignment GROUP BY 1, 2 HAVING count(*) > 1)"
AGREE="(SELECT r1.outcome = r2.outcome FROM read_decision r1 JOIN read_decision r2 ON r2.submission_id = r1.submission_id AND r2.read = 'second' WHERE r1.submission_id = s.id AND r1.read = 'first') AND NOT EXISTS (SELECT 1 FROM score x JOIN score y ON y.submission_id = x.submission_id AND y.criterion_id = x.criterion_id AND y.read = 'second' JOIN level lx ON lx.id = x.level_id JOIN level ly ON ly.id = y.level_id WHERE x.submission_id = s.id AND x.read = 'first' AND lx.passes <> ly.passes)"
t_sql_is "agreeing reads went for approval without an adjudicator; disagreeing ones were adjudicated" 0 \
	"SELECT count(*) FROM submission s WHERE status IN ('earned', 'resubmit', 'awaiting_approval') AND ($AGREE) = EXISTS (SELECT 1 FROM read_decision WHERE submission_id = s.id AND read = 'adjudication')"
t_sql_positive "some decided after an adjudication" "SELECT count(*) FROM submission s WHERE status IN ('earned', 'resubmit') AND EXISTS (SELECT 1 FROM read_decision WHERE submission_id = s.id AND read = 'adjudication')"
t_sql_is "the outcome is the deciding read's" 0 \
	"SELECT count(*) FROM submission s JOIN decision d ON d.submission_id = s.id WHERE s.status IN ('earned', 'resubmit') AND d.outcome <> (SELECT outcome FROM read_decision WHERE submission_id = s.id AND read = $DEC)"
t_sql_is "approved by approvers, returned incomplete by coordinators" "approver coordinator" \
	"SELECT group_concat(role, ' ') FROM (SELECT DISTINCT p.role FROM decision d JOIN person p ON p.user = d.decided_by ORDER BY 1)"
t_sql_positive "some need adjudication" "SELECT count(*) FROM submission s WHERE status = 'in_progress' AND (SELECT count(*) FROM read_decision WHERE submission_id = s.id) = 2 AND NOT EXISTS (SELECT 1 FROM assignment WHERE submission_id = s.id AND read = 'adjudication')"
t_sql_positive "some wait for their second read" "SELECT count(*) FROM submission s WHERE status = 'in_progress' AND (SELECT count(*) FROM read_decision WHERE submission_id = s.id) = 1"
t_sql_positive "some await approval" "SELECT count(*) FROM submission WHERE status = 'awaiting_approval'"
t_sql_is "every read of the demo has a due date" 0 "SELECT count(*) FROM assignment WHERE due_at IS NULL"
over=$(sql "SELECT count(*) FROM assignment a JOIN submission s ON s.id = a.submission_id WHERE s.status IN ('queued', 'in_progress') AND a.due_at < '2026-06-01'")
open_reads=$(sql "SELECT count(*) FROM assignment a JOIN submission s ON s.id = a.submission_id WHERE s.status IN ('queued', 'in_progress')")
if [ "$over" -gt 0 ] && [ "$over" -lt "$open_reads" ]; then t_ok "as of the demo's today some open reads are overdue ($over of $open_reads)"; else t_fail "overdue as of 2026-06-01: $over of $open_reads"; fi
t_sql_is "the second read is in another district than the first where it could be" 0 \
	"SELECT count(*) FROM assignment a2 JOIN assignment a1 ON a1.submission_id = a2.submission_id AND a1.read = 'first' JOIN person p1 ON p1.user = a1.assessor JOIN person p2 ON p2.user = a2.assessor WHERE a2.read = 'second' AND p1.district_id = p2.district_id"
t_sql_positive "some assessors are linked to their own work" "SELECT count(*) FROM person WHERE role = 'assessor' AND educator IS NOT NULL"
t_sql_positive "some assessors have a cohort" "SELECT count(*) FROM person WHERE role = 'assessor' AND cohort IS NOT NULL"
t_sql_is "no read of one's own submission, school or cohort" 0 \
	"SELECT count(*) FROM assignment a JOIN submission s ON s.id = a.submission_id JOIN educator e ON e.id = s.educator_id LEFT JOIN cohort c ON c.id = e.cohort_id LEFT JOIN school sc ON sc.id = e.school_id JOIN person p ON p.user = a.assessor WHERE e.ext_id = p.educator OR (p.district_id = e.district_id AND (c.name = p.cohort OR sc.name = p.school))"
t_sql_positive "Chinese evidence" "SELECT count(*) FROM evidence WHERE text GLOB '*[一-龥]*'"
t_sql_is "ids in the platform's style" "HX-" "SELECT DISTINCT substr(ext_id, 1, 3) FROM submission WHERE ext_id LIKE 'HX-%'"
t_sql_is "uids in UUIDv7 shape" 0 \
	"SELECT count(*) FROM (SELECT uid FROM score UNION ALL SELECT uid FROM feedback UNION ALL SELECT uid FROM decision UNION ALL SELECT uid FROM assignment) WHERE uid NOT GLOB '[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-7[0-9a-f][0-9a-f][0-9a-f]-[89ab][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'"
t_sql_is "times in the 2025-26 school year" "2025" "SELECT substr(min(submitted_at), 1, 4) FROM submission"
t_sql_is "the database is sound" "ok" "PRAGMA integrity_check"
t_sql_is "no dangling references" "" "PRAGMA foreign_key_check"

# ---- the same seed gives the same rows; another seed other rows
cp "$DB" "$T/first.db"
domain_dump "$T/first.db" >"$T/first.dump"
DB=$T/again.db
t_run 0 demo --educators 50 --seed 7
domain_dump "$DB" >"$T/again.dump"
if cmp -s "$T/first.dump" "$T/again.dump"; then t_ok "same seed: identical rows"; else t_fail "same seed: identical rows"; diff "$T/first.dump" "$T/again.dump" | head -5 | t_diag; fi
DB=$T/other.db
t_run 0 demo --educators 50 --seed 8
domain_dump "$DB" >"$T/other.dump"
if cmp -s "$T/first.dump" "$T/other.dump"; then t_fail "another seed: other rows"; else t_ok "another seed: other rows"; fi

# ---- a filled database is refused and left alone
DB=$T/again.db
t_snapshot
t_run 1 demo --educators 5
t_stderr_is_message
t_stderr_has "mcassess: $DB: demo fills an empty database, and this one holds"
t_stderr_has "nothing was changed"
t_db_unchanged

# ---- an exact number of submissions
DB=$T/exact.db
t_run 0 demo --submissions 120 --seed 3
t_sql_is "--submissions gives exactly that many" 120 "SELECT count(*) FROM submission"
t_sql_is "--submissions is in the audit row" '{"seed":"3","submissions":120}' "SELECT after FROM audit WHERE action = 'demo'"

# ---- a database made by init is filled too (the catalog is not loaded twice)
DB=$T/init.db
t_init_db
t_run 0 demo --educators 10
t_sql_is "10 educators after init" 10 "SELECT count(*) FROM educator"
t_sql_is "one init, one demo in the audit log" "demo 1|init 1" "SELECT group_concat(x, '|') FROM (SELECT action || ' ' || count(*) AS x FROM audit WHERE action IN ('init', 'demo') GROUP BY action ORDER BY action)"

# ---- the rest of the program reads what the demo wrote
DB=$T/first.db
t_run 0 check
t_run 0 queue --status all --format tsv
t_stdout_has "HX-"
id=$(sql "SELECT ext_id FROM submission WHERE status = 'earned' ORDER BY id LIMIT 1")
t_run 0 show "$id" --format json
t_stdout_has "$id"

done_testing
