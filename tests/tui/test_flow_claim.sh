#!/bin/sh
# test_flow_claim.sh: what an admin can do about claims (issue 14): set how long
# an idle claim lasts (`config claim-idle-minutes N`), and release another
# person's claim (`claim release ID`), which assessors and coordinators cannot.
# Two OS accounts (useradd, runuser) hold and try to release claims.
. "$TOP_SRCDIR/tests/cli/lib.sh"
t_init_db
sqlite3 "$DB" <"$FIXTURES/tui/queue.sql" || { echo "Bail out! the fixture did not load"; exit 1; }
ME=$(id -un)

# ------------------------------------------------------------- the setting
t_run 0 config claim-idle-minutes
t_stdout_has "claim-idle-minutes 30"
t_run 0 config claim-idle-minutes 5
t_stdout_has "claim-idle-minutes 5"
t_check "the setting is in the database" [ "$(sql "SELECT value FROM meta WHERE key = 'claim_idle_minutes'")" = 5 ]
t_check "setting it is audited, before and after" \
	[ "$(sql "SELECT before || ' ' || after FROM audit WHERE action = 'config' AND subject = 'setting:claim_idle_minutes'")" = '{"value":30} {"value":5}' ]
t_snapshot
t_run 0 config claim-idle-minutes 5
t_stdout_has "claim-idle-minutes 5 (it already was)"
t_db_unchanged
for bad in 0 abc 10081 5x ""; do
	t_run 2 config claim-idle-minutes "$bad"
	t_stderr_has "claim-idle-minutes is a whole number of minutes from 1 to 10080, not '$bad'"
	t_db_unchanged
done
t_run 0 config claim-idle-minutes
t_stdout_has "claim-idle-minutes 5"
t_run 0 claim --help
t_stdout_has "mcassess config claim-idle-minutes N"

# --------------------------------------------------------- two OS accounts
A=mcfloa B=mcflob
if ! t_accounts $A $B; then
	t_ok "two accounts # SKIP not root (useradd, runuser)"
	done_testing
	exit 0
fi
mc people add $A --role coordinator >/dev/null
mc people add $B --role coordinator >/dev/null

t_snapshot
as $A config claim-idle-minutes 60
t_check "a coordinator may not change the setting (exit $RC)" [ "$RC" -eq 1 ]
t_stderr_has "setting how long an idle claim lasts"
t_db_unchanged

as $A claim claim S-002
t_check "$A claims S-002 (exit $RC)" [ "$RC" -eq 0 ]
# The expiry is the setting's: six minutes idle is past 5, not past 10.
sql "UPDATE claim SET seen_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-6 minutes')" >/dev/null
t_run 0 claim list --format tsv
t_check "idle 6 minutes with claim-idle-minutes 5: expired" grep -q "^S-002	$A	.*	expired\$" "$OUT"
t_run 0 config claim-idle-minutes 10
t_run 0 claim list --format tsv
t_check "idle 6 minutes with claim-idle-minutes 10: active" grep -q "^S-002	$A	.*	active\$" "$OUT"

t_snapshot
as $B claim release S-002
t_check "$B (a coordinator) cannot release $A's claim (exit $RC)" [ "$RC" -eq 1 ]
t_stderr_has "S-002 is claimed by $A, not by you ($B); only they or an admin can release it"
t_db_unchanged
t_run 0 claim release S-002
t_stdout_has "released S-002"
t_check "the admin released $A's active claim" [ "$(sql "SELECT count(*) FROM claim")" = 0 ]
t_check "the release is audited with who released it" \
	[ "$(sql "SELECT json_extract(before, '\$.user') || ' ' || after FROM audit WHERE action = 'release' ORDER BY seq DESC LIMIT 1")" = "$A {\"released_by\":\"$ME\"}" ]
as $B claim claim S-002
t_check "$B may claim S-002 now (exit $RC)" [ "$RC" -eq 0 ]
done_testing
