#!/bin/sh
# bench/archive/alternate.sh: one audit commit, two builds alternating.
#
#   bench/archive/alternate.sh BEFORE-BUILD AFTER-BUILD [WORK-DIR] [ROUNDS]
#
# For 1,000 and 100,000 submissions ($BENCH_SIZES), each build imports them and
# runs `archive init` once (so each writes the layout it makes). Then for each
# of ROUNDS (default 3) rounds a copy of every archive is made first, all is
# synced and left quiet for $BENCH_QUIET seconds (default 35), and only then are
# the builds' bench_commit runs timed, alternating, with nothing deleted in
# between: on ext4 without a journal every file created walks the inodes freed
# in the last seconds (bench/README.md), so deleting before timing would
# penalize whichever run comes next. Prints each run's first lines.
set -eu
[ $# -ge 2 ] || { echo "usage: bench/archive/alternate.sh BEFORE-BUILD AFTER-BUILD [WORK-DIR] [ROUNDS]" >&2; exit 2; }
BEFORE=$1
AFTER=$2
W=${3:-${TMPDIR:-/tmp}}
N=${4:-3}
SIZES=${BENCH_SIZES-"1000 100000"}
K=${BENCH_COMMITS:-200}
for b in "$BEFORE" "$AFTER"; do
	[ -x "$b/mcassess" ] || { echo "bench/archive/alternate.sh: $b/mcassess: no mcassess here" >&2; exit 2; }
	make -C "$b" -s bench/archive/bench_commit >/dev/null
done
D=$(mktemp -d "$W/bench-alternate.XXXXXX")
trap 'rm -rf "$D"' EXIT

for S in $SIZES; do
	"$(dirname "$0")/gencsv.sh" "$S" >"$D/in$S.csv"
	for which in before after; do
		[ $which = before ] && b=$BEFORE || b=$AFTER
		mkdir -p "$D/base-$which-$S"
		"$b/mcassess" --db "$D/base-$which-$S/n.db" init >/dev/null
		"$b/mcassess" --db "$D/base-$which-$S/n.db" import "$D/in$S.csv" >/dev/null
		"$b/mcassess" --db "$D/base-$which-$S/n.db" archive init >/dev/null
	done
done

for i in $(seq "$N"); do
	for which in before after; do
		for S in $SIZES; do
			R=$D/run-$which-$S-$i
			cp -a "$D/base-$which-$S" "$R"
			sqlite3 "$R/n.db" "UPDATE meta SET value = '$R/n.db.archive.git' WHERE key = 'archive_path'"
		done
	done
done
sync
sleep "${BENCH_QUIET:-35}"
echo "machine: $(nproc) CPUs; disk: $(df -h "$W" | awk 'NR == 2 { print $1 }')"
for i in $(seq "$N"); do
	for which in before after; do
		[ $which = before ] && b=$BEFORE || b=$AFTER
		for S in $SIZES; do
			printf '%s %-6s %6d load %s | ' "$i" $which "$S" "$(cut -d' ' -f1 /proc/loadavg)"
			"$b/bench/archive/bench_commit" "$D/run-$which-$S-$i/n.db" "$K" | tr '\n' '|' | sed 's/  */ /g'
			echo
		done
	done
done
