/* SPDX-License-Identifier: MIT */
/* The supervisor (run/supervise.h): while the sandbox runs, sbx forwards signals, ends a
 * --timeout, relays the pty, answers sbx --enter, and reads PID 1's records; then the
 * exit status. */
#include "run/supervise.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/log.h"
#include "named/enterctl.h"
#include "net/netuser.h"
#include "run/launch.h"
#include "run/pid1.h"
#include "run/proto.h"
#include "run/pty.h"

void supervisor_init(struct supervisor *s, const struct sbx_config *c, struct netuser *net,
		     struct sbx_pty *pty)
{
	*s = (struct supervisor){ .c = c,
				  .err_fd = -1,
				  .sig_fd = -1,
				  .timer_fd = -1,
				  .shrink_fd = -1,
				  .net = net,
				  .ctl_fd = -1,
				  .init_pidfd = -1,
				  .pty = pty };
}

static void read_record(struct supervisor *s, const char *rec)
{
	struct init_record r;
	size_t len;

	init_parse_record(rec, &r);
	if (r.ended) {
		s->ended = true;
		s->ended_code = r.code;
		return;
	}
	/* The first failure is the cause; later ones are consequences. */
	if (s->msg[0])
		return;
	len = strnlen(r.text, sizeof(s->msg) - 1);
	s->msg_code = r.code;
	memcpy(s->msg, r.text, len);
	s->msg[len] = '\0';
}

/* Records are written whole (at most a few, each under PIPE_BUF), so one read returns
 * only whole ones. */
static void read_messages(struct supervisor *s)
{
	char buf[4096];
	ssize_t n;

	if (s->err_fd < 0)
		return;
	n = read(s->err_fd, buf, sizeof(buf) - 1);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(s->err_fd);
		s->err_fd = -1;
		return;
	}
	buf[n] = '\0';
	for (char *rec = buf; rec < buf + n; rec += strlen(rec) + 1)
		read_record(s, rec);
}

/* Once the child is gone: what it wrote before, without waiting for more. */
void supervise_read_failure(struct supervisor *s)
{
	struct pollfd p = { .fd = s->err_fd, .events = POLLIN };

	if (poll(&p, 1, 0) == 1 && (p.revents & POLLIN))
		read_messages(s);
}

int supervise_arm_timer(int fd, uint64_t usec)
{
	struct itimerspec its = { .it_value = { .tv_sec = (time_t)(usec / 1000000),
						.tv_nsec = (long)(usec % 1000000) * 1000 } };

	if (timerfd_settime(fd, 0, &its, NULL) < 0)
		return sbx_err(errno, "--timeout: timerfd_settime");
	return 0;
}

int supervise_open(struct supervisor *s, const sigset_t *fwd)
{
	s->sig_fd = signalfd(-1, fwd, SFD_CLOEXEC | SFD_NONBLOCK);
	s->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (s->sig_fd < 0 || s->timer_fd < 0)
		return sbx_err(errno, "signalfd/timerfd");
	if (s->c->timeout_usec)
		return supervise_arm_timer(s->timer_fd, s->c->timeout_usec);
	return 0;
}

static void on_signal(struct supervisor *s)
{
	struct signalfd_siginfo si;

	while (read(s->sig_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			int status;
			pid_t p = waitpid(s->child, &status, WNOHANG);
			if (p == s->child) {
				s->exited = true;
				s->status = status;
			}
			continue;
		}
		/* The pty's foreground job learns the new size from the kernel. */
		if (si.ssi_signo == SIGWINCH && pty_used(s->pty)) {
			pty_signal(s->pty, SIGWINCH);
			continue;
		}
		if (si.ssi_signo == SIGCONT)
			pty_signal(s->pty, SIGCONT);
		/* From the terminal (SI_KERNEL) the signal went to the whole foreground
		 * process group, the command included: do not send it twice. With a pty
		 * the sandbox is in no group of the caller's terminal: pass it on. */
		if (si.ssi_code != SI_KERNEL || pty_used(s->pty))
			kill(s->child, (int)si.ssi_signo);
	}
}

static void on_timer(struct supervisor *s)
{
	uint64_t ticks;

	(void)!read(s->timer_fd, &ticks, sizeof(ticks));
	if (s->timeouts++ == 0) {
		kill(s->child, SIGTERM);
		/* Without the grace timer, no SIGKILL would follow: send it now. */
		if (supervise_arm_timer(s->timer_fd, SBX_KILL_GRACE_USEC) < 0)
			kill(s->child, SIGKILL);
	} else {
		kill(s->child, SIGKILL);
	}
}

