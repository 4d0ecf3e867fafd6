#!/bin/sh
# mcassess import: CSV and JSON, evidence files by content, re-imports, attempts,
# and every kind of bad input refused with FILE:LINE, the field, exit 3 and
# nothing changed (database and evidence directory).
. "$TOP_SRCDIR/tests/cli/lib.sh"
FX=$FIXTURES/import
EV=$T/evidence
cp -R "$FX/evidence" "$EV"
chmod -R u+w "$EV" # the source tree is read-only under distcheck
t_init_db

H='submission_id,educator_id,educator_name,district,school,credential,submitted_at,part,kind,text,file'
R='S-1,E-5,Eve Five,Northfield,Oak Elementary,TEAM-QUES,2026-11-22T10:48:00Z'
# A valid first record whose evidence file is new to the store: every bad file
# below starts with it, so a refused import must also take that file back out.
printf 'fresh content, not stored yet\n' >"$EV/fresh.txt"
P0='S-0,E-0,Zed Zero,Northfield,,TEAM-FEED,2026-11-01T00:00:00Z,artifact,file,,fresh.txt'

ev_files() { if [ -d "$DB.evidence" ]; then find "$DB.evidence" -type f | sort; fi; }
# lines NAME LINE...: write the lines to $T/NAME
lines() { _n=$1; shift; printf '%s\n' "$@" >"$T/$_n"; }
# t_bad NAME MESSAGE [ARGS...]: importing $T/NAME fails with exit 3 and MESSAGE on
# stderr; the database and the evidence files are exactly as before.
t_bad() {
	_f=$1 _m=$2; shift 2
	t_snapshot
	ev_files >"$T/ev.before"
	t_run 3 import "$T/$_f" "$@"
	t_stderr_has "mcassess: $T/$_m"
	t_db_unchanged
	ev_files >"$T/ev.after"
	if cmp -s "$T/ev.before" "$T/ev.after"; then t_ok "no evidence file added or left behind"
	else t_fail "no evidence file added or left behind"; diff "$T/ev.before" "$T/ev.after" | t_diag; fi
}
# t_bad_ev: the same with --evidence $EV
t_bad_ev() { _a=$1 _b=$2; shift 2; t_bad "$_a" "$_b" --evidence "$EV" "$@"; }

# ---------------------------------------------------------------- usage
t_run 0 import --help
t_stdout_has '--evidence DIR'
t_run 2 import
t_stderr_has 'which file?'
t_run 2 import a.csv b.csv
t_run 2 import a.csv --frobnicate

# ---------------------------------------------------------------- only coordinators and admins
me=$(id -un)
sql "UPDATE person SET role = 'assessor' WHERE user = '$me'"
t_snapshot
t_run 1 import "$FX/good.csv" --evidence "$EV"
t_stderr_has "import submissions needs"
t_stderr_has "you ($me) are an assessor"
t_db_unchanged
sql "UPDATE person SET role = 'coordinator' WHERE user = '$me'"
t_run 0 import "$FX/good.csv" --evidence "$EV" --dry-run
sql "UPDATE person SET role = 'admin' WHERE user = '$me'"

# ---------------------------------------------------------------- dry run first: nothing written
t_snapshot
t_run 0 import "$FX/good.csv" --evidence "$EV" --dry-run
t_stdout_has 'would import 3 submissions (8 evidence items, 3 files); 0 unchanged'
t_db_unchanged
t_check "dry run stores no evidence file" test -z "$(ev_files)"

