/* SPDX-License-Identifier: MIT */
#pragma once
#include "base/config.h"

/* sbx --enter NAME [COMMAND]: runs COMMAND in every namespace, the cgroup, root and cwd of
 * a running named sandbox, with its capabilities, no_new_privs and seccomp filter.
 * Returns the exit status for sbx. */
int enter_run(const struct sbx_config *c, const char *name);

/* The first record on err_fd ("CODE:MESSAGE"), read once every writer is gone: CODE, with
 * MESSAGE in msg; 0 when there is none. */
int enter_read_failure(int err_fd, char *msg, size_t size);
/* sbx --stop NAME: the signal to sbx (which passes it on), SIGKILL after the grace time. */
int stop_run(const char *name, int sig, uint64_t grace_usec);
