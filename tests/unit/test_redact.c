/* test_redact.c: personal-data patterns: each family on English, accented and
 * Chinese text; names as whole words; bad patterns; masking and excerpts. */
#include "unit.h"

#include "mcassess/redact.h"
#include "mcassess/util.h"

static struct redact_set *shipped(void)
{
	char *dir = mc_xasprintf("%s/redaction", mc_data_dir());
	const char *dirs[1] = { dir };
	struct redact_set *set = NULL;
	struct mc_error err = MC_ERROR_INIT;
	int rc = redact_load_dirs(dirs, 1, &set, &err);
	if (rc != MC_OK)
		fail_msg("%s", mc_error_msg(&err));
	free(dir);
	return set;
}

static char *masked(struct redact_set *set, const char *text)
{
	char *out = NULL;
	struct mc_error err = MC_ERROR_INIT;
	if (redact_mask(set, text, strlen(text), &out, NULL, &err) != MC_OK)
		fail_msg("%s", mc_error_msg(&err));
	return out;
}

#define assert_masks(set, in, want)                  \
	do {                                         \
		char *got_ = masked((set), (in));    \
		assert_string_equal(got_, (want));   \
		free(got_);                          \
	} while (0)

static void test_email(void **state)
{
	(void)state;
	struct redact_set *set = shipped();
	assert_masks(set, "Write to m.lopez@hillcrest.k12.tn.us for the rubric.",
		     "Write to [e-mail] for the rubric.");
	assert_masks(set, "Mon adresse: josé.müller@colegio-añil.es, merci.",
		     "Mon adresse: [e-mail], merci.");
	assert_masks(set, "请联系wang.li@school.cn谢谢", "请联系[e-mail]谢谢");
	assert_masks(set, "no address here: a @ b, x@y, @handle", "no address here: a @ b, x@y, @handle");
	redact_free(&set);
}

static void test_phone(void **state)
{
	(void)state;
	struct redact_set *set = shipped();
	assert_masks(set, "Call (615) 555-0123 or 615-555-0199 or 615.555.0142 x204.",
		     "Call [phone] or [phone] or [phone].");
	assert_masks(set, "Ring +1 615 555 0123 or 1-800-555-0199 today", "Ring [phone] or [phone] today");
	assert_masks(set, "Señora Núñez: +34 912 345 678, or +44 20 7946 0958.",
		     "Señora Núñez: [phone], or [phone].");
	assert_masks(set, "家长电话+86 138 0013 8000，办公室615-555-0123。", "家长电话[phone]，办公室[phone]。");
	/* dates, scores, years and short numbers are not phone numbers */
	assert_masks(set, "On 2026-11-22, 18 of 24 students (75%) scored +12; room 615-555.",
		     "On 2026-11-22, 18 of 24 students (75%) scored +12; room 615-555.");
	redact_free(&set);
}

