#!/bin/sh
# test_tmux.sh: the workstation in a real terminal: a private tmux server at
# 80x24 runs mcassess on a small database; keys go in with send-keys, the screen
# comes back with capture-pane. Resizes to 200x50 and back; q leaves cleanly.
. "$TOP_SRCDIR/tests/cli/lib.sh"
. "$TOP_SRCDIR/tests/tui/tmux_lib.sh"

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
trap '' HUP # this shell outlives a hangup to record mcassess's exit (mcassess sets its own handler)
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

# restart: a fresh workstation at WxH in session t.
restart() {
	if tm has-session -t t >/dev/null 2>&1; then
		tm kill-server >/dev/null 2>&1
		# the old workstation records its exit; wait for it so it is not taken for the new one's
		_i=0
		while [ ! -s "$T/exit" ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
	fi
	rm -f "$T/exit"
	_i=0
	while [ -S "$SOCK" ] && [ $_i -lt 20 ]; do sleep 0.1; _i=$((_i + 1)); done
	tm new-session -d -s t -x "$1" -y "$2" "$T/run.sh"
	wait_for "mcassess · queue" || true
}
db() { sqlite3 -cmd ".timeout 3000" "$DB" "$1"; }

# A whole scoring session: open, score every criterion, write feedback in the
# editor, decide, and the next submission opens.
restart 80 24
tm send-keys -t t j Enter
shows "S-002 · TUI-DEMO" "session: S-002 opens"
tm send-keys -t t Tab 3 3 3 1
shows "R1: Not Met (does not pass) · 4 of 4 scored" "session: four keystrokes score four criteria"
tm send-keys -t t f
shows "Feedback on S-002" "session: f opens the editor"
tm send-keys -t t -l "R1: say what the answers showed you. 请写得更具体。"
shows "R1: say what the answers showed you. 请写得更具体。" "session: typed text (with Chinese) shows"
tm send-keys -t t C-x
shows "the feedback of S-002 is saved" "session: ^X saves the feedback"
tm send-keys -t t d r y
shows "S-002 recorded as resubmit; here is the next submission" "session: d r y decides, the next opens"
shows "S-003 · TUI-DEMO" "session: the next submission is S-003"
t_check "session: S-002 resubmit with its feedback in the database" \
	[ "$(db "SELECT d.outcome || '|' || f.body FROM decision d JOIN feedback f ON f.submission_id = d.submission_id JOIN submission s ON s.id = d.submission_id WHERE s.ext_id = 'S-002'")" = "resubmit|R1: say what the answers showed you. 请写得更具体。" ]
tm send-keys -t t q q
_i=0
while [ ! -s "$T/exit" ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
t_check "session: q q quits with status 0" grep -q '^exit 0$' "$T/exit"

# Resize from 200x50 to 80x24 in the middle of typing feedback: text intact.
restart 200 50
tm send-keys -t t j Enter f
shows "Feedback on S-003" "resize: the editor is open at 200x50"
tm send-keys -t t -l "A long first sentence that will have to wrap once the terminal shrinks to eighty columns, 中文也要正确换行。"
shows "eighty columns, 中文也要正确换行。" "resize: one line at 200 columns"
tm resize-window -t t -x 80 -y 24
shows "line 2 of 2" "resize: at 80x24 the text wraps to two lines"
tm send-keys -t t -l " More."
shows "中文也要正确换行。 More." "resize: typing goes on where it was"
tm capture-pane -p -t t >"$T/pane"
t_check "resize: the pane is 24 lines" [ "$(wc -l <"$T/pane")" -eq 24 ]
tm send-keys -t t C-x
shows "the feedback of S-003 is saved" "resize: ^X saves"
t_check "resize: the text is intact" \
	[ "$(db "SELECT f.body FROM feedback f JOIN submission s ON s.id = f.submission_id WHERE s.ext_id = 'S-003'")" = "A long first sentence that will have to wrap once the terminal shrinks to eighty columns, 中文也要正确换行。 More." ]

# The tmux server killed mid-feedback (SIGHUP): the draft is saved, the claim
# released; reopening says so and f brings the text back.
restart 80 24
tm send-keys -t t j j Enter f
shows "Feedback on S-004" "hangup: the editor is open on S-004"
tm send-keys -t t -l "Typed just before the line dropped"
shows "Typed just before the line dropped" "hangup: text typed"
tm kill-server
_i=0
while [ ! -s "$T/exit" ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
t_check "hangup: mcassess left ($(cat "$T/exit" 2>/dev/null))" grep -q '^exit 1$' "$T/exit"
t_check "hangup: the draft is in the database" \
	[ "$(db "SELECT d.body FROM draft d JOIN submission s ON s.id = d.submission_id WHERE s.ext_id = 'S-004' AND d.target = 'overall'")" = "Typed just before the line dropped" ]
t_check "hangup: the claim was released" [ "$(db "SELECT count(*) FROM claim")" = 0 ]
restart 80 24
tm send-keys -t t j j Enter
shows "unsaved text you wrote here is kept as a draft" "hangup: reopening says a draft waits"
tm send-keys -t t f
shows "Typed just before the line dropped" "hangup: f brings the draft back"
tm send-keys -t t Escape
sleep 0.3
tm send-keys -t t q q
done_testing
