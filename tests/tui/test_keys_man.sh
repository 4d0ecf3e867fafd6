#!/bin/sh
# test_keys_man.sh: the man page's KEYS section lists every action of the
# workstation with its default keys and help line, exactly as the program's
# action table and compiled-in bindings have them (`mcassess tui --keys`), so
# the page cannot drift from the keys. GENERATE=1 rewrites the list in
# mcassess.1 (between the ".\" keys: begin" and ".\" keys: end" lines).
. "$TOP_SRCDIR/tests/cli/lib.sh"
MAN=$TOP_SRCDIR/mcassess.1

t_run 0 tui --keys
cp "$OUT" "$T/keys.tsv"
t_check "--keys lists every action (got $(wc -l <"$T/keys.tsv"))" [ "$(wc -l <"$T/keys.tsv")" -ge 40 ]
t_check "--keys has score-1 bound to 1" grep -q "^1	score-1	" "$T/keys.tsv"

# The troff for one action a line of --keys: keys in bold, the action's name,
# then its help text.
awk -F'\t' '{
	keys = $1; gsub(/\\/, "\\e", keys); gsub(/-/, "\\-", keys)
	n = split(keys, k, ", "); tag = ""
	for (i = 1; i <= n; i++) tag = tag (i > 1 ? ", " : "") "\\fB" k[i] "\\fR"
	if (keys == "") tag = "(unbound)"
	print ".TP"; print tag " (" $2 ")"; print $3
}' "$T/keys.tsv" >"$T/want"
sed -n '/^\.\\" keys: begin$/,/^\.\\" keys: end$/p' "$MAN" | sed '1d;$d' >"$T/got"
if [ -n "${GENERATE:-}" ]; then
	awk -v gen="$T/want" '
		/^\.\\" keys: begin$/ { print; while ((getline l < gen) > 0) print l; skip = 1; next }
		/^\.\\" keys: end$/ { skip = 0 }
		!skip' "$MAN" >"$T/man" && cat "$T/man" >"$MAN"
	t_ok "mcassess.1 KEYS list generated (review it)"
elif diff -u "$T/want" "$T/got" >"$T/diff"; then
	t_ok "mcassess.1 KEYS lists every action with its keys and help, as the program has them"
else
	t_fail "mcassess.1 KEYS lists every action with its keys and help, as the program has them"
	t_diag "$T/diff"
fi
t_check "the KEYS section is a section of the page" grep -q '^\.SH KEYS$' "$MAN"
# Every key of a screen named in the issue (l, Right, b, -, ^D, ^U, S-Tab) is there.
for k in 'l' 'Right' 'b' '\-' '^D' '^U' 'S\-Tab' 'J' 'K' '='; do
	t_check "the KEYS section names $k" grep -qF "\\fB$k\\fR" "$MAN"
done
if command -v man >/dev/null 2>&1; then
	MANWIDTH=80 man -l "$MAN" 2>"$T/man.err" | grep -q "half-page-down" && [ ! -s "$T/man.err" ]
	t_check "man renders the page, KEYS included, without warnings" [ $? -eq 0 ]
fi
done_testing
