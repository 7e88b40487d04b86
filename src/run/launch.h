/* SPDX-License-Identifier: MIT */
#pragma once
#include "base/config.h"

/* sbx's own statuses: it failed (the message says which step and why); --timeout ended
 * the command. */
#define EXIT_SBX_FAILED 125
#define EXIT_TIMEOUT 124

/* The status of sbx's own failure, where the mode decides it: 125 (DESIGN.md), or in bwrap
 * mode 1, as bubblewrap's, whose callers test for it. The command's own passes through. */
static inline int sbx_failed_status(const struct sbx_config *c)
{
	return c->bare ? 1 : EXIT_SBX_FAILED;
}

/* Creates the sandbox, runs the command in it, and returns the exit status sbx should
 * exit with (DESIGN.md "Exit status"). Errors are printed here: sbx_failed_status. */
int launch_run(const struct sbx_config *c);
