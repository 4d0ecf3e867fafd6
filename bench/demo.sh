#!/bin/sh
# bench/demo.sh: how long `mcassess demo` takes, and how big the database gets.
#
#   bench/demo.sh [MCASSESS] [DIR]        (from the build directory: bench/demo.sh ./mcassess /tmp)
#
# Runs, each on a new database in DIR (default: the current directory, i.e. the disk under test):
#   1. demo --educators 800 (the pilot's third year), three times: the median and all three times;
#   2. demo --submissions 1000000, once (minutes): time, file size, rows, and how fast
#      `queue` and `show` answer on it afterwards.
# Set BENCH_SKIP_MILLION=1 to run only the first part.
set -eu
MC=${1:-./mcassess}
DIR=${2:-.}
[ -x "$MC" ] || { echo "bench/demo.sh: $MC: not an executable (give the path to mcassess)" >&2; exit 2; }
DB=$DIR/bench-demo-$$.db
cleanup() { rm -f "$DB" "$DB-wal" "$DB-shm"; }
trap cleanup EXIT

secs() { # seconds since $1 (date +%s.%N), to the millisecond
	echo "$(date +%s.%N) $1" | awk '{ printf "%.3f", $1 - $2 }'
}
size_mb() { du -m "$1" | cut -f1; }

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "disk:    $(df -h "$DIR" | awk 'NR == 2 { print $1 " (" $2 ", " $5 " used)" }')"
echo "sqlite:  $(sqlite3 --version | cut -d' ' -f1)"
echo

echo "demo --educators 800:"
times=""
for i in 1 2 3; do
	cleanup
	t0=$(date +%s.%N)
	"$MC" --db "$DB" demo --educators 800 >/dev/null
	t=$(secs "$t0")
	times="$times $t"
	echo "  run $i: $t s, $(sqlite3 "$DB" 'SELECT count(*) FROM submission') submissions, $(size_mb "$DB") MB"
done
echo "  median: $(echo $times | tr ' ' '\n' | sort -n | sed -n 2p) s"

if [ "${BENCH_SKIP_MILLION:-0}" = 1 ]; then exit 0; fi
echo
echo "demo --submissions 1000000:"
cleanup
t0=$(date +%s.%N)
"$MC" --db "$DB" demo --submissions 1000000 >/dev/null
t=$(secs "$t0")
echo "  time:        $t s"
echo "  file:        $(size_mb "$DB") MB (WAL $( [ -f "$DB-wal" ] && size_mb "$DB-wal" || echo 0) MB)"
sqlite3 "$DB" "SELECT '  submissions: ' || count(*) FROM submission;
	SELECT '  evidence:    ' || count(*) || ' items, ' || sum(words) || ' words' FROM evidence;
	SELECT '  scores:      ' || count(*) FROM score;"
t0=$(date +%s.%N)
"$MC" --db "$DB" queue --limit 50 >/dev/null
echo "  queue --limit 50 on it:       $(secs "$t0") s"
t0=$(date +%s.%N)
"$MC" --db "$DB" queue --status earned --credential STEMS-INQ --limit 50 >/dev/null
echo "  queue --status earned --credential STEMS-INQ --limit 50: $(secs "$t0") s"
id=$(sqlite3 "$DB" "SELECT ext_id FROM submission WHERE id = (SELECT max(id) / 2 FROM submission)")
t0=$(date +%s.%N)
"$MC" --db "$DB" show "$id" >/dev/null
echo "  show $id:    $(secs "$t0") s"
