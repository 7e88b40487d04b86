/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "cli.h"
#include "config.h"
#include "launch.h"
#include "log.h"

int main(int argc, char **argv)
{
	struct sbx_config c;
	enum cli_action action;
	int code;

	config_init(&c);
	if (cli_parse(argc, argv, &c, &action) < 0) {
		log_error("%s", sbx_errmsg());
		config_free(&c);
		return 125;
	}
	switch (action) {
	case CLI_HELP:
		cli_usage(stdout);
		code = 0;
		break;
	case CLI_VERSION:
		printf("sbx %s\n", cli_version());
		code = 0;
		break;
	case CLI_PRINT_OPTIONS:
		cli_print_options(stdout);
		code = 0;
		break;
	default:
		code = launch_run(&c);
		break;
	}
	config_free(&c);
	return code;
}
