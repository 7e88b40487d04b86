/* SPDX-License-Identifier: MIT */
/* sbx --check: user namespaces, and overlayfs in them. */
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "base/util.h"
#include "check/check_items.h"
#include "check/probe.h"

/* A number under /proc/sys; -ENOENT where this kernel has no such knob. */
static int read_sysctl(const char *name, long *ret)
{
	char path[128];

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	return check_read_number(path, ret);
}

/* The namespaces a default sandbox creates inside its user namespace; an AppArmor
 * restriction lets unshare(CLONE_NEWUSER) succeed and fails here instead. */
static const char *unshare_the_rest(int *err)
{
	if (unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
		    CLONE_NEWCGROUP) < 0) {
		*err = errno;
		return "unshare(mount, pid, uts, ipc, net, cgroup)";
	}
	return NULL;
}

/* In a probe child inside its user namespace: an overlay with a tmpfs upper layer, as
 * --tmp-overlay makes. A mount namespace owned by an unprivileged user namespace receives
 * the host's shared mounts as slaves (mount_namespaces(7)), so the scratch tmpfs on /tmp
 * never shows outside and goes away with the child. */
static const char *mount_overlay(int *err)
{
	static const char *const dirs[] = { "/tmp/l", "/tmp/u", "/tmp/w" };
	_cleanup_close_ int fs = -1;

	if (unshare(CLONE_NEWNS) < 0) {
		*err = errno;
		return "unshare(CLONE_NEWNS)";
	}
	if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700") < 0) {
		*err = errno;
		return "mount a scratch tmpfs on /tmp";
	}
	for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
		if (mkdir(dirs[i], 0700) < 0) {
			*err = errno;
			return "mkdir in the scratch tmpfs";
		}
	fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0) {
		*err = errno;
		return "fsopen(overlay)";
	}
	if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", dirs[0], 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", dirs[1], 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "workdir", dirs[2], 0) < 0) {
		*err = errno;
		return "overlay layer options";
	}
	(void)fsconfig(fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0);
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		*err = errno;
		return "mount overlay";
	}
	return NULL;
}

/* ---- user namespaces ---------------------------------------------------------------- */

/* Whether this process runs inside a user namespace (a sandbox or container): the
 * initial one maps all of 0-4294967294 onto itself. */
static bool nested_userns(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/uid_map", "re");
	unsigned long inside, outside, count;

	return f && (fscanf(f, "%lu %lu %lu", &inside, &outside, &count) != 3 || inside != 0 ||
		     outside != 0 || count != 4294967295UL);
}

/* Names the knob that explains a failed probe, and its fix; a negative value is a knob
 * this kernel does not have. */
static void userns_cause(struct text *d, struct text *f, long max, long clone, long aa, int err)
{
	if (max == 0 && nested_userns()) {
		check_add(
			d,
			" (user.max_user_namespaces=0 in the user namespace this process runs in)");
		check_add(f, "run sbx outside this sandbox or container, which forbids nested user "
			     "namespaces (as sbx --disable-userns does)");
	} else if (max == 0) {
		check_add(d, " (user.max_user_namespaces=0)");
		check_add(f, "as root, `sysctl -w user.max_user_namespaces=15000` and keep it in "
			     "/etc/sysctl.d/");
	} else if (clone == 0) {
		check_add(d, " (kernel.unprivileged_userns_clone=0)");
		check_add(f,
			  "as root, `sysctl -w kernel.unprivileged_userns_clone=1` and keep it in "
			  "/etc/sysctl.d/");
	} else if (aa > 0) {
		check_add(d, " (kernel.apparmor_restrict_unprivileged_userns=%ld)", aa);
		check_apparmor_fix(f);
	} else if (err == ENOSPC || err == EUSERS) {
		check_add(d, " (user.max_user_namespaces=%ld reached, or nested 32 deep)", max);
		check_add(f,
			  "end other sandboxes or containers, or raise user.max_user_namespaces");
	} else {
		check_add(d,
			  " (no sysctl explains it: a container's seccomp policy or a chroot may "
			  "forbid user namespaces)");
		check_add(f, "run sbx outside this container, or let the container create user "
			     "namespaces (e.g. podman/docker --security-opt seccomp=unconfined)");
	}
}

enum check_state check_userns(FILE *out)
{
	struct text d = { 0 }, f = { 0 };
	long max = -1, clone = -1, aa = -1;
	struct probe p;

	(void)read_sysctl("user/max_user_namespaces", &max);
	(void)read_sysctl("kernel/unprivileged_userns_clone", &clone);
	(void)read_sysctl("kernel/apparmor_restrict_unprivileged_userns", &aa);
	probe_in_userns(&p, unshare_the_rest);
	if (p.step[0]) {
		check_add(&d, "%s: %s", p.step, strerror(p.err));
		userns_cause(&d, &f, max, clone, aa, p.err);
		return check_say(out, CHECK_MISSING, "user namespaces", &d, &f);
	}
	check_add(&d,
		  "a user namespace with an id map, and mount, pid, uts, ipc, net and cgroup "
		  "namespaces in it, can be created (user.max_user_namespaces=%ld",
		  max);
	if (clone >= 0)
		check_add(&d, ", kernel.unprivileged_userns_clone=%ld", clone);
	if (aa > 0)
		check_add(&d,
			  ", kernel.apparmor_restrict_unprivileged_userns=%ld, which a profile "
			  "lifts for this binary",
			  aa);
	check_add(&d, ")");
	return check_say(out, CHECK_OK, "user namespaces", &d, &f);
}

static void overlay_fix(struct text *f, const struct probe *p)
{
	struct utsname u;
	unsigned major = 0, minor = 0;

	if (strstr(p->step, "CLONE_NEWUSER") || strstr(p->step, "_map") ||
	    strstr(p->step, "setgroups")) {
		check_add(f, "make user namespaces work first (see the user namespaces line)");
		return;
	}
	if (p->err == EPERM && check_seccomp_filters() > 0) {
		check_add(f, "this process runs under a seccomp filter that may forbid mounting "
			     "(inside a "
			     "sandbox or container?): run sbx outside it");
		return;
	}
	if (uname(&u) == 0)
		(void)sscanf(u.release, "%u.%u", &major, &minor);
	if (major > 5 || (major == 5 && minor >= 11))
		check_add(
			f,
			"as root, `modprobe overlay` (overlayfs may be missing from this kernel)");
	else
		check_add(f,
			  "Linux 5.11 or later mounts overlayfs in user namespaces (this is %s); "
			  "until then, do without the overlay options",
			  u.release);
}

enum check_state check_overlay(FILE *out)
{
	struct text d = { 0 }, f = { 0 };
	struct probe p;

	probe_in_userns(&p, mount_overlay);
	if (!p.step[0]) {
		check_add(&d, "an overlay with a tmpfs upper layer mounts in a user namespace (for "
			      "--overlay, --tmp-overlay, --ro-overlay)");
		return check_say(out, CHECK_OK, "overlayfs in user namespaces", &d, &f);
	}
	check_add(&d, "%s: %s (--overlay, --tmp-overlay and --ro-overlay will fail)", p.step,
		  strerror(p.err));
	overlay_fix(&f, &p);
	return check_say(out, CHECK_WARN, "overlayfs in user namespaces", &d, &f);
}
