/* SPDX-License-Identifier: MIT */
#include "named/enterctl.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/log.h"

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif

/* The message: this header, the lengths of the programs (instructions), cwd, the programs,
 * the Landlock rules (each an access digit and the path, or 'c' or 'b' and a TCP port to
 * connect to or bind, and a NUL). Sent whole over a stream socket, then the supervisor
 * closes its end. */
#define ENTERCTL_MAGIC 0x53425845u /* "SBXE" */
#define ENTERCTL_VERSION 2u
#define ENTERCTL_MAX (4u << 20)

struct wire_header {
	uint32_t magic, version;
	int32_t init;
	uint32_t n_progs;
	uint64_t nsflags, caps;
	uint32_t cwd_len, landlock;
	uint32_t rules_len, pad;
};
struct wire_prog {
	uint32_t len, flags;
};

#define NS_FLAGS                                                                               \
	((uint64_t)(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | \
		    CLONE_NEWNET | CLONE_NEWCGROUP))

void enter_info_free(struct enter_info *info)
{
	free(info->cwd);
	seccomp_set_free(&info->filters);
	landlock_rules_free(&info->rules);
	*info = (struct enter_info){ 0 };
}

void enterctl_info(const struct sbx_config *c, pid_t init, const struct seccomp_set *filters,
		   struct enter_info *info)
{
	*info = (struct enter_info){
		.init = init,
		.nsflags = (c->clone_flags | (c->unshare_cgroup ? CLONE_NEWCGROUP : 0)) & NS_FLAGS,
		.caps = c->caps_keep,
		/* "": the cwd was not shared (cwdrule.c); --enter starts in $HOME then */
		.cwd = xstrdup(c->chdir ? c->chdir : (c->cwd && !c->cwd_refused ? c->cwd : "")),
		.landlock = c->landlock,
	};
	landlock_rules_from_plan(c, &info->rules);
	/* The programs themselves stay the caller's: copied into the message when sent. */
	info->filters.n = filters->n;
	for (size_t i = 0; i < filters->n; i++)
		info->filters.progs[i] = (struct seccomp_prog){ .insns = filters->progs[i].insns,
								.len = filters->progs[i].len,
								.flags = filters->progs[i].flags };
}

/* A unix socket address for name in the directory dir_fd, whatever the directory's path
 * length: through the /proc/self/fd link. */
static void ctl_address(int dir_fd, struct sockaddr_un *sa)
{
	*sa = (struct sockaddr_un){ .sun_family = AF_UNIX };
	snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/ctl", dir_fd);
}

int enterctl_listen(int dir_fd, const char *path, int *ret_fd)
{
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	struct sockaddr_un sa;

	ctl_address(dir_fd, &sa);
	unlinkat(dir_fd, "ctl", 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 16) < 0)
		return sbx_err(errno, "registry: listen on %s/ctl", path);
	*ret_fd = TAKE_FD(fd);
	return 0;
}

/* The rules as records "Apath\0", A the access as a digit, then "cPORT\0", "bPORT\0". */
static char *rules_blob(const struct landlock_rules *r, size_t *ret_len)
{
	size_t len = r->n_ports * sizeof("c65535");
	char *blob, *p;

	for (size_t i = 0; i < r->n; i++)
		len += strlen(r->v[i].path) + 2;
	p = blob = xmalloc(len + 1);
	for (size_t i = 0; i < r->n; i++)
		p += sprintf(p, "%c%s", '0' + (int)r->v[i].access, r->v[i].path) + 1;
	for (size_t i = 0; i < r->n_ports; i++)
		p += sprintf(p, "%c%u", r->ports[i].bind ? 'b' : 'c', r->ports[i].port) + 1;
	*ret_len = (size_t)(p - blob);
	return blob;
}

/* "cPORT" or "bPORT", PORT 0 to 65535 in decimal. */
static bool parse_port(const char *rec, struct landlock_rules *r)
{
	char *end;
	unsigned long port;

	if ((rec[0] != 'c' && rec[0] != 'b') || rec[1] < '0' || rec[1] > '9')
		return false;
	errno = 0;
	port = strtoul(rec + 1, &end, 10);
	if (errno || *end || port > 65535)
		return false;
	landlock_rules_add_port(r, (uint16_t)port, rec[0] == 'b');
	return true;
}

