#!/bin/sh
# bench/soak/accounts.sh: ACCOUNTS OS accounts (mccr01, mccr02 ...; created
# when missing, so run as root) score, write feedback and claim submissions on
# one database at once for SECONDS, each as fast as it can. Then:
#   - lost writes: every command that exited 0 wrote a token of its own (a
#     score's comment, the feedback text); each token must be in the audit log;
#   - refusals: every message of a command that did not exit 0 is collected
#     and must be worded for people: "mcassess: " and a sentence, no raw
#     SQLite codes ("SQLITE_BUSY", "database is locked", "disk I/O error");
#   - check says "all good" at the end.
# usage: accounts.sh MCASSESS [DIR] [SECONDS] [ACCOUNTS]   (600 s, 16 accounts)
set -u
MC=${1:?usage: accounts.sh MCASSESS [DIR] [SECONDS] [ACCOUNTS]}
case $MC in /*) ;; *) MC=$(pwd)/$MC ;; esac
DIR=${2:-/tmp}
SECONDS_=${3:-600}
N=${4:-16}
SUBS=4 # each account's own submissions
[ "$(id -u)" -eq 0 ] || { echo "accounts.sh: run as root (it creates the accounts mccr01..)" >&2; exit 2; }
W=$(mktemp -d "$DIR/soak-accounts.XXXXXX")
W=$(cd "$W" && pwd)
chmod 0777 "$W"
DB=$W/soak.db
export HOME=$W XDG_DATA_HOME=$W/share
unset MCASSESS_DB
mc() { "$MC" --db "$DB" "$@"; }
user() { printf 'mccr%02d' "$1"; }

mc init >/dev/null || exit 1
{
	echo "submission_id,educator_id,educator_name,district,school,credential,submitted_at,part,kind,text,file"
	u=1
	while [ $u -le "$N" ]; do
		k=1
		while [ $k -le $SUBS ]; do
			s="C$u-$k,E$u-$k,Teacher $u $k,Northfield,Oak,TEAM-QUES,2026-11-22T10:48:00Z"
			echo "$s,overview,text,\"Questions at three levels.\","
			echo "$s,reflection,text,\"Wait time helped.\","
			k=$((k + 1))
		done
		u=$((u + 1))
	done
} >"$W/subs.csv"
mc import "$W/subs.csv" >/dev/null || exit 1
u=1
while [ $u -le "$N" ]; do
	name=$(user $u)
	id "$name" >/dev/null 2>&1 || useradd -M -N "$name" 2>/dev/null || useradd -M "$name" || exit 1
	mc people add "$name" --role assessor >/dev/null || exit 1
	k=1
	while [ $k -le $SUBS ]; do mc assign "C$u-$k" "$name" >/dev/null || exit 1; k=$((k + 1)); done
	u=$((u + 1))
done
chmod 0666 "$DB"

cat >"$W/worker.sh" <<'WORKER'
#!/bin/sh
# worker.sh U END: one account's loop until END (epoch seconds).
u=$1 end=$2
rand() { od -An -N4 -tu4 /dev/urandom | tr -d ' '; }
crits="O1 O2 A1 A2 A3 R1 R2"
out=$W/w$u
mkdir -p "$out"
: >"$out/ok"
: >"$out/refused"
i=0
while [ "$(date +%s)" -lt "$end" ]; do
	i=$((i + 1))
	tok="[tok-u$u-n$i]"
	sub="C$u-$(($(rand) % SUBS + 1))"
	c=$(echo $crits | cut -d' ' -f$(($(rand) % 7 + 1)))
	case $(($(rand) % 10)) in
	0|1|2|3|4) kind=score; set -- score "$sub" "$c" demonstrated --comment "score $tok" ;;
	5|6) kind=feedback; printf 'Feedback %s: plan the follow-up questions.\n' "$tok" >"$out/fb"
	     set -- feedback "$sub" --file "$out/fb" ;;
	7) kind=claim; set -- claim claim "$sub" ;;
	8) kind=other; o=$(($(rand) % NACC + 1)); [ $o -eq "$u" ] && o=$((o % NACC + 1))
	   set -- score "C$o-1" "$c" progressing --comment "other $tok" ;;
	*) kind=queue; set -- queue --mine --limit 5 ;;
	esac
	rc=0
	"$MC" --db "$DB" "$@" >"$out/o" 2>"$out/e" </dev/null || rc=$?
	if [ $rc -eq 0 ]; then
		case $kind in score|feedback|other) echo "$tok" >>"$out/ok" ;; esac
		[ $kind = claim ] && "$MC" --db "$DB" claim release "$sub" >/dev/null 2>>"$out/refused.release"
	else
		printf '%s\t%s\t%s\n' "$kind" "$rc" "$(tr '\n' ' ' <"$out/e")" >>"$out/refused"
	fi
done
echo "$i" >"$out/ops"
WORKER
chmod 0755 "$W/worker.sh"

end=$(($(date +%s) + SECONDS_))
: >"$W/load"
( while [ "$(date +%s)" -lt "$end" ]; do cut -d' ' -f1 /proc/loadavg >>"$W/load"; sleep 15; done ) &
sampler=$!
u=1
while [ $u -le "$N" ]; do
	runuser -u "$(user $u)" -- env HOME="$W" W="$W" MC="$MC" DB="$DB" SUBS=$SUBS NACC="$N" \
		sh "$W/worker.sh" $u $end &
	u=$((u + 1))
done
wait
wait $sampler 2>/dev/null

# tokens of acknowledged writes against the audit log
cat "$W"/w*/ok >"$W/ok"
sqlite3 "$DB" "SELECT after FROM audit" >"$W/audit"
grep -oF -f "$W/ok" "$W/audit" | sort -u >"$W/found"
acked=$(wc -l <"$W/ok")
found=$(wc -l <"$W/found")
ops=$(cat "$W"/w*/ops | awk '{ s += $1 } END { print s }')
cat "$W"/w*/refused "$W"/w*/refused.release 2>/dev/null >"$W/refused"
refused=$(wc -l <"$W/refused")
# worded for people: "mcassess: " then a sentence; no raw codes
cut -f3 "$W/refused" | grep -v '^mcassess: ' >"$W/bad"
cut -f3 "$W/refused" | grep -E 'SQLITE_|database is locked|disk I/O error|\(code [0-9]+\)|errno' >>"$W/bad"
bad=$(wc -l <"$W/bad")
mc check >"$W/check" 2>&1; crc=$?
echo "$N accounts for ${SECONDS_}s: $ops commands ($((ops / SECONDS_)) a second)"
echo "  load average (1 min, sampled every 15 s): $(sort -n "$W/load" | head -1) to $(sort -n "$W/load" | tail -1)"
echo "  acknowledged writes $acked, found in the audit log $found, lost $((acked - found))"
echo "  refusals $refused, not worded for people $bad; the kinds:"
cut -f1,3 "$W/refused" | sed -e 's/C[0-9]*-[0-9]*/ID/g' -e 's/mccr[0-9]*/USER/g' -e 's/[0-9T:-]*Z/TIME/g' \
	-e "s#$W#DIR#g" | sort | uniq -c | sort -rn | head -12 | sed 's/^/    /'
echo "  check: $(tail -1 "$W/check")"
if [ $((acked - found)) -ne 0 ] || [ "$bad" -ne 0 ] || [ $crc -ne 0 ]; then
	echo "  kept for a look: $W"
	exit 1
fi
rm -rf "$W"
