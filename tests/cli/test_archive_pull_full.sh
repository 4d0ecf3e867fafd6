#!/bin/sh
# test_archive_pull_full.sh: after `archive pull`, the database holds what the
# archive holds (issue 12, item 4): a fresh database (`init`, `archive init`,
# `archive pull`) of a district's archive has its people, catalog,
# submissions, scores, feedback, reads ended under two reads, assignments with
# their due dates and decisions, as the source (a dump compared, not counts);
# check is clean; show, queue and report agree; pulling again changes nothing;
# two districts pulled in either order give the same database; a person
# changed on both sides is a conflict, this side's kept meanwhile; private notes never
# enter the archive; a catalog version published differently is refused;
# kill -9 during the pull leaves the copy as it was (an evidence file being
# stored is left for `check --repair`, as an import's is). Real OS accounts (as
# root, else skipped): mcpl12a, mcpl12b read first and second, mcpl12c
# approves, mcpl12d coordinates.
. "$TOP_SRCDIR/tests/cli/lib.sh"
A=mcpl12a B=mcpl12b C=mcpl12c D=mcpl12d
t_accounts $A $B $C $D mcpl12e mcpl12f mcpl12h || t_skip_all "not root (useradd, runuser)"
FX=$FIXTURES/packet
on() { t_on "$@"; }
# t_check_d DESCRIPTION FILE COMMAND...: t_check, showing FILE when it fails
t_check_d() { _d=$1 _f=$2; shift 2; if "$@"; then t_ok "$_d"; else t_fail "$_d"; t_diag "$_f"; fi; }
jqe() { jq -e "$@" >/dev/null; }
ok_on() { on "$@"; [ "$RC" -eq 0 ] || { echo "Bail out! mcassess --db $*: $(cat "$ERR")"; exit 1; }; }
score_all() { # DB USER ID LEVEL
	for c in O1 O2 A1 A2 A3 A4 A5 R1 R2; do ok_on "$1" "$2" score "$3" $c "$4"; done
}

