# test_export.sh: `mcassess export results`: exact RFC 4180 CSV and JSON, --out
# written atomically (a failure leaves the old file as it was), badges refused
# until the issuer is set up (tests/cli/test_badges.sh has the rest),
# and a blind assessor who gets anonymous ids.
. "$TOP_SRCDIR/tests/cli/lib.sh"

BU=mcread_e
t_init_db
sed "s/mcread_blind/$BU/g" "$FIXTURES/read/base.sql" | sqlite3 "$DB" || { echo "Bail out! fixture"; exit 1; }
jqe() { jq -e "$@" >/dev/null; }
# a name CSV must quote with doubled quotes, and one more decision
sql "UPDATE educator SET name = 'Lin \"Wei\"' WHERE ext_id = 'E-4';
     INSERT INTO decision(uid, submission_id, outcome, decided_by, at) SELECT 'x-dec-1', id, 'earned', 'root', '2026-10-21T09:00:00Z' FROM submission WHERE ext_id = 'R-400';
     UPDATE submission SET status = 'earned' WHERE ext_id = 'R-400';"
t_snapshot

printf '%s\r\n' \
	'id,educator_id,educator_name,district,school,credential,pathway,attempt,outcome,decided_at,decided_by,rubric_version,submitted_at,levels,feedback,readers' \
	'R-100,E-1,Ada Lovelace,Maury,Spring Hill High,TEAM-QUES,TEAM,1,resubmit,2026-09-05T10:00:00Z,root,1,2026-09-01T10:00:00Z,O1=Progressing;O2=Not Met;A1=;A2=;A3=;A4=;A5=;R1=;R2=,Your questions stay at recall. Plan two that ask students to analyse.,first=root' \
	'R-303,E-1,Ada Lovelace,Maury,Spring Hill High,SPC-SELF,SPC,1,incomplete,2026-09-25T10:00:00Z,root,1,2026-09-22T12:00:00Z,O1=;O2=;A1=;A2=;A3=;A4=;R1=;R2=,,' \
	'R-300,E-3,"O'"'"'Brien, Pat",Maury,,TEAM-FEED,TEAM,1,earned,2026-10-10T10:00:00Z,coord1,1,2026-08-20T12:00:00Z,O1=;O2=;A1=;A2=;A3=;A4=;A5=;R1=;R2=,,' \
	'R-201,E-2,王小明,Knox,Central 中学,GIFT-SEEME,GIFT,1,earned,2026-10-20T10:00:00Z,root,1,2026-08-15T09:30:00Z,O1=;O2=;A1=;A2=;A3=;A4=;A5=;R1=;R2=,,' \
	'R-400,E-4,"Lin ""Wei""",Knox,,TEAM-QUES,TEAM,1,earned,2026-10-21T09:00:00Z,root,1,2026-09-30T07:00:00Z,O1=;O2=;A1=;A2=;A3=;A4=;A5=;R1=;R2=,,' >"$T/results.csv"

# ---------------------------------------------------------------- CSV and JSON
t_run 0 export results
t_stdout_is "$T/results.csv"
t_run 0 export results --format csv
t_stdout_is "$T/results.csv"
t_run 0 export results --format json
t_check "json: one record per decision" jqe 'length == 5' "$OUT"
t_check "json: fields in order" test "$(jq -c '.[0] | keys_unsorted' "$OUT")" = '["id","educator_id","educator_name","district","school","credential","pathway","attempt","outcome","decided_at","decided_by","rubric_version","submitted_at","levels","feedback","readers"]'
t_check "json: values" jqe '.[2] | del(.levels) == {"id":"R-300","educator_id":"E-3","educator_name":"O'"'"'Brien, Pat","district":"Maury","school":null,"credential":"TEAM-FEED","pathway":"TEAM","attempt":1,"outcome":"earned","decided_at":"2026-10-10T10:00:00Z","decided_by":"coord1","rubric_version":1,"submitted_at":"2026-08-20T12:00:00Z","feedback":null,"readers":[]}' "$OUT"
t_check "json: every criterion, its final level" jqe '.[0].levels[0:2] == [{"criterion":"O1","level":"progressing","label":"Progressing","passes":false},{"criterion":"O2","level":"not_met","label":"Not Met","passes":false}] and .[0].levels[2] == {"criterion":"A1","level":null,"label":null,"passes":null} and (.[0].levels | length) == 9' "$OUT"
t_check "json: feedback and readers" jqe '.[0].feedback == "Your questions stay at recall. Plan two that ask students to analyse." and .[0].readers == [{"read":"first","assessor":"root"}]' "$OUT"
t_check "json: names as they are" jqe '.[3].educator_name == "王小明" and .[4].educator_name == "Lin \"Wei\""' "$OUT"

