/* SPDX-License-Identifier: MIT */
#include "caps.h"

#include <cap-ng.h>
#include <errno.h>
#include <sys/prctl.h>

#include "log.h"

int caps_drop_all(void)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return sbx_err(errno, "clear ambient capabilities");
	capng_clear(CAPNG_SELECT_BOTH);
	/* Bounding set first: dropping it needs CAP_SETPCAP, which the next step removes. */
	if (capng_apply(CAPNG_SELECT_BOUNDS) < 0)
		return sbx_err(EPERM, "drop the capability bounding set");
	if (capng_apply(CAPNG_SELECT_CAPS) < 0)
		return sbx_err(EPERM, "drop capabilities");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return sbx_err(errno, "set no_new_privs");
	return 0;
}
