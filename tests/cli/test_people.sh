#!/bin/sh
# people add and list: roles, districts, audited changes, bad input, admins only.
. "$TOP_SRCDIR/tests/cli/lib.sh"
ME=$(id -un)
t_init_db
jqe() { jq -e "$@" >/dev/null; }

t_run 0 people add alice --role assessor --district "North Valley"
t_check "add: what was done, and that the district is new" [ "$(cat "$OUT")" = "added alice as assessor in North Valley, a new district" ]
t_run 0 people add bob --role coordinator
t_run 0 people list --format tsv
printf 'alice\tassessor\tNorth Valley\nbob\tcoordinator\t\n%s\tadmin\t\n' "$ME" | sort >"$T/want"
t_check "list tsv: user, role, district, by user" diff -u "$T/want" "$OUT"
t_check "the district was created" [ "$(sql "SELECT count(*) FROM district WHERE name = 'North Valley'")" = 1 ]
t_check "adding is audited" [ "$(sql "SELECT after FROM audit WHERE subject = 'person:alice'")" = '{"district":"North Valley","role":"assessor"}' ]

# Changing a role: audited with before and after; the district stays.
t_run 0 people add alice --role coordinator
t_check "change: what was done" [ "$(cat "$OUT")" = "changed alice: assessor -> coordinator" ]
t_check "the change is audited with before and after" [ "$(sql "SELECT before || ' ' || after FROM audit WHERE subject = 'person:alice' ORDER BY seq DESC LIMIT 1")" = \
	'{"district":"North Valley","role":"assessor"} {"district":"North Valley","role":"coordinator"}' ]
t_snapshot
t_run 0 people add alice --role coordinator
t_stdout_has "alice is already coordinator; nothing changed"
t_db_unchanged

# Bad input changes nothing.
t_run 2 people add carol --role boss
t_stderr_has "mcassess: people: unknown role 'boss' (assessor, approver, coordinator or admin)"
t_stderr_has "usage: mcassess people add USER --role"
t_run 2 people add carol
t_stderr_has "add needs --role assessor, approver, coordinator or admin"
t_run 2 people add --role assessor
t_stderr_has "add needs one USER"
t_run 3 people add 'Carol!' --role assessor
t_stderr_has "mcassess: people: 'Carol!' is not a login name"
t_run 3 people add abcdefghijabcdefghijabcdefghij123 --role assessor
t_run 3 people add 1carol --role assessor
t_run 1 people add "$ME" --role assessor
t_stderr_has "mcassess: people: $ME is the only admin; make someone else admin first"
t_run 2 people frob
t_stderr_has "unknown subcommand 'frob' (add, list, import or remove)"
t_run 2 people
t_db_unchanged

t_run 0 people list
t_stdout_has "USER"
t_stdout_has "E-MAIL"
t_check "list text: alice's row" grep -qE "^alice +coordinator +North Valley" "$OUT"
t_check "list text: no school/cohort/educator columns while nobody has one" sh -c "! grep -q SCHOOL '$OUT'"
t_run 0 people list --format json
t_check "list json: user, role, district, name, email, and the links to their own work" [ "$(jq -c '.[0] | keys' "$OUT")" = '["cohort","district","educator","email","name","role","school","user"]' ]
t_check "list json: an unknown account has no name or e-mail" [ "$(jq -r '.[] | select(.user == "alice") | .name + "|" + .email' "$OUT")" = "|" ]
if getent passwd "$ME" >/dev/null; then
	t_check "list json: my e-mail is USER@host" jqe --arg u "$ME" '.[] | select(.user == $u) | .email | startswith($u + "@")' "$OUT"
fi

# ---------------------------------------------------------------- another account
t_skip() { _t_n=$((_t_n + 1)); echo "ok $_t_n # SKIP $*"; }
BU=mc_h1_ppl$$
if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null && command -v useradd >/dev/null; then
	for _i in 1 2 3 4 5 6 7 8 9 10; do useradd -M -N -c "Pat Example,Room 4" "$BU" 2>/dev/null && break; sleep 1; done
	trap 'rm -rf "$T"; for _i in 1 2 3 4 5; do userdel "$BU" 2>/dev/null && break; sleep 1; done' EXIT
	chmod 777 "$T"; chmod 666 "$DB"*
	b() { RC=0; runuser -u "$BU" -- "$MCASSESS" --db "$DB" "$@" >"$OUT" 2>"$ERR" </dev/null || RC=$?; }
	t_snapshot
	b people add zed --role assessor
	t_check "a stranger may not add people (exit 1)" [ "$RC" -eq 1 ]
	t_stderr_has "mcassess: adding or changing people needs an admin, and you ($BU) are not a person in this database; ask an admin to run 'mcassess people add $BU --role admin'"
	t_db_unchanged
	t_run 0 people add "$BU" --role assessor
	t_snapshot
	b people add "$BU" --role admin
	t_check "an assessor may not make themself admin (exit 1)" [ "$RC" -eq 1 ]
	t_stderr_has "you ($BU) are an assessor"
	t_db_unchanged
	t_run 0 people add "$BU" --role admin
	b people add zed --role assessor
	t_check "an admin may add people" [ "$RC" -eq 0 ]
	t_check "the audit names the admin who did it" [ "$(sql "SELECT actor FROM audit WHERE subject = 'person:zed'")" = "$BU" ]
	mc people list --format json
	t_check "name from the account's GECOS field" [ "$(jq -r --arg u "$BU" '.[] | select(.user == $u) | .name' "$OUT")" = "Pat Example" ]
