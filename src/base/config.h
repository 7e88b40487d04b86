/* SPDX-License-Identifier: MIT */
#pragma once
/* The one struct that describes a sandbox. The command line (src/cli/) fills it; launch.c and
 * everything below only read it. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/util.h"

enum sbx_op_type {
	OP_BIND,       /* --bind, --ro-bind, --dev-bind (+ -try) */
	OP_BIND_FD,    /* --bind-fd, --ro-bind-fd */
	OP_REMOUNT_RO, /* --remount-ro */
	OP_PROC,       /* --proc */
	OP_DEV,	       /* --dev */
	OP_SYSFS,      /* default profile: fresh sysfs (+ cgroup2) read-only */
	OP_TMPFS,      /* --tmpfs */
	OP_MQUEUE,     /* --mqueue */
	OP_DIR,	       /* --dir */
	OP_SYMLINK,    /* --symlink */
	OP_FILE,       /* --file FD DEST */
	OP_BIND_DATA,  /* --bind-data, --ro-bind-data */
	OP_CHMOD,      /* --chmod */
	OP_OVERLAY,    /* --overlay, --tmp-overlay, --ro-overlay (layers in overlay_srcs) */
};

enum sbx_overlay_kind {
	OVERLAY_RW,  /* --overlay RWSRC WORKDIR DEST */
	OVERLAY_TMP, /* --tmp-overlay DEST: writes go to an invisible tmpfs */
	OVERLAY_RO,  /* --ro-overlay DEST */
};

enum {
	BIND_READONLY = 1 << 0,
	BIND_DEVICES = 1 << 1,
	BIND_TRY = 1 << 2, /* missing source is not an error */
	/* --home-persist: src (and fd) filled in by apphome_resolve; --dry-run prints the option */
	BIND_HOME_PERSIST = 1 << 3,
	/* bind-cwd: the source is the working directory sbx runs in, opened as ".", so that
	 * renaming its path after the cwd rule looked at it binds nothing else */
	BIND_CWD = 1 << 4,
};

struct sbx_op {
	enum sbx_op_type type;
	char *src;  /* bind source, symlink target */
	char *dest; /* absolute path inside the sandbox */
	unsigned flags;
	int fd;	      /* --file, --bind-data, --bind-fd */
	mode_t perms; /* --perms, --chmod; valid if has_perms */
	bool has_perms;
	uint64_t size; /* --size for tmpfs; 0 = kernel default */
	/* overlays: lower layers, bottom first; src = upper dir, workdir for OVERLAY_RW */
	enum sbx_overlay_kind overlay;
	char **overlay_srcs;
	char *workdir;
};

enum sbx_net {
	NET_NONE, /* new netns with loopback up */
	NET_HOST, /* the caller's network namespace */
	/* new netns connected by a user-mode helper (netuser.c); AUTO is resolved to one of
	 * the two before launch */
	NET_PASTA,
	NET_SLIRP4NETNS,
	NET_AUTO,
};

/* --publish [HOSTIP:]HOSTPORT:SANDBOXPORT[/tcp|/udp] */
struct sbx_publish {
	char host_addr[46]; /* numeric IPv4 or IPv6 (INET6_ADDRSTRLEN) */
	uint16_t host_port;
	uint16_t sandbox_port;
	bool udp;
};

/* --allow-connect PORT, --allow-bind PORT */
struct sbx_tcp_port {
	uint16_t port;
	bool bind; /* else connect */
};

#define LIMIT_UNSET UINT64_MAX

/* cgroup v2 limits; LIMIT_UNSET where not asked for. */
struct sbx_limits {
	uint64_t memory;	 /* bytes: MemoryMax */
	uint64_t memory_swap;	 /* bytes: MemorySwapMax */
	uint64_t cpu_quota_usec; /* per second: CPUQuotaPerSecUSec */
	uint64_t cpu_weight;	 /* CPUWeight */
	uint64_t io_weight;	 /* IOWeight */
	uint64_t pids;		 /* TasksMax */
};

enum sbx_cgroup_mode {
	CGROUP_AUTO,
	CGROUP_SYSTEMD,
	CGROUP_DIRECT,
	CGROUP_NONE,
	CGROUP_TRY, /* like auto, but without a backend the limits are skipped (-v says so) */
};

/* --pty, --no-pty; auto: a pty when one of fds 0..2 is a terminal, except with --bare */
/* --landlock: the second wall (setup/landlock.h) */
enum sbx_landlock {
	SBX_LANDLOCK_AUTO,    /* what the kernel has; none where it has none */
	SBX_LANDLOCK_OFF,     /* the default in bare mode, as bubblewrap */
	SBX_LANDLOCK_REQUIRE, /* fail where the kernel has none */
};

