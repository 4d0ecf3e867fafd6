#!/bin/sh
# test_termsafe.sh: text that came from outside never drives the terminal. Evidence
# carrying ESC ] 52 (writes the clipboard), ESC ] 0 (sets the window title), CSI,
# C1 (U+009B), bidi overrides, a newline in a file name: show, search, queue,
# people list and error messages make every control visible; tsv and json stay
# exact; import refuses C1 and bidi controls in ids, names, districts, schools
# and file names, naming file:line and the field, and changes nothing.
. "$TOP_SRCDIR/tests/cli/lib.sh"

FX=$FIXTURES/termsafe
t_init_db

# raw_free: no ESC, BEL, other C0 but TAB/LF, DEL, C1 (as UTF-8) or bidi control in FILE
raw_free() {
	python3 - "$1" <<'PY'
import re, sys
b = open(sys.argv[1], "rb").read()
bad = re.search(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]", b)
if bad:
    print("# raw control at byte %d: %r" % (bad.start(), b[max(0, bad.start() - 20):bad.end() + 20]))
sys.exit(1 if bad else 0)
PY
}
t_raw_free() { if raw_free "$2"; then t_ok "$1: no raw control characters"; else t_fail "$1: no raw control characters"; fi; }

# ---------------------------------------------------------------- import refuses
H=submission_id,educator_id,educator_name,district,school,credential,submitted_at,part,kind,text,file
C1=$(printf '\302\233') RLO=$(printf '\342\200\256') LRI=$(printf '\342\201\246')
# t_refused COLUMN VALUE-ROW WHY: importing a row with VALUE in COLUMN fails with
# file:line and the column, shown visibly, and nothing changes.
t_refused() {
	printf '%s\nOK-1,E-OK,Ann Lee,North,,TEAM-QUES,2026-11-22,overview,text,fine,\n%s\n' "$H" "$2" >"$T/bad.csv"
	t_snapshot
	t_run 3 import "$T/bad.csv" --evidence "$T/ev"
	t_stderr_has "$T/bad.csv:3: column '$1': $3"
	t_raw_free "import's message about '$1'" "$ERR"
	t_db_unchanged
}
mkdir -p "$T/ev" && printf 'plan' >"$T/ev/$(printf 'plan\n.pdf')"
t_refused submission_id "S-${C1}1,E-1,Ann,North,,TEAM-QUES,2026-11-22,overview,text,x," \
	"contains the invisible control character U+009B; remove it"
t_refused educator_id "S-1,E-${RLO}1,Ann,North,,TEAM-QUES,2026-11-22,overview,text,x," \
	"contains U+202E, an invisible character that reorders how the text around it is displayed"
t_refused educator_name "S-1,E-1,Ann ${C1}Lee,North,,TEAM-QUES,2026-11-22,overview,text,x," \
	"contains the invisible control character U+009B"
t_refused district "S-1,E-1,Ann,No${LRI}rth,,TEAM-QUES,2026-11-22,overview,text,x," \
	"contains U+2066, an invisible character"
t_refused school "S-1,E-1,Ann,North,Oak${C1},TEAM-QUES,2026-11-22,overview,text,x," \
	"contains the invisible control character U+009B"
t_refused school "S-1,E-1,Ann,North,Oak$(printf '\033')]0;x,TEAM-QUES,2026-11-22,overview,text,x," \
	"contains a control character"
# a file whose name has a line break: refused clearly, not stored under a name no line can show
t_refused file "S-1,E-1,Ann,North,,TEAM-QUES,2026-11-22,artifact,file,,\"plan
.pdf\"" "contains a control character (a tab or line break?)"
t_refused file "S-1,E-1,Ann,North,,TEAM-QUES,2026-11-22,artifact,file,,${RLO}fdp.exe" \
	"contains U+202E"

t_run 0 import "$FX/hostile.json"

# ---------------------------------------------------------------- show
export COLUMNS=200
t_run 0 show TS-1
t_raw_free "show" "$OUT"
t_stdout_has 'Clipboard ^[]52;c;ZWNobyBvd25lZA==^G then title ^[]0;owned^[\ and colour ^[[31mred^[[0m.'
t_stdout_has "C1 <U+009B>2J and a reversed <U+202E>gnp.exe<U+202C> name."
t_stdout_has "Bidi isolate <U+2066>inside<U+2069> and a bell ^G and delete ^? end."
t_check "show: evidence keeps its line breaks and tabs" grep -qF "$(printf '    Second line\twith a tab')" "$OUT"
unset COLUMNS

