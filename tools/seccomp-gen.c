/* SPDX-License-Identifier: MIT */
/* seccomp-gen: sbx's default seccomp filter, compiled with libseccomp at BUILD time.
 * Writes C arrays of the BPF programs (one per variant) that src/seccomp.c loads as
 * they are: a sandbox start then costs one prctl() instead of a libseccomp filter
 * compilation (about 1.5 ms), and sbx does not load libseccomp at all. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sched.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

static int fail(int r, const char *what)
{
	fprintf(stderr, "seccomp-gen: %s: %s\n", what, strerror(r < 0 ? -r : r));
	exit(1);
}

typedef scmp_filter_ctx seccomp_ctx;

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
			return fail(r, "ioctl rule");
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
		return fail(r, "user namespace rules");
	return 0;
}

static scmp_filter_ctx build(bool disable_userns)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (!ctx)
		fail(ENOMEM, "seccomp_init");
	/* Only the native syscall table is allowed: the i386 (int 0x80) and x32 entry
	 * points of x86_64 are whole other tables, historically full of bugs. */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(ENOSYS));
	if (r < 0)
		fail(r, "bad-arch action");
	for (size_t i = 0; i < ELEMENTSOF(denied); i++) {
		int nr = seccomp_syscall_resolve_name(denied[i]);
		if (nr == __NR_SCMP_ERROR)
			continue; /* not on this architecture */
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
		if (r < 0 && r != -EEXIST)
			fail(r, denied[i]);
	}
	/* clone3 passes its flags in memory the filter cannot read: say ENOSYS so libc
	 * falls back to clone, whose flags it can. */
	r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	if (r < 0)
		fail(r, "clone3");
	add_tty_rules(ctx);
	if (disable_userns)
		add_userns_rules(ctx);
	return ctx;
}

#if defined(__x86_64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

/* personality(2) can turn on READ_IMPLIES_EXEC or ADDR_NO_RANDOMIZE. libseccomp cannot say
 * "allow only these values" under a default-allow filter, so this hand-written check goes
 * in front of its program: "allow" here means "go on to libseccomp's part" (a jump to
 * just after the check), so the sandbox loads one program, not two. */
#define ON_TO_MAIN(at) BPF_JUMP(BPF_JMP | BPF_JA, PERSONALITY_LEN - (at) - 1, 0, 0)
#define PERSONALITY_LEN 14
static const struct sock_filter personality_check[PERSONALITY_LEN] = {
#ifdef NATIVE_AUDIT_ARCH
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_AUDIT_ARCH, 1, 0),
	ON_TO_MAIN(2),
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_personality, 1, 0),
	ON_TO_MAIN(5),
	/* the low half of arg0 (little-endian); the kernel takes an unsigned int */
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0 /* PER_LINUX */, 4, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x8 /* PER_LINUX32 */, 3, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x20000 /* UNAME26 */, 2, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x20008, 1, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xffffffff /* query */, 0, 1),
	ON_TO_MAIN(12),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
#endif
};

static void print_insn(struct sock_filter insn)
{
	printf("\t{ 0x%04x, %u, %u, 0x%08x },\n", insn.code, insn.jt, insn.jf, insn.k);
}

static void emit(const char *name, bool disable_userns)
{
	scmp_filter_ctx ctx = build(disable_userns);
	int fd = memfd_create("bpf", MFD_CLOEXEC);
	struct sock_filter insn;
	off_t n;

	if (fd < 0)
		fail(errno, "memfd");
	if (seccomp_export_bpf(ctx, fd) < 0)
		fail(EIO, "export");
	n = lseek(fd, 0, SEEK_CUR);
	lseek(fd, 0, SEEK_SET);
	printf("static const struct sock_filter %s[] = {\n", name);
#ifdef NATIVE_AUDIT_ARCH
	for (size_t i = 0; i < ELEMENTSOF(personality_check); i++)
		print_insn(personality_check[i]);
#endif
	for (off_t i = 0; i < n / (off_t)sizeof(insn); i++) {
		if (read(fd, &insn, sizeof(insn)) != sizeof(insn))
			fail(EIO, "read back");
		print_insn(insn);
	}
	printf("};\n");
	close(fd);
	seccomp_release(ctx);
}

int main(void)
{
	const struct scmp_version *v = seccomp_version();

	printf("/* Generated by tools/seccomp-gen.c. Do not edit. */\n");
	printf("#define SECCOMP_GEN_LIBSECCOMP \"%u.%u.%u\"\n", v->major, v->minor, v->micro);
	emit("default_filter", false);
	emit("default_filter_no_userns", true);
	return 0;
}
