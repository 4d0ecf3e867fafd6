#!/bin/sh
# test_reads.sh: the review process (review.h) with real OS accounts: two blind
# readers who agree -> an approver approves -> earned; two who disagree -> an
# adjudication read (assigned by the least-load rule) -> approval; an approver
# returns it; an admin reopens and withdraws; one read with approval on; and
# that a reader sees nothing of the other read (scores, comments, feedback,
# outcome) until both reads are ended. Every submission has evidence in every
# part, so that completeness before earning holds. Accounts (useradd, as root; else skipped):
#   mcrd_a, mcrd_b  readers (assessors of North, like the educators)
#   mcrd_c          assessor of South (the adjudicator the rule picks)
#   mcrd_x          assessor of North with nothing assigned
#   mcrd_p          approver
. "$TOP_SRCDIR/tests/cli/lib.sh"
t_init_db
A=mcrd_a B=mcrd_b C=mcrd_c X=mcrd_x P=mcrd_p
t_accounts $A $B $C $X $P || t_skip_all "not root (useradd, runuser)"
cat >"$F/subs.csv" <<'CSV'
submission_id,educator_id,educator_name,district,school,credential,submitted_at,part,kind,text,file
RD-1,E-RD1,Iris Quill,North,Ash School,TEAM-QUES,2026-10-01T09:00:00Z,overview,text,"Questions climb from recall to analysis.",
RD-1,E-RD1,Iris Quill,North,Ash School,TEAM-QUES,2026-10-01T09:00:00Z,artifact,text,"The artifact of this submission.",
RD-1,E-RD1,Iris Quill,North,Ash School,TEAM-QUES,2026-10-01T09:00:00Z,artifact2,text,"The artifact2 of this submission.",
RD-1,E-RD1,Iris Quill,North,Ash School,TEAM-QUES,2026-10-01T09:00:00Z,reflection,text,"The reflection of this submission.",
RD-2,E-RD2,Jon Pike,North,Ash School,TEAM-QUES,2026-10-02T09:00:00Z,overview,text,"Questions build on the last answer.",
RD-2,E-RD2,Jon Pike,North,Ash School,TEAM-QUES,2026-10-02T09:00:00Z,artifact,text,"The artifact of this submission.",
RD-2,E-RD2,Jon Pike,North,Ash School,TEAM-QUES,2026-10-02T09:00:00Z,artifact2,text,"The artifact2 of this submission.",
RD-2,E-RD2,Jon Pike,North,Ash School,TEAM-QUES,2026-10-02T09:00:00Z,reflection,text,"The reflection of this submission.",
RD-3,E-RD3,Kay Moss,North,Elm School,TEAM-QUES,2026-10-03T09:00:00Z,overview,text,"Questions grouped by level.",
RD-3,E-RD3,Kay Moss,North,Elm School,TEAM-QUES,2026-10-03T09:00:00Z,artifact,text,"The artifact of this submission.",
RD-3,E-RD3,Kay Moss,North,Elm School,TEAM-QUES,2026-10-03T09:00:00Z,artifact2,text,"The artifact2 of this submission.",
RD-3,E-RD3,Kay Moss,North,Elm School,TEAM-QUES,2026-10-03T09:00:00Z,reflection,text,"The reflection of this submission.",
RD-4,E-RD4,Lu Fenn,North,Elm School,TEAM-QUES,2026-10-04T09:00:00Z,overview,text,"Questions with wait time.",
RD-4,E-RD4,Lu Fenn,North,Elm School,TEAM-QUES,2026-10-04T09:00:00Z,artifact,text,"The artifact of this submission.",
RD-4,E-RD4,Lu Fenn,North,Elm School,TEAM-QUES,2026-10-04T09:00:00Z,artifact2,text,"The artifact2 of this submission.",
RD-4,E-RD4,Lu Fenn,North,Elm School,TEAM-QUES,2026-10-04T09:00:00Z,reflection,text,"The reflection of this submission.",
RD-5,E-RD5,Mo Reed,North,Elm School,TEAM-QUES,2026-10-05T09:00:00Z,overview,text,"The overview of this submission.",
RD-5,E-RD5,Mo Reed,North,Elm School,TEAM-QUES,2026-10-05T09:00:00Z,artifact,text,"The artifact of this submission.",
RD-5,E-RD5,Mo Reed,North,Elm School,TEAM-QUES,2026-10-05T09:00:00Z,artifact2,text,"The artifact2 of this submission.",
RD-5,E-RD5,Mo Reed,North,Elm School,TEAM-QUES,2026-10-05T09:00:00Z,reflection,text,"The reflection of this submission.",
CSV
mc import "$F/subs.csv"
[ "$RC" -eq 0 ] || { echo "Bail out! the fixture did not load"; cat "$ERR"; exit 1; }
mc people add $A --role assessor --district North
mc people add $B --role assessor --district North
mc people add $X --role assessor --district North
mc people add $C --role assessor --district South
mc people add $P --role approver
t_check "people add --role approver" [ "$(sql "SELECT role FROM person WHERE user = '$P'")" = approver ]
CRIT="O1 O2 A1 A2 A3 A4 A5 R1 R2"
# score_all USER ID LEVEL [CRITERION LEVEL]: every criterion at LEVEL, one at another
score_all() {
	for c in $CRIT; do
		l=$3
		[ "$c" = "${4:-}" ] && l=$5
		as "$1" score "$2" "$c" "$l" || return 1
		[ "$RC" -eq 0 ] || { cat "$ERR"; return 1; }
	done
}
status() { sql "SELECT status FROM submission WHERE ext_id = '$1'"; }

