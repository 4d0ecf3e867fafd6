-- bench/tui/flow.sql: one submission of a 10-criterion rubric for the keystroke
-- benchmark (bench/tui/keystrokes.sh), on top of `mcassess init`. Four parts of
-- 3, 3, 2 and 2 criteria; each part's evidence is longer than the evidence pane
-- at 80x24, so the screen shows one part at a time.
BEGIN;
INSERT INTO pathway(code, title, goal) VALUES ('BNCH', 'Keystroke benchmark', 1);
INSERT INTO credential(code, pathway_id, title, current_version)
	VALUES ('BENCH-10', (SELECT id FROM pathway WHERE code = 'BNCH'), 'Ten Criteria', 1);
INSERT INTO rubric(credential_id, version, title, competency, key_method, passing_rule,
	source_sha256, loaded_at, loaded_by)
	VALUES ((SELECT id FROM credential WHERE code = 'BENCH-10'), 1, 'Ten Criteria',
	'The educator plans, teaches and reflects.', 'Evidence and reflection.',
	'all_criteria_pass', 'bench', '2026-01-01T00:00:00Z', 'bench');
CREATE TEMP TABLE r AS SELECT id FROM rubric WHERE title = 'Ten Criteria';
INSERT INTO part(rubric_id, seq, code, title, kind, prompt, min_words, max_words) VALUES
	((SELECT id FROM r), 1, 'overview', 'Overview questions', 'overview', 'Describe.', NULL, NULL),
	((SELECT id FROM r), 2, 'artifact', 'Lesson artifact', 'artifact', 'Share.', NULL, NULL),
	((SELECT id FROM r), 3, 'students', 'Student work', 'artifact', 'Show.', NULL, NULL),
	((SELECT id FROM r), 4, 'reflection', 'Reflection', 'reflection', 'Reflect.', NULL, NULL);
INSERT INTO criterion(rubric_id, part_id, seq, code, text)
	SELECT (SELECT id FROM r), p.id, c.seq, c.code, 'Criterion ' || c.code || ' of the ' || p.title || '.'
	FROM (SELECT 'overview' AS part, 1 AS seq, 'O1' AS code UNION ALL SELECT 'overview', 2, 'O2'
		UNION ALL SELECT 'overview', 3, 'O3' UNION ALL SELECT 'artifact', 1, 'A1'
		UNION ALL SELECT 'artifact', 2, 'A2' UNION ALL SELECT 'artifact', 3, 'A3'
		UNION ALL SELECT 'students', 1, 'S1' UNION ALL SELECT 'students', 2, 'S2'
		UNION ALL SELECT 'reflection', 1, 'R1' UNION ALL SELECT 'reflection', 2, 'R2') AS c
	JOIN part p ON p.code = c.part AND p.rubric_id = (SELECT id FROM r);
INSERT INTO level(criterion_id, seq, code, label, descriptor, passes)
	SELECT c.id, l.seq, l.code, l.label, l.descriptor, l.passes FROM criterion c, (
		SELECT 1 AS seq, 'not_met' AS code, 'Not Met' AS label,
			'The evidence does not show this.' AS descriptor, 0 AS passes
		UNION ALL SELECT 2, 'progressing', 'Progressing', 'The evidence shows this in part.', 0
		UNION ALL SELECT 3, 'demonstrated', 'Demonstrated', 'The evidence shows this clearly.', 1
	) AS l WHERE c.rubric_id = (SELECT id FROM r);
INSERT INTO district(name) SELECT 'Bench County' WHERE NOT EXISTS (SELECT 1 FROM district WHERE name = 'Bench County');
INSERT INTO educator(ext_id, name, district_id, anon_id)
	VALUES ('E-B1', 'Bench Teacher', (SELECT id FROM district WHERE name = 'Bench County'), 'anon-b1');
INSERT INTO submission(ext_id, educator_id, credential_id, rubric_id, attempt, status,
	submitted_at, imported_at, source_sha256, updated_at)
	VALUES ('B-001', (SELECT id FROM educator WHERE ext_id = 'E-B1'),
	(SELECT id FROM credential WHERE code = 'BENCH-10'), (SELECT id FROM r), 1, 'queued',
	'2026-11-01T09:00:00Z', '2026-11-20T00:00:00Z', 'bench1', '2026-11-20T00:00:00Z');
-- Twenty sentences a part: about 18 lines at 80 columns, more than the pane's 13.
INSERT INTO evidence(submission_id, seq, part_id, kind, text, sha256, words, media_type)
	SELECT (SELECT id FROM submission WHERE ext_id = 'B-001'), p.seq, p.id, 'text',
		replace(hex(zeroblob(20)), '00', 'The ' || p.title || ' says what happened in class and why. '),
		'bench-sha' || p.seq, 180, 'text/plain'
	FROM part p WHERE p.rubric_id = (SELECT id FROM r);
COMMIT;
