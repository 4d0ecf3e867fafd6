#!/bin/sh
# test_archive_join.sh: an archive's packs joined when there are too many
# (issue 15). Every object look-up that misses searches each pack's index, so
# an archive of many packs (init writes one every ~20 MB: ~240 at a million
# submissions) made every read touch more of the indexes, and take longer,
# the larger the archive. A pull that takes another archive's packs joins
# them: here a remote whose objects git split into 16 packs (some of them
# deltas, by offset) is pulled into a new
# database, whose archive then has one or two packs that git checks whole and
# that hold every object once, with the same submissions pulled as main's
# build, which keeps them all.
. "$TOP_SRCDIR/tests/cli/lib.sh"
R=$T/district.git
r() { git --git-dir="$R" "$@"; }
npacks() { find "$1/objects/pack" -name 'pack-*.idx' | wc -l; }

t_archive_db
mc score HX-102 O1 progressing
git clone -q --bare "$DB.archive.git" "$R" || { echo "Bail out! git clone failed"; exit 1; }

# the remote in 16 packs: its objects 16 ways, by git (deltas among them),
# in place of its own
seq 1 400 >"$T/a.txt"
{ seq 1 400; echo x; } >"$T/b.txt"
r hash-object -w "$T/a.txt" "$T/b.txt" >"$T/ids" # two alike, in one pack: one a delta of the other
r rev-list --objects --all | cut -c1-40 >>"$T/ids"
all=$(wc -l <"$T/ids")
split -n l/16 "$T/ids" "$T/chunk."
ls "$R"/objects/pack/pack-* >"$T/own"
for c in "$T"/chunk.*; do
	r pack-objects -q --delta-base-offset --window=50 "$R/objects/pack/pack" <"$c" >/dev/null
done
xargs rm -f <"$T/own"
r prune-packed
t_check "the remote has 16 packs" test "$(npacks "$R")" -eq 16
t_check "some of its objects are deltas" sh -c "git --git-dir='$R' verify-pack -v '$R'/objects/pack/pack-*.idx | grep -q ' 1 [0-9a-f]\{40\}$'"
t_check "the remote is whole" r fsck --strict --no-progress --no-dangling

F=$T/fresh.db
"$MCASSESS" --db "$F" init >/dev/null 2>&1 && "$MCASSESS" --db "$F" archive init >/dev/null 2>&1 &&
	"$MCASSESS" --db "$F" archive pull "$R" >"$OUT" 2>"$ERR"
t_check "a new database pulls from it" test $? -eq 0
t_check "without a warning" test ! -s "$ERR"
A=$F.archive.git
g() { git --git-dir="$A" "$@"; }
n=$(npacks "$A")
t_check "the pulled archive's packs were joined ($n left)" test "$n" -le 2
t_check "git fsck --strict of the pulled archive" g fsck --strict --no-progress --no-dangling
t_check "git verify-pack of its packs (each object once)" g verify-pack "$A"/objects/pack/pack-*.idx
t_check "the delta copied as it was" sh -c "git --git-dir='$A' verify-pack -v '$A'/objects/pack/pack-*.idx | grep -q ' 1 [0-9a-f]\{40\}$'"
t_check "every object of the remote is in it" test "$(g cat-file --batch-check <"$T/ids" | grep -vc missing)" -eq "$all"
"$MCASSESS" --db "$DB" queue --status all --format tsv >"$T/q1"
"$MCASSESS" --db "$F" queue --status all --format tsv >"$T/q2"
t_check "the same submissions as the database the remote came from" cmp -s "$T/q1" "$T/q2"

# the archive goes on: an event commits onto the joined pack
"$MCASSESS" --db "$F" score HX-101 O1 progressing >"$OUT" 2>"$ERR"
t_check "an event after the join commits" test $? -eq 0
t_check "git fsck --strict after it" g fsck --strict --no-progress --no-dangling
done_testing
