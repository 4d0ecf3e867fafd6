-- mcassess schema. Each "-- migration N" section upgrades user_version N-1 to N;
-- a section is never edited once released: add a new one instead.
-- Conventions: STRICT tables; integer rowids are internal; every row a person
-- creates carries `uid` (UUIDv7 text) and its author, so databases merged from
-- offline review packets never clash. Times are ISO 8601 UTC text.

-- migration 1
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;

-- The credential catalog. A credential has versioned rubrics; a submission is
-- scored against the version it was submitted under.
CREATE TABLE pathway (
	id    INTEGER PRIMARY KEY,
	code  TEXT NOT NULL UNIQUE,
	title TEXT NOT NULL,
	goal  INTEGER NOT NULL DEFAULT 0 CHECK (goal >= 0)  -- credentials the program hopes to award
) STRICT;

CREATE TABLE credential (
	id              INTEGER PRIMARY KEY,
	code            TEXT NOT NULL UNIQUE,
	pathway_id      INTEGER NOT NULL REFERENCES pathway(id),
	title           TEXT NOT NULL,
	current_version INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE rubric (
	id            INTEGER PRIMARY KEY,
	credential_id INTEGER NOT NULL REFERENCES credential(id),
	version       INTEGER NOT NULL CHECK (version >= 1),
	title         TEXT NOT NULL,
	competency    TEXT NOT NULL,
	key_method    TEXT NOT NULL,
	passing_rule  TEXT NOT NULL CHECK (passing_rule IN ('all_criteria_pass')),
	source_sha256 TEXT NOT NULL,   -- of the canonical form, to tell a changed catalog
	loaded_at     TEXT NOT NULL,
	loaded_by     TEXT NOT NULL,
	UNIQUE (credential_id, version)
) STRICT;

CREATE TABLE part (
	id        INTEGER PRIMARY KEY,
	rubric_id INTEGER NOT NULL REFERENCES rubric(id),
	seq       INTEGER NOT NULL,
	code      TEXT NOT NULL,
	title     TEXT NOT NULL,
	kind      TEXT NOT NULL CHECK (kind IN ('overview', 'artifact', 'reflection')),
	prompt    TEXT NOT NULL,
	min_words INTEGER CHECK (min_words IS NULL OR min_words >= 0),
	max_words INTEGER CHECK (max_words IS NULL OR max_words >= 1),
	required  INTEGER NOT NULL DEFAULT 1 CHECK (required IN (0, 1)),
	UNIQUE (rubric_id, code)
) STRICT;

CREATE TABLE criterion (
	id        INTEGER PRIMARY KEY,
	rubric_id INTEGER NOT NULL REFERENCES rubric(id),
	part_id   INTEGER NOT NULL REFERENCES part(id),
	seq       INTEGER NOT NULL,
	code      TEXT NOT NULL,         -- unique within a rubric: "O1", "A2", "R1"
	text      TEXT NOT NULL,
	UNIQUE (rubric_id, code)
) STRICT;
CREATE INDEX criterion_part ON criterion(part_id, seq);

CREATE TABLE level (
	id           INTEGER PRIMARY KEY,
	criterion_id INTEGER NOT NULL REFERENCES criterion(id),
	seq          INTEGER NOT NULL,   -- 1 = lowest
	code         TEXT NOT NULL,
	label        TEXT NOT NULL,
	descriptor   TEXT NOT NULL,
	passes       INTEGER NOT NULL CHECK (passes IN (0, 1)),
	UNIQUE (criterion_id, code),
	UNIQUE (criterion_id, seq)
) STRICT;

-- Where educators work.
CREATE TABLE district (
	id   INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE school (
	id          INTEGER PRIMARY KEY,
	district_id INTEGER NOT NULL REFERENCES district(id),
	name        TEXT NOT NULL,
	UNIQUE (district_id, name)
) STRICT;

CREATE TABLE cohort (
	id          INTEGER PRIMARY KEY,
	district_id INTEGER NOT NULL REFERENCES district(id),
	name        TEXT NOT NULL,
	year        INTEGER,
	UNIQUE (district_id, name)
) STRICT;

CREATE TABLE educator (
	id          INTEGER PRIMARY KEY,
	ext_id      TEXT NOT NULL UNIQUE,   -- the submission platform's id
	name        TEXT NOT NULL,
	district_id INTEGER NOT NULL REFERENCES district(id),
	school_id   INTEGER REFERENCES school(id),
	cohort_id   INTEGER REFERENCES cohort(id),
	anon_id     TEXT NOT NULL UNIQUE    -- shown instead of the name when scoring blind
) STRICT;

-- People who use mcassess, by OS account.
CREATE TABLE person (
	id          INTEGER PRIMARY KEY,
	user        TEXT NOT NULL UNIQUE,
	name        TEXT NOT NULL DEFAULT '',
	email       TEXT NOT NULL DEFAULT '',
	role        TEXT NOT NULL CHECK (role IN ('assessor', 'coordinator', 'admin')),
	district_id INTEGER REFERENCES district(id),
	created_at  TEXT NOT NULL
) STRICT;

-- One attempt by one educator at one credential.
CREATE TABLE submission (
	id            INTEGER PRIMARY KEY,
	ext_id        TEXT NOT NULL UNIQUE,
	educator_id   INTEGER NOT NULL REFERENCES educator(id),
	credential_id INTEGER NOT NULL REFERENCES credential(id),
	rubric_id     INTEGER NOT NULL REFERENCES rubric(id),
	attempt       INTEGER NOT NULL DEFAULT 1 CHECK (attempt >= 1),
	previous_id   INTEGER REFERENCES submission(id),
	status        TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'in_progress',
		'awaiting_approval', 'earned', 'resubmit', 'incomplete', 'withdrawn')),
	submitted_at  TEXT NOT NULL,
	imported_at   TEXT NOT NULL,
	source_sha256 TEXT NOT NULL,        -- of the imported record, so a re-import is recognised
	updated_at    TEXT NOT NULL
) STRICT;
-- Keyset paging of the queue: (status, submitted_at, id) and per credential/educator.
CREATE INDEX submission_status ON submission(status, submitted_at, id);
CREATE INDEX submission_credential ON submission(credential_id, status, submitted_at, id);
CREATE INDEX submission_educator ON submission(educator_id, credential_id, attempt);
CREATE INDEX submission_submitted ON submission(submitted_at, id);

-- Files are stored once, by content, under DB.evidence/xx/SHA256.
CREATE TABLE blob (
	sha256     TEXT PRIMARY KEY,
	size       INTEGER NOT NULL CHECK (size >= 0),
	media_type TEXT NOT NULL
) STRICT;

CREATE TABLE evidence (
	id            INTEGER PRIMARY KEY,
	submission_id INTEGER NOT NULL REFERENCES submission(id),
	seq           INTEGER NOT NULL,
	part_id       INTEGER NOT NULL REFERENCES part(id),
	kind          TEXT NOT NULL CHECK (kind IN ('text', 'file')),
	text          TEXT,                 -- kind = text
	file_name     TEXT,                 -- kind = file: the name it was imported under
	blob_sha256   TEXT REFERENCES blob(sha256),
	sha256        TEXT NOT NULL,        -- of the text or the file
	words         INTEGER NOT NULL DEFAULT 0,
	media_type    TEXT NOT NULL,
	UNIQUE (submission_id, seq),
	CHECK ((kind = 'text' AND text IS NOT NULL AND blob_sha256 IS NULL)
	    OR (kind = 'file' AND blob_sha256 IS NOT NULL))
) STRICT;
CREATE INDEX evidence_sha ON evidence(sha256);
CREATE INDEX evidence_part ON evidence(part_id);

-- Scores belong to an assessor and a read, never just to a submission.
CREATE TABLE score (
	id            INTEGER PRIMARY KEY,
	uid           TEXT NOT NULL UNIQUE,
	submission_id INTEGER NOT NULL REFERENCES submission(id),
	criterion_id  INTEGER NOT NULL REFERENCES criterion(id),
	level_id      INTEGER NOT NULL REFERENCES level(id),
	assessor      TEXT NOT NULL,
	read          TEXT NOT NULL DEFAULT 'first' CHECK (read IN ('first', 'second', 'adjudication')),
	comment       TEXT NOT NULL DEFAULT '',
	at            TEXT NOT NULL,
	UNIQUE (submission_id, read, criterion_id)
) STRICT;
CREATE INDEX score_assessor ON score(assessor, at);

CREATE TABLE feedback (
	id            INTEGER PRIMARY KEY,
	uid           TEXT NOT NULL UNIQUE,
	submission_id INTEGER NOT NULL REFERENCES submission(id),
	read          TEXT NOT NULL DEFAULT 'first' CHECK (read IN ('first', 'second', 'adjudication')),
	author        TEXT NOT NULL,
	body          TEXT NOT NULL,
	at            TEXT NOT NULL,
	UNIQUE (submission_id, read)
) STRICT;

-- Unsaved work from the feedback editor: target is 'overall' or a criterion code.
CREATE TABLE draft (
	id            INTEGER PRIMARY KEY,
	uid           TEXT NOT NULL UNIQUE,
	submission_id INTEGER NOT NULL REFERENCES submission(id),
	author        TEXT NOT NULL,
	target        TEXT NOT NULL,
	body          TEXT NOT NULL,
	at            TEXT NOT NULL,
	UNIQUE (submission_id, author, target)
) STRICT;

CREATE TABLE decision (
	id            INTEGER PRIMARY KEY,
	uid           TEXT NOT NULL UNIQUE,
	submission_id INTEGER NOT NULL UNIQUE REFERENCES submission(id),
	outcome       TEXT NOT NULL CHECK (outcome IN ('earned', 'resubmit', 'incomplete')),
	decided_by    TEXT NOT NULL,
	reason        TEXT NOT NULL DEFAULT '',
	at            TEXT NOT NULL
) STRICT;

CREATE TABLE assignment (
	id            INTEGER PRIMARY KEY,
	uid           TEXT NOT NULL UNIQUE,
	submission_id INTEGER NOT NULL REFERENCES submission(id),
	assessor      TEXT NOT NULL,
	read          TEXT NOT NULL DEFAULT 'first' CHECK (read IN ('first', 'second', 'adjudication')),
	blind         INTEGER NOT NULL DEFAULT 0 CHECK (blind IN (0, 1)),
	assigned_by   TEXT NOT NULL,
	at            TEXT NOT NULL,
	UNIQUE (submission_id, read)
) STRICT;
CREATE INDEX assignment_assessor ON assignment(assessor);

-- Who has a submission open for scoring right now.
CREATE TABLE claim (
	submission_id INTEGER PRIMARY KEY REFERENCES submission(id),
	uid           TEXT NOT NULL UNIQUE,
	user          TEXT NOT NULL,
	claimed_at    TEXT NOT NULL,
	seen_at       TEXT NOT NULL
) STRICT;

