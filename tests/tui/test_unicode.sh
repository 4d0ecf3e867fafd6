#!/bin/sh
# test_unicode.sh: names and text in many scripts (Thai, Hindi, Hebrew educators
# from tests/tui/unicode/names.csv; emoji, jamo, kana with a mark in evidence):
# the workstation's screens in-process and in tmux, typing and deleting whole
# characters in the editor, and the CLI's queue columns.
. "$TOP_SRCDIR/tests/cli/lib.sh"
DIR=$TOP_SRCDIR/tests/tui/unicode
t_init_db
t_run 0 import "$DIR/names.csv"
MCASSESS_TUI_NOW=2026-11-22T12:00:00Z TERM=xterm NO_COLOR=1 LC_ALL=C.UTF-8
export MCASSESS_TUI_NOW TERM NO_COLOR LC_ALL
cp "$DB" "$T/base.db"

# same_file WANT GOT DESCRIPTION: ok when the files are equal, else the diff.
same_file() {
	if diff -u "$1" "$2" >"$T/diff" 2>&1; then t_ok "$3"; else t_fail "$3"; t_diag "$T/diff"; fi
}
# no_question_marks FILE DESCRIPTION: nothing drawn as '?' or U+FFFD (the status
# line's "? help" names a key).
no_question_marks() {
	t_check "$2" sh -c '[ -s "$1" ] && ! sed "s/^? help//" "$1" | grep -q "[?�]"' sh "$1"
}

# The script is replayed on the imported database; each screen it dumps must
# equal unicode/NAME.screen (GENERATE=1 copies them there instead).
KEYS=$DIR/names-80x24.keys
mkdir -p "$T/dumps"
MCASSESS_TUI_SCRIPT=$KEYS MCASSESS_TUI_SIZE=80x24 MCASSESS_TUI_DUMP_DIR=$T/dumps \
	"$MCASSESS" --db "$DB" tui >"$OUT" 2>"$ERR" </dev/null || RC=$?
