/* SPDX-License-Identifier: MIT */
/* Paths inside the new root, resolved so that nothing in it leads a mount out of it:
 * openat2 with RESOLVE_IN_ROOT on the way, no symlink followed as the last component,
 * mount points opened O_PATH and created where missing (setup/resolve.h). */
#include "setup/resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"

int resolve_openat2(int dirfd, const char *path, int flags, unsigned long long resolve)
{
	struct open_how how = { .flags = (unsigned long long)flags | O_CLOEXEC,
				.resolve = resolve };
	int fd;

	do
		fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN);
	return fd;
}

const char *resolve_rel(const char *dest)
{
	while (*dest == '/')
		dest++;
	return *dest ? dest : ".";
}

/* Opens the directory that will hold dest's last component, creating missing directories.
 * Symlinks on the way are resolved as if the new root were "/" (RESOLVE_IN_ROOT), so no
 * path inside the sandbox can lead a mount out of it. */
int resolve_parent(int root_fd, const char *dest, mode_t parent_mode, char **ret_last)
{
	_cleanup_free_ char *path = xstrdup(resolve_rel(dest));
	char *slash, *p;
	int fd;

	/* Drop trailing slashes, then split off the last component. */
	for (size_t n = strlen(path); n > 1 && path[n - 1] == '/'; n--)
		path[n - 1] = '\0';
	slash = strrchr(path, '/');
	if (!slash) {
		*ret_last = xstrdup(path);
		fd = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
		return fd < 0 ? sbx_err(errno, "dup") : fd;
	}
	*slash = '\0';
	*ret_last = xstrdup(slash + 1);

	fd = resolve_openat2(root_fd, path, O_PATH | O_DIRECTORY,
			     RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	if (fd >= 0)
		return fd;
	if (errno != ENOENT)
		return sbx_err(errno, "%s: open /%s", dest, path);

	/* Create the missing part one component at a time. */
	for (p = path;; p++) {
		bool end = (*p == '\0');
		if (*p != '/' && !end)
			continue;
		*p = '\0';
		fd = resolve_openat2(root_fd, path, O_PATH | O_DIRECTORY,
				     RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
		if (fd < 0 && errno == ENOENT) {
			_cleanup_close_ int parent = -1;
			char *last = strrchr(path, '/');
			if (last) {
				*last = '\0';
				parent = resolve_openat2(root_fd, path, O_PATH | O_DIRECTORY,
							 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
				*last = '/';
				if (parent < 0)
					return sbx_err(errno, "%s: open /%s", dest, path);
			}
			if (mkdirat(parent >= 0 ? parent : root_fd, last ? last + 1 : path,
				    parent_mode) < 0 &&
			    errno != EEXIST)
				return sbx_err(errno, "%s: create directory /%s", dest, path);
			fd = resolve_openat2(root_fd, path, O_PATH | O_DIRECTORY,
					     RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
		}
		if (fd < 0)
			return sbx_err(errno, "%s: open /%s", dest, path);
		if (end)
			return fd;
		close(fd);
		*p = '/';
	}
}

static int refuse_symlink(const char *dest)
{
	return sbx_err(ELOOP, "%s: destination is a symbolic link, refusing to follow it", dest);
}

/* open_target for what already exists, or could not simply be created. */
static int open_existing_target(int dir, const char *last, const char *dest, enum target_kind kind,
				mode_t mode)
{
	struct stat st;
	int fd;

	if (fstatat(dir, last, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return sbx_err(errno, "%s: stat", dest);
		if (kind == TARGET_DIR) {
			if (mkdirat(dir, last, mode) < 0 && errno != EEXIST)
				return sbx_err(errno, "%s: create directory", dest);
		} else {
			int f = openat(dir, last,
				       O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, mode);
			if (f < 0 && errno != EEXIST)
				return sbx_err(errno, "%s: create file", dest);
			if (f >= 0)
				close(f);
		}
	} else if (S_ISLNK(st.st_mode)) {
		return refuse_symlink(dest);
	}
	fd = openat(dir, last, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return sbx_err(errno, "%s: open", dest);
	if (fstat(fd, &st) < 0)
		return sbx_err(errno, "%s: stat", dest);
	if (S_ISLNK(st.st_mode)) {
		close(fd);
		return refuse_symlink(dest);
	}
	return fd;
}

/* Opens (creating if needed) the mount point dest, an fd to attach a mount to. A symlink
 * as the last component is refused: following it is how a writable tree redirects a
 * mount. Most mount points are new, and take two calls here: O_NOFOLLOW|O_DIRECTORY
 * fails on a symlink, and a file made with O_EXCL is ours. The rest (an existing target,
 * a read-only parent) goes the long way, which also says why it failed. */
int resolve_target(int root_fd, const char *dest, enum target_kind kind, mode_t mode,
		   mode_t parent_mode)
{
	_cleanup_free_ char *last = NULL;
	_cleanup_close_ int dir = resolve_parent(root_fd, dest, parent_mode, &last);
	int fd;

	if (dir < 0)
		return dir;
	if (streq(last, ".") || streq(last, ".."))
		return fcntl(dir, F_DUPFD_CLOEXEC, 3);
	if (kind == TARGET_DIR) {
		if (mkdirat(dir, last, mode) == 0 || errno == EEXIST) {
			fd = openat(dir, last, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
			if (fd >= 0)
				return fd;
		}
	} else {
		fd = openat(dir, last, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0)
			return fd;
	}
	return open_existing_target(dir, last, dest, kind, mode);
}
