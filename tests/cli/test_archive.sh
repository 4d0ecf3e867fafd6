#!/bin/sh
# test_archive.sh: mcassess archive init|log|verify|push|pull, the commits it
# writes (checked with stock git), one tamper test per kind of difference, and
# the outbox when the archive cannot be written.
. "$TOP_SRCDIR/tests/cli/lib.sh"
# The archives made here have the older tree layout (1: shards of 256, two
# levels), which archives made before layout 2 keep: all of the below must
# hold for them. test_archive_layout.sh tests the current layout.
MCASSESS_ARCHIVE_LAYOUT=1
export MCASSESS_ARCHIVE_LAYOUT
FIX=$FIXTURES/archive
A=$DB.archive.git
g() { git --git-dir="$A" "$@"; }

t_init_db
mc import "$FIX/subs.csv" --evidence "$FIX/evidence"
[ "$RC" -eq 0 ] || { echo "Bail out! import failed: $(cat "$ERR")"; exit 1; }

# --- usage, and no archive yet
t_run 2 archive
t_stderr_has "which: init, log, verify, push or pull?"
t_run 2 archive frobnicate
t_stderr_has "unknown 'frobnicate'"

mc archive verify
if grep -qF "not available in this build" "$ERR"; then
	# Built --without-libgit2: every archive command says so; nothing changes.
	t_snapshot
	for sub in "init" "log HX-101" "verify" "push $T/r.git" "pull $T/r.git"; do
		# shellcheck disable=SC2086
		t_run 1 archive $sub
		t_stderr_has "mcassess: the evidence archive is not available in this build (configured --without-libgit2)"
	done
	t_db_unchanged
	t_run 0 check
	done_testing
	exit $?
fi
t_run 1 archive verify
t_stderr_has "has no archive: run 'mcassess archive init' first"
t_run 1 archive log HX-101
t_stderr_has "has no archive: run 'mcassess archive init' first"

# A folder that holds files is not an archive, nor made into one
mkdir -p "$T/folder" && echo "lesson notes" >"$T/folder/notes.txt"
t_snapshot
t_run 1 archive init "$T/folder"
t_stderr_has "$T/folder: exists and is not a bare git repository"
t_check "the folder is as it was" test "$(ls -A "$T/folder")" = notes.txt
t_db_unchanged

# --- 1. init: a bare repository, the current state as the first commit
t_run 0 archive init
t_stdout_has "created the archive $A for $DB: commit "
t_stdout_has "holds 2 submissions"
t_check "the archive is a bare repository" test "$(g rev-parse --is-bare-repository)" = true
t_check "one commit" test "$(g rev-list --count main)" = 1
t_check "the layout: records sharded by the id's SHA-256" \
	g cat-file -e main:submissions/2e/b8/HX-101/record.json
t_check "educators, people and catalog have records" sh -c \
	"git --git-dir='$A' cat-file -e main:educators/fb/E-1.json && git --git-dir='$A' cat-file -e main:people/$(id -un).json && git --git-dir='$A' cat-file -e main:catalog/credentials/TEAM-QUES.json"
sha=$(sha256sum "$FIX/evidence/plan.txt" | cut -c1-64)
t_check "evidence files once, by content" sh -c \
	"git --git-dir='$A' cat-file blob main:evidence/$(echo "$sha" | cut -c1-2)/$(echo "$sha" | cut -c3-4)/$sha | cmp - '$FIX/evidence/plan.txt'"
g show main:submissions/2e/b8/HX-101/record.json >"$T/rec.json"
t_check "records are canonical JSON: sorted keys, one value a line" python3 -c '
import json, sys
t = open(sys.argv[1], encoding="utf-8").read()
sys.exit(0 if json.dumps(json.loads(t), indent=1, sort_keys=True, ensure_ascii=False) + "\n" == t else 1)' "$T/rec.json"
t_run 1 archive init "$T/other.git"
t_stderr_has "this database's archive is already $A"

# --- an import after init: one commit for the import (written as one pack), each
# submission's record at its own path with its evidence and its new educator
awk 'BEGIN { print "submission_id,educator_id,educator_name,district,school,credential,submitted_at,part,kind,text,file"
	for (i = 1; i <= 20; i++) printf "BX-%03d,EX-%03d,Educator %d,Eastwood,,TEAM-FEED,2026-11-20T08:00:00Z,overview,text,Overview number %d,\n", i, i, i, i }' >"$T/batch.csv"
