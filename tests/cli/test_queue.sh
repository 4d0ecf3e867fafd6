# test_queue.sh: `mcassess queue`: exact TSV and JSON, filters, sorts, limits,
# paging through more rows than a page, counts after status changes, and what a
# blind assessor sees (run as root: a second OS account through runuser).
. "$TOP_SRCDIR/tests/cli/lib.sh"

BU=mcread_q   # this file's blind assessor (each test file has its own account)
t_init_db
sed "s/mcread_blind/$BU/g" "$FIXTURES/read/base.sql" | sqlite3 "$DB" || { echo "Bail out! fixture"; exit 1; }
tab=$(printf '\t')
jqe() { jq -e "$@" >/dev/null; }

# ---------------------------------------------------------------- TSV, exactly
t_run 0 queue --format tsv
printf 'R-400\tqueued\tTEAM-QUES\tLin Wei\tKnox\t1\t2026-09-30T07:00:00Z\tfirst: '"$BU"'\t
R-101\tin_progress\tTEAM-QUES\tAda Lovelace\tMaury\t2\t2026-10-01T10:00:00Z\t\t
R-200\tqueued\tSTEMS-INQ\t王小明\tKnox\t1\t2026-10-02T08:00:00Z\tfirst: '"$BU"' (blind)\t
' >"$T/open.tsv"
t_stdout_is "$T/open.tsv"

t_run 0 queue --status all --format tsv
printf 'R-201\tearned\tGIFT-SEEME\t王小明\tKnox\t1\t2026-08-15T09:30:00Z\tfirst: '"$BU"' (blind)\t
R-300\tearned\tTEAM-FEED\tO'"'"'Brien, Pat\tMaury\t1\t2026-08-20T12:00:00Z\t\t
R-100\tresubmit\tTEAM-QUES\tAda Lovelace\tMaury\t1\t2026-09-01T10:00:00Z\t\t
R-301\tawaiting_approval\tTEAM-QUES\tO'"'"'Brien, Pat\tMaury\t1\t2026-09-20T12:00:00Z\t\t
R-302\twithdrawn\tRTI-DATA\tO'"'"'Brien, Pat\tMaury\t1\t2026-09-21T12:00:00Z\t\t
R-303\tincomplete\tSPC-SELF\tAda Lovelace\tMaury\t1\t2026-09-22T12:00:00Z\t\t
R-400\tqueued\tTEAM-QUES\tLin Wei\tKnox\t1\t2026-09-30T07:00:00Z\tfirst: '"$BU"'\t
R-101\tin_progress\tTEAM-QUES\tAda Lovelace\tMaury\t2\t2026-10-01T10:00:00Z\t\t
R-200\tqueued\tSTEMS-INQ\t王小明\tKnox\t1\t2026-10-02T08:00:00Z\tfirst: '"$BU"' (blind)\t
' >"$T/all.tsv"
t_stdout_is "$T/all.tsv"

# ids of the last output, one line
ids() { cut -f1 "$OUT" | tr '\n' ' ' | sed 's/ $//'; }
t_ids() { # DESCRIPTION EXPECTED
	if [ "$(ids)" = "$2" ]; then t_ok "$1"; else t_fail "$1: got '$(ids)', want '$2'"; fi
}

