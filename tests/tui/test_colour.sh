#!/bin/sh
# test_colour.sh: how the workstation's cells are drawn, in a colour terminal and
# in a monochrome one (NO_COLOR), not only which characters they hold. Each
# tests/tui/colour/NAME.keys is replayed twice with TERM=xterm-256color, in
# colour and with NO_COLOR=1; every `:dumpattr SCREEN` (the text, then a letter
# a cell for how it is drawn, and the letters' legend) must equal
# colour/SCREEN-colour.screen and colour/SCREEN-mono.screen.
# GENERATE=1 rewrites them: read every one before accepting it.
. "$TOP_SRCDIR/tests/cli/lib.sh"
DIR=$TOP_SRCDIR/tests/tui/colour

t_init_db
sqlite3 "$DB" <"$FIXTURES/tui/queue.sql" || { echo "Bail out! the fixture did not load"; exit 1; }
cp "$DB" "$T/base.db"
MCASSESS_TUI_NOW=2026-11-22T12:00:00Z MCASSESS_TUI_PAGE=7 TERM=xterm-256color
export MCASSESS_TUI_NOW MCASSESS_TUI_PAGE TERM
unset NO_COLOR

# replay KEYS MODE [TERM]: MODE colour or mono (NO_COLOR=1), on a fresh copy of
# the database; dumps go to $T/dumps/MODE/NAME/.
replay() {
	_name=$(basename "$1" .keys)
	_dir=$T/dumps/$2/$_name
	cp "$T/base.db" "$DB"
	rm -f "$DB-wal" "$DB-shm"
	rm -rf "$_dir"
	mkdir -p "$_dir"
	_nc=
	[ "$2" = mono ] && _nc=1
	RC=0
	NO_COLOR=$_nc TERM=${3:-$TERM} MCASSESS_TUI_SCRIPT=$1 MCASSESS_TUI_SIZE=80x24 \
		MCASSESS_TUI_DUMP_DIR=$_dir "$MCASSESS" --db "$DB" tui >"$OUT" 2>"$ERR" </dev/null || RC=$?
}

# check_dumps KEYS MODE: every screen the script dumped equals SCREEN-MODE.screen.
check_dumps() {
	_name=$(basename "$1" .keys)
	for _screen in $(sed -n 's/^:dumpattr \(.*\)/\1/p' "$1"); do
		_got=$T/dumps/$2/$_name/$_screen
		_want=$DIR/$_screen-$2.screen
		if [ ! -f "$_got" ]; then
			t_fail "$2: screen $_screen was dumped"
		elif [ -n "${GENERATE:-}" ]; then
			cp "$_got" "$_want"
			t_ok "$2: $_screen-$2.screen generated (review it)"
		elif diff -u "$_want" "$_got" >"$T/diff" 2>&1; then
			t_ok "$2: screen $_screen"
		else
			t_fail "$2: screen $_screen"
			t_diag "$T/diff"
		fi
	done
}

# rows_with DUMP WORDS: the screen lines (from 1) with a cell drawn in a way
# whose legend line contains WORDS ("reverse", "= cursor").
rows_with() {
	awk -v w="$2" '
		FNR == 1 { pass++ }
		pass == 1 && /^[a-zA-Z?]  / && index($0, w) { hit[substr($0, 1, 1)] = 1 }
		pass == 1 { next }
		/^-- how each cell is drawn/ { m = FNR; next }
		m && /^[a-zA-Z.?]*$/ {
			for (i = 1; i <= length($0); i++)
				if (substr($0, i, 1) in hit) { out = out (out == "" ? "" : " ") FNR - m; break }
		}
		END { print out }' "$1" "$1"
}

# cell DUMP ROW COL: how the cell at screen line ROW, column COL (from 1) is
# drawn, as the legend says ("plain").
cell() {
	awk -v r="$2" -v c="$3" '
		FNR == 1 { pass++ }
		pass == 1 && /^[a-zA-Z?]  / { legend[substr($0, 1, 1)] = substr($0, 4) }
		pass == 1 { next }
		/^-- how each cell is drawn/ { m = FNR; next }
		m && FNR == m + r { l = substr($0, c, 1) }
		END { print (l == "" || l == "." ? "plain" : legend[l]) }' "$1" "$1"
}

for keys in "$DIR"/*.keys; do
	for mode in colour mono; do
		replay "$keys" $mode
		if [ "$RC" -eq 0 ] && [ ! -s "$ERR" ]; then
			t_ok "$mode: $(basename "$keys") replayed, exit 0, nothing on stderr"
		else
			t_fail "$mode: $(basename "$keys") replayed, exit 0, nothing on stderr (got $RC)"
			t_diag "$ERR"
		fi
		check_dumps "$keys" $mode
	done
done

# The selected row, seen directly (the golden files show it too).
c=$T/dumps/colour/queue-80x24
m=$T/dumps/mono/queue-80x24
t_check "colour: the first row (S-001, line 4) is the cursor bar" [ "$(rows_with "$c/queue-80x24" "= cursor")" = 4 ]
got=$(cell "$c/queue-80x24" 4 80)
t_check "colour: the bar is a colour pair across the whole row (got '$got')" \
	[ "$got" = "pair 3 (black on cyan) = cursor" ]
t_check "colour: after jj the bar is on S-003 (line 6) alone" [ "$(rows_with "$c/queue-moved-80x24" "= cursor")" = 6 ]
t_check "mono: the title and S-001 are reversed, nothing else" [ "$(rows_with "$m/queue-80x24" reverse)" = "1 4" ]
t_check "mono: after jj the title and S-003 are reversed, nothing else" \
	[ "$(rows_with "$m/queue-moved-80x24" reverse)" = "1 6" ]
t_check "mono: no standout anywhere in the queue" [ -z "$(rows_with "$m/queue-80x24" standout)" ]
got=$(cell "$m/queue-80x24" 5 12)
t_check "mono: a queued status cell is bold, not reversed (got '$got')" [ "${got%% =*}" = bold ]
got=$(cell "$m/queue-moved-80x24" 6 12)
t_check "mono: the selected queued row is reversed in its status cell too (got '$got')" [ "${got%% =*}" = reverse ]
got=$(cell "$T/dumps/colour/submission-80x24/find-80x24" "$(rows_with "$T/dumps/colour/submission-80x24/find-80x24" "= match" | cut -d' ' -f1)" 1)
t_check "colour: search matches are drawn black on yellow" \
	[ -n "$(rows_with "$T/dumps/colour/submission-80x24/find-80x24" "(black on yellow) = match")" ]
t_check "colour: the focused pane's header has the focus colours" \
	[ -n "$(rows_with "$T/dumps/colour/submission-80x24/rubric-80x24" "(white on blue) = focus")" ]
t_check "colour: no blue or yellow text on the terminal's own background" \
	sh -c "! cat '$T'/dumps/colour/*/* | grep -E '^[a-zA-Z?]  .*\((blue|yellow) on default\)'"

