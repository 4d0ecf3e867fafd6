#!/bin/sh
# test_claim.sh: claims, so that two assessors never score one submission at
# once. The CLI twin (`claim claim|release|list`), then two OS accounts
# (useradd, runuser) on one database: by the CLI, and in the workstation under
# tmux, where the second is refused the claimed submission and sees who holds it.
. "$TOP_SRCDIR/tests/cli/lib.sh"
t_init_db
sqlite3 "$DB" <"$FIXTURES/tui/queue.sql" || { echo "Bail out! the fixture did not load"; exit 1; }
ME=$(id -un)

t_run 0 claim claim S-001
t_stdout_has "claimed S-001"
t_check "the claim row is mine" [ "$(sql "SELECT user FROM claim")" = "$ME" ]
t_check "the claim carries a uid" [ -n "$(sql "SELECT uid FROM claim")" ]
t_check "claiming is audited" [ "$(sql "SELECT count(*) FROM audit WHERE action = 'claim' AND subject = 'submission:S-001'")" = 1 ]
t_run 0 claim claim S-001
t_check "claiming again only refreshes (no second audit row)" \
	[ "$(sql "SELECT count(*) FROM audit WHERE action = 'claim'")" = 1 ]
t_run 0 claim list --format tsv
t_check "list --format tsv: id, user, times, active" \
	grep -q "^S-001	$ME	20[0-9-]*T[0-9:]*Z	20[0-9-]*T[0-9:]*Z	active\$" "$OUT"
t_run 0 claim release S-001
t_stdout_has "released S-001"
t_check "released: no claim left" [ "$(sql "SELECT count(*) FROM claim")" = 0 ]
t_check "releasing is audited" [ "$(sql "SELECT count(*) FROM audit WHERE action = 'release'")" = 1 ]
t_snapshot
t_run 1 claim release S-001
t_stderr_has "mcassess: S-001 is not claimed by anyone"
t_db_unchanged
t_run 1 claim claim S-999
t_stderr_has "mcassess: no submission 'S-999'"
t_db_unchanged
t_run 2 claim grab S-001
t_stderr_has "unknown subcommand 'grab' (claim ID, take ID, release ID or list)"
t_run 2 claim claim
t_stderr_has "claim takes one submission ID"
# A decided submission cannot be claimed to score: the reason is scoring's.
t_run 0 score S-001 O2 demonstrated
t_run 0 score S-001 A1 demonstrated
t_run 0 score S-001 R1 demonstrated
t_run 0 decide S-001 earned
t_snapshot
t_run 1 claim claim S-001
t_stderr_has "S-001 was decided 'earned'"
t_db_unchanged
t_run 1 claim take S-001
t_stderr_has "S-001 was decided 'earned'"
t_db_unchanged

# ---------------------------------------------------------------- two OS accounts
if [ "$(id -u)" -ne 0 ] || ! command -v useradd >/dev/null 2>&1 || ! command -v runuser >/dev/null 2>&1; then
	for i in $(seq 31); do t_ok "two assessors # SKIP not root (useradd, runuser)"; done
	done_testing
	exit 0
