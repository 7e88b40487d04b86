/* SPDX-License-Identifier: MIT */
/* Landlock (setup/landlock.h): the mount plan's rules, a ruleset for the ABI the kernel
 * has, and confining by it. */
#include "setup/landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/fault.h"
#include "base/log.h"
#include "base/util.h"
#include "setup/resolve.h"

/* Debian 12's headers stop at ABI 2; the later rights are the kernel's numbers. */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif

/* ABI 4's port rules: struct landlock_net_port_attr and LANDLOCK_RULE_NET_PORT, which
 * Debian 12's enum lacks. */
struct net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
};
#define RULE_NET_PORT 2

/* struct landlock_ruleset_attr as of ABI 6; the kernel takes the size we pass, so the
 * fields an older kernel does not know are simply not passed. */
struct ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

#define READ_RIGHTS \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define WRITE_RIGHTS                                                                              \
	(LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |                          \
	 LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |                          \
	 LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |                              \
	 LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |                            \
	 LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM | LANDLOCK_ACCESS_FS_REFER | \
	 LANDLOCK_ACCESS_FS_TRUNCATE)
/* The rights a rule on a file (not a directory) may carry. */
#define FILE_RIGHTS                                                   \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
	 LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE | \
	 LANDLOCK_ACCESS_FS_IOCTL_DEV)

/* The file-system rights each ABI handles: 1 the first 13, 2 REFER, 3 TRUNCATE, 5
 * IOCTL_DEV (4 added network rights, 6 scopes, 7 audit logging: no new file rights). */
static uint64_t fs_rights(int abi)
{
	uint64_t all = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;

	if (abi >= 2)
		all |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		all |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		all |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return all;
}

static uint64_t access_rights(enum landlock_access a)
{
	switch (a) {
	case LANDLOCK_LIST:
		return LANDLOCK_ACCESS_FS_READ_DIR;
	case LANDLOCK_READ:
		return READ_RIGHTS;
	case LANDLOCK_WRITE:
		return READ_RIGHTS | WRITE_RIGHTS;
	case LANDLOCK_DEV:
		return READ_RIGHTS | WRITE_RIGHTS | LANDLOCK_ACCESS_FS_IOCTL_DEV;
	}
	return 0;
}

void landlock_rules_add(struct landlock_rules *r, const char *path, enum landlock_access access)
{
	r->v = xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	r->v[r->n++] = (struct landlock_rule){ xstrdup(path), access };
}

void landlock_rules_add_port(struct landlock_rules *r, uint16_t port, bool bind)
{
	r->ports = xrealloc(r->ports, (r->n_ports + 1) * sizeof(*r->ports));
	r->ports[r->n_ports++] = (struct sbx_tcp_port){ port, bind };
}

void landlock_rules_add_ports(const struct sbx_config *c, struct landlock_rules *r)
{
	for (size_t i = 0; i < c->n_tcp_ports; i++)
		landlock_rules_add_port(r, c->tcp_ports[i].port, c->tcp_ports[i].bind);
}

void landlock_rules_free(struct landlock_rules *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].path);
	free(r->v);
	free(r->ports);
	*r = (struct landlock_rules){ 0 };
}

/* What op's destination gives beneath it; false for an op that gives nothing (a symlink,
 * a chmod, a remount: Landlock cannot take back what a rule above grants). */
static bool op_access(const struct sbx_op *op, enum landlock_access *ret)
{
	switch (op->type) {
	case OP_BIND:
	case OP_BIND_FD:
		*ret = (op->flags & BIND_READONLY)  ? LANDLOCK_READ
		       : (op->flags & BIND_DEVICES) ? LANDLOCK_DEV
						    : LANDLOCK_WRITE;
		return true;
	case OP_DEV:
		*ret = LANDLOCK_DEV;
		return true;
	case OP_TMPFS:
	case OP_MQUEUE:
		*ret = LANDLOCK_WRITE;
		return true;
	case OP_OVERLAY:
		*ret = op->overlay == OVERLAY_RO ? LANDLOCK_READ : LANDLOCK_WRITE;
		return true;
	case OP_PROC:
		/* The sandbox's own: writes there are procfs's to judge (id maps of a nested
		 * sandbox, oom_score_adj), and its read-only parts are mounted so. */
		*ret = LANDLOCK_WRITE;
		return true;
	case OP_SYSFS:
	case OP_DIR:
	case OP_FILE:
		*ret = LANDLOCK_READ;
		return true;
	case OP_BIND_DATA:
		*ret = (op->flags & BIND_READONLY) ? LANDLOCK_READ : LANDLOCK_WRITE;
		return true;
	case OP_REMOUNT_RO:
	case OP_SYMLINK:
	case OP_CHMOD:
		return false;
	}
	return false;
}

void landlock_rules_from_plan(const struct sbx_config *c, struct landlock_rules *r)
{
	/* The root's tmpfs: what sbx made there can be listed, not written (a rule on it
	 * would reach everything mounted beneath). */
	landlock_rules_add(r, "/", LANDLOCK_LIST);
	for (size_t i = 0; i < c->n_ops; i++) {
		enum landlock_access a;
		if (op_access(&c->ops[i], &a))
			landlock_rules_add(r, c->ops[i].dest, a);
	}
	/* The sandbox's own cgroup, which --cgroup-writable lets it manage. */
	if (c->cgroup_writable)
		landlock_rules_add(r, "/sys/fs/cgroup", LANDLOCK_WRITE);
	landlock_rules_add_ports(c, r);
}

int landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	return abi > 0 ? (int)abi : 0;
}

