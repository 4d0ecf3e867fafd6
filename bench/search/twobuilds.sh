#!/bin/sh
# bench/search/twobuilds.sh: a ranked top 50 as a one-off command, two builds of
# mcassess on one database (the same schema), alternating, RUNS runs each after one
# dropped; prints the medians (ms, process start to exit) with the load average.
# With perf on the PATH it also prints each build's median CPU time (perf stat's
# task-clock, ms): on a loaded machine the wall time is mostly waiting for a core.
#
#   bench/search/twobuilds.sh OLD_MCASSESS NEW_MCASSESS DB [RUNS] ['words,words,...']
#
# OLDDB=PATH: the old build reads its own copy of the database (when the new build
# rebuilt its index in a newer format, which the old one would rebuild again).
#
# The default queries: a middling word with the most common, a rare one with it,
# three words, a pair of common words, one word of each kind, two rare words,
# and words in 10-50% of the items of the demo's vocabulary.
set -eu
OLD=${1:?usage: twobuilds.sh OLD NEW DB [RUNS] [QUERIES]}
NEW=${2:?usage: twobuilds.sh OLD NEW DB [RUNS] [QUERIES]}
DB=${3:?usage: twobuilds.sh OLD NEW DB [RUNS] [QUERIES]}
RUNS=${4:-5}
OLDDB=${OLDDB:-$DB}
QUERIES=${5:-bend the,prairie the,bend the students,the students,bend,the,prairie rose,bend teacher,bend feedback,learning question,grade routine}
db() { if [ "$1" = "$OLD" ]; then echo "$OLDDB"; else echo "$DB"; fi; }
ms() { # wall ms (tenths) of one search
	t0=$(date +%s%N); "$1" --db "$(db "$1")" search $2 --limit 50 --format tsv >/dev/null 2>&1 </dev/null; t1=$(date +%s%N)
	echo $(( (t1 - t0) / 100000 ))
}
cpu() { # task-clock ms (tenths) of one search, or nothing without perf
	command -v perf >/dev/null 2>&1 || return 0
	perf stat -x, -e task-clock "$1" --db "$(db "$1")" search $2 --limit 50 --format tsv 2>&1 >/dev/null </dev/null |
		awk -F, '/task-clock/ { printf "%d", $1 * 10 }'
}
med() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 10 }'; }
echo "| one-off top 50 | old ms | new ms | old CPU ms | new CPU ms | load |"
echo "|---|---|---|---|---|---|"
echo "$QUERIES" | tr ',' '\n' | while IFS= read -r q; do
	ms "$OLD" "$q" >/dev/null; ms "$NEW" "$q" >/dev/null   # dropped
	a=""; b=""; ca=""; cb=""; i=0
	while [ $i -lt "$RUNS" ]; do
		a="$a $(ms "$OLD" "$q")"; b="$b $(ms "$NEW" "$q")"
		ca="$ca $(cpu "$OLD" "$q")"; cb="$cb $(cpu "$NEW" "$q")"; i=$((i + 1))
	done
	echo "| \`$q\` | $(echo "$a" | med) | $(echo "$b" | med) | $(echo "$ca" | med) | $(echo "$cb" | med) | $(cut -d' ' -f1 /proc/loadavg) |"
done
