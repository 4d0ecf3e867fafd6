#!/bin/sh
# test_archive_merge.sh: `archive pull` through the merge engine review packets
# use (issue 12, item 4), with real OS accounts (as root, else skipped): the
# server's archive is pushed to a shared repository; a laptop copy of the
# server (its database and a clone of its archive) is scored there by mcfeda
# and pushed; the server pulls: the laptop's scores are in its database under
# mcfeda, no .theirs files, check clean; the same read scored on both sides is
# a conflict, listed by `packet conflicts`, resolved by `packet resolve`, check
# clean; pulling twice changes nothing; kill -9 during a pull leaves the
# database as it was or wholly merged, and the next pull ends where an
# uninterrupted one does.
. "$TOP_SRCDIR/tests/cli/lib.sh"
U=mcfeda V=mcfedb
if ! t_accounts $U $V; then
	t_ok "archive pull through the merge # SKIP not root (useradd, runuser)"
	done_testing
	exit 0
fi
DB=$F/server.db
A=$DB.archive.git
L=$F/laptop.db
g() { git --git-dir="$A" "$@"; }
t_archive_db
mc people add $U --role assessor --district Northfield
mc people add $V --role assessor --district Southgate
mc assign HX-101 $U; mc assign HX-102 $V
mc archive push "$F/state.git"
[ "$RC" -eq 0 ] || { echo "Bail out! push failed: $(cat "$ERR")"; exit 1; }

# laptop DB: a copy of the server with a clone of its archive, as a district
# coordinator makes one (README: One merge engine)
laptop() { t_archive_laptop "$DB" "$F/state.git" "$1"; }
# on DB USER ARGS...: mcassess as USER on DB
on() { t_on "$@"; }
dump() { sqlite3 "$1" .dump; }

# ---------------------------------------------------------------- the issue's story
laptop "$L"
on "$L" $U score HX-101 O1 demonstrated --comment "Three levels of questions, well planned."
t_check "the laptop scores as $U" test "$RC" -eq 0
on "$L" $U feedback HX-101 "Your questions climb from recall to analysis."
"$MCASSESS" --db "$L" archive push "$F/state.git" >"$OUT" 2>"$ERR"
t_check "the laptop pushes" test $? -eq 0
t_run 0 archive pull "$F/state.git"
t_stdout_has "pulled: the archive moved forward to the remote's history; the database took the remote's work on 1 submission; 0 conflicts"
t_check "the laptop's score is in the server's database, by $U" test \
	"$(sql "SELECT l.code || ' ' || sc.assessor || ' ' || sc.comment FROM score sc JOIN level l ON l.id = sc.level_id
		JOIN submission s ON s.id = sc.submission_id WHERE s.ext_id = 'HX-101'")" = \
	"demonstrated $U Three levels of questions, well planned."
t_check "with the laptop's own uid" test \
	"$(sql "SELECT uid FROM score")" = "$(sqlite3 "$L" "SELECT uid FROM score")"
t_check "the feedback too" test "$(sql "SELECT author FROM feedback")" = "$U"
t_check "the submission's status follows" test "$(sql "SELECT status FROM submission WHERE ext_id = 'HX-101'")" = \
	"$(sqlite3 "$L" "SELECT status FROM submission WHERE ext_id = 'HX-101'")"
t_check "audited under $U at the laptop's time" test \
	"$(sql "SELECT actor || ' ' || at FROM audit WHERE action = 'score' ORDER BY seq DESC LIMIT 1")" = \
	"$(sqlite3 "$L" "SELECT actor || ' ' || at FROM audit WHERE action = 'score' ORDER BY seq DESC LIMIT 1")"
t_check "no .theirs files" sh -c "! git --git-dir='$A' ls-tree -r --name-only main | grep -q theirs"
t_run 0 check
t_stdout_has "all good"
t_run 0 archive verify

# pulling twice changes nothing
before=$(dump "$DB")
t_run 0 archive pull
t_stdout_has "up to date: nothing to pull"
t_check "a second pull leaves the database as it was" test "$(dump "$DB")" = "$before"

# ---------------------------------------------------------------- the same read scored on both sides
mc archive push
L2=$F/laptop2.db
laptop "$L2"
on "$L2" $V score HX-102 O1 not_met
t_check "the laptop scores HX-102" test "$RC" -eq 0
"$MCASSESS" --db "$L2" archive push "$F/state.git" >/dev/null 2>&1
on "$DB" $V score HX-102 O1 progressing
t_check "and the server scores the same read differently" test "$RC" -eq 0
t_run 0 archive pull
t_stdout_has "pulled and merged; the database took the remote's work on 0 submissions; 1 conflict held: see 'mcassess packet conflicts'"
t_check "a merge commit with both parents" test "$(g log -1 --format=%P main | wc -w)" = 2
t_check "no .theirs files" sh -c "! git --git-dir='$A' ls-tree -r --name-only main | grep -q theirs"
t_check "the server's score stands while the conflict is open" test \
	"$(sql "SELECT l.code FROM score sc JOIN level l ON l.id = sc.level_id")" != ""
t_check "progressing, on HX-102" test "$(sql "SELECT l.code FROM score sc JOIN level l ON l.id = sc.level_id
	JOIN submission s ON s.id = sc.submission_id WHERE s.ext_id = 'HX-102'")" = progressing
