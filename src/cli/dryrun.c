/* SPDX-License-Identifier: MIT */
/* --dry-run: a config written back as a profile that gives the same sandbox when read.
 * The option words come from the option table (options.c), so that what is printed is
 * spelled as what is parsed. */
#include "cli/profile.h"

#include <sched.h>
#include <string.h>

#include "cli/options.h"
#include "net/netuser.h"
#include "setup/caps.h"

/* A word as split_line (parse.c) reads it back: quoted when it holds a blank (\r is one
 * too), a quote, a backslash or a '#'; a newline, which would end the line, as \n. */
static void print_word(FILE *f, const char *w)
{
	if (w[0] && !strpbrk(w, " \t\r\n\"'\\#")) {
		fputs(w, f);
		return;
	}
	fputc('"', f);
	for (; *w; w++) {
		if (*w == '\n') {
			fputs("\\n", f);
			continue;
		}
		if (*w == '"' || *w == '\\')
			fputc('\\', f);
		fputc(*w, f);
	}
	fputc('"', f);
}

/* Text in a comment line: a newline in it would start a line that is read back as an
 * option (a command word "x\nbind / /"), so control characters are shown escaped. */
static void print_comment_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '\n')
			fputs("\\n", f);
		else if (ch == '\r')
			fputs("\\r", f);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(f, "\\x%02x", ch);
		else
			fputc(ch, f);
	}
}

static void line(FILE *f, const char *opt, const char *a, const char *b)
{
	fputs(opt, f);
	if (a) {
		fputc(' ', f);
		print_word(f, a);
	}
	if (b) {
		fputc(' ', f);
		print_word(f, b);
	}
	fputc('\n', f);
}

/* The word of an option that sets a bool of struct sbx_config. */
#define BOOL_WORD(field) option_word(h_bool, CFG(field))

static void print_perms(FILE *f, const struct sbx_op *op)
{
	if (op->has_perms)
		fprintf(f, "%s %04o\n", option_word(h_perms, 0), op->perms);
}

static void print_bind(FILE *f, const struct sbx_op *op)
{
	/* The flags --bind's spellings set: --dev-bind, --ro-bind or --bind, each with -try. */
	unsigned kind = (op->flags & BIND_DEVICES) ? BIND_DEVICES : (op->flags & BIND_READONLY);

	/* Printed as the option: read back, it finds its directory again from --name. */
	if (op->flags & BIND_HOME_PERSIST) {
		if (op->src) {
			fputs("# $HOME: ", f);
			print_comment_text(f, op->src);
			fputc('\n', f);
		}
		line(f, option_word(h_home_persist, 0), NULL, NULL);
		return;
	}
	line(f, option_word(h_bind, kind | (op->flags & BIND_TRY)), op->src, op->dest);
}

static void print_overlay(FILE *f, const struct sbx_op *op)
{
	for (size_t i = 0; op->overlay_srcs && op->overlay_srcs[i]; i++)
		line(f, option_word(h_overlay_src, 0), op->overlay_srcs[i], NULL);
	if (op->overlay == OVERLAY_RW) {
		fprintf(f, "%s ", option_word(h_overlay, OVERLAY_RW));
		print_word(f, op->src);
		line(f, "", op->workdir, op->dest);
	} else {
		line(f, option_word(h_overlay, op->overlay), op->dest, NULL);
	}
}

static void print_op(FILE *f, const struct sbx_op *op)
{
	char fd[16], buf[16];

	snprintf(fd, sizeof(fd), "%d", op->fd);
	switch (op->type) {
	case OP_BIND:
		print_bind(f, op);
		break;
	case OP_BIND_FD:
		line(f, option_word(h_bind_fd, op->flags & BIND_READONLY), fd, op->dest);
		break;
	case OP_TMPFS:
		print_perms(f, op);
		if (op->size)
			fprintf(f, "%s %llu\n", option_word(h_size, 0),
				(unsigned long long)op->size);
		line(f, option_word(h_dest_op, OP_TMPFS), op->dest, NULL);
		break;
	case OP_DIR:
		print_perms(f, op);
		line(f, option_word(h_dest_op, OP_DIR), op->dest, NULL);
		break;
	case OP_SYMLINK:
		line(f, option_word(h_symlink, 0), op->src, op->dest);
		break;
	case OP_FILE:
		print_perms(f, op);
		line(f, option_word(h_fd_data, OP_FILE), fd, op->dest);
		break;
	case OP_BIND_DATA:
		print_perms(f, op);
		line(f, option_word(h_fd_data, op->flags & BIND_READONLY), fd, op->dest);
		break;
	case OP_CHMOD:
		snprintf(buf, sizeof(buf), "%04o", op->perms);
		line(f, option_word(h_chmod, 0), buf, op->dest);
		break;
	case OP_OVERLAY:
		print_overlay(f, op);
		break;
	default: /* remount-ro, proc, dev, sysfs, mqueue: their destination only */
		line(f, option_word(h_dest_op, op->type), op->dest, NULL);
		break;
	}
}

