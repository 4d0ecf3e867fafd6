/* test_precheck.c: the pre-checks of a submission (word limits, missing parts,
 * copies of other educators' evidence, personal data), the normalised-text
 * hashes behind the copy check (index lookups), and masking for a blind
 * viewer that leaves the stored evidence as it was. */
#include "unit.h"

#include <sqlite3.h>

#include "mcassess/precheck.h"
#include "mcassess/show.h"
#include "mcassess/store.h"
#include "mcassess/util.h"

struct fx {
	char *dir, *path, *config;
	struct store *s;
};

#define OVERVIEW_1 "María López plans her questions. Write to maria.lopez@school.org or call (615) 555-0123 any day."
/* the same text with other line breaks and capitals: still a copy */
#define OVERVIEW_2 "MARÍA López plans her questions.\n\n  Write to maria.lopez@school.org or call (615) 555-0123 any day.  "

static const char FIXTURE[] =
	"INSERT INTO pathway(code, title, goal) VALUES ('TEAM', 'TEAM-aligned', 40);"
	"INSERT INTO credential(code, pathway_id, title, current_version) VALUES ('TEAM-QUES', 1, 'Questioning', 1);"
	"INSERT INTO rubric(credential_id, version, title, competency, key_method, passing_rule, source_sha256,"
	" loaded_at, loaded_by) VALUES (1, 1, 'Questioning', 'c', 'k', 'all_criteria_pass', 'x', 'x', 'root');"
	"INSERT INTO part(rubric_id, seq, code, title, kind, prompt, min_words, max_words) VALUES"
	" (1, 1, 'overview', 'Overview', 'overview', 'p', 5, 15),"
	" (1, 2, 'artifact', 'Artifact', 'artifact', 'p', NULL, NULL),"
	" (1, 3, 'reflection', 'Reflection', 'reflection', 'p', 20, NULL);"
	"INSERT INTO district(name) VALUES ('Maury');"
	"INSERT INTO educator(ext_id, name, district_id, anon_id) VALUES"
	" ('E-1', 'María José López', 1, 'anon-1'), ('E-2', 'Lin Wei', 1, 'anon-2');"
	"INSERT INTO person(user, role, created_at) VALUES ('ad', 'admin', 'x'), ('bl', 'assessor', 'x');"
	"INSERT INTO submission(ext_id, educator_id, credential_id, rubric_id, attempt, status,"
	" submitted_at, imported_at, source_sha256, updated_at) VALUES"
	" ('S-1', 1, 1, 1, 1, 'queued', '2026-09-01T10:00:00Z', 'x', 'x', 'x'),"
	" ('S-2', 2, 1, 1, 1, 'queued', '2026-09-02T10:00:00Z', 'x', 'x', 'x'),"
	" ('S-3', 1, 1, 1, 2, 'queued', '2026-09-03T10:00:00Z', 'x', 'x', 'x');"
	"INSERT INTO blob(sha256, size, media_type) VALUES ('ab12', 2048, 'application/pdf');"
	"INSERT INTO evidence(submission_id, seq, part_id, kind, text, file_name, blob_sha256, sha256, words,"
	" media_type) VALUES"
	" (1, 1, 1, 'text', '" OVERVIEW_1 "', NULL, NULL, 'e1', 16, 'text/plain'),"
	" (1, 2, 2, 'file', NULL, 'María López lesson.pdf', 'ab12', 'ab12', 0, 'application/pdf'),"
	" (2, 1, 1, 'text', '" OVERVIEW_2 "', NULL, NULL, 'e2', 16, 'text/plain'),"
	" (2, 2, 2, 'file', NULL, 'plan.pdf', 'ab12', 'ab12', 0, 'application/pdf'),"
	" (2, 3, 3, 'text', 'N/A', NULL, NULL, 'e3', 1, 'text/plain'),"
	/* S-3 is E-1's own next attempt: the same text is no copy */
	" (3, 1, 1, 'text', '" OVERVIEW_1 "', NULL, NULL, 'e1', 16, 'text/plain');"
	"INSERT INTO assignment(uid, submission_id, assessor, blind, assigned_by, at) VALUES"
	" ('a1', 1, 'bl', 1, 'ad', 'x'), ('a2', 2, 'bl', 0, 'ad', 'x');";

