#!/bin/sh
# bench/packet/run.sh MCASSESS [DIR]: export and import of one district's
# review packet of N submissions (default 2,000), each with two text parts and
# one evidence file of its own (16 KiB), all assigned to the account running
# the benchmark. Prints the time of the export, of scoring one criterion of
# each submission on the packet (one process each, as an assessor would), of
# the import and of a second import (nothing new), and the packet's size
# against the evidence files it carries. Writes under DIR (default .), removes
# what it wrote.
set -eu
M=${1:?usage: run.sh MCASSESS [DIR]}
case $M in /*) ;; *) M=$(pwd)/$M ;; esac
N=${N:-2000}
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
"$M" --db s.db init >/dev/null
"$M" --db s.db import subs.csv --evidence ev >/dev/null
ME=$(id -un)
i=1
while [ "$i" -le "$N" ]; do
	"$M" --db s.db assign "$(printf 'BP-%05d' "$i")" "$ME" >/dev/null
	i=$((i + 1))
done
t0=$(ms); "$M" --db s.db packet export --district Benchdale --assessor "$ME" --out p.pk >/dev/null; t1=$(ms)
ev=$(du -sb s.db.evidence | cut -f1)
pk=$(stat -c %s p.pk)
cp p.pk laptop.pk
t2=$(ms)
i=1
while [ "$i" -le "$N" ]; do
	"$M" --db laptop.pk score "$(printf 'BP-%05d' "$i")" O1 demonstrated >/dev/null
	i=$((i + 1))
done
t3=$(ms); "$M" --db s.db packet import laptop.pk >/dev/null; t4=$(ms)
"$M" --db s.db packet import laptop.pk >/dev/null; t5=$(ms)
"$M" --db s.db check >/dev/null
echo "submissions           $N (one 16 KiB evidence file each)"
echo "export                $((t1 - t0)) ms"
echo "evidence files        $ev bytes (the server's evidence directory)"
echo "packet                $pk bytes ($(awk -v a="$pk" -v b="$ev" 'BEGIN { printf "%.2f", a / b }') x the evidence it carries)"
echo "scoring on the packet $((t3 - t2)) ms for $N scores (one process each)"
echo "import                $((t4 - t3)) ms ($N submissions, $(sqlite3 s.db "SELECT count(*) FROM packet_audit") audit events)"
echo "import again          $((t5 - t4)) ms (nothing new)"
