#!/bin/sh
# bench/search/run.sh: search on ~200,000 evidence items from `mcassess demo`.
#
#   bench/search/run.sh [BUILDDIR] [WORKDIR]   (default: . and /tmp/mcassess-bench-search)
#
# From a configured build directory. Builds bench/search/bench_search (in-process
# timings: no process start-up in the figures), then:
#   1. demo --submissions $SUBMISSIONS (default 54300: ~200,000 evidence items);
#   2. indexing: the first search catches the index up on every row;
#   3. index size (dbstat) against the text, and against unicode61 and trigram
#      indexes of the same text built with the sqlite3 shell (contentless tables,
#      so only the index is counted, as with our external-content table);
#   4. word queries (first 50 matches, newest first) and ranked top-50 queries
#      (bm25), for rare and common words; the ranking alone against FTS5's own
#      ORDER BY rank; several words (common, rare with common) and a phrase;
#   5. a regex scan through PCRE2 JIT over every row, the bare read of every row (the
#      floor: the same statement, no matching), and ripgrep (-j2) over the same text
#      exported one file per item. Medians of $RUNS runs, warm cache.
# KEEP=1 keeps WORKDIR (the database, ~1 GB with the export) for another run.
set -eu
B=$(cd "${1:-.}" && pwd)
W=${2:-/tmp/mcassess-bench-search}
SUBMISSIONS=${SUBMISSIONS:-54300}
RUNS=${RUNS:-7}
MC=$B/mcassess
BS=$B/bench/search/bench_search
DB=$W/bench.db
[ -x "$MC" ] || { echo "run.sh: $MC: build mcassess first" >&2; exit 2; }
make -C "$B" -s bench/search/bench_search >/dev/null
mkdir -p "$W"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$W"' EXIT

echo "load: $(uptime)"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "sqlite $(sqlite3 --version | cut -d' ' -f1), pcre2 $(pkg-config --modversion libpcre2-8)," \
	"$(rg --version 2>/dev/null | head -1 || echo 'ripgrep: not installed')"

if [ ! -f "$DB" ]; then
	t0=$(date +%s.%N)
	"$MC" --db "$DB" demo --submissions "$SUBMISSIONS" >/dev/null
	echo "demo --submissions $SUBMISSIONS: $(echo "$(date +%s.%N) $t0" | awk '{printf "%.1f", $1 - $2}') s"
fi
sqlite3 "$DB" "SELECT 'evidence: ' || count(*) || ' items, ' || sum(text IS NOT NULL) || ' with text, '
	|| printf('%.1f', sum(length(CAST(text AS BLOB))) / 1e6) || ' MB of text; feedback: '
	|| (SELECT count(*) FROM feedback) FROM evidence"

echo
echo "== indexing (first search after the demo)"
"$BS" "$DB" index
sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null

echo
echo "== sizes"
TEXT=$(sqlite3 "$DB" "SELECT sum(length(CAST(text AS BLOB))) FROM evidence")
ours=$(sqlite3 "$DB" "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_evidence%'")
if [ ! -f "$W/other.db" ]; then
	sqlite3 "$W/other.db" "ATTACH '$DB' AS b;
		CREATE VIRTUAL TABLE u61 USING fts5(text, content='', tokenize='unicode61 remove_diacritics 2');
		INSERT INTO u61(rowid, text) SELECT id, text FROM b.evidence WHERE text IS NOT NULL;
		CREATE VIRTUAL TABLE tri USING fts5(text, content='', tokenize='trigram');
		INSERT INTO tri(rowid, text) SELECT id, text FROM b.evidence WHERE text IS NOT NULL;"
fi
u61=$(sqlite3 "$W/other.db" "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'u61%'")
tri=$(sqlite3 "$W/other.db" "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'tri%'")
awk -v t="$TEXT" -v o="$ours" -v u="$u61" -v r="$tri" 'BEGIN {
	printf "text          %8.1f MB\n", t / 1e6
	printf "mcassess      %8.1f MB  %.2fx the text\n", o / 1e6, o / t
	printf "unicode61     %8.1f MB  %.2fx (finds no word inside an unspaced Chinese run)\n", u / 1e6, u / t
	printf "trigram       %8.1f MB  %.2fx (finds no term under 3 characters)\n", r / 1e6, r / t }'

echo
echo "== text search (in-process, the catch-up check and the snippets included)"
echo "-- word query: the first 50 matches, newest first (search --newest)"
for w in prairie 反馈 skeptic rubric students; do
	"$BS" "$DB" newest "$RUNS" "$w" 50
done
echo "-- ranked top 50 (bm25, snippets for those 50 only; search)"
for w in prairie 反馈 skeptic rubric students 学生; do
	"$BS" "$DB" text "$RUNS" "$w" 50
done
echo "-- ranked top 50, several words (all must occur) and a phrase"
for w in "questions students" "rubric students" "skeptic students" "prairie students" \
	"rubric questions students" "handful of confident students" '"handful of confident students"'; do
	"$BS" "$DB" text "$RUNS" "$w" 50
done
echo "-- the ranking alone: ours against FTS5's ORDER BY rank (the way before)"
for w in prairie skeptic students; do
	"$BS" "$DB" rank "$RUNS" "$w" 50
done

echo
echo "== regex scan vs bare read vs ripgrep"
PAT='\bhandful of (?:shy|quiet) \w+'
PAT2='反馈[^。]{0,8}具体'
"$BS" "$DB" read "$RUNS"
"$BS" "$DB" regex "$RUNS" "$PAT"
"$BS" "$DB" regex "$RUNS" "$PAT2"
"$BS" "$DB" regex "$RUNS" '\bskeptic\b'
echo "load: $(uptime)"
if command -v rg >/dev/null; then
	[ -d "$W/files" ] || "$BS" "$DB" export "$W/files"
	nfiles=$(find "$W/files" -type f | wc -l)
	for p in "$PAT" "$PAT2"; do
		rg -c -j2 -e "$p" "$W/files" >/dev/null || true   # warm the cache
		for i in $(seq "$RUNS"); do
			t0=$(date +%s.%N)
			rg -c -j2 -e "$p" "$W/files" >"$W/rg.out" || true
			echo "$(date +%s.%N) $t0" | awk '{ printf "%.3f\n", ($1 - $2) * 1000 }'
		done | sort -n | P="$p" awk -v f="$nfiles" '{ t[NR] = $1 } END { p = ENVIRON["P"]
			printf "ripgrep -j2 '\''%s'\'' over %d files\tmedian %.3f ms\tbest %.3f ms\n",
				p, f, t[int((NR + 1) / 2)], t[1] }'
		echo "  (files matched: $(wc -l <"$W/rg.out"))"
	done
else
	echo "ripgrep: not installed (apt-get install ripgrep), skipped"
fi
