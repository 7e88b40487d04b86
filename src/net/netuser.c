/* SPDX-License-Identifier: MIT */
#include "net/netuser.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "base/log.h"
#include "base/util.h"
#include "base/fault.h"
#include "net/netuser_helper.h"

/* slirp4netns's built-in forwarder in its default 10.0.2.0/24. */
#define SLIRP_DNS "10.0.2.3"
#define READY_TIMEOUT_MS 10000
#define STOP_GRACE_MS 1000

const char *netuser_helper_package(enum sbx_net n)
{
	return n == NET_SLIRP4NETNS ? "slirp4netns" : "passt";
}

/* ---- --publish ------------------------------------------------------------------------- */

static int parse_port(const char *opt, const char *whole, const char *s, uint16_t *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || errno || v < 1 || v > 65535 || s[0] == '-' || s[0] == '+')
		return sbx_errx("%s %s: '%s' is not a port number (1-65535)", opt, whole, s);
	*ret = (uint16_t)v;
	return 0;
}

int netuser_parse_publish(const char *opt, const char *s, struct sbx_publish *ret)
{
	_cleanup_free_ char *buf = xstrdup(s);
	struct sbx_publish p = { .host_addr = "127.0.0.1" };
	char *proto = strrchr(buf, '/'), *sport, *hport, *addr = NULL;
	unsigned char bin[16];
	int r;

	if (proto) {
		*proto++ = '\0';
		if (streq(proto, "udp"))
			p.udp = true;
		else if (!streq(proto, "tcp"))
			return sbx_errx("%s %s: protocol must be tcp or udp, not '%s'", opt, s,
					proto);
	}
	/* The last two fields are the ports; whatever comes before is the address, which
	 * may contain colons itself (IPv6, bracketed or not). */
	sport = strrchr(buf, ':');
	if (!sport)
		return sbx_errx("%s %s: expected [HOSTIP:]HOSTPORT:SANDBOXPORT[/tcp|/udp]", opt, s);
	*sport++ = '\0';
	hport = strrchr(buf, ':');
	if (hport) {
		*hport++ = '\0';
		addr = buf;
	} else {
		hport = buf;
	}
	if ((r = parse_port(opt, s, hport, &p.host_port)) < 0 ||
	    (r = parse_port(opt, s, sport, &p.sandbox_port)) < 0)
		return r;
	if (addr) {
		size_t n = strlen(addr);
		int family;
		if (n >= 2 && addr[0] == '[' && addr[n - 1] == ']') {
			addr[n - 1] = '\0';
			addr++;
		}
		family = strchr(addr, ':') ? AF_INET6 : AF_INET;
		if (inet_pton(family, addr, bin) != 1)
			return sbx_errx("%s %s: '%s' is not a numeric IPv4 or IPv6 address", opt, s,
					addr);
		/* Canonical form, so --dry-run prints what pasta will bind. */
		inet_ntop(family, bin, p.host_addr, sizeof(p.host_addr));
	}
	*ret = p;
	return 0;
}

void netuser_format_publish(const struct sbx_publish *p, char *buf, size_t size)
{
	bool v6 = strchr(p->host_addr, ':') != NULL;

	snprintf(buf, size, "%s%s%s:%u:%u/%s", v6 ? "[" : "", p->host_addr, v6 ? "]" : "",
		 p->host_port, p->sandbox_port, p->udp ? "udp" : "tcp");
}

/* ---- planning ---------------------------------------------------------------------------- */

/* Where the sandbox's resolver file must go. With the host's /etc bound in (the default
 * profile), /etc/resolv.conf is often a symlink (systemd-resolved, resolvconf) into /run,
 * which is a fresh tmpfs inside: the file goes where the link leads, and the link then
 * finds it. rootfs.c refuses to mount over a symlink itself. */
static char *resolv_conf_dest(void)
{
	char target[PATH_MAX];
	struct stat st;
	ssize_t n;
	char *p;

	if (lstat("/etc/resolv.conf", &st) < 0 || !S_ISLNK(st.st_mode))
		return xstrdup("/etc/resolv.conf");
	if ((p = realpath("/etc/resolv.conf", NULL)))
		return p;
	/* Dangling on the host: one level, as the link says. */
	n = readlink("/etc/resolv.conf", target, sizeof(target) - 1);
	if (n <= 0)
		return xstrdup("/etc/resolv.conf");
	target[n] = '\0';
	return target[0] == '/' ? xstrdup(target) : xasprintf("/etc/%s", target);
}

