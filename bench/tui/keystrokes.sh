#!/bin/bash
# bench/tui/keystrokes.sh: keys an assessor presses to score a 10-criterion
# submission and record it as earned, reading each criterion's part of the
# evidence before scoring it; and the bytes the workstation sends to the
# terminal meanwhile (80x24).
# Usage: bench/tui/keystrokes.sh MCASSESS [MCASSESS_BEFORE]
#   MCASSESS         the binary with the new flow (default ./mcassess)
#   MCASSESS_BEFORE  a binary built from before issue 14 (optional): the old
#                    macro is replayed on it
# Two macros, replayed by the screen-test driver (MCASSESS_TUI_SCRIPT) on a
# fresh database: `mcassess init` (the shipped catalog) and one imported
# submission of STEMS-INQ, whose rubric has 10 criteria in four parts (2, 4, 2
# and 2), each part's evidence longer than the evidence pane at 80x24:
#   before: Tab to the rubric; for each criterion whose part is not on screen,
#           Tab to the evidence, ] to the part, Tab back; then the digit.
#   after:  the digit only (the evidence follows the focused criterion).
# Both open the submission (Enter) and end with d e y. Before each digit the
# screen is dumped and must show the criterion's part ("part N of 4"), and at
# the end the database must hold ten scores and the decision: a macro that
# scores without showing the evidence, or does not finish, fails the run.
# Keys: each character of a key line, each <Name> one key; :dump lines are not keys.
set -eu
MC=${1:-./mcassess}
OLD=${2:-}
W=$(mktemp -d /tmp/mcassess-bench-keys.XXXXXX)
trap 'rm -rf "$W"' EXIT
export TERM=xterm LC_ALL=C.UTF-8 HOME="$W" XDG_CONFIG_HOME="$W/cfg" NO_COLOR=1
unset MCASSESS_TUI_PAGE
export MCASSESS_TUI_NOW=2026-11-22T12:00:00Z

# The part (1-4) of each criterion, in rubric order.
PARTS="1 1 2 2 2 2 3 3 4 4"

# One submission, 200 words a part (within every part's limits).
sub_json() {
	local part words
	words=$(printf 'Students planned a fair test and recorded what they measured each day. %.0s' $(seq 18))
	printf '[{"id": "B-001", "educator": {"id": "E-B1", "name": "Bench Teacher", "district": "Bench County",'
	printf ' "school": "Bench School"}, "credential": "STEMS-INQ", "submitted_at": "2026-11-01T09:00:00Z",'
	printf ' "evidence": ['
	for part in overview artifact artifact2 reflection; do
		printf '%s{"part": "%s", "kind": "text", "text": "%s %s"}' "$([ $part = overview ] || echo ,)" \
			"$part" "$part:" "$words"
	done
	printf ']}]\n'
}

# macro old|new > keys file
macro() {
	local prev=0 i=0 p
	echo "<Enter>"
	[ "$1" = old ] && echo "<Tab>"
	for p in $PARTS; do
		i=$((i + 1))
		if [ "$1" = old ] && [ "$prev" -ne 0 ] && [ "$p" -ne "$prev" ]; then
			echo "<Tab>]<Tab>"
		fi
		prev=$p
		echo ":dump c$i"
		echo "3"
	done
	echo "dey"
}

# keys FILE: the number of keys in it
keys() {
	grep -v '^[:#]' "$1" | sed 's/<[^>]*>/K/g' | tr -d '\n' | wc -m
}

# run BINARY MACRO: replays, checks, prints "keys bytes"
run() {
	local bin=$1 m=$2 db=$W/$2.db i=0 p
	rm -rf "$db" "$W/dumps" && mkdir -p "$W/dumps"
	"$bin" --db "$db" init >/dev/null 2>"$W/init.err" || { cat "$W/init.err" >&2; exit 1; }
	sub_json >"$W/sub.json"
	"$bin" --db "$db" import "$W/sub.json" >/dev/null 2>"$W/import.err" || { cat "$W/import.err" >&2; exit 1; }
	macro "$m" >"$W/$m.keys"
	MCASSESS_TUI_SCRIPT=$W/$m.keys MCASSESS_TUI_SIZE=80x24 MCASSESS_TUI_DUMP_DIR=$W/dumps \
		MCASSESS_TUI_TTY_OUT=$W/$m.tty "$bin" --db "$db" tui </dev/null >/dev/null
	for p in $PARTS; do
		i=$((i + 1))
		sed -n 2p "$W/dumps/c$i" | grep -q "part $p of 4" || {
			echo "$m macro: criterion $i scored without its part $p on screen:" >&2
			sed -n 2p "$W/dumps/c$i" >&2
			exit 1
		}
	done
	local got
	got=$(sqlite3 "$db" "SELECT (SELECT count(*) FROM score) || ' ' || (SELECT outcome FROM decision)")
	[ "$got" = "10 earned" ] || { echo "$m macro: expected 10 scores and earned, got '$got'" >&2; exit 1; }
	echo "$(keys "$W/$m.keys") $(wc -c <"$W/$m.tty")"
}

if [ -n "$OLD" ]; then
	r=$(run "$OLD" old) || exit 1
	echo "before ($OLD, old macro): ${r% *} keys, ${r#* } bytes to the terminal"
fi
r=$(run "$MC" new) || exit 1
echo "after ($MC, new macro): ${r% *} keys, ${r#* } bytes to the terminal"
