#!/bin/sh
# test_packet_attempts.sh: a packet carries the earlier attempts of the
# submissions it holds (with their decision and feedback), to be read only;
# blind rules hold for them; importing does not change them on the server.
# OS accounts (as root, else skipped): mcpk2a, an assessor given BL-2 (attempt
# 2; BL-1 was resubmitted with feedback naming the teacher) blind, and mcpk2c,
# the Northfield coordinator.
. "$TOP_SRCDIR/tests/cli/lib.sh"
A=mcpk2a C=mcpk2c
t_accounts $A $C || t_skip_all "earlier attempts travel: not root (useradd, runuser)"
FX=$FIXTURES/blind
t_init_db
mc import "$FX/subs.csv"
[ "$RC" -eq 0 ] || { echo "Bail out! the fixture did not load"; cat "$ERR"; exit 1; }
mc feedback BL-1 "Zelda, plan the follow-up questions too, and give every student wait time."
mc decide BL-1 resubmit
mc import "$FX/again.csv"
[ "$RC" -eq 0 ] || { echo "Bail out! the second attempt did not load"; cat "$ERR"; exit 1; }
mc people add $A --role assessor --district Northfield
mc people add $C --role coordinator --district Northfield
mc assign BL-2 $A --blind
# as USER STATUS DB ARGS...: mcassess as USER on DB.
as() { t_as "$@"; }
# BL-1's status, decision and feedback on the server.
bl1() {
	sqlite3 "$DB" "SELECT s.status, d.outcome, f.body FROM submission s JOIN decision d ON d.submission_id = s.id
		JOIN feedback f ON f.submission_id = s.id WHERE s.ext_id = 'BL-1'"
}

as $C 0 "$DB" packet export --district Northfield --assessor $A --out "$F/a.pk"
t_stdout_has "1 submission "
t_check "the packet holds BL-2 and its earlier attempt BL-1" \
	[ "$(sqlite3 "$F/a.pk" "SELECT group_concat(ext_id || ':' || attempt || ':' || status) FROM (SELECT * FROM submission ORDER BY ext_id)")" = "BL-1:1:resubmit,BL-2:2:queued" ]
t_check "BL-2 points at BL-1 in the packet" \
	[ "$(sqlite3 "$F/a.pk" "SELECT p.ext_id FROM submission s JOIN submission p ON p.id = s.previous_id WHERE s.ext_id = 'BL-2'")" = BL-1 ]
t_check "with BL-1's decision" [ "$(sqlite3 "$F/a.pk" "SELECT outcome FROM decision")" = resubmit ]
t_check "and its feedback, the teacher's name masked" \
	sh -c "sqlite3 '$F/a.pk' 'SELECT body FROM feedback' | grep -q 'plan the follow-up' && ! grep -a -q -e Zelda -e Marlowe -e Quintessa -e Wolfsbane -e EDU-ZQM '$F/a.pk'"
t_check "other submissions of the educator stay home" [ "$(sqlite3 "$F/a.pk" "SELECT count(*) FROM submission WHERE ext_id IN ('BL-3', 'BL-9')")" = 0 ]

# ---------------------------------------------------------------- on the laptop
cp "$F/a.pk" "$F/la.pk"; chmod 0666 "$F/la.pk"
as $A 0 "$F/la.pk" show BL-2
t_stdout_has "attempt 1: BL-1, resubmit"
t_stdout_lacks "Zelda"
as $A 0 "$F/la.pk" show BL-1
t_stdout_has "plan the follow-up questions too"
t_stdout_lacks "Zelda"
as $A 0 "$F/la.pk" packet status "$F/la.pk"
t_stdout_has "submissions  1"
t_stdout_has "decided      0"
as $A 1 "$F/la.pk" score BL-1 O1 demonstrated
t_stderr_is_message
as $A 0 "$F/la.pk" score BL-2 O1 demonstrated
as $A 0 "$F/la.pk" check

# ---------------------------------------------------------------- back home
before=$(bl1)
as $C 0 "$DB" packet import "$F/la.pk"
t_stdout_has "merged 1 submission"
t_check "the earlier attempt on the server is as it was (feedback unmasked)" [ "$(bl1)" = "$before" ]
t_check "the feedback still names the teacher on the server" sh -c "sqlite3 '$DB' 'SELECT body FROM feedback' | grep -q Zelda"
t_check "BL-2's score came home" [ "$(sql "SELECT count(*) FROM score s JOIN submission u ON u.id = s.submission_id WHERE u.ext_id = 'BL-2' AND assessor = '$A'")" = 1 ]
mc check
t_check "check is clean after the import" [ "$RC" -eq 0 ]
[ "$RC" -eq 0 ] || t_diag "$OUT"

# An earlier attempt is read-only on the laptop; and a laptop that changed it
# all the same (the coordinator's private note on it) is refused, naming it, the server unchanged.
cp "$F/a.pk" "$F/lc.pk"; chmod 0666 "$F/lc.pk"
as $C 1 "$F/lc.pk" decide BL-1 earned
t_stderr_has "a decided submission can no longer be changed"
as $C 0 "$F/lc.pk" note BL-1 "Compare with the first plan."
snap=$(sqlite3 "$DB" .dump | sha256sum)
as $C 3 "$DB" packet import "$F/lc.pk"
t_stderr_has "BL-1, an earlier attempt the packet carries only to be read, was changed on the laptop (note by $C"
t_check "a refused packet leaves the server as it was" [ "$(sqlite3 "$DB" .dump | sha256sum)" = "$snap" ]
done_testing
