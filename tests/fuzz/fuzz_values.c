/* SPDX-License-Identifier: MIT */
/* The value parsers of single options: sizes, durations, ids, fds, modes, rlimits, CPUs,
 * ranges (util.c), capabilities (caps.c), --publish (netuser.c, with the printer's round
 * trip), sandbox names (registry.c), and --signal (through cli_parse).
 * Input: byte 0 picks the parser; the rest is the value (up to a NUL). */
#include <stdlib.h>
#include <string.h>

#include "setup/caps.h"
#include "cli/cli.h"
#include "common.h"
#include "base/log.h"
#include "net/netuser.h"
#include "named/registry.h"
#include "base/util.h"

static void publish(const char *s)
{
	struct sbx_publish p, again;
	char buf[128];

	if (netuser_parse_publish("--publish", s, &p) < 0)
		return;
	/* What --dry-run prints must read back as the same mapping. */
	netuser_format_publish(&p, buf, sizeof(buf));
	if (netuser_parse_publish("--publish", buf, &again) < 0 ||
	    strcmp(p.host_addr, again.host_addr) != 0 || p.host_port != again.host_port ||
	    p.sandbox_port != again.sandbox_port || p.udp != again.udp) {
		fprintf(stderr, "--publish %s printed as %s, which reads back differently\n", s,
			buf);
		abort();
	}
}

static void signal_option(const char *s)
{
	char *argv[] = { "sbx", "--signal", (char *)s, "--stop", "x", NULL };
	struct sbx_config c;
	enum cli_action action;

	config_init(&c);
	(void)cli_parse((int)ELEMENTSOF(argv) - 1, argv, &c, &action);
	fuzz_config_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *s = NULL;
	uint64_t u64;
	uint32_t u32;
	int fd;
	mode_t mode;
	struct sbx_rlimit rl;

	if (size < 1)
		return -1;
	fuzz_setup();
	s = fuzz_strndup(data + 1, size - 1);
	switch (data[0] % 12) {
	case 0:
		(void)parse_size("--size", s, &u64);
		break;
	case 1:
		(void)parse_duration("--timeout", s, &u64);
		break;
	case 2:
		(void)parse_id("--uid", s, &u32);
		break;
	case 3:
		(void)parse_fd("--fd", s, &fd);
		break;
	case 4:
		(void)parse_mode("--chmod", s, &mode);
		break;
	case 5:
		if (parse_rlimit("--rlimit", s, &rl) == 0)
			(void)rlimit_name(rl.resource);
		break;
	case 6:
		(void)parse_cpus("--cpus", s, &u64);
		break;
	case 7:
		(void)parse_range("--pids", s, 1, UINT32_MAX, &u64);
		break;
	case 8:
		(void)caps_parse("--cap-add", s, &u64);
		break;
	case 9:
		publish(s);
		break;
	case 10:
		(void)registry_valid_name(s);
		break;
	default:
		signal_option(s);
		break;
	}
	return 0;
}
