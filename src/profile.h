/* SPDX-License-Identifier: MIT */
#pragma once
#include "config.h"

/* Lays the built-in default profile (DESIGN.md, section 1) under the command line's ops. */
int profile_default(struct sbx_config *c);
