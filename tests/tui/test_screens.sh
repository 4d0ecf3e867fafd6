#!/bin/sh
# test_screens.sh: the workstation's screens without a terminal (tig's way).
# Each tests/tui/NAME.keys is replayed by mcassess itself (MCASSESS_TUI_SCRIPT:
# keys are fed only when the program is idle); every `:dump SCREEN` line writes
# the screen as text, which must equal tests/tui/SCREEN.screen.
# GENERATE=1 rewrites the .screen files: read every one before accepting it.
. "$TOP_SRCDIR/tests/cli/lib.sh"
TUI_DIR=$TOP_SRCDIR/tests/tui

t_init_db
sqlite3 "$DB" <"$FIXTURES/tui/queue.sql" || { echo "Bail out! the fixture did not load"; exit 1; }
cp "$DB" "$T/base.db"
# A fixed clock for ages, small keyset pages so paging is exercised, no colours.
MCASSESS_TUI_NOW=2026-11-22T12:00:00Z MCASSESS_TUI_PAGE=7 TERM=xterm NO_COLOR=1
export MCASSESS_TUI_NOW MCASSESS_TUI_PAGE TERM NO_COLOR

# replay KEYS [SIZE]: on a fresh copy of the database; dumps go to $T/dumps/NAME/.
replay() {
	_keys=$1
	_name=$(basename "$_keys" .keys)
	_size=${2:-$(sed -n 's/^# size \([0-9]*x[0-9]*\).*/\1/p' "$_keys" | head -1)}
	cp "$T/base.db" "$DB"
	rm -f "$DB-wal" "$DB-shm"
	rm -rf "$T/dumps/$_name"
	mkdir -p "$T/dumps/$_name"
	RC=0
	MCASSESS_TUI_SCRIPT=$_keys MCASSESS_TUI_SIZE=${_size:-80x24} MCASSESS_TUI_DUMP_DIR=$T/dumps/$_name \
		"$MCASSESS" --db "$DB" tui >"$OUT" 2>"$ERR" </dev/null || RC=$?
}

# check_dumps KEYS: every screen the script dumped equals its .screen file.
check_dumps() {
	_name=$(basename "$1" .keys)
	for _screen in $(sed -n 's/^:dump \(.*\)/\1/p' "$1"); do
		_got=$T/dumps/$_name/$_screen
		_want=$TUI_DIR/$_screen.screen
		if [ ! -f "$_got" ]; then
			t_fail "$_name: screen $_screen was dumped"
			continue
		fi
		if [ -n "${GENERATE:-}" ]; then
			cp "$_got" "$_want"
			t_ok "$_name: $_screen.screen generated (review it)"
		elif diff -u "$_want" "$_got" >"$T/diff" 2>&1; then
			t_ok "$_name: screen $_screen"
		else
			t_fail "$_name: screen $_screen"
			t_diag "$T/diff"
		fi
	done
}

# scores_of ID: "O1=demonstrated A1=..." in criterion order.
scores_of() {
	sql "SELECT group_concat(c.code || '=' || l.code, ' ') FROM (SELECT * FROM score
		ORDER BY criterion_id) s JOIN criterion c ON c.id = s.criterion_id
		JOIN level l ON l.id = s.level_id JOIN submission u ON u.id = s.submission_id
		WHERE u.ext_id = '$1'"
}