t_run 0 packet conflicts
t_stdout_has "HX-102  from archive:"
t_stdout_has "in the remote archive: score by $V at"
t_run 0 check
t_stdout_has "all good"
t_run 0 packet resolve HX-102 --keep packet
t_check "the laptop's score replaced the server's" test "$(sql "SELECT l.code || ' ' || sc.uid FROM score sc
	JOIN level l ON l.id = sc.level_id JOIN submission s ON s.id = sc.submission_id WHERE s.ext_id = 'HX-102'")" = \
	"not_met $(sqlite3 "$L2" "SELECT sc.uid FROM score sc JOIN submission s ON s.id = sc.submission_id WHERE s.ext_id = 'HX-102'")"
t_run 0 packet conflicts
t_stdout_has "no open conflicts"
t_run 0 check
t_stdout_has "all good"
t_run 0 archive verify
t_check "the archive's record says what the database does" sh -c \
	"git --git-dir='$A' show main:submissions/$(printf HX-102 | sha256sum | cut -c1)/$(printf HX-102 | sha256sum | cut -c2)/$(printf HX-102 | sha256sum | cut -c3)/$(printf HX-102 | sha256sum | cut -c4)/HX-102/record.json | grep -q '\"level\": \"not_met\"'"
before=$(dump "$DB")
t_run 0 archive pull
t_check "pulling again changes nothing" test "$(dump "$DB")" = "$before"

# the other way: the first laptop pulls the server's work (the resolution
# included) and the two converge
mc archive push
on "$L" $V check
t_check "the laptop was clean before" test "$RC" -eq 0
"$MCASSESS" --db "$L" archive pull "$F/state.git" >"$OUT" 2>&1
t_stdout_has "pulled: the archive moved forward to the remote's history"
t_check "the laptop has the resolution" test "$(sqlite3 "$L" "SELECT l.code FROM score sc JOIN level l ON l.id = sc.level_id
	JOIN submission s ON s.id = sc.submission_id WHERE s.ext_id = 'HX-102'")" = not_met
"$MCASSESS" --db "$L" check >"$OUT" 2>&1
t_check "check is clean on the laptop" test $? -eq 0
"$MCASSESS" --db "$L" archive push "$F/state.git" >"$OUT" 2>&1
t_stdout_has "up to date: nothing to push"
t_check "the laptop's archive and the server's have one head" test \
	"$(git --git-dir="$L.archive.git" rev-parse main)" = "$(g rev-parse main)"

# ---------------------------------------------------------------- kill -9 during a pull
mc archive push
L3=$F/laptop3.db
laptop "$L3"
on "$L3" $U score HX-101 O2 progressing
on "$L3" $U score HX-101 O3 demonstrated
"$MCASSESS" --db "$L3" archive push "$F/state.git" >/dev/null 2>&1
on "$DB" $V score HX-102 O2 progressing
copy() { t_copy_archived "$@"; } # a database with its evidence and archive
copy "$DB" "$F/k0.db"
# the copies differ only in where their archives are
logical() { dump "$1" | grep -v "'archive_path'"; }
before=$(logical "$F/k0.db")
echo "$before" >"$F/before"
copy "$F/k0.db" "$F/k1.db"
"$MCASSESS" --db "$F/k1.db" archive pull "$F/state.git" >/dev/null 2>&1
after=$(sqlite3 "$F/k1.db" "SELECT uid, criterion_id, level_id FROM score ORDER BY uid")
partial=0
for delay in 0.005 0.01 0.02 0.04 0.08; do
	copy "$F/k0.db" "$F/k.db"
	"$MCASSESS" --db "$F/k.db" archive pull "$F/state.git" >/dev/null 2>&1 &
	pid=$!
	sleep $delay
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	now=$(sqlite3 "$F/k.db" "SELECT uid, criterion_id, level_id FROM score ORDER BY uid")
	if [ "$(logical "$F/k.db")" != "$before" ] && [ "$now" != "$after" ]; then
		partial=1; echo "# partial after $delay s"; logical "$F/k.db" | diff - "$F/before" | head -5 | sed 's/^/# /'
	fi
	"$MCASSESS" --db "$F/k.db" archive pull "$F/state.git" >/dev/null 2>&1
	[ "$(sqlite3 "$F/k.db" "SELECT uid, criterion_id, level_id FROM score ORDER BY uid")" = "$after" ] ||
		{ partial=1; echo "# the pull after a kill at $delay s did not end where one pull does"; }
	"$MCASSESS" --db "$F/k.db" check >"$OUT" 2>&1 || { partial=1; t_diag "$OUT"; }
done
t_check "the pull changes the database (so the kills are of real work)" test "$before" != "$(logical "$F/k1.db")"
t_check "kill -9 during a pull: the database as it was or wholly merged; the next pull finishes; check clean" \
	test "$partial" = 0
# a pull that fails (the remote is not there) leaves the database as it was
before=$(dump "$DB")
t_run 1 archive pull "$F/nonesuch.git"
t_check "a failed pull leaves the database as it was" test "$(dump "$DB")" = "$before"
# an assessor may not pull other work in
on "$DB" $U archive pull "$F/state.git"
t_check "an assessor may not pull" test "$RC" -ne 0
done_testing
