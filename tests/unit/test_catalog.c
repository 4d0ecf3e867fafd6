/* test_catalog.c: validating catalog files, loading versions, the rubric model. */
#include "unit.h"

#include <sqlite3.h>

#include "mcassess/catalog.h"
#include "mcassess/setup.h"
#include "mcassess/store.h"
#include "mcassess/util.h"

#define FIX MC_ABS_SRCDIR "/tests/fixtures/catalog"

/* Problems collected from catalog_validate. */
struct problems {
	char **v;
	int n;
};

static void collect(void *ctx, const char *p)
{
	struct problems *ps = ctx;
	ps->v = realloc(ps->v, (size_t)(ps->n + 1) * sizeof *ps->v);
	ps->v[ps->n++] = strdup(p);
}

static void problems_free(struct problems *ps)
{
	for (int i = 0; i < ps->n; i++)
		free(ps->v[i]);
	free(ps->v);
	ps->v = NULL;
	ps->n = 0;
}

static int has(const struct problems *ps, const char *want)
{
	for (int i = 0; i < ps->n; i++)
		if (strcmp(ps->v[i], want) == 0)
			return 1;
	return 0;
}

static void assert_has(const struct problems *ps, const char *want)
{
	if (!has(ps, want)) {
		for (int i = 0; i < ps->n; i++)
			print_message("# got: %s\n", ps->v[i]);
		fail_msg("missing problem: %s", want);
	}
}

/* A fresh database initialised by the current user (who becomes admin). */
static struct store *fresh(char **dir)
{
	*dir = unit_tmpdir();
	char *path = mc_xasprintf("%s/t.db", *dir);
	struct store *s = NULL;
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(unit_open(path, STORE_CREATE, &s, &err), MC_OK);
	free(path);
	return s;
}

static struct store *fresh_init(char **dir)
{
	struct store *s = fresh(dir);
	struct mc_error err = MC_ERROR_INIT;
	if (setup_init(s, &err) != MC_OK)
		fail_msg("setup_init: %s", mc_error_msg(&err));
	return s;
}

