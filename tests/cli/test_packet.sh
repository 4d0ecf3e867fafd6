#!/bin/sh
# test_packet.sh: a whole offline review session with real OS accounts (as
# root, else skipped): mcpkc, the Riverside coordinator, exports packets for
# mcpka, mcpkb (who scores PK-3 blind) and mcpkd; each scores a copy as
# themselves; the packets come back in every order to the same database;
# conflicts are listed and resolved; check stays clean; every kind of tampering
# is refused with the server unchanged; kill -9 during an import leaves the
# server as it was.
. "$TOP_SRCDIR/tests/cli/lib.sh"
if [ "$(id -u)" -ne 0 ] || ! command -v useradd >/dev/null 2>&1 || ! command -v runuser >/dev/null 2>&1; then
	t_ok "an offline review session # SKIP not root (useradd, runuser)"
	done_testing
	exit 0
fi
A=mcpka B=mcpkb D=mcpkd C=mcpkc X=mcpkx
for u in $A $B $D $C $X; do id "$u" >/dev/null 2>&1 || useradd -M -N "$u" 2>/dev/null || useradd -M "$u"; done
t_packet_server packet
for u in $A $B $D; do mc people add $u --role assessor --district Riverside; done
mc people add $C --role coordinator --district Riverside
mc assign PK-1 PK-2 PK-4 $A; mc assign PK-3 $B --blind; mc assign PK-5 $D
ARCHIVE=0
if "$MCASSESS" --db "$DB" archive init >"$T/ai.out" 2>&1; then ARCHIVE=1; fi
chmod -R a+rwX "$F"

# as USER STATUS DB ARGS...: mcassess as USER on DB (lib.sh's t_as; the
# archive's objects root wrote meanwhile stay writable).
as() { t_as "$@"; }
# check_clean MESSAGE: mcassess check finds nothing on the server.
check_clean() {
	mc check
	t_check "$1" [ "$RC" -eq 0 ]
	[ "$RC" -eq 0 ] || t_diag "$OUT"
}
# What merging decides, without the positions a merge order gives (seq, rowids, hashes).
logical() {
	sqlite3 "$1" "SELECT 'score', uid, submission_id, criterion_id, level_id, assessor, read, comment, at FROM score
		UNION ALL SELECT 'feedback', uid, submission_id, read, author, body, at, '', '' FROM feedback
		UNION ALL SELECT 'decision', uid, submission_id, outcome, decided_by, reason, at, '', '' FROM decision
		UNION ALL SELECT 'status', ext_id, status, '', '', '', '', '', '' FROM submission
		UNION ALL SELECT 'audit', uid, at, actor, action, subject, ifnull(before, ''), ifnull(after, ''), ''
			FROM audit WHERE uid NOT IN (SELECT audit_uid FROM packet_audit WHERE packet_hash = '')
		UNION ALL SELECT 'conflict', packet_id, submission, state, server, packet, records, events, '' FROM packet_conflict
		UNION ALL SELECT 'merged', packet_id, submission, base_seq, before, packet, records, events, '' FROM packet_merged
		UNION ALL SELECT 'from packet', audit_uid, packet_id, packet_hash, '', '', '', '', '' FROM packet_audit
		UNION ALL SELECT 'restated', a.uid, a.actor, a.action, a.subject, ifnull(a.before, ''), ifnull(a.after, ''),
			'(at: the import''s time)', '' FROM audit a JOIN packet_audit p ON p.audit_uid = a.uid AND p.packet_hash = ''
		ORDER BY 1, 2, 3"
}

