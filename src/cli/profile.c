/* SPDX-License-Identifier: MIT */
#include "cli/profile.h"

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "setup/caps.h"
#include "base/log.h"
#include "net/netuser.h"

static const struct {
	const char *name;
	const char *text;
} builtin[] = {
#include "profiles.inc"
};

const char *const *profile_builtin_names(void)
{
	static const char *names[ELEMENTSOF(builtin) + 1];

	for (size_t i = 0; i < ELEMENTSOF(builtin); i++)
		names[i] = builtin[i].name;
	return names;
}

static int read_file(const char *path, char **ret)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	int r;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EISDIR;
	r = read_fd_all(fd, ret, NULL);
	return r;
}

static bool valid_name(const char *name)
{
	return name[0] && name[0] != '.' && !strchr(name, '/');
}

static bool is_builtin(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(builtin); i++)
		if (streq(builtin[i].name, name))
			return true;
	return false;
}

int profile_find(const char *name, bool user_may_shadow, char **ret_text, char **ret_origin)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	_cleanup_free_ char *user = NULL, *shadowed = NULL;
	const char *dirs[2];
	int r;

	if (strchr(name, '/')) {
		r = read_file(name, ret_text);
		if (r < 0)
			return sbx_err(-r, "profile %s", name);
		*ret_origin = xstrdup(name);
		return 0;
	}
	if (!valid_name(name))
		return sbx_errx("invalid profile name '%s'", name);
	if (xdg && xdg[0] == '/')
		user = xasprintf("%s/sbx/profiles", xdg);
	else if (home && home[0] == '/')
		user = xasprintf("%s/.config/sbx/profiles", home);
	dirs[0] = user;
	dirs[1] = "/etc/sbx/profiles";
	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		_cleanup_free_ char *path = NULL;
		if (!dirs[i])
			continue;
		struct stat st;
		path = xasprintf("%s/%s.profile", dirs[i], name);
		/* A search directory we cannot enter (HOME of another user after su) holds
		 * nothing for us; a profile that is there but unreadable is an error. */
		if (stat(path, &st) < 0)
			continue;
		/* Whatever a sandbox may write (a cwd under ~/.config, --bind $HOME) must not
		 * change what a plain `sbx` or an include of a built-in profile gives; only
		 * root writes /etc/sbx/profiles. */
		if (dirs[i] == user && !user_may_shadow && is_builtin(name)) {
			shadowed = TAKE_PTR(path);
			continue;
		}
		r = read_file(path, ret_text);
		if (r < 0)
			return sbx_err(-r, "profile %s", path);
		*ret_origin = TAKE_PTR(path);
		return 0;
	}
	for (size_t i = 0; i < ELEMENTSOF(builtin); i++)
		if (streq(builtin[i].name, name)) {
			*ret_text = xstrdup(builtin[i].text);
			if (shadowed)
				*ret_origin =
					xasprintf("built-in profile %s (not %s: read only with "
						  "--profile %s)",
						  name, shadowed, name);
			else
				*ret_origin = xasprintf("built-in profile %s", name);
			return 0;
		}
	return sbx_errx("profile '%s' not found (searched %s%s/etc/sbx/profiles and the built-in "
			"ones: default, build, shell, app)",
			name, user ? user : "", user ? ", " : "");
}

/* Debian and Fedora make /bin, /lib... symlinks into /usr: recreating the link is one
 * symlink(2) instead of a bind mount, and keeps the layout the programs expect. */
