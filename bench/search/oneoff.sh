#!/bin/sh
# bench/search/oneoff.sh: a ranked top-50 as a one-off command (process start to
# exit), against its anchor, on one database whose search index is built.
#
#   bench/search/oneoff.sh BUILDDIR DB [RUNS]      (RUNS default 11)
#
# Ours:   mcassess --db DB search WORDS --limit 50 --format tsv   (with snippets)
# Anchor: stock FTS5 `ORDER BY rank LIMIT 50` over both search tables, one process
#         (bench_search's `sql` mode: the store opened so the tokenizer is there,
#         one statement stepped; no snippets).
# Words are chosen from the index itself (search_term, evidence): the most common,
# a middling one (in about 1% of the items), a rare one (in about 20), the two most
# common together (and the second and third: words in most items, whose idf is
# FTS5's floor), the middling with the most common, and two rare ones. Beside each:
# the peak memory of one run of ours (`/usr/bin/time`, maximum resident set), and at
# the end that of `--limit 0` (every match, streamed) for the two common words. The two commands run
# alternately, RUNS times each, warm page cache (the first run of each is dropped);
# the medians are printed with the load average beside them. COLD=1 also times one
# run of each right after the DB's pages were dropped from the page cache
# (posix_fadvise through dd, this file only: other people's caches stay).
# A scoped search: ASSESSOR=USER also times `runuser -u USER -- mcassess search`
# (the user must exist as an OS account and an assessor with assignments).
# Another build: BASE=BUILDDIR BASEDB=DB also times that build's `search` on its
# own copy of the database (an older build may not open a newer schema), the
# three commands in turn. More queries: EXTRA='of and,the rubric' (comma-separated).
set -eu
B=$(cd "${1:?usage: oneoff.sh BUILDDIR DB [RUNS]}" && pwd)
DB=${2:?usage: oneoff.sh BUILDDIR DB [RUNS]}
RUNS=${3:-11}
MC=$B/mcassess
BS=$B/bench/search/bench_search
make -C "$B" -s bench/search/bench_search >/dev/null

ANCHOR_SQL="SELECT * FROM (SELECT rowid, rank FROM search_evidence WHERE search_evidence MATCH ?1 ORDER BY rank LIMIT 50)
UNION ALL SELECT * FROM (SELECT rowid, rank FROM search_feedback WHERE search_feedback MATCH ?1 ORDER BY rank LIMIT 50)
ORDER BY 2 LIMIT 50"