# ---------------------------------------------------------------- export
snap_server() { _srv=$(sqlite3 "$DB" .dump | sha256sum); }
snap_server
as $C 0 "$DB" packet export --district Riverside --assessor $A --out "$F/a.pk"
t_stdout_has "2 submissions"
as $C 0 "$DB" packet export --district Riverside --assessor $B --out "$F/b.pk"
as $C 0 "$DB" packet export --district Riverside --assessor $D --out "$F/d.pk"
# The same work taken away twice (a second copy for mcpka, before any came back).
as $C 0 "$DB" packet export --district Riverside --assessor $A --out "$F/a2.pk"
# And a third time: the copy a second laptop scores differently (o: overlapping).
as $C 0 "$DB" packet export --district Riverside --assessor $A --out "$F/o.pk"
# Export only notes the packet it took away (packet list); nothing else changes.
# (Before packet list, export left the server's dump identical.)
t_check "export leaves the server as it was but for its note" \
	[ "$(sqlite3 "$DB" .dump | grep -v '^INSERT INTO packet_export' | sha256sum)" = "$_srv" ]
t_check "each export is noted" [ "$(sql "SELECT count(*) FROM packet_export")" = 5 ]
# A district that is none is said so with the known ones, not taken for one with no work.
as $C 2 "$DB" packet export --district Rivreside --assessor $A --out "$F/typo.pk"
t_check "a mistyped district is named, with the districts there are" \
	grep -q "no district 'Rivreside' (did you mean 'Riverside'?)" "$ERR"
t_check "and no packet is written, nor noted" sh -c "[ ! -e '$F/typo.pk' ] && [ \"\$(sqlite3 '$DB' 'SELECT count(*) FROM packet_export')\" = 5 ]"
t_check "a packet holds only its district's work" [ "$(sqlite3 "$F/a.pk" "SELECT group_concat(ext_id) FROM submission")" = "PK-1,PK-2" ]
t_check "no other district in the packet" [ "$(sqlite3 "$F/a.pk" "SELECT count(*) FROM educator WHERE name LIKE 'Dov%'")" = 0 ]
t_check "the evidence files travel inside" [ "$(sqlite3 "$F/a.pk" "SELECT count(*) FROM packet_blob")" = 2 ]
t_check "a blind educator's name is not in the packet, nor in its evidence" sh -c "! grep -a -q -e 'Marchetti' -e 'cleo.m@' -e 'E-PK3' '$F/b.pk'"
mc show PK-3
t_stdout_has "wrote Cleo Marchetti"
as $C 3 "$DB" packet export --district Riverside --assessor $A --out "$F/a.pk"
t_stderr_has "already exists"
as $C 3 "$DB" packet export --district Riverside --assessor nobody1 --out "$F/n.pk"
t_stderr_has "--assessor nobody1: not one of the people here"
as $A 1 "$DB" packet export --district Riverside --out "$F/n.pk"
t_check "a refused export leaves no file" [ ! -e "$F/n.pk" ]
t_check "nor a note" [ "$(sql "SELECT count(*) FROM packet_export")" = 5 ]

# ---------------------------------------------------------------- on the laptops
for p in a b d; do cp "$F/$p.pk" "$F/l$p.pk"; chmod 0666 "$F/l$p.pk"; done
as $B 1 "$F/la.pk" queue
t_stderr_has "your account $B has no place in it"
as $X 1 "$F/la.pk" queue
t_stderr_has "--assessor $X"
as $A 0 "$F/la.pk" queue
t_stdout_has "Ada Quill"
for c in O1 O2 A1 A2 A3 A4 A5 R1 R2; do
	runuser -u $A -- "$MCASSESS" --db "$F/la.pk" score PK-1 $c demonstrated >/dev/null 2>&1 || t_fail "score PK-1 $c"
done
as $A 0 "$F/la.pk" feedback PK-1 "Clear sequence of questions, from recall to analysis."
as $A 0 "$F/la.pk" decide PK-1 earned
as $A 0 "$F/la.pk" score PK-2 O1 progressing --comment "Say why the questions climb."
as $B 0 "$F/lb.pk" queue
t_stdout_lacks "Cleo"
as $B 0 "$F/lb.pk" show PK-3
t_stdout_lacks "Marchetti"
t_stdout_lacks "cleo.m@"
as $B 0 "$F/lb.pk" search analysis
t_stdout_lacks "Marchetti"
for c in O1 O2 A1 A2 A3 A4 A5 R1 R2; do
	runuser -u $B -- "$MCASSESS" --db "$F/lb.pk" score PK-3 $c not_met >/dev/null 2>&1 || t_fail "score PK-3 $c"