# ---------------------------------------------------------------- CSV
t_snapshot
t_run 0 import "$FX/good.csv" --evidence "$EV"
t_stdout_has 'imported 3 submissions (8 evidence items, 3 files); 0 unchanged'
t_db_changed
t_check "three queued submissions" test "$(sql "SELECT group_concat(ext_id || ':' || status || ':' || attempt, ' ') FROM (SELECT * FROM submission ORDER BY ext_id)")" = "S-101:queued:1 S-102:queued:1 S-103:queued:1"
t_check "quoted commas and doubled quotes kept" test "$(sql "SELECT text FROM evidence WHERE seq = 1 AND submission_id = (SELECT id FROM submission WHERE ext_id = 'S-101')")" = 'I plan questions at three levels: recall, analysis, and "why" questions.'
t_check "a quoted newline kept" test "$(sql "SELECT text FROM evidence WHERE seq = 3 AND submission_id = (SELECT id FROM submission WHERE ext_id = 'S-101')")" = "$(printf 'First line, with a comma.\nSecond line: 我们学习。')"
t_check "a quoted comma in a name" test "$(sql "SELECT name FROM educator WHERE ext_id = 'E-2'")" = "Chen, Bo"
t_check "empty school is none" test "$(sql "SELECT school_id IS NULL FROM educator WHERE ext_id = 'E-2'")" = 1
t_check "submitted_at normalised to UTC" test "$(sql "SELECT submitted_at FROM submission WHERE ext_id = 'S-102'")" = "2026-11-21T08:30:00Z"
t_check "a date alone is midnight UTC" test "$(sql "SELECT submitted_at FROM submission WHERE ext_id = 'S-103'")" = "2026-11-20T00:00:00Z"
t_check "submissions take the credential's current rubric" test "$(sql "SELECT count(*) FROM submission s JOIN credential c ON c.id = s.credential_id JOIN rubric r ON r.id = s.rubric_id WHERE r.credential_id = c.id AND r.version = c.current_version")" = 3
# words: CJK characters count one each
t_check "Chinese text: 6 words" test "$(sql "SELECT words FROM evidence WHERE text = '我们学习数学'")" = 6
t_check "mixed text: 8 words" test "$(sql "SELECT words FROM evidence WHERE text LIKE 'Students%'")" = 8
t_check "mixed reflection: 11 words" test "$(sql "SELECT words FROM evidence WHERE text LIKE 'First line%'")" = 11
t_check "text items hashed" test "$(sql "SELECT sha256 FROM evidence WHERE text = '我们学习数学'")" = "$(printf '我们学习数学' | sha256sum | cut -d' ' -f1)"
t_check "text media type" test "$(sql "SELECT DISTINCT media_type FROM evidence WHERE kind = 'text'")" = "text/plain; charset=utf-8"
# files: stored once by content, with their media types
pdf=$(sha256sum "$EV/lesson.pdf" | cut -d' ' -f1)
png=$(sha256sum "$EV/photo.png" | cut -d' ' -f1)
t_check "two submissions share lesson.pdf: one blob" test "$(sql "SELECT count(*) FROM blob WHERE sha256 = '$pdf'")" = 1
t_check "two evidence items point at it" test "$(sql "SELECT count(*) FROM evidence WHERE blob_sha256 = '$pdf'")" = 2
t_check "three blobs, three files on disk" test "$(sql "SELECT count(*) FROM blob")" = 3 -a "$(ev_files | wc -l)" = 3
t_check "stored as xx/SHA256 with the same bytes" cmp -s "$EV/lesson.pdf" "$DB.evidence/$(echo "$pdf" | cut -c1-2)/$pdf"
t_check "stored mode 0640" test "$(stat -c %a "$DB.evidence/$(echo "$pdf" | cut -c1-2)/$pdf")" = 640
t_check "blob size and media type (pdf)" test "$(sql "SELECT size || ' ' || media_type FROM blob WHERE sha256 = '$pdf'")" = "$(stat -c %s "$EV/lesson.pdf") application/pdf"
t_check "media type (png)" test "$(sql "SELECT media_type FROM blob WHERE sha256 = '$png'")" = "image/png"
t_check "a path in a subdirectory" test "$(sql "SELECT file_name FROM evidence WHERE part_id IN (SELECT id FROM part WHERE code = 'reflection') AND kind = 'file'")" = "sub/notes.txt"
t_check "anonymous ids: anon- and 8 hex digits" test "$(sql "SELECT count(*) FROM educator WHERE anon_id GLOB 'anon-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'")" = 3
t_check "the salt is kept in meta" test -n "$(sql "SELECT value FROM meta WHERE key = 'anon_salt'")"
t_check "districts and schools created" test "$(sql "SELECT count(*) FROM district WHERE name IN ('Northfield', 'Southgate')") $(sql "SELECT count(*) FROM school")" = "2 2"
t_check "one audit row per submission" test "$(sql "SELECT count(*) FROM audit WHERE action = 'import' AND subject LIKE 'submission:S-10_'")" = 3
t_check "the audit row leaves the text out" test "$(sql "SELECT count(*) FROM audit WHERE action = 'import' AND (after LIKE '%我们学习数学%' OR after LIKE '%recall, analysis%')")" = 0
t_check "the audit row names the evidence" test "$(sql "SELECT json_extract(after, '\$.evidence[1].file') FROM audit WHERE subject = 'submission:S-101'")" = "lesson.pdf"

# ---------------------------------------------------------------- re-imports change nothing
t_snapshot
t_run 0 import "$FX/good.csv" --evidence "$EV"
t_stdout_has 'imported 0 submissions (0 evidence items, 0 files); 3 unchanged'
t_db_unchanged
# the same records as CRLF with a BOM, and as JSON, hash alike
# (records end in CRLF; the line break inside the quoted field stays LF: it is data)
{ printf '\357\273\277'; sed '/First line, with a comma\.$/!s/$/\r/' "$FX/good.csv"; } >"$T/crlf.csv"
t_check "the CRLF copy really has CRLF and a BOM" test "$(head -c 3 "$T/crlf.csv" | od -An -tx1 | tr -d ' ')" = efbbbf -a "$(grep -c "$(printf '\r')\$" "$T/crlf.csv")" -ge 9
t_run 0 import "$T/crlf.csv" --evidence "$EV"
t_stdout_has 'imported 0 submissions (0 evidence items, 0 files); 3 unchanged'
t_db_unchanged
t_run 0 import "$FX/good.json" --evidence "$EV"
t_stdout_has 'imported 0 submissions (0 evidence items, 0 files); 3 unchanged'
t_db_unchanged
# content sniffing when the extension says nothing
cp "$FX/good.json" "$T/export.txt"
t_run 0 import "$T/export.txt" --evidence "$EV"
t_stdout_has '3 unchanged'

