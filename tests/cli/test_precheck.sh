#!/bin/sh
# test_precheck.sh: the pre-checks of `show` (word limits, missing parts, copies
# of another educator's evidence, personal data), the personal-data pattern
# files (yours, a names list, a bad pattern), and a blind assessor who sees the
# evidence masked in `show` and `search` while the stored evidence stays as it is.
. "$TOP_SRCDIR/tests/cli/lib.sh"
jqe() { jq -e "$1" "$OUT" >/dev/null; }
t_init_db
t_run 0 import "$FIXTURES/precheck/subs.csv" --evidence "$FIXTURES/precheck/evidence"

# ---------------------------------------------------------------- show, as the admin
t_snapshot
t_run 0 show P-1 --format json
t_check "json: the design's keys are still there" jqe 'has("id") and has("educator") and has("evidence") and has("history") and has("parts")'
t_check "json: overview under its minimum" jqe '[.checks[] | select(.check == "words" and .part == "overview")] == [{"check":"words","part":"overview","ok":false,"message":"overview: 23 words, under the minimum of 150","words":23,"min_words":150,"max_words":500}]'
t_check "json: artifact2 and reflection missing" jqe '[.checks[] | select(.check == "missing") | .part] == ["artifact2", "reflection"]'
t_check "json: the overview is P-2's text (give or take spacing and capitals)" jqe '[.checks[] | select(.check == "duplicate" and .part == "overview")] | length == 1 and .[0].how == "text" and .[0].other == "P-2" and .[0].other_part == "overview" and .[0].others == 1'
t_check "json: the artifact is P-2's file" jqe '[.checks[] | select(.check == "duplicate" and .part == "artifact")] | length == 1 and .[0].how == "file" and .[0].other == "P-2"'
t_check "json: personal data by family" jqe '[.checks[] | select(.check == "personal") | [.part, .family, .count]] == [["overview", "e-mail", 1], ["overview", "phone", 1], ["overview", "name", 1]]'
t_check "json: the admin sees the evidence as it is" jqe '.masked == false and (.evidence[0].text | contains("Ms. López") and contains("maria.lopez@springhill.k12.tn.us") and contains("(615) 555-0123"))'
t_run 0 show P-1
t_stdout_has "== pre-checks: 6 to look at"
t_stdout_has "  ! reflection: no evidence for this part"
t_stdout_has "  ! overview: the text is identical to evidence in P-2 (overview) of another"
t_stdout_has "  ! overview: personal data: 1 e-mail, 1 phone, 1 name"
t_check "the pre-checks come before the evidence" [ "$(grep -n '^== ' "$OUT" | head -2 | cut -d' ' -f2 | tr -d ':\n')" = "pre-checksoverview" ]
t_db_unchanged

# Chinese: a phone number inside unspaced text; a name from your names list.
mkdir -p "$XDG_CONFIG_HOME/mcassess/redaction"
printf '# students of the district\n王小明\n' >"$XDG_CONFIG_HOME/mcassess/redaction/district.names"
t_run 0 show P-2 --format json
t_check "json: a Chinese name from the list and a +86 number" jqe '[.checks[] | select(.check == "personal" and .part == "reflection") | [.family, .count]] == [["phone", 1], ["name", 1]]'
t_check "json: nothing is personal that is not" jqe '[.checks[] | select(.check == "personal" and .part == "overview") | .family] == ["e-mail", "phone"]'

# A bad pattern of yours: file and line, PCRE2's message and offset, exit 3.
printf '# ids\n\nstudent-id\tS[0-9{6}\n' >"$XDG_CONFIG_HOME/mcassess/redaction/ids.patterns"
t_run 3 show P-1
t_check "bad pattern: the message" [ "$(cat "$ERR")" = "mcassess: $XDG_CONFIG_HOME/mcassess/redaction/ids.patterns:3: pattern does not compile: missing terminating ] for character class at offset 8" ]
printf 'student-id\tS[0-9]{6}\n' >"$XDG_CONFIG_HOME/mcassess/redaction/ids.patterns"
t_run 0 show P-1

