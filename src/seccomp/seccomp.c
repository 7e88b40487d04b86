/* SPDX-License-Identifier: MIT */
#include "seccomp/seccomp.h"

#include <errno.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/log.h"
#include "seccomp/seccomp_oci.h"
#include "base/fault.h"

/* default_filter, default_filter_no_userns: the allowlist of tools/seccomp-gen.c, compiled
 * by libseccomp when sbx was built, behind a hand-written personality(2) check; tty_filter:
 * sbx's terminal rules; userns_filter: --disable-userns's. */
#include "seccomp-filters.inc"

static int add_prog(struct seccomp_set *set, const struct sock_filter *insns, size_t n,
		    unsigned flags, char *owned, char *what)
{
	if (set->n == SECCOMP_SET_MAX) {
		free(owned);
		free(what);
		return sbx_errx("seccomp: more than %d filter programs", SECCOMP_SET_MAX);
	}
	set->progs[set->n++] = (struct seccomp_prog){ .insns = insns,
						      .len = (unsigned short)n,
						      .flags = flags,
						      .owned = owned,
						      .what = what };
	return 0;
}

static int read_bpf_fd(const struct sbx_config *c, struct seccomp_set *set, int fd, const char *opt)
{
	_cleanup_free_ char *buf = NULL;
	char *insns;
	size_t len;
	int r = read_fd_all(fd, &buf, &len);

	/* Read once: the fd is not the sandbox's to inherit, whatever it held. */
	close(fd);
	/* bwrap mode: bubblewrap's words, which its clients and test suite look for. */
	if (r < 0)
		return c->bare ? sbx_err(-r, "Can't read seccomp data")
			       : sbx_err(-r, "%s %d: read", opt, fd);
	if (c->bare && len % sizeof(struct sock_filter) != 0)
		return sbx_errx("Invalid seccomp data, must be multiple of 8");
	if (len % sizeof(struct sock_filter) != 0 ||
	    len / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return sbx_errx("%s %d: not a compiled seccomp BPF program (%zu bytes)", opt, fd,
				len);
	insns = TAKE_PTR(buf); /* not in the call: argument order is unspecified */
	return add_prog(set, (const struct sock_filter *)insns, len / sizeof(struct sock_filter), 0,
			insns, xasprintf("%s %d", opt, fd));
}

/* An empty program is refused once every fd is read, so that a later fd's error is the
 * one said, as bubblewrap, which reads each when it parses its option. */
static int check_not_empty(const struct seccomp_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->progs[i].len == 0)
			return sbx_errx("%s: not a compiled seccomp BPF program (0 bytes)",
					set->progs[i].what);
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
 * filter the sandbox gets in sbx's own mode, also on the caller's (--seccomp FD,
 * --seccomp-profile, --add-seccomp-fd, --seccomp none), unless --allow-tiocsti. bwrap mode
 * loads no program of sbx's own, as bubblewrap. First in the set: a caller's filter may
 * refuse the seccomp(2) that would load it after. */
static bool tty_rules_wanted(const struct sbx_config *c)
{
	return !c->allow_tiocsti && !c->bare;
}

int seccomp_collect(const struct sbx_config *c, struct seccomp_set *set)
{
	bool default_wanted =
		c->seccomp_fd < 0 && !c->seccomp_profile_prog && !c->seccomp_disabled && !c->bare;
	int r = 0;

	*set = (struct seccomp_set){ 0 };
	if (tty_rules_wanted(c)) /* the first of an empty set: cannot fail */
		(void)add_prog(set, tty_filter, ELEMENTSOF(tty_filter), 0, NULL,
			       xstrdup("the terminal rules"));
	/* --disable-userns without the default filter: its rules alone, before the caller's
	 * programs, as the terminal rules (bubblewrap's own way cannot be undone either). */
	if (c->disable_userns && !default_wanted)
		(void)add_prog(set, userns_filter, ELEMENTSOF(userns_filter), 0, NULL,
			       xstrdup("the --disable-userns rules"));
	if (c->seccomp_fd >= 0) {
		r = read_bpf_fd(c, set, c->seccomp_fd, "--seccomp");
	} else if (c->seccomp_profile_prog) { /* instead of the default filter */
		r = add_prog(set, c->seccomp_profile_prog->insns, c->seccomp_profile_prog->len,
			     c->seccomp_profile_prog->flags, NULL,
			     xasprintf("--seccomp-profile %s", c->seccomp_profile));
	} else if (default_wanted) {
		size_t n;
		const struct sock_filter *p = default_program(c, &n);
		r = add_prog(set, p, n, 0, NULL, xstrdup("the default filter"));
	}
	for (size_t i = 0; r == 0 && i < c->n_add_seccomp_fds; i++)
		r = read_bpf_fd(c, set, c->add_seccomp_fds[i], "--add-seccomp-fd");
	if (r == 0)
		r = check_not_empty(set);
	if (r < 0)
		seccomp_set_free(set);
	return r;
}

int seccomp_set_add_copy(struct seccomp_set *set, const void *insns, size_t n, unsigned flags,
			 const char *what)
{
	char *copy;

	if (n == 0 || n > BPF_MAXINSNS)
		return sbx_errx("seccomp: %s: a program of %zu instructions", what, n);
	copy = xmalloc(n * sizeof(struct sock_filter));
	memcpy(copy, insns, n * sizeof(struct sock_filter));
	return add_prog(set, (const struct sock_filter *)copy, n, flags, copy, xstrdup(what));
}

int seccomp_load_set(const struct seccomp_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		const struct seccomp_prog *p = &set->progs[i];
		struct sock_fprog prog = { .len = p->len,
					   .filter = (struct sock_filter *)p->insns };
		long r;

		FAULT_POINT("seccomp");
		/* prctl, as bubblewrap: a caller's filter loaded before may allow it and not
		 * seccomp(2); that only for a profile's flags (LOG, SPEC_ALLOW), which have no
		 * prctl form. */
		if (p->flags)
			r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->flags, &prog);
		else
			r = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
		if (r < 0)
			return sbx_err(errno, "load %s", p->what);
	}
	return 0;
}

void seccomp_set_free(struct seccomp_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->progs[i].owned);
		free(set->progs[i].what);
	}
	*set = (struct seccomp_set){ 0 };
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
