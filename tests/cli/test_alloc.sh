#!/bin/sh
# test_alloc.sh: allocation. assign many ids at once (all or none), --filter,
# --auto over the demo database (every rule checked by a query), due dates in
# business days, overdue work (assign list --overdue, the queue's column), and
# who sees which reader's name (queue and show) under real OS accounts.
. "$TOP_SRCDIR/tests/cli/lib.sh"
t_init_db
t_accounts mcal_co mcal_a1 mcal_a2 || t_skip_all "needs root, useradd and runuser for OS accounts"
as root true 2>/dev/null
mc demo
[ "$RC" -eq 0 ] || { echo "Bail out! demo failed"; cat "$ERR"; exit 1; }
chmod 0666 "$DB"
t_check "the demo reads twice (config reads 2)" test "$(sql "SELECT value FROM meta WHERE key = 'reads'")" = 2
# the demo's reads fall due around its own today (2026-06-01); the overdue checks
# below make their own overdue read, so the demo's are due far ahead here
sql "UPDATE assignment SET due_at = '2098-12-31T00:00:00Z'"

D1=$(sql "SELECT name FROM district ORDER BY name LIMIT 1")
D2=$(sql "SELECT name FROM district ORDER BY name LIMIT 1 OFFSET 1")
mc people add mcal_co --role coordinator --district "$D1"
mc people add mcal_a1 --role assessor --district "$D1"
mc people add mcal_a2 --role assessor --district "$D2"
open_unassigned() { sql "SELECT s.ext_id FROM submission s WHERE s.status = 'queued' AND NOT EXISTS
	(SELECT 1 FROM assignment a WHERE a.submission_id = s.id) ORDER BY s.submitted_at, s.id LIMIT $1"; }
held() { sql "SELECT count(*) FROM assignment WHERE assessor = '$1'"; }

# ---------------------------------------------------------------- many ids: all or none
set -- $(open_unassigned 3)
A=$1 B=$2 C=$3
t_snapshot
t_run 1 assign "$A" "$B" S-NOPE "$C" mcal_a1
t_stderr_has "no submission 'S-NOPE'"
t_db_unchanged
t_run 0 assign "$A" "$B" "$C" mcal_a1
t_stdout_has "$A: first read assigned to mcal_a1."
t_stdout_has "$C: first read assigned to mcal_a1."
t_check "three reads held by mcal_a1, three audit rows" \
	test "$(held mcal_a1):$(sql "SELECT count(*) FROM audit WHERE action = 'assign' AND after LIKE '%mcal_a1%'")" = "3:3"
# one of them refused (mcal_a1 reads A already): none of the second reads is given
t_snapshot
t_run 1 assign "$B" "$A" mcal_a1 --read second
t_stderr_has "mcal_a1 already has the first read of $B; one person reads a submission once"
t_db_unchanged

# ---------------------------------------------------------------- --filter
CRED=$(sql "SELECT c.code FROM submission s JOIN credential c ON c.id = s.credential_id JOIN educator e
	ON e.id = s.educator_id JOIN district d ON d.id = e.district_id WHERE d.name = '$D2'
	AND s.status IN ('queued', 'in_progress') GROUP BY c.code ORDER BY count(*) DESC, c.code LIMIT 1")
mc queue --district "$D2" --credential "$CRED" --format tsv
WANT=$(wc -l <"$OUT")
t_run 0 assign --filter "district:$D2 credential:$CRED" mcal_a2 --read adjudication
t_check "--filter assigns every open submission the filter gives ($WANT)" \
	test "$(sql "SELECT count(*) FROM assignment WHERE assessor = 'mcal_a2' AND read = 'adjudication'")" = "$WANT"
t_run 2 assign --filter "colour:blue" mcal_a2
t_stderr_has "--filter: expected status:, pathway:, credential:, district: or needs: at \"colour:blue\""
t_run 2 assign --filter "district:Nowhere At All" mcal_a2
t_stderr_has "Nowhere At All"

# ---------------------------------------------------------------- due dates, in business days
t_run 0 config due-days
t_stdout_has "due-days 5"
as mcal_co config due-days 2
t_check "a coordinator may not set due-days (exit 1)" test "$RC" -eq 1
t_stderr_has "mcassess: "
t_run 2 config due-days 0
t_stderr_has "due-days is a whole number of business days from 1 to 365, not '0'"
t_run 0 config due-days 3
t_stdout_has "due-days 3"
set -- $(open_unassigned 1)
E=$1
t_run 0 assign "$E" mcal_a2
set -- $(sql "SELECT at || ' ' || due_at FROM assignment a JOIN submission s ON s.id = a.submission_id
	WHERE s.ext_id = '$E'")
# counted here independently with date(1): 3 days, Saturdays and Sundays not counted
t=$(date -u -d "$1" +%s) n=0
while [ "$n" -lt 3 ]; do
	t=$((t + 86400))
	[ "$(date -u -d "@$t" +%u)" -le 5 ] && n=$((n + 1))
done
due_ok=no
[ "$(date -u -d "@$t" +%Y-%m-%dT%H:%M:%SZ)" = "$2" ] && due_ok=yes
t_check "due_at is 3 business days after assignment (weekends skipped): $due_ok" test "$due_ok" = yes

# ---------------------------------------------------------------- overdue: assign list, the queue
# time passes: the read of $A fell due yesterday
sql "UPDATE assignment SET due_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 day')
	WHERE submission_id = (SELECT id FROM submission WHERE ext_id = '$A')"
t_run 0 assign list --overdue --format tsv
t_check "assign list --overdue: exactly the overdue read" test "$(cut -f1-3,8 "$OUT")" = "$(printf 'mcal_a1\t%s\tfirst\toverdue' "$A")"
t_run 0 assign list --overdue
t_stdout_has "1 open read overdue."
t_run 0 assign list --user mcal_a1 --format json
t_check "assign list --user: mcal_a1's three reads, one overdue (json)" \
	jq -e 'length == 3 and ([.[] | select(.overdue)] | length == 1) and all(.[]; .assessor == "mcal_a1" and (.age_days | type) == "number")' "$OUT"
t_run 0 assign list --overdue --as-of 2099-01-01 --format tsv
t_check "--as-of far ahead: every dated open read is overdue" \
	test "$(wc -l <"$OUT")" -eq "$(sql "SELECT count(*) FROM assignment a JOIN submission s ON s.id = a.submission_id
		WHERE a.due_at IS NOT NULL AND s.status IN ('queued', 'in_progress')")"
t_run 2 assign list --overdue --as-of soon
t_stderr_has "--as-of takes a date or time"
t_run 0 queue --format tsv --limit 100000
t_check "queue tsv: $A names its reader and is marked overdue" grep -q "^$A	.*	first: mcal_a1	overdue\$" "$OUT"
t_check "queue tsv: $B is not overdue" grep -q "^$B	.*	first: mcal_a1	\$" "$OUT"
t_run 0 queue --format json --limit 100000
t_check "queue json: assignees, due_at and overdue" \
	jq -e --arg a "$A" '.[] | select(.id == $a) | .assignees == "first: mcal_a1" and .overdue == true and (.due_at | test("Z$"))' "$OUT"
t_run 0 show "$A"
t_stdout_has "reads first: mcal_a1; due "

# ---------------------------------------------------------------- who sees which reader
t_run 0 assign "$B" mcal_a2 --read second --blind
as mcal_a2 queue --format tsv
t_check "the second reader sees their own read only" grep -q "^$B	.*	second: mcal_a2 (blind)	" "$OUT"
t_stdout_lacks "mcal_a1"
as mcal_a2 show "$B" --format json
t_check "show --format json to the second reader: own read only" jq -e '.assignees == "second: mcal_a2 (blind)"' "$OUT"
as mcal_a2 show "$B"
t_stdout_lacks "mcal_a1"
mc queue --format tsv --limit 100000
t_check "an admin sees both readers" grep -q "^$B	.*	first: mcal_a1, second: mcal_a2 (blind)	" "$OUT"
as mcal_a1 assign list --user mcal_a2
t_check "an assessor may not list another's work (exit 1)" test "$RC" -eq 1
t_stderr_has "you (mcal_a1) may list your own assignments, not mcal_a2's"
as mcal_a1 assign list --format tsv
t_check "an assessor's assign list is their own" test "$(cut -f1 "$OUT" | sort -u)" = mcal_a1

# ---------------------------------------------------------------- --auto: who may
as mcal_a1 assign --auto
t_check "an assessor may not --auto (exit 1)" test "$RC" -eq 1
as mcal_co assign --auto --district "$D2"
t_check "a coordinator may not --auto another district (exit 1)" test "$RC" -eq 1
t_stderr_has "you (mcal_co) coordinate $D1, not $D2"
t_run 2 assign --auto "$A"
t_run 2 assign --auto --read second

# readers who work at an educator's school: never given that school's submissions
SCHOOLS=$(sql "SELECT sc.name || '|' || d.name FROM school sc JOIN district d ON d.id = sc.district_id ORDER BY
	(SELECT count(*) FROM educator e JOIN submission s ON s.educator_id = e.id WHERE e.school_id = sc.id
	AND s.status IN ('queued', 'in_progress')) DESC LIMIT 2")
i=0
echo "$SCHOOLS" | while IFS='|' read -r sch dist; do
	i=$((i + 1))
	"$MCASSESS" --db "$DB" people add "mcal_s$i" --role assessor --district "$dist" --school "$sch" >/dev/null
done
t_check "people add --school stores the school, audited" \
	test "$(sql "SELECT count(*) FROM person WHERE user LIKE 'mcal_s%' AND school IS NOT NULL"):$(sql "SELECT count(*) FROM audit WHERE subject LIKE 'person:mcal_s%' AND after LIKE '{\"school\":%'")" = "2:2"

# ---------------------------------------------------------------- own work: own submission, own cohort
# An assessor who also submits as a teacher (--educator) never reads their own
# submission; one in a cohort (--cohort) never reads their cohort's: manual
# assign refuses (exit 1, nothing changed), --auto passes them by.
set -- $(sql "SELECT s.ext_id, e.ext_id, e.id FROM submission s JOIN educator e ON e.id = s.educator_id
	WHERE s.status = 'queued' AND e.cohort_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM assignment a
	WHERE a.submission_id = s.id) ORDER BY s.submitted_at, s.id LIMIT 1" | tr '|' ' ')
OWN=$1 OWN_ED=$2 OWN_EID=$3
OWN_D=$(sql "SELECT d.name FROM educator e JOIN district d ON d.id = e.district_id WHERE e.id = $OWN_EID")
OWN_C=$(sql "SELECT c.name FROM educator e JOIN cohort c ON c.id = e.cohort_id WHERE e.id = $OWN_EID")
COH=$(sql "SELECT s.ext_id FROM submission s JOIN educator e ON e.id = s.educator_id WHERE s.status = 'queued'
	AND e.id <> $OWN_EID AND e.cohort_id = (SELECT cohort_id FROM educator WHERE id = $OWN_EID)
	ORDER BY s.submitted_at, s.id LIMIT 1")
t_run 0 people add mcr11_own --role assessor --district "$OWN_D" --educator "$OWN_ED"
t_run 0 people add mcr11_coh --role assessor --district "$OWN_D" --cohort "$OWN_C"
t_check "people add --educator, --cohort: stored, each audited" \
	test "$(sql "SELECT group_concat(user || '=' || coalesce(educator, '-') || '/' || coalesce(cohort, '-'), ' ')
		FROM (SELECT * FROM person WHERE user LIKE 'mcr11_%' ORDER BY user)"):$(sql "SELECT count(*) FROM audit WHERE
		subject LIKE 'person:mcr11_%' AND (after LIKE '{\"educator\":%' OR after LIKE '{\"cohort\":%')")" = \
	"mcr11_coh=-/$OWN_C mcr11_own=$OWN_ED/-:2"
t_snapshot
t_run 1 assign "$OWN" mcr11_own
t_stderr_has "mcr11_own may not read $OWN: it is their own submission (they submit as educator $OWN_ED); nobody scores their own work"
t_db_unchanged
t_run 1 assign "$COH" mcr11_coh --read second
t_stderr_has "mcr11_coh may not read $COH: its educator is in mcr11_coh's own cohort ($OWN_C, $OWN_D); nobody scores their own cohort"
t_db_unchanged
t_run 1 assign "$OWN" "$COH" mcr11_coh
t_stderr_has "own cohort"
t_db_unchanged
t_run 2 people add mcr11_nod --role assessor --cohort "$OWN_C"
t_stderr_has "--cohort needs --district"
t_db_unchanged
# people import: cohort and educator are optional columns after district
printf 'user,name,email,role,district,cohort,educator\nmcr11_imp,Imp Orted,,assessor,%s,%s,ED999999\n' \
	"$OWN_D" "$OWN_C" >"$T/people-links.csv"
t_run 0 people import "$T/people-links.csv"
t_check "people import: cohort and educator columns stored" \
	test "$(sql "SELECT cohort || '/' || educator FROM person WHERE user = 'mcr11_imp'")" = "$OWN_C/ED999999"
printf 'user,name,email,role,district,team\nmcr11_imq,,,assessor,,x\n' >"$T/people-bad.csv"
t_run 3 people import "$T/people-bad.csv"
t_stderr_has "people-bad.csv:1: the header's column 'team': after 'district' only 'cohort' and 'educator' may come"
printf 'user,name,email,role,district,cohort\nmcr11_imq,,,assessor,,Cohort A\n' >"$T/people-nod.csv"
t_run 3 people import "$T/people-nod.csv"
t_stderr_has "people-nod.csv:2: column 'cohort': 'Cohort A' needs the person's district"
t_check "the refused imports added nobody" test "$(sql "SELECT count(*) FROM person WHERE user = 'mcr11_imq'")" = 0

# ---------------------------------------------------------------- --auto: dry run, then for real
MARK=$(sql "SELECT max(id) FROM assignment")
t_snapshot
t_run 0 assign --auto --dry-run --format tsv
PLANNED=$(wc -l <"$OUT")
t_db_unchanged
t_check "the dry run plans some reads" test "$PLANNED" -gt 100
t_run 0 assign --auto --format tsv
t_check "--auto does what the dry run planned" test "$(wc -l <"$OUT")" -eq "$PLANNED"
t_check "one audit row per read given" \
	test "$(sql "SELECT count(*) FROM assignment WHERE id > $MARK")" -eq "$PLANNED"
OPEN="s.status IN ('queued', 'in_progress') AND NOT EXISTS (SELECT 1 FROM decision x WHERE x.submission_id = s.id)"
t_check "every open submission has a first and a second read" \
	test "$(sql "SELECT count(*) FROM submission s WHERE $OPEN AND (SELECT count(*) FROM assignment a
		WHERE a.submission_id = s.id AND a.read IN ('first', 'second')) <> 2")" = 0
t_check "nobody holds two reads of one submission" \
	test "$(sql "SELECT count(*) FROM (SELECT submission_id, assessor FROM assignment GROUP BY 1, 2 HAVING count(*) > 1)")" = 0
t_check "no auto read went to a reader of the educator's own school" \
	test "$(sql "SELECT count(*) FROM assignment a JOIN submission s ON s.id = a.submission_id
		JOIN educator e ON e.id = s.educator_id JOIN school sc ON sc.id = e.school_id
		JOIN person p ON p.user = a.assessor WHERE a.id > $MARK AND p.school = sc.name
		AND p.district_id = e.district_id")" = 0
t_check "the school readers did get other work" test "$(held mcal_s1)" -gt 0
t_check "no auto read went to a reader's own submission or own cohort (by SQL)" \
	test "$(sql "SELECT count(*) FROM assignment a JOIN submission s ON s.id = a.submission_id
		JOIN educator e ON e.id = s.educator_id LEFT JOIN cohort c ON c.id = e.cohort_id
		JOIN person p ON p.user = a.assessor WHERE a.id > $MARK AND (e.ext_id = p.educator
		OR (p.district_id = e.district_id AND p.cohort = c.name))")" = 0
t_check "the readers linked to their own work did get other work" \
	test "$(held mcr11_own)" -gt 0 -a "$(held mcr11_coh)" -gt 0
t_check "every auto second read is in another district than the first reader's" \
	test "$(sql "SELECT count(*) FROM assignment a2 JOIN assignment a1 ON a1.submission_id = a2.submission_id
		AND a1.read = 'first' JOIN person p1 ON p1.user = a1.assessor JOIN person p2 ON p2.user = a2.assessor
		WHERE a2.read = 'second' AND a2.id > $MARK AND p1.district_id = p2.district_id")" = 0
# balance: every assessor given work now holds within 1 of the others given work
t_check "the assessors given work hold open loads within 1 of each other" \
	test "$(sql "WITH load AS (SELECT a.assessor, count(*) n FROM assignment a JOIN submission s ON s.id = a.submission_id
		WHERE $OPEN GROUP BY a.assessor) SELECT max(n) - min(n) FROM load WHERE assessor IN
		(SELECT assessor FROM assignment WHERE id > $MARK)")" -le 1
t_check "due dates on every auto read" test "$(sql "SELECT count(*) FROM assignment WHERE id > $MARK AND due_at IS NULL")" = 0
# a manual read of the reader's own school is allowed, and said
S1_SCHOOL=$(sql "SELECT school FROM person WHERE user = 'mcal_s1'")
S1_OWN=$(sql "SELECT s.ext_id FROM submission s JOIN educator e ON e.id = s.educator_id JOIN school sc ON sc.id = e.school_id
	JOIN person p ON p.user = 'mcal_s1' WHERE sc.name = p.school AND e.district_id = p.district_id AND $OPEN
	AND NOT EXISTS (SELECT 1 FROM assignment a WHERE a.submission_id = s.id AND a.assessor = 'mcal_s1') LIMIT 1")
S1_OTHER=$(sql "SELECT s.ext_id FROM submission s JOIN educator e ON e.id = s.educator_id JOIN school sc ON sc.id = e.school_id
	JOIN person p ON p.user = 'mcal_s1' WHERE sc.name <> p.school AND $OPEN
	AND NOT EXISTS (SELECT 1 FROM assignment a WHERE a.submission_id = s.id AND a.assessor = 'mcal_s1') LIMIT 1")
t_run 0 assign "$S1_OWN" mcal_s1 --read second
t_stderr_has "note: mcal_s1 works at $S1_SCHOOL, the school of $S1_OWN's educator; 'assign --auto' never gives a reader their own school's work."
t_check "the read of their own school was given" \
	test "$(sql "SELECT a.assessor FROM assignment a JOIN submission s ON s.id = a.submission_id WHERE s.ext_id = '$S1_OWN' AND a.read = 'second'")" = mcal_s1
t_run 0 assign "$S1_OTHER" mcal_s1 --read second
t_check "another school's read says nothing of schools" sh -c "! grep -q 'note:' '$ERR'"
t_snapshot
t_run 0 assign --auto
t_stdout_has "Assigned 0 reads"
t_db_unchanged

# a coordinator's --auto stays in their district
sql "DELETE FROM assignment WHERE id > $MARK"
MARK2=$(sql "SELECT max(id) FROM assignment")
as mcal_co assign --auto
t_check "the coordinator's --auto ran" test "$RC" -eq 0
t_check "the coordinator's --auto assigned only $D1's submissions" \
	test "$(sql "SELECT count(DISTINCT d.name) || ':' || min(d.name) FROM assignment a JOIN submission s ON s.id = a.submission_id
		JOIN educator e ON e.id = s.educator_id JOIN district d ON d.id = e.district_id WHERE a.id > $MARK2")" = "1:$D1"

done_testing
