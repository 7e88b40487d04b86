/* SPDX-License-Identifier: MIT */
#pragma once
/* Landlock, the second wall (DESIGN.md section 2): a ruleset that mirrors the mount plan, so
 * that a mistake in the plan (or a kernel mount bug) does not open the host. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/config.h"

/* What a rule grants beneath its path. */
enum landlock_access {
	LANDLOCK_LIST,	/* list directories, nothing else: the new root itself */
	LANDLOCK_READ,	/* read and execute files, list directories */
	LANDLOCK_WRITE, /* LANDLOCK_READ, and write, make, remove, rename, truncate */
	LANDLOCK_DEV,	/* LANDLOCK_WRITE, and ioctl on devices */
};

struct landlock_rule {
	char *path;
	enum landlock_access access;
};

struct landlock_rules {
	struct landlock_rule *v;
	size_t n;
	/* Connecting (binding) is restricted to these ports where one of its kind is listed. */
	struct sbx_tcp_port *ports;
	size_t n_ports;
};

void landlock_rules_add(struct landlock_rules *r, const char *path, enum landlock_access access);
void landlock_rules_add_port(struct landlock_rules *r, uint16_t port, bool bind);
/* c's --allow-connect and --allow-bind ports. */
void landlock_rules_add_ports(const struct sbx_config *c, struct landlock_rules *r);
void landlock_rules_free(struct landlock_rules *r);

/* Pure: the rules of c's mount plan, as paths inside the new root (ops' destinations). */
void landlock_rules_from_plan(const struct sbx_config *c, struct landlock_rules *r);

/* The running kernel's Landlock ABI: 0 where it has none (errno tells why). */
int landlock_abi(void);
/* "ABI 7: files (16 rights), abstract unix sockets and signals scoped" and the like. */
const char *landlock_describe(int abi);

enum {
	LANDLOCK_SCOPED = 1 << 0,      /* abstract unix sockets and signals (ABI >= 6) */
	LANDLOCK_NO_SYMLINKS = 1 << 1, /* paths resolved without following symlinks */
	LANDLOCK_NO_TCP = 1 << 2,      /* no TCP bind or connect at all (ABI >= 4) */
};

/* A ruleset with rules r, whose paths are opened now (relative to the cwd and root). A path
 * that does not exist (or, with LANDLOCK_NO_SYMLINKS, goes through a symlink) gets no
 * rule: less access, never more. *ret_fd is -1 where the kernel has no Landlock and mode is
 * SBX_LANDLOCK_AUTO; with SBX_LANDLOCK_REQUIRE that is an error. 0 or a negative errno. */
int landlock_build(const struct landlock_rules *r, enum sbx_landlock mode, unsigned flags,
		   int *ret_fd);
/* Confines the calling thread by the ruleset fd (no_new_privs or CAP_SYS_ADMIN needed);
 * fd -1 does nothing. */
int landlock_enforce(int fd);
