#!/bin/bash
# bench/assign/run.sh: allocation on a large database.
#   1. `assign --auto` over about 10,000 open submissions and 60 assessors, two
#      reads per submission (meta 'reads' = 2): wall time of the dry run and of
#      the real run (one transaction, an audit row per read), the reads given,
#      and the spread of open loads afterwards;
#   2. the queue's first screen (160x48 and 80x24, script mode: open, draw, leave) with the
#      assignees shown, against the same first screen drawn by another binary
#      (BASE, e.g. a build of main before this work), on the same database.
# Usage: bench/assign/run.sh MCASSESS [BASE] [DB]
#   DB defaults to /tmp/mcassess-bench-assign.db, built with
#   `mcassess demo --submissions 19000` (about 10,000 of them open) and 60
#   `people add benchNN --role assessor --district D` spread over the districts.
# Each first screen is the median of RUNS (default 21), alternating binaries so
# that the load of a shared machine falls on both.
set -eu
MC=${1:?the mcassess binary}
BASE=${2:-}
DB=${3:-/tmp/mcassess-bench-assign.db}
RUNS=${RUNS:-21}
W=$(mktemp -d /tmp/mcassess-bench-assign.XXXXXX)
trap 'rm -rf "$W"' EXIT
export TERM=xterm LC_ALL=C.UTF-8 HOME="$W" XDG_CONFIG_HOME="$W/cfg"
unset NO_COLOR MCASSESS_TUI_PAGE MCASSESS_TUI_NOW

if [ ! -f "$DB" ]; then
	echo "building $DB (demo --submissions 19000, 60 assessors)..." >&2
	"$MC" --db "$DB" demo --submissions 19000 >/dev/null
	mapfile -t districts < <(sqlite3 "$DB" "SELECT name FROM district ORDER BY name")
	for i in $(seq -w 1 60); do
		"$MC" --db "$DB" people add "bench$i" --role assessor \
			--district "${districts[$((10#$i % ${#districts[@]}))]}" >/dev/null
	done
	sqlite3 "$DB" "INSERT INTO meta(key, value) VALUES ('reads', '2') ON CONFLICT(key) DO UPDATE SET value = '2'"
	cp "$DB" "$DB.fresh"
fi
cp "$DB.fresh" "$W/a.db"
open=$(sqlite3 "$W/a.db" "SELECT count(*) FROM submission WHERE status IN ('queued', 'in_progress')")
assessors=$(sqlite3 "$W/a.db" "SELECT count(*) FROM person WHERE role = 'assessor'")
echo "load average before: $(uptime | sed 's/.*load average: //')"
echo "open submissions: $open; assessors: $assessors"

t0=$EPOCHREALTIME
"$MC" --db "$W/a.db" assign --auto --dry-run >"$W/dry.out"
t1=$EPOCHREALTIME
"$MC" --db "$W/a.db" assign --auto >"$W/real.out"
t2=$EPOCHREALTIME
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b - a) * 1000 }'; }
echo "assign --auto --dry-run: $(ms "$t0" "$t1") ms ($(cat "$W/dry.out"))"
echo "assign --auto:           $(ms "$t1" "$t2") ms ($(cat "$W/real.out"))"
sqlite3 "$W/a.db" "WITH l AS (SELECT a.assessor, count(*) n FROM assignment a JOIN submission s ON s.id = a.submission_id
	WHERE s.status IN ('queued', 'in_progress') GROUP BY 1)
	SELECT 'open loads after: min ' || min(n) || ', max ' || max(n) || ' over ' || count(*) || ' holders; over the '
	|| (SELECT count(*) FROM l WHERE assessor IN (SELECT assessor FROM assignment WHERE due_at IS NOT NULL))
	|| ' given reads now: min ' || (SELECT min(n) FROM l WHERE assessor IN (SELECT assessor FROM assignment WHERE due_at IS NOT NULL))
	|| ', max ' || (SELECT max(n) FROM l WHERE assessor IN (SELECT assessor FROM assignment WHERE due_at IS NOT NULL)) FROM l"

# first screens: the database after --auto, every open row with its readers.
# BASE predates migrations 7-8: it gets a copy with them taken back out (the
# same rows, without due_at and person.school).
cp "$W/a.db" "$W/base.db"
sqlite3 "$W/base.db" "DROP INDEX assignment_due; ALTER TABLE assignment DROP COLUMN due_at;
	ALTER TABLE person DROP COLUMN school; PRAGMA user_version = 6"
: >"$W/empty.keys"
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
first() {
	local t0=$EPOCHREALTIME
	MCASSESS_TUI_SCRIPT=$W/empty.keys MCASSESS_TUI_SIZE=$SIZE "$1" --db "$2" tui </dev/null >/dev/null
	local t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f\n", (b - a) * 1000000 }'
}
msf() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
# 160x48 shows the READS column; at 80x24 there is no room for it, but the
# query behind the page names the readers all the same
for SIZE in 160x48 80x24; do
	: >"$W/mc.us"
	: >"$W/base.us"
	for _ in $(seq "$RUNS"); do
		first "$MC" "$W/a.db" >>"$W/mc.us"
		[ -n "$BASE" ] && first "$BASE" "$W/base.db" >>"$W/base.us"
	done
	echo "queue first screen, $SIZE, $MC (median of $RUNS): $(msf "$(median <"$W/mc.us")") ms"
	[ -n "$BASE" ] && echo "queue first screen, $SIZE, $BASE (median of $RUNS): $(msf "$(median <"$W/base.us")") ms"
done
echo "load average after: $(uptime | sed 's/.*load average: //')"
