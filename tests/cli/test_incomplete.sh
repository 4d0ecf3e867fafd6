#!/bin/sh
# test_incomplete.sh: the completeness check. A coordinator or admin returns a
# submission as incomplete with a reason, unscored; the reason is shown and
# audited; an assessor is refused; the educator's next submission keeps the
# attempt number (an incomplete return is not an attempt) and links to it.
. "$TOP_SRCDIR/tests/cli/lib.sh"
t_init_db
ME=$(id -un)
mc import "$FIXTURES/import/good.csv" --evidence "$FIXTURES/import/evidence"
[ "$RC" -eq 0 ] || { echo "Bail out! the import fixture did not load"; cat "$ERR"; exit 1; }
count() { sql "SELECT n FROM status_count WHERE status = '$1'"; }
REASON="The reflection is missing and lesson.pdf cannot be opened."

# ---- usage: the reason is required; nothing changes
t_snapshot
t_run 2 decide S-102 incomplete
t_stderr_has "mcassess: decide: 'incomplete' needs --reason TEXT"
t_run 2 decide S-102 resubmit --reason "why"
t_stderr_has "--reason goes with 'incomplete'"
t_run 3 decide S-102 incomplete --reason "   "
t_stderr_has "mcassess: the reason is empty: say what is missing or cannot be read"
t_run 3 decide S-102 incomplete --reason "$(printf 'bad \377 byte')"
t_stderr_has "the reason is not valid UTF-8"
t_run 1 decide S-999 incomplete --reason "$REASON"
t_stderr_has "mcassess: no submission 'S-999'"
t_db_unchanged
mc decide --help
t_check "decide --help explains incomplete" grep -q "incomplete  the completeness check" "$OUT"

# ---- an assessor may not (even one assigned to it)
sql "UPDATE person SET role = 'assessor' WHERE user = '$ME'"
sql "INSERT INTO assignment(uid, submission_id, assessor, assigned_by, at)
	SELECT 'a-1', id, '$ME', 'x', 'x' FROM submission WHERE ext_id = 'S-102'"
t_snapshot
t_run 1 decide S-102 incomplete --reason "$REASON"
t_stderr_has "mcassess: only coordinators and admins return a submission as incomplete, and you ($ME) are an assessor; tell your coordinator what is missing from S-102"
t_db_unchanged
sql "DELETE FROM assignment"
sql "UPDATE person SET role = 'coordinator' WHERE user = '$ME'"

# ---- a coordinator returns it: status, decision with its reason, counts, audit
queued=$(count queued)
t_run 0 decide S-102 incomplete --reason "$REASON"
t_stdout_has "S-102: returned as incomplete (by $ME); it does not count as an attempt."
t_check "status is incomplete" [ "$(sql "SELECT status FROM submission WHERE ext_id = 'S-102'")" = incomplete ]
t_check "the decision row holds the outcome, who and the reason" \
	[ "$(sql "SELECT outcome || '|' || decided_by || '|' || reason FROM decision")" = "incomplete|$ME|$REASON" ]
t_check "no scores were needed or written" [ "$(sql "SELECT count(*) FROM score")" = 0 ]
t_check "status counts: incomplete 1 (got $(count incomplete))" [ "$(count incomplete)" = 1 ]
t_check "status counts: one fewer queued" [ "$(count queued)" = $((queued - 1)) ]
t_check "counts agree with the table" [ "$(sql "SELECT count(*) FROM status_count c WHERE n <> (SELECT count(*) FROM submission s WHERE s.status = c.status)")" = 0 ]
t_check "audited as decide with the reason" \
	[ "$(sql "SELECT json_extract(after, '\$.outcome') || '|' || json_extract(after, '\$.reason') FROM audit WHERE action = 'decide' AND subject = 'submission:S-102'")" = "incomplete|$REASON" ]
t_run 0 show S-102
t_stdout_has "status incomplete, attempt 1"
t_stdout_has "== decision: incomplete ($ME,"
t_stdout_has "    The reflection is missing and lesson.pdf cannot be opened."
t_run 0 show S-102 --format json
t_check "show json: status and decision_reason" \
	[ "$(jq -r '.status + "|" + .decision + "|" + .decision_reason' "$OUT" 2>/dev/null)" = "incomplete|incomplete|$REASON" ]
t_run 0 queue --status incomplete --format tsv
t_check "queue --status incomplete lists it" grep -q "^S-102	incomplete	STEMS-INQ	" "$OUT"

# ---- it is final like any decision
t_snapshot
t_run 1 decide S-102 incomplete --reason "again"
t_stderr_has "S-102 was decided 'incomplete'"
t_run 1 score S-102 A1 1
t_stderr_has "S-102 was decided 'incomplete'"
t_db_unchanged

# ---- the educator submits again: same attempt number, linked to the returned one
cat >"$T/again.csv" <<'CSV'
submission_id,educator_id,educator_name,district,school,credential,submitted_at,part,kind,text,file
S-102B,E-2,"Chen, Bo",Northfield,,STEMS-INQ,2026-12-02T09:00:00Z,reflection,text,Now with the reflection.,
CSV
t_run 0 import "$T/again.csv"
t_check "the new submission is attempt 1 again" [ "$(sql "SELECT attempt FROM submission WHERE ext_id = 'S-102B'")" = 1 ]
t_check "it links to the returned one" \
	[ "$(sql "SELECT p.ext_id FROM submission s JOIN submission p ON p.id = s.previous_id WHERE s.ext_id = 'S-102B'")" = S-102 ]
t_run 0 show S-102B
t_stdout_has "status queued, attempt 1 (after S-102)"
t_stdout_has "  attempt 1: S-102, incomplete, submitted"
t_stdout_has "      The reflection is missing and lesson.pdf cannot be opened."
t_run 0 show S-102B --format json
t_check "show json: the history holds the returned attempt with its reason" \
	[ "$(jq -r '.history[] | select(.kind == "attempt") | .id + "|" + .decision + "|" + .decision_reason' "$OUT" 2>/dev/null)" = "S-102|incomplete|$REASON" ]
# A resubmit decision, by contrast, makes the next one attempt 2.
t_run 0 feedback S-102B "Please add the lesson plan as a readable PDF."
t_run 0 decide S-102B resubmit
cat >"$T/third.csv" <<'CSV'
submission_id,educator_id,educator_name,district,school,credential,submitted_at,part,kind,text,file
S-102C,E-2,"Chen, Bo",Northfield,,STEMS-INQ,2026-12-09T09:00:00Z,reflection,text,Third time.,
CSV
t_run 0 import "$T/third.csv"
t_check "after resubmit: attempt 2" [ "$(sql "SELECT attempt FROM submission WHERE ext_id = 'S-102C'")" = 2 ]

# ---- an admin may too; the archive gets the event
sql "UPDATE person SET role = 'admin' WHERE user = '$ME'"
if "$MCASSESS" --db "$DB" archive init >"$T/ai.out" 2>&1; then
	t_run 0 decide S-103 incomplete --reason "Only one of the three parts came through."
	t_run 0 archive log S-103
	t_stdout_has "decide S-103: incomplete"
else
	t_ok "archive # SKIP built without libgit2"
	t_ok "archive # SKIP"
	t_ok "archive # SKIP"
fi
done_testing
