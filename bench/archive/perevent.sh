#!/bin/sh
# bench/archive/perevent.sh: one event, one commit, against git fast-import
# writing the same commits, on a quiet disk and on one that has just deleted
# many files (issue 15).
#
#   bench/archive/perevent.sh [BUILD-DIR] [WORK-DIR] [ROUNDS]
#
# $BENCH_EVENTS (default 10000) submissions are imported and `archive init`
# commits them; each is scored once (untimed, bench_commit's phase w). Then, for
# each of ROUNDS (default 3) rounds and each disk state, on fresh copies:
#   - mcassess: each submission scored again and drained alone, one commit each
#     (bench_commit's phase t: the drain's mean and median per event);
#   - git fast-import: the same number of commits, each one record of the same
#     paths changed, in one process (total time / commits).
# With $BENCH_BEFORE set to another build directory (one whose bench_commit
# takes PHASES), that build's drains run too, on copies of the same base.
# They alternate (which goes first rotates every round). Disk states:
#   quiet:   everything synced, then $BENCH_QUIET seconds (default 20) idle;
#   deleted: $BENCH_DELETE files (default 20000) created, synced and removed
#            just before the run: on ext4 without a journal every file created
#            afterwards walks the inodes freed in the last seconds.
# Each line shows the load average beside the figures; the end, the medians of
# the rounds and their ratio. Besides the wall clock, each side's CPU time
# (user + system) per event: on a loaded machine a long CPU-bound run (fast-
# import's one process) is slowed far more than short drains that sleep in
# between, so the wall-clock ratio flatters mcassess there; the CPU ratio does
# not depend on the load (neither side waits on the disk: no fsync per commit).
set -eu
B=${1:-.}
W=${2:-${TMPDIR:-/tmp}}
R=${3:-3}
N=${BENCH_EVENTS:-10000}
DEL=${BENCH_DELETE:-20000}
MC=$B/mcassess
[ -x "$MC" ] || { echo "bench/archive/perevent.sh: $MC: no mcassess here (give the build directory)" >&2; exit 2; }
make -C "$B" -s bench/archive/bench_commit >/dev/null
D=$(mktemp -d "$W/bench-perevent.XXXXXX")
trap 'rm -rf "$D"' EXIT
load() { cut -d' ' -f1 /proc/loadavg; }

"$(dirname "$0")/gencsv.sh" "$N" >"$D/in.csv"
mkdir "$D/base"
"$MC" --db "$D/base/n.db" init >/dev/null
"$MC" --db "$D/base/n.db" import "$D/in.csv" >/dev/null
"$MC" --db "$D/base/n.db" archive init >/dev/null
"$B/bench/archive/bench_commit" "$D/base/n.db" "$N" B- w

# fast-import's input: for each of the first N records, its text with a line
# added, committed alone (the same paths, sizes and number of commits)
export GIT_DIR="$D/base/n.db.archive.git"
git ls-tree -r --name-only main submissions | head -n "$N" >"$D/paths"
sed 's/^/main:/' "$D/paths" | git cat-file --batch >"$D/blobs"
unset GIT_DIR
perl -e '
	open(my $p, "<", $ARGV[0]) or die; open(my $b, "<", $ARGV[1]) or die; binmode $b; binmode STDOUT;
	my $i = 0;
	while (my $path = <$p>) {
		chomp $path; $i++;
		my $h = <$b>; my ($oid, $type, $size) = split / /, $h; read($b, my $body, $size); <$b>;
		$body .= "fi $i\n";
		printf "commit refs/heads/main\ncommitter b <b\@localhost> %d +0000\ndata 8\nscore %02d\n", 1700000000 + $i, $i % 100;
		print "from refs/heads/main^0\n" if $i == 1;
		printf "M 100644 inline %s\ndata %d\n%s\n", $path, length($body), $body;
	}' "$D/paths" "$D/blobs" >"$D/stream"