static void print_u64(FILE *f, const char *opt, uint64_t v)
{
	if (v != LIMIT_UNSET)
		fprintf(f, "%s %llu\n", opt, (unsigned long long)v);
}

static void print_flag(FILE *f, const char *opt, bool on)
{
	if (on)
		fprintf(f, "%s\n", opt);
}

/* "rlimit NAME=SOFT[:HARD]", as --rlimit takes it. */
static void print_rlimit(FILE *f, const struct sbx_rlimit *r)
{
	fprintf(f, "%s %s=", option_word(h_rlimit, 0), rlimit_name(r->resource));
	if (r->lim.rlim_cur == RLIM_INFINITY)
		fputs("infinity", f);
	else
		fprintf(f, "%llu", (unsigned long long)r->lim.rlim_cur);
	if (!r->soft_only) {
		if (r->lim.rlim_max == RLIM_INFINITY)
			fputs(":infinity", f);
		else
			fprintf(f, ":%llu", (unsigned long long)r->lim.rlim_max);
	}
	fputc('\n', f);
}

/* Comment lines: what was asked for, and from which profiles. */
static void print_header(FILE *f, const struct sbx_config *c)
{
	fprintf(f, "# sbx --dry-run: the resolved configuration, as a profile\n");
	if (c->bare)
		fprintf(f, "# (from --bare: give --bare again when using this profile)\n");
	fprintf(f, "# command:");
	for (size_t i = 0; c->argv && c->argv[i]; i++) {
		fputc(' ', f);
		print_comment_text(f, c->argv[i]);
	}
	fputc('\n', f);
	for (size_t i = 0; c->profiles_used && c->profiles_used[i]; i++) {
		fputs("# profile: ", f);
		print_comment_text(f, c->profiles_used[i]);
		fputc('\n', f);
	}
}

/* The namespaces (--bare: each as asked) and the network, the ids. */
static void print_namespaces(FILE *f, const struct sbx_config *c)
{
	if (c->bare) {
		static const unsigned long ns[] = { CLONE_NEWIPC, CLONE_NEWPID, CLONE_NEWNET,
						    CLONE_NEWUTS };
		for (size_t i = 0; i < ELEMENTSOF(ns); i++)
			print_flag(f, option_word(h_unshare, ns[i]), c->clone_flags & ns[i]);
		print_flag(f, option_word(h_unshare_cgroup, 1), c->unshare_cgroup);
	}
	/* --bare says none or host with unshare-net above. */
	if (!c->bare || c->net > NET_HOST)
		line(f, option_word(h_net, 0), cli_net_modes[c->net], NULL);
	for (size_t i = 0; i < c->n_publish; i++) {
		char spec[80];
		netuser_format_publish(&c->publish[i], spec, sizeof(spec));
		line(f, option_word(h_publish, 0), spec, NULL);
	}
	print_flag(f, BOOL_WORD(net_host_loopback), c->net_host_loopback);
	if (c->hostname)
		line(f, option_word(h_hostname, 0), c->hostname, NULL);
	if (c->uid != c->caller_uid)
		fprintf(f, "%s %u\n", option_word(h_id, 0), c->uid);
	if (c->gid != c->caller_gid)
		fprintf(f, "%s %u\n", option_word(h_id, 1), c->gid);
	print_flag(f, BOOL_WORD(subids), c->subids);
}

/* The environment operations, in their order. */
static void print_env(FILE *f, const struct sbx_config *c)
{
	for (size_t i = 0; c->env_ops && c->env_ops[i]; i++) {
		const char *op = c->env_ops[i];
		if (streq(op, "clearenv"))
			line(f, option_word(h_clearenv, 0), NULL, NULL);
		else if (strncmp(op, "unsetenv=", 9) == 0)
			line(f, option_word(h_unsetenv, 0), op + 9, NULL);
		else if (strncmp(op, "setenv=", 7) == 0) {
			_cleanup_free_ char *kv = xstrdup(op + 7);
			char *eq = strchr(kv, '=');
			*eq = '\0';
			line(f, option_word(h_setenv, 0), kv, eq + 1);
		}
	}
}