void profile_ro_bind_host(struct sbx_config *c, const char *path)
{
	char target[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (lstat(path, &st) < 0)
		return;
	if (S_ISLNK(st.st_mode)) {
		n = readlink(path, target, sizeof(target) - 1);
		if (n <= 0)
			return;
		target[n] = '\0';
		config_add_op(c, OP_SYMLINK, target, path);
	} else {
		config_add_op(c, OP_BIND, path, path)->flags = BIND_READONLY | BIND_TRY;
	}
}

void profile_bind_cwd(struct sbx_config *c)
{
	/* The cwd is the one writable host path; "/" would hand over the whole host. */
	if (c->cwd && !streq(c->cwd, "/") && !path_in(c->cwd, "/proc") &&
	    !path_in(c->cwd, "/sys") && !path_in(c->cwd, "/dev"))
		config_add_op(c, OP_BIND, c->cwd, c->cwd)->flags = BIND_CWD;
}

void profile_tmpfs_home(struct sbx_config *c)
{
	const char *home = getenv("HOME");
	struct sbx_op *op;

	if (!home || home[0] != '/' || streq(home, "/"))
		return;
	op = config_add_op(c, OP_TMPFS, NULL, home);
	op->perms = 0700;
	op->has_perms = true;
}

/* ---- --dry-run ------------------------------------------------------------------------ */

/* A word as split_line (cli.c) reads it back: quoted when it holds a blank (\r is one
 * too), a quote, a backslash or a '#'; a newline, which would end the line, as \n. */
static void print_word(FILE *f, const char *w)
{
	if (w[0] && !strpbrk(w, " \t\r\n\"'\\#")) {
		fputs(w, f);
		return;
	}
	fputc('"', f);
	for (; *w; w++) {
		if (*w == '\n') {
			fputs("\\n", f);
			continue;
		}
		if (*w == '"' || *w == '\\')
			fputc('\\', f);
		fputc(*w, f);
	}
	fputc('"', f);
}

/* Text in a comment line: a newline in it would start a line that is read back as an
 * option (a command word "x\nbind / /"), so control characters are shown escaped. */
static void print_comment_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '\n')
			fputs("\\n", f);
		else if (ch == '\r')
			fputs("\\r", f);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(f, "\\x%02x", ch);
		else
			fputc(ch, f);
	}
}

static void line(FILE *f, const char *opt, const char *a, const char *b)
{
	fputs(opt, f);
	if (a) {
		fputc(' ', f);
		print_word(f, a);
	}
	if (b) {
		fputc(' ', f);
		print_word(f, b);
	}
	fputc('\n', f);
}

static void print_perms(FILE *f, const struct sbx_op *op)
{
	if (op->has_perms)
		fprintf(f, "perms %04o\n", op->perms);
}

static void print_bind(FILE *f, const struct sbx_op *op)
{
	static const char *const bind_names[] = { "bind", "ro-bind", "dev-bind" };
	char buf[64];

	/* Printed as the option: read back, it finds its directory again from --name. */
	if (op->flags & BIND_HOME_PERSIST) {
		if (op->src) {
			fputs("# $HOME: ", f);
			print_comment_text(f, op->src);
			fputc('\n', f);
		}
		line(f, "home-persist", NULL, NULL);
		return;
	}
	snprintf(buf, sizeof(buf), "%s%s",
		 bind_names[(op->flags & BIND_DEVICES)	  ? 2
			    : (op->flags & BIND_READONLY) ? 1
							  : 0],
		 (op->flags & BIND_TRY) ? "-try" : "");
	line(f, buf, op->src, op->dest);
}

static void print_overlay(FILE *f, const struct sbx_op *op)
{
	for (size_t i = 0; op->overlay_srcs && op->overlay_srcs[i]; i++)
		line(f, "overlay-src", op->overlay_srcs[i], NULL);
	if (op->overlay == OVERLAY_RW) {
		fputs("overlay ", f);
		print_word(f, op->src);
		line(f, "", op->workdir, op->dest);
	} else {
		line(f, op->overlay == OVERLAY_TMP ? "tmp-overlay" : "ro-overlay", op->dest, NULL);
	}
}

