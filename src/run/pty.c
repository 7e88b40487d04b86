/* SPDX-License-Identifier: MIT */
#include "run/pty.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/log.h"

/* How long pty_drain waits for the caller's terminal to take more output (a terminal
 * stopped with ^S); after that the rest is dropped rather than sbx hanging. */
#define DRAIN_WAIT_MSEC 10000
/* How often sbx in the background looks whether it has the terminal's foreground: a shell's
 * fg sends no signal to a job that runs (only SIGCONT to a stopped one). */
#define BACKGROUND_CHECK_MSEC 200

static void copy_winsize(int from, int to)
{
	struct winsize ws;

	if (from >= 0 && ioctl(from, TIOCGWINSZ, &ws) == 0)
		(void)ioctl(to, TIOCSWINSZ, &ws);
}

static int open_slave(int master)
{
	char name[64];
	int fd;

	/* TIOCGPTPEER (Linux 4.13) opens the very slave of this master, without a path that
	 * could be swapped under us; the path is the fallback. */
	fd = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	if (ptsname_r(master, name, sizeof(name)) != 0)
		return sbx_err(errno, "pty: ptsname");
	fd = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return sbx_err(errno, "pty: open %s", name);
	return fd;
}

int pty_open(struct sbx_pty *p, enum sbx_pty_mode mode)
{
	struct termios t;
	bool any = false;
	int fd;

	p->master = p->slave = p->tty = p->in = p->out = p->out_own = -1;
	p->raw = p->in_enabled = p->in_eof = p->master_gone = p->out_gone = false;
	p->last_in = '\n';
	p->to_master.off = p->to_master.len = p->to_out.off = p->to_out.len = 0;
	for (int i = 0; i < 3; i++) {
		p->is_tty[i] = isatty(i);
		p->on_slave[i] = p->is_tty[i];
		if (p->is_tty[i] && p->tty < 0)
			p->tty = i;
		any |= p->is_tty[i];
	}
	if (mode == PTY_OFF || (mode == PTY_AUTO && !any))
		return 0;
	/* --pty without a terminal (ssh -tt): the pty takes all three, fed from stdin. */
	if (!any)
		p->on_slave[0] = p->on_slave[1] = p->on_slave[2] = true;

	fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return sbx_err(errno, "pty: open /dev/ptmx");
	if (unlockpt(fd) < 0 || fcntl(fd, F_SETFL, O_NONBLOCK) < 0) {
		int e = errno;
		close(fd);
		return sbx_err(e, "pty: unlockpt");
	}
	p->slave = open_slave(fd);
	if (p->slave < 0) {
		close(fd);
		return p->slave;
	}
	p->master = fd;
	if (p->tty >= 0 && tcgetattr(p->tty, &t) == 0) {
		/* Not raw on our side (stdin is no terminal): the caller's terminal turns \n
		 * into \r\n already. */
		if (!p->is_tty[0])
			t.c_oflag &= ~(tcflag_t)OPOST;
		(void)tcsetattr(p->slave, TCSANOW, &t);
	}
	copy_winsize(p->tty, p->slave);
	p->in_enabled = p->on_slave[0];
	p->out = p->tty >= 0 ? p->tty : 1;
	return 0;
}

int pty_hand_over(const struct sbx_pty *p)
{
	if (!pty_used(p))
		return 0;
	close(p->master);
	/* Out of the caller's session: its terminal's ^C and hangup go to sbx, which passes
	 * them on, and /dev/tty no longer names the caller's terminal here. */
	if (setsid() < 0)
		return sbx_err(errno, "pty: setsid");
	for (int i = 0; i < 3; i++)
		if (p->on_slave[i] && dup2(p->slave, i) < 0)
			return sbx_err(errno, "pty: dup2 onto fd %d", i);
	return 0;
}

