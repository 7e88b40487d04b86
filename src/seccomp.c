/* SPDX-License-Identifier: MIT */
#include "seccomp.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"

typedef scmp_filter_ctx seccomp_ctx;
static void seccomp_ctx_freep(seccomp_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

/* Kernel interfaces a sandboxed program has no business with, and the classic escape and
 * attack-surface calls (same spirit as the lists of Docker, Flatpak and systemd). */
static const char *const denied[] = {
	/* keyrings are not namespaced */
	"keyctl", "add_key", "request_key",
	/* large kernel attack surface, not needed by ordinary programs */
	"bpf", "perf_event_open", "userfaultfd",
	/* the kernel itself */
	"kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
	"reboot", "syslog", "acct", "swapon", "swapoff",
	/* bypasses path-based access: opens any inode of a mounted fs by handle */
	"open_by_handle_at",
	/* the sandbox's mount tree is final */
	"mount", "umount", "umount2", "pivot_root", "move_mount", "fsopen", "fsmount", "fsconfig",
	"fspick", "open_tree", "mount_setattr",
	/* other */
	"lookup_dcookie", "vhangup", "quotactl", "nfsservctl", "uselib", "ustat", "sysfs",
	"_sysctl", "iopl", "ioperm", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
	"stime",
};

/* TIOCSTI pushes input into the caller's terminal; TIOCLINUX can do the same on a VT.
 * Only the low 32 bits of the request count (the kernel truncates it), so match those. */
static int add_tty_rules(seccomp_ctx ctx)
{
	static const unsigned long reqs[] = { TIOCSTI, TIOCLINUX };

	for (size_t i = 0; i < ELEMENTSOF(reqs); i++) {
		int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
					 SCMP_A1(SCMP_CMP_MASKED_EQ, 0xFFFFFFFFu, reqs[i]));
		if (r < 0)
			return sbx_err(-r, "seccomp: ioctl rule");
	}
	return 0;
}

static int add_userns_rules(seccomp_ctx ctx)
{
	int r;

	r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(unshare), 1,
			     SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
	if (r < 0)
		return sbx_err(-r, "seccomp: user namespace rules");
	return 0;
}

static int build_default(const struct sbx_config *c, seccomp_ctx *ret)
{
	_cleanup_(seccomp_ctx_freep) seccomp_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (!ctx)
		return sbx_errx("seccomp: cannot create a filter");
	/* Only the native syscall table is allowed: the i386 (int 0x80) and x32 entry
	 * points of x86_64 are whole other tables, historically full of bugs. */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(ENOSYS));
	if (r < 0)
		return sbx_err(-r, "seccomp: bad-arch action");
	for (size_t i = 0; i < ELEMENTSOF(denied); i++) {
		int nr = seccomp_syscall_resolve_name(denied[i]);
		if (nr == __NR_SCMP_ERROR)
			continue; /* not on this architecture */
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
		if (r < 0 && r != -EEXIST)
			return sbx_err(-r, "seccomp: rule for %s", denied[i]);
	}
	/* clone3 passes its flags in memory the filter cannot read: say ENOSYS so libc
	 * falls back to clone, whose flags it can. */
	r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	if (r < 0)
		return sbx_err(-r, "seccomp: rule for clone3");
	if ((r = add_tty_rules(ctx)) < 0)
		return r;
	if (c->disable_userns && (r = add_userns_rules(ctx)) < 0)
		return r;
	*ret = TAKE_PTR(ctx);
	return 0;
}

#if defined(__x86_64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

/* personality(2) can turn on READ_IMPLIES_EXEC or ADDR_NO_RANDOMIZE. libseccomp cannot say
 * "allow only these values" under a default-allow filter, so this small program does. */
static int load_personality_filter(void)
{
#ifdef NATIVE_AUDIT_ARCH
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_personality, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* the low half of arg0 (little-endian); the kernel takes an unsigned int */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0 /* PER_LINUX */, 4, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x8 /* PER_LINUX32 */, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x20000 /* UNAME26 */, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x20008, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xffffffff /* query */, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	};
	struct sock_fprog prog = { .len = ELEMENTSOF(insns), .filter = insns };

	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		return sbx_err(errno, "seccomp: load the personality filter");
#endif
	return 0;
}

static int load_bpf_fd(int fd, const char *opt)
{
	_cleanup_free_ char *buf = NULL;
	struct sock_fprog prog;
	size_t len;
	int r = read_fd_all(fd, &buf, &len);

	if (r < 0)
		return sbx_err(-r, "%s %d: read", opt, fd);
	close(fd);
	if (len == 0 || len % sizeof(struct sock_filter) != 0 ||
	    len / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return sbx_errx("%s %d: not a compiled seccomp BPF program (%zu bytes)", opt, fd, len);
	prog.len = (unsigned short)(len / sizeof(struct sock_filter));
	prog.filter = (struct sock_filter *)buf;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		return sbx_err(errno, "%s %d: load", opt, fd);
	return 0;
}

int seccomp_apply(const struct sbx_config *c)
{
	int r;

	if (c->seccomp_fd >= 0) {
		if ((r = load_bpf_fd(c->seccomp_fd, "--seccomp")) < 0)
			return r;
	} else if (!c->seccomp_disabled) {
		_cleanup_(seccomp_ctx_freep) seccomp_ctx ctx = NULL;
		if ((r = build_default(c, &ctx)) < 0)
			return r;
		if ((r = seccomp_load(ctx)) < 0)
			return sbx_err(-r, "seccomp: load the default filter");
		if ((r = load_personality_filter()) < 0)
			return r;
	}
	for (size_t i = 0; i < c->n_add_seccomp_fds; i++)
		if ((r = load_bpf_fd(c->add_seccomp_fds[i], "--add-seccomp-fd")) < 0)
			return r;
	return 0;
}

int seccomp_export(const struct sbx_config *c, int fd)
{
	_cleanup_(seccomp_ctx_freep) seccomp_ctx ctx = NULL;
	int r = build_default(c, &ctx);

	if (r < 0)
		return r;
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return sbx_err(-r, "seccomp: export");
	return 0;
}
