/* SPDX-License-Identifier: MIT */
#pragma once
/* What the supervisor (supervise.c), --enter (named/enter.c) and both PID 1s agree on: the
 * fallback init (init.c) and the freestanding program (pid1/main.c), which includes this
 * header too. So: no libc here, and the SIG* numbers come from whichever signal header
 * the includer has (<signal.h>, or <linux/signal.h> when freestanding). */
#include <stdbool.h>

/* The signals sbx passes on to the command (SIGCHLD is PID 1's own). */
#define SBX_FORWARDED_SIGNALS SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT

/* The FLAGS of the PID 1 program's supervisor role (pid1/main.c, pid1_monitor): messages
 * marked with --level-prefix's <3>, said as "bwrap: ", sbx's own failure exits 1 (bwrap
 * mode, sbx_failed_status). */
#define PID1_MONITOR_LEVEL_PREFIX 1U
#define PID1_MONITOR_BWRAP_NAME 2U
#define PID1_MONITOR_BWRAP_STATUS 4U

/* --timeout: SIGTERM first, SIGKILL this long after. */
#define SBX_KILL_GRACE_USEC 2000000ULL

/* sbx's exit status for a wait(2) status: the command's own, 128 + N when signal N ended
 * it, 125 for anything else. */
static inline int sbx_status_code(int status)
{
	int sig = status & 0x7f;

	if (sig == 0)
		return (status >> 8) & 0xff;
	if (sig != 0x7f)
		return 128 + sig;
	return 125;
}

/* Records on PID 1's error pipe end with a NUL: "CODE:MESSAGE" for a failure, "=CODE" once
 * the command has ended (init_report writes them). Parsed: ended and its CODE, or a failure
 * with text pointing at MESSAGE (all of rec when it has no colon). */
struct init_record {
	bool ended;
	int code;
	const char *text;
};

static inline void init_parse_record(const char *rec, struct init_record *ret)
{
	const char *p = rec + (rec[0] == '=');
	int code = 0;

	for (; *p >= '0' && *p <= '9' && code < 100000; p++)
		code = code * 10 + (*p - '0');
	*ret = (struct init_record){ .ended = rec[0] == '=', .code = code, .text = rec };
	if (ret->ended) {
		ret->text = "";
		return;
	}
	for (p = rec; *p; p++)
		if (*p == ':') {
			ret->text = p + 1;
			break;
		}
}
