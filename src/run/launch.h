/* SPDX-License-Identifier: MIT */
#pragma once
#include "base/config.h"

/* sbx's own statuses: it failed (the message says which step and why); --timeout ended
 * the command. */
#define EXIT_SBX_FAILED 125
#define EXIT_TIMEOUT 124

/* Creates the sandbox, runs the command in it, and returns the exit status sbx should
 * exit with (DESIGN.md "Exit status"). Errors are printed here: 125. */
int launch_run(const struct sbx_config *c);
