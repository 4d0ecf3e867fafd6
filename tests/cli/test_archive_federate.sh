#!/bin/sh
# test_archive_federate.sh: a state server federating district archives (issue
# 12, item 4). Three districts run their own servers: independent databases,
# each with its own archive (no common history), its own submissions (ids from
# the one submission platform), scores, feedback, decisions, a resubmission
# with a stored file. The state database pulls all three: `report progress`
# there gives the sums of the districts' figures, per district the district's
# own, and check is clean; pulling again changes nothing; later work in a
# district arrives with the next pull.
. "$TOP_SRCDIR/tests/cli/lib.sh"
F=$T
on() { _db=$1; shift; RC=0; "$MCASSESS" --db "$_db" "$@" >"$OUT" 2>"$ERR" </dev/null || RC=$?; }
ok_on() { on "$@"; [ "$RC" -eq 0 ] || { echo "Bail out! mcassess --db $*: $(cat "$ERR")"; exit 1; }; }

# district DB NAME PREFIX N: N submissions of NAME, all but the last two
# earned, one sent back for resubmission and submitted again with a file
district() {
	_db=$1 _d=$2 _p=$3 _n=$4
	ok_on "$_db" init
	awk -v D="$_d" -v P="$_p" -v N="$_n" 'BEGIN {
		print "submission_id,educator_id,educator_name,district,school,credential,submitted_at,part,kind,text,file"
		split("overview artifact artifact2 reflection", parts, " ")
		for (i = 1; i <= N; i++) for (k = 1; k <= 4; k++)
			printf "%s-%d,%s-E%d,Teacher %d of %s,%s,%s School %d,TEAM-FEED,2026-11-%02dT08:00:00Z,%s,text,The %s of teacher %d in %s: feedback that is specific and timely.,\n",
				P, i, P, i, i, D, D, D, i % 2, 10 + i, parts[k], parts[k], i, D }' >"$_db.csv"
	ok_on "$_db" import "$_db.csv"
	on "$_db" archive init
	[ "$RC" -eq 0 ] || t_skip_all "built without libgit2"
	ok_on "$_db" assign $(seq -f "$_p-%g" 1 "$_n") root
	for i in $(seq 1 $((_n - 2))); do
		for c in O1 O2 A1 A2 A3 A4 A5 R1 R2; do ok_on "$_db" score "$_p-$i" $c demonstrated; done
		ok_on "$_db" feedback "$_p-$i" "Well done, $_p-$i."
		ok_on "$_db" decide "$_p-$i" earned
	done
	i=$((_n - 1))
	ok_on "$_db" score "$_p-$i" O1 not_met --comment "Say which student."
	ok_on "$_db" feedback "$_p-$i" "Name the student the feedback is for."
	ok_on "$_db" decide "$_p-$i" resubmit
	mkdir -p "$F/ev-$_p" && printf 'a lesson plan of %s\n' "$_d" >"$F/ev-$_p/plan.txt"
	{ head -1 "$_db.csv"
	  grep "^$_p-$i," "$_db.csv" | sed "s/^$_p-$i,/$_p-${i}b,/; s/,2026-11-\([0-9]*\)T/,2026-12-\1T/" |
		sed '2s/,text,[^,]*,$/,file,,plan.txt/'; } >"$_db.again.csv"
	ok_on "$_db" import "$_db.again.csv" --evidence "$F/ev-$_p"
}

district "$F/alpha.db" Alpha AL 4
district "$F/beta.db" Beta BE 5
district "$F/gamma.db" Gamma GA 3
t_check "the resubmission is attempt 2 with a stored file" test \
	"$(sqlite3 "$F/beta.db" "SELECT s.attempt || ' ' || p.ext_id || ' ' || (SELECT count(*) FROM evidence WHERE
		submission_id = s.id AND kind = 'file') FROM submission s JOIN submission p ON p.id = s.previous_id")" = "2 BE-4 1"

t_init_db
mc archive init
for d in alpha beta gamma; do
	t_run 0 archive pull "$F/$d.db.archive.git"
done
t_stdout_has "pulled and merged; the database took the remote's work on 4 submissions; 0 conflicts"
t_check "every district's submissions are in the state's database" test "$(sql "SELECT count(*) FROM submission")" = \
	$(( $(sqlite3 "$F/alpha.db" "SELECT count(*) FROM submission") + $(sqlite3 "$F/beta.db" "SELECT count(*) FROM submission") + $(sqlite3 "$F/gamma.db" "SELECT count(*) FROM submission") ))
t_check "with their scores, by their authors, with their uids" test \
	"$(sql "SELECT uid, assessor, at FROM score ORDER BY uid")" = \
	"$(for d in alpha beta gamma; do sqlite3 "$F/$d.db" "SELECT uid, assessor, at FROM score"; done | sort)"
t_check "their feedback and decisions" test \
	"$(sql "SELECT uid || body FROM feedback UNION ALL SELECT uid || outcome FROM decision ORDER BY 1")" = \
	"$(for d in alpha beta gamma; do sqlite3 "$F/$d.db" "SELECT uid || body FROM feedback UNION ALL SELECT uid || outcome FROM decision"; done | sort)"
t_check "the stored file came along" test "$(sql "SELECT count(*) FROM blob")" = 3
t_check "the resubmission still follows its first attempt" test \
	"$(sql "SELECT p.ext_id FROM submission s JOIN submission p ON p.id = s.previous_id WHERE s.ext_id = 'BE-4b'")" = BE-4
t_run 0 check
t_stdout_has "all good"
t_run 0 archive verify