# ---------------------------------------------------------------- JSON on a fresh database
DB0=$DB
DB=$T/json.db
t_init_db
t_run 0 import "$FX/good.json" --evidence "$EV"
t_stdout_has 'imported 3 submissions (8 evidence items, 3 files); 0 unchanged'
t_check "JSON and CSV give the same records" test "$(sql "SELECT group_concat(source_sha256, ' ') FROM (SELECT source_sha256 FROM submission ORDER BY ext_id)")" = "$(sqlite3 "$DB0" "SELECT group_concat(source_sha256, ' ') FROM (SELECT source_sha256 FROM submission ORDER BY ext_id)")"
t_check "the same evidence rows" test "$(sql "SELECT group_concat(sha256 || words || media_type, ' ') FROM (SELECT * FROM evidence ORDER BY submission_id, seq)")" = "$(sqlite3 "$DB0" "SELECT group_concat(sha256 || words || media_type, ' ') FROM (SELECT * FROM evidence ORDER BY submission_id, seq)")"
t_check "another database, another salt: other anonymous ids" test "$(sql "SELECT anon_id FROM educator WHERE ext_id = 'E-1'")" != "$(sqlite3 "$DB0" "SELECT anon_id FROM educator WHERE ext_id = 'E-1'")"
DB=$DB0

# ---------------------------------------------------------------- a symbolic link inside DIR is fine
ln -s lesson.pdf "$EV/alias.pdf"
lines alias.csv "$H" "S-301,E-9,Ida,Northfield,,TEAM-PLAN,2026-11-23T00:00:00Z,artifact,file,,alias.pdf"
t_run 0 import "$T/alias.csv" --evidence "$EV"
t_stdout_has 'imported 1 submission (1 evidence item, 0 files); 0 unchanged'
t_check "stored under the target's content" test "$(sql "SELECT blob_sha256 FROM evidence WHERE file_name = 'alias.pdf'")" = "$pdf"

# ---------------------------------------------------------------- bad CSV: the file itself
: >"$T/empty.csv"
t_bad empty.csv "empty.csv: the file is empty; nothing to import"
printf '\n  \n' >"$T/blank.csv"
t_bad blank.csv "blank.csv: the file is empty; nothing to import"
lines header.csv "$H"
t_bad header.csv "header.csv:1: only a header row, no submissions; nothing to import"
lines nocol.csv 'submission_id,educator_id,educator_name,district,school,submitted_at,part,kind,text,file' "S-1,E-1,Ann,N,,2026-11-22,overview,text,hi,"
t_bad nocol.csv "nocol.csv:1: missing column 'credential'"
lines unkcol.csv "$H,grade" "$R,overview,text,hi,,A"
t_bad unkcol.csv "unkcol.csv:1: unknown column 'grade'"
lines dupcol.csv "$H,part" "$R,overview,text,hi,,overview"
t_bad dupcol.csv "dupcol.csv:1: column 'part' appears twice"
lines fields.csv "$H" "$P0" "$R,overview,text,hi"
t_bad_ev fields.csv "fields.csv:3: 10 fields, but the header has 11 columns"
# malformed quoting, with line and column (in characters)
pre="$R,overview,text,\"closed\""
lines quote1.csv "$H" "$P0" "$pre"'x,'
t_bad_ev quote1.csv "quote1.csv:3:$((${#pre} + 1)): column 'text': malformed quoting: a closing '\"' must be followed by ','"
pre="$R,overview,text,a"
lines quote2.csv "$H" "$P0" "$pre"'"b,'
t_bad_ev quote2.csv "quote2.csv:3:$((${#pre} + 1)): column 'text': malformed quoting: '\"' inside a field that does not start with '\"'"
lines quote3.csv "$H" "$P0" "$R,overview,text,\"never closed," "more text" "and more"
t_bad_ev quote3.csv "quote3.csv:3: column 'text': malformed quoting: the quoted field that starts on this line is never closed"
# a record over several lines moves the count on: the bad one is on line 5
lines multi.csv "$H" "$P0" "$R,overview,text,\"two" "lines\"," "S-2,E-2,Bo,Northfield,,TEAM-NOPE,2026-11-22,overview,text,hi,"
t_bad_ev multi.csv "multi.csv:5: column 'credential': no credential 'TEAM-NOPE' in the catalog"
# invalid UTF-8: line and column of the first bad byte
{ printf '%s\n%s\n' "$H" "$P0"; printf '%s,overview,text,"café \377 au lait",\n' "$R"; } >"$T/utf8.csv"
pre="$R,overview,text,\"café "
t_bad_ev utf8.csv "utf8.csv:3:$(($(printf '%s' "$pre" | wc -m) + 1)): invalid UTF-8 (byte 0xFF)"
printf '%s\n%s,overview,text,"a\000b",\n' "$H" "$R" >"$T/nul.csv"
t_bad_ev nul.csv "nul.csv:2:"

