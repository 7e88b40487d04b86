/* SPDX-License-Identifier: MIT */
#pragma once
/* What --fallback=landlock (run/fallback.h) gives the command of the host: the mount plan
 * mapped onto the host's own paths, and a private directory for TMPDIR. */
#include "base/config.h"
#include "setup/landlock.h"

/* The rules: each bind's source with the bind's access (the cwd writable), the host's
 * /proc and /sys read-only for --proc and --sysfs, the device files of --dev's minimal
 * /dev, tmpdir writable. A tmpfs, /tmp, /run or $HOME, gives nothing of the host's. Fails
 * where the plan narrows access beneath a bind (a read-only bind in a writable one), which
 * Landlock cannot mirror. */
int fallback_host_rules(const struct sbx_config *c, const char *tmpdir, struct landlock_rules *r);

/* Whether the plan shares the caller's cwd (a bind whose source holds it). */
bool fallback_host_has_cwd(const struct sbx_config *c);

/* A new directory of the caller's alone (0700) under $XDG_RUNTIME_DIR, else /tmp. */
int fallback_tmpdir_make(char **ret);
/* Removes path and everything beneath, following no symlink the command may have left. */
void fallback_tmpdir_remove(const char *path);