static void print_op(FILE *f, const struct sbx_op *op)
{
	/* The operations that take their destination only. */
	static const char *const dest_only[] = { [OP_REMOUNT_RO] = "remount-ro",
						 [OP_PROC] = "proc",
						 [OP_DEV] = "dev",
						 [OP_SYSFS] = "sysfs",
						 [OP_MQUEUE] = "mqueue" };
	char fd[16], buf[16];

	if ((size_t)op->type < ELEMENTSOF(dest_only) && dest_only[op->type]) {
		line(f, dest_only[op->type], op->dest, NULL);
		return;
	}
	snprintf(fd, sizeof(fd), "%d", op->fd);
	switch (op->type) {
	case OP_BIND:
		print_bind(f, op);
		break;
	case OP_BIND_FD:
		line(f, (op->flags & BIND_READONLY) ? "ro-bind-fd" : "bind-fd", fd, op->dest);
		break;
	case OP_TMPFS:
		print_perms(f, op);
		if (op->size)
			fprintf(f, "size %llu\n", (unsigned long long)op->size);
		line(f, "tmpfs", op->dest, NULL);
		break;
	case OP_DIR:
		print_perms(f, op);
		line(f, "dir", op->dest, NULL);
		break;
	case OP_SYMLINK:
		line(f, "symlink", op->src, op->dest);
		break;
	case OP_FILE:
		print_perms(f, op);
		line(f, "file", fd, op->dest);
		break;
	case OP_BIND_DATA:
		print_perms(f, op);
		line(f, (op->flags & BIND_READONLY) ? "ro-bind-data" : "bind-data", fd, op->dest);
		break;
	case OP_CHMOD:
		snprintf(buf, sizeof(buf), "%04o", op->perms);
		line(f, "chmod", buf, op->dest);
		break;
	case OP_OVERLAY:
		print_overlay(f, op);
		break;
	default:
		break;
	}
}

static void print_u64(FILE *f, const char *opt, uint64_t v)
{
	if (v != LIMIT_UNSET)
		fprintf(f, "%s %llu\n", opt, (unsigned long long)v);
}

static void print_flag(FILE *f, const char *opt, bool on)
{
	if (on)
		fprintf(f, "%s\n", opt);
}

/* "rlimit NAME=SOFT[:HARD]", as --rlimit takes it. */
static void print_rlimit(FILE *f, const struct sbx_rlimit *r)
{
	fprintf(f, "rlimit %s=", rlimit_name(r->resource));
	if (r->lim.rlim_cur == RLIM_INFINITY)
		fputs("infinity", f);
	else
		fprintf(f, "%llu", (unsigned long long)r->lim.rlim_cur);
	if (!r->soft_only) {
		if (r->lim.rlim_max == RLIM_INFINITY)
			fputs(":infinity", f);
		else
			fprintf(f, ":%llu", (unsigned long long)r->lim.rlim_max);
	}
	fputc('\n', f);
}

/* Comment lines: what was asked for, and from which profiles. */
static void print_header(FILE *f, const struct sbx_config *c)
{
	fprintf(f, "# sbx --dry-run: the resolved configuration, as a profile\n");
	if (c->bare)
		fprintf(f, "# (from --bare: give --bare again when using this profile)\n");
	fprintf(f, "# command:");
	for (size_t i = 0; c->argv && c->argv[i]; i++) {
		fputc(' ', f);
		print_comment_text(f, c->argv[i]);
	}
	fputc('\n', f);
	for (size_t i = 0; c->profiles_used && c->profiles_used[i]; i++) {
		fputs("# profile: ", f);
		print_comment_text(f, c->profiles_used[i]);
		fputc('\n', f);
	}
}

/* The namespaces (--bare: each as asked) and the network, the ids. */
static void print_namespaces(FILE *f, const struct sbx_config *c)
{
	if (c->bare) {
		static const struct {
			unsigned long flag;
			const char *opt;
		} ns[] = { { CLONE_NEWIPC, "unshare-ipc" },
			   { CLONE_NEWPID, "unshare-pid" },
			   { CLONE_NEWNET, "unshare-net" },
			   { CLONE_NEWUTS, "unshare-uts" } };
		for (size_t i = 0; i < ELEMENTSOF(ns); i++)
			print_flag(f, ns[i].opt, c->clone_flags & ns[i].flag);
		print_flag(f, "unshare-cgroup-try", c->unshare_cgroup);
	}
	{
		static const char *const net_modes[] = { [NET_NONE] = "none",
							 [NET_HOST] = "host",
							 [NET_PASTA] = "pasta",
							 [NET_SLIRP4NETNS] = "slirp4netns",
							 [NET_AUTO] = "auto" };
		/* --bare says none or host with unshare-net above. */
		if (!c->bare || c->net > NET_HOST)
			line(f, "net", net_modes[c->net], NULL);
	}
	for (size_t i = 0; i < c->n_publish; i++) {
		char spec[80];
		netuser_format_publish(&c->publish[i], spec, sizeof(spec));
		line(f, "publish", spec, NULL);
	}
	print_flag(f, "net-host-loopback", c->net_host_loopback);
	if (c->hostname)
		line(f, "hostname", c->hostname, NULL);
	if (c->uid != c->caller_uid)
		fprintf(f, "uid %u\n", c->uid);
	if (c->gid != c->caller_gid)
		fprintf(f, "gid %u\n", c->gid);
	print_flag(f, "subids", c->subids);
}

