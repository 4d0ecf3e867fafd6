#!/bin/sh
# bench/import/run.sh: `mcassess import` against its anchor, a sqlite3 load of
# the same rows into the same schema with its indexes and full-text index
# (issue 15).
#
#   bench/import/run.sh [BUILD-DIR] [WORK-DIR] [ROUNDS]
#
# For each size in $BENCH_SIZES (default "100000 1000000") submissions, two text
# evidence items each (bench/archive/gencsv.sh), archive off:
#   - a new database (`mcassess init`), copied before each run;
#   - the rows one import adds to it, taken once (untimed) from a reference
#     import: every table's rows that the new database does not have, as CSV;
#   - mcassess: `mcassess import FILE` (then `mcassess search` once, which
#     brings the full-text index up to date: "+ index");
#   - the anchor: the sqlite3 shell, in one transaction with the same page
#     cache, .import of each table's CSV into a temporary table, INSERT ...
#     SELECT into the real table (its indexes and triggers as in the schema),
#     then the evidence's full-text index built once ('rebuild'; the sqlite3
#     shell lacks mcassess's tokenizer, so unicode61 there).
# With $BENCH_BEFORE set to another build directory, its import runs too.
# They alternate (which goes first rotates every round); each line shows the
# load average and the bytes passed to write() (the kernel's wchar, /proc).
# The end:
# the medians of the rounds and their ratio.
set -eu
B=${1:-.}
W=${2:-${TMPDIR:-/tmp}}
R=${3:-3}
SIZES=${BENCH_SIZES-"100000 1000000"}
MC=$B/mcassess
HERE=$(dirname "$0")
[ -x "$MC" ] || { echo "bench/import/run.sh: $MC: no mcassess here (give the build directory)" >&2; exit 2; }
D=$(mktemp -d "$W/bench-import.XXXXXX")
trap 'rm -rf "$D"' EXIT
load() { cut -d' ' -f1 /proc/loadavg; }

# run CMD...: runs it, prints "SECONDS MB-WRITTEN": the bytes it passed to
# write() and its kind (wchar), which the kernel adds to the waiting shell's
# own when it reaps the command
run() {
	sh -c 't=$(date +%s%N); "$@" >/dev/null 2>&1 || echo "bench/import/run.sh: $* failed" >&2; e=$(date +%s%N)
		awk -v t="$t" -v e="$e" '"'"'/^wchar/ { printf "%.2f %.0f\n", (e - t) / 1e9, $2 / 1e6 }'"'"' /proc/$$/io' run "$@"
}

