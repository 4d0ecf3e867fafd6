/* test_evstore.c: evidence files stored by content. */
#include "unit.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "mcassess/evstore.h"
#include "mcassess/hash.h"
#include "mcassess/util.h"

static void write_file(const char *path, const char *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

/* Regular files anywhere under dir. */
static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *p = mc_xasprintf("%s/%s", dir, e->d_name);
		struct stat sb;
		if (lstat(p, &sb) == 0)
			n += S_ISDIR(sb.st_mode) ? count_files(p) : 1;
		free(p);
	}
	closedir(d);
	return n;
}

static int put(const char *root, const char *src, int dry, struct evstore_put *out, struct mc_error *err)
{
	int fd = open(src, O_RDONLY);
	assert_true(fd >= 0);
	int rc = evstore_put_fd(root, fd, "src", 0, dry, out, err);
	close(fd);
	return rc;
}

static void stores_by_content_once(void **state)
{
	(void)state;
	char *dir = unit_tmpdir();
	char *root = mc_xasprintf("%s/db.evidence", dir);
	char *a = mc_xasprintf("%s/a.txt", dir), *b = mc_xasprintf("%s/b.txt", dir);
	write_file(a, "same bytes\n", 11);
	write_file(b, "same bytes\n", 11);
	char want[MC_SHA256_HEX];
	mc_sha256_hex("same bytes\n", 11, want);

	struct evstore_put p;
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(put(root, a, 0, &p, &err), MC_OK);
	assert_string_equal(p.sha256, want);
	assert_int_equal(p.size, 11);
	assert_int_equal(p.created, 1);
	assert_true(evstore_has(root, want));

	char *path = evstore_path(root, want);
	char *expect = mc_xasprintf("%s/%.2s/%s", root, want, want);
	assert_string_equal(path, expect);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0640);
	char *data;
	size_t len;
	assert_int_equal(mc_read_file(path, &data, &len), 0);
	assert_int_equal(len, 11);
	assert_memory_equal(data, "same bytes\n", 11);
	free(data);

	/* the same content from another file: reused, nothing new */
	assert_int_equal(put(root, b, 0, &p, &err), MC_OK);
	assert_int_equal(p.created, 0);
	assert_int_equal(count_files(root), 1); /* and no temporary file left behind */
	assert_int_equal(evstore_verify(root, want, 11, &err), MC_OK);

	assert_int_equal(evstore_remove(root, want), 0);
	assert_false(evstore_has(root, want));
	assert_int_equal(count_files(root), 0);
	char *sub = mc_xasprintf("%s/%.2s", root, want);
	assert_int_not_equal(stat(sub, &sb), 0); /* the emptied xx directory goes too */
	assert_int_equal(evstore_remove(root, "../../etc/passwd"), -1);

	free(sub);
	free(path);
	free(expect);
	free(a);
	free(b);
	free(root);
	unit_rmtree(dir);
}

static void dry_run_writes_nothing(void **state)
{
	(void)state;
	char *dir = unit_tmpdir();
	char *root = mc_xasprintf("%s/db.evidence", dir);
	char *a = mc_xasprintf("%s/a.bin", dir);
	write_file(a, "\x00\x01\x02", 3);
	struct evstore_put p;
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(put(root, a, 1, &p, &err), MC_OK);
	assert_int_equal(p.created, 1); /* would be new */
	assert_int_equal(p.size, 3);
	struct stat sb;
	assert_int_not_equal(stat(root, &sb), 0);
	/* once stored, a dry run says it is not new */
	assert_int_equal(put(root, a, 0, &p, &err), MC_OK);
	assert_int_equal(put(root, a, 1, &p, &err), MC_OK);
	assert_int_equal(p.created, 0);
	free(a);
	free(root);
	unit_rmtree(dir);
}

static void too_big_is_refused_and_cleaned(void **state)
{
	(void)state;
	char *dir = unit_tmpdir();
	char *root = mc_xasprintf("%s/db.evidence", dir);
	char *a = mc_xasprintf("%s/a.txt", dir);
	write_file(a, "0123456789", 10);
	struct evstore_put p;
	struct mc_error err = MC_ERROR_INIT;
	int fd = open(a, O_RDONLY);
	assert_int_equal(evstore_put_fd(root, fd, "a.txt", 9, 0, &p, &err), MC_INVALID);
	close(fd);
	assert_non_null(strstr(err.msg, "a.txt"));
	assert_non_null(strstr(err.msg, "limit of 9 bytes"));
	mc_error_clear(&err);
	assert_int_equal(count_files(root), 0);
	fd = open(a, O_RDONLY);
	assert_int_equal(evstore_put_fd(root, fd, "a.txt", 10, 0, &p, &err), MC_OK);
	close(fd);
	free(a);
	free(root);
	unit_rmtree(dir);
}

static void verify_finds_damage(void **state)
{
	(void)state;
	char *dir = unit_tmpdir();
	char *root = mc_xasprintf("%s/db.evidence", dir);
	char *a = mc_xasprintf("%s/a.txt", dir);
	write_file(a, "original", 8);
	struct evstore_put p;
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(put(root, a, 0, &p, &err), MC_OK);
	assert_int_equal(evstore_verify(root, p.sha256, 8, &err), MC_OK);
	assert_int_equal(evstore_verify(root, p.sha256, 9, &err), MC_INVALID);
	assert_non_null(strstr(err.msg, "8 bytes, 9 were stored"));
	char *path = evstore_path(root, p.sha256);
	chmod(path, 0600);
	write_file(path, "changed!", 8);
	assert_int_equal(evstore_verify(root, p.sha256, 8, &err), MC_INVALID);
	assert_non_null(strstr(err.msg, "has changed"));
	unlink(path);
	assert_int_equal(evstore_verify(root, p.sha256, 8, &err), MC_INVALID);
	assert_non_null(strstr(err.msg, "missing"));
	assert_int_equal(evstore_verify(root, "nothex", 8, &err), MC_INVALID);
	mc_error_clear(&err);
	free(path);
	free(a);
	free(root);
	unit_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stores_by_content_once),
		cmocka_unit_test(dry_run_writes_nothing),
		cmocka_unit_test(too_big_is_refused_and_cleaned),
		cmocka_unit_test(verify_finds_damage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
