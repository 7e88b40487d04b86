/* SPDX-License-Identifier: MIT */
#pragma once
/* The supervisor: sbx's side while the sandbox runs (supervise.c). launch.c fills it. */
#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/config.h"

struct enter_info;
struct netuser;
struct sbx_pty;

struct supervisor {
	const struct sbx_config *c;
	pid_t child;
	int err_fd;
	int sig_fd;
	int timer_fd;
	int timeouts; /* 0: none yet, 1: SIGTERM sent, 2: SIGKILL sent */
	char msg[1200];
	int msg_code;
	bool exited;
	int status;
	bool ended; /* init said the command's code ("=CODE") */
	int ended_code;
	bool leave_early;    /* nothing of ours outlives init: no need to wait for its exit */
	int shrink_fd;	     /* sbx's small program, to exec once the sandbox runs for a while */
	struct netuser *net; /* --net=pasta|slirp4netns helper */
	/* A named sandbox: sbx --enter and --stop ask on ctl_fd (enterctl.c) */
	int ctl_fd;
	int init_pidfd;
	const struct enter_info *enter;
	struct sbx_pty *pty; /* relayed while the sandbox runs */
};

/* A supervisor of c with nothing open yet: no fds, no named sandbox, no timeout fired. */
void supervisor_init(struct supervisor *s, const struct sbx_config *c, struct netuser *net,
		     struct sbx_pty *pty);
/* The signalfd of the signals in fwd (blocked already) and --timeout's timer, armed. */
int supervise_open(struct supervisor *s, const sigset_t *fwd);
/* Until the sandbox's init has exited (or said the command's code, when nothing of ours
 * outlives it): signals, --timeout, the pty, --enter, PID 1's records. */
int supervise(struct supervisor *s);
/* Once the child is gone: what it wrote on the error pipe before, without waiting for
 * more; the first failure lands in s->msg. */
void supervise_read_failure(struct supervisor *s);
/* Arms the timerfd fd to fire once, usec from now. */
int supervise_arm_timer(int fd, uint64_t usec);
/* sbx's exit status once supervise returned (DESIGN.md "Exit status"). */
int supervise_exit_code(const struct supervisor *s);
/* The same, once the failure or the timeout is said, as "the WHAT was stopped". */
int supervise_report(const struct supervisor *s, const char *what);
/* Whether the command was exec'd: no record says the setup or the exec failed first. */
bool supervise_command_ran(const struct supervisor *s);
