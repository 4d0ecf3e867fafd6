#!/bin/sh
# test_archive_layout.sh: the archive's tree layouts. A new archive has layout
# 2 (shards of 16, four levels: every tree along a path stays small); one made
# before (layout 1: shards of 256, two levels, no LAYOUT file) keeps its layout:
# new commits land at its paths, and verify, log and git fsck still hold.
# (test_archive.sh runs all the archive's behaviours on a layout 1 archive.)
. "$TOP_SRCDIR/tests/cli/lib.sh"
FIX=$FIXTURES/archive
unset MCASSESS_ARCHIVE_LAYOUT

t_init_db
mc import "$FIX/subs.csv" --evidence "$FIX/evidence"
[ "$RC" -eq 0 ] || { echo "Bail out! import failed: $(cat "$ERR")"; exit 1; }
mc archive verify
if grep -qF "not available in this build" "$ERR"; then
	echo "1..0 # SKIP built --without-libgit2"
	exit 0
fi
sha=$(sha256sum "$FIX/evidence/plan.txt" | cut -c1-64)
shards() { printf %s "$1" | sed 's|^\(.\)\(.\)\(.\)\(.\).*|\1/\2/\3/\4|'; }
idhash() { printf %s "$1" | sha256sum | cut -c1-64; }
# score_lands_at PATH WHAT: a score is committed, changing PATH and nothing else
score_lands_at() {
	_before=$(g rev-list --count main)
	mc score HX-101 O1 demonstrated
	t_check "$2: a score is committed" test "$(g rev-list --count main)" -gt "$_before"
	t_check "$2: it changed $1" sh -c "git --git-dir='$A' diff --name-only main~1 main | grep -qx '$1'"
	t_check "$2: and nothing else" test "$(g diff --name-only main~1 main | wc -l)" = 1
}

# --- layout 2, a new archive
A=$DB.archive.git
g() { git --git-dir="$A" "$@"; }
t_run 0 archive init
t_check "LAYOUT in the root says 2" test "$(g show main:LAYOUT)" = 2
t_check "the database notes it" test "$(sql "SELECT value FROM meta WHERE key = 'archive_layout'")" = 2
t_check "a submission at submissions/a/b/c/d/ID" g cat-file -e main:submissions/2/e/b/8/HX-101/record.json
t_check "an educator at educators/a/b/c/d/ID.json" \
	g cat-file -e "main:educators/$(shards "$(idhash E-1)")/E-1.json"
t_check "evidence at evidence/a/b/c/d/SHA" sh -c \
	"git --git-dir='$A' cat-file blob main:evidence/$(shards "$sha")/$sha | cmp - '$FIX/evidence/plan.txt'"
t_check "the record names its evidence's path" sh -c \
	"git --git-dir='$A' show main:submissions/2/e/b/8/HX-101/record.json | grep -q '\"path\": \"evidence/$(shards "$sha")/$sha\"'"
t_check "no path of the older layout" sh -c "! git --git-dir='$A' cat-file -e main:submissions/2e 2>/dev/null"
score_lands_at submissions/2/e/b/8/HX-101/record.json "layout 2"
t_check "each shard tree along the path holds at most 16 entries" sh -c "
	for p in submissions submissions/2 submissions/2/e submissions/2/e/b evidence evidence/$(echo "$sha" | cut -c1); do
		[ \$(git --git-dir='$A' ls-tree main:\$p | wc -l) -le 16 ] || exit 1
	done"
t_run 0 archive log HX-101
t_stdout_has "score HX-101 O1: Demonstrated"
t_run 0 archive verify
t_check "git fsck --strict" g fsck --strict --no-progress
# tampering is still found at the new paths
sqlite3 "$DB" "UPDATE score SET level_id = (SELECT id FROM level WHERE code = 'not_met' LIMIT 1) WHERE submission_id = (SELECT id FROM submission WHERE ext_id = 'HX-101')"
t_run 1 archive verify
t_stdout_has "HX-101"
mc score HX-101 O1 demonstrated # put back, through the program
t_run 0 archive verify

