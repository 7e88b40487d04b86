/* SPDX-License-Identifier: MIT */
#pragma once
#include <stddef.h>
#include <sys/types.h>

/* Whether the default profile's bind-cwd may share the caller's working directory
 * (DESIGN.md section 1 and 3): the one writable host path of a default sandbox must not
 * hand over $HOME, its dot-directories, or the sockets in /tmp and $XDG_RUNTIME_DIR. */
enum cwd_verdict {
	CWD_SHARE,
	CWD_ROOT,
	CWD_KERNEL_FS,
	CWD_HOME,
	CWD_HOME_ANCESTOR,
	CWD_HOME_DOTDIR,
	CWD_RUNTIME_DIR,
	CWD_RUN,
	CWD_SYSTEM,
	CWD_SHARED_TMP,
	CWD_NOT_OWNED,
	CWD_SYMLINK,
};

/* What the rule looks at, gathered by cwdrule_check(); paths are absolute and resolved. */
struct cwd_facts {
	const char *cwd;	 /* getcwd(): no symlinks */
	const char *home;	 /* $HOME resolved; NULL when unset or relative */
	const char *runtime_dir; /* $XDG_RUNTIME_DIR resolved; NULL when unset or relative */
	uid_t caller;
	uid_t owner;		 /* of the cwd */
	const char *link;	 /* the symlink on $PWD's way to the cwd; NULL: none */
	const char *link_target; /* what it points to */
};

/* Pure: the decision from the facts alone. */
enum cwd_verdict cwd_rule(const struct cwd_facts *f);
/* Pure: why the cwd is not shared, for the one line sbx prints ("it is $HOME"). */
void cwd_rule_reason(enum cwd_verdict v, const struct cwd_facts *f, char *buf, size_t size);

/* Gathers the facts for CWD from the environment ($HOME, $XDG_RUNTIME_DIR, $PWD) and the
 * file system, and decides. Returns the verdict; for a refusal, *ret_reason (malloc'd)
 * says why. */
enum cwd_verdict cwdrule_check(const char *cwd, char **ret_reason);
