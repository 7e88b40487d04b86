/* SPDX-License-Identifier: MIT */
/* The option handlers of the command's process: its environment, argv0, terminal, timeout,
 * rlimits, seccomp filters and capabilities. */
#include "cli/options.h"

#include <string.h>

#include "base/log.h"
#include "setup/caps.h"

static void env_unset(char **env, const char *name)
{
	ssize_t i = env_find(env, name);

	if (i < 0)
		return;
	free(env[i]);
	memmove(&env[i], &env[i + 1], (strv_length(env) - (size_t)i) * sizeof(char *));
}

int h_setenv(struct parse_state *s, const struct option_def *d, char **a)
{
	if (!a[0][0] || strchr(a[0], '='))
		return sbx_errx("%s: invalid variable name '%s'", d->name, a[0]);
	env_set(&s->c->env, a[0], a[1]);
	strv_push(&s->c->env_ops, xasprintf("setenv=%s=%s", a[0], a[1]));
	return 0;
}

int h_unsetenv(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)d;
	env_unset(s->c->env, a[0]);
	strv_push(&s->c->env_ops, xasprintf("unsetenv=%s", a[0]));
	return 0;
}

int h_clearenv(struct parse_state *s, const struct option_def *d, char **a)
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

int h_pty(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)a;
	s->c->pty = (enum sbx_pty_mode)d->flag;
	return 0;
}

int h_landlock(struct parse_state *s, const struct option_def *d, char **a)
{
	int i = cli_mode_index(d, "mode", a[0], cli_landlock_modes, cli_n_landlock_modes,
			       "auto, off or require");

	if (i < 0)
		return i;
	s->c->landlock = (enum sbx_landlock)i;
	return 0;
}

int h_fallback(struct parse_state *s, const struct option_def *d, char **a)
{
	int i = cli_mode_index(d, "mode", a[0], cli_fallback_modes, cli_n_fallback_modes,
			       "none or landlock");

	if (i < 0)
		return i;
	s->c->fallback = (enum sbx_fallback)i;
	return 0;
}

int h_tcp_port(struct parse_state *s, const struct option_def *d, char **a)
{
	struct sbx_config *c = s->c;
	uint64_t port;
	int r = parse_range(d->name, a[0], 0, 65535, &port);

	if (r < 0)
		return r;
	c->tcp_ports = xrealloc(c->tcp_ports, (c->n_tcp_ports + 1) * sizeof(*c->tcp_ports));
	c->tcp_ports[c->n_tcp_ports++] = (struct sbx_tcp_port){ (uint16_t)port, d->flag };
	return 0;
}

int h_timeout(struct parse_state *s, const struct option_def *d, char **a)
{
	return parse_duration(d->name, a[0], &s->c->timeout_usec);
}

int h_rlimit(struct parse_state *s, const struct option_def *d, char **a)
{
	struct sbx_rlimit r;
	int ret = parse_rlimit(d->name, a[0], &r);

	if (ret < 0)
		return ret;
	s->c->rlimits = xrealloc(s->c->rlimits, (s->c->n_rlimits + 1) * sizeof(r));
	s->c->rlimits[s->c->n_rlimits++] = r;
	return 0;
}

/* A filter's fd; in bwrap mode with bubblewrap's message, which its callers look for. */
static int seccomp_fd_arg(const struct parse_state *s, const struct option_def *d, const char *arg,
			  int *ret)
{
	int r = parse_fd(d->name, arg, ret);

	if (r < 0 && s->c->bare)
		return sbx_errx("Invalid fd: %s", arg);
	return r;
}

int h_seccomp(struct parse_state *s, const struct option_def *d, char **a)
{
	if (streq(a[0], SECCOMP_NONE)) {
		s->c->seccomp_disabled = true;
		s->c->seccomp_fd = -1;
		free(TAKE_PTR(s->c->seccomp_profile));
		return 0;
	}
	/* sbx stacks them; bubblewrap refuses the two together. */
	if (s->c->bare && s->c->n_add_seccomp_fds > 0)
		return sbx_errx("--seccomp cannot be combined with --add-seccomp-fd");
	s->c->seccomp_disabled = false;
	free(TAKE_PTR(s->c->seccomp_profile));
	return seccomp_fd_arg(s, d, a[0], &s->c->seccomp_fd);
}

/* The last of --seccomp and --seccomp-profile wins. The file is read once parsing ends
 * (finalize): includes/excludes depend on the final --cap-add. */
int h_seccomp_profile(struct parse_state *s, const struct option_def *d, char **a)
{
	if (!a[0][0])
		return sbx_errx("%s: empty file name", d->name);
	free(s->c->seccomp_profile);
	s->c->seccomp_profile = xstrdup(a[0]);
	s->c->seccomp_disabled = false;
	s->c->seccomp_fd = -1;
	return 0;
}

int h_add_seccomp_fd(struct parse_state *s, const struct option_def *d, char **a)
{
	int fd, r;

	if (s->c->bare && s->c->seccomp_fd >= 0)
		return sbx_errx("--add-seccomp-fd cannot be combined with --seccomp");
	if ((r = seccomp_fd_arg(s, d, a[0], &fd)) < 0)
		return r;
	s->c->add_seccomp_fds =
		xrealloc(s->c->add_seccomp_fds, (s->c->n_add_seccomp_fds + 1) * sizeof(int));
	s->c->add_seccomp_fds[s->c->n_add_seccomp_fds++] = fd;
	return 0;
}

int h_seccomp_export(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)d;
	free(s->c->seccomp_export);
	s->c->seccomp_export = xstrdup(a[0]);
	s->action = CLI_SECCOMP_EXPORT;
	return 0;
}

int h_cap(struct parse_state *s, const struct option_def *d, char **a)
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
