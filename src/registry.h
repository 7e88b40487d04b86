/* SPDX-License-Identifier: MIT */
#pragma once
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "config.h"

/* A running named sandbox, as read back from $XDG_RUNTIME_DIR/sbx/NAME/ and verified
 * against the kernel (never trusted on the files' word alone). */
struct registry_entry {
	char *name;
	char *dir;
	pid_t supervisor; /* sbx in the caller's namespaces; holds the entry's lock */
	pid_t init;	  /* PID 1 of the sandbox, as the host sees it */
	unsigned long long starttime;
	long long started; /* epoch seconds */
	char *command;
	char *limits;
	char *cwd;
	unsigned long long caps;
	bool seccomp_disabled;
	char *seccomp_profile; /* --seccomp-profile FILE, absolute */
	bool disable_userns;
	bool allow_userns;
	bool allow_tiocsti;
};

int registry_valid_name(const char *name);

/* Before the sandbox starts: takes NAME (refused while a live sandbox has it; a stale
 * entry is removed). Returns the locked fd that marks the entry alive. */
int registry_claim(const char *name, char **ret_dir);
/* After clone: records how to find and verify the sandbox. */
int registry_publish(const char *dir, const struct sbx_config *c, pid_t supervisor, pid_t init);
/* After the sandbox ended. */
void registry_remove(const char *dir, int lock_fd);

int registry_lookup(const char *name, struct registry_entry *e);
void registry_entry_free(struct registry_entry *e);
int registry_list(FILE *f, bool json);
