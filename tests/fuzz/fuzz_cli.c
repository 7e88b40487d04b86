/* SPDX-License-Identifier: MIT */
/* cli_parse on a command line: sbx's options, bubblewrap's vocabulary (argv[0] "bwrap" or
 * --bare), --args FD NUL lists, and profiles (--profile fuzzN, include fuzzN), then the
 * --dry-run printer on what was parsed.
 * Input: part 0 the argv, NUL-separated (argv[0] included); parts 1-4 (after FUZZ_SEP)
 * are readable on fds 100-103 for --args and are the profiles fuzz0-fuzz3. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common.h"
#include "base/log.h"
#include "cli/profile.h"
#include "base/util.h"

static bool is_args_fd(const char *s)
{
	char want[16];

	for (int i = 0; i < FUZZ_MAX_PARTS - 1; i++) {
		snprintf(want, sizeof(want), "%d", FUZZ_ARGS_FD + i);
		if (streq(s, want))
			return true;
	}
	return false;
}

/* --args reads and closes the fd it names: only the harness's own may be named. */
static bool args_fds_ok(char **v)
{
	for (size_t i = 0; v && v[i]; i++) {
		if (streq(v[i], "--args") && (!v[i + 1] || !is_args_fd(v[i + 1])))
			return false;
		if (strncmp(v[i], "--args=", 7) == 0 && !is_args_fd(v[i] + 7))
			return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_parts parts;
	_cleanup_strv_free_ char **argv = NULL;
	struct sbx_config c;
	enum cli_action action;
	const char *text[FUZZ_MAX_PARTS - 1];
	size_t len[FUZZ_MAX_PARTS - 1];
	int r;

	fuzz_setup();
	fuzz_split_parts(data, size, &parts);
	argv = fuzz_split_nul(parts.p[0], parts.len[0]);
	if (!argv || strv_length(argv) > 256 || !args_fds_ok(argv))
		return -1;
	for (size_t i = 1; i < FUZZ_MAX_PARTS; i++) {
		text[i - 1] = i < parts.n ? parts.p[i] : NULL;
		len[i - 1] = i < parts.n ? parts.len[i] : 0;
		if (i < parts.n) {
			_cleanup_strv_free_ char **args = fuzz_split_nul(parts.p[i], parts.len[i]);
			if (!args_fds_ok(args))
				return -1;
		}
		fuzz_memfd_at(FUZZ_ARGS_FD + (int)i - 1, text[i - 1] ? text[i - 1] : "",
			      len[i - 1]);
	}
	fuzz_set_profiles(text, len, FUZZ_MAX_PARTS - 1);

	config_init(&c);
	r = cli_parse((int)strv_length(argv), argv, &c, &action);
	if (r == 0 && (action == CLI_RUN || action == CLI_DRY_RUN))
		fuzz_check_round_trip(&c);
	fuzz_config_free(&c);
	fuzz_reset_log();
	for (int i = 0; i < FUZZ_MAX_PARTS - 1; i++)
		close(FUZZ_ARGS_FD + i);
	return 0;
}
