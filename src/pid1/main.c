/* SPDX-License-Identifier: MIT */
/* sbx's PID 1, and its supervisor's last part, as a small freestanding program (no libc).
 * sbx's child execs it at the end of the setup instead of staying on as a copy of sbx, and
 * the supervisor execs it once the child has started (when it has nothing of its own to
 * clean up afterwards). A glibc process costs ~1.3 ms more to start and end on the
 * machines sbx was measured on, and keeps ~1.5 MB resident; this one a few pages. What it
 * does is init.c's init_run and init_exec_command and launch.c's supervise, which remain
 * for the cases that cannot exec it.
 *
 * PID 1: argv NAME "init:OPTIONS" FILE ARGV0 [ARG ...]; envp: the command's environment.
 * OPTIONS: "err,sync,mem,limit,from,keep,mask,flags", numbers in hex (-1: none):
 *   err    the error pipe (records "CODE:MESSAGE\0", then "=CODE\0", as in init.c)
 *   sync   --sync-fd, left open for the command
 *   mem    memory.events of the sandbox's cgroup, for the OOM message; limit its size
 *   from   our capabilities, keep the command's (caps_lower in caps.c)
 *   mask   the signal mask to restore in the command (its first 64 signals)
 *   flags  1: setsid in the command (--new-session); 2: undumpable (no guard capability)
 * The forwarded signals and SIGCHLD arrive blocked from sbx (exec keeps the mask and what
 * is pending). The supervisor's arguments are described at monitor_main. */
#include <asm/unistd.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <linux/prctl.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/signalfd.h>
#include <linux/time.h>
#include <linux/time_types.h>
#include <linux/timerfd.h>
#include <linux/wait.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EPERM_ 1
#define ENOENT_ 2
#define EINTR_ 4
#define EACCES_ 13
#define ENOEXEC_ 8
#define ENOTDIR_ 20
#define ESTALE_ 116
#define ENODEV_ 19
#define ETIMEDOUT_ 110

#define F_SETFD_ 2
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

/* spawn_raw(flags, stack_top, fn, arg): clone onto a stack of our own; the child calls
 * fn(arg) there and exits with its result. Returns the child's pid (or -errno). */
long spawn_raw(unsigned long flags, void *stack, int (*fn)(void *), void *arg);
__asm__(".text\n.globl spawn_raw\nspawn_raw:\n"
	"\tand $-16,%rsi\n\tsub $16,%rsi\n\tmov %rdx,0(%rsi)\n\tmov %rcx,8(%rsi)\n"
	"\txor %edx,%edx\n\txor %r10d,%r10d\n\txor %r8d,%r8d\n\tmov $56,%eax\n\tsyscall\n"
	"\ttest %rax,%rax\n\tjnz 1f\n\tpop %rax\n\tpop %rdi\n\tcall *%rax\n"
	"\tmov %eax,%edi\n\tmov $60,%eax\n\tsyscall\n\thlt\n1:\tret\n");
#elif defined(__aarch64__)
static long sc6(long n, long a, long b, long c, long d, long e, long f)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;

	__asm__ volatile("svc 0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory");
	return x0;
}

__asm__(".text\n.globl _start\n_start:\n\tmov x29,#0\n\tmov x0,sp\n\tbl pid1_main\n\tbrk #0\n");

long spawn_raw(unsigned long flags, void *stack, int (*fn)(void *), void *arg);
__asm__(".text\n.globl spawn_raw\nspawn_raw:\n"
	"\tand x1,x1,#~15\n\tstp x2,x3,[x1,#-16]!\n\tmov x2,#0\n\tmov x3,#0\n\tmov x4,#0\n"
	"\tmov x8,#220\n\tsvc 0\n\tcbnz x0,1f\n\tldp x1,x0,[sp],#16\n\tblr x1\n"
	"\tmov x8,#93\n\tsvc 0\n\tbrk #0\n1:\tret\n");