/* A sandbox that runs for a while is supervised by sbx's small program (pid1_monitor), so
 * that the process the caller waits for keeps a few pages rather than a copy of sbx. Not
 * at once: the exec costs about as much as a short command, which is what most starts
 * run (a compile step), and then sbx leaves before it would pay off. */
#define SHRINK_AFTER_MSEC 100

static void shrink(struct supervisor *s)
{
	struct itimerspec left = { 0 };
	uint64_t usec;
	int fd = s->shrink_fd;

	s->shrink_fd = -1; /* once, whatever comes of it */
	/* What the small program cannot take over: a message read, a timeout that fired. */
	if (s->msg[0] || s->timeouts > 0 || s->exited || s->ended)
		return;
	if (s->c->timeout_usec && timerfd_gettime(s->timer_fd, &left) < 0)
		return;
	usec = (uint64_t)left.it_value.tv_sec * 1000000 + (uint64_t)left.it_value.tv_nsec / 1000;
	/* A timeout due right now is still a timeout: a microsecond rather than none (0). */
	if (s->c->timeout_usec && usec == 0)
		usec = 1;
	(void)pid1_monitor(fd, s->child, s->err_fd, usec,
			   (log_level_prefix() ? PID1_MONITOR_LEVEL_PREFIX : 0) |
				   (log_as_bwrap() ? PID1_MONITOR_BWRAP_NAME : 0) |
				   (s->c->bare ? PID1_MONITOR_BWRAP_STATUS : 0));
}

int supervise(struct supervisor *s)
{
	while (!s->exited && !(s->ended && s->leave_early)) {
		struct pollfd p[5 + PTY_NFDS] = {
			{ .fd = s->sig_fd, .events = POLLIN },
			{ .fd = s->timer_fd, .events = POLLIN },
			{ .fd = s->err_fd, .events = POLLIN },
			{ .fd = netuser_pollfd(s->net), .events = POLLIN },
			{ .fd = s->ctl_fd, .events = POLLIN },
		};
		size_t np = 5 + pty_pollfds(s->pty, p + 5);
		int n = poll(p, np,
			     s->shrink_fd >= 0 ? SHRINK_AFTER_MSEC : pty_poll_timeout(s->pty));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return sbx_err(errno, "poll");
		}
		if (n == 0 && s->shrink_fd >= 0)
			shrink(s);
		pty_handle(s->pty, p + 5);
		if (p[2].revents) {
			read_messages(s);
			/* sbx's PID 1 waits to be ended once it has said the status. */
			if (s->ended && !s->leave_early && !s->exited)
				kill(s->child, SIGKILL);
		}
		if (p[4].revents)
			enterctl_serve(s->ctl_fd, s->enter, s->init_pidfd);
		if (p[1].revents)
			on_timer(s);
		if (p[0].revents)
			on_signal(s);
		/* Not at the very end: the helper going with the sandbox is no news. */
		if (p[3].revents && !s->exited)
			netuser_on_exit(s->net);
	}
	/* A message written just before exit is still in the pipe ("=CODE" is the last). */
	while (s->err_fd >= 0 && !s->ended)
		read_messages(s);
	return 0;
}

/* A failure record of 125, 126 or 127 is said before the command's execve: sbx's setup
 * failed, or the exec itself. */
bool supervise_command_ran(const struct supervisor *s)
{
	return !(s->msg[0] && s->msg_code >= EXIT_SBX_FAILED && s->msg_code <= 127);
}

int supervise_exit_code(const struct supervisor *s)
{
	int code = EXIT_SBX_FAILED;

	if (s->timeouts > 0)
		return EXIT_TIMEOUT;
	if (s->ended)
		code = s->ended_code;
	else if (WIFEXITED(s->status))
		code = WEXITSTATUS(s->status);
	else if (WIFSIGNALED(s->status))
		return 128 + WTERMSIG(s->status);
	/* sbx's own failure, said as such; a command's own 125 passes through. */
	if (code == EXIT_SBX_FAILED && s->msg[0] && s->msg_code == EXIT_SBX_FAILED)
		return sbx_failed_status(s->c);
	return code;
}

int supervise_report(const struct supervisor *s, const char *what)
{
	if (s->msg[0] && s->timeouts == 0)
		log_error("%s", s->msg);
	else if (s->timeouts > 0)
		log_error("timed out; the %s was stopped", what);
	return supervise_exit_code(s);
}