done
as $B 0 "$F/lb.pk" feedback PK-3 "Add questions that ask for analysis."
as $B 0 "$F/lb.pk" decide PK-3 resubmit
as $D 0 "$F/ld.pk" score PK-5 O1 demonstrated
# The overlapping laptop scores PK-2's read otherwise, and only scores PK-1
# (which the first laptop decided).
cp "$F/o.pk" "$F/lo.pk"; chmod 0666 "$F/lo.pk"
as $A 0 "$F/lo.pk" score PK-2 O1 demonstrated --comment "The questions climb."
as $A 0 "$F/lo.pk" score PK-1 O1 not_met
as $A 0 "$F/la.pk" check
as $B 0 "$F/lb.pk" check
as $A 0 "$F/la.pk" packet status "$F/la.pk"
t_stdout_has "scored       2"

# ---------------------------------------------------------------- back home, in every order
# Copies of the server, without its archive (the server's own stays its own).
copy_db() { cp "$DB" "$1"; rm -f "$1-wal" "$1-shm"; rm -rf "$1.evidence"; cp -r "$DB.evidence" "$1.evidence"; chmod 0666 "$1"; sqlite3 "$1" "DELETE FROM meta WHERE key LIKE 'archive%'"; }
copy_db "$F/base.db"
for order in "a b d" "a d b" "b a d" "b d a" "d a b" "d b a"; do
	cp "$F/base.db" "$F/o.db"; chmod 0666 "$F/o.db"
	for p in $order; do
		runuser -u $C -- "$MCASSESS" --db "$F/o.db" packet import "$F/l$p.pk" >/dev/null 2>"$ERR" || t_fail "import $p ($order)"
	done
	logical "$F/o.db" >"$F/order-$(echo $order | tr -d ' ')"
done
same=1
for f in "$F"/order-*; do cmp -s "$F/order-abd" "$f" || same=0; done
t_check "three packets merged in all six orders give the same database" [ "$same" = 1 ]
t_check "and the merge took the laptops' work" grep -q "mcpkb" "$F/order-abd"

# Overlapping packets: la and lo both changed PK-1 and PK-2. In every order
# the same conflicts (each with both packets as sides), the same records (the
# server's own, as exported, for PK-1 and PK-2; ld's PK-5), the same log.
for order in "a o d" "a d o" "o a d" "o d a" "d a o" "d o a"; do
	cp "$F/base.db" "$F/o.db"; chmod 0666 "$F/o.db"; rm -rf "$F/o.db.evidence"; cp -r "$F/base.db.evidence" "$F/o.db.evidence"
	for p in $order; do
		runuser -u $C -- "$MCASSESS" --db "$F/o.db" packet import "$F/l$p.pk" >/dev/null 2>"$ERR" || t_fail "import $p ($order)"
	done
	logical "$F/o.db" >"$F/overlap-$(echo $order | tr -d ' ')"
	"$MCASSESS" --db "$F/o.db" check >"$OUT" 2>&1 || { t_fail "check after $order"; t_diag "$OUT"; }
done
same=1
for f in "$F"/overlap-*; do cmp -s "$F/overlap-aod" "$f" || { same=0; diff "$F/overlap-aod" "$f" | head -20 | sed 's/^/# /'; }; done
t_check "overlapping packets merged in all six orders give the same database" [ "$same" = 1 ]
t_check "PK-1 and PK-2 are each one conflict with both packets as sides" \
	[ "$(sqlite3 "$F/o.db" "SELECT group_concat(submission || ':' || n) FROM (SELECT submission, count(*) n FROM packet_conflict WHERE state = 'open' GROUP BY submission ORDER BY submission)")" = "PK-1:2,PK-2:2" ]
t_check "while open, PK-1 and PK-2 hold the server's own records (none)" \
	[ "$(sqlite3 "$F/o.db" "SELECT count(*) FROM score JOIN submission s ON s.id = score.submission_id WHERE s.ext_id IN ('PK-1', 'PK-2')")" = 0 ]
