/* SPDX-License-Identifier: MIT */
#pragma once
#include <stddef.h>

/* Libraries sbx uses only for some options (libsystemd for limits, json-c and libseccomp
 * for --seccomp-profile) are dlopen()ed when needed, so that every other start loads
 * nothing more. A table is a struct whose first member is the handle (void *dl) followed
 * by function pointers, each named here with its offset in the table. */
struct dl_sym {
	const char *name;
	size_t offset;
};
#define DL_SYM(table, member, symbol)           \
	{                                       \
		symbol, offsetof(table, member) \
	}

/* Opens soname and fills table from syms. On failure the handle is closed and NULL, and
 * the message says "SONAME is not installed (Debian: install PACKAGE)" or "SONAME lacks
 * SYMBOL (too old a version?)", for the caller to put in context with sbx_err_wrap. */
int dl_load(void *table, const char *soname, const char *package, const struct dl_sym *syms,
	    size_t n);
/* Closes table's library, if open. */
void dl_unload(void *table);
