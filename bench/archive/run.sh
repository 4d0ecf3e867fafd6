#!/bin/sh
# bench/archive/run.sh: what one audit commit into the evidence archive costs.
#
#   bench/archive/run.sh [BUILD-DIR] [WORK-DIR]     (from the build directory: bench/archive/run.sh . /tmp)
#
# For each size in $BENCH_SIZES (default "1000 100000") archived submissions:
#   - import them (archive off) and `archive init` (the whole state as one commit);
#   - mcassess: $BENCH_COMMITS (default 200) score changes, each one audit row
#     and one commit, written in-process by libgit2 (bench_commit: the drain alone,
#     and the score transaction plus the drain); then as many waiting events
#     committed by one drain (one commit each, one pack: what fast-import does);
#   - the git command line doing the same work, the cheapest way it can without a
#     work tree: a kept index (GIT_INDEX_FILE), then per commit hash-object -w,
#     update-index --cacheinfo, write-tree, commit-tree, update-ref;
#   - git fast-import writing the same number of one-record commits in one
#     process (the practical floor: one pack, no loose objects, no ref per commit).
# Then import of $BENCH_IMPORT (default 10000) submissions with the archive off and on.
set -eu
B=${1:-.}
W=${2:-${TMPDIR:-/tmp}}
MC=$B/mcassess
SIZES=${BENCH_SIZES-"1000 100000"}
K=${BENCH_COMMITS:-200}
KG=${BENCH_GIT_COMMITS:-100}
NI=${BENCH_IMPORT:-10000}
[ -x "$MC" ] || { echo "bench/archive/run.sh: $MC: no mcassess here (give the build directory)" >&2; exit 2; }
make -C "$B" -s bench/archive/bench_commit >/dev/null
D=$(mktemp -d "$W/bench-archive.XXXXXX")
trap 'rm -rf "$D"' EXIT

ms() { echo "$(date +%s%N) $1" | awk '{ printf "%.1f", ($1 - $2) / 1e6 }'; }
per() { awk -v t="$1" -v n="$2" 'BEGIN { printf "%.2f", t / n }'; }

gen() { "$(dirname "$0")/gencsv.sh" "$1" >"$2"; } # gen N FILE: N submissions, two text evidence items each

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "disk:    $(df -h "$W" | awk 'NR == 2 { print $1 " (" $2 ")" }'); $(git --version); libgit2 $(pkg-config --modversion libgit2 2>/dev/null || echo '?')"
echo

for N in $SIZES; do
	db=$D/n$N.db
	gen "$N" "$D/n$N.csv"
	"$MC" --db "$db" init >/dev/null
	t=$(date +%s%N); "$MC" --db "$db" import "$D/n$N.csv" >/dev/null; ti=$(ms "$t")
	t=$(date +%s%N); "$MC" --db "$db" archive init >/dev/null; ta=$(ms "$t")
	A=$db.archive.git
	# what the import and init wrote reaches the disk first, and nothing is deleted
	# before the timing: ext4 without a journal (this VM) scans the inodes freed in
	# the last seconds at every file it creates, which made the size run after
	# another one (whose files were removed just before) look slower
	sync
	echo "== $N archived submissions (import $ti ms; archive init, the whole state as one commit: $ta ms)"
	"$B/bench/archive/bench_commit" "$db" "$K" | sed 's/^/mcassess   /'

	# the git command line, same work: one record changed, one commit, the branch moved
	export GIT_DIR="$A" GIT_INDEX_FILE="$D/index$N"
	git read-tree main
	git ls-tree -r --name-only main submissions | head -n "$KG" >"$D/paths"
	t=$(date +%s%N)
	i=0
	while read -r p; do
		i=$((i + 1))
		oid=$( { git cat-file blob "main:$p"; echo "$i"; } | git hash-object -w --stdin)
		git update-index --add --cacheinfo "100644,$oid,$p"
		tree=$(git write-tree)
		c=$(echo "score $i" | GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@localhost GIT_COMMITTER_NAME=b \
			GIT_COMMITTER_EMAIL=b@localhost git commit-tree "$tree" -p main)
		git update-ref refs/heads/main "$c"
	done <"$D/paths"
	tg=$(ms "$t")
	echo "git CLI    $KG commits (hash-object, update-index, write-tree, commit-tree, update-ref): $(per "$tg" "$KG") ms each"

	# git fast-import: the same number of one-record commits, one process
	{
		i=0
		while read -r p; do
			i=$((i + 1))
			body=$(git cat-file blob "main:$p"; echo "fi $i")
			printf 'commit refs/heads/fastimport\ncommitter b <b@localhost> %d +0000\ndata 8\nscore %02d\n' \
				$((1700000000 + i)) $((i % 100))
			[ "$i" -eq 1 ] && printf 'from refs/heads/main^0\n'
			printf 'M 100644 inline %s\ndata %d\n%s\n\n' "$p" $(( $(printf '%s\n' "$body" | wc -c) )) "$body"
		done <"$D/paths"
	} >"$D/stream"
	t=$(date +%s%N)
	git fast-import --quiet <"$D/stream"
	tf=$(ms "$t")
	echo "fast-import $KG commits in one process: $(per "$tf" "$KG") ms each"
	git fsck --strict --no-progress >/dev/null 2>&1 && echo "git fsck --strict: clean" || echo "git fsck --strict: PROBLEMS"
	unset GIT_DIR GIT_INDEX_FILE
	du -sh "$A" | awk '{ print "archive size: " $1 }'
	echo
done

echo "== import of $NI submissions (two text evidence items each)"
gen "$NI" "$D/imp.csv"
"$MC" --db "$D/off.db" init >/dev/null
t=$(date +%s%N); "$MC" --db "$D/off.db" import "$D/imp.csv" >/dev/null; toff=$(ms "$t")
"$MC" --db "$D/on.db" init >/dev/null
"$MC" --db "$D/on.db" archive init >/dev/null
t=$(date +%s%N); "$MC" --db "$D/on.db" import "$D/imp.csv" >/dev/null; ton=$(ms "$t")
echo "archive off: $toff ms"
echo "archive on:  $ton ms ($(git --git-dir="$D/on.db.archive.git" rev-list --count main) commits: the import's, after init's; $(ls "$D/on.db.archive.git/objects/pack/"*.pack | wc -l) packs)"
git --git-dir="$D/on.db.archive.git" fsck --strict --no-progress >/dev/null 2>&1 && echo "git fsck --strict: clean" || echo "git fsck --strict: PROBLEMS"
