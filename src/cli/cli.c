/* SPDX-License-Identifier: MIT */
/* The option table: the single source for parsing, --help and the completions. */
#include "cli/cli.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "app/apphome.h"
#include "app/appsock.h"
#include "setup/caps.h"
#include "limits/cgroup.h"
#include "cli/cwdrule.h"
#include "plan/plan.h"
#include "base/log.h"
#include "net/netuser.h"
#include "cli/profile.h"
#include "named/registry.h"
#include "seccomp/seccomp_oci.h"

#ifndef SBX_VERSION
#define SBX_VERSION "0.1.0"
#endif

extern char **environ;

struct option_def;
typedef int (*opt_handler)(struct parse_state *s, const struct option_def *d, char **args);

enum opt_section {
	SEC_GENERAL,
	SEC_NS,
	SEC_FS,
	SEC_PROC,
	SEC_LIMITS,
	SEC_NAMED,
	SEC_FD,
	_SEC_MAX,
};

static const char *const section_titles[_SEC_MAX] = {
	[SEC_GENERAL] = "General",
	[SEC_NS] = "Namespaces and identity",
	[SEC_FS] = "Filesystem (applied in the order given, on top of the profile)",
	[SEC_PROC] = "Process",
	[SEC_LIMITS] = "Resource limits (cgroup v2)",
	[SEC_NAMED] = "Named sandboxes",
	[SEC_FD] = "File descriptors",
};

struct option_def {
	const char *name;
	int nargs;
	const char *argnames;
	enum opt_section section;
	const char *help;
	opt_handler handler;
	unsigned long flag; /* handler-specific */
};

static int take_pending(struct parse_state *s, struct sbx_op *op, bool takes_perms, bool takes_size,
			const char *opt)
{
	if (s->has_perms) {
		if (!takes_perms)
			return sbx_errx("--perms must be followed by an option that creates a file "
					"or directory, not %s",
					opt);
		op->perms = s->perms;
		op->has_perms = true;
		s->has_perms = false;
	}
	if (s->has_size) {
		if (!takes_size)
			return sbx_errx("--size must be followed by --tmpfs, not %s", opt);
		op->size = s->size;
		s->has_size = false;
	}
	return 0;
}

static int check_dest(const char *opt, const char *path)
{
	if (!path[0])
		return sbx_errx("%s: empty destination path", opt);
	return 0;
}

static int h_bind(struct parse_state *s, const struct option_def *d, char **a)
{
	struct sbx_op *op;
	int r = check_dest(d->name, a[1]);

	if (r < 0)
		return r;
	op = config_add_op(s->c, OP_BIND, a[0], a[1]);
	op->flags = (unsigned)d->flag;
	return take_pending(s, op, false, false, d->name);
}

static int h_bind_fd(struct parse_state *s, const struct option_def *d, char **a)
{
	struct sbx_op *op;
	int fd, r;

	if ((r = parse_fd(d->name, a[0], &fd)) < 0 || (r = check_dest(d->name, a[1])) < 0)
		return r;
	op = config_add_op(s->c, OP_BIND_FD, NULL, a[1]);
	op->fd = fd;
	op->flags = (unsigned)d->flag;
	return take_pending(s, op, false, false, d->name);
}

/* Ops with one destination argument: --proc --dev --tmpfs --mqueue --dir --remount-ro. */
static int h_dest_op(struct parse_state *s, const struct option_def *d, char **a)
{
	enum sbx_op_type t = (enum sbx_op_type)d->flag;
	struct sbx_op *op;
	int r = check_dest(d->name, a[0]);

	if (r < 0)
		return r;
	op = config_add_op(s->c, t, NULL, a[0]);
	return take_pending(s, op, t == OP_TMPFS || t == OP_DIR, t == OP_TMPFS, d->name);
}

static int h_symlink(struct parse_state *s, const struct option_def *d, char **a)
{
	int r = check_dest(d->name, a[1]);

	if (r < 0)
		return r;
	return take_pending(s, config_add_op(s->c, OP_SYMLINK, a[0], a[1]), false, false, d->name);
}

/* --file FD DEST, --bind-data FD DEST, --ro-bind-data FD DEST */
static int h_fd_data(struct parse_state *s, const struct option_def *d, char **a)
{
	struct sbx_op *op;
	int fd, r;

	if ((r = parse_fd(d->name, a[0], &fd)) < 0 || (r = check_dest(d->name, a[1])) < 0)
		return r;
	op = config_add_op(s->c, d->flag == OP_FILE ? OP_FILE : OP_BIND_DATA, NULL, a[1]);
	op->fd = fd;
	if (d->flag == BIND_READONLY)
		op->flags = BIND_READONLY;
	return take_pending(s, op, true, false, d->name);
}

static int h_chmod(struct parse_state *s, const struct option_def *d, char **a)
{
	struct sbx_op *op;
	mode_t m;
	int r;

	if ((r = parse_mode(d->name, a[0], &m)) < 0 || (r = check_dest(d->name, a[1])) < 0)
		return r;
	op = config_add_op(s->c, OP_CHMOD, NULL, a[1]);
	op->perms = m;
	op->has_perms = true;
	return take_pending(s, op, false, false, d->name);
}

static int h_perms(struct parse_state *s, const struct option_def *d, char **a)
{
	int r = parse_mode(d->name, a[0], &s->perms);

	if (r < 0)
		return r;
	s->has_perms = true;
	return 0;
}

static int h_size(struct parse_state *s, const struct option_def *d, char **a)
{
	int r = parse_size(d->name, a[0], &s->size);

	if (r < 0)
		return r;
	if (s->size == 0)
		return sbx_errx("%s: size must be greater than zero", d->name);
	s->has_size = true;
	return 0;
}

static int h_unshare(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)a;
	s->unshare_req |= d->flag;
	if (d->flag & CLONE_NEWNET)
		s->share_net = false;
	return 0;
}

static int h_unshare_all(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)d;
	(void)a;
	s->unshare_req |= CLONE_NEWUSER | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUTS;
	s->unshare_cgroup_try = true;
	s->share_net = false;
	return 0;
}

static int h_unshare_cgroup(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)a;
	if (d->flag)
		s->unshare_cgroup_try = true;
	else
		s->unshare_cgroup_req = true;
	return 0;
}

static int h_share_net(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)d;
	(void)a;
	s->share_net = true;
	s->unshare_req &= ~(unsigned long)CLONE_NEWNET;
	return 0;
}

