/* SPDX-License-Identifier: MIT */
#pragma once
#include <linux/filter.h>
#include <stddef.h>

#include "base/config.h"

/* Every filter program a sandbox's command runs under, in load order: sbx's terminal rules
 * (unless --allow-tiocsti), the default filter (or the caller's BPF from --seccomp FD, or the
 * --seccomp-profile compiled by cli_parse), then every --add-seccomp-fd program; in bwrap
 * mode only the caller's, as bubblewrap. Collected once, by the supervisor before the clone,
 * so that sbx --enter can be given the very same bytes (enterctl.c). */
#define SECCOMP_SET_MAX 64
struct seccomp_prog {
	const struct sock_filter *insns;
	unsigned short len;
	unsigned flags; /* seccomp(2) flags (a profile's LOG, SPEC_ALLOW) */
	char *owned;	/* the buffer insns points into, when read from an fd */
	char *what;	/* for messages: "--seccomp 5", "the default filter" */
};
struct seccomp_set {
	size_t n;
	struct seccomp_prog progs[SECCOMP_SET_MAX];
};

/* Reads the caller's programs from their fds (closing them) and lists c's programs. */
int seccomp_collect(const struct sbx_config *c, struct seccomp_set *set);
/* In the command's process, last before its execve (init.c), after capabilities are gone
 * and no_new_privs is set: loads them all. */
int seccomp_load_set(const struct seccomp_set *set);
/* Appends a copy of insns (n instructions), for a set received from elsewhere. */
int seccomp_set_add_copy(struct seccomp_set *set, const void *insns, size_t n, unsigned flags,
			 const char *what);
void seccomp_set_free(struct seccomp_set *set);

/* The libseccomp version that compiled the default filter at build time. */
const char *seccomp_built_with(void);

/* Writes the default filter for c (or its --seccomp-profile, compiled) as BPF to fd, for
 * inspection or use by another tool. */
int seccomp_export(const struct sbx_config *c, int fd);
