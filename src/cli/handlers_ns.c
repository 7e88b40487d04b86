/* SPDX-License-Identifier: MIT */
/* The option handlers of the namespaces, the network and the identity inside. */
#include "cli/options.h"

#include <sched.h>
#include <string.h>

#include "base/log.h"
#include "net/netuser.h"

int h_unshare(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)a;
	s->unshare_req |= d->flag;
	if (d->flag & CLONE_NEWNET)
		s->share_net = false;
	return 0;
}

int h_unshare_all(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)d;
	(void)a;
	s->unshare_req |= CLONE_NEWUSER | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUTS;
	s->unshare_cgroup_try = true;
	s->share_net = false;
	return 0;
}

int h_unshare_cgroup(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)a;
	if (d->flag)
		s->unshare_cgroup_try = true;
	else
		s->unshare_cgroup_req = true;
	return 0;
}

int h_share_net(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)d;
	(void)a;
	s->share_net = true;
	s->unshare_req &= ~(unsigned long)CLONE_NEWNET;
	return 0;
}

int h_net(struct parse_state *s, const struct option_def *d, char **a)
{
	const char *mode = streq(a[0], "loopback") ? cli_net_modes[NET_NONE] : a[0];
	int i = cli_mode_index(d, "network mode", mode, cli_net_modes, cli_n_net_modes,
			       "none, host, pasta, slirp4netns or auto");

	if (i < 0)
		return i;
	/* host shares the caller's namespace; every other mode is a new one, and the
	 * user-mode ones connect it through their helper. */
	s->share_net = i == NET_HOST;
	if (s->share_net)
		s->unshare_req &= ~(unsigned long)CLONE_NEWNET;
	else
		s->unshare_req |= CLONE_NEWNET;
	s->user_net = i > NET_HOST ? (enum sbx_net)i : NET_NONE;
	s->net_set = true;
	return 0;
}

int h_publish(struct parse_state *s, const struct option_def *d, char **a)
{
	struct sbx_publish p;
	int r = netuser_parse_publish(d->name, a[0], &p);

	if (r < 0)
		return r;
	s->c->publish = xrealloc(s->c->publish, (s->c->n_publish + 1) * sizeof(p));
	s->c->publish[s->c->n_publish++] = p;
	return 0;
}

int h_id(struct parse_state *s, const struct option_def *d, char **a)
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

int h_root(struct parse_state *s, const struct option_def *d, char **a)
{
	(void)d;
	(void)a;
	s->c->uid = 0;
	s->c->gid = 0;
	return 0;
}

int h_hostname(struct parse_state *s, const struct option_def *d, char **a)
{
	if (!a[0][0] || strlen(a[0]) > 64)
		return sbx_errx("%s: invalid hostname '%s' (1 to 64 characters)", d->name, a[0]);
	free(s->c->hostname);
	s->c->hostname = xstrdup(a[0]);
	s->hostname_set = true;
	return 0;
}
