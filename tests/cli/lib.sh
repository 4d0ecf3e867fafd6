# lib.sh: shared by the shell tests of subcommands. Each test file sources it,
# calls plan-free TAP helpers and ends with `done_testing`.
#
#   . "$TOP_SRCDIR/tests/cli/lib.sh"
#   t_run 3 import bad.csv           # runs mcassess --db $DB ..., expects exit 3
#   t_stderr_has "bad.csv:4: column 'part'"
#   t_db_unchanged                    # the database is as it was at t_snapshot
#
# Variables: MCASSESS (the binary), TOP_SRCDIR, T (a fresh temp dir), DB ($T/t.db),
# OUT/ERR (files with the last command's stdout/stderr), RC (its exit status).
set -u
: "${MCASSESS:?run through make check}"
: "${TOP_SRCDIR:?run through make check}"
T=$(mktemp -d "${TMPDIR:-/tmp}/mcassess-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
DB=$T/t.db
OUT=$T/out
ERR=$T/err
RC=0
FIXTURES=$TOP_SRCDIR/tests/fixtures
export HOME=$T/home XDG_DATA_HOME=$T/home/.local/share XDG_CONFIG_HOME=$T/home/.config
mkdir -p "$HOME"
unset MCASSESS_DB VISUAL EDITOR
_t_n=0
_t_failed=0

# Record one result: ok/not ok with a description.
t_ok()   { _t_n=$((_t_n + 1)); echo "ok $_t_n - $*"; }
t_fail() { _t_n=$((_t_n + 1)); _t_failed=$((_t_failed + 1)); echo "not ok $_t_n - $*"; }
t_diag() { sed 's/^/# /' "$@"; }

# t_check DESCRIPTION COMMAND...: ok if the command succeeds.
t_check() {
	_d=$1; shift
	if "$@"; then t_ok "$_d"; else t_fail "$_d"; fi
}

# mc ARGS...: run mcassess on $DB, capturing stdout, stderr and the status.
mc() {
	RC=0
	"$MCASSESS" --db "$DB" "$@" >"$OUT" 2>"$ERR" </dev/null || RC=$?
}
# mc_in FILE ARGS...: the same with stdin from FILE.
mc_in() {
	_in=$1; shift
	RC=0
	"$MCASSESS" --db "$DB" "$@" >"$OUT" 2>"$ERR" <"$_in" || RC=$?
}

# t_run STATUS ARGS...: run mcassess and check its exit status.
t_run() {
	_want=$1; shift
	mc "$@"
	if [ "$RC" -eq "$_want" ]; then
		t_ok "mcassess $* exits $_want"
	else
		t_fail "mcassess $* exits $_want (got $RC)"
		t_diag "$ERR"
	fi
}

# t_stderr_has TEXT / t_stdout_has TEXT / t_stdout_lacks TEXT: fixed-string checks.
t_stderr_has() {
	if grep -qF -- "$1" "$ERR"; then t_ok "stderr has: $1"; else t_fail "stderr has: $1"; t_diag "$ERR"; fi
}
t_stdout_has() {
	if grep -qF -- "$1" "$OUT"; then t_ok "stdout has: $1"; else t_fail "stdout has: $1"; head -40 "$OUT" | t_diag; fi
}
t_stdout_lacks() {
	if grep -qF -- "$1" "$OUT"; then t_fail "stdout lacks: $1"; else t_ok "stdout lacks: $1"; fi
}
# t_stdout_is EXPECTED-FILE: exact output.
t_stdout_is() {
	if diff -u "$1" "$OUT" >"$T/diff"; then t_ok "stdout is $(basename "$1")"; else t_fail "stdout is $(basename "$1")"; t_diag "$T/diff"; fi
}
# An error message for people: one line starting "mcassess: ".
t_stderr_is_message() {
	if head -1 "$ERR" | grep -q '^mcassess: '; then t_ok "error begins 'mcassess: '"; else t_fail "error begins 'mcassess: '"; t_diag "$ERR"; fi
}

# A fingerprint of everything the database holds (and its evidence directory).
db_fingerprint() {
	{
		sqlite3 "$DB" .dump 2>/dev/null
		if [ -d "$DB.evidence" ]; then (cd "$DB.evidence" && find . -type f | sort | xargs -r sha256sum); fi
	} | sha256sum | cut -d' ' -f1
}
t_snapshot() { _t_snap=$(db_fingerprint); }
t_db_unchanged() {
	if [ "$(db_fingerprint)" = "$_t_snap" ]; then t_ok "database unchanged"; else t_fail "database unchanged"; fi
}
t_db_changed() {
	if [ "$(db_fingerprint)" != "$_t_snap" ]; then t_ok "database changed"; else t_fail "database changed"; fi
}

# A database with the shipped catalog and the current user as admin.
t_init_db() {
	"$MCASSESS" --db "$DB" init >"$T/init.out" 2>&1 || { echo "Bail out! init failed: $(cat "$T/init.out")"; exit 1; }
}
# sql QUERY: one value from the database (tests may read it directly).
sql() { sqlite3 "$DB" "$1"; }

# db_lock / db_unlock: another process (the sqlite3 shell) takes $DB's write lock
# and holds it until db_unlock (longer than mcassess's 5 s busy timeout if need be).
db_lock() {
	rm -f "$T/lk" "$T/lk.out"
	mkfifo "$T/lk"
	sqlite3 "$DB" <"$T/lk" >"$T/lk.out" 2>&1 &
	LOCKER=$!
	exec 3>"$T/lk"
	printf "PRAGMA busy_timeout = 20000;\nBEGIN IMMEDIATE;\nSELECT 'locked';\n" >&3
	_i=0
	while ! grep -q locked "$T/lk.out" 2>/dev/null && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
	t_check "the helper holds the write lock" grep -q locked "$T/lk.out"
}
db_unlock() {
	printf "COMMIT;\n" >&3
	exec 3>&-
	wait "$LOCKER"
}

done_testing() {
	echo "1..$_t_n"
	[ "$_t_failed" -eq 0 ]
}

# t_accounts NAME...: as root, make sure the OS accounts exist, move $DB into a
# world-writable directory $F (WAL files included) that they can all write, and
# define `as USER ARGS...` (mcassess as USER, like mc). Returns 1, changing
# nothing, when not root or without useradd/runuser (the caller skips).
t_accounts() {
	[ "$(id -u)" -eq 0 ] && command -v useradd >/dev/null 2>&1 && command -v runuser >/dev/null 2>&1 || return 1
	for _u in "$@"; do id "$_u" >/dev/null 2>&1 || useradd -M -N "$_u" 2>/dev/null || useradd -M "$_u"; done
	F=$(mktemp -d /tmp/mcassess-acct.XXXXXX)
	trap 'rm -rf "$T" "$F"' EXIT
	chmod 0777 "$F"
	[ -f "$DB" ] && sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null && cp "$DB" "$F/t.db" && rm -f "$DB"*
	DB=$F/t.db
	[ -f "$DB" ] && chmod 0666 "$DB"
	return 0
}
# t_user USER COMMAND...: COMMAND as the OS account USER (root only), with
# what `runuser -u USER --` gives it: the account's uid, group and groups, and
# HOME from its passwd entry, USER and LOGNAME its name (the rest of the
# environment as it is). By setpriv when there is one: runuser forks and opens
# a PAM session each time, 30 ms of CPU a run here against 9 for setpriv, and
# the tests that act as accounts run hundreds. The account's entry is read once.
t_user() {
	_tu=$1; shift
	case $_tu in '' | *[!A-Za-z0-9_]*) runuser -u "$_tu" -- "$@"; return ;; esac
	command -v setpriv >/dev/null 2>&1 || { runuser -u "$_tu" -- "$@"; return; }
	eval "_tp=\${_t_pw_$_tu:-}"
	if [ -z "$_tp" ]; then
		_tp=$(getent passwd "$_tu") || { runuser -u "$_tu" -- "$@"; return; }
		eval "_t_pw_$_tu=\$_tp"
	fi
	# name:password:uid:gid:gecos:home:shell
	_tr=${_tp#*:*:}; _tuid=${_tr%%:*}; _tr=${_tr#*:}; _tgid=${_tr%%:*}; _tr=${_tr#*:*:}
	HOME=${_tr%%:*} USER=$_tu LOGNAME=$_tu \
		setpriv --reuid="$_tuid" --regid="$_tgid" --init-groups -- "$@"
}
as() { _u=$1; shift; RC=0; t_user "$_u" env HOME="$F" "$MCASSESS" --db "$DB" "$@" >"$OUT" 2>"$ERR" </dev/null || RC=$?; }
# t_as USER STATUS DB ARGS...: mcassess as USER on DB (after t_accounts), one
# TAP line checking it exits STATUS; what root wrote meanwhile under $F is
# made writable first.
t_as() {
	_u=$1 _want=$2 _db=$3; shift 3
	RC=0
	chmod -R a+rwX "$F"
	t_user "$_u" env HOME="$F" "$MCASSESS" --db "$_db" "$@" >"$OUT" 2>"$ERR" </dev/null || RC=$?
	if [ "$RC" -eq "$_want" ]; then t_ok "as $_u: mcassess $* exits $_want"
	else t_fail "as $_u: mcassess $* exits $_want (got $RC)"; t_diag "$ERR"; fi
}
# t_on DB USER ARGS...: mcassess as USER on DB (after t_accounts), no TAP
# line: RC, $OUT and $ERR tell.
t_on() {
	_db=$1 _u=$2; shift 2
	RC=0
	chmod -R a+rwX "$F"
	t_user "$_u" env HOME="$F" "$MCASSESS" --db "$_db" "$@" >"$OUT" 2>"$ERR" </dev/null || RC=$?
}
# t_copy_archived SRC DST: a database with its evidence and archive, the
# copy's archive at DST.archive.git.
t_copy_archived() {
	rm -rf "$2" "$2-wal" "$2-shm" "$2.evidence" "$2.archive.git"
	sqlite3 "$1" ".backup '$2'"; cp -r "$1.evidence" "$2.evidence"; cp -r "$1.archive.git" "$2.archive.git"
	sqlite3 "$2" "UPDATE meta SET value = '$2.archive.git' WHERE key = 'archive_path'"
}
# t_archive_laptop DB REMOTE DST: a laptop's copy of DB with a clone of the
# archive pushed to REMOTE, as a district coordinator makes one (README: One
# merge engine).
t_archive_laptop() {
	sqlite3 "$1" ".backup '$3'"
	cp -r "$1.evidence" "$3.evidence"
	git clone -q --bare "$2" "$3.archive.git"
	sqlite3 "$3" "UPDATE meta SET value = '$3.archive.git' WHERE key = 'archive_path';
		UPDATE meta SET value = 'laptop-$(basename "$3")' WHERE key = 'archive_id';
		UPDATE meta SET value = (SELECT max(seq) + 1 FROM audit) WHERE key = 'archive_from_seq'"
	chmod -R a+rwX "$F"
}
# t_skip_all REASON: the whole test is skipped (one TAP line) and the script ends.
t_skip_all() {
	echo "ok 1 # SKIP $*"
	echo "1..1"
	exit 0
}
# A database with the archive fixture imported and an archive made for it
# (tests/fixtures/archive); skips the whole test when built without libgit2.
t_archive_db() {
	t_init_db
	mc import "$FIXTURES/archive/subs.csv" --evidence "$FIXTURES/archive/evidence"
	[ "$RC" -eq 0 ] || { echo "Bail out! the fixture did not load"; cat "$ERR"; exit 1; }
	"$MCASSESS" --db "$DB" archive init >"$OUT" 2>"$ERR" || t_skip_all "built without libgit2"
}

# t_screen DIR DUMP NAME: compare the screen dump DUMP with DIR/NAME.screen,
# times (ISO 8601 UTC) and "(USER, " of the user running the test masked;
# GENERATE=1 writes DIR/NAME.screen instead (read it before accepting it).
t_screen() {
	sed -E -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/YYYY-MM-DDTHH:MM:SSZ/g' \
		-e "s/\\($(id -un), /(ME, /" "$2" >"$2.masked" 2>/dev/null
	if [ -n "${GENERATE:-}" ]; then
		cp "$2.masked" "$1/$3.screen"
		t_ok "$3.screen generated (review it)"
	elif diff -u "$1/$3.screen" "$2.masked" >"$T/diff" 2>&1; then
		t_ok "screen $3"
	else
		t_fail "screen $3"
		t_diag "$T/diff"
	fi
}

# t_packet_server NAME: a server in a fresh world-writable $F (removed on exit
# unless KEEP) loaded with the packet fixture ($FX): the review-packet tests' start.
t_packet_server() {
	F=$(mktemp -d "/tmp/mcassess-$1.XXXXXX")
	trap '[ -n "${KEEP:-}" ] || rm -rf "$T" "$F"' EXIT
	chmod 0777 "$F"
	DB=$F/server.db
	FX=$FIXTURES/packet
	t_init_db
	mc import "$FX/subs.csv" --evidence "$FX/evidence"
	[ "$RC" -eq 0 ] || { echo "Bail out! the fixture did not load"; cat "$ERR"; exit 1; }
}