/* The host's search domains still make sense inside: names resolve through its resolver. */
static void append_search_lines(char **text)
{
	_cleanup_fclose_ FILE *f = fopen("/etc/resolv.conf", "re");
	char line[1024];

	while (f && fgets(line, sizeof(line), f)) {
		char *t;
		if (strncmp(line, "search", 6) != 0 && strncmp(line, "domain", 6) != 0)
			continue;
		if (line[6] != ' ' && line[6] != '\t')
			continue;
		t = xasprintf("%s%s%s", *text, line, strchr(line, '\n') ? "" : "\n");
		free(*text);
		*text = t;
	}
}

static int add_resolv_conf(struct sbx_config *c, const char *dns)
{
	_cleanup_free_ char *text = xasprintf("nameserver %s\n", dns);
	_cleanup_free_ char *dest = resolv_conf_dest();
	_cleanup_close_ int fd = -1;
	struct sbx_op *op;
	int r;

	/* Something the caller put there on purpose wins. */
	for (size_t i = 0; i < c->n_ops; i++)
		if (c->ops[i].dest &&
		    (streq(c->ops[i].dest, "/etc/resolv.conf") || streq(c->ops[i].dest, dest)))
			return 0;
	append_search_lines(&text);
	/* A memfd rather than a file: nothing on the host is written. */
	fd = memfd_create("sbx-resolv.conf", MFD_CLOEXEC);
	if (fd < 0)
		return sbx_err(errno, "--net=%s: memfd for resolv.conf",
			       netuser_helper_name(c->net));
	if ((r = write_all(fd, text, strlen(text))) < 0)
		return sbx_err(-r, "--net=%s: write resolv.conf", netuser_helper_name(c->net));
	/* rootfs.c reads the data from the current offset. */
	if (lseek(fd, 0, SEEK_SET) < 0)
		return sbx_err(errno, "--net=%s: seek resolv.conf", netuser_helper_name(c->net));
	op = config_add_op(c, OP_BIND_DATA, NULL, dest);
	op->fd = TAKE_FD(fd);
	op->flags = BIND_READONLY;
	op->perms = 0644;
	op->has_perms = true;
	return 0;
}

int netuser_prepare(struct sbx_config *c)
{
	char *path = NULL;

	if (c->net != NET_PASTA && c->net != NET_SLIRP4NETNS && c->net != NET_AUTO)
		return 0;
	if (c->net == NET_AUTO) {
		if ((path = path_search(netuser_helper_name(NET_PASTA))))
			c->net = NET_PASTA;
		else if ((path = path_search(netuser_helper_name(NET_SLIRP4NETNS))))
			c->net = NET_SLIRP4NETNS;
		else
			return sbx_errx("--net=auto: neither pasta nor slirp4netns is in $PATH; "
					"install the package passt (or slirp4netns)");
	} else if (!(path = path_search(netuser_helper_name(c->net)))) {
		return sbx_errx("--net=%s: %s is not in $PATH; install the package %s",
				netuser_helper_name(c->net), netuser_helper_name(c->net),
				netuser_helper_package(c->net));
	}
	free(c->net_helper);
	c->net_helper = path;
	return add_resolv_conf(c, c->net == NET_PASTA ? PASTA_DNS : SLIRP_DNS);
}

/* ---- the helper's life: ready, failed, gone (netuser_helper.c starts it) ------------------ */

/* The helper's last message, without the noise of a missing syslog ("Failed to send N
 * bytes to syslog"): pasta logs there as well as to stderr. */
static void last_message(int log_fd, char *buf, size_t size)
{
	char text[8192];
	ssize_t n = pread(log_fd, text, sizeof(text) - 1, 0);
	char *save = NULL;

	snprintf(buf, size, "no message");
	if (n <= 0)
		return;
	text[n] = '\0';
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (strstr(l, "bytes to syslog") || !l[strspn(l, " \t\r")])
			continue;
		snprintf(buf, size, "%s", l);
	}
}

