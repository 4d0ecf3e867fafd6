#!/bin/sh
# test_history.sh: the history pane (H on a submission): a submission's changes
# from the evidence archive, newest first, Enter showing one in full; and what
# it says without an archive, without the archive library, or in a build
# without libgit2. tests/tui/history/*.keys are replayed on the screen-test
# fixture with an archive, each on a fresh copy of the database and archive.
# Commit times, hashes and the archive's id differ from run to run: the dumps
# are compared after those are replaced by placeholders of the same width.
# GENERATE=1 rewrites history/*.screen: read every one before accepting it.
. "$TOP_SRCDIR/tests/cli/lib.sh"
DIR=$TOP_SRCDIR/tests/tui/history
MCASSESS_TUI_NOW=2026-11-22T12:00:00Z TERM=xterm NO_COLOR=1
export MCASSESS_TUI_NOW TERM NO_COLOR
me=$(id -un)

t_init_db
sqlite3 "$DB" <"$FIXTURES/tui/queue.sql" || { echo "Bail out! the fixture did not load"; exit 1; }
# The commits' author, by name (wide characters included) rather than this machine's.
sql "UPDATE person SET name = 'Ana Lima 林安娜', email = 'ana@example.org' WHERE user = '$me'"

# tui KEYS SIZE [DUMPDIR]: replay a script on $DB; exit status in RC.
tui() {
	mkdir -p "${3:-$T/dumps}"
	RC=0
	MCASSESS_TUI_SCRIPT=$1 MCASSESS_TUI_SIZE=$2 MCASSESS_TUI_DUMP_DIR=${3:-$T/dumps} \
		"$MCASSESS" --db "$DB" tui >"$OUT" 2>"$ERR" </dev/null || RC=$?
}
# git2_mapped: after a run under LD_DEBUG=files, the libgit2 it mapped (if any).
git2_mapped() { cat "$T"/ld.* 2>/dev/null | sed -n 's/.*file=\(libgit2[^ ]*\) .*/\1/p' | sort -u; rm -f "$T"/ld.*; }

# --- no archive: the pane says so, and how one is started; libgit2 stays unloaded
printf '<Enter>H\n:dump none\nq\n:dump none-back\n' >"$T/none.keys"
LD_DEBUG=files LD_DEBUG_OUTPUT=$T/ld tui "$T/none.keys" 80x24
t_check "no archive: replayed, exit 0 (got $RC)" [ "$RC" -eq 0 ]
t_check "no archive: the loader's log was written" sh -c 'cat "$1"/ld.* | grep -q "file=libncurses"' - "$T"
mapped=$(git2_mapped)
t_check "no archive: H did not load libgit2 (got '$mapped')" [ -z "$mapped" ]
got=$(cat "$T/dumps/none")
if "$MCASSESS" --db "$DB" archive verify 2>&1 | grep -qF "not available in this build"; then
	# built --without-libgit2: the same pane says the archive cannot be read by this build
	t_check "without libgit2: the pane says this build has no archive library" \
		sh -c 'echo "$1" | tr -s " \n" "  " | grep -qF "it was built without the archive library (libgit2). Everything else works"' - "$got"
	t_check "without libgit2: q goes back to the submission" grep -q '^ S-001 · TUI-DEMO' "$T/dumps/none-back"
	done_testing
	exit $?
fi
t_check "no archive: the pane says there is none" \
	sh -c 'echo "$1" | grep -qF "This database has no evidence archive yet, so there is no history to show."' - "$got"
t_check "no archive: the pane says how one is started" \
	sh -c 'echo "$1" | grep -qx "     mcassess archive init"' - "$got"
t_check "no archive: q goes back to the submission" grep -q '^ S-001 · TUI-DEMO' "$T/dumps/none-back"
cp "$T/dumps/none" "$T/dumps/none-80x24"
if [ -n "${GENERATE:-}" ]; then cp "$T/dumps/none" "$DIR/history-none-80x24.screen"; t_ok "history-none-80x24.screen generated (review it)"
elif diff -u "$DIR/history-none-80x24.screen" "$T/dumps/none" >"$T/diff"; then t_ok "no archive: screen history-none-80x24"
else t_fail "no archive: screen history-none-80x24"; t_diag "$T/diff"; fi

# --- an archive with S-001's changes: the fixture's state, then 24 scores
t_run 0 archive init
i=0
while [ $i -lt 12 ]; do
	"$MCASSESS" --db "$DB" score S-001 R1 progressing >/dev/null 2>&1 &&
	"$MCASSESS" --db "$DB" score S-001 R1 demonstrated >/dev/null 2>&1 || { echo "Bail out! score failed"; exit 1; }
	i=$((i + 1))
