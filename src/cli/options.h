/* SPDX-License-Identifier: MIT */
#pragma once
/* The option table (options.c) and what reads it: the parser (parse.c), the handlers
 * (handlers*.c), --help (help.c) and the --dry-run printer (dryrun.c). Not for outside
 * src/cli/. */
#include <stdbool.h>
#include <stddef.h>

#include "cli/state.h"

struct option_def;
typedef int (*opt_handler)(struct parse_state *s, const struct option_def *d, char **args);

enum opt_section {
	SEC_GENERAL,
	SEC_NS,
	SEC_FS,
	SEC_PROC,
	SEC_LIMITS,
	SEC_NAMED,
	SEC_FD,
	_SEC_MAX,
};

struct option_def {
	const char *name;
	int nargs;
	const char *argnames;
	enum opt_section section;
	const char *help; /* NULL: hidden from --help, not allowed in a profile */
	opt_handler handler;
	unsigned long flag; /* handler-specific */
};

/* h_bool's, h_string's and h_fd's flag: where in struct sbx_config the value goes. */
#define CFG(field) offsetof(struct sbx_config, field)

/* h_limit's flag: which of struct sbx_limits. */
enum {
	CLI_LIMIT_MEMORY,
	CLI_LIMIT_MEMORY_SWAP,
	CLI_LIMIT_CPUS,
	CLI_LIMIT_CPU_WEIGHT,
	CLI_LIMIT_IO_WEIGHT,
	CLI_LIMIT_PIDS,
};

extern const struct option_def cli_options[];
extern const size_t cli_n_options;

/* --net's modes by enum sbx_net, --cgroup's by enum sbx_cgroup_mode. */
extern const char *const cli_net_modes[];
extern const size_t cli_n_net_modes;
extern const char *const cli_landlock_modes[];
extern const size_t cli_n_landlock_modes;
extern const char *const cli_fallback_modes[];
extern const size_t cli_n_fallback_modes;
extern const char *const cli_cgroup_modes[];
extern const size_t cli_n_cgroup_modes;
/* --seccomp's argument for no filter at all. */
#define SECCOMP_NONE "none"

/* The option ARG names ("--name" or "--name=value"; -h, -v), or NULL; *inline_val is the
 * value after '=' (only options that take one argument have one). */
const struct option_def *find_option(const char *arg, const char **inline_val);
/* The name, without its dashes as a profile writes it, of the first option with this handler
 * and flag. Aborts when there is none: the printer asking for it is wrong. */
const char *option_word(opt_handler handler, unsigned long flag);
/* For handlers: the index of arg among the words of a mode option (--net, --cgroup,
 * --landlock, ...), or -EINVAL with "OPTION: unknown WHAT 'ARG' (expected EXPECTED)". */
int cli_mode_index(const struct option_def *d, const char *what, const char *arg,
		   const char *const *modes, size_t n, const char *expected);

/* parse.c: a profile (an include when read from one), a --args FD list. */
int cli_parse_profile(struct parse_state *s, const char *name, bool user_may_shadow);
int cli_parse_args_fd(struct parse_state *s, const char *fdstr);

#define HANDLER(name) int name(struct parse_state *s, const struct option_def *d, char **a)

/* handlers.c: general, named sandboxes, limits, fds, and the ones any section uses. */
HANDLER(h_action);
HANDLER(h_noop);
HANDLER(h_verbose);
HANDLER(h_level_prefix);
HANDLER(h_profile);
HANDLER(h_args);
HANDLER(h_bool);
HANDLER(h_string);
HANDLER(h_chdir);
HANDLER(h_fd);
HANDLER(h_name);
HANDLER(h_target);
HANDLER(h_signal);
HANDLER(h_grace);
HANDLER(h_limit);
HANDLER(h_cgroup);
HANDLER(h_slice);

/* handlers_ns.c: namespaces, network, identity. */
HANDLER(h_unshare);
HANDLER(h_unshare_all);
HANDLER(h_unshare_cgroup);
HANDLER(h_share_net);
HANDLER(h_net);
HANDLER(h_publish);
HANDLER(h_id);
HANDLER(h_root);
HANDLER(h_hostname);

/* handlers_fs.c: the filesystem. */
HANDLER(h_bind);
HANDLER(h_bind_fd);
HANDLER(h_dest_op);
HANDLER(h_symlink);
HANDLER(h_fd_data);
HANDLER(h_chmod);
HANDLER(h_perms);
HANDLER(h_size);
HANDLER(h_overlay_src);
HANDLER(h_overlay);
HANDLER(h_ro_bind_host);
HANDLER(h_bind_cwd);
HANDLER(h_tmpfs_home);
HANDLER(h_home_persist);
HANDLER(h_socket);
HANDLER(h_lock_file);
HANDLER(h_selinux);

/* handlers_proc.c: the environment, the process, seccomp, capabilities. */
HANDLER(h_setenv);
HANDLER(h_unsetenv);
HANDLER(h_clearenv);
HANDLER(h_pty);
HANDLER(h_timeout);
HANDLER(h_landlock);
HANDLER(h_tcp_port);
HANDLER(h_fallback);
HANDLER(h_rlimit);
HANDLER(h_seccomp);
HANDLER(h_seccomp_profile);
HANDLER(h_add_seccomp_fd);
HANDLER(h_seccomp_export);
HANDLER(h_cap);

#undef HANDLER
