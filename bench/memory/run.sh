#!/bin/sh
# bench/memory/run.sh: the peak memory (resident set) of every command but
# search (bench/search has its own), each a one-off process, on one demo
# database (issue 15: flat, under 32 MB at a million submissions), of the search
# that rebuilds the ranking index, and of demo itself into a new database.
#
#   bench/memory/run.sh MCASSESS DB [WORK-DIR]
#
# DB is a scratch copy of a demo database (`mcassess demo --submissions N`, run
# by the account that runs this script, so that it is the admin): the script
# CHANGES it (check's marks, an import of 20,000 submissions, claims, automatic
# assignments, a packet merged back). WORK-DIR (default: a new directory beside
# DB) takes the exports, the packet, the archive and the import file; it is
# removed at the end. Each line: the command, its peak resident set (GNU time's
# "Maximum resident set size"), wall seconds, its exit status when not 0, and
# the 1-minute load average after it. The read-only commands come first, then
# those that write. bench/memory/pull.sh measures the pull at several sizes
# against an anchor build. ARCHIVE=0 leaves out archive init and pull (at a million
# they write the whole database out as git objects; the pull's line is followed
# by its WAL's peak). DEMO=N (default 5000;
# 0: none) runs `demo --submissions N` into a new database in WORK-DIR last:
# run it at two sizes to see that its peak does not grow. RANKING=0 leaves out
# the ranking index's rebuild (the first search after its format changed: about
# 300 CPU seconds at a million). IMPORTS="2000 20000" (the default; 0: none)
# imports files of those sizes into new databases before.
set -eu
MC=${1:?usage: run.sh MCASSESS DB [WORK-DIR]}
DB=${2:?usage: run.sh MCASSESS DB [WORK-DIR]}
case $MC in /*) ;; *) MC=$(pwd)/$MC ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d "${3:-$(dirname "$DB")}/bench-memory.XXXXXX")
trap 'rm -rf "$W"' EXIT
export HOME="$W" XDG_CONFIG_HOME="$W/cfg" TERM=xterm LC_ALL=C.UTF-8
unset MCASSESS_CHECK_SERIAL NO_COLOR

load() { cut -d' ' -f1 /proc/loadavg; }
# m LABEL CMD...: one run, output thrown away, one line.
m() {
	label=$1
	shift
	rc=0
	/usr/bin/time -f "%M %e" -o "$W/time" "$@" >/dev/null 2>"$W/err" </dev/null || rc=$?
	# GNU time writes "Command exited with non-zero status N" first when it fails
	set -- $(tail -n 1 "$W/time")
	printf '%-52s %8d KB %8.2f s%s  load %s\n' "$label" "$1" "$2" \
		"$([ "$rc" = 0 ] || echo "  (exit $rc: $(head -c 120 "$W/err" | tr '\n' ' '))")" "$(load)"
}

"$MC" --db "$DB" queue --limit 1 >/dev/null # any upgrade now, not in a measured run
subs=$(sqlite3 "$DB" 'SELECT count(*) FROM submission')
id=$(sqlite3 "$DB" "SELECT ext_id FROM submission WHERE status = 'earned' ORDER BY id LIMIT 1 OFFSET 7")
open=$(sqlite3 "$DB" "SELECT ext_id FROM submission WHERE status = 'queued' ORDER BY id DESC LIMIT 1")
district=$(sqlite3 "$DB" 'SELECT name FROM district ORDER BY id LIMIT 1')
educator=$(sqlite3 "$DB" 'SELECT e.ext_id FROM educator e ORDER BY id LIMIT 1')
credential=$(sqlite3 "$DB" 'SELECT c.code FROM credential c ORDER BY id LIMIT 1')
echo "bench/memory/run.sh: $subs submissions, $(sqlite3 "$DB" 'SELECT count(*) FROM audit') audit rows," \
	"$(du -h "$DB" | cut -f1), $(nproc) CPUs, $(date -u +%FT%TZ)"

# run LABEL ARGS...: the command on DB (LABEL is the words after mcassess)
run() { label=$1; shift; m "$label" "$MC" --db "$DB" "$@"; }

run "check" check
run "check --since-last" check --since-last
for f in text tsv json; do
	run "queue --status all --limit 0 --format $f" queue --status all --limit 0 --format "$f"
done
run "show $id" show "$id"
run "show $id --format json" show "$id" --format json
for r in progress turnaround assessors agreement; do
	for f in text tsv json $([ $r = progress ] && echo html); do # html is progress's alone
		run "report $r --format $f" report "$r" --format "$f"
	done
done
run "export results --out FILE" export results --out "$W/results.csv"
run "export results --format json --out FILE" export results --format json --out "$W/results.json"
# badges need an issuer: its id and a key (kept in the database)
if ! "$MC" --db "$DB" issuer show 2>/dev/null | grep -q https; then
	"$MC" --db "$DB" issuer set id https://bench.example/issuer >/dev/null
	"$MC" --db "$DB" issuer set name "Bench district" >/dev/null
	"$MC" --db "$DB" issuer set url https://bench.example/ >/dev/null
	"$MC" --db "$DB" issuer key new >/dev/null
fi
run "export badges --out DIR" export badges --out "$W/badges"
run "people list" people list
run "people list --format json" people list --format json
run "calibration list" calibration list
run "claim list" claim list
run "assign list" assign list
run "assign workload" assign workload
run "packet export --district D" packet export --district "$district" --out "$W/d.mcpacket"
: >"$W/empty.keys"
m "tui (first screen, 80x24, script mode)" env MCASSESS_TUI_SCRIPT="$W/empty.keys" MCASSESS_TUI_SIZE=80x24 \
	"$MC" --db "$DB" tui
m "tui (first screen, 160x48, script mode)" env MCASSESS_TUI_SCRIPT="$W/empty.keys" MCASSESS_TUI_SIZE=160x48 \
	"$MC" --db "$DB" tui

# the writers
run "claim claim $open" claim claim "$open"
run "claim release $open" claim release "$open"
run "attempts grant" attempts grant "$educator" "$credential" --reason "memory benchmark"
run "assign --auto --dry-run" assign --auto --dry-run
run "assign --auto" assign --auto
run "packet import (its own export)" packet import "$W/d.mcpacket"
sh "$HERE/../archive/gencsv.sh" 20000 >"$W/import.csv"
run "import (20,000 submissions, 40,000 rows of CSV)" import "$W/import.csv"
run "check (after the writes)" check
if [ "${RANKING:-1}" != 0 ]; then
	# the first search after an upgrade that changed the ranking index's format
	# rebuilds it, in steps: forced as the tests force it, by its mark in meta
	sqlite3 "$DB" "UPDATE meta SET value = '1' WHERE key = 'search.impact'"
	run "search (rebuilding the ranking index)" search --limit 1 students
	[ "$(sqlite3 "$DB" "SELECT value FROM meta WHERE key = 'search.impact'")" = 3 ] ||
		echo "  (the ranking index was not rebuilt: the line above does not measure it)"
fi
if [ "${ARCHIVE:-1}" != 0 ]; then
	run "archive init" archive init "$W/a.git"
	"$MC" --db "$W/empty.db" init >/dev/null
	"$MC" --db "$W/empty.db" archive init >/dev/null
	# the WAL's peak too: a second connection holds the file open, so the
	# pull's close keeps the WAL at its largest (a pull in steps reuses it)
	mkfifo "$W/fifo"
	sqlite3 "$W/empty.db" <"$W/fifo" >"$W/held" 2>&1 &
	exec 9>"$W/fifo"
	echo "SELECT count(*) FROM meta;" >&9
	while [ ! -s "$W/held" ]; do sleep 0.05; done
	m "archive pull (into an empty database)" "$MC" --db "$W/empty.db" archive pull "$W/a.git"
	printf '%-52s %8d KB\n' "  its WAL at the largest" $(( $(stat -c %s "$W/empty.db-wal") / 1024 ))
	exec 9>&-
	wait
	m "archive pull (again: nothing new)" "$MC" --db "$W/empty.db" archive pull "$W/a.git"
	m "check (the pulled database)" "$MC" --db "$W/empty.db" check
fi
# import at several sizes (IMPORTS, default "2000 20000"; 0: none), each into a new
# database: the peak must not grow with the file (issue 15). --dry-run leaves out
# what only a real import does at its end (the search index caught up).
for n in ${IMPORTS:-2000 20000}; do
	[ "$n" != 0 ] || break
	sh "$HERE/../archive/gencsv.sh" "$n" >"$W/imp.csv"
	for dry in "" --dry-run; do
		rm -f "$W"/imp.db*
		"$MC" --db "$W/imp.db" init >/dev/null
		m "import${dry:+ $dry} ($n submissions, a new database)" "$MC" --db "$W/imp.db" import $dry "$W/imp.csv"
	done
	rm -f "$W"/imp.db* "$W/imp.csv"
done
if [ "${DEMO:-5000}" != 0 ]; then
	m "demo --submissions ${DEMO:-5000} (a new database)" "$MC" --db "$W/demo.db" demo --submissions "${DEMO:-5000}"
fi
