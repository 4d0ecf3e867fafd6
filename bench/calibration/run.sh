#!/bin/sh
# bench/calibration/run.sh: what calibration costs where it is on a hot path.
#   sh bench/calibration/run.sh BUILD DB [ANCHOR-BINARY] [CREDENTIAL] [DISTRICT] [ROUNDS]
# DB: a copy of a demo database (it is changed: migrated, calibration rows
# added and removed). With ANCHOR-BINARY (main's build), `assign --auto
# --dry-run` is first timed with it, on the schema it made, before this build
# migrates the copy. Then, alternating: the same without any calibration set,
# and with a set of 5 exemplars of CREDENTIAL that every assessor has finished
# (half of them as agreed: qualified); and `calibration results` (all
# assessors). Un-niced; the load average is printed beside every figure.
set -eu
BUILD=$1 DB=$2 ANCHOR=${3:-} C=${4:-TEAM-QUES} ROUNDS=${6:-3}
D=${5:-$(sqlite3 "$DB" "SELECT name FROM district ORDER BY name LIMIT 1")}
MC=$BUILD/mcassess
t() { # LABEL BINARY ARGS...: wall seconds of one run, with the load average
	_l=$1 _b=$2; shift 2
	_s=$(date +%s.%N)
	"$_b" --db "$DB" "$@" >/dev/null 2>"$DB.bench.err" || { echo "$_l: failed: $(cat "$DB.bench.err")"; return 0; }
	_e=$(date +%s.%N)
	printf '%-34s %7.3f s   load %s\n' "$_l" "$(echo "$_e - $_s" | bc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
}
set_on() {
	sqlite3 "$DB" <<SQL
BEGIN;
INSERT INTO calibration_exemplar(uid, submission_id, credential_id, outcome, added_by, added_at)
	SELECT 'bx-' || s.id, s.id, s.credential_id, d.outcome, 'bench', '2026-12-05T00:00:00Z'
	FROM submission s JOIN decision d ON d.submission_id = s.id JOIN credential c ON c.id = s.credential_id
	WHERE c.code = '$C' AND d.outcome IN ('earned', 'resubmit')
	AND (SELECT count(*) FROM score sc WHERE sc.submission_id = s.id AND sc.read = 'first')
	  = (SELECT count(*) FROM criterion cr WHERE cr.rubric_id = s.rubric_id)
	ORDER BY s.id LIMIT 5;
INSERT INTO calibration_agreed(exemplar_id, criterion_id, level_id)
	SELECT x.id, sc.criterion_id, sc.level_id FROM calibration_exemplar x
	JOIN score sc ON sc.submission_id = x.submission_id AND sc.read = 'first';
INSERT INTO calibration_read(uid, submission_id, assessor, outcome, started_at, decided_at)
	SELECT 'br-' || x.id || '-' || p.user, x.submission_id, p.user, x.outcome, 't', 't'
	FROM calibration_exemplar x, person p WHERE p.role = 'assessor';
INSERT INTO calibration_score(uid, read_id, criterion_id, level_id, at)
	SELECT 'bs-' || r.id || '-' || g.criterion_id, r.id, g.criterion_id,
	CASE WHEN (SELECT id FROM person WHERE user = r.assessor) % 2 = 0 THEN g.level_id
	ELSE (SELECT l.id FROM level l WHERE l.criterion_id = g.criterion_id ORDER BY l.seq LIMIT 1) END, 't'
	FROM calibration_read r JOIN calibration_exemplar x ON x.submission_id = r.submission_id
	JOIN calibration_agreed g ON g.exemplar_id = x.id;
COMMIT;
SQL
}
set_off() {
	sqlite3 "$DB" "DELETE FROM calibration_score; DELETE FROM calibration_read; DELETE FROM calibration_agreed;
		DELETE FROM calibration_exemplar;"
}
echo "credential $C, district $D, $(sqlite3 "$DB" "SELECT count(*) FROM submission") submissions"
i=0
while [ -n "$ANCHOR" ] && [ "$i" -lt "$ROUNDS" ]; do
	t "anchor: assign --auto --dry-run" "$ANCHOR" assign --auto --dry-run --credential "$C" --district "$D"
	i=$((i + 1))
done
t "migration (first open, this build)" "$MC" config calibration-threshold
i=0
while [ "$i" -lt "$ROUNDS" ]; do
	set_off
	t "no set: assign --auto --dry-run" "$MC" assign --auto --dry-run --credential "$C" --district "$D"
	set_on
	t "set of 5: assign --auto --dry-run" "$MC" assign --auto --dry-run --credential "$C" --district "$D"
	t "set of 5: calibration results" "$MC" calibration results
	i=$((i + 1))
done
echo "qualified: $("$MC" --db "$DB" calibration results --format tsv | awk -F'\t' '$17 == "yes"' | wc -l) of $("$MC" --db "$DB" calibration results --format tsv | wc -l)"
set_off
rm -f "$DB.bench.err"