else
	for _i in 1 2 3 4 5 6 7 8 9 10 11; do t_skip "needs root, useradd and runuser"; done
fi

# The first person of a database may be added by anyone (that is how it gets an admin).
DB=$T/fresh.db
sqlite3 "$DB" "CREATE TABLE t(x); DROP TABLE t;"
t_run 0 people add alice --role admin
t_stdout_has "added alice as admin"
t_snapshot
t_run 1 people add bob --role assessor
t_stderr_has "you ($ME) are not a person in this database"
t_db_unchanged
RC=0; "$MCASSESS" --db "$T/missing.db" people list >"$OUT" 2>"$ERR" || RC=$?
t_check "people list without a database exits 1" [ "$RC" -eq 1 ]
t_stderr_has "$T/missing.db: no database here"
# A district is named as the queue's filter names it: the whole name in any
# case, or the start of it when that names one district. A near miss of a
# known name is a typo, refused and named, not a new district.
t_init_db
t_run 0 people add alice --role assessor --district "North Valley"
t_run 0 people add dora --role assessor --district "North Fork County"
t_run 0 people add erin --role assessor --district "north valley"
t_check "a district in another case is the known one" [ "$(cat "$OUT")" = "added erin as assessor in North Valley" ]
t_run 0 people add erin --role assessor --district "North V"
t_check "the start of a district's name names it" [ "$(cat "$OUT")" = "erin is already assessor; nothing changed" ]
t_snapshot
t_run 2 people add fay --role assessor --district "North"
t_stderr_has "district 'North' could be North Fork County, North Valley; type more of the name"
t_db_unchanged
t_run 2 people add fay --role assessor --district "North Vally"
t_stderr_has "no district 'North Vally' (did you mean 'North Valley'?)"
t_stderr_has "to add a new district of that name, use --new-district"
t_run 2 people add fay --role assessor --district "Nrth F"
t_stderr_has "(did you mean 'North Fork County'?)"
t_db_unchanged
t_check "no phantom district was made" [ "$(sql "SELECT count(*) FROM district")" = 2 ]
t_run 0 people add fay --role assessor --new-district "North Vally"
t_check "--new-district adds the name as typed" [ "$(cat "$OUT")" = "added fay as assessor in North Vally, a new district" ]
t_run 0 people add gil --role assessor --district "South"
t_check "a name unlike any known one is a new district" [ "$(cat "$OUT")" = "added gil as assessor in South, a new district" ]
t_run 2 people add gil --role assessor --district "South" --new-district "Soutth"
t_stderr_has "give one of them"
# --cohort takes the person's own district when --district is not given.
t_run 0 people add gil --role assessor --cohort "Cohort 2"
t_check "--cohort alone: what changed" [ "$(cat "$OUT")" = "changed gil: cohort Cohort 2" ]
t_check "--cohort alone keeps the district" [ "$(sql "SELECT d.name || '/' || p.cohort FROM person p JOIN district d ON d.id = p.district_id WHERE user = 'gil'")" = "South/Cohort 2" ]
t_run 0 people add dora --role assessor --school "Oak Elementary" --educator E-77
t_run 0 people list --format json
t_check "list json: each person's school, cohort and educator id" \
	[ "$(jq -c '[.[] | select(.user == "dora" or .user == "gil") | [.user, .school, .cohort, .educator]]' "$OUT")" = \
	'[["dora","Oak Elementary",null,"E-77"],["gil",null,"Cohort 2",null]]' ]
t_run 0 people list
t_check "list: school, cohort and educator columns when someone has one" \
	[ "$(awk 'NR == 1 { print $4, $5, $6 }' "$OUT")" = "SCHOOL COHORT EDUCATOR" ]
t_check "list: dora's school and educator id, no cohort" grep -qE "^dora +assessor +North Fork County +Oak Elementary +- +E-77 " "$OUT"
t_snapshot
t_run 2 people add hal --role assessor --cohort "Cohort 2"
t_stderr_has "--cohort needs --district: hal has no district"
t_db_unchanged
done_testing
