/* SPDX-License-Identifier: MIT */
#pragma once
/* --seccomp-profile FILE: a seccomp profile in the JSON of the OCI runtime spec and of
 * Docker/Podman, parsed and compiled to BPF in the parent while the command line is read,
 * loaded by the child in seccomp_apply. json-c and libseccomp are dlopen()ed, only here. */
#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a rule's includes/excludes are decided against. */
struct seccomp_oci_env {
	uint32_t arch;	    /* the native SCMP_ARCH_* (an AUDIT_ARCH_* value); 0: unknown */
	uint64_t caps;	    /* the command's bounding set, 1 << CAP_* */
	unsigned kernel[2]; /* major, minor of the running kernel */
};

struct seccomp_oci_cond {
	unsigned index; /* syscall argument 0-5 */
	unsigned op;	/* enum scmp_compare */
	uint64_t value;
	uint64_t value_two; /* MASKED_EQ: value is the mask, value_two what the masked arg equals */
};

/* One syscalls[] entry that applies here (includes/excludes already decided). */
struct seccomp_oci_rule {
	size_t entry; /* its index in syscalls[], for messages */
	char **names;
	uint32_t action; /* SCMP_ACT_*, errno included */
	struct seccomp_oci_cond *conds;
	size_t n_conds;
};

struct seccomp_oci_profile {
	char *file;
	char *text; /* kept for the line numbers of errors found while compiling */
	size_t len;
	uint32_t default_action;
	uint32_t arches[24]; /* beside the native one */
	size_t n_arches;
	unsigned flags; /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
	struct seccomp_oci_rule *rules;
	size_t n_rules;
};

/* The compiled filter, one allocation (free() it), copied into the child with the rest of
 * the config by clone(2). */
struct seccomp_oci_prog {
	unsigned flags;
	unsigned short len;
	struct sock_filter insns[];
};

/* The host's architecture and kernel, and the command's capabilities. */
void seccomp_oci_env_host(struct seccomp_oci_env *env, uint64_t caps);

/* Parses the JSON text of file: 0, or -EINVAL with a message naming file:line:column and
 * the field. Needs json-c. */
int seccomp_oci_parse(const char *file, const char *text, size_t len,
		      const struct seccomp_oci_env *env, struct seccomp_oci_profile *ret);
void seccomp_oci_profile_free(struct seccomp_oci_profile *p);

/* "--seccomp-profile FILE:LINE:COLUMN: syscalls[entry]: MESSAGE" for a rule found wrong after
 * parsing (by the compiler); returns -EINVAL. */
int seccomp_oci_entry_fail(const struct seccomp_oci_profile *p, size_t entry, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Builds the BPF program with libseccomp. */
int seccomp_oci_compile(const struct seccomp_oci_profile *p, struct seccomp_oci_prog **ret);

/* Reads, parses and compiles file for a command keeping the capabilities caps. */
int seccomp_oci_prepare(const char *file, uint64_t caps, struct seccomp_oci_prog **ret);

/* In the child, with no_new_privs set: installs the program. */
int seccomp_oci_load(const struct seccomp_oci_prog *prog, const char *file);