# json is exact: the text as imported, byte for byte
t_run 0 show TS-1 --format json
t_check "show --format json: the evidence exactly" python3 -c '
import json, sys
got = json.load(open(sys.argv[1]))["evidence"][0]["text"]
want = json.load(open(sys.argv[2]))[0]["evidence"][0]["text"]
sys.exit(0 if got == want else 1)' "$OUT" "$FX/hostile.json"
t_check "show --format json: controls escaped as JSON does" grep -qF '\u001B]52;c;' "$OUT"
t_check "show --format json: no raw ESC or BEL" sh -c "! grep -q '$(printf '[\033\007]')' '$OUT'"

# ---------------------------------------------------------------- search
t_run 0 search Clipboard
t_raw_free "search" "$OUT"
t_stdout_has "TS-1  overview  "
t_stdout_has "^[]52;c;"
t_run 0 search Clipboard --format tsv
t_check "search --format tsv: the snippet exact (ESC kept for the reading program)" \
	grep -qF "$(printf '\033]52;c;')" "$OUT"
t_run 0 search 'title.*owned' --regex
t_raw_free "search --regex" "$OUT"
t_run 0 search "$(printf 'no\033]0;such')"
t_raw_free "search: 'no matches' quoting the pattern" "$ERR"
t_check "search: the pattern shown visibly" grep -qF "no matches for 'no^[]0;such'" "$ERR"

# ---------------------------------------------------------------- errors quoting input
t_run 1 show "$(printf 'X\033]0;owned\007')"
t_raw_free "show: an unknown id quoted" "$ERR"
t_check "show: the unknown id shown visibly" test "$(cat "$ERR")" = "mcassess: no submission 'X^[]0;owned^G'"
t_run 2 "$(printf 'frob\033]0;owned\007')"
t_raw_free "an unknown command quoted" "$ERR"
t_stderr_has "unknown command 'frob^[]0;owned^G'"
t_run 2 show TS-1 "$(printf 'extra\302\233')"
t_raw_free "usage error quoting an argument" "$ERR"
t_stderr_has "unexpected argument 'extra<U+009B>'"

# ---------------------------------------------------------------- data from before the import checks
# Databases imported before C1 and bidi were refused may hold them: shown visibly.
sql "UPDATE educator SET name = 'Eve ' || char(155) || '31m ' || char(8238) || 'evil' WHERE ext_id = 'E-TS1';
     UPDATE district SET name = 'North' || char(27) || ']0;x' || char(7) WHERE name = 'Northfield';"
t_run 0 queue --status all
t_raw_free "queue" "$OUT"
t_stdout_has "Eve <U+009B>31m <U+202E>evil"
t_stdout_has "North^[]0;x^G"
col() { awk -v s="$1" 'index($0, s) { print index($0, s); exit }' "$OUT"; }
t_check "queue: the columns line up after the visible controls" \
	test "$(col DISTRICT)" = "$(col 'North^[')" -a "$(col EDUCATOR)" = "$(col 'Eve <')"
t_run 0 queue --status all --format tsv
t_check "queue --format tsv: the name exact" grep -qF "$(printf 'Eve \302\23331m \342\200\256evil')" "$OUT"
t_run 0 queue --status all --format json
t_check "queue --format json: the name exact" test "$(jq -r '.[0].educator' "$OUT")" = "$(printf 'Eve \302\23331m \342\200\256evil')"
printf 'plan' >"$T/ev/plan.pdf"
printf '%s\nTS-2,E-TS2,Bo Chen,Northfield,,TEAM-QUES,2026-11-22,artifact,file,,plan.pdf\n' "$H" >"$T/file.csv"
t_run 0 import "$T/file.csv" --evidence "$T/ev"
sql "UPDATE evidence SET file_name = 'plan' || char(10) || char(27) || '[1A.pdf' WHERE kind = 'file'"
t_run 0 show TS-2
t_raw_free "show: a file name with a line break" "$OUT"
t_stdout_has "file plan\n^[[1A.pdf"
t_run 0 show TS-1
t_raw_free "show: educator and district" "$OUT"
t_stdout_has "educator Eve <U+009B>31m <U+202E>evil (E-TS1), North^[]0;x^G"

