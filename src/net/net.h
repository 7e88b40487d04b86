/* SPDX-License-Identifier: MIT */
#pragma once

/* In the child, in its own network namespace: brings "lo" up. */
int net_loopback_up(void);