# Colours from the config file reach the screen.
mkdir -p "$XDG_CONFIG_HOME/mcassess"
printf 'color cursor black yellow bold\n' >"$XDG_CONFIG_HOME/mcassess/config"
printf ':dumpattr config\n' >"$T/config.keys"
replay "$T/config.keys" colour
got=$(cell "$T/dumps/colour/config/config" 4 1)
t_check "config: 'color cursor black yellow bold' draws the selected row so (got '$got')" \
	[ "$got" = "bold, pair 3 (black on yellow) = cursor" ]

# set cursor arrow: an arrow in the key colours, the row itself plain.
printf 'set cursor arrow\n' >"$XDG_CONFIG_HOME/mcassess/config"
printf 'j\n:dumpattr arrow\n' >"$T/arrow.keys"
for mode in colour mono; do
	replay "$T/arrow.keys" $mode
	d=$T/dumps/$mode/arrow/arrow
	t_check "$mode: set cursor arrow: the arrow is on S-002" grep -q '^->S-002 ' "$d"
	got=$(cell "$d" 5 1)
	t_check "$mode: set cursor arrow: the arrow is drawn as a key (got '$got')" \
		sh -c "echo '$got' | grep -q '= .*key'"
	t_check "$mode: set cursor arrow: no row is a bar" [ -z "$(rows_with "$d" "= cursor")" ]
	t_check "$mode: set cursor arrow: the other rows' arrow cells are plain" \
		[ "$(cell "$d" 4 1)$(cell "$d" 6 2)" = plainplain ]
done
rm -f "$XDG_CONFIG_HOME/mcassess/config"

# What a cursor move sends to a colour terminal: two rows, never a repaint (a
# repaint is over 2,000 B); the arrow cursor for slow links under 40 B a move.
in_range() { [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; } # N LOW HIGH
# moved KEYS: bytes a move, from the script's 10 moves against none.
moved() {
	printf '\n' >"$T/none.keys"
	printf '%s\n' "$1" >"$T/ten.keys"
	MCASSESS_TUI_TTY_OUT=$T/none.out replay "$T/none.keys" colour
	MCASSESS_TUI_TTY_OUT=$T/ten.out replay "$T/ten.keys" colour
	unset MCASSESS_TUI_TTY_OUT
	echo $(( ($(wc -c <"$T/ten.out") - $(wc -c <"$T/none.out")) / 10 ))
}
per=$(moved jjjjjjjjjj)
t_check "colour: a cursor move with the full-row bar is $per B (under 300)" in_range "$per" 1 299
printf 'set cursor arrow\n' >"$XDG_CONFIG_HOME/mcassess/config"
per=$(moved jjjjjjjjjj)
t_check "colour: a cursor move with set cursor arrow is $per B (under 40)" in_range "$per" 1 39
rm -f "$XDG_CONFIG_HOME/mcassess/config"

# A terminal that cannot move the cursor: a clear refusal, nothing drawn.
# mccol-hc: a printing terminal (hard copy, no cursor addressing) of our own.
printf ':dump dumb\n' >"$T/dumb.keys"
terms=dumb
if command -v tic >/dev/null 2>&1 &&
	printf 'mccol-hc|a printing terminal,\n\tam, hc,\n\tcols#80,\n\tbel=^G, cr=\\r, ind=\\n,\n' >"$T/hc.ti" &&
	tic -o "$T/terminfo" "$T/hc.ti" 2>"$T/tic.err"; then
	TERMINFO=$T/terminfo
	export TERMINFO
	terms="dumb mccol-hc"
fi
for term in $terms; do
	MCASSESS_TUI_TTY_OUT=$T/tty.out
	export MCASSESS_TUI_TTY_OUT
	replay "$T/dumb.keys" colour $term
	unset MCASSESS_TUI_TTY_OUT
	t_check "TERM=$term: exit 1 (got $RC)" [ "$RC" -eq 1 ]
	t_stderr_has "mcassess: this terminal (TERM=$term) cannot show the workstation"
	t_stderr_has "use a terminal such as xterm, or the commands (mcassess queue"
	t_check "TERM=$term: no screen was dumped" [ ! -f "$T/dumps/colour/dumb/dumb" ]
	t_check "TERM=$term: nothing was written to the terminal" [ ! -s "$T/tty.out" ]
done
unset TERMINFO

done_testing