before=$(g rev-list --count main)
mc import "$T/batch.csv"
t_check "import: one commit for the import" test "$(g rev-list --count main)" = $((before + 1))
t_check "written as one pack" test "$(ls "$A/objects/pack/"*.pack | wc -l)" -ge 1
t_check "the new educator's record" sh -c "git --git-dir='$A' show main:educators/\$(printf EX-007 | sha256sum | cut -c1-2)/EX-007.json | grep -q '\"name\": \"Educator 7\"'"
g log -1 --format=%s main >"$OUT"
t_stdout_has "import 20 submissions, 20 evidence items"
g log -1 --format=%B main >"$OUT"
t_stdout_has "BX-001: TEAM-FEED, attempt 1, 1 evidence item"
t_stdout_has "BX-020: TEAM-FEED, attempt 1, 1 evidence item"
t_stdout_has "Audit-First: $(sql "SELECT min(audit_seq) FROM (SELECT seq AS audit_seq FROM audit WHERE action = 'import' AND subject LIKE 'submission:BX-%')")"
t_stdout_has "Audit-Seq: $(sql "SELECT max(seq) FROM audit WHERE action = 'import' AND subject LIKE 'submission:BX-%'")"
bx=submissions/$(printf BX-013 | sha256sum | cut -c1-2)/$(printf BX-013 | sha256sum | cut -c3-4)/BX-013/record.json
g log -p -1 main -- "$bx" >"$OUT"
t_stdout_has '+ "id": "BX-013",'
t_run 0 archive log BX-013
t_stdout_has "import 20 submissions, 20 evidence items"
t_run 0 archive verify
t_check "git fsck --strict after the batch" g fsck --strict --no-progress
t_check "git verify-pack on every pack" sh -c "for i in '$A'/objects/pack/*.idx; do git verify-pack \"\$i\" || exit 1; done"

# --- every audited change is a commit: author, time and message
mc score HX-101 O1 demonstrated
mc score HX-101 O1 not_met --comment "needs higher-order questions"
printf 'Add questions that ask students to explain why.\n' >"$T/fb.txt"
mc feedback HX-101 --file "$T/fb.txt"
mc decide HX-101 resubmit
t_check "the decision was recorded" test "$RC" -eq 0
t_check "a commit per audit row (the import's 20 in one)" test "$(g rev-list --count main)" = \
	"$(( $(sql "SELECT max(seq) FROM audit") - $(sql "SELECT value FROM meta WHERE key = 'archive_from_seq'") + 1 - 19 ))"
t_check "the outbox is empty" test "$(sql "SELECT count(*) FROM outbox")" = 0
g log -1 --skip=2 --format=%s main >"$OUT"
t_stdout_has "score HX-101 O1: Not Met"
g log -1 --format=%s main >"$OUT"
t_stdout_has "decide HX-101: resubmit"
me=$(id -un)
name=$(sql "SELECT CASE name WHEN '' THEN user ELSE name END FROM person WHERE user = '$me'")
email=$(sql "SELECT CASE email WHEN '' THEN user || '@localhost' ELSE email END FROM person WHERE user = '$me'")
t_check "author is the OS user, name and e-mail from people" test "$(g log -1 --format='%an <%ae>' main)" = "$name <$email>"
t_check "commit time is the event's time" test \
	"$(TZ=UTC g log -1 --format=%ad --date=format-local:%Y-%m-%dT%H:%M:%SZ main)" = \
	"$(sql "SELECT at FROM audit ORDER BY seq DESC LIMIT 1")"
g show --format=%B main~1 >"$OUT"
t_stdout_has "feedback HX-101: 8 words"
t_stdout_has "Audit-Seq: $(( $(sql "SELECT max(seq) FROM audit") - 1 ))"
t_stdout_has '+   "text": "Add questions that ask students to explain why.\n",'

# --- 3. log, and the stock tools
t_run 0 archive log HX-101
t_check "log: the submission's events, oldest first" test "$(cut -c13- "$OUT" | sed 's/^[^ ]*  [^>]*>  //')" = \
"archive init: the state of the database
score HX-101 O1: Demonstrated
status HX-101: in_progress
score HX-101 O1: Not Met
feedback HX-101: 8 words
decide HX-101: resubmit"
t_stdout_lacks "HX-102"
t_run 0 archive log HX-101 --format tsv
t_check "log tsv: five fields" test "$(awk -F'\t' 'NF != 5' "$OUT" | wc -l)" = 0
t_run 0 archive log --format json HX-102
t_check "log json parses" sh -c "python3 -c 'import json,sys; d=json.load(open(\"$OUT\")); sys.exit(0 if d[0][\"summary\"].startswith(\"archive init\") else 1)'"
t_run 1 archive log NOPE
t_stderr_has "mcassess: no submission 'NOPE'" # the database has none: the access check says so first
t_check "git log of the submission's path" test \
	"$(g log --format=%s main -- submissions/2e/b8/HX-101 | wc -l)" = 6
