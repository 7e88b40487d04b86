/* SPDX-License-Identifier: MIT */
#pragma once
#include <stdio.h>

#include "base/config.h"

/* Finds profile NAME: a path (contains '/'), else $XDG_CONFIG_HOME/sbx/profiles/NAME.profile,
 * /etc/sbx/profiles/NAME.profile, then the built-in ones. A user profile named like a
 * built-in one (default, build, shell, app) is read only when user_may_shadow (--profile
 * NAME on the command line). *ret_origin names where it came from (messages, -v, --dry-run). */
int profile_find(const char *name, bool user_may_shadow, char **ret_text, char **ret_origin);

/* Names of the built-in profiles, NULL-terminated. */
const char *const *profile_builtin_names(void);

/* The building blocks of the default profile (sbx's own options). */
void profile_ro_bind_host(struct sbx_config *c, const char *path);
void profile_bind_cwd(struct sbx_config *c);
void profile_tmpfs_home(struct sbx_config *c);

/* Writes c as a profile that gives the same sandbox when read back (--dry-run; dryrun.c). */
void profile_print(FILE *f, const struct sbx_config *c);