# ---------------------------------------------------------------- bad CSV: the records
lines cred.csv "$H" "$P0" "S-1,E-1,Ann Lee,Northfield,,TEAM-NOPE,2026-11-22T10:48:00Z,overview,text,hi,"
t_bad_ev cred.csv "cred.csv:3: column 'credential': no credential 'TEAM-NOPE' in the catalog"
lines part.csv "$H" "$P0" "$R,overview,text,hi," "$R,summary,text,hi,"
t_bad_ev part.csv "part.csv:4: column 'part': no part 'summary' in TEAM-QUES (its parts: overview, artifact"
lines disagree.csv "$H" "$P0" "$R,overview,text,hi," "S-1,E-5,Eve Smith,Northfield,Oak Elementary,TEAM-QUES,2026-11-22T10:48:00Z,reflection,text,hi,"
t_bad_ev disagree.csv "disagree.csv:4: column 'educator_name' disagrees with line 3 for submission S-1 ('Eve Five' there, 'Eve Smith' here)"
lines edu.csv "$H" "$P0" "$R,overview,text,hi," "S-2,E-5,Eve Five,Southgate,Oak Elementary,TEAM-FEED,2026-11-22,overview,text,hi,"
t_bad_ev edu.csv "edu.csv:4: column 'district': disagrees with line 3 for educator E-5 ('Northfield' there, 'Southgate' here)"
lines time.csv "$H" "$P0" "S-1,E-1,Ann,Northfield,,TEAM-QUES,2026-13-01,overview,text,hi,"
t_bad_ev time.csv "time.csv:3: column 'submitted_at': '2026-13-01' is not a date and time"
lines kind.csv "$H" "$P0" "$R,overview,video,hi,"
t_bad_ev kind.csv "kind.csv:3: column 'kind': 'video' is not a kind of evidence: say 'text' or 'file'"
lines nokind.csv "$H" "$P0" "$R,overview,,hi,"
t_bad_ev nokind.csv "nokind.csv:3: column 'kind': empty: say 'text' or 'file'"
lines notext.csv "$H" "$P0" "$R,overview,text,,"
t_bad_ev notext.csv "notext.csv:3: column 'text': empty, but an evidence item of kind 'text' needs its text"
lines nofile.csv "$H" "$P0" "$R,artifact,file,,"
t_bad_ev nofile.csv "nofile.csv:3: column 'file': empty, but an evidence item of kind 'file' needs the file's path"
lines textfile.csv "$H" "$P0" "$R,artifact,file,a caption,lesson.pdf"
t_bad_ev textfile.csv "textfile.csv:3: column 'text': must be empty for kind 'file'"
lines filetext.csv "$H" "$P0" "$R,overview,text,hi,lesson.pdf"
t_bad_ev filetext.csv "filetext.csv:3: column 'file': must be empty for kind 'text'"
lines noname.csv "$H" "$P0" "S-1,E-1,,Northfield,,TEAM-QUES,2026-11-22,overview,text,hi,"
t_bad_ev noname.csv "noname.csv:3: column 'educator_name': empty (it is required)"
lines noid.csv "$H" "$P0" ",E-1,Ann,Northfield,,TEAM-QUES,2026-11-22,overview,text,hi,"
t_bad_ev noid.csv "noid.csv:3: column 'submission_id': empty (it is required)"

