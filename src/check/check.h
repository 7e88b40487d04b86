/* SPDX-License-Identifier: MIT */
#pragma once
#include <stdio.h>

/* sbx --check: one line on out per host feature sbx relies on, in the form
 *   ok      ITEM: DETAIL
 *   warn    ITEM: DETAIL; fix: HOW       (an option that needs it will fail)
 *   missing ITEM: DETAIL; fix: HOW       (a plain `sbx sh` cannot work)
 * Probes run in short-lived children that are reaped before it returns; nothing needs
 * root and nothing is left behind. Returns the exit status: 0 when no item is missing. */
int check_run(FILE *out);
