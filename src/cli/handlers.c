/* SPDX-License-Identifier: MIT */
/* The option handlers of the general options, the named sandboxes, the resource limits and
 * the inherited fds, and the generic ones (a bool, an fd, an action) any section uses. */
#include "cli/options.h"

#include <signal.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "named/registry.h"

int h_action(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)a;
	s->action = (enum cli_action)d->flag;
	return 0;
}

int h_noop(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)s;
	(void)d;
	(void)a;
	return 0;
}

int h_verbose(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)d;
	(void)a;
	s->c->verbose++;
	log_set_verbose(s->c->verbose);
	return 0;
}

int h_level_prefix(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)s;
	(void)d;
	(void)a;
	log_set_level_prefix(true);
	return 0;
}

int h_profile(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)d;
	/* On the command line, profiles were applied before everything else (cli_parse);
	 * inside a profile, this is an include. */
	if (s->profile_depth == 0)
		return 0;
	return cli_parse_profile(s, a[0], false);
}

int h_args(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)d;
	return cli_parse_args_fd(s, a[0]);
}

int h_bool(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)a;
	/* flag is the offset of a bool in struct sbx_config */
	*(bool *)((char *)s->c + d->flag) = true;
	return 0;
}

int h_string(struct parse_state *s, const struct option_def *d, char **a)
{
	/* flag is the offset of a char * in struct sbx_config */
	char **field = (char **)((char *)s->c + d->flag);

	free(*field);
	*field = xstrdup(a[0]);
	return 0;
}

int h_chdir(struct parse_state *s, const struct option_def *d, char **a)
{
	/* As bubblewrap: a second --chdir on one command line is likely a mistake. A
	 * profile's is one the command line may override. */
	if (s->profile_depth == 0 && s->chdir_given)
		log_warn("Only the last --chdir option will take effect");
	if (s->profile_depth == 0)
		s->chdir_given = true;
	return h_string(s, d, a);
}

int h_fd(struct parse_state *s, const struct option_def *d, char **a)
{
	return parse_fd(d->name, a[0], (int *)((char *)s->c + d->flag));
}

int h_name(struct parse_state *s, const struct option_def *d, char **a)
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
int h_target(struct parse_state *s, const struct option_def *d, char **a)
{
	int r = registry_valid_name(a[0]);

	if (r < 0)
		return r;
	free(s->c->target);
	s->c->target = xstrdup(a[0]);
	s->action = (enum cli_action)d->flag;
	return 0;
}

int h_signal(struct parse_state *s, const struct option_def *d, char **a)
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

int h_grace(struct parse_state *s, const struct option_def *d, char **a)
{
	return parse_duration(d->name, a[0], &s->c->stop_grace_usec);
}

int h_limit(struct parse_state *s, const struct option_def *d, char **a)
{
	struct sbx_limits *l = &s->c->limits;

	switch (d->flag) {
	case CLI_LIMIT_MEMORY:
		return parse_size(d->name, a[0], &l->memory);
	case CLI_LIMIT_MEMORY_SWAP:
		return parse_size(d->name, a[0], &l->memory_swap);
	case CLI_LIMIT_CPUS:
		return parse_cpus(d->name, a[0], &l->cpu_quota_usec);
	case CLI_LIMIT_CPU_WEIGHT:
		return parse_range(d->name, a[0], 1, 10000, &l->cpu_weight);
	case CLI_LIMIT_IO_WEIGHT:
		return parse_range(d->name, a[0], 1, 10000, &l->io_weight);
	default: /* CLI_LIMIT_PIDS */
		return parse_range(d->name, a[0], 1, UINT32_MAX, &l->pids);
	}
}

int cli_mode_index(const struct option_def *d, const char *what, const char *arg,
		   const char *const *modes, size_t n, const char *expected)
{
	for (size_t i = 0; i < n; i++)
		if (streq(arg, modes[i]))
			return (int)i;
	return sbx_errx("%s: unknown %s '%s' (expected %s)", d->name, what, arg, expected);
}

int h_cgroup(struct parse_state *s, const struct option_def *d, char **a)
{
	int i = cli_mode_index(d, "backend", a[0], cli_cgroup_modes, cli_n_cgroup_modes,
			       "auto, systemd, direct or none");

	if (i < 0)
		return i;
	s->c->cgroup = (enum sbx_cgroup_mode)i;
	return 0;
}

int h_slice(struct parse_state *s, const struct option_def *d, char **a)
{
	size_t n = strlen(a[0]);

	if (n < 7 || strcmp(a[0] + n - 6, ".slice") != 0 || strchr(a[0], '/'))
		return sbx_errx("%s: '%s' is not a slice name (e.g. sbx.slice)", d->name, a[0]);
	free(s->c->slice);
	s->c->slice = xstrdup(a[0]);
	return 0;
}