const char *landlock_describe(int abi)
{
	static char buf[256];

	/* What each ABI adds that sbx uses (4's TCP ports and 7's audit logs it does not). */
	snprintf(buf, sizeof(buf),
		 "ABI %d: %d file-system rights (read, write, execute, make, remove%s%s%s)%s", abi,
		 __builtin_popcountll(fs_rights(abi)), abi >= 2 ? ", refer" : "",
		 abi >= 3 ? ", truncate" : "", abi >= 5 ? ", device ioctl" : "",
		 abi >= 6 ? "; abstract unix sockets and signals scoped to the sandbox" : "");
	return buf;
}

static size_t attr_size(int abi)
{
	/* handled_access_net came with ABI 4, scoped with ABI 6. */
	if (abi >= 6)
		return sizeof(struct ruleset_attr);
	if (abi >= 4)
		return offsetof(struct ruleset_attr, scoped);
	return offsetof(struct ruleset_attr, handled_access_net);
}

static int add_rule(int ruleset, const struct landlock_rule *rule, uint64_t handled, unsigned flags)
{
	_cleanup_close_ int fd =
		resolve_openat2(AT_FDCWD, rule->path, O_PATH,
				(flags & LANDLOCK_NO_SYMLINKS)
					? RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS
					: 0);
	struct landlock_path_beneath_attr pb = { .parent_fd = fd };
	struct stat st;

	if (fd < 0) {
		/* A --ro-bind-try that bound nothing, a path renamed since: no rule. */
		if (errno == ENOENT || errno == ELOOP || errno == EACCES || errno == ENOTDIR)
			return 0;
		return sbx_err(errno, "landlock: open %s", rule->path);
	}
	if (fstat(fd, &st) < 0)
		return sbx_err(errno, "landlock: stat %s", rule->path);
	pb.allowed_access = access_rights(rule->access) & handled;
	if (!S_ISDIR(st.st_mode))
		pb.allowed_access &= FILE_RIGHTS;
	if (!pb.allowed_access)
		return 0;
	if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0)
		return sbx_err(errno, "landlock: rule for %s", rule->path);
	return 0;
}

/* TCP connect (bind) is handled where a port of its kind is listed, or with NO_TCP: then
 * only the listed ports are allowed, none with NO_TCP alone. */
static int net_rights(const struct landlock_rules *r, int abi, unsigned flags, uint64_t *ret)
{
	*ret = (flags & LANDLOCK_NO_TCP)
		       ? LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP
		       : 0;
	for (size_t i = 0; i < r->n_ports; i++)
		*ret |= r->ports[i].bind ? LANDLOCK_ACCESS_NET_BIND_TCP
					 : LANDLOCK_ACCESS_NET_CONNECT_TCP;
	if (abi >= 4)
		return 0;
	*ret = 0;
	/* Asked for by name: never silently without. */
	if (r->n_ports)
		return sbx_errx("--allow-connect and --allow-bind need Landlock ABI 4 (Linux 6.7); "
				"this kernel has ABI %d",
				abi);
	return 0;
}

static int add_port(int ruleset, const struct sbx_tcp_port *p)
{
	struct net_port_attr np = {
		.allowed_access =
			p->bind ? LANDLOCK_ACCESS_NET_BIND_TCP : LANDLOCK_ACCESS_NET_CONNECT_TCP,
		.port = p->port,
	};

	if (syscall(SYS_landlock_add_rule, ruleset, RULE_NET_PORT, &np, 0) < 0)
		return sbx_err(errno, "landlock: rule for TCP port %u", p->port);
	return 0;
}

static int unavailable(enum sbx_landlock mode, int *ret_fd)
{
	int e = errno;

	*ret_fd = -1;
	if (mode != SBX_LANDLOCK_REQUIRE) {
		log_debug("landlock: not available (%s): no second wall", strerror(e));
		return 0;
	}
	return sbx_err(e, "--landlock=require: this kernel has no Landlock%s",
		       e == EOPNOTSUPP ? " enabled (add landlock to the lsm= boot parameter)" : "");
}

int landlock_build(const struct landlock_rules *r, enum sbx_landlock mode, unsigned flags,
		   int *ret_fd)
{
	int abi = mode == SBX_LANDLOCK_OFF ? 0 : landlock_abi();
	struct ruleset_attr attr = { 0 };
	_cleanup_close_ int fd = -1;
	int ret;

	if (mode == SBX_LANDLOCK_OFF) {
		*ret_fd = -1;
		return 0;
	}
	FAULT_POINT("landlock");
	if (abi <= 0 && r->n_ports)
		return sbx_errx("--allow-connect and --allow-bind need Landlock, which this "
				"kernel has not");
	if (abi <= 0)
		return unavailable(mode, ret_fd);
	attr.handled_access_fs = fs_rights(abi);
	if (abi >= 6 && (flags & LANDLOCK_SCOPED))
		attr.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL;
	if ((ret = net_rights(r, abi, flags, &attr.handled_access_net)) < 0)
		return ret;
	fd = (int)syscall(SYS_landlock_create_ruleset, &attr, attr_size(abi), 0);
	if (fd < 0)
		return sbx_err(errno, "landlock: create a ruleset (%s)", landlock_describe(abi));
	for (size_t i = 0; i < r->n; i++)
		if ((ret = add_rule(fd, &r->v[i], attr.handled_access_fs, flags)) < 0)
			return ret;
	for (size_t i = 0; i < r->n_ports; i++)
		if ((ret = add_port(fd, &r->ports[i])) < 0)
			return ret;
	log_debug("landlock: %s; %zu rules", landlock_describe(abi), r->n);
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int landlock_enforce(int fd)
{
	if (fd < 0)
		return 0;
	if (syscall(SYS_landlock_restrict_self, fd, 0) < 0)
		return sbx_err(errno, "landlock: restrict");
	close(fd);
	return 0;
}