t_check "git show of a record" sh -c "git --git-dir='$A' show main:submissions/2e/b8/HX-101/record.json | grep -q '\"outcome\": \"resubmit\"'"
t_check "git fsck --strict" g fsck --strict --no-progress

# --- 4. verify: all good, then one tamper test per kind of difference
t_run 0 archive verify
t_stdout_has "all good: the archive $A agrees with the database"
cp "$DB" "$T/good.db"
rm -f "$DB-wal" "$DB-shm"

sql "UPDATE score SET level_id = (SELECT id FROM level l WHERE l.criterion_id = score.criterion_id AND l.code = 'demonstrated')"
t_run 1 archive verify
t_stdout_has 'problem: archive: submission HX-101: scores.first.O1.level: the database has "demonstrated" but the archive (head '
t_stdout_has ') has "not_met"'
t_stderr_has "archive verify found"
t_run 1 check
t_stdout_has "scores.first.O1.level: the database has \"demonstrated\""
cp "$T/good.db" "$DB"

f=$DB.evidence/$(echo "$sha" | cut -c1-2)/$sha
chmod u+w "$f"
echo "forged" >>"$f"
t_run 1 archive verify
t_stdout_has "problem: archive: evidence file $f was altered on disk; the archive holds the original: git --git-dir=$A show main:evidence/"
g show "main:evidence/$(echo "$sha" | cut -c1-2)/$(echo "$sha" | cut -c3-4)/$sha" >"$f"
t_run 0 archive verify

sql "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = (SELECT max(seq) - 2 FROM audit);"
t_run 1 archive verify
t_stdout_has "which the database no longer has: the row was deleted"
t_stdout_has "problem: audit log: row"
cp "$T/good.db" "$DB"

sql "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE action = 'import' AND subject = 'submission:BX-007';"
t_run 1 archive verify
t_stdout_has "(\"import 20 submissions, 20 evidence items\") records audit rows "
t_stdout_has "the database no longer has 1 of them: rows were deleted"
cp "$T/good.db" "$DB"

head=$(g rev-parse main)
g update-ref refs/heads/main main~1
t_run 1 archive verify
t_stdout_has "has no commit in the archive (head "
t_stdout_has "a commit is missing"
t_stdout_has "the archive's history was cut or rewritten"
t_stdout_has 'status: the database has "resubmit" but the archive'
g update-ref refs/heads/main "$head"
t_run 0 archive verify

