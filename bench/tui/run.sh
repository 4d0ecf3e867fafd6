#!/bin/bash
# bench/tui/run.sh: the workstation on a large database.
#   1. launch to the first full screen (the queue at 80x24), from a cold process,
#      side by side with sqlite3 running the same first-page query (and the
#      status counts) from a cold process;
#   2. bytes written to the terminal per cursor move and per page down at 80x24,
#      with the full-row highlight and with `set cursor arrow`, in colour (TERM
#      has colours, NO_COLOR unset) and in monochrome (NO_COLOR=1).
# Usage: bench/tui/run.sh [MCASSESS] [DB] [SUBMISSIONS]
#   MCASSESS     the binary (default ./mcassess, run from a build directory)
#   DB           the database (default /tmp/mcassess-bench-tui.db; built with
#                `mcassess demo --submissions N` when it does not exist)
#   SUBMISSIONS  its size when built (default 100000)
# The first screen is timed in script mode (MCASSESS_TUI_SCRIPT with no keys:
# open, draw, leave), which is the real startup path minus the terminal's own
# latency; bytes come from MCASSESS_TUI_TTY_OUT, exactly what ncurses writes.
# The mcassess and sqlite3 runs alternate (RUNS of each, default 21) so that the
# load of a shared machine falls on both; the clock is bash's $EPOCHREALTIME,
# read without starting a process, so only the command's own start is timed.
set -eu
MC=${1:-./mcassess}
DB=${2:-/tmp/mcassess-bench-tui.db}
N=${3:-100000}
RUNS=${RUNS:-21}
W=$(mktemp -d /tmp/mcassess-bench-tui.XXXXXX)
trap 'rm -rf "$W"' EXIT
export TERM=xterm LC_ALL=C.UTF-8 HOME="$W" XDG_CONFIG_HOME="$W/cfg"
unset NO_COLOR MCASSESS_TUI_PAGE MCASSESS_TUI_NOW

if [ ! -f "$DB" ]; then
	echo "building $DB with $N submissions (mcassess demo)..." >&2
	"$MC" --db "$DB" demo --submissions "$N" >/dev/null
fi
subs=$(sqlite3 "$DB" "SELECT count(*) FROM submission")
load_before=$(uptime | sed 's/.*load average: //')

# median of the numbers on stdin
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

: >"$W/empty.keys"
# The same first page the queue asks for, as store_queue.c prepares it (open
# work, oldest first, parameters bound as the queue binds them from the top),
# and the counts from the trigger-kept table: one sqlite3 process.
cat >"$W/page.sql" <<SQL
.output /dev/null
.parameter init
.parameter set ?3 "''"
.parameter set ?4 -9223372036854775808
.parameter set ?5 NULL
.parameter set ?6 NULL
.parameter set ?7 NULL
.parameter set ?8 NULL
.parameter set ?9 NULL
.parameter set ?10 "'$(id -un)'"
.parameter set ?11 65
SELECT status, n FROM status_count;
SELECT s.id, s.ext_id, s.status, c.code, p.code, d.name, s.submitted_at, s.attempt, e.name, e.anon_id,
  EXISTS (SELECT 1 FROM submission bs JOIN assignment ba ON ba.submission_id = bs.id
    WHERE bs.educator_id = s.educator_id AND +ba.assessor = ?10 AND ba.blind = 1),
  (SELECT k.user FROM claim k WHERE k.submission_id = s.id),
  (SELECT a.read FROM assignment a WHERE a.submission_id = s.id AND a.assessor = ?10 ORDER BY a.id LIMIT 1),
  (SELECT a.blind FROM assignment a WHERE a.submission_id = s.id AND a.assessor = ?10 ORDER BY a.id LIMIT 1)
FROM submission s JOIN credential c ON c.id = s.credential_id JOIN pathway p ON p.id = c.pathway_id
JOIN educator e ON e.id = s.educator_id JOIN district d ON d.id = e.district_id
WHERE (s.submitted_at, s.id) > (?3, ?4)
 AND (?5 = 'all' OR (?5 IS NULL AND s.status IN ('queued', 'in_progress')) OR s.status = ?5)
 AND (?6 IS NULL OR c.code = ?6) AND (?7 IS NULL OR p.code = ?7) AND (?8 IS NULL OR d.name = ?8)
 AND (?9 IS NULL OR s.id IN (SELECT submission_id FROM assignment WHERE assessor = ?9)
  OR s.id IN (SELECT submission_id FROM claim WHERE user = ?9))