echo "machine: $(nproc) CPUs; disk: $(df -T "$W" | awk 'NR == 2 { print $1 " " $2 }'); $(sqlite3 --version | cut -d' ' -f1) (shell)"
for N in $SIZES; do
	"$HERE/../archive/gencsv.sh" "$N" >"$D/in.csv"
	"$MC" --db "$D/fresh.db" init >/dev/null
	cp "$D/fresh.db" "$D/ref.db"
	"$MC" --db "$D/ref.db" import "$D/in.csv" >/dev/null
	# the rows the import added, table by table in the schema's order
	tables=$(sqlite3 "$D/ref.db" "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
		AND name NOT LIKE 'search_%' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY rowid")
	: >"$D/load.sql"
	echo "PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY; BEGIN;" >>"$D/load.sql"
	for t in $tables; do
		sqlite3 -csv -header "$D/ref.db" "ATTACH '$D/fresh.db' AS f; SELECT * FROM main.\"$t\" EXCEPT SELECT * FROM f.\"$t\"" >"$D/$t.csv"
		[ -s "$D/$t.csv" ] || continue
		cols=$(sqlite3 "$D/ref.db" "SELECT group_concat('NULLIF(\"' || name || '\", '''')', ', ') FROM pragma_table_info('$t')")
		echo ".import --csv --schema temp '$D/$t.csv' stage_$t" >>"$D/load.sql"
		echo "INSERT OR REPLACE INTO main.\"$t\" SELECT $cols FROM temp.stage_$t;" >>"$D/load.sql"
	done
	echo "INSERT INTO search_evidence(search_evidence) VALUES ('rebuild'); COMMIT;" >>"$D/load.sql"
	# the anchor's database: the same schema, its search index with unicode61
	cp "$D/fresh.db" "$D/anchor0.db"
	sqlite3 "$D/anchor0.db" "PRAGMA writable_schema = ON;
		DELETE FROM sqlite_schema WHERE name = 'search_evidence';
		PRAGMA writable_schema = OFF;" >/dev/null
	sqlite3 "$D/anchor0.db" "DROP TABLE search_evidence_data; DROP TABLE search_evidence_idx;
		DROP TABLE search_evidence_docsize; DROP TABLE search_evidence_config;
		CREATE VIRTUAL TABLE search_evidence USING fts5(text, content='evidence', content_rowid='id');"
	echo "== $N submissions ($(wc -l <"$D/in.csv") lines; rows added: $(for t in $tables; do
		[ -s "$D/$t.csv" ] && printf '%s %s, ' "$t" $(($(wc -l <"$D/$t.csv") - 1)); done | sed 's/, $//'))"
	for i in $(seq "$R"); do
		order=$(echo mc anchor ${BENCH_BEFORE:+before} |
			awk -v r="$i" '{ for (k = 0; k < NF; k++) printf "%s ", $((k + r - 1) % NF + 1) }')
		for who in $order; do
			rm -f "$D"/run.db*
			sync
			l=$(load)
			if [ $who = mc ]; then
				cp "$D/fresh.db" "$D/run.db"
				set -- $(run "$MC" --db "$D/run.db" import "$D/in.csv")
				set -- "$@" $(run "$MC" --db "$D/run.db" search --limit 1 Overview)
				echo "$N $i mcassess import $1 s, $2 MB written; + index $3 s, $4 MB; load $l" | tee -a "$D/figures"
			elif [ $who = before ]; then
				cp "$D/fresh.db" "$D/run.db"
				set -- $(run "$BENCH_BEFORE/mcassess" --db "$D/run.db" import "$D/in.csv")
				echo "$N $i before import $1 s, $2 MB written; load $l" | tee -a "$D/figures"
			else
				cp "$D/anchor0.db" "$D/run.db"
				set -- $(run sqlite3 "$D/run.db" ".read $D/load.sql")
				echo "$N $i anchor sqlite3 load $1 s, $2 MB written; load $l" | tee -a "$D/figures"
				[ "$(sqlite3 "$D/run.db" 'SELECT count(*) FROM evidence')" = "$(sqlite3 "$D/ref.db" 'SELECT count(*) FROM evidence')" ] ||
					echo "the anchor's load lost rows" >&2
			fi
		done
	done
	du -m "$D/ref.db" | awk '{ print "database: " $1 " MB" }'
	awk -v n="$N" '
		function med(a, k,   i, j, t) {
			for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
			return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
		}
		$1 == n && $3 == "mcassess" { m[++nm] = $5; x[nm] = $5 + $12 }
		$1 == n && $3 == "anchor" { a[++na] = $6 }
		$1 == n && $3 == "before" { b[++nb] = $5 }
		END {
			mm = med(m, nm); xx = med(x, nm); aa = med(a, na)
			printf "%d: mcassess import %.2f s (%.0f submissions/s), with the index %.2f s; anchor %.2f s: %.2fx, %.2fx with the index (medians of %d rounds)",
				n, mm, n / mm, xx, aa, mm / aa, xx / aa, nm
			if (nb) { bb = med(b, nb); printf "; before %.2f s: %.2fx", bb, bb / aa }
			print ""
		}' "$D/figures"
	rm -f "$D"/*.csv "$D"/*.db*
done
