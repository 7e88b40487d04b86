/* SPDX-License-Identifier: MIT */
/* runner N NAME=CMD... : runs every case N times, round-robin (one run of each case in
 * turn), so that a noisy, shared machine slows all cases alike; prints per case the
 * median and p90 wall time in microseconds. CMD is split on spaces and exec'd directly
 * (no shell), stdout and stderr to /dev/null. Exits non-zero if any run fails. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct bench_case {
	char *name;
	char **argv;
	double *us;
};

static char **split(char *cmd)
{
	size_t n = 0;
	char **v = calloc(strlen(cmd) / 2 + 2, sizeof(char *));

	for (char *t = strtok(cmd, " "); t; t = strtok(NULL, " "))
		v[n++] = t;
	return v;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	posix_spawn_file_actions_t fa;
	int n, ncases = argc - 2, failed = 0;
	struct bench_case *cases;

	if (argc < 3) {
		fprintf(stderr, "usage: runner N NAME=CMD...\n");
		return 2;
	}
	n = atoi(argv[1]);
	cases = calloc((size_t)ncases, sizeof(*cases));
	for (int i = 0; i < ncases; i++) {
		char *eq = strchr(argv[i + 2], '=');
		if (!eq)
			return 2;
		*eq = '\0';
		cases[i].name = argv[i + 2];
		cases[i].argv = split(eq + 1);
		cases[i].us = calloc((size_t)n, sizeof(double));
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	for (int r = 0; r < n; r++)
		for (int i = 0; i < ncases; i++) {
			pid_t pid;
			int status;
			double t0 = now_us();
			if (posix_spawnp(&pid, cases[i].argv[0], &fa, NULL, cases[i].argv, environ) != 0 ||
			    waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
				if (!failed)
					fprintf(stderr, "runner: case %s failed\n", cases[i].name);
				failed = 1;
			}
			cases[i].us[r] = now_us() - t0;
		}
	for (int i = 0; i < ncases; i++) {
		qsort(cases[i].us, (size_t)n, sizeof(double), cmp);
		printf("%s %.0f %.0f\n", cases[i].name, cases[i].us[n / 2], cases[i].us[(n * 9) / 10]);
	}
	return failed;
}