/* --fallback: what a run does where user namespaces are refused (run/fallback.h) */
enum sbx_fallback {
	SBX_FALLBACK_NONE,     /* fail with 125 and the fix: never a weaker sandbox unasked */
	SBX_FALLBACK_LANDLOCK, /* run without namespaces, confined by Landlock and seccomp */
};

enum sbx_pty_mode {
	PTY_AUTO,
	PTY_ON,
	PTY_OFF,
};

struct sbx_config {
	/* identity */
	uid_t caller_uid;
	gid_t caller_gid;
	uid_t uid; /* inside */
	gid_t gid;
	bool subids;

	/* namespaces: CLONE_NEW* flags; when CLONE_NEWCGROUP is made: plan/start.h */
	unsigned long clone_flags;
	bool unshare_cgroup;
	bool unshare_cgroup_try;
	bool bare;
	enum sbx_net net;
	struct sbx_publish *publish; /* --publish, with --net=pasta|slirp4netns|auto */
	size_t n_publish;
	bool net_host_loopback; /* the helper maps its gateway address to the host's loopback */
	char *net_helper;	/* absolute path of pasta or slirp4netns (netuser_prepare) */
	char *hostname;		/* NULL: keep (bare without --hostname) */

	/* filesystem, applied in order */
	struct sbx_op *ops;
	size_t n_ops;
	char *chdir;	      /* --chdir; NULL: cwd if visible inside, else $HOME, else / */
	char *cwd;	      /* the caller's working directory */
	bool cwd_refused;     /* not shared by the profile (cwdrule.h): start in $HOME instead */
	char **profiles_used; /* where each profile read came from, in order (-v, --dry-run) */

	/* process */
	char **argv;
	char *argv0;
	char **env;	/* the command's complete environment */
	char **env_ops; /* "clearenv", "setenv=K=V", "unsetenv=K" as given, for --dry-run */
	bool die_with_parent;
	bool new_session;
	enum sbx_pty_mode pty;
	bool as_pid_1;
	uint64_t timeout_usec;
	struct sbx_rlimit *rlimits;
	size_t n_rlimits;

	/* fds the caller passes */
	int info_fd;
	int json_status_fd;
	int sync_fd;
	int block_fd;
	int userns_block_fd;
	int userns_fd;	/* --userns: join, instead of a new user namespace */
	int userns2_fd; /* --userns2: switched to after the setup */
	int pidns_fd;	/* --pidns: join, instead of a new PID namespace */
	char **lock_files;
	/* Bare mode: the caller's inherited fds that reach the command (plan/fds.c), each
	 * with what it was, so that a number reused by sbx is not passed by mistake. */
	struct sbx_pass_fd {
		int fd;
		dev_t dev;
		ino_t ino;
	} * pass_fds;
	size_t n_pass_fds;

	/* seccomp: the default filter unless --seccomp FD replaces it or none disables it */
	int seccomp_fd;
	bool seccomp_disabled;
	int *add_seccomp_fds;
	size_t n_add_seccomp_fds;
	char *seccomp_export; /* --seccomp-export FILE */
	/* --seccomp-profile FILE: replaces the default filter; compiled when parsing ends */
	char *seccomp_profile;
	struct seccomp_oci_prog *seccomp_profile_prog;

	uint64_t caps_keep; /* 1 << CAP_*: --cap-add minus --cap-drop */
	enum sbx_landlock landlock;
	/* --allow-connect, --allow-bind: with one, TCP connect (bind) to the ports listed
	 * only, by Landlock (ABI 4) */
	struct sbx_tcp_port *tcp_ports;
	size_t n_tcp_ports;
	enum sbx_fallback fallback;
	/* cgroup */
	struct sbx_limits limits;
	enum sbx_cgroup_mode cgroup;
	char *slice;
	bool cgroup_writable;

	/* named sandboxes */
	char *name;	 /* --name: registered while it runs */
	char *target;	 /* NAME of --enter / --stop */
	bool json;	 /* --list --json */
	int stop_signal; /* --signal */
	uint64_t stop_grace_usec;

	bool disable_userns;
	bool assert_userns_disabled;
	bool allow_userns;  /* the default filter lets the sandbox make user namespaces */
	bool allow_tiocsti; /* sbx's terminal rules (tty_filter) are not stacked */
	int verbose;
};

void config_init(struct sbx_config *c);
bool config_has_limits(const struct sbx_config *c);
void config_free(struct sbx_config *c);
struct sbx_op *config_add_op(struct sbx_config *c, enum sbx_op_type type, const char *src,
			     const char *dest);
