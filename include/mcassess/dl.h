/* dl.h: a library loaded with dlopen() the first time it is needed instead of
 * being linked, so that the workstation and the commands that never need it
 * start without mapping it (and what it pulls in). Its functions sit in a table
 * of pointers that the library's own header (src/archive/git2_dl.h,
 * src/base/magic_dl.h) maps the usual names onto; configure finds the SONAME. */
#ifndef MCASSESS_DL_H
#define MCASSESS_DL_H
#include <stddef.h>

#include "mcassess/error.h"

struct mc_dl_sym {
	const char *name; /* as exported: "git_blob_lookup" */
	size_t off;       /* of its pointer in the table */
};

struct mc_dl {
	const char *soname; /* "libgit2.so.1.5" */
	const char *what;   /* for the message: "the library the evidence archive needs, libgit2" */
	const char *hint;   /* appended to the message ("; install ...") or "" */
	const struct mc_dl_sym *syms;
	size_t nsyms;
	void *table;  /* filled only when every symbol was found */
	void *handle; /* non-NULL once loaded; never closed (the process ends) */
};

/* Load l (once: MC_OK at once after a success). On failure: MC_FAIL, err says
 * "cannot load WHAT (SONAME): why" + hint, nothing is kept and the next call
 * tries again. */
int mc_dl_load(struct mc_dl *l, struct mc_error *err);
#endif
