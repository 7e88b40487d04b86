/* SPDX-License-Identifier: MIT */
#pragma once
#include <stdint.h>

/* Leaves exactly the capabilities in keep (a mask of 1 << CAP_*) in every set (effective,
 * permitted, inheritable, ambient, bounding) and sets no_new_privs. */
int caps_apply(uint64_t keep);

/* "net_admin" for CAP_NET_ADMIN. */
const char *caps_name(int cap);

/* "CAP_NET_ADMIN", "net_admin" or "ALL" → mask; -EINVAL with a message otherwise. */
int caps_parse(const char *opt, const char *name, uint64_t *ret);
