#!/bin/sh
# test_calibration.sh: calibration sets (calibration.h) with real OS accounts: a
# coordinator marks decided submissions as exemplars; two assessors score the
# set in calibration reads (one as agreed, one not); the agreed levels stay
# hidden until each has finished; results (exact agreement, kappa checked
# against scikit-learn, AC1); qualification and `assign --auto`; and the real
# submissions' records (show, export results, badges) byte-identical before and
# after all the calibration work. Accounts (useradd, as root; else skipped):
#   mccal_co  coordinator of North       mccal_so  coordinator of South
#   mccal_a   assessor who scores as agreed
#   mccal_b   assessor who does not
. "$TOP_SRCDIR/tests/cli/lib.sh"
t_init_db
CO=mccal_co SO=mccal_so A=mccal_a B=mccal_b
t_accounts $CO $SO $A $B || t_skip_all "not root (useradd, runuser)"
{
	echo "submission_id,educator_id,educator_name,district,school,credential,submitted_at,part,kind,text,file"
	n=0
	for id in CB-1 CB-2 CB-3 CB-4 CB-5 CB-6; do
		n=$((n + 1))
		cred=TEAM-QUES
		[ "$id" = CB-6 ] && cred=TEAM-FEED
		for part in overview artifact artifact2 reflection; do
			echo "$id,E-CB$n,Teacher Name$n,North,Ash School,$cred,2026-10-0${n}T09:00:00Z,$part,text,\"The $part of $id.\","
		done
	done
} >"$F/subs.csv"
mc import "$F/subs.csv"
[ "$RC" -eq 0 ] || { echo "Bail out! import failed"; cat "$ERR"; exit 1; }
mc people add $CO --role coordinator --district North
mc people add $SO --role coordinator --district South
mc people add $A --role assessor --district South
mc people add $B --role assessor --district South
CRITS="O1 O2 A1 A2 A3 A4 A5 R1 R2"
# CB-1 earned (all at 3); CB-2 resubmit (O1 and A2 at 2), by the admin (root)
for c in $CRITS; do mc score CB-1 "$c" 3; mc score CB-2 "$c" 3; mc score CB-4 "$c" 3; done
mc score CB-2 O1 2
mc score CB-2 A2 2
mc decide CB-1 earned
mc feedback CB-2 - </dev/null
echo "Say more about the order of the questions." >"$F/fb.txt"
mc feedback CB-2 --file "$F/fb.txt"
mc decide CB-2 resubmit
mc decide CB-4 earned
t_check "CB-1 earned, CB-2 resubmit, CB-4 earned" \
	test "$(sql "SELECT group_concat(status, ' ') FROM (SELECT status FROM submission WHERE ext_id IN ('CB-1','CB-2','CB-4') ORDER BY ext_id)")" = "earned resubmit earned"

# the real records as they are before any calibration
real_records() {
	for id in CB-1 CB-2; do "$MCASSESS" --db "$DB" show "$id" --format json; done
	"$MCASSESS" --db "$DB" export results --format json
	[ "$ARCHIVE" = 1 ] && for id in CB-1 CB-2; do "$MCASSESS" --db "$DB" archive log "$id"; done
	rm -rf "$F/badges" && "$MCASSESS" --db "$DB" export badges --out "$F/badges" >/dev/null &&
		(cd "$F/badges" && ls && cat CB-1.json CB-1.jwt)
	sql "SELECT * FROM score ORDER BY id; SELECT * FROM feedback ORDER BY id; SELECT * FROM decision ORDER BY id;
		SELECT ext_id, status, updated_at FROM submission WHERE ext_id <> 'CB-7' ORDER BY id"
}
# the git archive, when built with libgit2: its teacher-facing history of CB-1 and CB-2 is compared too
ARCHIVE=0
if "$MCASSESS" --db "$DB" archive init >"$T/ai.out" 2>&1; then ARCHIVE=1; chmod -R a+rwX "$F"; fi
mc issuer set id "https://mc.example/badges"
mc issuer set name "Calibration Test Issuer"
mc issuer set url "https://mc.example/"
mc issuer key new --bits 2048
real_records >"$F/before.txt" 2>&1
holds_all() {
	grep -q "OpenBadgeCredential" "$1" && grep -q "CB-1.jwt" "$1" && grep -q '"id": "CB-2"' "$1" &&
		grep -q "Say more about the order" "$1"
}
t_check "what is compared holds the badge, the export and the feedback" holds_all "$F/before.txt"

