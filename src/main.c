/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>

#include "check/check.h"
#include "cli/cli.h"
#include "base/config.h"
#include "run/launch.h"
#include "named/enter.h"
#include "base/log.h"
#include "named/registry.h"
#include "cli/profile.h"
#include "seccomp/seccomp.h"
#include "base/fault.h"

#include <fcntl.h>
#include <unistd.h>

static int export_seccomp(const struct sbx_config *c)
{
	int fd = open(c->seccomp_export, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0) {
		log_error("--seccomp-export %s: %m", c->seccomp_export);
		return EXIT_SBX_FAILED;
	}
	if (seccomp_export(c, fd) < 0) {
		log_error("%s", sbx_errmsg());
		close(fd);
		return EXIT_SBX_FAILED;
	}
	close(fd);
	return 0;
}

/* From pkg-config, by the Makefile. */
#ifndef SBX_CAPNG_VERSION
#define SBX_CAPNG_VERSION "unknown"
#endif
#ifndef SBX_LIBSYSTEMD_VERSION
#define SBX_LIBSYSTEMD_VERSION "unknown"
#endif

/* The version and what was compiled in, or is loaded on demand. */
static void print_version(void)
{
	printf("sbx %s\n", cli_version());
	printf("libcap-ng %s (linked)\n", SBX_CAPNG_VERSION);
	printf("seccomp: default filter compiled by libseccomp %s at build time\n",
	       seccomp_built_with());
	printf("sd-bus: libsystemd.so.0, loaded for sandboxes with limits (built against %s)\n",
	       SBX_LIBSYSTEMD_VERSION);
	printf("json-c and libseccomp: loaded for --seccomp-profile\n");
}

int main(int argc, char **argv)
{
	struct sbx_config c;
	enum cli_action action;
	int code;

	/* A test build's fault points (fault.h); read and removed before anything else. */
	fault_init();
	/* Only sbx sets it, for its own small program (pid1.c); never the caller's. */
	unsetenv("SBX_PID1");
	config_init(&c);
	if (cli_parse(argc, argv, &c, &action) < 0) {
		log_error("%s", sbx_errmsg());
		code = sbx_failed_status(&c);
		config_free(&c);
		return code;
	}
	switch (action) {
	case CLI_HELP:
	case CLI_HELP_ALL:
		cli_usage(stdout, action == CLI_HELP_ALL, argv[0]);
		code = 0;
		break;
	case CLI_VERSION:
		print_version();
		code = 0;
		break;
	case CLI_PRINT_OPTIONS:
		cli_print_options(stdout);
		code = 0;
		break;
	case CLI_LIST:
		code = registry_list(stdout, c.json) < 0 ? EXIT_SBX_FAILED : 0;
		if (code)
			log_error("%s", sbx_errmsg());
		break;
	case CLI_ENTER:
		code = enter_run(&c, c.target);
		break;
	case CLI_STOP:
		code = stop_run(c.target, c.stop_signal, c.stop_grace_usec);
		break;
	case CLI_CHECK:
		code = check_run(stdout);
		break;
	case CLI_DRY_RUN:
		profile_print(stdout, &c);
		code = 0;
		break;
	case CLI_SECCOMP_EXPORT:
		code = export_seccomp(&c);
		break;
	default:
		if (c.seccomp_disabled)
			log_warn("--seccomp none: running without a seccomp filter");
		code = launch_run(&c);
		break;
	}
	config_free(&c);
	return code;
}

#if defined(__SANITIZE_ADDRESS__)
/* make check-asan: any report fails the run, whatever the environment says */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "halt_on_error=1:abort_on_error=1:detect_leaks=1";
}
#endif