static void test_names(void **state)
{
	(void)state;
	struct redact_set *set = redact_new();
	redact_add_name(set, "María José López");
	redact_add_name(set, "Ana");
	redact_add_name(set, "Jürgen Ümlaut");
	redact_add_name(set, "王小明");
	redact_add_name(set, "   ");
	assert_int_equal(redact_nnames(set), 4);
	/* whole words, any case (Unicode), the longest name at a place */
	assert_masks(set, "Today ana and ANA helped maría josé lópez; Banana and Anabel did not.",
		     "Today [name] and [name] helped [name]; Banana and Anabel did not.");
	assert_masks(set, "MARÍA JOSÉ  LÓPEZ\nand JÜRGEN ÜMLAUT", "[name]\nand [name]");
	/* accents respected: Jurgen is not Jürgen */
	assert_masks(set, "Jurgen Umlaut came", "Jurgen Umlaut came");
	/* Chinese names are found inside unspaced text; a Latin name beside ideographs too */
	assert_masks(set, "今天王小明和Ana一起讨论。", "今天[name]和[name]一起讨论。");
	/* the educator's own name: whole and by its longer words */
	redact_set_person(set, "Li Wen Kowalczyk");
	assert_masks(set, "Ms. Kowalczyk (Li Wen Kowalczyk) asked Li.", "Ms. [name] ([name]) asked Li.");
	redact_set_person(set, "Will Green");
	assert_masks(set, "Mr. Green said we will grow green beans. WILL GREEN agreed.",
		     "Mr. [name] said we will grow green beans. [name] agreed.");
	/* the school, for blind viewers: whole, any case, across a line break, not
	 * inside a longer word; a name with punctuation is a literal */
	redact_set_school(set, "St. Mary's  Academy");
	assert_masks(set, "At ST. MARY'S\nacademy we met; StX Mary's Academy and St. Mary's Academyville are not it.",
		     "At [school] we met; StX Mary's Academy and St. Mary's Academyville are not it.");
	redact_set_school(set, "École Saint-Exupéry");
	assert_masks(set, "à l'école saint-exupéry, 二年级", "à l'[school], 二年级");
	redact_set_school(set, NULL);
	assert_masks(set, "At St. Mary's Academy.", "At St. Mary's Academy.");
	/* a hyphenated surname: each part alone names her too */
	redact_set_person(set, "Zelda Quintessa-Marlowe");
	assert_masks(set, "Ms. Marlowe and Quintessa-Marlowe; Zelda Quintessa-Marlowe.",
		     "Ms. [name] and [name]; [name].");
	redact_set_person(set, NULL);
	assert_masks(set, "Ms. Kowalczyk asked.", "Ms. Kowalczyk asked.");
	redact_free(&set);
}

/* A district's list: thousands of names, Latin and Chinese, in one set. */
static void test_many_names(void **state)
{
	(void)state;
	struct redact_set *set = redact_new();
	char name[64];
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof name, "Firstname%d Lastname%d", i, i * 7);
		redact_add_name(set, name);
	}
	redact_add_name(set, "王小明");
	redact_add_name(set, "李华");
	assert_masks(set, "Firstname4999 Lastname34993 and firstname12 lastname84 met 李华; Firstname1 Lastname8 did not.",
		     "[name] and [name] met [name]; Firstname1 Lastname8 did not.");
	redact_free(&set);
}

