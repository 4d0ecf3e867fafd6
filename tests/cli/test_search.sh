#!/bin/sh
# mcassess search: full-text (FTS5, CJK bigrams) and regex (PCRE2) over evidence
# and feedback written with the sqlite3 shell (the index catches up by itself).
. "$TOP_SRCDIR/tests/cli/lib.sh"
t_init_db
sqlite3 "$DB" <"$FIXTURES/search/evidence.sql" || { echo "Bail out! fixture did not load"; exit 1; }
# jqt FILTER: the last output, as JSON, satisfies FILTER.
jqt() { jq -e "$1" "$OUT" >/dev/null; }

# A word: ranked hits, submission and part, match marked; the first search indexes.
t_snapshot
t_run 0 search FEEDBACK
t_stdout_has "S-1  overview  Students give academic [feedback] to peers after each lesson. The [feedback] loop…"
t_check "one hit for feedback" [ "$(wc -l <"$OUT")" -eq 1 ]
t_stdout_lacks "Ada Lovelace"
t_db_changed
# Nothing new to index: a search writes nothing.
t_snapshot
t_run 0 search feedback
t_db_unchanged

# A two-character Chinese word inside an unspaced run; a single character; accents.
t_run 0 search 反馈
t_stdout_has "S-1  reflection  …都使用[反馈]来帮助学生思考。Students…"
t_run 0 search 馈
t_stdout_has "S-1  reflection"
t_run 0 search 検索
t_stdout_has "S-3  reflection  …文章も[検索]できる。次は質問を待…"
t_run 0 search creme naive
t_stdout_has "S-2  overview  …étudient le café et la [crème] brûlée: a [NAÏVE] approach to inquiry."
t_run 0 search '"feedback loop"'
t_stdout_has "The [feedback loop] is short."
# feedback is searched too
t_run 0 search reflection
t_stdout_has "S-1  feedback  "

# --format tsv and json, for scripts
t_run 0 search --format tsv 反馈
printf 'S-1\treflection\t…都使用[反馈]来帮助学生思考。Students…\n' >"$T/want.tsv"
t_stdout_is "$T/want.tsv"
t_run 0 search --format json feedback
t_check "json: id, part, source, snippet, rank" \
	jqt 'length == 1 and .[0].id == "S-1" and .[0].part == "overview" and .[0].source == "evidence"
	       and (.[0].snippet | contains("[feedback]")) and (.[0].rank | type) == "number"'

# Rows added and changed behind the store's back are found on the next search.
sqlite3 "$DB" "INSERT INTO evidence(submission_id, seq, part_id, kind, text, sha256, words, media_type)
	SELECT submission_id, 9, part_id, 'text', 'a zebra crossing', 'z', 3, 'text/plain' FROM evidence WHERE seq = 1 LIMIT 1;
	UPDATE feedback SET body = 'Giraffes are tall.';"
t_run 0 search zebra
t_stdout_has "S-1  overview  a [zebra] crossing"
t_run 0 search giraffes
t_stdout_has "S-1  feedback  [Giraffes] are tall."
t_run 0 search reflection
t_check "changed feedback no longer matches its old text" [ ! -s "$OUT" ]

# No match: nothing on stdout, a note on stderr, exit 0; json prints [].
t_run 0 search okapi
t_check "no output" [ ! -s "$OUT" ]
t_stderr_has "no matches for 'okapi'"
t_run 0 search --format json okapi
t_check "json: []" jqt 'length == 0'

# Hits are printed as they come (streamed): json is still one array, every hit once,
# in the order the tsv lists them.
t_run 0 search --regex --format tsv --limit 0 '[a-z]'
cut -f1,2 "$OUT" >"$T/all.tsv"
t_check "several hits to stream" [ "$(wc -l <"$T/all.tsv")" -ge 3 ]
t_run 0 search --regex --format json --limit 0 '[a-z]'
jq -r '.[] | [.id, .part] | @tsv' "$OUT" >"$T/all.json.tsv"
t_check "json: one array of the same hits, in the same order" cmp -s "$T/all.tsv" "$T/all.json.tsv"
t_run 0 search --regex --format json --limit 2 '[a-z]'
t_check "json: --limit 2 is two hits" jqt 'length == 2'

# --limit: the rest is announced
t_run 0 search --limit 1 students
t_check "--limit 1 shows one" [ "$(wc -l <"$OUT")" -eq 1 ]
t_stderr_has "(the first 1 matches; --limit N shows more, 0 all)"

