#!/bin/sh
# test_archive_logindex.sh: `archive log` reads the log index the database
# keeps (schema.sql, migration 6) instead of walking the whole archive, and
# shows exactly what the walk shows (MCASSESS_ARCHIVE_LOG_WALK=1 makes it
# walk): on an archive with history from before the database's archive (init
# attaching an existing one), an import's commit covering several submissions,
# events archived before the index existed, a pull that merged another
# district's history, and pulls that fast-forward over it.
. "$TOP_SRCDIR/tests/cli/lib.sh"
FIX=$FIXTURES/archive
A=$DB.archive.git
g() { git --git-dir="$A" "$@"; }

IDS="HX-101 HX-102 BX-001 BX-002 BX-003 NOPE"
# same DESCRIPTION DB [FORMATS]: for every submission, the log from the index is
# the walk's. In tsv (the default) by itself: its lines hold every field of every
# entry, whole, and both ways print their entries through the one function
# (cmd_archive.c, print_entry), so the text lines, a shorter printing of the
# same fields, agree whenever these do; the first call compares text too. Two
# processes a submission and format, under ASan 0.1 s each.
same() {
	_ok=1
	for id in $IDS; do
		for fmt in ${3:-tsv}; do
			r1=0; r2=0
			"$MCASSESS" --db "$2" archive log "$id" --format "$fmt" >"$T/fast" 2>"$T/fast.err" || r1=$?
			MCASSESS_ARCHIVE_LOG_WALK=1 "$MCASSESS" --db "$2" archive log "$id" --format "$fmt" >"$T/walk" \
				2>"$T/walk.err" || r2=$?
			if [ "$r1" != "$r2" ] || ! cmp -s "$T/fast" "$T/walk" || ! cmp -s "$T/fast.err" "$T/walk.err"; then
				_ok=0
				echo "# $1: $id ($fmt): index exit $r1, walk exit $r2"
				diff "$T/walk" "$T/fast" | head -20 | sed 's/^/# /'
			fi
		done
	done
	t_check "$1: the index gives what the walk gives" test "$_ok" = 1
}
# indexed DESCRIPTION DB ARCHIVE: the index covers the archive's head
indexed() {
	t_check "$1" test "$(sqlite3 "$2" "SELECT value FROM meta WHERE key = 'archive_log_head'")" = \
		"$(git --git-dir="$3" rev-parse main)"
}

t_init_db
mc archive verify
if grep -qF "not available in this build" "$ERR"; then
	_t_n=$((_t_n + 1))
	echo "ok $_t_n # SKIP built --without-libgit2: no archive to log (test_archive.sh checks what it says)"
	done_testing
	exit $?
fi
mc import "$FIX/subs.csv" --evidence "$FIX/evidence"
mc score HX-101 O1 progressing
[ "$RC" -eq 0 ] || { echo "Bail out! setup failed: $(cat "$ERR")"; exit 1; }

# --- an archive made by another database first: init attaches to its history
O=$T/o.db
"$MCASSESS" --db "$O" init >/dev/null 2>&1
"$MCASSESS" --db "$O" import "$FIX/subs.csv" --evidence "$FIX/evidence" >/dev/null 2>&1
"$MCASSESS" --db "$O" archive init "$A" >/dev/null 2>&1
"$MCASSESS" --db "$O" score HX-102 O1 demonstrated >/dev/null 2>&1
t_check "the other database's index covers its archive" test \
	"$(sqlite3 "$O" "SELECT count(*) FROM archive_log")" -gt 0
mc archive init "$A"
[ "$RC" -eq 0 ] || { echo "Bail out! archive init failed: $(cat "$ERR")"; exit 1; }
indexed "init indexed the history it attached to (no log asked yet)" "$DB" "$A"
t_check "history from before this database's: init, a score, a status" test "$(g rev-list --count main)" -ge 4
same "init on an archive with history" "$DB" "text tsv"
indexed "the first log indexed the history" "$DB" "$A"