int pty_attach_child(const struct sbx_pty *p)
{
	if (p->slave < 0)
		return 0;
	/* A session of its own whose controlling terminal is the pty: the shell's job control
	 * works, and the foreground process group it gives back on exit exists (dash says
	 * "Cannot set tty process group" otherwise). Already a session leader: PID 1 itself
	 * (--as-pid-1, after pty_hand_over). */
	if (setsid() < 0 && getsid(0) != getpid())
		return sbx_err(errno, "pty: setsid");
	if (!p->no_ctty && ioctl(p->slave, TIOCSCTTY, 0) < 0)
		return sbx_err(errno, "pty: TIOCSCTTY");
	for (int i = 0; i < 3; i++)
		if (p->on_slave[i] && p->slave != i && dup2(p->slave, i) < 0)
			return sbx_err(errno, "pty: dup2 onto fd %d", i);
	/* The master is O_CLOEXEC (and sbx's PID 1 closed it already). */
	if (p->slave > 2)
		close(p->slave);
	return 0;
}

static bool in_foreground(const struct sbx_pty *p)
{
	return p->tty >= 0 && tcgetpgrp(p->tty) == getpgrp();
}

/* Only in the foreground: from the background tcsetattr would stop sbx with SIGTTOU (or,
 * with SIGTTOU ignored, change the modes under the job that has the terminal). */
static void set_raw(struct sbx_pty *p)
{
	struct termios t;

	if (p->tty < 0 || !p->is_tty[0] || !in_foreground(p))
		return;
	if (!p->raw && tcgetattr(p->tty, &p->saved) < 0)
		return;
	t = p->saved;
	cfmakeraw(&t);
	if (tcsetattr(p->tty, TCSADRAIN, &t) == 0)
		p->raw = true;
}

/* The caller's 0 is read only while sbx has the terminal's foreground: in the background a
 * read would stop sbx (SIGTTIN), and what the user types belongs to the outer shell. */
static void update_input(struct sbx_pty *p)
{
	bool on = p->in_enabled && !p->in_eof && (!p->is_tty[0] || in_foreground(p));

	p->in = on ? 0 : -1;
}

/* Waiting in the background for the terminal, to take it once the shell gives it. */
static bool waits_for_foreground(const struct sbx_pty *p)
{
	return pty_used(p) && p->is_tty[0] && p->in_enabled && !p->in_eof && p->in < 0 &&
	       !p->master_gone;
}

int pty_poll_timeout(const struct sbx_pty *p)
{
	return waits_for_foreground(p) ? BACKGROUND_CHECK_MSEC : -1;
}

int pty_start(struct sbx_pty *p)
{
	if (!pty_used(p))
		return 0;
	close(p->slave);
	p->slave = -1;
	/* Writes to the caller's terminal go through a description of our own, non-blocking,
	 * so that a terminal that takes no more output (^S) does not block the supervisor;
	 * O_NONBLOCK on the shared one would leak to the caller's shell. */
	if (p->tty >= 0) {
		char path[32];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", p->out);
		p->out_own = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
		if (p->out_own >= 0)
			p->out = p->out_own;
	}
	set_raw(p);
	update_input(p);
	return 0;
}

size_t pty_pollfds(struct sbx_pty *p, struct pollfd *fds)
{
	bool to_master = p->to_master.len > p->to_master.off;
	bool to_out = p->to_out.len > p->to_out.off;

	for (size_t i = 0; i < PTY_NFDS; i++)
		fds[i] = (struct pollfd){ .fd = -1 };
	if (!pty_used(p))
		return PTY_NFDS;
	if (!p->master_gone && ((!to_out && !p->out_gone) || to_master)) {
		fds[0].fd = p->master;
		fds[0].events = (short)((!to_out ? POLLIN : 0) | (to_master ? POLLOUT : 0));
	}
	if (p->in >= 0 && !to_master && !p->master_gone)
		fds[1] = (struct pollfd){ .fd = p->in, .events = POLLIN };
	if (to_out && !p->out_gone)
		fds[2] = (struct pollfd){ .fd = p->out, .events = POLLOUT };
	return PTY_NFDS;
}

/* Writes what b holds to fd as far as it goes now; -errno when fd is done for. */
static int flush_buf(struct pty_buf *b, int fd)
{
	while (b->off < b->len) {
		ssize_t n = write(fd, b->data + b->off, b->len - b->off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			b->off = b->len = 0;
			return -errno;
		}
		b->off += (size_t)n;
	}
	b->off = b->len = 0;
	return 0;
}

static void flush_out(struct sbx_pty *p)
{
	if (flush_buf(&p->to_out, p->out) < 0)
		p->out_gone = true;
}