-- Append-only, hash-chained: hash = SHA-256 over prev_hash and the row's fields
-- (see audit.c), so an edited or deleted row breaks the chain.
CREATE TABLE audit (
	seq       INTEGER PRIMARY KEY,
	uid       TEXT NOT NULL UNIQUE,
	at        TEXT NOT NULL,
	actor     TEXT NOT NULL,
	action    TEXT NOT NULL,
	subject   TEXT NOT NULL,
	before    TEXT,                      -- JSON, NULL when nothing was there
	after     TEXT,                      -- JSON, NULL when removed
	prev_hash TEXT NOT NULL,
	hash      TEXT NOT NULL UNIQUE
) STRICT;
CREATE INDEX audit_subject ON audit(subject, seq);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
	BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
	BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
-- The queue sorted by credential: each credential's submissions in age order
-- whatever their status (submission_credential has the status in between).
CREATE INDEX submission_credential_age ON submission(credential_id, submitted_at, id);

-- migration 2
-- Counts by status for the queue header, kept by triggers: a COUNT(*) over
-- hundreds of thousands of rows has no place on a keystroke.
CREATE TABLE status_count (
	status TEXT PRIMARY KEY,
	n      INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO status_count(status, n)
	SELECT s.status, (SELECT count(*) FROM submission WHERE status = s.status)
	FROM (SELECT 'queued' AS status UNION ALL SELECT 'in_progress' UNION ALL
	      SELECT 'awaiting_approval' UNION ALL SELECT 'earned' UNION ALL SELECT 'resubmit'
	      UNION ALL SELECT 'incomplete' UNION ALL SELECT 'withdrawn') AS s;
CREATE TRIGGER status_count_ins AFTER INSERT ON submission BEGIN
	UPDATE status_count SET n = n + 1 WHERE status = NEW.status;
END;
CREATE TRIGGER status_count_del AFTER DELETE ON submission BEGIN
	UPDATE status_count SET n = n - 1 WHERE status = OLD.status;
END;
CREATE TRIGGER status_count_upd AFTER UPDATE OF status ON submission
	WHEN OLD.status <> NEW.status BEGIN
	UPDATE status_count SET n = n - 1 WHERE status = OLD.status;
	UPDATE status_count SET n = n + 1 WHERE status = NEW.status;
END;

-- migration 3
-- Full-text search (kept in step by src/store/store_search.c; see search.h).
-- Evidence text is indexed in place: an external-content table, no second copy
-- of the text. Feedback changes, so its table keeps its own (small) copy: a
-- changed feedback is replaced by rowid without the old text. Tokenizer
-- 'mcassess' (src/store/fts.c: Latin words as unicode61, CJK runs as
-- overlapping bigrams) is registered on every connection the store opens; the
-- sqlite3 shell does not have it, so no trigger here writes these tables.
-- Rows already present are indexed by the first search (high-water marks in meta).
CREATE VIRTUAL TABLE search_evidence USING fts5(text, content='evidence', content_rowid='id',
	tokenize='mcassess');
CREATE VIRTUAL TABLE search_feedback USING fts5(body, tokenize='mcassess');
-- Feedback changed since the index last caught up, found without a scan.
CREATE INDEX feedback_at ON feedback(at);

-- migration 4
-- The evidence archive's outbox (src/store/store_archive.c, src/archive/archive.c).
-- While an archive is configured (meta 'archive_path'), every audit row also
-- queues here, in the same transaction, with the record of its subject as it
-- stood then (canonical JSON; NULL for 'database': the whole state is written).
-- After the command commits, the archive takes the rows in seq order, writes a
-- git commit for each and deletes them; a row that cannot be written yet (disk
-- full, permissions, a lock) waits, and `check` reports the backlog.
CREATE TABLE outbox (
	seq        INTEGER PRIMARY KEY,
	audit_seq  INTEGER NOT NULL UNIQUE,
	audit_hash TEXT NOT NULL,
	at         TEXT NOT NULL,
	actor      TEXT NOT NULL,
	action     TEXT NOT NULL,
	subject    TEXT NOT NULL,
	after      TEXT,                 -- the audit row's JSON
	record     TEXT,                 -- the subject's record at the time of the event
	state      TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'failed')),
	error      TEXT                  -- why the last attempt failed
) STRICT;

-- migration 5
-- Pre-checks (src/core/precheck.c, store_precheck.c): evidence identical to
-- another educator's. Files compare by evidence.sha256 (evidence_sha); texts
-- also by the SHA-256 of their normalised form (lower case, white space
-- collapsed), so a copy with other line breaks is found too. A table of its
-- own, not a column of evidence: filling it never rewrites the evidence text.
-- Written by the program (import and demo, in their transactions) for text
-- rows above its highest evidence_id; a row removed from evidence takes its
-- hash along.
CREATE TABLE evidence_norm (
	evidence_id INTEGER PRIMARY KEY,
	sha256      TEXT NOT NULL
) STRICT;
CREATE INDEX evidence_norm_sha ON evidence_norm(sha256);
CREATE TRIGGER evidence_norm_del AFTER DELETE ON evidence BEGIN
	DELETE FROM evidence_norm WHERE evidence_id = OLD.id;
END;

-- migration 6
-- The archive's history, indexed for `archive log` and the history pane
-- (src/archive/archive.c, store_archive.c): for each commit, in the order the
-- log shows them (ord: the position in the archive's whole history, oldest
-- first, as a walk of all of it sorts them), a row per key it concerns: a
-- submission's record path it changed (against its first parent), or the
-- subject its "Subject:" trailer names ("submission:ID"). Meta
-- 'archive_log_head' is the commit whose history the rows cover and
-- 'archive_log_count' how many commits that is. The drain adds its commits in
-- the transaction that takes their events off the outbox; history written
-- otherwise (pull, init, before this migration) is indexed from the archive
-- the next time the log is read. Only a cache: emptied, it is rebuilt.
CREATE TABLE archive_log (
	ord       INTEGER NOT NULL,
	commit_id TEXT NOT NULL,
	key       TEXT NOT NULL
) STRICT;
CREATE INDEX archive_log_key ON archive_log(key, ord);

-- migration 7
-- Reports (src/core/store_report.c, report.h). Progress reads every submission
-- in scope: this index holds all it needs (credential, educator, status,
-- attempt, submitted_at), so the scan never reads the wide submission rows, and
-- educator_district gives each educator's district without reading theirs.
-- score_read finds the second and adjudication reads (a fraction of the
-- scores) that agreement pairs with the reads before them.
CREATE INDEX submission_report ON submission(credential_id, educator_id, status, attempt, submitted_at);
CREATE INDEX educator_district ON educator(id, district_id);
CREATE INDEX score_read ON score(read, submission_id, criterion_id);


-- migration 8
-- Allocation (src/core/assign.c, store_assign.c). due_at: when a read is due,
-- fixed when it is assigned (meta 'due_days' business days, Saturday and Sunday
-- skipped; default 5); NULL for reads assigned before this migration, which
-- are never overdue. person.school: the school an assessor works in (a name
-- within their district), so that `assign --auto` never gives them an educator
-- of their own school; NULL when not known.
ALTER TABLE assignment ADD COLUMN due_at TEXT;
CREATE INDEX assignment_due ON assignment(due_at);
ALTER TABLE person ADD COLUMN school TEXT;

-- migration 9
-- Records (issue 11, items 4, 6 and 7).
-- An attempt beyond the limit (meta 'attempt_limit', default 3) is imported
-- only when an admin granted it: one row a granted attempt, used by the import
-- that needed it (used_by: the submission it let in).
CREATE TABLE attempt_grant (
	id            INTEGER PRIMARY KEY,
	uid           TEXT NOT NULL UNIQUE,
	educator_id   INTEGER NOT NULL REFERENCES educator(id),
	credential_id INTEGER NOT NULL REFERENCES credential(id),
	granted_by    TEXT NOT NULL,
	reason        TEXT NOT NULL,
	at            TEXT NOT NULL,
	used_by       INTEGER REFERENCES submission(id)
) STRICT;
CREATE INDEX attempt_grant_key ON attempt_grant(educator_id, credential_id);
-- Private notes of assessors, approvers, coordinators and admins on a
-- submission: never in the teacher's feedback, the export or a badge. `read`
-- is the author's read when they hold one (a blind read's notes are hidden as
-- its comments are), else NULL.
CREATE TABLE note (
	id            INTEGER PRIMARY KEY,
	uid           TEXT NOT NULL UNIQUE,
	submission_id INTEGER NOT NULL REFERENCES submission(id),
	author        TEXT NOT NULL,
	read          TEXT CHECK (read IS NULL OR read IN ('first', 'second', 'adjudication')),
	body          TEXT NOT NULL,
	at            TEXT NOT NULL
) STRICT;
CREATE INDEX note_submission ON note(submission_id, id);
-- A person removed (`people remove`) keeps their row, so their past scores,
-- decisions and audit rows still name someone; they may no longer act.
ALTER TABLE person ADD COLUMN removed_at TEXT;

-- migration 10
-- The review process (reads, approval): the approver role, and each read's own
-- decision. With `config reads 2` (meta 'reads') a submission is read twice;
-- each reader ends their read with a read_decision, the outcome of the process
-- is the `decision` row written when an approver approves. Meta 'approval'
-- ('on') asks for approval with one read too.
CREATE TABLE person_new (
	id          INTEGER PRIMARY KEY,
	user        TEXT NOT NULL UNIQUE,
	name        TEXT NOT NULL DEFAULT '',
	email       TEXT NOT NULL DEFAULT '',
	role        TEXT NOT NULL CHECK (role IN ('assessor', 'approver', 'coordinator', 'admin')),
	district_id INTEGER REFERENCES district(id),
	created_at  TEXT NOT NULL,
	school      TEXT,       -- from person (allocation)
	removed_at  TEXT        -- from person (records)
) STRICT;
INSERT INTO person_new SELECT id, user, name, email, role, district_id, created_at, school, removed_at
	FROM person;
DROP TABLE person;
ALTER TABLE person_new RENAME TO person;
CREATE TABLE read_decision (
	id            INTEGER PRIMARY KEY,
	uid           TEXT NOT NULL UNIQUE,
	submission_id INTEGER NOT NULL REFERENCES submission(id),
	read          TEXT NOT NULL CHECK (read IN ('first', 'second', 'adjudication')),
	assessor      TEXT NOT NULL,
	outcome       TEXT NOT NULL CHECK (outcome IN ('earned', 'resubmit')),
	at            TEXT NOT NULL,
	UNIQUE (submission_id, read)
) STRICT;

