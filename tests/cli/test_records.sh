#!/bin/sh
# test_records.sh: records that leave the system (issue 11, items 4-7): the
# attempt limit and an admin's grant, completeness before earning, private
# notes that never reach the teacher, the results export's fields, people
# import and removal.
. "$TOP_SRCDIR/tests/cli/lib.sh"
t_init_db
ME=$(id -un)
HEADER=submission_id,educator_id,educator_name,district,school,credential,submitted_at,part,kind,text,file
# sub ID EDUCATOR DATE [PARTS]: a TEAM-QUES submission CSV in $T/ID.csv, one text item a part.
sub() {
	_parts=${4:-overview artifact artifact2 reflection}
	{
		echo "$HEADER"
		for _p in $_parts; do
			echo "$1,$2,Ann Lee,Northfield,Oak Elementary,TEAM-QUES,$3T10:00:00Z,$_p,text,\"The $_p of $1.\","
		done
	} >"$T/$1.csv"
}
# skip N REASON: N skipped checks (TAP).
skip() { _k=$1; shift; while [ "$_k" -gt 0 ]; do _t_n=$((_t_n + 1)); echo "ok $_t_n # SKIP $*"; _k=$((_k - 1)); done; }
# score_all ID: every TEAM-QUES criterion at Demonstrated.
score_all() { for _c in O1 O2 A1 A2 A3 A4 A5 R1 R2; do mc score "$1" "$_c" 3; done; }

# ---- attempts: the limit, the refusal naming who and what, an admin's grant
sub S-1 E-17 2026-01-10; sub S-9 E-17 2026-02-10; sub S-20 E-17 2026-03-10; sub S-31 E-17 2026-04-10
for s in S-1 S-9 S-20; do
	mc import "$T/$s.csv"
	sql "UPDATE submission SET status = 'resubmit' WHERE ext_id = '$s'"
done
t_run 0 config attempts
t_stdout_has "attempts 3"
t_snapshot
t_run 3 import "$T/S-31.csv"
t_stderr_has "E-17 (Ann Lee) has had 3 attempts at TEAM-QUES (S-1 resubmit, S-9 resubmit, S-20 resubmit); the limit is 3: an admin may grant another with 'mcassess attempts grant E-17 TEAM-QUES --reason TEXT'"
t_stderr_has "S-31.csv:2:"
t_db_unchanged
t_run 2 attempts grant E-17 TEAM-QUES
t_stderr_has "a grant needs --reason TEXT"
t_run 3 attempts grant E-99 TEAM-QUES --reason "appeal"
t_stderr_has "no educator 'E-99'"
t_run 3 attempts grant E-17 NOPE --reason "appeal"
t_stderr_has "no credential 'NOPE'"
t_run 3 attempts grant E-17 TEAM-QUES --reason "  "
t_db_unchanged
t_run 0 attempts grant E-17 TEAM-QUES --reason "appeal upheld by the state"
t_stdout_has "E-17 may submit TEAM-QUES once more"
t_check "the grant is audited with its reason" \
	[ "$(sql "SELECT json_extract(after, '\$.reason') FROM audit WHERE action = 'attempt-grant' AND subject = 'educator:E-17'")" = "appeal upheld by the state" ]
t_run 0 import "$T/S-31.csv"
t_check "S-31 is attempt 4" [ "$(sql "SELECT attempt FROM submission WHERE ext_id = 'S-31'")" = 4 ]
t_check "the grant is used by S-31" \
	[ "$(sql "SELECT s.ext_id FROM attempt_grant g JOIN submission s ON s.id = g.used_by")" = S-31 ]
# a grant is good for one attempt: the fifth needs another
sql "UPDATE submission SET status = 'resubmit' WHERE ext_id = 'S-31'"
sub S-40 E-17 2026-05-10
t_run 3 import "$T/S-40.csv"
t_stderr_has "E-17 (Ann Lee) has had 4 attempts at TEAM-QUES (S-1 resubmit, S-9 resubmit, S-20 resubmit, S-31 resubmit); the limit is 3"
# a higher limit lets it in
t_run 2 config attempts 0
t_stderr_has "attempts is a whole number of attempts from 1 to 99, not '0'"
t_run 0 config attempts 5
t_stdout_has "attempts 5"
t_check "the setting is audited" \
	[ "$(sql "SELECT before || after FROM audit WHERE subject = 'setting:attempt_limit'")" = '{"value":3}{"value":5}' ]
