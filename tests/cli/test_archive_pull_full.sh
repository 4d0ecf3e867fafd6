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
# a pull commits in steps: killed, or failed (a record it cannot take, a full
# disk), it leaves whole steps, check clean, and the same pull goes on to
# where one pull ends (an evidence file being stored when killed is left for
# `check --repair`, as an import's is). Real OS accounts (as
# root, else skipped): mcpl12a, mcpl12b read first and second, mcpl12c
# approves, mcpl12d coordinates.
. "$TOP_SRCDIR/tests/cli/lib.sh"
A=mcpl12a B=mcpl12b C=mcpl12c D=mcpl12d
t_accounts $A $B $C $D mcpl12e mcpl12f mcpl12h || t_skip_all "not root (useradd, runuser)"
FX=$FIXTURES/packet
# on DB USER ARGS...: t_on, but root's runs go without runuser and without
# making everything under $F writable first (root writes anyway; the next other
# account's run makes it so): most runs here are root's, and under ASan each
# process counts
on() {
	if [ "$2" = root ]; then
		_db=$1; shift 2
		RC=0
		HOME="$F" "$MCASSESS" --db "$_db" "$@" >"$OUT" 2>"$ERR" </dev/null || RC=$?
	else
		t_on "$@"
	fi
}
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
	ok_on "$_db" root assign "$_p-1" "$_p-2" "$_p-3" $A
	ok_on "$_db" root assign "$_p-1" "$_p-2" "$_p-3" $B --read second
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
# A pull commits in steps (here one record a step: MCASSESS_PULL_STEP=1). Killed
# anywhere, the copy is as it was, or holds the steps' whole records with the
# archive's branch where it was (it never claims records the database lacks),
# check clean and noting the stop; the same pull run again says it resumes and
# ends where one uninterrupted pull does: the same rows by stable ids, export
# and queue.
export MCASSESS_PULL_STEP=1
K0=$F/k0.db
ok_on "$K0" root init
ok_on "$K0" root archive init
mkdir -p "$K0.evidence"
W=$F/whole.db
t_copy_archived "$K0" "$W"
# (traced: the case of the steps below counts its commits)
MCASSESS_SQL_TRACE=$F/trace HOME=$F "$MCASSESS" --db "$W" archive pull "$NA" >/dev/null 2>"$ERR" ||
	{ echo "Bail out! mcassess --db $W archive pull $NA: $(cat "$ERR")"; exit 1; }
# same DB: what an uninterrupted pull gives (export results, queue, the rows by stable ids)
same() {
	"$MCASSESS" --db "$1" export results --out "$F/same.csv" >/dev/null 2>&1 && cat "$F/same.csv"
	"$MCASSESS" --db "$1" queue --status all --limit 0 --format tsv
	dump "$1"
}
same "$W" >"$F/whole.same"
before=$(dump "$K0")
bad=0 stops=0
for delay in 0.01 0.05 0.1 0.15 0.2 0.3 0.4; do
	t_copy_archived "$K0" "$F/k.db"
	head0=$(git --git-dir="$F/k.db.archive.git" rev-parse main)
	"$MCASSESS" --db "$F/k.db" archive pull "$NA" >/dev/null 2>&1 &
	pid=$!
	sleep $delay
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	n=$(sqlite3 "$F/k.db" "SELECT count(*) FROM submission")
	pending=$(sqlite3 "$F/k.db" "SELECT value FROM meta WHERE key = 'archive_pull_pending'")
	if [ -n "$pending" ]; then
		stops=$((stops + 1))
		[ "$(git --git-dir="$F/k.db.archive.git" rev-parse main)" = "$head0" ] ||
			{ bad=1; echo "# after $delay s: the branch moved before the pull ended"; }
		[ "$(echo "$pending" | cut -d' ' -f2)" = "$n" ] ||
			{ bad=1; echo "# after $delay s: $n submissions, but the pull noted '$pending'"; }
		# a file being stored when the kill came is left, as an import's is (README: Crashes and repair)
		"$MCASSESS" --db "$F/k.db" check --repair >/dev/null 2>&1
		"$MCASSESS" --db "$F/k.db" check >"$OUT" 2>&1 || { bad=1; t_diag "$OUT"; }
		grep -q "stopped with $n of its" "$OUT" || { bad=1; echo "# after $delay s: check says nothing of the stop"; }
	elif [ "$n" != 0 ] && [ "$(dump "$F/k.db")" != "$(dump "$W")" ]; then
		bad=1; echo "# after $delay s: $n submissions, and no note of how far the pull got"
	fi
	"$MCASSESS" --db "$F/k.db" archive pull "$NA" >/dev/null 2>"$ERR" || { bad=1; t_diag "$ERR"; }
	[ -z "$pending" ] || grep -q "resuming the pull of $NA from record $((n + 1)) of" "$ERR" ||
		{ bad=1; echo "# after $delay s: the pull did not say it resumed"; t_diag "$ERR"; }
	"$MCASSESS" --db "$F/k.db" check --repair >/dev/null 2>&1
	"$MCASSESS" --db "$F/k.db" check >"$OUT" 2>&1 || { bad=1; t_diag "$OUT"; }
	same "$F/k.db" | cmp -s - "$F/whole.same" ||
		{ bad=1; echo "# after $delay s: the pull run again did not end where one pull does"; }