static bool log_contains(int log_fd, const char *needle)
{
	char text[8192];
	ssize_t n = pread(log_fd, text, sizeof(text) - 1, 0);

	if (n <= 0)
		return false;
	text[n] = '\0';
	return strstr(text, needle) != NULL;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* pasta writes its pid and a newline, slirp4netns "1"; either way, some bytes and then
 * the end of what it writes means ready; EOF before that, that it failed. */
static int wait_ready(int fd, enum sbx_net backend, int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;
	char buf[32];
	size_t got = 0;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - now_ms();
		ssize_t n;
		int r;

		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
		n = read(fd, buf + got, sizeof(buf) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPIPE;
		got += (size_t)n;
		buf[got] = '\0';
		if (backend == NET_SLIRP4NETNS || strchr(buf, '\n') || got == sizeof(buf) - 1)
			return 0;
	}
}

static void kill_and_reap(struct netuser *nu, int grace_ms)
{
	if (nu->pid <= 0)
		return;
	kill(nu->pid, SIGTERM);
	if (nu->pidfd >= 0) {
		struct pollfd p = { .fd = nu->pidfd, .events = POLLIN };
		int r;
		do
			r = poll(&p, 1, grace_ms);
		while (r < 0 && errno == EINTR);
		if (r <= 0)
			kill(nu->pid, SIGKILL);
	} else {
		kill(nu->pid, SIGKILL);
	}
	while (waitpid(nu->pid, NULL, 0) < 0 && errno == EINTR)
		;
	nu->pid = -1;
}

/* The helper could not set up the network: it is reaped, and its last line quoted. */
static int helper_failed(struct netuser *nu, int log_fd, const char *name)
{
	char msg[512];
	int status = 0;

	kill(nu->pid, SIGKILL);
	while (waitpid(nu->pid, &status, 0) < 0 && errno == EINTR)
		;
	nu->pid = -1;
	last_message(log_fd, msg, sizeof(msg));
	return sbx_errx("--net=%s: %s failed: %s%s", name, name, msg,
			strstr(msg, "tun") ? " (/dev/net/tun must be readable and writable by you)"
					   : "");
}

static int start_helper(const struct sbx_config *c, pid_t child, struct netuser *nu)
{
	const char *name = netuser_helper_name(c->net);
	__attribute__((cleanup(slirp_api_done))) struct slirp_api api = { 0 };
	_cleanup_strv_free_ char **argv = NULL;
	_cleanup_close_ int log_fd = -1, ready_rd = -1;
	int r;

	nu->backend = c->net;
	if ((r = netuser_helper_argv(c, child, &api, &argv)) < 0)
		return r;
	/* The helper's output goes to a memfd: it never blocks on a full pipe nobody reads,
	 * and the last line is there to quote if it fails. */
	log_fd = memfd_create("sbx-netuser-log", MFD_CLOEXEC);
	if (log_fd < 0)
		return sbx_err(errno, "--net=%s: memfd", name);
	if ((r = netuser_helper_spawn(c, argv, log_fd, nu, &ready_rd)) < 0 ||
	    (r = fault_point("pasta started")) < 0)
		return r;
	r = wait_ready(ready_rd, c->net, READY_TIMEOUT_MS);
	if (r == -ETIMEDOUT)
		return sbx_errx("--net=%s: %s did not configure the network within %d s", name,
				name, READY_TIMEOUT_MS / 1000);
	if (r < 0)
		return helper_failed(nu, log_fd, name);
	for (size_t i = 0; api.socket && i < c->n_publish; i++)
		if ((r = slirp_publish(api.socket, &c->publish[i])) < 0)
			return r;
	/* pasta (2023 versions at least) ignores a resolver on the host's loopback
	 * (systemd-resolved's 127.0.0.53, a local dnsmasq) unless the gateway maps to the
	 * host's loopback, and then says so. */
	if (c->net == NET_PASTA && log_contains(log_fd, "Couldn't get any nameserver"))
		log_warn("--net=pasta: pasta cannot use the host's resolver (on loopback?) "
			 "without --net-host-loopback; DNS in the sandbox may fail");
	return 0;
}

int netuser_start(const struct sbx_config *c, pid_t child, struct netuser *nu)
{
	int r;

	if (c->net != NET_PASTA && c->net != NET_SLIRP4NETNS)
		return 0;
	if (!c->net_helper)
		return sbx_errx("--net=%s: no helper binary chosen", netuser_helper_name(c->net));
	if ((r = start_helper(c, child, nu)) < 0)
		netuser_stop(nu);
	return r;
}

int netuser_pollfd(const struct netuser *nu)
{
	return nu->pid > 0 ? nu->pidfd : -1;
}

void netuser_on_exit(struct netuser *nu)
{
	pid_t r;

	if (nu->pid <= 0)
		return;
	/* A readable pidfd means it has exited, so 0 is not expected; an error (ECHILD)
	 * means it is gone all the same, and must not leave the fd in the poll set. */
	r = waitpid(nu->pid, NULL, WNOHANG);
	if (r == 0)
		return;
	nu->pid = -1;
	/* Once: the pid is gone, so the poll fd is no longer offered. */
	log_warn("%s exited; the sandbox has no network", netuser_helper_name(nu->backend));
}

void netuser_stop(struct netuser *nu)
{
	/* slirp4netns quits by itself when its exit fd closes; pasta needs the signal. */
	if (nu->exit_fd >= 0)
		close(TAKE_FD(nu->exit_fd));
	kill_and_reap(nu, STOP_GRACE_MS);
	if (nu->pidfd >= 0)
		close(TAKE_FD(nu->pidfd));
}