# ---------------------------------------------------------------- adding exemplars
as $A calibration add CB-1
t_check "an assessor may not add an exemplar (exit 1)" test "$RC" -eq 1
t_stderr_has "managing calibration sets needs a coordinator or higher, and you (mccal_a) are an assessor"
as $SO calibration add CB-1
t_check "a coordinator of another district may not (exit 1)" test "$RC" -eq 1
t_stderr_has "not in your district"
as $CO calibration add CB-3
t_check "an undecided submission is no exemplar (exit 1)" test "$RC" -eq 1
t_stderr_has "CB-3 is not decided earned or resubmit: only decided work can be an exemplar"
t_snapshot
as $CO calibration add CB-1 --level O1=7
t_check "a bad level (exit 3)" test "$RC" -eq 3
t_stderr_has "no level '7' for O1 in TEAM-QUES version 1"
as $CO calibration add CB-1 --level Z9=1
t_check "a bad criterion (exit 3)" test "$RC" -eq 3
t_stderr_has "no criterion 'Z9' in TEAM-QUES version 1"
as $CO calibration add CB-1 --level O1
t_check "--level without = (exit 2)" test "$RC" -eq 2
t_stderr_has "--level takes CRITERION=LEVEL (as 'O1=3'), not 'O1'"
t_db_unchanged
as $CO calibration add CB-1 --from-final
t_check "the coordinator adds CB-1" test "$RC" -eq 0
t_stdout_has "CB-1: added to its credential's calibration set"
# CB-2's agreed levels: the final read's, with A2 agreed at 1 after discussion
as $CO calibration add CB-2 --level A2=1
t_check "the coordinator adds CB-2 with an override" test "$RC" -eq 0
as $CO calibration add CB-1
t_check "twice is refused (exit 1)" test "$RC" -eq 1
t_stderr_has "CB-1 is already an exemplar"
as $CO calibration list --format tsv
t_check "the coordinator sees the agreed levels" test "$(cat "$OUT")" = "$(printf '%s\n' \
	"CB-1	TEAM-QUES	earned	$CO	$(sql "SELECT added_at FROM calibration_exemplar WHERE id = 1")	O1=3 O2=3 A1=3 A2=3 A3=3 A4=3 A5=3 R1=3 R2=3	-" \
	"CB-2	TEAM-QUES	resubmit	$CO	$(sql "SELECT added_at FROM calibration_exemplar WHERE id = 2")	O1=2 O2=3 A1=3 A2=1 A3=3 A4=3 A5=3 R1=3 R2=3	-")"

# ---------------------------------------------------------------- blind until finished
as $A calibration list --format tsv
t_check "an assessor sees neither the agreed levels nor the outcome" \
	test "$(cut -f1,3,6 "$OUT" | tr '\n' ' ')" = "CB-1	-	- CB-2	-	- "
as $A show CB-1
t_check "show of an exemplar stays refused to an assessor (real scores)" test "$RC" -eq 1
as $A calibration show CB-1
t_check "calibration show gives an assessor the evidence" test "$RC" -eq 0
t_stdout_has "The overview of CB-1."
t_stdout_lacks "Teacher Name1"
t_stdout_lacks "agreed"
as $A calibration show CB-3
t_check "a non-exemplar is refused (exit 1)" test "$RC" -eq 1
t_stderr_has "CB-3 is not in a calibration set"

