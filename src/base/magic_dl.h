/* magic_dl.h: libmagic for import.c, loaded the first time a file's media type
 * is needed (see mcassess/dl.h), not at start: with its three libraries (lzma,
 * bzip2, zlib) it costs every other command and the workstation ~0.2 ms.
 * import.c includes this instead of <magic.h> and calls magic_* as usual. */
#ifndef MCASSESS_MAGIC_DL_H
#define MCASSESS_MAGIC_DL_H
#include <magic.h>

#include "mcassess/error.h"

#define MAGIC_DL_FUNCS(X) X(open) X(load) X(descriptor) X(close)

struct magic_dl {
#define MAGIC_DL_MEMBER(n) __typeof__(magic_##n) *n;
	MAGIC_DL_FUNCS(MAGIC_DL_MEMBER)
#undef MAGIC_DL_MEMBER
};
extern struct magic_dl magic_dl;

/* Load libmagic (once). MC_FAIL and err (may be NULL) saying why when it cannot be. */
int magic_dl_load(struct mc_error *err);

#define magic_open (*magic_dl.open)
#define magic_load (*magic_dl.load)
#define magic_descriptor (*magic_dl.descriptor)
#define magic_close (*magic_dl.close)
#endif