t_check "and the packet no one else touched is merged" \
	[ "$(sqlite3 "$F/o.db" "SELECT count(*) FROM score JOIN submission s ON s.id = score.submission_id WHERE s.ext_id = 'PK-5' AND assessor = '$D'")" = 1 ]
t_check "the conflict keeps each side's records: the decision and both levels" \
	sh -c "sqlite3 '$F/o.db' \"SELECT records FROM packet_conflict WHERE submission = 'PK-1'\" | grep -q earned &&
		sqlite3 '$F/o.db' \"SELECT records FROM packet_conflict WHERE submission = 'PK-2'\" | grep -q 'The questions climb'"

sleep 1 # a second later than the laptops' feedback, to the second the index marks
mc feedback PK-4 "Hilltop feedback, written on the server after the laptops'."
mc search questions # the server's search index is now past the laptop's feedback
lat=$(sqlite3 "$F/la.pk" "SELECT at FROM feedback WHERE body LIKE 'Clear sequence%'")
mark=$(sql "SELECT value FROM meta WHERE key = 'search.feedback_at'")
t_check "the search index's mark ($mark) is past the laptop's feedback ($lat)" \
	awk -v a="$mark" -v b="$lat" 'BEGIN { exit !(a > b) }'
as $C 0 "$DB" packet import "$F/la.pk"
t_stdout_has "merged 2 submissions"
mc search "recall to analysis"
t_stdout_has "PK-1"
snap_server
as $C 0 "$DB" packet import "$F/la.pk"
t_stdout_has "nothing new"
t_check "importing the same packet twice changes nothing" [ "$(sqlite3 "$DB" .dump | sha256sum)" = "$_srv" ]
t_check "the scores are under the laptop's author" [ "$(sql "SELECT count(*) FROM score WHERE assessor = '$A'")" = 10 ]
t_check "the audit rows keep the laptop's author and time" \
	[ "$(sql "SELECT count(*) FROM audit a JOIN packet_audit p ON p.audit_uid = a.uid WHERE a.actor = '$A' AND a.action = 'score'")" = 10 ]
mc show PK-1 --format json
t_stdout_has '"status": "earned"'

# ---------------------------------------------------------------- conflicts
# PK-3 decided on the server meanwhile; mcpkb's packet decided it too.
mc assign PK-3 root
for c in O1 O2 A1 A2 A3 A4 A5 R1 R2; do mc score PK-3 $c demonstrated; done
mc decide PK-3 earned
t_check "the server decided PK-3 meanwhile" [ "$RC" -eq 0 ]
as $C 0 "$DB" packet import "$F/lb.pk"
t_stdout_has "1 conflict"
as $C 0 "$DB" packet conflicts
t_stdout_has "PK-3"
t_stdout_has "decide by root"
t_stdout_has "decide by $B"
# The coordinator's screen: the packets merged and the conflict open.
mkdir -p "$F/dumps"; chmod 0777 "$F/dumps"
printf '# size 80x24\nO\n:dump packets\nq\nq\n' >"$F/packets.keys"
runuser -u $C -- env HOME="$F" TERM=xterm NO_COLOR=1 MCASSESS_TUI_SCRIPT="$F/packets.keys" MCASSESS_TUI_SIZE=80x24 \
	MCASSESS_TUI_DUMP_DIR="$F/dumps" "$MCASSESS" --db "$DB" tui >"$OUT" 2>"$ERR" </dev/null
cp "$F/dumps/packets" "$OUT" 2>/dev/null || : >"$OUT"
t_stdout_has "review packets · 2 merged, 1 conflict open"
t_stdout_has "PK-3 (packet"
t_stdout_has "in the packet: score by $B"
t_stdout_has "1 open, 0 resolved"
check_clean "check is clean with a conflict open"
as $C 3 "$DB" packet resolve PK-9 --keep server
t_stderr_has "no open conflict on 'PK-9'"
as $C 0 "$DB" packet resolve PK-3 --keep packet
mc show PK-3 --format json
t_stdout_has '"status": "resubmit"'
as $C 0 "$DB" packet conflicts
t_stdout_has "no open conflicts"
check_clean "check is clean once resolved"
as $C 0 "$DB" packet status "$F/lb.pk"
t_stdout_has "conflicts    0 open, 1 resolved"
if [ "$ARCHIVE" = 1 ]; then
	mc archive log PK-1
	t_stdout_has "$A"