# ---------------------------------------------------------------- filters and sorts
mc queue --status earned --format tsv;                      t_ids "--status earned" "R-201 R-300"
mc queue --status all --credential TEAM-QUES --format tsv;  t_ids "--credential" "R-100 R-301 R-400 R-101"
mc queue --status all --district Knox --format tsv;         t_ids "--district" "R-201 R-400 R-200"
mc queue --status all --pathway TEAM --format tsv;          t_ids "--pathway" "R-300 R-100 R-301 R-400 R-101"
mc queue --credential TEAM-QUES --district Knox --format tsv; t_ids "filters combine" "R-400"
# filters as people type them (issue 14): "awaiting" as the header says; a district
# by the start of its name; codes in any case; what matches nothing is an error that
# names it and the known ones, not an empty queue
mc queue --status awaiting --format tsv;                    t_ids "--status awaiting" "R-301"
mc queue --status 'In progress' --format tsv;               t_ids "--status 'In progress'" "R-101"
mc queue --status all --district kn --format tsv;           t_ids "--district by a prefix, any case" "R-201 R-400 R-200"
mc queue --status all --credential team-ques --format tsv;  t_ids "--credential in lower case" "R-100 R-301 R-400 R-101"
t_snapshot
sql "INSERT INTO district(name) VALUES ('Walnut Creek USD'), ('Walnut Plains')"
t_run 2 queue --district Walnut
t_stderr_has "mcassess: district 'Walnut' could be Walnut Creek USD, Walnut Plains; type more of the name"
t_run 0 queue --district 'walnut c'
t_stdout_has 'nothing in the queue that matches'
t_run 2 queue --district Nowhere
t_stderr_has "mcassess: no district 'Nowhere'; the districts are Knox, Maury, Walnut Creek USD and Walnut Plains"
t_run 2 queue --district Mauyr --format tsv
t_stderr_has "mcassess: no district 'Mauyr' (did you mean 'Maury'?)"
t_check "nothing on stdout" test ! -s "$OUT"
sql "DELETE FROM district WHERE name LIKE 'Walnut%'"
t_db_unchanged
t_run 2 queue --credential TEAM-QUSE
t_stderr_has "mcassess: no credential 'TEAM-QUSE' (did you mean 'TEAM-QUES'?)"
t_stderr_has "see 'mcassess catalog list'"
t_run 2 queue --pathway NOPE
t_stderr_has "mcassess: no pathway 'NOPE'"
t_run 2 queue --status awaitng
t_stderr_has "unknown status 'awaitng'"
t_run 0 queue --help
t_stdout_has "awaiting_approval (or awaiting)"
mc queue --status all --sort credential --format tsv
t_ids "--sort credential" "R-201 R-302 R-303 R-200 R-300 R-100 R-301 R-400 R-101"
mc queue --status all --sort status --format tsv
t_ids "--sort status" "R-301 R-201 R-300 R-101 R-303 R-400 R-200 R-100 R-302"
mc queue --status all --limit 4 --format tsv;               t_ids "--limit 4" "R-201 R-300 R-100 R-301"
mc queue --status all --limit 0 --format tsv;               t_ids "--limit 0" ""

# --mine: assigned to me or claimed by me
me=$(id -un)
sql "INSERT INTO assignment(uid, submission_id, assessor, read, assigned_by, at) SELECT 'q-mine-1', id, '$me', 'second', 'root', 'x' FROM submission WHERE ext_id = 'R-300';
     INSERT INTO claim(submission_id, uid, user, claimed_at, seen_at) SELECT id, 'q-claim-1', '$me', 'x', 'x' FROM submission WHERE ext_id = 'R-101';"
mc queue --mine --status all --format tsv;                  t_ids "--mine" "R-300 R-101"
mc queue --mine --format tsv;                               t_ids "--mine, open work" "R-101"

# ---------------------------------------------------------------- JSON
t_run 0 queue --format json
t_check "json: ids in order" test "$(jq -r 'map(.id) | join(" ")' "$OUT")" = "R-400 R-101 R-200"
t_check "json: keys of the design" jqe '.[0] | has("id") and has("status") and has("credential") and has("educator") and has("district") and has("attempt") and has("submitted_at")' "$OUT"
t_check "json: values" jqe '.[1] == (.[1] + {"id":"R-101","status":"in_progress","credential":"TEAM-QUES","educator":"Ada Lovelace","district":"Maury","attempt":2,"submitted_at":"2026-10-01T10:00:00Z"})' "$OUT"
t_check "json: a Chinese name" jqe '.[2].educator == "王小明"' "$OUT"
t_run 0 queue --status withdrawn --credential TEAM-QUES --format json
t_check "json: nothing is []" jqe '. == []' "$OUT"

