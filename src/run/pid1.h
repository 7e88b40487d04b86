/* SPDX-License-Identifier: MIT */
#pragma once
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/config.h"

/* sbx's PID 1 is a small static program (src/run/pid1/main.c) built into sbx. It is exec'd
 * from a sealed memfd at the end of the child's setup, so the sandbox's init is not a copy
 * of sbx: cheaper to start and to end, a few pages resident. */

/* Whether the sandbox can use it: not when the command is PID 1 itself. No seccomp
 * program is in its way: those are loaded by the command alone (init_exec_command). */
bool pid1_usable(const struct sbx_config *c);

/* The memfd holding the program (O_CLOEXEC, sealed), or -errno where memfds cannot be
 * executed (vm.memfd_noexec): then init.c's init_wait serves instead. No message. */
int pid1_open(void);

/* In the child, last, once the command cmd runs (init_spawn_command): become the
 * program's PID 1 part, which forwards signals to cmd (and those in early, which came
 * before it existed), reaps, and reports its status on err_fd. Returns only on failure,
 * with a message; init_wait then serves instead. undumpable: no guard capability is left
 * (child.c, drop_privileges), so the exec must not make us dumpable again. */
int pid1_exec(int fd, int err_fd, int memory_events_fd, uint64_t memory_limit, pid_t cmd,
	      const sigset_t *early, bool undumpable);

/* In the supervisor, once the child has exec'd: become the program's supervisor part,
 * which forwards signals to child, applies the timeout, reports what comes on err_fd and
 * exits with the command's status. Returns only on failure (the caller supervises then). */
int pid1_monitor(int fd, pid_t child, int err_fd, uint64_t timeout_usec, unsigned flags);
