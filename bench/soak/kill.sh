#!/bin/sh
# bench/soak/kill.sh: kill -9 at random moments of imports (with evidence
# files), scores and feedback, each of which commits to the evidence archive
# when it closes. Counts, over TRIALS trials:
#   - acknowledged writes lost: a command that exited 0 before the kill must
#     have its write in the database (its audit row, by a token unique to it)
#     and, at the end, in the archive (check compares the two);
#   - false alarms: after each kill `check` may report only what is true after
#     a kill (changes waiting in the outbox; files a killed import left), and
#     after `check --repair` and one more command it must say "all good";
#   - integrity: PRAGMA integrity_check after every trial.
# usage: kill.sh MCASSESS [DIR] [TRIALS]   (DIR: where the database goes; TRIALS: 200)
set -u
MC=${1:?usage: kill.sh MCASSESS [DIR] [TRIALS]}
case $MC in /*) ;; *) MC=$(pwd)/$MC ;; esac
DIR=${2:-.}
TRIALS=${3:-200}
W=$(mktemp -d "$DIR/soak-kill.XXXXXX")
W=$(cd "$W" && pwd)
DB=$W/soak.db
export HOME=$W XDG_DATA_HOME=$W/share
unset MCASSESS_DB
mc() { "$MC" --db "$DB" "$@"; }
rand() { od -An -N4 -tu4 /dev/urandom | tr -d ' '; } # 0 .. 2^32-1
ms_now() { date +%s%3N; }

# imports N: 30 submissions "KN-i", each with a text overview, a file artifact
# of its own content, and a reflection.
imports() {
	mkdir -p "$W/ev/$1"
	echo "submission_id,educator_id,educator_name,district,school,credential,submitted_at,part,kind,text,file"
	i=1
	while [ $i -le 30 ]; do
		printf 'artifact %s of trial %s: %s\n' "$i" "$1" "$(rand)" >"$W/ev/$1/a$i.txt"
		s="K$1-$i,E-$1-$i,Teacher $1 $i,Northfield,Oak,TEAM-QUES,2026-11-22T10:48:00Z"
		echo "$s,overview,text,\"Questions at three levels, trial $1 item $i.\","
		echo "$s,artifact,file,,$1/a$i.txt"
		echo "$s,reflection,text,\"Wait time helped, trial $1.\","
		i=$((i + 1))
	done
}

mc init >/dev/null || exit 1
mc archive init "$W/archive.git" >/dev/null || exit 1
imports 0 >"$W/import-0.csv"
mc import "$W/import-0.csv" --evidence "$W/ev" >/dev/null || exit 1
: >"$W/acked" # kind<TAB>token of every write whose command exited 0
: >"$W/alarms"
levels="demonstrated progressing"
crits="O1 O2 A1 A2 A3 R1 R2"

# one trial: start the command, kill -9 after DELAY ms (it may have finished).
trial() {
	n=$1
	case $(($(rand) % 3)) in
	0) kind=import; imports "$n" >"$W/import-$n.csv"
	   set -- import "$W/import-$n.csv" --evidence "$W/ev"; token="K$n-1" ;;
	1) kind=score; sub="K0-$(($(rand) % 30 + 1))"; c=$(echo $crits | cut -d' ' -f$(($(rand) % 7 + 1)))
	   l=$(echo $levels | cut -d' ' -f$(($(rand) % 2 + 1))); token="tok-score-$n-$(rand)"
	   set -- score "$sub" "$c" "$l" --comment "$token" ;;
	*) kind=feedback; sub="K0-$(($(rand) % 30 + 1))"; token="tok-feedback-$n-$(rand)"
	   printf 'Feedback %s: name the follow-up questions.\n' "$token" >"$W/fb"
	   set -- feedback "$sub" --file "$W/fb" ;;
	esac
	delay=$(($(rand) % ${MAXMS:-400}))
	"$MC" --db "$DB" "$@" >"$W/out" 2>"$W/err" &
	pid=$!
	sleep "$(printf '0.%03d' "$delay")"
	kill -9 "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	if [ $rc -eq 0 ]; then
		printf '%s\t%s\n' "$kind" "$token" >>"$W/acked"
		acked=$((acked + 1))
	elif [ $rc -eq 137 ]; then
		killed=$((killed + 1))
	else
		echo "trial $n: $kind exited $rc: $(cat "$W/err")" >>"$W/alarms"
	fi
	# right away: an acknowledged write is in the database
	if [ $rc -eq 0 ]; then
		if [ $kind = import ]; then q="SELECT count(*) FROM submission WHERE ext_id = '$token'"
		else q="SELECT count(*) FROM audit WHERE after LIKE '%$token%'"; fi
		[ "$(sqlite3 "$DB" "$q")" -ge 1 ] || { lost=$((lost + 1)); echo "trial $n: acknowledged $kind $token is missing" >>"$W/alarms"; }
	fi
	# check: only what is true after a kill
	mc check >"$W/check" 2>&1
	grep '^problem: ' "$W/check" | grep -v -e 'changes\{0,1\} waits\{0,1\} in the outbox' \
		-e '^problem: evidence: [0-9]* files\{0,1\} in .* used by no evidence item' >"$W/unexpected"
	if [ -s "$W/unexpected" ]; then
		false_alarms=$((false_alarms + 1))
		sed "s/^/trial $n ($kind, exit $rc): /" "$W/unexpected" >>"$W/alarms"
	fi
	grep -q 'used by no evidence item' "$W/check" && { orphans=$((orphans + 1)); mc check --repair >/dev/null 2>&1; }
	grep -q 'in the outbox' "$W/check" && backlog=$((backlog + 1))
	# then all good (the check above drained what waited, when it closed)
	if ! mc check >"$W/check2" 2>&1; then
		not_clean=$((not_clean + 1))
		sed "s/^/trial $n after repair: /" "$W/check2" >>"$W/alarms"
	fi
	[ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ] || { bad_integrity=$((bad_integrity + 1)); echo "trial $n: integrity" >>"$W/alarms"; }
}

acked=0 killed=0 lost=0 false_alarms=0 not_clean=0 bad_integrity=0 orphans=0 backlog=0
start=$(ms_now)
n=1
while [ $n -le "$TRIALS" ]; do
	trial $n
	n=$((n + 1))
done
# at the end: every acknowledged write is in the database, once, and the archive agrees
while IFS="$(printf '\t')" read -r kind token; do
	if [ $kind = import ]; then q="SELECT count(*) = 30 FROM submission WHERE ext_id LIKE '${token%-1}-%'"
	else q="SELECT count(*) = 1 FROM audit WHERE after LIKE '%$token%'"; fi
	[ "$(sqlite3 "$DB" "$q")" = 1 ] || { lost=$((lost + 1)); echo "end: acknowledged $kind $token is missing or doubled" >>"$W/alarms"; }
done <"$W/acked"
mc check >"$W/final" 2>&1 || { not_clean=$((not_clean + 1)); cat "$W/final" >>"$W/alarms"; }
secs=$(( ($(ms_now) - start) / 1000 ))
echo "trials $TRIALS in ${secs}s (load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo "  killed mid-command $killed, finished before the kill $acked (acknowledged writes)"
echo "  check after a kill: backlog waiting $backlog times, orphan files of a killed import $orphans times (repaired)"
echo "  acknowledged writes lost: $lost"
echo "  false alarms: $false_alarms (check not all good after repair: $not_clean)"
echo "  integrity failures: $bad_integrity"
echo "  final: $(tail -1 "$W/final")"
echo "  audit rows $(sqlite3 "$DB" 'SELECT count(*) FROM audit'), archive commits $(git --git-dir="$W/archive.git" rev-list --count main 2>/dev/null || echo ?)"
if [ -s "$W/alarms" ]; then
	echo "alarms (kept in $W/alarms):"
	head -20 "$W/alarms"
	exit 1
fi
rm -rf "$W"
