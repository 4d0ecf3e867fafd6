#!/bin/sh
# test_access.sh: who may see what (access.h), as a matrix of roles and read
# commands over one database. Five actors, OS accounts made here (useradd; as
# root, else skipped):
#   mcacc_ab  assessor, given AC-1 blind
#   mcacc_an  assessor, given AC-2 and AC-6 openly
#   mcacc_ca  coordinator of North
#   mcacc_cx  coordinator without a district
#   mcacc_ap  approver of North (at the end: with approval on, AN's AC-2 awaits
#             approval, and that is all the approver sees)
#   root      admin (who ran init)
# Each runs queue (text, tsv, json), show (text, json) of what is theirs and of
# what is not, search (text, json, regex), export results (csv, json), claim
# list, note (add and --list), archive log (with libgit2) and the workstation's queue and submission
# screens (in-process screen scripts); in every output the names that must
# appear are checked, and the names (and ids) that must never appear.
. "$TOP_SRCDIR/tests/cli/lib.sh"
if [ "$(id -u)" -ne 0 ] || ! command -v useradd >/dev/null 2>&1 || ! command -v runuser >/dev/null 2>&1; then
	t_ok "the role x command matrix # SKIP not root (useradd, runuser)"
	done_testing
	exit 0
fi
jqe() { jq -e "$1" "$OUT" >/dev/null; }
AB=mcacc_ab AN=mcacc_an CA=mcacc_ca CX=mcacc_cx AP=mcacc_ap
for u in $AB $AN $CA $CX $AP; do id "$u" >/dev/null 2>&1 || useradd -M -N "$u" 2>/dev/null || useradd -M "$u"; done
F=$(mktemp -d /tmp/mcassess-access.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T" "$F"' EXIT
chmod 0777 "$F"
DB=$F/t.db
t_init_db
# Six submissions, each educator named once in their own evidence, every one
# with the word "quokka" so that one search finds them all.
cat >"$F/subs.csv" <<'CSV'
submission_id,educator_id,educator_name,district,school,credential,submitted_at,part,kind,text,file
AC-1,E-ALBA,Alba Nightingale,North,Ashgrove School,TEAM-QUES,2026-10-01T09:00:00Z,overview,text,"Alba Nightingale asks the quokka questions first, then waits.",
AC-2,E-BRUNO,Bruno Kestrel,North,Birchwood School,TEAM-QUES,2026-10-02T09:00:00Z,overview,text,"Bruno Kestrel builds quokka questions on the last answer.",
AC-3,E-CORA,Cora Fairweather,South,Cedar Hall,TEAM-QUES,2026-10-03T09:00:00Z,overview,text,"Cora Fairweather groups quokka questions by level.",
AC-4,E-DMITRI,Dmitri Larkspur,North,Dunmore School,TEAM-QUES,2026-10-04T09:00:00Z,overview,text,"Dmitri Larkspur plans quokka questions with care.",
AC-5,E-ELENA,Elena Thornbury,South,Elmstead School,TEAM-QUES,2026-10-05T09:00:00Z,overview,text,"Elena Thornbury waits after quokka questions.",
AC-6,E-FIONA,Fiona Wrenfield,North,Fernbank School,TEAM-QUES,2026-10-06T09:00:00Z,overview,text,"Fiona Wrenfield writes quokka questions down.",
CSV
mc import "$F/subs.csv"
[ "$RC" -eq 0 ] || { echo "Bail out! the fixture did not load"; cat "$ERR"; exit 1; }
mc people add $AB --role assessor --district North
mc people add $AN --role assessor --district North
mc people add $CA --role coordinator --district North
mc people add $CX --role coordinator
mc people add $AP --role approver --district North
ARCHIVE=0
if "$MCASSESS" --db "$DB" archive init >"$T/ai.out" 2>&1; then ARCHIVE=1; fi
t_run 0 assign AC-1 $AB --blind
t_run 0 assign AC-2 $AN
t_run 0 assign AC-6 $AN
for id in AC-4 AC-5 AC-6; do
	mc feedback $id "Keep going with the quokka questions."
	mc decide $id resubmit
done
t_check "the fixture: three decided" [ "$(sql "SELECT count(*) FROM decision")" = 3 ]
t_run 0 claim claim AC-3
chmod -R a+rwX "$F"
ANON1=$(sql "SELECT anon_id FROM educator WHERE ext_id = 'E-ALBA'")

# The names (and ids) each actor must see, and must never see, in any output.
ALL_NAMES="Nightingale Kestrel Fairweather Larkspur Thornbury Wrenfield"
must_ab="AC-1 $ANON1"
never_ab="Nightingale Ashgrove E-ALBA Kestrel Fairweather Larkspur Thornbury Wrenfield AC-2 AC-3 AC-4 AC-5 AC-6"
must_an="AC-2 Kestrel"
never_an="Nightingale Fairweather Larkspur Thornbury AC-1 AC-3 AC-4 AC-5"
must_ca="AC-1 AC-2 Nightingale Kestrel"
never_ca="Fairweather Thornbury Cedar Elmstead AC-3 AC-5"
must_cx="AC-1 AC-2 AC-3 Nightingale Kestrel Fairweather"
never_cx="$ANON1-never"
must_ap="AC-2 Kestrel"
never_ap="Nightingale Fairweather Larkspur Thornbury Wrenfield AC-1 AC-3 AC-4 AC-5 AC-6"
must_root="$must_cx"
never_root="$never_cx"

mkdir -p "$F/out" "$F/dumps" && chmod 0777 "$F/out" "$F/dumps"
N=0
# as USER STATUS ARGS...: mcassess as USER (root runs it directly).
as() {
	_u=$1 _want=$2; shift 2
	N=$((N + 1))
	RC=0
	if [ "$_u" = root ]; then
		env HOME="$F" TERM=xterm NO_COLOR=1 MCASSESS_TUI_NOW=2026-11-22T12:00:00Z \
			"$MCASSESS" --db "$DB" "$@" >"$OUT" 2>"$ERR" </dev/null || RC=$?
	else
		t_user "$_u" env HOME="$F" TERM=xterm NO_COLOR=1 MCASSESS_TUI_NOW=2026-11-22T12:00:00Z \
			"$MCASSESS" --db "$DB" "$@" >"$OUT" 2>"$ERR" </dev/null || RC=$?
	fi
	if [ "$RC" -ne "$_want" ]; then t_fail "as $_u: mcassess $* exits $_want (got $RC)"; t_diag "$ERR"; fi
}
# seen ROLE WHAT FILE...: every name the role must see is in the files, and none it must never see.
seen() {
	_r=$1 _what=$2; shift 2
	eval "_must=\$must_$_r _never=\$never_$_r"
	_bad=
	for _n in $_never; do grep -qF -- "$_n" "$@" && _bad="$_bad $_n"; done
	_miss=
	for _n in $_must; do grep -qF -- "$_n" "$@" || _miss="$_miss $_n"; done
	if [ -z "$_bad$_miss" ]; then t_ok "$_r: $_what"
	else t_fail "$_r: $_what:${_bad:+ shown:$_bad}${_miss:+ missing:$_miss}"; fi
}
# unseen ROLE WHAT FILE...: none of the names the role must never see (where
# the output is allowed to hold less than all of theirs).
unseen() {
	_r=$1 _what=$2; shift 2
	eval "_never=\$never_$_r"
	_bad=
	for _n in $_never; do grep -qF -- "$_n" "$@" && _bad="$_bad $_n"; done
	if [ -z "$_bad" ]; then t_ok "$_r: $_what"; else t_fail "$_r: $_what: shown:$_bad"; fi
}

# nonames ROLE WHAT FILE...: no educator's name at all.
nonames() {
	_r=$1 _what=$2; shift 2
	_bad=
	for _n in $ALL_NAMES; do grep -qF -- "$_n" "$@" && _bad="$_bad $_n"; done
	if [ -z "$_bad" ]; then t_ok "$_r: $_what"; else t_fail "$_r: $_what: shown:$_bad"; fi
}

# The workstation: the queue, then the first submission's screen.
cat >"$F/screens.keys" <<'KEYS'
:dump queue
<Enter>
:dump submission
q
q
KEYS
chmod 0644 "$F/screens.keys"

matrix() { # ROLE USER OWN-ID FORBIDDEN-ID
	_r=$1 _u=$2 _own=$3 _forbid=$4
	as "$_u" 0 queue --status all
	seen "$_r" "queue (text)" "$OUT" "$ERR"
	as "$_u" 0 queue --status all --format tsv
	seen "$_r" "queue (tsv)" "$OUT" "$ERR"
	as "$_u" 0 queue --status all --format json
	seen "$_r" "queue (json)" "$OUT" "$ERR"
	as "$_u" 0 show "$_own"
	unseen "$_r" "show $_own (text)" "$OUT" "$ERR"
	t_check "$_r: show $_own is shown" grep -q "^$_own" "$OUT"
	as "$_u" 0 show "$_own" --format json
	unseen "$_r" "show $_own (json)" "$OUT" "$ERR"
	if [ -n "$_forbid" ]; then
		as "$_u" 1 show "$_forbid"
		t_check "$_r: show $_forbid is refused, nothing of it shown" [ ! -s "$OUT" ]
		nonames "$_r" "show $_forbid (refused): no name in the refusal" "$ERR"
		as "$_u" 1 show "$_forbid" --format json
		t_check "$_r: show $_forbid --format json is refused" [ ! -s "$OUT" ]
	fi
	as "$_u" 0 search quokka --limit 0
	unseen "$_r" "search (text)" "$OUT" "$ERR"
	t_check "$_r: search finds $_own" grep -q "^$_own" "$OUT"
	as "$_u" 0 search quokka --limit 0 --format json
	unseen "$_r" "search (json)" "$OUT" "$ERR"
	t_check "$_r: search json finds $_own" jqe "any(.[]; .id == \"$_own\")"
	as "$_u" 0 search --regex 'quokka q' --limit 0
	unseen "$_r" "search (regex)" "$OUT" "$ERR"
	t_check "$_r: regex search finds $_own" grep -q "^$_own" "$OUT"
	as "$_u" 0 export results
	unseen "$_r" "export (csv)" "$OUT" "$ERR"
	as "$_u" 0 export results --format json
	unseen "$_r" "export (json)" "$OUT" "$ERR"
	as "$_u" 0 claim list
	unseen "$_r" "claim list" "$OUT" "$ERR"
	# private notes (records): kept on what is theirs, refused elsewhere with nothing written
	as "$_u" 0 note "$_own" "Private: check the quokka timing ($_r)."
	as "$_u" 0 note "$_own" --list
	unseen "$_r" "note --list $_own" "$OUT" "$ERR"
	t_check "$_r: note --list $_own holds their note" grep -qF "quokka timing ($_r)" "$OUT"
	if [ -n "$_forbid" ]; then
		_before=$(sql "SELECT count(*) FROM audit")
		as "$_u" 1 note "$_forbid" "not theirs"
		nonames "$_r" "note $_forbid (refused): no name in the refusal" "$ERR"
		t_check "$_r: the refused note wrote nothing" [ "$(sql "SELECT count(*) FROM audit")" = "$_before" ]
		as "$_u" 1 note "$_forbid" --list
		t_check "$_r: note --list $_forbid is refused" [ ! -s "$OUT" ]
	fi
	if [ "$ARCHIVE" = 1 ]; then
		as "$_u" 0 archive log "$_own"
		unseen "$_r" "archive log $_own" "$OUT" "$ERR"
		if [ -n "$_forbid" ]; then
			as "$_u" 1 archive log "$_forbid"
			t_check "$_r: archive log $_forbid is refused" [ ! -s "$OUT" ]
		fi
	else
		t_ok "$_r: archive log # SKIP built without libgit2"
	fi
	D=$F/dumps/$_r
	mkdir -p "$D" && chmod 0777 "$D"
	MCASSESS_TUI_SCRIPT=$F/screens.keys MCASSESS_TUI_SIZE=160x48 MCASSESS_TUI_DUMP_DIR=$D
	export MCASSESS_TUI_SCRIPT MCASSESS_TUI_SIZE MCASSESS_TUI_DUMP_DIR
	as "$_u" 0 tui
	unset MCASSESS_TUI_SCRIPT MCASSESS_TUI_SIZE MCASSESS_TUI_DUMP_DIR
	t_check "$_r: the screens were dumped" [ -s "$D/queue" ] && [ -s "$D/submission" ]
	unseen "$_r" "workstation queue screen" "$D/queue"
	unseen "$_r" "workstation submission screen" "$D/submission"
}

# ---------------------------------------------------------------- assessor, blind
matrix ab $AB AC-1 AC-2
as $AB 1 show AC-2
t_stderr_has "mcassess: AC-2 is not assigned to you"
t_check "ab: the queue screen holds AC-1 under its anonymous id" grep -q "$ANON1" "$F/dumps/ab/queue"
t_check "ab: the queue screen is the assessor's own work" grep -q "your open work" "$F/dumps/ab/queue"
t_check "ab: the submission screen is AC-1's, blind" grep -q "$ANON1" "$F/dumps/ab/submission"
as $AB 0 search Nightingale
t_check "ab: a search for the blind educator's name finds nothing" [ ! -s "$OUT" ]
as $AB 0 export results
t_check "ab: export holds nothing that is not theirs (no decided work)" [ "$(wc -l <"$OUT")" -eq 1 ]
as $AB 0 queue
t_check "ab: the default queue is their open work" [ "$(grep -c '^AC-' "$OUT")" -eq 1 ]

# ---------------------------------------------------------------- assessor, not blind
matrix an $AN AC-2 AC-4
as $AN 1 show AC-4
t_stderr_has "mcassess: AC-4 is not assigned to you"
as $AN 1 claim claim AC-1
t_stderr_has "it is not assigned to you"
as $AN 0 export results
t_check "an: export holds AC-6, named" grep -q "^AC-6,E-FIONA,Fiona Wrenfield,North" "$OUT"
t_check "an: export holds only AC-6" [ "$(grep -c '^AC-' "$OUT")" -eq 1 ]
t_check "an: the queue screen shows Kestrel by name" grep -q "Kestrel" "$F/dumps/an/queue"

# ---------------------------------------------------------------- coordinator of North
matrix ca $CA AC-4 AC-3
as $CA 1 show AC-3
t_stderr_has "mcassess: AC-3 is not in your district (North)"
as $CA 0 queue --format tsv
t_check "ca: the default queue is North's open work" [ "$(cut -f1 "$OUT" | sort | tr '\n' ' ')" = "AC-1 AC-2 " ]
as $CA 0 export results --format json
t_check "ca: export holds North's decisions" [ "$(jq -r '[.[].id] | sort | join(" ")' "$OUT")" = "AC-4 AC-6" ]
as $CA 0 claim list
t_check "ca: the claim on AC-3 (South) is not listed" [ "$(grep -c 'AC-3' "$OUT")" -eq 0 ]
t_check "ca: the queue screen names North's educators" grep -q "Nightingale" "$F/dumps/ca/queue"
# and works only there: a claim or a score in South is refused, nothing written
before=$(sql "SELECT count(*) FROM audit")
as $CA 1 claim claim AC-5
t_stderr_has "mcassess: AC-5 is not in your district (North)"
as $CA 1 score AC-3 O1 demonstrated
t_stderr_has "mcassess: AC-3 is not in your district (North)"
t_check "ca: nothing written by the refusals" [ "$(sql "SELECT count(*) FROM audit")" = "$before" ]
as $CA 0 claim claim AC-2
t_check "ca: a claim in North is taken" grep -q "AC-2" "$OUT"
as $CA 0 claim release AC-2

# ---------------------------------------------------------------- coordinator without a district
matrix cx $CX AC-3 ""
as $CX 0 export results --format json
t_check "cx: export holds every decision" [ "$(jq -r '[.[].id] | sort | join(" ")' "$OUT")" = "AC-4 AC-5 AC-6" ]
as $CX 0 claim list
t_check "cx: the claim on AC-3 is listed" grep -q "AC-3" "$OUT"

# ---------------------------------------------------------------- admin
matrix root root AC-5 ""
as root 0 queue --status all --format tsv
t_check "root: the queue holds all six" [ "$(grep -c '^AC-' "$OUT")" -eq 6 ]
for n in $ALL_NAMES; do
	grep -qF "$n" "$OUT" || t_fail "root: queue lacks $n"
done
t_ok "root: the queue names every educator"
# ---------------------------------------------------------------- allocation, role by role
# assign list / workload / --auto / config due-days, and which readers' names
# each role sees beside a submission (an assessor: only their own read).
t_run 0 assign AC-2 $AB --read second
as $AB 0 assign list --format tsv
t_check "ab: assign list is ab's own reads" [ "$(cut -f1,2 "$OUT" | tr '\t\n' ': ')" = "$AB:AC-1 $AB:AC-2 " ]
as $AB 0 queue --format tsv
t_check "ab: the queue never names the other reader of AC-2" [ "$(grep -c "$AN" "$OUT")" -eq 0 ]
as $AB 0 show AC-2 --format json
t_check "ab: show AC-2 names only ab's read" jqe ".assignees == \"second: $AB\""
as $AB 1 assign list --user $AN
as $AB 1 assign workload
as $AB 1 assign --auto --dry-run
as $AN 0 assign list --format tsv
t_check "an: assign list is an's open read (AC-6 is decided)" [ "$(cut -f2 "$OUT" | tr '\n' ' ')" = "AC-2 " ]
as $CA 0 assign list --format tsv
t_check "ca: assign list is North's open reads" [ "$(cut -f2 "$OUT" | sort -u | tr '\n' ' ')" = "AC-1 AC-2 " ]
as $CA 0 queue --format tsv
t_check "ca: the queue names both readers of AC-2" grep -q "first: $AN, second: $AB" "$OUT"
as $CA 0 assign workload --format tsv
as $CA 0 assign --auto --dry-run --format tsv
t_check "ca: --auto plans only North's submissions" [ "$(cut -f1 "$OUT" | grep -vc '^AC-[12]$')" -eq 0 ]
as $CA 1 config due-days 4
as $CX 0 assign list --format tsv
as $CX 0 assign --auto --dry-run --format tsv
t_check "cx: --auto plans South's AC-3 too" grep -q "^AC-3	first	" "$OUT"
as $CX 1 config due-days 4
as root 0 config due-days 4
as root 0 assign workload --format tsv
t_check "root: the workload lists both assessors" [ "$(cut -f1 "$OUT" | tr '\n' ' ')" = "$AB $AN " ]

# ---------------------------------------------------------------- calibration, role by role
# AC-4 (North, decided, nobody's) as a calibration exemplar: a coordinator of
# North may add it, an assessor may not, nor may North's coordinator add AC-5
# (South); any assessor may then read its evidence for calibration, assigned or
# not, with the educator masked (name in the text, id, school), while show AC-4
# (the real scores and decision) stays refused; a non-exemplar is refused alike
# whether it exists or not.
LV="--level O1=1 --level O2=1 --level A1=1 --level A2=1 --level A3=1 --level A4=1 --level A5=1 --level R1=1 --level R2=1"
before=$(sql "SELECT count(*) FROM audit")
as $AN 1 calibration add AC-4 $LV
as $CA 1 calibration add AC-5 $LV
t_stderr_has "mcassess: AC-5 is not in your district (North)"
t_check "calibration: the refusals wrote nothing" [ "$(sql "SELECT count(*) FROM audit")" = "$before" ]
as $CA 0 calibration add AC-4 $LV
for r in ab an; do
	eval "_u=\$$(echo "$r" | tr a-z A-Z)"
	as "$_u" 0 calibration show AC-4
	t_check "$r: calibration show AC-4 gives the evidence" grep -q "plans quokka questions" "$OUT"
	t_check "$r: calibration show AC-4 masks the educator" [ "$(grep -c "Larkspur\|Dmitri\|E-DMITRI\|Dunmore" "$OUT")" -eq 0 ]
	as "$_u" 1 show AC-4
	as "$_u" 1 calibration show AC-3
	t_stderr_has "mcassess: AC-3 is not in a calibration set"
	as "$_u" 1 calibration show AC-99
	t_stderr_has "mcassess: AC-99 is not in a calibration set"
done
as $AP 0 calibration list --format tsv
t_check "ap: the list hides the agreed levels" [ "$(cut -f6 "$OUT")" = "-" ]
as $CA 0 calibration list --format tsv
t_check "ca: the list shows them" [ "$(cut -f6 "$OUT")" = "O1=1 O2=1 A1=1 A2=1 A3=1 A4=1 A5=1 R1=1 R2=1" ]

# ---------------------------------------------------------------- approver of North
# Before anything awaits approval the approver sees nothing at all.
as $AP 0 queue --status all --format tsv
t_check "ap: nothing awaits approval, nothing listed" [ ! -s "$OUT" ]
as $AP 1 show AC-2
t_stderr_has "mcassess: AC-2 is not awaiting approval"
t_run 0 config approval on
for c in O1 O2 A1 A2 A3 A4 A5 R1 R2; do as $AN 0 score AC-2 $c 2; done
printf 'More analysis questions, please.\n' >"$F/ap-fb.txt" && chmod 0644 "$F/ap-fb.txt"
as $AN 0 feedback AC-2 --file "$F/ap-fb.txt"
as $AN 0 decide AC-2 resubmit
t_check "ap: AC-2 awaits approval" [ "$(sql "SELECT status FROM submission WHERE ext_id = 'AC-2'")" = awaiting_approval ]
matrix ap $AP AC-2 AC-1
as $AP 1 show AC-1
t_stderr_has "mcassess: AC-1 is not awaiting approval in your district, North"
as $AP 0 queue --format tsv
t_check "ap: the default queue is what awaits approval" [ "$(cut -f1 "$OUT" | tr '\n' ' ')" = "AC-2 " ]
t_check "ap: the workstation's queue is what awaits approval" grep -q "queue: awaiting_approval" "$F/dumps/ap/queue"
before=$(sql "SELECT count(*) FROM audit")
as $AP 1 score AC-2 O1 3
t_stderr_has "approvers do not score"
as $AP 1 decide AC-1 approve
as $AP 1 reopen AC-4 --reason "appeal"
as $AP 1 config reads 2
t_check "ap: nothing written by the refusals" [ "$(sql "SELECT count(*) FROM audit")" = "$before" ]
as $AN 1 decide AC-2 approve
t_stderr_has "only approvers and admins approve a submission"
as $AP 0 decide AC-2 approve
t_check "ap: approved, the reader's outcome final" [ "$(sql "SELECT status FROM submission WHERE ext_id = 'AC-2'")" = resubmit ]
done_testing
