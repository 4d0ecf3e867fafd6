#!/bin/sh
# test_archive_push_copy.sh: `archive push` to a path on this machine takes
# the archive's packs and loose objects across as files, as `archive pull`
# takes another's (issue 15: libgit2's push packed every object again and
# held an entry for each, 367 MB for 20,000 submissions into an empty
# remote), then moves the remote's main from where it found it. The remote is
# whole (git fsck), a push after an event moves it on, a new database pulls
# the same submissions from it, and a remote that moved on refuses the push.
. "$TOP_SRCDIR/tests/cli/lib.sh"
FIX=$FIXTURES/archive
A=$DB.archive.git
R=$T/district.git
g() { git --git-dir="$A" "$@"; }
r() { git --git-dir="$R" "$@"; }
packs() { find "$1/objects/pack" -name '*.pack' -exec basename {} \; | sort; }

t_init_db
mc import "$FIX/subs.csv" --evidence "$FIX/evidence"
[ "$RC" -eq 0 ] || { echo "Bail out! import failed: $(cat "$ERR")"; exit 1; }
mc archive init
if grep -qF "not available in this build" "$ERR"; then echo "1..0 # SKIP built without libgit2"; exit 0; fi
[ "$RC" -eq 0 ] || { echo "Bail out! archive init failed: $(cat "$ERR")"; exit 1; }

t_run 0 archive push "$R"
t_stdout_has "pushed"
t_check "the remote's main is the archive's" test "$(r rev-parse main)" = "$(g rev-parse main)"
packs "$A" >"$T/ours"
packs "$R" >"$T/theirs"
t_check "each of the archive's packs is in the remote under its name (copied, not packed again)" \
	test -s "$T/ours" -a -z "$(comm -23 "$T/ours" "$T/theirs")"
t_check "git fsck --strict of the remote" r fsck --strict --no-progress

mc score HX-102 O1 progressing
t_run 0 archive push
t_stdout_has "pushed"
t_check "a push after an event moves the remote's main on" test "$(r rev-parse main)" = "$(g rev-parse main)"
t_check "git fsck --strict of the remote after it" r fsck --strict --no-progress
t_run 0 archive push
t_stdout_has "up to date: nothing to push"

F=$T/fresh.db
"$MCASSESS" --db "$F" init >/dev/null 2>&1 && "$MCASSESS" --db "$F" archive init >/dev/null 2>&1 &&
	"$MCASSESS" --db "$F" archive pull "$R" >"$OUT" 2>"$ERR"
t_check "a new database pulls from the remote" test $? -eq 0
"$MCASSESS" --db "$DB" queue --status all --format tsv >"$T/q1"
"$MCASSESS" --db "$F" queue --status all --format tsv >"$T/q2"
t_check "the same submissions as the database that pushed" cmp -s "$T/q1" "$T/q2"

# a pull whose copy of the remote's files fails says so and stops: no fetch
# through libgit2 behind it (a fall-back that went on with the error set)
G=$T/copyfail.db
"$MCASSESS" --db "$G" init >/dev/null 2>&1 && "$MCASSESS" --db "$G" archive init >/dev/null 2>&1
first=$(packs "$R" | head -n 1)
mkdir "$G.archive.git/objects/pack/$first" # the copy cannot be renamed onto it
"$MCASSESS" --db "$G" archive pull "$R" >"$OUT" 2>"$ERR"
t_check "a pull whose copy fails exits 1" test $? -eq 1
t_stderr_has "its objects cannot be copied into the archive"
"$MCASSESS" --db "$G" queue --status all --format tsv >"$T/q3"
t_check "nothing was pulled" test "$(grep -c HX- "$T/q3")" -eq 0
rmdir "$G.archive.git/objects/pack/$first"
"$MCASSESS" --db "$G" archive pull "$R" >"$OUT" 2>"$ERR"
t_check "the same pull, the copy mended, goes through" test $? -eq 0
"$MCASSESS" --db "$G" queue --status all --format tsv >"$T/q3"
t_check "and pulls the same submissions" cmp -s "$T/q1" "$T/q3"

# another database with the same archive pushes first: the remote has moved on
t_copy_archived "$DB" "$T/b.db"
"$MCASSESS" --db "$T/b.db" score HX-102 O2 progressing >/dev/null 2>&1
"$MCASSESS" --db "$T/b.db" archive push "$R" >/dev/null 2>&1
theirs=$(r rev-parse main)
mc score HX-102 A1 progressing
t_run 1 archive push
t_stderr_has "has commits this archive lacks: run 'mcassess archive pull $R' first"
t_check "the remote's main is left where the other push put it" test "$(r rev-parse main)" = "$theirs"
done_testing
