/* SPDX-License-Identifier: MIT */
#pragma once
#include <signal.h>

#include "config.h"

/* Signals sbx passes on to the command (DESIGN.md, section 2). */
void init_forwarded_signals(sigset_t *set);

/* Replaces the calling process with the command; reports a failure on err_fd and exits
 * 126/127. Never returns. */
__attribute__((noreturn)) void init_exec_command(const struct sbx_config *c, int err_fd,
						 const sigset_t *orig_mask);

/* PID 1 of the sandbox: starts the command, forwards signals, reaps orphans, and exits
 * with the command's status. Never returns. */
__attribute__((noreturn)) void init_run(const struct sbx_config *c, int err_fd,
					const sigset_t *orig_mask, int memory_events_fd);
