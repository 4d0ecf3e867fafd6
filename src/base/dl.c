/* dl.c: libraries loaded when first needed (see mcassess/dl.h). */
#include "config.h"

#include <dlfcn.h>
#include <string.h>

#include "mcassess/dl.h"

int mc_dl_load(struct mc_dl *l, struct mc_error *err)
{
	if (l->handle)
		return MC_OK;
	void *h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return mc_error_set(err, MC_FAIL, "cannot load %s (%s): %s%s", l->what, l->soname, dlerror(),
				    l->hint);
	for (size_t i = 0; i < l->nsyms; i++) {
		void *p = dlsym(h, l->syms[i].name);
		if (!p) {
			/* all or nothing: the table goes back to all NULL */
			for (size_t k = 0; k < i; k++)
				memset((char *)l->table + l->syms[k].off, 0, sizeof p);
			dlclose(h);
			return mc_error_set(err, MC_FAIL, "cannot load %s (%s): it has no %s (not the version "
					    "mcassess was built with?)%s", l->what, l->soname, l->syms[i].name,
					    l->hint);
		}
		memcpy((char *)l->table + l->syms[i].off, &p, sizeof p);
	}
	l->handle = h;
	return MC_OK;
}
