#!/bin/sh
# test_startup.sh: libgit2 is loaded only when the archive is used, libmagic
# only when a file's media type is needed. The workstation and every command
# that needs neither start without them (the dynamic loader's own log,
# LD_DEBUG=files, lists every library mapped); when libgit2 cannot be loaded,
# archive commands say which library and why, and everything else works.
. "$TOP_SRCDIR/tests/cli/lib.sh"
FIX=$FIXTURES/archive
export TERM=xterm
: >"$T/empty.keys"

# mapped ARGS...: run mcassess on $DB with the loader's log; the libgit2 and
# libmagic libraries it mapped (if any) in $T/git2 and $T/magic.
mapped() {
	RC=0
	LD_DEBUG=files LD_DEBUG_OUTPUT="$T/ld" "$MCASSESS" --db "$DB" "$@" >"$OUT" 2>"$ERR" </dev/null || RC=$?
	cat "$T"/ld.* 2>/dev/null | sed -n 's/.*file=\(lib[^ ]*\) .*/\1/p' | sort -u >"$T/mapped"
	grep '^libgit2' "$T/mapped" >"$T/git2"
	grep '^libmagic' "$T/mapped" >"$T/magic"
	rm -f "$T"/ld.*
}
t_not_loaded() { # git2|magic DESCRIPTION
	if [ "$RC" -eq 0 ] && [ -s "$T/mapped" ] && [ ! -s "$T/$1" ]; then t_ok "$2: lib$1 not loaded"
	else t_fail "$2: lib$1 not loaded (exit $RC)"; t_diag "$T/$1" "$ERR"; fi
}
t_loaded() { # git2|magic DESCRIPTION
	if [ "$RC" -eq 0 ] && [ -s "$T/$1" ]; then t_ok "$2: lib$1 loaded ($(cat "$T/$1"))"
	else t_fail "$2: lib$1 loaded (exit $RC)"; t_diag "$ERR"; fi
}
t_no_libgit2() { t_not_loaded git2 "$1"; }
t_libgit2() { t_loaded git2 "$1"; }
tui() { MCASSESS_TUI_SCRIPT=$T/empty.keys MCASSESS_TUI_SIZE=80x24 mapped tui; }

t_init_db
mapped import "$FIX/subs.csv" --evidence "$FIX/evidence"
[ "$RC" -eq 0 ] || { echo "Bail out! import failed: $(cat "$ERR")"; exit 1; }
t_loaded magic "import with evidence files"
[ "$(sql "SELECT media_type FROM evidence WHERE file_name = 'plan.txt'")" = text/plain ] &&
	t_ok "libmagic told plan.txt's media type" || t_fail "libmagic told plan.txt's media type"

# --- without an archive, nothing loads libgit2
mapped --version
t_no_libgit2 "--version"
t_not_loaded magic "--version"
mapped queue
t_no_libgit2 "queue"
t_not_loaded magic "queue"
t_stdout_has "HX-101"
tui
t_no_libgit2 "the workstation's first screen"
t_not_loaded magic "the workstation's first screen"
mapped score HX-101 O1 demonstrated
t_no_libgit2 "a score, with no archive configured"
mapped check
t_no_libgit2 "check, with no archive configured"

mc archive verify
if grep -qF "not available in this build" "$ERR"; then
	done_testing # built --without-libgit2: nothing more to see
	exit $?
fi

# --- the archive loads it, and only when it has work to do
mapped archive init
t_libgit2 "archive init"
soname=$(cat "$T/git2")
mapped queue
t_no_libgit2 "queue, with an archive configured"
tui
t_no_libgit2 "the workstation's first screen, with an archive configured"
mapped score HX-101 O2 demonstrated
t_libgit2 "a score committed to the archive"
[ "$(sql 'SELECT count(*) FROM outbox')" = 0 ] && t_ok "the outbox is empty" || t_fail "the outbox is empty"
mapped archive log HX-101
t_libgit2 "archive log"

# --- libgit2 cannot be loaded (a broken copy first in the loader's path)
mkdir -p "$T/lib"
: >"$T/lib/$soname"
nolib() { LD_LIBRARY_PATH=$T/lib "$@"; }
want="mcassess: cannot load the library the evidence archive needs, libgit2 ($soname): "
RC=0; nolib "$MCASSESS" --db "$DB" archive log HX-101 >"$OUT" 2>"$ERR" </dev/null || RC=$?
[ "$RC" -eq 1 ] && t_ok "archive log without libgit2 exits 1" || t_fail "archive log without libgit2 exits 1 (got $RC)"
t_stderr_has "$want"
t_stderr_has "install libgit2 to use the archive"
RC=0; nolib "$MCASSESS" --db "$DB" queue >"$OUT" 2>"$ERR" </dev/null || RC=$?
[ "$RC" -eq 0 ] && t_ok "queue without libgit2 works" || t_fail "queue without libgit2 works (got $RC)"
t_stdout_has "HX-101"
RC=0; nolib "$MCASSESS" --db "$DB" score HX-101 A1 demonstrated >"$OUT" 2>"$ERR" </dev/null || RC=$?
[ "$RC" -eq 0 ] && t_ok "a score without libgit2 is saved" || t_fail "a score without libgit2 is saved (got $RC)"
t_stderr_has "1 change waits in the outbox"
t_stderr_has "libgit2 ($soname)"
[ "$(sql 'SELECT count(*) FROM outbox')" = 1 ] && t_ok "the change waits in the outbox" || t_fail "the change waits in the outbox"
RC=0; nolib "$MCASSESS" --db "$DB" check >"$OUT" 2>"$ERR" </dev/null || RC=$?
[ "$RC" -eq 1 ] && t_ok "check without libgit2 reports the archive" || t_fail "check without libgit2 reports the archive (got $RC)"
t_stdout_has "libgit2 ($soname)"

# --- with the library back, the next archive command catches up
t_run 0 archive verify
t_stdout_has "all good"
[ "$(sql 'SELECT count(*) FROM outbox')" = 0 ] && t_ok "the outbox was drained" || t_fail "the outbox was drained"
done_testing
