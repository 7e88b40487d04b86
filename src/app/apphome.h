/* SPDX-License-Identifier: MIT */
#pragma once
#include <stdbool.h>

#include "base/config.h"

/* --home-persist: $HOME inside is $XDG_DATA_HOME/sbx/homes/NAME on the host. */

/* Adds the op at $HOME; its source is only known once the whole command line is parsed
 * (apphome_resolve), since --name may follow. */
int apphome_add(struct sbx_config *c);

/* Gives each --home-persist op its host directory: NAME is --name, else the command's
 * base name. With create (a real run, not --dry-run), the directory is made on first use,
 * checked (ours, not a symlink, writable by nobody else) and kept open in op->fd. */
int apphome_resolve(struct sbx_config *c, bool create);

/* In the child, whose new mount namespace cannot bind a mount seen through the parent's
 * fd (open_tree(2) clones only mounts of the caller's namespace): opens op->src again and
 * returns that O_PATH fd if it is still the directory checked, by device and inode.
 * Closes op->fd: a directory fd of the host's mount namespace left in the sandbox's PID 1
 * would lead out of the sandbox (openat(fd, "..")). */
int apphome_reopen(const struct sbx_op *op);
