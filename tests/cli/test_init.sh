#!/bin/sh
# init: a fresh database gets the catalog and its first admin; a second init changes nothing.
. "$TOP_SRCDIR/tests/cli/lib.sh"
ME=$(id -un)

t_run 0 init
t_stdout_has "created the database $DB"
t_stdout_has "/catalog: 25 credentials in 6 pathways"
t_stdout_has "you ($ME) are admin"
t_check "25 credentials loaded at version 1" [ "$(sql "SELECT count(*) FROM credential WHERE current_version = 1")" = 25 ]
t_check "6 pathways with goals summing to 280" [ "$(sql "SELECT count(*) || ' ' || sum(goal) FROM pathway")" = "6 280" ]
t_check "I am the admin" [ "$(sql "SELECT role FROM person WHERE user = '$ME'")" = admin ]
t_check "initialised_by is recorded" [ "$(sql "SELECT value FROM meta WHERE key = 'initialised_by'")" = "$ME" ]
AT=$(sql "SELECT value FROM meta WHERE key = 'initialised_at'")
t_check "initialised_at is an ISO 8601 UTC time" sh -c "echo '$AT' | grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'"
t_check "init is audited" [ "$(sql "SELECT count(*) FROM audit WHERE action = 'init' AND subject = 'database'")" = 1 ]
t_check "each credential load is audited" [ "$(sql "SELECT count(*) FROM audit WHERE action = 'catalog' AND subject LIKE 'credential:%'")" = 25 ]

# A second time: refused, nothing changed.
t_snapshot
t_run 1 init
t_stderr_has "mcassess: init: $DB: already initialised on $AT by $ME; nothing changed"
t_db_unchanged

# Wrong command lines.
t_run 2 init extra
t_stderr_has "init takes no arguments ('extra')"
t_run 2 init --force
t_stderr_has "unknown option '--force'"
t_db_unchanged

# A database where none can be made: the parent "directory" is a file.
echo "not a directory" >"$T/file"
RC=0; "$MCASSESS" --db "$T/file/t.db" init >"$OUT" 2>"$ERR" || RC=$?
t_check "init where the directory cannot be made exits 1" [ "$RC" -eq 1 ]
t_stderr_has "$T/file/t.db"
t_stderr_is_message

# An unwritable directory (root writes anywhere, so try as another account).
mkdir "$T/ro" && chmod 555 "$T/ro"
if [ "$(id -u)" != 0 ]; then
	RC=0; "$MCASSESS" --db "$T/ro/t.db" init >"$OUT" 2>"$ERR" || RC=$?
else
	chmod 755 "$T"
	RC=0; runuser -u nobody -- "$MCASSESS" --db "$T/ro/t.db" init >"$OUT" 2>"$ERR" </dev/null || RC=$?
fi
t_check "init in an unwritable directory exits 1" [ "$RC" -eq 1 ]
t_stderr_has "$T/ro/t.db"
t_check "nothing is left behind" [ -z "$(ls -A "$T/ro")" ]

# Without --db: $MCASSESS_DB, else the XDG data directory.
RC=0; "$MCASSESS" init >"$OUT" 2>"$ERR" || RC=$?
t_check "init without --db exits 0" [ "$RC" -eq 0 ]
t_check "the default database is under XDG_DATA_HOME" [ -s "$XDG_DATA_HOME/mcassess/mcassess.db" ]
RC=0; MCASSESS_DB=$T/env.db "$MCASSESS" init >"$OUT" 2>"$ERR" || RC=$?
t_check "init with MCASSESS_DB exits 0" [ "$RC" -eq 0 ]
t_stdout_has "created the database $T/env.db"

# An existing, never-initialised database is initialised in place.
sqlite3 "$T/empty.db" "PRAGMA user_version = 0; CREATE TABLE x(y);" && sqlite3 "$T/empty.db" "DROP TABLE x;"
RC=0; "$MCASSESS" --db "$T/empty.db" init >"$OUT" 2>"$ERR" || RC=$?
t_check "init of an empty existing file exits 0" [ "$RC" -eq 0 ]
t_stdout_has "initialised the database $T/empty.db"

t_run 0 init --help
t_stdout_has "usage: mcassess [--db PATH] init"
# First run without --db (issue 14): someone who is not root and has no database at
# the default path is told to ask for the path, not to run init; init still works.
FU=mccli_first
if [ "$(id -u)" = 0 ] && command -v useradd >/dev/null && command -v runuser >/dev/null &&
	{ id -u "$FU" >/dev/null 2>&1 || useradd -M -N "$FU" 2>/dev/null || useradd -M "$FU" 2>/dev/null; }; then
	trap 'rm -rf "$T"; userdel "$FU" 2>/dev/null' EXIT
	mkdir -p "$T/fu"
	chmod 755 "$T"
	chown "$FU" "$T/fu"
	fu() { RC=0; runuser -u "$FU" -- env -u MCASSESS_DB HOME="$T/fu" XDG_DATA_HOME="$T/fu/share" "$MCASSESS" "$@" >"$OUT" 2>"$ERR" </dev/null || RC=$?; }
	fu queue
	t_check "first run: exits 1" [ "$RC" -eq 1 ]
	t_stderr_has "mcassess: there is no database at $T/fu/share/mcassess/mcassess.db."
	t_stderr_has "Ask your coordinator or administrator for the database's path"
	t_stderr_has "set MCASSESS_DB=PATH"
	t_check "first run: not told to run init first" test -z "$(grep -F "init' first" "$ERR")"
	t_check "first run: nothing created" test ! -e "$T/fu/share"
	fu init
	t_check "init still makes a database of one's own" [ "$RC" -eq 0 ]
	t_stdout_has "you ($FU) are admin"
	fu queue
	t_check "and then the queue opens" [ "$RC" -eq 0 ]
	# a path given on purpose that is not there keeps the plain message
	RC=0; runuser -u "$FU" -- env MCASSESS_DB="$T/fu/none.db" "$MCASSESS" queue >"$OUT" 2>"$ERR" </dev/null || RC=$?
	t_stderr_has "$T/fu/none.db: no database here"
else
	for _i in 1 2 3 4 5 6 7 8 9 10; do _t_n=$((_t_n + 1)); echo "ok $_t_n # SKIP needs root, useradd and runuser"; done
fi
done_testing