done
t_run 0 feedback S-001 "Clear questions; the reflection names what to change next."
t_check "the outbox is empty" [ "$(sql 'SELECT count(*) FROM outbox')" = 0 ]
cp "$DB" "$T/base.db"
cp -a "$DB.archive.git" "$T/base.archive.git"
restore() {
	rm -rf "$DB.archive.git" "$DB-wal" "$DB-shm"
	cp "$T/base.db" "$DB"
	cp -a "$T/base.archive.git" "$DB.archive.git"
}

# what changes from run to run, as placeholders of the same width
normal() {
	sed -E -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/YYYY-MM-DDThh:mm:ssZ/g' \
		-e 's/[0-9a-f]{64}/HASH------------------------------------------------------------/g' \
		-e 's/[0-9a-f]{40}/COMMIT----------------------------------/g' \
		-e 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/ARCHIVE-ID--------------------------/g' "$1"
}
replay() { # KEYS
	_name=$(basename "$1" .keys)
	_size=$(sed -n 's/^# size \([0-9]*x[0-9]*\).*/\1/p' "$1" | head -1)
	restore
	rm -rf "$T/dumps/$_name"
	tui "$1" "$_size" "$T/dumps/$_name"
	if [ "$RC" -eq 0 ] && [ ! -s "$ERR" ]; then t_ok "$_name: replayed, exit 0, nothing on stderr"
	else t_fail "$_name: replayed, exit 0, nothing on stderr (got $RC)"; t_diag "$ERR"; fi
	for _screen in $(sed -n 's/^:dump \(.*\)/\1/p' "$1"); do
		_got=$T/dumps/$_name/$_screen
		if [ ! -f "$_got" ]; then t_fail "$_name: screen $_screen was dumped"; continue; fi
		normal "$_got" >"$_got.normal"
		if [ -n "${GENERATE:-}" ]; then
			cp "$_got.normal" "$DIR/$_screen.screen"
			t_ok "$_screen.screen generated (review it)"
		elif diff -u "$DIR/$_screen.screen" "$_got.normal" >"$T/diff" 2>&1; then
			t_ok "$_name: screen $_screen"
		else
			t_fail "$_name: screen $_screen"
			t_diag "$T/diff"
		fi
	done
}
for keys in "$DIR"/*.keys; do
	replay "$keys"
done

# What the screens show, checked against the archive itself.
D=$T/dumps/history-80x24
restore
got=$("$MCASSESS" --db "$DB" archive log S-001 | wc -l)
t_check "the list counts the CLI's changes plus this screen's claim ($got + 1)" \
	grep -q "^ History of S-001 · $((got + 1)) changes, newest first" "$D/history-list-80x24"
t_check "newest first: this screen's claim on top" grep -q "^> [0-9T:Z-]*  Ana Lima 林安娜  *claim S-001$" "$D/history-list-80x24"
t_check "the last line is the oldest: the archive's first commit" \
	grep -q '^> .*archive init: the state of the' "$D/history-last-80x24"
t_check "Enter shows the commit's whole message, trailers included" \
	grep -q '^ Audit-Seq: [0-9]' "$D/history-detail-80x24"
if command -v git >/dev/null; then
	want=$(git --git-dir="$T/base.archive.git" log -2 --format='%H %s' | tail -1)
	t_check "the third newest is the archive's second newest commit ($want)" \
		grep -q "^ Commit: ${want%% *}\$" "$D/history-detail-80x24"
	t_check "... a score of R1" [ "${want#* }" = "score S-001 R1: Demonstrated" ]
else
	t_ok "the commit shown is the archive's # SKIP no git"
	t_ok "the commit shown is the archive's # SKIP no git"
fi

# --- the history key loads libgit2; opening the submission with no archive did not (above)
restore
printf '<Enter>H\n:dump x\n' >"$T/load.keys"
LD_DEBUG=files LD_DEBUG_OUTPUT=$T/ld tui "$T/load.keys" 80x24
mapped=$(git2_mapped)
t_check "with an archive, the history was read through libgit2 ($mapped)" \
	sh -c '[ -n "$1" ] && grep -q "^ History of S-001 · [0-9]* changes" "$2"' - "$mapped" "$T/dumps/x"

# --- another mcassess is writing the archive (its lock held): the history so far,
# and a word that this screen's own changes are not in it yet
if command -v flock >/dev/null; then
	restore
	# one process holds the lock and is killed by its id: the lock goes with it
	(exec 9>"$DB.archive.git/mcassess.lock"; flock 9; exec sleep 60) &
	holder=$!
	for _i in 1 2 3 4 5 6 7 8 9 10; do flock -n "$DB.archive.git/mcassess.lock" true 2>/dev/null || break; sleep 0.2; done
	printf '<Enter>H\n:dump locked\n' >"$T/locked.keys"
	tui "$T/locked.keys" 80x24
	kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
	t_check "locked: the history so far (the feedback newest)" \
		grep -q '^> .*feedback S-001: 9 words$' "$T/dumps/locked"
	t_check "locked: the screen says the latest changes wait" \
		sh -c 'tr -s " \n" "  " <"$1" | grep -qF "the latest changes to S-001 wait to be written to the archive (they are safe in the database)"' - "$T/dumps/locked"
else
	t_ok "locked archive # SKIP no flock"
	t_ok "locked archive # SKIP no flock"
fi

# --- libgit2 cannot be loaded: the pane says so, the rest works
soname=$(LD_DEBUG=files LD_DEBUG_OUTPUT=$T/ld "$MCASSESS" --db "$DB" archive log S-001 >/dev/null 2>&1; git2_mapped)
if [ -n "$soname" ]; then
	restore
	mkdir -p "$T/lib"
	: >"$T/lib/$soname"
	printf '<Enter>H\n:dump nolib\nq<Tab>3\n:dump nolib-back\n' >"$T/nolib.keys"
	LD_LIBRARY_PATH=$T/lib tui "$T/nolib.keys" 80x24
	t_check "no library: replayed, exit 0 (got $RC)" [ "$RC" -eq 0 ]
	got=$(tr -s ' \n' '  ' <"$T/dumps/nolib")
	t_check "no library: the pane names the archive library that cannot be loaded" \
		sh -c 'echo "$1" | grep -qF "The history of S-001 cannot be shown: cannot load the library the evidence archive needs, libgit2"' - "$got"
	t_check "no library: the pane says everything else works, once" \
		sh -c '[ "$(echo "$1" | grep -oi "everything else works" | wc -l)" = 1 ]' - "$got"
	t_check "no library: back on the submission, a score is still saved" \
		[ "$(sql "SELECT l.code FROM score s JOIN criterion c ON c.id = s.criterion_id JOIN level l ON l.id = s.level_id
			JOIN submission u ON u.id = s.submission_id WHERE u.ext_id = 'S-001' AND c.code = 'R1'")" = demonstrated ]
	t_check "no library: the score waits in the outbox" [ "$(sql 'SELECT count(*) FROM outbox')" -gt 0 ]
else
	t_fail "the archive library's name (LD_DEBUG found no libgit2)"
fi

# --- a blind assessor: an imported submission's history names no educator
rm -f "$DB" "$DB-wal" "$DB-shm"
rm -rf "$DB.archive.git"
t_init_db
t_run 0 archive init
t_run 0 import "$FIXTURES/archive/subs.csv" --evidence "$FIXTURES/archive/evidence"
t_run 0 assign HX-101 "$me" --blind
sql "UPDATE person SET role = 'assessor' WHERE user = '$me'"
printf '/HX-101<Enter><Enter><Tab>3H\n:dump blind-list\nG<Enter>\n:dump blind-import\nqgj<Enter>\n:dump blind-score\nqq\n:dump blind-back\n' >"$T/blind.keys"
tui "$T/blind.keys" 160x48 "$T/dumps/blind"
t_check "blind: replayed, exit 0 (got $RC)" [ "$RC" -eq 0 ]
t_check "blind: the submission is shown blind" grep -q '^ HX-101 ·.*anon-' "$T/dumps/blind/blind-back"
t_check "blind: the import's commit is listed" grep -q 'import 2 submissions' "$T/dumps/blind/blind-list"
t_check "blind: Enter shows the import in full" grep -q '^ HX-101: TEAM-QUES, attempt 1' "$T/dumps/blind/blind-import"
t_check "blind: the assessor's own score is there, newest first" grep -q '^ score HX-101 .*: ' "$T/dumps/blind/blind-score"
if cat "$T"/dumps/blind/blind-* | grep -qF -e "Ann Lee" -e "Chen, Bo" -e "E-1" -e "Oak Elementary"; then
	t_fail "blind: no educator's name, id or school in the history"
	cat "$T"/dumps/blind/blind-* | grep -F -e "Ann Lee" -e "Chen, Bo" -e "E-1" -e "Oak Elementary" | sed 's/^/# /'
else
	t_ok "blind: no educator's name, id or school in the history"
fi
done_testing
