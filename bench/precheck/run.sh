#!/bin/sh
# bench/precheck/run.sh: the cost of the pre-checks (issue 5 item 2).
#
#   bench/precheck/run.sh [BUILDDIR] [WORKDIR]   (default: . and /tmp/mcassess-bench-precheck)
#
# From a configured build directory:
#   1. demo --submissions $SUBMISSIONS (default 54300: ~200,000 evidence items);
#   2. hashing normalised text: every hash dropped (evidence_norm), then an import of the
#      two-submission pre-check fixture, which hashes every pending row in its
#      transaction (what the first import after upgrading to migration 5 does);
#      the same import with nothing pending, for the difference;
#   3. `show ID` and `show ID --format json` ($RUNS times each, process start-up
#      included), and `queue --limit 1` as the floor (start-up, open, one query);
#   4. `show ID` with a names list of 300 (the demo's educators) and of 5,000 names.
set -eu
B=$(cd "${1:-.}" && pwd)
W=${2:-/tmp/mcassess-bench-precheck}
SUBMISSIONS=${SUBMISSIONS:-54300}
RUNS=${RUNS:-50}
MC=$B/mcassess
DB=$W/bench.db
F=$(cd "$(dirname "$0")/../../tests/fixtures/precheck" && pwd)
[ -x "$MC" ] || { echo "run.sh: $MC: build mcassess first" >&2; exit 2; }
mkdir -p "$W"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$W"' EXIT
export HOME="$W" XDG_CONFIG_HOME="$W/config"
now() { date +%s.%N; }
since() { echo "$(now) $1" | awk '{printf "%.2f", $1 - $2}'; }

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
rm -f "$DB" "$DB"-*
t0=$(now)
"$MC" --db "$DB" demo --submissions "$SUBMISSIONS" >/dev/null
echo "demo --submissions $SUBMISSIONS (hashes included): $(since "$t0") s"
sqlite3 "$DB" "SELECT 'text evidence: ' || count(*) || ' rows, ' || printf('%.0f', sum(length(text)) / 1e6) || ' MB' FROM evidence WHERE kind = 'text'"
cp "$DB" "$W/base.db"

sqlite3 "$DB" "DELETE FROM evidence_norm"
t0=$(now)
"$MC" --db "$DB" import "$F/subs.csv" --evidence "$F/evidence" >/dev/null
echo "import, every row to hash: $(since "$t0") s ($(sqlite3 "$DB" "SELECT count(*) FROM evidence_norm") rows hashed)"
cp "$W/base.db" "$DB"
rm -f "$DB"-wal "$DB"-shm
t0=$(now)
"$MC" --db "$DB" import "$F/subs.csv" --evidence "$F/evidence" >/dev/null
echo "import, nothing to hash: $(since "$t0") s"

ID=$(sqlite3 "$DB" "SELECT ext_id FROM submission ORDER BY id LIMIT 1 OFFSET 1000")
per() { # per LABEL COMMAND...: milliseconds a run, mean of $RUNS
	_l=$1; shift
	t0=$(now)
	_i=0
	while [ $_i -lt "$RUNS" ]; do "$@" >/dev/null; _i=$((_i + 1)); done
	echo "$_l: $(echo "$(now) $t0 $RUNS" | awk '{printf "%.1f", ($1 - $2) * 1000 / $3}') ms a run"
}
per "queue --limit 1 (the floor)" "$MC" --db "$DB" queue --limit 1
per "show $ID" "$MC" --db "$DB" show "$ID"
per "show $ID --format json" "$MC" --db "$DB" show "$ID" --format json
per "show P-1 (copies and personal data found)" "$MC" --db "$DB" show P-1
mkdir -p "$XDG_CONFIG_HOME/mcassess/redaction"
sqlite3 "$DB" "SELECT name FROM educator LIMIT 300" >"$XDG_CONFIG_HOME/mcassess/redaction/district.names"
per "show $ID, 300 names listed" "$MC" --db "$DB" show "$ID"
awk 'BEGIN { for (i = 0; i < 5000; i++) printf "Firstname%d Lastname%d\n", i, i * 7 }' \
	>"$XDG_CONFIG_HOME/mcassess/redaction/district.names"
per "show $ID, 5000 names listed" "$MC" --db "$DB" show "$ID"
