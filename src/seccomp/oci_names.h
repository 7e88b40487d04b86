/* SPDX-License-Identifier: MIT */
#pragma once
/* The names a --seccomp-profile spells (SCMP_ARCH_*, SCMP_ACT_*, SCMP_CMP_*,
 * SECCOMP_FILTER_FLAG_*, errno names) and the values they stand for, for the parser and
 * the compiler of seccomp/. Values are libseccomp's. */
#include <stdbool.h>
#include <stdint.h>

struct oci_arch {
	const char *name;
	uint32_t token;
	const char *docker; /* how includes/excludes "arches" spell it (moby's goToNative) */
};

struct oci_action {
	const char *name;
	uint32_t action;
	bool takes_errno;
};

/* The architecture sbx was built for, as an SCMP_ARCH_* token; 0 where libseccomp has none. */
uint32_t oci_native_arch(void);
/* NULL when unknown. */
const struct oci_arch *oci_arch_by_token(uint32_t token);
const struct oci_arch *oci_arch_by_name(const char *name);
const struct oci_action *oci_action_by_name(const char *name);
/* An enum scmp_compare, or -1. */
int oci_op_by_name(const char *name);
/* A SECCOMP_FILTER_FLAG_* into *ret (0 for one sbx needs not pass), or -1. */
int oci_flag_by_name(const char *name, unsigned *ret);
/* "EPERM" → 1, as Podman's "errno" and "defaultErrno" spell them; -1 when unknown. */
int oci_errno_by_name(const char *name);
