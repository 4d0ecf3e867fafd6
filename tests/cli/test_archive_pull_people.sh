#!/bin/sh
# test_archive_pull_people.sh: a person changed on both sides since two
# archives parted is a conflict of the pull (issue 12 item 4), listed by
# `packet conflicts` as person:USER from archive:COMMIT, this side's record in
# force while it is open, settled with `packet resolve` either way (taking
# theirs audited as a people change, refused when it would demote the only
# admin); pulling again lists it once; check is clean throughout. Real OS
# accounts (as root, else skipped): mcpp12a, mcpp12b.
. "$TOP_SRCDIR/tests/cli/lib.sh"
A=mcpp12a B=mcpp12b R=mcpp12c W=mcpp12d
t_accounts $A $B $R $W || t_skip_all "not root (useradd, runuser)"
on() { t_on "$@"; }
t_check_d() { _d=$1 _f=$2; shift 2; if "$@"; then t_ok "$_d"; else t_fail "$_d"; t_diag "$_f"; fi; }
jqe() { jq -e "$@" >/dev/null; }
ok_on() { on "$@"; [ "$RC" -eq 0 ] || { echo "Bail out! mcassess --db $*: $(cat "$ERR")"; exit 1; }; }
role() { sqlite3 "$1" "SELECT role || ' ' || ifnull((SELECT name FROM district WHERE id = district_id), '-') FROM person WHERE user = '$2'"; }
clean() { on "$1" root check; t_check_d "$2" "$OUT" [ "$RC" -eq 0 ]; }

# N: the district; C: a copy made by pulling N's archive
N=$F/n.db C=$F/c.db
ok_on "$N" root init
on "$N" root archive init
[ "$RC" -eq 0 ] || t_skip_all "built without libgit2"
ok_on "$N" root people add $A --role assessor --district North
ok_on "$N" root people add $B --role assessor --district North
ok_on "$C" root init
ok_on "$C" root archive init
ok_on "$C" root archive pull "$N.archive.git"
t_check "the copy has the district's people" test "$(role "$C" $A)" = "assessor North"

# ---------------------------------------------------------------- changed on both sides
ok_on "$N" root people add $A --role approver
ok_on "$C" root people add $A --role coordinator --district South
on "$C" root archive pull "$N.archive.git"
t_check_d "a pull with a person changed on both sides exits 0" "$ERR" [ "$RC" -eq 0 ]
t_check_d "and counts the conflict" "$OUT" grep -q "; 1 conflict" "$OUT"
t_check_d "and says where to see it" "$ERR" grep -q "$A was changed there and here.*'mcassess packet conflicts' lists it" "$ERR"
t_check "while it is open, this side's record is in force" test "$(role "$C" $A)" = "coordinator South"
clean "$C" "check is clean with the conflict open"
on "$C" root packet conflicts
cp "$OUT" "$F/list1"
t_check_d "packet conflicts lists person:$A from the archive's commit" "$OUT" \
	grep -q "^person:$A  from archive:[0-9a-f]\{40\}  open$" "$OUT"
t_check_d "this side's record against the remote's" "$OUT" \
	sh -c "grep -q '^  on the server: coordinator, South;' '$OUT' && grep -q '^  in the remote archive: approver, North;' '$OUT'"
on "$C" root packet list
t_check_d "packet list counts it with the pull" "$OUT" grep -q "1 conflict open" "$OUT"
on "$C" root packet conflicts --format tsv
t_check_d "tsv: id, source, state, this side's, theirs" "$OUT" \
	grep -q "^person:$A	archive:[0-9a-f]\{40\}	open	coordinator, South;.*	approver, North;" "$OUT"
on "$C" root packet conflicts --format json
t_check_d "json the same" "$OUT" jqe --arg a "person:$A" \
	'length == 1 and .[0].id == $a and (.[0].source | startswith("archive:")) and .[0].state == "open" and (.[0].here | startswith("coordinator, South;")) and (.[0].there | startswith("approver, North;"))' "$OUT"

# pulling again (nothing new, then a new commit there) lists it once
on "$C" root archive pull "$N.archive.git"
ok_on "$N" root people add $B --role coordinator --district North
ok_on "$N" root people add $A --role approver --district West
on "$C" root archive pull "$N.archive.git"
t_check_d "a later pull exits 0" "$ERR" [ "$RC" -eq 0 ]
on "$C" root packet conflicts
t_check_d "the conflict is listed once" "$OUT" test "$(grep -c "^person:$A " "$OUT")" = 1
t_check_d "its remote side is the later one" "$OUT" grep -q "^  in the remote archive: approver, West;" "$OUT"
t_check "a person changed there only is taken" test "$(role "$C" $B)" = "coordinator North"
clean "$C" "check is clean after the later pull"