# report progress: state-wide figures are the sums of the districts'
# progress DB...: each database's report, run once for the figures read from it
# (each run is a process, 0.1 s under ASan); figures DB FILTER: one of them
progress() { for _d; do "$MCASSESS" --db "$_d" report progress --format json >"$_d.progress"; done; }
figures() { jq -c "$2" "$1.progress"; }
progress "$F/alpha.db" "$F/beta.db" "$F/gamma.db" "$DB"
for k in earned in_process resubmit incomplete withdrawn; do
	sum=0
	for d in alpha beta gamma; do sum=$((sum + $(figures "$F/$d.db" ".total.$k"))); done
	t_check "report progress: the state's total $k ($(figures "$DB" ".total.$k")) is the districts' sum ($sum)" \
		test "$(figures "$DB" ".total.$k")" = "$sum"
done
t_check "report progress: each district's row on the state server is the district's own" test \
	"$(figures "$DB" '[.districts[]] | sort_by(.district)')" = \
	"$(for d in alpha beta gamma; do figures "$F/$d.db" '.districts[]'; done | jq -sc 'sort_by(.district)')"
t_check "and so is each pathway's (earned)" test \
	"$(figures "$DB" '[.pathways[] | .earned]')" = \
	"$(for d in alpha beta gamma; do figures "$F/$d.db" '[.pathways[] | .earned]'; done | jq -sc 'transpose | map(add)')"

# pulling again changes nothing
before=$(sqlite3 "$DB" .dump)
for d in alpha beta gamma; do mc archive pull "$F/$d.db.archive.git"; done
t_stdout_has "up to date: nothing to pull"
t_check "pulling the districts again changes nothing" test "$(sqlite3 "$DB" .dump)" = "$before"

# later work in a district arrives with the next pull
ok_on "$F/gamma.db" score GA-3 O1 progressing
t_run 0 archive pull "$F/gamma.db.archive.git"
t_stdout_has "the database took the remote's work on 1 submission; 0 conflicts"
t_check "the district's new score is on the state server" test \
	"$(sql "SELECT count(*) FROM score sc JOIN submission s ON s.id = sc.submission_id WHERE s.ext_id = 'GA-3'")" = 1
t_run 0 check
t_stdout_has "all good"
# a status changed there with no score of its own: a withdrawal
ok_on "$F/alpha.db" withdraw AL-4 --reason "The teacher left the district."
t_run 0 archive pull "$F/alpha.db.archive.git"
t_stdout_has "the database took the remote's work on 1 submission; 0 conflicts"
t_check "the withdrawal is on the state server" test "$(sql "SELECT status FROM submission WHERE ext_id = 'AL-4'")" = withdrawn
progress "$DB"
t_check "the state's withdrawn figure follows" test "$(figures "$DB" .total.withdrawn)" = 1
t_run 0 check
t_stdout_has "all good"

# a read assigned there reaches the state, with its audit row
ok_on "$F/beta.db" assign BE-4b root
t_run 0 archive pull "$F/beta.db.archive.git"
t_stdout_has "the database took the remote's work on 1 submission; 0 conflicts"
t_check "the assignment is on the state server, by its uid" test \
	"$(sql "SELECT a.uid FROM assignment a JOIN submission s ON s.id = a.submission_id WHERE s.ext_id = 'BE-4b'")" = \
	"$(sqlite3 "$F/beta.db" "SELECT a.uid FROM assignment a JOIN submission s ON s.id = a.submission_id WHERE s.ext_id = 'BE-4b'")"
t_run 0 check
t_stdout_has "all good"

# a teacher who moved school: the district's import updates the educator
{ head -1 "$F/gamma.db.csv"; grep "^GA-1," "$F/gamma.db.csv" | sed 's/^GA-1,/GA-9,/; s/TEAM-FEED/TEAM-QUES/; s/,Gamma School 1,/,Gamma High,/'; } >"$F/moved.csv"
ok_on "$F/gamma.db" import "$F/moved.csv"
t_run 0 archive pull "$F/gamma.db.archive.git"
t_check "the educator's new school is on the state server" test \
	"$(sql "SELECT sc.name FROM educator e JOIN school sc ON sc.id = e.school_id WHERE e.ext_id = 'GA-E1'")" = "Gamma High"
t_check "audited as an update" test "$(sql "SELECT count(*) FROM audit WHERE action = 'update' AND subject = 'educator:GA-E1'")" = 1
t_run 0 check
t_stdout_has "all good"

# a district whose catalog the state lacks is refused, naming it, with nothing merged
ok_on "$F/delta.db" init
printf 'submission_id,educator_id,educator_name,district,school,credential,submitted_at,part,kind,text,file\nDE-1,DE-E1,Dee,Delta,,TEAM-FEED,2026-11-10T08:00:00Z,overview,text,Some text here.,\n' >"$F/de.csv"
ok_on "$F/delta.db" import "$F/de.csv"
ok_on "$F/delta.db" archive init
# (the state's catalog made different behind mcassess's back, for the test's sake)
sqlite3 "$DB" "UPDATE rubric SET version = version + 100 WHERE credential_id = (SELECT id FROM credential WHERE code = 'TEAM-FEED')"
before=$(sqlite3 "$DB" .dump)
t_run 3 archive pull "$F/delta.db.archive.git"
t_stderr_has "submission DE-1 is of TEAM-FEED, rubric version 1, which this database's catalog does not have"
t_check "nothing of it was merged" test "$(sqlite3 "$DB" .dump)" = "$before"
done_testing