# ---------------------------------------------------------------- the workstation
# In-process screens (tests/tui/test_screens.sh's way): every control drawn visibly
# in its one cell (control pictures, U+FFFD for C1 and bidi), the layout unchanged.
# (a database of its own: the hostile evidence, and a C1 and a bidi control in the name)
"$MCASSESS" --db "$T/tui.db" init >/dev/null 2>&1 && "$MCASSESS" --db "$T/tui.db" import "$FX/hostile.json" >/dev/null 2>&1 &&
	sqlite3 "$T/tui.db" "UPDATE educator SET name = 'Eve ' || char(155) || '31m ' || char(8238) || 'evil'" ||
	{ echo "Bail out! the workstation's database"; exit 1; }
mkdir -p "$T/dumps"
RC=0
MCASSESS_TUI_NOW=2026-11-22T12:00:00Z TERM=xterm NO_COLOR=1 MCASSESS_TUI_SCRIPT=$FX/hostile.keys \
	MCASSESS_TUI_SIZE=100x30 MCASSESS_TUI_DUMP_DIR=$T/dumps \
	"$MCASSESS" --db "$T/tui.db" tui >"$OUT" 2>"$ERR" </dev/null || RC=$?
t_check "workstation: replayed, exit 0" test "$RC" -eq 0
for screen in hostile-queue hostile-submission; do
	[ -n "${GENERATE:-}" ] && cp "$T/dumps/$screen" "$FX/$screen.screen" # GENERATE=1: read the diff first
	if diff -u "$FX/$screen.screen" "$T/dumps/$screen" >"$T/diff" 2>&1; then t_ok "workstation: screen $screen"
	else t_fail "workstation: screen $screen"; t_diag "$T/diff"; fi
	t_raw_free "workstation: screen $screen" "$T/dumps/$screen"
done

# people: a district given on the command line (any text the admin typed)
me=$(id -un)
t_run 0 people add "$me" --role admin --district "$(printf 'Dist\033[2Jrict')"
t_raw_free "people add: the confirmation" "$OUT"
t_run 0 people list
t_raw_free "people list" "$OUT"
t_stdout_has "Dist^[[2Jrict"
t_run 0 people list --format tsv
t_check "people list --format tsv: the district exact" grep -qF "$(printf 'Dist\033[2Jrict')" "$OUT"

# ---------------------------------------------------------------- archive log
# A commit's author is the person's name as the database has it (set here as a
# database from before might hold it); the log shows it visibly, tsv exactly.
ADB=$T/arc.db
"$MCASSESS" --db "$ADB" init >/dev/null 2>&1 || { echo "Bail out! init"; exit 1; }
if "$MCASSESS" --db "$ADB" archive init >"$OUT" 2>"$ERR"; then
	sqlite3 "$ADB" "UPDATE person SET name = 'Eve' || char(27) || ']0;owned' || char(7) || ' ' || char(155) || 'x',
		email = 'eve' || char(27) || '[2J@example.org' WHERE user = '$me'"
	"$MCASSESS" --db "$ADB" import "$FX/hostile.json" >/dev/null 2>&1
	RC=0; "$MCASSESS" --db "$ADB" archive log TS-1 >"$OUT" 2>"$ERR" || RC=$?
	t_check "archive log: exit 0" test "$RC" -eq 0
	t_raw_free "archive log" "$OUT"
	t_stdout_has "Eve^[]0;owned^G <U+009B>x <eve^[[2J@example.org>  import TS-1"
	"$MCASSESS" --db "$ADB" archive log TS-1 --format tsv >"$OUT" 2>"$ERR"
	t_check "archive log --format tsv: the author exact" \
		grep -qF "$(printf 'Eve\033]0;owned\007 \302\233x\teve\033[2J@example.org')" "$OUT"
else
	t_ok "archive log # SKIP no archive in this build: $(head -1 "$ERR")"
fi

done_testing
