/* SPDX-License-Identifier: MIT */
#pragma once
#include <stdbool.h>
#include <stdio.h>

#include "base/config.h"

enum cli_action {
	CLI_RUN,
	CLI_HELP,
	CLI_HELP_ALL,
	CLI_VERSION,
	CLI_PRINT_OPTIONS,
	CLI_SECCOMP_EXPORT,
	CLI_DRY_RUN,
	CLI_LIST,
	CLI_ENTER,
	CLI_STOP,
	CLI_CHECK,
};

/* Fills c from argv (argv[0] included: invoked as "bwrap" means --bare). Pure apart from
 * reading the environment, the cwd and --args fds, and, for a run with --home-persist,
 * creating and opening that home (apphome_resolve). */
int cli_parse(int argc, char **argv, struct sbx_config *c, enum cli_action *action);
/* Whether argv[0] names bubblewrap: sbx then reads bubblewrap's command line (DESIGN.md). */
bool cli_is_bwrap_name(const char *argv0);
/* --help (all: --help-all). Invoked as bwrap: bubblewrap's usage line with ARGV0, as its
 * clients and test suite look for it, then every option. */
void cli_usage(FILE *f, bool all, const char *argv0);
/* One line per option: "--name NARGS ARGNAMES", for completions and the man page check. */
void cli_print_options(FILE *f);
const char *cli_version(void);
