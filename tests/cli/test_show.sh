# test_show.sh: `mcassess show ID`: the JSON of the design, word counts against
# the parts' limits, wrapping, history through the earlier attempt, unknown ids,
# and a blind assessor who must never see the educator's name, id or school.
. "$TOP_SRCDIR/tests/cli/lib.sh"

BU=mcread_s
t_init_db
sed "s/mcread_blind/$BU/g" "$FIXTURES/read/base.sql" | sqlite3 "$DB" || { echo "Bail out! fixture"; exit 1; }
jqe() { jq -e "$@" >/dev/null; }
t_snapshot

# ---------------------------------------------------------------- JSON
t_run 0 show R-101 --format json
t_check "json: the design's keys" jqe 'has("id") and has("credential") and has("attempt") and has("status") and has("submitted_at") and has("educator") and has("evidence") and has("scores") and has("feedback") and has("decision") and has("history")' "$OUT"
t_check "json: the submission" jqe '.id == "R-101" and .credential == "TEAM-QUES" and .attempt == 2 and .status == "in_progress" and .submitted_at == "2026-10-01T10:00:00Z" and .previous_id == "R-100"' "$OUT"
t_check "json: the educator" jqe '.educator | .id == "E-1" and .name == "Ada Lovelace" and .district == "Maury" and .school == "Spring Hill High"' "$OUT"
t_check "json: evidence in part order" test "$(jq -r '[.evidence[].part] | join(" ")' "$OUT")" = "overview artifact reflection"
t_check "json: a text item" jqe '.evidence[0] | .kind == "text" and .words == 168 and .file == null and (.text | startswith("I plan questions")) and .media_type == "text/plain" and .sha256 == "e-r101-1"' "$OUT"
t_check "json: a file item" jqe '.evidence[1] | .kind == "file" and .file == "lesson-plan.pdf" and .text == null and .media_type == "application/pdf" and .sha256 == "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" and .size == 2048' "$OUT"
t_check "json: scores" jqe '.scores == [.scores[0]] and (.scores[0] | .criterion == "O1" and .level == "demonstrated" and .assessor == "root" and .comment == "Clear progression." and .at == "2026-10-03T10:00:00Z")' "$OUT"
t_check "json: no feedback or decision yet" jqe '.feedback == null and .decision == null' "$OUT"
t_check "json: history has the first attempt" jqe '.history[0] | .kind == "attempt" and .id == "R-100" and .attempt == 1 and .decision == "resubmit" and (.feedback | startswith("Your questions stay at recall")) and ([.scores[].criterion] == ["O1", "O2"])' "$OUT"
t_check "json: parts with limits" jqe '[.parts[] | select(.code == "reflection")][0] | .min_words == 200 and .max_words == 600 and .words == 9 and .words_in_range == false' "$OUT"
t_check "json: rubric with every criterion" jqe '(.rubric | length) == 9 and .rubric[0].level == "demonstrated" and .rubric[1].level == null and .outcome.scored == 1' "$OUT"
t_run 0 show R-100 --format json
t_check "json: a decided attempt" jqe '.decision == "resubmit" and (.feedback | startswith("Your questions")) and .history == [] and .previous_id == null' "$OUT"

# ---------------------------------------------------------------- text
export COLUMNS=100
t_run 0 show R-101
t_stdout_has "R-101  TEAM-QUES  Questioning"
t_stdout_has "attempt 2 (after R-100)"
t_stdout_has "educator Ada Lovelace (E-1), Maury, Spring Hill High"
t_stdout_has "168 words (150–500)"
t_stdout_has "9 words (200–600)  ** UNDER THE MINIMUM **"
t_stdout_has "file lesson-plan.pdf"
t_stdout_has "application/pdf, 2.0 KiB"
t_stdout_has "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
t_stdout_has "O1   Demonstrated (passes), root"
t_stdout_has "O2   not scored"
t_stdout_has "== rubric: 1 of 9 criteria scored, 1 pass"
t_stdout_has "== decision: not decided"
t_stdout_has "attempt 1: R-100, resubmit"
t_stdout_has "O1 Progressing, O2 Not Met"
t_stdout_has "Your questions stay at recall."
t_check "text: wrapped to \$COLUMNS (100)" test "$(wc -L <"$OUT")" -le 100
export COLUMNS=60
t_run 0 show R-101
t_check "text: wrapped to \$COLUMNS (60)" test "$(wc -L <"$OUT")" -le 60
export COLUMNS=30
t_run 0 show R-200
t_check "text: Chinese wrapped to 30 cells" test "$(wc -L <"$OUT")" -le 30
t_check "text: Chinese text all there" test "$(grep -v '^==' "$OUT" | tr -d ' \n' | grep -c '我们的课堂每天都使用提问策略来帮助学生思考。Studentsaskwhy.')" -eq 1
unset COLUMNS

# ---------------------------------------------------------------- errors
t_run 1 show NOPE
t_check "unknown id: the message" test "$(cat "$ERR")" = "mcassess: no submission 'NOPE'"
# an id in the wrong case is named (issue 14)
t_run 1 show r-200
t_check "wrong case: did you mean" test "$(cat "$ERR")" = "mcassess: no submission 'r-200' (did you mean 'R-200'? ids are case-sensitive)"
t_run 2 show
t_run 2 show R-101 --format tsv
t_run 2 show R-101 R-100
t_db_unchanged

# ---------------------------------------------------------------- the blind assessor
t_skip() { _t_n=$((_t_n + 1)); echo "ok $_t_n # SKIP $*"; }
b_setup() {
	[ "$(id -u)" = 0 ] && command -v runuser >/dev/null && command -v useradd >/dev/null || return 1
	if ! id -u "$BU" >/dev/null 2>&1; then
		for _i in 1 2 3 4 5 6 7 8 9 10; do useradd -M -N "$BU" 2>/dev/null && break; sleep 1; done
		id -u "$BU" >/dev/null 2>&1 || return 1
		trap 'rm -rf "$T"; for _i in 1 2 3 4 5; do userdel "$BU" 2>/dev/null && break; sleep 1; done' EXIT
	fi
	chmod 777 "$T"
	chmod 666 "$DB"*
}
b() {
	RC=0
	runuser -u "$BU" -- "$MCASSESS" --db "$DB" "$@" >"$OUT" 2>"$ERR" </dev/null || RC=$?
}
no_name() {
	_d=$1; shift
	for _n in "$@"; do
		if grep -qF -- "$_n" "$OUT" "$ERR"; then t_fail "$_d: '$_n' shown"; return; fi
	done
	t_ok "$_d"
}
if b_setup; then
	b show R-200
	t_check "blind: show exits 0" test "$RC" -eq 0
	no_name "blind: text has no name, id or school" "王小明" "E-2" "Central"
	t_check "blind: text shows the anonymous id" grep -qF "educator anon-b2 (you score this blind), Knox" "$OUT"
	b show R-200 --format json
	no_name "blind: json has no name, id or school" "王小明" "E-2" "Central"
	t_check "blind: json educator" jqe '.educator | .id == "anon-b2" and .name == "anon-b2" and .school == null and .blind == true' "$OUT"
	b show R-101 --format json
	t_check "blind: an unassigned submission still names its educator" jqe '.educator.name == "Ada Lovelace"' "$OUT"
else
	for _i in 1 2 3 4 5 6 7; do t_skip "needs root, useradd and runuser"; done
fi

done_testing
