/* SPDX-License-Identifier: MIT */
/* Profile files: words, "..." and '...' quoting, backslashes, # comments, include (of
 * each other, of themselves, of the built-in profiles), every option a profile may set;
 * what parses must survive --dry-run's round trip (fuzz_check_round_trip).
 * Input: part 0 is profile fuzz0 (given as --profile fuzz0); parts 1-4 (after FUZZ_SEP)
 * are the profiles fuzz1-fuzz4 it may include. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common.h"
#include "base/log.h"
#include "cli/profile.h"
#include "base/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[] = { "sbx", "--profile", "fuzz0", "--dry-run", NULL };
	struct fuzz_parts parts;
	struct sbx_config c;
	enum cli_action action;

	fuzz_setup();
	fuzz_split_parts(data, size, &parts);
	fuzz_set_profiles(parts.p, parts.len, parts.n);

	config_init(&c);
	if (cli_parse((int)ELEMENTSOF(argv) - 1, argv, &c, &action) == 0)
		fuzz_check_round_trip(&c);
	fuzz_config_free(&c);
	fuzz_reset_log();
	return 0;
}
