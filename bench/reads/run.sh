#!/bin/sh
# bench/reads/run.sh OLD NEW DIR: the queue's answer times with two builds of
# mcassess (main's, and one with the approver's scope) on one demo database of
# 100,000 submissions made by OLD in DIR; medians and all runs, in ms.
set -eu
OLD=$1 NEW=$2 DIR=$3
U=mcrd_x
id "$U" >/dev/null 2>&1 || useradd -M -N "$U"
cd "$DIR"
rm -f old.db* new.db*
"$OLD" --db old.db init >/dev/null
"$OLD" --db old.db demo --submissions 100000 >/dev/null
sqlite3 old.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
cp old.db new.db
chmod 0666 old.db new.db
D=$(sqlite3 old.db "SELECT name FROM district LIMIT 1")
"$OLD" --db old.db people add "$U" --role coordinator --district "$D" >/dev/null
"$NEW" --db new.db people add "$U" --role coordinator --district "$D" >/dev/null
chmod 0666 ./*.db*
ms() { echo "$(date +%s%N) $1" | awk '{ printf "%d", ($1 - $2) / 1000000 }'; }
# runs N LABEL USER ARGS...: OLD and NEW interleaved
runs() {
	n=$1 label=$2 u=$3
	shift 3
	o= w=
	for _ in $(seq 1 "$n"); do
		for v in old new; do
			bin=$OLD
			[ $v = new ] && bin=$NEW
			s=$(date +%s%N)
			if [ "$u" = root ]; then "$bin" --db $v.db "$@" >/dev/null
			else runuser -u "$u" -- env HOME="$DIR" "$bin" --db $v.db "$@" >/dev/null; fi
			if [ $v = old ]; then o="$o $(ms "$s")"; else w="$w $(ms "$s")"; fi
		done
	done
	echo "$label: main $(echo $o | tr ' ' '\n' | sort -n | tr '\n' ' ')| reads $(echo $w | tr ' ' '\n' | sort -n | tr '\n' ' ')"
}
runs 15 "queue (admin)" root queue
runs 5 "queue --status all tsv (admin)" root queue --status all --format tsv
runs 5 "queue (coordinator)" "$U" queue
runs 5 "queue --status all tsv (coordinator)" "$U" queue --status all --format tsv
