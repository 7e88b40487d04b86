/* SPDX-License-Identifier: MIT */
#pragma once
/* The child's side of a start (child.c): from the clone to the exec of the sandbox's init. */
#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "base/config.h"
#include "plan/start.h"

struct sbx_pty;
struct seccomp_set;

/* How the child starts and ends (launch.c decides). */
struct child_args {
	const struct sbx_config *c;
	const struct start_plan *plan;
	pid_t parent; /* 0 in a new PID namespace */
	int go_fd;    /* -1: the child waits for no step of the parent's (plan->steps) */
	int err_fd;
	int pid1_fd; /* -1: init_wait serves as PID 1 */
	const sigset_t *orig_mask;
	/* The seccomp programs, read by the supervisor (which hands the same to sbx --enter),
	 * loaded by the command's process last before its execve. */
	const struct seccomp_set *filters;
	const struct sbx_pty *pty; /* the sandbox's own terminal, if used */
};

/* In the clone: the setup, then the command and the sandbox's init. Never returns; a
 * failure goes to the parent on a->err_fd as a record, and the child exits 125. */
__attribute__((noreturn)) void child_main(const struct child_args *a);
/* The same as clone(2)'s fn, for a start in vfork (plan->vfork). */
int child_vfork_main(void *arg);
/* c's --rlimit values on the calling process (also --fallback's command, fallback.c). */
int child_set_rlimits(const struct sbx_config *c);
