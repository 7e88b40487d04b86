/* SPDX-License-Identifier: MIT */
/* sbx's PID 1, and its supervisor's last part, as a small freestanding program (no libc).
 * sbx's child starts the command and then execs this, instead of staying on as a copy of
 * sbx; the supervisor execs it when the sandbox runs for a while and nothing of sbx's own
 * is left to clean up afterwards. A glibc process costs ~1.3 ms more to start and end on
 * the machines sbx was measured on, and keeps ~1.5 MB resident; this one a few pages.
 * What it does is init.c's init_wait and supervise.c's supervise, which remain for the cases
 * that cannot exec it.
 *
 * argv: sbx's own, as ps showed it; the environment holds only SBX_PID1, the role and its
 * numbers in hex (-1: no fd):
 *   "init:ERR,MEM,LIMIT,CMD,EARLY,FLAGS"  PID 1 (init_main): ERR the error pipe (records
 *       "CODE:MESSAGE\0", then "=CODE\0", as in init.c); MEM memory.events, for the OOM
 *       message, LIMIT the memory limit; CMD the command, started already; EARLY the
 *       signals pending before it existed; FLAGS 2: undumpable (no guard capability)
 *   "monitor:CHILD,ERR,TIMEOUT,FLAGS"     the supervisor (monitor_main)
 * The forwarded signals and SIGCHLD arrive blocked from sbx (exec keeps the mask and what
 * is pending), and the children too. */
#include <asm/unistd.h>
#include <linux/prctl.h>
#include <linux/poll.h>
#include <linux/signal.h>
#include <linux/signalfd.h>
#include <linux/time.h>
#include <linux/time_types.h>
#include <linux/timerfd.h>
#include <linux/wait.h>
#include <stdbool.h>

#include "run/proto.h"
#include <stddef.h>
#include <stdint.h>

#define EINTR_ 4
#define SI_KERNEL_ 0x80

/* ---- system calls ------------------------------------------------------------------ */

#if defined(__x86_64__)
static long sc6(long n, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long r;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return r;
}

/* _start: the kernel leaves argc, argv..., 0, envp..., 0 at the stack pointer. */
__asm__(".text\n.globl _start\n_start:\n\txor %ebp,%ebp\n\tmov %rsp,%rdi\n"
	"\tand $-16,%rsp\n\tcall pid1_main\n\thlt\n");

#else
#error "src/run/pid1: no system call glue for this architecture (the Makefile builds it for x86_64 only)"
#endif