# a crash after the commit, before the kernel wrote all of the event's pack
# out, leaves a record's object unreadable: verify reads each record's object
# and says so; archive init commits the database's state again (into another
# pack, which is newer: libgit2 and git read it first)
blob=$(g rev-parse main:submissions/2e/b8/HX-101/record.json)
obj=$A/objects/$(echo "$blob" | cut -c1-2)/$(echo "$blob" | cut -c3-)
t_check "a single event's objects are not loose files" test ! -e "$obj"
pk= at=
for i in "$A"/objects/pack/*.idx; do
	o=$(git show-index <"$i" | awk -v b="$blob" '$2 == b { print $1 }')
	[ -n "$o" ] && pk=${i%.idx}.pack at=$o
done
t_check "a single event's objects are in a pack" test -n "$pk"
cp "$pk" "$T/pack.bak"
chmod u+w "$pk"
printf 'XXXX' | dd of="$pk" bs=1 seek=$((at + 20)) conv=notrunc 2>/dev/null
t_run 1 archive verify
t_stdout_has "submission HX-101: the archive's copy (submissions/2e/b8/HX-101/record.json, object $(echo "$blob" | cut -c1-10)) cannot be read"
t_stdout_has "run 'mcassess archive init' to commit it again"
t_run 0 archive init
t_run 0 archive verify
cp "$T/pack.bak" "$pk"
chmod a-w "$pk"

# a crash can also leave empty an object whose event then waits in the outbox:
# committing the event again writes the object again (a lock held here stands
# for the crash: the event waits)
exec 9>"$A/mcassess.lock"
flock 9
mc score HX-102 O2 demonstrated
t_check "the score is saved while the archive is locked" test "$RC" -eq 0
t_stderr_has "is locked by another mcassess writing to it"
rec=$(sql "SELECT record FROM outbox WHERE subject = 'submission:HX-102' ORDER BY seq DESC LIMIT 1")
blob=$(printf '%s\n' "$rec" | git hash-object --stdin)
obj=$A/objects/$(echo "$blob" | cut -c1-2)/$(echo "$blob" | cut -c3-)
mkdir -p "$(dirname "$obj")"
: >"$obj"
exec 9>&-
mc queue
t_check "the outbox drained" test "$(sql "SELECT count(*) FROM outbox")" = 0
t_check "the record is in the head" test "$(g rev-parse main:submissions/$(printf HX-102 | sha256sum | cut -c1-2)/$(printf HX-102 | sha256sum | cut -c3-4)/HX-102/record.json)" = "$blob"
t_check "the empty loose object was removed: the event's pack has it" test ! -e "$obj"
t_run 0 archive verify
t_check "git fsck --strict after the rewrite" g fsck --strict --no-progress

# --- 6. push and pull with a bare repository at a path
t_run 0 archive push "$T/state.git"
t_stdout_has "pushed"
t_check "the remote has the same history" test "$(git --git-dir="$T/state.git" rev-parse main)" = "$(g rev-parse main)"
t_run 0 archive pull
t_stdout_has "up to date: nothing to pull"
mc score HX-102 O1 progressing
t_run 0 archive push
t_check "push sends the new commits" test "$(git --git-dir="$T/state.git" rev-parse main)" = "$(g rev-parse main)"
t_run 2 archive push a b
t_stderr_has "push takes at most one REMOTE"

# --- 5. the archive cannot be written: the command succeeds, the event waits
if [ "$(id -u)" -eq 0 ] && command -v useradd >/dev/null && command -v runuser >/dev/null; then
	U=mcarch
	id "$U" >/dev/null 2>&1 || useradd -M -N "$U" 2>/dev/null || useradd -M "$U"
	chmod o+x "$T"
	F=$T/fault
	mkdir "$F" && chown "$U" "$F"
	as_u() { RC=0; runuser -u "$U" -- "$MCASSESS" --db "$F/t.db" "$@" >"$OUT" 2>"$ERR" </dev/null || RC=$?; }
	as_u init && as_u import "$FIX/subs.csv" --evidence "$FIX/evidence" && as_u archive init
	t_check "a non-root user's archive" test "$RC" -eq 0
	chmod -R a-w "$F/t.db.archive.git"
	as_u score HX-101 O1 demonstrated
	t_check "score succeeds while the archive is read-only" test "$RC" -eq 0
	t_stderr_has "warning: 2 changes wait in the outbox and will be committed to the archive by the next mcassess command that can write it"
	as_u score HX-101 O2 progressing
	t_check "the outbox holds the events in order" test \
		"$(sqlite3 "$F/t.db" "SELECT group_concat(action, ',') FROM (SELECT action FROM outbox ORDER BY seq)")" = "score,status,score"
	as_u check
	t_check "check fails while events wait" test "$RC" -eq 1
	t_stdout_has "problem: archive: 3 changes wait in the outbox, not yet committed to $F/t.db.archive.git"
	t_stdout_has "last error: the archive $F/t.db.archive.git cannot be written: Permission denied"
	t_check "nothing was committed meanwhile" test "$(git --git-dir="$F/t.db.archive.git" rev-list --count main)" = 1
	chmod -R u+w "$F/t.db.archive.git"
	as_u queue
	t_check "the next command drains the outbox" test "$(sqlite3 "$F/t.db" "SELECT count(*) FROM outbox")" = 0
	t_check "in order" test "$(git --git-dir="$F/t.db.archive.git" log --reverse --format=%s main | tail -3 | tr '\n' '|')" = \
		"score HX-101 O1: Demonstrated|status HX-101: in_progress|score HX-101 O2: Progressing|"
	as_u check
	t_check "check is clean once drained" test "$RC" -eq 0
	as_u archive verify
	t_check "verify agrees" test "$RC" -eq 0
	t_check "git fsck --strict after the fault" git --git-dir="$F/t.db.archive.git" fsck --strict --no-progress
else
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13; do _t_n=$((_t_n + 1)); echo "ok $_t_n # SKIP not root (useradd, runuser)"; done
fi

t_check "git fsck --strict at the end" g fsck --strict --no-progress
done_testing
