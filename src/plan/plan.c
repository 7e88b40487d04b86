/* SPDX-License-Identifier: MIT */
/* The plan of a parsed command line (plan/plan.h, cli_plan): what its options mean
 * together, the warnings about what the sandbox will see, and what the host must provide
 * before a run starts. */
#include <sched.h>
#include <stdlib.h>

#include "app/apphome.h"
#include "base/log.h"
#include "plan/fds.h"
#include "base/util.h"
#include "plan/plan.h"
#include "net/netuser.h"
#include "seccomp/seccomp_oci.h"

static void warn_symlink(const char *what, const char *path, const char *host_path)
{
	_cleanup_free_ char *link = NULL, *target = NULL;

	if (path_find_symlink(host_path, &link, &target) > 0)
		log_warn("%s %s passes through the symlink %s -> %s", what, path, link, target);
}

static void warn_symlinks(const struct sbx_config *c)
{
	for (size_t i = 0; i < c->n_ops; i++) {
		const struct sbx_op *op = &c->ops[i];
		if (op->type == OP_BIND && op->src && op->src[0] != '/')
			warn_symlink("the bind source", op->src, op->src);
	}
	/* Seen from the host, where the paths a sandbox can write come from; a relative
	 * --chdir starts at the new root. */
	if (c->chdir) {
		_cleanup_free_ char *abs =
			c->chdir[0] == '/' ? xstrdup(c->chdir) : xasprintf("/%s", c->chdir);
		warn_symlink("--chdir", c->chdir, abs);
	}
}

/* The one line about a cwd the profile did not share, unless a bind shows it after all:
 * the command line's (--bind-cwd, --bind $PWD $PWD) or a read-only one of the profile's
 * around it (`cd /usr/share/doc && sbx less README`). */
static void report_cwd(struct parse_state *s)
{
	struct sbx_config *c = s->c;
	/* The command's $HOME, where the sandbox then starts (run/child.c do_chdir). */
	const char *home = env_value(c->env, "HOME");
	bool visible = false;
	_cleanup_free_ char *hint = NULL;

	if (!s->cwd_refused)
		return;
	for (size_t i = 0; i < c->n_ops; i++)
		if (c->ops[i].type == OP_BIND && c->ops[i].dest && path_in(c->cwd, c->ops[i].dest))
			visible = true;
	if (visible)
		return;
	c->cwd_refused = true;
	/* A shell inside trusts $PWD when it names its cwd: make it name the home it starts in. */
	if (!c->chdir && home && home[0] == '/' && env_find(c->env, "PWD") >= 0)
		env_set(&c->env, "PWD", home);
	/* --bind-cwd never shares / or the kernel's file systems. */
	hint = s->cwd_verdict == CWD_ROOT || s->cwd_verdict == CWD_KERNEL_FS
		       ? xasprintf("--bind %s %s", c->cwd, c->cwd)
		       : xstrdup("--bind-cwd");
	log_warn("the current directory %s is not shared: %s.%s %s shares it anyway.", c->cwd,
		 s->cwd_refused, c->chdir ? "" : " The sandbox starts in $HOME;", hint);
}

/* The namespaces: bubblewrap's (--bare: only those asked for) or sbx's (all but the
 * network where it is shared), and what needs which. */
static int decide_namespaces(struct parse_state *s)
{
	struct sbx_config *c = s->c;

	if (c->bare) {
		c->clone_flags = CLONE_NEWUSER | CLONE_NEWNS |
				 (s->unshare_req & ~(unsigned long)CLONE_NEWUSER);
		c->unshare_cgroup = s->unshare_cgroup_req || s->unshare_cgroup_try;
		c->unshare_cgroup_try = !s->unshare_cgroup_req;
		c->net = (c->clone_flags & CLONE_NEWNET) ? s->user_net : NET_HOST;
		if (s->hostname_set && !(c->clone_flags & CLONE_NEWUTS))
			return sbx_errx("--hostname needs --unshare-uts");
	} else {
		c->clone_flags =
			CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC;
		/* --pidns joins the given PID namespace; only an explicit --unshare-pid makes a
		 * new one inside it (run/child.c), as in bwrap mode. */
		if (c->pidns_fd >= 0 && !(s->unshare_req & CLONE_NEWPID))
			c->clone_flags &= ~(unsigned long)CLONE_NEWPID;
		c->net = s->share_net ? NET_HOST : s->user_net;
		if (c->net != NET_HOST)
			c->clone_flags |= CLONE_NEWNET;
		c->unshare_cgroup = true;
		c->unshare_cgroup_try = true;
		if (!c->hostname)
			c->hostname = xstrdup("sbx");
	}
	if (c->cgroup == CGROUP_NONE && (config_has_limits(c) || c->slice))
		return sbx_errx("--cgroup=none: resource limits and --slice need a cgroup");
	/* When it is made, with the others or once the sandbox's cgroup is final, is the
	 * start plan's (plan/start.h). */
	if (c->unshare_cgroup)
		c->clone_flags |= CLONE_NEWCGROUP;
	if (c->as_pid_1 && !(c->clone_flags & CLONE_NEWPID) && c->pidns_fd < 0)
		return sbx_errx("--as-pid-1 needs --unshare-pid");
	if ((c->n_publish || c->net_host_loopback) && c->net != NET_PASTA &&
	    c->net != NET_SLIRP4NETNS && c->net != NET_AUTO)
		return sbx_errx("%s needs --net=pasta, slirp4netns or auto",
				c->n_publish ? "--publish" : "--net-host-loopback");
	return 0;
}

