#!/bin/sh
# In a sanitizer build (configure --enable-sanitizers), the sanitizers' runtimes
# are linked into the programs where the compiler can (configure.ac): loaded as
# libasan.so and libubsan.so, each brings its own 6 MB of globals, which the
# leak check scans at every exit (a --version 84 ms of CPU, not 64, and the suite
# runs thousands of processes). Linked in, they still find what they found: a
# program built and linked as the build's are reports a leak, an overflow and
# undefined behaviour, with the options CI runs the suite under. The programs
# are not position-independent there either (configure.ac says why).
. "$TOP_SRCDIR/tests/cli/lib.sh"
: "${TOP_BUILDDIR:?run through make check}"
# CC, CFLAGS, LDFLAGS, LIBS: as the programs are built (written by make)
. "$TOP_BUILDDIR/tests/layers/layers.env"

case " $LDFLAGS " in
*" -fsanitize=address"*) ;;
*) t_skip_all "not a sanitizer build" ;;
esac
command -v readelf >/dev/null 2>&1 || t_skip_all "readelf is not installed"

cat >"$T/c.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static void *kept; /* held by a global until exit: not a leak */
__attribute__((noinline)) static void lose(void)
{
	char *volatile p = malloc(100);
	p[0] = 1;
}
int main(int argc, char **argv)
{
	kept = malloc(10);
	char *p = malloc((size_t)argc * 8); /* 16: a size UBSan cannot see, for ASan to check */
	if (strcmp(argv[1], "leak") == 0)
		lose();
	if (strcmp(argv[1], "overflow") == 0) {
		volatile int i = 16 + argc;
		p[i] = 1;
		printf("%d\n", p[i]);
	}
	if (strcmp(argv[1], "ub") == 0) {
		int x = 0x7fffffff;
		x += argc;
		printf("%d\n", x);
	}
	free(p);
	return 0;
}
C
# shellcheck disable=SC2086 # the flags are words
$CC $CFLAGS -o "$T/c" "$T/c.c" $LDFLAGS >"$T/cc" 2>&1
RC=$?
t_check "a program links with the build's flags (got $RC)" [ "$RC" = 0 ]
[ "$RC" = 0 ] || { t_diag "$T/cc"; done_testing; exit; }

# Whether this compiler links them in at all (gcc: -static-libasan and
# -static-libubsan); where it does, the build must have.
# shellcheck disable=SC2086
if $CC $CFLAGS -static-libasan -static-libubsan -Werror -o "$T/s" "$T/c.c" $LDFLAGS >/dev/null 2>&1 &&
	! readelf -d "$T/s" | grep -qE 'lib(a|ub)san\.so'; then
	readelf -d "$MCASSESS" >"$T/needed"
	t_check "mcassess loads no sanitizer runtime (linked in)" sh -c "! grep -E 'lib(a|ub)san\\.so' '$T/needed'"
	readelf -d "$T/c" >"$T/needed"
	t_check "nor does a program linked with the build's flags" sh -c "! grep -E 'lib(a|ub)san\\.so' '$T/needed'"
fi

# And where it links them at a fixed address (-no-pie), the build must have: a
# PIE's loader writes every pointer of ASan's 2.9 MB of globals at each start.
# shellcheck disable=SC2086
if $CC $CFLAGS -no-pie -Werror -o "$T/np" "$T/c.c" $LDFLAGS >/dev/null 2>&1; then
	readelf -h "$MCASSESS" >"$T/header"
	t_check "mcassess is not position-independent (its data needs no relocation at start)" grep -qE 'Type: +EXEC' "$T/header"
fi

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
canary() {
	RC=0
	"$T/c" "$1" >"$OUT" 2>"$ERR" || RC=$?
	if [ "$RC" != 0 ] && grep -q "$2" "$ERR"; then
		t_ok "$1: found ($2; exit $RC)"
	else
		t_fail "$1: not found ($2; exit $RC)"
		t_diag "$ERR"
	fi
}
"$T/c" none >"$OUT" 2>"$ERR"
RC=$?
[ -s "$ERR" ] && RC="$RC, and a report"
t_check "a clean run exits 0, nothing reported (got $RC)" [ "$RC" = 0 ]
canary leak "ERROR: LeakSanitizer: detected memory leaks"
canary overflow "ERROR: AddressSanitizer: heap-buffer-overflow"
canary ub "runtime error: signed integer overflow"
done_testing