ms() { # wall ms of a command
	t0=$(date +%s%N); "$@" >/dev/null 2>&1 </dev/null; t1=$(date +%s%N)
	echo $(( (t1 - t0) / 1000 )) | awk '{ printf "%.1f", $1 / 1000 }'
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
load() { cut -d' ' -f1 /proc/loadavg; }
mem() { # peak resident MB of a command
	/usr/bin/time -f %M "$@" 2>&1 >/dev/null </dev/null | tail -1 | awk '{ printf "%.1f", $1 / 1024 }'
}

# the FTS5 query the CLI builds from plain words: each in quotes
fts() { for w in $1; do printf '"%s" ' "$w"; done | sed 's/ $//'; }

term() { sqlite3 "$DB" "SELECT term FROM search_term WHERE src = 0 AND term GLOB '[a-z][a-z][a-z]*' $1 LIMIT 1"; }
ROWS=$(sqlite3 "$DB" "SELECT df FROM search_term WHERE src = 0 AND term = ''")
COMMON=$(term "ORDER BY df DESC")
COMMON2=$(term "AND term <> '$COMMON' ORDER BY df DESC")
MIDDLE=$(term "ORDER BY abs(df - $ROWS / 100)")
COMMON3=$(term "AND term NOT IN ('$COMMON', '$COMMON2') ORDER BY df DESC")
RARE=$(term "ORDER BY abs(df - 20)")
RARE2=$(term "AND term <> '$RARE' ORDER BY abs(df - 40)")

echo "database: $DB ($(du -h "$DB" | cut -f1)), $ROWS evidence items indexed"
echo "index sizes (dbstat, MB): $(sqlite3 "$DB" "SELECT
	printf('text %.0f', (SELECT sum(length(CAST(text AS BLOB))) FROM evidence) / 1e6)
	|| printf(', FTS5 evidence %.0f', (SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_evidence%') / 1e6)
	|| printf(', impact %.1f', (SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_impact%'
		OR name LIKE 'search_term%' OR name = 'sqlite_autoindex_search_term_1') / 1e6)
	|| printf(', pairs %.1f', (SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE 'search_pair%'
		OR name = 'sqlite_autoindex_search_pair_1') / 1e6)")"
BASE_MC=${BASE:+$(cd "$BASE" && pwd)/mcassess}
printf '%-28s %10s %10s %6s %7s %s\n' "query (top 50)" "ours ms" "anchor ms" "load" "ours MB" "df${BASE:+ | base ms}"
QUERIES=$(printf '%s\n' "$COMMON" "$MIDDLE" "$RARE" "$COMMON $COMMON2" "$COMMON2 $COMMON3" "$MIDDLE $COMMON" \
	"$RARE $RARE2"; [ -z "${EXTRA:-}" ] || echo "$EXTRA" | tr ',' '\n')
echo "$QUERIES" | while read -r q; do
	f=$(fts "$q")
	ms "$MC" --db "$DB" search $q --limit 50 --format tsv >/dev/null   # warm
	ms "$BS" "$DB" sql 1 "$ANCHOR_SQL" "$f" >/dev/null
	[ -z "$BASE_MC" ] || ms "$BASE_MC" --db "$BASEDB" search $q --limit 50 --format tsv >/dev/null
	: >"/tmp/oneoff.$$.a"; : >"/tmp/oneoff.$$.b"; : >"/tmp/oneoff.$$.c"
	i=0
	while [ $i -lt "$RUNS" ]; do
		ms "$MC" --db "$DB" search $q --limit 50 --format tsv >>"/tmp/oneoff.$$.a"; echo >>"/tmp/oneoff.$$.a"
		ms "$BS" "$DB" sql 1 "$ANCHOR_SQL" "$f" >>"/tmp/oneoff.$$.b"; echo >>"/tmp/oneoff.$$.b"
		if [ -n "$BASE_MC" ]; then
			ms "$BASE_MC" --db "$BASEDB" search $q --limit 50 --format tsv >>"/tmp/oneoff.$$.c"
			echo >>"/tmp/oneoff.$$.c"
		fi
		i=$((i + 1))
	done
	df=$(for w in $q; do sqlite3 "$DB" "SELECT df FROM search_term WHERE src = 0 AND term = '$w'"; done </dev/null | tr '\n' ' ')
	m=$(mem "$MC" --db "$DB" search $q --limit 50 --format tsv)
	printf '%-28s %10s %10s %6s %7s %s\n' "$q" "$(median <"/tmp/oneoff.$$.a")" "$(median <"/tmp/oneoff.$$.b")" "$(load)" "$m" \
		"$df${BASE_MC:+| $(median <"/tmp/oneoff.$$.c")}"
	if [ "${COLD:-0}" = 1 ]; then
		dd if="$DB" iflag=nocache count=0 2>/dev/null
		a=$(ms "$MC" --db "$DB" search $q --limit 50 --format tsv)
		dd if="$DB" iflag=nocache count=0 2>/dev/null
		b=$(ms "$BS" "$DB" sql 1 "$ANCHOR_SQL" "$f")
		printf '%-28s %10s %10s %6s\n' "  cold" "$a" "$b" "$(load)"
	fi
	if [ -n "${ASSESSOR:-}" ]; then
		: >"/tmp/oneoff.$$.a"
		i=0
		while [ $i -lt "$RUNS" ]; do
			ms runuser -u "$ASSESSOR" -- "$MC" --db "$DB" search $q --limit 50 --format tsv >>"/tmp/oneoff.$$.a"
			echo >>"/tmp/oneoff.$$.a"
			i=$((i + 1))
		done
		printf '%-28s %10s %10s %6s\n' "  as assessor $ASSESSOR" "$(median <"/tmp/oneoff.$$.a")" "-" "$(load)"
	fi
done
rm -f "/tmp/oneoff.$$.a" "/tmp/oneoff.$$.b" "/tmp/oneoff.$$.c"
for q in "$COMMON" "$COMMON $COMMON2"; do
	printf '%-28s %s MB\n' "$q --limit 0" "$(mem "$MC" --db "$DB" search $q --limit 0 --format tsv)"
done
