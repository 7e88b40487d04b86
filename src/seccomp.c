/* SPDX-License-Identifier: MIT */
#include "seccomp.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "seccomp_oci.h"

/* default_filter, default_filter_no_userns: the allowlist of tools/seccomp-gen.c, compiled
 * by libseccomp when sbx was built, behind a hand-written personality(2) check; tty_filter:
 * sbx's terminal rules. */
#include "seccomp-filters.inc"

static int load_bpf_fd(int fd, const char *opt)
{
	_cleanup_free_ char *buf = NULL;
	struct sock_fprog prog;
	size_t len;
	int r = read_fd_all(fd, &buf, &len);

	if (r < 0)
		return sbx_err(-r, "%s %d: read", opt, fd);
	close(fd);
	if (len == 0 || len % sizeof(struct sock_filter) != 0 ||
	    len / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return sbx_errx("%s %d: not a compiled seccomp BPF program (%zu bytes)", opt, fd,
				len);
	prog.len = (unsigned short)(len / sizeof(struct sock_filter));
	prog.filter = (struct sock_filter *)buf;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		return sbx_err(errno, "%s %d: load", opt, fd);
	return 0;
}

static int load_program(const struct sock_filter *insns, size_t n, const char *what)
{
	struct sock_fprog prog = { .len = (unsigned short)n,
				   .filter = (struct sock_filter *)insns };

	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		return sbx_err(errno, "seccomp: load %s", what);
	return 0;
}

/* The default filter for c: nested user namespaces are refused unless --allow-userns, or
 * in bwrap mode, where bubblewrap's default (allowed unless --disable-userns) holds. */
static const struct sock_filter *default_program(const struct sbx_config *c, size_t *n)
{
	bool deny_userns = c->disable_userns || (!c->bare && !c->allow_userns);

	*n = deny_userns ? ELEMENTSOF(default_filter_no_userns) : ELEMENTSOF(default_filter);
	return deny_userns ? default_filter_no_userns : default_filter;
}

/* sbx's terminal rules (TIOCSTI, TIOCLINUX), a program of their own stacked on whatever
 * filter the sandbox gets: in sbx's own mode also on the caller's (--seccomp FD,
 * --seccomp-profile, --add-seccomp-fd, --seccomp none), unless --allow-tiocsti; in bwrap
 * mode, as bubblewrap, only with the default filter. Loaded first: a caller's filter may
 * refuse the seccomp(2) and prctl(2) that would load it after. */
static int load_tty_rules(const struct sbx_config *c)
{
	bool default_filter_used =
		c->seccomp_fd < 0 && !c->seccomp_profile_prog && !c->seccomp_disabled;

	if (c->allow_tiocsti || (c->bare && !default_filter_used))
		return 0;
	return load_program(tty_filter, ELEMENTSOF(tty_filter), "the terminal rules");
}

int seccomp_apply(const struct sbx_config *c)
{
	int r;

	if ((r = load_tty_rules(c)) < 0)
		return r;
	if (c->seccomp_fd >= 0) {
		if ((r = load_bpf_fd(c->seccomp_fd, "--seccomp")) < 0)
			return r;
	} else if (c->seccomp_profile_prog) {
		/* instead of the default filter */
		if ((r = seccomp_oci_load(c->seccomp_profile_prog, c->seccomp_profile)) < 0)
			return r;
	} else if (!c->seccomp_disabled) {
		size_t n;
		const struct sock_filter *p = default_program(c, &n);

		if ((r = load_program(p, n, "the default filter")) < 0)
			return r;
	}
	for (size_t i = 0; i < c->n_add_seccomp_fds; i++)
		if ((r = load_bpf_fd(c->add_seccomp_fds[i], "--add-seccomp-fd")) < 0)
			return r;
	return 0;
}

const char *seccomp_built_with(void)
{
	return SECCOMP_GEN_LIBSECCOMP;
}

int seccomp_export(const struct sbx_config *c, int fd)
{
	size_t n;
	const struct sock_filter *p = default_program(c, &n);
	int r;

	/* With --seccomp-profile, the profile compiled: a BPF file for bwrap --seccomp. */
	if (c->seccomp_profile_prog) {
		p = c->seccomp_profile_prog->insns;
		n = c->seccomp_profile_prog->len;
	}
	r = write_all(fd, p, n * sizeof(*p));

	if (r < 0)
		return sbx_err(-r, "seccomp: export");
	return 0;
}