static bool parse_rules(const char *p, size_t len, struct landlock_rules *r)
{
	const char *end = p + len;

	while (p < end) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		if (!nul || nul - p < 2)
			return false;
		if (p[0] >= '0' && p[0] <= '0' + LANDLOCK_DEV && p[1] == '/')
			landlock_rules_add(r, p + 1, (enum landlock_access)(p[0] - '0'));
		else if (!parse_port(p, r))
			return false;
		p = nul + 1;
	}
	return true;
}

static char *build_message(const struct enter_info *info, size_t *ret_len)
{
	size_t rules_len;
	_cleanup_free_ char *rules = rules_blob(&info->rules, &rules_len);
	struct wire_header h = { .magic = ENTERCTL_MAGIC,
				 .version = ENTERCTL_VERSION,
				 .init = info->init,
				 .n_progs = (uint32_t)info->filters.n,
				 .nsflags = info->nsflags,
				 .caps = info->caps,
				 .cwd_len = (uint32_t)strlen(info->cwd),
				 .landlock = info->landlock,
				 .rules_len = (uint32_t)rules_len };
	size_t len = sizeof(h) + info->filters.n * sizeof(struct wire_prog) + h.cwd_len + rules_len;
	char *buf, *p;

	for (size_t i = 0; i < info->filters.n; i++)
		len += info->filters.progs[i].len * sizeof(struct sock_filter);
	p = buf = xmalloc(len);
	p = mempcpy(p, &h, sizeof(h));
	for (size_t i = 0; i < info->filters.n; i++) {
		struct wire_prog w = { info->filters.progs[i].len, info->filters.progs[i].flags };
		p = mempcpy(p, &w, sizeof(w));
	}
	p = mempcpy(p, info->cwd, h.cwd_len);
	for (size_t i = 0; i < info->filters.n; i++)
		p = mempcpy(p, info->filters.progs[i].insns,
			    info->filters.progs[i].len * sizeof(struct sock_filter));
	memcpy(p, rules, rules_len);
	*ret_len = len;
	return buf;
}

static int send_with_fd(int sock, const char *buf, size_t len, int fd)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} cm = { 0 };
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cm.buf,
			    .msg_controllen = sizeof(cm.buf) };
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);
	ssize_t n;

	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(h), &fd, sizeof(int));
	do
		n = sendmsg(sock, &m, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return write_all(sock, buf + n, len - (size_t)n);
}

void enterctl_serve(int listen_fd, const struct enter_info *info, int init_pidfd)
{
	_cleanup_close_ int sock = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	_cleanup_free_ char *msg = NULL;
	/* A client that does not read must not hold up the sandbox's supervisor. */
	struct timeval tv = { .tv_sec = 1 };
	size_t len;

	if (sock < 0)
		return;
	(void)setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	msg = build_message(info, &len);
	if (send_with_fd(sock, msg, len, init_pidfd) < 0)
		log_debug("registry: answering a client: %m");
}

/* ---- client ------------------------------------------------------------------------ */

static int ns_inode(const char *path, ino_t *ret)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	*ret = st.st_ino;
	return 0;
}

/* The listener must be a process of the user in the user's own user namespace: a process
 * inside any sandbox is in a user namespace below it and cannot pass for the supervisor,
 * whatever it planted in the registry. Returns a pidfd of it. */
static int check_server(int sock, const char *name)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	_cleanup_free_ char *ns = NULL;
	_cleanup_close_ int pidfd = -1;
	ino_t theirs = 0, ours = 1;
	int fd = -1;

	if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return sbx_err(errno, "%s: who is listening", name);
	/* Kernels from 6.5 hand a pidfd of the peer as it was at connect(): no pid reuse. */
	len = sizeof(fd);
	if (getsockopt(sock, SOL_SOCKET, SO_PEERPIDFD, &fd, &len) == 0 && fd >= 0)
		pidfd = fd;
	else
		pidfd = (int)syscall(SYS_pidfd_open, cred.pid, 0);
	ns = xasprintf("/proc/%d/ns/user", cred.pid);
	if (pidfd < 0 || cred.uid != getuid() || ns_inode(ns, &theirs) < 0 ||
	    ns_inode("/proc/self/ns/user", &ours) < 0 || theirs != ours ||
	    pidfd_send_signal(pidfd, 0, NULL, 0) < 0)
		return sbx_errx("registry entry of '%s' does not match a running sandbox "
				"(its control socket is not served by sbx); not using it",
				name);
	return TAKE_FD(pidfd);
}

