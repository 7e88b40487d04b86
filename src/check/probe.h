/* SPDX-License-Identifier: MIT */
#pragma once
/* Probes for sbx --check: namespaces entered with unshare(2) cannot be left, so each probe
 * runs in a child that reports over a pipe and is reaped before the line is printed. */

struct probe {
	int err;
	char step[80]; /* the step that failed; empty when all worked */
};

/* Runs work in a probe child inside a user namespace of its own, mapped as sbx maps it;
 * the child's verdict (the failed step and its errno, or none) lands in p. work returns
 * the step that failed, with *err, or NULL. */
void probe_in_userns(struct probe *p, const char *(*work)(int *err));