static int h_net(struct parse_state *s, const struct option_def *d, char **a)
{
	s->user_net = NET_NONE;
	if (streq(a[0], "none") || streq(a[0], "loopback")) {
		s->share_net = false;
		s->unshare_req |= CLONE_NEWNET;
	} else if (streq(a[0], "host")) {
		s->share_net = true;
		s->unshare_req &= ~(unsigned long)CLONE_NEWNET;
	} else if (streq(a[0], "pasta") || streq(a[0], "slirp4netns") || streq(a[0], "auto")) {
		s->share_net = false;
		s->unshare_req |= CLONE_NEWNET;
		if (streq(a[0], "pasta"))
			s->user_net = NET_PASTA;
		else if (streq(a[0], "slirp4netns"))
			s->user_net = NET_SLIRP4NETNS;
		else
			s->user_net = NET_AUTO;
	} else {
		return sbx_errx("%s: unknown network mode '%s' (expected none, host, pasta, "
				"slirp4netns or auto)",
				d->name, a[0]);
	}
	s->net_set = true;
	return 0;
}

static int h_publish(struct parse_state *s, const struct option_def *d, char **a)
{
	struct sbx_publish p;
	int r = netuser_parse_publish(d->name, a[0], &p);

	if (r < 0)
		return r;
	s->c->publish = xrealloc(s->c->publish, (s->c->n_publish + 1) * sizeof(p));
	s->c->publish[s->c->n_publish++] = p;
	return 0;
}

static int h_id(struct parse_state *s, const struct option_def *d, char **a)
{
	uint32_t v;
	int r = parse_id(d->name, a[0], &v);

	if (r < 0)
		return r;
	if (d->flag)
		s->c->gid = v;
	else
		s->c->uid = v;
	return 0;
}

static int h_root(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)d;
	(void)a;
	s->c->uid = 0;
	s->c->gid = 0;
	return 0;
}

static int h_bool(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)a;
	/* flag is the offset of a bool in struct sbx_config */
	*(bool *)((char *)s->c + d->flag) = true;
	return 0;
}

static int h_pty(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)a;
	s->c->pty = (enum sbx_pty_mode)d->flag;
	return 0;
}

static int h_hostname(struct parse_state *s, const struct option_def *d, char **a)
{
	if (!a[0][0] || strlen(a[0]) > 64)
		return sbx_errx("%s: invalid hostname '%s' (1 to 64 characters)", d->name, a[0]);
	free(s->c->hostname);
	s->c->hostname = xstrdup(a[0]);
	s->hostname_set = true;
	return 0;
}

static int h_chdir(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)d;
	free(s->c->chdir);
	s->c->chdir = xstrdup(a[0]);
	return 0;
}

static int h_argv0(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)d;
	free(s->c->argv0);
	s->c->argv0 = xstrdup(a[0]);
	return 0;
}

ssize_t env_find(char **env, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; env && env[i]; i++)
		if (strncmp(env[i], name, n) == 0 && env[i][n] == '=')
			return (ssize_t)i;
	return -1;
}

static void env_unset(char **env, const char *name)
{
	ssize_t i = env_find(env, name);

	if (i < 0)
		return;
	free(env[i]);
	memmove(&env[i], &env[i + 1], (strv_length(env) - (size_t)i) * sizeof(char *));
}

void env_set(char ***env, const char *name, const char *value)
{
	ssize_t i = env_find(*env, name);
	char *kv = xasprintf("%s=%s", name, value);

	if (i >= 0) {
		free((*env)[i]);
		(*env)[i] = kv;
	} else {
		strv_push(env, kv);
	}
}

static int h_setenv(struct parse_state *s, const struct option_def *d, char **a)
{
	if (!a[0][0] || strchr(a[0], '='))
		return sbx_errx("%s: invalid variable name '%s'", d->name, a[0]);
	env_set(&s->c->env, a[0], a[1]);
	strv_push(&s->c->env_ops, xasprintf("setenv=%s=%s", a[0], a[1]));
	return 0;
}

static int h_unsetenv(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)d;
	env_unset(s->c->env, a[0]);
	strv_push(&s->c->env_ops, xasprintf("unsetenv=%s", a[0]));
	return 0;
}

static int h_clearenv(struct parse_state *s, const struct option_def *d, char **a)
{
	ssize_t pwd = env_find(s->c->env, "PWD");
	char *keep = pwd >= 0 ? xstrdup(s->c->env[pwd]) : NULL;

	(void)d;
	(void)a;
	/* Like bubblewrap: PWD survives, so a shell inside starts where it should. */
	strv_free(s->c->env);
	s->c->env = NULL;
	if (keep)
		strv_push(&s->c->env, keep);
	/* container=sbx says where the command runs; it is not inherited, so it stays. */
	if (!s->c->bare)
		env_set(&s->c->env, "container", "sbx");
	strv_push(&s->c->env_ops, xstrdup("clearenv"));
	return 0;
}

static int h_timeout(struct parse_state *s, const struct option_def *d, char **a)
{
	return parse_duration(d->name, a[0], &s->c->timeout_usec);
}

static int h_rlimit(struct parse_state *s, const struct option_def *d, char **a)
{
	struct sbx_rlimit r;
	int ret = parse_rlimit(d->name, a[0], &r);

	if (ret < 0)
		return ret;
	s->c->rlimits = xrealloc(s->c->rlimits, (s->c->n_rlimits + 1) * sizeof(r));
	s->c->rlimits[s->c->n_rlimits++] = r;
	return 0;
}

static int h_fd(struct parse_state *s, const struct option_def *d, char **a)
{
	return parse_fd(d->name, a[0], (int *)((char *)s->c + d->flag));
}

static int h_lock_file(struct parse_state *s, const struct option_def *d, char **a)
{
	int r = check_dest(d->name, a[0]);

	if (r < 0)
		return r;
	strv_push(&s->c->lock_files, xstrdup(a[0]));
	return 0;
}

static int h_verbose(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)d;
	(void)a;
	s->c->verbose++;
	log_set_verbose(s->c->verbose);
	return 0;
}

static int h_level_prefix(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)s;
	(void)d;
	(void)a;
	log_set_level_prefix(true);
	return 0;
}

static int h_action(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)a;
	s->action = (enum cli_action)d->flag;
	return 0;
}

static int h_noop(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)s;
	(void)d;
	(void)a;
	return 0;
}

static int h_selinux(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)s;
	(void)a;
	if (access("/sys/fs/selinux/enforce", F_OK) != 0)
		return sbx_errx("%s: SELinux is not enabled on this host", d->name);
	return sbx_errx("%s: SELinux labels are not supported yet by this version of sbx", d->name);
}