#else
#error "pid1.c: no system call glue for this architecture"
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

static bool str_has(const char *s, char c)
{
	for (; *s; s++)
		if (*s == c)
			return true;
	return false;
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

/* glibc's wording, for what execve can say */
static const char *err_text(int e)
{
	switch (e) {
	case 1:
		return "Operation not permitted";
	case 2:
		return "No such file or directory";
	case 5:
		return "Input/output error";
	case 7:
		return "Argument list too long";
	case 8:
		return "Exec format error";
	case 12:
		return "Cannot allocate memory";
	case 13:
		return "Permission denied";
	case 14:
		return "Bad address";
	case 20:
		return "Not a directory";
	case 21:
		return "Is a directory";
	case 22:
		return "Invalid argument";
	case 23:
		return "Too many open files in system";
	case 24:
		return "Too many open files";
	case 26:
		return "Text file busy";
	case 36:
		return "File name too long";
	case 40:
		return "Too many levels of symbolic links";
	case 80:
		return "Can not access a needed shared library";
	default:
		return "Unknown error";
	}
}

static int err_fd = -1;

/* One record to sbx, NUL included (see launch.c). */
static void report(int code, struct buf *msg)
{
	struct buf r = { .n = 0 };

	put_num(&r, (unsigned)code);
	put(&r, ":");
	put(&r, msg->s);
	if (err_fd >= 0)
		SC(__NR_write, err_fd, r.s, r.n + 1);
}

__attribute__((noreturn)) static void fail(int code, const char *what, long err)
{
	struct buf m = { .n = 0 };

	put(&m, what);
	if (err) {
		put(&m, ": ");
		put(&m, err_text((int)-err));
	}
	report(code, &m);
	sys_exit(code);
}

/* ---- arguments --------------------------------------------------------------------- */

struct opts {
	long err, sync, mem;
	unsigned long long limit, from, keep, mask, flags;
	const char *file;
	char **argv; /* argv[0] is the command's ARGV0 */
	char **envp;
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

/* ---- the command ------------------------------------------------------------------- */

static void lower_caps(unsigned long long from, unsigned long long keep)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {
		{ (uint32_t)keep, (uint32_t)keep, (uint32_t)keep },
		{ (uint32_t)(keep >> 32), (uint32_t)(keep >> 32), (uint32_t)(keep >> 32) },
	};
	long r;

	for (int cap = 0; cap < 64; cap++)
		if ((from & ~keep & (1ULL << cap)) &&
		    (r = SC(__NR_prctl, PR_CAPBSET_DROP, cap, 0, 0, 0)) < 0)
			fail(125, "capabilities: drop from the bounding set", r);
	if ((r = SC(__NR_capset, &hdr, data)) < 0)
		fail(125, "capabilities: set capabilities", r);
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

/* A file without a #! line: run it with /bin/sh, as execvp does. argv is the command's
 * part of our own argv, so argv[-1] (FILE's slot) is ours to borrow: "/bin/sh" PATH ARG...
 * without copying any number of arguments anywhere. */
static long exec_sh(const char *path, char **argv, char **envp)
{
	char *slot = argv[-1], *arg0 = argv[0];
	long r;

	argv[-1] = (char *)"/bin/sh";
	argv[0] = (char *)path;
	r = SC(__NR_execve, "/bin/sh", argv - 1, envp);
	argv[-1] = slot;
	argv[0] = arg0;
	return r;
}

static long exec_one(const char *path, char **argv, char **envp)
{
	long r = SC(__NR_execve, path, argv, envp);

	return r == -ENOEXEC_ ? exec_sh(path, argv, envp) : r;
}

/* execvpe: PATH from the command's own environment (like bubblewrap, which execs after
 * setting it), glibc's default without one. Returns -errno. */
static long exec_path(const char *file, char **argv, char **envp)
{
	const char *path = env_get(envp, "PATH");
	bool eacces = false;
	char full[4096];

	if (!file[0])
		return -ENOENT_;
	if (str_has(file, '/'))
		return exec_one(file, argv, envp);
	if (!path)
		path = "/bin:/usr/bin";
	for (const char *p = path;; p++) {
		const char *end = p;
		size_t dl, fl = str_len(file);
		long r;

		while (*end && *end != ':')
			end++;
		dl = (size_t)(end - p);
		if (dl + 1 + fl + 1 <= sizeof(full)) {
			size_t k = 0;
			if (dl == 0)
				full[k++] = '.';
			for (size_t i = 0; i < dl; i++)
				full[k++] = p[i];
			full[k++] = '/';
			for (size_t i = 0; i <= fl; i++)
				full[k++] = file[i];
			r = exec_one(full, argv, envp);
			if (r == -EACCES_)
				eacces = true;
			else if (r != -ENOENT_ && r != -ENOTDIR_ && r != -ESTALE_ &&
				 r != -ENODEV_ && r != -ETIMEDOUT_)
				return r;
		}
		if (!*end)
			break;
		p = end;
	}
	return eacces ? -EACCES_ : -ENOENT_;
}

static int command_main(void *arg)
{
	const struct opts *o = arg;
	unsigned long long mask = o->mask;
	struct buf m = { .n = 0 };
	long r;

	if ((o->flags & 1) && (r = SC(__NR_setsid)) < 0)
		fail(125, "new-session: setsid", r);
	lower_caps(o->from, o->keep);
	/* Only 0, 1, 2 and the fds passed on purpose reach the command. */
	SC(__NR_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	if (o->sync >= 0)
		SC(__NR_fcntl, o->sync, F_SETFD_, 0);
	SC(__NR_rt_sigprocmask, SIG_SETMASK, &mask, NULL, 8);
	r = exec_path(o->file, o->argv, o->envp);
	put(&m, o->file);
	if (r == -ENOENT_) {
		put(&m, ": command not found");
		report(127, &m);
		sys_exit(127);
	}
	put(&m, ": cannot execute: ");
	put(&m, err_text((int)-r));
	report(126, &m);
	sys_exit(126);
}

/* ---- PID 1 ------------------------------------------------------------------------- */

static unsigned long long forwarded(void)
{
	static const int sigs[] = { SIGINT,  SIGTERM, SIGHUP,	SIGQUIT,
				    SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT };
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

static int status_code(int status)
{
	int sig = status & 0x7f;

	if (sig == 0)
		return (status >> 8) & 0xff;
	if (sig != 0x7f)
		return 128 + sig;
	return 125;
}

__attribute__((noreturn)) static void finish(const struct opts *o, int status)
{
	int code = status_code(status);
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

static char command_stack[32 * 1024] __attribute__((aligned(16)));

static void set_name(const char *argv0)
{
	const char *name = argv0;

	/* Named like sbx in ps and /proc/PID/comm, not after the memfd we were run from. */
	for (const char *p = argv0; *p; p++)
		if (*p == '/')
			name = p + 1;
	SC(__NR_prctl, PR_SET_NAME, name, 0, 0, 0);
}

__attribute__((noreturn)) static void init_main(long argc, char **argv, char **envp)
{
	struct opts o = { .envp = envp };
	unsigned long long set = forwarded() | (1ULL << (SIGCHLD - 1)), early = 0;
	const char *s = argv[1] + 5;
	long cmd;

	if (argc < 4)
		sys_exit(125);
	o.err = fd_field(&s);
	o.sync = fd_field(&s);
	o.mem = fd_field(&s);
	o.limit = num_field(&s);
	o.from = num_field(&s);
	o.keep = num_field(&s);
	o.mask = num_field(&s);
	o.flags = num_field(&s);
	o.file = argv[2];
	o.argv = argv + 3;
	err_fd = (int)o.err;

	set_name(argv[0]);
	/* exec made us dumpable again; see drop_privileges in launch.c */
	if (o.flags & 2)
		SC(__NR_prctl, PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* A signal from the terminal that came during the setup reached us, not the command,
	 * which did not exist yet: it is passed on below although the terminal sent it. */
	SC(__NR_rt_sigpending, &early, 8);
	cmd = spawn_raw(CLONE_VM | CLONE_VFORK | SIGCHLD, command_stack + sizeof(command_stack),
			command_main, &o);
	if (cmd < 0)
		fail(125, "init: fork", cmd);

	for (;;) {
		siginfo_t si;
		long sig = SC(__NR_rt_sigtimedwait, &set, &si, NULL, 8);

		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			/* From the terminal (SI_KERNEL) it reached the command's process group
			 * already: sending it again would deliver it twice. */
			if (si.si_code != SI_KERNEL_ || (early & (1ULL << (sig - 1)))) {
				early &= ~(1ULL << (sig - 1));
				SC(__NR_kill, cmd, sig);
			}
			continue;
		}
		for (;;) {
			int status;
			long p = SC(__NR_wait4, -1, &status, WNOHANG, NULL);
			if (p <= 0)
				break;
			if (p == cmd)
				finish(&o, status);
		}
	}
}

/* ---- the supervisor ---------------------------------------------------------------- */

/* What sbx's supervisor does once the child has started, when nothing of sbx's own is left
 * to clean up afterwards (launch.c, supervise): sbx execs this, so that the process the
 * caller waits for is not a copy of sbx either. argv: sbx's own, as ps showed it;
 * SBX_MONITOR=CHILD,ERR,TIMEOUT,FLAGS in the environment (hex; TIMEOUT in microseconds,
 * 0: none; FLAGS 1: --level-prefix). */

#define KILL_GRACE_USEC 2000000ULL

struct monitor {
	long child, err, sig, timer;
	int timeouts; /* 0: none yet, 1: SIGTERM sent, 2: SIGKILL sent */
	bool exited, ended;
	int status, ended_code;
	struct buf msg;
	int msg_code;
};

static void arm(long fd, unsigned long long usec)
{
	struct __kernel_itimerspec its = { .it_value = { .tv_sec = (long long)(usec / 1000000),
							 .tv_nsec = (long long)(usec % 1000000) *
								    1000 } };

	SC(__NR_timerfd_settime, fd, 0, &its, NULL);
}

static long parse_dec(const char *s)
{
	long v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return v;
}

static void on_record(struct monitor *m, const char *rec)
{
	const char *text = rec;

	if (rec[0] == '=') {
		m->ended = true;
		m->ended_code = (int)parse_dec(rec + 1);
		return;
	}
	/* The first failure is the cause; later ones are consequences. */
	if (m->msg.n)
		return;
	m->msg_code = (int)parse_dec(rec);
	for (const char *p = rec; *p; p++)
		if (*p == ':') {
			text = p + 1;
			break;
		}
	put(&m->msg, text);
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
	if (m->timeouts++ == 0) {
		SC(__NR_kill, m->child, SIGTERM);
		arm(m->timer, KILL_GRACE_USEC);
	} else {
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
	if (m.sig < 0 || m.timer < 0) {
		SC(__NR_kill, m.child, SIGKILL);
		sys_exit(125);
	}
	if (timeout)
		arm(m.timer, timeout);
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
		code = status_code(m.status);
	if (m.timeouts > 0 || m.msg.n) {
		put(&line, (flags & 1) ? "<3>sbx: " : "sbx: ");
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

__attribute__((noreturn, used)) void pid1_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);

	char **envp = argv + argc + 1;
	const char *monitor = env_get(envp, "SBX_MONITOR");

	/* sbx clears SBX_MONITOR from its environment at start: only it sets it. */
	if (monitor)
		monitor_main(argv, monitor);
	if (argc >= 2 && starts_with(argv[1], "init:"))
		init_main(argc, argv, envp);
	sys_exit(125);
}
