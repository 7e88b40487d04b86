/* SPDX-License-Identifier: MIT */
#pragma once
#include <sys/types.h>

#include "base/config.h"

/* bubblewrap's --info-fd and --json-status-fd: the same JSON keys. */
int status_write_start(const struct sbx_config *c, pid_t pid);
void status_write_exit(const struct sbx_config *c, int exit_code);