static long long q(struct store *s, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long v = -1;
	assert_int_equal(sqlite3_open(store_path(s), &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* All rows of rubric version 1 of X-ONE, with every part, criterion and level, as text. */
static char *v1_rows(struct store *s)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *out = NULL;
	assert_int_equal(sqlite3_open(store_path(s), &db), SQLITE_OK);
	const char *sql =
		"SELECT group_concat(x, '|') FROM ("
		" SELECT r.id || r.title || r.key_method || r.source_sha256 || r.loaded_at AS x FROM rubric r"
		"  JOIN credential c ON c.id = r.credential_id WHERE c.code = 'X-ONE' AND r.version = 1"
		" UNION ALL SELECT p.id || p.code || p.prompt || coalesce(p.min_words, '-') FROM part p"
		"  JOIN rubric r ON r.id = p.rubric_id JOIN credential c ON c.id = r.credential_id"
		"  WHERE c.code = 'X-ONE' AND r.version = 1"
		" UNION ALL SELECT k.id || k.code || k.text FROM criterion k JOIN rubric r ON r.id = k.rubric_id"
		"  JOIN credential c ON c.id = r.credential_id WHERE c.code = 'X-ONE' AND r.version = 1"
		" UNION ALL SELECT l.id || l.code || l.descriptor || l.passes FROM level l"
		"  JOIN criterion k ON k.id = l.criterion_id JOIN rubric r ON r.id = k.rubric_id"
		"  JOIN credential c ON c.id = r.credential_id WHERE c.code = 'X-ONE' AND r.version = 1)";
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		out = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_non_null(out);
	return out;
}

static void good_catalog_validates(void **state)
{
	(void)state;
	struct problems ps = { 0 };
	struct mc_error err = MC_ERROR_INIT;
	int nc = -1, np = -1;
	assert_int_equal(catalog_validate(FIX "/good", collect, &ps, &nc, &np, &err), MC_OK);
	assert_int_equal(ps.n, 0);
	assert_int_equal(nc, 2);
	assert_int_equal(np, 2);
	/* a lone credential file finds pathways.json beside it */
	assert_int_equal(catalog_validate(FIX "/good/X-TWO.json", collect, &ps, &nc, &np, &err), MC_OK);
	assert_int_equal(nc, 1);
	assert_int_equal(ps.n, 0);
}

static void shipped_catalog_is_complete(void **state)
{
	(void)state;
	char *dir = mc_xasprintf("%s/catalog", mc_data_dir());
	struct problems ps = { 0 };
	struct mc_error err = MC_ERROR_INIT;
	int nc = 0, np = 0;
	int rc = catalog_validate(dir, collect, &ps, &nc, &np, &err);
	for (int i = 0; i < ps.n; i++)
		print_message("# %s\n", ps.v[i]);
	assert_int_equal(rc, MC_OK);
	assert_int_equal(nc, 25);
	assert_int_equal(np, 6);
	problems_free(&ps);
	free(dir);

	char *tmp;
	struct store *s = fresh_init(&tmp);
	struct catalog_pathway *pw = NULL;
	int n = 0, goals = 0, creds = 0;
	assert_int_equal(catalog_pathways(s, &pw, &n, &err), MC_OK);
	assert_int_equal(n, 6);
	for (int i = 0; i < n; i++) {
		goals += pw[i].goal;
		creds += pw[i].ncredentials;
	}
	assert_int_equal(goals, 280);
	assert_int_equal(creds, 25);
	assert_string_equal(pw[0].code, "TEAM");
	assert_int_equal(pw[1].goal, 160);
	catalog_pathways_free(&pw, n);
	assert_null(pw);
	/* every credential has overview, artifact and reflection parts and passes only at the top */
	struct catalog_entry *e = NULL;
	assert_int_equal(catalog_list(s, &e, &n, &err), MC_OK);
	assert_int_equal(n, 25);
	for (int i = 0; i < n; i++) {
		struct catalog_rubric *r = NULL;
		assert_int_equal(catalog_rubric_get(s, e[i].rubric_rowid, &r, &err), MC_OK);
		assert_string_equal(r->parts[0].code, "overview");
		assert_string_equal(r->parts[1].code, "artifact");
		assert_string_equal(r->parts[r->nparts - 1].code, "reflection");
		assert_true(r->parts[0].min_words > 0 && r->parts[0].max_words > r->parts[0].min_words);
		assert_int_equal(r->parts[1].min_words, -1);
		assert_non_null(catalog_criterion_find(r, "O1"));
		assert_non_null(catalog_criterion_find(r, "A1"));
		assert_non_null(catalog_criterion_find(r, "R1"));
		catalog_rubric_free(&r);
	}
	catalog_list_free(&e, n);
	unit_close(&s);
	unit_rmtree(tmp);
}

static void malformed_json_names_line_and_column(void **state)
{
	(void)state;
	struct problems ps = { 0 };
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(catalog_validate(FIX "/bad-json", collect, &ps, NULL, NULL, &err), MC_INVALID);
	assert_int_equal(ps.n, 1);
	assert_has(&ps, FIX "/bad-json/X-ONE.json:4:9: '}' expected near '\"title\"'");
	assert_non_null(strstr(err.msg, "1 problem found"));
	mc_error_clear(&err);
	problems_free(&ps);
}

static void every_wrong_value_is_named_by_its_path(void **state)
{
	(void)state;
	struct problems ps = { 0 };
	struct mc_error err = MC_ERROR_INIT;
	int nc = -1;
	assert_int_equal(catalog_validate(FIX "/bad-values", collect, &ps, &nc, NULL, &err), MC_INVALID);
	assert_int_equal(nc, 0);
#define P FIX "/bad-values/X-BAD.json: credential X-BAD: "
	assert_has(&ps, P "colour: unknown field (known fields: code, pathway, title, competency, "
		   "key_method, aligned_to, passing_rule, levels, parts)");
	assert_has(&ps, P "title: 201 characters is longer than the 200 allowed");
	assert_has(&ps, P "competency: missing (a text is required)");
	assert_has(&ps, P "passing_rule: 'most_criteria_pass' is not a passing rule (the one there is: "
		   "all_criteria_pass)");
	assert_has(&ps, P "parts[0].min_words: 600 is more than max_words (500)");
	assert_has(&ps, P "parts[0].criteria[1].code: 'O1' is already the code of parts[0].criteria[0] "
		   "(criterion codes are unique within a credential)");
	assert_has(&ps, P "parts[1].criteria[0].levels[2].passes: expected true or false");
	assert_has(&ps, P "parts[1].criteria[1].levels: no level passes: at least one needs \"passes\": true");
	assert_has(&ps, P "parts[2].kind: 'summary' is not a kind of part (expected overview, artifact or "
		   "reflection)");
	assert_has(&ps, P "parts[2].criteria[0].descriptors.excellent: no level 'excellent' (the levels are "
		   "not_met, progressing, demonstrated)");
	assert_has(&ps, P "parts[2].code: 'overview' is already the code of parts[0]");
	assert_has(&ps, P "pathway: no pathway 'NOPE' (known: PW, PX)");
#undef P
	assert_int_equal(ps.n, 12);
	assert_non_null(strstr(err.msg, "12 problems found"));
	mc_error_clear(&err);
	problems_free(&ps);
}

static void duplicates_are_found(void **state)
{
	(void)state;
	struct problems ps = { 0 };
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(catalog_validate(FIX "/bad-dup", collect, &ps, NULL, NULL, &err), MC_INVALID);
	assert_has(&ps, FIX "/bad-dup/more.json: credential X-TWO: code: 'X-TWO' is already defined in "
		   FIX "/bad-dup/X-TWO.json");
	assert_has(&ps, FIX "/bad-dup/twice.json:3:40: duplicate object key near '\"code\"'");
	assert_int_equal(ps.n, 2);
	mc_error_clear(&err);
	problems_free(&ps);
}

/* Small wrong files written on the spot: one problem each, named by its path. */
static void single_problems(void **state)
{
	(void)state;
	static const struct {
		const char *json, *want;
	} cases[] = {
		{ "[1, 2]", "expected an object in { }: one credential, or {\"pathways\": [...]}" },
		{ "{\"pathways\": [{\"code\": \"A\", \"title\": \"A\", \"goal\": -1}]}",
		  "pathways[0].goal: expected a whole number from 0 to 1000000" },
		{ "{\"pathways\": [{\"code\": \"A\", \"title\": \"A\", \"goal\": 1},"
		  " {\"code\": \"A\", \"title\": \"B\", \"goal\": 2}]}",
		  "pathways[1].code: pathway 'A' is already defined in " },
		{ "{\"pathways\": [{\"code\": \"a b\", \"title\": \"A\", \"goal\": 1}]}",
		  "pathways[0].code: 'a b' is not a usable code" },
		{ "{\"pathways\": [{\"code\": \"A\", \"title\": 7, \"goal\": 1}]}",
		  "pathways[0].title: expected a text in double quotes" },
		{ "{\"pathways\": [{\"code\": \"A\", \"title\": \"  \", \"goal\": 1}]}",
		  "pathways[0].title: must not be empty" },
		{ "{\"credentials\": 3}", "credentials: expected a list of credentials in [ ]" },
	};
	char *dir = unit_tmpdir();
	char *path = mc_xasprintf("%s/c.json", dir);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		FILE *f = fopen(path, "w");
		fputs(cases[i].json, f);
		fclose(f);
		struct problems ps = { 0 };
		struct mc_error err = MC_ERROR_INIT;
		assert_int_equal(catalog_validate(path, collect, &ps, NULL, NULL, &err), MC_INVALID);
		char *want = mc_xasprintf("%s: %s", path, cases[i].want);
		if (ps.n != 1 || strncmp(ps.v[0], want, strlen(want)) != 0)
			fail_msg("case %zu: want '%s', got %d problems, first '%s'", i, want, ps.n,
				 ps.n ? ps.v[0] : "");
		free(want);
		mc_error_clear(&err);
		problems_free(&ps);
	}
	/* invalid UTF-8 is refused by the JSON reader, with its position */
	FILE *f = fopen(path, "w");
	fputs("{\"pathways\": [{\"code\": \"A\", \"title\": \"\xff\", \"goal\": 1}]}", f);
	fclose(f);
	struct problems ps = { 0 };
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(catalog_validate(path, collect, &ps, NULL, NULL, &err), MC_INVALID);
	assert_int_equal(ps.n, 1);
	char *want = mc_xasprintf("%s:1:", path);
	assert_int_equal(strncmp(ps.v[0], want, strlen(want)), 0);
	free(want);
	problems_free(&ps);
	mc_error_clear(&err);
	/* a missing path fails (1), it is not "invalid" */
	assert_int_equal(catalog_validate("/nonexistent/catalog", collect, &ps, NULL, NULL, &err), MC_FAIL);
	assert_non_null(strstr(err.msg, "/nonexistent/catalog"));
	mc_error_clear(&err);
	free(path);
	unit_rmtree(dir);
}

static void loading_twice_changes_nothing(void **state)
{
	(void)state;
	char *dir;
	struct store *s = fresh_init(&dir);
	struct mc_error err = MC_ERROR_INIT;
	struct catalog_load_stats st;
	assert_int_equal(catalog_load(s, FIX "/good", &st, &err), MC_OK);
	assert_int_equal(st.added, 2);
	assert_int_equal(st.changed, 0);
	assert_int_equal(st.pathways, 2);
	long long audits = q(s, "SELECT count(*) FROM audit");
	long long rubrics = q(s, "SELECT count(*) FROM rubric");
	assert_int_equal(catalog_load(s, FIX "/good", &st, &err), MC_OK);
	assert_int_equal(st.added, 0);
	assert_int_equal(st.changed, 0);
	assert_int_equal(st.unchanged, 2);
	assert_int_equal(st.pathways, 0);
	assert_int_equal(q(s, "SELECT count(*) FROM audit"), audits);
	assert_int_equal(q(s, "SELECT count(*) FROM rubric"), rubrics);
	/* the shipped catalog again: all unchanged */
	char *cat = mc_xasprintf("%s/catalog", mc_data_dir());
	assert_int_equal(catalog_load(s, cat, &st, &err), MC_OK);
	assert_int_equal(st.unchanged, 25);
	free(cat);
	unit_close(&s);
	unit_rmtree(dir);
}

static void changed_credential_gets_a_new_version(void **state)
{
	(void)state;
	char *dir;
	struct store *s = fresh_init(&dir);
	struct mc_error err = MC_ERROR_INIT;
	struct catalog_load_stats st;
	assert_int_equal(catalog_load(s, FIX "/good", &st, &err), MC_OK);
	char *before = v1_rows(s);
	long long v1 = q(s, "SELECT r.id FROM rubric r JOIN credential c ON c.id = r.credential_id "
			    "WHERE c.code = 'X-ONE' AND r.version = 1");
	assert_int_equal(catalog_load(s, FIX "/changed", &st, &err), MC_OK);
	assert_int_equal(st.changed, 1);
	assert_int_equal(st.unchanged, 1);
	assert_int_equal(st.added, 0);
	char *after = v1_rows(s);
	assert_string_equal(before, after);
	free(before);
	free(after);
	assert_int_equal(q(s, "SELECT current_version FROM credential WHERE code = 'X-ONE'"), 2);
	assert_int_equal(q(s, "SELECT current_version FROM credential WHERE code = 'X-TWO'"), 1);
	assert_int_equal(q(s, "SELECT count(*) FROM audit WHERE subject = 'credential:X-ONE' AND action = "
			      "'catalog' AND json_extract(after, '$.version') = 2 AND "
			      "json_extract(before, '$.version') = 1"), 1);

	struct catalog_rubric *r = NULL;
	assert_int_equal(catalog_rubric_by_code(s, "X-ONE", 0, &r, &err), MC_OK);
	assert_int_equal(r->version, 2);
	assert_non_null(strstr(r->key_method, "Count five seconds"));
	assert_true(r->rowid != v1);
	catalog_rubric_free(&r);
	assert_int_equal(catalog_rubric_by_code(s, "X-ONE", 1, &r, &err), MC_OK);
	assert_int_equal(r->rowid, v1);
	assert_int_equal(r->version, 1);
	assert_int_equal(r->current_version, 2);
	assert_non_null(strstr(r->key_method, "three to five"));
	catalog_rubric_free(&r);
	assert_int_equal(catalog_rubric_by_code(s, "X-ONE", 3, &r, &err), MC_FAIL);
	assert_string_equal(err.msg, "catalog: credential 'X-ONE' has no version 3 (its versions are 1 to 2)");
	assert_int_equal(catalog_rubric_by_code(s, "NOPE", 0, &r, &err), MC_FAIL);
	assert_string_equal(err.msg, "catalog: no credential 'NOPE' (see 'mcassess catalog list')");
	assert_null(r);
	mc_error_clear(&err);
	unit_close(&s);
	unit_rmtree(dir);
}

static void invalid_load_changes_nothing(void **state)
{
	(void)state;
	char *dir;
	struct store *s = fresh_init(&dir);
	struct mc_error err = MC_ERROR_INIT;
	struct catalog_load_stats st;
	long long audits = q(s, "SELECT count(*) FROM audit");
	long long pathways = q(s, "SELECT count(*) FROM pathway");
	assert_int_equal(catalog_load(s, FIX "/bad-values", &st, &err), MC_INVALID);
	assert_non_null(strstr(err.msg, "the catalog is not valid (12 problems); nothing was loaded:"));
	assert_non_null(strstr(err.msg, "\n  " FIX "/bad-values/X-BAD.json: credential X-BAD: "
				"parts[1].criteria[0].levels[2].passes: expected true or false"));
	assert_int_equal(q(s, "SELECT count(*) FROM audit"), audits);
	assert_int_equal(q(s, "SELECT count(*) FROM pathway"), pathways);
	assert_int_equal(st.added + st.changed + st.unchanged + st.pathways, 0);
	/* a lone credential file may use a pathway the database already has */
	assert_int_equal(catalog_load(s, FIX "/good", &st, &err), MC_OK);
	char *lone = mc_xasprintf("%s/X-ONE.json", dir);
	char *cmd = mc_xasprintf("cp '%s' '%s'", FIX "/changed/X-ONE.json", lone);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(catalog_load(s, lone, &st, &err), MC_OK);
	assert_int_equal(st.changed, 1);
	free(cmd);
	free(lone);
	mc_error_clear(&err);
	unit_close(&s);
	unit_rmtree(dir);
}

static void rubric_model(void **state)
{
	(void)state;
	char *dir;
	struct store *s = fresh_init(&dir);
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(catalog_load(s, FIX "/good", NULL, &err), MC_OK);
	long long id = q(s, "SELECT r.id FROM rubric r JOIN credential c ON c.id = r.credential_id "
			    "WHERE c.code = 'X-ONE'");
	struct catalog_rubric *r = NULL;
	assert_int_equal(catalog_rubric_get(s, id, &r, &err), MC_OK);
	assert_string_equal(r->credential, "X-ONE");
	assert_string_equal(r->pathway, "PW");
	assert_string_equal(r->pathway_title, "Practice pathway");
	assert_string_equal(r->title, "Wait Time");
	assert_string_equal(r->passing_rule, "all_criteria_pass");
	assert_int_equal(r->version, 1);
	assert_int_equal(strlen(r->source_sha256), 64);
	assert_int_equal(r->nparts, 3);
	assert_int_equal(r->ncriteria, 4);
	const struct catalog_part *p = &r->parts[0];
	assert_string_equal(p->code, "overview");
	assert_string_equal(p->kind, "overview");
	assert_int_equal(p->min_words, 100);
	assert_int_equal(p->max_words, 400);
	assert_int_equal(p->required, 1);
	assert_int_equal(p->ncriteria, 2);
	assert_int_equal(r->parts[1].min_words, -1);
	assert_int_equal(r->parts[1].max_words, -1);
	/* shared levels, with the criterion's own descriptor where it gives one */
	const struct catalog_criterion *o2 = catalog_criterion_find(r, "O2");
	assert_non_null(o2);
	assert_int_equal(o2->nlevels, 3);
	assert_string_equal(o2->levels[2].descriptor, "A named routine is described and used.");
	assert_string_equal(o2->levels[1].descriptor, "Pauses are short or uneven.");
	assert_int_equal(o2->levels[0].passes, 0);
	assert_int_equal(o2->levels[2].passes, 1);
	assert_int_equal(o2->levels[2].seq, 3);
	/* a criterion's own levels */
	const struct catalog_criterion *r1 = catalog_criterion_find(r, "r1");
	assert_non_null(r1);
	assert_string_equal(r1->code, "R1");
	assert_int_equal(r1->nlevels, 2);
	assert_string_equal(r1->levels[1].code, "yes");
	assert_true(r1->levels[1].passes);
	/* a level as typed: code, label in any case, number */
	assert_ptr_equal(catalog_level_find(o2, "demonstrated"), &o2->levels[2]);
	assert_ptr_equal(catalog_level_find(o2, "PROGRESSING"), &o2->levels[1]);
	assert_ptr_equal(catalog_level_find(o2, "not met"), &o2->levels[0]);
	assert_ptr_equal(catalog_level_find(o2, "1"), &o2->levels[0]);
	assert_null(catalog_level_find(o2, "4"));
	assert_null(catalog_level_find(o2, "great"));
	assert_null(catalog_criterion_find(r, "Z9"));
	/* the JSON form */
	char *j = catalog_rubric_json(r);
	assert_non_null(strstr(j, "\"min_words\": null"));
	assert_non_null(strstr(j, "\"passes\": true"));
	free(j);
	catalog_rubric_free(&r);
	assert_null(r);
	assert_int_equal(catalog_rubric_get(s, 999999, &r, &err), MC_FAIL);
	mc_error_clear(&err);
	unit_close(&s);
	unit_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_catalog_validates),
		cmocka_unit_test(shipped_catalog_is_complete),
		cmocka_unit_test(malformed_json_names_line_and_column),
		cmocka_unit_test(every_wrong_value_is_named_by_its_path),
		cmocka_unit_test(duplicates_are_found),
		cmocka_unit_test(single_problems),
		cmocka_unit_test(loading_twice_changes_nothing),
		cmocka_unit_test(changed_credential_gets_a_new_version),
		cmocka_unit_test(invalid_load_changes_nothing),
		cmocka_unit_test(rubric_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
