#!/bin/sh
# test_shared.sh: a shared server. `shared setup` makes a copy of the program
# set-user-ID and set-group-ID to a service account that owns the data
# directory; then real OS accounts work through it: an assessor cannot open,
# copy or read the database, evidence or archive with anything but mcassess,
# nor can the editor mcassess starts for them; files they name are opened with
# their own rights; two accounts write and both land in the archive; a role
# changed behind the program's back is caught by `check`.
. "$TOP_SRCDIR/tests/cli/lib.sh"
: "${MC_SYSCONFDIR:?run through make check}"

N=43
skip_all() { _i=0; while [ $_i -lt $N ]; do t_ok "shared server # SKIP $1"; _i=$((_i + 1)); done; done_testing; exit 0; }
[ "$(id -u)" -eq 0 ] || skip_all "not root (useradd, runuser, chown)"
command -v useradd >/dev/null 2>&1 && command -v runuser >/dev/null 2>&1 || skip_all "no useradd/runuser"

SVC=mcshsvc A=mcsha B=mcshb
for u in $A $B; do id "$u" >/dev/null 2>&1 || useradd -M -N "$u" 2>/dev/null || useradd -M "$u"; done
CONF=$MC_SYSCONFDIR/mcassess/shared.conf
# The settings file is one per build prefix: two runs at once (two build trees
# on one machine) would write it over each other's, so they take turns.
if command -v flock >/dev/null 2>&1; then
	exec 9>"${TMPDIR:-/tmp}/mcassess-test-shared.lock"
	flock 9
fi
F=$(mktemp -d /tmp/mcassess-shared.XXXXXX)
chmod 0755 "$F"
# The program's copy stays in the build tree, so that it reads the data files of
# the source tree as an installed one reads its own.
BINDIR=$TOP_BUILDDIR/tests/shared.$$
mkdir -p "$BINDIR"
chmod 0755 "$BINDIR"
BIN=$BINDIR/mcassess
cp "$MCASSESS" "$BIN"
[ -e "$CONF" ] && cp -p "$CONF" "$F/conf.saved"
cleanup() {
	tmux -S "$F/tmux.sock" kill-server >/dev/null 2>&1
	if [ -e "$F/conf.saved" ]; then cp -p "$F/conf.saved" "$CONF"; else rm -f "$CONF"; fi
	rm -rf "$T" "$F" "$BINDIR"
}
trap cleanup EXIT
runuser -u $A -- test -x "$BIN" || skip_all "the build tree cannot be reached by other accounts"
runuser -u $A -- test -r "$TOP_SRCDIR/data/catalog/pathways.json" || skip_all "the source tree cannot be read by other accounts"

D=$F/data
RC=0
"$BIN" shared setup --dir "$D" --account $SVC >"$OUT" 2>"$ERR" || RC=$?
t_check "shared setup exits 0 (got $RC)" [ "$RC" -eq 0 ]
[ "$RC" -eq 0 ] || t_diag "$ERR"
t_stdout_has "shared install ready"
t_check "the data directory is the service account's, mode 2770" [ "$(stat -c '%U %G %a' "$D")" = "$SVC $SVC 2770" ]
t_check "the program is set-user-ID and set-group-ID to it, mode 6555" [ "$(stat -c '%U %G %a' "$BIN")" = "$SVC $SVC 6555" ]
t_check "the settings file is root's and names the directory" \
	sh -c "[ \"\$(stat -c '%U %a' '$CONF')\" = 'root 644' ] && grep -qx 'datadir = $D' '$CONF'"
"$BIN" shared setup --dir relative/path >"$OUT" 2>"$ERR"
t_stderr_has "mcassess: shared setup: --dir relative/path: give an absolute path"
RC=0; runuser -u $A -- "$BIN" shared setup --dir "$D" >"$OUT" 2>"$ERR" || RC=$?
t_check "shared setup as a person is refused (exit $RC)" [ "$RC" -eq 1 ]
t_stderr_has "run it as root"

# as USER ARGS...: mcassess run by that OS account, with a HOME of its own.
as() {
	_u=$1; shift
	mkdir -p "$F/home-$_u"; chown "$_u" "$F/home-$_u"
	RC=0
	runuser -u "$_u" -- env HOME="$F/home-$_u" "$BIN" "$@" >"$OUT" 2>"$ERR" </dev/null || RC=$?
}
# try USER COMMAND...: any other program, run by that account.
try() { _u=$1; shift; runuser -u "$_u" -- "$@" >/dev/null 2>&1; }
fails() { ! "$@"; }