# ---------------------------------------------------------------- text for people
t_run 0 queue
t_check "text: counts header" test "$(head -1 "$OUT")" = "queued 2  in_progress 1  awaiting_approval 1  earned 2  resubmit 1  incomplete 1  withdrawn 1"
t_stdout_has "ID     STATUS       CREDENTIAL  EDUCATOR      DISTRICT  ATTEMPT  AGE"
# a CJK name takes two cells a character: 王小明 (6 cells) is padded like "Lin Wei" (7)
t_stdout_has "R-200  queued       STEMS-INQ   王小明        Knox      1        "
t_stdout_has "R-400  queued       TEAM-QUES   Lin Wei       Knox      1        "
t_check "text: ages in days" grep -Eq '^R-400 .* [0-9]+d$' "$OUT"
t_run 0 queue --status all --limit 2
t_check "text: --limit 2 shows two rows" test "$(grep -c '^R-' "$OUT")" -eq 2
t_stdout_has "first 2 shown"

# ---------------------------------------------------------------- bad command lines
t_snapshot
t_run 2 queue --status done
t_stderr_has "mcassess: queue: unknown status 'done'"
t_run 2 queue --sort size
t_stderr_has "unknown sort 'size'"
t_run 2 queue --format xml
t_run 2 queue --limit many
t_stderr_has "--limit wants a number of rows, not 'many'"
t_run 2 queue extra
t_db_unchanged

# ---------------------------------------------------------------- counts follow status changes
sql "UPDATE submission SET status = 'earned' WHERE ext_id = 'R-400'; UPDATE submission SET status = 'queued' WHERE ext_id = 'R-302'"
t_run 0 queue
t_check "counts after status changes" test "$(head -1 "$OUT")" = "queued 2  in_progress 1  awaiting_approval 1  earned 3  resubmit 1  incomplete 1  withdrawn 0"
mc queue --format tsv;                                      t_ids "open work after the change" "R-302 R-101 R-200"

# ---------------------------------------------------------------- paging through many rows
# 2,500 more submissions, many with equal times, so pages of 1000 must split ties by id
sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)
INSERT INTO submission(ext_id, educator_id, credential_id, rubric_id, attempt, status, submitted_at, imported_at, source_sha256, updated_at)
SELECT printf('P-%04d', (i * 7) % 2500), (SELECT id FROM educator WHERE ext_id = 'E-4'), c.id, r.id, 1,
 CASE i % 3 WHEN 0 THEN 'queued' WHEN 1 THEN 'earned' ELSE 'in_progress' END,
 strftime('%Y-%m-%dT%H:%M:%SZ', 1790000000 + (i % 50) * 3600, 'unixepoch'), 'x', 'x', 'x'
FROM n JOIN credential c ON c.code = CASE i % 4 WHEN 0 THEN 'TEAM-QUES' WHEN 1 THEN 'RTI-DATA' WHEN 2 THEN 'GIFT-SEEME' ELSE 'SPC-REL' END
JOIN rubric r ON r.credential_id = c.id AND r.version = c.current_version"
total=$(sql "SELECT count(*) FROM submission")
for sort in age credential status; do
	case $sort in
	age) order="s.submitted_at, s.id" ;;
	credential) order="c.code, s.submitted_at, s.id" ;;
	status) order="s.status, s.submitted_at, s.id" ;;
	esac
	t_run 0 queue --status all --sort $sort --format tsv
	cut -f1 "$OUT" >"$T/got"
	sql "SELECT s.ext_id FROM submission s JOIN credential c ON c.id = s.credential_id ORDER BY $order" >"$T/want"
	t_check "sort $sort: all $total rows, in order, none twice, none missing" cmp -s "$T/got" "$T/want"
	t_check "sort $sort: no duplicates" test "$(sort -u "$T/got" | wc -l)" -eq "$total"
	t_run 0 queue --sort $sort --format json
	jq -r '.[].id' "$OUT" >"$T/got"
	sql "SELECT s.ext_id FROM submission s JOIN credential c ON c.id = s.credential_id WHERE s.status IN ('queued', 'in_progress') ORDER BY $order" >"$T/want"
	t_check "sort $sort: json, open work, in order" cmp -s "$T/got" "$T/want"