t_run 0 import "$T/S-40.csv"

# ---- completeness: earned refused while a required part has no evidence, the part named
sub S-50 E-50 2026-06-01 "overview artifact reflection"
mc import "$T/S-50.csv"
score_all S-50
t_snapshot
t_run 1 decide S-50 earned
t_stderr_has "mcassess: S-50 cannot be earned: part artifact2 (Student responses) has no evidence (9 of 9 criteria scored, 9 passing)"
t_db_unchanged
t_run 0 score S-50 O1 3
t_stdout_lacks "may be recorded"
# the workstation says the same, at 80x24 and 160x48, and records nothing
printf '/S-50\n<Enter>\n<Enter>\n:dump complete-sub\nde\n:dump complete-refused\n=\n:dump complete-summary\nqq\n' >"$T/complete.keys"
for size in 80x24 160x48; do
	mkdir -p "$T/dumps-$size"
	RC=0
	MCASSESS_TUI_NOW=2026-11-22T12:00:00Z TERM=xterm NO_COLOR=1 MCASSESS_TUI_SCRIPT=$T/complete.keys \
		MCASSESS_TUI_SIZE=$size MCASSESS_TUI_DUMP_DIR=$T/dumps-$size "$MCASSESS" --db "$DB" tui >"$OUT" 2>"$ERR" </dev/null || RC=$?
	t_check "$size: the workstation ran (exit $RC)" [ "$RC" -eq 0 ]
	t_check "$size: S-50 is open" grep -q '^ S-50 · TEAM-QUES' "$T/dumps-$size/complete-sub"
	t_check "$size: the rubric pane says all pass, parts missing" grep -q 'all pass, parts missing' "$T/dumps-$size/complete-sub"
	t_check "$size: d e is refused, naming the part" \
		sh -c 'tr -s " \n" "  " <"$1" | grep -qF "S-50 cannot be earned: part artifact2 (Student responses) has no evidence; nothing recorded"' - "$T/dumps-$size/complete-refused"
	t_check "$size: the summary's outcome names the part" \
		grep -q 'Outcome: cannot be earned: part artifact2 (Student responses) has no' "$T/dumps-$size/complete-summary"
	t_check "$size: nothing was decided" [ "$(sql "SELECT status FROM submission WHERE ext_id = 'S-50'")" = in_progress ]
done
sub S-60 E-60 2026-06-02
mc import "$T/S-60.csv"
score_all S-60
t_run 0 decide S-60 earned

# ---- private notes: who may keep them, blind between reads, never in feedback, export or badges
NOTE1="Artifact dates look copied from S-60; check with the coordinator."
NOTE2="Admin: the principal confirmed the lesson took place."
sub S-70 E-70 2026-06-03
mc import "$T/S-70.csv"
t_run 2 note S-70
t_stderr_has "where is the note? give TEXT, --file F, or - for stdin"
if t_accounts mcrca1 mcrca2 mcrcc1; then
	mc people add mcrca1 --role assessor --district Northfield
	mc people add mcrca2 --role assessor --district Southgate
	mc people add mcrcc1 --role coordinator --district Southgate
	mc assign S-70 mcrca1
	mc assign S-70 mcrca2 --read second
	t_snapshot
	as mcrca1 note S-60 "not mine"
	t_check "an assessor may not note a submission not assigned to them (exit 1)" [ "$RC" -eq 1 ]
	t_stderr_has "S-60 is not assigned to you"
	as mcrcc1 note S-70 "not my district"
	t_check "a coordinator of another district may not (exit 1)" [ "$RC" -eq 1 ]
	t_stderr_has "S-70 is not in your district (Southgate)"
	t_db_unchanged
	as mcrca1 note S-70 "$NOTE1"
	t_check "the assigned assessor keeps a note (exit 0)" [ "$RC" -eq 0 ]
	t_stdout_has "S-70: note kept (private: never sent to the teacher)."
	t_check "the note belongs to their read" [ "$(sql "SELECT author || '|' || read FROM note")" = "mcrca1|first" ]
	t_check "the note is audited" [ "$(sql "SELECT json_extract(after, '\$.body') FROM audit WHERE action = 'note'")" = "$NOTE1" ]
	t_run 0 note S-70 "$NOTE2"
	as mcrca2 note S-70 --list --format json
	t_check "the second reader does not see the first reader's note, but sees the admin's" \
		[ "$(jq -r 'map(.author) | join(",")' "$OUT")" = "$ME" ]
	as mcrca1 show S-70 --format json
	t_check "show json: the first reader sees their note and the admin's" \
		[ "$(jq -r '.notes | map(.body) | join("|")' "$OUT")" = "$NOTE1|$NOTE2" ]
	t_run 0 show S-70
	t_stdout_has "== private notes (never sent to the teacher)"
	t_stdout_has "mcrca1, "