static int h_seccomp(struct parse_state *s, const struct option_def *d, char **a)
{
	if (streq(a[0], "none")) {
		s->c->seccomp_disabled = true;
		s->c->seccomp_fd = -1;
		free(TAKE_PTR(s->c->seccomp_profile));
		return 0;
	}
	s->c->seccomp_disabled = false;
	free(TAKE_PTR(s->c->seccomp_profile));
	return parse_fd(d->name, a[0], &s->c->seccomp_fd);
}

/* The last of --seccomp and --seccomp-profile wins. The file is read once parsing ends
 * (finalize): includes/excludes depend on the final --cap-add. */
static int h_seccomp_profile(struct parse_state *s, const struct option_def *d, char **a)
{
	if (!a[0][0])
		return sbx_errx("%s: empty file name", d->name);
	free(s->c->seccomp_profile);
	s->c->seccomp_profile = xstrdup(a[0]);
	s->c->seccomp_disabled = false;
	s->c->seccomp_fd = -1;
	return 0;
}

static int h_add_seccomp_fd(struct parse_state *s, const struct option_def *d, char **a)
{
	int fd, r = parse_fd(d->name, a[0], &fd);

	if (r < 0)
		return r;
	s->c->add_seccomp_fds =
		xrealloc(s->c->add_seccomp_fds, (s->c->n_add_seccomp_fds + 1) * sizeof(int));
	s->c->add_seccomp_fds[s->c->n_add_seccomp_fds++] = fd;
	return 0;
}

static int h_seccomp_export(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)d;
	free(s->c->seccomp_export);
	s->c->seccomp_export = xstrdup(a[0]);
	s->action = CLI_SECCOMP_EXPORT;
	return 0;
}

static int h_cap(struct parse_state *s, const struct option_def *d, char **a)
{
	uint64_t mask;
	int r = caps_parse(d->name, a[0], &mask);

	if (r < 0)
		return r;
	if (d->flag)
		s->c->caps_keep |= mask;
	else
		s->c->caps_keep &= ~mask;
	return 0;
}

static int h_overlay_src(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)d;
	strv_push(&s->overlay_srcs, xstrdup(a[0]));
	return 0;
}

static int h_overlay(struct parse_state *s, const struct option_def *d, char **a)
{
	enum sbx_overlay_kind kind = (enum sbx_overlay_kind)d->flag;
	const char *dest = kind == OVERLAY_RW ? a[2] : a[0];
	size_t need = kind == OVERLAY_RO ? 2 : 1;
	struct sbx_op *op;
	int r = check_dest(d->name, dest);

	if (r < 0)
		return r;
	if (strv_length(s->overlay_srcs) < need)
		return sbx_errx("%s %s needs at least %zu --overlay-src before it", d->name, dest,
				need);
	op = config_add_op(s->c, OP_OVERLAY, kind == OVERLAY_RW ? a[0] : NULL, dest);
	op->overlay = kind;
	op->overlay_srcs = TAKE_PTR(s->overlay_srcs);
	if (kind == OVERLAY_RW)
		op->workdir = xstrdup(a[1]);
	return take_pending(s, op, false, false, d->name);
}

static int h_limit(struct parse_state *s, const struct option_def *d, char **a)
{
	struct sbx_limits *l = &s->c->limits;

	switch (d->flag) {
	case 0:
		return parse_size(d->name, a[0], &l->memory);
	case 1:
		return parse_size(d->name, a[0], &l->memory_swap);
	case 2:
		return parse_cpus(d->name, a[0], &l->cpu_quota_usec);
	case 3:
		return parse_range(d->name, a[0], 1, 10000, &l->cpu_weight);
	case 4:
		return parse_range(d->name, a[0], 1, 10000, &l->io_weight);
	default:
		return parse_range(d->name, a[0], 1, UINT32_MAX, &l->pids);
	}
}

static int h_cgroup(struct parse_state *s, const struct option_def *d, char **a)
{
	static const char *const modes[] = { "auto", "systemd", "direct", "none", "try" };

	for (size_t i = 0; i < ELEMENTSOF(modes); i++)
		if (streq(a[0], modes[i])) {
			s->c->cgroup = (enum sbx_cgroup_mode)i;
			return 0;
		}
	return sbx_errx("%s: unknown backend '%s' (expected auto, systemd, direct or none)",
			d->name, a[0]);
}

static int h_slice(struct parse_state *s, const struct option_def *d, char **a)
{
	size_t n = strlen(a[0]);

	if (n < 7 || strcmp(a[0] + n - 6, ".slice") != 0 || strchr(a[0], '/'))
		return sbx_errx("%s: '%s' is not a slice name (e.g. sbx.slice)", d->name, a[0]);
	free(s->c->slice);
	s->c->slice = xstrdup(a[0]);
	return 0;
}

static int h_ro_bind_host(struct parse_state *s, const struct option_def *d, char **a)
{
	if (a[0][0] != '/')
		return sbx_errx("%s: '%s' is not an absolute path", d->name, a[0]);
	profile_ro_bind_host(s->c, a[0]);
	return 0;
}

static int h_bind_cwd(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)d;
	(void)a;
	/* In a profile, a wish: the cwd is shared only when that is safe. On the command line,
	 * the user's explicit choice. */
	if (s->profile_depth > 0 && s->c->cwd) {
		_cleanup_free_ char *why = NULL;
		enum cwd_verdict v = cwdrule_check(s->c->cwd, &why);
		if (v != CWD_SHARE) {
			free(s->cwd_refused);
			s->cwd_refused = TAKE_PTR(why);
			s->cwd_verdict = v;
			return 0;
		}
	}
	profile_bind_cwd(s->c);
	return 0;
}

static int h_tmpfs_home(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)d;
	(void)a;
	profile_tmpfs_home(s->c);
	return 0;
}

static int h_home_persist(struct parse_state *s, const struct option_def *d, char **a)
{
	int r = apphome_add(s->c);

	(void)a;
	if (r < 0)
		return r;
	return take_pending(s, &s->c->ops[s->c->n_ops - 1], false, false, d->name);
}

/* The plan becomes plain ops and setenv, so that --dry-run prints back exactly what is
 * passed and reading that back gives the same sandbox. */
