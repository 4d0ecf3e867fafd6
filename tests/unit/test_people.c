/* test_people.c: roles, who may add people, the first admin, setup_init. */
#include "unit.h"

#include <pwd.h>
#include <sqlite3.h>

#include "mcassess/identity.h"
#include "mcassess/people.h"
#include "mcassess/setup.h"
#include "mcassess/store.h"
#include "mcassess/util.h"

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

static char *q(struct store *s, const char *sql)
{
	return unit_query_text(store_path(s), sql);
}

static void roles_and_names(void **state)
{
	(void)state;
	assert_int_equal(people_role_parse("assessor"), ROLE_ASSESSOR);
	assert_int_equal(people_role_parse("coordinator"), ROLE_COORDINATOR);
	assert_int_equal(people_role_parse("admin"), ROLE_ADMIN);
	assert_int_equal(people_role_parse("Admin"), ROLE_NONE);
	assert_int_equal(people_role_parse("boss"), ROLE_NONE);
	assert_int_equal(people_role_parse(NULL), ROLE_NONE);
	assert_string_equal(people_role_name(ROLE_COORDINATOR), "coordinator");
	assert_string_equal(people_role_name(ROLE_NONE), "none");
	assert_true(people_user_ok("alice"));
	assert_true(people_user_ok("_svc-1.x"));
	assert_true(people_user_ok("abcdefghijabcdefghijabcdefghij12"));
	assert_false(people_user_ok("abcdefghijabcdefghijabcdefghij123"));
	assert_false(people_user_ok("Alice"));
	assert_false(people_user_ok("1alice"));
	assert_false(people_user_ok("al ice"));
	assert_false(people_user_ok("al/ice"));
	assert_false(people_user_ok(""));
	assert_false(people_user_ok("-x"));
}

static void first_person_then_only_admins(void **state)
{
	(void)state;
	char *dir;
	struct store *s = fresh(&dir);
	struct mc_error err = MC_ERROR_INIT;
	const char *me = identity_user();
	/* the very first person may be added by anyone, here someone other than me */
	assert_int_equal(people_add(s, "alice", ROLE_ADMIN, NULL, &err), MC_OK);
	/* now I am nobody here, so I may not add people */
	assert_int_equal(people_add(s, "bob", ROLE_ASSESSOR, NULL, &err), MC_FAIL);
	char *want = mc_xasprintf("adding or changing people needs an admin, and you (%s) are not a person "
				  "in this database; ask an admin to run 'mcassess people add %s --role admin'",
				  me, me);
	assert_string_equal(err.msg, want);
	free(want);
	char *n = q(s, "SELECT count(*) FROM person");
	assert_string_equal(n, "1");
	free(n);
	enum people_role r;
	assert_int_equal(people_role(s, "bob", &r, &err), MC_OK);
	assert_int_equal(r, ROLE_NONE);
	assert_int_equal(people_require(s, ROLE_ASSESSOR, "score", &err), MC_FAIL);
	assert_non_null(strstr(err.msg, "score needs an assessor or higher, and you ("));
	mc_error_clear(&err);
	unit_close(&s);
	unit_rmtree(dir);
}

static void init_makes_me_admin_once(void **state)
{
	(void)state;
	char *dir;
	struct store *s = fresh(&dir);
	struct mc_error err = MC_ERROR_INIT;
	int yes = -1;
	assert_int_equal(setup_is_initialised(s, &yes, &err), MC_OK);
	assert_int_equal(yes, 0);
	assert_int_equal(setup_init(s, &err), MC_OK);
	assert_int_equal(setup_is_initialised(s, &yes, &err), MC_OK);
	assert_int_equal(yes, 1);
	enum people_role r;
	assert_int_equal(people_role(s, identity_user(), &r, &err), MC_OK);
	assert_int_equal(r, ROLE_ADMIN);
	assert_int_equal(people_require(s, ROLE_ADMIN, "anything", &err), MC_OK);
	char *by = q(s, "SELECT value FROM meta WHERE key = 'initialised_by'");
	assert_string_equal(by, identity_user());
	free(by);
	char *audits = q(s, "SELECT count(*) FROM audit");
	char *n = q(s, "SELECT count(*) FROM audit WHERE action = 'init' AND subject = 'database'");
	assert_string_equal(n, "1");
	free(n);
	/* a second time: refused, nothing changed */
	assert_int_equal(setup_init(s, &err), MC_FAIL);
	assert_non_null(strstr(err.msg, "already initialised on "));
	char *tail = mc_xasprintf(" by %s; nothing changed", identity_user());
	assert_non_null(strstr(err.msg, tail));
	free(tail);
	char *audits2 = q(s, "SELECT count(*) FROM audit");
	assert_string_equal(audits, audits2);
	free(audits);
	free(audits2);
	mc_error_clear(&err);
	unit_close(&s);
	unit_rmtree(dir);
}

