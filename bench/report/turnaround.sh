#!/bin/sh
# turnaround.sh NEW_MCASSESS NEW_DB OLD_MCASSESS OLD_DB [RUNS]: turnaround as an
# admin (tsv, one cold process a run) for all, one district (the first) and
# --since 2026-01-15, NEW on NEW_DB alternating with OLD on OLD_DB (a copy of
# the same database left at the schema OLD knows), RUNS times (default 5):
# scope, side, wall s, user s, sys s, peak KB, 1-minute load at the start.
# Then both sides' output of every scope (also --until, both dates, a district
# with dates) in every format, compared with cmp: "same" or "DIFFERENT".
# Issue 13, migration 22 (bench/README.md, Reports).
[ $# -ge 4 ] || { echo "usage: $0 NEW_MCASSESS NEW_DB OLD_MCASSESS OLD_DB [RUNS]" >&2; exit 2; }
NB=$1 ND=$2 OB=$3 OD=$4 RUNS=${5:-5}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
D1=$(sqlite3 "$OD" "SELECT name FROM district ORDER BY id LIMIT 1")
run() { # run SIDE SCOPE FORMAT: one cold process, its output in $T/SIDE, its times in $T/time
	if [ "$1" = new ]; then B=$NB D=$ND; else B=$OB D=$OD; fi
	S=$2 F=$3 O=$T/$1
	set -- /usr/bin/time -f "%e %U %S %M" -o "$T/time" "$B" --db "$D" report turnaround --format "$F"
	case $S in
	all) "$@" ;;
	district) "$@" --district "$D1" ;;
	since) "$@" --since 2026-01-15 ;;
	until) "$@" --until 2026-03-31 ;;
	dates) "$@" --since 2025-11-10 --until 2026-04-20 ;;
	district-dates) "$@" --district "$D1" --since 2025-12-01 --until 2026-05-31 ;;
	esac >"$O" 2>&1
}
for s in all district since; do
	i=0
	while [ $i -lt "$RUNS" ]; do
		for side in new old; do
			L=$(cut -d' ' -f1 /proc/loadavg)
			run $side $s tsv
			echo "turnaround $s $side $(cat "$T/time") load $L"
		done
		i=$((i + 1))
	done
done
for s in all district since until dates district-dates; do
	for f in text tsv json; do
		run new $s $f
		run old $s $f
		if cmp -s "$T/new" "$T/old" && ! grep -q "^mcassess:" "$T/new"; then echo "same $s $f"
		else echo "DIFFERENT $s $f"; fi
	done
done