static int h_socket(struct parse_state *s, const struct option_def *d, char **a)
{
	_cleanup_(appsock_plan_done) struct appsock_plan p = { 0 };
	struct sbx_op *op = NULL;
	bool have_dir = false;
	int r = appsock_plan(a[0], &p);

	if (r < 0)
		return r;
	for (size_t i = 0; p.runtime_dir && i < s->c->n_ops; i++)
		have_dir |= s->c->ops[i].type == OP_DIR && streq(s->c->ops[i].dest, p.runtime_dir);
	if (p.runtime_dir && !have_dir) {
		op = config_add_op(s->c, OP_DIR, NULL, p.runtime_dir);
		op->perms = 0700;
		op->has_perms = true;
	}
	for (size_t i = 0; i < p.n_binds; i++) {
		op = config_add_op(s->c, OP_BIND, p.binds[i], p.binds[i]);
		op->flags = BIND_READONLY;
	}
	for (size_t i = 0; i < p.n_env; i++) {
		env_set(&s->c->env, p.env[i][0], p.env[i][1]);
		strv_push(&s->c->env_ops, xasprintf("setenv=%s=%s", p.env[i][0], p.env[i][1]));
	}
	return take_pending(s, op, false, false, d->name);
}

static int h_name(struct parse_state *s, const struct option_def *d, char **a)
{
	int r = registry_valid_name(a[0]);

	(void)d;
	if (r < 0)
		return r;
	free(s->c->name);
	s->c->name = xstrdup(a[0]);
	return 0;
}

/* --enter NAME, --stop NAME */
static int h_target(struct parse_state *s, const struct option_def *d, char **a)
{
	int r = registry_valid_name(a[0]);

	if (r < 0)
		return r;
	free(s->c->target);
	s->c->target = xstrdup(a[0]);
	s->action = (enum cli_action)d->flag;
	return 0;
}

static int h_signal(struct parse_state *s, const struct option_def *d, char **a)
{
	const char *n = a[0];
	uint64_t v;

	if (strncasecmp(n, "SIG", 3) == 0)
		n += 3;
	for (int sig = 1; sig < NSIG; sig++) {
		const char *abbrev = sigabbrev_np(sig);
		if (abbrev && strcasecmp(abbrev, n) == 0) {
			s->c->stop_signal = sig;
			return 0;
		}
	}
	if (parse_range(d->name, a[0], 1, NSIG - 1, &v) < 0)
		return sbx_errx("%s: unknown signal '%s' (e.g. TERM, INT, KILL, 15)", d->name,
				a[0]);
	s->c->stop_signal = (int)v;
	return 0;
}

static int h_grace(struct parse_state *s, const struct option_def *d, char **a)
{
	return parse_duration(d->name, a[0], &s->c->stop_grace_usec);
}

static int parse_profile(struct parse_state *s, const char *name, bool user_may_shadow);
static int h_profile(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)d;
	/* On the command line, profiles were applied before everything else (cli_parse);
	 * inside a profile, this is an include. */
	if (s->profile_depth == 0)
		return 0;
	return parse_profile(s, a[0], false);
}

static int parse_args_fd(struct parse_state *s, const char *fdstr);
static int h_args(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)d;
	return parse_args_fd(s, a[0]);
}

#define CFG(field) offsetof(struct sbx_config, field)

