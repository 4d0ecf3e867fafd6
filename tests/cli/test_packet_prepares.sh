#!/bin/sh
# test_packet_prepares.sh: a packet's import prepares its statements once, not
# once a submission (issue 12: preparing them afresh for each submission made
# the import twice as slow as before the merge engine). Two packets, of 10 and
# of 100 submissions each with an evidence file, one score on each on the
# laptop; MCASSESS_SQL_TRACE marks each statement's first run since it was
# prepared, and the two imports must prepare the same number. And a packet's
# export masks blind evidence a batch at a time.
. "$TOP_SRCDIR/tests/cli/lib.sh"
ME=$(id -un)

# packet N: a server ($T/N.db) of N submissions of Benchdale assigned to the
# user running the test, its packet scored on a laptop copy ($T/N.pk).
packet() {
	n=$1
	mkdir -p "$T/ev$n"
	awk -v n="$n" -v dir="$T/ev$n" 'BEGIN {
		print "submission_id,educator_id,educator_name,district,school,credential,submitted_at,part,kind,text,file"
		for (i = 1; i <= n; i++) {
			id = sprintf("PP-%03d", i)
			pre = id ",E-" i ",Educator " i ",Benchdale,School " (i % 3) ",TEAM-QUES,2026-11-01T09:00:00Z,"
			print pre "overview,text,I plan questions at three levels for lesson " i ".,"
			print pre "artifact,file,," id ".txt"
			print "Work sample of lesson " i "." > (dir "/" id ".txt")
			close(dir "/" id ".txt")
		}
	}' >"$T/subs$n.csv"
	"$MCASSESS" --db "$T/$n.db" init >/dev/null &&
		"$MCASSESS" --db "$T/$n.db" import "$T/subs$n.csv" --evidence "$T/ev$n" >/dev/null || return 1
	# all assigned by one run (assign ID ID... USER), not a run each: a process
	# is dear, above all a sanitizer build's
	# shellcheck disable=SC2046 # the ids are words
	"$MCASSESS" --db "$T/$n.db" assign $(seq -f 'PP-%03g' 1 "$n") "$ME" >/dev/null || return 1
	"$MCASSESS" --db "$T/$n.db" packet export --district Benchdale --assessor "$ME" --out "$T/$n.pk" >/dev/null ||
		return 1
	i=1
	while [ "$i" -le "$n" ]; do
		"$MCASSESS" --db "$T/$n.pk" score "$(printf 'PP-%03d' "$i")" O1 demonstrated >/dev/null || return 1
		i=$((i + 1))
	done
}

# prepared N: import $T/N.pk into $T/N.db, print the statements it prepared.
prepared() {
	rm -f "$T/trace$1"
	MCASSESS_SQL_TRACE=$T/trace$1 "$MCASSESS" --db "$T/$1.db" packet import "$T/$1.pk" >"$OUT" 2>"$ERR" ||
		{ t_diag "$ERR"; return 1; }
	grep -c '^(prepared) ' "$T/trace$1"
}

t_check "a server and a scored packet of 10 submissions" packet 10
t_check "a server and a scored packet of 100 submissions" packet 100
p10=$(prepared 10)
t_check "the import of 10 submissions merged them all" \
	[ "$(sqlite3 "$T/10.db" "SELECT count(*) FROM score")" = 10 ]
p100=$(prepared 100)
t_check "the import of 100 submissions merged them all" \
	[ "$(sqlite3 "$T/100.db" "SELECT count(*) FROM score")" = 100 ]
t_check "the trace marks the statements prepared ($p10 for 10 submissions)" [ "${p10:-0}" -gt 0 ]
t_check "100 submissions prepare no more statements than 10 ($p100 against $p10)" [ "${p100:-0}" -eq "${p10:-0}" ]
# Each statement is still run once a submission: the trace counts runs too.
t_check "the statements ran for each submission" \
	[ "$(grep -c 'INSERT INTO main.score' "$T/trace100")" -ge 100 ]
"$MCASSESS" --db "$T/100.db" check >"$OUT" 2>"$ERR"
t_check "check finds nothing wrong after the import" [ $? -eq 0 ]

# A district's blind evidence is masked and written a batch at a time (256
# texts), never held whole (at a million submissions a packet of 36,681 held
# 183 MB of text): 300 texts of blind reads, masked by two runs of the read,
# every one masked.
awk 'BEGIN {
	print "submission_id,educator_id,educator_name,district,school,credential,submitted_at,part,kind,text,file"
	for (i = 1; i <= 300; i++)
		printf "PB-%03d,EB-%d,Rosalind Quist,Benchdale,School 1,TEAM-QUES,2026-11-01T09:00:00Z,overview,text,Rosalind Quist planned lesson %d.,\n", i, i, i
}' >"$T/blind.csv"
"$MCASSESS" --db "$T/blind.db" init >/dev/null
"$MCASSESS" --db "$T/blind.db" import "$T/blind.csv" >/dev/null
# shellcheck disable=SC2046 # the ids, one word each
"$MCASSESS" --db "$T/blind.db" assign $(awk 'BEGIN { for (i = 1; i <= 300; i++) printf "PB-%03d ", i }') "$ME" --blind >/dev/null
rm -f "$T/tblind"
MCASSESS_SQL_TRACE=$T/tblind "$MCASSESS" --db "$T/blind.db" packet export --district Benchdale --assessor "$ME" \
	--out "$T/blind.pk" >"$OUT" 2>"$ERR" || t_diag "$ERR"
t_check "a packet of 300 blind submissions" [ "$(sqlite3 "$T/blind.pk" "SELECT count(*) FROM evidence WHERE kind = 'text'")" = 300 ]
t_check "every text is masked (no educator's name in the packet's evidence)" \
	[ "$(sqlite3 "$T/blind.pk" "SELECT count(*) FROM evidence WHERE text LIKE '%Quist%'")" = 0 ]
t_check "the blind texts were read a batch at a time ($(grep -c 'ev.id > ' "$T/tblind") reads of 256 at most)" \
	[ "$(grep -c 'ev.id > ' "$T/tblind")" -ge 2 ]
done_testing
