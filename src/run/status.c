/* SPDX-License-Identifier: MIT */
#include "run/status.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"

static const char *const ns_keys[][2] = {
	{ "cgroup", "cgroup-namespace" }, { "ipc", "ipc-namespace" }, { "mnt", "mnt-namespace" },
	{ "net", "net-namespace" },	  { "pid", "pid-namespace" }, { "uts", "uts-namespace" },
	{ "user", "user-namespace" },
};

/* --info-fd gets bubblewrap's indented object, --json-status-fd one object per line. */
static void start_json(pid_t pid, char *buf, size_t n, bool one_line)
{
	const char *sep = one_line ? " " : "\n    ";
	size_t len = (size_t)snprintf(buf, n, "{%s\"child-pid\": %d", sep, pid);
	char path[64];
	struct stat st;

	for (size_t i = 0; i < ELEMENTSOF(ns_keys) && len < n; i++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, ns_keys[i][0]);
		if (stat(path, &st) == 0)
			len += (size_t)snprintf(buf + len, n - len, ",%s\"%s\": %lu", sep,
						ns_keys[i][1], (unsigned long)st.st_ino);
	}
	if (len < n)
		snprintf(buf + len, n - len, one_line ? " }\n" : "\n}\n");
}

int status_write_start(const struct sbx_config *c, pid_t pid)
{
	char buf[1024];
	int r;

	if (c->info_fd < 0 && c->json_status_fd < 0)
		return 0;
	if (c->info_fd >= 0) {
		start_json(pid, buf, sizeof(buf), false);
		if ((r = write_all(c->info_fd, buf, strlen(buf))) < 0)
			return sbx_err(-r, "--info-fd %d", c->info_fd);
		close(c->info_fd);
	}
	if (c->json_status_fd >= 0)
		start_json(pid, buf, sizeof(buf), true);
	if (c->json_status_fd >= 0 && (r = write_all(c->json_status_fd, buf, strlen(buf))) < 0)
		return sbx_err(-r, "--json-status-fd %d", c->json_status_fd);
	return 0;
}

void status_write_exit(const struct sbx_config *c, int exit_code)
{
	char buf[64];

	if (c->json_status_fd < 0)
		return;
	snprintf(buf, sizeof(buf), "{ \"exit-code\": %d }\n", exit_code);
	(void)write_all(c->json_status_fd, buf, strlen(buf));
}
