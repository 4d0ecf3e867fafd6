#!/bin/sh
# bench/memory/pull.sh: the peak memory (resident set) and time of `archive
# pull` into an empty database (a new machine taking a district's whole
# archive; issue 15: flat, under 32 MB), at several sizes, for a build and its
# anchor (another build: main's) run one after the other.
#
#   bench/memory/pull.sh DIR MCASSESS [ANCHOR]
#
# DIR holds the archives to pull, dN.db.archive.git for each size N of SIZES
# (default "2000 5000 20000"), made by `mcassess --db DIR/dN.db demo
# --submissions N` and `mcassess --db DIR/dN.db archive init`. RUNS (default
# 1) runs of each build at each size, alternating. Each line: the build, the
# size, its peak resident set (GNU time's "Maximum resident set size"), wall
# seconds, CPU seconds (user+system) and the 1-minute load average before and
# after. Each pull goes into a new database (init, archive init) in a
# temporary directory beside DIR, removed at the end; the pulled databases of
# the last run are compared (export results, queue, the rows by stable ids).
# Each line also gives the WAL's peak: a second connection (sqlite3) holds
# the database open through the pull, so the WAL is not removed when the pull
# closes and its size is the largest it reached (a pull in steps reuses it
# from its beginning after each step's checkpoint). ANCHOR_ENV (e.g.
# "MCASSESS_PULL_STEP=100000000": the whole pull in one transaction, as before
# issue 15's steps) is set for the anchor's runs only.
set -eu
DIR=${1:?usage: pull.sh DIR MCASSESS [ANCHOR]}
MC=${2:?usage: pull.sh DIR MCASSESS [ANCHOR]}
ANCHOR=${3:-}
W=$(mktemp -d "$DIR/bench-pull.XXXXXX")
trap 'rm -rf "$W"' EXIT
export HOME="$W" XDG_CONFIG_HOME="$W/cfg" LC_ALL=C.UTF-8
load() { cut -d' ' -f1 /proc/loadavg; }

# hold DB: a second connection holds DB open (its WAL kept at the pull's close)
hold() {
	rm -f "$W/fifo" "$W/held"
	mkfifo "$W/fifo"
	sqlite3 "$1" <"$W/fifo" >"$W/held" 2>&1 &
	exec 9>"$W/fifo"
	echo "SELECT count(*) FROM meta;" >&9
	while [ ! -s "$W/held" ]; do sleep 0.05; done
}

# one LABEL BUILD N [ENV]: a pull of dN's archive into a new database
one() {
	db=$W/$1-$3.db
	rm -rf "$db" "$db".* "$db"-*
	"$2" --db "$db" init >/dev/null
	"$2" --db "$db" archive init >/dev/null
	hold "$db"
	l0=$(load)
	env ${4:-} /usr/bin/time -f "%M %e %U %S" -o "$W/time" "$2" --db "$db" archive pull "$DIR/d$3.db.archive.git" \
		>/dev/null 2>"$W/err" || echo "# $1 at $3: exit $?: $(head -c 200 "$W/err")"
	wal=$(stat -c %s "$db-wal" 2>/dev/null || echo 0)
	exec 9>&-
	wait
	set -- "$1" "$3" $(tail -n 1 "$W/time")
	printf '%-7s %7s %9.1f MB %8.1f s %7.1f s CPU  WAL peak %7.1f MB  load %s -> %s\n' "$1" "$2" \
		"$(echo "$3 / 1024" | bc -l)" "$4" "$(echo "$5 + $6" | bc -l)" "$(echo "$wal / 1048576" | bc -l)" \
		"$l0" "$(load)"
}

# the same rows, by stable ids and in order (audit rows: what they say, not
# the times and ids this machine gave them)
dump() {
	"$1" --db "$2" export results --out "$W/x.csv" >/dev/null 2>&1 && md5sum <"$W/x.csv"
	"$1" --db "$2" queue --status all --limit 0 --format tsv | md5sum
	sqlite3 "$2" "SELECT s.ext_id, s.status, s.attempt, e.ext_id, c.uid, c.read, c.assessor, c.at
		FROM submission s JOIN educator e ON e.id = s.educator_id LEFT JOIN score c ON c.submission_id = s.id
		ORDER BY s.id, c.id" | md5sum
	sqlite3 "$2" "SELECT uid, body, at FROM feedback ORDER BY id; SELECT uid, outcome, at FROM decision ORDER BY id;
		SELECT uid, read, assessor, due_at FROM assignment ORDER BY id; SELECT sha256, words FROM evidence ORDER BY id" | md5sum
	sqlite3 "$2" "SELECT action, subject, actor FROM audit ORDER BY seq" | md5sum
}

echo "bench/memory/pull.sh: $(nproc) CPUs, $(date -u +%FT%TZ)"
for n in ${SIZES:-2000 5000 20000}; do
	r=0
	while [ "$r" -lt "${RUNS:-1}" ]; do
		[ -z "$ANCHOR" ] || one anchor "$ANCHOR" "$n" "${ANCHOR_ENV:-}"
		one build "$MC" "$n"
		r=$((r + 1))
	done
	if [ -n "$ANCHOR" ]; then
		dump "$ANCHOR" "$W/anchor-$n.db" >"$W/a.dump"
		dump "$MC" "$W/build-$n.db" >"$W/b.dump"
		if cmp -s "$W/a.dump" "$W/b.dump"; then echo "$n: the two pulled databases hold the same rows"
		else echo "$n: the pulled databases DIFFER"; diff "$W/a.dump" "$W/b.dump" || true; fi
	fi
	"$MC" --db "$W/build-$n.db" check >/dev/null 2>&1 && echo "$n: check is clean" || echo "$n: check FAILED"
done
