/* SPDX-License-Identifier: MIT */
#include "setup/caps.h"

#include <cap-ng.h>
#include <errno.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/log.h"
#include "base/fault.h"

const char *caps_name(int cap)
{
	const char *n = capng_capability_to_name((unsigned)cap);

	return n ? n : "unknown";
}

int caps_parse(const char *opt, const char *name, uint64_t *ret)
{
	int cap;

	if (strcasecmp(name, "ALL") == 0) {
		*ret = (CAP_LAST_CAP >= 63) ? UINT64_MAX : ((1ULL << (CAP_LAST_CAP + 1)) - 1);
		return 0;
	}
	if (strncasecmp(name, "CAP_", 4) == 0)
		name += 4;
	cap = capng_name_to_capability(name);
	if (cap < 0 || cap > 63)
		return sbx_errx("%s: unknown capability '%s'", opt, name);
	*ret = 1ULL << cap;
	return 0;
}

uint64_t caps_init_mask(uint64_t keep)
{
	uint64_t all = (CAP_LAST_CAP >= 63) ? UINT64_MAX : ((1ULL << (CAP_LAST_CAP + 1)) - 1);
	uint64_t setpcap = 1ULL << CAP_SETPCAP;

	if ((keep & all) == all)
		return 0;
	if (!(keep & setpcap))
		return keep | setpcap;
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
		if (!(keep & (1ULL << cap)))
			return keep | (1ULL << cap);
	return 0;
}

/* keep as the effective, permitted and inheritable sets, with one capset(2). */
static int set_caps(uint64_t keep)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2] = {
		{ (uint32_t)keep, (uint32_t)keep, (uint32_t)keep },
		{ (uint32_t)(keep >> 32), (uint32_t)(keep >> 32), (uint32_t)(keep >> 32) },
	};

	if (syscall(SYS_capset, &hdr, data) < 0)
		return sbx_err(errno, "set capabilities");
	return 0;
}

int caps_lower(uint64_t from, uint64_t keep)
{
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
		if ((from & ~keep & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return sbx_err(errno, "drop %s from the bounding set", caps_name(cap));
	return set_caps(keep);
}

#define SBX_SECUREBITS                                                   \
	(SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP | \
	 SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED)

/* Drops every capability not in keep from the bounding set, up to the running kernel's
 * last one (EINVAL after it), which may be newer than the headers sbx was built with.
 * Returns how many capabilities the kernel has (at least as many as it has checked). */
static int drop_bounding(uint64_t keep)
{
	int cap;

	for (cap = 0; cap < 64; cap++) {
		if (keep & (1ULL << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
			if (errno == EINVAL)
				return cap;
			return sbx_err(errno, "drop %s from the bounding set", caps_name(cap));
		}
	}
	return cap;
}

/* Raw syscalls rather than libcap-ng's apply, which reads /proc/self/status three times
 * per call: a tenth of a millisecond on every start for nothing we need to know. */
int caps_apply(uint64_t keep)
{
	int n;

	/* uid 0 inside (--root) gains nothing by being 0: no capabilities from execve
	 * (NOROOT), none kept or lost on uid changes (NO_SETUID_FIXUP, KEEP_CAPS off), and
	 * the sandbox cannot change that back (the _LOCKED bits). Needs CAP_SETPCAP, like
	 * the bounding set below; already set (a second call, --enter) is fine. */
	if (prctl(PR_GET_SECUREBITS) != SBX_SECUREBITS &&
	    prctl(PR_SET_SECUREBITS, SBX_SECUREBITS) < 0)
		return sbx_err(errno, "lock the securebits");
	/* Bounding set first: dropping it needs CAP_SETPCAP, which capset may remove. */
	if ((n = drop_bounding(keep)) < 0)
		return n;
	if (n < 64)
		keep &= (1ULL << n) - 1;
	FAULT_POINT("caps");
	if ((n = set_caps(keep)) < 0)
		return n;
	/* Ambient capabilities survive execve for a non-root uid; only the kept ones. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return sbx_err(errno, "clear ambient capabilities");
	for (int cap = 0; keep && cap < 64; cap++)
		if ((keep & (1ULL << cap)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return sbx_err(errno, "raise ambient capability %s", caps_name(cap));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return sbx_err(errno, "set no_new_privs");
	return 0;
}
