/* SPDX-License-Identifier: MIT */
#pragma once
#include <stdint.h>
#include <sys/types.h>

#include "base/config.h"
#include "seccomp/seccomp.h"
#include "setup/landlock.h"

/* How a named sandbox's supervisor tells sbx --enter and sbx --stop what to join and how to
 * confine: over NAME/ctl in the registry, a unix socket the supervisor listens on. Nothing
 * security-relevant is read from a file: the client checks through the kernel that the
 * listener is a process of the user's own user namespace (never one inside a sandbox), and
 * receives a pidfd of the sandbox's PID 1 with the very filter programs, capabilities,
 * namespaces and Landlock rules the sandbox's command got. */
struct enter_info {
	pid_t init;		    /* the sandbox's PID 1, as the host sees it */
	uint64_t nsflags;	    /* CLONE_NEW* the sandbox has of its own */
	uint64_t caps;		    /* the command's capabilities */
	char *cwd;		    /* where the command started */
	struct seccomp_set filters; /* in load order */
	/* The sandbox's Landlock rules, opened again inside by the joiner (enter.c). */
	enum sbx_landlock landlock;
	struct landlock_rules rules;
};
void enter_info_free(struct enter_info *info);

/* The supervisor's side: what to hand out, from the sandbox's configuration. filters is
 * borrowed: it must outlive the info. */
void enterctl_info(const struct sbx_config *c, pid_t init, const struct seccomp_set *filters,
		   struct enter_info *info);
/* Listens on ctl in the entry directory dir_fd. */
int enterctl_listen(int dir_fd, const char *path, int *ret_fd);
/* Answers one client waiting on listen_fd: the info and init_pidfd. Never blocks long. */
void enterctl_serve(int listen_fd, const struct enter_info *info, int init_pidfd);

/* The client's side: asks the supervisor of the entry dir_fd. Returns the info, a pidfd of
 * the sandbox's PID 1 and one of the supervisor (what sbx --stop signals). */
int enterctl_fetch(int dir_fd, const char *name, struct enter_info *info, int *ret_init_pidfd,
		   int *ret_supervisor_pidfd);
/* The supervisor's answer as received: 0 and info (enter_info_free it), or -EBADMSG. */
int enterctl_parse_message(const char *buf, size_t len, struct enter_info *info);
