#!/bin/sh
# test_packet_reads.sh: read decisions and private notes made on a laptop come
# home with the packet (README "Review packets"), with real OS accounts (as
# root, else skipped): under two reads, mcpkna reads first and mcpknb second;
# mcpknc, the coordinator, exports and imports. The server's process moves as
# if the read had ended here; importing twice changes nothing; a read ended on
# both sides with different outcomes is a conflict, listed and resolved.
. "$TOP_SRCDIR/tests/cli/lib.sh"
if [ "$(id -u)" -ne 0 ] || ! command -v useradd >/dev/null 2>&1 || ! command -v runuser >/dev/null 2>&1; then
	t_ok "read decisions and notes in packets # SKIP not root (useradd, runuser)"
	done_testing
	exit 0
fi
A=mcpkna B=mcpknb C=mcpknc D=mcpknd
for u in $A $B $C $D; do id "$u" >/dev/null 2>&1 || useradd -M -N "$u" 2>/dev/null || useradd -M "$u"; done
t_packet_server pkreads
for u in $A $B; do mc people add $u --role assessor --district Riverside; done
mc people add $C --role coordinator --district Riverside
# outside the educators' district, reading neither: the adjudicator by the usual rule
mc people add $D --role assessor --district Hilltop
mc config reads 2
mc assign PK-1 PK-2 PK-5 $A # (one run a reader: under ASan each is 0.1 s)
mc assign PK-1 PK-2 PK-5 $B --read second
chmod -R a+rwX "$F"
as() { t_as "$@"; }
score_all() { # USER DB ID LEVEL
	for c in O1 O2 A1 A2 A3 A4 A5 R1 R2; do
		runuser -u "$1" -- "$MCASSESS" --db "$2" score "$3" $c "$4" >/dev/null 2>&1 || t_fail "score $3 $c as $1"
	done
}
state() { # DB: read decisions, notes, statuses, assignments (no rowids, no seqs)
	sqlite3 "$1" "SELECT 'read', s.ext_id, r.uid, r.read, r.assessor, r.outcome, r.at FROM read_decision r
			JOIN submission s ON s.id = r.submission_id
		UNION ALL SELECT 'note', s.ext_id, n.uid, n.author, ifnull(n.read, ''), n.body, n.at FROM note n
			JOIN submission s ON s.id = n.submission_id
		UNION ALL SELECT 'status', ext_id, status, '', '', '', '' FROM submission
		UNION ALL SELECT 'assigned', s.ext_id, a.read, a.assessor, '', '', '' FROM assignment a
			JOIN submission s ON s.id = a.submission_id
		ORDER BY 1, 2, 3"
}
cp_db() { cp "$1" "$2"; chmod 0666 "$2"; rm -rf "$2.evidence"; cp -r "$DB.evidence" "$2.evidence"; }
check_clean() {
	"$MCASSESS" --db "$1" check >"$OUT" 2>&1
	t_check "$2" [ $? -eq 0 ]
}

# ---------------------------------------------------------------- one read ended on a laptop
# The second read of PK-1 ends on the server; the first reader takes PK-1 away.
score_all $B "$DB" PK-1 demonstrated
as $B 0 "$DB" decide PK-1 earned
as $B 0 "$DB" note PK-1 "Second reader's own note."
# The second read of PK-2 ends on the server otherwise than the laptop's will.
score_all $B "$DB" PK-2 not_met
as $B 0 "$DB" feedback PK-2 "Add questions that ask for analysis."
as $B 0 "$DB" decide PK-2 resubmit
as $C 0 "$DB" packet export --district Riverside --assessor $A --out "$F/a.pk"
t_check "the packet carries the server's read decisions" \
	[ "$(sqlite3 "$F/a.pk" "SELECT group_concat(read || ':' || assessor) FROM read_decision")" = "second:$B,second:$B" ]
t_check "but no one else's notes" [ "$(sqlite3 "$F/a.pk" "SELECT count(*) FROM note")" = 0 ]
cp "$F/a.pk" "$F/la.pk"; chmod 0666 "$F/la.pk"
as $A 0 "$F/la.pk" show PK-1
t_stdout_lacks "Second reader's own note"
t_stdout_has "hidden until both reads end"
score_all $A "$F/la.pk" PK-1 demonstrated
as $A 0 "$F/la.pk" note PK-1 "Looked at the plan twice; the why-questions carry it."
as $A 0 "$F/la.pk" decide PK-1 earned
t_check "on the laptop both reads agree: awaiting approval" \
	[ "$(sqlite3 "$F/la.pk" "SELECT status FROM submission WHERE ext_id = 'PK-1'")" = awaiting_approval ]
