#!/bin/sh
# catalog list, show, validate and load: output shapes, exact messages for broken
# catalogs, versions on change, admins only.
. "$TOP_SRCDIR/tests/cli/lib.sh"
CAT=$FIXTURES/catalog
t_init_db
jqe() { jq -e "$@" >/dev/null; }

# ---------------------------------------------------------------- list
t_run 0 catalog list --format tsv
t_check "list tsv has 25 lines" [ "$(wc -l <"$OUT")" -eq 25 ]
t_check "list tsv has 4 fields a line, version 1" \
	[ "$(awk -F'\t' 'NF == 4 && $4 == 1' "$OUT" | wc -l)" -eq 25 ]
t_check "list tsv has the fixed codes" [ "$(cut -f1 "$OUT" | sort | tr '\n' ' ')" = \
	"GIFT-SEEME GIFT-UNDME RTI-DATA RTI-PROGMON RTI-SCREEN RTI-TIER SPC-REL SPC-SELF STEMG-CAREER STEMG-DATA STEMG-DESIGN STEMG-INQ STEMS-CAREER STEMS-DATA STEMS-DESIGN STEMS-INQ TEAM-ASSESS TEAM-FEED TEAM-GROUP TEAM-MOTIV TEAM-PLAN TEAM-PROB TEAM-QUES TEAM-STD TEAM-THINK " ]
t_check "list is grouped by pathway in catalog order" [ "$(cut -f2 "$OUT" | uniq | tr '\n' ' ')" = "TEAM STEMS STEMG GIFT RTI SPC " ]
t_check "TEAM-QUES row" grep -qx "TEAM-QUES	TEAM	Questioning	1" "$OUT"
t_run 0 catalog list
t_stdout_has "CODE"
t_stdout_has "TEAM-QUES     TEAM           1  Questioning"
t_run 0 catalog list --format json
t_check "list json is an array of 25" [ "$(jq 'length' "$OUT")" = 25 ]
t_check "list json objects have code, pathway, title, version" \
	[ "$(jq -c '[.[] | keys] | unique' "$OUT")" = '[["code","pathway","title","version"]]' ]
t_run 2 catalog list --format xml
t_stderr_has "unknown format 'xml'"

# ---------------------------------------------------------------- show
t_run 0 catalog show TEAM-QUES --format json
t_check "show json has the designed keys" jqe \
	'has("code") and has("pathway") and has("title") and has("version") and has("competency") and has("parts")' "$OUT"
t_check "show json: code, pathway, version" [ "$(jq -r '[.code, .pathway, .version] | join(" ")' "$OUT")" = "TEAM-QUES TEAM 1" ]
t_check "show json: parts in order" [ "$(jq -r '[.parts[].code] | join(" ")' "$OUT")" = "overview artifact artifact2 reflection" ]
t_check "show json: overview word limits" [ "$(jq -c '[.parts[0].min_words, .parts[0].max_words]' "$OUT")" = "[150,500]" ]
t_check "show json: artifacts have null word limits" [ "$(jq -c '[.parts[1].min_words, .parts[1].max_words]' "$OUT")" = "[null,null]" ]
t_check "show json: each part has code, title, min_words, max_words, criteria" jqe \
	'all(.parts[]; has("code") and has("title") and has("min_words") and has("max_words") and (.criteria | length > 0))' "$OUT"
t_check "show json: levels have code, label, descriptor, boolean passes" jqe \
	'all(.parts[].criteria[].levels[]; (.code | type) == "string" and (.label | type) == "string" and (.descriptor | type) == "string" and (.passes | type) == "boolean")' "$OUT"
t_check "show json: levels lowest first, only demonstrated passes" [ "$(jq -c '[.parts[].criteria[].levels | map(.code + ":" + (.passes | tostring))] | unique' "$OUT")" = \
	'[["not_met:false","progressing:false","demonstrated:true"]]' ]
t_check "show json: criterion codes O1 ... R2" [ "$(jq -r '[.parts[].criteria[].code] | join(" ")' "$OUT")" = "O1 O2 A1 A2 A3 A4 A5 R1 R2" ]
t_run 0 catalog show TEAM-QUES
t_stdout_has "TEAM-QUES  Questioning"
t_stdout_has "pathway: TEAM-aligned (TEAM)"
t_stdout_has "Competency"
t_stdout_has "Key method"
t_stdout_has "Part 1: Overview questions (overview, 150 to 500 words)"
t_stdout_has "Part 2: Annotated question sequence (artifact, no word limit)"
t_stdout_has "3 Demonstrated (passes): "
t_check "show text fits in 80 columns" [ "$(awk '{ if (length($0) > 80) n++ } END { print n + 0 }' "$OUT")" -eq 0 ]
t_run 1 catalog show NOPE
t_check "unknown code: exact message" [ "$(cat "$ERR")" = "mcassess: catalog: no credential 'NOPE' (see 'mcassess catalog list')" ]
t_run 2 catalog show
t_stderr_has "show needs one credential code"
t_run 2 catalog show TEAM-QUES --version 0
t_run 2 catalog show TEAM-QUES --format tsv

