#!/bin/sh
# bench/packet/run.sh MCASSESS [DIR]: export and import of one district's
# review packet of N submissions (default 2,000), each with two text parts and
# one evidence file of its own (16 KiB), all assigned to the account running
# the benchmark. Prints the time of the export, of scoring one criterion of
# each submission on the packet (one process each, as an assessor would), of
# the import and of a second import (nothing new), and the packet's size
# against the evidence files it carries. Writes under DIR (default .), removes
# what it wrote.
#
# ANCHOR=OTHER_MCASSESS: the same for another build (the anchor: say, the last
# one before the merge engine), each with its own server and packet; the
# imports then run RUNS times (default 5) alternately, each on a fresh copy of
# its server, and the medians are printed with the 1-minute load average
# before and after each figure. Without ANCHOR the imports run RUNS times all
# the same.
set -eu
M=${1:?usage: run.sh MCASSESS [DIR]}
case $M in /*) ;; *) M=$(pwd)/$M ;; esac
A=${ANCHOR:-}
case $A in /* | '') ;; *) A=$(pwd)/$A ;; esac
N=${N:-2000}
RUNS=${RUNS:-5}
W=$(mktemp -d "${2:-.}/bench-packet.XXXXXX")
trap 'rm -rf "$W"' EXIT
cd "$W"
mkdir ev
# One CSV, one distinct file a submission (16 KiB of text with its number in it).
awk -v n="$N" 'BEGIN {
	print "submission_id,educator_id,educator_name,district,school,credential,submitted_at,part,kind,text,file"
	line = "Students explained their reasoning to a partner before answering aloud. "
	for (i = 1; i <= n; i++) {
		id = sprintf("BP-%05d", i); ed = sprintf("E-%05d", i)
		pre = id "," ed ",Educator " i ",Benchdale,School " (i % 20) ",TEAM-QUES,2026-11-01T09:00:00Z,"
		print pre "overview,text,I plan questions at three levels for lesson " i ".,"
		print pre "artifact,file,," id ".txt"
		print pre "reflection,text,Wait time helped in lesson " i ".,"
		f = "ev/" id ".txt"
		for (k = 0; k < 220; k++) printf "%s %s\n", id, line > f
		close(f)
	}
}' >subs.csv
ms() { date +%s%N | cut -c1-13; }
load() { cut -d' ' -f1 /proc/loadavg; }
ME=$(id -un)
ids=$(awk -v n="$N" 'BEGIN { for (i = 1; i <= n; i++) printf "BP-%05d ", i }')

# setup BIN TAG: TAG/s.db (kept as TAG/base.db) and TAG/laptop.pk, its
# packet scored; prints the export's and the scoring's figures.
setup() {
	mkdir "$2"
	"$1" --db "$2/s.db" init >/dev/null
	"$1" --db "$2/s.db" import subs.csv --evidence ev >/dev/null
	# shellcheck disable=SC2086 # one word an id
	"$1" --db "$2/s.db" assign $ids "$ME" >/dev/null
	l0=$(load); t0=$(ms)
	"$1" --db "$2/s.db" packet export --district Benchdale --assessor "$ME" --out "$2/p.pk" >/dev/null
	t1=$(ms); l1=$(load)
	ev=$(du -sb "$2/s.db.evidence" | cut -f1)
	pk=$(stat -c %s "$2/p.pk")
	cp "$2/p.pk" "$2/laptop.pk"
	t2=$(ms)
	for id in $ids; do "$1" --db "$2/laptop.pk" score "$id" O1 demonstrated >/dev/null; done
	t3=$(ms); l3=$(load)
	"$1" --db "$2/s.db" check >/dev/null
	cp "$2/s.db" "$2/base.db"
	printf "%-8s export                %s ms (load %s -> %s)\n" "$2" "$((t1 - t0))" "$l0" "$l1"
	printf "%-8s evidence files        %s bytes (the server's evidence directory)\n" "$2" "$ev"
	printf "%-8s packet                %s bytes (%s x the evidence it carries)\n" "$2" "$pk" "$(awk -v a="$pk" -v b="$ev" 'BEGIN { printf "%.2f", a / b }')"
	printf "%-8s scoring on the packet %s ms for %s scores (one process each; load %s -> %s)\n" "$2" "$((t3 - t2))" "$N" "$l1" "$l3"
}

# import BIN TAG: on a fresh copy of TAG's server, the import and the same
# again; appends "ms load-before load-after" to TAG/import and TAG/again.
import() {
	rm -f "$2/s.db-wal" "$2/s.db-shm"
	cp "$2/base.db" "$2/s.db"
	l0=$(load); t0=$(ms)
	"$1" --db "$2/s.db" packet import "$2/laptop.pk" >/dev/null
	t1=$(ms); l1=$(load)
	"$1" --db "$2/s.db" packet import "$2/laptop.pk" >/dev/null
	t2=$(ms); l2=$(load)
	echo "$((t1 - t0)) $l0 $l1" >>"$2/import"
	echo "$((t2 - t1)) $l1 $l2" >>"$2/again"
}

# median FILE: the median time of FILE's lines, with the lowest and highest
# load average seen around them.
median() {
	sort -n "$1" | awk '{ t[NR] = $1; for (i = 2; i <= 3; i++) { if (lo == "" || $i < lo) lo = $i; if ($i > hi) hi = $i } }
		END { m = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
		      printf "%d ms (median of %d, %d to %d ms; load %s to %s)", m, NR, t[1], t[NR], lo, hi }'
}

setup "$M" mcassess
[ -z "$A" ] || setup "$A" anchor
r=1
while [ "$r" -le "$RUNS" ]; do
	import "$M" mcassess
	[ -z "$A" ] || import "$A" anchor
	r=$((r + 1))
done
"$M" --db mcassess/s.db check >/dev/null
events=$(sqlite3 mcassess/s.db "SELECT count(*) FROM packet_audit")
for tag in mcassess ${A:+anchor}; do
	printf "%-8s import                %s (%s submissions, %s audit events)\n" "$tag" "$(median "$tag/import")" "$N" "$events"
	printf "%-8s import again          %s (nothing new)\n" "$tag" "$(median "$tag/again")"
done