# ---------------------------------------------------------------- settled both ways
mkdir -p "$C.evidence"
t_copy_archived "$C" "$F/k.db"
on "$F/k.db" root packet resolve person:$A --keep server
t_check_d "keeping this side's settles it" "$ERR" [ "$RC" -eq 0 ]
t_check "the record stays this side's" test "$(role "$F/k.db" $A)" = "coordinator South"
t_check "the choice is audited" test "$(sqlite3 "$F/k.db" "SELECT json_extract(after, '$.kept') FROM audit WHERE action = 'packet-resolve' AND subject = 'person:$A'")" = server
on "$F/k.db" root packet conflicts
t_check_d "no open conflict is left" "$OUT" grep -q "^no open conflicts" "$OUT"
clean "$F/k.db" "check is clean after keeping this side's"

# the same in the workstation, on a copy: O lists it, Enter shows the two
# sides (the remote's selected), u asks, y takes it, as packet resolve does
t_copy_archived "$C" "$F/w.db"
mkdir -p "$F/dumps"
printf '# size 80x24\nO\n:dump packets\n<Enter>\n:dump sides\nu\n:dump ask\ny\n:dump kept\nq\nq\n' >"$F/w.keys"
runuser -u root -- env HOME="$F" TERM=xterm NO_COLOR=1 MCASSESS_TUI_SCRIPT="$F/w.keys" MCASSESS_TUI_SIZE=80x24 \
	MCASSESS_TUI_DUMP_DIR="$F/dumps" "$MCASSESS" --db "$F/w.db" tui >"$OUT" 2>"$ERR" </dev/null
dumped() { cp "$F/dumps/$1" "$OUT" 2>/dev/null || : >"$OUT"; }
dumped packets
t_stdout_has "person:$A (pulled from remote archive "
t_stdout_has "in the remote archive: approver, West;"
t_check_d "a pull's conflict is not called a packet's" "$OUT" sh -c "! grep -q 'in the packet:\|(packet ' '$OUT'"
dumped sides
t_stdout_has "conflict on person:$A · 2 sides"
t_stdout_has "  server"
t_stdout_has "remote archive "
t_stdout_has "coordinator, South;"
t_stdout_has "this database's record"
t_stdout_has "approver, West;"
t_stdout_has "the remote archive's record"
dumped ask
t_stdout_has "Keep the remote archive's records for person:$A? y keeps"
dumped kept
t_stdout_has "person:$A: resolved, remote archive "
t_check "the workstation took the remote's record" test "$(role "$F/w.db" $A)" = "approver West"
clean "$F/w.db" "check is clean after the workstation's keep"

DB=$C
n_people=$(sqlite3 "$C" "SELECT count(*) FROM audit WHERE action = 'people' AND subject = 'person:$A'")
on "$C" root packet resolve person:$A --keep packet
t_check_d "taking the remote's settles it" "$ERR" [ "$RC" -eq 0 ]
t_check "the record is the remote's" test "$(role "$C" $A)" = "approver West"
t_check "audited as a people change, from this side's to theirs" \
	test "$(sqlite3 "$C" "SELECT before || ' ' || after FROM audit WHERE action = 'people' AND subject = 'person:$A' ORDER BY seq DESC LIMIT 1")" = \
	'{"district":"South","role":"coordinator"} {"district":"West","role":"approver"}'
t_check "one people row more" \
	test "$(sqlite3 "$C" "SELECT count(*) FROM audit WHERE action = 'people' AND subject = 'person:$A'")" = $((n_people + 1))
on "$C" root packet conflicts --all
t_check_d "listed as resolved" "$OUT" grep -q "^person:$A  from archive:[0-9a-f]*  resolved: the packet's kept" "$OUT"
clean "$C" "check is clean after taking the remote's"
t_snapshot
on "$C" root archive pull "$N.archive.git"
on "$C" root packet conflicts
t_check_d "pulling again does not open it again" "$OUT" grep -q "^no open conflicts" "$OUT"

# ---------------------------------------------------------------- the only admin
# there, $B became admin and root a coordinator; here both were changed too
# ($B an approver, root put in a district): two conflicts; root's taken first
# would leave no admin
ok_on "$N" root people add $B --role admin --district North
ok_on "$N" root people add root --role coordinator
ok_on "$C" root people add $B --role approver --district North
ok_on "$C" root people add root --role admin --district South
on "$C" root archive pull "$N.archive.git"
t_check_d "a pull with the admins changed on both sides exits 0" "$ERR" [ "$RC" -eq 0 ]
on "$C" root packet conflicts
t_check_d "both are listed" "$OUT" sh -c "grep -q '^person:root ' '$OUT' && grep -q '^person:$B ' '$OUT'"
DB=$C
t_snapshot
on "$C" root packet resolve person:root --keep packet
t_check "taking the remote's demotion of the only admin is refused" [ "$RC" -ne 0 ]
t_check_d "naming why" "$ERR" grep -q "person:root: .*root is the only admin; make someone else admin first" "$ERR"
t_db_unchanged
t_check "root is still admin" test "$(role "$C" root)" = "admin South"
on "$C" root packet resolve person:$B --keep packet
t_check_d "once $B is admin here (theirs taken)" "$ERR" [ "$RC" -eq 0 ]
on "$C" root packet resolve person:root --keep packet
t_check_d "root's change is taken" "$ERR" [ "$RC" -eq 0 ]
t_check "root is a coordinator, $B admin" test "$(role "$C" root),$(role "$C" $B)" = "coordinator South,admin North"
clean "$C" "check is clean after the admins' conflicts"