static const struct option_def options[] = {
	/* General */
	{ "--help", 0, NULL, SEC_GENERAL, "show the common options and exit", h_action, CLI_HELP },
	{ "--help-all", 0, NULL, SEC_GENERAL, "show every option and exit", h_action,
	  CLI_HELP_ALL },
	{ "--version", 0, NULL, SEC_GENERAL, "show the version and exit", h_action, CLI_VERSION },
	{ "--bare", 0, NULL, SEC_GENERAL,
	  "start from an empty root with bubblewrap's defaults (also when invoked as bwrap)",
	  h_noop, 0 },
	{ "--verbose", 0, NULL, SEC_GENERAL, "trace setup steps on stderr", h_verbose, 0 },
	{ "--args", 1, "FD", SEC_GENERAL, "read NUL-separated arguments from FD", h_args, 0 },
	{ "--level-prefix", 0, NULL, SEC_GENERAL, "prefix messages with syslog levels <N>",
	  h_level_prefix, 0 },
	{ "--profile", 1, "NAME|FILE", SEC_GENERAL,
	  "start from this profile instead of the default one (see sbx.profile(5))", h_profile, 0 },
	{ "--dry-run", 0, NULL, SEC_GENERAL,
	  "print the resolved configuration as a profile and exit", h_action, CLI_DRY_RUN },
	{ "--check", 0, NULL, SEC_GENERAL,
	  "check what this host supports and how to fix what is missing", h_action, CLI_CHECK },
	{ "--print-options", 0, NULL, SEC_GENERAL, NULL, h_action, CLI_PRINT_OPTIONS },

	/* Named sandboxes */
	{ "--name", 1, "NAME", SEC_NAMED, "register the sandbox under NAME while it runs", h_name,
	  0 },
	{ "--list", 0, NULL, SEC_NAMED, "list your running named sandboxes and exit", h_action,
	  CLI_LIST },
	{ "--json", 0, NULL, SEC_NAMED, "with --list: print JSON", h_bool, CFG(json) },
	{ "--enter", 1, "NAME", SEC_NAMED,
	  "run COMMAND (default: $SHELL) inside the running sandbox NAME", h_target, CLI_ENTER },
	{ "--stop", 1, "NAME", SEC_NAMED, "stop the sandbox NAME (--signal, then SIGKILL)",
	  h_target, CLI_STOP },
	{ "--signal", 1, "SIG", SEC_NAMED, "with --stop: the first signal (default TERM)", h_signal,
	  0 },
	{ "--grace", 1, "DURATION", SEC_NAMED, "with --stop: time before SIGKILL (default 5s)",
	  h_grace, 0 },

	/* Namespaces and identity */
	{ "--net", 1, "MODE", SEC_NS,
	  "network: none (loopback only, default), host, pasta, slirp4netns or auto (user-mode)",
	  h_net, 0 },
	{ "--publish", 1, "SPEC", SEC_NS,
	  "[HOSTIP:]HOSTPORT:PORT[/tcp|/udp]: forward the host's port (on 127.0.0.1 unless "
	  "HOSTIP) to PORT inside; user-mode networking",
	  h_publish, 0 },
	{ "--net-host-loopback", 0, NULL, SEC_NS,
	  "with user-mode networking: the gateway address reaches the host's loopback", h_bool,
	  CFG(net_host_loopback) },
	{ "--share-net", 0, NULL, SEC_NS, "same as --net=host", h_share_net, 0 },
	{ "--unshare-all", 0, NULL, SEC_NS, "unshare every namespace (the default unless --bare)",
	  h_unshare_all, 0 },
	{ "--unshare-user", 0, NULL, SEC_NS, "new user namespace (always)", h_unshare,
	  CLONE_NEWUSER },
	{ "--unshare-user-try", 0, NULL, SEC_NS, "same as --unshare-user", h_unshare,
	  CLONE_NEWUSER },
	{ "--unshare-ipc", 0, NULL, SEC_NS, "new IPC namespace", h_unshare, CLONE_NEWIPC },
	{ "--unshare-pid", 0, NULL, SEC_NS, "new PID namespace", h_unshare, CLONE_NEWPID },
	{ "--unshare-net", 0, NULL, SEC_NS, "new network namespace with loopback only", h_unshare,
	  CLONE_NEWNET },
	{ "--unshare-uts", 0, NULL, SEC_NS, "new UTS namespace (hostname)", h_unshare,
	  CLONE_NEWUTS },
	{ "--unshare-cgroup", 0, NULL, SEC_NS, "new cgroup namespace", h_unshare_cgroup, 0 },
	{ "--unshare-cgroup-try", 0, NULL, SEC_NS, "new cgroup namespace if the kernel has them",
	  h_unshare_cgroup, 1 },
	{ "--userns", 1, "FD", SEC_NS, "use the existing user namespace open as FD", h_fd,
	  CFG(userns_fd) },
	{ "--userns2", 1, "FD", SEC_NS,
	  "switch to the user namespace open as FD (a child of --userns's) after the setup", h_fd,
	  CFG(userns2_fd) },
	{ "--pidns", 1, "FD", SEC_NS, "use the existing PID namespace open as FD", h_fd,
	  CFG(pidns_fd) },
	{ "--disable-userns", 0, NULL, SEC_NS, "forbid creating further user namespaces inside",
	  h_bool, CFG(disable_userns) },
	{ "--allow-userns", 0, NULL, SEC_NS,
	  "let the sandbox create user namespaces (for programs with a sandbox of their own)",
	  h_bool, CFG(allow_userns) },
	{ "--assert-userns-disabled", 0, NULL, SEC_NS,
	  "fail unless creating user namespaces is impossible inside", h_bool,
	  CFG(assert_userns_disabled) },
	{ "--uid", 1, "UID", SEC_NS, "user id inside the sandbox (default: yours)", h_id, 0 },
	{ "--gid", 1, "GID", SEC_NS, "group id inside the sandbox (default: yours)", h_id, 1 },
	{ "--root", 0, NULL, SEC_NS, "be uid 0 and gid 0 inside (without capabilities)", h_root,
	  0 },
	{ "--subids", 0, NULL, SEC_NS,
	  "also map your /etc/subuid and /etc/subgid ranges (newuidmap/newgidmap)", h_bool,
	  CFG(subids) },
	{ "--hostname", 1, "NAME", SEC_NS, "hostname inside (default: sbx)", h_hostname, 0 },

	/* Filesystem */
	{ "--bind", 2, "SRC DEST", SEC_FS, "bind SRC read-write on DEST", h_bind, 0 },
	{ "--bind-try", 2, "SRC DEST", SEC_FS, "like --bind, ignored if SRC is missing", h_bind,
	  BIND_TRY },
	{ "--ro-bind", 2, "SRC DEST", SEC_FS, "bind SRC read-only on DEST", h_bind, BIND_READONLY },
	{ "--ro-bind-try", 2, "SRC DEST", SEC_FS, "like --ro-bind, ignored if SRC is missing",
	  h_bind, BIND_READONLY | BIND_TRY },
	{ "--dev-bind", 2, "SRC DEST", SEC_FS, "bind SRC on DEST, device nodes usable", h_bind,
	  BIND_DEVICES },
	{ "--dev-bind-try", 2, "SRC DEST", SEC_FS, "like --dev-bind, ignored if SRC is missing",
	  h_bind, BIND_DEVICES | BIND_TRY },
	{ "--bind-fd", 2, "FD DEST", SEC_FS, "bind the directory open as FD on DEST", h_bind_fd,
	  0 },
	{ "--ro-bind-fd", 2, "FD DEST", SEC_FS, "bind the directory open as FD read-only on DEST",
	  h_bind_fd, BIND_READONLY },
	{ "--remount-ro", 1, "DEST", SEC_FS, "make the mount at DEST read-only", h_dest_op,
	  OP_REMOUNT_RO },
	{ "--proc", 1, "DEST", SEC_FS, "mount a fresh procfs on DEST", h_dest_op, OP_PROC },
	{ "--dev", 1, "DEST", SEC_FS, "mount a minimal /dev on DEST", h_dest_op, OP_DEV },
	{ "--tmpfs", 1, "DEST", SEC_FS, "mount an empty tmpfs on DEST", h_dest_op, OP_TMPFS },
	{ "--mqueue", 1, "DEST", SEC_FS, "mount a POSIX message queue fs on DEST", h_dest_op,
	  OP_MQUEUE },
	{ "--dir", 1, "DEST", SEC_FS, "create directory DEST", h_dest_op, OP_DIR },
	{ "--symlink", 2, "TARGET DEST", SEC_FS, "create symlink DEST pointing to TARGET",
	  h_symlink, 0 },
	{ "--file", 2, "FD DEST", SEC_FS, "copy the contents of FD to the new file DEST", h_fd_data,
	  OP_FILE },
	{ "--bind-data", 2, "FD DEST", SEC_FS, "bind a file holding the contents of FD on DEST",
	  h_fd_data, 0 },
	{ "--ro-bind-data", 2, "FD DEST", SEC_FS,
	  "bind a read-only file holding the contents of FD on DEST", h_fd_data, BIND_READONLY },
	{ "--chmod", 2, "OCTAL PATH", SEC_FS, "change the mode of PATH", h_chmod, 0 },
	{ "--perms", 1, "OCTAL", SEC_FS, "mode of the next --dir, --tmpfs, --file or --bind-data",
	  h_perms, 0 },
	{ "--size", 1, "BYTES", SEC_FS, "size of the next --tmpfs (suffixes K M G T)", h_size, 0 },
	{ "--overlay-src", 1, "SRC", SEC_FS,
	  "add a lower layer (later ones on top) to the next overlay", h_overlay_src, 0 },
	{ "--overlay", 3, "RWSRC WORKDIR DEST", SEC_FS,
	  "overlay of the layers on DEST; writes go to RWSRC (WORKDIR on the same fs)", h_overlay,
	  OVERLAY_RW },
	{ "--tmp-overlay", 1, "DEST", SEC_FS,
	  "overlay of the layers on DEST; writes go to a tmpfs and vanish", h_overlay,
	  OVERLAY_TMP },
	{ "--ro-overlay", 1, "DEST", SEC_FS, "read-only overlay of at least two layers on DEST",
	  h_overlay, OVERLAY_RO },
	{ "--ro-bind-host", 1, "PATH", SEC_FS,
	  "bind the host's PATH read-only at PATH, or recreate it if it is a symlink",
	  h_ro_bind_host, 0 },
	{ "--bind-cwd", 0, NULL, SEC_FS,
	  "bind the current directory read-write at its own path, even where the default "
	  "profile does not (not /, /proc, /sys, /dev)",
	  h_bind_cwd, 0 },
	{ "--tmpfs-home", 0, NULL, SEC_FS, "an empty private tmpfs (0700) at $HOME", h_tmpfs_home,
	  0 },
	{ "--home-persist", 0, NULL, SEC_FS,
	  "$HOME is $XDG_DATA_HOME/sbx/homes/NAME, kept across runs (NAME: --name or the command)",
	  h_home_persist, 0 },
	{ "--socket", 1, "KIND", SEC_FS,
	  "pass the caller's wayland, x11, pulseaudio or pipewire socket in (repeatable)", h_socket,
	  0 },
	{ "--sysfs", 1, "DEST", SEC_FS,
	  "read-only /sys: a fresh sysfs and cgroup2 with a new network namespace, else the host's",
	  h_dest_op, OP_SYSFS },
	{ "--chdir", 1, "DIR", SEC_FS,
	  "working directory inside (default: the current one if shared, else $HOME)", h_chdir, 0 },
	{ "--lock-file", 1, "DEST", SEC_FS, "hold a lock on DEST while the sandbox runs",
	  h_lock_file, 0 },
	{ "--exec-label", 1, "LABEL", SEC_FS, "SELinux label of the command", h_selinux, 0 },
	{ "--file-label", 1, "LABEL", SEC_FS, "SELinux label of created files", h_selinux, 0 },

	/* Process */
	{ "--setenv", 2, "VAR VALUE", SEC_PROC, "set an environment variable", h_setenv, 0 },
	{ "--unsetenv", 1, "VAR", SEC_PROC, "unset an environment variable", h_unsetenv, 0 },
	{ "--clearenv", 0, NULL, SEC_PROC,
	  "start with an empty environment (PWD and container=sbx are kept)", h_clearenv, 0 },
	{ "--argv0", 1, "VALUE", SEC_PROC, "argv[0] of the command", h_argv0, 0 },
	{ "--die-with-parent", 0, NULL, SEC_PROC, "kill the sandbox when the caller dies", h_bool,
	  CFG(die_with_parent) },
	{ "--new-session", 0, NULL, SEC_PROC,
	  "run the command in a new terminal session (no controlling terminal)", h_bool,
	  CFG(new_session) },
	{ "--pty", 0, NULL, SEC_PROC,
	  "give the command a pseudo-terminal of its own, relayed to yours (the default when one "
	  "of fds 0-2 is a terminal, except with --bare)",
	  h_pty, PTY_ON },
	{ "--no-pty", 0, NULL, SEC_PROC,
	  "no pty: the command shares your terminal (and can type into it: TIOCSTI)", h_pty,
	  PTY_OFF },
	{ "--as-pid-1", 0, NULL, SEC_PROC, "run the command as PID 1 (no sbx init)", h_bool,
	  CFG(as_pid_1) },
	{ "--timeout", 1, "DURATION", SEC_PROC,
	  "SIGTERM the sandbox after DURATION (30s, 2m), SIGKILL 2 s later; exit 124", h_timeout,
	  0 },
	{ "--rlimit", 1, "NAME=SOFT[:HARD]", SEC_PROC, "set a resource limit (e.g. NOFILE=1024)",
	  h_rlimit, 0 },
	{ "--cap-add", 1, "CAP", SEC_PROC,
	  "keep capability CAP (or ALL) inside the sandbox's user namespace", h_cap, 1 },
	{ "--cap-drop", 1, "CAP", SEC_PROC, "drop capability CAP (or ALL) again", h_cap, 0 },
	{ "--seccomp", 1, "FD|none", SEC_PROC,
	  "replace the default seccomp filter by the BPF program read from FD (none: no filter)",
	  h_seccomp, 0 },
	{ "--add-seccomp-fd", 1, "FD", SEC_PROC, "also load the seccomp BPF program read from FD",
	  h_add_seccomp_fd, 0 },
	{ "--seccomp-profile", 1, "FILE", SEC_PROC,
	  "replace the default seccomp filter by an OCI/Docker JSON seccomp profile",
	  h_seccomp_profile, 0 },
	{ "--seccomp-export", 1, "FILE", SEC_PROC,
	  "write the default seccomp filter as BPF to FILE and exit", h_seccomp_export, 0 },
	{ "--allow-tiocsti", 0, NULL, SEC_PROC,
	  "do not refuse TIOCSTI and TIOCLINUX (terminal input injection) whatever the filter",
	  h_bool, CFG(allow_tiocsti) },

	/* Resource limits */
	{ "--memory", 1, "SIZE", SEC_LIMITS,
	  "memory limit (e.g. 512M); the command is killed beyond it", h_limit, 0 },
	{ "--memory-swap", 1, "SIZE", SEC_LIMITS, "swap limit (0: no swap)", h_limit, 1 },
	{ "--cpus", 1, "N", SEC_LIMITS, "CPU time limit in CPUs (e.g. 1.5)", h_limit, 2 },
	{ "--cpu-weight", 1, "1-10000", SEC_LIMITS, "CPU share relative to others (default 100)",
	  h_limit, 3 },
	{ "--io-weight", 1, "1-10000", SEC_LIMITS, "I/O share relative to others (default 100)",
	  h_limit, 4 },
	{ "--pids", 1, "N", SEC_LIMITS, "at most N processes and threads", h_limit, 5 },
	{ "--cgroup", 1, "BACKEND", SEC_LIMITS,
	  "auto (default), systemd (user scope), direct (delegated subtree), none, try (best "
	  "effort)",
	  h_cgroup, 0 },
	{ "--slice", 1, "NAME", SEC_LIMITS, "systemd slice for the sandbox's scope", h_slice, 0 },
	{ "--cgroup-writable", 0, NULL, SEC_LIMITS,
	  "let the sandbox manage its own cgroup subtree (/sys/fs/cgroup writable)", h_bool,
	  CFG(cgroup_writable) },

	/* File descriptors */
	{ "--info-fd", 1, "FD", SEC_FD, "write JSON with the child pid and namespaces to FD", h_fd,
	  CFG(info_fd) },
	{ "--json-status-fd", 1, "FD", SEC_FD, "write JSON status lines (start, exit) to FD", h_fd,
	  CFG(json_status_fd) },
	{ "--sync-fd", 1, "FD", SEC_FD, "keep FD open inside while the sandbox runs", h_fd,
	  CFG(sync_fd) },
	{ "--block-fd", 1, "FD", SEC_FD, "wait for data on FD before running the command", h_fd,
	  CFG(block_fd) },
	{ "--userns-block-fd", 1, "FD", SEC_FD, "wait for data on FD before setting up", h_fd,
	  CFG(userns_block_fd) },
};