/* The environment operations, in their order. */
static void print_env(FILE *f, const struct sbx_config *c)
{
	for (size_t i = 0; c->env_ops && c->env_ops[i]; i++) {
		const char *op = c->env_ops[i];
		if (streq(op, "clearenv"))
			fprintf(f, "clearenv\n");
		else if (strncmp(op, "unsetenv=", 9) == 0)
			line(f, "unsetenv", op + 9, NULL);
		else if (strncmp(op, "setenv=", 7) == 0) {
			_cleanup_free_ char *kv = xstrdup(op + 7);
			char *eq = strchr(kv, '=');
			*eq = '\0';
			line(f, "setenv", kv, eq + 1);
		}
	}
}

/* The command's process: argv0, session, terminal, timeout, rlimits. */
static void print_process(FILE *f, const struct sbx_config *c)
{
	if (c->argv0)
		line(f, "argv0", c->argv0, NULL);
	print_flag(f, "die-with-parent", c->die_with_parent);
	print_flag(f, "new-session", c->new_session);
	print_flag(f, "pty", c->pty == PTY_ON);
	print_flag(f, "no-pty", c->pty == PTY_OFF);
	print_flag(f, "as-pid-1", c->as_pid_1);
	if (c->timeout_usec)
		fprintf(f, "timeout %lluus\n", (unsigned long long)c->timeout_usec);
	for (size_t i = 0; i < c->n_rlimits; i++)
		print_rlimit(f, &c->rlimits[i]);
}

/* Capabilities and the seccomp choices. */
static void print_security(FILE *f, const struct sbx_config *c)
{
	for (int cap = 0; cap < 64; cap++)
		if (c->caps_keep & (1ULL << cap))
			fprintf(f, "cap-add %s\n", caps_name(cap));
	print_flag(f, "seccomp none", c->seccomp_disabled);
	if (c->seccomp_profile)
		line(f, "seccomp-profile", c->seccomp_profile, NULL);
	print_flag(f, "allow-tiocsti", c->allow_tiocsti);
	print_flag(f, "disable-userns", c->disable_userns);
	print_flag(f, "allow-userns", c->allow_userns);
	print_flag(f, "assert-userns-disabled", c->assert_userns_disabled);
}

/* The cgroup limits and where they go. */
static void print_limits(FILE *f, const struct sbx_config *c)
{
	static const char *const cgroup_modes[] = { "auto", "systemd", "direct", "none", "try" };
	const struct sbx_limits *l = &c->limits;
	char buf[32];

	print_u64(f, "memory", l->memory);
	print_u64(f, "memory-swap", l->memory_swap);
	if (l->cpu_quota_usec != LIMIT_UNSET) {
		snprintf(buf, sizeof(buf), "%llu.%06llu",
			 (unsigned long long)(l->cpu_quota_usec / 1000000),
			 (unsigned long long)(l->cpu_quota_usec % 1000000));
		line(f, "cpus", buf, NULL);
	}
	print_u64(f, "cpu-weight", l->cpu_weight);
	print_u64(f, "io-weight", l->io_weight);
	print_u64(f, "pids", l->pids);
	if (c->cgroup != CGROUP_AUTO)
		line(f, "cgroup", cgroup_modes[c->cgroup], NULL);
	if (c->slice)
		line(f, "slice", c->slice, NULL);
	print_flag(f, "cgroup-writable", c->cgroup_writable);
}

void profile_print(FILE *f, const struct sbx_config *c)
{
	print_header(f, c);
	print_namespaces(f, c);
	for (size_t i = 0; i < c->n_ops; i++)
		print_op(f, &c->ops[i]);
	if (c->chdir)
		line(f, "chdir", c->chdir, NULL);
	for (size_t i = 0; c->lock_files && c->lock_files[i]; i++)
		line(f, "lock-file", c->lock_files[i], NULL);
	print_env(f, c);
	print_process(f, c);
	print_security(f, c);
	print_limits(f, c);
}
