/* bench_join: the packs of OBJECTS joined as mcassess joins them (arc_pack_join),
 * when there are more than MOST, and the peak resident set printed:
 *   bench_join OBJECTS MOST */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include "archive/archive_int.h"
int main(int argc, char **argv)
{
	struct mc_error e = MC_ERROR_INIT;
	if (argc < 3 || git2_dl_load(&e) != MC_OK)
		return 2;
	git_libgit2_init();
	char *why = NULL;
	size_t joined = 0;
	int rc = arc_pack_join(argv[1], (size_t)atoi(argv[2]), 2, &joined, &why);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("rc %d joined %zu why %s maxrss %ld KB\n", rc, joined, why ? why : "-", ru.ru_maxrss);
	return rc != 0;
}
