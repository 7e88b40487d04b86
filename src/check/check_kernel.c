/* SPDX-License-Identifier: MIT */
/* sbx --check: kernel features, seccomp and Landlock, and sbx's small PID 1. */
#include <fcntl.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/util.h"
#include "check/check_items.h"
#include "setup/landlock.h"
#include "run/pid1.h"
#include "seccomp/seccomp.h"

long check_seccomp_filters(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/status", "re");
	char line[256];

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "Seccomp_filters:", 16) == 0)
			return strtol(line + 16, NULL, 10);
	return -1;
}

/* ---- kernel features ---------------------------------------------------------------- */

enum check_state check_seccomp(FILE *out)
{
	struct text d = { 0 }, f = { 0 };
	long filters;

	/* A NULL program fails with EFAULT where filter mode exists, EINVAL where it does
	 * not, and installs nothing either way. */
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0 ||
	    (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, NULL, 0, 0) < 0 && errno != EFAULT)) {
		check_add(&d, "no seccomp filter mode: %s; the default sandbox installs a filter",
			  strerror(errno));
		check_add(
			&f,
			"a kernel with CONFIG_SECCOMP_FILTER=y (every distribution kernel has it), "
			"or run with --seccomp none");
		return check_say(out, CHECK_MISSING, "seccomp", &d, &f);
	}
	check_add(&d,
		  "filter mode available (the default filter was compiled by libseccomp %s when "
		  "sbx was built)",
		  seccomp_built_with());
	filters = check_seccomp_filters();
	if (filters > 0)
		check_add(&d, "; this process already runs under %ld filter%s (a container's?)",
			  filters, filters == 1 ? "" : "s");
	return check_say(out, CHECK_OK, "seccomp", &d, &f);
}

enum check_state check_landlock(FILE *out)
{
	struct text d = { 0 }, f = { 0 };
	int abi = landlock_abi();
	int e = errno;

	if (abi > 0) {
		check_add(&d, "%s (a second wall mirroring the mount plan, --landlock=auto)",
			  landlock_describe(abi));
		if (abi < 6)
			check_add(&d, "; Linux 6.12 or later (ABI 6) also keeps abstract unix "
				      "sockets and signals in the sandbox");
		return check_say(out, CHECK_OK, "landlock", &d, &f);
	}
	check_add(&d,
		  "not available: %s (sbx runs without its second wall; --landlock=require fails)",
		  e == ENOSYS	    ? "not built into this kernel"
		  : e == EOPNOTSUPP ? "built in but not enabled at boot"
				    : strerror(e));
	check_add(&f,
		  "Linux 5.13 or later with CONFIG_SECURITY_LANDLOCK=y and landlock in the lsm= "
		  "boot parameter");
	return check_say(out, CHECK_WARN, "landlock", &d, &f);
}

/* Runs sbx's PID 1 program with no role: it exits 125 at once where it can run at all. */
static int run_pid1_probe(int fd)
{
	char *argv[] = { (char *)"sbx", NULL }, *envp[] = { NULL };
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

enum check_state check_pid1(FILE *out)
{
	static const char *const item = "small PID 1";
	struct text d = { 0 }, f = { 0 };
	_cleanup_close_ int fd = pid1_open();
	int r;

	if (fd == -ENOEXEC) {
		check_add(&d, "not built for this architecture; sbx's own init serves as PID 1 and "
			      "supervisor (a slower start, ~1.5 MB more per sandbox)");
		return check_say(out, CHECK_OK, item, &d, &f);
	}
	r = fd < 0 ? fd : run_pid1_probe(fd);
	if (r != 125) {
		check_add(
			&d,
			"sbx's PID 1 program cannot be run from a memfd here (%s); sbx's own init "
			"serves instead (a slower start, ~1.5 MB more per sandbox)",
			r < 0 ? strerror(-r) : "it did not start");
		check_add(&f,
			  "allow executable memfds: sysctl vm.memfd_noexec=0 (2 forbids them), or "
			  "the security module's rule that refuses them");
		return check_say(out, CHECK_WARN, item, &d, &f);
	}
	check_add(&d, "sbx's PID 1 and supervisor program runs from a sealed memfd");
	return check_say(out, CHECK_OK, item, &d, &f);
}