done
t_run 0 queue --status all --limit 1500 --format tsv
cut -f1 "$OUT" >"$T/got"
sql "SELECT ext_id FROM submission ORDER BY submitted_at, id LIMIT 1500" >"$T/want"
t_check "--limit 1500 spans two internal pages" cmp -s "$T/got" "$T/want"
sql "DELETE FROM submission WHERE ext_id LIKE 'P-%'"

# ---------------------------------------------------------------- the blind assessor
t_skip() { _t_n=$((_t_n + 1)); echo "ok $_t_n # SKIP $*"; }
b_setup() {
	[ "$(id -u)" = 0 ] && command -v runuser >/dev/null && command -v useradd >/dev/null || return 1
	if ! id -u "$BU" >/dev/null 2>&1; then
		for _i in 1 2 3 4 5 6 7 8 9 10; do useradd -M -N "$BU" 2>/dev/null && break; sleep 1; done
		id -u "$BU" >/dev/null 2>&1 || return 1
		trap 'rm -rf "$T"; for _i in 1 2 3 4 5; do userdel "$BU" 2>/dev/null && break; sleep 1; done' EXIT
	fi
	chmod 777 "$T"
	chmod 666 "$DB"*
}
# b ARGS...: mcassess as the blind assessor
b() {
	RC=0
	runuser -u "$BU" -- "$MCASSESS" --db "$DB" "$@" >"$OUT" 2>"$ERR" </dev/null || RC=$?
}
no_name() { # DESCRIPTION NAME...: none of the names anywhere in stdout or stderr
	_d=$1; shift
	for _n in "$@"; do
		if grep -qF -- "$_n" "$OUT" "$ERR"; then t_fail "$_d: '$_n' shown"; return; fi
	done
	t_ok "$_d"
}
if b_setup; then
	b queue --status all --format tsv
	t_check "blind: queue exits 0" test "$RC" -eq 0
	no_name "blind: tsv never names E-2" "王小明"
	t_check "blind: R-200 by its anonymous id" grep -q "^R-200${tab}queued${tab}STEMS-INQ${tab}anon-b2${tab}Knox" "$OUT"
	t_check "blind: R-201 by its anonymous id" grep -q "^R-201${tab}earned${tab}GIFT-SEEME${tab}anon-b2${tab}" "$OUT"
	t_check "blind: an open assignment shows the name" grep -q "^R-400${tab}earned${tab}TEAM-QUES${tab}Lin Wei${tab}" "$OUT"
	b queue --status all
	no_name "blind: text never names E-2" "王小明"
	b queue --status all --format json
	no_name "blind: json never names E-2" "王小明"
	t_check "blind: json flags it" jqe 'map(select(.id == "R-200"))[0] | .educator == "anon-b2" and .blind == true' "$OUT"
	b queue --mine --status all --format tsv
	t_ids "blind: --mine is the assessor's own" "R-201 R-400 R-200"
	# the setting: every assessor scores blind; the admin still sees names
	sql "INSERT INTO meta(key, value) VALUES ('blind_scoring', '1') ON CONFLICT(key) DO UPDATE SET value = '1'"
	b queue --status all --format tsv
	no_name "blind_scoring: no name at all" "王小明" "Ada Lovelace" "O'Brien" "Lin Wei"
	# an assessor's queue is their own work (access.h): the educators of R-200, R-201 and R-400
	t_ids "blind_scoring: only the assessor's own" "R-201 R-400 R-200"
	t_check "blind_scoring: anonymous ids" test "$(cut -f4 "$OUT" | sort -u | tr '\n' ' ')" = "anon-b2 anon-d4 "
	mc queue --status all --format tsv
	t_check "blind_scoring: the admin sees names" grep -qF "Ada Lovelace" "$OUT"
else
	for _i in 1 2 3 4 5 6 7 8 9 10 11 12; do t_skip "needs root, useradd and runuser"; done
fi

done_testing