# (the same outcome, but every criterion on the other side of passing: PK-2
# lacks evidence for one part, so it cannot be earned)
score_all $A "$F/la.pk" PK-2 demonstrated
as $A 0 "$F/la.pk" feedback PK-2 "Strong questions; send the student responses."
as $A 0 "$F/la.pk" decide PK-2 resubmit
t_check "on the laptop PK-2's reads disagree, and no one there may adjudicate" \
	[ "$(sqlite3 "$F/la.pk" "SELECT count(*) FROM assignment WHERE read = 'adjudication'")" = 0 ]
laptop_read=$(sqlite3 "$F/la.pk" "SELECT r.uid || '|' || r.at FROM read_decision r JOIN submission s ON s.id = r.submission_id WHERE s.ext_id = 'PK-1' AND r.read = 'first'")
laptop_note=$(sqlite3 "$F/la.pk" "SELECT uid || '|' || at FROM note WHERE author = '$A'")
cp "$DB" "$F/base.db"; chmod 0666 "$F/base.db"
as $C 0 "$DB" packet import "$F/la.pk"
t_check "the read decision came home under its author and time" \
	[ "$(sql "SELECT r.uid || '|' || r.at FROM read_decision r JOIN submission s ON s.id = r.submission_id
		WHERE s.ext_id = 'PK-1' AND r.read = 'first' AND r.assessor = '$A' AND r.outcome = 'earned'")" = "$laptop_read" ]
t_check "the note came home under its author and time" \
	[ "$(sql "SELECT uid || '|' || at FROM note WHERE author = '$A'")" = "$laptop_note" ]
t_check "the server's own note stays" [ "$(sql "SELECT count(*) FROM note WHERE author = '$B'")" = 1 ]
t_check "both reads ended and agree: awaiting approval on the server" \
	[ "$(sql "SELECT status FROM submission WHERE ext_id = 'PK-1'")" = awaiting_approval ]
t_check "the reads are in the server's log" \
	[ "$(sql "SELECT count(*) FROM audit WHERE action = 'read' AND actor = '$A'")" = 2 ]
t_check "PK-2's reads disagree: the server assigns the adjudication read by its usual rule" \
	[ "$(sql "SELECT a.assessor || ':' || s.status FROM assignment a JOIN submission s ON s.id = a.submission_id
		WHERE s.ext_id = 'PK-2' AND a.read = 'adjudication'")" = "$D:in_progress" ]
t_check "and says so in its log, as the importer" \
	[ "$(sql "SELECT actor || ':' || (after ->> '$.adjudicator') FROM audit WHERE action = 'adjudication' AND subject = 'submission:PK-2' AND actor = '$C'")" = "$C:$D" ]
check_clean "$DB" "check is clean after the import"
as $A 0 "$DB" note PK-1 --list
t_stdout_has "the why-questions carry it"
t_stdout_lacks "Second reader's own note"
before=$(state "$DB"; sqlite3 "$DB" "SELECT count(*) FROM audit")
as $C 0 "$DB" packet import "$F/la.pk"
t_check "importing twice changes nothing" [ "$(state "$DB"; sqlite3 "$DB" "SELECT count(*) FROM audit")" = "$before" ]
t_check "the note never reaches the teacher's feedback" \
	[ "$(sql "SELECT count(*) FROM feedback WHERE body LIKE '%why-questions%'")" = 0 ]

# ---------------------------------------------------------------- a note whose copy was changed
cp "$F/la.pk" "$F/bad.pk"; chmod 0666 "$F/bad.pk"
sqlite3 "$F/bad.pk" "UPDATE note SET body = 'rewritten' WHERE author = '$A'"
before=$(sqlite3 "$DB" .dump | sha256sum)
as $C 3 "$DB" packet import "$F/bad.pk"
t_stderr_has "the note by $A"
t_stderr_has "differs from the server's copy"
t_check "a refused import leaves the server as it was" [ "$(sqlite3 "$DB" .dump | sha256sum)" = "$before" ]