for i in $(seq "$R"); do
	for st in quiet deleted; do
		cp -a "$D/base" "$D/mc-$st-$i"
		sqlite3 "$D/mc-$st-$i/n.db" "UPDATE meta SET value = '$D/mc-$st-$i/n.db.archive.git' WHERE key = 'archive_path'"
		cp -a "$D/base/n.db.archive.git" "$D/fi-$st-$i.git"
		if [ -n "${BENCH_BEFORE:-}" ]; then
			cp -a "$D/base" "$D/before-$st-$i"
			sqlite3 "$D/before-$st-$i/n.db" \
				"UPDATE meta SET value = '$D/before-$st-$i/n.db.archive.git' WHERE key = 'archive_path'"
		fi
	done
done
WHO="mc fi"
[ -n "${BENCH_BEFORE:-}" ] && WHO="mc fi before"

# one run, its figure per event (ms) on stdout
run_mc() {
	"$3/bench/archive/bench_commit" "$D/$4-$1-$2/n.db" "$N" B- t |
		awk '/^commit \(drain/ { m = $11; d = $8 } /^CPU time of the drain/ { c = $11 } END { print m, d, c == "" ? "-" : c }'
}
run_fi() {
	t=$(date +%s%N)
	GIT_DIR="$D/fi-$1-$2.git" /usr/bin/time -f '%U %S' -o "$D/fi.cpu" git fast-import --quiet <"$D/stream"
	echo "$(date +%s%N) $t $N $(cat "$D/fi.cpu")" | awk '{ printf "%.3f cpu %.3f\n", ($1 - $2) / 1e6 / $3, ($4 + $5) * 1e3 / $3 }'
}
prepare() {
	if [ "$1" = quiet ]; then
		sync
		sleep "${BENCH_QUIET:-20}"
	else
		mkdir "$D/del"
		(cd "$D/del" && seq "$DEL" | xargs touch)
		sync
		rm -rf "$D/del"
	fi
}

echo "machine: $(nproc) CPUs; disk: $(df -T "$W" | awk 'NR == 2 { print $1 " " $2 }'); $(git --version)"
echo "$N events, one commit each; ms per event (mcassess: mean, median of its drains, mean CPU time; fast-import: total / $N, CPU time / $N)"
for i in $(seq "$R"); do
	for st in quiet deleted; do
		order=$(echo $WHO | awk -v r="$i" '{ for (k = 0; k < NF; k++) printf "%s ", $((k + r - 1) % NF + 1) }')
		for who in $order; do
			prepare "$st"
			l=$(load)
			if [ "$who" = mc ]; then
				set -- $(run_mc "$st" "$i" "$B" mc)
				echo "$i $st mcassess mean $1 median $2 cpu $3 load $l" | tee -a "$D/figures"
			elif [ "$who" = before ]; then
				set -- $(run_mc "$st" "$i" "$BENCH_BEFORE" before)
				echo "$i $st before mean $1 median $2 cpu $3 load $l" | tee -a "$D/figures"
			else
				f=$(run_fi "$st" "$i")
				echo "$i $st fast-import $f load $l" | tee -a "$D/figures"
			fi
		done
	done
done
for st in quiet deleted; do
	awk -v st="$st" '
		function med(a, n,   i, j, t) {
			for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
			return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
		}
		$2 == st && $3 == "mcassess" { m[++nm] = $5; mc[nm] = $9 }
		$2 == st && $3 == "before" { o[++no] = $5; oc[no] = $9 }
		$2 == st && $3 == "fast-import" { f[++nf] = $4; fc[nf] = $6 }
		END {
			a = med(m, nm); b = med(f, nf); ac = med(mc, nm); bc = med(fc, nf)
			printf "%-8s mcassess %.3f ms an event, fast-import %.3f ms: %.2fx; CPU %.3f ms, %.3f ms: %.2fx (medians of %d rounds)",
				st, a, b, a / b, ac, bc, ac / bc, nm
			if (no) {
				c = med(o, no); printf "; before %.3f ms: %.2fx", c, c / b
				if (oc[1] != "-") { cc = med(oc, no); printf ", CPU %.3f ms: %.2fx", cc, cc / bc }
			}
			print ""
		}' "$D/figures"
done
