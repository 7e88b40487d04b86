/* SPDX-License-Identifier: MIT */
#include "plan/fds.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "base/log.h"
#include "base/util.h"

/* Whether an option names fd: sbx reads or keeps those itself, as bubblewrap does. */
static bool named_by_option(const struct sbx_config *c, int fd)
{
	const int named[] = { c->info_fd,    c->json_status_fd,	 c->sync_fd,
			      c->block_fd,   c->userns_block_fd, c->userns_fd,
			      c->userns2_fd, c->pidns_fd,	 c->seccomp_fd };

	for (size_t i = 0; i < ELEMENTSOF(named); i++)
		if (named[i] == fd)
			return true;
	for (size_t i = 0; i < c->n_add_seccomp_fds; i++)
		if (c->add_seccomp_fds[i] == fd)
			return true;
	for (size_t i = 0; i < c->n_ops; i++)
		if ((c->ops[i].type == OP_BIND_FD || c->ops[i].type == OP_FILE ||
		     c->ops[i].type == OP_BIND_DATA) &&
		    c->ops[i].fd == fd)
			return true;
	return false;
}

int fds_collect_inherited(struct sbx_config *c)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d)
		return sbx_err(errno, "open /proc/self/fd");
	while ((e = readdir(d))) {
		char *end;
		long fd = strtol(e->d_name, &end, 10);
		struct stat st;
		int flags;
		if (*end || end == e->d_name || fd < 3 || fd == dirfd(d))
			continue;
		flags = fcntl((int)fd, F_GETFD);
		if (flags < 0 || (flags & FD_CLOEXEC) || named_by_option(c, (int)fd) ||
		    fstat((int)fd, &st) < 0)
			continue;
		c->pass_fds = xrealloc(c->pass_fds, (c->n_pass_fds + 1) * sizeof(*c->pass_fds));
		c->pass_fds[c->n_pass_fds++] =
			(struct sbx_pass_fd){ .fd = (int)fd, .dev = st.st_dev, .ino = st.st_ino };
		log_debug("the caller's fd %ld reaches the command (bare mode)", fd);
	}
	closedir(d);
	return 0;
}

void fds_pass_inherited(const struct sbx_config *c)
{
	for (size_t i = 0; i < c->n_pass_fds; i++) {
		const struct sbx_pass_fd *p = &c->pass_fds[i];
		struct stat st;
		/* Not an fd of sbx's own that took a number the caller's had. */
		if (fstat(p->fd, &st) == 0 && st.st_dev == p->dev && st.st_ino == p->ino)
			(void)fcntl(p->fd, F_SETFD, 0);
	}
}
