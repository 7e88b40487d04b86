/* SPDX-License-Identifier: MIT */
#include "base/config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

void config_init(struct sbx_config *c)
{
	*c = (struct sbx_config){
		.caller_uid = getuid(),
		.caller_gid = getgid(),
		.info_fd = -1,
		.json_status_fd = -1,
		.sync_fd = -1,
		.block_fd = -1,
		.userns_block_fd = -1,
		.userns_fd = -1,
		.userns2_fd = -1,
		.pidns_fd = -1,
		.seccomp_fd = -1,
		.stop_signal = SIGTERM,
		.stop_grace_usec = 5000000,
		.limits = { LIMIT_UNSET, LIMIT_UNSET, LIMIT_UNSET, LIMIT_UNSET, LIMIT_UNSET,
			    LIMIT_UNSET },
	};
	c->uid = c->caller_uid;
	c->gid = c->caller_gid;
}

void config_free(struct sbx_config *c)
{
	for (size_t i = 0; i < c->n_ops; i++) {
		free(c->ops[i].src);
		free(c->ops[i].dest);
		strv_free(c->ops[i].overlay_srcs);
		free(c->ops[i].workdir);
	}
	free(c->ops);
	free(c->publish);
	free(c->tcp_ports);
	free(c->net_helper);
	free(c->hostname);
	free(c->chdir);
	free(c->cwd);
	strv_free(c->profiles_used);
	strv_free(c->argv);
	free(c->argv0);
	strv_free(c->env);
	strv_free(c->env_ops);
	free(c->rlimits);
	strv_free(c->lock_files);
	free(c->add_seccomp_fds);
	free(c->pass_fds);
	free(c->seccomp_export);
	free(c->seccomp_profile);
	free(c->seccomp_profile_prog);
	free(c->slice);
	free(c->name);
	free(c->target);
	*c = (struct sbx_config){ 0 };
}

bool config_has_limits(const struct sbx_config *c)
{
	const struct sbx_limits *l = &c->limits;

	return l->memory != LIMIT_UNSET || l->memory_swap != LIMIT_UNSET ||
	       l->cpu_quota_usec != LIMIT_UNSET || l->cpu_weight != LIMIT_UNSET ||
	       l->io_weight != LIMIT_UNSET || l->pids != LIMIT_UNSET;
}

struct sbx_op *config_add_op(struct sbx_config *c, enum sbx_op_type type, const char *src,
			     const char *dest)
{
	struct sbx_op *op;

	c->ops = xrealloc(c->ops, (c->n_ops + 1) * sizeof(*c->ops));
	op = &c->ops[c->n_ops++];
	*op = (struct sbx_op){
		.type = type,
		.src = src ? xstrdup(src) : NULL,
		.dest = dest ? xstrdup(dest) : NULL,
		.fd = -1,
	};
	return op;
}
