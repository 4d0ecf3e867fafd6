/* git2_dl.c: libgit2, loaded when the archive is first used (see git2_dl.h). */
#include "config.h"

#include "archive/git2_dl.h"
#include "mcassess/dl.h"

struct git2_dl git2_dl;

static const struct mc_dl_sym syms[] = {
#define GIT2_DL_SYM(n) { "git_" #n, offsetof(struct git2_dl, n) },
	GIT2_DL_FUNCS(GIT2_DL_SYM)
#undef GIT2_DL_SYM
};

static struct mc_dl lib = {
	LIBGIT2_SONAME, "the library the evidence archive needs, libgit2",
	"; install libgit2 to use the archive (everything else works without it)",
	syms, sizeof syms / sizeof *syms, &git2_dl, NULL,
};

int git2_dl_load(struct mc_error *err) { return mc_dl_load(&lib, err); }
