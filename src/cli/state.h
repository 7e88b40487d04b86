/* SPDX-License-Identifier: MIT */
#pragma once
/* What the command line's parser (parse.c), its option handlers (handlers*.c) and its plan
 * (plan/plan.c) share while one command line, with its profiles, is read into a struct
 * sbx_config. Not for outside src/cli/ and src/plan/. */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/config.h"
#include "cli/cli.h"
#include "cli/cwdrule.h"

struct parse_state {
	struct sbx_config *c;
	unsigned long unshare_req; /* --unshare-* asked (matters with --bare) */
	bool unshare_cgroup_req;
	bool unshare_cgroup_try;
	bool share_net;
	bool net_set;
	enum sbx_net user_net; /* --net=pasta|slirp4netns|auto; NET_NONE for none or host */
	bool has_perms;
	mode_t perms;
	bool has_size;
	uint64_t size;
	bool hostname_set;
	bool chdir_given;    /* on the command line: a second one is warned about */
	char **overlay_srcs; /* --overlay-src layers waiting for their overlay */
	int args_depth;
	int profile_depth; /* > 0 while reading a profile */
	char *cwd_refused; /* why a profile's bind-cwd did not share the cwd (cwdrule.h) */
	enum cwd_verdict cwd_verdict;
	enum cli_action action;
};
