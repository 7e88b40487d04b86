/* SPDX-License-Identifier: MIT */
#pragma once
/* The caller's own fds that bare mode passes on to the command, as bubblewrap does
 * (flatpak hands xdg-dbus-proxy its --args this way). sbx's own mode passes none. */
#include "base/config.h"

/* Records in c->pass_fds every fd from 3 up that the caller left open across its exec of
 * sbx (no close-on-exec) and that no option names (those sbx reads or keeps itself).
 * Before sbx opens anything of its own that could be mistaken for them. */
int fds_collect_inherited(struct sbx_config *c);
/* In the command's process, after every other fd was made close-on-exec: the recorded ones
 * that are still the same open file (device and inode) stay open across the exec. */
void fds_pass_inherited(const struct sbx_config *c);