# ---------------------------------------------------------------- a person removed there
# $R: removed there only; $W: removed there, open work here; $A: removed
# there, changed here ($B is both sides' admin now)
ok_on "$N" $B people add $R --role assessor --district North
ok_on "$N" $B people add $W --role assessor --district North
ok_on "$C" root archive pull "$N.archive.git"
ok_on "$C" $B import "$FIXTURES/packet/subs.csv" --evidence "$FIXTURES/packet/evidence"
ok_on "$C" $B assign PK-1 $W
for u in $R $W $A; do ok_on "$N" $B people remove $u; done
t_check "the archive's record of a removed person says so" \
	test "$(git --git-dir="$N.archive.git" show HEAD:people/$R.json | jq '.removed | type')" = '"string"'
t_check "and only theirs" \
	test "$(git --git-dir="$N.archive.git" show HEAD:people/$B.json | jq 'has("removed")')" = false
ok_on "$C" $B people add $A --role coordinator --district North
on "$C" root archive pull "$N.archive.git"
t_check_d "a pull with people removed there exits 0" "$ERR" [ "$RC" -eq 0 ]
on "$C" root people list
t_check_d "removed there only: removed here" "$OUT" sh -c "! grep -q '^$R ' '$OUT'"
t_check "audited as people remove is (nothing after)" \
	test "$(sqlite3 "$C" "SELECT count(*) FROM audit WHERE action = 'people' AND subject = 'person:$R' AND after IS NULL")" = 1
t_check_d "with open work here: they stay while it is a conflict" "$OUT" grep -q "^$W " "$OUT"
t_check_d "changed here too: they stay while it is a conflict" "$OUT" grep -q "^$A " "$OUT"
# the merged tree took the removal of $W (changed there only), so until the
# conflict is settled check names that one difference (as for the only admin)
on "$C" root check
t_check_d "while open, check names only $W's removal in the archive" "$OUT" \
	test "$(grep -c '^problem' "$OUT"),$(grep -c "^problem: archive: person $W: removed: the database has nothing" "$OUT")" = 1,1
on "$C" root packet conflicts --format tsv
t_check_d "both listed, their remote side the removal" "$OUT" sh -c \
	"grep -q '^person:$W	archive:.*	removed (people remove) at ' '$OUT' && grep -q '^person:$A	archive:.*	removed (people remove) at ' '$OUT'"
on "$C" $B packet resolve person:$A --keep packet
t_check_d "taking a removal removes them" "$ERR" [ "$RC" -eq 0 ]
on "$C" root people list
t_check_d "$A is removed" "$OUT" sh -c "! grep -q '^$A ' '$OUT'"
DB=$C
t_snapshot
on "$C" $B packet resolve person:$W --keep packet
t_check_d "taking the removal of someone with open work is refused, naming it" "$ERR" \
	grep -q "person:$W: .*$W still has 1 open submission assigned (PK-1)" "$ERR"
t_db_unchanged
on "$C" root packet resolve person:$W --keep server
t_check_d "keeping them settles it" "$ERR" [ "$RC" -eq 0 ]
t_snapshot
on "$C" root archive pull "$N.archive.git"
t_db_unchanged
clean "$C" "check is clean at the end"

# ---------------------------------------------------------------- two archives, either order
# X1: $R added then removed, $W an assessor; X2: $A a coordinator of West
ok_on "$F/x1.db" root init
ok_on "$F/x1.db" root archive init
ok_on "$F/x1.db" root people add $R --role assessor
ok_on "$F/x1.db" root people add $W --role assessor --district East
ok_on "$F/x1.db" root people remove $R
ok_on "$F/x2.db" root init
ok_on "$F/x2.db" root archive init
ok_on "$F/x2.db" root people add $A --role coordinator --district West
people_dump() { sqlite3 "$1" "SELECT user, role, ifnull((SELECT name FROM district WHERE id = district_id), '-'), removed_at IS NULL FROM person ORDER BY user"; }
for order in "x1 x2" "x2 x1"; do
	db=$F/o-$(echo $order | tr ' ' -).db
	ok_on "$db" root init
	ok_on "$db" root archive init
	for x in $order; do ok_on "$db" root archive pull "$F/$x.db.archive.git"; done
	clean "$db" "check is clean after pulling $order"
done
people_dump "$F/o-x1-x2.db" | diff - "$(people_dump "$F/o-x2-x1.db" >"$F/o.dump"; echo "$F/o.dump")" | sed 's/^/# /'
t_check "pulled in either order, the same people" test "$(people_dump "$F/o-x1-x2.db")" = "$(people_dump "$F/o-x2-x1.db")"
t_check "a person removed there and never here is not added" \
	test "$(sqlite3 "$F/o-x1-x2.db" "SELECT count(*) FROM person WHERE user = '$R'")" = 0
done_testing
