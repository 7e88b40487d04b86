/* SPDX-License-Identifier: MIT */
#pragma once

/* Empties every capability set (effective, permitted, inheritable, ambient, bounding)
 * and sets no_new_privs. */
int caps_drop_all(void);