fi

# ---------------------------------------------------------------- tampering in transit
tamper() { # NAME SQL: a copy of ld.pk changed by SQL behind mcassess's back
	cp "$F/ld.pk" "$F/$1.pk"; chmod 0666 "$F/$1.pk"
	sqlite3 "$F/$1.pk" "$2"
}
tamper edited "UPDATE score SET level_id = (SELECT l.id FROM level l WHERE l.criterion_id = score.criterion_id AND l.code = 'not_met')"
tamper deleted "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 2;
	CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
tamper file "UPDATE packet_blob SET data = CAST('forged' AS BLOB)"
tamper text "UPDATE evidence SET text = 'forged', sha256 = 'x' WHERE kind = 'text' AND seq = 1"
snap_server
for p in edited deleted file text; do
	as $C 3 "$DB" packet import "$F/$p.pk"
	t_stderr_is_message
done
t_stderr_has "refused"
as $C 3 "$DB" packet import "$F/edited.pk"
t_stderr_has "PK-5"
as $C 3 "$DB" packet import "$F/file.pk"
t_stderr_has "evidence file"
# A packet from another database: the same data, another server.
O=$F/other.db
"$MCASSESS" --db "$O" init >/dev/null 2>&1
"$MCASSESS" --db "$O" import "$FX/subs.csv" --evidence "$FX/evidence" >/dev/null 2>&1
"$MCASSESS" --db "$O" assign PK-5 $D >/dev/null 2>&1
"$MCASSESS" --db "$O" people add $D --role assessor --district Riverside >/dev/null 2>&1
"$MCASSESS" --db "$O" assign PK-5 $D >/dev/null 2>&1
"$MCASSESS" --db "$O" packet export --district Riverside --out "$F/other.pk" >/dev/null 2>&1
as $C 3 "$DB" packet import "$F/other.pk"
t_stderr_has "exported from another database"
as $C 3 "$DB" packet import "$F/nonesuch.pk"
t_stderr_has "nonesuch.pk: cannot be read"
t_check "tampered packets left the server unchanged" [ "$(sqlite3 "$DB" .dump | sha256sum)" = "$_srv" ]

# ---------------------------------------------------------------- kill -9 during an import
# Either nothing of the packet is in, or all of it: never a part, and check clean.
# (as root, an admin here: runuser would stand between the kill and mcassess)
copy_db "$F/k0.db"
before=$(logical "$F/k0.db" | sha256sum)
cp "$F/k0.db" "$F/k1.db"
"$MCASSESS" --db "$F/k1.db" packet import "$F/ld.pk" >/dev/null 2>&1
after=$(logical "$F/k1.db" | sha256sum)
partial=0
for delay in 0.005 0.01 0.02 0.03 0.05 0.08; do
	rm -rf "$F/k.db" "$F/k.db-wal" "$F/k.db-shm" "$F/k.db.evidence"
	cp "$F/k0.db" "$F/k.db"; cp -r "$F/k0.db.evidence" "$F/k.db.evidence"
	"$MCASSESS" --db "$F/k.db" packet import "$F/ld.pk" >/dev/null 2>&1 &
	pid=$!
	sleep $delay
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	now=$(logical "$F/k.db" | sha256sum)
	[ "$now" = "$before" ] || [ "$now" = "$after" ] || { partial=1; echo "# partial after $delay s"; }
	"$MCASSESS" --db "$F/k.db" check >"$OUT" 2>&1 || { partial=1; t_diag "$OUT"; }
done
t_check "the import changes the database (so the kills are of real work)" [ "$before" != "$after" ]
t_check "kill -9 during an import leaves all or nothing, and check clean" [ "$partial" = 0 ]