static void exec_sql(const char *path, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

/* One text column of one row, through a connection of its own. */
static char *query1(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	char *out = NULL;
	struct mc_buf b = MC_BUF_INIT;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, sqlite3_column_count(st) - 1);
		mc_buf_adds(&b, t ? t : "NULL");
		mc_buf_addc(&b, '\n');
	}
	out = mc_buf_steal(&b);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out ? out : mc_xstrdup("");
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->dir = unit_tmpdir();
	f->path = mc_xasprintf("%s/t.db", f->dir);
	f->config = mc_xasprintf("%s/config", f->dir);
	setenv("XDG_CONFIG_HOME", f->config, 1); /* the shipped patterns only, unless a test adds some */
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(unit_open(f->path, STORE_CREATE, &f->s, &err), MC_OK);
	exec_sql(f->path, FIXTURE);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	unit_close(&f->s);
	free(f->path);
	free(f->config);
	unit_rmtree(f->dir);
	free(f);
	return 0;
}

static const struct precheck_item *find(const struct precheck *pc, enum precheck_kind k, const char *part,
					const char *family)
{
	for (int i = 0; i < pc->n; i++)
		if (pc->items[i].kind == k && strcmp(pc->items[i].part, part) == 0 &&
		    (!family || strcmp(pc->items[i].family, family) == 0))
			return &pc->items[i];
	return NULL;
}

/* What import and demo do in their transactions (the fixture is written with sqlite3). */
static void hash_pending(struct fx *f)
{
	struct mc_error err = MC_ERROR_INIT;
	long long done = 0;
	assert_int_equal(store_precheck_catch_up(f->s, &done, &err), MC_OK);
	assert_int_equal(done, 4);
}

static void checks_of_a_submission(void **state)
{
	struct fx *f = *state;
	hash_pending(f);
	struct mc_error err = MC_ERROR_INIT;
	struct show_submission *m = NULL;
	unit_act_as(f->s, "ad");
	assert_int_equal(show_load(f->s, "S-1", &m, &err), MC_OK);
	const struct precheck *pc = m->checks;
	assert_non_null(pc);
	/* word limits: overview 16 words, at most 15 */
	const struct precheck_item *it = find(pc, PRECHECK_WORDS, "overview", NULL);
	assert_non_null(it);
	assert_int_equal(it->ok, 0);
	assert_int_equal(it->words, 16);
	assert_int_equal(it->max_words, 15);
	assert_string_equal(it->message, "overview: 16 words, over the maximum of 15");
	/* the reflection has no evidence; the artifact has no limits, so no word check */
	it = find(pc, PRECHECK_MISSING, "reflection", NULL);
	assert_non_null(it);
	assert_string_equal(it->message, "reflection: no evidence for this part");
	assert_null(find(pc, PRECHECK_WORDS, "artifact", NULL));
	/* copies: the text (normalised) and the file are E-2's too, not E-1's own S-3 */
	it = find(pc, PRECHECK_DUPLICATE, "overview", NULL);
	assert_non_null(it);
	assert_string_equal(it->how, "text");
	assert_string_equal(it->other, "S-2");
	assert_int_equal(it->others, 1);
	it = find(pc, PRECHECK_DUPLICATE, "artifact", NULL);
	assert_non_null(it);
	assert_string_equal(it->how, "file");
	assert_string_equal(it->other, "S-2");
	assert_string_equal(it->other_part, "artifact");
	assert_string_equal(it->message, "artifact: a file is identical to evidence in S-2 (artifact) of another educator");
	assert_null(find(pc, PRECHECK_WORDS, "reflection", NULL));
	/* personal data: her own name (twice: "María López" is two of her name's words), an address, a number */
	it = find(pc, PRECHECK_PERSONAL, "overview", "name");
	assert_non_null(it);
	assert_int_equal(it->count, 2);
	assert_int_equal(find(pc, PRECHECK_PERSONAL, "overview", "e-mail")->count, 1);
	assert_int_equal(find(pc, PRECHECK_PERSONAL, "overview", "phone")->count, 1);
	assert_int_equal(pc->problems, 7);
	/* an admin sees the evidence as it is */
	assert_string_equal(m->evidence[0].text, OVERVIEW_1);
	show_free(&m);

	/* S-2: a text of one word is never compared ("N/A" is everywhere) */
	unit_act_as(f->s, "ad");
	assert_int_equal(show_load(f->s, "S-2", &m, &err), MC_OK);
	assert_null(find(m->checks, PRECHECK_DUPLICATE, "reflection", NULL));
	assert_non_null(find(m->checks, PRECHECK_DUPLICATE, "overview", NULL));
	/* Lin Wei's own name is not in it; María's is not hers: no name, unless listed */
	assert_null(find(m->checks, PRECHECK_PERSONAL, "overview", "name"));
	show_free(&m);
}