# ---------------------------------------------------------------- bad CSV: evidence files
lines missing.csv "$H" "$P0" "$R,artifact,file,,nothere.pdf"
t_bad_ev missing.csv "missing.csv:3: column 'file': 'nothere.pdf' does not exist in the --evidence directory"
lines abs.csv "$H" "$P0" "$R,artifact,file,,$EV/lesson.pdf"
t_bad_ev abs.csv "abs.csv:3: column 'file': '$EV/lesson.pdf' is an absolute path"
printf 'secret\n' >"$T/outside.txt"
lines dotdot.csv "$H" "$P0" "$R,artifact,file,,../outside.txt"
t_bad_ev dotdot.csv "dotdot.csv:3: column 'file': '../outside.txt' leaves the --evidence directory ('..' is not allowed)"
lines dotdot2.csv "$H" "$P0" "$R,artifact,file,,sub/../lesson.pdf"
t_bad_ev dotdot2.csv "dotdot2.csv:3: column 'file': 'sub/../lesson.pdf' leaves the --evidence directory"
ln -s "$T/outside.txt" "$EV/link.txt"
lines link.csv "$H" "$P0" "$R,artifact,file,,link.txt"
t_bad_ev link.csv "link.csv:3: column 'file': 'link.txt' resolves outside the --evidence directory"
mkdir "$T/outdir" && cp "$T/outside.txt" "$T/outdir/x.txt" && ln -s "$T/outdir" "$EV/linkdir"
lines linkdir.csv "$H" "$P0" "$R,artifact,file,,linkdir/x.txt"
t_bad_ev linkdir.csv "linkdir.csv:3: column 'file': 'linkdir/x.txt' resolves outside the --evidence directory"
t_check "nothing from outside DIR was stored" test "$(ev_files | xargs -r cat | grep -c secret)" = 0
t_bad link.csv "link.csv:2: column 'file': 'fresh.txt' is a file, but no --evidence DIR was given"
: >"$EV/zero.pdf"
lines zero.csv "$H" "$P0" "$R,artifact,file,,zero.pdf"
t_bad_ev zero.csv "zero.csv:3: column 'file': 'zero.pdf' is empty (0 bytes)"
lines dir.csv "$H" "$P0" "$R,artifact,file,,sub"
t_bad_ev dir.csv "dir.csv:3: column 'file': 'sub' is not a regular file"
t_run 3 import "$FX/good.csv" --evidence "$T/no-such-dir"
t_stderr_has "mcassess: --evidence $T/no-such-dir: No such file or directory"

# ---------------------------------------------------------------- bad CSV: size limits
long=$(printf '%065d' 0)
lines longid.csv "$H" "$P0" "S-$long,E-1,Ann,Northfield,,TEAM-QUES,2026-11-22,overview,text,hi,"
t_bad_ev longid.csv "longid.csv:3: column 'submission_id': 67 bytes, over the limit of 64"
long=$(printf '%0201d' 0)
lines longname.csv "$H" "$P0" "S-1,E-1,$long,Northfield,,TEAM-QUES,2026-11-22,overview,text,hi,"
t_bad_ev longname.csv "longname.csv:3: column 'educator_name': 201 bytes, over the limit of 200"
{ printf '%s\n%s\n%s,overview,text,"' "$H" "$P0" "$R"; head -c 1048577 /dev/zero | tr '\0' 'a'; printf '",\n'; } >"$T/longtext.csv"
t_bad_ev longtext.csv "longtext.csv:3: column 'text': the field is 1048577 bytes, over the limit of 1048576 bytes (1 MiB)"
truncate -s 257M "$EV/big.bin"
lines big.csv "$H" "$P0" "$R,artifact,file,,big.bin"
t_bad_ev big.csv "big.csv:3: column 'file': 'big.bin' is 269484032 bytes, over the limit of 268435456 (256 MiB)"
rm -f "$EV/big.bin"

# ---------------------------------------------------------------- bad: against the database
lines changed.csv "$H" "$P0" "S-101,E-1,Ann Lee,Northfield,Oak Elementary,TEAM-QUES,2026-11-22T10:48:00Z,overview,text,changed,"
t_bad_ev changed.csv "changed.csv:3: column 'submission_id': submission S-101 was imported before with different content; a changed submission needs a new id"
lines open.csv "$H" "$P0" "S-150,E-1,Ann Lee,Northfield,Oak Elementary,TEAM-QUES,2026-11-30,overview,text,again,"
t_bad_ev open.csv "open.csv:3: column 'submission_id': educator E-1 already has submission S-101 for TEAM-QUES, still open (queued); a new attempt (S-150) can follow only a decision of 'resubmit'"
lines twice.csv "$H" "$P0" "S-160,E-7,Gil,Northfield,,TEAM-STD,2026-11-30,overview,text,one," "S-161,E-7,Gil,Northfield,,TEAM-STD,2026-12-01,overview,text,two,"
t_bad_ev twice.csv "twice.csv:4: column 'submission_id': educator E-7 already has submission S-160 for TEAM-STD, still open (queued)"
sql "UPDATE submission SET status = 'earned' WHERE ext_id = 'S-103'"
lines earned.csv "$H" "$P0" "S-170,E-3,李华,Southgate,Pine High,GIFT-SEEME,2026-12-01,overview,text,再一次,"
t_bad_ev earned.csv "earned.csv:3: column 'submission_id': educator E-3 already earned GIFT-SEEME with submission S-103; a new attempt at S-170 is not accepted"

