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
start=$(date +%s)
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
t_sql_is "earned: every criterion scored at a passing level" 0 \
	"SELECT count(*) FROM submission s WHERE status = 'earned' AND (EXISTS (SELECT 1 FROM score x JOIN level l ON l.id = x.level_id WHERE x.submission_id = s.id AND l.passes = 0) OR (SELECT count(*) FROM score WHERE submission_id = s.id) <> (SELECT count(*) FROM criterion WHERE rubric_id = s.rubric_id))"
t_sql_is "resubmit: a failing criterion and feedback" 0 \
	"SELECT count(*) FROM submission s WHERE status = 'resubmit' AND (NOT EXISTS (SELECT 1 FROM score x JOIN level l ON l.id = x.level_id WHERE x.submission_id = s.id AND l.passes = 0) OR NOT EXISTS (SELECT 1 FROM feedback WHERE submission_id = s.id AND body <> ''))"
t_sql_is "attempt 2 follows a resubmitted attempt 1" 0 \
	"SELECT count(*) FROM submission s LEFT JOIN submission p ON p.id = s.previous_id WHERE s.attempt = 2 AND (p.id IS NULL OR p.status <> 'resubmit' OR p.attempt <> 1 OR p.educator_id <> s.educator_id OR p.credential_id <> s.credential_id)"
t_sql_is "decisions match statuses" 0 \
	"SELECT count(*) FROM decision d JOIN submission s ON s.id = d.submission_id WHERE d.outcome <> s.status"
t_sql_positive "Chinese evidence" "SELECT count(*) FROM evidence WHERE text GLOB '*[一-龥]*'"
t_sql_is "ids in the platform's style" "HX-" "SELECT DISTINCT substr(ext_id, 1, 3) FROM submission WHERE ext_id LIKE 'HX-%'"
t_sql_is "uids in UUIDv7 shape" 0 \
	"SELECT count(*) FROM (SELECT uid FROM score UNION ALL SELECT uid FROM feedback UNION ALL SELECT uid FROM decision UNION ALL SELECT uid FROM assignment) WHERE uid NOT GLOB '[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-7[0-9a-f][0-9a-f][0-9a-f]-[89ab][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'"
t_sql_is "times in the 2025-26 school year" "2025" "SELECT substr(min(submitted_at), 1, 4) FROM submission"
t_sql_is "the database is sound" "ok" "PRAGMA integrity_check"
t_sql_is "no dangling references" "" "PRAGMA foreign_key_check"
if [ $(( $(date +%s) - start )) -le 5 ]; then t_ok "50 educators in a few seconds"; else t_fail "50 educators took more than 5 s"; fi

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