static void blind_viewer_sees_masks(void **state)
{
	struct fx *f = *state;
	char *before = query1(f->path, "SELECT sha256 || ' ' || text FROM evidence WHERE submission_id = 1 "
				       "AND kind = 'text'");
	struct mc_error err = MC_ERROR_INIT;
	struct show_submission *m = NULL;
	unit_act_as(f->s, "bl");
	assert_int_equal(show_load(f->s, "S-1", &m, &err), MC_OK);
	assert_int_equal(m->blind, 1);
	assert_string_equal(m->evidence[0].text, "[name] [name] plans her questions. Write to [e-mail] or call [phone] any day.");
	assert_string_equal(m->evidence[1].file, "[name] [name] lesson.pdf");
	assert_null(strstr(m->educator_name, "López"));
	/* the checks still count what is there */
	assert_int_equal(find(m->checks, PRECHECK_PERSONAL, "overview", "e-mail")->count, 1);
	show_free(&m);
	/* the store is untouched */
	char *after = query1(f->path, "SELECT sha256 || ' ' || text FROM evidence WHERE submission_id = 1 "
				      "AND kind = 'text'");
	assert_string_equal(before, after);
	assert_non_null(strstr(after, "maria.lopez@school.org"));
	free(before);
	free(after);
	/* S-2 is assigned to bl, not blind: the text as it is */
	unit_act_as(f->s, "bl");
	assert_int_equal(show_load(f->s, "S-2", &m, &err), MC_OK);
	assert_int_equal(m->blind, 0);
	assert_non_null(strstr(m->evidence[0].text, "maria.lopez@school.org"));
	show_free(&m);
	/* S-3 is not assigned to bl at all: refused, nothing of it shown */
	assert_int_equal(show_load(f->s, "S-3", &m, &err), MC_FAIL);
	assert_null(m);
	assert_string_equal(mc_error_msg(&err), "S-3 is not assigned to you");
	mc_error_clear(&err);
}

static void names_file_and_bad_pattern(void **state)
{
	struct fx *f = *state;
	char *dir = mc_xasprintf("%s/mcassess/redaction", f->config);
	assert_int_equal(mc_mkdirs(dir, 0700), 0);
	char *names = mc_xasprintf("%s/district.names", dir);
	FILE *fp = fopen(names, "w");
	fputs("# students\nMaría López\n", fp);
	fclose(fp);
	struct mc_error err = MC_ERROR_INIT;
	struct show_submission *m = NULL;
	unit_act_as(f->s, "ad");
	assert_int_equal(show_load(f->s, "S-2", &m, &err), MC_OK);
	const struct precheck_item *it = find(m->checks, PRECHECK_PERSONAL, "overview", "name");
	assert_non_null(it);
	assert_int_equal(it->count, 1);
	show_free(&m);
	/* a pattern of yours that does not compile: file, line, PCRE2's message, offset */
	char *pat = mc_xasprintf("%s/mine.patterns", dir);
	fp = fopen(pat, "w");
	fputs("# ids\nstudent-id [0-9\n", fp);
	fclose(fp);
	unit_act_as(f->s, "ad");
	assert_int_equal(show_load(f->s, "S-2", &m, &err), MC_INVALID);
	assert_null(m);
	char *want = mc_xasprintf("%s:2: pattern does not compile: missing terminating ] for character "
				  "class at offset 4", pat);
	assert_string_equal(mc_error_msg(&err), want);
	mc_error_clear(&err);
	unlink(pat);
	free(want);
	free(pat);
	unlink(names);
	free(names);
	free(dir);
}