/* One read of the master into to_out; false when nothing more is there now. */
static bool read_master(struct sbx_pty *p)
{
	ssize_t n;

	do
		n = read(p->master, p->to_out.data, sizeof(p->to_out.data));
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		/* EIO: every slave fd is closed; the output that came before is read first. */
		if (n == 0 || errno != EAGAIN)
			p->master_gone = true;
		return false;
	}
	if (p->out_gone)
		return true; /* read and dropped, so that the command does not block */
	p->to_out.off = 0;
	p->to_out.len = (size_t)n;
	flush_out(p);
	return true;
}

/* What a terminal's user does to say EOF: VEOF at the start of a line (one more VEOF ends
 * a line that has no newline yet). */
static void send_eof(struct sbx_pty *p)
{
	struct termios t;
	char eof = 4; /* ^D */

	if (tcgetattr(p->master, &t) == 0 && t.c_cc[VEOF] != _POSIX_VDISABLE)
		eof = (char)t.c_cc[VEOF];
	p->to_master.off = 0;
	p->to_master.len = 0;
	if (p->last_in != '\n')
		p->to_master.data[p->to_master.len++] = eof;
	p->to_master.data[p->to_master.len++] = eof;
	p->last_in = '\n';
}

static void read_input(struct sbx_pty *p)
{
	ssize_t n;

	do
		n = read(p->in, p->to_master.data, sizeof(p->to_master.data));
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) {
		/* A terminal's EOF arrives as ^D in raw mode; 0 or EIO from one is a hangup. */
		p->in_eof = true;
		update_input(p);
		if (!p->is_tty[0])
			send_eof(p);
		return;
	}
	p->to_master.off = 0;
	p->to_master.len = (size_t)n;
	p->last_in = p->to_master.data[n - 1];
}

void pty_handle(struct sbx_pty *p, const struct pollfd *fds)
{
	if (!pty_used(p))
		return;
	if (waits_for_foreground(p) && in_foreground(p))
		pty_signal(p, SIGCONT);
	if (fds[2].fd >= 0 && fds[2].revents)
		flush_out(p);
	if (fds[1].fd >= 0 && fds[1].revents)
		read_input(p);
	if (fds[0].fd >= 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) && p->to_out.len == 0)
		(void)read_master(p);
	if (p->to_master.len > p->to_master.off && flush_buf(&p->to_master, p->master) < 0)
		p->master_gone = true;
}

void pty_signal(struct sbx_pty *p, int sig)
{
	if (!pty_used(p))
		return;
	if (sig == SIGWINCH)
		copy_winsize(p->tty, p->master);
	/* Back in the foreground: resized meanwhile, perhaps (SIGWINCH goes to the
	 * foreground only). */
	if (sig == SIGCONT) {
		set_raw(p);
		update_input(p);
		if (p->in >= 0)
			copy_winsize(p->tty, p->master);
	}
}

static bool wait_out(struct sbx_pty *p)
{
	struct pollfd fd = { .fd = p->out, .events = POLLOUT };

	return poll(&fd, 1, DRAIN_WAIT_MSEC) > 0;
}

void pty_drain(struct sbx_pty *p)
{
	if (!pty_used(p))
		return;
	/* What the command left fits in the pty's buffers (a few reads); a process that
	 * outlived it (no PID namespace) and goes on writing must not keep sbx here. */
	for (int reads = 0; reads < 256; reads++) {
		while (!p->out_gone && p->to_out.len > p->to_out.off) {
			if (!wait_out(p)) {
				p->out_gone = true;
				break;
			}
			flush_out(p);
		}
		if (p->master_gone || !read_master(p))
			break;
	}
	/* The last read's output. */
	while (!p->out_gone && p->to_out.len > p->to_out.off && wait_out(p))
		flush_out(p);
}

void pty_restore(struct sbx_pty *p)
{
	if (!p->raw)
		return;
	p->raw = false;
	if (in_foreground(p))
		(void)tcsetattr(p->tty, TCSADRAIN, &p->saved);
}

void pty_close(struct sbx_pty *p)
{
	pty_restore(p);
	if (p->master >= 0)
		close(p->master);
	if (p->slave >= 0)
		close(p->slave);
	if (p->out_own >= 0)
		close(p->out_own);
	p->master = p->slave = p->out_own = -1;
}