# district DB PREFIX DISTRICT READER1 READER2 COORDINATOR: the packet fixture
# under its own ids (one platform: submissions and educators distinct across
# districts), two reads, one submission approved, one awaiting approval, one
# with its first read ended; $C approves in every district
district() {
	_db=$1 _p=$2 _d=$3
	A=$4 B=$5 D=$6
	ok_on "$_db" root init
	sed "s/PK-/$_p-/g; s/E-PK/E-$_p/g; s/Riverside/$_d/g" "$FX/subs.csv" >"$F/$_p.csv"
	ok_on "$_db" root import "$F/$_p.csv" --evidence "$FX/evidence"
	on "$_db" root archive init
	[ "$RC" -eq 0 ] || t_skip_all "built without libgit2"
	for u in $A $B; do ok_on "$_db" root people add $u --role assessor --district "$_d"; done
	ok_on "$_db" root people add $C --role approver
	ok_on "$_db" root people add $D --role coordinator --district "$_d"
	ok_on "$_db" root config reads 2
	ok_on "$_db" root config due-days 5
	for i in 1 2 3; do ok_on "$_db" root assign "$_p-$i" $A; ok_on "$_db" root assign "$_p-$i" $B --read second; done
	score_all "$_db" $A "$_p-1" demonstrated
	ok_on "$_db" $A feedback "$_p-1" "Specific and timely, $_p-1."
	ok_on "$_db" $A note "$_p-1" "XYZZY private thought on $_p-1"
	ok_on "$_db" $A decide "$_p-1" earned
	score_all "$_db" $B "$_p-1" demonstrated
	ok_on "$_db" $B decide "$_p-1" earned
	ok_on "$_db" $C decide "$_p-1" approve
	score_all "$_db" $A "$_p-3" demonstrated
	ok_on "$_db" $A decide "$_p-3" earned
	score_all "$_db" $B "$_p-3" demonstrated
	ok_on "$_db" $B decide "$_p-3" earned
	score_all "$_db" $A "$_p-2" not_met
	ok_on "$_db" $A feedback "$_p-2" "Name the students, $_p-2."
	ok_on "$_db" $A decide "$_p-2" resubmit
}
# dump DB: what the database holds, by stable ids (no rowids, no audit seqs)
dump() {
	sqlite3 "$1" "
	SELECT 'person', user, name, email, role, ifnull((SELECT name FROM district WHERE id = district_id), '-') FROM person
	UNION ALL SELECT 'credential', c.code, c.title, c.current_version, r.version, r.source_sha256 FROM credential c
		JOIN rubric r ON r.credential_id = c.id
	UNION ALL SELECT 'pathway', code, title, goal, '', '' FROM pathway
	UNION ALL SELECT 'educator', ext_id, name, (SELECT name FROM district WHERE id = district_id), anon_id, '' FROM educator
	UNION ALL SELECT 'submission', s.ext_id, s.status, s.attempt, s.submitted_at, e.ext_id FROM submission s
		JOIN educator e ON e.id = s.educator_id
	UNION ALL SELECT 'evidence', s.ext_id, ev.seq, ev.kind, ev.sha256, ev.words FROM evidence ev
		JOIN submission s ON s.id = ev.submission_id
	UNION ALL SELECT 'score', sc.uid, s.ext_id, sc.read || ' ' || c.code || ' ' || l.code, sc.assessor, sc.at FROM score sc
		JOIN submission s ON s.id = sc.submission_id JOIN criterion c ON c.id = sc.criterion_id
		JOIN level l ON l.id = sc.level_id
	UNION ALL SELECT 'feedback', f.uid, s.ext_id, f.read, f.author, f.body || f.at FROM feedback f
		JOIN submission s ON s.id = f.submission_id
	UNION ALL SELECT 'read', r.uid, s.ext_id, r.read, r.assessor, r.outcome || ' ' || r.at FROM read_decision r
		JOIN submission s ON s.id = r.submission_id
	UNION ALL SELECT 'decision', d.uid, s.ext_id, d.outcome, d.decided_by, d.at FROM decision d
		JOIN submission s ON s.id = d.submission_id
	UNION ALL SELECT 'assignment', a.uid, s.ext_id, a.read || ' ' || a.blind, a.assessor, ifnull(a.due_at, '-')
		FROM assignment a JOIN submission s ON s.id = a.submission_id
	ORDER BY 1, 2, 3, 4"
}
district "$F/south.db" SO South mcpl12e mcpl12f mcpl12h
district "$F/north.db" NO North mcpl12a mcpl12b mcpl12d

# ---------------------------------------------------------------- the archive's records
NA=$F/north.db.archive.git
rec() { git --git-dir="$1" show "main:$(git --git-dir="$1" ls-tree -r --name-only main submissions | grep "/$2/record.json")"; }
rec "$NA" NO-3 >"$F/no3.json"
t_check "a record holds each read's end: who, what, when, its uid" \
	jqe ".reads.first.assessor == \"$A\" and .reads.first.outcome == \"earned\" and
		.reads.second.assessor == \"$B\" and (.reads.second.uid | length) > 0 and (.reads.first.at | length) > 0" \
	"$F/no3.json"
t_check "and each read's due date" \
	jqe '(.assignments.first.due_at | test("^[0-9-]+T")) and (.assignments.second.due_at | length) > 0' "$F/no3.json"
rec "$NA" NO-4 >"$F/no4.json"
t_check "a record with no read ended has no reads" jqe 'has("reads") | not' "$F/no4.json"
t_check "private notes are not in the archive (no object of it holds one)" \
	test "$(git --git-dir="$NA" rev-list --objects --all | cut -d' ' -f1 |
		git --git-dir="$NA" cat-file --batch 2>/dev/null | grep -c XYZZY)" = 0
t_check "though the district's database has it" test "$(sqlite3 "$F/north.db" "SELECT count(*) FROM note")" = 1

