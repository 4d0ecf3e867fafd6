#!/bin/sh
# bench/report/run.sh: how long each report takes on a large database, as a
# user meets it (one cold process a run), against an anchor: sqlite3, also a
# cold process, running the plain COUNT/GROUP BY that the report sums up.
#
#   bench/report/run.sh MCASSESS DB [RUNS]
#
# DB is a scratch database made by `mcassess demo --submissions N` (see
# bench/README.md). The script CHANGES it:
# - when it is older than this build, the first command upgrades it: the
#   upgrade's wall time is printed (issue 13: counters and facts are built);
# - it adds second reads to one scored submission in ten (one criterion in five
#   scored a level lower; once: the uids are fixed) so that agreement has pairs;
# - as root, it renames the busiest assessor to the OS account mcrpfa and adds
#   mcrpfc as the coordinator of the first district, to time the reports as an
#   assessor and a coordinator see them (the accounts are created if missing).
# Every report runs in json RUNS times (default 5) for each scope and role,
# alternating with its anchor and with --recount (the queries before the
# counters); each line gives the medians and the load average at its start.
# DROP_CACHES=1 (root) drops the OS caches before each run: cold disk figures.
# RECOUNT=0 skips the --recount runs (at a million they take minutes);
# ROLES="admin mcrpfa mcrpfc" chooses the roles timed (default: all three as root);
# REPORTS="agreement assessors" the reports (default: all four).
set -eu
MC=${1:?give the path to mcassess}
DB=${2:?give a demo database}
RUNS=${3:-5}
now() { date +%s%N; }
# cpu COMMAND...: runs it; appends its user+system CPU time in ms to $CPU.
cpu() { /usr/bin/time -f '%U %S' -o "$T/cpu" "$@"; awk '{ printf " %.0f", ($1 + $2) * 1000 }' "$T/cpu" >>"$CPU"; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
ms() { echo "$1 $2" | awk '{ printf "%.0f", ($2 - $1) / 1e6 }'; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
load() { cut -d' ' -f1 /proc/loadavg; }
drop() { [ -n "${DROP_CACHES:-}" ] && sync && echo 3 >/proc/sys/vm/drop_caches || true; }

before=$(sqlite3 "$DB" 'PRAGMA user_version')
t0=$(now)
"$MC" --db "$DB" report progress --format json >/dev/null
t1=$(now)
echo "schema $before -> $(sqlite3 "$DB" 'PRAGMA user_version'): first command (with any upgrade) $(ms "$t0" "$t1") ms, load $(load)"

sqlite3 "$DB" "INSERT OR IGNORE INTO score (uid, submission_id, criterion_id, level_id, assessor, read, at)
	SELECT 'bench-' || s.id, s.submission_id, s.criterion_id,
	(SELECT l2.id FROM level l2 WHERE l2.criterion_id = s.criterion_id AND l2.seq =
		CASE WHEN s.id % 5 = 0 THEN (CASE WHEN l.seq > 1 THEN l.seq - 1 ELSE 2 END) ELSE l.seq END),
	'bench2', 'second', s.at
	FROM score s JOIN level l ON l.id = s.level_id WHERE s.read = 'first' AND s.submission_id % 10 = 0"
D1=$(sqlite3 "$DB" 'SELECT name FROM district ORDER BY name LIMIT 1')
roles="admin"
if [ "$(id -u)" -eq 0 ] && command -v useradd >/dev/null 2>&1; then
	for u in mcrpfa mcrpfc; do id "$u" >/dev/null 2>&1 || useradd -M -N "$u" 2>/dev/null || useradd -M "$u"; done
	if [ "$(sqlite3 "$DB" "SELECT count(*) FROM person WHERE user = 'mcrpfa'")" = 0 ]; then
		busiest=$(sqlite3 "$DB" 'SELECT assessor FROM assignment GROUP BY 1 ORDER BY count(*) DESC LIMIT 1')
		sqlite3 "$DB" "UPDATE assignment SET assessor = 'mcrpfa' WHERE assessor = '$busiest';
			UPDATE score SET assessor = 'mcrpfa' WHERE assessor = '$busiest'"
		"$MC" --db "$DB" people add mcrpfa --role assessor >/dev/null
		"$MC" --db "$DB" people add mcrpfc --role coordinator --district "$D1" >/dev/null
	fi
	chmod a+rw "$DB" "$DB"-wal "$DB"-shm 2>/dev/null || true
	chmod a+rwx "$(dirname "$DB")" # the accounts' SQLite makes the -wal and -shm files there
	roles="admin mcrpfa mcrpfc"
fi
roles=${ROLES:-$roles}
echo "submissions: $(sqlite3 "$DB" 'SELECT count(*) FROM submission'), scores: $(sqlite3 "$DB" 'SELECT count(*) FROM score')" \
	"($(sqlite3 "$DB" "SELECT count(*) FROM score WHERE read = 'second'") second reads), $(du -h "$DB" | cut -f1)"
echo "machine: $(nproc) CPUs; caches: $([ -n "${DROP_CACHES:-}" ] && echo 'dropped before each run' || echo warm)"

anchor_sql() {
	case $1 in
	progress) echo "SELECT s.credential_id, e.district_id, s.status, count(*) FROM submission s
		JOIN educator e ON e.id = s.educator_id GROUP BY 1, 2, 3" ;;
	turnaround) echo "SELECT count(*), count(dc.at) FROM submission s LEFT JOIN decision dc ON dc.submission_id = s.id" ;;
	assessors) echo "SELECT assessor, count(*) FROM assignment GROUP BY 1" ;;
	agreement) echo "SELECT count(*) FROM score WHERE read IN ('second', 'adjudication')" ;;
	esac
}
# run ROLE REPORT SCOPE [--recount]: the report in json as that role (admin:
# the account running this); SCOPE all, district or dates.
run() {
	_r=$1 _k=$2 _s=$3
	shift 3
	case $_s in
	district) set -- --district "$D1" "$@" ;;
	dates) set -- --since 2025-11-15 --until 2026-02-20 "$@" ;;
	esac
	if [ "$_r" = admin ]; then cpu "$MC" --db "$DB" report "$_k" --format json "$@"
	else cpu runuser -u "$_r" -- "$MC" --db "$DB" report "$_k" --format json "$@"; fi
}
echo "medians of wall time (CPU time, user + system, in brackets), ms"
printf '%-8s %-11s %-9s %14s %14s %14s  %s\n' role report scope mcassess recount sqlite3 load
for role in $roles; do
	for r in ${REPORTS:-progress turnaround assessors agreement}; do
		for scope in all district dates; do
			[ "$role" = mcrpfc ] && [ "$scope" = district ] && continue # their own district anyway
			l=$(load) kept="" old="" anchor=""
			: >"$T/c.kept"; : >"$T/c.old"; : >"$T/c.anchor"
			for i in $(seq "$RUNS"); do
				CPU=$T/c.kept; drop; t0=$(now); run "$role" "$r" "$scope" >/dev/null; t1=$(now)
				kept="$kept $(ms "$t0" "$t1")"
				if [ "${RECOUNT:-1}" != 0 ]; then
					CPU=$T/c.old; drop; t0=$(now); run "$role" "$r" "$scope" --recount >/dev/null; t1=$(now)
					old="$old $(ms "$t0" "$t1")"
				fi
				CPU=$T/c.anchor; drop; t0=$(now); cpu sqlite3 "$DB" "$(anchor_sql "$r")" >/dev/null; t1=$(now)
				anchor="$anchor $(ms "$t0" "$t1")"
			done
			printf '%-8s %-11s %-9s %6s (%5s) %6s (%5s) %6s (%5s)  %s-%s\n' "$role" "$r" "$scope" \
				"$(echo $kept | median)" "$(median <"$T/c.kept")" "$(echo $old | median)" \
				"$(median <"$T/c.old")" "$(echo $anchor | median)" "$(median <"$T/c.anchor")" "$l" "$(load)"
		done
	done
done
