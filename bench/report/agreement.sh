#!/bin/sh
# agreement.sh NEW_MCASSESS NEW_DB OLD_MCASSESS OLD_DB [RUNS]: `report agreement`
# as a cold process, NEW on NEW_DB alternating with OLD on OLD_DB (a copy of
# the same database at the schema OLD knows), RUNS times (default 5), for every
# scope (all, a district, dates), format (text, tsv, json) and role: admin (the
# account running this), an assessor (their own figures) and a coordinator
# (their district). Each line: role, scope, format, then for NEW and OLD the
# median wall and CPU (user + system) in ms, whether the two printed the same
# (byte for byte), then the 1-minute load average before and after. As root it
# renames the busiest assessor to the OS account
# $ASSESSOR (default mcag13a) and adds $COORDINATOR (default mcag13c) as the
# coordinator of the first district, in both databases, creating the accounts
# if missing (the databases CHANGE: use scratch copies). Used for the figures
# in bench/README.md (Reports, "Agreement at the grain of its tables").
# REPORT=progress (or turnaround, assessors) times that report instead, the same
# way (bench/README.md, "An assessor's own progress from counts").
[ $# -ge 4 ] || { echo "usage: $0 NEW_MCASSESS NEW_DB OLD_MCASSESS OLD_DB [RUNS]" >&2; exit 2; }
NB=$1 ND=$2 OB=$3 OD=$4 RUNS=${5:-5}
A=${ASSESSOR:-mcag13a} C=${COORDINATOR:-mcag13c} R=${REPORT:-agreement}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
load() { cut -d' ' -f1 /proc/loadavg; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
D1=$(sqlite3 "$ND" 'SELECT name FROM district ORDER BY name LIMIT 1')
roles=admin
if [ "$(id -u)" -eq 0 ]; then
	for u in "$A" "$C"; do id "$u" >/dev/null 2>&1 || useradd -M -N "$u" 2>/dev/null || useradd -M "$u"; done
	for pair in "$NB $ND" "$OB $OD"; do
		set -- $pair
		if [ "$(sqlite3 "$2" "SELECT count(*) FROM person WHERE user = '$A'")" = 0 ]; then
			busiest=$(sqlite3 "$2" 'SELECT assessor FROM assignment GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1')
			sqlite3 "$2" "UPDATE assignment SET assessor = '$A' WHERE assessor = '$busiest';
				UPDATE score SET assessor = '$A' WHERE assessor = '$busiest'"
			"$1" --db "$2" people add "$A" --role assessor >/dev/null
			"$1" --db "$2" people add "$C" --role coordinator --district "$D1" >/dev/null
		fi
		chmod a+rw "$2" "$2"-wal "$2"-shm 2>/dev/null
		chmod a+rwx "$(dirname "$2")"
	done
	roles="admin $A $C"
fi
roles=${ROLES:-$roles} # ROLES="$A": the assessor alone
# one ROLE BINARY DB SCOPE FORMAT: one run; appends wall and CPU ms to $T/w and $T/c.
one() {
	case $4 in
	district) set -- "$1" "$2" "$3" "$5" --district "$D1" ;;
	dates) set -- "$1" "$2" "$3" "$5" --since 2025-11-15 --until 2026-02-20 ;;
	*) set -- "$1" "$2" "$3" "$5" ;;
	esac
	r=$1 b=$2 d=$3 f=$4
	shift 4
	if [ "$r" = admin ]; then set -- "$b" --db "$d" report "$R" --format "$f" "$@"
	else set -- runuser -u "$r" -- "$b" --db "$d" report "$R" --format "$f" "$@"; fi
	/usr/bin/time -f '%e %U %S' -o "$T/t" "$@" >"$T/out" 2>"$T/err" || { echo "$r $*: failed" >&2; cat "$T/err" >&2; }
	awk '{ printf "%.0f\n", $1 * 1000 }' "$T/t" >>"$T/w"
	awk '{ printf "%.0f\n", ($2 + $3) * 1000 }' "$T/t" >>"$T/c"
}
printf '%-9s %-9s %-5s %15s %15s %-9s %s\n' role scope fmt "new wall (cpu)" "old wall (cpu)" output load
for role in $roles; do
	for scope in all district dates; do
		for fmt in text tsv json; do
			l=$(load)
			for side in new old; do : >"$T/$side.w"; : >"$T/$side.c"; done
			i=0
			while [ $i -lt "$RUNS" ]; do
				for side in new old; do
					if [ $side = new ]; then B=$NB D=$ND; else B=$OB D=$OD; fi
					: >"$T/w"; : >"$T/c"
					one "$role" "$B" "$D" "$scope" "$fmt"
					cat "$T/w" >>"$T/$side.w"; cat "$T/c" >>"$T/$side.c"; mv "$T/out" "$T/$side.out"
				done
				i=$((i + 1))
			done
			same=same; cmp -s "$T/new.out" "$T/old.out" || same=DIFFERENT
			printf '%-9s %-9s %-5s %7s (%5s) %7s (%5s) %-9s %s-%s\n' "$role" "$scope" "$fmt" \
				"$(median <"$T/new.w")" "$(median <"$T/new.c")" "$(median <"$T/old.w")" \
				"$(median <"$T/old.c")" "$same" "$l" "$(load)"
		done
	done
done
