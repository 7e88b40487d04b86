/* SPDX-License-Identifier: MIT */
/* --seccomp-profile: a parsed profile (seccomp/oci_parse.c) compiled to BPF with
 * libseccomp, dlopen()ed here only when the option is used; and the child's load of it. */
#include "seccomp/seccomp_oci.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/dl.h"
#include "base/log.h"
#include "base/util.h"
#include "seccomp/oci_names.h"

struct libseccomp {
	void *dl;
	__typeof__(&seccomp_init) init;
	__typeof__(&seccomp_release) release;
	__typeof__(&seccomp_arch_add) arch_add;
	__typeof__(&seccomp_attr_set) attr_set;
	__typeof__(&seccomp_syscall_resolve_name) resolve_name;
	__typeof__(&seccomp_rule_add_array) rule_add_array;
	__typeof__(&seccomp_export_bpf) export_bpf;
};

static const struct dl_sym libseccomp_syms[] = {
	DL_SYM(struct libseccomp, init, "seccomp_init"),
	DL_SYM(struct libseccomp, release, "seccomp_release"),
	DL_SYM(struct libseccomp, arch_add, "seccomp_arch_add"),
	DL_SYM(struct libseccomp, attr_set, "seccomp_attr_set"),
	DL_SYM(struct libseccomp, resolve_name, "seccomp_syscall_resolve_name"),
	DL_SYM(struct libseccomp, rule_add_array, "seccomp_rule_add_array"),
	DL_SYM(struct libseccomp, export_bpf, "seccomp_export_bpf"),
};

static void release_ctx(struct libseccomp *l, scmp_filter_ctx *ctx)
{
	if (*ctx)
		l->release(*ctx);
}

/* The message for a rule libseccomp refused, placed at its syscalls[] entry. */
static int rule_fail(const struct seccomp_oci_profile *p, const struct seccomp_oci_rule *rule,
		     const char *name, int r)
{
	return seccomp_oci_entry_fail(p, rule->entry, "libseccomp refused the rule for %s: %s",
				      name, strerror(-r));
}

static int add_rule(struct libseccomp *l, scmp_filter_ctx ctx, const struct seccomp_oci_profile *p,
		    const struct seccomp_oci_rule *rule, const char *name, int nr)
{
	struct scmp_arg_cmp cmp[6];
	bool repeated = false;
	unsigned seen = 0;
	int r;

	for (size_t i = 0; i < rule->n_conds; i++) {
		repeated = repeated || (seen & (1u << rule->conds[i].index));
		seen |= 1u << rule->conds[i].index;
	}
	/* One rule cannot compare an argument twice; runc then makes each comparison a rule
	 * of its own (any one matching applies the action), and profiles written for Docker
	 * rely on that. */
	for (size_t i = 0; i < rule->n_conds; i++) {
		const struct seccomp_oci_cond *c = &rule->conds[i];
		size_t k = repeated ? 0 : i;
		cmp[k] = (struct scmp_arg_cmp){ .arg = c->index,
						.op = (enum scmp_compare)c->op,
						.datum_a = c->value,
						.datum_b = c->value_two };
		if (repeated && (r = l->rule_add_array(ctx, rule->action, nr, 1, cmp)) < 0)
			return rule_fail(p, rule, name, r);
	}
	if (!repeated &&
	    (r = l->rule_add_array(ctx, rule->action, nr, (unsigned)rule->n_conds, cmp)) < 0)
		return rule_fail(p, rule, name, r);
	return 0;
}

static int add_arches(struct libseccomp *l, scmp_filter_ctx ctx,
		      const struct seccomp_oci_profile *p)
{
	for (size_t i = 0; i < p->n_arches; i++) {
		const struct oci_arch *a = oci_arch_by_token(p->arches[i]);
		int r = l->arch_add(ctx, p->arches[i]);
		if (r < 0 && r != -EEXIST)
			return sbx_errx("--seccomp-profile %s: architecture %s: libseccomp cannot "
					"add it to a filter for this machine: %s",
					p->file, a ? a->name : "?", strerror(-r));
	}
	return 0;
}

