#!/bin/sh
# test_mask.sh: the pre-checks and masking in the workstation's submission view.
# tests/tui/mask/*.keys are replayed on a database with the pre-check fixture:
# blind-* as an assessor (a second OS account) to whom P-1 is assigned blind,
# admin-* as the admin who ran init. Screens compare with mask/*.screen
# (GENERATE=1 rewrites them: read every one before accepting it).
. "$TOP_SRCDIR/tests/cli/lib.sh"
DIR=$TOP_SRCDIR/tests/tui/mask
BU=mcmask_b
t_init_db
t_run 0 import "$FIXTURES/precheck/subs.csv" --evidence "$FIXTURES/precheck/evidence"
MCASSESS_TUI_NOW=2026-11-22T12:00:00Z TERM=xterm NO_COLOR=1
export MCASSESS_TUI_NOW TERM NO_COLOR

t_skip() { _t_n=$((_t_n + 1)); echo "ok $_t_n # SKIP $*"; }
b_setup() {
	[ "$(id -u)" = 0 ] && command -v runuser >/dev/null && command -v useradd >/dev/null || return 1
	if ! id -u "$BU" >/dev/null 2>&1; then
		for _i in 1 2 3 4 5 6 7 8 9 10; do useradd -M -N "$BU" 2>/dev/null && break; sleep 1; done
		id -u "$BU" >/dev/null 2>&1 || return 1
		trap 'rm -rf "$T"; for _i in 1 2 3 4 5; do userdel "$BU" 2>/dev/null && break; sleep 1; done' EXIT
	fi
	chmod -R a+rwX "$T"
	sql "INSERT INTO person(user, role, created_at) VALUES ('$BU', 'assessor', '2026-11-22T00:00:00Z');
	     INSERT INTO assignment(uid, submission_id, assessor, blind, assigned_by, at)
	     SELECT 'a-mask', id, '$BU', 1, 'root', '2026-11-22T00:00:00Z' FROM submission WHERE ext_id = 'P-1';
	     UPDATE educator SET anon_id = 'anon-e1' WHERE ext_id = 'E-1';"
	chmod 666 "$DB"*
}

# replay KEYS [USER]: the script's dumps go to $T/dumps/NAME/, then compared.
replay() {
	_keys=$1
	_name=$(basename "$_keys" .keys)
	_size=$(sed -n 's/^# size \([0-9]*x[0-9]*\).*/\1/p' "$_keys" | head -1)
	mkdir -p "$T/dumps/$_name"
	chmod 777 "$T/dumps" "$T/dumps/$_name"
	RC=0
	if [ -n "${2:-}" ]; then
		runuser -u "$2" -- env HOME="$HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" TERM=xterm NO_COLOR=1 \
			MCASSESS_TUI_NOW="$MCASSESS_TUI_NOW" MCASSESS_TUI_SCRIPT="$_keys" MCASSESS_TUI_SIZE="$_size" \
			MCASSESS_TUI_DUMP_DIR="$T/dumps/$_name" "$MCASSESS" --db "$DB" tui >"$OUT" 2>"$ERR" </dev/null || RC=$?
	else
		MCASSESS_TUI_SCRIPT=$_keys MCASSESS_TUI_SIZE=$_size MCASSESS_TUI_DUMP_DIR=$T/dumps/$_name \
			"$MCASSESS" --db "$DB" tui >"$OUT" 2>"$ERR" </dev/null || RC=$?
	fi
	t_check "$_name: replayed, exit 0" [ "$RC" -eq 0 ]
	for _screen in $(sed -n 's/^:dump \(.*\)/\1/p' "$_keys"); do
		_got=$T/dumps/$_name/$_screen
		if [ -n "${GENERATE:-}" ] && [ -f "$_got" ]; then
			cp "$_got" "$DIR/$_screen.screen"
			t_ok "$_screen.screen generated (review it)"
		elif [ -f "$_got" ] && diff -u "$DIR/$_screen.screen" "$_got" >"$T/diff" 2>&1; then
			t_ok "$_name: screen $_screen"
		else
			t_fail "$_name: screen $_screen"
			[ -f "$T/diff" ] && t_diag "$T/diff"
		fi
	done
}

replay "$DIR/admin-80x24.keys"
t_check "admin: the evidence as it is" grep -qF "maria.lopez@springhill.k12.tn.us" "$DIR/admin-80x24.screen"
replay "$DIR/personal-80x24.keys"
t_check "admin: the e-mail, phone and name the pre-checks count are marked in the evidence" \
	grep -qF "Ms. ⟦López⟧ plans her questions with care. Parents write to" "$DIR/personal-80x24.screen"
if b_setup; then
	t_snapshot
	for k in "$DIR"/blind-*.keys; do
		replay "$k" "$BU"
		_got=$(cat "$T/dumps/$(basename "$k" .keys)"/*)
		if echo "$_got" | grep -qF -e "María" -e "López" -e "maria.lopez" -e "555-0123" -e "Spring Hill"; then
			t_fail "$(basename "$k"): no name, address or number on the screen"
		else
			t_ok "$(basename "$k"): no name, address or number on the screen"
		fi
		t_check "$(basename "$k"): the masks are there" \
			sh -c 'echo "$1" | grep -qF "Ms. [name] plans her questions with care."' - "$_got"
	done
	t_check "blind: the stored evidence is unchanged" \
		[ "$(sql "SELECT count(*) FROM evidence WHERE text LIKE '%maria.lopez@springhill.k12.tn.us%'")" = 2 ]
else
	for _i in $(seq 1 9); do t_skip "needs root, useradd and runuser"; done
fi
done_testing
