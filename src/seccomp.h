/* SPDX-License-Identifier: MIT */
#pragma once
#include "config.h"

/* In the child, after capabilities are gone and no_new_privs is set: loads sbx's terminal
 * rules (unless --allow-tiocsti, or in bwrap mode with a filter of the caller's), then the
 * default filter (or the caller's BPF from --seccomp FD, or the --seccomp-profile compiled
 * by cli_parse) plus every --add-seccomp-fd program. */
int seccomp_apply(const struct sbx_config *c);

/* The libseccomp version that compiled the default filter at build time. */
const char *seccomp_built_with(void);

/* Writes the default filter for c (or its --seccomp-profile, compiled) as BPF to fd, for
 * inspection or use by another tool. */
int seccomp_export(const struct sbx_config *c, int fd);