for keys in "$TUI_DIR"/*.keys; do
	replay "$keys"
	if [ "$RC" -eq 0 ] && [ ! -s "$ERR" ]; then
		t_ok "$(basename "$keys"): replayed, exit 0, nothing on stderr"
	else
		t_fail "$(basename "$keys"): replayed, exit 0, nothing on stderr (got $RC)"
		t_diag "$ERR"
	fi
	check_dumps "$keys"
	# What the scripts changed, checked in the database itself.
	case $(basename "$keys") in
	submission-80x24.keys)
		got=$(sql "SELECT l.code FROM score s JOIN criterion c ON c.id = s.criterion_id
			JOIN level l ON l.id = s.level_id JOIN submission u ON u.id = s.submission_id
			WHERE u.ext_id = 'S-001' AND c.code = 'O2'")
		t_check "digit 2 scored S-001 O2 as progressing (got '$got')" [ "$got" = progressing ]
		got=$(sql "SELECT count(*) FROM score s JOIN submission u ON u.id = s.submission_id
			WHERE u.ext_id = 'S-001'")
		t_check "a level beyond the rubric scored nothing (3 scores, got $got)" [ "$got" = 3 ]
		got=$(sql "SELECT count(*) FROM audit WHERE action = 'score' AND subject = 'submission:S-001'")
		t_check "the score is audited ($got row)" [ "$got" = 1 ]
		;;
	submission-160x48.keys)
		got=$(scores_of S-001)
		t_check "scores after 2, 3, then 1 on O1 (R1 left unscored) (got '$got')" \
			[ "$got" = "O1=not_met O2=progressing A1=demonstrated" ]
		;;
	editor-80x24.keys)
		got=$(sql "SELECT body FROM feedback f JOIN submission u ON u.id = f.submission_id
			WHERE u.ext_id = 'S-001'")
		want=$(printf 'The overview is clear and specific. 你的学生在回答问题时表现出了很强的思考能力，请在反思部分多写一些具体的例子。\nNext time, plan the follow-up questions.')
		t_check "^X saved the feedback, undo included, line break kept" [ "$got" = "$want" ]
		got=$(sql "SELECT count(*) FROM draft")
		t_check "saving cleared the draft ($got left)" [ "$got" = 0 ]
		got=$(sql "SELECT count(*) FROM audit WHERE action = 'feedback' AND subject = 'submission:S-001'")
		t_check "the feedback is audited ($got row)" [ "$got" = 1 ]
		;;
	editor-160x48.keys)
		got=$(sql "SELECT body FROM draft WHERE target = 'overall' AND author = '$(id -un)'")
		want='The overview iclear and specific. 你的学生在回答问题时表现出了很强的思考能力，请在反思部分多写一些具体的例子。 Your evidence meets every criterion of this micro-credential. Congratulations: the credential is earned.'
		t_check "Esc kept the text (bank comment inserted) as a draft, saved on leaving" [ "$got" = "$want" ]
		got=$(sql "SELECT count(*) FROM feedback")
		t_check "leaving without ^X saved no feedback ($got)" [ "$got" = 0 ]
		;;
	decide-80x24.keys)
		got=$(sql "SELECT d.outcome FROM decision d JOIN submission u ON u.id = d.submission_id
			WHERE u.ext_id = 'S-001'")
		t_check "S-001 decided resubmit after the refusals (got '$got')" [ "$got" = resubmit ]
		got=$(sql "SELECT count(*) FROM decision")
		t_check "the refused decisions wrote nothing (1 decision, got $got)" [ "$got" = 1 ]
		got=$(sql "SELECT count(*) FROM claim")
		t_check "claims released on exit (got $got)" [ "$got" = 0 ]
		got=$(sql "SELECT group_concat(action || ' ' || subject, ', ') FROM (SELECT * FROM audit
			WHERE action IN ('claim', 'release') ORDER BY seq)")
		t_check "claims audited: S-001 claimed and released, then S-002 (got '$got')" \
			[ "$got" = "claim submission:S-001, release submission:S-001, claim submission:S-002, release submission:S-002" ]
		;;
	decide-160x48.keys)
		got=$(sql "SELECT d.outcome || ' ' || u.status FROM decision d JOIN submission u ON u.id = d.submission_id
			WHERE u.ext_id = 'S-001'")
		t_check "S-001 earned once every criterion passed (got '$got')" [ "$got" = "earned earned" ]
		;;
	incomplete-80x24.keys)
		got=$(sql "SELECT d.outcome || '|' || u.status || '|' || d.reason FROM decision d
			JOIN submission u ON u.id = d.submission_id WHERE u.ext_id = 'S-001'")
		t_check "i returned S-001 as incomplete with the reason typed (got '$got')" \
			[ "$got" = "incomplete|incomplete|The lesson plan file cannot be opened and the reflection part is missing entirely." ]
		got=$(sql "SELECT count(*) FROM decision")
		t_check "Esc and Enter with no reason recorded nothing (1 decision, got $got)" [ "$got" = 1 ]
		got=$(sql "SELECT count(*) FROM audit WHERE action = 'decide' AND subject = 'submission:S-001'")
		t_check "the return is audited ($got row)" [ "$got" = 1 ]
		;;
	flow-80x24.keys)
		got=$(scores_of S-001)
		t_check "J then 2 scored A1 from the evidence pane, 3 in the summary again (got '$got')" \
			[ "$got" = "O1=demonstrated A1=demonstrated" ]
		;;
	flow-160x48.keys)
		got=$(scores_of S-002)
		t_check "3 with the evidence focused scored S-002's O1 (got '$got')" [ "$got" = "O1=demonstrated" ]
		;;
	comment-80x24.keys)
		got=$(sql "SELECT l.code || ': ' || s.comment FROM score s JOIN criterion c ON c.id = s.criterion_id
			JOIN level l ON l.id = s.level_id JOIN submission u ON u.id = s.submission_id
			WHERE u.ext_id = 'S-001' AND c.code = 'O1'")
		t_check "the comment is saved with O1's score kept (got '$got')" \
			[ "$got" = "demonstrated: Clear description of the class; name the English learners' needs." ]
		got=$(sql "SELECT l.code || ': ' || s.comment FROM score s JOIN criterion c ON c.id = s.criterion_id
			JOIN level l ON l.id = s.level_id JOIN submission u ON u.id = s.submission_id
			WHERE u.ext_id = 'S-001' AND c.code = 'O2'")
		t_check "the comment written before O2 was scored went in with its score (got '$got')" \
			[ "$got" = "progressing: Ask why you chose these questions." ]
		got=$(sql "SELECT count(*) FROM draft")
		t_check "the kept comment's draft is gone once saved with the score ($got left)" [ "$got" = 0 ]
		;;
	esac
done

# SIGHUP in the middle of typing: the draft is saved at once, the claim released,
# and the text is back when the submission is reopened.
for sig in HUP TERM INT; do
	printf '<Enter>fHalf a sentence about the %s\n:signal %s\nnever typed\n' "$sig" "$sig" >"$T/sig.keys"
	replay "$T/sig.keys" 80x24
	t_check "SIG$sig: exit 1 (got $RC)" [ "$RC" -eq 1 ]
	t_stderr_has "unsaved text was kept as a draft"
	got=$(sql "SELECT body FROM draft WHERE target = 'overall'")
	t_check "SIG$sig: the draft was saved (got '$got')" [ "$got" = "Half a sentence about the $sig" ]
	got=$(sql "SELECT count(*) FROM claim")
	t_check "SIG$sig: the claim was released (got $got)" [ "$got" = 0 ]
done
cp "$DB" "$T/draft.db"
printf '<Enter>\n:dump draft-reopen-80x24\nf\n:dump draft-back-80x24\n' >"$T/draft-reopen.keys"
cp "$T/base.db" "$T/base.keep"
cp "$T/draft.db" "$T/base.db"
replay "$T/draft-reopen.keys" 80x24
cp "$T/base.keep" "$T/base.db"
t_check "reopened: the screen says a draft waits" \
	grep -q "unsaved text you wrote here is kept as a draft" "$T/dumps/draft-reopen/draft-reopen-80x24"
t_check "reopened: f brings the draft back" \
	grep -q "^ Half a sentence about the INT" "$T/dumps/draft-reopen/draft-back-80x24"

# Drafts are saved when the keys pause (:idle is a second without a key).
printf '<Enter>fTyped then paused\n:idle\n:dump idle\n' >"$T/idle.keys"
replay "$T/idle.keys" 80x24
t_check "idle: the draft is in the database" [ "$(sql "SELECT body FROM draft")" = "Typed then paused" ]
t_check "idle: the editor says the draft is kept" grep -q "· draft kept" "$T/dumps/idle/idle"

# $VISUAL edits a 0600 temporary file given as its one argument, and its text
# comes back into the editor (quoting and a missing editor: test_extern.sh).
cat >"$T/fake-editor" <<'ED'
#!/bin/sh
printf '%s\n' "$#" "$1" >"$T_DIR/editor.args"
stat -c %a "$1" >"$T_DIR/editor.mode"
printf 'Added by the editor; it has $HOME and `quotes`.\n' >>"$1"
ED
chmod +x "$T/fake-editor"
printf '<Enter>fFirst line.<^E>\n:dump extern\n<^X>\n' >"$T/extern.keys"
export T_DIR=$T
VISUAL="$T/fake-editor" replay "$T/extern.keys" 80x24
t_check "\$VISUAL got one argument, the file" [ "$(head -1 "$T/editor.args")" = 1 ]
t_check "the temporary file was 0600 ($(cat "$T/editor.mode"))" [ "$(cat "$T/editor.mode")" = 600 ]
t_check "the temporary file is removed" [ ! -e "$(sed -n 2p "$T/editor.args")" ]
got=$(sql "SELECT body FROM feedback")
want=$(printf 'First line.\nAdded by the editor; it has $HOME and `quotes`.')
t_check "the editor's text was saved as the feedback" [ "$got" = "$want" ]

# Ctrl-C inside $VISUAL is the editor's: the workstation stays, and ^X saves.
printf '#!/bin/sh\nkill -INT $PPID\nprintf "Kept after ^C.\\n" >"$1"\n' >"$T/int-editor"
chmod +x "$T/int-editor"
printf '<Enter>f<^E>\n<^X>\n' >"$T/int.keys"
VISUAL="$T/int-editor" replay "$T/int.keys" 80x24
t_check "Ctrl-C in \$VISUAL: the workstation went on (exit $RC)" [ "$RC" -eq 0 ]
t_check "Ctrl-C in \$VISUAL: the text was saved" [ "$(sql "SELECT body FROM feedback")" = "Kept after ^C." ]

# File evidence opens in the viewer ~/.mailcap names for its media type, with
# the stored file where %s is (mailcap quoting: test_extern.sh).
t_init_view() {
	rm -f "$T/view.db"*
	"$MCASSESS" --db "$T/view.db" init >/dev/null 2>&1 &&
	"$MCASSESS" --db "$T/view.db" import "$FIXTURES/import/good.csv" --evidence "$FIXTURES/import/evidence" >/dev/null 2>&1
}
if t_init_view; then
	cat >"$T/viewer" <<'VW'
#!/bin/sh
printf '%s\n' "$@" >"$T_DIR/viewer.args"
VW
	chmod +x "$T/viewer"
	printf '# a comment\ntext/plain; cat %%s\napplication/pdf; %s --page 1 %%s; needsterminal\n' "$T/viewer" >"$HOME/.mailcap"
	printf '/S-101<Enter><Enter>]v\n:dump viewed\n' >"$T/view.keys"
	RC=0
	MCASSESS_TUI_SCRIPT=$T/view.keys MCASSESS_TUI_DUMP_DIR=$T "$MCASSESS" --db "$T/view.db" tui >"$OUT" 2>"$ERR" </dev/null || RC=$?
	t_check "mailcap: the viewer ran with its own argument, then the file" [ "$(sed -n 1p "$T/viewer.args")" = "--page" ]
	sha=$(sqlite3 "$T/view.db" "SELECT blob_sha256 FROM evidence WHERE file_name LIKE '%lesson.pdf'" 2>/dev/null | head -1)
	t_check "mailcap: the file is the stored evidence file ($sha)" grep -q "^/.*${sha:-no-such-file}" "$T/viewer.args"
	t_check "mailcap: the screen says what was viewed" grep -q "viewed lesson.pdf (application/pdf)" "$T/viewed"
	rm -f "$HOME/.mailcap"
else
	t_ok "mailcap viewer # SKIP the import fixture did not load"
	t_ok "mailcap viewer # SKIP"
	t_ok "mailcap viewer # SKIP"
fi

# Another assessor holds S-001: it opens read-only, saying who and since when.
cp "$T/base.db" "$T/claimed.db"
sqlite3 "$T/claimed.db" "INSERT INTO claim(submission_id, uid, user, claimed_at, seen_at)
	SELECT id, 'u-other', 'alice', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
	FROM submission WHERE ext_id = 'S-001'"
cp "$T/base.db" "$T/base.keep"
cp "$T/claimed.db" "$T/base.db"
printf '<Enter>\n:dump claimed\n<Tab>2\n:dump claimed-score\n' >"$T/claimed.keys"
replay "$T/claimed.keys" 80x24
t_check "claimed by alice: the screen says who holds it" grep -q "S-001 is being scored by alice since" "$T/dumps/claimed/claimed"
t_check "claimed by alice: a digit scores nothing" [ "$(sql "SELECT count(*) FROM score")" = 2 ]
t_check "claimed by alice: her claim stays" [ "$(sql "SELECT user FROM claim")" = alice ]
# An admin (the test's user ran init) takes alice's live claim with T, then scores.
printf '<Enter>T\n:dump claimed-taken\n2\n' >"$T/taken.keys"
replay "$T/taken.keys" 80x24
t_check "T: the screen says the submission is the admin's now" grep -q "S-001 is yours now" "$T/dumps/taken/claimed-taken"
t_check "T: the digit scored O2 after the takeover (3 scores)" [ "$(sql "SELECT count(*) FROM score")" = 3 ]
t_check "T: alice's release is audited as the admin's doing" \
	[ "$(sql "SELECT json_extract(before, '$.user') || ' ' || json_extract(after, '$.released_by') FROM audit WHERE action = 'release' ORDER BY seq LIMIT 1")" = "alice $(id -un)" ]
# An idle claim (older than claim_idle_minutes) may be taken over.
sqlite3 "$T/base.db" "UPDATE claim SET seen_at = '2020-01-01T00:00:00Z'"
printf '<Enter><Tab>2\n' >"$T/claimed.keys"
replay "$T/claimed.keys" 80x24
cp "$T/base.keep" "$T/base.db"
t_check "an expired claim is taken over and the score saved" [ "$(sql "SELECT count(*) FROM score")" = 3 ]
t_check "the takeover is audited with alice as before" \
	[ "$(sql "SELECT json_extract(before, '$.user') FROM audit WHERE action = 'claim'")" = alice ]

# The viewer's own reads in the queue's RD column (tests/tui/read/).
cp "$T/base.db" "$T/base.keep"
sqlite3 "$T/base.db" "INSERT INTO assignment(uid, submission_id, assessor, read, blind, assigned_by, at)
	SELECT 'a-rd-' || ext_id, id, '$(id -un)', CASE ext_id WHEN 'S-002' THEN 'second'
		WHEN 'S-003' THEN 'first' ELSE 'adjudication' END, ext_id = 'S-002', 'root', '2026-11-22T00:00:00Z'
	FROM submission WHERE ext_id IN ('S-002', 'S-003', 'S-004')"
replay "$TUI_DIR/read/read-80x24.keys"
cp "$T/base.keep" "$T/base.db"
TUI_DIR=$TUI_DIR/read check_dumps "$TUI_DIR/read/read-80x24.keys"

# The same screens on a colour terminal and on a monochrome one (attributes only).
for term in xterm-256color vt100; do
	if ! infocmp "$term" >/dev/null 2>&1; then
		t_ok "queue on $term # SKIP no terminfo entry"
		continue
	fi
	printf ':dump queue-80x24\n<Enter>\n:dump submission-80x24\n' >"$T/term.keys"
	TERM=$term NO_COLOR=
	replay "$T/term.keys" 80x24
	TERM=xterm NO_COLOR=1
	if diff -q "$TUI_DIR/queue-80x24.screen" "$T/dumps/term/queue-80x24" >/dev/null &&
	   diff -q "$TUI_DIR/submission-80x24.screen" "$T/dumps/term/submission-80x24" >/dev/null &&
	   [ "$RC" -eq 0 ]; then
		t_ok "queue and submission on $term look the same"
	else
		t_fail "queue and submission on $term look the same (exit $RC)"
		t_diag "$ERR"
	fi
done

# A cursor move is two rows, never a repaint: count what would reach the terminal.
bytes_for() {
	printf '%s\n' "$1" >"$T/bytes.keys"
	cp "$T/base.db" "$DB"
	MCASSESS_TUI_SCRIPT=$T/bytes.keys MCASSESS_TUI_TTY_OUT=$T/tty.out \
		"$MCASSESS" --db "$DB" tui >/dev/null 2>&1 </dev/null
	wc -c <"$T/tty.out"
}
b0=$(bytes_for "")
b10=$(bytes_for "jjjjjjjjjj")
per=$(( (b10 - b0) / 10 ))
t_check "a cursor move sends few bytes ($per per move; a repaint is > 1500)" sh -c '[ "$1" -gt 0 ] && [ "$1" -lt 300 ]' - "$per"

# The arrow cursor for slow links: "->" moves, two cells change.
mkdir -p "$XDG_CONFIG_HOME/mcassess"
printf 'set cursor arrow\n' >"$XDG_CONFIG_HOME/mcassess/config"
a0=$(bytes_for "")
a10=$(bytes_for "jjjjjjjjjj")
aper=$(( (a10 - a0) / 10 ))
t_check "arrow cursor: under 40 bytes a move ($aper)" sh -c '[ "$1" -gt 0 ] && [ "$1" -lt 40 ]' - "$aper"
printf 'jj\n:dump arrow-80x24\n' >"$T/arrow.keys"
replay "$T/arrow.keys" 80x24
t_check "arrow cursor: drawn at the third row" grep -q '^->S-003 ' "$T/dumps/arrow/arrow-80x24"
rm -f "$XDG_CONFIG_HOME/mcassess/config"

# User bindings and colours from the config file; bad lines named by file:line.
mkdir -p "$XDG_CONFIG_HOME/mcassess"
printf 'bind n move-down\nbind x none\nbind ? nonsense\ncolor cursor black yellow bold\n' \
	>"$XDG_CONFIG_HOME/mcassess/config"
printf 'nn<Enter>\n:dump config-open\n' >"$T/config.keys"
replay "$T/config.keys" 80x24
t_check "config: 'bind n move-down' moves (S-003 opened)" grep -q '^ S-003 ·' "$T/dumps/config/config-open"
printf ':dump config-start\n' >"$T/config.keys"
replay "$T/config.keys" 160x48
t_check "config: the bad line is reported with file:line" \
	grep -q "mcassess/config:3: bind: unknown action 'nonsense'" "$T/dumps/config/config-start"
printf '?\n:dump config-help\n' >"$T/config.keys"
replay "$T/config.keys" 80x24
t_check "config: help lists the user's binding" grep -q '^ j, Down, n  *move-down' "$T/dumps/config/config-help"
rm -f "$XDG_CONFIG_HOME/mcassess/config"

# The reports screen queries once, when it opens (issue 13): keys that move and
# page within it run no report query (MCASSESS_SQL_TRACE logs every statement);
# r (refresh), or leaving and pressing R again, is how it is read afresh.
report_queries() { grep -c 'report_month\|report_agree_count\|FROM pathway p LEFT JOIN credential' "$1"; }
printf 'R\n:dump rq-open\nq\n' >"$T/rq.keys"
rm -f "$T/rq-open.sql"
MCASSESS_SQL_TRACE=$T/rq-open.sql replay "$T/rq.keys" 80x24
opened=$(report_queries "$T/rq-open.sql")
t_check "reports: opening runs the report queries ($opened: progress, its catalog, agreement)" [ "$opened" -eq 3 ]
printf 'R\njjjjjjjjjj\n<PgDn>\n<PgDn>\nkkkkk\n<PgUp>\nGg\n:dump rq-moved\nq\n' >"$T/rq.keys"
rm -f "$T/rq-moved.sql"
MCASSESS_SQL_TRACE=$T/rq-moved.sql replay "$T/rq.keys" 80x24
t_check "reports: 21 keys within the screen run no report query" [ "$(report_queries "$T/rq-moved.sql")" -eq "$opened" ]
printf 'R\njj\nq\nR\n:dump rq-again\nq\n' >"$T/rq.keys"
rm -f "$T/rq-again.sql"
MCASSESS_SQL_TRACE=$T/rq-again.sql replay "$T/rq.keys" 80x24
t_check "reports: opening it again reads it afresh" [ "$(report_queries "$T/rq-again.sql")" -eq $((2 * opened)) ]
printf 'R\njjr\n:dump rq-refresh\nq\n' >"$T/rq.keys"
rm -f "$T/rq-refresh.sql"
MCASSESS_SQL_TRACE=$T/rq-refresh.sql replay "$T/rq.keys" 80x24
t_check "reports: r takes the figures again" [ "$(report_queries "$T/rq-refresh.sql")" -eq $((2 * opened)) ]
t_check "reports: the screen says when the figures were taken" \
	grep -q '^ Figures taken 2026-11-22 at 12:00 UTC; r takes them again\.' "$T/dumps/rq/rq-refresh"

# Under a locale that is not UTF-8 and not ASCII (ISO-8859-1, made here from
# Debian's locales package: .ci/deps), the bars are drawn in ASCII, '#' for what
# is earned and '.' for the rest, whole cells only (issue 13). (An ASCII locale,
# LANG=C, is taken for a UTF-8 terminal, as the queue's names are: driver.c.)
if mkdir -p "$T/loc" && localedef -i en_US -f ISO-8859-1 "$T/loc/en_US.ISO-8859-1" >"$T/loc.err" 2>&1; then
	printf 'R\n:dump rq-latin1\nq\n' >"$T/rq.keys"
	LOCPATH=$T/loc LC_ALL=en_US.ISO-8859-1
	export LOCPATH LC_ALL
	replay "$T/rq.keys" 80x24
	unset LOCPATH LC_ALL
	sed -n '4,10p' "$TUI_DIR/reports-80x24.screen" | sed 's/█/#/g; s/[▏▎▍▌▋▊▉]/./g; s/·/./g' >"$T/bars.want"
	sed -n '4,10p' "$T/dumps/rq/rq-latin1" >"$T/bars.got"
	t_check "reports under ISO-8859-1: the bars in ASCII" cmp -s "$T/bars.want" "$T/bars.got" ||
		t_diag "$T/bars.got"
	t_check "reports under ISO-8859-1: the earned bar is of '#'" grep -q '^ TUIT .* ####*$' "$T/bars.got"
else
	t_diag "$T/loc.err"
	t_fail "reports under ISO-8859-1: localedef made the locale (Debian's locales package)"
fi

# A bad script is an error with its file and line, not a hang.
printf 'j\n<Nope>\n' >"$T/bad.keys"
replay "$T/bad.keys" 80x24
t_check "bad script: exit 2 (got $RC)" [ "$RC" -eq 2 ]
t_stderr_has "bad.keys:2: unknown key '<Nope>' in the script"

# No terminal and no script: a clear refusal.
mc tui
t_check "without a terminal: exit 2 (got $RC)" [ "$RC" -eq 2 ]
t_stderr_has "mcassess: tui: the workstation needs a terminal"

done_testing
