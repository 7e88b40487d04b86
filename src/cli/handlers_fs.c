/* SPDX-License-Identifier: MIT */
/* The option handlers of the filesystem: each adds its op to the mount plan, in the order
 * given. */
#include "cli/options.h"

#include <string.h>
#include <unistd.h>

#include "app/apphome.h"
#include "app/appsock.h"
#include "base/log.h"
#include "cli/cwdrule.h"
#include "cli/profile.h"

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

int h_bind(struct parse_state *s, const struct option_def *d, char **a)
{
	struct sbx_op *op;
	int r = check_dest(d->name, a[1]);

	if (r < 0)
		return r;
	op = config_add_op(s->c, OP_BIND, a[0], a[1]);
	op->flags = (unsigned)d->flag;
	return take_pending(s, op, false, false, d->name);
}

int h_bind_fd(struct parse_state *s, const struct option_def *d, char **a)
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
int h_dest_op(struct parse_state *s, const struct option_def *d, char **a)
{
	enum sbx_op_type t = (enum sbx_op_type)d->flag;
	struct sbx_op *op;
	int r = check_dest(d->name, a[0]);

	if (r < 0)
		return r;
	op = config_add_op(s->c, t, NULL, a[0]);
	return take_pending(s, op, t == OP_TMPFS || t == OP_DIR, t == OP_TMPFS, d->name);
}

int h_symlink(struct parse_state *s, const struct option_def *d, char **a)
{
	int r = check_dest(d->name, a[1]);

	if (r < 0)
		return r;
	return take_pending(s, config_add_op(s->c, OP_SYMLINK, a[0], a[1]), false, false, d->name);
}

/* --file FD DEST, --bind-data FD DEST, --ro-bind-data FD DEST */
int h_fd_data(struct parse_state *s, const struct option_def *d, char **a)
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

int h_chmod(struct parse_state *s, const struct option_def *d, char **a)
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

int h_perms(struct parse_state *s, const struct option_def *d, char **a)
{
	int r;

	if (s->has_perms)
		return sbx_errx("%s given twice for the same action", d->name);
	if ((r = parse_mode(d->name, a[0], &s->perms)) < 0)
		return r;
	s->has_perms = true;
	return 0;
}

int h_size(struct parse_state *s, const struct option_def *d, char **a)
{
	int r;

	if (s->has_size)
		return sbx_errx("%s given twice for the same action", d->name);
	if ((r = parse_size(d->name, a[0], &s->size)) < 0)
		return r;
	if (s->size == 0)
		return sbx_errx("%s: size must be greater than zero", d->name);
	/* bubblewrap's bound: the kernel's tmpfs counts in a signed size. */
	if (s->size > SIZE_MAX / 2)
		return sbx_errx("%s: %s is too large (at most %zu)", d->name, a[0], SIZE_MAX / 2);
	s->has_size = true;
	return 0;
}

int h_overlay_src(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)d;
	strv_push(&s->overlay_srcs, xstrdup(a[0]));
	return 0;
}

int h_overlay(struct parse_state *s, const struct option_def *d, char **a)
{
	enum sbx_overlay_kind kind = (enum sbx_overlay_kind)d->flag;
	const char *dest = kind == OVERLAY_RW ? a[2] : a[0];
	size_t need = kind == OVERLAY_RO ? 2 : 1;
	struct sbx_op *op;
	int r = check_dest(d->name, dest);

	if (r < 0)
		return r;
	/* bubblewrap's wording, which its clients and its test suite look for. */
	if (strv_length(s->overlay_srcs) < need)
		return sbx_errx("%s requires at least %s --overlay-src", d->name,
				need == 1 ? "one" : "two");
	op = config_add_op(s->c, OP_OVERLAY, kind == OVERLAY_RW ? a[0] : NULL, dest);
	op->overlay = kind;
	op->overlay_srcs = TAKE_PTR(s->overlay_srcs);
	if (kind == OVERLAY_RW)
		op->workdir = xstrdup(a[1]);
	return take_pending(s, op, false, false, d->name);
}

int h_ro_bind_host(struct parse_state *s, const struct option_def *d, char **a)
{
	if (a[0][0] != '/')
		return sbx_errx("%s: '%s' is not an absolute path", d->name, a[0]);
	profile_ro_bind_host(s->c, a[0]);
	return 0;
}

int h_bind_cwd(struct parse_state *s, const struct option_def *d, char **a)
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

int h_tmpfs_home(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)d;
	(void)a;
	profile_tmpfs_home(s->c);
	return 0;
}

int h_home_persist(struct parse_state *s, const struct option_def *d, char **a)
{
	int r = apphome_add(s->c);

	(void)a;
	if (r < 0)
		return r;
	return take_pending(s, &s->c->ops[s->c->n_ops - 1], false, false, d->name);
}

/* The plan becomes plain ops and setenv, so that --dry-run prints back exactly what is
 * passed and reading that back gives the same sandbox. */
int h_socket(struct parse_state *s, const struct option_def *d, char **a)
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

int h_lock_file(struct parse_state *s, const struct option_def *d, char **a)
{
	int r = check_dest(d->name, a[0]);

	if (r < 0)
		return r;
	strv_push(&s->c->lock_files, xstrdup(a[0]));
	return 0;
}

int h_selinux(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)s;
	(void)a;
	if (access("/sys/fs/selinux/enforce", F_OK) != 0)
		return sbx_errx("%s: SELinux is not enabled on this host", d->name);
	return sbx_errx("%s: SELinux labels are not supported yet by this version of sbx", d->name);
}
