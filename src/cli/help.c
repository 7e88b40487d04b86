/* SPDX-License-Identifier: MIT */
/* --help, --help-all, --print-options and --version, from the option table. */
#include "cli/cli.h"

#include <string.h>

#include "cli/options.h"

#ifndef SBX_VERSION
#define SBX_VERSION "0.1.0"
#endif

static const char *const section_titles[_SEC_MAX] = {
	[SEC_GENERAL] = "General",
	[SEC_NS] = "Namespaces and identity",
	[SEC_FS] = "Filesystem (applied in the order given, on top of the profile)",
	[SEC_PROC] = "Process",
	[SEC_LIMITS] = "Resource limits (cgroup v2)",
	[SEC_NAMED] = "Named sandboxes",
	[SEC_FD] = "File descriptors",
};

/* What --help shows, so that it fits on a screen; --help-all shows every option. */
static const char *const common_options[] = {
	"--help",    "--help-all",	  "--version", "--check",
	"--profile", "--dry-run",	  "--bare",    "--net",
	"--root",    "--hostname",	  "--bind",    "--ro-bind",
	"--tmpfs",   "--chdir",		  "--setenv",  "--clearenv",
	"--timeout", "--die-with-parent", "--cap-add", "--memory",
	"--cpus",    "--no-pty",	  "--pids",    "--name",
	"--list",    "--enter",		  "--stop",    "--seccomp-profile",
};

static bool is_common(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(common_options); i++)
		if (streq(common_options[i], name))
			return true;
	return false;
}

/* bubblewrap's --help: its usage line, then every option, one per line. */
static void usage_bwrap(FILE *f, const char *argv0)
{
	fprintf(f, "usage: %s [OPTIONS...] [--] COMMAND [ARGS...]\n\n", argv0);
	for (size_t i = 0; i < cli_n_options; i++) {
		const struct option_def *d = &cli_options[i];
		char left[64];
		if (!d->help)
			continue;
		snprintf(left, sizeof(left), "%s%s%s", d->name, d->argnames ? " " : "",
			 d->argnames ? d->argnames : "");
		fprintf(f, "    %-30s %s\n", left, d->help);
	}
}

void cli_usage(FILE *f, bool all, const char *argv0)
{
	size_t hidden = 0;

	if (cli_is_bwrap_name(argv0)) {
		usage_bwrap(f, argv0);
		return;
	}
	fprintf(f, "Usage: sbx [OPTION...] [--] [COMMAND [ARG...]]\n"
		   "Run COMMAND (default: /bin/sh) in a sandbox, as an unprivileged user.\n"
		   "By default: the host's system read-only, an empty $HOME, no network, and the\n"
		   "current directory read-write when it is safe to share: one of your own, not\n"
		   "/, $HOME or above it, ~/.*, $XDG_RUNTIME_DIR, /run, /tmp or /var/tmp itself,\n"
		   "nor reached through a symlink (else not shared: --bind-cwd shares it).\n");
	for (int sec = 0; sec < _SEC_MAX; sec++) {
		bool title = false;
		for (size_t i = 0; i < cli_n_options; i++) {
			const struct option_def *d = &cli_options[i];
			char left[64];
			if (d->section != (enum opt_section)sec || !d->help)
				continue;
			if (!all && !is_common(d->name)) {
				hidden++;
				continue;
			}
			if (!title)
				fprintf(f, "\n%s:\n", section_titles[sec]);
			title = true;
			snprintf(left, sizeof(left), "%s%s%s", d->name, d->argnames ? " " : "",
				 d->argnames ? d->argnames : "");
			fprintf(f, "  %-30s %s\n", left, d->help);
		}
	}
	fprintf(f, "\nExit status: the command's own; 128+N if it died of signal N; 124 timeout;\n"
		   "125 sbx failed; 126 command not executable; 127 command not found.\n");
	if (hidden)
		fprintf(f, "%zu more options (bubblewrap's and sbx's): sbx --help-all, man sbx.\n",
			hidden);
}

void cli_print_options(FILE *f)
{
	for (size_t i = 0; i < cli_n_options; i++)
		if (cli_options[i].help)
			fprintf(f, "%s %d %s\n", cli_options[i].name, cli_options[i].nargs,
				cli_options[i].argnames ? cli_options[i].argnames : "");
}

const char *cli_version(void)
{
	return SBX_VERSION;
}