else
	skip 15 not root: no OS accounts
	mc note S-70 "$NOTE1"
	mc note S-70 "$NOTE2"
fi
score_all S-70
mc feedback S-70 "Strong questioning sequence; keep the wait time."
t_run 0 decide S-70 earned
t_run 0 show S-70 --format json
t_check "the feedback holds no note" [ "$(jq -r '.feedback' "$OUT")" = "Strong questioning sequence; keep the wait time." ]
t_run 0 export results
t_check "export results (CSV) holds no note" sh -c "! grep -qF 'Artifact dates' '$OUT' && ! grep -qF 'principal confirmed' '$OUT'"
t_stdout_has "S-70,E-70,Ann Lee,Northfield,Oak Elementary,TEAM-QUES,TEAM,1,earned,"
t_stdout_has ",1,2026-06-03T10:00:00Z,O1=Demonstrated;O2=Demonstrated;A1=Demonstrated;A2=Demonstrated;A3=Demonstrated;A4=Demonstrated;A5=Demonstrated;R1=Demonstrated;R2=Demonstrated,Strong questioning sequence; keep the wait time.,first=$ME"
t_run 0 export results --format json
t_check "export results (JSON) holds no note" sh -c "! grep -qF 'Artifact dates' '$OUT' && ! grep -qF 'principal confirmed' '$OUT'"
t_check "json: S-70 with levels, feedback, submitted_at" \
	[ "$(jq -r '.[] | select(.id == "S-70") | [.submitted_at, (.levels | map(.criterion + "=" + .level) | join(";")), .feedback] | join("|")' "$OUT")" = "2026-06-03T10:00:00Z|O1=demonstrated;O2=demonstrated;A1=demonstrated;A2=demonstrated;A3=demonstrated;A4=demonstrated;A5=demonstrated;R1=demonstrated;R2=demonstrated|Strong questioning sequence; keep the wait time." ]
mc issuer set id https://mc.example/badges
mc issuer set name "Records test issuer"
mc issuer set url https://mc.example/
mc issuer key new --bits 2048
t_run 0 export badges --out "$T/badges"
t_check "badges were written" sh -c "ls '$T/badges' | grep -q S-70"
t_check "no badge holds a note" sh -c "! grep -rqF 'Artifact dates' '$T/badges' && ! grep -rqF 'principal confirmed' '$T/badges'"
if [ -n "${F:-}" ]; then
	as mcrca1 export results --format json
	t_check "an assessor sees only their own name among the readers" \
		[ "$(jq -c '.[] | select(.id == "S-70") | .readers' "$OUT")" = '[{"read":"first","assessor":null}]' ]
	as mcrca1 export results
	t_stdout_has ",first=(another assessor)"
else
	skip 3 not root: no OS accounts
fi

# ---- people import: all or nothing, file:line on a bad row, what changed per line
printf 'user,name,email,role,district\nmcrcp1,Ann Lee,ann@example.org,assessor,Northfield\nmcrcp2,"Chen, Bo",,coordinator,\n' >"$T/people.csv"
t_run 0 people import "$T/people.csv"
t_stdout_has "line 2: mcrcp1 added"
t_stdout_has "line 3: mcrcp2 added"
t_stdout_has "added 2, changed 0, unchanged 0"
t_check "name, e-mail and district are the file's" \
	[ "$(sql "SELECT p.name || '|' || p.email || '|' || d.name FROM person p JOIN district d ON d.id = p.district_id WHERE user = 'mcrcp1'")" = "Ann Lee|ann@example.org|Northfield" ]
