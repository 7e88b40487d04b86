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

/* default_filter, default_filter_no_userns: the rules of tools/seccomp-gen.c, compiled
 * by libseccomp when sbx was built, behind a hand-written personality(2) check. */
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

int seccomp_apply(const struct sbx_config *c)
{
	int r;

	if (c->seccomp_fd >= 0) {
		if ((r = load_bpf_fd(c->seccomp_fd, "--seccomp")) < 0)
			return r;
	} else if (c->seccomp_profile_prog) {
		/* instead of the default filter */
		if ((r = seccomp_oci_load(c->seccomp_profile_prog, c->seccomp_profile)) < 0)
			return r;
	} else if (!c->seccomp_disabled) {
		r = c->disable_userns ? load_program(default_filter_no_userns,
						     ELEMENTSOF(default_filter_no_userns),
						     "the default filter")
				      : load_program(default_filter, ELEMENTSOF(default_filter),
						     "the default filter");
		if (r < 0)
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
	const struct sock_filter *p = c->disable_userns ? default_filter_no_userns : default_filter;
	size_t n = c->disable_userns ? sizeof(default_filter_no_userns) : sizeof(default_filter);
	int r;

	/* With --seccomp-profile, the profile compiled: a BPF file for bwrap --seccomp. */
	if (c->seccomp_profile_prog) {
		p = c->seccomp_profile_prog->insns;
		n = c->seccomp_profile_prog->len * sizeof(*p);
	}
	r = write_all(fd, p, n);

	if (r < 0)
		return sbx_err(-r, "seccomp: export");
	return 0;
}
