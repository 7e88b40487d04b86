/* SPDX-License-Identifier: MIT */
#include "run/relay.h"

#include <errno.h>
#include <unistd.h>

#include "base/util.h"

void relay_add(struct relay *r, int from, int to, bool close_to_at_eof)
{
	if (r->n < RELAY_MAX)
		r->p[r->n++] = (struct relay_pipe){ .from = from,
						    .to = to,
						    .close_to_at_eof = close_to_at_eof };
}

size_t relay_pollfds(const struct relay *r, struct pollfd *fds)
{
	size_t k = 0;

	for (size_t i = 0; i < r->n; i++) {
		const struct relay_pipe *p = &r->p[i];
		if (p->len > p->off)
			fds[k++] = (struct pollfd){ .fd = p->to, .events = POLLOUT };
		else if (!p->eof)
			fds[k++] = (struct pollfd){ .fd = p->from, .events = POLLIN };
		else
			fds[k++] = (struct pollfd){ .fd = -1 };
	}
	return k;
}

static void at_eof(struct relay_pipe *p)
{
	p->eof = true;
	p->len = p->off = 0;
	if (p->close_to_at_eof && p->to >= 0) {
		close(p->to);
		p->to = -1;
	}
}

static void fill(struct relay_pipe *p)
{
	ssize_t n = read(p->from, p->buf, sizeof(p->buf));

	if (n > 0) {
		p->len = (size_t)n;
		p->off = 0;
	} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		at_eof(p); /* EIO on a pty master: its other side is gone */
	}
}

static void flush(struct relay_pipe *p)
{
	ssize_t n = write(p->to, p->buf + p->off, p->len - p->off);

	if (n > 0)
		p->off += (size_t)n;
	else if (n < 0 && errno != EINTR && errno != EAGAIN)
		at_eof(p); /* nobody reads any more: drop the rest */
	if (p->off == p->len)
		p->len = p->off = 0;
}

void relay_handle(struct relay *r, const struct pollfd *fds, size_t n)
{
	for (size_t i = 0; i < n && i < r->n; i++) {
		struct relay_pipe *p = &r->p[i];
		if (fds[i].fd < 0 || !fds[i].revents)
			continue;
		if (fds[i].events & POLLOUT)
			flush(p);
		else
			fill(p);
	}
}

void relay_drain(struct relay *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct relay_pipe *p = &r->p[i];
		if (p->close_to_at_eof)
			continue; /* towards the sandbox: nobody there any more */
		/* Bounded: what a process left behind in the sandbox keeps writing is not ours
		 * to wait for. */
		for (int rounds = 0; rounds < 1024; rounds++) {
			struct pollfd pf = { .fd = p->from, .events = POLLIN };
			if (p->len > p->off &&
			    write_all(p->to, p->buf + p->off, p->len - p->off) < 0)
				at_eof(p);
			p->len = p->off = 0;
			if (p->eof || poll(&pf, 1, 0) != 1)
				break;
			fill(p);
		}
	}
}
