/* SPDX-License-Identifier: MIT */
#pragma once
/* The helper process of user-mode networking (pasta, slirp4netns): its command line, its
 * start with the fds it expects, and slirp4netns's API socket for --publish. netuser.c
 * decides when, waits for it and stops it. Internal to src/net/. */
#include <sys/types.h>

#include "base/config.h"
#include "net/netuser.h"

/* pasta answers DNS sent to this address with the host's resolver (--dns-forward). A
 * link-local address is never one of the host's own, which pasta copies into the sandbox;
 * podman picked the same one. */
#define PASTA_DNS "169.254.1.1"

/* slirp4netns's API socket, for --publish: in a directory of its own, removed once the
 * ports are published (the socket is only used while sbx starts the sandbox). */
struct slirp_api {
	char *dir, *socket;
};
void slirp_api_done(struct slirp_api *a);

/* The helper's argv for c->net, to serve child's network namespace; for slirp4netns with
 * --publish, also the API socket's place in *api. */
int netuser_helper_argv(const struct sbx_config *c, pid_t child, struct slirp_api *api,
			char ***ret);

/* Forks the helper, its output to log_fd, and records it in nu; the read end of its ready
 * pipe into *ret_ready_rd. Only the helper keeps the write end, so EOF says it died. */
int netuser_helper_spawn(const struct sbx_config *c, char **argv, int log_fd, struct netuser *nu,
			 int *ret_ready_rd);

/* Asks slirp4netns, through its API socket, to forward the host port of p. */
int slirp_publish(const char *socket_path, const struct sbx_publish *p);