-- migration 11
-- Offline review packets (src/core/packet.c, store_packet.c; README "Review
-- packets"). A packet is a database of this schema holding one district's open
-- work; these tables record, on the server, what came back from packets, and,
-- in a packet, its evidence files.
-- packet_blob: in a packet only, the evidence files it carries, by content.
CREATE TABLE packet_blob (
	sha256 TEXT PRIMARY KEY,
	data   BLOB NOT NULL
) STRICT;
-- Each packet imported (a second import of the same packet adds nothing).
CREATE TABLE packet_import (
	packet_id   TEXT PRIMARY KEY,
	district    TEXT NOT NULL,
	exported_by TEXT NOT NULL,
	exported_at TEXT NOT NULL,
	imported_by TEXT NOT NULL,
	imported_at TEXT NOT NULL,
	events      INTEGER NOT NULL,
	conflicts   INTEGER NOT NULL
) STRICT;
-- The audit rows merged from a packet: the server row carries the laptop's uid,
-- author and time; this keeps the hash the row had in the packet's own chain.
CREATE TABLE packet_audit (
	audit_uid   TEXT PRIMARY KEY,
	packet_id   TEXT NOT NULL,
	packet_hash TEXT NOT NULL
) STRICT;
-- A submission changed both on the server (since the export) and in a packet:
-- nothing of the packet's for it is merged until a coordinator resolves it.
-- records: the packet's scores, feedback, decision and status (JSON); events:
-- the packet's audit rows for it (JSON), kept whatever the resolution.
CREATE TABLE packet_conflict (
	id          INTEGER PRIMARY KEY,
	packet_id   TEXT NOT NULL,
	submission  TEXT NOT NULL,
	server      TEXT NOT NULL,       -- what the server did meanwhile, for people
	packet      TEXT NOT NULL,       -- what the packet did, for people
	records     TEXT NOT NULL,
	events      TEXT NOT NULL,
	state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'server', 'packet')),
	resolved_by TEXT,
	resolved_at TEXT,
	UNIQUE (packet_id, submission)
) STRICT;

-- migration 12
-- Calibration (src/core/calibration.c; README "Calibration"). A coordinator
-- marks a decided submission as an exemplar of its credential with agreed
-- levels; assessors score exemplars in calibration reads that are kept apart
-- from the real scores (score, feedback, decision never change), and their
-- agreement with the agreed levels decides who is qualified for a credential
-- (meta 'calibration_threshold', percent exact agreement, default 80).
CREATE TABLE calibration_exemplar (
	id            INTEGER PRIMARY KEY,
	uid           TEXT NOT NULL UNIQUE,
	submission_id INTEGER NOT NULL UNIQUE REFERENCES submission(id),
	credential_id INTEGER NOT NULL REFERENCES credential(id),
	outcome       TEXT NOT NULL CHECK (outcome IN ('earned', 'resubmit')),
	added_by      TEXT NOT NULL,
	added_at      TEXT NOT NULL
) STRICT;
CREATE INDEX calibration_exemplar_credential ON calibration_exemplar(credential_id);
CREATE TABLE calibration_agreed (
	exemplar_id  INTEGER NOT NULL REFERENCES calibration_exemplar(id),
	criterion_id INTEGER NOT NULL REFERENCES criterion(id),
	level_id     INTEGER NOT NULL REFERENCES level(id),
	PRIMARY KEY (exemplar_id, criterion_id)
) STRICT;
-- An assessor's calibration scores, by submission (not exemplar), so that an
-- exemplar removed and added again finds them; decided_at NULL: not finished.
CREATE TABLE calibration_read (
	id            INTEGER PRIMARY KEY,
	uid           TEXT NOT NULL UNIQUE,
	submission_id INTEGER NOT NULL REFERENCES submission(id),
	assessor      TEXT NOT NULL,
	outcome       TEXT CHECK (outcome IS NULL OR outcome IN ('earned', 'resubmit')),
	started_at    TEXT NOT NULL,
	decided_at    TEXT,
	UNIQUE (submission_id, assessor)
) STRICT;
CREATE TABLE calibration_score (
	id           INTEGER PRIMARY KEY,
	uid          TEXT NOT NULL UNIQUE,
	read_id      INTEGER NOT NULL REFERENCES calibration_read(id),
	criterion_id INTEGER NOT NULL REFERENCES criterion(id),
	level_id     INTEGER NOT NULL REFERENCES level(id),
	at           TEXT NOT NULL,
	UNIQUE (read_id, criterion_id)
) STRICT;

