/* SPDX-License-Identifier: MIT */
#pragma once
/* What cgroup.c, which chooses a backend, needs of each (DESIGN.md "cgroup v2 backends"):
 * one file per backend, as crun has them. Internal to src/limits/. */
#include <stdbool.h>
#include <sys/types.h>

#include "base/config.h"
#include "limits/cgroup.h"

struct cgroup_backend {
	enum sbx_cgroup_mode mode; /* what --cgroup calls it, and cgroup_run.backend */
	/* Whether it may exist here, judged without trying it. */
	bool (*present)(void);
	/* Puts pid into a new cgroup with c's limits and records in run what to undo; on
	 * failure run holds what was made so far, for release. */
	int (*place)(const struct sbx_config *c, pid_t pid, struct cgroup_run *run);
	/* Once the child goes on: lets go of what only the placement needed; may be NULL. */
	void (*placed)(struct cgroup_run *run);
	/* After the sandbox ended, or a placement failed: removes what place made; may be
	 * NULL. run's strings are freed by the caller. */
	void (*release)(struct cgroup_run *run);
};

extern const struct cgroup_backend cgroup_systemd_backend; /* cgroup_systemd.c */
extern const struct cgroup_backend cgroup_direct_backend;  /* cgroup_direct.c */

/* 0 when CGROUP_ROOT is a cgroup v2 hierarchy; else -EINVAL with a message saying that
 * limits cannot be applied. */
int cgroup_v2_mounted(void);
