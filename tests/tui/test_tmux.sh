#!/bin/sh
# test_tmux.sh: the workstation in a real terminal: a private tmux server at
# 80x24 runs mcassess on a small database; keys go in with send-keys, the screen
# comes back with capture-pane. Resizes to 200x50 and back; q leaves cleanly.
. "$TOP_SRCDIR/tests/cli/lib.sh"
if ! command -v tmux >/dev/null 2>&1; then
	echo "ok 1 # SKIP tmux is not installed"
	echo "1..1"
	exit 0
fi
t_init_db
sqlite3 "$DB" <"$FIXTURES/tui/queue.sql" || { echo "Bail out! the fixture did not load"; exit 1; }

SOCK=$T/tmux.sock # a private server, removed with $T
tm() { tmux -u -S "$SOCK" -f /dev/null "$@"; }
trap 'tm kill-server >/dev/null 2>&1; rm -rf "$T"' EXIT

# wait_for TEXT: poll the pane (up to 5 s) until it shows TEXT.
wait_for() {
	_i=0
	while [ $_i -lt 50 ]; do
		tm capture-pane -p -t t >"$T/pane" 2>/dev/null
		grep -qF -- "$1" "$T/pane" && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}
shows() {
	if wait_for "$1"; then t_ok "$2"; else t_fail "$2"; t_diag "$T/pane"; fi
}

cat >"$T/run.sh" <<RUN
#!/bin/sh
export LC_ALL=C.UTF-8 HOME="$HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" XDG_DATA_HOME="$XDG_DATA_HOME"
unset NO_COLOR
"$MCASSESS" --db "$DB" tui 2>"$T/tui.err"
echo "exit \$?" >"$T/exit"
RUN
chmod +x "$T/run.sh"
tm new-session -d -s t -x 80 -y 24 "$T/run.sh"
tm set-option -t t -g remain-on-exit off >/dev/null 2>&1

shows "mcassess · queue: open work" "the queue shows at 80x24"
shows "S-001      in_progress TUI-DEMO     王小明" "rows with a wide-character name line up"
shows "queued 39 · in progress 1" "the header counts by status"

tm send-keys -t t Enter
shows "S-001 · TUI-DEMO Questioning in Class" "Enter opens the submission"
shows "我们班有二十六名六年级学生" "the Chinese passage is shown"
# The real terminal shows what the in-process dump shows: same wrapping, same cells.
head -21 "$TOP_SRCDIR/tests/tui/submission-80x24.screen" >"$T/want"
tm capture-pane -p -t t | head -21 | sed 's/ *$//' >"$T/got"
if diff -u "$T/want" "$T/got" >"$T/diff"; then
	t_ok "the terminal matches submission-80x24.screen (Chinese wrapping included)"
else
	t_fail "the terminal matches submission-80x24.screen (Chinese wrapping included)"
	t_diag "$T/diff"
fi

tm resize-window -t t -x 200 -y 50
shows "│ Rubric v1" "at 200x50 the rubric pane stands beside the evidence"
tm capture-pane -p -t t >"$T/pane"
lines=$(wc -l <"$T/pane")
t_check "the pane is 50 lines (got $lines)" [ "$lines" -eq 50 ]

tm resize-window -t t -x 70 -y 20
shows "mcassess needs at least 80x24; this terminal is 70x20" "below 80x24 a clear message"
tm resize-window -t t -x 80 -y 24
shows " Rubric v1 · 2/4 scored" "back at 80x24 the rubric sits below the evidence"
if grep -q "│ Rubric" "$T/pane"; then t_fail "no side-by-side pane at 80 columns"; else t_ok "no side-by-side pane at 80 columns"; fi

tm send-keys -t t '?'
shows "help (from the submission screen)" "? opens help from the submission"
tm send-keys -t t q q
shows "mcassess · queue: open work" "q goes back to the queue"
tm send-keys -t t q
_i=0
while [ ! -s "$T/exit" ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
t_check "q quits from the queue with status 0 ($(cat "$T/exit" 2>/dev/null))" grep -q '^exit 0$' "$T/exit"
t_check "nothing on stderr" [ ! -s "$T/tui.err" ]
done_testing