static int add_rules(struct libseccomp *l, scmp_filter_ctx ctx, const struct seccomp_oci_profile *p)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct seccomp_oci_rule *rule = &p->rules[i];
		for (size_t k = 0; rule->names[k]; k++) {
			int nr = l->resolve_name(rule->names[k]), r;
			/* Like runc: profiles are written for many kernels and machines, and
			 * list syscalls this libseccomp does not know. */
			if (nr == __NR_SCMP_ERROR) {
				log_debug("--seccomp-profile %s: syscalls[%zu]: %s is unknown to "
					  "libseccomp here, skipped",
					  p->file, rule->entry, rule->names[k]);
				continue;
			}
			if ((r = add_rule(l, ctx, p, rule, rule->names[k], nr)) < 0)
				return r;
		}
	}
	return 0;
}

/* libseccomp writes the program to an fd: a memfd, read back as one allocation. */
static int export_program(struct libseccomp *l, scmp_filter_ctx ctx,
			  const struct seccomp_oci_profile *p, struct seccomp_oci_prog **ret)
{
	_cleanup_free_ char *bpf = NULL;
	_cleanup_close_ int fd = memfd_create("sbx-seccomp-profile", MFD_CLOEXEC);
	struct seccomp_oci_prog *prog;
	size_t len, n;
	int r;

	if (fd < 0)
		return sbx_err(errno, "--seccomp-profile %s: memfd_create", p->file);
	if ((r = l->export_bpf(ctx, fd)) < 0)
		return sbx_err(-r, "--seccomp-profile %s: libseccomp: export the filter", p->file);
	if (lseek(fd, 0, SEEK_SET) < 0)
		return sbx_err(errno, "--seccomp-profile %s: read the compiled filter", p->file);
	if ((r = read_fd_all(fd, &bpf, &len)) < 0)
		return sbx_err(-r, "--seccomp-profile %s: read the compiled filter", p->file);
	n = len / sizeof(struct sock_filter);
	if (n == 0 || len % sizeof(struct sock_filter) != 0)
		return sbx_errx("--seccomp-profile %s: libseccomp made no filter", p->file);
	if (n > BPF_MAXINSNS)
		return sbx_errx("--seccomp-profile %s: the filter has %zu instructions, more than "
				"the kernel's %d",
				p->file, n, BPF_MAXINSNS);
	prog = xmalloc(sizeof(*prog) + len);
	prog->flags = p->flags;
	prog->len = (unsigned short)n;
	memcpy(prog->insns, bpf, len);
	*ret = prog;
	return 0;
}

int seccomp_oci_compile(const struct seccomp_oci_profile *p, struct seccomp_oci_prog **ret)
{
	_cleanup_(dl_unload) struct libseccomp l = { 0 };
	scmp_filter_ctx ctx = NULL;
	int r;

	if ((r = dl_load(&l, "libseccomp.so.2", "libseccomp2", libseccomp_syms,
			 ELEMENTSOF(libseccomp_syms))) < 0)
		return sbx_err_wrap(r, "--seccomp-profile %s", p->file);
	if (!(ctx = l.init(p->default_action)))
		return sbx_errx("--seccomp-profile %s: defaultAction: libseccomp cannot build a "
				"filter with it on this kernel",
				p->file);
	/* A binary search over the syscalls rather than one comparison after the other:
	 * profiles list hundreds. Older libseccomp lacks it; the filter means the same. */
	(void)l.attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if ((r = add_arches(&l, ctx, p)) >= 0 && (r = add_rules(&l, ctx, p)) >= 0)
		r = export_program(&l, ctx, p, ret);
	release_ctx(&l, &ctx);
	return r;
}

int seccomp_oci_prepare(const char *file, uint64_t caps, struct seccomp_oci_prog **ret)
{
	_cleanup_(seccomp_oci_profile_free) struct seccomp_oci_profile p = { 0 };
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct seccomp_oci_env env;
	size_t len;
	int r;

	if (fd < 0)
		return sbx_err(errno, "--seccomp-profile %s", file);
	if ((r = read_fd_all(fd, &text, &len)) < 0)
		return sbx_err(-r, "--seccomp-profile %s: read", file);
	seccomp_oci_env_host(&env, caps);
	if ((r = seccomp_oci_parse(file, text, len, &env, &p)) < 0)
		return r;
	return seccomp_oci_compile(&p, ret);
}

int seccomp_oci_load(const struct seccomp_oci_prog *prog, const char *file)
{
	struct sock_fprog fprog = { .len = prog->len, .filter = (struct sock_filter *)prog->insns };

	/* seccomp(2), not prctl: the profile's flags (LOG, SPEC_ALLOW) have no prctl form */
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, prog->flags, &fprog) < 0)
		return sbx_err(errno, "--seccomp-profile %s: load the filter", file);
	return 0;
}