as $A init
t_check "$A makes the database in the data directory (exit $RC)" test "$RC" -eq 0 -a -f "$D/mcassess.db"
[ "$RC" -eq 0 ] || t_diag "$ERR"
t_check "the database belongs to the service account, closed to others" \
	test "$(stat -c '%U' "$D/mcassess.db")" = $SVC -a "$(( $(stat -c '%a' "$D/mcassess.db") % 10 ))" -eq 0
as $A people list --format tsv
t_check "$A, who ran init, is its admin" grep -q "^$A	admin" "$OUT"
as $A people add $B --role assessor
t_check "$A adds $B as an assessor (exit $RC)" [ "$RC" -eq 0 ]

# Files a person names are opened with their rights: A's own 0700 folder works.
mkdir -p "$F/in-$A"
cp -r "$FIXTURES/import/good.csv" "$FIXTURES/import/evidence" "$F/in-$A/"
chown -R $A "$F/in-$A"
chmod -R go-rwx "$F/in-$A"
as $A import "$F/in-$A/good.csv" --evidence "$F/in-$A/evidence"
t_check "$A imports from a folder only $A can read (exit $RC)" [ "$RC" -eq 0 ]
[ "$RC" -eq 0 ] || t_diag "$ERR"
as $A assign S-101 $B
t_check "$A assigns S-101 to $B (exit $RC)" [ "$RC" -eq 0 ]

HAVE_ARCHIVE=1
as $A archive init
if grep -q "not available in this build" "$ERR"; then HAVE_ARCHIVE=0; fi
t_check "$A starts the archive in the data directory (exit $RC)" test "$HAVE_ARCHIVE" -eq 0 -o "$RC" -eq 0

# Nothing but mcassess reaches the data.
t_check "$B cannot read the database with cat" fails try $B cat "$D/mcassess.db"
t_check "$B cannot copy the database" fails try $B cp "$D/mcassess.db" "$F/copy.db"
t_check "$B cannot open it with sqlite3" fails try $B sqlite3 "$D/mcassess.db" "SELECT name FROM educator"
t_check "$B cannot list the data directory" fails try $B ls "$D"
t_check "$B cannot list the evidence" fails try $B ls "$D/mcassess.db.evidence"
t_check "$B cannot read an evidence file" \
	fails try $B cat "$(find "$D/mcassess.db.evidence" -type f | head -1)"
t_check "$B cannot read the archive" fails try $B git --git-dir="$D/mcassess.db.archive.git" log
t_check "no data file is open to others" [ -z "$(find "$D" -perm /o=rwx -print -quit)" ]
t_check "no data file is open to the group of a person" [ -z "$(find "$D" ! -group $SVC -print -quit)" ]

# A path outside the data directory is refused while privileged.
as $B --db "$F/other.db" queue
t_check "--db outside the data directory is refused (exit $RC)" [ "$RC" -eq 1 ]
t_stderr_has "this shared install keeps its database in $D"
# --file is read with the person's rights: the database is not theirs to read.
as $B feedback S-101 --file "$D/mcassess.db"
t_check "feedback --file naming the database is refused (exit $RC)" [ "$RC" -eq 1 ]
t_stderr_has "Permission denied"

# Two accounts write; both land.
as $B score S-101 O1 demonstrated
t_check "$B scores S-101 through mcassess (exit $RC)" [ "$RC" -eq 0 ]
[ "$RC" -eq 0 ] || t_diag "$ERR"
as $A score S-102 O1 progressing
t_check "$A scores S-102 (exit $RC)" [ "$RC" -eq 0 ]
t_check "both scores are in the database" \
	[ "$(sqlite3 "$D/mcassess.db" "SELECT group_concat(assessor, ',') FROM (SELECT assessor FROM score ORDER BY assessor)")" = "$A,$B" ]
if [ "$HAVE_ARCHIVE" -eq 1 ]; then
	authors=$(git --git-dir="$D/mcassess.db.archive.git" log --format=%an 2>/dev/null | sort -u | tr '\n' ' ')
	t_check "archive commits by $A and $B landed ($authors)" sh -c "echo '$authors' | grep -qw $A && echo '$authors' | grep -qw $B"
	t_check "the outbox is empty" [ "$(sqlite3 "$D/mcassess.db" "SELECT count(*) FROM archive_outbox" 2>/dev/null || echo 0)" = 0 ]
else
	t_ok "archive commits # SKIP built without libgit2"
	t_ok "the outbox is empty # SKIP built without libgit2"
