#!/bin/sh
# test_calibration.sh: calibration in the workstation (C from the queue): the
# set, an exemplar scored with digits exactly as real work, decided, the result
# against the agreed scores, at 80x24 and 160x48; and that the submission's
# real scores, decision and status did not change. The exemplar is S-002 of the
# screen fixture, read for real by reader1 (levels 3 2 2 1) and decided resubmit.
# GENERATE=1 rewrites calibration/*.screen: read every one before accepting it.
. "$TOP_SRCDIR/tests/cli/lib.sh"
DIR=$TOP_SRCDIR/tests/tui/calibration
MCASSESS_TUI_NOW=2026-11-22T12:00:00Z TERM=xterm NO_COLOR=1
export MCASSESS_TUI_NOW TERM NO_COLOR
me=$(id -un)

real() { sql "SELECT group_concat(x, ' ') FROM (SELECT criterion_id || ':' || level_id AS x FROM score
	WHERE submission_id = 2 ORDER BY id); SELECT outcome FROM decision WHERE submission_id = 2;
	SELECT status || ' ' || updated_at FROM submission WHERE id = 2"; }

clean_run() { [ "$RC" -eq 0 ] && [ ! -s "$ERR" ]; }
# screens KEYS SIZE NAME...: replay the script on a fresh database, compare the dumps.
screens() {
	_keys=$1 _size=$2; shift 2
	rm -f "$DB" "$DB"-*
	t_init_db
	sqlite3 "$DB" <"$FIXTURES/tui/queue.sql" || { echo "Bail out! the fixture did not load"; exit 1; }
	# S-002 read for real by someone else (reader1): whoever scored it may not calibrate on it
	sql "INSERT INTO score(uid, submission_id, criterion_id, level_id, assessor, read, at)
		SELECT 'cal-' || c.code, 2, c.id, (SELECT id FROM level WHERE criterion_id = c.id AND seq =
		CASE c.code WHEN 'O1' THEN 3 WHEN 'R1' THEN 1 ELSE 2 END), 'reader1', 'first', '2026-11-21T10:00:00Z'
		FROM criterion c WHERE c.rubric_id = (SELECT rubric_id FROM submission WHERE id = 2);
		INSERT INTO feedback(uid, submission_id, read, author, body, at) VALUES ('cal-fb', 2, 'first',
		'reader1', 'Say why the questions suit these students.', '2026-11-21T10:00:00Z');
		INSERT INTO decision(uid, submission_id, outcome, decided_by, at) VALUES ('cal-d', 2, 'resubmit',
		'reader1', '2026-11-21T10:00:00Z');
		UPDATE submission SET status = 'resubmit' WHERE id = 2"
	mc calibration add S-002
	[ "$RC" -eq 0 ] || { echo "Bail out! no exemplar"; cat "$ERR"; exit 1; }
	# more exemplars than the screen holds: S-003 on, each read by the user (every
	# criterion at level 2), given feedback and decided resubmit as S-002 was, by
	# SQL: seven mcassess runs for each was most of this test's time under a
	# sanitizer, and those writes are not what the screens check. Each is made an
	# exemplar by `calibration add`, the command under test.
	_i=3
	if [ "${MORE:-0}" -gt 0 ]; then
		_last=$(printf 'S-%03d' "$((2 + MORE))")
		sql "INSERT INTO score(uid, submission_id, criterion_id, level_id, assessor, read, at)
			SELECT 'more-' || s.ext_id || '-' || c.code, s.id, c.id, (SELECT id FROM level WHERE
			criterion_id = c.id AND seq = 2), '$me', 'first', '2026-11-21T10:00:00Z'
			FROM submission s JOIN criterion c ON c.rubric_id = s.rubric_id WHERE s.ext_id BETWEEN 'S-003' AND '$_last';
			INSERT INTO feedback(uid, submission_id, read, author, body, at) SELECT 'more-fb-' || ext_id, id,
			'first', '$me', 'More on the students, please.', '2026-11-21T10:00:00Z'
			FROM submission WHERE ext_id BETWEEN 'S-003' AND '$_last';
			INSERT INTO decision(uid, submission_id, outcome, decided_by, at) SELECT 'more-d-' || ext_id, id,
			'resubmit', '$me', '2026-11-21T10:00:00Z' FROM submission WHERE ext_id BETWEEN 'S-003' AND '$_last';
			UPDATE submission SET status = 'resubmit' WHERE ext_id BETWEEN 'S-003' AND '$_last'"
	fi
	while [ "$_i" -lt "$((3 + ${MORE:-0}))" ]; do
		mc calibration add "$(printf 'S-%03d' "$_i")"
		_i=$((_i + 1))
	done
	_real=$(real)
	rm -rf "$T/dumps" && mkdir -p "$T/dumps"
	RC=0
	MCASSESS_TUI_SCRIPT=$DIR/$_keys MCASSESS_TUI_SIZE=$_size MCASSESS_TUI_DUMP_DIR=$T/dumps \
		"$MCASSESS" --db "$DB" tui >"$OUT" 2>"$ERR" </dev/null || RC=$?
	t_check "$_keys: replayed, exit 0, nothing on stderr (got $RC)" clean_run
	t_check "$_keys: S-002's real scores, decision and status unchanged" [ "$(real)" = "$_real" ]
	for _n in "$@"; do t_screen "$DIR" "$T/dumps/$_n" "$_n"; done
}

screens calib-80x24.keys 80x24 calib-set-80x24 calib-open-80x24 calib-scored-80x24 calib-nofeedback-80x24 \
	calib-finished-80x24 calib-result-80x24 calib-back-80x24
t_check "80x24: the calibration read is the user's, finished resubmit" \
	[ "$(sql "SELECT assessor || ' ' || outcome FROM calibration_read")" = "$me resubmit" ]
t_check "80x24: its levels as typed (3 3 2 1)" [ "$(sql "SELECT group_concat(l.seq, ' ') FROM (SELECT l.seq
	FROM calibration_score cs JOIN level l ON l.id = cs.level_id JOIN criterion c ON c.id = cs.criterion_id
	ORDER BY c.id) l")" = "3 3 2 1" ]
t_check "80x24: the result says 3 of 4 as agreed" grep -q "3 of 4 criteria as agreed" "$T/dumps/calib-result-80x24"
t_check "80x24: the set shows it done" grep -q "S-002 .*done" "$T/dumps/calib-back-80x24"
t_check "80x24: the educator stays masked" [ "$(cat "$T"/dumps/calib-* | grep -c "Ada Lovelace")" -eq 0 ]
screens calib-160x48.keys 160x48 calib-set-160x48 calib-finished-160x48
MORE=30 screens calib-scroll-80x24.keys 80x24 calib-scroll-80x24
last_shown() { [ "$(sql "SELECT count(*) FROM calibration_exemplar")" = 31 ] && grep -q "^ S-032 " "$T/dumps/calib-scroll-80x24"; }
t_check "80x24: the last of 31 exemplars (S-032) is on screen" last_shown
done_testing
