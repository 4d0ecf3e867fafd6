#!/bin/sh
# test_session.sh: the archive's drain belongs to the session (session.h).
# A database that mcassess refuses (a schema newer than it knows) is left
# exactly as it was: its outbox, the archive, the file. A failed drain says so
# once, as a warning on stderr, and the command still succeeds.
. "$TOP_SRCDIR/tests/cli/lib.sh"
t_archive_db
G=$DB.archive.git
commits() { git --git-dir="$G" rev-list --count main; }
# Events wait in the outbox while the archive is away; the command succeeds and warns once.
mv "$G" "$T/away.git"
t_run 0 score HX-101 O1 demonstrated
t_stderr_has "mcassess: warning: 2 changes wait in the outbox"
t_check "the warning is said once" [ "$(grep -c warning "$ERR")" -eq 1 ]
mv "$T/away.git" "$G"
t_check "two events wait" [ "$(sql "SELECT count(*) FROM outbox")" -eq 2 ]
before_commits=$(commits)

# ---------------------------------------------------------------- a refused database
V=$(sql "PRAGMA user_version")
sql "PRAGMA user_version = $((V + 1))" >/dev/null
sum=$(sha256sum "$DB" | cut -d' ' -f1)
for cmd in queue "show HX-101" "score HX-101 O2 demonstrated" check "archive log HX-101"; do
	# shellcheck disable=SC2086
	t_run 1 $cmd
	t_stderr_has "newer than this mcassess understands"
done
t_check "refused: the outbox still holds both events" [ "$(sql "SELECT count(*) FROM outbox")" -eq 2 ]
t_check "refused: nothing was committed to the archive" [ "$(commits)" = "$before_commits" ]
t_check "refused: the database file is byte for byte as it was" [ "$(sha256sum "$DB" | cut -d' ' -f1)" = "$sum" ]
t_check "refused: no WAL left beside it" [ ! -s "$DB-wal" ]

# ---------------------------------------------------------------- the normal end drains
sql "PRAGMA user_version = $V" >/dev/null
t_run 0 queue
t_check "a session that ends normally drains the outbox" [ "$(sql "SELECT count(*) FROM outbox")" -eq 0 ]
t_check "the two events are commits" [ "$(commits)" -eq $((before_commits + 2)) ]
done_testing
