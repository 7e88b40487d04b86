/* SPDX-License-Identifier: MIT */
#pragma once
#include <stddef.h>

/* --socket wayland|x11|pulseaudio|pipewire: what of the caller's desktop session an app
 * is given. Planned from the caller's environment; handlers_fs.c turns the plan into ops
 * and setenv, so that --dry-run shows exactly what is passed. */

#define APPSOCK_KINDS "wayland, x11, pulseaudio or pipewire"

struct appsock_plan {
	/* $XDG_RUNTIME_DIR, to be made 0700 inside before the binds; NULL where not needed */
	char *runtime_dir;
	char *binds[2]; /* host paths, bound read-only at the same paths inside */
	size_t n_binds;
	char *env[3][2]; /* variable, value: set inside */
	size_t n_env;
};

/* Fails (with the path and the variables it came from) when the socket is not there. */
int appsock_plan(const char *kind, struct appsock_plan *ret);
void appsock_plan_done(struct appsock_plan *p);