fi
A=mcclaima B=mcclaimb
for u in $A $B; do id "$u" >/dev/null 2>&1 || useradd -M -N "$u" 2>/dev/null || useradd -M "$u"; done
# A database both can write (WAL files included): a world-writable directory.
F=$(mktemp -d /tmp/mcassess-claim.XXXXXX)
trap 'tmux -S "$F/tmux.sock" kill-server >/dev/null 2>&1; rm -rf "$T" "$F"' EXIT
chmod 0777 "$F"
cp "$DB" "$F/t.db"
rm -f "$DB-wal" "$DB-shm"
sqlite3 "$F/t.db" "DELETE FROM claim"
"$MCASSESS" --db "$F/t.db" people add $A --role coordinator >/dev/null
"$MCASSESS" --db "$F/t.db" people add $B --role coordinator >/dev/null
chmod 0666 "$F/t.db"
as() { _u=$1; shift; RC=0; runuser -u "$_u" -- env HOME="$F" "$MCASSESS" --db "$F/t.db" "$@" >"$OUT" 2>"$ERR" </dev/null || RC=$?; }
as $A claim claim S-002
t_check "$A claims S-002 (exit $RC)" [ "$RC" -eq 0 ]
as $B claim claim S-002
t_check "$B is refused S-002 (exit $RC)" [ "$RC" -eq 1 ]
t_stderr_has "mcassess: S-002 is being scored by $A since"
# The command line is no back door: B's score, feedback and decision are refused
# while A holds the claim, and nothing is written.
before=$(sqlite3 "$F/t.db" "SELECT (SELECT count(*) FROM score), (SELECT count(*) FROM audit), (SELECT count(*) FROM feedback)")
as $B score S-002 O2 demonstrated
t_check "$B's score on $A's claimed S-002 is refused (exit $RC)" [ "$RC" -eq 1 ]
t_stderr_has "mcassess: S-002 is being scored by $A since"
echo "Well done." >"$T/fb"
RC=0; runuser -u $B -- env HOME="$F" "$MCASSESS" --db "$F/t.db" feedback S-002 - <"$T/fb" >"$OUT" 2>"$ERR" || RC=$?
t_check "$B's feedback on $A's claimed S-002 is refused (exit $RC)" [ "$RC" -eq 1 ]
as $B decide S-002 resubmit
t_check "$B's decision on $A's claimed S-002 is refused (exit $RC)" [ "$RC" -eq 1 ]
t_check "nothing was written by $B" \
	[ "$(sqlite3 "$F/t.db" "SELECT (SELECT count(*) FROM score), (SELECT count(*) FROM audit), (SELECT count(*) FROM feedback)")" = "$before" ]
as $A score S-002 O2 demonstrated
t_check "$A, who holds the claim, scores S-002 (exit $RC)" [ "$RC" -eq 0 ]
as $B claim release S-002
t_stderr_has "S-002 is claimed by $A, not by you ($B)"
# After the idle expiry anyone may take it over.
sqlite3 "$F/t.db" "UPDATE claim SET seen_at = '2020-01-01T00:00:00Z'"
as $B claim claim S-002
t_check "$B takes over $A's idle claim (exit $RC)" [ "$RC" -eq 0 ]
as $B claim release S-002
# Taking over a live claim: refused to a coordinator, done in one step by an admin.
as $A claim claim S-002
sqlite3 "$F/t.db" ".dump" >"$T/before.dump"
as $B claim take S-002
t_check "$B (a coordinator) may not take $A's live claim (exit $RC)" [ "$RC" -eq 1 ]
t_stderr_has "S-002 is claimed by $A, not by you ($B); only they or an admin can release it"
sqlite3 "$F/t.db" ".dump" >"$T/after.dump"
t_check "the refused take changed nothing" cmp -s "$T/before.dump" "$T/after.dump"
RC=0; "$MCASSESS" --db "$F/t.db" claim take S-002 >"$OUT" 2>"$ERR" || RC=$?
t_check "an admin takes $A's live claim (exit $RC)" [ "$RC" -eq 0 ]
t_stdout_has "took S-002: the other claim was released"
t_check "the claim is the admin's now" \
	[ "$(sqlite3 "$F/t.db" "SELECT k.user FROM claim k JOIN submission s ON s.id = k.submission_id WHERE s.ext_id = 'S-002'")" = "$ME" ]
t_check "the take is on record as a release by the admin, then a claim" \
	[ "$(sqlite3 "$F/t.db" "SELECT group_concat(action || ':' || coalesce(json_extract(after, '$.released_by'), json_extract(after, '$.user')), ' ') FROM (SELECT action, after FROM audit WHERE subject = 'submission:S-002' AND action IN ('claim', 'release') ORDER BY seq DESC LIMIT 2 ) ")" = "claim:$ME release:$ME" ]