# ---------------------------------------------------------------- the same read ended on both sides
# From the server as it was before la came home: the first read of PK-1 ends
# there otherwise, then la comes home.
cp_db "$F/base.db" "$F/c.db"
score_all $A "$F/c.db" PK-1 not_met
as $A 0 "$F/c.db" feedback PK-1 "Add questions that ask for analysis."
as $A 0 "$F/c.db" decide PK-1 resubmit
as $C 0 "$F/c.db" packet import "$F/la.pk"
as $C 0 "$F/c.db" packet conflicts
t_stdout_has "PK-1"
t_stdout_has "read by $A"
t_check "the conflict keeps the laptop's read decision as its side" \
	[ "$(sqlite3 "$F/c.db" "SELECT records ->> '$.read_decision[0].outcome' FROM packet_conflict WHERE submission = 'PK-1'")" = earned ]
t_check "while open, the laptop's note is home all the same (notes are only added)" \
	[ "$(sqlite3 "$F/c.db" "SELECT uid || '|' || at FROM note WHERE author = '$A'")" = "$laptop_note" ]
t_check "while open, the server's own read decision stays" \
	[ "$(sqlite3 "$F/c.db" "SELECT outcome FROM read_decision WHERE read = 'first' AND submission_id = (SELECT id FROM submission WHERE ext_id = 'PK-1')")" = resubmit ]
as $C 0 "$F/c.db" packet resolve PK-1 --keep packet
t_check "resolved for the packet: the laptop's read decision, as it was made" \
	[ "$(sqlite3 "$F/c.db" "SELECT uid || '|' || at FROM read_decision WHERE read = 'first' AND outcome = 'earned' AND submission_id = (SELECT id FROM submission WHERE ext_id = 'PK-1')")" = "$laptop_read" ]
t_check "and the packet's status" \
	[ "$(sqlite3 "$F/c.db" "SELECT status FROM submission WHERE ext_id = 'PK-1'")" = awaiting_approval ]
check_clean "$F/c.db" "check is clean once resolved"
# ---------------------------------------------------------------- two laptops, one read each
# From the server before la came home: mcpkna and mcpknb each take PK-5 away
# and end their read on it. The reads join: in either order the server has
# both, agreeing, and PK-5 awaits approval; no conflict.
cp_db "$F/base.db" "$F/t.db"
as $C 0 "$F/t.db" packet export --district Riverside --assessor $A --out "$F/ta.pk"
as $C 0 "$F/t.db" packet export --district Riverside --assessor $B --out "$F/tb.pk"
for u in a b; do
	[ $u = a ] && who=$A || who=$B
	score_all $who "$F/t$u.pk" PK-5 not_met
	as $who 0 "$F/t$u.pk" feedback PK-5 "Add questions that ask for analysis ($who)."
	as $who 0 "$F/t$u.pk" note PK-5 "Kept for myself ($who)."
	as $who 0 "$F/t$u.pk" decide PK-5 resubmit
done
t_check "on each laptop PK-5 is still in progress (the other read has not ended there)" \
	[ "$(sqlite3 "$F/ta.pk" "SELECT status FROM submission WHERE ext_id = 'PK-5'"):$(sqlite3 "$F/tb.pk" "SELECT status FROM submission WHERE ext_id = 'PK-5'")" = in_progress:in_progress ]