# ---------------------------------------------------------------- attempts
sql "UPDATE submission SET status = 'resubmit' WHERE ext_id = 'S-101'"
t_run 0 import "$FX/attempt2.csv"
t_stdout_has 'imported 1 submission (2 evidence items, 0 files); 0 unchanged'
t_check "attempt 2 links to attempt 1" test "$(sql "SELECT s.attempt || ' ' || p.ext_id FROM submission s JOIN submission p ON p.id = s.previous_id WHERE s.ext_id = 'S-201'")" = "2 S-101"
t_check "the audit row says so" test "$(sql "SELECT json_extract(after, '\$.attempt') || ' ' || json_extract(after, '\$.previous') FROM audit WHERE subject = 'submission:S-201'")" = "2 S-101"
t_snapshot
t_run 0 import "$FX/attempt2.csv"
t_stdout_has '1 unchanged'
t_db_unchanged

# ---------------------------------------------------------------- an educator's details change in a later file
lines moved.csv "$H" "S-401,E-2,Bo Chen,Southgate,Pine High,TEAM-THINK,2026-12-02,overview,text,moved,"
t_run 0 import "$T/moved.csv"
t_check "the educator is brought up to date" test "$(sql "SELECT e.name || '/' || d.name FROM educator e JOIN district d ON d.id = e.district_id WHERE e.ext_id = 'E-2'")" = "Bo Chen/Southgate"
t_check "and the change is audited" test "$(sql "SELECT json_extract(before, '\$.name') || '>' || json_extract(after, '\$.name') FROM audit WHERE subject = 'educator:E-2'")" = "Chen, Bo>Bo Chen"

# ---------------------------------------------------------------- bad JSON
printf '[\n  {"id": "S-1",\n   "credential" "TEAM-QUES"}\n]\n' >"$T/syntax.json"
t_bad syntax.json "syntax.json:3:"
t_stderr_has "malformed JSON: ':' expected near"
printf '{"id": "S-1"}\n' >"$T/object.json"
t_bad object.json "object.json:1: not the expected shape: expected an array of submissions"
printf '[]\n' >"$T/emptyarr.json"
t_bad emptyarr.json "emptyarr.json:1: an empty array, no submissions; nothing to import"
cat >"$T/part.json" <<EOF
[
  {"id": "S-0", "educator": {"id": "E-0", "name": "Zed Zero", "district": "Northfield"},
   "credential": "TEAM-FEED", "submitted_at": "2026-11-01T00:00:00Z",
   "evidence": [{"part": "artifact", "kind": "file", "file": "fresh.txt"}]},
  {"id": "S-7",
   "educator": {"id": "E-1", "name": "Ann Lee", "district": "Northfield", "school": "Oak Elementary"},
   "credential": "TEAM-QUES", "submitted_at": "2026-11-22T10:48:00Z",
   "evidence": [
     {"part": "overview", "kind": "text", "text": "fine"},
     {"kind": "text", "text": "wrong part",
      "part": "summary"}
   ]}
]
EOF
t_bad_ev part.json 'part.json:11: submission 2 (id "S-7"): evidence[1].part: no part '"'summary'"' in TEAM-QUES'
sed 's/"submitted_at": "2026-11-22T10:48:00Z"/"submited_at": "2026-11-22T10:48:00Z"/' "$T/part.json" >"$T/typo.json"
t_bad_ev typo.json "typo.json:7: not the expected shape: submission 2 (id \"S-7\"): unknown field 'submited_at'"
sed 's/"school": "Oak Elementary"}/"school": "Oak Elementary", "email": "a@b"}/' "$T/part.json" >"$T/edukey.json"
t_bad_ev edukey.json "edukey.json:6: not the expected shape: submission 2 (id \"S-7\"): unknown field 'educator.email' (the fields are id, name, district, school)"
sed 's/{"part": "overview", "kind": "text", "text": "fine"}/"fine"/' "$T/part.json" >"$T/item.json"
t_bad_ev item.json 'item.json:9: not the expected shape: submission 2 (id "S-7"): evidence[0]: expected an object {"part", "kind", "text" or "file"}, not a string'
sed 's/"credential": "TEAM-QUES"/"credential": 7/' "$T/part.json" >"$T/type.json"
t_bad_ev type.json 'type.json:7: not the expected shape: submission 2 (id "S-7"): credential: expected a string, not a number'
sed 's/"name": "Ann Lee", //' "$T/part.json" >"$T/noname.json"
t_bad_ev noname.json 'noname.json:6: submission 2 (id "S-7"): educator.name: missing or empty (it is required)'
sed 's/"id": "S-7"/"id": "S-0"/' "$T/part.json" >"$T/dupid.json"
t_bad_ev dupid.json "dupid.json:5: submission 2 (id \"S-0\"): id: the id 'S-0' is also that of submission 1"
sed 's/"kind": "text", "text": "fine"/"kind": "text"/' "$T/part.json" >"$T/notext.json"
t_bad_ev notext.json "notext.json:9: submission 2 (id \"S-7\"): evidence[0].text: missing or empty, but an evidence item of kind 'text' needs its text"
sed 's/"id": "E-1", "name": "Ann Lee"/"id": "E-0", "name": "Ann Lee"/' "$T/part.json" >"$T/edu.json"
t_bad_ev edu.json "edu.json:6: submission 2 (id \"S-7\"): educator.name: 'Ann Lee' disagrees with submission 1 (id \"S-0\") for educator E-0, which says 'Zed Zero'"
sed 's/"file": "fresh.txt"/"file": "..\/outside.txt"/' "$T/part.json" >"$T/escape.json"
t_bad_ev escape.json "escape.json:4: submission 1 (id \"S-0\"): evidence[0].file: '../outside.txt' leaves the --evidence directory"
{ printf '[{"id": "S-8", "educator": {"id": "E-8", "name": "H", "district": "N"}, "credential": "TEAM-QUES",\n'
  printf '  "submitted_at": "2026-11-22", "evidence": [{"part": "overview", "kind": "text",\n  "text": "'
  head -c 1048577 /dev/zero | tr '\0' 'a'; printf '"}]}]\n'; } >"$T/longtext.json"
