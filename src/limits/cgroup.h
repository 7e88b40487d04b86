/* SPDX-License-Identifier: MIT */
#pragma once
#include <stdbool.h>
#include <sys/types.h>

#include "base/config.h"

/* Where the cgroup v2 hierarchy is mounted, on the host as in a sandbox. */
#define CGROUP_ROOT "/sys/fs/cgroup"

/* The controllers sbx's limits need (--memory, --cpus and --cpu-weight, --pids,
 * --io-weight), in the order messages list them; sets of them are bits of this array. */
#define CGROUP_NCONTROLLERS 4
extern const char *const cgroup_controllers[CGROUP_NCONTROLLERS];
#define CGROUP_ALL_CONTROLLERS ((1u << CGROUP_NCONTROLLERS) - 1)
/* The controllers the limits l need. */
unsigned cgroup_controllers_needed(const struct sbx_limits *l);
/* The controllers named in a space-separated list (cgroup.controllers and
 * cgroup.subtree_control read as they are). */
unsigned cgroup_controllers_in(const char *list);

/* Whether a cgroup v2 hierarchy is mounted at path. */
bool cgroup_is_v2(const char *path);
/* The directory under CGROUP_ROOT of the cgroup path cg (as /proc/PID/cgroup gives it). */
char *cgroup_dir(const char *cg);

struct cgroup_bus;

struct cgroup_run {
	enum sbx_cgroup_mode backend; /* the one that placed the sandbox */
	struct cgroup_bus *bus;	      /* systemd: the connection, until cgroup_placed */
	char *unit;		      /* systemd: the scope's name */
	char *dir;		      /* direct: the cgroup directory we created */
	char *parent;		      /* direct: where it was created */
	char *leaf;		      /* direct: where sbx itself moved to, if it had to */
	char *enabled;		      /* direct: "-memory -pids": what to hand back */
};

/* Whether c asks for a cgroup of its own (limits, a slice, or a backend named). */
bool cgroup_wanted(const struct sbx_config *c);

/* Whether the parent has a cgroup to try before the child goes on: cgroup_wanted, unless
 * --cgroup try can tell already that no backend exists. */
bool cgroup_needs_placing(const struct sbx_config *c);

/* In the parent, after clone and before the child goes on: puts pid into a new cgroup
 * with c's limits, through the backend c->cgroup selects (DESIGN.md "cgroup v2
 * backends"). */
int cgroup_place(const struct sbx_config *c, pid_t pid, struct cgroup_run *run);

/* Once the child goes on: closes the D-Bus connection of the placement (and unloads
 * libsystemd), which the child need not wait for. */
void cgroup_placed(struct cgroup_run *run);

/* After the sandbox ended: removes what the direct backend created. */
void cgroup_release(struct cgroup_run *run);

/* In the child, before pivot_root: an fd on its cgroup's memory.events, to tell an OOM
 * kill from another SIGKILL at the end; -1 when there is none. */
int cgroup_open_memory_events(void);
/* The same through fds opened before pivot_root: root_fd on the host's cgroup2 root,
 * self_fd on /proc/self/cgroup (read now, after the placement). */
int cgroup_open_memory_events_at(int root_fd, int self_fd);
/* Count of OOM kills recorded in memory.events (read from the start). */
long cgroup_oom_kills(int fd);

/* The cgroup v2 path ("0::/path") in a /proc/PID/cgroup open on fd, read now; -EINVAL
 * with a message when the process is in no cgroup v2 hierarchy. */
int cgroup_read_path(int fd, char **ret);
/* The same for the file /proc/PID/cgroup or /proc/self/cgroup at proc_file. */
int cgroup_proc_path(const char *proc_file, char **ret);

/* Moves this process into cg (a path as /proc/PID/cgroup gives it, within a scope of the
 * systemd user manager) through the user manager, for when the caller may not write the
 * cgroup.procs there itself; returns once the kernel shows it there. */
int cgroup_attach_self(const char *cg);