t_check "the script ran: exit 0 (got $RC), nothing on stderr" [ "$RC" -eq 0 ] && [ ! -s "$ERR" ]
ndumps=$(grep -c '^:dump ' "$KEYS")
t_check "$ndumps screens dumped" [ "$(ls "$T/dumps" 2>/dev/null | wc -l)" -eq "$ndumps" ]
for dump in "$T"/dumps/*; do
	want=$DIR/$(basename "$dump").screen
	[ -n "${GENERATE:-}" ] && cp "$dump" "$want"
	same_file "$want" "$dump" "screen $(basename "$dump")"
	no_question_marks "$dump" "$(basename "$dump"): no character drawn as '?' or a replacement"
done
got=$(sql "SELECT body FROM draft")
t_check "the typed text lost whole characters, marks and all (draft '$got')" \
	[ "$got" = "ครูสมศักดิ์ ดี  नम" ]

# ------------------------------------------------------------- the CLI's columns
# `queue` pads by the same widths: the district column starts at the same cell
# on every row (Hebrew 8 cells with its points, Thai 9, Hindi 14 with its signs).
t_run 0 queue
sed -n '3,$p' "$OUT" | sed 's/ *[0-9]*[dh]$//' >"$T/got"
cat >"$T/want" <<'WANT'
ID   STATUS  CREDENTIAL  EDUCATOR        DISTRICT  ATTEMPT  AGE
U-3  queued  TEAM-QUES   שָלוֹם כֹּהֵן        Maury     1
U-1  queued  TEAM-QUES   สมศักดิ์ ใจดี       Knox      1
U-2  queued  TEAM-QUES   नमस्ते किरण शर्मा  Knox      1
WANT
same_file "$T/want" "$T/got" "queue: columns line up after Thai, Hindi and Hebrew names"

# ------------------------------------------------------------ a real terminal
# The same names in tmux (which measures characters with the C library, as a
# terminal does): what it shows equals the in-process screens, so no cell is
# drawn as '?' and the columns do not shift.
SOCK=$T/tmux.sock # a private server, removed with $T
tm() { tmux -u -S "$SOCK" -f /dev/null "$@"; }
# pane_has TEXT: the pane shows TEXT now; eventually CMD...: within 5 s.
pane_has() { tm capture-pane -p -t t >"$T/pane" 2>/dev/null && grep -qF -- "$1" "$T/pane"; }
eventually() {
	_tries=50
	until "$@"; do
		_tries=$((_tries - 1))
		[ "$_tries" -gt 0 ] || return 1
		sleep 0.1
	done
}
# same_as SCREEN ROWS DESCRIPTION: the pane's first ROWS rows equal the screen's
# (ages aside: the clock is the real one here).
same_as() {
	head -"$2" "$DIR/$1.screen" | sed 's/ *[0-9]*[dh]$//' >"$T/want"
	tm capture-pane -p -t t | head -"$2" | sed 's/ *$//; s/ *[0-9]*[dh]$//' >"$T/got"
	same_file "$T/want" "$T/got" "$3"
}
if command -v tmux >/dev/null 2>&1; then
	cp "$T/base.db" "$DB"
	rm -f "$DB-wal" "$DB-shm"
	trap 'tm kill-server >/dev/null 2>&1; rm -rf "$T"' EXIT
	cat >"$T/run.sh" <<RUN
#!/bin/sh
export LC_ALL=C.UTF-8 HOME="$HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" NO_COLOR=1
"$MCASSESS" --db "$DB" tui 2>"$T/tui.err"
RUN
	chmod +x "$T/run.sh"
	tm new-session -d -s t -x 80 -y 24 "$T/run.sh"
	eventually pane_has "U-2 " || t_diag "$T/pane"
	same_as names-queue-80x24 6 "tmux: the queue with Thai, Hindi and Hebrew names is as in-process"
	tm send-keys -t t j Enter
	eventually pane_has "Rubric v1" || t_diag "$T/pane"
	same_as names-submission-80x24 21 "tmux: the submission (emoji, jamo, kana with a mark) is as in-process"
	tm capture-pane -p -t t >"$T/pane"
	no_question_marks "$T/pane" "tmux: no cell shows '?' or a replacement character"
	tm kill-server >/dev/null 2>&1

	# A locale that is not UTF-8 (as `su - user` leaves it): said at start, and
	# what is typed is kept (it used to become "caf" without a word).
	cp "$T/base.db" "$DB"
	rm -f "$DB-wal" "$DB-shm"
	sed 's/LC_ALL=C.UTF-8/LC_ALL=C LANG=C/' "$T/run.sh" >"$T/run-c.sh"
	chmod +x "$T/run-c.sh"
	tm new-session -d -s t -x 80 -y 24 "$T/run-c.sh"
	t_check "LANG=C: the workstation says the locale is not UTF-8 and how to fix it" \
		eventually pane_has 'locale "C" is not UTF-8: text is read and shown as UTF-8'
	t_check "LANG=C: ... naming LANG=C.UTF-8" eventually pane_has "set LANG=C.UTF-8"
	tm send-keys -t t j Enter
	eventually pane_has "Rubric v1"
	tm send-keys -t t f
	eventually pane_has "Feedback on U-1"
	tm send-keys -t t -l "café 小明 สมศักดิ์"
	t_check "LANG=C: typed text shows as typed" eventually pane_has " café 小明 สมศักดิ์"
	tm send-keys -t t Escape
	eventually pane_has "kept as a draft"
	got=$(sql "SELECT body FROM draft")
	t_check "LANG=C: typed text is kept whole (draft '$got')" [ "$got" = "café 小明 สมศักดิ์" ]
	tm kill-server >/dev/null 2>&1
else
	_t_n=$((_t_n + 1)); echo "ok $_t_n # SKIP tmux is not installed"
fi

done_testing
