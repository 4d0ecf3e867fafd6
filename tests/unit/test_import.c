/* test_import.c: CSV records and their lines, evidence path checks, anonymous
 * ids, and whole imports (one transaction; files taken back on failure). */
#include "unit.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include "mcassess/evstore.h"
#include "mcassess/import.h"
#include "mcassess/search.h"
#include "mcassess/setup.h"
#include "mcassess/store.h"
#include "mcassess/util.h"

/* ------------------------------------------------------------------ CSV records */

struct rec {
	long line, end;
	int n;
	char *f[4];
};

struct recs {
	struct rec r[16];
	int n;
	int stop_at; /* stop with MC_INVALID at this record (0: never) */
};

static int collect(void *ctx, char **fields, const size_t *lens, int n, long line, long end_line,
		   struct mc_error *err)
{
	struct recs *rs = ctx;
	assert_true(rs->n < 16);
	struct rec *r = &rs->r[rs->n++];
	r->line = line;
	r->end = end_line;
	r->n = n;
	for (int i = 0; i < n && i < 4; i++) {
		assert_int_equal(strlen(fields[i]), lens[i]);
		r->f[i] = mc_xstrdup(fields[i]);
	}
	if (rs->stop_at == rs->n)
		return mc_error_set(err, MC_INVALID, "stopped");
	return MC_OK;
}

static void recs_free(struct recs *rs)
{
	for (int i = 0; i < rs->n; i++)
		for (int k = 0; k < rs->r[i].n && k < 4; k++)
			free(rs->r[i].f[k]);
	rs->n = 0;
}

static int parse(const char *text, struct recs *rs, struct mc_error *err)
{
	return import_csv_records("t.csv", text, strlen(text), 1, collect, rs, err);
}

static void csv_records_know_their_lines(void **state)
{
	(void)state;
	struct recs rs = { .n = 0 };
	struct mc_error err = MC_ERROR_INIT;
	const char *text = "a,b,c\n"
			   "1,\"two\nlines\",3\n"      /* lines 2-3 */
			   "\n"                          /* a blank line: no record */
			   "4,\"x,\"\"y\"\"\",6\r\n"     /* line 5, CRLF */
			   "7,\"\r\n\r\n\",9\n"          /* lines 6-8 */
			   "10, 11 ,12";                 /* line 9, no final newline; spaces kept */
	assert_int_equal(parse(text, &rs, &err), MC_OK);
	assert_int_equal(rs.n, 5);
	assert_int_equal(rs.r[0].line, 1);
	assert_string_equal(rs.r[0].f[2], "c");
	assert_int_equal(rs.r[1].line, 2);
	assert_int_equal(rs.r[1].end, 3);
	assert_string_equal(rs.r[1].f[1], "two\nlines");
	assert_int_equal(rs.r[2].line, 5);
	assert_int_equal(rs.r[2].end, 5);
	assert_string_equal(rs.r[2].f[1], "x,\"y\"");
	assert_string_equal(rs.r[2].f[2], "6");
	assert_int_equal(rs.r[3].line, 6);
	assert_int_equal(rs.r[3].end, 8);
	assert_string_equal(rs.r[3].f[1], "\r\n\r\n");
	assert_int_equal(rs.r[4].line, 9);
	assert_int_equal(rs.r[4].n, 3);
	assert_string_equal(rs.r[4].f[1], " 11 ");
	recs_free(&rs);
}

/* A field of a megabyte: read whole, with a doubled quote and a line break
 * wherever the parser's pieces happen to end. */
static void csv_long_field_whole(void **state)
{
	(void)state;
	size_t n = 1000 * 1000; /* under the limit of 1 MiB */
	struct mc_buf in = MC_BUF_INIT, want = MC_BUF_INIT;
	mc_buf_adds(&in, "a,b\n\"");
	for (size_t i = 0; want.len < n; i++) {
		const char *piece = i % 1000 == 999 ? "\"\"" : i % 1500 == 1499 ? "\n" : "x";
		mc_buf_adds(&in, piece);
		mc_buf_adds(&want, *piece == '"' ? "\"" : piece);
	}
	mc_buf_adds(&in, "\",z\n");
	struct recs rs = { .n = 0 };
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(import_csv_records("t.csv", in.data, in.len, 1, collect, &rs, &err), MC_OK);
	assert_int_equal(rs.n, 2);
	assert_int_equal(rs.r[1].line, 2);
	assert_string_equal(rs.r[1].f[0], want.data);
	assert_string_equal(rs.r[1].f[1], "z");
	recs_free(&rs);
	mc_buf_free(&in);
	mc_buf_free(&want);
}

