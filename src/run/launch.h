/* SPDX-License-Identifier: MIT */
#pragma once
#include "base/config.h"

/* Creates the sandbox, runs the command in it, and returns the exit status sbx should
 * exit with (DESIGN.md "Exit status"). Errors are printed here: 125. */
int launch_run(const struct sbx_config *c);