done
echo "# $stops of 7 kills stopped the pull between its steps"
t_check "kill -9 during a pull: as it was, or whole steps with check clean; the same pull ends as one pull does" \
	test "$bad" = 0
t_check "a pull untouched is the same (the copy as it was before)" test "$(dump "$K0")" = "$before"

# Steps: a pull of N records commits about N times (each step a COMMIT in the
# trace of the uninterrupted pull into $W above)
subs=$(sqlite3 "$W" "SELECT count(*) FROM submission")
t_check "one record a step: a commit a record ($subs submissions, $(grep -c 'COMMIT$' "$F/trace") commits)" \
	[ "$(grep -c 'COMMIT$' "$F/trace")" -ge "$subs" ]

# A record this database cannot take (scored on a criterion its rubric lacks),
# the last in the pull's order: the pull says which and where it stopped,
# exits 1 (not 3: the steps before are in), leaves the records before it with
# check clean, and the same pull run again stops there again, changing nothing.
BA=$F/bad.git
rm -rf "$BA"; cp -r "$NA" "$BA"
last=$(sqlite3 "$F/north.db" "SELECT ext_id FROM submission ORDER BY attempt DESC, submitted_at DESC, ext_id DESC LIMIT 1")
BG="git --git-dir=$BA"
p=$($BG ls-tree -r --name-only main | grep "/$last/record.json")
b=$($BG show "main:$p" | jq --indent 1 '.scores.first.Z9 = {"level": "demonstrated", "assessor": "x", "at": "2026-11-22T10:00:00Z", "uid": "z9"}' |
	$BG hash-object -w --stdin)
GIT_INDEX_FILE=$F/bad.idx $BG read-tree main
GIT_INDEX_FILE=$F/bad.idx $BG update-index --cacheinfo "100644,$b,$p"
t=$(GIT_INDEX_FILE=$F/bad.idx $BG write-tree)
c=$(GIT_AUTHOR_NAME=x GIT_AUTHOR_EMAIL=x@example.org GIT_COMMITTER_NAME=x GIT_COMMITTER_EMAIL=x@example.org \
	$BG commit-tree "$t" -p main -m "a record scored on a criterion its rubric lacks")
$BG update-ref refs/heads/main "$c"
t_copy_archived "$K0" "$F/b.db"
head0=$(git --git-dir="$F/b.db.archive.git" rev-parse main)
on "$F/b.db" root archive pull "$BA"
t_check "a record it cannot take, after steps: exit 1" [ "$RC" -eq 1 ]
t_check_d "naming the submission and what it lacks" "$ERR" grep -q "submission $last is scored there on Z9" "$ERR"
t_check_d "and where the pull stopped, what is in, and how it goes on" "$ERR" \
	grep -q "the pull stopped at record $subs of $subs: the first $((subs - 1)) are in this database (check is clean) and the archive's branch has not moved; once this is mended, 'mcassess archive pull $BA' goes on from record $subs" "$ERR"
