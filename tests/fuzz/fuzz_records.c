/* SPDX-License-Identifier: MIT */
/* What sbx reads back from other processes and from /proc: the records PID 1 sends the
 * supervisor (init.c's format, supervise.c's reader) and sbx --enter (enter.c), the cgroup
 * v2 line of /proc/PID/cgroup and memory.events (cgroup.c), a registry entry's info file
 * and /proc/PID/stat (registry.c), and the supervisor's answer to --enter (enterctl.c).
 * Input: byte 0 picks the reader; the rest is what it reads. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "limits/cgroup.h"
#include "common.h"
#include "named/enter.h"
#include "named/enterctl.h"
#include "run/init.h"
#include "named/registry.h"
#include "base/util.h"

/* A buffer of records as supervise.c's read_messages walks it. */
static void records(const char *data, size_t size)
{
	_cleanup_free_ char *buf = fuzz_strndup(data, size);

	for (char *rec = buf; rec < buf + size; rec += strlen(rec) + 1) {
		struct init_record r;
		init_parse_record(rec, &r);
		if (!r.text)
			abort();
		(void)strlen(r.text);
	}
}

static int memfd_with(const char *data, size_t size)
{
	fuzz_memfd_at(FUZZ_ARGS_FD, data, size);
	return FUZZ_ARGS_FD;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data + 1;
	size_t n = size - 1;

	if (size < 1)
		return -1;
	fuzz_setup();
	switch (data[0] % 7) {
	case 0:
		records(d, n);
		break;
	case 1: {
		char msg[1024];
		int fd = memfd_with(d, n);
		(void)enter_read_failure(fd, msg, sizeof(msg));
		close(fd);
		break;
	}
	case 2: {
		_cleanup_free_ char *path = NULL;
		int fd = memfd_with(d, n);
		(void)cgroup_read_path(fd, &path);
		close(fd);
		break;
	}
	case 3: {
		int fd = memfd_with(d, n);
		(void)cgroup_oom_kills(fd);
		close(fd);
		break;
	}
	case 4: {
		_cleanup_free_ char *text = fuzz_strndup(d, n);
		struct registry_info info = { 0 };
		registry_parse_info(text, &info);
		registry_info_free(&info);
		break;
	}
	case 5: {
		/* read_fd_all's buffer: exactly the bytes read and a NUL. */
		_cleanup_free_ char *text = fuzz_strndup(d, n);
		unsigned long long start;
		pid_t ppid;
		(void)registry_parse_stat(text, &start, &ppid);
		break;
	}
	default: {
		/* recv_with_fd's buffer is malloc'ed: aligned as a fresh copy is. */
		_cleanup_free_ char *buf = fuzz_strndup(d, n);
		struct enter_info info;
		if (enterctl_parse_message(buf, n, &info) == 0)
			enter_info_free(&info);
		break;
	}
	}
	return 0;
}
