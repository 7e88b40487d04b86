/* SPDX-License-Identifier: MIT */
#include "base/dl.h"

#include <dlfcn.h>
#include <errno.h>
#include <string.h>

#include "base/log.h"

int dl_load(void *table, const char *soname, const char *package, const struct dl_sym *syms,
	    size_t n)
{
	void *dl = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

	if (!dl) {
		const char *why = dlerror();
		if (why && !strstr(why, "No such file"))
			return sbx_errx("%s (Debian: install %s)", why, package);
		sbx_errx("%s is not installed (Debian: install %s)", soname, package);
		return -ENOENT;
	}
	for (size_t i = 0; i < n; i++) {
		void *f = dlsym(dl, syms[i].name);
		if (!f) {
			dlclose(dl);
			return sbx_errx("%s lacks %s (too old a version?)", soname, syms[i].name);
		}
		memcpy((char *)table + syms[i].offset, &f, sizeof(f));
	}
	memcpy(table, &dl, sizeof(dl));
	return 0;
}

void dl_unload(void *table)
{
	void *dl;

	memcpy(&dl, table, sizeof(dl));
	if (dl)
		dlclose(dl);
	dl = NULL;
	memcpy(table, &dl, sizeof(dl));
}
