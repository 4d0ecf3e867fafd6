#!/bin/sh
# The heap is not handed back to the system at the end of each statement
# (src/main.c heap_keep): with glibc's default, a 40-educator demo made about
# 1,330 brk calls, each followed by page faults on the same memory again; kept,
# it makes about 10. Counted with strace, so no timing is asserted.
. "$TOP_SRCDIR/tests/cli/lib.sh"

command -v strace >/dev/null 2>&1 || t_skip_all "strace is not installed"
# (a sanitizer build's leak check stops the process's threads with ptrace, which
# strace holds already: it is off for this run, whose heap is the sanitizer's)
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	strace -f -qq -e trace=brk -o "$T/brk" "$MCASSESS" --db "$DB" demo --educators 40 >"$OUT" 2>"$ERR" </dev/null
RC=$?
t_check "demo --educators 40 under strace exits 0 (got $RC)" [ "$RC" = 0 ]
n=$(grep -c 'brk(' "$T/brk")
t_check "the heap grows and shrinks at most 100 times in a demo (brk calls: $n)" [ "$n" -le 100 ]
n=$(sqlite3 "$DB" "SELECT count(*) FROM submission")
t_check "the demo wrote its submissions ($n)" [ "$n" -gt 40 ]
done_testing