RC=0; "$MCASSESS" --db "$F/t.db" claim take S-002 >"$OUT" 2>"$ERR" || RC=$?
t_check "taking a claim you hold is refused (exit $RC)" [ "$RC" -eq 1 ]
t_stderr_has "you hold S-002 already"
"$MCASSESS" --db "$F/t.db" claim release S-002 >/dev/null

# The workstation: A opens S-003 in one tmux window; B, in another, sees it held.
if ! command -v tmux >/dev/null 2>&1; then
	for i in $(seq 11); do t_ok "two assessors in tmux # SKIP tmux is not installed"; done
	done_testing
	exit 0
fi
tm() { tmux -u -S "$F/tmux.sock" -f /dev/null "$@"; }
for u in $A $B; do
	cat >"$F/run-$u.sh" <<RUN
#!/bin/sh
export LC_ALL=C.UTF-8 HOME="$F" XDG_CONFIG_HOME="$F/cfg-$u" TERM=screen
exec runuser -u $u -- env LC_ALL=C.UTF-8 HOME="$F" XDG_CONFIG_HOME="$F/cfg-$u" TERM=screen "$MCASSESS" --db "$F/t.db" tui
RUN
	chmod +x "$F/run-$u.sh"
done
pane_shows() { # WINDOW TEXT: poll for up to 5 s
	_i=0
	while [ $_i -lt 50 ]; do
		tm capture-pane -p -t "$1" >"$T/pane" 2>/dev/null
		grep -qF -- "$2" "$T/pane" && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}
check_pane() { if pane_shows "$1" "$2"; then t_ok "$3"; else t_fail "$3"; t_diag "$T/pane"; fi; }
tm new-session -d -s a -x 100 -y 30 "$F/run-$A.sh"
check_pane a "mcassess · queue" "$A's workstation starts"
tm send-keys -t a j Enter
check_pane a "S-003 · TUI-DEMO" "$A opens S-003"
t_check "S-003 is claimed by $A" [ "$(sqlite3 "$F/t.db" "SELECT k.user FROM claim k JOIN submission s ON s.id = k.submission_id WHERE s.ext_id = 'S-003'")" = $A ]
tm new-session -d -s b -x 100 -y 30 "$F/run-$B.sh"
check_pane b "Teacher 03 [$A]" "$B's queue shows who holds S-003"
tm send-keys -t b j Enter
check_pane b "S-003 is being scored by $A since" "$B opening S-003 is told who holds it"
tm send-keys -t b Tab 2
sleep 0.5
t_check "$B's digit scored nothing on S-003" \
	[ "$(sqlite3 "$F/t.db" "SELECT count(*) FROM score s JOIN submission u ON u.id = s.submission_id WHERE u.ext_id = 'S-003'")" = 0 ]
# An admin (the database's maker) opens S-003 read-only, then takes it with T.
cat >"$F/run-admin.sh" <<RUN
#!/bin/sh
exec env LC_ALL=C.UTF-8 HOME="$F" XDG_CONFIG_HOME="$F/cfg-admin" TERM=screen "$MCASSESS" --db "$F/t.db" tui
RUN
chmod +x "$F/run-admin.sh"
tm new-session -d -s c -x 100 -y 30 "$F/run-admin.sh"
check_pane c "mcassess · queue" "the admin's workstation starts"
tm send-keys -t c j Enter
check_pane c "S-003 is being scored by $A since" "the admin opening S-003 is told who holds it"
tm send-keys -t c T
check_pane c "S-003 is yours now" "T takes the claim over"
t_check "S-003 is claimed by the admin now" [ "$(sqlite3 "$F/t.db" "SELECT k.user FROM claim k JOIN submission s ON s.id = k.submission_id WHERE s.ext_id = 'S-003'")" = "$ME" ]
tm send-keys -t c q
sleep 0.5
tm send-keys -t a q
sleep 0.5
t_check "leaving S-003 released every claim on it" \
	[ "$(sqlite3 "$F/t.db" "SELECT count(*) FROM claim k JOIN submission s ON s.id = k.submission_id WHERE s.ext_id = 'S-003'")" = 0 ]
tm kill-server >/dev/null 2>&1
done_testing