static const struct option_def *find_option(const char *arg, const char **inline_val)
{
	const char *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : strlen(arg);

	*inline_val = NULL;
	if (streq(arg, "-h"))
		arg = "--help", n = 6;
	else if (streq(arg, "-v"))
		arg = "--verbose", n = 9;
	for (size_t i = 0; i < ELEMENTSOF(options); i++) {
		if (strlen(options[i].name) != n || strncmp(options[i].name, arg, n) != 0)
			continue;
		if (eq) {
			if (options[i].nargs != 1)
				return NULL;
			*inline_val = eq + 1;
		}
		return &options[i];
	}
	return NULL;
}

static int parse_list(struct parse_state *s, char **args, size_t n, size_t *consumed);

static int parse_args_fd(struct parse_state *s, const char *fdstr)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_free_ char **v = NULL;
	size_t len, n = 0, consumed;
	int fd, r;

	if ((r = parse_fd("--args", fdstr, &fd)) < 0)
		return r;
	if (++s->args_depth > 8)
		return sbx_errx("--args: nested too deeply");
	r = read_fd_all(fd, &buf, &len);
	close(fd);
	if (r < 0)
		return sbx_err(-r, "--args: read fd %d", fd);
	for (size_t i = 0; i < len; i += strlen(buf + i) + 1) {
		v = xrealloc(v, (n + 1) * sizeof(char *));
		v[n++] = buf + i;
	}
	for (size_t i = 0; i < n; i++)
		if (streq(v[i], "--bare") || streq(v[i], "--profile") ||
		    strncmp(v[i], "--profile=", 10) == 0)
			return sbx_errx("--args: %s must be given on the command line: it decides "
					"what everything else is laid on",
					v[i]);
	r = parse_list(s, v, n, &consumed);
	s->args_depth--;
	if (r < 0)
		return r;
	if (consumed < n)
		return sbx_errx(
			"--args: the command must be given on the command line, not in fd %d", fd);
	return 0;
}