# ---------------------------------------------------------------- scoring the set
mc calibration score CB-1 O1 3
t_check "whoever scored CB-1 for real may not calibrate on it (exit 1)" test "$RC" -eq 1
t_stderr_has "you scored CB-1 for real (the first read): calibrating on it would not be blind"
for c in $CRITS; do as $A calibration score CB-1 "$c" 3; done
t_check "mccal_a scores CB-1" test "$RC" -eq 0
as $A calibration score CB-1 Z9 3
t_check "a bad criterion (exit 3)" test "$RC" -eq 3
as $A calibration decide CB-2 earned
t_check "deciding before scoring is refused (exit 1)" test "$RC" -eq 1
as $A calibration decide CB-1 earned
t_check "mccal_a finishes CB-1" test "$RC" -eq 0
as $A calibration score CB-1 O1 2
t_check "scores are final once finished (exit 1)" test "$RC" -eq 1
t_stderr_has "you have finished your calibration read of CB-1"
for c in $CRITS; do as $A calibration score CB-2 "$c" 3; done
as $A calibration score CB-2 O1 2
as $A calibration score CB-2 A2 1
as $A calibration decide CB-2 resubmit
# mccal_b: CB-1 with three criteria at 2, CB-2 all at 3 except O1 at 1
for c in $CRITS; do as $B calibration score CB-1 "$c" 3; as $B calibration score CB-2 "$c" 3; done
for c in O1 A1 R2; do as $B calibration score CB-1 "$c" 2; done
as $B calibration score CB-2 O1 1
as $B calibration decide CB-1 earned
t_check "earned with criteria not passing is refused (exit 1)" test "$RC" -eq 1
t_stderr_has "CB-1: not earned: 6 of 9 criteria are at a passing level"
as $B calibration show CB-1
t_stdout_lacks "agreed"
as $B calibration decide CB-1 resubmit
as $B calibration decide CB-2 resubmit
as $B calibration show CB-1
t_check "once finished, show compares with the agreed levels" test "$RC" -eq 0
t_stdout_has "agreed"
t_stdout_has "(differs)"
as $B calibration list --format tsv
t_check "and list shows them" test "$(cut -f1,6,7 "$OUT" | head -1)" = "CB-1	O1=3 O2=3 A1=3 A2=3 A3=3 A4=3 A5=3 R1=3 R2=3	done"

# ---------------------------------------------------------------- results
as $A calibration results --user $B
t_check "an assessor sees their own results only (exit 1)" test "$RC" -eq 1
as $CO calibration results --format tsv
t_check "results for both assessors" test "$(cut -f1-6 "$OUT" | tr '\n' ' ')" = \
	"mccal_a	TEAM-QUES	2	2	2	18 mccal_b	TEAM-QUES	2	2	1	18 "