# ---------------------------------------------------------------- keeping the packet's work over the server's
# The server scored another criterion of PK-5 and wrote feedback meanwhile; the
# packet's work replaces it, and the log says those records were removed.
mc assign PK-5 root
mc score PK-5 O2 not_met
mc feedback PK-5 "Written on the server."
as $C 0 "$DB" packet import "$F/ld.pk"
t_stdout_has "1 conflict"
as $C 0 "$DB" packet resolve PK-5 --keep packet
mc show PK-5 --format json
t_stdout_lacks "Written on the server."
t_stdout_lacks '"not_met"'
t_stdout_has '"assessor": "mcpkd"'
check_clean "check is clean after the packet's work replaced the server's"

# ---------------------------------------------------------------- a packet exported twice
# Its twin came home first: the same submission scored in both is one conflict
# with both twins as its sides (whichever came first), and until it is
# resolved PK-2 holds the server's own records, as before either came home.
# (Until issue 12's any-order merge, the twin that came first stayed merged.)
cp "$F/a2.pk" "$F/la2.pk"; chmod 0666 "$F/la2.pk"
as $A 0 "$F/la2.pk" score PK-2 O1 demonstrated
as $C 0 "$DB" packet import "$F/la2.pk"
t_stdout_has "1 conflict"
as $C 0 "$DB" packet conflicts
t_check "both twins are sides of PK-2's conflict" [ "$(grep -c '^PK-2  packet' "$OUT")" = 2 ]
t_stdout_has "on the server: nothing since the packet was made; another packet changed it"
mc show PK-2 --format json
t_stdout_lacks '"level": "progressing"'
t_stdout_lacks '"level": "demonstrated"'
t_stdout_has '"status": "queued"'
check_clean "check is clean with the twins' conflict open"
# packet list: every packet taken away from here and what came of it.
pid() { sqlite3 "$1" "SELECT value FROM meta WHERE key = 'packet_id'"; }
as $C 0 "$DB" packet list --format tsv
t_check "packet list: one line a packet exported" [ "$(wc -l <"$OUT")" = 5 ]
t_check "the one still away is 'exported'" grep -q "^$(pid "$F/o.pk")	Riverside	$C	.*	\[\"$A\"\]	2	exported	" "$OUT"
t_check "the twin with its conflict is 'conflicts open'" grep -q "^$(pid "$F/la2.pk")	.*	conflicts open	$C	.*	1	0$" "$OUT"
t_check "a packet merged is 'imported', with its events" grep -q "^$(pid "$F/ld.pk")	.*	1	imported	$C	" "$OUT"
as $C 0 "$DB" packet list
t_stdout_has "$(pid "$F/o.pk")  Riverside  exported by $C at"
t_stdout_has "2 submissions for [\"$A\"]"
t_stdout_has "conflicts open: by $C at"
as $C 0 "$DB" packet list --format json
t_check "packet list --format json is a JSON array of 5" \
	[ "$(sqlite3 :memory: "SELECT json_array_length(readfile('$OUT'))")" = 5 ]