fi
as $A check
t_check "check is clean after the work of two accounts (exit $RC)" [ "$RC" -eq 0 ]
[ "$RC" -eq 0 ] || t_diag "$OUT"

# An export goes to a file of the person's, made with their rights.
mkdir -p "$F/out-$A"; chown $A "$F/out-$A"
as $A export results --out "$F/out-$A/results.csv"
t_check "export --out writes a file owned by $A (exit $RC)" \
	test "$RC" -eq 0 -a "$(stat -c %U "$F/out-$A/results.csv" 2>/dev/null)" = $A
as $B export results --out "$D/results.csv"
t_check "export --out into the data directory is refused (exit $RC)" test "$RC" -ne 0 -a ! -e "$D/results.csv"

# The person's redaction files add to the shipped ones but cannot remove them.
mkdir -p "$F/home-$B/.config/mcassess/redaction"
: >"$F/home-$B/.config/mcassess/redaction/default.patterns"
chown -R $B "$F/home-$B/.config"
sqlite3 "$D/mcassess.db" "UPDATE evidence SET text = text || ' Call 615-555-0199.' WHERE seq = 1 AND submission_id = (SELECT id FROM submission WHERE ext_id = 'S-101')" 2>/dev/null
as $A config blind on
as $B show S-101
t_check "an empty default.patterns of $B's does not unmask a phone number" \
	sh -c "! grep -q '615-555-0199' '$OUT' && grep -qF '[phone]' '$OUT'"
as $A config blind off

# A role changed behind the program's back (root edits the table) is caught.
sqlite3 "$D/mcassess.db" "UPDATE person SET role = 'admin' WHERE user = '$B'"
as $A check
t_check "check fails after a role was changed outside mcassess (exit $RC)" [ "$RC" -eq 1 ]
t_stdout_has "person $B is admin but the last audited change"

# The editor mcassess starts for a person runs with that person's rights only.
if ! command -v tmux >/dev/null 2>&1; then
	for i in 1 2 3 4; do t_ok "editor # SKIP tmux is not installed"; done
	done_testing
	exit 0
fi
sqlite3 "$D/mcassess.db" "UPDATE person SET role = 'assessor' WHERE user = '$B'"
cat >"$F/editor.sh" <<EDITOR
#!/bin/sh
{
	echo "uid \$(id -ru) euid \$(id -u) groups \$(id -G)"
	if cat "$D/mcassess.db" >/dev/null 2>&1; then echo DB-READ; else echo DB-REFUSED; fi
	if ls "$D" >/dev/null 2>&1; then echo DIR-LISTED; else echo DIR-REFUSED; fi
} >"$F/home-$A/editor-report"
echo "Typed in the editor." >>"\$1"
EDITOR
chmod 0755 "$F/editor.sh"
cat >"$F/run.sh" <<RUN
#!/bin/sh
exec runuser -u $A -- env LC_ALL=C.UTF-8 HOME="$F/home-$A" TERM=screen VISUAL="$F/editor.sh" "$BIN" tui
RUN
chmod +x "$F/run.sh"
tm() { tmux -u -S "$F/tmux.sock" -f /dev/null "$@"; }
tm new-session -d -s a -x 100 -y 30 "$F/run.sh"
_i=0; while [ $_i -lt 50 ] && ! tm capture-pane -p -t a 2>/dev/null | grep -q "S-10"; do sleep 0.1; _i=$((_i + 1)); done
tm send-keys -t a Enter
sleep 0.5
tm send-keys -t a f
sleep 0.3
tm send-keys -t a C-e
_i=0; while [ $_i -lt 50 ] && [ ! -s "$F/home-$A/editor-report" ]; do sleep 0.1; _i=$((_i + 1)); done
t_check "the editor ran as $A ($(head -1 "$F/home-$A/editor-report" 2>/dev/null))" \
	grep -q "^uid $(id -u $A) euid $(id -u $A) " "$F/home-$A/editor-report"
t_check "the editor could not read the database" grep -q DB-REFUSED "$F/home-$A/editor-report"
t_check "the editor could not list the data directory" grep -q DIR-REFUSED "$F/home-$A/editor-report"
sleep 0.3
tm send-keys -t a C-x
sleep 0.5
t_check "the editor's text came back into the feedback" \
	[ "$(sqlite3 "$D/mcassess.db" "SELECT count(*) FROM feedback WHERE body LIKE '%Typed in the editor.%'")" -ge 1 ]
tm kill-server >/dev/null 2>&1
done_testing
