#!/bin/sh
# onem.sh NEW_MCASSESS NEW_DB OLD_MCASSESS OLD_DB [RUNS]: each report once as a
# cold process (admin, all districts, tsv), NEW on NEW_DB alternating with OLD
# on OLD_DB (a copy of the same database left at the schema OLD knows), RUNS
# times (default 3). Each line: report, side, wall s, user s, sys s, peak KB,
# the 1-minute load average. Used for the 1,000,000-submission figures in
# bench/README.md (Reports, "At a million with two reads").
[ $# -ge 4 ] || { echo "usage: $0 NEW_MCASSESS NEW_DB OLD_MCASSESS OLD_DB [RUNS]" >&2; exit 2; }
NB=$1 ND=$2 OB=$3 OD=$4 RUNS=${5:-3}
T=$(mktemp); trap 'rm -f "$T"' EXIT
for r in progress turnaround assessors agreement; do
	i=0
	while [ $i -lt "$RUNS" ]; do
		for side in new old; do
			if [ $side = new ]; then B=$NB D=$ND; else B=$OB D=$OD; fi
			/usr/bin/time -f "%e %U %S %M" -o "$T" "$B" --db "$D" report $r --format tsv >/dev/null 2>&1 ||
				echo "$r $side: exit status $?" >&2
			echo "$r $side $(cat "$T") load $(cut -d' ' -f1 /proc/loadavg)"
		done
		i=$((i + 1))
	done
done
