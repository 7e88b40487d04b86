/* SPDX-License-Identifier: MIT */
/* The test-only mount mistakes of setup/testknob.h; empty in sbx itself. */
#include "setup/testknob.h"

#ifdef SBX_TEST_MOUNT_BUG
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "base/config.h"
#include "base/log.h"
#include "base/util.h"
#include "setup/mountapi.h"
#include "setup/resolve.h"

unsigned testknob_bind_flags(unsigned flags)
{
	const char *bug = getenv("SBX_TEST_MOUNT_BUG");

	return bug && streq(bug, "rw-binds") ? flags & ~(unsigned)BIND_READONLY : flags;
}

/* "extra:PATH:DEST" split; false for any other mistake. */
static bool extra(char **ret_path, const char **ret_dest)
{
	const char *bug = getenv("SBX_TEST_MOUNT_BUG");
	const char *colon = bug && strncmp(bug, "extra:", 6) == 0 ? strchr(bug + 6, ':') : NULL;

	if (!colon)
		return false;
	*ret_path = strndup(bug + 6, (size_t)(colon - bug - 6));
	*ret_dest = colon + 1;
	return true;
}

int testknob_extra_open(void)
{
	_cleanup_free_ char *path = NULL;
	const char *dest;
	int tree;

	if (!extra(&path, &dest))
		return -1;
	tree = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | AT_RECURSIVE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return sbx_err(errno, "test mount bug: %s", path);
	return tree;
}

int testknob_extra_bind(int tree, int root_fd)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int target = -1;
	const char *dest;

	if (tree < 0 || !extra(&path, &dest))
		return 0;
	target = resolve_target(root_fd, dest, TARGET_DIR, 0755, 0755);
	if (target < 0)
		return target;
	return mnt_attach(tree, target, dest);
}
#else
/* ISO C wants something in a translation unit. */
typedef int testknob_unused;
#endif
