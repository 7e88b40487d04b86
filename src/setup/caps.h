/* SPDX-License-Identifier: MIT */
#pragma once
#include <stdint.h>

/* Leaves exactly the capabilities in keep (a mask of 1 << CAP_*) in every set (effective,
 * permitted, inheritable, ambient, bounding) and sets no_new_privs. */
int caps_apply(uint64_t keep);

/* The capabilities sbx's init keeps beside the command's: one more than the command has
 * (and CAP_SETPCAP, to drop it again in the command). A process may read another's /proc
 * files and ptrace it only if its capabilities are a superset of the target's
 * (cap_ptrace_access_check), so the sandbox cannot reach its init, while the caller,
 * owner of the user namespace, still can (sbx --enter). Returns 0 when the command keeps
 * every capability and no guard is left. */
uint64_t caps_init_mask(uint64_t keep);

/* From init's set (caps_init_mask(keep)) down to keep, with raw syscalls only: it runs in
 * the command's vfork-style child, which must not touch libcap-ng's state (shared memory,
 * and a cached pid that is init's). */
int caps_lower(uint64_t from, uint64_t keep);

/* "net_admin" for CAP_NET_ADMIN. */
const char *caps_name(int cap);

/* "CAP_NET_ADMIN", "net_admin" or "ALL" → mask; -EINVAL with a message otherwise. */
int caps_parse(const char *opt, const char *name, uint64_t *ret);
