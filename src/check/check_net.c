/* SPDX-License-Identifier: MIT */
/* sbx --check: the user-mode network helpers. */
#include <stdio.h>

#include "base/util.h"
#include "check/check_items.h"
#include "net/netuser.h"

/* The helpers as netuser.c finds them (path_search), so that --check says what a run does. */
enum check_state check_pasta(FILE *out)
{
	struct text d = { 0 }, f = { 0 };
	_cleanup_free_ char *pasta = path_search(netuser_helper_name(NET_PASTA));
	_cleanup_free_ char *slirp = path_search(netuser_helper_name(NET_SLIRP4NETNS));

	if (pasta) {
		check_add(&d, "%s (for --net=pasta and --net=auto)", pasta);
		if (slirp)
			check_add(&d, "; also %s (for --net=slirp4netns)", slirp);
		return check_say(out, CHECK_OK, "pasta", &d, &f);
	}
	check_add(&d, "not in $PATH (--net=pasta, user-mode networking, will fail)");
	if (slirp)
		check_add(&d, "; %s is there, for --net=slirp4netns and --net=auto", slirp);
	check_add(&f, "as root, `apt-get install %s` (Fedora, Arch: passt)",
		  netuser_helper_package(NET_PASTA));
	return check_say(out, CHECK_WARN, "pasta", &d, &f);
}