/* Landlock refuses mount, umount and pivot_root to whatever it confines, so a sandbox let
 * to make sandboxes of its own (--allow-userns) runs without it unless it is required,
 * which cannot be had together; the fallback has Landlock alone (check_fallback) and
 * keeps it. Port rules are Landlock's: never silently without it. */
static int decide_landlock(struct sbx_config *c)
{
	bool nested = c->allow_userns && c->fallback != SBX_FALLBACK_LANDLOCK;

	if (nested && c->landlock == SBX_LANDLOCK_REQUIRE)
		return sbx_errx("--landlock=require cannot go with --allow-userns: Landlock "
				"forbids the mounts that a sandbox inside would make");
	if (nested)
		c->landlock = SBX_LANDLOCK_OFF;
	if (c->n_tcp_ports && c->landlock == SBX_LANDLOCK_OFF)
		return sbx_errx("--allow-connect and --allow-bind are Landlock rules: not with %s",
				nested	  ? "--allow-userns, which goes without Landlock"
				: c->bare ? "bwrap mode's --landlock=off (add --landlock=auto)"
					  : "--landlock=off");
	return 0;
}

/* What a run needs of the host before it starts; --dry-run only says what it sees. */
static int prepare_host(struct parse_state *s)
{
	struct sbx_config *c = s->c;

	if (s->action == CLI_RUN || s->action == CLI_DRY_RUN) {
		for (size_t i = 0; c->profiles_used && c->profiles_used[i]; i++)
			log_debug("profile: %s", c->profiles_used[i]);
		report_cwd(s);
		if (!c->bare)
			warn_symlinks(c);
	}
	/* Only a run looks for the helper: --dry-run works where it is not installed. */
	if (s->action == CLI_RUN) {
		int r = c->bare ? fds_collect_inherited(c) : 0;
		if (r < 0)
			return r;
		r = netuser_prepare(c);
		if (r < 0)
			return r;
	}
	/* In the parent, before anything starts: a bad profile fails here with 125. */
	if (c->seccomp_profile && s->action != CLI_ENTER) {
		int r;
		free(TAKE_PTR(c->seccomp_profile_prog));
		r = seccomp_oci_prepare(c->seccomp_profile, c->caps_keep, &c->seccomp_profile_prog);
		if (r < 0)
			return r;
	}
	if (!c->argv)
		strv_push(&c->argv, xstrdup("/bin/sh"));
	/* Once all is parsed: --name may follow --home-persist. Only a run creates the home. */
	if (s->action == CLI_RUN || s->action == CLI_DRY_RUN) {
		int r = apphome_resolve(c, s->action == CLI_RUN);
		if (r < 0)
			return r;
	}
	return 0;
}

/* --fallback=landlock: Landlock is all that confines the command there, and a named
 * sandbox needs namespaces to be entered. Said before anything starts, whether or not the
 * fallback would be needed. */
static int check_fallback(const struct sbx_config *c)
{
	if (c->fallback != SBX_FALLBACK_LANDLOCK)
		return 0;
	if (c->landlock == SBX_LANDLOCK_OFF)
		return sbx_errx("--fallback=landlock confines the command by Landlock alone: it "
				"cannot be combined with --landlock=off%s",
				c->bare ? " (bwrap mode's default: add --landlock=auto)" : "");
	if (c->name)
		return sbx_errx("--fallback=landlock cannot be combined with --name: a sandbox "
				"without namespaces has nothing to enter");
	return 0;
}

int cli_plan(struct parse_state *s)
{
	int r;

	/* A modifier left waiting at the end was refused by the parser (check_modifiers). */
	if ((r = decide_namespaces(s)) < 0 || (r = check_fallback(s->c)) < 0 ||
	    (r = decide_landlock(s->c)) < 0)
		return r;
	return prepare_host(s);
}