# --- commits the drain writes go into the index with their events
mc score HX-101 O2 demonstrated
mc feedback HX-101 "Ask why, then wait."
awk 'BEGIN { print "submission_id,educator_id,educator_name,district,school,credential,submitted_at,part,kind,text,file"
	for (i = 1; i <= 3; i++) printf "BX-%03d,EX-%03d,Educator %d,Eastwood,,TEAM-FEED,2026-11-20T08:00:00Z,overview,text,Overview number %d,\n", i, i, i, i }' >"$T/batch.csv"
mc import "$T/batch.csv"
g log -1 --format=%s main >"$OUT"
t_stdout_has "import 3 submissions"
indexed "the drain kept the index at the head" "$DB" "$A"
t_check "the import's commit is indexed under each of its submissions" test \
	"$(sql "SELECT count(DISTINCT key) FROM archive_log WHERE commit_id = '$(g rev-parse main)'")" = 3
same "scores, feedback, an import" "$DB"

# --- events archived before the index existed (a database from before it)
sql "DELETE FROM archive_log; DELETE FROM meta WHERE key LIKE 'archive_log_%'"
mc score HX-102 O2 progressing
t_check "a drain does not index onto an index it does not cover" test \
	"$(sql "SELECT count(*) FROM archive_log")" = 0
same "events from before the index" "$DB"
indexed "the log rebuilt the index" "$DB" "$A"

# --- another district's archive, cloned from ours, scores the same submission;
# ours does too and pulls: a merge commit with both histories
mc archive push "$T/state.git"
B=$T/b.db
sqlite3 "$DB" ".backup '$B'"
cp -r "$DB.evidence" "$B.evidence"
git clone -q --bare "$T/state.git" "$T/b.git"
sqlite3 "$B" "UPDATE meta SET value = '$T/b.git' WHERE key = 'archive_path'; UPDATE meta SET value = 'second-archive' WHERE key = 'archive_id'"
"$MCASSESS" --db "$B" score HX-101 O1 not_met >/dev/null 2>&1
"$MCASSESS" --db "$B" score BX-002 O1 progressing >/dev/null 2>&1
indexed "the second archive's drain extends the index it copied" "$B" "$T/b.git"
"$MCASSESS" --db "$B" archive push "$T/state.git" >/dev/null 2>&1
mc score HX-101 O1 demonstrated
t_run 0 archive pull
t_stdout_has "pulled and merged"
t_check "a merge commit with both parents" test "$(g log -1 --format=%P main | wc -w)" = 2
same "a pull that merged" "$DB"
mc score BX-002 O2 demonstrated
same "scores after the merge" "$DB"
indexed "the index covers the merge and after" "$DB" "$A"

# --- the second district pulls: a fast-forward over the merge, then over a
# line of commits on top of what it had indexed
mc archive push
"$MCASSESS" --db "$B" archive pull >"$OUT" 2>&1
t_stdout_has "moved forward"
same "a fast-forward over a merge" "$B"
# a row no commit has: kept when the index is added to, gone when it is rebuilt
sqlite3 "$B" "INSERT INTO archive_log(ord, commit_id, key) VALUES (-1, 'none', 'marker')"
mc score BX-003 O1 progressing
mc feedback BX-001 "Good."
mc archive push
"$MCASSESS" --db "$B" archive pull >"$OUT" 2>&1
t_check "the second archive has the commits on top" test \
	"$(git --git-dir="$T/b.git" rev-parse main)" = "$(g rev-parse main)"
same "a fast-forward over a line of commits" "$B"
indexed "the index caught up with the head" "$B" "$T/b.git"
t_check "by adding to it, not by starting over" test \
	"$(sqlite3 "$B" "SELECT count(*) FROM archive_log WHERE key = 'marker'")" = 1
t_check "it counts every commit" test \
	"$(sqlite3 "$B" "SELECT value FROM meta WHERE key = 'archive_log_count'")" = "$(g rev-list --count main)"

done_testing