t_bad_ev longtext.json 'longtext.json:3: submission 1 (id "S-8"): evidence[0].text: 1048577 bytes, over the limit of 1048576 (1 MiB)'

# ---------------------------------------------------------------- line ends, encodings, JSON shapes (issue 14)
# A line break inside a quoted CSV field is data, CRLF included: the same record as
# JSON with "\r\n" in its text is the same record, not "different content".
printf '%s\r\n%s\r\n' "$H" 'S-901,E-9,Ida Nine,Northfield,,TEAM-QUES,2026-11-22,overview,text,"one",' >"$T/crlfield.csv"
printf '%s\r\n' "S-901,E-9,Ida Nine,Northfield,,TEAM-QUES,2026-11-22,reflection,text,\"first" 'second",' >>"$T/crlfield.csv"
t_run 0 import "$T/crlfield.csv"
t_check "CRLF inside the quoted field is kept" test "$(sql "SELECT hex(e.text) FROM evidence e JOIN submission s ON s.id = e.submission_id WHERE s.ext_id = 'S-901' ORDER BY e.seq DESC LIMIT 1")" = "$(printf 'first\r\nsecond' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)"
cat >"$T/crlfield.json" <<'EOF'
[{"id": "S-901", "educator": {"id": "E-9", "name": "Ida Nine", "district": "Northfield"},
  "credential": "TEAM-QUES", "submitted_at": "2026-11-22",
  "evidence": [{"part": "overview", "kind": "text", "text": "one"},
               {"part": "reflection", "kind": "text", "text": "first\r\nsecond"}]}]
EOF
t_snapshot
t_run 0 import "$T/crlfield.json"
t_stdout_has '1 unchanged'
t_db_unchanged
# CR-only (old Mac) and CRLF files: the line named is the line in an editor
printf '%s\r%s\r%s\r' "$H" "$R,overview,text,fine," "$R,summary,text,bad part," >"$T/cr.csv"
t_bad cr.csv "cr.csv:3: column 'part': no part 'summary'"
printf '%s\r\n%s\r\n%s\r\n' "$H" "$R,overview,text,fine," "$R,summary,text,bad part," >"$T/crlf3.csv"
t_bad crlf3.csv "crlf3.csv:3: column 'part': no part 'summary'"
printf '%s\r%s\r%s\r' "$H" "$R,overview,text,\"two" "lines\"x," >"$T/crq.csv"
t_bad crq.csv "crq.csv:3:7: column 'text': malformed quoting"
printf '[\r{"id": "S-1",\r "educator": "Ann"}]\r' >"$T/cr.json"
t_bad cr.json 'cr.json:3: not the expected shape: submission 1 (id "S-1"): educator: expected an object'
printf '[\r{"id": "S-1",\r "credential" "X"}]\r' >"$T/crsyntax.json"
t_bad crsyntax.json 'crsyntax.json:3:'
t_stderr_has 'malformed JSON:'
# JSON shape errors name the line of the very element; valid JSON is never "malformed"
printf '[\n  {"id": "S-1", "educator": {"id": "E-1", "name": "A", "district": "N"},\n   "credential": "TEAM-QUES", "submitted_at": "2026-11-22", "evidence": []},\n  "S-2"\n]\n' >"$T/elem.json"
t_bad elem.json 'elem.json:4: not the expected shape: submission 2: expected an object'
printf '\n\n"just text"\n' >"$T/scalar.json"
t_bad scalar.json 'scalar.json:3: not the expected shape: expected an array of submissions'
printf '[\n {"id": "S-1",\n  "id": "S-2"}]\n' >"$T/dupkey.json"
t_bad dupkey.json 'dupkey.json:3:'
t_stderr_has 'not the expected shape: a key appears twice in one object'
if grep -q malformed "$ERR"; then t_fail "a duplicate key is not called malformed"; else t_ok "a duplicate key is not called malformed"; fi
printf '[\n {"id": "S-1\\u0000"}]\n' >"$T/nul.json"
t_bad nul.json 'nul.json:2:'
t_stderr_has 'a NUL character (\u0000) in a string'
if grep -q 'JSON_' "$ERR"; then t_fail "no library flag in the message"; t_diag "$ERR"; else t_ok "no library flag in the message"; fi
# UTF-16 and UTF-32 files are named as such
printf '\377\376s\000u\000' >"$T/u16le.csv"
t_bad u16le.csv 'u16le.csv is UTF-16 (little-endian); save it as UTF-8'
printf '\376\377\000[' >"$T/u16be.json"
t_bad u16be.json 'u16be.json is UTF-16 (big-endian); save it as UTF-8'
printf '\377\376\000\000[\000\000\000' >"$T/u32le.json"
t_bad u32le.json 'u32le.json is UTF-32 (little-endian); save it as UTF-8'
printf '\000\000\376\377\000\000\000[' >"$T/u32be.json"
t_bad u32be.json 'u32be.json is UTF-32 (big-endian); save it as UTF-8'

