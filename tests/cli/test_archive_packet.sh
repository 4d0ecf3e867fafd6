#!/bin/sh
# test_archive_packet.sh: an archive pull is one more side for the merge
# engine packets use, with real OS accounts (as root, else skipped). A review
# packet and a laptop's archive both score HX-101, made from the same state of
# the server; the server takes them in either order and ends the same: one
# conflict on HX-101 with the packet and the pull as sides, the server's own
# records (none) held while it is open, check clean. `packet list` shows the
# pull as a pull; the conflict is resolved for the pull as a packet's is.
. "$TOP_SRCDIR/tests/cli/lib.sh"
U=mcfma C=mcfmc
if ! t_accounts $U $C; then
	t_ok "an archive pull and a packet in either order # SKIP not root (useradd, runuser)"
	done_testing
	exit 0
fi
DB=$F/server.db
t_archive_db
mc people add $U --role assessor --district Northfield
mc people add $C --role coordinator --district Northfield
mc assign HX-101 $U
mc archive push "$F/state.git"
[ "$RC" -eq 0 ] || { echo "Bail out! push failed: $(cat "$ERR")"; exit 1; }

copy() { t_copy_archived "$@"; }
on() { t_on "$@"; }

# the packet, taken to a laptop and scored there
on "$DB" $C packet export --district Northfield --assessor $U --out "$F/a.pk"
t_check "the coordinator exports a packet" test "$RC" -eq 0
on "$F/a.pk" $U score HX-101 O1 demonstrated --comment "Scored in the packet."
t_check "the packet is scored" test "$RC" -eq 0

# the archive laptop, a copy of the server made at the same time, scores the same read
L=$F/laptop.db
t_archive_laptop "$DB" "$F/state.git" "$L"
on "$L" $U score HX-101 O1 not_met --comment "Scored on the laptop."
t_check "the laptop scores the same read" test "$RC" -eq 0
"$MCASSESS" --db "$L" archive push "$F/state.git" >"$OUT" 2>&1
t_check "the laptop pushes" test $? -eq 0

copy "$DB" "$F/first-packet.db"
copy "$DB" "$F/first-pull.db"
on "$F/first-packet.db" $C packet import "$F/a.pk"
t_check "packet first: the packet is merged alone" test "$RC" -eq 0
on "$F/first-packet.db" root archive pull "$F/state.git"
t_check "then the pull" test "$RC" -eq 0
on "$F/first-pull.db" root archive pull "$F/state.git"
t_check "pull first: the pull is merged alone" test "$RC" -eq 0
t_check "its score is taken meanwhile" test "$(sqlite3 "$F/first-pull.db" "SELECT comment FROM score")" = \
	"Scored on the laptop."
on "$F/first-pull.db" $C packet import "$F/a.pk"
t_check "then the packet" test "$RC" -eq 0
t_stdout_has "1 conflict"

# what the merges decided, whatever the order
decided() {
	sqlite3 "$1" "SELECT 'conflict', substr(packet_id, 1, 8), submission, state, records FROM packet_conflict
		UNION ALL SELECT 'merged', packet_id, submission, '', '' FROM packet_merged
		UNION ALL SELECT 'score', uid, comment, '', '' FROM score
		UNION ALL SELECT 'status', ext_id, status, '', '' FROM submission
		UNION ALL SELECT 'event', a.uid, a.action, a.actor, a.at FROM audit a JOIN packet_audit p
			ON p.audit_uid = a.uid AND p.packet_hash <> '' AND a.action = 'score'
		ORDER BY 1, 2, 3"
}
t_check "a pull and a packet merged in either order give the same decisions" test \
	"$(decided "$F/first-packet.db")" = "$(decided "$F/first-pull.db")"
for d in first-packet first-pull; do
	t_check "$d: HX-101 is one conflict, the packet and the pull its sides" test \
		"$(sqlite3 "$F/$d.db" "SELECT group_concat(substr(packet_id, 1, 8), ' ') FROM (SELECT packet_id FROM
			packet_conflict WHERE submission = 'HX-101' AND state = 'open' ORDER BY packet_id LIKE 'archive:%')")" = \
		"$(sqlite3 "$F/a.pk" "SELECT substr(value, 1, 8) FROM meta WHERE key = 'packet_id'") archive:"
	t_check "$d: while it is open, HX-101 holds the server's own records (none)" test \
		"$(sqlite3 "$F/$d.db" "SELECT count(*) FROM score")" = 0
	t_check "$d: both scores are in the log, under the laptops' authors" test \
		"$(sqlite3 "$F/$d.db" "SELECT count(DISTINCT uid) FROM audit WHERE action = 'score' AND actor = '$U'")" = 2
	"$MCASSESS" --db "$F/$d.db" check >"$OUT" 2>&1
	_rc=$?; [ "$_rc" -eq 0 ] || t_diag "$OUT"
	t_check "$d: check is clean with the conflict open" test "$_rc" -eq 0
done

# the pull in packet list, as a pull
DB=$F/first-pull.db
t_run 0 packet list
t_stdout_has "archive:"
t_stdout_has "an archive pull: its commit by "
t_stdout_has "pulled, conflicts open: by root at"
t_stdout_has "Northfield  exported by $C at"
t_run 0 packet list --format tsv
t_check "the pull is listed with its district '(archive)' and state 'pulled, conflicts open'" test \
	"$(grep '^archive:' "$OUT" | cut -f2,7)" = "(archive)	pulled, conflicts open"
t_run 0 packet conflicts
t_stdout_has "HX-101  from archive:"
# kept for the pull, as for a packet
pull=$(sqlite3 "$DB" "SELECT packet_id FROM packet_conflict WHERE packet_id LIKE 'archive:%'")
t_run 0 packet resolve "$pull/HX-101" --keep packet
t_check "the laptop's score is kept" test "$(sql "SELECT comment FROM score")" = "Scored on the laptop."
t_run 0 packet conflicts --all
t_stdout_has "resolved: another packet's kept"
t_run 0 check
t_stdout_has "all good"
t_run 0 packet list --format tsv
t_check "the pull is 'pulled' once its conflict is resolved" test "$(grep '^archive:' "$OUT" | cut -f7)" = pulled
done_testing