static void add_change_and_audit(void **state)
{
	(void)state;
	char *dir;
	struct store *s = fresh(&dir);
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(setup_init(s, &err), MC_OK);
	enum people_change what;
	assert_int_equal(people_set(s, "carol", ROLE_ASSESSOR, "North Valley", &what, &err), MC_OK);
	assert_int_equal(what, PEOPLE_ADDED);
	assert_int_equal(people_set(s, "carol", ROLE_ASSESSOR, NULL, &what, &err), MC_OK);
	assert_int_equal(what, PEOPLE_UNCHANGED);
	assert_int_equal(people_set(s, "carol", ROLE_COORDINATOR, NULL, &what, &err), MC_OK);
	assert_int_equal(what, PEOPLE_CHANGED);
	char *b = q(s, "SELECT before || ' -> ' || after FROM audit WHERE subject = 'person:carol' ORDER BY seq DESC");
	assert_string_equal(b, "{\"district\":\"North Valley\",\"role\":\"assessor\"} -> "
			       "{\"district\":\"North Valley\",\"role\":\"coordinator\"}");
	free(b);
	/* bad input */
	assert_int_equal(people_set(s, "Carol!", ROLE_ASSESSOR, NULL, &what, &err), MC_INVALID);
	assert_non_null(strstr(err.msg, "'Carol!' is not a login name"));
	assert_int_equal(people_set(s, "dave", ROLE_NONE, NULL, &what, &err), MC_USAGE);
	/* the only admin keeps the role */
	assert_int_equal(people_set(s, identity_user(), ROLE_ASSESSOR, NULL, &what, &err), MC_FAIL);
	assert_non_null(strstr(err.msg, "is the only admin"));
	/* once there is another admin, it may change */
	assert_int_equal(people_set(s, "erin", ROLE_ADMIN, NULL, &what, &err), MC_OK);
	assert_int_equal(people_set(s, "erin", ROLE_ASSESSOR, NULL, &what, &err), MC_OK);
	mc_error_clear(&err);

	struct person *list = NULL;
	int n = 0;
	assert_int_equal(people_list(s, &list, &n, &err), MC_OK);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].user, "carol");
	assert_int_equal(list[0].role, ROLE_COORDINATOR);
	assert_string_equal(list[0].district, "North Valley");
	assert_string_equal(list[0].name, ""); /* no such account */
	assert_string_equal(list[0].email, "");
	assert_string_equal(list[1].user, "erin");
	assert_null(list[1].district);
	/* my own account exists: its name and e-mail come from the passwd entry */
	int mine = strcmp(list[2].user, identity_user()) == 0;
	assert_true(mine);
	struct passwd *pw = getpwnam(identity_user());
	if (pw) {
		assert_int_equal(strncmp(list[2].email, identity_user(), strlen(identity_user())), 0);
		assert_non_null(strchr(list[2].email, '@'));
	}
	people_list_free(&list, n);
	assert_null(list);
	unit_close(&s);
	unit_rmtree(dir);
}

/* people import: all or nothing, what happened per line; people remove keeps
 * the row (the name stays) and takes the role away. */
static void import_and_remove(void **state)
{
	(void)state;
	char *dir;
	struct store *s = fresh(&dir);
	struct mc_error err = MC_ERROR_INIT;
	const char *me = identity_user();
	assert_int_equal(people_add(s, me, ROLE_ADMIN, NULL, &err), MC_OK);
	static const char good[] = "\xEF\xBB\xBFuser,name,email,role,district\r\n"
				   "amy,Amy Ng,amy@example.org,assessor,North\r\n"
				   "bo,\"Chen, Bo\",,coordinator,\r\n";
	struct people_import_result r;
	assert_int_equal(people_import(s, "p.csv", good, strlen(good), &r, &err), MC_OK);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.added, 2);
	assert_int_equal(r.lines[1].line, 3);
	assert_string_equal(r.lines[1].user, "bo");
	people_import_result_free(&r);
	char *v = q(s, "SELECT name || '|' || email || '|' || role FROM person WHERE user = 'bo'");
	assert_string_equal(v, "Chen, Bo||coordinator");
	free(v);
	static const char bad[] = "user,name,email,role,district\namy,Amy Ng,amy@example.org,admin,North\n"
				  "cy,Cy,,chief,\n";
	assert_int_equal(people_import(s, "bad.csv", bad, strlen(bad), &r, &err), MC_INVALID);
	assert_string_equal(err.msg, "bad.csv:3: column 'role': 'chief' is not a role (assessor, coordinator or admin)");
	assert_int_equal(r.n, 0);
	v = q(s, "SELECT role FROM person WHERE user = 'amy'");
	assert_string_equal(v, "assessor"); /* line 2 was not kept either */
	free(v);
	mc_error_clear(&err);
	assert_int_equal(people_remove(s, "amy", &err), MC_OK);
	enum people_role role;
	assert_int_equal(people_role(s, "amy", &role, &err), MC_OK);
	assert_int_equal(role, ROLE_NONE);
	v = q(s, "SELECT name FROM person WHERE user = 'amy' AND removed_at IS NOT NULL");
	assert_string_equal(v, "Amy Ng");
	free(v);
	assert_int_equal(people_remove(s, me, &err), MC_FAIL);
	assert_non_null(strstr(err.msg, "is the only admin"));
	mc_error_clear(&err);
	unit_close(&s);
	unit_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roles_and_names),
		cmocka_unit_test(first_person_then_only_admins),
		cmocka_unit_test(init_makes_me_admin_once),
		cmocka_unit_test(add_change_and_audit),
		cmocka_unit_test(import_and_remove),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
