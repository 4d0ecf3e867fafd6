#!/bin/sh
# run.sh: build the libFuzzer harnesses (clang, ASan+UBSan) out of tree and run
# each on its seed corpus for a bounded time; exit 1 when one finds a crash, a
# leak or a hang. CI runs it after the sanitizer step.
#
#   tests/fuzz/run.sh [SECONDS [HARNESS...]]     (SECONDS per harness, default 30)
#
# FUZZ_BUILD names the build directory (default: a fresh one, removed after);
# FUZZ_JOBS how many harnesses run at once (default 2); FUZZ_BUILD_ONLY=1 only
# builds them in FUZZ_BUILD (CI builds them beside its sanitizer step, then
# runs this again: the build is then up to date).
# New inputs the fuzzers find stay in the build directory, never in tests/;
# a crashing input is kept as $FUZZ_BUILD/artifacts/<harness>-crash-*: add it
# to tests/fuzz/corpus/<name>/ with the fix, as the regression case.
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
SECONDS_EACH=${1:-30}
[ $# -gt 0 ] && shift
HARNESSES=${*:-csv json catalog patterns config}
command -v clang >/dev/null || { echo "tests/fuzz/run.sh: clang is needed (Debian package clang)" >&2; exit 1; }
[ -x "$SRC/configure" ] || (cd "$SRC" && ./autogen.sh >/dev/null)
if [ -n "${FUZZ_BUILD:-}" ]; then
	mkdir -p "$FUZZ_BUILD"
	BUILD=$(cd "$FUZZ_BUILD" && pwd)
else
	BUILD=$(mktemp -d "${TMPDIR:-/tmp}/mcassess-fuzz.XXXXXX")
	trap 'rm -rf "$BUILD"' EXIT
fi
cd "$BUILD"
[ -f Makefile ] || "$SRC/configure" -q --enable-fuzzing CC=clang
targets=""
for h in $HARNESSES; do targets="$targets tests/fuzz/fuzz_$h"; done
# shellcheck disable=SC2086
built=$(date +%s)
make -j2 $targets >build.log 2>&1 || { tail -30 build.log; echo "tests/fuzz/run.sh: the build failed" >&2; exit 1; }
echo "fuzz harnesses built in $(( $(date +%s) - built )) s"
[ "${FUZZ_BUILD_ONLY:-0}" = 1 ] && exit 0
mkdir -p artifacts
# One harness is one process on one core: FUZZ_JOBS of them (default 2, the
# cores CI has) run at once, each for its full SECONDS, and report in order.
fuzz_one() {
	h=$1
	work=corpus/$h
	mkdir -p "$work"
	start=$(date +%s)
	if ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"tests/fuzz/fuzz_$h" -max_total_time="$SECONDS_EACH" -timeout=20 -rss_limit_mb=2048 \
		-max_len=65536 -print_final_stats=1 -artifact_prefix="artifacts/$h-" \
		"$work" "$SRC/tests/fuzz/corpus/$h" >"fuzz_$h.log" 2>&1; then
		echo "fuzz $h: ok, $(sed -n 's/^stat::number_of_executed_units: *//p' "fuzz_$h.log") inputs in $(( $(date +%s) - start )) s"
	else
		echo "fuzz $h: FAILED (log: $BUILD/fuzz_$h.log)"
		grep -E -A25 '^==[0-9]+==ERROR|runtime error|^SUMMARY' "fuzz_$h.log" | head -60
		ls "artifacts/$h-"* 2>/dev/null | sed 's/^/  input: /'
		return 1
	fi
}
jobs=${FUZZ_JOBS:-2}
status=0
# shellcheck disable=SC2086
set -- $HARNESSES
while [ $# -gt 0 ]; do
	batch=""
	i=0
	while [ $# -gt 0 ] && [ $i -lt "$jobs" ]; do
		batch="$batch $1"
		(if fuzz_one "$1" >"fuzz_$1.result"; then echo 0; else echo 1; fi >"fuzz_$1.rc") &
		shift
		i=$((i + 1))
	done
	wait
	for h in $batch; do
		cat "fuzz_$h.result"
		[ "$(cat "fuzz_$h.rc")" = 0 ] || status=1
	done
done
exit $status
