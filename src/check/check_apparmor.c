/* SPDX-License-Identifier: MIT */
/* sbx --check: Ubuntu's AppArmor restriction of unprivileged user namespaces (23.10 and
 * later), which only a profile naming the binary lifts. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "check/check_items.h"

static const char *const item = "apparmor";

void check_apparmor_fix(struct text *f)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		n = (ssize_t)strlen(strcpy(exe, "sbx"));
	exe[n] = '\0';
	/* The profile attaches by path, so it must name the binary that runs: make install
	 * writes its own BINDIR into it. */
	check_add(f,
		  "as root, load sbx's AppArmor profile, which allows user namespaces to the "
		  "binary it names: `make install` writes it to /etc/apparmor.d/sbx and loads it, "
		  "or load an installed one with `sudo apparmor_parser -r /etc/apparmor.d/sbx` "
		  "(it must name this binary, %s); or allow user namespaces to every program: "
		  "`sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0`",
		  exe);
}

enum check_state check_apparmor_at(FILE *out, const char *path, bool userns_ok)
{
	struct text d = { 0 }, f = { 0 };
	long v = 0;
	int r = check_read_number(path, &v);

	if (r == -ENOENT) {
		check_add(&d, "no AppArmor restriction of user namespaces on this kernel");
		return check_say(out, CHECK_OK, item, &d, &f);
	}
	if (r < 0) {
		check_add(&d, "cannot read %s: %s", path, strerror(-r));
		check_add(&f, "mount procfs on /proc, or see whether user namespaces work (the "
			      "user namespaces line)");
		return check_say(out, CHECK_WARN, item, &d, &f);
	}
	if (v == 0) {
		check_add(&d, "kernel.apparmor_restrict_unprivileged_userns=0: AppArmor does not "
			      "restrict user namespaces");
		return check_say(out, CHECK_OK, item, &d, &f);
	}
	if (userns_ok) {
		check_add(&d,
			  "kernel.apparmor_restrict_unprivileged_userns=%ld, and a profile allows "
			  "this sbx to create user namespaces",
			  v);
		return check_say(out, CHECK_OK, item, &d, &f);
	}
	check_add(&d,
		  "user namespaces are restricted by AppArmor "
		  "(kernel.apparmor_restrict_unprivileged_userns=%ld) and no profile allows them "
		  "to this sbx",
		  v);
	check_apparmor_fix(&f);
	return check_say(out, CHECK_MISSING, item, &d, &f);
}

enum check_state check_apparmor(FILE *out, bool userns_ok)
{
	return check_apparmor_at(out, CHECK_APPARMOR_SYSCTL, userns_ok);
}
