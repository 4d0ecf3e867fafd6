#!/bin/sh
# The global command line: --help, --version, command help, unknown commands, --db.
. "$TOP_SRCDIR/tests/cli/lib.sh"

RC=0; "$MCASSESS" --help >"$OUT" 2>"$ERR" || RC=$?
t_check "--help exits 0" [ "$RC" -eq 0 ]
t_stdout_has "usage: mcassess [--db PATH]"
for c in init demo catalog people import queue show score feedback decide export check tui; do
	t_stdout_has "  $c "
done

RC=0; "$MCASSESS" --version >"$OUT" 2>"$ERR" || RC=$?
t_check "--version exits 0" [ "$RC" -eq 0 ]
t_check "--version prints the version" grep -qE '^mcassess [0-9]+\.[0-9]+\.[0-9]+$' "$OUT"

for c in init demo catalog people import queue show score feedback decide export check tui; do
	RC=0; "$MCASSESS" "$c" --help >"$OUT" 2>"$ERR" || RC=$?
	t_check "$c --help exits 0" [ "$RC" -eq 0 ]
	t_check "$c --help shows its usage" grep -q "^usage: mcassess \[--db PATH\] $c" "$OUT"
done

RC=0; "$MCASSESS" frobnicate >"$OUT" 2>"$ERR" || RC=$?
t_check "unknown command exits 2" [ "$RC" -eq 2 ]
t_stderr_has "mcassess: unknown command 'frobnicate'"

t_check "no guess when nothing is near" test -z "$(grep -F "did you mean" "$ERR")"

# A slip of the fingers is named (issue 14): commands, options, global options.
RC=0; "$MCASSESS" qeueu >"$OUT" 2>"$ERR" || RC=$?
t_check "mistyped command exits 2" [ "$RC" -eq 2 ]
t_stderr_has "mcassess: unknown command 'qeueu' (did you mean 'queue'?"
RC=0; "$MCASSESS" --db "$T/x.db" queue --limt 5 >"$OUT" 2>"$ERR" || RC=$?
t_check "mistyped option exits 2" [ "$RC" -eq 2 ]
t_stderr_has "mcassess: queue: unknown option '--limt' (did you mean '--limit'?)"
RC=0; "$MCASSESS" --db "$T/x.db" import a.csv --evidnce=dir >"$OUT" 2>"$ERR" || RC=$?
t_stderr_has "(did you mean '--evidence'?)"
RC=0; "$MCASSESS" --verison >"$OUT" 2>"$ERR" || RC=$?
t_stderr_has "mcassess: unknown option '--verison' (did you mean '--version'?)"
t_check "no database made by a mistyped command" test ! -e "$T/x.db"

RC=0; "$MCASSESS" --bogus >"$OUT" 2>"$ERR" || RC=$?
t_check "unknown global option exits 2" [ "$RC" -eq 2 ]
t_stderr_has "unknown option '--bogus'"

RC=0; "$MCASSESS" --db >"$OUT" 2>"$ERR" || RC=$?
t_check "--db without a path exits 2" [ "$RC" -eq 2 ]
t_stderr_has "--db needs a path"

# Without --db, $MCASSESS_DB, then the XDG data directory, is the database.
RC=0; MCASSESS_DB=$T/env.db "$MCASSESS" queue >"$OUT" 2>"$ERR" || RC=$?
t_stderr_has "$T/env.db"
RC=0; "$MCASSESS" queue >"$OUT" 2>"$ERR" || RC=$?
t_stderr_has "$XDG_DATA_HOME/mcassess/mcassess.db"

# A database that is not one.
echo "not a database" >"$T/junk.db"
RC=0; "$MCASSESS" --db "$T/junk.db" queue >"$OUT" 2>"$ERR" || RC=$?
t_check "a junk file is refused with status 1" [ "$RC" -eq 1 ]
t_stderr_has "$T/junk.db"
t_stderr_is_message

# The database's files cannot grow (the file size limit stands in for a full
# disk: SQLite's write fails the same way): a clear message, and nothing changed.
t_init_db
mc demo --educators 20
t_snapshot
RC=0
(trap '' XFSZ; ulimit -f 96; exec "$MCASSESS" --db "$DB" import "$FIXTURES/import/good.csv" \
	--evidence "$FIXTURES/import/evidence" >"$OUT" 2>"$ERR" </dev/null) || RC=$?
t_check "an import that cannot be written fails with status 1 (got $RC)" [ "$RC" -eq 1 ]
t_stderr_has "the files may not grow any larger here (the file size limit, ulimit -f); nothing was changed"
t_db_unchanged
t_run 0 import "$FIXTURES/import/good.csv" --evidence "$FIXTURES/import/evidence"
t_stdout_has "imported 3 submissions"

# Output to a full disk is reported, not silently lost.
if [ -w /dev/full ]; then
	RC=0; "$MCASSESS" --help >/dev/full 2>"$ERR" || RC=$?
	t_check "writing to a full disk fails with status 1" [ "$RC" -eq 1 ]
	t_stderr_has "mcassess: writing the output"
fi

# The project documents itself (issue 14): every document README and the manual
# page name is in the source tree, and the output shapes are among them.
for f in $(grep -ohE '[A-Za-z_./-]+\.md' "$TOP_SRCDIR/README" "$TOP_SRCDIR/mcassess.1" | sort -u); do
	t_check "README and mcassess.1 name $f, which is in the tree" test -f "$TOP_SRCDIR/$f"
done
t_check "doc/formats.md documents the queue's TSV" grep -qF "id <TAB> status <TAB> credential <TAB> educator <TAB> district <TAB> attempt <TAB> submitted_at" "$TOP_SRCDIR/doc/formats.md"
done_testing