# ---------------------------------------------------------------- --out
t_run 0 export results --out "$T/out.csv"
t_check "--out: nothing on stdout" test ! -s "$OUT"
t_check "--out: the same bytes as stdout" cmp -s "$T/out.csv" "$T/results.csv"
t_stderr_has "5 results written to $T/out.csv"
echo previous >"$T/out.json"
t_run 0 export results --format json --out "$T/out.json"
t_check "--out replaces the old file" jqe 'length == 5' "$T/out.json"
t_check "--out leaves no temporary file" test "$(ls -A "$T" | grep -c '^\.out')" -eq 0

t_run 1 export results --out "$T/missing/dir/r.csv"
t_stderr_has "mcassess: $T/missing/dir/r.csv: cannot write there: No such file or directory"
t_check "nothing created" test ! -e "$T/missing"
t_db_unchanged

# ---------------------------------------------------------------- badges, bad command lines
t_run 1 export badges --out "$T/badges"
t_check "badges: no issuer set up yet" test "$(cat "$ERR")" = "mcassess: the badge issuer has no id yet: an admin sets it with 'mcassess issuer set id ...'"
t_run 2 export
t_run 2 export everything
t_stderr_has "unknown export 'everything'"
t_run 2 export results --format xml
t_stderr_has "unknown format 'xml' (csv or json)"

# ---------------------------------------------------------------- another account
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
b() {
	RC=0
	runuser -u "$BU" -- "$MCASSESS" --db "$DB" "$@" >"$OUT" 2>"$ERR" </dev/null || RC=$?
}
no_name() {
	_d=$1; shift
	for _n in "$@"; do
		if grep -qF -- "$_n" "$OUT" "$ERR"; then t_fail "$_d: '$_n' shown"; return; fi
	done
	t_ok "$_d"
}
# An unwritable directory with a previous export in it: root writes anywhere, so
# as root the export runs as the second account.
mkdir "$T/ro"
echo "previous export" >"$T/ro/results.csv"
if b_setup; then
	chmod 755 "$T/ro"
	b export results --out "$T/ro/results.csv"
else
	chmod 555 "$T/ro"
	mc export results --out "$T/ro/results.csv"
fi
t_check "unwritable directory: exit 1" test "$RC" -eq 1
t_stderr_has "mcassess: $T/ro/results.csv: cannot write there: Permission denied"
t_check "unwritable directory: the previous file untouched" test "$(cat "$T/ro/results.csv")" = "previous export"
t_check "unwritable directory: nothing else left there" test "$(ls -A "$T/ro")" = "results.csv"
chmod 755 "$T/ro"

if b_setup; then
	b export results
	t_check "blind: export exits 0" test "$RC" -eq 0
	no_name "blind: csv never names E-2" "王小明" "E-2" "Central"
	t_check "blind: R-201 by its anonymous id, no school" grep -qF 'R-201,anon-b2,anon-b2,Knox,,GIFT-SEEME' "$OUT"
	t_check "blind: an open assignment keeps the name" grep -qF 'R-400,E-4,"Lin ""Wei""",Knox' "$OUT"
	b export results --format json
	no_name "blind: json never names E-2" "王小明" "E-2" "Central"
	# only the assessor's own work is exported to them (access.h): R-201 is no longer the fourth record
	t_check "blind: json" jqe 'map(select(.id == "R-201"))[0] | .educator_id == "anon-b2" and .educator_name == "anon-b2" and .school == null' "$OUT"
else
	for _i in 1 2 3 4 5 6; do t_skip "needs root, useradd and runuser"; done
fi

done_testing
