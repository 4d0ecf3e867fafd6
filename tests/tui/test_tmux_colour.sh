#!/bin/sh
# test_tmux_colour.sh: the selected row in real terminals. A private tmux server
# at 80x24 runs the workstation with TERM set as an assessor's terminal would
# set it (xterm-256color, tmux-256color, screen-256color, linux), and with
# NO_COLOR=1; capture-pane -e gives the screen with its colour escapes. The
# selected row must carry the highlight (a cyan bar in colour, reverse video
# without colours), no other queue row may, and the highlight moves with j.
# TERM=dumb must refuse with a clear message instead of a blank screen.
. "$TOP_SRCDIR/tests/cli/lib.sh"
. "$TOP_SRCDIR/tests/tui/tmux_lib.sh"
ESC=$(printf '\033')
t_skip() { _t_n=$((_t_n + 1)); echo "ok $_t_n # SKIP $*"; }

# start TERM NO_COLOR: a fresh server running the workstation in session t.
start() {
	tm kill-server >/dev/null 2>&1
	_i=0
	while [ -S "$SOCK" ] && [ $_i -lt 20 ]; do sleep 0.1; _i=$((_i + 1)); done
	rm -f "$T/exit"
	cat >"$T/run.sh" <<RUN
#!/bin/sh
export LC_ALL=C.UTF-8 HOME="$HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" XDG_DATA_HOME="$XDG_DATA_HOME"
export TERM=$1 NO_COLOR=$2
"$MCASSESS" --db "$DB" tui 2>"$T/tui.err"
echo "exit \$?" >"$T/exit"
sleep 30 # keep the pane (and what it shows) for the test to read
RUN
	chmod +x "$T/run.sh"
	tm new-session -d -s t -x 80 -y 24 "$T/run.sh"
}

# pane: the screen with its escapes, in $T/pane (lines as tmux gives them).
pane() { tm capture-pane -e -p -t t >"$T/pane" 2>/dev/null; }

# lit SGR OFF: the queue rows (their IDs) with any cell drawn with SGR parameter
# SGR in force (46 a cyan background, 7 reverse video), following the escapes
# through the pane as the terminal would; OFF is the parameter that ends it
# (49, 27).
lit() {
	awk -v esc="$ESC" -v p="$1" -v off="$2" '
		function apply(sgr,   n, a, i) {
			n = split(sgr, a, ";")
			if (n == 0) on = 0
			for (i = 1; i <= n; i++)
				if (a[i] == "0" || a[i] == "" || a[i] == off) on = 0
				else if (a[i] == p) on = 1
				else if (p ~ /^4/ && a[i] ~ /^(4[0-8]|10[0-7])$/) on = 0 # another background
		}
		{
			s = $0
			plain = s
			gsub(esc "\\[[0-9;]*m", "", plain)
			row = plain ~ /^S-[0-9]/
			hit = 0
			while (s != "") {
				if (match(s, "^" esc "\\[[0-9;]*m")) {
					apply(substr(s, 3, RLENGTH - 3))
					s = substr(s, RLENGTH + 1)
					continue
				}
				# text up to the next escape: drawn with the attribute or not
				n = match(s, esc) ? RSTART - 1 : length(s)
				if (on && n > 0)
					hit = 1
				s = substr(s, n + 1)
			}
			if (row && hit) { split(plain, w, " "); out = out (out == "" ? "" : " ") w[1] }
		}
		END { print out }' "$T/pane"
}

# wait_lit ROWS SGR OFF: poll (up to 5 s) until exactly ROWS are lit.
wait_lit() {
	_i=0
	while [ $_i -lt 50 ]; do
		pane
		[ "$(lit "$2" "$3")" = "$1" ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# check_term TERM NO_COLOR SGR OFF WHAT: the selected row, and only it, is lit
# (WHAT says how), before and after j.
check_term() {
	start "$1" "$2"
	_w="TERM=$1${2:+ NO_COLOR=$2}"
	if wait_lit S-001 "$3" "$4"; then
		t_ok "$_w: the selected row S-001, and no other row, is $5"
	else
		t_fail "$_w: the selected row S-001, and no other row, is $5 (got '$(lit "$3" "$4")')"
		cat -v "$T/pane" | sed 's/^/# /'
	fi
	tm send-keys -t t j
	if wait_lit S-002 "$3" "$4"; then
		t_ok "$_w: after j S-002 alone is $5"
	else
		t_fail "$_w: after j S-002 alone is $5 (got '$(lit "$3" "$4")')"
	fi
	tm send-keys -t t q
	_i=0
	while [ ! -s "$T/exit" ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
	t_check "$_w: q quits with status 0, nothing on stderr" \
		sh -c "grep -q '^exit 0\$' '$T/exit' && [ ! -s '$T/tui.err' ]"
}

for term in xterm-256color tmux-256color screen-256color linux; do
	if ! infocmp "$term" >/dev/null 2>&1; then
		t_skip "TERM=$term: not in this machine's terminal database"
		continue
	fi
	check_term "$term" "" 46 49 "a cyan bar"
done
check_term xterm-256color 1 7 27 "in reverse video"
check_term linux 1 7 27 "in reverse video"

# TERM=dumb: a message, exit 1, and the pane shows no attempt at a screen.
start dumb ""
_i=0
while [ ! -s "$T/exit" ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
t_check "TERM=dumb: exit 1 ($(cat "$T/exit" 2>/dev/null))" grep -q '^exit 1$' "$T/exit"
t_check "TERM=dumb: the message names the terminal and what to do" \
	grep -q "^mcassess: this terminal (TERM=dumb) cannot show the workstation: it cannot move the cursor; use a terminal such as xterm, or the commands (mcassess queue" "$T/tui.err"
pane
t_check "TERM=dumb: nothing drawn in the terminal" [ -z "$(tr -d ' \n' <"$T/pane")" ]
tm kill-server >/dev/null 2>&1
done_testing
