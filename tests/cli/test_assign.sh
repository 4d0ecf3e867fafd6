#!/bin/sh
# test_assign.sh: `assign` and `assign --remove`: who may assign (coordinators
# within their district, admins), one person one read, reassignment, audit rows
# and archive commits, and what assignments do: queue --mine, and an assessor
# scores only what is assigned to them.
. "$TOP_SRCDIR/tests/cli/lib.sh"
t_init_db
ME=$(id -un)
mc import "$FIXTURES/import/good.csv" --evidence "$FIXTURES/import/evidence"
[ "$RC" -eq 0 ] || { echo "Bail out! the import fixture did not load"; cat "$ERR"; exit 1; }
mc people add mcasa --role assessor --district Northfield
mc people add mcasb --role assessor
assigned() { sql "SELECT group_concat(a.read || ':' || a.assessor || ':' || a.blind, ' ') FROM
	(SELECT * FROM assignment ORDER BY read) a JOIN submission s ON s.id = a.submission_id WHERE s.ext_id = '$1'"; }
audits() { sql "SELECT count(*) FROM audit WHERE action = '$1'"; }

# ---- help and usage
mc assign --help
t_check "assign --help: usage line" grep -q "^usage: mcassess \[--db PATH\] assign ID USER \[--read first|second|adjudication\] \[--blind\]" "$OUT"
t_check "assign --help: explains --blind" grep -q "anonymous id, never the name, id or school" "$OUT"
t_snapshot
t_run 2 assign S-101
t_stderr_has "mcassess: assign: needs a submission id and a user"
t_run 2 assign S-101 mcasa --read third
t_stderr_has "--read is first, second or adjudication, not 'third'"
t_run 2 assign --remove --blind S-101 mcasa
t_stderr_has "--blind goes with assigning, not with --remove"
t_run 2 assign S-101 mcasa --bogus
t_stderr_has "unknown option '--bogus'"
t_run 3 assign S-101 'Bad Name'
t_stderr_has "mcassess: 'Bad Name' is not a login name"
t_run 1 assign S-999 mcasa
t_stderr_has "mcassess: no submission 'S-999'"
t_run 1 assign S-101 stranger
t_stderr_has "mcassess: stranger is not one of this database's people; an admin adds them first: mcassess people add stranger --role assessor"
t_db_unchanged

# ---- an admin assigns: the row, its uid and author, the audit row
t_run 0 assign S-101 mcasa
t_stdout_has "S-101: first read assigned to mcasa."
t_check "the assignment row" [ "$(assigned S-101)" = "first:mcasa:0" ]
t_check "it carries a uid and who assigned it" \
	[ "$(sql "SELECT length(uid) = 36 AND assigned_by = '$ME' AND at LIKE '20%Z' FROM assignment")" = 1 ]
t_check "audited" [ "$(sql "SELECT after FROM audit WHERE action = 'assign'")" = '{"assessor":"mcasa","assigned_by":"'"$ME"'","blind":false,"read":"first"}' ]
t_snapshot
t_run 0 assign S-101 mcasa
t_stdout_has "S-101: mcasa already has the first read; nothing changed."
t_db_unchanged
t_run 0 assign S-101 mcasa --blind
t_stdout_has "S-101: first read assigned to mcasa, blind: they see an anonymous id, not the educator."
t_check "now blind" [ "$(assigned S-101)" = "first:mcasa:1" ]
t_check "the change is audited with what it was" \
	[ "$(sql "SELECT json_extract(before, '\$.blind') || json_extract(after, '\$.blind') FROM audit WHERE action = 'assign' ORDER BY seq DESC LIMIT 1")" = 01 ]
# one person reads a submission once
t_snapshot
t_run 1 assign S-101 mcasa --read second
t_stderr_has "mcassess: mcasa already has the first read of S-101; one person reads a submission once"
t_db_unchanged
t_run 0 assign S-101 mcasb --read second
t_check "second read to mcasb" [ "$(assigned S-101)" = "first:mcasa:1 second:mcasb:0" ]
# a read held by someone else moves
t_run 0 assign S-102 mcasa
t_run 0 assign S-102 mcasb
t_stdout_has "S-102: the first read moves from mcasa to mcasb."
t_check "S-102 first read is mcasb's" [ "$(assigned S-102)" = "first:mcasb:0" ]
t_check "the move is audited with mcasa before" \
	[ "$(sql "SELECT json_extract(before, '\$.assessor') || '>' || json_extract(after, '\$.assessor') FROM audit WHERE action = 'assign' AND subject = 'submission:S-102' ORDER BY seq DESC LIMIT 1")" = "mcasa>mcasb" ]

# ---- remove
t_run 0 assign --remove S-102 mcasb
t_stdout_has "S-102: mcasb is no longer assigned to it (1 read removed)."
t_check "no assignment left on S-102" [ -z "$(assigned S-102)" ]
t_check "unassign audited with what was removed" \
	[ "$(sql "SELECT json_extract(before, '\$.assessor') || '|' || json_extract(after, '\$.removed_by') FROM audit WHERE action = 'unassign'")" = "mcasb|$ME" ]
t_snapshot
t_run 1 assign --remove S-102 mcasb
t_stderr_has "mcassess: S-102 is not assigned to mcasb; nothing to remove"
t_run 1 assign --remove S-101 mcasb --read first
t_stderr_has "mcasb does not have the first read of S-101; nothing to remove"
t_db_unchanged

# ---- who may assign: an assessor no; a coordinator in their district only
sql "UPDATE person SET role = 'assessor' WHERE user = '$ME'"
t_snapshot
t_run 1 assign S-102 mcasa
t_stderr_has "mcassess: assigning submissions needs a coordinator or higher, and you ($ME) are an assessor"
t_run 1 assign --remove S-101 mcasa
t_stderr_has "assigning submissions needs a coordinator or higher"
t_db_unchanged
sql "UPDATE person SET role = 'coordinator', district_id = (SELECT id FROM district WHERE name = 'Northfield') WHERE user = '$ME'"
t_run 0 assign S-102 mcasa
t_snapshot
t_run 1 assign S-103 mcasa
t_stderr_has "mcassess: you ($ME) coordinate Northfield, and S-103 is from Southgate: ask an admin or Southgate's coordinator to assign it"
t_db_unchanged
sql "UPDATE person SET district_id = NULL WHERE user = '$ME'"
t_run 0 assign S-103 mcasb
t_check "a coordinator without a district assigns anywhere" [ "$(assigned S-103)" = "first:mcasb:0" ]
sql "UPDATE person SET role = 'admin' WHERE user = '$ME'"

# ---- queue --mine follows assignments
t_run 0 assign S-103 "$ME" --read second
t_run 0 queue --mine --format tsv
t_check "queue --mine: only S-103 (got $(cut -f1 "$OUT" | tr '\n' ' '))" [ "$(cut -f1 "$OUT" | tr '\n' ' ')" = "S-103 " ]

# ---- an assessor scores only what is assigned to them (read first)
sql "UPDATE person SET role = 'assessor' WHERE user = '$ME'"
t_run 1 score S-101 O1 1
t_stderr_has "mcassess: you ($ME) may not score S-101: it is not assigned to you"
sql "UPDATE person SET role = 'admin' WHERE user = '$ME'"
t_run 0 assign S-101 "$ME" --read first
t_stdout_has "S-101: the first read moves from mcasa to $ME."
sql "UPDATE person SET role = 'assessor' WHERE user = '$ME'"
t_run 0 score S-101 O1 1
sql "UPDATE person SET role = 'admin' WHERE user = '$ME'"
t_run 0 assign --remove S-101 "$ME"
t_run 0 assign S-101 "$ME" --read adjudication
sql "UPDATE person SET role = 'assessor' WHERE user = '$ME'"
t_run 1 score S-101 O1 2
t_stderr_has "mcassess: you ($ME) may not score S-101 yet: it is assigned to you for the adjudication read, and this database reads each submission once"
sql "UPDATE person SET role = 'admin' WHERE user = '$ME'"
t_run 0 assign --remove S-101 "$ME"
sql "UPDATE person SET role = 'assessor' WHERE user = '$ME'"
t_run 1 score S-101 O1 2
t_stderr_has "it is not assigned to you"
sql "UPDATE person SET role = 'admin' WHERE user = '$ME'"

# ---- decided submissions keep their assignments
mc feedback S-102 "Add the missing parts."
t_run 0 decide S-102 resubmit
t_snapshot
t_run 1 assign S-102 mcasb --read second
t_stderr_has "mcassess: S-102 was decided 'resubmit'; its assignments can no longer be changed"
t_run 1 assign --remove S-102 mcasa
t_stderr_has "S-102 was decided 'resubmit'"
t_db_unchanged

# ---- the archive commits each change, in words
if "$MCASSESS" --db "$DB" archive init >"$T/ai.out" 2>&1; then
	t_run 0 assign --remove S-101 mcasb
	t_run 0 assign S-101 mcasb --blind
	t_run 0 assign --remove S-101 mcasb
	t_run 0 archive log S-101
	t_stdout_has "unassign S-101: second read from mcasb"
	t_stdout_has "assign S-101: first read to mcasb, blind"
	t_stdout_has "unassign S-101: first read from mcasb"
	t_check "the archive's record of S-101 lists its assignments" \
		sh -c "git --git-dir='$DB.archive.git' show HEAD~1:\$(git --git-dir='$DB.archive.git' ls-tree -r --name-only HEAD | grep '/S-101/record.json') | grep -q mcasb"
	t_run 0 archive verify
else
	for i in 1 2 3 4 5 6 7 8 9; do t_ok "archive # SKIP built without libgit2"; done
fi

# ---- blind scoring for everyone: a database setting, for admins
t_run 0 config
t_stdout_has "blind off"
t_run 0 config blind on
t_stdout_has "blind on"
t_check "stored" [ "$(sql "SELECT value FROM meta WHERE key = 'blind_scoring'")" = 1 ]
t_check "audited" [ "$(sql "SELECT subject || ' ' || after FROM audit WHERE action = 'config'")" = 'setting:blind_scoring {"value":"on"}' ]
t_run 0 config blind on
t_stdout_has "blind on (it already was)"
t_run 2 config blind maybe
t_stderr_has "blind is 'on' or 'off', not 'maybe'"
t_run 2 config colour on
t_stderr_has "unknown setting 'colour'"
sql "UPDATE person SET role = 'coordinator' WHERE user = '$ME'"
t_snapshot
t_run 1 config blind off
t_stderr_has "turning blind scoring on or off for everyone needs an admin"
t_db_unchanged
sql "UPDATE person SET role = 'admin' WHERE user = '$ME'"
t_run 0 config blind off
t_check "off again" [ "$(sql "SELECT value FROM meta WHERE key = 'blind_scoring'")" = 0 ]
if [ -d "$DB.archive.git" ]; then
	t_run 0 archive verify
	t_check "the setting's changes are commits too" \
		[ "$(git --git-dir="$DB.archive.git" log --format=%s | grep -c '^config blind_scoring: o[nf]')" = 2 ]
else
	t_ok "archive verify # SKIP built without libgit2"
	t_ok "archive verify # SKIP"
fi
done_testing