# ---------------------------------------------------------------- validate
cd "$CAT" || exit 1
t_snapshot
t_run 0 catalog validate good
t_check "validate good: summary" [ "$(cat "$OUT")" = "good: 2 credentials in 2 pathways, valid" ]
t_run 0 catalog validate "$TOP_SRCDIR/data/catalog"
t_stdout_has "$TOP_SRCDIR/data/catalog: 25 credentials in 6 pathways, valid"
t_run 0 catalog validate good/X-ONE.json
t_stdout_has "good/X-ONE.json: 1 credential in 2 pathways, valid"

t_run 3 catalog validate bad-json
cat >"$T/want" <<'W'
mcassess: bad-json/X-ONE.json:4:9: '}' expected near '"title"'
mcassess: bad-json: 1 problem found; the catalog is not valid
W
t_check "malformed JSON: file:line:column and jansson's message" diff -u "$T/want" "$ERR"

t_run 3 catalog validate bad-values
cat >"$T/want" <<'W'
mcassess: bad-values/X-BAD.json: credential X-BAD: colour: unknown field (known fields: code, pathway, title, competency, key_method, aligned_to, passing_rule, levels, parts)
mcassess: bad-values/X-BAD.json: credential X-BAD: title: 201 characters is longer than the 200 allowed
mcassess: bad-values/X-BAD.json: credential X-BAD: competency: missing (a text is required)
mcassess: bad-values/X-BAD.json: credential X-BAD: passing_rule: 'most_criteria_pass' is not a passing rule (the one there is: all_criteria_pass)
mcassess: bad-values/X-BAD.json: credential X-BAD: parts[0].min_words: 600 is more than max_words (500)
mcassess: bad-values/X-BAD.json: credential X-BAD: parts[0].criteria[1].code: 'O1' is already the code of parts[0].criteria[0] (criterion codes are unique within a credential)
mcassess: bad-values/X-BAD.json: credential X-BAD: parts[1].criteria[0].levels[2].passes: expected true or false
mcassess: bad-values/X-BAD.json: credential X-BAD: parts[1].criteria[1].levels: no level passes: at least one needs "passes": true
mcassess: bad-values/X-BAD.json: credential X-BAD: parts[2].kind: 'summary' is not a kind of part (expected overview, artifact or reflection)
mcassess: bad-values/X-BAD.json: credential X-BAD: parts[2].criteria[0].descriptors.excellent: no level 'excellent' (the levels are not_met, progressing, demonstrated)
mcassess: bad-values/X-BAD.json: credential X-BAD: parts[2].code: 'overview' is already the code of parts[0]
mcassess: bad-values/X-BAD.json: credential X-BAD: pathway: no pathway 'NOPE' (known: PW, PX)
mcassess: bad-values: 12 problems found; the catalog is not valid
W
t_check "wrong values: every problem, by field path" diff -u "$T/want" "$ERR"

t_run 3 catalog validate bad-dup
cat >"$T/want" <<'W'
mcassess: bad-dup/more.json: credential X-TWO: code: 'X-TWO' is already defined in bad-dup/X-TWO.json
mcassess: bad-dup/twice.json:3:40: duplicate object key near '"code"'
mcassess: bad-dup: 2 problems found; the catalog is not valid
W
t_check "duplicates: credential across files, key within an object" diff -u "$T/want" "$ERR"
t_run 1 catalog validate no-such-dir
t_stderr_has "mcassess: no-such-dir: No such file or directory"
t_run 2 catalog validate
t_stderr_has "validate needs one PATH"
t_db_unchanged

# ---------------------------------------------------------------- load
t_run 3 catalog load bad-values
t_stderr_has "mcassess: bad-values: the catalog is not valid (12 problems); nothing was loaded:"
t_stderr_has "  bad-values/X-BAD.json: credential X-BAD: parts[1].criteria[0].levels[2].passes: expected true or false"
t_db_unchanged
t_run 3 catalog load bad-json
t_db_unchanged