# ---- the settings: admins only, audited
t_snapshot
as $A config reads 2
t_check "an assessor may not set reads" [ "$RC" -eq 1 ]
t_db_unchanged
t_run 2 config reads 3
t_stderr_has "reads is 1 or 2, not '3'"
t_run 0 config reads
t_stdout_has "reads 1"
t_run 0 config reads 2
t_stdout_has "reads 2"
t_check "audited" [ "$(sql "SELECT after FROM audit WHERE action = 'config' AND subject = 'setting:reads'")" = '{"value":"2"}' ]
t_run 0 config approval
t_stdout_has "approval off (decisions wait for approval all the same: reads is 2)"

for id in RD-1 RD-2 RD-3; do
	mc assign "$id" $A
	mc assign "$id" $B --read second
done

# ---- blind reads: the first reader ends their read; the second sees nothing of it
score_all $A RD-1 3
t_check "the first reader scores all" [ "$RC" -eq 0 ]
as $A score RD-1 O1 3 --comment "alpha-secret comment"
printf 'alpha-feedback for Iris\n' >"$F/fa.txt"; chmod 0644 "$F/fa.txt"
as $A feedback RD-1 --file "$F/fa.txt"
as $A decide RD-1 earned
t_check "the first read ends" [ "$RC" -eq 0 ]
t_stdout_has "RD-1: your read ends with 'earned'; the submission is now: awaiting the other read."
t_check "not decided: no decision row, still in progress" \
	[ "$(sql "SELECT count(*) FROM decision")|$(status RD-1)" = "0|in_progress" ]
t_check "the read's decision" [ "$(sql "SELECT read || ':' || assessor || ':' || outcome FROM read_decision")" = "first:$A:earned" ]
as $B show RD-1
t_check "the second reader may show it" [ "$RC" -eq 0 ]
t_stdout_lacks "alpha-secret"
t_stdout_lacks "alpha-feedback"
t_stdout_lacks "Demonstrated"
t_stdout_lacks "ended: earned"
t_stdout_has "hidden until both reads end"
as $B show RD-1 --format json
t_check "json: no score, no feedback, the first read's outcome hidden" \
	jq -e '(.scores | length) == 0 and .feedback == null and .other_reads_hidden and
		(.reads[] | select(.read == "first") | .hidden and .outcome == null)' "$OUT"
as $B search alpha
t_stdout_lacks "RD-1"
as $A score RD-1 O2 2
t_check "the ended read cannot be changed" [ "$RC" -eq 1 ]
t_stderr_has "the first read of RD-1 was ended"
score_all $B RD-1 3
as $B decide RD-1 earned
t_stdout_has "RD-1: your read ends with 'earned'; the submission is now: awaiting approval."
t_check "agreement: awaiting approval" [ "$(status RD-1)" = awaiting_approval ]
as $B show RD-1
t_stdout_has "alpha-secret"
t_stdout_has "ended: earned"

# ---- approval
as $P queue --format tsv
t_check "the approver's queue holds what awaits approval, only that" \
	[ "$(cut -f1 "$OUT" | grep -c '^RD-')" = 1 ] && grep -q '^RD-1' "$OUT"
