/* SPDX-License-Identifier: MIT */
#pragma once
/* A mount plan made wrong on purpose, in a test-only build (make build/test/sbx, with
 * -DSBX_TEST_MOUNT_BUG) and never in sbx itself: tests/security show with it that Landlock
 * holds where the mounts do not. The variable SBX_TEST_MOUNT_BUG says which mistake:
 *   rw-binds          every read-only bind is mounted read-write
 *   extra:PATH:DEST   the host's PATH is bound read-write at DEST, which the plan never
 *                     names */
#ifdef SBX_TEST_MOUNT_BUG
/* A bind's flags, BIND_READONLY dropped for rw-binds. */
unsigned testknob_bind_flags(unsigned flags);
/* extra's PATH, cloned while the host's tree is in view: -1 without extra, or a negative
 * errno. */
int testknob_extra_open(void);
/* Its bind on DEST in the new root root_fd, before the root is entered; tree -1: none. */
int testknob_extra_bind(int tree, int root_fd);
#else
#define testknob_bind_flags(flags) (flags)
#define testknob_extra_open() (-1)
#define testknob_extra_bind(tree, root_fd) ((void)(tree), (void)(root_fd), 0)
#endif