/* The command's process: argv0, session, terminal, timeout, rlimits. */
static void print_process(FILE *f, const struct sbx_config *c)
{
	if (c->argv0)
		line(f, option_word(h_string, CFG(argv0)), c->argv0, NULL);
	print_flag(f, BOOL_WORD(die_with_parent), c->die_with_parent);
	print_flag(f, BOOL_WORD(new_session), c->new_session);
	print_flag(f, option_word(h_pty, PTY_ON), c->pty == PTY_ON);
	print_flag(f, option_word(h_pty, PTY_OFF), c->pty == PTY_OFF);
	print_flag(f, BOOL_WORD(as_pid_1), c->as_pid_1);
	if (c->timeout_usec)
		fprintf(f, "%s %lluus\n", option_word(h_timeout, 0),
			(unsigned long long)c->timeout_usec);
	for (size_t i = 0; i < c->n_rlimits; i++)
		print_rlimit(f, &c->rlimits[i]);
}

/* Capabilities and the seccomp choices. */
static void print_security(FILE *f, const struct sbx_config *c)
{
	for (int cap = 0; cap < 64; cap++)
		if (c->caps_keep & (1ULL << cap))
			fprintf(f, "%s %s\n", option_word(h_cap, 1), caps_name(cap));
	if (c->seccomp_disabled)
		line(f, option_word(h_seccomp, 0), SECCOMP_NONE, NULL);
	if (c->seccomp_profile)
		line(f, option_word(h_seccomp_profile, 0), c->seccomp_profile, NULL);
	/* Each mode's default goes without saying. */
	if (c->landlock != (c->bare ? SBX_LANDLOCK_OFF : SBX_LANDLOCK_AUTO))
		line(f, option_word(h_landlock, 0), cli_landlock_modes[c->landlock], NULL);
	if (c->fallback != SBX_FALLBACK_NONE)
		line(f, option_word(h_fallback, 0), cli_fallback_modes[c->fallback], NULL);
	for (size_t i = 0; i < c->n_tcp_ports; i++)
		fprintf(f, "%s %u\n", option_word(h_tcp_port, c->tcp_ports[i].bind),
			c->tcp_ports[i].port);
	print_flag(f, BOOL_WORD(allow_tiocsti), c->allow_tiocsti);
	print_flag(f, BOOL_WORD(disable_userns), c->disable_userns);
	print_flag(f, BOOL_WORD(allow_userns), c->allow_userns);
	print_flag(f, BOOL_WORD(assert_userns_disabled), c->assert_userns_disabled);
}

/* The cgroup limits and where they go. */
static void print_limits(FILE *f, const struct sbx_config *c)
{
	const struct sbx_limits *l = &c->limits;
	char buf[32];

	print_u64(f, option_word(h_limit, CLI_LIMIT_MEMORY), l->memory);
	print_u64(f, option_word(h_limit, CLI_LIMIT_MEMORY_SWAP), l->memory_swap);
	if (l->cpu_quota_usec != LIMIT_UNSET) {
		snprintf(buf, sizeof(buf), "%llu.%06llu",
			 (unsigned long long)(l->cpu_quota_usec / 1000000),
			 (unsigned long long)(l->cpu_quota_usec % 1000000));
		line(f, option_word(h_limit, CLI_LIMIT_CPUS), buf, NULL);
	}
	print_u64(f, option_word(h_limit, CLI_LIMIT_CPU_WEIGHT), l->cpu_weight);
	print_u64(f, option_word(h_limit, CLI_LIMIT_IO_WEIGHT), l->io_weight);
	print_u64(f, option_word(h_limit, CLI_LIMIT_PIDS), l->pids);
	if (c->cgroup != CGROUP_AUTO)
		line(f, option_word(h_cgroup, 0), cli_cgroup_modes[c->cgroup], NULL);
	if (c->slice)
		line(f, option_word(h_slice, 0), c->slice, NULL);
	print_flag(f, BOOL_WORD(cgroup_writable), c->cgroup_writable);
}

void profile_print(FILE *f, const struct sbx_config *c)
{
	print_header(f, c);
	print_namespaces(f, c);
	for (size_t i = 0; i < c->n_ops; i++)
		print_op(f, &c->ops[i]);
	if (c->chdir)
		line(f, option_word(h_chdir, CFG(chdir)), c->chdir, NULL);
	for (size_t i = 0; c->lock_files && c->lock_files[i]; i++)
		line(f, option_word(h_lock_file, 0), c->lock_files[i], NULL);
	print_env(f, c);
	print_process(f, c);
	print_security(f, c);
	print_limits(f, c);
}
