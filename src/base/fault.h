/* SPDX-License-Identifier: MIT */
#pragma once
/* Fault injection for make check-fault (issue 13): named points at each setup step that a
 * test build (-DSBX_FAULT_INJECTION) can make fail or die, to prove that every failure ends
 * in one message, exit 125 and nothing left behind. A release build has no trace of it:
 * the points compile to 0 and no name reaches the binary.
 *
 * The test build reads one variable at start (and removes it, so the sandbox never sees
 * it); see fault.c for its forms: a point's Nth pass fails (EIO) or SIGKILLs the process
 * there, a trace of the points passed, or a seeded random choice of points. */
#ifdef SBX_FAULT_INJECTION
/* 0, or the point's failure as sbx_err's -errno (the message names the point); with the
 * kill action it does not return. */
int fault_hit(const char *name);
void fault_setup(void);
#define fault_point(name) fault_hit(name)
#define fault_init() fault_setup()
#else
#define fault_point(name) 0
#define fault_init() ((void)0)
#endif

/* In a function returning int: return the injected failure. */
#define FAULT_POINT(name)                         \
	do {                                      \
		int fault_r_ = fault_point(name); \
		if (fault_r_ < 0)                 \
			return fault_r_;          \
	} while (0)
