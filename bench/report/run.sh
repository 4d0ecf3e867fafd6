#!/bin/sh
# bench/report/run.sh: how long each report takes on a large database.
#
#   bench/report/run.sh MCASSESS DB [RUNS]
#
# DB is a scratch database made by `mcassess demo --submissions N` (see
# bench/README.md; a million takes over ten minutes and 9 GB, too big to copy
# for each run). The script CHANGES it: it adds second reads to one scored
# submission in ten (one criterion in five scored a level lower; once, the uids
# are fixed) so that the agreement report has pairs to count, then runs every
# report in json RUNS times (default 3) and prints each run's wall time and the
# median.
# The reports screen of the workstation reads progress and agreement once when
# it opens; their sum is what pressing R costs.
set -eu
MC=${1:?give the path to mcassess}
DB=${2:?give a demo database}
RUNS=${3:-3}
sqlite3 "$DB" "INSERT OR IGNORE INTO score (uid, submission_id, criterion_id, level_id, assessor, read, at)
	SELECT 'bench-' || s.id, s.submission_id, s.criterion_id,
	(SELECT l2.id FROM level l2 WHERE l2.criterion_id = s.criterion_id AND l2.seq =
		CASE WHEN s.id % 5 = 0 THEN (CASE WHEN l.seq > 1 THEN l.seq - 1 ELSE 2 END) ELSE l.seq END),
	'bench2', 'second', s.at
	FROM score s JOIN level l ON l.id = s.level_id WHERE s.read = 'first' AND s.submission_id % 10 = 0"
echo "submissions: $(sqlite3 "$DB" 'SELECT count(*) FROM submission')"
echo "scores:      $(sqlite3 "$DB" 'SELECT count(*) FROM score') ($(sqlite3 "$DB" "SELECT count(*) FROM score WHERE read = 'second'") second reads)"
echo "machine:     $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
secs() { echo "$(date +%s.%N) $1" | awk '{ printf "%.3f", $1 - $2 }'; }
for r in progress turnaround assessors agreement; do
	times=""
	for i in $(seq "$RUNS"); do
		t0=$(date +%s.%N)
		"$MC" --db "$DB" report "$r" --format json >/dev/null
		times="$times $(secs "$t0")"
	done
	med=$(echo $times | tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	echo "report $r: median ${med} s (runs:$times)"
done
