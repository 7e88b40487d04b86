/* SPDX-License-Identifier: MIT */
#include "run/pid1.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

/* build/sbx-pid1, linked in as it is; the build checks it needs no relocation. */
extern const unsigned char sbx_pid1_start[], sbx_pid1_end[];
__asm__(".section .rodata\n"
	".balign 16\n"
	".globl sbx_pid1_start\n"
	"sbx_pid1_start:\n"
	".incbin \"" SBX_PID1_PATH "\"\n"
	".globl sbx_pid1_end\n"
	"sbx_pid1_end:\n"
	".previous\n");

extern char *program_invocation_name;

bool pid1_usable(const struct sbx_config *c)
{
	return !c->as_pid_1;
}

int pid1_open(void)
{
	size_t size = (size_t)(sbx_pid1_end - sbx_pid1_start);
	_cleanup_close_ int fd = -1;
	int r;

	if (size == 0)
		return -ENOEXEC; /* not built for this architecture */
	/* MFD_EXEC: kernels since 6.3 want executable memfds said so (vm.memfd_noexec). */
	fd = memfd_create("sbx-pid1", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("sbx-pid1", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	if ((r = write_all(fd, sbx_pid1_start, size)) < 0)
		return r;
	/* Nobody changes it between here and the exec, nor afterwards. */
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		return -errno;
	return TAKE_FD(fd);
}

static int keep_open(int fd)
{
	if (fd >= 0 && fcntl(fd, F_SETFD, 0) < 0)
		return sbx_err(errno, "init: fd %d", fd);
	return 0;
}

/* Our own command line, for the program to keep: ps shows the supervisor as it was. */
static char **own_argv(char **buf)
{
	_cleanup_close_ int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	char **v = NULL;
	size_t len = 0;

	if (fd < 0 || read_fd_all(fd, buf, &len) < 0 || len == 0 || (*buf)[len - 1] != '\0') {
		strv_push(&v, xstrdup(program_invocation_name));
		return v;
	}
	for (char *p = *buf; p < *buf + len; p += strlen(p) + 1)
		strv_push(&v, xstrdup(p));
	return v;
}

/* argv: sbx's own; the environment: only role, the program's SBX_PID1. */
static int exec_program(int fd, const char *role)
{
	_cleanup_free_ char *cmdline = NULL, *var = xasprintf("SBX_PID1=%s", role);
	_cleanup_strv_free_ char **argv = own_argv(&cmdline);
	char *envp[] = { var, NULL };

	syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
	return -errno;
}

int pid1_exec(int fd, int err_fd, int memory_events_fd, uint64_t memory_limit, pid_t cmd,
	      const sigset_t *early, bool undumpable)
{
	unsigned long long pending = 0;
	char role[160];
	int r;

	for (int sig = 1; sig <= 64; sig++)
		if (sigismember(early, sig) == 1)
			pending |= 1ULL << (sig - 1);
	/* The format of src/run/pid1/main.c: numbers in hex, -1 for no fd. */
	snprintf(role, sizeof(role), "init:%s%x,%s%x,%llx,%x,%llx,%x", err_fd < 0 ? "-" : "",
		 err_fd < 0 ? 1 : err_fd, memory_events_fd < 0 ? "-" : "",
		 memory_events_fd < 0 ? 1 : memory_events_fd,
		 (unsigned long long)(memory_events_fd < 0 ? 0 : memory_limit), (unsigned)cmd,
		 pending, undumpable ? 2U : 0U);
	if ((r = keep_open(err_fd)) < 0 || (r = keep_open(memory_events_fd)) < 0)
		return r;
	return sbx_err(-exec_program(fd, role), "init: exec sbx's PID 1");
}

int pid1_monitor(int fd, pid_t child, int err_fd, uint64_t timeout_usec, unsigned flags)
{
	char role[128];
	int r;

	snprintf(role, sizeof(role), "monitor:%x,%x,%llx,%x", (unsigned)child, (unsigned)err_fd,
		 (unsigned long long)timeout_usec, flags);
	if ((r = keep_open(err_fd)) < 0)
		return r;
	r = sbx_err(-exec_program(fd, role), "exec sbx's supervisor");
	(void)fcntl(err_fd, F_SETFD, FD_CLOEXEC);
	return r;
}
