/* SPDX-License-Identifier: MIT */
/* The helper process of user-mode networking: see netuser_helper.h. */
#include "net/netuser_helper.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/fault.h"
#include "base/log.h"
#include "base/util.h"

/* The helper's fds: 0 /dev/null, 1 and 2 the log, then these. */
#define HELPER_READY_FD 3
#define HELPER_EXIT_FD 4

const char *netuser_helper_name(enum sbx_net n)
{
	return n == NET_SLIRP4NETNS ? "slirp4netns" : "pasta";
}

static void push(char ***argv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void push(char ***argv, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	strv_push(argv, s);
}

/* pasta's spec for one --publish: [ADDR/]PORT:TARGET. */
static void push_pasta_ports(char ***argv, const struct sbx_config *c, bool udp)
{
	bool any = false;

	for (size_t i = 0; i < c->n_publish; i++) {
		const struct sbx_publish *p = &c->publish[i];
		if (p->udp != udp)
			continue;
		push(argv, "%s", udp ? "-u" : "-t");
		push(argv, "%s/%u:%u", p->host_addr, p->host_port, p->sandbox_port);
		any = true;
	}
	/* pasta's default, auto, binds on the host every port something listens on inside. */
	if (!any) {
		push(argv, "%s", udp ? "-u" : "-t");
		push(argv, "none");
	}
}

static char **pasta_argv(const struct sbx_config *c, pid_t child)
{
	char **argv = NULL;

	push(&argv, "pasta");
	push(&argv, "--config-net"); /* address, routes, link up: no DHCP client inside */
	push(&argv, "--foreground"); /* our child, so we can wait for it and stop it */
	push(&argv, "--quiet");
	/* Started as root, pasta switches to nobody, who may not enter a user namespace
	 * that root owns. */
	if (geteuid() == 0) {
		push(&argv, "--runas");
		push(&argv, "0:0");
	}
	/* Written once the namespace is configured: our ready signal. Through the pipe at
	 * fd 3, so no pid file is ever created. */
	push(&argv, "--pid");
	push(&argv, "/proc/self/fd/%d", HELPER_READY_FD);
	push(&argv, "--dns-forward");
	push(&argv, PASTA_DNS);
	/* Defaults to auto: the sandbox's own 127.0.0.1 would reach every port bound on the
	 * host's loopback. */
	push(&argv, "--tcp-ns");
	push(&argv, "none");
	push(&argv, "--udp-ns");
	push(&argv, "none");
	/* The gateway address leads to the host's loopback unless this is given. */
	if (!c->net_host_loopback)
		push(&argv, "--no-map-gw");
	push_pasta_ports(&argv, c, false);
	push_pasta_ports(&argv, c, true);
	/* A pid, not /proc paths: pasta then joins the user namespace the child is in and
	 * opens its network namespace from it. The child is ours and not yet reaped, so the
	 * pid cannot name another process. */
	push(&argv, "%d", (int)child);
	return argv;
}

static char **slirp_argv(const struct sbx_config *c, pid_t child, const char *api_socket)
{
	char **argv = NULL;

	push(&argv, "slirp4netns");
	push(&argv, "--configure");
	push(&argv, "--mtu=65520"); /* as pasta: fewer, larger packets through the tap */
	if (!c->net_host_loopback)
		push(&argv, "--disable-host-loopback");
	push(&argv, "--ready-fd=%d", HELPER_READY_FD);
	push(&argv, "--exit-fd=%d", HELPER_EXIT_FD);
	if (api_socket)
		push(&argv, "--api-socket=%s", api_socket);
	/* No --enable-sandbox: it does setegid(0) after joining the user namespace, and the
	 * caller is mapped to themselves there, not to root. */
	push(&argv, "%d", (int)child);
	push(&argv, "tap0");
	return argv;
}

__attribute__((noreturn)) static void helper_exec(const char *path, char **argv, pid_t parent,
						  int log_fd, int ready_fd, int exit_fd)
{
	sigset_t none;
	int null, hi_log, hi_ready, hi_exit = -1;

	/* sbx dying must not leave the helper behind: it does not notice the namespace going
	 * away. SIGKILL, as it has no pid file or socket to clean up. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(127);
	/* Out of the terminal's process group and session: a ^C meant for the command must
	 * not take the network down. */
	setsid();
	/* The supervisor blocks the signals it forwards; the helper must get SIGTERM. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);

	/* Copies above the targets first, so no dup2 below overwrites a source. The copies
	 * and the originals are close-on-exec; the dup2 targets are not. */
	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	hi_log = fcntl(log_fd, F_DUPFD_CLOEXEC, 10);
	hi_ready = fcntl(ready_fd, F_DUPFD_CLOEXEC, 10);
	if (exit_fd >= 0)
		hi_exit = fcntl(exit_fd, F_DUPFD_CLOEXEC, 10);
	if (null < 0 || hi_log < 0 || hi_ready < 0 || (exit_fd >= 0 && hi_exit < 0))
		_exit(127);
	/* Nothing of the caller's beyond what is dup2'ed below (issue: the helper kept every
	 * fd the caller had left open). */
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		_exit(127);
	if (dup2(null, 0) < 0 || dup2(hi_log, 1) < 0 || dup2(hi_log, 2) < 0 ||
	    dup2(hi_ready, HELPER_READY_FD) < 0 ||
	    (hi_exit >= 0 && dup2(hi_exit, HELPER_EXIT_FD) < 0))
		_exit(127);
	execv(path, argv);
	dprintf(2, "exec %s: %s\n", path, strerror(errno));
	_exit(127);
}

/* slirp4netns forwards host ports only when asked through its API socket; the socket
 * lives in a private directory for as long as sbx sends the requests, then goes. */
int slirp_publish(const char *socket_path, const struct sbx_publish *p)
{
	_cleanup_close_ int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char req[256], reply[1024], spec[80];
	ssize_t n;
	size_t got = 0;
	int r;

	netuser_format_publish(p, spec, sizeof(spec));
	if (s < 0)
		return sbx_err(errno, "--publish %s: socket", spec);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", socket_path);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return sbx_err(errno, "--publish %s: connect to slirp4netns", spec);
	snprintf(req, sizeof(req),
		 "{\"execute\": \"add_hostfwd\", \"arguments\": {\"proto\": \"%s\", "
		 "\"host_addr\": \"%s\", \"host_port\": %u, \"guest_port\": %u}}",
		 p->udp ? "udp" : "tcp", p->host_addr, p->host_port, p->sandbox_port);
	if ((r = write_all(s, req, strlen(req))) < 0)
		return sbx_err(-r, "--publish %s: write to slirp4netns", spec);
	shutdown(s, SHUT_WR);
	while (got < sizeof(reply) - 1) {
		n = read(s, reply + got, sizeof(reply) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	reply[got] = '\0';
	if (!strstr(reply, "\"return\""))
		return sbx_errx("--publish %s: slirp4netns refused: %s", spec,
				got ? reply : "no answer");
	return 0;
}

static char *make_api_dir(void)
{
	const char *base = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	char *tmpl;

	if (!base || base[0] != '/' || stat(base, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    access(base, W_OK) < 0)
		base = "/tmp";
	tmpl = xasprintf("%s/sbx-slirp4netns-XXXXXX", base);
	if (!mkdtemp(tmpl)) {
		sbx_err(errno, "--net=slirp4netns: create a directory in %s", base);
		free(tmpl);
		return NULL;
	}
	return tmpl;
}

void slirp_api_done(struct slirp_api *a)
{
	if (a->socket)
		unlink(a->socket);
	if (a->dir)
		rmdir(a->dir);
	free(a->socket);
	free(a->dir);
}

int netuser_helper_argv(const struct sbx_config *c, pid_t child, struct slirp_api *api, char ***ret)
{
	if (c->net != NET_SLIRP4NETNS) {
		*ret = pasta_argv(c, child);
		return 0;
	}
	for (size_t i = 0; i < c->n_publish; i++)
		if (strchr(c->publish[i].host_addr, ':'))
			return sbx_errx("--publish [%s]:...: slirp4netns publishes on IPv4 host "
					"addresses only",
					c->publish[i].host_addr);
	if (c->n_publish) {
		if (!(api->dir = make_api_dir()))
			return -errno ? -errno : -EIO;
		api->socket = xasprintf("%s/api.sock", api->dir);
	}
	*ret = slirp_argv(c, child, api->socket);
	return 0;
}

int netuser_helper_spawn(const struct sbx_config *c, char **argv, int log_fd, struct netuser *nu,
			 int *ret_ready_rd)
{
	const char *name = netuser_helper_name(c->net);
	_cleanup_close_ int ready_rd = -1, ready_wr = -1, exit_rd = -1;
	int ready[2], exit_p[2], r;
	pid_t pid, self = getpid();

	if (pipe2(ready, O_CLOEXEC) < 0)
		return sbx_err(errno, "--net=%s: pipe", name);
	ready_rd = ready[0];
	ready_wr = ready[1];
	if (c->net == NET_SLIRP4NETNS) {
		if (pipe2(exit_p, O_CLOEXEC) < 0)
			return sbx_err(errno, "--net=%s: pipe", name);
		exit_rd = exit_p[0];
		nu->exit_fd = exit_p[1];
	}
	if ((r = fault_point("pasta start")) < 0)
		return r;
	pid = fork();
	if (pid < 0)
		return sbx_err(errno, "--net=%s: fork", name);
	if (pid == 0)
		helper_exec(c->net_helper, argv, self, log_fd, ready_wr, exit_rd);
	nu->pid = pid;
	nu->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	*ret_ready_rd = TAKE_FD(ready_rd);
	return 0;
}
