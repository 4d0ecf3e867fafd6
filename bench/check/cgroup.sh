#!/bin/sh
# bench/check/cgroup.sh: `check` against its anchor when the database is larger
# than the page cache, as at a million submissions on a 23 GB machine, shown on
# a smaller database: each command runs in a memory cgroup (cgroup v1, as root)
# whose limit is well under the database's size. The page cache is charged to
# the cgroup, so the file cannot stay in it.
#
#   bench/check/cgroup.sh MCASSESS DB [LIMIT_MB] [RUNS]
#
# DB: a scratch copy of a demo database (check records its marks in it; an older
# database is upgraded by the first command, outside the timed runs).
# LIMIT_MB: the cgroup's memory limit (default 600). RUNS: how many runs of each
# (default 3), check and anchor alternating, the database's pages evicted from
# the OS cache (fadvise DONTNEED on DB and DB-wal, checked with fincore) before
# each. The anchor is `PRAGMA integrity_check` and the SHA-256 of every evidence
# text (sqlite3 and sha256sum), as in run.sh. Each line: medians of wall, CPU
# (user + system) and the bytes read from the disk (read_bytes of /proc/PID/io,
# the command's and its children's), the ratio of the walls, and the 1-minute
# load average before and after. MCASSESS_CHECK_TIMES=1 in the environment
# prints each part of the last run of check (stderr, file DB.times).
# BEFORE=OTHER_MCASSESS (another build, say main's) runs its check too, in each
# round before this one's, with a line of its own. LIMIT_MB 0: no cgroup and no
# eviction, the database as warm as the page cache keeps it (the in-cache figure).
set -eu
MC=${1:?give the path to mcassess}
DB=${2:?give a scratch copy of a demo database}
LIMIT=${3:-600}
RUNS=${4:-3}
CG=/sys/fs/cgroup/memory/mcbench-check-$$
load() { cut -d' ' -f1 /proc/loadavg; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
evict() {
	[ "$LIMIT" != 0 ] || return 0
	sync "$DB"
	python3 -c 'import os, sys
for f in sys.argv[1:]:
	if os.path.exists(f):
		fd = os.open(f, os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED); os.close(fd)' "$DB" "$DB-wal"
	left=$(fincore -b -n -o RES "$DB" | tr -d ' ')
	[ "$left" -lt $((64 * 1024 * 1024)) ] || echo "cgroup.sh: $left bytes of $DB still cached after eviction" >&2
}
# run CMD...: one run in the cgroup, output thrown away; prints "wall cpu MB-read".
# A reaped child's I/O counts add to its parent's, so the shell's read_bytes is the command's.
run() {
	evict
	/usr/bin/time -f '%e %U %S' -o "$T/time" sh -c '[ ! -d "$1" ] || echo $$ > "$1/cgroup.procs"; shift; "$@" >/dev/null 2>>"$T/err" || true
		sed -n "s/^read_bytes: //p" /proc/$$/io > "$T/io"' sh "$CG" "$@"
	awk -v io="$(cat "$T/io")" '{ printf "%.2f %.2f %.1f\n", $1, $2 + $3, io / 1e6 }' "$T/time"
}
col() { echo "$1" | awk -v k="$2" 'NF { print $k }' | median; }

T=$(mktemp -d)
[ "$LIMIT" = 0 ] && CG=/nonexistent || mkdir "$CG"
trap 'rmdir "$CG" 2>/dev/null; rm -rf "$T"' EXIT
[ "$LIMIT" = 0 ] || echo $((LIMIT * 1024 * 1024)) > "$CG/memory.limit_in_bytes"
export T
cat > "$T/anchor" <<'EOF'
sqlite3 "$1" 'PRAGMA integrity_check' >/dev/null &&
	sqlite3 "$1" 'SELECT text FROM evidence WHERE text IS NOT NULL' | sha256sum >/dev/null &&
	if [ -d "$1.evidence" ]; then find "$1.evidence" -type f -exec sha256sum {} + >/dev/null; fi
EOF

"$MC" --db "$DB" queue --limit 1 >/dev/null # any upgrade now, not in a timed run
echo "bench/check/cgroup.sh: $(sqlite3 "$DB" 'SELECT count(*) FROM submission') submissions," \
	"$(du -h "$DB" | cut -f1), $([ "$LIMIT" = 0 ] && echo "no cgroup (in the cache)" || echo "memory cgroup limit $LIMIT MB")," \
	"$(nproc) CPUs, RUNS=$RUNS${BEFORE:+, before: $BEFORE}, $(date -u +%FT%TZ)"
l0=$(load)
A="" B="" P=""
for i in $(seq "$RUNS"); do
	[ -z "${BEFORE:-}" ] || P="$P
$(run "$BEFORE" --db "$DB" check)"
	[ "$i" != "$RUNS" ] || : > "$T/err"
	A="$A
$(run "$MC" --db "$DB" check)"
	[ "$i" != "$RUNS" ] || cp "$T/err" "$DB.times"
	B="$B
$(run sh "$T/anchor" "$DB")"
done
printf '%-10s %10s %10s %12s\n' "" "wall s" "CPU s" "read MB"
for w in ${BEFORE:+before} check anchor; do
	v=$(case $w in before) echo "$P" ;; check) echo "$A" ;; *) echo "$B" ;; esac)
	printf '%-10s %10s %10s %12s\n' "$w" "$(col "$v" 1)" "$(col "$v" 2)" "$(col "$v" 3)"
done
ratios() { # WHAT RUNS
	echo "$1 / anchor: $(awk -v a="$(col "$2" 1)" -v b="$(col "$B" 1)" 'BEGIN { printf "%.2fx wall", a / b }')," \
		"$(awk -v a="$(col "$2" 2)" -v b="$(col "$B" 2)" 'BEGIN { printf "%.2fx CPU", a / b }')," \
		"$(awk -v a="$(col "$2" 3)" -v b="$(col "$B" 3)" 'BEGIN { printf "%.2fx read", a / b }');" \
		"load $l0 -> $(load)"
}
[ -z "${BEFORE:-}" ] || ratios before "$P"
ratios check "$A"
[ ! -s "$DB.times" ] || { echo "the last check's parts (MCASSESS_CHECK_TIMES):"; grep '^check time' "$DB.times" || true; }
