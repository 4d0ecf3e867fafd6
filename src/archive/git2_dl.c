/* git2_dl.c: load libgit2 when the archive is first used (see git2_dl.h). */
#include "config.h"

#include <dlfcn.h>
#include <stddef.h>
#include <string.h>

#include "archive/git2_dl.h"

struct git2_dl git2_dl;

static const struct {
	const char *name;
	size_t off;
} syms[] = {
#define GIT2_DL_SYM(n) { "git_" #n, offsetof(struct git2_dl, n) },
	GIT2_DL_FUNCS(GIT2_DL_SYM)
#undef GIT2_DL_SYM
};

static void *handle;

int git2_dl_loaded(void) { return handle != NULL; }

#define WHY_LOAD "cannot load the library the evidence archive needs, libgit2 (" LIBGIT2_SONAME ")"

int git2_dl_load(struct mc_error *err)
{
	if (handle)
		return MC_OK;
	/* Never closed: libgit2 is shut down at exit (archive.c), and the process ends. */
	void *h = dlopen(LIBGIT2_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return mc_error_set(err, MC_FAIL, WHY_LOAD ": %s; install libgit2 to use the archive "
				    "(everything else works without it)", dlerror());
	struct git2_dl t;
	for (size_t i = 0; i < sizeof syms / sizeof *syms; i++) {
		dlerror();
		void *p = dlsym(h, syms[i].name);
		if (!p) {
			int rc = mc_error_set(err, MC_FAIL, WHY_LOAD ": it has no %s (a libgit2 other than "
					      "the one mcassess was built with?)", syms[i].name);
			dlclose(h);
			return rc;
		}
		memcpy((char *)&t + syms[i].off, &p, sizeof p);
	}
	git2_dl = t;
	handle = h;
	return MC_OK;
}
