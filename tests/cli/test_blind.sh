#!/bin/sh
# test_blind.sh: a blind assessor never sees the educator's name, id or school
# through any screen or command, while a coordinator sees them. Two OS accounts
# (useradd, runuser; as root, else skipped): mcblinda, an assessor given BL-2
# blind, and mcblindc, a coordinator. Every read command runs as mcblinda (queue
# in every format, show, export, search, archive log, claim, check, score) and
# the workstation replays a script (queue, narrowing, the submission, its
# history, help), its screens dumped; the name, id and school appear in none.
# BL-2's evidence names the educator and gives an e-mail address and a phone
# number, and the feedback on BL-1 (shown in BL-2's history) addresses her by
# name: all of it masked for the blind assessor, never changed in the database.
. "$TOP_SRCDIR/tests/cli/lib.sh"
if [ "$(id -u)" -ne 0 ] || ! command -v useradd >/dev/null 2>&1 || ! command -v runuser >/dev/null 2>&1; then
	t_ok "a blind assessor never sees the name # SKIP not root (useradd, runuser)"
	done_testing
	exit 0
fi
B=mcblinda C=mcblindc
for u in $B $C; do id "$u" >/dev/null 2>&1 || useradd -M -N "$u" 2>/dev/null || useradd -M "$u"; done
# A database every account can write (WAL files included): a world-writable directory.
F=$(mktemp -d /tmp/mcassess-blind.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T" "$F"' EXIT
chmod 0777 "$F"
DB=$F/t.db
t_init_db
FX=$FIXTURES/blind
mc import "$FX/subs.csv"
[ "$RC" -eq 0 ] || { echo "Bail out! the fixture did not load"; cat "$ERR"; exit 1; }
mc feedback BL-1 "Zelda, plan the follow-up questions too, and give every student wait time."
mc decide BL-1 resubmit
mc import "$FX/again.csv"
[ "$RC" -eq 0 ] || { echo "Bail out! the second attempt did not load"; cat "$ERR"; exit 1; }
mc people add $B --role assessor --district Northfield
mc people add $C --role coordinator --district Northfield
ARCHIVE=0
if "$MCASSESS" --db "$DB" archive init >"$T/ai.out" 2>&1; then ARCHIVE=1; fi
t_run 0 assign BL-2 $B --blind
chmod -R a+rwX "$F"
ANON=$(sql "SELECT anon_id FROM educator WHERE ext_id = 'EDU-ZQM-77'")
t_check "the educator has an anonymous id ($ANON)" [ -n "$ANON" ]

mkdir -p "$F/out" "$F/dumps" && chmod 0777 "$F/out" "$F/dumps"
N=0
# as USER STATUS ARGS...: run mcassess as USER, keep stdout and stderr in $F/out/USER-N.
as() {
	_u=$1 _want=$2; shift 2
	N=$((N + 1))
	RC=0
	runuser -u "$_u" -- env HOME="$F" TERM=xterm NO_COLOR=1 MCASSESS_TUI_NOW=2026-11-22T12:00:00Z \
		"$MCASSESS" --db "$DB" "$@" >"$OUT" 2>"$ERR" </dev/null || RC=$?
	cat "$OUT" "$ERR" >"$F/out/$_u-$N"
	if [ "$RC" -eq "$_want" ]; then t_ok "as $_u: mcassess $* exits $_want"
	else t_fail "as $_u: mcassess $* exits $_want (got $RC)"; t_diag "$ERR"; fi
}

# ---------------------------------------------------------------- the blind assessor
as $B 0 queue
t_stdout_has "$ANON"
as $B 0 queue --status all
as $B 0 queue --status all --format tsv
t_check "queue tsv: BL-2 with the anonymous id" grep -q "^BL-2	queued	TEAM-QUES	$ANON	Northfield	2	" "$OUT"
# only the assessor's own work (access.h): BL-2 and its earlier attempt BL-1, not BL-9 nor BL-3
t_check "queue tsv: only the assessor's own work" [ "$(cut -f1 "$OUT" | sort | tr '\n' ' ')" = "BL-1 BL-2 " ]
as $B 0 queue --status all --format json
t_check "queue json: BL-2 blind" [ "$(jq -r '.[] | select(.id == "BL-2") | .educator + " " + (.blind | tostring)' "$OUT")" = "$ANON true" ]
as $B 0 queue --mine --format json
as $B 0 queue --status all --format tsv --district Northfield --credential TEAM-QUES
as $B 1 show BL-3
t_stderr_has "mcassess: BL-3 is not assigned to you"
t_check "show BL-3, not assigned: nothing of it shown" [ ! -s "$OUT" ]
for id in BL-2 BL-1; do
	as $B 0 show $id
	t_stdout_has "educator $ANON (you score this blind), Northfield"
	as $B 0 show $id --format json
	t_check "show $id json: educator is the anonymous id, no school" \
		[ "$(jq -r '.educator | .id + "|" + .name + "|" + (.school | tostring) + "|" + (.blind | tostring)' "$OUT")" = "$ANON|$ANON|null|true" ]
done
as $B 0 show BL-2
t_stdout_has "attempt 1: BL-1, resubmit"
as $B 0 export results
t_check "export: BL-1 with the anonymous id" grep -q "^BL-1,$ANON,$ANON,Northfield,,TEAM-QUES," "$OUT"
as $B 0 export results --format json
for w in questions "wait time" reason 学生; do as $B 0 search "$w"; done
as $B 0 search --regex 'follow-up|quieter'
as $B 0 search Marlowe
t_check "searching for her name finds nothing" [ ! -s "$OUT" ]
t_stderr_has "no matches for 'Marlowe'"
rm "$F/out/$B-$N" # it repeats what the assessor typed; nothing else
as $B 0 search --format json questions
t_check "search json, blind: the snippet is masked" \
	jq -e 'any(.[]; .snippet | test("to Ms\\. \\[name\\]: \\[e-mail\\]"))' "$OUT"
as $B 0 show BL-2
t_stdout_has "[name]: [e-mail] or [phone]."
t_stdout_has "[name], plan the follow-up questions too"
t_stdout_has "Revised: at [school] I plan"
as $B 0 show BL-2 --format json
t_check "show json, blind: the evidence is masked" \
	jq -e '.masked == true and any(.evidence[]; .text | test("Ms\\. \\[name\\]: \\[e-mail\\] or \\[phone\\]"))' "$OUT"
as $B 0 search --format json questions
as $B 0 claim claim BL-2
as $B 0 claim list
as $B 0 score BL-2 O1 demonstrated
as $B 0 feedback BL-2 "The follow-up questions are specific; keep the wait time."
as $B 0 check
as $B 0 config
if [ "$ARCHIVE" = 1 ]; then
	as $B 0 archive log BL-2
	t_stdout_has "assign BL-2: first read to $B, blind"
	as $B 0 archive log BL-1
else
	t_ok "archive log # SKIP built without libgit2"
fi
as $B 0 claim release BL-2

# The workstation: the queue, narrowing by the name (nothing) and by the
# anonymous id, the submission, the end of its pager (the earlier attempt),
# help; and a submission another user holds.
cat >"$F/blind.keys" <<KEYS
:dump queue
/Zelda
:dump narrow-name
<Esc>/$ANON
:dump narrow-anon
<Esc>/BL-2<Enter><Enter>
:dump submission
G
:dump history
<Tab>
:dump rubric
?
:dump help
q<Esc>q
KEYS
chmod 0644 "$F/blind.keys"
for size in 80x24 160x48; do
	MCASSESS_TUI_SCRIPT=$F/blind.keys MCASSESS_TUI_SIZE=$size MCASSESS_TUI_DUMP_DIR=$F/dumps/$size
	export MCASSESS_TUI_SCRIPT MCASSESS_TUI_SIZE MCASSESS_TUI_DUMP_DIR
	mkdir -p "$F/dumps/$size" && chmod 0777 "$F/dumps/$size"
	as $B 0 tui
	unset MCASSESS_TUI_SCRIPT MCASSESS_TUI_SIZE MCASSESS_TUI_DUMP_DIR
	t_check "tui $size: every screen was dumped" [ "$(ls "$F/dumps/$size" | wc -l)" -eq 7 ]
	t_check "tui $size: the queue shows the anonymous id" grep -q "$ANON" "$F/dumps/$size/queue"
	t_check "tui $size: an assessor's queue is their own work" grep -q "queue: your open work" "$F/dumps/$size/queue"
	t_check "tui $size: narrowing by the name finds nothing" grep -q "Nothing matches the narrowing" "$F/dumps/$size/narrow-name"
	t_check "tui $size: narrowing by the anonymous id finds BL-2" grep -q "BL-2" "$F/dumps/$size/narrow-anon"
	t_check "tui $size: the submission's title has the anonymous id" grep -q "^ BL-2 · TEAM-QUES.*$ANON" "$F/dumps/$size/submission"
	t_check "tui $size: the history shows the earlier attempt" grep -q "Earlier attempt 1 · BL-1" "$F/dumps/$size/history"
done
# Held by the coordinator: the message names who holds it, nobody else.
as $C 0 claim claim BL-2
MCASSESS_TUI_SCRIPT=$F/held.keys MCASSESS_TUI_DUMP_DIR=$F/dumps
export MCASSESS_TUI_SCRIPT MCASSESS_TUI_DUMP_DIR
printf '/BL-2<Enter><Enter>\n:dump held\n' >"$F/held.keys"
chmod 0644 "$F/held.keys"
as $B 0 tui
unset MCASSESS_TUI_SCRIPT MCASSESS_TUI_DUMP_DIR
t_check "tui: held by the coordinator, and says so" grep -q "BL-2 is being scored by $C since" "$F/dumps/held"
as $B 1 claim claim BL-2
t_stderr_has "mcassess: BL-2 is being scored by $C since"
as $C 0 claim release BL-2

# Nothing any of that printed or drew names the educator (the screens where the
# assessor typed a name into the narrowing aside: they show nothing else).
cat "$F"/out/$B-* "$F"/dumps/held $(ls "$F"/dumps/*/* | grep -v narrow-name) >"$T/blind-saw"
t_check "the blind assessor's outputs are not empty ($(wc -l <"$T/blind-saw") lines)" [ "$(wc -l <"$T/blind-saw")" -gt 200 ]
for secret in "Zelda" "Quintessa" "Marlowe" "EDU-ZQM-77" "Wolfsbane" "615-555-0142" "zelda.qm"; do
	if grep -n "$secret" "$T/blind-saw" >"$T/leak"; then
		t_fail "the blind assessor never saw '$secret'"
		t_diag "$T/leak"
	else
		t_ok "the blind assessor never saw '$secret'"
	fi
done

# ---------------------------------------------------------------- the coordinator sees both
as $C 0 queue --status all --format tsv
t_check "coordinator: queue names the educator" grep -q "^BL-2	[a-z_]*	TEAM-QUES	Zelda Quintessa-Marlowe	" "$OUT"
as $C 0 show BL-2
t_stdout_has "educator Zelda Quintessa-Marlowe (EDU-ZQM-77), Northfield, Wolfsbane Academy"
t_stdout_has "  blind assessors see $ANON"
as $C 0 show BL-2 --format json
t_check "coordinator: the evidence is not masked" \
	jq -e '.masked == false and any(.evidence[]; .text | test("Ms\\. Marlowe: zelda\\.qm@wolfsbane\\.example or 615-555-0142"))' "$OUT"
t_check "the stored evidence was never masked" \
	[ "$(sql "SELECT count(*) FROM evidence WHERE text LIKE '%Ms. Marlowe: zelda.qm@wolfsbane.example or 615-555-0142.%'")" = 1 ]
as $C 0 show BL-2 --format json
t_check "coordinator: show json has name, id, school" \
	[ "$(jq -r '.educator | .id + "|" + .name + "|" + .school + "|" + .anon_id' "$OUT")" = "EDU-ZQM-77|Zelda Quintessa-Marlowe|Wolfsbane Academy|$ANON" ]
as $C 0 export results
t_check "coordinator: export names the educator" grep -q "^BL-1,EDU-ZQM-77,Zelda Quintessa-Marlowe,Northfield,Wolfsbane Academy," "$OUT"

# ---------------------------------------------------------------- blind for everyone
mc assign --remove BL-2 $B
as $B 0 queue --status all --format tsv
t_check "unassigned: BL-2 (and BL-1) leave the assessor's queue" [ ! -s "$OUT" ]
mc assign BL-9 $B
as $B 0 queue --status all --format tsv
t_check "an open assignment: the assessor sees the name" grep -q "	Otto Visible	" "$OUT"
t_run 0 config blind on
as $B 0 queue --status all --format tsv
t_check "config blind on: every educator anonymous to the assessor" [ "$(grep -c "Zelda\|Otto" "$OUT")" = 0 ]
as $B 0 show BL-9
t_stdout_has "(you score this blind)"
as $C 0 queue --status all --format tsv
t_check "config blind on: the coordinator still sees names" grep -q "Otto Visible" "$OUT"

# ---------------------------------------------------------------- a report of tampering
# An educator's name edited behind the program's back: check and archive verify
# say so to everyone, but only coordinators and admins are told the names.
if [ "$ARCHIVE" = 1 ]; then
	sql "UPDATE educator SET name = 'Zelda Q. Marlowe-Tampered' WHERE ext_id = 'EDU-ZQM-77'"
	as $B 1 archive verify
	t_stdout_has "archive: an educator's record differs from the archive"
	t_check "verify as the assessor: no name, old or new, nor the id" [ "$(grep -c "Zelda\|Marlowe\|EDU-ZQM" "$F/out/$B-$N")" = 0 ]
	as $B 1 check
	t_check "check as the assessor: no name nor id" [ "$(grep -c "Zelda\|Marlowe\|EDU-ZQM" "$F/out/$B-$N")" = 0 ]
	as $C 1 archive verify
	t_stdout_has "Zelda Q. Marlowe-Tampered"
else
	t_ok "tampering # SKIP built without libgit2"
fi
done_testing