/* Parses options until the first non-option or "--"; *consumed says how many were used. */
static int parse_list(struct parse_state *s, char **args, size_t n, size_t *consumed)
{
	size_t i = 0;

	while (i < n) {
		const char *arg = args[i], *inline_val;
		const struct option_def *d;
		char *vals[3];
		int r;

		if (streq(arg, "--")) {
			i++;
			*consumed = i;
			return 1; /* end of options, explicitly */
		}
		if (arg[0] != '-' || !arg[1])
			break;
		d = find_option(arg, &inline_val);
		if (!d)
			return sbx_errx("unknown option '%s' (see sbx --help)", arg);
		if (inline_val) {
			vals[0] = (char *)inline_val;
		} else {
			if (i + (size_t)d->nargs >= n)
				return sbx_errx("%s needs %d argument%s: %s", d->name, d->nargs,
						d->nargs > 1 ? "s" : "", d->argnames);
			for (int k = 0; k < d->nargs; k++)
				vals[k] = args[i + 1 + (size_t)k];
			i += (size_t)d->nargs;
		}
		i++;
		r = d->handler(s, d, vals);
		if (r < 0)
			return r;
	}
	*consumed = i;
	return 0;
}

/* Splits a profile line into words: blanks separate, "..." and '...' quote, a backslash
 * escapes the next character (not within '...'; within "...", \n is a newline, which
 * --dry-run writes for one), '#' at the start of a word begins a comment. */
static int split_line(const char *p, char ***ret)
{
	_cleanup_strv_free_ char **words = NULL;
	size_t cap = strlen(p) + 1;

	for (;;) {
		_cleanup_free_ char *w = NULL;
		size_t n = 0;
		char quote = 0;

		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (!*p || *p == '#')
			break;
		w = xmalloc(cap);
		for (; *p; p++) {
			if (quote) {
				if (*p == quote) {
					quote = 0;
					continue;
				}
				if (*p == '\\' && quote == '"' && p[1]) {
					p++;
					w[n++] = *p == 'n' ? '\n' : *p;
					continue;
				}
				w[n++] = *p;
			} else if (*p == '"' || *p == '\'') {
				quote = *p;
			} else if (*p == ' ' || *p == '\t' || *p == '\r') {
				break;
			} else {
				if (*p == '\\' && p[1])
					p++;
				w[n++] = *p;
			}
		}
		if (quote)
			return sbx_errx("unterminated %c quote", quote);
		w[n] = '\0';
		strv_push(&words, TAKE_PTR(w));
	}
	*ret = TAKE_PTR(words);
	return 0;
}

static int parse_profile_line(struct parse_state *s, char **words)
{
	_cleanup_free_ char **args = NULL;
	_cleanup_free_ char *opt = NULL;
	size_t n = strv_length(words), consumed = 0;
	int r;

	if (streq(words[0], "include")) {
		if (n != 2)
			return sbx_errx("include needs exactly one profile name");
		return parse_profile(s, words[1], false);
	}
	if (words[0][0] == '-')
		return sbx_errx("'%s': write options without the leading dashes", words[0]);
	opt = xasprintf("--%s", words[0]);
	{
		const char *inl;
		const struct option_def *d = find_option(opt, &inl);
		if (!d || !d->help || d->handler == h_action || streq(d->name, "--bare") ||
		    streq(d->name, "--args"))
			return sbx_errx("unknown or misplaced option '%s'", words[0]);
		if (n - 1 != (size_t)d->nargs && !inl)
			return sbx_errx("%s takes %d argument%s (%s), got %zu", words[0], d->nargs,
					d->nargs == 1 ? "" : "s", d->argnames ? d->argnames : "",
					n - 1);
	}
	args = xmalloc((n + 1) * sizeof(char *));
	args[0] = opt;
	for (size_t i = 1; i < n; i++)
		args[i] = words[i];
	r = parse_list(s, args, n, &consumed);
	return r < 0 ? r : 0;
}

