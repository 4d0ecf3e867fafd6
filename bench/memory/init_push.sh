#!/bin/sh
# bench/memory/init_push.sh: the peak memory (resident set) and time of
# `archive init` (an existing database archived into a new archive) and of
# `archive push` (that archive into a new bare repository at a path), for a
# build and its anchor (another build: main's) one after the other (issue 15:
# flat, under 32 MB).
#
#   bench/memory/init_push.sh DIR MCASSESS [ANCHOR]
#
# DIR holds dN.db for each size N of SIZES (default 20000): `mcassess --db
# DIR/dN.db demo --submissions N` (pull.sh's databases serve). Each init runs
# on a copy of dN.db (sqlite3 .backup, its archive settings removed) in a
# temporary directory beside DIR, removed at the end; each push pushes that
# copy's new archive. RUNS (default 1) runs of each build at each size,
# alternating. Each line: the build, the command, the size, its peak resident
# set (GNU time's "Maximum resident set size"), wall and CPU seconds
# (user+system) and the 1-minute load average before and after, and after
# each init how many packs its archive has; each pushed repository is checked
# with `git fsck --connectivity-only`.
set -eu
DIR=${1:?usage: init_push.sh DIR MCASSESS [ANCHOR]}
MC=${2:?usage: init_push.sh DIR MCASSESS [ANCHOR]}
ANCHOR=${3:-}
W=$(mktemp -d "$DIR/bench-initpush.XXXXXX")
trap 'rm -rf "$W"' EXIT
export HOME="$W" XDG_CONFIG_HOME="$W/cfg" LC_ALL=C.UTF-8
load() { cut -d' ' -f1 /proc/loadavg; }

# timed LABEL WHAT N COMMAND...: one line for COMMAND
timed() {
	l0=$(load)
	_l=$1 _w=$2 _n=$3
	shift 3
	/usr/bin/time -f "%M %e %U %S" -o "$W/time" "$@" >/dev/null 2>"$W/err" ||
		echo "# $_l $_w at $_n: exit $?: $(head -c 200 "$W/err")"
	set -- $(tail -n 1 "$W/time")
	printf '%-7s %-5s %7s %9.1f MB %8.1f s %7.1f s CPU  load %s -> %s\n' "$_l" "$_w" "$_n" \
		"$(echo "$1 / 1024" | bc -l)" "$2" "$(echo "$3 + $4" | bc -l)" "$l0" "$(load)"
}

# one LABEL BUILD N: archive init of a copy of dN.db, then its push to a new path
one() {
	db=$W/$1.db
	rm -rf "$db" "$db"-* "$db".* "$W/pushed.git"
	sqlite3 "$DIR/d$3.db" ".backup '$db'"
	[ ! -d "$DIR/d$3.db.evidence" ] || cp -r "$DIR/d$3.db.evidence" "$db.evidence"
	sqlite3 "$db" "DELETE FROM meta WHERE key LIKE 'archive%'"
	timed "$1" init "$3" "$2" --db "$db" archive init
	echo "#   $1's archive at $3: $(find "$db.archive.git/objects/pack" -name '*.idx' | wc -l) packs"
	timed "$1" push "$3" "$2" --db "$db" archive push "$W/pushed.git"
	git --git-dir="$W/pushed.git" fsck --connectivity-only >/dev/null 2>&1 ||
		echo "# $1 at $3: the pushed repository is not whole (git fsck)"
	rm -rf "$db" "$db"-* "$db".* "$W/pushed.git"
}

echo "bench/memory/init_push.sh: $(nproc) CPUs, $(date -u +%FT%TZ)"
for n in ${SIZES:-20000}; do
	r=0
	while [ "$r" -lt "${RUNS:-1}" ]; do
		[ -z "$ANCHOR" ] || one anchor "$ANCHOR" "$n"
		one build "$MC" "$n"
		r=$((r + 1))
	done
done