ORDER BY s.submitted_at, s.id LIMIT ?11;
SQL
# One mcassess first screen, then one sqlite3 page, RUNS times: microseconds of
# each, one per line, in $W/mc.us and $W/sq.us.
: >"$W/mc.us"
: >"$W/sq.us"
for i in $(seq "$RUNS"); do
	t0=${EPOCHREALTIME/./}
	MCASSESS_TUI_SCRIPT=$W/empty.keys MCASSESS_TUI_SIZE=80x24 "$MC" --db "$DB" tui </dev/null >/dev/null
	t1=${EPOCHREALTIME/./}
	sqlite3 "$DB" <"$W/page.sql"
	t2=${EPOCHREALTIME/./}
	echo $((t1 - t0)) >>"$W/mc.us"
	echo $((t2 - t1)) >>"$W/sq.us"
done
load_after=$(uptime | sed 's/.*load average: //')
mc_us=$(median <"$W/mc.us")
sq_us=$(median <"$W/sq.us")
# the 10th and 90th percentiles, for the spread
pct() { sort -n | awk -v p="$1" '{ a[NR] = $1 } END { i = int(NR * p / 100 + 0.5); if (i < 1) i = 1; print a[i] }'; }
msf() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }

bytes_for() { # KEYS -> bytes written to the terminal
	printf '%s\n' "$1" >"$W/k.keys"
	MCASSESS_TUI_SCRIPT=$W/k.keys MCASSESS_TUI_SIZE=80x24 MCASSESS_TUI_TTY_OUT=$W/tty.out \
		"$MC" --db "$DB" tui </dev/null >/dev/null
	wc -c <"$W/tty.out"
}

# bytes MODE: the six figures, colour or mono (NO_COLOR=1), in $W/MODE.bytes
bytes() {
	if [ "$1" = mono ]; then export NO_COLOR=1; else unset NO_COLOR; fi
	rm -f "$W/cfg/mcassess/config"
	b0=$(bytes_for "")
	bj=$(bytes_for "jjjjjjjjjj")
	bp=$(bytes_for "<PgDn><PgDn><PgDn><PgDn><PgDn>")
	mkdir -p "$W/cfg/mcassess"
	printf 'set cursor arrow\n' >"$W/cfg/mcassess/config"
	a0=$(bytes_for "")
	aj=$(bytes_for "jjjjjjjjjj")
	ap=$(bytes_for "<PgDn><PgDn><PgDn><PgDn><PgDn>")
	rm -f "$W/cfg/mcassess/config"
	unset NO_COLOR
	echo "$b0 $(( (bj - b0) / 10 )) $(( (bp - b0) / 5 )) $a0 $(( (aj - a0) / 10 )) $(( (ap - a0) / 5 ))" >"$W/$1.bytes"
}
bytes colour
bytes mono

echo "database: $DB ($subs submissions, $(du -h "$DB" | cut -f1))"
echo "load average: $load_before before, $load_after after the timed runs ($(nproc) CPUs)"
echo "first screen (median of $RUNS, launch to exit after the first full draw): mcassess $(msf "$mc_us") ms" \
	"(p10 $(msf "$(pct 10 <"$W/mc.us")"), p90 $(msf "$(pct 90 <"$W/mc.us")"))"
echo "sqlite3, same first page + counts, cold process (median of $RUNS): $(msf "$sq_us") ms" \
	"(p10 $(msf "$(pct 10 <"$W/sq.us")"), p90 $(msf "$(pct 90 <"$W/sq.us")"))"
echo "ratio mcassess/sqlite3: $(awk "BEGIN { printf \"%.2f\", $mc_us / $sq_us }")"
for mode in colour mono; do
	read -r b0 bj bp a0 aj ap <"$W/$mode.bytes"
	what=$([ $mode = colour ] && echo "in colour" || echo "NO_COLOR=1")
	echo "$what: first screen $b0 B; cursor move $bj B, page down $bp B (full-row highlight);" \
		"first screen $a0 B, cursor move $aj B, page down $ap B (set cursor arrow)"
done