# --newest: the newest evidence first (the zebra row, added last), not by rank;
# not with --regex.
t_run 0 search --newest --format tsv students
printf 'S-1\treflection\t…用反馈来帮助学生思考。[Students] ask why.\nS-1\toverview\t[Students] give academic feedback to peers after each lesson. The feedback loop…\n' >"$T/want.tsv"
t_stdout_is "$T/want.tsv"
t_run 2 search --newest --regex students
t_stderr_has "--newest is for text search"

# An index from before the length marks (no meta 'search.format') is rebuilt once.
sqlite3 "$DB" "DELETE FROM meta WHERE key = 'search.format'"
t_run 0 search zebra
t_stdout_has "S-1  overview  a [zebra] crossing"
t_check "the format is recorded again" [ "$(sqlite3 "$DB" "SELECT value FROM meta WHERE key = 'search.format'")" = 2 ]

# Regex: PCRE2 with Unicode, in evidence order, then feedback.
t_run 0 search --regex '反馈|\bpeer\w*|^Giraffe'
printf '%s\n' "S-1  overview  …nts give academic feedback to [peers] after each lesson. The feedba…" \
	"S-1  reflection  我们的课堂每天都使用[反馈]来帮助学生思考。Students ask why." \
	"S-1  feedback  [Giraffe]s are tall." >"$T/want.txt"
t_stdout_is "$T/want.txt"
t_run 0 search --regex --ignore-case 'café|NAÏVE' --format tsv
printf 'S-2\toverview\tLes élèves étudient le [café] et la crème brûlée: a [NAÏVE] approach to inquiry.\n' >"$T/want.tsv"
t_stdout_is "$T/want.tsv"
t_run 0 search --regex --format json '次は(.)'
t_check "json: byte offsets of the match" jqt '.[0].id == "S-3" and .[0].start == 39 and .[0].end == 48'

# A bad regex: PCRE2's message and the offset, exit 2, nothing changed.
t_snapshot
t_run 2 search --regex 'a(b'
t_stderr_has "mcassess: search: bad pattern at offset 3: missing closing parenthesis"
t_run 2 search --regex '反馈['
t_stderr_has "mcassess: search: bad pattern at offset 3: missing terminating ] for character class"
t_db_unchanged

# Usage errors
t_run 2 search
t_stderr_has "mcassess: search: what to search for is missing"
t_run 2 search --limit many x
t_stderr_has "--limit needs a number"
t_run 2 search --format xml x
t_stderr_has "--format is text, tsv or json"
t_run 2 search --regex a b
t_stderr_has "--regex takes one PATTERN"
t_run 2 search --ignore-case x
t_run 2 search '!!!'
t_stderr_has "mcassess: search: '!!!' has no words to search for"

# One ranked search reads in one transaction: the ranking and the hits from one
# snapshot (a change committed between them cannot show a hit the ranking did
# not see), and one lock, not one for each of its statements.
MCASSESS_SQL_TRACE=$T/trace.sql "$MCASSESS" --db "$DB" search students feedback >/dev/null 2>&1
sed 's/^(prepared) //' "$T/trace.sql" | grep -nE '^(BEGIN|ROLLBACK|COMMIT)|search_evidence MATCH|snippet|FROM search_impact' >"$T/tx"
first=$(grep -m1 -E 'MATCH|snippet|search_impact' "$T/tx" | cut -d: -f1)
last=$(grep -E 'MATCH|snippet|search_impact' "$T/tx" | tail -n 1 | cut -d: -f1)
begin=$(grep -E ':BEGIN DEFERRED' "$T/tx" | cut -d: -f1 | tail -n 1)
end=$(grep -E ':ROLLBACK' "$T/tx" | cut -d: -f1 | tail -n 1)
t_check "the ranking and the hits in one read transaction (lines $begin < $first..$last < $end)" \
	test -n "$first" -a -n "$begin" -a -n "$end" -a "${begin:-0}" -lt "${first:-0}" -a "${last:-0}" -lt "${end:-0}"
# The tokenizer (each word of the query, a row's words counted) reaches FTS5's API
# fetched once a connection, not through a statement each time.
t_check "FTS5's API fetched once ($(grep -c 'fts5(' "$T/trace.sql") statements)" \
	test "$(grep -c 'fts5(' "$T/trace.sql")" -le 2

# Nothing new to index: a search takes no write lock, and goes on (at once) while
# another process holds the database for writing.
db_lock
t_run 0 search zebra
t_stdout_has "[zebra]"
db_unlock

# --reindex rebuilds and finds the same
t_run 0 search --reindex
t_stderr_has "index rebuilt"
t_run 0 search zebra
t_stdout_has "[zebra]"
done_testing
