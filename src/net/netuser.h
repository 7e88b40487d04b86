/* SPDX-License-Identifier: MIT */
#pragma once
/* User-mode networking (--net=pasta|slirp4netns|auto): a helper running as the caller
 * connects the sandbox's network namespace to the host's sockets. sbx starts it once the
 * namespace exists, waits until it has configured the interface, and stops it at the end. */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/config.h"

struct netuser {
	enum sbx_net backend;
	pid_t pid;   /* the helper while it runs; -1 once reaped or never started */
	int pidfd;   /* readable when the helper exits */
	int exit_fd; /* slirp4netns --exit-fd: it quits when this end closes */
};

#define NETUSER_INIT                                                       \
	{                                                                  \
		.backend = NET_NONE, .pid = -1, .pidfd = -1, .exit_fd = -1 \
	}

/* The helper's binary for --net=pasta or --net=slirp4netns, as found in $PATH, and the
 * Debian package that has it. */
const char *netuser_helper_name(enum sbx_net n);
const char *netuser_helper_package(enum sbx_net n);

/* Parses a --publish value; pure. */
int netuser_parse_publish(const char *opt, const char *s, struct sbx_publish *ret);
/* "127.0.0.1:8080:80/tcp", "[::1]:53:53/udp": the form --dry-run prints. */
void netuser_format_publish(const struct sbx_publish *p, char *buf, size_t size);

/* Before launch, for a run: picks the helper (--net=auto: pasta, then slirp4netns), finds
 * its binary, and adds the read-only /etc/resolv.conf naming the helper's DNS forwarder. */
int netuser_prepare(struct sbx_config *c);

/* In the parent, after the uid/gid maps of child are written and before it is let go:
 * starts the helper and waits until the namespace has an address and a default route. */
int netuser_start(const struct sbx_config *c, pid_t child, struct netuser *nu);
/* An fd to poll for the helper's death (-1: nothing to watch). */
int netuser_pollfd(const struct netuser *nu);
/* The poll fd was readable: reaps the helper and warns that the network is gone. */
void netuser_on_exit(struct netuser *nu);
/* SIGTERM, a short grace, SIGKILL; reaps. Safe to call more than once. */
void netuser_stop(struct netuser *nu);