t_check "mccal_a: 100% exact, qualified" test "$(grep "^$A" "$OUT" | cut -f7,17)" = "1.0000	yes"
t_check "mccal_b: 13 of 18 exact, not qualified" test "$(grep "^$B" "$OUT" | cut -f7,17)" = "0.7222	no"
# kappa of mccal_b's 18 criterion pairs against the agreed levels, by scikit-learn
given="2 3 2 3 3 3 3 3 2 1 3 3 3 3 3 3 3 3"
agreed="3 3 3 3 3 3 3 3 3 2 3 3 1 3 3 3 3 3"
want=$(/usr/bin/python3 -c "
from sklearn.metrics import cohen_kappa_score as ck
print('%.4f' % ck('$given'.split(), '$agreed'.split(), labels=['1','2','3']))" 2>/dev/null)
if [ -n "$want" ]; then
	t_check "mccal_b's kappa is scikit-learn's ($want)" test "$(grep "^$B" "$OUT" | cut -f11)" = "$want"
else
	t_ok "# SKIP scikit-learn missing"
fi
as $CO calibration results --user $B --format json
t_check "json results parse, with AC1 and its interval" \
	test "$(jq -r '.[0] | "\(.user) \(.qualified) \(.ac1.lo < .ac1.value and .ac1.value < .ac1.hi)"' "$OUT")" = "mccal_b false true"

# ---------------------------------------------------------------- the threshold
t_run 0 config calibration-threshold
t_stdout_has "calibration-threshold 80"
as $CO config calibration-threshold 70
t_check "a coordinator may not set the threshold (exit 1)" test "$RC" -eq 1
t_run 2 config calibration-threshold 101
t_stderr_has "calibration-threshold is a whole number of percent from 0 to 100, not '101'"
t_run 0 config calibration-threshold 70
as $CO calibration results --user $B --format tsv
t_check "at 70% mccal_b qualifies" test "$(cut -f17 "$OUT")" = "yes"
t_run 0 config calibration-threshold 80
t_check "the setting is audited" \
	test "$(sql "SELECT count(*) FROM audit WHERE subject = 'setting:calibration_threshold'")" = 2

# ---------------------------------------------------------------- assign --auto: the qualified only
t_run 0 assign --auto --credential TEAM-QUES
t_check "CB-3 and CB-5 (TEAM-QUES) go to mccal_a, the only qualified" \
	test "$(sql "SELECT group_concat(s.ext_id || ':' || a.assessor, ' ') FROM assignment a JOIN submission s
		ON s.id = a.submission_id WHERE s.ext_id IN ('CB-3', 'CB-5') ORDER BY s.ext_id")" = "CB-3:$A CB-5:$A"
t_run 0 assign --auto --credential TEAM-FEED
t_check "CB-6 (TEAM-FEED, no calibration set) goes to anyone: the least loaded, mccal_b" \
	test "$(sql "SELECT a.assessor FROM assignment a JOIN submission s ON s.id = a.submission_id
		WHERE s.ext_id = 'CB-6'")" = "$B"
# a third exemplar nobody has scored: nobody has finished the set
as $CO calibration add CB-4
{
	echo "submission_id,educator_id,educator_name,district,school,credential,submitted_at,part,kind,text,file"
	echo "CB-7,E-CB7,Teacher Name7,North,Ash School,TEAM-QUES,2026-10-09T09:00:00Z,overview,text,\"The overview of CB-7.\","
} >"$F/more.csv"
mc import "$F/more.csv"
t_snapshot
t_run 1 assign --auto
t_stderr_has "nobody is qualified to assess TEAM-QUES"
t_stderr_has "nothing was assigned"
t_db_unchanged
as $CO calibration remove CB-4
t_check "the coordinator removes CB-4" test "$RC" -eq 0
as $CO calibration list --format tsv
t_stdout_lacks "CB-4"
t_run 0 assign --auto
t_check "then CB-7 goes to mccal_a" \
	test "$(sql "SELECT a.assessor FROM assignment a JOIN submission s ON s.id = a.submission_id
		WHERE s.ext_id = 'CB-7'")" = "$A"

# ---------------------------------------------------------------- nothing real changed
sql "DELETE FROM assignment" 2>/dev/null
real_records >"$F/after.txt" 2>&1
if cmp -s "$F/before.txt" "$F/after.txt"; then t_ok "show, export results, badges, scores, feedback, decisions byte-identical"
else t_fail "real records unchanged"; diff "$F/before.txt" "$F/after.txt" | head -20 | sed 's/^/# /'; fi
t_check "calibration is audited on calibration:ID, never on submission:ID" \
	test "$(sql "SELECT count(*) FROM audit WHERE action LIKE 'calibration-%' AND subject NOT LIKE 'calibration:%'"):$(sql "SELECT count(*) > 40 FROM audit WHERE action LIKE 'calibration-%'")" = "0:1"
done_testing