# ---------------------------------------------------------------- a fresh copy: init + archive init + pull
CP=$F/copy.db
ok_on "$CP" root init
ok_on "$CP" root archive init
on "$CP" root archive pull "$NA"
t_check_d "archive pull into a fresh database exits 0" "$ERR" [ "$RC" -eq 0 ]
# notes stay with their author's database: the rest is the same
dump "$F/north.db" >"$F/n.dump"
dump "$CP" | diff "$F/n.dump" - | head -10 | sed 's/^/# /'
t_check "the copy holds what the district holds: people, catalog, submissions, scores, feedback, reads, decisions" \
	test "$(dump "$CP")" = "$(cat "$F/n.dump")"
t_check "the people came (the approver, the coordinator with their district)" \
	test "$(sqlite3 "$CP" "SELECT group_concat(user || ':' || role, ' ') FROM (SELECT user, role FROM person WHERE user LIKE 'mcpl12%' ORDER BY user)")" = \
	"$A:assessor $B:assessor $C:approver $D:coordinator"
t_check "NO-3 arrives awaiting approval, its two reads ended" \
	test "$(sqlite3 "$CP" "SELECT s.status || ' ' || count(r.id) FROM submission s JOIN read_decision r ON r.submission_id = s.id WHERE s.ext_id = 'NO-3'")" = "awaiting_approval 2"
on "$CP" root check
t_check_d "check is clean on the copy" "$OUT" [ "$RC" -eq 0 ]
# settings are each database's own (README: the archive): the copy's coordinator sets them
ok_on "$CP" root config reads 2
ok_on "$CP" root config due-days 5
for id in NO-1 NO-3 NO-2; do
	on "$F/north.db" root show $id --format json; jq -S 'del(.history, .notes)' "$OUT" >"$F/a.json"
	on "$CP" root show $id --format json; jq -S 'del(.history, .notes)' "$OUT" >"$F/b.json"
	cmp -s "$F/a.json" "$F/b.json" || diff "$F/a.json" "$F/b.json" | head -6 | sed 's/^/# /'
	t_check "show $id agrees with the district (history and private notes aside)" cmp -s "$F/a.json" "$F/b.json"
done
on "$F/north.db" root queue --status all --format tsv; cp "$OUT" "$F/qa"
on "$CP" root queue --status all --format tsv
t_check "queue agrees with the district" cmp -s "$F/qa" "$OUT"
on "$F/north.db" $C queue --format tsv; cp "$OUT" "$F/qa"
on "$CP" $C queue --format tsv
t_check "the approver's queue too" cmp -s "$F/qa" "$OUT"
t_check "NO-3 awaits them there as here" grep -q "^NO-3	" "$OUT"
for r in progress turnaround assessors agreement; do
	on "$F/north.db" root report $r --format tsv; cp "$OUT" "$F/ra"
	on "$CP" root report $r --format tsv
	cmp -s "$F/ra" "$OUT" || diff "$F/ra" "$OUT" | head -5 | sed 's/^/# /'
	t_check "report $r agrees with the district" cmp -s "$F/ra" "$OUT"
done

DB=$CP
t_snapshot
on "$CP" root archive pull "$NA"
t_check "pulling again exits 0" [ "$RC" -eq 0 ]
t_db_unchanged
t_copy_archived "$CP" "$F/cp2.db"
on "$F/cp2.db" $C decide NO-3 approve
t_check_d "the approver approves NO-3 in the copy: the process goes on where it stood" "$ERR" [ "$RC" -eq 0 ]

# ---------------------------------------------------------------- two districts, either order
for order in "north south" "south north"; do
	db=$F/state-$(echo $order | tr ' ' -).db
	ok_on "$db" root init
	ok_on "$db" root archive init
	for d in $order; do ok_on "$db" root archive pull "$F/$d.db.archive.git"; done
	on "$db" root check
	t_check_d "check is clean after pulling $order" "$OUT" [ "$RC" -eq 0 ]
done
t_check "pulled in either order, the same database" \
	test "$(dump "$F/state-north-south.db")" = "$(dump "$F/state-south-north.db")"