as $P show RD-2
t_check "the approver does not see the rest" [ "$RC" -eq 1 ]
t_stderr_has "RD-2 is not awaiting approval"
as $P score RD-1 O1 2
t_check "approvers do not score" [ "$RC" -eq 1 ]
t_stderr_has "approvers do not score"
t_snapshot
as $A decide RD-1 approve
t_check "a reader may not approve" [ "$RC" -eq 1 ]
t_stderr_has "only approvers and admins approve a submission"
as $P decide RD-2 approve
t_check "nothing else is approved" [ "$RC" -eq 1 ]
t_db_unchanged
as $P decide RD-1 approve
t_check "approved" [ "$RC" -eq 0 ]
t_stdout_has "RD-1: approved by $P; the decision is final: earned."
t_check "earned, decided by the approver" \
	[ "$(sql "SELECT s.status || ':' || d.outcome || ':' || d.decided_by FROM decision d JOIN submission s ON s.id = d.submission_id")" = "earned:earned:$P" ]
t_check "audited" [ "$(sql "SELECT json_extract(after, '\$.outcome') FROM audit WHERE action = 'approve'")" = earned ]
t_run 0 check
t_stdout_has "all good"

# ---- disagreement: adjudication, assigned by the least-load rule, then approval
score_all $A RD-2 3
as $A decide RD-2 earned
score_all $B RD-2 3 A1 2
printf 'A1 needs more demanding questions.\n' >"$F/fb.txt"; chmod 0644 "$F/fb.txt"
as $B feedback RD-2 --file "$F/fb.txt"
as $B decide RD-2 resubmit
t_stdout_has "the submission is now: adjudication."
t_check "still in progress" [ "$(status RD-2)" = in_progress ]
t_check "the adjudication read went to the assessor outside the educator's district who reads neither" \
	[ "$(sql "SELECT assessor FROM assignment a JOIN submission s ON s.id = a.submission_id WHERE s.ext_id = 'RD-2' AND read = 'adjudication'")" = $C ]
t_check "no reader adjudicates their own submission (checked by a query)" [ "$(sql "SELECT count(*) FROM assignment a
	WHERE a.read = 'adjudication' AND EXISTS (SELECT 1 FROM assignment b WHERE b.submission_id = a.submission_id
	AND b.read <> 'adjudication' AND b.assessor = a.assessor)")" = 0 ]
as $C show RD-2
t_check "the adjudicator sees it" [ "$RC" -eq 0 ]
t_stdout_has "== reads: adjudication"
t_stdout_has "  A1   first: Demonstrated (passes); second: Progressing (does not pass)"
t_stdout_has "A1 needs more demanding questions."
score_all $C RD-2 3
as $C decide RD-2 earned
t_stdout_has "the submission is now: awaiting approval."
as $P decide RD-2 approve
t_check "adjudicated, approved: earned" [ "$(status RD-2)" = earned ]

# ---- the approver returns it to the readers, with a reason they see
score_all $A RD-3 2
as $A feedback RD-3 --file "$F/fa.txt"
as $A decide RD-3 resubmit
score_all $B RD-3 2
as $B feedback RD-3 --file "$F/fb.txt"
as $B decide RD-3 resubmit
t_check "both resubmit: awaiting approval" [ "$(status RD-3)" = awaiting_approval ]
t_run 2 decide RD-3 return
t_stderr_has "'return' needs --reason TEXT"
as $P decide RD-3 return --reason "Look at A1 again: the plan has analysis questions."
t_check "returned" [ "$RC" -eq 0 ]
t_check "in progress, every read open again" [ "$(status RD-3)|$(sql "SELECT count(*) FROM read_decision r JOIN submission s ON s.id = r.submission_id WHERE s.ext_id = 'RD-3'")" = "in_progress|0" ]
as $A show RD-3
t_stdout_has "return by $P: Look at A1 again"
as $A score RD-3 A1 3
t_check "the reader may score again" [ "$RC" -eq 0 ]

# ---- reopen (an appeal) and withdraw: admins only, audited
t_snapshot
as $P reopen RD-1 --reason "appeal"
t_check "an approver may not reopen" [ "$RC" -eq 1 ]
t_run 2 reopen RD-1
t_stderr_has "needs --reason TEXT"
t_run 1 withdraw RD-2 --reason "left the district"
t_stderr_has "reopen it first"
t_db_unchanged
t_run 0 reopen RD-1 --reason "The teacher appealed: A1 was misread."
t_check "reopened: no decision, no ended read, in progress" \
	[ "$(status RD-1)|$(sql "SELECT count(*) FROM decision d JOIN submission s ON s.id = d.submission_id WHERE s.ext_id = 'RD-1'")" = "in_progress|0" ]