for order in "a b" "b a"; do
	o=$(echo $order | tr -d ' ')
	cp_db "$F/t.db" "$F/t$o.db"
	for u in $order; do as $C 0 "$F/t$o.db" packet import "$F/t$u.pk"; done
	{ state "$F/t$o.db"; sqlite3 "$F/t$o.db" "SELECT s.ext_id, f.read, f.author, f.body FROM feedback f JOIN submission s
		ON s.id = f.submission_id ORDER BY 1, 2; SELECT s.ext_id, c.code, sc.read, sc.assessor, sc.uid FROM score sc JOIN submission s
		ON s.id = sc.submission_id JOIN criterion c ON c.id = sc.criterion_id ORDER BY 1, 2, 3;
		SELECT packet_id, submission, state FROM packet_conflict ORDER BY 1, 2"; } >"$F/two-$o"
	check_clean "$F/t$o.db" "check is clean after both laptops came home ($order)"
done
t_check "two laptops' reads of one submission merge in either order to the same database" cmp -s "$F/two-ab" "$F/two-ba"
cmp -s "$F/two-ab" "$F/two-ba" || diff "$F/two-ab" "$F/two-ba" | head -20 | sed 's/^/# /'
t_check "both reads ended, as on each laptop, agreeing: PK-5 awaits approval, no conflict" \
	[ "$(sqlite3 "$F/tab.db" "SELECT group_concat(r.read || ':' || r.assessor || ':' || r.outcome) || '|' || s.status || '|' ||
		(SELECT count(*) FROM packet_conflict) FROM read_decision r JOIN submission s ON s.id = r.submission_id
		WHERE s.ext_id = 'PK-5' ORDER BY r.read")" = "first:$A:resubmit,second:$B:resubmit|awaiting_approval|0" ]
t_check "each reader's scores, feedback and note came home" \
	[ "$(sqlite3 "$F/tab.db" "SELECT (SELECT count(*) FROM score WHERE submission_id = s.id) || ':' ||
		(SELECT count(*) FROM feedback WHERE submission_id = s.id) || ':' || (SELECT count(*) FROM note WHERE
		submission_id = s.id) FROM submission s WHERE ext_id = 'PK-5'")" = "18:2:2" ]
before=$(sqlite3 "$F/tab.db" .dump | sha256sum)
as $C 0 "$F/tab.db" packet import "$F/ta.pk"
as $C 0 "$F/tab.db" packet import "$F/tb.pk"
t_check "and importing either again changes nothing" \
	[ "$(sqlite3 "$F/tab.db" .dump | sha256sum)" = "$before" ]
# ---------------------------------------------------------------- one read ended twice, otherwise
# Two copies of mcpkna's work: PK-1's first read ends earned on one laptop,
# resubmit on the other. Not two reads: a conflict, both sides listed, in
# either order; resolved for one, its read decision is the server's.
as $C 0 "$F/t.db" packet export --district Riverside --assessor $A --out "$F/te.pk"
as $C 0 "$F/t.db" packet export --district Riverside --assessor $A --out "$F/tr.pk"
score_all $A "$F/te.pk" PK-1 demonstrated
as $A 0 "$F/te.pk" decide PK-1 earned
score_all $A "$F/tr.pk" PK-1 not_met
as $A 0 "$F/tr.pk" feedback PK-1 "Add questions that ask for analysis."
as $A 0 "$F/tr.pk" decide PK-1 resubmit
for order in "e r" "r e"; do
	o=$(echo $order | tr -d ' ')
	cp_db "$F/t.db" "$F/x$o.db"
	for u in $order; do as $C 0 "$F/x$o.db" packet import "$F/t$u.pk"; done
	sqlite3 "$F/x$o.db" "SELECT packet_id, submission, state, records FROM packet_conflict ORDER BY 1, 2; SELECT
		read, outcome FROM read_decision WHERE submission_id = (SELECT id FROM submission WHERE ext_id = 'PK-1')
		ORDER BY 1" >"$F/x-$o"
	check_clean "$F/x$o.db" "check is clean with the conflict open ($order)"
done
t_check "the same conflict in either order" cmp -s "$F/x-er" "$F/x-re"
t_check "one side ended the first read earned, the other resubmit" \
	[ "$(sqlite3 "$F/xer.db" "SELECT group_concat(o) FROM (SELECT (SELECT j.value ->> 'outcome' FROM json_each(records,
		'$.read_decision') j WHERE j.value ->> 'read' = 'first') AS o FROM packet_conflict WHERE submission = 'PK-1'
		AND state = 'open' ORDER BY o)")" = "earned,resubmit" ]
t_check "while open the server has neither" \
	[ "$(sqlite3 "$F/xer.db" "SELECT count(*) FROM read_decision WHERE read = 'first' AND submission_id = (SELECT id
		FROM submission WHERE ext_id = 'PK-1')")" = 0 ]
as $C 0 "$F/xer.db" packet conflicts
t_stdout_has "PK-1"
t_stdout_has "read by $A"
keep=$(sqlite3 "$F/xer.db" "SELECT packet_id FROM packet_conflict c, json_each(c.records, '$.read_decision') j WHERE
	c.submission = 'PK-1' AND j.value ->> 'read' = 'first' AND j.value ->> 'outcome' = 'earned'")
as $C 0 "$F/xer.db" packet resolve "$keep/PK-1" --keep packet
t_check "resolved: the kept packet's read decision, and PK-1 awaits approval" \
	[ "$(sqlite3 "$F/xer.db" "SELECT r.outcome || ':' || s.status FROM read_decision r JOIN submission s ON s.id =
		r.submission_id WHERE s.ext_id = 'PK-1' AND r.read = 'first'")" = earned:awaiting_approval ]
check_clean "$F/xer.db" "check is clean once resolved"
done_testing