# --- layout 1: an archive made before layout 2, by a database that does not note it
DB=$T/old.db
A=$DB.archive.git
t_init_db
mc import "$FIX/subs.csv" --evidence "$FIX/evidence"
MCASSESS_ARCHIVE_LAYOUT=1 "$MCASSESS" --db "$DB" archive init >"$OUT" 2>"$ERR" </dev/null
t_check "layout 1: no LAYOUT file" sh -c "! git --git-dir='$A' cat-file -e main:LAYOUT 2>/dev/null"
t_check "layout 1: submissions/ab/cd/ID" g cat-file -e main:submissions/2e/b8/HX-101/record.json
t_check "layout 1: evidence/ab/cd/SHA" g cat-file -e "main:evidence/$(echo "$sha" | cut -c1-2)/$(echo "$sha" | cut -c3-4)/$sha"
sqlite3 "$DB" "DELETE FROM meta WHERE key = 'archive_layout'" # as before layout 2
score_lands_at submissions/2e/b8/HX-101/record.json "layout 1, not noted in the database"
t_check "its record names the old evidence path" sh -c \
	"git --git-dir='$A' show main:submissions/2e/b8/HX-101/record.json | grep -q '\"path\": \"evidence/$(echo "$sha" | cut -c1-2)/$(echo "$sha" | cut -c3-4)/$sha\"'"
t_run 0 archive verify
t_run 0 archive log HX-101
t_stdout_has "score HX-101 O1: Demonstrated"
t_stdout_has "archive init: the state of the database"
t_run 0 check
# archive init again on the same path (the recovery step): the archive's layout is kept
t_run 0 archive init
t_check "init again: layout 1 noted from the archive" \
	test "$(sql "SELECT value FROM meta WHERE key = 'archive_layout'")" = 1
t_check "init again: still no LAYOUT, still the old paths" sh -c \
	"! git --git-dir='$A' cat-file -e main:LAYOUT 2>/dev/null && git --git-dir='$A' cat-file -e main:submissions/2e/b8/HX-101/record.json"
t_run 0 archive verify
t_check "git fsck --strict (layout 1)" g fsck --strict --no-progress

# --- a catalog change is a commit of its own: the credential's new version, the
# old one in the history (issue 4: "every ... catalog change commits a record")
mkdir -p "$T/cat2"
jq '.key_method = "Wait five seconds after every question, then again after every answer."' \
	"$TOP_SRCDIR/data/catalog/TEAM-QUES.json" >"$T/cat2/TEAM-QUES.json"
cp "$TOP_SRCDIR/data/catalog/pathways.json" "$T/cat2/"
t_run 0 catalog load "$T/cat2"
t_stdout_has "1 changed (new versions)"
t_check "the catalog change is a commit" test "$(g log -1 --format=%s main)" = "catalog TEAM-QUES: version 2"
new_sha=$(sql "SELECT r.source_sha256 FROM rubric r JOIN credential c ON c.id = r.credential_id WHERE c.code = 'TEAM-QUES' AND r.version = 2")
old_sha=$(sql "SELECT r.source_sha256 FROM rubric r JOIN credential c ON c.id = r.credential_id WHERE c.code = 'TEAM-QUES' AND r.version = 1")
t_check "its record is version 2, with the new text's SHA-256" sh -c \
	"git --git-dir='$A' show main:catalog/credentials/TEAM-QUES.json | jq -e '.version == 2 and .sha256 == \"$new_sha\"'"
t_check "version 1 and its SHA-256 stay in the history" sh -c \
	"git --git-dir='$A' show main~1:catalog/credentials/TEAM-QUES.json | jq -e '.version == 1 and .sha256 == \"$old_sha\"'"
t_run 0 archive verify

# --- the two layouts' histories are not merged
t_snapshot
t_run 1 archive pull "$T/t.db.archive.git"
t_stderr_has "that archive's tree layout is 2 and this one's 1"
t_db_unchanged

done_testing
