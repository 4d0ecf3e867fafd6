#!/bin/sh
# bench/check/run.sh: `check` against its anchor, and `check --since-last` after
# 0, 100 and 10,000 changes, on one demo database, in one run.
#
#   bench/check/run.sh MCASSESS DB [RUNS]
#
# DB is a scratch copy of a demo database (`mcassess demo --submissions N`): the
# script CHANGES it (check records its marks; an older database is upgraded by
# the first command; the changes below are written to it).
# - check: the whole check, its single-thread form (MCASSESS_CHECK_SERIAL=1: the
#   integrity check first and alone) and the anchor, alternating, RUNS times each
#   (default 3): the anchor is `PRAGMA integrity_check` and the SHA-256 of every
#   evidence text and stored file (sqlite3 and sha256sum, one after the other).
# - check --since-last after N changes (N = 0, 100, 10000): before each timed run,
#   N submissions change status (queued <-> in progress, in SQL: the triggers keep
#   the counters, the facts and check_dirty_* as mcassess's own writes do; the
#   audit log is not written, so the chain's part is the same for every N); the
#   anchor is sqlite3 opening the database (SELECT 1).
# Each line: the medians in ms, the ratio, and the 1-minute load average before
# and after. COLD=1 evicts the database's own pages from the OS cache (fadvise
# DONTNEED on DB and DB-wal, nobody else's files) before every timed run of the
# whole check and its anchor: cold figures.
set -eu
MC=${1:?give the path to mcassess}
DB=${2:?give a scratch copy of a demo database}
RUNS=${3:-3}
load() { cut -d' ' -f1 /proc/loadavg; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
drop() {
	[ -n "${COLD:-}" ] || return 0
	sync "$DB"
	python3 -c 'import os, sys
for f in sys.argv[1:]:
	if os.path.exists(f):
		fd = os.open(f, os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED); os.close(fd)' "$DB" "$DB-wal"
}
# ms CMD...: one run, its output thrown away; prints the wall time in ms.
ms() {
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1 || true
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}
anchor() {
	sqlite3 "$DB" 'PRAGMA integrity_check' >/dev/null &&
		sqlite3 "$DB" 'SELECT text FROM evidence WHERE text IS NOT NULL' | sha256sum >/dev/null &&
		if [ -d "$DB.evidence" ]; then find "$DB.evidence" -type f -exec sha256sum {} + >/dev/null; fi
}
line() { # WHAT A-TIMES B-TIMES LOAD-BEFORE
	a=$(echo "$2" | tr ' ' '\n' | grep . | median)
	b=$(echo "$3" | tr ' ' '\n' | grep . | median)
	printf '%-58s %9s ms %9s ms %6sx  load %s -> %s\n' "$1" "$a" "$b" \
		"$(awk -v x="$a" -v y="$b" 'BEGIN { printf "%.2f", (y > 0 ? x / y : 0) }')" "$4" "$(load)"
}

"$MC" --db "$DB" queue --limit 1 >/dev/null # any upgrade now, not in a timed run
echo "bench/check/run.sh: $(sqlite3 "$DB" 'SELECT count(*) FROM submission') submissions," \
	"$(sqlite3 "$DB" 'SELECT count(*) FROM audit') audit rows, $(du -h "$DB" | cut -f1)," \
	"$(nproc) CPUs, RUNS=$RUNS${COLD:+, cold (the database evicted from the cache before each run)}, $(date -u +%FT%TZ)"
printf '%-58s %12s %12s %7s\n' "" "mcassess" "anchor" "ratio"

l0=$(load)
A="" S="" B=""
for i in $(seq "$RUNS"); do
	drop
	A="$A $(ms "$MC" --db "$DB" check)"
	drop
	B="$B $(ms anchor)"
	drop
	S="$S $(MCASSESS_CHECK_SERIAL=1 ms "$MC" --db "$DB" check)"
done
line "check (integrity check in a second thread)" "$A" "$B" "$l0"
line "check, one thread (MCASSESS_CHECK_SERIAL=1)" "$S" "$B" "$l0"
"$MC" --db "$DB" check >/dev/null || { echo "run.sh: the database is not clean; --since-last would check everything" >&2; exit 1; }

# N submissions that can move between queued and in progress, moved one way or back.
flip() {
	sqlite3 "$DB" "UPDATE submission SET status = CASE status WHEN 'queued' THEN 'in_progress' ELSE 'queued' END
		WHERE id IN (SELECT id FROM submission WHERE status IN ('queued', 'in_progress')
		AND NOT EXISTS (SELECT 1 FROM score WHERE submission_id = submission.id) ORDER BY id LIMIT $1)"
}
for n in 0 100 10000; do
	l0=$(load)
	A="" B=""
	for i in $(seq "$((RUNS * 2 + 1))"); do
		flip "$n"
		A="$A $(ms "$MC" --db "$DB" check --since-last)"
		B="$B $(ms sqlite3 "$DB" 'SELECT 1')"
	done
	line "check --since-last after $n changes" "$A" "$B" "$l0"
done
"$MC" --db "$DB" check --since-last >/dev/null || echo "run.sh: check --since-last found problems" >&2
