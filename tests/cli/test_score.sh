#!/bin/sh
# test_score.sh: score, feedback, decide: levels by code/label/number, bad input
# named and nothing changed, who may score, the passing rule, read-only decisions.
. "$TOP_SRCDIR/tests/cli/lib.sh"
. "$FIXTURES/scoring/setup.sh"
scoring_db

# ---- score by code, label (any case) and number
t_run 0 score S-1 O1 demonstrated
t_stdout_has "S-1 O1: Demonstrated (passes). 1 of 5 criteria scored."
t_run 0 score S-1 o2 PROGRESSING --comment "more wait time"
t_stdout_has "S-1 O2: Progressing (does not pass). 2 of 5 criteria scored."
t_run 0 score S-1 A1 3
t_stdout_has "S-1 A1: Demonstrated (passes). 3 of 5 criteria scored."
t_check "S-1 is in progress after its first score" [ "$(sql "SELECT status FROM submission WHERE ext_id = 'S-1'")" = in_progress ]
t_check "the comment is stored" [ "$(sql "SELECT comment FROM score WHERE criterion_id = 2")" = "more wait time" ]
t_check "each score is audited" [ "$(sql "SELECT count(*) FROM audit WHERE action = 'score' AND subject = 'submission:S-1'")" = 3 ]
t_check "the audit row says who and which read" \
	sh -c "sqlite3 '$DB' \"SELECT after FROM audit WHERE action = 'score' ORDER BY seq DESC LIMIT 1\" | grep -qF '\"assessor\":\"$ME\"'"

# ---- bad criterion, bad level, unknown submission, usage: exact message, nothing changed
t_snapshot
t_run 3 score S-1 O3 3
t_stderr_has "mcassess: no criterion 'O3' in TEAM-QUES version 1; its criteria are O1, O2, A1, A2, R1"
t_db_unchanged
t_run 3 score S-1 O1 excellent
t_stderr_has "mcassess: no level 'excellent' for O1 in TEAM-QUES version 1; its levels are 1 not_met (Not Met), 2 progressing (Progressing), 3 demonstrated (Demonstrated)"
t_db_unchanged
t_run 3 score S-1 O1 4
t_stderr_has "no level '4' for O1"
t_run 1 score S-9 O1 3
t_stderr_has "mcassess: no submission 'S-9'"
t_run 1 score s-1 O1 3
t_stderr_has "mcassess: no submission 's-1' (did you mean 'S-1'?"
t_db_unchanged
t_run 2 score S-1 O1
t_stderr_has "usage: mcassess score ID CRITERION LEVEL"
t_db_unchanged
# S-3 was submitted under version 2, which has O3: its own rubric counts, not the current one
t_run 0 score S-3 O3 demonstrated
t_stdout_has "S-3 O3: Demonstrated (passes). 1 of 5 criteria scored."

# ---- who may score: an unknown account, an assessor not assigned, then assigned
if [ "$(id -u)" -eq 0 ] && command -v useradd >/dev/null && command -v runuser >/dev/null; then
	U=mch3$$
	useradd -M -N "$U" 2>/dev/null || useradd -M "$U"
	trap 'userdel "$U" >/dev/null 2>&1; rm -rf "$T"' EXIT
	chmod 777 "$T"
	chmod 666 "$DB" "$DB"-* 2>/dev/null
	as_u() { RC=0; runuser -u "$U" -- "$MCASSESS" --db "$DB" "$@" >"$OUT" 2>"$ERR" </dev/null || RC=$?; }
	t_snapshot
	as_u score S-2 O1 3
	t_check "an unknown account is refused (exit 1)" [ "$RC" -eq 1 ]
	t_stderr_has "mcassess: you ($U) may not score S-2: you are not one of this database's people; ask an admin"
	sql "INSERT INTO person(user, role, created_at) VALUES ('$U', 'assessor', 'x')"
	t_snapshot
	as_u score S-2 O1 3
	t_check "an unassigned assessor is refused (exit 1)" [ "$RC" -eq 1 ]
	t_stderr_has "mcassess: you ($U) may not score S-2: it is not assigned to you; ask an admin or a coordinator"
	t_db_unchanged
	sql "INSERT INTO assignment(uid, submission_id, assessor, assigned_by, at) VALUES ('a1', 2, '$U', '$ME', 'x')"
	as_u score S-2 O1 3
	t_check "an assigned assessor may score (exit 0)" [ "$RC" -eq 0 ]
	t_check "the score is the assessor's" [ "$(sql "SELECT assessor FROM score WHERE submission_id = 2")" = "$U" ]
	as_u score S-1 O1 3
	t_check "but not another submission (exit 1)" [ "$RC" -eq 1 ]
else
	for i in 1 2 3 4 5 6 7 8; do _t_n=$((_t_n + 1)); echo "ok $_t_n # SKIP not root (useradd, runuser)"; done
fi

