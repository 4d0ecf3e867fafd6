#!/bin/sh
# test_archive_ssh.sh: archive push and pull to and from an ssh:// URL on localhost,
# through a private sshd (its own port, host key, config and authorized keys in
# $T; nothing of the system's sshd or /etc is used or changed). Credentials as
# git takes them: the user's default key file, then ssh-agent; the host key
# checked against ~/.ssh/known_hosts (HOME is $T/home). Skips when not root (sshd
# must be started as root) or when sshd, ssh-keygen or libgit2's ssh are missing.
. "$TOP_SRCDIR/tests/cli/lib.sh"
FIX=$FIXTURES/archive
SSHD=$(command -v sshd || echo /usr/sbin/sshd)

skip_all() { _t_n=$((_t_n + 1)); echo "ok $_t_n # SKIP $*"; done_testing; exit 0; }
[ "$(id -u)" -eq 0 ] || skip_all "not root: a private sshd must be started as root"
[ -x "$SSHD" ] && command -v ssh-keygen >/dev/null && command -v ssh-agent >/dev/null || \
	skip_all "no sshd/ssh-keygen/ssh-agent (Debian: openssh-server, openssh-client)"
command -v sqlite3 >/dev/null || skip_all "no sqlite3"
mc archive verify
grep -q "not available in this build" "$ERR" && skip_all "built without libgit2"

unset SSH_AUTH_SOCK SSH_AGENT_PID
# libgit2 1.5 leaks the known_hosts list of each ssh connection (libgit2 #6598,
# fixed in 1.7): in a sanitizer build, not ours to report here (test_archive.sh
# runs every other archive path without suppressions)
printf 'leak:libssh2_knownhost_init\nleak:libssh2.so\nleak:libgit2.so\n' >"$T/lsan.supp"
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$T/lsan.supp:print_suppressions=0"
S=$T/sshd
mkdir -p "$S" "$HOME/.ssh" /run/sshd
chmod 700 "$HOME/.ssh"
ssh-keygen -q -t ed25519 -N '' -C host -f "$S/host_key"
ssh-keygen -q -t ed25519 -N '' -C other -f "$S/other_key"
ssh-keygen -q -t ed25519 -N '' -C me -f "$HOME/.ssh/id_ed25519"
cp "$HOME/.ssh/id_ed25519.pub" "$S/authorized_keys"
# a free high port: sshd logs whether it could listen (after going to the
# background), so try a few
start_sshd() {
	cat >"$S/sshd_config" <<EOF
Port $PORT
ListenAddress 127.0.0.1
HostKey $S/host_key
AuthorizedKeysFile $S/authorized_keys
PidFile $S/sshd.pid
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
LogLevel VERBOSE
EOF
	rm -f "$S/sshd.log"
	"$SSHD" -f "$S/sshd_config" -E "$S/sshd.log" || return 1
	_w=0
	while [ "$_w" -lt 50 ]; do
		grep -q "Server listening on 127.0.0.1 port $PORT" "$S/sshd.log" 2>/dev/null && return 0
		grep -q "Cannot bind any address" "$S/sshd.log" 2>/dev/null && return 1
		_w=$((_w + 1)); sleep 0.1
	done
	return 1
}
trap 'kill "$(cat "$S/sshd.pid" 2>/dev/null)" 2>/dev/null; [ -n "${SSH_AGENT_PID:-}" ] && kill "$SSH_AGENT_PID"; rm -rf "$T"' EXIT
i=0
until PORT=$((20000 + ($$ * 7919 + i * 104729) % 40000)) && start_sshd; do
	i=$((i + 1)); [ "$i" -lt 10 ] || skip_all "sshd does not start: $(tail -3 "$S/sshd.log")"
done
known() { echo "[127.0.0.1]:$PORT $(cut -d' ' -f1-2 "$1")" >"$HOME/.ssh/known_hosts"; }
known "$S/host_key.pub"

ME=$(id -un)
git init -q --bare --initial-branch=main "$T/state.git"
URL="ssh://$ME@127.0.0.1:$PORT$T/state.git"
A=$DB.archive.git
g() { git --git-dir="$A" "$@"; }
st() { git --git-dir="$T/state.git" "$@"; }
sql() { sqlite3 "$DB" "$@"; }
mc init
mc import "$FIX/subs.csv" --evidence "$FIX/evidence"
mc archive init
[ "$RC" -eq 0 ] || { echo "Bail out! archive init failed: $(cat "$ERR")"; exit 1; }