#define SC(...) SC_(__VA_ARGS__, 0, 0, 0, 0, 0, 0)
#define SC_(n, a, b, c, d, e, f, ...) \
	sc6(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

__attribute__((noreturn)) static void sys_exit(int code)
{
	for (;;)
		SC(__NR_exit_group, code);
}

/* The compiler may emit calls to these for struct copies and initialisers. */
void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;

	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

static size_t str_len(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

/* ---- messages ---------------------------------------------------------------------- */

struct buf {
	char s[1200];
	size_t n;
};

static void put(struct buf *b, const char *s)
{
	while (*s && b->n < sizeof(b->s) - 1)
		b->s[b->n++] = *s++;
	b->s[b->n] = '\0';
}

static void put_num(struct buf *b, unsigned long long v)
{
	char t[24];
	int i = 0;

	do
		t[i++] = (char)('0' + v % 10);
	while ((v /= 10) && i < 23);
	while (i > 0 && b->n < sizeof(b->s) - 1)
		b->s[b->n++] = t[--i];
	b->s[b->n] = '\0';
}

static int err_fd = -1;

/* One record to sbx, NUL included (see supervise.c). */
static void report(int code, struct buf *msg)
{
	struct buf r = { .n = 0 };

	put_num(&r, (unsigned)code);
	put(&r, ":");
	put(&r, msg->s);
	if (err_fd >= 0)
		SC(__NR_write, err_fd, r.s, r.n + 1);
}

/* ---- arguments --------------------------------------------------------------------- */

struct opts {
	long err, mem, cmd;
	unsigned long long limit, early, flags;
};

static unsigned long long hex_field(const char **s, bool *neg)
{
	unsigned long long v = 0;

	*neg = false;
	if (**s == '-') {
		*neg = true;
		(*s)++;
	}
	for (;; (*s)++) {
		char c = **s;
		if (c >= '0' && c <= '9')
			v = v * 16 + (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (unsigned)(c - 'a' + 10);
		else
			break;
	}
	if (**s == ',')
		(*s)++;
	return v;
}

static long fd_field(const char **s)
{
	bool neg;
	unsigned long long v = hex_field(s, &neg);

	return neg ? -1 : (long)v;
}

static unsigned long long num_field(const char **s)
{
	bool neg;

	return hex_field(s, &neg);
}

/* ---- PID 1 ------------------------------------------------------------------------- */

/* init.c's forwarded signals (init_forwarded_signals), as a mask. */
static unsigned long long forwarded(void)
{
	static const int sigs[] = { SBX_FORWARDED_SIGNALS };
	unsigned long long set = 0;

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		set |= 1ULL << (sigs[i] - 1);
	return set;
}

static long oom_kills(long fd)
{
	char buf[512];
	long n = fd < 0 ? -1 : SC(__NR_pread64, fd, buf, sizeof(buf) - 1, 0);
	static const char key[] = "oom_kill ";

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	for (long i = 0; i + 9 <= n; i++) {
		long k = 0, v = 0;
		while (k < 9 && buf[i + k] == key[k])
			k++;
		if (k < 9 || (i > 0 && buf[i - 1] != '\n'))
			continue;
		for (i += 9; buf[i] >= '0' && buf[i] <= '9'; i++)
			v = v * 10 + (buf[i] - '0');
		return v;
	}
	return 0;
}

static void put_size(struct buf *b, unsigned long long v)
{
	static const char units[] = "KMGT";
	int u = -1;

	while (u < 3 && v >= 1024 && v % 1024 == 0) {
		v /= 1024;
		u++;
	}
	put_num(b, v);
	if (u < 0) {
		put(b, " bytes");
	} else {
		char s[2] = { units[u], '\0' };
		put(b, s);
	}
}

__attribute__((noreturn)) static void finish(const struct opts *o, int status)
{
	int code = sbx_status_code(status);
	struct buf m = { .n = 0 };

	/* The command itself killed, or a shell reporting a child's SIGKILL as 137. */
	if (code == 128 + SIGKILL && oom_kills(o->mem) > 0) {
		put(&m, "killed: memory limit ");
		put_size(&m, o->limit);
		put(&m, " reached");
		report(137, &m);
		sys_exit(137);
	}
	/* The supervisor leaves on this, which ends us (PR_SET_PDEATHSIG), or ends us itself
	 * when it has to wait for us. Our exit tears down the sandbox's namespaces, which
	 * takes the kernel a while (a mount tree to free, an expedited RCU grace period):
	 * the caller need not wait for that. */
	m.s[0] = '=';
	m.n = 1;
	put_num(&m, (unsigned)code);
	if (SC(__NR_write, o->err, m.s, m.n + 1) < 0)
		sys_exit(code);
	for (;;)
		SC(__NR_ppoll, NULL, 0, NULL, NULL, 0);
}

static void set_name(const char *argv0)
{
	const char *name = argv0;

	/* Named like sbx in ps and /proc/PID/comm, not after the memfd we were run from. */
	for (const char *p = argv0; *p; p++)
		if (*p == '/')
			name = p + 1;
	SC(__NR_prctl, PR_SET_NAME, name, 0, 0, 0);
}

__attribute__((noreturn)) static void init_main(char **argv, const char *s)
{
	unsigned long long set = forwarded() | (1ULL << (SIGCHLD - 1));
	struct opts o;

	o.err = fd_field(&s);
	o.mem = fd_field(&s);
	o.limit = num_field(&s);
	o.cmd = fd_field(&s);
	o.early = num_field(&s);
	o.flags = num_field(&s);
	err_fd = (int)o.err;
	set_name(argv[0]);
	/* exec made us dumpable again; see drop_privileges in child.c */
	if (o.flags & 2)
		SC(__NR_prctl, PR_SET_DUMPABLE, 0, 0, 0, 0);

	for (;;) {
		siginfo_t si;
		long sig = SC(__NR_rt_sigtimedwait, &set, &si, NULL, 8);

		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			/* From the terminal (SI_KERNEL) it reached the command's process group
			 * already: sending it again would deliver it twice; unless it came
			 * before the command existed (early, init_spawn_command). */
			if (si.si_code != SI_KERNEL_ || (o.early & (1ULL << (sig - 1)))) {
				o.early &= ~(1ULL << (sig - 1));
				SC(__NR_kill, o.cmd, sig);
			}
			continue;
		}
		for (;;) {
			int status;
			long p = SC(__NR_wait4, -1, &status, WNOHANG, NULL);
			if (p <= 0)
				break;
			if (p == o.cmd)
				finish(&o, status);
		}
	}
}

/* ---- the supervisor ---------------------------------------------------------------- */

/* What sbx's supervisor does once the child has started, when nothing of sbx's own is left
 * to clean up afterwards (launch.c, supervise.c): sbx execs this, so that the process the
 * caller waits for is not a copy of sbx either. SBX_PID1="monitor:CHILD,ERR,TIMEOUT,FLAGS"
 * (TIMEOUT in microseconds, 0: none; FLAGS: PID1_MONITOR_* of run/proto.h). */

struct monitor {
	long child, err, sig, timer;
	int timeouts; /* 0: none yet, 1: SIGTERM sent, 2: SIGKILL sent */
	bool exited, ended;
	int status, ended_code;
	struct buf msg;
	int msg_code;
};

static bool arm(long fd, unsigned long long usec)
{
	struct __kernel_itimerspec its = { .it_value = { .tv_sec = (long long)(usec / 1000000),
							 .tv_nsec = (long long)(usec % 1000000) *
								    1000 } };

	return SC(__NR_timerfd_settime, fd, 0, &its, NULL) == 0;
}

static void on_record(struct monitor *m, const char *rec)
{
	struct init_record r;

	init_parse_record(rec, &r);
	if (r.ended) {
		m->ended = true;
		m->ended_code = r.code;
		return;
	}
	/* The first failure is the cause; later ones are consequences. */
	if (m->msg.n)
		return;
	m->msg_code = r.code;
	put(&m->msg, r.text);
}

/* Records are written whole and are few, so one read returns only whole ones. */
static void read_records(struct monitor *m)
{
	char buf[4096];
	long n = SC(__NR_read, m->err, buf, sizeof(buf) - 1);

	if (n == -EINTR_ || n == -11 /* EAGAIN */)
		return;
	if (n <= 0) {
		SC(__NR_close, m->err);
		m->err = -1;
		return;
	}
	buf[n] = '\0';
	for (char *rec = buf; rec < buf + n; rec += str_len(rec) + 1)
		on_record(m, rec);
}

static void on_signals(struct monitor *m)
{
	struct signalfd_siginfo si;

	while (SC(__NR_read, m->sig, &si, sizeof(si)) == (long)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			int status;
			if (SC(__NR_wait4, m->child, &status, WNOHANG, NULL) == m->child) {
				m->exited = true;
				m->status = status;
			}
			continue;
		}
		/* From the terminal (SI_KERNEL) the signal went to the whole foreground
		 * process group, the command included: do not send it twice. */
		if (si.ssi_code != SI_KERNEL_)
			SC(__NR_kill, m->child, si.ssi_signo);
	}
}

static void on_timer(struct monitor *m)
{
	unsigned long long ticks;

	SC(__NR_read, m->timer, &ticks, sizeof(ticks));
	/* Without a timer for the grace period, no grace: a --timeout always ends it. */
	if (m->timeouts++ == 0 && arm(m->timer, SBX_KILL_GRACE_USEC)) {
		SC(__NR_kill, m->child, SIGTERM);
	} else {
		m->timeouts = 2;
		SC(__NR_kill, m->child, SIGKILL);
	}
}

__attribute__((noreturn)) static void monitor_main(char **argv, const char *s)
{
	unsigned long long set = forwarded() | (1ULL << (SIGCHLD - 1)), timeout, flags;
	struct monitor m = { .msg.n = 0 };
	struct buf line = { .n = 0 };
	int code;

	m.child = fd_field(&s);
	m.err = fd_field(&s);
	timeout = num_field(&s);
	flags = num_field(&s);
	set_name(argv[0]);
	m.sig = SC(__NR_signalfd4, -1, &set, 8, SFD_CLOEXEC | SFD_NONBLOCK);
	m.timer = SC(__NR_timerfd_create, CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	/* A --timeout that could not be armed would never fire: the command does not run. */
	if (m.sig < 0 || m.timer < 0 || (timeout && !arm(m.timer, timeout))) {
		static const char why[] =
			": PID 1: no signalfd or timer; the command was stopped\n";
		put(&line, (flags & PID1_MONITOR_BWRAP_NAME) ? "bwrap" : "sbx");
		put(&line, why);
		SC(__NR_kill, m.child, SIGKILL);
		SC(__NR_write, 2, line.s, line.n);
		sys_exit((flags & PID1_MONITOR_BWRAP_STATUS) ? 1 : 125);
	}
	while (!m.exited && !m.ended) {
		struct pollfd p[3] = {
			{ .fd = (int)m.sig, .events = POLLIN },
			{ .fd = (int)m.timer, .events = POLLIN },
			{ .fd = (int)m.err, .events = POLLIN },
		};
		if (SC(__NR_ppoll, p, 3, NULL, NULL, 0) < 0)
			continue;
		if (p[2].revents)
			read_records(&m);
		if (p[1].revents)
			on_timer(&m);
		if (p[0].revents)
			on_signals(&m);
	}
	/* A message written just before exit is still in the pipe ("=CODE" is the last). */
	while (m.err >= 0 && !m.ended)
		read_records(&m);

	if (m.timeouts > 0)
		code = 124;
	else if (m.ended)
		code = m.ended_code;
	else
		code = sbx_status_code(m.status);
	/* As supervise_exit_code: sbx's own failure, said as such. */
	if (code == 125 && m.msg.n && m.msg_code == 125 && (flags & PID1_MONITOR_BWRAP_STATUS))
		code = 1;
	if (m.timeouts > 0 || m.msg.n) {
		put(&line, (flags & PID1_MONITOR_LEVEL_PREFIX) ? "<3>" : "");
		put(&line, (flags & PID1_MONITOR_BWRAP_NAME) ? "bwrap: " : "sbx: ");
		put(&line, m.timeouts > 0 ? "timed out; the sandbox was stopped" : m.msg.s);
		put(&line, "\n");
		SC(__NR_write, 2, line.s, line.n);
	}
	sys_exit(code);
}

static bool starts_with(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return false;
	return true;
}

static const char *env_get(char **envp, const char *name)
{
	size_t n = str_len(name);

	for (; *envp; envp++) {
		const char *e = *envp;
		size_t i = 0;
		while (i < n && e[i] == name[i])
			i++;
		if (i == n && e[i] == '=')
			return e + n + 1;
	}
	return NULL;
}

__attribute__((noreturn, used)) void pid1_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);
	const char *role = env_get(argv + argc + 1, "SBX_PID1");

	/* Only sbx sets SBX_PID1 (and clears it from its own environment at start). */
	if (role && starts_with(role, "init:"))
		init_main(argv, role + 5);
	if (role && starts_with(role, "monitor:"))
		monitor_main(argv, role + 8);
	sys_exit(125);
}
