/* SPDX-License-Identifier: MIT */
#pragma once
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

/* Copies bytes from one fd to another inside a caller's poll loop, never blocking on an
 * fd of sbx's own (a pipe or a pty master, made non-blocking) and never changing the
 * caller's fds' flags (shared with the caller's other processes). Used where a sandbox
 * must not be handed the caller's own fds or terminal (sbx --enter). */
#define RELAY_MAX 3
#define RELAY_BUF 65536

struct relay_pipe {
	int from, to;
	bool close_to_at_eof; /* our pipe towards the sandbox: EOF passes on */
	bool eof;
	size_t len, off;
	char buf[RELAY_BUF];
};
struct relay {
	size_t n;
	struct relay_pipe p[RELAY_MAX];
};

void relay_add(struct relay *r, int from, int to, bool close_to_at_eof);
/* Fills fds (room for RELAY_MAX) with what to wait for; returns how many. */
size_t relay_pollfds(const struct relay *r, struct pollfd *fds);
/* After poll: moves what is ready. */
void relay_handle(struct relay *r, const struct pollfd *fds, size_t n);
/* Once the command has ended: whatever it left in the pipes towards the caller. */
void relay_drain(struct relay *r);
