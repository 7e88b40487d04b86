/* SPDX-License-Identifier: MIT */
/* subreaper CMD [ARG...]: CMD as a child subreaper (PR_SET_CHILD_SUBREAPER, kept across
 * execve), so that what a sandbox leaves running after sbx exits becomes CMD's child, where
 * tests/fault/cases.sh finds it without searching every process of the machine. */
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: subreaper CMD [ARG...]\n");
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("subreaper: prctl");
		return 1;
	}
	execvp(argv[1], argv + 1);
	perror("subreaper: exec");
	return 127;
}
