/* bench_lookups: the archive's object look-ups with many packs or one (bench/README.md,
 * "archive's packs joined").
 *
 *   bench_lookups make DIR PACKS PER   a bare repository with PACKS packs of PER small
 *                                      blobs each (their ids listed in DIR/ids)
 *   bench_lookups read DIR N           N of those objects read in a random order through
 *                                      the archive's odb (arc_odb_open: the packs' pages
 *                                      bounded as in a pull); the peak resident set and
 *                                      the CPU time printed
 *   bench_join OBJECTS 1 joins DIR/objects's packs in between. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include "archive/archive_int.h"
#include "mcassess/util.h"
static double cpu(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}
int main(int argc, char **argv)
{
	struct mc_error e = MC_ERROR_INIT;
	if (argc < 4 || git2_dl_load(&e) != MC_OK)
		return 2;
	git_libgit2_init();
	/* as mcassess sets them (archive.c: lib_init; the cache as for pull) */
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, (size_t)ARC_WINDOW);
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)ARC_MAPPED_MAX);
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_FILE_LIMIT, (size_t)ARC_PACKS_OPEN);
	git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)256 << 10);
	char *abs = realpath(argv[2], NULL);
	char *objects = mc_xasprintf("%s/objects", abs ? abs : argv[2]);
	if (strcmp(argv[1], "make") == 0) {
		int packs = atoi(argv[3]), per = atoi(argv[4]);
		git_repository *r;
		if (git_repository_init(&r, argv[2], 1) < 0)
			return 1;
		git_odb *odb;
		git_repository_odb(&odb, r);
		FILE *ids = fopen(mc_xasprintf("%s/ids", argv[2]), "w");
		git_oid *v = mc_xcalloc((size_t)per, sizeof *v);
		for (int p = 0; p < packs; p++) {
			git_odb_backend *mem;
			git_mempack_new(&mem);
			for (int i = 0; i < per; i++) {
				char t[96];
				int n = snprintf(t, sizeof t, "{\"record\": %d, \"pack\": %d, \"text\": \"some words of a record\"}\n", p * per + i, p);
				arc_mem_write(mem, &v[i], t, (size_t)n, GIT_OBJECT_BLOB);
				char hex[41];
				git_oid_tostr(hex, sizeof hex, &v[i]);
				fprintf(ids, "%s\n", hex);
			}
			char *why = NULL;
			if (arc_pack_write(odb, mem, objects, v, (size_t)per, &why) != 0) {
				fprintf(stderr, "%s\n", why);
				return 1;
			}
			mem->free(mem);
		}
		fclose(ids);
		return 0;
	}
	/* read */
	long n = atol(argv[3]);
	FILE *f = fopen(mc_xasprintf("%s/ids", argv[2]), "r");
	size_t cap = 1 << 20, cnt = 0;
	git_oid *v = mc_xmalloc(cap * sizeof *v);
	char line[64];
	while (fgets(line, sizeof line, f)) {
		if (cnt == cap)
			v = mc_xrealloc(v, (cap *= 2) * sizeof *v);
		git_oid_fromstrn(&v[cnt++], line, 40);
	}
	fclose(f);
	git_odb *odb;
	if (arc_odb_open(&odb, objects) < 0)
		return 1;
	srand(7);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	long before = ru.ru_maxrss;
	double c0 = cpu();
	for (long i = 0; i < n; i++) {
		size_t k = ((size_t)rand() * 65536u + (size_t)rand()) % cnt;
		git_odb_object *o;
		if (git_odb_read(&o, odb, &v[k]) < 0) {
			fprintf(stderr, "missing\n");
			return 1;
		}
		git_odb_object_free(o);
	}
	double c1 = cpu();
	getrusage(RUSAGE_SELF, &ru);
	printf("%ld reads of %zu objects: peak RSS %ld KB (%ld KB before the reads, with the list of ids), %.2f s CPU, %.1f us a read\n",
	       n, cnt, ru.ru_maxrss, before, c1 - c0, (c1 - c0) * 1e6 / n);
	return 0;
}