t_check "each person added is audited" [ "$(sql "SELECT count(*) FROM audit WHERE action = 'people' AND subject IN ('person:mcrcp1', 'person:mcrcp2')")" = 2 ]
printf 'user,name,email,role,district\nmcrcp1,Ann Lee,ann@example.org,coordinator,Northfield\nmcrcp2,"Chen, Bo",,coordinator,\nmcrcp3,Dee Ray,dee@example.org,assessor,Southgate\n' >"$T/people2.csv"
printf 'user,name,email,role,district\nmcrcp1,Ann Lee,ann@example.org,coordinator,Northfield\nmcrcp4,Eve,,teacher,\n' >"$T/bad-role.csv"
printf 'user,name,email,role,district\nmcrcp5,Eve,,assessor,\nBad User,x,,assessor,\n' >"$T/bad-user.csv"
printf 'user,name,email,role,district\nmcrcp5,Eve,,assessor,\nmcrcp5,Eve,,admin,\n' >"$T/twice.csv"
printf 'user,name,role\nmcrcp5,Eve,assessor\n' >"$T/bad-header.csv"
t_snapshot
t_run 3 people import "$T/bad-role.csv"
t_stderr_has "mcassess: $T/bad-role.csv:3: column 'role': 'teacher' is not a role (assessor, coordinator or admin)"
t_run 3 people import "$T/bad-user.csv"
t_stderr_has "mcassess: $T/bad-user.csv:3: people: 'Bad User' is not a login name"
t_run 3 people import "$T/twice.csv"
t_stderr_has "$T/twice.csv:3: column 'user': mcrcp5 is already on line 2"
t_run 3 people import "$T/bad-header.csv"
t_stderr_has "$T/bad-header.csv:1: the header must be 'user,name,email,role,district' (column 'email' is missing or out of place)"
t_db_unchanged
t_run 0 people import "$T/people2.csv"
t_stdout_has "line 2: mcrcp1 changed (role assessor -> coordinator)"
t_stdout_has "line 3: mcrcp2 unchanged"
t_stdout_has "line 4: mcrcp3 added"
t_stdout_has "added 1, changed 1, unchanged 1"

# ---- people remove: the last admin stays; the removed keep their past work; check stays clean
t_snapshot
t_run 1 people remove "$ME"
t_stderr_has "people: $ME is the only admin"
t_run 3 people remove mcrcnobody
t_stderr_has "people: no person 'mcrcnobody'"
t_db_unchanged
sql "INSERT INTO assignment(uid, submission_id, assessor, assigned_by, at) SELECT 'rc-a1', id, 'mcrcp3', '$ME', 'x' FROM submission WHERE ext_id = 'S-40'"
t_run 1 people remove mcrcp3
t_stderr_has "people: mcrcp3 still has 1 open submission assigned (S-40); assign it to someone else first"
sql "DELETE FROM assignment WHERE uid = 'rc-a1'"
t_run 0 people remove mcrcp3
t_stdout_has "removed mcrcp3"
t_run 0 people list --format tsv
t_stdout_lacks "mcrcp3"
t_check "the removal is audited (before, nothing after)" \
	[ "$(sql "SELECT json_extract(before, '\$.role') || '|' || coalesce(after, 'null') FROM audit WHERE subject = 'person:mcrcp3' ORDER BY seq DESC LIMIT 1")" = "assessor|null" ]
mc check; t_check "check: nothing about people" sh -c "! grep -q person $OUT"
t_run 0 people add mcrcp3 --role assessor
t_stdout_has "added mcrcp3 as assessor"
mc check; t_check "check: nothing about people" sh -c "! grep -q person $OUT"
if [ -n "${F:-}" ]; then
	t_run 0 people remove mcrca1
	as mcrca1 note S-70 "after removal"
	t_check "a removed person may no longer act (exit 1)" [ "$RC" -eq 1 ]
	t_run 0 show S-70 --format json
	t_check "their note still names them" [ "$(jq -r '.notes[0].author' "$OUT")" = mcrca1 ]
	mc check; t_check "check: nothing about people" sh -c "! grep -q person $OUT"
else
	skip 4 not root: no OS accounts
fi
done_testing
