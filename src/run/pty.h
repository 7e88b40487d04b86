/* SPDX-License-Identifier: MIT */
#pragma once
/* An interactive sandbox's own pseudo-terminal, relayed to the caller's terminal (as ssh,
 * machinectl shell and sudo's use_pty do): nothing inside ever holds the caller's terminal,
 * so TIOCSTI, TIOCLINUX, taking its foreground or reading it after sbx returned cannot
 * reach it whatever filter is loaded.
 *
 * Use: pty_open before the fork; in the child pty_hand_over (a process of the sandbox that
 * is not the command) and pty_attach_child (the command, before exec); in the parent
 * pty_start, then pty_pollfds/pty_handle in the poll loop and pty_signal for SIGWINCH and
 * SIGCONT, pty_drain once the command ended, pty_restore before printing anything. */
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <termios.h>

#include "base/config.h"

#define PTY_NFDS 3 /* pollfds that pty_pollfds fills */
#define PTY_BUF 65536

struct pty_buf {
	size_t off, len;
	char data[PTY_BUF];
};

struct sbx_pty {
	int master; /* -1: no pty is used */
	int slave;
	int tty;	  /* the caller's terminal (one of 0..2), -1 if none */
	bool is_tty[3];	  /* which of the caller's 0..2 are terminals */
	bool on_slave[3]; /* which of 0..2 the command gets as the pty (the rest pass through) */
	bool no_ctty;	  /* the command gets the slave on 0..2 but not as its controlling
			   * terminal (--new-session); the caller sets it before the fork */
	bool raw;	  /* the caller's terminal is in raw mode (saved holds its modes) */
	struct termios saved;
	int in;		  /* relayed into the master: 0, or -1 (not relayed, EOF, background) */
	bool in_enabled;  /* 0 is relayed at all (it is on the slave) */
	bool in_eof;	  /* 0 said EOF */
	char last_in;	  /* the last byte written to the master */
	int out;	  /* the master's output goes here: the caller's terminal or fd 1 */
	int out_own;	  /* out reopened with O_NONBLOCK (its own file description), or -1 */
	bool master_gone; /* EIO: no process holds the slave any more */
	bool out_gone;	  /* the caller's side of the output failed (hangup, EPIPE) */
	struct pty_buf to_master, to_out;
};

/* Decides (PTY_AUTO: when one of fds 0..2 is a terminal) and opens /dev/ptmx and the slave
 * (O_CLOEXEC, O_NOCTTY), copying the caller's termios and window size to it. Returns 0 with
 * p->master == -1 when no pty is used. */
int pty_open(struct sbx_pty *p, enum sbx_pty_mode mode);

/* In a process of the sandbox that is not the command (its PID 1), right after the fork:
 * leaves the caller's session, puts the slave where the caller's terminal was on 0..2 and
 * closes the master, so that no process inside ever holds the caller's terminal. Changes
 * nothing in *p (it may run in a vfork child). */
int pty_hand_over(const struct sbx_pty *p);

/* In the command's process, before exec: setsid(), TIOCSCTTY on the slave (unless
 * no_ctty), the slave dup2'ed onto each of 0..2 that was a terminal (the others pass
 * straight through, so `sbx make > log` writes the file directly), the spare slave
 * closed (the master is O_CLOEXEC). Changes nothing in *p (it may run in a vfork child). */
int pty_attach_child(const struct sbx_pty *p);

/* In the parent after the fork: closes the slave and, when the caller's terminal is in the
 * foreground, puts it in raw mode (its modes saved for pty_restore). */
int pty_start(struct sbx_pty *p);

/* The relay, for the caller's poll loop: fills PTY_NFDS pollfds (fd -1 where there is
 * nothing to watch now) and returns PTY_NFDS; pty_handle acts on their revents:
 * caller's stdin → master, master → caller's terminal; EOF on a non-terminal stdin → the
 * terminal's EOF character; EIO on the master = the slave side is gone (master_gone). */
size_t pty_pollfds(struct sbx_pty *p, struct pollfd *fds);
void pty_handle(struct sbx_pty *p, const struct pollfd *fds);

/* The poll timeout (ms) the relay needs, -1 for none: while sbx runs in the background it
 * calls pty_handle now and then, to notice the shell's fg (which signals a running job
 * nothing) and take the terminal then. */
int pty_poll_timeout(const struct sbx_pty *p);

/* For the caller's signal handling (both must be blocked and read from its signalfd, and
 * SIGWINCH not forwarded to the command): SIGWINCH → the caller's window size to the pty,
 * whose foreground job the kernel tells; SIGCONT → raw mode again when back in the
 * foreground (a shell that stopped sbx restored its own modes), input paused when not. */
void pty_signal(struct sbx_pty *p, int sig);

/* After the command ended: the rest of its output. */
void pty_drain(struct sbx_pty *p);

/* The caller's modes back (only while it is in the foreground); idempotent. */
void pty_restore(struct sbx_pty *p);

/* pty_restore and all fds closed; for _cleanup_. */
void pty_close(struct sbx_pty *p);

static inline bool pty_used(const struct sbx_pty *p)
{
	return p->master >= 0;
}