t_check "holding both districts' reads" \
	test "$(sqlite3 "$F/state-north-south.db" "SELECT count(*) FROM read_decision")" = \
	$(( $(sqlite3 "$F/north.db" "SELECT count(*) FROM read_decision") + $(sqlite3 "$F/south.db" "SELECT count(*) FROM read_decision") ))

# ---------------------------------------------------------------- later work: a person, a goal, a read
ok_on "$F/north.db" root people add $B --role coordinator --district North
ok_on "$F/north.db" root config goal STEMG 7
score_all "$F/north.db" $B NO-2 not_met
ok_on "$F/north.db" $B feedback NO-2 "Name the students who answered."
ok_on "$F/north.db" $B decide NO-2 resubmit
on "$CP" root archive pull "$NA"
t_check_d "the next pull exits 0" "$ERR" [ "$RC" -eq 0 ]
t_check "a person changed there only is changed here" \
	test "$(sqlite3 "$CP" "SELECT role FROM person WHERE user = '$B'")" = coordinator
t_check "a goal set there only is set here (the histories share the first pull)" \
	test "$(sqlite3 "$CP" "SELECT goal FROM pathway WHERE code = 'STEMG'")" = 7
t_check "a read ended there arrives, and what followed it" \
	test "$(sqlite3 "$CP" "SELECT count(*) || ' ' || s.status FROM read_decision r JOIN submission s ON s.id = r.submission_id WHERE s.ext_id = 'NO-2'")" = "2 awaiting_approval"
on "$CP" root check
t_check_d "check is clean" "$OUT" [ "$RC" -eq 0 ]

# a person changed on both sides: a conflict, this side's stays while it is open
# (test_archive_pull_people.sh settles one)
ok_on "$F/north.db" root people add $D --role approver
ok_on "$CP" root people add $D --role admin
on "$CP" root archive pull "$NA"
t_check_d "a pull with a person changed on both sides exits 0" "$ERR" [ "$RC" -eq 0 ]
t_check_d "and says which, and where the conflict is listed" "$ERR" \
	grep -q "$D was changed there and here.*'mcassess packet conflicts' lists it" "$ERR"
on "$CP" root packet conflicts
t_check_d "packet conflicts lists it, this side's against theirs" "$OUT" \
	grep -q "^person:$D  from archive:.*open" "$OUT"
t_check "this side's stays" test "$(sqlite3 "$CP" "SELECT role FROM person WHERE user = '$D'")" = admin
on "$CP" root check
t_check_d "check is clean (the merged archive keeps this side's record too)" "$OUT" [ "$RC" -eq 0 ]

# the copy's only admin made a coordinator there: the copy keeps its admin
# (the district's new admin, changed here too, stays as here)
ok_on "$CP" root people add $D --role approver
ok_on "$CP" root people add $A --role approver
ok_on "$F/north.db" root people add $A --role admin
ok_on "$F/north.db" root people add root --role coordinator
on "$CP" root archive pull "$NA"
t_check_d "a pull that would leave the copy with no admin exits 0" "$ERR" [ "$RC" -eq 0 ]
t_check_d "the copy's only admin stays admin, and the pull says so" "$ERR" \
	grep -q "root is coordinator there, and this database's only admin: they stay admin here" "$ERR"
t_check "root is still admin in the copy" test "$(sqlite3 "$CP" "SELECT role FROM person WHERE user = 'root'")" = admin

# ---------------------------------------------------------------- a catalog version published differently
X=$F/x.db
ok_on "$X" root init
sqlite3 "$X" "UPDATE rubric SET source_sha256 = 'f00d' || substr(source_sha256, 5) WHERE credential_id = (SELECT id FROM credential WHERE code = 'TEAM-QUES')"
ok_on "$X" root archive init
Y=$F/y.db
ok_on "$Y" root init
ok_on "$Y" root archive init
DB=$Y
t_snapshot
on "$Y" root archive pull "$X.archive.git"
t_check "a pull whose catalog has a version published otherwise is refused" [ "$RC" -ne 0 ]
t_check_d "naming the credential and its version" "$ERR" grep -q "TEAM-QUES version 1 differs there from here" "$ERR"
t_db_unchanged

