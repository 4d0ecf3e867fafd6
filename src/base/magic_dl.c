/* magic_dl.c: libmagic, loaded when a file's media type is first needed (see magic_dl.h). */
#include "config.h"

#include "base/magic_dl.h"
#include "mcassess/dl.h"

struct magic_dl magic_dl;

static const struct mc_dl_sym syms[] = {
#define MAGIC_DL_SYM(n) { "magic_" #n, offsetof(struct magic_dl, n) },
	MAGIC_DL_FUNCS(MAGIC_DL_SYM)
#undef MAGIC_DL_SYM
};

static struct mc_dl lib = {
	MAGIC_SONAME, "the library that tells media types, libmagic", "",
	syms, sizeof syms / sizeof *syms, &magic_dl, NULL,
};

int magic_dl_load(struct mc_error *err) { return mc_dl_load(&lib, err); }