# --- push with the default key file, no agent
t_run 0 archive push "$URL"
if grep -q "unsupported URL protocol" "$ERR"; then skip_all "this libgit2 has no ssh"; fi
t_stdout_has "pushed"
t_check "the server has our history" test "$(st rev-parse main)" = "$(g rev-parse main)"
t_check "the key file was what got in" grep -q "Accepted publickey for $ME" "$S/sshd.log"
t_check "the server's copy passes git fsck --strict" st fsck --strict --no-progress

# --- the host key: a host not in known_hosts, or with another key, is refused
mc score HX-101 O1 demonstrated
before=$(st rev-parse main)
: >"$HOME/.ssh/known_hosts"
t_run 1 archive push
t_stderr_has "the server 127.0.0.1 is not a known host: its ed25519 key $(ssh-keygen -l -f "$S/host_key.pub" | cut -d' ' -f2) is not in ~/.ssh/known_hosts"
t_stderr_has "ssh-keyscan -p $PORT 127.0.0.1 >> ~/.ssh/known_hosts"
known "$S/other_key.pub"
t_run 1 archive pull
t_stderr_has "is not a known host"
rm "$HOME/.ssh/known_hosts"
t_run 1 archive push
t_stderr_has "is not a known host"
t_check "nothing reached the server meanwhile" test "$(st rev-parse main)" = "$before"
known "$S/host_key.pub"

# --- a key the server does not accept: said, with what was tried
mv "$HOME/.ssh/id_ed25519" "$T/id_ed25519"
mv "$HOME/.ssh/id_ed25519.pub" "$T/id_ed25519.pub"
cp "$S/other_key" "$HOME/.ssh/id_ed25519"
t_run 1 archive push
t_stderr_has "the server accepted none of your ssh keys (tried: ~/.ssh/id_ed25519)"
rm "$HOME/.ssh/id_ed25519"
t_run 1 archive push
t_stderr_has "tried: none found: no ssh-agent, no ~/.ssh/id_ed25519"

# --- ssh-agent: the key only in the agent
eval "$(ssh-agent -s)" >/dev/null
ssh-add -q "$T/id_ed25519" 2>/dev/null
t_run 0 archive push
t_stdout_has "pushed"
t_check "the agent's key got in" test "$(st rev-parse main)" = "$(g rev-parse main)"
kill "$SSH_AGENT_PID"
unset SSH_AUTH_SOCK SSH_AGENT_PID
mv "$T/id_ed25519" "$T/id_ed25519.pub" "$HOME/.ssh/"

t_run 0 archive pull
t_stdout_has "up to date: nothing to pull"

# --- a diverged pull over ssh: a second district's archive, cloned from the
# server, scores the same submission; ours scores it too
B=$T/b.db
sqlite3 "$DB" ".backup '$B'"
cp -r "$DB.evidence" "$B.evidence"
git clone -q --bare "$T/state.git" "$T/b.git"
sqlite3 "$B" "UPDATE meta SET value = '$T/b.git' WHERE key = 'archive_path'; UPDATE meta SET value = 'second-archive' WHERE key = 'archive_id'"
RC=0; "$MCASSESS" --db "$B" score HX-101 O1 not_met >"$OUT" 2>"$ERR" || RC=$?
t_check "the second archive scores" test "$RC" -eq 0
RC=0; "$MCASSESS" --db "$B" archive push "$URL" >"$OUT" 2>"$ERR" || RC=$?
t_check "and pushes over ssh" test "$RC" -eq 0
mc score HX-101 O1 progressing
t_run 1 archive push
t_stderr_has "has commits this archive lacks: run 'mcassess archive pull $URL' first"
t_run 0 archive pull
t_stdout_has "pulled and merged; the database took the remote's work on 0 submissions; 1 conflict held: see 'mcassess packet conflicts'"
t_check "a merge commit with both parents" test "$(g log -1 --format=%P main | wc -w)" = 2
t_check "theirs waits in the database's conflict, not beside ours" sh -c "! git --git-dir='$A' ls-tree -r --name-only main submissions/2/e/b/8/HX-101 | grep -q 'record.json.theirs-'"
mc packet conflicts
t_stdout_has "HX-101"
t_check "ours stays at the path" sh -c "git --git-dir='$A' show main:submissions/2/e/b/8/HX-101/record.json | grep -q '\"level\": \"progressing\"'"
t_run 0 archive push
t_check "the merge reached the server" test "$(st rev-parse main)" = "$(g rev-parse main)"
t_check "git fsck --strict on the server" st fsck --strict --no-progress
t_check "git fsck --strict here" g fsck --strict --no-progress
done_testing
