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
sub S-60 E-60 2026-06-02
mc import "$T/S-60.csv"
score_all S-60
t_run 0 decide S-60 earned
done_testing