t_check "the audit keeps what it was" [ "$(sql "SELECT json_extract(after, '\$.was') FROM audit WHERE action = 'reopen'")" = earned ]
as $A show RD-1
t_stdout_has "reopen by $(id -un): The teacher appealed"
t_run 1 reopen RD-1 --reason again
t_stderr_has "has no final decision to reopen"
t_run 0 withdraw RD-1 --reason "The teacher left the district."
t_check "withdrawn" [ "$(status RD-1)" = withdrawn ]
as $A score RD-1 O1 2
t_check "no further writes" [ "$RC" -eq 1 ]
t_stderr_has "RD-1 was withdrawn"
t_run 1 withdraw RD-1 --reason again
t_stderr_has "RD-1 was withdrawn already"

# ---- disagreement with nobody eligible to adjudicate: it waits, and says so
# (X is no assessor now; C still is, but RD-5 is C's own submission: the
# own-work rule keeps C from adjudicating it)
mc people add $C --role assessor --district South --educator E-RD5
mc people add $X --role coordinator --district North
mc assign RD-5 $A
mc assign RD-5 $B --read second
score_all $A RD-5 3
as $A decide RD-5 earned
score_all $B RD-5 3 A1 2
as $B feedback RD-5 --file "$F/fb.txt"
as $B decide RD-5 resubmit
t_stdout_has "the submission is now: needs adjudication."
t_check "no adjudication read assigned" [ "$(sql "SELECT count(*) FROM assignment a JOIN submission s ON s.id = a.submission_id WHERE s.ext_id = 'RD-5' AND read = 'adjudication'")" = 0 ]
t_run 0 show RD-5
t_stdout_has "== reads: needs adjudication"
t_run 0 queue --format json
t_check "the coordinator's queue lists it, in progress" jq -e 'any(.[]; .id == "RD-5" and .status == "in_progress")' "$OUT"
# the queue says it needs adjudication (tsv, json) and a filter finds exactly it
t_run 0 queue --format tsv
t_check "queue tsv: RD-5's readers start 'needs adjudication; '" \
	grep -q "^RD-5	in_progress	.*	needs adjudication; first: $A, second: $B	" "$OUT"
t_check "queue tsv: nothing else needs adjudication" [ "$(grep -c "needs adjudication" "$OUT")" = 1 ]
t_run 0 queue --format json
t_check "queue json: needs_adjudication true for RD-5 only" \
	jq -e '[.[] | select(.needs_adjudication) | .id] == ["RD-5"]' "$OUT"
t_run 0 queue --needs adjudication --format tsv
t_check "queue --needs adjudication: RD-5 alone" [ "$(cut -f1 "$OUT")" = RD-5 ]
t_run 0 queue --needs ADJUDICATION --status all --format tsv
t_check "queue --needs (any case) with --status all: RD-5 alone" [ "$(cut -f1 "$OUT")" = RD-5 ]
t_run 2 queue --needs approval
t_stderr_has "unknown need 'approval' (needs:adjudication: the submissions whose reads disagree and wait for an adjudicator)"
# assign --filter takes needs: too: it picks RD-5 (refused here: A read it first)
t_snapshot
t_run 1 assign --filter "needs:adjudication" $A --read adjudication
t_stderr_has "$A already has the first read of RD-5"
t_db_unchanged
t_run 2 assign --filter "needs:review" $A --read adjudication
t_stderr_has "unknown need 'review'"
t_run 1 assign RD-5 $C --read adjudication
t_stderr_has "$C may not read RD-5: it is their own submission (they submit as educator E-RD5)"
mc people add $C --role assessor --district South --educator ""
t_check "--educator \"\" clears the link" [ "$(sql "SELECT educator IS NULL FROM person WHERE user = '$C'")" = 1 ]
t_run 0 assign RD-5 $C --read adjudication
score_all $C RD-5 2
as $C feedback RD-5 --file "$F/fb.txt"
as $C decide RD-5 resubmit
t_stdout_has "the submission is now: awaiting approval."

# ---- awaiting approval with no read ended (as the demo's data are): the scores say it
sql "UPDATE submission SET status = 'awaiting_approval' WHERE ext_id = 'RD-3'"
sql "DELETE FROM read_decision WHERE submission_id = (SELECT id FROM submission WHERE ext_id = 'RD-3')"
as $P decide RD-3 approve
t_check "approved as the first read's scores say (A1 3, the rest 2: resubmit)" [ "$RC" -eq 0 ] && [ "$(status RD-3)" = resubmit ]

# ---- one read, approval on: the reader's decision waits for the approver
t_run 0 config reads 1
t_run 0 config approval on
mc assign RD-4 $A
score_all $A RD-4 3
as $A decide RD-4 earned
t_stdout_has "the submission is now: awaiting approval."
t_check "awaiting approval" [ "$(status RD-4)" = awaiting_approval ]
as $P decide RD-4 approve
t_check "approved: earned" [ "$(status RD-4)" = earned ]
done_testing