static void csv_row_can_stop(void **state)
{
	(void)state;
	struct recs rs = { .n = 0, .stop_at = 2 };
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(parse("h\n1\n2\n3\n", &rs, &err), MC_INVALID);
	assert_int_equal(rs.n, 2);
	assert_string_equal(err.msg, "stopped");
	mc_error_clear(&err);
	recs_free(&rs);
}

static void csv_quoting_errors_have_line_and_column(void **state)
{
	(void)state;
	struct recs rs = { .n = 0 };
	struct mc_error err = MC_ERROR_INIT;
	/* after a closing quote: column of the offending character, in characters */
	assert_int_equal(parse("a,b,c\n1,2,3\n1,\"é\"x,3\n", &rs, &err), MC_INVALID);
	assert_non_null(strstr(err.msg, "t.csv:3:6: column 'b': malformed quoting: a closing '\"'"));
	recs_free(&rs);
	/* a quote inside an unquoted field, on a record's second line */
	assert_int_equal(parse("a,b\n\"x\ny\",ab\"c\n", &rs, &err), MC_INVALID);
	assert_non_null(strstr(err.msg, "t.csv:3:6: column 'b': malformed quoting: '\"' inside a field"));
	recs_free(&rs);
	/* never closed: the line the field starts on */
	assert_int_equal(parse("a,b\n1,2\n3,\"open\n\nmore\n", &rs, &err), MC_INVALID);
	assert_non_null(strstr(err.msg, "t.csv:3: column 'b': malformed quoting: the quoted field that "
				  "starts on this line is never closed"));
	recs_free(&rs);
	/* in the header itself: fields are numbered */
	assert_int_equal(parse("a,\"b\"c\n", &rs, &err), MC_INVALID);
	assert_non_null(strstr(err.msg, "t.csv:1:6: field 2: malformed quoting"));
	recs_free(&rs);
	mc_error_clear(&err);
}

static void csv_field_limit(void **state)
{
	(void)state;
	struct recs rs = { .n = 0 };
	struct mc_error err = MC_ERROR_INIT;
	size_t big = IMPORT_MAX_TEXT + 1;
	char *text = mc_xmalloc(big + 32);
	int k = sprintf(text, "a,b\n1,\n2,");
	memset(text + k, 'x', big);
	strcpy(text + k + big, "\n");
	assert_int_equal(import_csv_records("t.csv", text, strlen(text), 1, collect, &rs, &err), MC_INVALID);
	char *want = mc_xasprintf("t.csv:3: column 'b': the field is %zu bytes, over the limit", big);
	assert_non_null(strstr(err.msg, want));
	free(want);
	free(text);
	recs_free(&rs);
	mc_error_clear(&err);
}

/* ------------------------------------------------------------------ evidence paths */

static void touch(const char *path)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("x\n", f);
	fclose(f);
}