# ---------------------------------------------------------------- the blind assessor
BU=mcprecheck_b
t_skip() { _t_n=$((_t_n + 1)); echo "ok $_t_n # SKIP $*"; }
b_setup() {
	[ "$(id -u)" = 0 ] && command -v runuser >/dev/null && command -v useradd >/dev/null || return 1
	if ! id -u "$BU" >/dev/null 2>&1; then
		for _i in 1 2 3 4 5 6 7 8 9 10; do useradd -M -N "$BU" 2>/dev/null && break; sleep 1; done
		id -u "$BU" >/dev/null 2>&1 || return 1
		trap 'rm -rf "$T"; for _i in 1 2 3 4 5; do userdel "$BU" 2>/dev/null && break; sleep 1; done' EXIT
	fi
	chmod 777 "$T" "$HOME"
	chmod -R a+rwX "$HOME"
	chmod 666 "$DB"*
	sql "INSERT INTO person(user, role, created_at) VALUES ('$BU', 'assessor', '2026-11-22T00:00:00Z');
	     INSERT INTO assignment(uid, submission_id, assessor, blind, assigned_by, at)
	     SELECT 'a-precheck', id, '$BU', 1, 'root', '2026-11-22T00:00:00Z' FROM submission WHERE ext_id = 'P-1';
	     INSERT INTO assignment(uid, submission_id, assessor, blind, assigned_by, at)
	     SELECT 'a-precheck-2', id, '$BU', 0, 'root', '2026-11-22T00:00:00Z' FROM submission WHERE ext_id = 'P-2';"
}
b() {
	RC=0
	runuser -u "$BU" -- env HOME="$HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" \
		"$MCASSESS" --db "$DB" "$@" >"$OUT" 2>"$ERR" </dev/null || RC=$?
}
# no_personal DESCRIPTION [LINES-PATTERN]: nothing of E-1's in the output (or in its lines matching)
no_personal() {
	_d=$1
	grep -e "${2:-}" "$OUT" "$ERR" >"$T/lines"
	for _n in "María" "López" "LÓPEZ" "maria.lopez" "555-0123" "Spring Hill"; do
		if grep -qF -- "$_n" "$T/lines"; then t_fail "$_d: '$_n' shown"; return; fi
	done
	t_ok "$_d"
}
if b_setup; then
	mc search questions # the index catches up here: searches after it write nothing
	t_snapshot
	b show P-1
	t_check "blind: show exits 0" test "$RC" -eq 0
	no_personal "blind: text shows no name, address or number"
	t_check "blind: the evidence masked" grep -qF "Ms. [name] plans her questions with care. Parents write to [e-mail] or call" "$OUT"
	t_check "blind: the checks still say what is there" grep -qF "! overview: personal data: 1 e-mail, 1 phone, 1 name" "$OUT"
	b show P-1 --format json
	no_personal "blind: json shows no name, address or number"
	t_check "blind: json evidence masked, hash as stored" jqe '.masked == true and (.evidence[0].text | startswith("Ms. [name] plans")) and (.evidence[0].sha256 | length == 64)'
	# search: a word near the name; the name cut by the snippet's edge is masked whole
	b search questions
	no_personal "blind: search snippets of P-1 show no name" "^P-1"
	t_check "blind: search masks the snippet of P-1" grep -qF "P-1  overview  …[name] plans her [questions] with care. Parents write to [e-mail]…" "$OUT"
	t_check "blind: P-2 is not blind to this assessor" grep -qF "P-2  overview  …LÓPEZ plans her [questions]" "$OUT"
	b search --regex 'Parents write'
	no_personal "blind: regex snippets of P-1 show no address" "^P-1"
	t_check "blind: regex snippet masked" grep -qF "P-1  overview  …lans her questions with care. [Parents write] to [e-mail]…" "$OUT"
	b search --regex 'pez plans'
	no_personal "blind: a match inside the name does not show it"
	t_check "blind: the mask is marked as the match" grep -qF "P-1  overview  Ms. [[name] plans] her questions" "$OUT"
	# searching for the name itself finds nothing in what you score blind
	b search López
	t_check "blind: a search for the name does not confirm it in P-1" [ "$(grep -c '^P-1' "$OUT")" = 0 ]
	t_check "blind: P-2 (not blind) is still found" grep -qF "P-2  overview  MS. [LÓPEZ] plans" "$OUT"
	b search --regex 'maria\.lopez@'
	t_check "blind: nor a regex for the address" [ "$(grep -c '^P-1' "$OUT")" = 0 ]
	t_db_unchanged
	t_check "the stored evidence is as imported" [ "$(sql "SELECT sha256 FROM evidence e JOIN submission s ON s.id = e.submission_id WHERE s.ext_id = 'P-1' AND e.seq = 1")" = "$(printf '%s' "Ms. López plans her questions with care. Parents write to maria.lopez@springhill.k12.tn.us or call (615) 555-0123 after school." | sha256sum | cut -d' ' -f1)" ]
	# the admin still sees both
	t_run 0 search --regex 'Parents write'
	t_stdout_has "P-1  overview  …lans her questions with care. [Parents write] to maria.lopez@springhill.k12…"
else
	for _i in $(seq 1 20); do t_skip "needs root, useradd and runuser"; done
fi
done_testing