# ---------------------------------------------------------------- kill -9 during the pull
K0=$F/k0.db
ok_on "$K0" root init
ok_on "$K0" root archive init
mkdir -p "$K0.evidence"
before=$(dump "$K0")
whole=$(sqlite3 "$F/north.db" "SELECT count(*) || ' ' || (SELECT count(*) FROM read_decision) FROM submission")
partial=0
for delay in 0.01 0.03 0.06 0.1 0.2; do
	t_copy_archived "$K0" "$F/k.db"
	"$MCASSESS" --db "$F/k.db" archive pull "$NA" >/dev/null 2>&1 &
	pid=$!
	sleep $delay
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	# one transaction: nothing of the district, or all of it
	if [ "$(dump "$F/k.db")" != "$before" ] &&
	   [ "$(sqlite3 "$F/k.db" "SELECT count(*) || ' ' || (SELECT count(*) FROM read_decision) FROM submission")" != "$whole" ]; then
		partial=1; echo "# partial after $delay s"
	fi
	"$MCASSESS" --db "$F/k.db" archive pull "$NA" >/dev/null 2>&1
	# a file being stored when the kill came is left, as an import's is (README: Crashes and repair)
	"$MCASSESS" --db "$F/k.db" check --repair >/dev/null 2>&1
	"$MCASSESS" --db "$F/k.db" check >"$OUT" 2>&1 || { partial=1; t_diag "$OUT"; }
	[ "$(sqlite3 "$F/k.db" "SELECT count(*) || ' ' || (SELECT count(*) FROM read_decision) FROM submission")" = "$(sqlite3 "$F/north.db" "SELECT count(*) || ' ' || (SELECT count(*) FROM read_decision) FROM submission")" ] ||
		{ partial=1; echo "# the pull after a kill at $delay s did not end where one pull does"; }
done
t_check "kill -9 during a pull: the copy as it was or wholly pulled; the next pull finishes; check clean" \
	test "$partial" = 0
# ---------------------------------------------------------------- an archive from before reads were kept
# A record written before the archive kept reads and due dates lacks them: check
# says so once, with the command that records them, not once a field; after it,
# check is clean. (The record is made old by a commit that drops the fields.)
t_copy_archived "$F/north.db" "$F/old.db"
OG="git --git-dir=$F/old.db.archive.git"
for id in NO-1 NO-3; do
	p=$($OG ls-tree -r --name-only main | grep "/$id/record.json")
	b=$($OG show "main:$p" | jq --indent 1 'del(.reads) | del(.assignments[].due_at)' | $OG hash-object -w --stdin)
	GIT_INDEX_FILE=$F/old.idx $OG read-tree main
	GIT_INDEX_FILE=$F/old.idx $OG update-index --cacheinfo "100644,$b,$p"
	t=$(GIT_INDEX_FILE=$F/old.idx $OG write-tree)
	c=$(GIT_AUTHOR_NAME=old GIT_AUTHOR_EMAIL=old@example.org GIT_COMMITTER_NAME=old \
		GIT_COMMITTER_EMAIL=old@example.org $OG commit-tree "$t" -p main -m "a record as an older mcassess wrote it")
	$OG update-ref refs/heads/main "$c"
done
on "$F/old.db" root check
t_check "an older archive's records: check exits 1" [ "$RC" -eq 1 ]
t_check "one problem for both records" [ "$(grep -c '^problem: ' "$OUT")" = 1 ]
t_check "it names the first record and the command that mends them" grep -q "^problem: archive: 2 records (the first: submission NO-1) were written before the archive kept reads, due dates and removals, and lack them; 'mcassess archive init $F/old.db.archive.git' records them" "$OUT"
ok_on "$F/old.db" root archive init "$F/old.db.archive.git"
on "$F/old.db" root check
t_check "after archive init, check is clean" [ "$RC" -eq 0 ]
done_testing