static void test_find_offsets(void **state)
{
	(void)state;
	struct redact_set *set = shipped();
	redact_add_name(set, "Zoë");
	const char *t = "Zoë: zoe@x.org, 615-555-0123";
	struct redact_match *m;
	int n;
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(redact_find(set, t, strlen(t), &m, &n, &err), MC_OK);
	assert_int_equal(n, 3);
	assert_int_equal(m[0].start, 0);
	assert_int_equal(m[0].end, 4); /* ë is two bytes */
	assert_string_equal(m[0].family, "name");
	assert_int_equal(m[1].start, 6);
	assert_string_equal(m[1].family, "e-mail");
	assert_int_equal(m[2].start, 17);
	assert_int_equal(m[2].end, strlen(t));
	assert_string_equal(m[2].family, "phone");
	free(m);
	/* not UTF-8 (or a NUL): the bad bytes are read as '?', and what is around them is found */
	const char *bad = "bad \xff\xc3 byte, a@b.org\0 615-555-0123";
	assert_int_equal(redact_find(set, bad, 34, &m, &n, &err), MC_OK);
	assert_int_equal(n, 2);
	assert_int_equal(m[0].start, 13);
	assert_int_equal(m[0].end, 20);
	assert_int_equal(m[1].start, 22);
	assert_int_equal(m[1].end, 34);
	free(m);
	redact_free(&set);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_bad_pattern(void **state)
{
	(void)state;
	char *dir = unit_tmpdir();
	char *path = mc_xasprintf("%s/mine.patterns", dir);
	write_file(path, "# mine\n\nstudent-id\tS[0-9]{6}\nphone   (615\n");
	const char *dirs[1] = { dir };
	struct redact_set *set = NULL;
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(redact_load_dirs(dirs, 1, &set, &err), MC_INVALID);
	assert_null(set);
	char *want = mc_xasprintf("%s:4: pattern does not compile: missing closing parenthesis at offset 4",
				  path);
	assert_string_equal(mc_error_msg(&err), want);
	free(want);
	mc_error_clear(&err);
	/* a family name that is not one */
	write_file(path, "Student ID\tS[0-9]{6}\n");
	assert_int_equal(redact_load_dirs(dirs, 1, &set, &err), MC_INVALID);
	assert_non_null(strstr(mc_error_msg(&err), "mine.patterns:1: 'Student' is not a family name"));
	mc_error_clear(&err);
	free(path);
	unit_rmtree(dir);
}

/* A file of yours replaces the shipped one of the same name; others add to it. */
static void test_dirs(void **state)
{
	(void)state;
	char *dir = unit_tmpdir();
	char *shipped_dir = mc_xasprintf("%s/redaction", mc_data_dir());
	char *p1 = mc_xasprintf("%s/default.patterns", dir);
	char *p2 = mc_xasprintf("%s/district.names", dir);
	char *p3 = mc_xasprintf("%s/ids.patterns", dir);
	write_file(p1, "phone\t\\b555-[0-9]{4}\\b\n");
	write_file(p2, "# teachers\r\nRenée Dubois\r\n");
	write_file(p3, "student-id S[0-9]{6}\n");
	const char *dirs[2] = { shipped_dir, dir };
	struct redact_set *set = NULL;
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(redact_load_dirs(dirs, 2, &set, &err), MC_OK);
	assert_masks(set, "renée dubois (S123456) at 555-0123, a@b.org",
		     "[name] ([student-id]) at [phone], a@b.org");
	redact_free(&set);
	free(p1);
	free(p2);
	free(p3);
	free(shipped_dir);
	unit_rmtree(dir);
}

static char *excerpt(struct redact_set *set, const char *text, size_t at, const char *ex, size_t head,
		     size_t tail)
{
	char *out = NULL;
	struct mc_error err = MC_ERROR_INIT;
	if (redact_mask_excerpt(set, text, strlen(text), at, ex, head, tail, &out, &err) != MC_OK)
		fail_msg("%s", mc_error_msg(&err));
	return out;
}

static void test_excerpt(void **state)
{
	(void)state;
	struct redact_set *set = shipped();
	redact_add_name(set, "Maria Lopez");
	const char *text = "Yesterday Maria Lopez said the lesson on fractions went well.";
	/* the match marked inside the name: the mask is marked */
	char *got = excerpt(set, text, 0, "Yesterday Ma\x01ria Lo\x02pez said", 0, 0);
	assert_string_equal(got, "Yesterday \x01[name]\x02 said");
	free(got);
	got = excerpt(set, text, 0, "Yesterday \x01Maria\x02 Lopez said", 0, 0);
	assert_string_equal(got, "Yesterday \x01[name]\x02 said");
	free(got);
	/* an excerpt that cuts the name: what is left of it is masked */
	got = excerpt(set, text, 12, "…ria Lopez said the \x01lesson\x02…", 3, 3);
	assert_string_equal(got, "…[name] said the \x01lesson\x02…");
	free(got);
	/* marks around, nothing personal: unchanged */
	got = excerpt(set, text, 31, "the \x01lesson\x02", 0, 0);
	assert_string_equal(got, "the \x01lesson\x02");
	free(got);
	redact_free(&set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_many_names),
		cmocka_unit_test(test_find_offsets),
		cmocka_unit_test(test_bad_pattern),
		cmocka_unit_test(test_dirs),
		cmocka_unit_test(test_excerpt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
