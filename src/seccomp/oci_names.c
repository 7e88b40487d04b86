/* SPDX-License-Identifier: MIT */
/* The names of a seccomp profile and what they stand for (seccomp/oci_names.h). */
#include "seccomp/oci_names.h"

#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>

#include "base/util.h"

#if defined(__x86_64__) && !defined(__ILP32__)
#define NATIVE_ARCH SCMP_ARCH_X86_64
#elif defined(__i386__)
#define NATIVE_ARCH SCMP_ARCH_X86
#elif defined(__aarch64__)
#define NATIVE_ARCH SCMP_ARCH_AARCH64
#elif defined(__arm__)
#define NATIVE_ARCH SCMP_ARCH_ARM
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NATIVE_ARCH SCMP_ARCH_PPC64LE
#elif defined(__s390x__)
#define NATIVE_ARCH SCMP_ARCH_S390X
#elif defined(__riscv) && __riscv_xlen == 64
#define NATIVE_ARCH SCMP_ARCH_RISCV64
#else
#define NATIVE_ARCH 0
#endif

static const struct oci_arch arch_names[] = {
	{ "SCMP_ARCH_X86", SCMP_ARCH_X86, "x86" },
	{ "SCMP_ARCH_X86_64", SCMP_ARCH_X86_64, "amd64" },
	{ "SCMP_ARCH_X32", SCMP_ARCH_X32, "x32" },
	{ "SCMP_ARCH_ARM", SCMP_ARCH_ARM, "arm" },
	{ "SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64, "arm64" },
	{ "SCMP_ARCH_MIPS", SCMP_ARCH_MIPS, "mips" },
	{ "SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64, "mips64" },
	{ "SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32, "mips64n32" },
	{ "SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL, "mipsle" },
	{ "SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64, "mipsel64" },
	{ "SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32, "mips3l64n32" },
	{ "SCMP_ARCH_PPC", SCMP_ARCH_PPC, "ppc" },
	{ "SCMP_ARCH_PPC64", SCMP_ARCH_PPC64, "ppc64" },
	{ "SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE, "ppc64le" },
	{ "SCMP_ARCH_S390", SCMP_ARCH_S390, "s390" },
	{ "SCMP_ARCH_S390X", SCMP_ARCH_S390X, "s390x" },
	{ "SCMP_ARCH_PARISC", SCMP_ARCH_PARISC, "parisc" },
	{ "SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64, "parisc64" },
	{ "SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64, "riscv64" },
#ifdef SCMP_ARCH_LOONGARCH64
	{ "SCMP_ARCH_LOONGARCH64", SCMP_ARCH_LOONGARCH64, "loong64" },
#endif
#ifdef SCMP_ARCH_M68K
	{ "SCMP_ARCH_M68K", SCMP_ARCH_M68K, "m68k" },
#endif
#ifdef SCMP_ARCH_SHEB
	{ "SCMP_ARCH_SHEB", SCMP_ARCH_SHEB, "sheb" },
	{ "SCMP_ARCH_SH", SCMP_ARCH_SH, "sh" },
#endif
};

const struct oci_arch *oci_arch_by_token(uint32_t token)
{
	for (size_t i = 0; i < ELEMENTSOF(arch_names); i++)
		if (arch_names[i].token == token)
			return &arch_names[i];
	return NULL;
}

static const struct oci_action action_names[] = {
	{ "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false },
	{ "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), true },
	/* like runc and crun: KILL is libseccomp's, which kills the thread */
	{ "SCMP_ACT_KILL", SCMP_ACT_KILL, false },
	{ "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false },
	{ "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false },
	{ "SCMP_ACT_TRAP", SCMP_ACT_TRAP, false },
	/* without a tracer the syscall fails with ENOSYS; errnoRet is the tracer's message */
	{ "SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), true },
	{ "SCMP_ACT_LOG", SCMP_ACT_LOG, false },
};

static const char *const op_names[] = {
	[SCMP_CMP_NE] = "SCMP_CMP_NE",
	[SCMP_CMP_LT] = "SCMP_CMP_LT",
	[SCMP_CMP_LE] = "SCMP_CMP_LE",
	[SCMP_CMP_EQ] = "SCMP_CMP_EQ",
	[SCMP_CMP_GE] = "SCMP_CMP_GE",
	[SCMP_CMP_GT] = "SCMP_CMP_GT",
	[SCMP_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

static const struct flag_name {
	const char *name;
	unsigned flag;
} flag_names[] = {
	/* The child has a single thread when it loads the filter: nothing to synchronise. */
	{ "SECCOMP_FILTER_FLAG_TSYNC", 0 },
	{ "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
	{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
};

int oci_errno_by_name(const char *name)
{
	for (int e = 1; e < 4096; e++) {
		const char *n = strerrorname_np(e);
		if (n && streq(n, name))
			return e;
	}
	return -1;
}

uint32_t oci_native_arch(void)
{
	return NATIVE_ARCH;
}

const struct oci_arch *oci_arch_by_name(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(arch_names); i++)
		if (streq(arch_names[i].name, name))
			return &arch_names[i];
	return NULL;
}

const struct oci_action *oci_action_by_name(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(action_names); i++)
		if (streq(action_names[i].name, name))
			return &action_names[i];
	return NULL;
}

int oci_op_by_name(const char *name)
{
	for (unsigned i = 0; i < ELEMENTSOF(op_names); i++)
		if (op_names[i] && streq(op_names[i], name))
			return (int)i;
	return -1;
}

int oci_flag_by_name(const char *name, unsigned *ret)
{
	for (size_t i = 0; i < ELEMENTSOF(flag_names); i++)
		if (streq(flag_names[i].name, name)) {
			*ret = flag_names[i].flag;
			return 0;
		}
	return -1;
}