# ---- decide earned: refused with the exact reasons, then allowed
t_snapshot
t_run 1 decide S-1 earned
t_stderr_has "mcassess: S-1 cannot be earned: O2 at Progressing does not pass; A2 not scored; R1 not scored (3 of 5 criteria scored, 2 passing)"
t_db_unchanged
t_run 2 decide S-1 maybe
t_stderr_has "the decision is 'earned', 'resubmit', 'incomplete', 'approve' or 'return', not 'maybe'"
t_run 2 decide S-1 earned --bogus
t_stderr_has "decide: unknown option '--bogus'"
t_run 2 withdraw S-1 --bogus
t_stderr_has "withdraw: unknown option '--bogus'"
t_run 0 score S-1 O2 Demonstrated
t_run 0 score S-1 A2 demonstrated
t_run 0 score S-1 R1 3
t_stdout_has "5 of 5 criteria scored. Every criterion passes"
t_run 0 decide S-1 earned
t_stdout_has "S-1: earned (decided by $ME)."
t_check "S-1 is earned" [ "$(sql "SELECT status FROM submission WHERE ext_id = 'S-1'")" = earned ]
t_check "the decision is recorded" [ "$(sql "SELECT outcome || ' ' || decided_by FROM decision")" = "earned $ME" ]
t_check "the decision is audited" [ "$(sql "SELECT count(*) FROM audit WHERE action = 'decide'")" = 1 ]

# ---- a decided submission is read-only
t_snapshot
t_run 1 score S-1 O1 1
t_stderr_has "mcassess: S-1 was decided 'earned' by $ME at "
t_stderr_has "a decided submission can no longer be changed"
printf 'Too late.\n' >"$T/late.txt"
t_run 1 feedback S-1 --file "$T/late.txt"
t_stderr_has "S-1 was decided 'earned'"
t_run 1 decide S-1 resubmit
t_db_unchanged

# ---- resubmit needs feedback; feedback from a file and from stdin
t_snapshot
t_run 1 decide S-2 resubmit
t_stderr_has "mcassess: S-2: write feedback first: mcassess feedback S-2 --file F"
t_db_unchanged
printf 'Ask open questions.\n多问开放性问题。\n' >"$T/fb.txt"
t_run 0 feedback S-2 --file "$T/fb.txt"
t_stdout_has "S-2: feedback saved"
t_check "the feedback is the file's text" [ "$(sql "SELECT body FROM feedback WHERE submission_id = 2")" = "$(cat "$T/fb.txt")" ]
printf 'Wait longer after each question.\n' >"$T/fb2.txt"
RC=0; "$MCASSESS" --db "$DB" feedback S-2 - <"$T/fb2.txt" >"$OUT" 2>"$ERR" || RC=$?
t_check "feedback from stdin (exit 0)" [ "$RC" -eq 0 ]
t_check "the feedback is stdin's text" [ "$(sql "SELECT body FROM feedback WHERE submission_id = 2")" = "Wait longer after each question." ]
t_check "replacing feedback is audited with before and after" \
	[ "$(sql "SELECT count(*) FROM audit WHERE action = 'feedback' AND before IS NOT NULL AND after IS NOT NULL")" = 1 ]

# ---- invalid feedback: named, exit 3, nothing changed
t_snapshot
printf 'line one\nab\377c\n' >"$T/bad.txt"
t_run 3 feedback S-2 --file "$T/bad.txt"
t_stderr_has "mcassess: $T/bad.txt:2:3: not valid UTF-8 (byte 0xff)"
t_db_unchanged
RC=0; "$MCASSESS" --db "$DB" feedback S-2 - <"$T/bad.txt" >"$OUT" 2>"$ERR" || RC=$?
t_check "invalid UTF-8 on stdin exits 3" [ "$RC" -eq 3 ]
t_stderr_has "mcassess: stdin:2:3: not valid UTF-8"
head -c 70000 /dev/zero | tr '\0' a >"$T/big.txt"
t_run 3 feedback S-2 --file "$T/big.txt"
t_stderr_has "70000 bytes is more than feedback may hold (64 KiB)"
t_run 1 feedback S-2 --file "$T/missing.txt"
t_stderr_has "missing.txt: cannot read"
t_run 2 feedback S-2
t_db_unchanged

t_run 0 decide S-2 resubmit
t_stdout_has "S-2: resubmit (decided by $ME)."
t_check "S-2 is resubmit" [ "$(sql "SELECT status FROM submission WHERE ext_id = 'S-2'")" = resubmit ]
t_check "the status counters follow" [ "$(sql "SELECT n FROM status_count WHERE status = 'resubmit'")" = 1 ]

# ---- help
t_run 0 score --help
t_stdout_has "1 being the lowest"
t_run 0 feedback --help
t_stdout_has "64 KiB"
t_run 0 decide --help
t_stdout_has "refused until the submission has feedback"

# ---- the database busy (another program, the sqlite3 shell, holds its write lock past
# mcassess's busy timeout): the message says so without blaming another mcassess, and
# nothing is changed
t_snapshot
db_lock
t_run 1 score S-1 O1 3
t_stderr_has "the database is busy (someone else is writing to it); nothing was changed, try again"
db_unlock
t_db_unchanged

done_testing
