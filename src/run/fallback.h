/* SPDX-License-Identifier: MIT */
#pragma once
/* --fallback=landlock: where user namespaces are refused (DESIGN.md, issue 16), the command
 * runs without namespaces, confined by Landlock rules that mirror the mount plan onto the
 * host's paths, seccomp, no_new_privs, rlimits and the cgroup scope, after one warning that
 * says what it lacks. launch.c calls it; nothing else does. */
#include <stdbool.h>
#include <stddef.h>

#include "base/config.h"

/* Whether the user namespace, though it can be created, would be of no use: Ubuntu's
 * AppArmor restriction (kernel.apparmor_restrict_unprivileged_userns=1) lets the clone
 * succeed and takes every capability in it, so the mounts would fail. A probe in a child,
 * only where that knob is 1; why gets the reason. */
bool fallback_userns_restricted(char *why, size_t n);

/* Runs c's command the fallback way; returns sbx's exit status, as launch_run. why: what
 * refused the user namespace, for the warning. */
int fallback_run(const struct sbx_config *c, const char *why);
