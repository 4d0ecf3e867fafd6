#!/bin/sh
# test_extern.sh: the programs the workstation runs. $VISUAL/$EDITOR goes through
# the shell as git runs it (quotes, arguments, a path with a space); an editor
# that is not there says so and leaves the text as it was; mailcap commands in
# Debian's quoting ('%s', "%s") get the file safely, whatever its path holds.
. "$TOP_SRCDIR/tests/cli/lib.sh"
MCASSESS_TUI_NOW=2026-11-22T12:00:00Z TERM=xterm NO_COLOR=1 LC_ALL=C.UTF-8 T_DIR=$T
export MCASSESS_TUI_NOW TERM NO_COLOR LC_ALL T_DIR
# A database in a folder whose name a shell would run: quotes, $(...), spaces.
DB="$T/it's \$(touch pwned) a \"dir\"/t.db"
mkdir -p "$(dirname "$DB")"
t_run 0 init
t_run 0 import "$FIXTURES/import/good.csv" --evidence "$FIXTURES/import/evidence"

# script NAME KEYS: replay KEYS (printf format) on the database; the screens it
# dumps are in $T/NAME/.
script() {
	printf "$2" >"$T/$1.keys"
	mkdir -p "$T/$1"
	RC=0
	MCASSESS_TUI_SCRIPT=$T/$1.keys MCASSESS_TUI_DUMP_DIR=$T/$1 "$MCASSESS" --db "$DB" tui >"$OUT" 2>"$ERR" </dev/null || RC=$?
	t_check "$1: the workstation ran and left cleanly (exit $RC)" [ "$RC" -eq 0 ]
}

# ------------------------------------------------------------- $VISUAL/$EDITOR
mkdir -p "$T/my editors"
cat >"$T/my editors/fake ed" <<'ED'
#!/bin/sh
for a in "$@"; do printf '[%s]' "$a"; done >"$T_DIR/editor.args"
last=$(eval echo "\${$#}")
printf 'Added by the editor.\n' >>"$last"
ED
chmod +x "$T/my editors/fake ed"
VISUAL="'$T/my editors/fake ed' --wait -c 'set tw=72'" \
	script visual '/S-101<Enter><Enter>fFirst line.<^E>\n:dump back\n<^X>\n'
got=$(sed 's/\[[^]]*mcassess-feedback-[^]]*\]$/[FILE]/' "$T/editor.args" 2>/dev/null)
t_check "VISUAL with a quoted path and quoted arguments: the editor got them whole ($got)" \
	[ "$got" = "[--wait][-c][set tw=72][FILE]" ]
got=$(sqlite3 "$DB" "SELECT body FROM feedback")
t_check "the editor's text came back and was saved ($got)" [ "$got" = "$(printf 'First line.\nAdded by the editor.')" ]

unset VISUAL
EDITOR="$T/no such editor" script missing '/S-103<Enter><Enter>fKept as typed.<^E>\n:dump missing\n<Esc>\n'
t_check "a missing editor is named and said to be not found" grep -q "the editor $T/no such editor: not found" "$T/missing/missing"
t_check "... and the text is said to be as it was" grep -q "your text is as it was" "$T/missing/missing"
t_check "... and not said to be taken" sh -c '! grep -q "taken" "$1"' sh "$T/missing/missing"
t_check "... and the editor still holds the typed text" grep -q "Kept as typed\." "$T/missing/missing"
got=$(sqlite3 "$DB" "SELECT body FROM draft")
t_check "... which is kept as the draft ($got)" [ "$got" = "Kept as typed." ]

mkdir -p "$T/bin"
printf '#!/bin/sh\nexit 1\n' >"$T/bin/quits"
chmod +x "$T/bin/quits"
PATH="$T/bin:$PATH" EDITOR=quits script quits '/S-101<Enter><Enter>f<^E>\n:dump quits\n<Esc>\n'
t_check "an editor that fails without changing the text: 'unchanged', not 'taken'" \
	grep -q "quits exited with status 1; the text is unchanged" "$T/quits/quits" || t_diag "$T/quits/quits"

# --------------------------------------------------------------------- mailcap
cat >"$T/bin/less" <<'VW'
#!/bin/sh
for a in "$@"; do printf '[%s]' "$a"; done >"$T_DIR/viewer.args"
if [ $# -gt 0 ]; then head -c 4 "$1"; else head -c 4; fi >"$T_DIR/viewer.head"
VW
chmod +x "$T/bin/less"
sha=$(sqlite3 "$DB" "SELECT blob_sha256 FROM evidence WHERE file_name LIKE '%lesson.pdf'" | head -1)
for quoting in "'%s'" '"%s"' '%s'; do
	rm -f "$T/viewer.args" "$T/viewer.head"
	printf 'application/pdf; less %s; needsterminal\n' "$quoting" >"$HOME/.mailcap"
	PATH="$T/bin:$PATH" script view '/S-101<Enter><Enter>]v\n:dump viewed\n'
	got=$(cat "$T/viewer.args" 2>/dev/null)
	t_check "mailcap less $quoting: one argument, the stored file ($got)" \
		sh -c 'case "$1" in "[/"*"$2"*"]") ! printf %s "$1" | grep -q "\]\[" ;; *) false ;; esac' sh "$got" "${sha:-none}"
	t_check "mailcap less $quoting: the viewer read the file (a PDF)" [ "$(cat "$T/viewer.head" 2>/dev/null)" = "%PDF" ]
	t_check "mailcap less $quoting: nothing in the path ran" [ ! -e pwned ] && [ ! -e "$T/pwned" ]
	t_check "mailcap less $quoting: the screen says what was viewed" grep -q "viewed lesson.pdf" "$T/view/viewed"
done
printf 'application/pdf; less\n' >"$HOME/.mailcap"
rm -f "$T/viewer.head"
PATH="$T/bin:$PATH" script stdin '/S-101<Enter><Enter>]v\n:dump viewed\n'
t_check "mailcap without %s: the file comes on standard input" [ "$(cat "$T/viewer.head" 2>/dev/null)" = "%PDF" ]
rm -f "$HOME/.mailcap"

done_testing