static int parse_profile(struct parse_state *s, const char *name, bool user_may_shadow)
{
	_cleanup_free_ char *text = NULL, *origin = NULL;
	char *line, *save = NULL;
	unsigned lineno = 0;
	int r;

	if (s->profile_depth >= 16)
		return sbx_errx("profile %s: includes nested too deeply (an include loop?)", name);
	if ((r = profile_find(name, user_may_shadow, &text, &origin)) < 0)
		return r;
	strv_push(&s->c->profiles_used, xstrdup(origin));
	s->profile_depth++;
	/* strtok_r would merge empty lines and break the line count; split by hand. */
	for (line = text; line; line = save) {
		_cleanup_strv_free_ char **words = NULL;
		save = strchr(line, '\n');
		if (save)
			*save++ = '\0';
		lineno++;
		r = split_line(line, &words);
		if (r == 0 && words)
			r = parse_profile_line(s, words);
		if (r < 0) {
			/* Keep the innermost file:line of an include chain. */
			if (strncmp(sbx_errmsg(), "profile ", 8) != 0)
				r = sbx_err_wrap(r, "profile %s:%u", origin, lineno);
			s->profile_depth--;
			return r;
		}
	}
	s->profile_depth--;
	return 0;
}

/* --bare and --profile must be known before anything else is parsed: they decide what
 * the command line is laid on. */
static void prescan(int argc, char **argv, bool *bare, char ***profiles)
{
	const char *base = argv[0] ? strrchr(argv[0], '/') : NULL;

	base = base ? base + 1 : argv[0];
	if (base && streq(base, "bwrap"))
		*bare = true;
	for (int i = 1; i < argc; i++) {
		const char *inl;
		const struct option_def *d;
		if (argv[i][0] != '-' || streq(argv[i], "--"))
			break;
		d = find_option(argv[i], &inl);
		if (!d)
			break;
		if (streq(d->name, "--bare"))
			*bare = true;
		if (streq(d->name, "--profile") && (inl || i + 1 < argc))
			strv_push(profiles, xstrdup(inl ? inl : argv[i + 1]));
		if (!inl)
			i += d->nargs;
	}
}

/* A relative bind source or a --chdir target that a symlink redirects may not be what the
 * user meant: an earlier sandbox that could write there may have planted `build -> $HOME`. */
static void parse_state_done(struct parse_state *s)
{
	strv_free(s->overlay_srcs);
	s->overlay_srcs = NULL;
	free(TAKE_PTR(s->cwd_refused));
}

int cli_parse(int argc, char **argv, struct sbx_config *c, enum cli_action *action)
{
	_cleanup_(parse_state_done) struct parse_state s = { .c = c, .action = CLI_RUN };
	size_t consumed = 0;
	bool explicit_profiles;
	int r;

	_cleanup_strv_free_ char **profiles = NULL;

	prescan(argc, argv, &c->bare, &profiles);
	c->cwd = getcwd(NULL, 0);
	c->env = strv_copy(environ);
	if (!c->bare)
		env_set(&c->env, "container", "sbx");
	/* Only a profile named on the command line may be the user's own "default". */
	explicit_profiles = profiles != NULL;
	if (!profiles && !c->bare)
		strv_push(&profiles, xstrdup("default"));
	for (size_t i = 0; profiles && profiles[i]; i++) {
		s.profile_depth = 0;
		r = parse_profile(&s, profiles[i], explicit_profiles);
		if (r < 0)
			return r;
		if (s.has_perms || s.has_size || s.overlay_srcs)
			return sbx_errx("profile %s: ends with --perms, --size or --overlay-src "
					"waiting for its option",
					profiles[i]);
	}

	r = parse_list(&s, argv + 1, (size_t)(argc > 0 ? argc - 1 : 0), &consumed);
	if (r < 0)
		return r;
	*action = s.action;
	if (s.action != CLI_RUN && s.action != CLI_SECCOMP_EXPORT && s.action != CLI_DRY_RUN &&
	    s.action != CLI_ENTER)
		return 0;
	for (size_t i = 1 + consumed; i < (size_t)argc; i++)
		strv_push(&c->argv, xstrdup(argv[i]));
	if (s.action == CLI_ENTER && !c->argv) {
		const char *sh = getenv("SHELL");
		strv_push(&c->argv, xstrdup(sh && sh[0] == '/' ? sh : "/bin/sh"));
	}
	return cli_plan(&s);
}

/* What --help shows, so that it fits on a screen; --help-all shows every option. */
static const char *const common_options[] = {
	"--help",    "--help-all",	  "--version", "--check",
	"--profile", "--dry-run",	  "--bare",    "--net",
	"--root",    "--hostname",	  "--bind",    "--ro-bind",
	"--tmpfs",   "--chdir",		  "--setenv",  "--clearenv",
	"--timeout", "--die-with-parent", "--cap-add", "--memory",
	"--cpus",    "--no-pty",	  "--pids",    "--name",
	"--list",    "--enter",		  "--stop",    "--seccomp-profile",
};

static bool is_common(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(common_options); i++)
		if (streq(common_options[i], name))
			return true;
	return false;
}

void cli_usage(FILE *f, bool all)
{
	size_t hidden = 0;

	fprintf(f, "Usage: sbx [OPTION...] [--] [COMMAND [ARG...]]\n"
		   "Run COMMAND (default: /bin/sh) in a sandbox, as an unprivileged user.\n"
		   "By default: the host's system read-only, an empty $HOME, no network, and the\n"
		   "current directory read-write when it is safe to share: one of your own, not\n"
		   "/, $HOME or above it, ~/.*, $XDG_RUNTIME_DIR, /run, /tmp or /var/tmp itself,\n"
		   "nor reached through a symlink (else not shared: --bind-cwd shares it).\n");
	for (int sec = 0; sec < _SEC_MAX; sec++) {
		bool title = false;
		for (size_t i = 0; i < ELEMENTSOF(options); i++) {
			const struct option_def *d = &options[i];
			char left[64];
			if (d->section != (enum opt_section)sec || !d->help)
				continue;
			if (!all && !is_common(d->name)) {
				hidden++;
				continue;
			}
			if (!title)
				fprintf(f, "\n%s:\n", section_titles[sec]);
			title = true;
			snprintf(left, sizeof(left), "%s%s%s", d->name, d->argnames ? " " : "",
				 d->argnames ? d->argnames : "");
			fprintf(f, "  %-30s %s\n", left, d->help);
		}
	}
	fprintf(f, "\nExit status: the command's own; 128+N if it died of signal N; 124 timeout;\n"
		   "125 sbx failed; 126 command not executable; 127 command not found.\n");
	if (hidden)
		fprintf(f, "%zu more options (bubblewrap's and sbx's): sbx --help-all, man sbx.\n",
			hidden);
}

void cli_print_options(FILE *f)
{
	for (size_t i = 0; i < ELEMENTSOF(options); i++)
		if (options[i].help)
			fprintf(f, "%s %d %s\n", options[i].name, options[i].nargs,
				options[i].argnames ? options[i].argnames : "");
}

const char *cli_version(void)
{
	return SBX_VERSION;
}