static void normalised_hash(void **state)
{
	(void)state;
	char a[65], b[65], c[65];
	precheck_norm_sha256("  Hello\n\tWORLD  ", 16, a);
	precheck_norm_sha256("hello world", 11, b);
	precheck_norm_sha256("hello  worlds", 13, c);
	assert_string_equal(a, b);
	assert_string_equal(a, "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
	assert_string_not_equal(a, c);
}

#define PENDING "SELECT count(*) FROM evidence e WHERE kind = 'text' AND NOT EXISTS " \
	"(SELECT 1 FROM evidence_norm n WHERE n.evidence_id = e.id)"

/* The hashes are filled for rows that lack them, and the lookups are index lookups. */
static void hashes_and_plans(void **state)
{
	struct fx *f = *state;
	char *pending = query1(f->path, PENDING);
	assert_string_equal(pending, "4\n");
	free(pending);
	/* show is a read: it compares with what is hashed (exact copies by sha256) and writes nothing */
	struct mc_error err = MC_ERROR_INIT;
	struct show_submission *m = NULL;
	unit_act_as(f->s, "ad");
	assert_int_equal(show_load(f->s, "S-1", &m, &err), MC_OK);
	assert_null(find(m->checks, PRECHECK_DUPLICATE, "overview", NULL)); /* OVERVIEW_2 differs but in spacing */
	assert_non_null(find(m->checks, PRECHECK_DUPLICATE, "artifact", NULL));
	show_free(&m);
	pending = query1(f->path, PENDING);
	assert_string_equal(pending, "4\n");
	free(pending);
	hash_pending(f);
	long long done = 0;
	assert_int_equal(store_precheck_catch_up(f->s, &done, &err), MC_OK);
	assert_int_equal(done, 0);
	char *norm = query1(f->path, "SELECT count(DISTINCT n.sha256) FROM evidence_norm n JOIN evidence e "
				     "ON e.id = n.evidence_id WHERE e.submission_id <> 2 OR e.seq = 1");
	assert_string_equal(norm, "1\n"); /* OVERVIEW_1 (twice) and OVERVIEW_2 are one text */
	free(norm);
	/* the lookup of store_precheck.c: two index lookups, no scan */
	char *plan = query1(f->path, "EXPLAIN QUERY PLAN SELECT s.ext_id FROM (SELECT evidence_id AS id FROM "
				     "evidence_norm WHERE sha256 = 'x' UNION SELECT id FROM evidence WHERE sha256 = 'y') x "
				     "JOIN evidence e ON e.id = x.id JOIN submission s ON s.id = e.submission_id "
				     "WHERE s.educator_id <> 1 ORDER BY s.ext_id LIMIT 1");
	assert_non_null(strstr(plan, "INDEX evidence_norm_sha (sha256=?)"));
	assert_non_null(strstr(plan, "INDEX evidence_sha (sha256=?)"));
	assert_null(strstr(plan, "SCAN e"));
	assert_null(strstr(plan, "SCAN evidence"));
	free(plan);
	/* a removed evidence row takes its hash along */
	char *left = query1(f->path, "DELETE FROM evidence WHERE submission_id = 3; "
				     "SELECT count(*) FROM evidence_norm");
	free(left);
	left = query1(f->path, "SELECT count(*) FROM evidence_norm");
	assert_string_equal(left, "3\n");
	free(left);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(checks_of_a_submission, setup, teardown),
		cmocka_unit_test_setup_teardown(blind_viewer_sees_masks, setup, teardown),
		cmocka_unit_test_setup_teardown(names_file_and_bad_pattern, setup, teardown),
		cmocka_unit_test(normalised_hash),
		cmocka_unit_test_setup_teardown(hashes_and_plans, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
