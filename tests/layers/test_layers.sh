#!/bin/sh
# test_layers.sh: the layers are libraries that the linker keeps apart
# (Makefile.am, "the layers"; README, design notes):
#   base <- store <- search <- core <- archive <- the program
# 1. No library calls into a library above it: none of its undefined symbols is
#    defined by a library above (nm). A new call up a layer fails here, whether
#    or not a unit test happens to pull in the file that makes it.
# 2. A deliberate call up a layer does not link: tests/layers/upcall.c calling
#    one function of the layer above, linked the way that layer's unit tests
#    are, fails with "undefined reference" to that function (GNU ld; lld says
#    "undefined symbol"); linked with the layer above as well, it links (so the
#    failure is the layering, nothing else).
. "$TOP_SRCDIR/tests/cli/lib.sh"
: "${TOP_BUILDDIR:?run through make check}"
B=$TOP_BUILDDIR
# CC, CFLAGS, LDFLAGS, LIBS and the LAYER_* link lines, written by make
. "$B/tests/layers/layers.env"
NM=${NM:-nm}

LIBS_UP="libmcbase.a libmcstore.a libmcsearch.a libmccore.a libmcarchive.a"

# defined LIB / undefined LIB: the global symbols a library defines / uses
defined() { "$NM" -g --defined-only "$B/$1" | awk 'NF == 3 { print $3 }' | sort -u; }
undefined() { "$NM" -u "$B/$1" | awk 'NF == 2 { print $2 }' | sort -u; }

for lib in $LIBS_UP; do
	defined "$lib" >"$T/def.$lib"
done
# 1. each library against every library above it
seen=""
for lib in $LIBS_UP; do
	seen="$seen $lib"
	undefined "$lib" >"$T/undef"
	for up in $LIBS_UP; do
		case " $seen " in *" $up "*) continue ;; esac
		comm -12 "$T/undef" "$T/def.$up" >"$T/calls"
		if [ -s "$T/calls" ]; then
			t_fail "$lib calls nothing in $up"
			echo "# $lib calls up into $up:"; t_diag "$T/calls"
		else
			t_ok "$lib calls nothing in $up"
		fi
	done
done

# 1b. a library's own headers stay inside it: no source outside src/store includes
#     the store's internals (store_int.h, search_int.h: SQLite and the FTS5 API);
#     src/search reaches the index through include/mcassess/store_search.h
grep -rlE '#include "(store/)?(store_int|search_int)\.h"' "$TOP_SRCDIR/src" | grep -v "/src/store/" >"$T/leaks" || :
if [ -s "$T/leaks" ]; then
	t_fail "nothing outside src/store includes the store's internal headers"; t_diag "$T/leaks"
else
	t_ok "nothing outside src/store includes the store's internal headers"
fi
grep -rl '#include <sqlite3.h>' "$TOP_SRCDIR/src/search" >"$T/leaks" || :
if [ -s "$T/leaks" ]; then
	t_fail "src/search does not use SQLite itself"; t_diag "$T/leaks"
else
	t_ok "src/search does not use SQLite itself"
fi

# 2. deliberate calls up a layer
# link_with NAME FUNCTION LINKLINE...: link upcall.c calling FUNCTION; status in RC
link_with() {
	_out=$1; _fn=$2; shift 2
	RC=0
	(cd "$B" && $CC $CFLAGS -DUPCALL="$_fn" -o "$T/$_out" "$TOP_SRCDIR/tests/layers/upcall.c" \
		"$@" $LDFLAGS $LIBS) >"$T/link.out" 2>&1 || RC=$?
}
upcall() { # WHO FUNCTION LAYER-BELOW LAYER-ABOVE
	_who=$1; _fn=$2; _low=$3; _high=$4
	link_with "up.$_fn" "$_fn" $_low
	if [ "$RC" -ne 0 ] && grep -Eq "undefined (reference to .|symbol: )$_fn\b" "$T/link.out"; then
		t_ok "$_who calling $_fn (a layer up) does not link"
	else
		t_fail "$_who calling $_fn (a layer up) does not link (linker exit $RC)"; t_diag "$T/link.out"
	fi
	link_with "ok.$_fn" "$_fn" $_high
	if [ "$RC" -eq 0 ]; then
		t_ok "the same call links with $_fn's own layer"
	else
		t_fail "the same call links with $_fn's own layer (linker exit $RC)"; t_diag "$T/link.out"
	fi
}
upcall "the base" store_open "$LAYER_BASE" "$LAYER_STORE"
upcall "the store" search_text "$LAYER_STORE" "$LAYER_SEARCH"
upcall "the store" people_add "$LAYER_STORE" "$LAYER_CORE"
upcall "search" scoring_score "$LAYER_SEARCH" "$LAYER_CORE"
upcall "the core" archive_drain "$LAYER_CORE" "$LAYER_ARCHIVE"
done_testing
