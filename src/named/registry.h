/* SPDX-License-Identifier: MIT */
#pragma once
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "base/config.h"

/* The registry of named sandboxes: $XDG_RUNTIME_DIR/sbx/NAME/ (or, without a private
 * XDG_RUNTIME_DIR, ~/.local/state/sbx/run/NAME/, never a shared /tmp). It is an index, not
 * an authority: every directory and file is checked (a real directory of the user's, mode
 * 0700; regular files with one link; nothing followed through a symlink), the entry is
 * alive only while its supervisor holds the flock on NAME/lock, and what --enter and --stop
 * act on comes from the supervisor itself over NAME/ctl (enterctl.c), never from these
 * files. NAME/info is for display (--list) only. */

int registry_valid_name(const char *name);

/* An entry held by its sandbox's supervisor. */
struct registry {
	int root_fd;
	int dir_fd;
	int lock_fd; /* flock'ed for the sandbox's life */
	char *name;
	char *path; /* for messages */
};
#define REGISTRY_INIT                                      \
	{                                                  \
		.root_fd = -1, .dir_fd = -1, .lock_fd = -1 \
	}

/* Before the sandbox starts: takes NAME (refused while a live sandbox has it; a stale entry
 * of ours is removed). */
int registry_claim(const char *name, struct registry *reg);
/* After clone: what --list shows. */
int registry_publish(struct registry *reg, const struct sbx_config *c, pid_t supervisor,
		     pid_t init);
/* After the sandbox ended (or failed to start); safe on REGISTRY_INIT. */
void registry_remove(struct registry *reg);

/* For --enter and --stop: the checked directory fd of the live entry NAME. */
int registry_open(const char *name, int *ret_dir_fd);
/* Whether the sandbox of the entry dir_fd (from registry_open) has ended, or does within
 * timeout_ms: its supervisor holds the entry's lock for the sandbox's whole life. */
bool registry_ended(int dir_fd, int timeout_ms);

int registry_list(FILE *f, bool json);

/* What NAME/info says (registry_publish writes it; --list shows it once checked). */
struct registry_info {
	pid_t supervisor, init;
	unsigned long long starttime;
	long long started;
	char *command, *limits;
};
/* Parses the text of NAME/info ("key=value" lines; text is cut into lines). */
void registry_parse_info(char *text, struct registry_info *ret);
void registry_info_free(struct registry_info *info);
/* From the text of a /proc/PID/stat: the start time (field 22) and the parent's pid. */
int registry_parse_stat(const char *buf, unsigned long long *ret_starttime, pid_t *ret_ppid);