# ---------------------------------------------------------------- streamed (issue 15): earlier records
# The import holds one submission at a time; what earlier records of the file
# said is asked of the transaction, and messages still name them.
# A submission's rows follow one another: more of its rows further down are refused
lines apart.csv "$H" "$P0" "S-601,E-61,Ann Six,Northfield,,TEAM-QUES,2026-11-22,overview,text,hi," \
	"S-602,E-62,Bo Six,Northfield,,TEAM-QUES,2026-11-22,overview,text,hi," \
	"S-601,E-61,Ann Six,Northfield,,TEAM-QUES,2026-11-22,reflection,text,again,"
t_bad_ev apart.csv "apart.csv:5: column 'submission_id': submission S-601 also has rows at line 3; the rows of a submission must follow one another"
# the same id twice where the first was imported before, unchanged
el='{"id": "S-901", "educator": {"id": "E-9", "name": "Ida Nine", "district": "Northfield"}, "credential": "TEAM-QUES", "submitted_at": "2026-11-22", "evidence": [{"part": "overview", "kind": "text", "text": "one"}, {"part": "reflection", "kind": "text", "text": "first\r\nsecond"}]}'
printf '[%s,\n %s]\n' "$el" "$el" >"$T/again.json"
t_bad again.json "again.json:2: submission 2 (id \"S-901\"): id: the id 'S-901' is also that of submission 1"
# an educator brought up to date by the file's first record: later ones agree with it
lines eduupd.csv "$H" "S-604,E-1,Ann Lea,Northfield,Oak Elementary,TEAM-STD,2026-12-03,overview,text,hi," \
	"S-605,E-1,Ann Lee,Northfield,Oak Elementary,TEAM-THINK,2026-12-03,overview,text,hi,"
t_bad eduupd.csv "eduupd.csv:3: column 'educator_name': disagrees with line 2 for educator E-1 ('Ann Lea' there, 'Ann Lee' here)"
# first met in a record imported before (unchanged) whose educator has changed
# since (moved.csv): the file's description, not the database's, is the one to agree with
{ head -n 1 "$FX/good.csv"; grep '^S-102' "$FX/good.csv"; echo 'S-603,E-2,Bo Chen,Southgate,Pine High,TEAM-QUES,2026-12-03,overview,text,hi,'; } >"$T/eduold.csv"
t_bad_ev eduold.csv "eduold.csv:5: column 'educator_name': disagrees with line 2 for educator E-2 ('Chen, Bo' there, 'Bo Chen' here)"
{ head -n 1 "$FX/good.csv"; grep '^S-102' "$FX/good.csv"; echo 'S-603,E-2,"Chen, Bo",Northfield,,TEAM-QUES,2026-12-03,overview,text,hi,'; } >"$T/eduold2.csv"
t_run 0 import "$T/eduold2.csv" --evidence "$EV"
t_stdout_has 'imported 1 submission (1 evidence item, 0 files); 1 unchanged'
t_check "the educator is as the file says again" test "$(sql "SELECT e.name || '/' || d.name FROM educator e JOIN district d ON d.id = e.district_id WHERE e.ext_id = 'E-2'")" = "Chen, Bo/Northfield"

# a pipe is read once (no first reading for its form), and imports all the same
mkfifo "$T/pipe.csv"
lines piped.csv "$H" "S-606,E-66,Gus Six,Northfield,,TEAM-QUES,2026-12-03,overview,text,piped,"
cat "$T/piped.csv" >"$T/pipe.csv" &
t_run 0 import "$T/pipe.csv"
t_stdout_has 'imported 1 submission (1 evidence item, 0 files); 0 unchanged'
wait

done_testing