t_stdout_has '"state": "exported"'
t_stdout_has '"conflicts_open": 1'
as $C 2 "$DB" packet list --format xml
t_stderr_has "unknown format 'xml'"
as $A 1 "$DB" packet list
t_stderr_is_message
as $C 3 "$DB" packet resolve PK-2 --keep packet
t_stderr_has "name the one to keep as PACKET/PK-2"
twin=$(sqlite3 "$F/la2.pk" "SELECT value FROM meta WHERE key = 'packet_id'")
first=$(sqlite3 "$F/la.pk" "SELECT value FROM meta WHERE key = 'packet_id'")
# A packet's short name in the workstation: its id's last 8 characters.
short() { echo "$1" | sed 's/.*\(........\)$/\1/'; }
# The same settled in the workstation, on a copy: O, the conflict selected
# (j/k), Enter shows its sides side by side (at both sizes), Tab selects the
# twin's side, u asks, y keeps it; the result is packet resolve's.
copy_db "$F/w.db"
for size in 80x24 160x48; do
	printf '# size %s\nO\n:dump packets-%s\nj\nk\n<Enter>\n:dump sides-%s\n<Tab>\n:dump twin-%s\nu\n:dump ask-%s\nn\nq\nq\nq\n' \
		$size $size $size $size $size >"$F/sides-$size.keys"
	runuser -u $C -- env HOME="$F" TERM=xterm NO_COLOR=1 MCASSESS_TUI_SCRIPT="$F/sides-$size.keys" MCASSESS_TUI_SIZE=$size \
		MCASSESS_TUI_DUMP_DIR="$F/dumps" "$MCASSESS" --db "$F/w.db" tui >"$OUT" 2>"$ERR" </dev/null
	cp "$F/dumps/sides-$size" "$OUT" 2>/dev/null || : >"$OUT"
	t_stdout_has "conflict on PK-2 · 3 sides"
	t_stdout_has "> packet $(short "$first")"
	t_stdout_has "  server"
	t_stdout_has "  packet $(short "$twin")"
	t_stdout_has "status queued"
	t_stdout_has "O1 progressing · $A"
	cp "$F/dumps/twin-$size" "$OUT" 2>/dev/null || : >"$OUT"
	t_stdout_has "> packet $(short "$twin")"
	t_stdout_has "O1 demonstrated · $A"
	cp "$F/dumps/ask-$size" "$OUT" 2>/dev/null || : >"$OUT"
	t_stdout_has "Keep packet $(short "$twin") for PK-2 over the server's records? y keeps · n cancels"
done
t_check "a cancelled keep changes nothing" [ "$(sqlite3 "$F/w.db" "SELECT count(*) FROM packet_conflict WHERE state = 'open'")" = 2 ]
printf '# size 80x24\nO\n<Enter>\n<Tab>\nu\ny\n:dump kept\nq\nq\n' >"$F/keep.keys"
runuser -u $C -- env HOME="$F" TERM=xterm NO_COLOR=1 MCASSESS_TUI_SCRIPT="$F/keep.keys" MCASSESS_TUI_SIZE=80x24 \
	MCASSESS_TUI_DUMP_DIR="$F/dumps" "$MCASSESS" --db "$F/w.db" tui >"$OUT" 2>"$ERR" </dev/null
cp "$F/dumps/kept" "$OUT" 2>/dev/null || : >"$OUT"
t_stdout_has "PK-2: resolved, packet $(short "$twin")'s records kept"
t_stdout_has "No conflict is open."
as $C 0 "$DB" packet resolve "$twin/PK-2" --keep packet
mc show PK-2 --format json
t_stdout_has '"level": "demonstrated"'
as $C 0 "$DB" packet conflicts --all
t_stdout_has "resolved: another packet's kept"
check_clean "check is clean once the twins' conflict is resolved"
# What the workstation kept is what packet resolve kept, audited the same way.
settled() {
	sqlite3 "$1" "SELECT 'score', uid, level_id, assessor FROM score UNION ALL SELECT 'status', ext_id, status, '' FROM submission
		UNION ALL SELECT 'conflict', packet_id, submission, state || ' ' || resolved_by FROM packet_conflict
		UNION ALL SELECT 'audit', action, subject || ' ' || actor, count(*) FROM audit GROUP BY action, subject, actor
		ORDER BY 1, 2, 3"
}
t_check "the workstation's keep is packet resolve's (records, conflicts, audit rows)" [ "$(settled "$F/w.db")" = "$(settled "$DB")" ]
t_check "and the server's own check of the copy is clean" "$MCASSESS" --db "$F/w.db" check

# ---------------------------------------------------------------- blind scoring for everyone
mc config blind on
as $C 0 "$DB" packet export --district Riverside --assessor $A --out "$F/a3.pk"
t_check "with blind scoring on, no educator's name is in the packet" \
	sh -c "! grep -a -q -e 'Ada Quill' -e 'Bram Stoker' '$F/a3.pk'"
done_testing