t_check "the records before it are in" test "$(sqlite3 "$F/b.db" "SELECT count(*) FROM submission")" = $((subs - 1))
t_check "the branch has not moved" test "$(git --git-dir="$F/b.db.archive.git" rev-parse main)" = "$head0"
on "$F/b.db" root check
t_check_d "check is clean, and notes the stop" "$OUT" grep -q "stopped with $((subs - 1)) of its $subs records" "$OUT"
t_check_d "a note, not a problem" "$OUT" sh -c "grep -q '^archive: note: a pull' '$OUT' && ! grep -q '^problem: archive: note' '$OUT'"
t_check "check exits 0" [ "$RC" -eq 0 ]
DB=$F/b.db
t_snapshot
on "$F/b.db" root archive pull "$BA"
t_check_d "run again, it stops there again" "$ERR" grep -q "submission $last is scored there on Z9" "$ERR"
t_db_unchanged

# A full disk (the file size limit) in the middle of a pull: it says what and
# where it stopped, and the same pull run again ends as one pull does.
t_copy_archived "$K0" "$F/fz.db"
sz=$(( $(stat -c %s "$W") / 1024 ))
# (prlimit takes bytes: ulimit -f counts 1024-byte blocks in bash, 512 in dash,
# where the limit fell below the copy's own size and the pull stopped before its first step)
( trap '' XFSZ; exec prlimit --fsize=$((sz * 1024 * 3 / 4)) "$MCASSESS" --db "$F/fz.db" archive pull "$NA" ) >"$OUT" 2>"$ERR"
RC=$?
t_check_d "a pull that meets the file size limit exits 1" "$ERR" [ "$RC" -eq 1 ]
t_check_d "saying so, and where it stopped" "$ERR" \
	grep -q "file size limit.*the pull stopped at record [0-9]* of $subs: the first [0-9]* are in this database" "$ERR"
on "$F/fz.db" root check
t_check_d "check is clean after it" "$OUT" [ "$RC" -eq 0 ]
on "$F/fz.db" root archive pull "$NA"
t_check_d "the same pull, run again with room, ends as one pull does" "$ERR" \
	sh -c "[ $RC -eq 0 ] && grep -q 'resuming the pull' '$ERR'"
same "$F/fz.db" >"$F/fz.same"
t_check "the same rows, export and queue as one pull" cmp -s "$F/fz.same" "$F/whole.same"
unset MCASSESS_PULL_STEP

# ---------------------------------------------------------------- the WAL's bound
# A pull's WAL stays under its bound (32 MB written a step, and one record more)
# where one transaction's exceeds it: 300 demo submissions (about 50 MB in one
# transaction). A second connection holds the file open, so that the WAL is
# kept at its largest when the pull closes.
D3=$F/d300.db
ok_on "$D3" root demo --submissions 300
ok_on "$D3" root archive init
# wal_peak STEP: the WAL's size after a pull into a new database (STEP: MCASSESS_PULL_STEP, "" the default)
wal_peak() {
	rm -rf "$F/w.db" "$F/w.db"-* "$F/w.db".* "$F/fifo" "$F/w.out"
	"$MCASSESS" --db "$F/w.db" init >/dev/null && "$MCASSESS" --db "$F/w.db" archive init >/dev/null
	mkfifo "$F/fifo"
	sqlite3 "$F/w.db" <"$F/fifo" >"$F/w.out" 2>&1 &
	exec 9>"$F/fifo"
	echo "SELECT count(*) FROM meta;" >&9
	while [ ! -s "$F/w.out" ]; do sleep 0.05; done # it has the file open: the pull's close keeps the WAL
	MCASSESS_PULL_STEP=$1 "$MCASSESS" --db "$F/w.db" archive pull "$D3.archive.git" >/dev/null 2>&1
	stat -c %s "$F/w.db-wal"
	exec 9>&-
	wait
}
one=$(wal_peak 100000)
steps=$(wal_peak "")
echo "# the WAL of a pull of 300 submissions: $one bytes in one transaction, $steps in steps"
t_check "the WAL of a pull in steps stays under 36 MB ($steps bytes)" [ "$steps" -le $((36 << 20)) ]
t_check "where the pull in one transaction exceeds it ($one bytes)" [ "$one" -gt $((36 << 20)) ]

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