static void evidence_paths_stay_inside(void **state)
{
	(void)state;
	char *tmp = unit_tmpdir();
	char *base = realpath(tmp, NULL);
	char *dir = mc_xasprintf("%s/ev", base);
	char *p;
	assert_int_equal(mkdir(dir, 0755), 0);
	p = mc_xasprintf("%s/sub", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	p = mc_xasprintf("%s/a.txt", dir), touch(p), free(p);
	p = mc_xasprintf("%s/sub/b.txt", dir), touch(p), free(p);
	p = mc_xasprintf("%s/secret.txt", base), touch(p), free(p);
	p = mc_xasprintf("%s/evil", base);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	p = mc_xasprintf("%s/evil/c.txt", base), touch(p), free(p);
	/* a sibling whose name starts like DIR must not pass a prefix check */
	p = mc_xasprintf("%s/ev2", base);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	p = mc_xasprintf("%s/ev2/d.txt", base), touch(p), free(p);
	char *t;
	t = mc_xasprintf("%s/secret.txt", base), p = mc_xasprintf("%s/out.txt", dir);
	assert_int_equal(symlink(t, p), 0), free(t), free(p);
	t = mc_xasprintf("%s/evil", base), p = mc_xasprintf("%s/outdir", dir);
	assert_int_equal(symlink(t, p), 0), free(t), free(p);
	t = mc_xasprintf("%s/ev2/d.txt", base), p = mc_xasprintf("%s/sibling.txt", dir);
	assert_int_equal(symlink(t, p), 0), free(t), free(p);
	p = mc_xasprintf("%s/in.txt", dir);
	assert_int_equal(symlink("sub/b.txt", p), 0), free(p);

	char *res;
	const char *why;
	assert_int_equal(import_resolve_evidence(dir, "a.txt", &res, &why), 0);
	p = mc_xasprintf("%s/a.txt", dir);
	assert_string_equal(res, p);
	free(p), free(res);
	assert_int_equal(import_resolve_evidence(dir, "./sub/b.txt", &res, &why), 0);
	free(res);
	assert_int_equal(import_resolve_evidence(dir, "in.txt", &res, &why), 0); /* a link that stays inside */
	p = mc_xasprintf("%s/sub/b.txt", dir);
	assert_string_equal(res, p);
	free(p), free(res);

	assert_int_equal(import_resolve_evidence(dir, "../secret.txt", &res, &why), -1);
	assert_null(res);
	assert_non_null(strstr(why, "'..'"));
	assert_int_equal(import_resolve_evidence(dir, "sub/../a.txt", &res, &why), -1);
	assert_non_null(strstr(why, "'..'"));
	assert_int_equal(import_resolve_evidence(dir, "sub/..", &res, &why), -1);
	p = mc_xasprintf("%s/secret.txt", base);
	assert_int_equal(import_resolve_evidence(dir, p, &res, &why), -1);
	assert_non_null(strstr(why, "absolute"));
	free(p);
	assert_int_equal(import_resolve_evidence(dir, "out.txt", &res, &why), -1);
	assert_non_null(strstr(why, "outside"));
	assert_int_equal(import_resolve_evidence(dir, "outdir/c.txt", &res, &why), -1);
	assert_non_null(strstr(why, "outside"));
	assert_int_equal(import_resolve_evidence(dir, "sibling.txt", &res, &why), -1);
	assert_non_null(strstr(why, "outside"));
	assert_int_equal(import_resolve_evidence(dir, "nothere.txt", &res, &why), -1);
	assert_non_null(strstr(why, "does not exist"));
	assert_int_equal(import_resolve_evidence(dir, "", &res, &why), -1);
	/* "..." and "..x" are ordinary names */
	p = mc_xasprintf("%s/..x", dir), touch(p), free(p);
	assert_int_equal(import_resolve_evidence(dir, "..x", &res, &why), 0);
	free(res);

	free(dir);
	free(base);
	unit_rmtree(tmp);
}

static void anonymous_ids(void **state)
{
	(void)state;
	char a[14], b[14], c[14], d[14];
	import_anon_id("salt1", "E-1", 0, a);
	import_anon_id("salt1", "E-1", 0, b);
	import_anon_id("salt2", "E-1", 0, c);
	import_anon_id("salt1", "E-1", 1, d);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_string_not_equal(a, d);
	assert_int_equal(strlen(a), 13);
	assert_memory_equal(a, "anon-", 5);
	assert_int_equal(strspn(a + 5, "0123456789abcdef"), 8);
}

/* ------------------------------------------------------------------ whole imports */

static long long query_int(struct store *s, const char *sql)
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

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

#define HDR "submission_id,educator_id,educator_name,district,school,credential,submitted_at,part,kind,text,file\n"

static void import_is_all_or_nothing(void **state)
{
	(void)state;
	char *dir = unit_tmpdir();
	char *path = mc_xasprintf("%s/t.db", dir);
	char *ev = mc_xasprintf("%s/ev", dir);
	char *csv = mc_xasprintf("%s/in.csv", dir);
	assert_int_equal(mkdir(ev, 0755), 0);
	char *p = mc_xasprintf("%s/one.txt", ev);
	write_text(p, "evidence one\n");
	free(p);
	struct store *s = NULL;
	struct mc_error err = MC_ERROR_INIT;
	unit_template_copy(path);
	assert_int_equal(unit_open(path, 0, &s, &err), MC_OK);

	/* a new file is stored for S-1, then S-2 is bad: everything goes back */
	write_text(csv, HDR
		   "S-1,E-1,Ann,North,,TEAM-QUES,2026-11-22,artifact,file,,one.txt\n"
		   "S-2,E-2,Bo,North,,TEAM-QUES,2026-11-22,overview,text,hi,\n"
		   "S-2,E-2,Bo,North,,TEAM-QUES,2026-11-22,nopart,text,hi,\n");
	struct import_stats st;
	assert_int_equal(import_file(s, csv, ev, 0, &st, NULL, NULL, &err), MC_INVALID);
	assert_non_null(strstr(err.msg, "in.csv:4: column 'part': no part 'nopart' in TEAM-QUES"));
	mc_error_clear(&err);
	assert_int_equal(query_int(s, "SELECT count(*) FROM submission"), 0);
	assert_int_equal(query_int(s, "SELECT count(*) FROM educator"), 0);
	assert_int_equal(query_int(s, "SELECT count(*) FROM district"), 0);
	assert_int_equal(query_int(s, "SELECT count(*) FROM audit WHERE action = 'import'"), 0);
	struct stat sb;
	assert_int_not_equal(stat(store_evidence_dir(s), &sb), 0); /* not even the directory */

	/* fixed, it goes in whole; progress reaches the total */
	write_text(csv, HDR
		   "S-1,E-1,Ann,North,,TEAM-QUES,2026-11-22,artifact,file,,one.txt\n"
		   "S-2,E-2,Bo,North,,TEAM-QUES,2026-11-22,overview,text,hi,\n"
		   "S-2,E-2,Bo,North,,TEAM-QUES,2026-11-22,reflection,text,\"我们 learn\",\n");
	assert_int_equal(import_file(s, csv, ev, 0, &st, NULL, NULL, &err), MC_OK);
	assert_int_equal(st.submissions, 2);
	assert_int_equal(st.evidence, 3);
	assert_int_equal(st.files, 1);
	assert_int_equal(st.unchanged, 0);
	assert_int_equal(query_int(s, "SELECT words FROM evidence WHERE text = '我们 learn'"), 3);
	assert_int_equal(query_int(s, "SELECT count(*) FROM audit WHERE action = 'import'"), 2);
	/* again: unchanged */
	assert_int_equal(import_file(s, csv, ev, 0, &st, NULL, NULL, &err), MC_OK);
	assert_int_equal(st.submissions, 0);
	assert_int_equal(st.unchanged, 2);
	/* a stored file another import shares is never taken back by a failed one */
	write_text(csv, HDR
		   "S-3,E-3,Cy,North,,TEAM-FEED,2026-11-22,artifact,file,,one.txt\n"
		   "S-4,E-4,Di,North,,NOPE,2026-11-22,overview,text,hi,\n");
	assert_int_equal(import_file(s, csv, ev, 0, &st, NULL, NULL, &err), MC_INVALID);
	mc_error_clear(&err);
	char sha[MC_SHA256_HEX];
	mc_sha256_hex("evidence one\n", 13, sha);
	assert_true(evstore_has(store_evidence_dir(s), sha));

	unit_close(&s);
	free(csv);
	free(ev);
	free(path);
	unit_rmtree(dir);
}

static long progress_calls, progress_last;
static void on_progress(void *ctx, long done, long total)
{
	(void)ctx;
	assert_true(done <= total);
	progress_calls++;
	progress_last = done;
}

/* A database as init leaves it (the catalog, this user the admin): made once
 * (unit_template) and copied where a case wants a new one; made anew each
 * time, init was 2-3 CPU s of each under valgrind. */
static void init_db(struct store *s, const char *path)
{
	(void)path;
	struct mc_error err = MC_ERROR_INIT;
	if (setup_init(s, &err) != MC_OK)
		fail_msg("init: %s", err.msg);
}

/* The import file written from b (freed), and a new database at path. */
static struct store *written_and_fresh(const char *file, struct mc_buf *b, const char *path)
{
	write_text(file, mc_buf_str(b));
	mc_buf_free(b);
	struct store *s = NULL;
	struct mc_error err = MC_ERROR_INIT;
	unit_template_copy(path);
	assert_int_equal(unit_open(path, 0, &s, &err), MC_OK);
	return s;
}

/* Under valgrind (unit_small) 300 submissions, not 1,000: the file is still
 * read in several pieces, with a progress report between them and at the end. */
static void large_json_import(void **state)
{
	(void)state;
	char *dir = unit_tmpdir();
	char *path = mc_xasprintf("%s/t.db", dir);
	char *json = mc_xasprintf("%s/in.json", dir);
	struct mc_buf b = MC_BUF_INIT;
	int n = (int)unit_size(1000, 300);
	mc_buf_adds(&b, "[");
	for (int i = 0; i < n; i++)
		mc_buf_printf(&b, "%s{\"id\": \"S-%d\", \"educator\": {\"id\": %d, \"name\": \"Ed %d\", "
			      "\"district\": \"D%d\"}, \"credential\": \"TEAM-QUES\", \"submitted_at\": "
			      "\"2026-11-22T10:48:00+02:00\", \"evidence\": [{\"part\": \"overview\", \"kind\": "
			      "\"text\", \"text\": \"answer %d\"}]}\n", i ? "," : "", i, i, i, i % 7, i);
	mc_buf_adds(&b, "]");
	struct store *s = written_and_fresh(json, &b, path);
	struct mc_error err = MC_ERROR_INIT;
	struct import_stats st;
	/* a dry run counts, and writes nothing */
	assert_int_equal(import_file(s, json, NULL, 1, &st, NULL, NULL, &err), MC_OK);
	assert_int_equal(st.submissions, n);
	assert_int_equal(query_int(s, "SELECT count(*) FROM submission"), 0);
	assert_int_equal(query_int(s, "SELECT count(*) FROM search_evidence_docsize"), 0);
	assert_int_equal(import_file(s, json, NULL, 0, &st, on_progress, NULL, &err), MC_OK);
	/* the import left the search index built: nothing for a first search to do */
	long long ev = -1, fb = -1;
	assert_int_equal(search_pending(s, &ev, &fb, &err), MC_OK);
	assert_int_equal(ev + fb, 0);
	assert_int_equal(query_int(s, "SELECT count(*) FROM search_evidence_docsize"), n);
	assert_int_equal(st.submissions, n);
	assert_true(progress_calls >= 2);
	assert_int_equal(progress_last, n);
	char *last = mc_xasprintf("SELECT count(*) FROM educator WHERE ext_id = '%d'", n - 1);
	assert_int_equal(query_int(s, last), 1);
	free(last);
	assert_int_equal(query_int(s, "SELECT count(DISTINCT anon_id) FROM educator"), n);
	assert_int_equal(query_int(s, "SELECT count(*) FROM district"), 7);
	assert_int_equal(query_int(s, "SELECT count(*) FROM submission WHERE submitted_at = '2026-11-22T08:48:00Z'"),
			 n);
	unit_close(&s);
	free(json);
	free(path);
	unit_rmtree(dir);
}

/* Bytes this process has passed to write() and its kind, so far (Linux). */
static long long written(void)
{
	FILE *f = fopen("/proc/self/io", "r");
	long long v = -1;
	char line[128];
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "wchar: %lld", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

static long long file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

/* An import writes its rows about once (the WAL; the checkpoint later), not
 * each row's statement journal into a temporary file again and again (28x
 * the database for 10,000 submissions), and leaves the connection's settings
 * as they were. Under valgrind (unit_small) 400 submissions, not 4,000: one
 * transaction either way, the same statements, a tenth of the rows. */
static void import_writes_the_database_about_once(void **state)
{
	(void)state;
	if (written() < 0)
		skip();
	char *dir = unit_tmpdir();
	char *path = mc_xasprintf("%s/t.db", dir), *wal = mc_xasprintf("%s/t.db-wal", dir);
	char *csv = mc_xasprintf("%s/in.csv", dir);
	struct mc_buf b = MC_BUF_INIT;
	mc_buf_adds(&b, "submission_id,educator_id,educator_name,district,school,credential,submitted_at,part,kind,text\n");
	long nsub = unit_size(4000, 400);
	for (int i = 0; i < nsub; i++)
		for (int k = 0; k < 2; k++)
			mc_buf_printf(&b, "S-%d,E-%d,Ed %d,D%d,School %d,TEAM-QUES,2026-11-01T08:00:00Z,%s,text,"
				      "\"%s %d: I ask questions at three levels, then wait.\"\n", i, i, i, i % 15, i % 97,
				      k ? "reflection" : "overview", k ? "Reflection" : "Overview", i);
	struct store *s = written_and_fresh(csv, &b, path);
	struct mc_error err = MC_ERROR_INIT;
	long long wal0 = file_size(wal), w0 = written();
	struct import_stats st;
	if (import_file(s, csv, NULL, 0, &st, NULL, NULL, &err) != MC_OK)
		fail_msg("import: %s", err.msg);
	long long w = written() - w0, grew = file_size(wal) - wal0;
	assert_int_equal(st.submissions, nsub);
	assert_true(grew > 0);
	if (w > 2 * grew)
		fail_msg("the import wrote %lld bytes for %lld bytes of WAL", w, grew);
	assert_int_equal(query_int(s, "PRAGMA temp_store"), 0);
	assert_int_equal(query_int(s, "PRAGMA cache_size"), -2000);
	unit_close(&s);
	free(csv);
	free(wal);
	free(path);
	unit_rmtree(dir);
}

/* The heap an import holds (outside SQLite's own: its page cache is bounded by
 * itself) over what it held before, at each progress report. */
struct held {
	long long before, most;
	int seen;
};

static void heap_at_progress(void *ctx, long done, long total)
{
	(void)done;
	(void)total;
	struct held *h = ctx;
	long long v = unit_heap_outside_sqlite() - h->before;
	if (v > h->most)
		h->most = v;
	h->seen++;
}

/* An import streams its file: it holds one submission, not all of them (issue
 * 15). Held parsed, 6,000 submissions of two items took about 9 MB here. */
static void import_holds_one_submission_at_a_time(void **state)
{
	(void)state;
	/* where the allocator keeps no count (valgrind's, a sanitizer's) the bound
	 * cannot be checked: a tenth of the file still goes through for the rest */
	int counted = unit_heap_outside_sqlite() != 0;
	int n = counted ? 6000 : 600;
	char *dir = unit_tmpdir();
	char *path = mc_xasprintf("%s/t.db", dir), *csv = mc_xasprintf("%s/in.csv", dir);
	struct mc_buf b = MC_BUF_INIT;
	mc_buf_adds(&b, HDR);
	for (int i = 0; i < n; i++)
		for (int k = 0; k < 2; k++)
			mc_buf_printf(&b, "S-%d,E-%d,Educator %d,D%d,School %d,TEAM-QUES,2026-11-01T08:00:00Z,%s,text,"
				      "\"%s %d: I ask questions at three levels, then wait for the answers.\",\n", i, i,
				      i, i % 15, i % 97, k ? "reflection" : "overview", k ? "Reflection" : "Overview", i);
	struct store *s = written_and_fresh(csv, &b, path);
	struct mc_error err = MC_ERROR_INIT;
	struct import_stats st;
	struct held h = { .before = unit_heap_outside_sqlite() };
	if (import_file(s, csv, NULL, 0, &st, heap_at_progress, &h, &err) != MC_OK)
		fail_msg("import: %s", err.msg);
	assert_int_equal(st.submissions, n);
	assert_int_equal(query_int(s, "SELECT count(*) FROM evidence"), 2 * n);
	assert_true(h.seen >= n / 256);
	if (counted && h.most >= 512 << 10)
		fail_msg("the import held %lld bytes more than before it, for %d submissions", h.most, n);
	unit_close(&s);
	free(csv);
	free(path);
	unit_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv_records_know_their_lines),
		cmocka_unit_test(csv_row_can_stop),
		cmocka_unit_test(csv_long_field_whole),
		cmocka_unit_test(csv_quoting_errors_have_line_and_column),
		cmocka_unit_test(csv_field_limit),
		cmocka_unit_test(evidence_paths_stay_inside),
		cmocka_unit_test(anonymous_ids),
		cmocka_unit_test(import_is_all_or_nothing),
		cmocka_unit_test(large_json_import),
		cmocka_unit_test(import_writes_the_database_about_once),
		cmocka_unit_test(import_holds_one_submission_at_a_time),
	};
	unit_template.fill = init_db;
	return cmocka_run_group_tests(tests, unit_template_setup, unit_template_teardown);
}
