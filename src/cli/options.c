/* SPDX-License-Identifier: MIT */
/* The option table: the single source for parsing, --help, the completions and the words
 * --dry-run writes. */
#include "cli/options.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "base/config.h"

const struct option_def cli_options[] = {
	/* General */
	{ "--help", 0, NULL, SEC_GENERAL, "show the common options and exit", h_action, CLI_HELP },
	{ "--help-all", 0, NULL, SEC_GENERAL, "show every option and exit", h_action,
	  CLI_HELP_ALL },
	{ "--version", 0, NULL, SEC_GENERAL, "show the version and exit", h_action, CLI_VERSION },
	{ "--bare", 0, NULL, SEC_GENERAL,
	  "start from an empty root with bubblewrap's defaults (also when invoked as bwrap)",
	  h_noop, 0 },
	{ "--verbose", 0, NULL, SEC_GENERAL, "trace setup steps on stderr", h_verbose, 0 },
	/* bubblewrap 0.12's: it lets a bind's submounts that cannot be remounted read-only
	 * stay writable. sbx makes a bind and its submounts read-only in one mount_setattr(),
	 * which has no such partial failure to let through. */
	{ "--not-a-security-boundary", 0, NULL, SEC_GENERAL,
	  "accepted for bubblewrap's clients; sbx has no setup step it would let fail", h_noop, 0 },
	{ "--args", 1, "FD", SEC_GENERAL, "read NUL-separated arguments from FD", h_args, 0 },
	{ "--level-prefix", 0, NULL, SEC_GENERAL, "prefix messages with syslog levels <N>",
	  h_level_prefix, 0 },
	{ "--profile", 1, "NAME|FILE", SEC_GENERAL,
	  "start from this profile instead of the default one (see sbx.profile(5))", h_profile, 0 },
	{ "--dry-run", 0, NULL, SEC_GENERAL,
	  "print the resolved configuration as a profile and exit", h_action, CLI_DRY_RUN },
	{ "--check", 0, NULL, SEC_GENERAL,
	  "check what this host supports and how to fix what is missing", h_action, CLI_CHECK },
	{ "--print-options", 0, NULL, SEC_GENERAL, NULL, h_action, CLI_PRINT_OPTIONS },

	/* Named sandboxes */
	{ "--name", 1, "NAME", SEC_NAMED, "register the sandbox under NAME while it runs", h_name,
	  0 },
	{ "--list", 0, NULL, SEC_NAMED, "list your running named sandboxes and exit", h_action,
	  CLI_LIST },
	{ "--json", 0, NULL, SEC_NAMED, "with --list: print JSON", h_bool, CFG(json) },
	{ "--enter", 1, "NAME", SEC_NAMED,
	  "run COMMAND (default: $SHELL) inside the running sandbox NAME", h_target, CLI_ENTER },
	{ "--stop", 1, "NAME", SEC_NAMED, "stop the sandbox NAME (--signal, then SIGKILL)",
	  h_target, CLI_STOP },
	{ "--signal", 1, "SIG", SEC_NAMED, "with --stop: the first signal (default TERM)", h_signal,
	  0 },
	{ "--grace", 1, "DURATION", SEC_NAMED, "with --stop: time before SIGKILL (default 5s)",
	  h_grace, 0 },

	/* Namespaces and identity */
	{ "--net", 1, "MODE", SEC_NS,
	  "network: none (loopback only, default), host, pasta, slirp4netns or auto (user-mode)",
	  h_net, 0 },
	{ "--publish", 1, "SPEC", SEC_NS,
	  "[HOSTIP:]HOSTPORT:PORT[/tcp|/udp]: forward the host's port (on 127.0.0.1 unless "
	  "HOSTIP) to PORT inside; user-mode networking",
	  h_publish, 0 },
	{ "--net-host-loopback", 0, NULL, SEC_NS,
	  "with user-mode networking: the gateway address reaches the host's loopback", h_bool,
	  CFG(net_host_loopback) },
	{ "--share-net", 0, NULL, SEC_NS, "same as --net=host", h_share_net, 0 },
	{ "--unshare-all", 0, NULL, SEC_NS, "unshare every namespace (the default unless --bare)",
	  h_unshare_all, 0 },
	{ "--unshare-user", 0, NULL, SEC_NS, "new user namespace (always)", h_unshare,
	  CLONE_NEWUSER },
	{ "--unshare-user-try", 0, NULL, SEC_NS, "same as --unshare-user", h_unshare,
	  CLONE_NEWUSER },
	{ "--unshare-ipc", 0, NULL, SEC_NS, "new IPC namespace", h_unshare, CLONE_NEWIPC },
	{ "--unshare-pid", 0, NULL, SEC_NS, "new PID namespace", h_unshare, CLONE_NEWPID },
	{ "--unshare-net", 0, NULL, SEC_NS, "new network namespace with loopback only", h_unshare,
	  CLONE_NEWNET },
	{ "--unshare-uts", 0, NULL, SEC_NS, "new UTS namespace (hostname)", h_unshare,
	  CLONE_NEWUTS },
	{ "--unshare-cgroup", 0, NULL, SEC_NS, "new cgroup namespace", h_unshare_cgroup, 0 },
	{ "--unshare-cgroup-try", 0, NULL, SEC_NS, "new cgroup namespace if the kernel has them",
	  h_unshare_cgroup, 1 },
	{ "--userns", 1, "FD", SEC_NS, "use the existing user namespace open as FD", h_fd,
	  CFG(userns_fd) },
	{ "--userns2", 1, "FD", SEC_NS,
	  "switch to the user namespace open as FD (a child of --userns's) after the setup", h_fd,
	  CFG(userns2_fd) },
	{ "--pidns", 1, "FD", SEC_NS, "use the existing PID namespace open as FD", h_fd,
	  CFG(pidns_fd) },
	{ "--disable-userns", 0, NULL, SEC_NS, "forbid creating further user namespaces inside",
	  h_bool, CFG(disable_userns) },
	{ "--allow-userns", 0, NULL, SEC_NS,
	  "let the sandbox create user namespaces (for programs with a sandbox of their own)",
	  h_bool, CFG(allow_userns) },
	{ "--assert-userns-disabled", 0, NULL, SEC_NS,
	  "fail unless creating user namespaces is impossible inside", h_bool,
	  CFG(assert_userns_disabled) },
	{ "--uid", 1, "UID", SEC_NS, "user id inside the sandbox (default: yours)", h_id, 0 },
	{ "--gid", 1, "GID", SEC_NS, "group id inside the sandbox (default: yours)", h_id, 1 },
	{ "--root", 0, NULL, SEC_NS, "be uid 0 and gid 0 inside (without capabilities)", h_root,
	  0 },
	{ "--subids", 0, NULL, SEC_NS,
	  "also map your /etc/subuid and /etc/subgid ranges (newuidmap/newgidmap)", h_bool,
	  CFG(subids) },
	{ "--hostname", 1, "NAME", SEC_NS, "hostname inside (default: sbx)", h_hostname, 0 },

	/* Filesystem */
	{ "--bind", 2, "SRC DEST", SEC_FS, "bind SRC read-write on DEST", h_bind, 0 },
	{ "--bind-try", 2, "SRC DEST", SEC_FS, "like --bind, ignored if SRC is missing", h_bind,
	  BIND_TRY },
	{ "--ro-bind", 2, "SRC DEST", SEC_FS, "bind SRC read-only on DEST", h_bind, BIND_READONLY },
	{ "--ro-bind-try", 2, "SRC DEST", SEC_FS, "like --ro-bind, ignored if SRC is missing",
	  h_bind, BIND_READONLY | BIND_TRY },
	{ "--dev-bind", 2, "SRC DEST", SEC_FS, "bind SRC on DEST, device nodes usable", h_bind,
	  BIND_DEVICES },
	{ "--dev-bind-try", 2, "SRC DEST", SEC_FS, "like --dev-bind, ignored if SRC is missing",
	  h_bind, BIND_DEVICES | BIND_TRY },
	{ "--bind-fd", 2, "FD DEST", SEC_FS, "bind the directory open as FD on DEST", h_bind_fd,
	  0 },
	{ "--ro-bind-fd", 2, "FD DEST", SEC_FS, "bind the directory open as FD read-only on DEST",
	  h_bind_fd, BIND_READONLY },
	{ "--remount-ro", 1, "DEST", SEC_FS, "make the mount at DEST read-only", h_dest_op,
	  OP_REMOUNT_RO },
	{ "--proc", 1, "DEST", SEC_FS,
	  "a fresh procfs on DEST (without a PID namespace: the caller's /proc)", h_dest_op,
	  OP_PROC },
	{ "--dev", 1, "DEST", SEC_FS, "mount a minimal /dev on DEST", h_dest_op, OP_DEV },
	{ "--tmpfs", 1, "DEST", SEC_FS, "mount an empty tmpfs on DEST", h_dest_op, OP_TMPFS },
	{ "--mqueue", 1, "DEST", SEC_FS, "mount a POSIX message queue fs on DEST", h_dest_op,
	  OP_MQUEUE },
	{ "--dir", 1, "DEST", SEC_FS, "create directory DEST", h_dest_op, OP_DIR },
	{ "--symlink", 2, "TARGET DEST", SEC_FS, "create symlink DEST pointing to TARGET",
	  h_symlink, 0 },
	{ "--file", 2, "FD DEST", SEC_FS, "copy the contents of FD to the new file DEST", h_fd_data,
	  OP_FILE },
	{ "--bind-data", 2, "FD DEST", SEC_FS, "bind a file holding the contents of FD on DEST",
	  h_fd_data, 0 },
	{ "--ro-bind-data", 2, "FD DEST", SEC_FS,
	  "bind a read-only file holding the contents of FD on DEST", h_fd_data, BIND_READONLY },
	{ "--chmod", 2, "OCTAL PATH", SEC_FS, "change the mode of PATH", h_chmod, 0 },
	{ "--perms", 1, "OCTAL", SEC_FS, "mode of the next --dir, --tmpfs, --file or --bind-data",
	  h_perms, 0 },
	{ "--size", 1, "BYTES", SEC_FS, "size of the next --tmpfs (suffixes K M G T)", h_size, 0 },
	{ "--overlay-src", 1, "SRC", SEC_FS,
	  "add a lower layer (later ones on top) to the next overlay", h_overlay_src, 0 },
	{ "--overlay", 3, "RWSRC WORKDIR DEST", SEC_FS,
	  "overlay of the layers on DEST; writes go to RWSRC (WORKDIR on the same fs)", h_overlay,
	  OVERLAY_RW },
	{ "--tmp-overlay", 1, "DEST", SEC_FS,
	  "overlay of the layers on DEST; writes go to a tmpfs and vanish", h_overlay,
	  OVERLAY_TMP },
	{ "--ro-overlay", 1, "DEST", SEC_FS, "read-only overlay of at least two layers on DEST",
	  h_overlay, OVERLAY_RO },
	{ "--ro-bind-host", 1, "PATH", SEC_FS,
	  "bind the host's PATH read-only at PATH, or recreate it if it is a symlink",
	  h_ro_bind_host, 0 },
	{ "--bind-cwd", 0, NULL, SEC_FS,
	  "bind the current directory read-write at its own path, even where the default "
	  "profile does not (not /, /proc, /sys, /dev)",
	  h_bind_cwd, 0 },
	{ "--tmpfs-home", 0, NULL, SEC_FS, "an empty private tmpfs (0700) at $HOME", h_tmpfs_home,
	  0 },
	{ "--home-persist", 0, NULL, SEC_FS,
	  "$HOME is $XDG_DATA_HOME/sbx/homes/NAME, kept across runs (NAME: --name or the command)",
	  h_home_persist, 0 },
	{ "--socket", 1, "KIND", SEC_FS,
	  "pass the caller's wayland, x11, pulseaudio or pipewire socket in (repeatable)", h_socket,
	  0 },
	{ "--sysfs", 1, "DEST", SEC_FS,
	  "read-only /sys: a fresh sysfs and cgroup2 with a new network namespace, else the host's",
	  h_dest_op, OP_SYSFS },
	{ "--chdir", 1, "DIR", SEC_FS,
	  "working directory inside (default: the current one if shared, else $HOME)", h_chdir,
	  CFG(chdir) },
	{ "--lock-file", 1, "DEST", SEC_FS, "hold a lock on DEST while the sandbox runs",
	  h_lock_file, 0 },
	{ "--exec-label", 1, "LABEL", SEC_FS, "SELinux label of the command", h_selinux, 0 },
	{ "--file-label", 1, "LABEL", SEC_FS, "SELinux label of created files", h_selinux, 0 },

	/* Process */
	{ "--setenv", 2, "VAR VALUE", SEC_PROC, "set an environment variable", h_setenv, 0 },
	{ "--unsetenv", 1, "VAR", SEC_PROC, "unset an environment variable", h_unsetenv, 0 },
	{ "--clearenv", 0, NULL, SEC_PROC,
	  "start with an empty environment (PWD and container=sbx are kept)", h_clearenv, 0 },
	{ "--argv0", 1, "VALUE", SEC_PROC, "argv[0] of the command", h_string, CFG(argv0) },
	{ "--die-with-parent", 0, NULL, SEC_PROC, "kill the sandbox when the caller dies", h_bool,
	  CFG(die_with_parent) },
	{ "--new-session", 0, NULL, SEC_PROC,
	  "run the command in a new terminal session (no controlling terminal)", h_bool,
	  CFG(new_session) },
	{ "--pty", 0, NULL, SEC_PROC,
	  "give the command a pseudo-terminal of its own, relayed to yours (the default when one "
	  "of fds 0-2 is a terminal, except with --bare)",
	  h_pty, PTY_ON },
	{ "--no-pty", 0, NULL, SEC_PROC,
	  "no pty: the command shares your terminal (and can type into it: TIOCSTI)", h_pty,
	  PTY_OFF },
	{ "--as-pid-1", 0, NULL, SEC_PROC, "run the command as PID 1 (no sbx init)", h_bool,
	  CFG(as_pid_1) },
	{ "--timeout", 1, "DURATION", SEC_PROC,
	  "SIGTERM the sandbox after DURATION (30s, 2m), SIGKILL 2 s later; exit 124", h_timeout,
	  0 },
	{ "--rlimit", 1, "NAME=SOFT[:HARD]", SEC_PROC, "set a resource limit (e.g. NOFILE=1024)",
	  h_rlimit, 0 },
	{ "--cap-add", 1, "CAP", SEC_PROC,
	  "keep capability CAP (or ALL) inside the sandbox's user namespace", h_cap, 1 },
	{ "--cap-drop", 1, "CAP", SEC_PROC, "drop capability CAP (or ALL) again", h_cap, 0 },
	{ "--seccomp", 1, "FD|none", SEC_PROC,
	  "replace the default seccomp filter by the BPF program read from FD (none: no filter)",
	  h_seccomp, 0 },
	{ "--add-seccomp-fd", 1, "FD", SEC_PROC, "also load the seccomp BPF program read from FD",
	  h_add_seccomp_fd, 0 },
	{ "--seccomp-profile", 1, "FILE", SEC_PROC,
	  "replace the default seccomp filter by an OCI/Docker JSON seccomp profile",
	  h_seccomp_profile, 0 },
	{ "--seccomp-export", 1, "FILE", SEC_PROC,
	  "write the default seccomp filter as BPF to FILE and exit", h_seccomp_export, 0 },
	{ "--landlock", 1, "MODE", SEC_PROC,
	  "auto (default; bare mode: off): a Landlock ruleset mirroring the mount plan where "
	  "the kernel has Landlock; require: fail where it has none; off",
	  h_landlock, 0 },
	{ "--allow-connect", 1, "PORT", SEC_PROC,
	  "TCP connections to PORT only (repeatable; Landlock ABI 4, Linux 6.7)", h_tcp_port, 0 },
	{ "--allow-bind", 1, "PORT", SEC_PROC,
	  "binding TCP port PORT only (repeatable; Landlock ABI 4, Linux 6.7)", h_tcp_port, 1 },
	{ "--fallback", 1, "MODE", SEC_PROC,
	  "where user namespaces are refused: none (default: fail), or landlock (run without "
	  "namespaces, confined by Landlock and seccomp only, with a warning)",
	  h_fallback, 0 },
	{ "--allow-tiocsti", 0, NULL, SEC_PROC,
	  "do not refuse TIOCSTI and TIOCLINUX (terminal input injection) whatever the filter",
	  h_bool, CFG(allow_tiocsti) },

	/* Resource limits */
	{ "--memory", 1, "SIZE", SEC_LIMITS,
	  "memory limit (e.g. 512M); the command is killed beyond it", h_limit, CLI_LIMIT_MEMORY },
	{ "--memory-swap", 1, "SIZE", SEC_LIMITS, "swap limit (0: no swap)", h_limit,
	  CLI_LIMIT_MEMORY_SWAP },
	{ "--cpus", 1, "N", SEC_LIMITS, "CPU time limit in CPUs (e.g. 1.5)", h_limit,
	  CLI_LIMIT_CPUS },
	{ "--cpu-weight", 1, "1-10000", SEC_LIMITS, "CPU share relative to others (default 100)",
	  h_limit, CLI_LIMIT_CPU_WEIGHT },
	{ "--io-weight", 1, "1-10000", SEC_LIMITS, "I/O share relative to others (default 100)",
	  h_limit, CLI_LIMIT_IO_WEIGHT },
	{ "--pids", 1, "N", SEC_LIMITS, "at most N processes and threads", h_limit,
	  CLI_LIMIT_PIDS },
	{ "--cgroup", 1, "BACKEND", SEC_LIMITS,
	  "auto (default), systemd (user scope), direct (delegated subtree), none, try (best "
	  "effort)",
	  h_cgroup, 0 },
	{ "--slice", 1, "NAME", SEC_LIMITS, "systemd slice for the sandbox's scope", h_slice, 0 },
	{ "--cgroup-writable", 0, NULL, SEC_LIMITS,
	  "let the sandbox manage its own cgroup subtree (/sys/fs/cgroup writable)", h_bool,
	  CFG(cgroup_writable) },

	/* File descriptors */
	{ "--info-fd", 1, "FD", SEC_FD, "write JSON with the child pid and namespaces to FD", h_fd,
	  CFG(info_fd) },
	{ "--json-status-fd", 1, "FD", SEC_FD, "write JSON status lines (start, exit) to FD", h_fd,
	  CFG(json_status_fd) },
	{ "--sync-fd", 1, "FD", SEC_FD, "keep FD open inside while the sandbox runs", h_fd,
	  CFG(sync_fd) },
	{ "--block-fd", 1, "FD", SEC_FD, "wait for data on FD before running the command", h_fd,
	  CFG(block_fd) },
	{ "--userns-block-fd", 1, "FD", SEC_FD, "wait for data on FD before setting up", h_fd,
	  CFG(userns_block_fd) },
};