static int recv_with_fd(int sock, char *buf, size_t size, size_t *ret_len, int *ret_fd)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} cm = { 0 };
	struct iovec iov = { .iov_base = buf, .iov_len = size };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cm.buf,
			    .msg_controllen = sizeof(cm.buf) };
	struct cmsghdr *h;
	ssize_t n, more;

	do
		n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	h = CMSG_FIRSTHDR(&m);
	if (h && h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS &&
	    h->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(ret_fd, CMSG_DATA(h), sizeof(int));
	more = read_all(sock, buf + n, size - (size_t)n);
	if (more < 0)
		return (int)more;
	*ret_len = (size_t)n + (size_t)more;
	return 0;
}

int enterctl_parse_message(const char *buf, size_t len, struct enter_info *info)
{
	struct wire_header h;
	const struct wire_prog *w;
	const char *p = buf + sizeof(h), *end = buf + len;

	if (len < sizeof(h))
		return -EBADMSG;
	memcpy(&h, buf, sizeof(h));
	if (h.magic != ENTERCTL_MAGIC || h.version != ENTERCTL_VERSION ||
	    h.n_progs > SECCOMP_SET_MAX || (size_t)(end - p) < h.n_progs * sizeof(*w) + h.cwd_len ||
	    h.init <= 0 || h.landlock > SBX_LANDLOCK_REQUIRE || h.rules_len > len)
		return -EBADMSG;
	w = (const struct wire_prog *)p;
	p += h.n_progs * sizeof(*w);
	*info = (struct enter_info){ .init = h.init,
				     .nsflags = h.nsflags & NS_FLAGS,
				     .caps = h.caps,
				     .landlock = (enum sbx_landlock)h.landlock };
	info->cwd = strndup(p, h.cwd_len);
	p += h.cwd_len;
	for (uint32_t i = 0; i < h.n_progs; i++) {
		size_t bytes = (size_t)w[i].len * sizeof(struct sock_filter);
		if ((size_t)(end - p) < bytes ||
		    seccomp_set_add_copy(&info->filters, p, w[i].len, w[i].flags,
					 "the sandbox's filter") < 0) {
			enter_info_free(info);
			return -EBADMSG;
		}
		p += bytes;
	}
	if ((size_t)(end - p) != h.rules_len || !parse_rules(p, h.rules_len, &info->rules)) {
		enter_info_free(info);
		return -EBADMSG;
	}
	return 0;
}

/* The pidfd must be of the process the supervisor names as init. */
static int pidfd_pid(int pidfd)
{
	_cleanup_free_ char *path = xasprintf("/proc/self/fdinfo/%d", pidfd), *text = NULL;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	const char *p;

	if (fd < 0 || read_fd_all(fd, &text, NULL) < 0 || !(p = strstr(text, "\nPid:")))
		return -1;
	return atoi(p + 5);
}

int enterctl_fetch(int dir_fd, const char *name, struct enter_info *info, int *ret_init_pidfd,
		   int *ret_supervisor_pidfd)
{
	_cleanup_close_ int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	_cleanup_close_ int sup = -1, init = -1;
	_cleanup_free_ char *buf = xmalloc(ENTERCTL_MAX);
	struct sockaddr_un sa;
	size_t len = 0;
	int r;

	ctl_address(dir_fd, &sa);
	if (sock < 0)
		return sbx_err(errno, "socket");
	if (connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return errno == ENOENT || errno == ECONNREFUSED
			       ? sbx_errx("registry entry of '%s': its supervisor does not answer "
					  "(the sandbox is starting, ending, or its entry was "
					  "tampered with); not using it",
					  name)
			       : sbx_err(errno, "%s: connect to its supervisor", name);
	if ((sup = check_server(sock, name)) < 0)
		return sup;
	if ((r = recv_with_fd(sock, buf, ENTERCTL_MAX, &len, &init)) < 0)
		return sbx_err(-r, "%s: read from its supervisor", name);
	if (init < 0 || enterctl_parse_message(buf, len, info) < 0)
		return sbx_errx("%s: the supervisor's answer is not understood "
				"(a different version of sbx?)",
				name);
	if (pidfd_pid(init) != info->init) {
		enter_info_free(info);
		return sbx_errx("%s: the sandbox went away", name);
	}
	*ret_init_pidfd = TAKE_FD(init);
	*ret_supervisor_pidfd = TAKE_FD(sup);
	return 0;
}
