#!/bin/sh
. "$TOP_SRCDIR/tests/cli/lib.sh"
done_testing