t_run 0 catalog load good
t_check "load good: counts" [ "$(cat "$OUT")" = "loaded: 2 new, 0 changed (new versions), 0 unchanged
pathways: 2 new or changed" ]
mc catalog list --format tsv
grep '^X-' "$OUT" >"$T/x.tsv"
t_check "the loaded credentials are listed" diff -u "$CAT/expected/list.tsv" "$T/x.tsv"
t_snapshot
t_run 0 catalog load good
t_stdout_has "loaded: 0 new, 0 changed (new versions), 2 unchanged"
t_db_unchanged

V1=$(sql "SELECT group_concat(r.id || r.key_method || r.source_sha256, '|') FROM rubric r JOIN credential c ON c.id = r.credential_id WHERE c.code = 'X-ONE'")
V1P=$(sql "SELECT count(*) || ':' || group_concat(l.id || l.descriptor) FROM level l JOIN criterion k ON k.id = l.criterion_id JOIN rubric r ON r.id = k.rubric_id JOIN credential c ON c.id = r.credential_id WHERE c.code = 'X-ONE'")
t_run 0 catalog load changed
t_stdout_has "loaded: 0 new, 1 changed (new versions), 1 unchanged"
t_check "version 1 rows are untouched" [ "$(sql "SELECT group_concat(r.id || r.key_method || r.source_sha256, '|') FROM rubric r JOIN credential c ON c.id = r.credential_id WHERE c.code = 'X-ONE' AND r.version = 1")" = "$V1" ]
t_check "version 1 levels are untouched" [ "$(sql "SELECT count(*) || ':' || group_concat(l.id || l.descriptor) FROM level l JOIN criterion k ON k.id = l.criterion_id JOIN rubric r ON r.id = k.rubric_id JOIN credential c ON c.id = r.credential_id WHERE c.code = 'X-ONE' AND r.version = 1")" = "$V1P" ]
mc catalog show X-ONE --format json
t_check "show: current version is 2 with the new text" [ "$(jq -r '"\(.version) \(.key_method)"' "$OUT")" = "2 Count five seconds silently after a question and again after an answer." ]
mc catalog show X-ONE --version 1 --format json
t_check "show --version 1: the old text" [ "$(jq -r '"\(.version) \(.key_method)"' "$OUT")" = "1 Count three to five seconds silently after a question and again after an answer." ]
t_run 1 catalog show X-ONE --version 3
t_stderr_has "mcassess: catalog: credential 'X-ONE' has no version 3 (its versions are 1 to 2)"
mc catalog list --format tsv
t_check "list shows version 2" grep -qx "X-ONE	PW	Wait Time	2" "$OUT"
t_check "the change is audited" [ "$(sql "SELECT json_extract(before, '\$.version') || '->' || json_extract(after, '\$.version') FROM audit WHERE subject = 'credential:X-ONE' ORDER BY seq DESC LIMIT 1")" = "1->2" ]

# ---------------------------------------------------------------- admins only
t_skip() { _t_n=$((_t_n + 1)); echo "ok $_t_n # SKIP $*"; }
BU=mc_h1_cat$$
if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null && command -v useradd >/dev/null; then
	for _i in 1 2 3 4 5 6 7 8 9 10; do useradd -M -N "$BU" 2>/dev/null && break; sleep 1; done
	trap 'rm -rf "$T"; for _i in 1 2 3 4 5; do userdel "$BU" 2>/dev/null && break; sleep 1; done' EXIT
	chmod 777 "$T"; chmod 666 "$DB"*
	t_snapshot
	RC=0; runuser -u "$BU" -- "$MCASSESS" --db "$DB" catalog load good >"$OUT" 2>"$ERR" </dev/null || RC=$?
	t_check "a non-admin's load exits 1" [ "$RC" -eq 1 ]
	t_stderr_has "mcassess: loading the catalog needs an admin, and you ($BU) are not a person in this database; ask an admin to run 'mcassess people add $BU --role admin'"
	t_db_unchanged
	RC=0; runuser -u "$BU" -- "$MCASSESS" --db "$DB" catalog list --format tsv >"$OUT" 2>"$ERR" </dev/null || RC=$?
	t_check "anyone may list" [ "$RC.$(wc -l <"$OUT")" = "0.27" ]
else
	for _i in 1 2 3 4; do t_skip "needs root, useradd and runuser"; done
fi

# ---------------------------------------------------------------- command line
t_run 2 catalog
t_stderr_has "which one: list, show, validate or load?"
t_run 2 catalog frob
t_stderr_has "unknown subcommand 'frob'"
RC=0; "$MCASSESS" --db "$T/none.db" catalog list >"$OUT" 2>"$ERR" || RC=$?
t_check "list without a database exits 1" [ "$RC" -eq 1 ]
t_stderr_has "$T/none.db"
done_testing