-- migration 13
-- Review packets merged in any order (issue 12): several packets touching the
-- same submission make one conflict with a row for each packet, whatever the
-- order they come back in. A row's state 'other': another packet's side was
-- kept. While a submission's conflict is open its records are the server's own
-- (as before any packet touched it).
CREATE TABLE packet_conflict_new (
	id          INTEGER PRIMARY KEY,
	packet_id   TEXT NOT NULL,
	submission  TEXT NOT NULL,
	server      TEXT NOT NULL,
	packet      TEXT NOT NULL,
	records     TEXT NOT NULL,
	events      TEXT NOT NULL,
	state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'server', 'packet', 'other')),
	resolved_by TEXT,
	resolved_at TEXT,
	UNIQUE (packet_id, submission)
) STRICT;
INSERT INTO packet_conflict_new SELECT * FROM packet_conflict;
DROP TABLE packet_conflict;
ALTER TABLE packet_conflict_new RENAME TO packet_conflict;
-- A packet's records taken for a submission no one else touched: what they
-- replaced (before: the server's own records, JSON as packet_conflict.records),
-- so that a packet touching it later turns both into one conflict.
CREATE TABLE packet_merged (
	packet_id   TEXT NOT NULL,
	submission  TEXT NOT NULL,
	base_seq    INTEGER NOT NULL, -- the server's audit head when it was exported
	before      TEXT NOT NULL,
	packet      TEXT NOT NULL,
	records     TEXT NOT NULL,
	events      TEXT NOT NULL,
	PRIMARY KEY (packet_id, submission)
) STRICT;
CREATE INDEX packet_merged_submission ON packet_merged(submission);
-- Each packet exported from this database (packet list): what it took away.
-- assessors: a JSON array of user names; submissions: how many it holds.
CREATE TABLE packet_export (
	packet_id   TEXT PRIMARY KEY,
	district    TEXT NOT NULL,
	exported_by TEXT NOT NULL,
	exported_at TEXT NOT NULL,
	assessors   TEXT NOT NULL,
	submissions INTEGER NOT NULL
) STRICT;

-- migration 14
-- Allocation's own-work rules (issue 11): nobody reads their own submission or
-- one of their own cohort. person.educator: the educator id (educator.ext_id,
-- the submission platform's id) of a person who also submits as a teacher,
-- kept as text so the link may come before their submissions are imported;
-- person.cohort: the cohort they belong to, a name within their district, as
-- person.school is. NULL: none known.
ALTER TABLE person ADD COLUMN educator TEXT;
ALTER TABLE person ADD COLUMN cohort TEXT;

-- migration 15
-- Reports at a million submissions (issue 13; src/store/store_report.c).
-- report_day counts the submissions by the day they were submitted
-- (substr(submitted_at, 1, 10)), credential, the educator's district, status
-- and whether it is a first attempt, with the sum of their attempt numbers;
-- report_month holds the same by month and is kept from report_day. Triggers
-- keep both exact on every insert, change and delete of a submission and every
-- change of an educator's district, so progress adds up a few thousand rows
-- (whole months, and the days at either end of --since/--until) instead of
-- reading every submission. A count that falls to 0 keeps its row. A
-- submission whose educator is unknown counts under district 0, which no
-- report shows (as before: the reports join the educator). `check` recounts
-- both from the submissions.
-- report_submission: per submission, what turnaround and the assessors report
-- read (credential, district, status, when submitted, first assigned and
-- decided), in one compact row instead of four lookups in tables spread over a
-- 10 GB file; recomputed from the source rows (report_fact) whenever a
-- submission, its educator's district, an assignment or a decision changes.
-- report_assignment: the assessors report's walk in assessor order, from the
-- index alone; report_score the same for agreement's pairs of reads.
CREATE TABLE report_day (
	day           TEXT NOT NULL,
	credential_id INTEGER NOT NULL,
	district_id   INTEGER NOT NULL,
	status        TEXT NOT NULL,
	first         INTEGER NOT NULL,
	n             INTEGER NOT NULL,
	attempts      INTEGER NOT NULL,
	PRIMARY KEY (day, credential_id, district_id, status, first)
) STRICT, WITHOUT ROWID;
CREATE TABLE report_month (
	month         TEXT NOT NULL,
	credential_id INTEGER NOT NULL,
	district_id   INTEGER NOT NULL,
	status        TEXT NOT NULL,
	first         INTEGER NOT NULL,
	n             INTEGER NOT NULL,
	attempts      INTEGER NOT NULL,
	PRIMARY KEY (month, credential_id, district_id, status, first)
) STRICT, WITHOUT ROWID;
-- walks submission
INSERT INTO report_day(day, credential_id, district_id, status, first, n, attempts)
	SELECT substr(s.submitted_at, 1, 10), s.credential_id, coalesce(e.district_id, 0), s.status,
	s.attempt = 1, count(*), sum(s.attempt)
	FROM submission s LEFT JOIN educator e ON e.id = s.educator_id GROUP BY 1, 2, 3, 4, 5;
INSERT INTO report_month(month, credential_id, district_id, status, first, n, attempts)
	SELECT substr(day, 1, 7), credential_id, district_id, status, first, sum(n), sum(attempts)
	FROM report_day GROUP BY 1, 2, 3, 4, 5;
CREATE TRIGGER report_day_ins AFTER INSERT ON report_day BEGIN
	INSERT INTO report_month(month, credential_id, district_id, status, first, n, attempts)
		VALUES (substr(NEW.day, 1, 7), NEW.credential_id, NEW.district_id, NEW.status, NEW.first,
		NEW.n, NEW.attempts)
		ON CONFLICT DO UPDATE SET n = n + excluded.n, attempts = attempts + excluded.attempts;
END;
CREATE TRIGGER report_day_upd AFTER UPDATE ON report_day BEGIN
	UPDATE report_month SET n = n + NEW.n - OLD.n, attempts = attempts + NEW.attempts - OLD.attempts
		WHERE month = substr(NEW.day, 1, 7) AND credential_id = NEW.credential_id
		AND district_id = NEW.district_id AND status = NEW.status AND first = NEW.first;
END;
-- report_change: what a trigger adds to (n 1) or takes from (n -1) a counter;
-- the one place that writes report_day.
CREATE VIEW report_change(day, credential_id, educator_id, status, attempt, n) AS
	SELECT NULL, NULL, NULL, NULL, NULL, NULL WHERE 0;
CREATE TRIGGER report_change_ins INSTEAD OF INSERT ON report_change BEGIN
	INSERT INTO report_day(day, credential_id, district_id, status, first, n, attempts)
		VALUES (substr(NEW.day, 1, 10), NEW.credential_id,
		coalesce((SELECT district_id FROM educator WHERE id = NEW.educator_id), 0), NEW.status,
		NEW.attempt = 1, NEW.n, NEW.n * NEW.attempt)
		ON CONFLICT DO UPDATE SET n = n + excluded.n, attempts = attempts + excluded.attempts;
END;
CREATE TRIGGER report_sub_ins AFTER INSERT ON submission BEGIN
	INSERT INTO report_change VALUES (NEW.submitted_at, NEW.credential_id, NEW.educator_id, NEW.status,
		NEW.attempt, 1);
END;
CREATE TRIGGER report_sub_del AFTER DELETE ON submission BEGIN
	INSERT INTO report_change VALUES (OLD.submitted_at, OLD.credential_id, OLD.educator_id, OLD.status,
		OLD.attempt, -1);
END;
CREATE TRIGGER report_sub_upd AFTER UPDATE OF status, credential_id, educator_id, attempt, submitted_at
	ON submission WHEN OLD.status IS NOT NEW.status OR OLD.credential_id IS NOT NEW.credential_id
	OR OLD.educator_id IS NOT NEW.educator_id OR OLD.attempt IS NOT NEW.attempt
	OR substr(OLD.submitted_at, 1, 10) IS NOT substr(NEW.submitted_at, 1, 10) BEGIN
	INSERT INTO report_change VALUES (OLD.submitted_at, OLD.credential_id, OLD.educator_id, OLD.status,
		OLD.attempt, -1);
	INSERT INTO report_change VALUES (NEW.submitted_at, NEW.credential_id, NEW.educator_id, NEW.status,
		NEW.attempt, 1);
END;
CREATE TRIGGER report_educator_district AFTER UPDATE OF district_id ON educator
	WHEN OLD.district_id IS NOT NEW.district_id BEGIN
	UPDATE report_day SET n = report_day.n - g.n, attempts = report_day.attempts - g.a
		FROM (SELECT substr(submitted_at, 1, 10) AS d, credential_id AS c, status AS s, attempt = 1 AS f,
		count(*) AS n, sum(attempt) AS a FROM submission WHERE educator_id = NEW.id
		GROUP BY 1, 2, 3, 4) AS g
		WHERE day = g.d AND credential_id = g.c AND district_id = OLD.district_id
		AND status = g.s AND first = g.f;
	INSERT INTO report_day(day, credential_id, district_id, status, first, n, attempts)
		SELECT substr(submitted_at, 1, 10), credential_id, NEW.district_id, status, attempt = 1,
		count(*), sum(attempt) FROM submission WHERE educator_id = NEW.id GROUP BY 1, 2, 3, 4, 5
		ON CONFLICT DO UPDATE SET n = n + excluded.n, attempts = attempts + excluded.attempts;
END;
CREATE TABLE report_submission (
	submission_id INTEGER PRIMARY KEY,
	credential_id INTEGER NOT NULL,
	district_id   INTEGER NOT NULL,
	status        TEXT NOT NULL,
	submitted_at  TEXT NOT NULL,
	assigned_at   TEXT,
	decided_at    TEXT
) STRICT;
CREATE VIEW report_fact AS
	SELECT s.id AS submission_id, s.credential_id, coalesce(e.district_id, 0) AS district_id, s.status,
	s.submitted_at, (SELECT min(a.at) FROM assignment a WHERE a.submission_id = s.id) AS assigned_at,
	(SELECT dc.at FROM decision dc WHERE dc.submission_id = s.id) AS decided_at
	FROM submission s LEFT JOIN educator e ON e.id = s.educator_id;
-- walks submission
INSERT INTO report_submission SELECT * FROM report_fact;
CREATE INDEX report_assignment ON assignment(assessor, submission_id, at);
-- report_score: agreement's pairs of reads from the index alone.
CREATE INDEX report_score ON score(read, submission_id, criterion_id, level_id, assessor);
-- report_touch: a submission whose facts are to be read again.
CREATE VIEW report_touch(submission_id) AS SELECT NULL WHERE 0;
CREATE TRIGGER report_touch_ins INSTEAD OF INSERT ON report_touch BEGIN
	DELETE FROM report_submission WHERE submission_id = NEW.submission_id;
	INSERT INTO report_submission SELECT * FROM report_fact WHERE submission_id = NEW.submission_id;
END;
CREATE TRIGGER report_fact_sub_ins AFTER INSERT ON submission BEGIN
	INSERT INTO report_touch VALUES (NEW.id);
END;
CREATE TRIGGER report_fact_sub_del AFTER DELETE ON submission BEGIN
	INSERT INTO report_touch VALUES (OLD.id);
END;
CREATE TRIGGER report_fact_sub_upd AFTER UPDATE OF id, status, credential_id, educator_id, submitted_at
	ON submission BEGIN
	INSERT INTO report_touch VALUES (OLD.id);
	INSERT INTO report_touch SELECT NEW.id WHERE NEW.id IS NOT OLD.id;
END;
CREATE TRIGGER report_fact_assignment_ins AFTER INSERT ON assignment BEGIN
	INSERT INTO report_touch VALUES (NEW.submission_id);
END;
CREATE TRIGGER report_fact_assignment_del AFTER DELETE ON assignment BEGIN
	INSERT INTO report_touch VALUES (OLD.submission_id);
END;
CREATE TRIGGER report_fact_assignment_upd AFTER UPDATE OF submission_id, at ON assignment BEGIN
	INSERT INTO report_touch VALUES (OLD.submission_id);
	INSERT INTO report_touch SELECT NEW.submission_id WHERE NEW.submission_id IS NOT OLD.submission_id;
END;
CREATE TRIGGER report_fact_decision_ins AFTER INSERT ON decision BEGIN
	INSERT INTO report_touch VALUES (NEW.submission_id);
END;
CREATE TRIGGER report_fact_decision_del AFTER DELETE ON decision BEGIN
	INSERT INTO report_touch VALUES (OLD.submission_id);
END;
CREATE TRIGGER report_fact_decision_upd AFTER UPDATE OF submission_id, at ON decision BEGIN
	INSERT INTO report_touch VALUES (OLD.submission_id);
	INSERT INTO report_touch SELECT NEW.submission_id WHERE NEW.submission_id IS NOT OLD.submission_id;
END;
CREATE TRIGGER report_educator_facts AFTER UPDATE OF district_id ON educator
	WHEN OLD.district_id IS NOT NEW.district_id BEGIN
	INSERT INTO report_touch SELECT id FROM submission WHERE educator_id = NEW.id;
END;

-- migration 16
-- The impact index beside each search table (src/store/fts_impact.c): ranked
-- top-k without reading every match. search_term: each word's row count
-- (bm25's idf) per table (src 0 evidence, 1 feedback); the word '' holds the
-- table's rows (df) and tokens, which must equal FTS5's own or the index is
-- not used. search_impact: for each word and each count of it in a row (tf),
-- the first rows by length (dl, then rowid): bm25 ranks the rows of one tf by
-- length alone, so a word's best rows are among the first of its groups.
-- search_impact_cut: the groups that hold only their first rows.
CREATE TABLE search_term (
	id     INTEGER PRIMARY KEY,
	src    INTEGER NOT NULL,
	term   TEXT NOT NULL,
	df     INTEGER NOT NULL,
	tokens INTEGER NOT NULL DEFAULT 0,
	UNIQUE (src, term)
) STRICT;
CREATE TABLE search_impact (
	tid INTEGER NOT NULL,
	tf  INTEGER NOT NULL,
	dl  INTEGER NOT NULL,
	doc INTEGER NOT NULL,
	PRIMARY KEY (tid, tf, dl, doc)
) STRICT, WITHOUT ROWID;
CREATE TABLE search_impact_cut (
	tid INTEGER NOT NULL,
	tf  INTEGER NOT NULL,
	PRIMARY KEY (tid, tf)
) STRICT, WITHOUT ROWID;

-- migration 17
-- A submission's conflicts by its id: a packet's import asks for each of its
-- submissions whether another packet holds an open conflict on it, and every
-- conflict ever recorded stays (resolved) in this table, so that without the
-- index each submission cost a walk of all of them.
CREATE INDEX packet_conflict_submission ON packet_conflict(submission, state);

-- migration 18
-- What changed since the last clean check, for check --since-last
-- (src/core/check.c): each day whose counters (report_day) were written and
-- each submission whose facts (report_submission) were, with the order of its
-- latest change (seq only grows: a day written again moves to the end). A
-- clean check records the last seq it saw; --since-last recounts the days
-- after it from their submissions, their months from the days' counters, and
-- those submissions' facts: time in proportion to what changed. One row per
-- day or submission ever changed, so the tables stay small. The triggers fire
-- on the counters themselves: a counter edited in SQLite marks its day too.
-- A clean check recorded before this did not cover the counters: its marks
-- (check.c's MARK_*) go, so the next --since-last checks everything once.
CREATE TABLE check_dirty_day (
	day TEXT PRIMARY KEY,
	seq INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX check_dirty_day_seq ON check_dirty_day(seq);
CREATE TABLE check_dirty_submission (
	submission_id INTEGER PRIMARY KEY,
	seq           INTEGER NOT NULL
) STRICT;
CREATE INDEX check_dirty_submission_seq ON check_dirty_submission(seq);
CREATE VIEW check_dirty(day, submission_id) AS SELECT NULL, NULL WHERE 0;
CREATE TRIGGER check_dirty_ins INSTEAD OF INSERT ON check_dirty BEGIN
	INSERT INTO check_dirty_day SELECT NEW.day, (SELECT coalesce(max(seq), 0) + 1 FROM check_dirty_day)
		WHERE NEW.day IS NOT NULL ON CONFLICT DO UPDATE SET seq = excluded.seq;
	INSERT INTO check_dirty_submission SELECT NEW.submission_id,
		(SELECT coalesce(max(seq), 0) + 1 FROM check_dirty_submission)
		WHERE NEW.submission_id IS NOT NULL ON CONFLICT DO UPDATE SET seq = excluded.seq;
END;
CREATE TRIGGER check_dirty_day_ins AFTER INSERT ON report_day BEGIN
	INSERT INTO check_dirty VALUES (NEW.day, NULL);
END;
CREATE TRIGGER check_dirty_day_upd AFTER UPDATE ON report_day BEGIN
	INSERT INTO check_dirty VALUES (OLD.day, NULL);
	INSERT INTO check_dirty SELECT NEW.day, NULL WHERE NEW.day IS NOT OLD.day;
END;
CREATE TRIGGER check_dirty_day_del AFTER DELETE ON report_day BEGIN
	INSERT INTO check_dirty VALUES (OLD.day, NULL);
END;
CREATE TRIGGER check_dirty_fact_ins AFTER INSERT ON report_submission BEGIN
	INSERT INTO check_dirty VALUES (NULL, NEW.submission_id);
END;
CREATE TRIGGER check_dirty_fact_upd AFTER UPDATE ON report_submission BEGIN
	INSERT INTO check_dirty VALUES (NULL, OLD.submission_id);
	INSERT INTO check_dirty SELECT NULL, NEW.submission_id WHERE NEW.submission_id IS NOT OLD.submission_id;
END;
CREATE TRIGGER check_dirty_fact_del AFTER DELETE ON report_submission BEGIN
	INSERT INTO check_dirty VALUES (NULL, OLD.submission_id);
END;
DELETE FROM meta WHERE key IN ('check.clean_evidence_id', 'check.clean_audit_seq', 'check.clean_audit_hash');

-- migration 19
-- Agreement's pairs of reads kept by triggers (issue 13; src/store/store_report.c).
-- report_pair: one row for every pair of reads of one criterion of a
-- submission that agreement counts (x the earlier read, first or second; y
-- the later, second or adjudication), with fs = 1 when it pairs the first and
-- second reads and fin = 1 when y is the final read (the adjudication, or the
-- second when there is none), and the submission's day, credential and
-- district. It is recomputed for a (submission, criterion) whenever one of its
-- scores is written, and for a whole submission when its day, credential,
-- educator or the educator's district changes (not on every status change,
-- assignment or decision: those do not move a pair). report_pair_count counts those rows
-- for all time (per 'all', at ''), by month (per 'month', at 'YYYY-MM') and by
-- day (per 'day', at 'YYYY-MM-DD'), with credential, district, criterion, the
-- earlier read's assessor, fs, fin and both levels (level ids: the seq is read
-- at query time), so agreement adds up k-by-k tables instead of pairing a
-- million reads; an assessor's own pairs (either read theirs) come from
-- report_pair by its two assessor indexes. A count that falls to 0 keeps its
-- row. `check` recounts both.
CREATE TABLE report_pair (
	submission_id INTEGER NOT NULL,
	criterion_id  INTEGER NOT NULL,
	x_read        TEXT NOT NULL,
	y_read        TEXT NOT NULL,
	day           TEXT NOT NULL,
	credential_id INTEGER NOT NULL,
	district_id   INTEGER NOT NULL,
	x_assessor    TEXT NOT NULL,
	y_assessor    TEXT NOT NULL,
	x_level       INTEGER NOT NULL,
	y_level       INTEGER NOT NULL,
	fs            INTEGER NOT NULL,
	fin           INTEGER NOT NULL,
	PRIMARY KEY (submission_id, criterion_id, x_read, y_read)
) STRICT, WITHOUT ROWID;
CREATE INDEX report_pair_x ON report_pair(x_assessor);
CREATE INDEX report_pair_y ON report_pair(y_assessor);
CREATE TABLE report_pair_count (
	per           TEXT NOT NULL CHECK (per IN ('all', 'month', 'day')),
	at            TEXT NOT NULL,
	credential_id INTEGER NOT NULL,
	district_id   INTEGER NOT NULL,
	criterion_id  INTEGER NOT NULL,
	x_assessor    TEXT NOT NULL,
	fs            INTEGER NOT NULL,
	fin           INTEGER NOT NULL,
	x_level       INTEGER NOT NULL,
	y_level       INTEGER NOT NULL,
	n             INTEGER NOT NULL,
	PRIMARY KEY (per, at, credential_id, district_id, criterion_id, x_assessor, fs, fin, x_level, y_level)
) STRICT, WITHOUT ROWID;
-- report_pair_fact: the pairs as the scores and submissions say now, the rows
-- report_pair must hold; from the submissions, so that filling it walks them
-- in order (and shows a percentage), and one submission's is a few lookups.
CREATE VIEW report_pair_fact AS
	SELECT f.id AS submission_id, y.criterion_id, x.read AS x_read, y.read AS y_read,
	substr(f.submitted_at, 1, 10) AS day, f.credential_id,
	coalesce((SELECT e.district_id FROM educator e WHERE e.id = f.educator_id), 0) AS district_id,
	x.assessor AS x_assessor,
	y.assessor AS y_assessor, x.level_id AS x_level, y.level_id AS y_level,
	x.read = 'first' AND y.read = 'second' AS fs,
	y.read = 'adjudication' OR NOT EXISTS (SELECT 1 FROM score z WHERE z.submission_id = y.submission_id
		AND z.read = 'adjudication' AND z.criterion_id = y.criterion_id) AS fin
	FROM submission f
	CROSS JOIN score y INDEXED BY report_score ON y.submission_id = f.id
	AND y.read IN ('second', 'adjudication')
	CROSS JOIN score x ON x.submission_id = y.submission_id AND x.criterion_id = y.criterion_id
	AND x.read IN ('first', 'second') AND (x.read = 'first' OR y.read = 'adjudication');
-- walks submission
INSERT INTO report_pair SELECT * FROM report_pair_fact;
-- report_pair_per: the counts a pair of that day goes to.
CREATE VIEW report_pair_per(per, len) AS VALUES ('all', 0), ('month', 7), ('day', 10);
INSERT INTO report_pair_count SELECT per.per, substr(day, 1, per.len), credential_id, district_id, criterion_id,
	x_assessor, fs, fin, x_level, y_level, count(*) FROM report_pair, report_pair_per per
	GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;
-- report_pair_change: what a trigger adds to (n 1) or takes from (n -1) the
-- counts of a day and its month; the one place that writes report_pair_count.
CREATE VIEW report_pair_change(day, credential_id, district_id, criterion_id, x_assessor, fs, fin,
	x_level, y_level, n) AS SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL WHERE 0;
CREATE TRIGGER report_pair_change_ins INSTEAD OF INSERT ON report_pair_change BEGIN
	INSERT INTO report_pair_count SELECT per.per, substr(NEW.day, 1, per.len), NEW.credential_id,
		NEW.district_id, NEW.criterion_id, NEW.x_assessor, NEW.fs, NEW.fin, NEW.x_level, NEW.y_level, NEW.n
		FROM report_pair_per per WHERE 1 ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER report_pair_ins AFTER INSERT ON report_pair BEGIN
	INSERT INTO report_pair_change VALUES (NEW.day, NEW.credential_id, NEW.district_id, NEW.criterion_id,
		NEW.x_assessor, NEW.fs, NEW.fin, NEW.x_level, NEW.y_level, 1);
END;
CREATE TRIGGER report_pair_del AFTER DELETE ON report_pair BEGIN
	INSERT INTO report_pair_change VALUES (OLD.day, OLD.credential_id, OLD.district_id, OLD.criterion_id,
		OLD.x_assessor, OLD.fs, OLD.fin, OLD.x_level, OLD.y_level, -1);
END;
-- report_pair_touch: a (submission, criterion) whose pairs are to be read again.
CREATE VIEW report_pair_touch(submission_id, criterion_id) AS SELECT NULL, NULL WHERE 0;
CREATE TRIGGER report_pair_touch_ins INSTEAD OF INSERT ON report_pair_touch BEGIN
	DELETE FROM report_pair WHERE submission_id = NEW.submission_id AND criterion_id = NEW.criterion_id;
	INSERT INTO report_pair SELECT * FROM report_pair_fact
		WHERE submission_id = NEW.submission_id AND criterion_id = NEW.criterion_id;
END;
CREATE TRIGGER report_pair_score_ins AFTER INSERT ON score BEGIN
	INSERT INTO report_pair_touch VALUES (NEW.submission_id, NEW.criterion_id);
END;
CREATE TRIGGER report_pair_score_del AFTER DELETE ON score BEGIN
	INSERT INTO report_pair_touch VALUES (OLD.submission_id, OLD.criterion_id);
END;
CREATE TRIGGER report_pair_score_upd AFTER UPDATE OF submission_id, criterion_id, level_id, assessor, read
	ON score BEGIN
	INSERT INTO report_pair_touch VALUES (OLD.submission_id, OLD.criterion_id);
	INSERT INTO report_pair_touch SELECT NEW.submission_id, NEW.criterion_id
		WHERE NEW.submission_id IS NOT OLD.submission_id OR NEW.criterion_id IS NOT OLD.criterion_id;
END;
-- report_pair_move: a submission whose pairs are all to be read again.
CREATE VIEW report_pair_move(submission_id) AS SELECT NULL WHERE 0;
CREATE TRIGGER report_pair_move_ins INSTEAD OF INSERT ON report_pair_move BEGIN
	DELETE FROM report_pair WHERE submission_id = NEW.submission_id;
	INSERT INTO report_pair SELECT * FROM report_pair_fact WHERE submission_id = NEW.submission_id;
END;
CREATE TRIGGER report_pair_sub_del AFTER DELETE ON submission BEGIN
	INSERT INTO report_pair_move VALUES (OLD.id);
END;
CREATE TRIGGER report_pair_sub_upd AFTER UPDATE OF id, credential_id, educator_id, submitted_at ON submission
	WHEN OLD.id IS NOT NEW.id OR OLD.credential_id IS NOT NEW.credential_id
	OR OLD.educator_id IS NOT NEW.educator_id
	OR substr(OLD.submitted_at, 1, 10) IS NOT substr(NEW.submitted_at, 1, 10) BEGIN
	INSERT INTO report_pair_move VALUES (OLD.id);
	INSERT INTO report_pair_move SELECT NEW.id WHERE NEW.id IS NOT OLD.id;
END;
CREATE TRIGGER report_pair_educator AFTER UPDATE OF district_id ON educator
	WHEN OLD.district_id IS NOT NEW.district_id BEGIN
	INSERT INTO report_pair_move SELECT id FROM submission WHERE educator_id = NEW.id;
END;
-- check --since-last recounts agreement's counts for the days written since
-- the last clean check: a day's pair count that changes marks the day.
CREATE TRIGGER check_dirty_pair_ins AFTER INSERT ON report_pair_count WHEN NEW.per = 'day' BEGIN
	INSERT INTO check_dirty VALUES (NEW.at, NULL);
END;
CREATE TRIGGER check_dirty_pair_upd AFTER UPDATE ON report_pair_count WHEN NEW.per = 'day' BEGIN
	INSERT INTO check_dirty VALUES (NEW.at, NULL);
END;
CREATE TRIGGER check_dirty_pair_del AFTER DELETE ON report_pair_count WHEN OLD.per = 'day' BEGIN
	INSERT INTO check_dirty VALUES (OLD.at, NULL);
END;

-- migration 20
-- The assessors report kept by triggers (issue 13; src/store/store_report.c).
-- report_assigned: one row for every assignment, with what the assessors
-- report reads of it: its assessor, the submission's day, district and state
-- ('done': the submission is decided; 'open': queued, in progress or awaiting
-- approval and not decided; 'other' else), when it was assigned and when the
-- submission was decided. It is recomputed for a submission whenever its facts
-- (report_submission) are rewritten (report_touch), which every change of the submission, its
-- educator's district, its assignments or its decision does, and when an
-- assignment passes to another assessor. report_assigned_count counts those
-- rows for all time (per 'all', at ''), by month (per 'month', at 'YYYY-MM')
-- and by day (per 'day', at 'YYYY-MM-DD') of submission, per district and
-- assessor: assignments, done, open, and the first and last decision among
-- the done (recomputed from report_assigned_cell when the one that held
-- either goes). So the report adds up a few thousand rows instead of walking
-- every assignment; overdue is the open ones less those assigned too lately
-- to be overdue, found by report_assigned_open (when they were assigned, the
-- open ones only): it depends on today. A count that falls to 0
-- keeps its row. `check` recounts both.
CREATE TABLE report_assigned (
	submission_id INTEGER NOT NULL,
	assignment_id INTEGER NOT NULL,
	assessor      TEXT NOT NULL,
	day           TEXT NOT NULL,
	district_id   INTEGER NOT NULL,
	state         TEXT NOT NULL CHECK (state IN ('done', 'open', 'other')),
	assigned_at   TEXT NOT NULL,
	decided_at    TEXT,
	PRIMARY KEY (submission_id, assignment_id)
) STRICT, WITHOUT ROWID;
CREATE TABLE report_assigned_count (
	per           TEXT NOT NULL CHECK (per IN ('all', 'month', 'day')),
	at            TEXT NOT NULL,
	district_id   INTEGER NOT NULL,
	assessor      TEXT NOT NULL,
	n             INTEGER NOT NULL,
	done          INTEGER NOT NULL,
	open          INTEGER NOT NULL,
	first_done    TEXT,
	last_done     TEXT,
	PRIMARY KEY (per, at, district_id, assessor)
) STRICT, WITHOUT ROWID;
-- report_assigned_fact: the rows report_assigned must hold, from the facts.
CREATE VIEW report_assigned_fact AS
	SELECT f.submission_id, a.id AS assignment_id, a.assessor, substr(f.submitted_at, 1, 10) AS day,
	f.district_id, CASE WHEN f.decided_at IS NOT NULL THEN 'done'
	WHEN f.status IN ('queued', 'in_progress', 'awaiting_approval') THEN 'open' ELSE 'other' END AS state,
	a.at AS assigned_at, f.decided_at
	FROM report_submission f CROSS JOIN assignment a ON a.submission_id = f.submission_id;
-- walks report_submission
INSERT INTO report_assigned SELECT * FROM report_assigned_fact;
CREATE INDEX report_assigned_cell ON report_assigned(assessor, district_id, state, day, decided_at);
CREATE INDEX report_assigned_open ON report_assigned(assigned_at, district_id, day, assessor)
	WHERE state = 'open';
-- report_assigned_per: the counts an assignment of that day goes to.
CREATE VIEW report_assigned_per(per, len) AS VALUES ('all', 0), ('month', 7), ('day', 10);
INSERT INTO report_assigned_count SELECT p.per, substr(day, 1, p.len), district_id, assessor, count(*),
	sum(state = 'done'), sum(state = 'open'), min(decided_at), max(decided_at)
	FROM report_assigned, report_assigned_per p GROUP BY 1, 2, 3, 4;
CREATE TRIGGER report_assigned_ins AFTER INSERT ON report_assigned BEGIN
	INSERT INTO report_assigned_count SELECT p.per, substr(NEW.day, 1, p.len), NEW.district_id, NEW.assessor,
		1, NEW.state = 'done', NEW.state = 'open', NEW.decided_at, NEW.decided_at
		FROM report_assigned_per p WHERE 1 ON CONFLICT DO UPDATE SET n = n + 1, done = done + excluded.done,
		open = open + excluded.open,
		first_done = iif(first_done IS NULL OR excluded.first_done < first_done, excluded.first_done,
			first_done),
		last_done = iif(last_done IS NULL OR excluded.last_done > last_done, excluded.last_done, last_done);
END;
CREATE TRIGGER report_assigned_del AFTER DELETE ON report_assigned BEGIN
	UPDATE report_assigned_count SET n = n - 1, done = done - (OLD.state = 'done'),
		open = open - (OLD.state = 'open') FROM report_assigned_per p
		WHERE report_assigned_count.per = p.per AND at = substr(OLD.day, 1, p.len) AND district_id = OLD.district_id
		AND assessor = OLD.assessor;
	UPDATE report_assigned_count SET
		first_done = (SELECT min(r.decided_at) FROM report_assigned r WHERE r.assessor = OLD.assessor
			AND r.district_id = OLD.district_id AND r.state = 'done'
			AND r.day >= report_assigned_count.at AND r.day < report_assigned_count.at || char(1114111)),
		last_done = (SELECT max(r.decided_at) FROM report_assigned r WHERE r.assessor = OLD.assessor
			AND r.district_id = OLD.district_id AND r.state = 'done'
			AND r.day >= report_assigned_count.at AND r.day < report_assigned_count.at || char(1114111))
		FROM report_assigned_per p
		WHERE OLD.decided_at IS NOT NULL AND report_assigned_count.per = p.per AND at = substr(OLD.day, 1, p.len)
		AND district_id = OLD.district_id AND assessor = OLD.assessor
		AND (first_done = OLD.decided_at OR last_done = OLD.decided_at);
END;
CREATE TRIGGER report_assigned_sub_ins AFTER INSERT ON report_submission BEGIN
	INSERT INTO report_assigned SELECT * FROM report_assigned_fact WHERE submission_id = NEW.submission_id;
END;
CREATE TRIGGER report_assigned_sub_del AFTER DELETE ON report_submission BEGIN
	DELETE FROM report_assigned WHERE submission_id = OLD.submission_id;
END;
CREATE TRIGGER report_assigned_assessor AFTER UPDATE OF assessor ON assignment
	WHEN OLD.assessor IS NOT NEW.assessor BEGIN
	INSERT INTO report_touch VALUES (NEW.submission_id);
END;
-- check --since-last recounts the assessors' counts for the days written
-- since the last clean check: a day's count that changes marks the day.
CREATE TRIGGER check_dirty_assigned_ins AFTER INSERT ON report_assigned_count WHEN NEW.per = 'day' BEGIN
	INSERT INTO check_dirty VALUES (NEW.at, NULL);
END;
CREATE TRIGGER check_dirty_assigned_upd AFTER UPDATE ON report_assigned_count WHEN NEW.per = 'day' BEGIN
	INSERT INTO check_dirty VALUES (NEW.at, NULL);
END;
CREATE TRIGGER check_dirty_assigned_del AFTER DELETE ON report_assigned_count WHEN OLD.per = 'day' BEGIN
	INSERT INTO check_dirty VALUES (OLD.at, NULL);
END;

-- migration 21
-- Agreement's counts at the grain the report's tables need (issue 13), instead
-- of report_pair_count (migration 19), whose all-time rows kept every
-- credential, district, criterion, assessor and both levels apart (hundreds of
-- thousands of rows for a report of a few hundred cells). report_agree_count
-- counts the pairs of report_pair twice over: with final 0, the pairs of a
-- first and a second read per criterion (and the submission's credential,
-- which names it), x_assessor ''; with final 1, every read against the final
-- one per earlier read's assessor, credential and criterion 0. Both per
-- district, with the criterion's number of levels and both levels as positions
-- from 0 (levels are never changed once loaded), for all time (per 'all', at
-- ''), by month and by day, as report_pair_count was; a count that falls to 0
-- keeps its row. `check` recounts it.
CREATE TABLE report_agree_count (
	per           TEXT NOT NULL CHECK (per IN ('all', 'month', 'day')),
	at            TEXT NOT NULL,
	district_id   INTEGER NOT NULL,
	final         INTEGER NOT NULL CHECK (final IN (0, 1)),
	credential_id INTEGER NOT NULL,
	criterion_id  INTEGER NOT NULL,
	x_assessor    TEXT NOT NULL,
	levels        INTEGER NOT NULL,
	x_pos         INTEGER NOT NULL,
	y_pos         INTEGER NOT NULL,
	n             INTEGER NOT NULL,
	PRIMARY KEY (per, at, district_id, final, credential_id, criterion_id, x_assessor, levels, x_pos, y_pos)
) STRICT, WITHOUT ROWID;
-- report_level_pos: a level's position (0 = lowest) and its criterion's number of levels.
CREATE VIEW report_level_pos(level_id, pos, levels) AS
	SELECT l.id, l.seq - 1, (SELECT count(*) FROM level lv WHERE lv.criterion_id = l.criterion_id) FROM level l;
-- report_agree_tally: the two counts a pair may go to (first-second, final).
CREATE VIEW report_agree_tally(final) AS VALUES (0), (1);
INSERT INTO report_agree_count SELECT g.per, g.at, g.district_id, t.final, iif(t.final, 0, g.credential_id),
	iif(t.final, 0, g.criterion_id), iif(t.final, g.x_assessor, ''), px.levels, px.pos, py.pos, sum(g.n)
	FROM report_pair_count g JOIN report_agree_tally t ON iif(t.final, g.fin, g.fs)
	JOIN report_level_pos px ON px.level_id = g.x_level JOIN report_level_pos py ON py.level_id = g.y_level
	GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 HAVING sum(g.n) <> 0;
DROP TRIGGER check_dirty_pair_ins;
DROP TRIGGER check_dirty_pair_upd;
DROP TRIGGER check_dirty_pair_del;
DROP TRIGGER report_pair_change_ins;
DROP TABLE report_pair_count;
-- What a pair of reads adds to (n 1) or takes from (n -1) the counts of its
-- day, its month and all time (report_pair_change, migration 19, is still the
-- one place that writes them).
CREATE TRIGGER report_agree_change_ins INSTEAD OF INSERT ON report_pair_change BEGIN
	INSERT INTO report_agree_count SELECT per.per, substr(NEW.day, 1, per.len), NEW.district_id, t.final,
		iif(t.final, 0, NEW.credential_id), iif(t.final, 0, NEW.criterion_id), iif(t.final, NEW.x_assessor, ''),
		px.levels, px.pos, py.pos, NEW.n
		FROM report_pair_per per, report_agree_tally t, report_level_pos px, report_level_pos py
		WHERE iif(t.final, NEW.fin, NEW.fs) AND px.level_id = NEW.x_level AND py.level_id = NEW.y_level
		ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
-- check --since-last recounts agreement's counts for the days written since
-- the last clean check: a day's count that changes marks the day.
CREATE TRIGGER check_dirty_agree_ins AFTER INSERT ON report_agree_count WHEN NEW.per = 'day' BEGIN
	INSERT INTO check_dirty VALUES (NEW.at, NULL);
END;
CREATE TRIGGER check_dirty_agree_upd AFTER UPDATE ON report_agree_count WHEN NEW.per = 'day' BEGIN
	INSERT INTO check_dirty VALUES (NEW.at, NULL);
END;
CREATE TRIGGER check_dirty_agree_del AFTER DELETE ON report_agree_count WHEN OLD.per = 'day' BEGIN
	INSERT INTO check_dirty VALUES (OLD.at, NULL);
END;

-- migration 22
-- Turnaround kept by triggers (issue 13; src/store/store_report.c). report_turn:
-- what turnaround reads of a submission's facts (report_submission), one row
-- per kind: 'decide', seconds from submission to decision; 'read', seconds from
-- the first assignment to the decision (when it is not earlier); 'open', an
-- undecided submission in the queue, its time of submission (seconds since
-- 1970); 'odd', a submission whose times are not all plain UTC
-- (YYYY-MM-DDTHH:MM:SSZ), which the report then reads as before. With the
-- submission's district, credential and day. upto buckets the durations by
-- quarters of a day (a bucket holds the seconds over upto - 21600, up to upto;
-- 0 for 'open' and 'odd'): a quarter of a day divides every due-days setting,
-- and it was the best width measured at 100,000 submissions projected to a
-- million (bench/README.md): wider buckets hold more durations to read,
-- narrower ones more counts. report_turn_count counts those rows
-- for all time (per 'all', at ''), by month and by day, per kind, district,
-- credential and upto, so a median or a 90th percentile walks a few thousand
-- counts to its bucket and reads the durations of that bucket alone, of its
-- group only (report_turn_secs for everything, report_turn_district and
-- report_turn_credential for a district's and a pathway's), and the backlog by
-- age is counted by days. Recomputed
-- whenever a submission's facts are rewritten (they are deleted and inserted
-- again, never updated). A count that falls to 0 keeps its row. `check`
-- recounts both.
CREATE TABLE report_turn (
	submission_id INTEGER NOT NULL,
	kind          TEXT NOT NULL CHECK (kind IN ('decide', 'read', 'open', 'odd')),
	secs          INTEGER NOT NULL,
	district_id   INTEGER NOT NULL,
	credential_id INTEGER NOT NULL,
	day           TEXT NOT NULL,
	upto          INTEGER NOT NULL,
	PRIMARY KEY (submission_id, kind)
) STRICT, WITHOUT ROWID;
CREATE TABLE report_turn_count (
	per           TEXT NOT NULL CHECK (per IN ('all', 'month', 'day')),
	at            TEXT NOT NULL,
	kind          TEXT NOT NULL,
	district_id   INTEGER NOT NULL,
	credential_id INTEGER NOT NULL,
	upto          INTEGER NOT NULL,
	n             INTEGER NOT NULL,
	PRIMARY KEY (per, at, kind, upto, district_id, credential_id)
) STRICT, WITHOUT ROWID;
CREATE VIEW report_turn_kind(kind) AS VALUES ('decide'), ('read'), ('open'), ('odd');
-- report_turn_fact: the rows report_turn must hold, from the facts.
CREATE VIEW report_turn_fact AS SELECT *,
	iif(kind IN ('decide', 'read'), (secs / 21600 + (secs % 21600 > 0)) * 21600, 0) AS upto FROM
	(SELECT f.submission_id, k.kind, CASE k.kind
	WHEN 'decide' THEN unixepoch(f.decided_at) - unixepoch(f.submitted_at)
	WHEN 'read' THEN unixepoch(f.decided_at) - unixepoch(f.assigned_at)
	WHEN 'open' THEN unixepoch(f.submitted_at) ELSE 0 END AS secs,
	f.district_id, f.credential_id, substr(f.submitted_at, 1, 10) AS day
	FROM (SELECT *, strftime('%Y-%m-%dT%H:%M:%SZ', submitted_at) IS submitted_at AND submitted_at >= '1970'
		AND (assigned_at IS NULL OR strftime('%Y-%m-%dT%H:%M:%SZ', assigned_at) IS assigned_at
		AND assigned_at >= '1970')
		AND (decided_at IS NULL OR strftime('%Y-%m-%dT%H:%M:%SZ', decided_at) IS decided_at
		AND decided_at >= '1970') AS plain FROM report_submission) f
	CROSS JOIN report_turn_kind k ON CASE k.kind WHEN 'odd' THEN NOT f.plain
	WHEN 'decide' THEN f.plain AND f.decided_at IS NOT NULL
	WHEN 'read' THEN f.plain AND f.decided_at >= f.assigned_at
	ELSE f.plain AND f.decided_at IS NULL AND f.status IN ('queued', 'in_progress', 'awaiting_approval') END);
-- walks report_submission
INSERT INTO report_turn SELECT * FROM report_turn_fact;
CREATE INDEX report_turn_secs ON report_turn(kind, secs, district_id, credential_id, day);
CREATE INDEX report_turn_district ON report_turn(kind, district_id, secs, credential_id, day)
	WHERE kind IN ('decide', 'read');
CREATE INDEX report_turn_credential ON report_turn(kind, credential_id, secs, district_id, day)
	WHERE kind IN ('decide', 'read');
INSERT INTO report_turn_count SELECT p.per, substr(day, 1, p.len), kind, district_id, credential_id, upto, count(*)
	FROM report_turn, report_assigned_per p GROUP BY 1, 2, 3, 4, 5, 6;
CREATE TRIGGER report_turn_ins AFTER INSERT ON report_turn BEGIN
	INSERT INTO report_turn_count SELECT p.per, substr(NEW.day, 1, p.len), NEW.kind, NEW.district_id,
		NEW.credential_id, NEW.upto, 1 FROM report_assigned_per p WHERE 1 ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER report_turn_del AFTER DELETE ON report_turn BEGIN
	UPDATE report_turn_count SET n = n - 1 FROM report_assigned_per p
		WHERE report_turn_count.per = p.per AND at = substr(OLD.day, 1, p.len) AND kind = OLD.kind
		AND district_id = OLD.district_id AND credential_id = OLD.credential_id AND upto = OLD.upto;
END;
CREATE TRIGGER report_turn_sub_ins AFTER INSERT ON report_submission BEGIN
	INSERT INTO report_turn SELECT * FROM report_turn_fact WHERE submission_id = NEW.submission_id;
END;
CREATE TRIGGER report_turn_sub_del AFTER DELETE ON report_submission BEGIN
	DELETE FROM report_turn WHERE submission_id = OLD.submission_id;
END;
-- check --since-last recounts turnaround's counts for the days written since
-- the last clean check: a day's count that changes marks the day.
CREATE TRIGGER check_dirty_turn_ins AFTER INSERT ON report_turn_count WHEN NEW.per = 'day' BEGIN
	INSERT INTO check_dirty VALUES (NEW.at, NULL);
END;
CREATE TRIGGER check_dirty_turn_upd AFTER UPDATE ON report_turn_count WHEN NEW.per = 'day' BEGIN
	INSERT INTO check_dirty VALUES (NEW.at, NULL);
END;
CREATE TRIGGER check_dirty_turn_del AFTER DELETE ON report_turn_count WHEN OLD.per = 'day' BEGIN
	INSERT INTO check_dirty VALUES (OLD.at, NULL);
END;

-- migration 23
-- An assessor's own agreement kept by triggers (issue 13; src/store/store_report.c).
-- report_own_count counts the pairs of report_pair as report_agree_count does
-- (migration 21: final 0, first against second reads per credential and
-- criterion; final 1, every read against the final one per earlier read's
-- assessor; per district, the criterion's number of levels and both levels'
-- positions; for all time, by month and by day), once more for each assessor
-- who made either read of the pair (once when both are theirs): so an
-- assessor's agreement and their row of the assessors report add up their own
-- few hundred rows instead of walking their pairs across the whole file. The
-- assessor leads the key. A count that falls to 0 keeps its row. `check`
-- recounts it.
CREATE TABLE report_own_count (
	assessor      TEXT NOT NULL,
	per           TEXT NOT NULL CHECK (per IN ('all', 'month', 'day')),
	at            TEXT NOT NULL,
	district_id   INTEGER NOT NULL,
	final         INTEGER NOT NULL CHECK (final IN (0, 1)),
	credential_id INTEGER NOT NULL,
	criterion_id  INTEGER NOT NULL,
	x_assessor    TEXT NOT NULL,
	levels        INTEGER NOT NULL,
	x_pos         INTEGER NOT NULL,
	y_pos         INTEGER NOT NULL,
	n             INTEGER NOT NULL,
	PRIMARY KEY (assessor, per, at, district_id, final, credential_id, criterion_id, x_assessor, levels, x_pos,
		y_pos)
) STRICT, WITHOUT ROWID;
-- report_own_side: whose counts a pair goes to: the earlier read's assessor
-- (1), and the later read's (2) when another.
CREATE VIEW report_own_side(side) AS VALUES (1), (2);
-- The days first, from the pairs in the order of their key (one submission's
-- after another's), then the months and all time from the days.
-- walks submission
INSERT INTO report_own_count SELECT iif(w.side = 1, p.x_assessor, p.y_assessor), 'day', p.day, p.district_id,
	t.final, iif(t.final, 0, p.credential_id), iif(t.final, 0, p.criterion_id), iif(t.final, p.x_assessor, ''),
	px.levels, px.pos, py.pos, count(*)
	FROM submission s NOT INDEXED CROSS JOIN report_pair p ON p.submission_id = s.id
	JOIN report_own_side w ON w.side = 1 OR p.y_assessor <> p.x_assessor
	JOIN report_agree_tally t ON iif(t.final, p.fin, p.fs)
	JOIN report_level_pos px ON px.level_id = p.x_level JOIN report_level_pos py ON py.level_id = p.y_level
	GROUP BY 1, 3, 4, 5, 6, 7, 8, 9, 10, 11;
INSERT INTO report_own_count SELECT d.assessor, p.per, substr(d.at, 1, p.len), d.district_id, d.final,
	d.credential_id, d.criterion_id, d.x_assessor, d.levels, d.x_pos, d.y_pos, sum(d.n)
	FROM report_own_count d JOIN report_pair_per p ON p.per <> 'day' WHERE d.per = 'day'
	GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11;
-- report_own_change: what a pair of reads adds to (n 1) or takes from (n -1)
-- its assessors' counts of its day, its month and all time; the one place
-- that writes report_own_count.
CREATE VIEW report_own_change(day, district_id, credential_id, criterion_id, x_assessor, y_assessor, fs, fin,
	x_level, y_level, n) AS SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL WHERE 0;
CREATE TRIGGER report_own_change_ins INSTEAD OF INSERT ON report_own_change BEGIN
	INSERT INTO report_own_count SELECT iif(w.side = 1, NEW.x_assessor, NEW.y_assessor), per.per,
		substr(NEW.day, 1, per.len), NEW.district_id, t.final, iif(t.final, 0, NEW.credential_id),
		iif(t.final, 0, NEW.criterion_id), iif(t.final, NEW.x_assessor, ''), px.levels, px.pos, py.pos, NEW.n
		FROM report_own_side w, report_pair_per per, report_agree_tally t, report_level_pos px,
		report_level_pos py
		WHERE (w.side = 1 OR NEW.y_assessor <> NEW.x_assessor) AND iif(t.final, NEW.fin, NEW.fs)
		AND px.level_id = NEW.x_level AND py.level_id = NEW.y_level
		ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER report_own_pair_ins AFTER INSERT ON report_pair BEGIN
	INSERT INTO report_own_change VALUES (NEW.day, NEW.district_id, NEW.credential_id, NEW.criterion_id,
		NEW.x_assessor, NEW.y_assessor, NEW.fs, NEW.fin, NEW.x_level, NEW.y_level, 1);
END;
CREATE TRIGGER report_own_pair_del AFTER DELETE ON report_pair BEGIN
	INSERT INTO report_own_change VALUES (OLD.day, OLD.district_id, OLD.credential_id, OLD.criterion_id,
		OLD.x_assessor, OLD.y_assessor, OLD.fs, OLD.fin, OLD.x_level, OLD.y_level, -1);
END;
-- check --since-last recounts the assessors' own counts for the days written
-- since the last clean check: a day's count that changes marks the day.
CREATE TRIGGER check_dirty_own_ins AFTER INSERT ON report_own_count WHEN NEW.per = 'day' BEGIN
	INSERT INTO check_dirty VALUES (NEW.at, NULL);
END;
CREATE TRIGGER check_dirty_own_upd AFTER UPDATE ON report_own_count WHEN NEW.per = 'day' BEGIN
	INSERT INTO check_dirty VALUES (NEW.at, NULL);
END;
CREATE TRIGGER check_dirty_own_del AFTER DELETE ON report_own_count WHEN OLD.per = 'day' BEGIN
	INSERT INTO check_dirty VALUES (OLD.at, NULL);
END;

-- migration 24
-- An assessor's own progress kept by triggers (issue 13; src/store/store_report.c).
-- report_own_sub: one row for each submission and each assessor who holds one
-- of its reads (once when they hold two), with what progress counts of it: the
-- submission's day, credential, district and status (from its facts,
-- report_submission) and its attempt number (from the submission). It is
-- recomputed for a submission whenever its facts are rewritten (report_touch),
-- which every change of the submission, its educator's district, its
-- assignments or its decision does, a read handed to another assessor
-- (migration 20) and a change of its attempt number (below).
-- report_own_progress counts those rows as report_day and report_month count
-- the submissions (n, and the sum of their attempt numbers, per credential,
-- district, status and first attempt or not), for all time (per 'all', at
-- ''), by month and by day, once more for each assessor, who leads the key: so
-- an assessor's own progress adds up their few hundred rows instead of walking
-- their assignments and submissions across the whole file. A count that
-- falls to 0 keeps its row. `check` recounts both.
CREATE TABLE report_own_sub (
	submission_id INTEGER NOT NULL,
	assessor      TEXT NOT NULL,
	day           TEXT NOT NULL,
	credential_id INTEGER NOT NULL,
	district_id   INTEGER NOT NULL,
	status        TEXT NOT NULL,
	attempt       INTEGER NOT NULL,
	PRIMARY KEY (submission_id, assessor)
) STRICT, WITHOUT ROWID;
CREATE TABLE report_own_progress (
	assessor      TEXT NOT NULL,
	per           TEXT NOT NULL CHECK (per IN ('all', 'month', 'day')),
	at            TEXT NOT NULL,
	credential_id INTEGER NOT NULL,
	district_id   INTEGER NOT NULL,
	status        TEXT NOT NULL,
	first         INTEGER NOT NULL,
	n             INTEGER NOT NULL,
	attempts      INTEGER NOT NULL,
	PRIMARY KEY (assessor, per, at, credential_id, district_id, status, first)
) STRICT, WITHOUT ROWID;
-- report_own_sub_fact: the rows report_own_sub must hold, from the facts: an
-- assessor's read of a submission, unless they hold an earlier one of it.
CREATE VIEW report_own_sub_fact AS
	SELECT f.submission_id, a.assessor, substr(f.submitted_at, 1, 10) AS day, f.credential_id, f.district_id,
	f.status, s.attempt
	FROM report_submission f CROSS JOIN assignment a ON a.submission_id = f.submission_id
	JOIN submission s ON s.id = f.submission_id
	WHERE NOT EXISTS (SELECT 1 FROM assignment b WHERE b.submission_id = a.submission_id
		AND b.assessor = a.assessor AND b.read < a.read);
-- walks report_submission
INSERT INTO report_own_sub SELECT * FROM report_own_sub_fact;
-- The days first, then the months and all time from the days.
INSERT INTO report_own_progress SELECT assessor, 'day', day, credential_id, district_id, status, attempt = 1,
	count(*), sum(attempt) FROM report_own_sub GROUP BY 1, 3, 4, 5, 6, 7;
INSERT INTO report_own_progress SELECT d.assessor, p.per, substr(d.at, 1, p.len), d.credential_id, d.district_id,
	d.status, d.first, sum(d.n), sum(d.attempts)
	FROM report_own_progress d JOIN report_assigned_per p ON p.per <> 'day' WHERE d.per = 'day'
	GROUP BY 1, 2, 3, 4, 5, 6, 7;
CREATE TRIGGER report_own_sub_count_ins AFTER INSERT ON report_own_sub BEGIN
	INSERT INTO report_own_progress SELECT NEW.assessor, p.per, substr(NEW.day, 1, p.len), NEW.credential_id,
		NEW.district_id, NEW.status, NEW.attempt = 1, 1, NEW.attempt FROM report_assigned_per p WHERE 1
		ON CONFLICT DO UPDATE SET n = n + 1, attempts = attempts + excluded.attempts;
END;
CREATE TRIGGER report_own_sub_count_del AFTER DELETE ON report_own_sub BEGIN
	UPDATE report_own_progress SET n = n - 1, attempts = attempts - OLD.attempt FROM report_assigned_per p
		WHERE assessor = OLD.assessor AND report_own_progress.per = p.per AND at = substr(OLD.day, 1, p.len)
		AND credential_id = OLD.credential_id AND district_id = OLD.district_id AND status = OLD.status
		AND first = (OLD.attempt = 1);
END;
CREATE TRIGGER report_own_sub_fill AFTER INSERT ON report_submission BEGIN
	INSERT INTO report_own_sub SELECT * FROM report_own_sub_fact WHERE submission_id = NEW.submission_id;
END;
CREATE TRIGGER report_own_sub_clear AFTER DELETE ON report_submission BEGIN
	DELETE FROM report_own_sub WHERE submission_id = OLD.submission_id;
END;
-- report_submission holds no attempt number: a change of it rewrites the facts too.
CREATE TRIGGER report_own_attempt AFTER UPDATE OF attempt ON submission WHEN OLD.attempt IS NOT NEW.attempt BEGIN
	INSERT INTO report_touch VALUES (NEW.id);
END;
-- check --since-last recounts the assessors' own progress for the days written
-- since the last clean check: a day's count that changes marks the day, and so
-- does a row edited in place (the triggers only insert and delete them).
CREATE TRIGGER check_dirty_own_progress_ins AFTER INSERT ON report_own_progress WHEN NEW.per = 'day' BEGIN
	INSERT INTO check_dirty VALUES (NEW.at, NULL);
END;
CREATE TRIGGER check_dirty_own_progress_upd AFTER UPDATE ON report_own_progress WHEN NEW.per = 'day' BEGIN
	INSERT INTO check_dirty VALUES (NEW.at, NULL);
END;
CREATE TRIGGER check_dirty_own_progress_del AFTER DELETE ON report_own_progress WHEN OLD.per = 'day' BEGIN
	INSERT INTO check_dirty VALUES (OLD.at, NULL);
END;
CREATE TRIGGER check_dirty_own_sub_upd AFTER UPDATE ON report_own_sub BEGIN
	INSERT INTO check_dirty VALUES (OLD.day, NULL);
	INSERT INTO check_dirty SELECT NEW.day, NULL WHERE NEW.day IS NOT OLD.day;
END;

-- migration 25
-- An assessor's own turnaround from their rows of report_own_sub (issue 13;
-- src/store/store_report.c): each row also holds its submission's times as its
-- facts (report_submission) say: when it was submitted, first assigned (to
-- anyone) and decided; report_own_sub_times has the assessor first and covers
-- what turnaround reads, so an assessor's own turnaround reads one range of it
-- instead of looking their submissions up one by one across the file (at a
-- million, 54,276 for the busiest assessor: 1.5 s when the file is not in the
-- cache). The rows are rewritten with the facts, as before; `check` compares
-- the times too.
ALTER TABLE report_own_sub ADD COLUMN submitted_at TEXT NOT NULL DEFAULT '';
ALTER TABLE report_own_sub ADD COLUMN assigned_at TEXT;
ALTER TABLE report_own_sub ADD COLUMN decided_at TEXT;
DROP VIEW report_own_sub_fact;
CREATE VIEW report_own_sub_fact AS
	SELECT f.submission_id, a.assessor, substr(f.submitted_at, 1, 10) AS day, f.credential_id, f.district_id,
	f.status, s.attempt, f.submitted_at, f.assigned_at, f.decided_at
	FROM report_submission f CROSS JOIN assignment a ON a.submission_id = f.submission_id
	JOIN submission s ON s.id = f.submission_id
	WHERE NOT EXISTS (SELECT 1 FROM assignment b WHERE b.submission_id = a.submission_id
		AND b.assessor = a.assessor AND b.read < a.read);
UPDATE report_own_sub SET (submitted_at, assigned_at, decided_at) = (SELECT f.submitted_at, f.assigned_at,
	f.decided_at FROM report_submission f WHERE f.submission_id = report_own_sub.submission_id);
CREATE INDEX report_own_sub_times ON report_own_sub(assessor, district_id, credential_id, status, submitted_at,
	assigned_at, decided_at);

-- migration 26
-- Pairs of common words beside the impact index (src/store/fts_impact.c, issue
-- 15): two words both in most rows have FTS5's floor idf, and their best rows
-- hold both many times, which no group of one word keeps first. search_pair: the
-- pairs of a table's most common words (a, b: search_term ids, a < b), chosen when
-- the ranking index is built; ref, the average length their rows were chosen at;
-- n, the rows kept, and (fk, fd) the last of them once there are as many as a
-- pair keeps. search_pair_row: a pair's best rows at ref (nkey: minus their
-- score there, so the best first), with both counts and the length.
-- search_pair_cut: for each two counts (tf1, tf2), the shortest row holding both
-- that is not kept (its length dl, the least rowid at it): no row left out scores
-- more than that length does, so a query settles from the kept rows or asks FTS5.
-- IF NOT EXISTS: a database taken back to an older version by dropping only that
-- version's objects (as tests/cli/test_report.sh does) still has these.
CREATE TABLE IF NOT EXISTS search_pair (
	id  INTEGER PRIMARY KEY,
	src INTEGER NOT NULL,
	a   INTEGER NOT NULL,
	b   INTEGER NOT NULL,
	ref REAL NOT NULL,
	n   INTEGER NOT NULL DEFAULT 0,
	fk  REAL,
	fd  INTEGER,
	UNIQUE (a, b)
) STRICT;
CREATE INDEX IF NOT EXISTS search_pair_src ON search_pair(src);
CREATE TABLE IF NOT EXISTS search_pair_row (
	pid  INTEGER NOT NULL,
	nkey REAL NOT NULL,
	doc  INTEGER NOT NULL,
	tf1  INTEGER NOT NULL,
	tf2  INTEGER NOT NULL,
	dl   INTEGER NOT NULL,
	PRIMARY KEY (pid, nkey, doc)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS search_pair_cut (
	pid INTEGER NOT NULL,
	tf1 INTEGER NOT NULL,
	tf2 INTEGER NOT NULL,
	dl  INTEGER NOT NULL,
	doc INTEGER NOT NULL,
	PRIMARY KEY (pid, tf1, tf2)
) STRICT, WITHOUT ROWID;

-- migration 27
-- Each common word's set of rows beside the impact index (src/store/fts_impact.c,
-- issue 15): two words in a tenth to a quarter of the rows often share no row at
-- all, which FTS5 finds only by walking both words' whole lists. search_set: for
-- a word in over a tenth of a large table's rows (tid: its search_term id), one
-- bit a rowid, SET_ROWS rowids a row (chunk: the rowid divided by them; a chunk
-- with no row of the word has no row here), and a row at chunk -1 (bits empty)
-- saying the word keeps a set. A bit may stay set for a row that no longer holds
-- the word (a feedback replaced): a query counts the rows it finds.
CREATE TABLE IF NOT EXISTS search_set (
	id    INTEGER PRIMARY KEY,
	tid   INTEGER NOT NULL,
	chunk INTEGER NOT NULL,
	bits  BLOB NOT NULL,
	UNIQUE (tid, chunk)
) STRICT;
