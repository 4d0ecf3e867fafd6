# tmux_lib.sh: sourced by the real-terminal tests (test_tmux*.sh) after
# tests/cli/lib.sh: skips when tmux is missing, loads the queue fixture into
# $DB, and gives tm, a private tmux server on $T/tmux.sock, killed on exit.
if ! command -v tmux >/dev/null 2>&1; then
	echo "ok 1 # SKIP tmux is not installed"
	echo "1..1"
	exit 0
fi
t_init_db
sqlite3 "$DB" <"$FIXTURES/tui/queue.sql" || { echo "Bail out! the fixture did not load"; exit 1; }

SOCK=$T/tmux.sock # a private server, removed with $T
tm() { tmux -u -S "$SOCK" -f /dev/null "$@"; }
trap 'tm kill-server >/dev/null 2>&1; rm -rf "$T"' EXIT