const size_t cli_n_options = ELEMENTSOF(cli_options);

/* In the order of enum sbx_landlock. */
const char *const cli_landlock_modes[] = {
	[SBX_LANDLOCK_AUTO] = "auto",
	[SBX_LANDLOCK_OFF] = "off",
	[SBX_LANDLOCK_REQUIRE] = "require",
};
const size_t cli_n_landlock_modes = ELEMENTSOF(cli_landlock_modes);

/* In the order of enum sbx_fallback. */
const char *const cli_fallback_modes[] = {
	[SBX_FALLBACK_NONE] = "none",
	[SBX_FALLBACK_LANDLOCK] = "landlock",
};
const size_t cli_n_fallback_modes = ELEMENTSOF(cli_fallback_modes);

/* In the order of enum sbx_net; "loopback" is also accepted for none (h_net). */
const char *const cli_net_modes[] = {
	[NET_NONE] = "none",   [NET_HOST] = "host",
	[NET_PASTA] = "pasta", [NET_SLIRP4NETNS] = "slirp4netns",
	[NET_AUTO] = "auto",
};
const size_t cli_n_net_modes = ELEMENTSOF(cli_net_modes);

/* In the order of enum sbx_cgroup_mode. */
const char *const cli_cgroup_modes[] = {
	[CGROUP_AUTO] = "auto", [CGROUP_SYSTEMD] = "systemd", [CGROUP_DIRECT] = "direct",
	[CGROUP_NONE] = "none", [CGROUP_TRY] = "try",
};
const size_t cli_n_cgroup_modes = ELEMENTSOF(cli_cgroup_modes);

const struct option_def *find_option(const char *arg, const char **inline_val)
{
	const char *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : strlen(arg);

	*inline_val = NULL;
	if (streq(arg, "-h"))
		arg = "--help", n = 6;
	else if (streq(arg, "-v"))
		arg = "--verbose", n = 9;
	for (size_t i = 0; i < ELEMENTSOF(cli_options); i++) {
		if (strlen(cli_options[i].name) != n || strncmp(cli_options[i].name, arg, n) != 0)
			continue;
		if (eq) {
			if (cli_options[i].nargs != 1)
				return NULL;
			*inline_val = eq + 1;
		}
		return &cli_options[i];
	}
	return NULL;
}

const char *option_word(opt_handler handler, unsigned long flag)
{
	for (size_t i = 0; i < ELEMENTSOF(cli_options); i++)
		if (cli_options[i].handler == handler && cli_options[i].flag == flag)
			return cli_options[i].name + 2;
	abort();
}
