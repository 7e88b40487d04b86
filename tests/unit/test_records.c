/* SPDX-License-Identifier: MIT */
/* What sbx reads back from its other processes and from /proc (tests/fuzz/fuzz_records.c
 * fuzzes the same functions): PID 1's records, the supervisor's answer to --enter, a
 * registry entry's info file and /proc/PID/stat. Each regression here is an input the
 * fuzzer found (tests/fuzz/corpus/records/regress-*). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "named/enterctl.h"
#include "run/init.h"
#include "named/registry.h"
#include "base/util.h"

/* ---- PID 1's records (init.c writes, supervise.c reads) ------------------------------- */

static void test_record_ended(void **state)
{
	struct init_record r;

	init_parse_record("=137", &r);
	assert_true(r.ended);
	assert_int_equal(r.code, 137);
}

static void test_record_failure(void **state)
{
	struct init_record r;

	init_parse_record("127:execvp sh: No such file or directory", &r);
	assert_false(r.ended);
	assert_int_equal(r.code, 127);
	assert_string_equal(r.text, "execvp sh: No such file or directory");
	/* Without a colon the whole record is the message. */
	init_parse_record("garbled", &r);
	assert_false(r.ended);
	assert_string_equal(r.text, "garbled");
}

/* ---- the supervisor's answer to --enter (enterctl.c) ------------------------------- */

/* The wire format of enterctl.c: header, program lengths, cwd, programs, Landlock rules. */
struct msg {
	char buf[256];
	size_t len;
};

static void put(struct msg *m, const void *p, size_t n)
{
	assert_true(m->len + n <= sizeof(m->buf));
	memcpy(m->buf + m->len, p, n);
	m->len += n;
}

/* rules: the records, NULs included, rules_len bytes. */
static void answer_with_rules(struct msg *m, const char *cwd, const char *rules, size_t rules_len)
{
	struct {
		uint32_t magic, version;
		int32_t init;
		uint32_t n_progs;
		uint64_t nsflags, caps;
		uint32_t cwd_len, landlock;
		uint32_t rules_len, pad;
	} h = { 0x53425845u,	     2, 4242, 1, 0, 0, (uint32_t)strlen(cwd), SBX_LANDLOCK_REQUIRE,
		(uint32_t)rules_len, 0 };
	struct {
		uint32_t len, flags;
	} w = { 1, 0 };
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, 0x7fff0000u);

	m->len = 0;
	put(m, &h, sizeof(h));
	put(m, &w, sizeof(w));
	put(m, cwd, strlen(cwd));
	put(m, &allow, sizeof(allow));
	put(m, rules, rules_len);
}

static void answer(struct msg *m, const char *cwd)
{
	static const char rules[] = "0/\0"
				    "2/tmp\0"
				    "c443\0"
				    "b0";

	answer_with_rules(m, cwd, rules, sizeof(rules));
}

static void test_enter_answer_parses(void **state)
{
	struct enter_info info;
	struct msg m;

	answer(&m, "/home/u");
	assert_int_equal(enterctl_parse_message(m.buf, m.len, &info), 0);
	assert_int_equal(info.init, 4242);
	assert_string_equal(info.cwd, "/home/u");
	assert_int_equal(info.filters.n, 1);
	assert_int_equal(info.landlock, SBX_LANDLOCK_REQUIRE);
	assert_int_equal(info.rules.n, 2);
	assert_string_equal(info.rules.v[0].path, "/");
	assert_int_equal(info.rules.v[0].access, LANDLOCK_LIST);
	assert_string_equal(info.rules.v[1].path, "/tmp");
	assert_int_equal(info.rules.v[1].access, LANDLOCK_WRITE);
	assert_int_equal(info.rules.n_ports, 2);
	assert_int_equal(info.rules.ports[0].port, 443);
	assert_false(info.rules.ports[0].bind);
	assert_int_equal(info.rules.ports[1].port, 0);
	assert_true(info.rules.ports[1].bind);
	enter_info_free(&info);
}

/* A rule with no NUL, an access beyond LANDLOCK_DEV or a relative path: the whole answer
 * is refused, and nothing of it is left allocated. */
static void test_enter_answer_bad_rules_refused_clean(void **state)
{
	static const struct {
		const char *rules;
		size_t len;
	} bad[] = {
		{ "0/", 2 },	{ "4/x\0", 4 }, { "2tmp\0", 5 }, { "0/\0\0", 4 }, { "c65536\0", 7 },
		{ "c-1\0", 4 }, { "c\0", 2 },	{ "x80\0", 4 },	 { "c80x\0", 5 }, { "b 80\0", 5 },
	};
	struct enter_info info;
	struct msg m;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		answer_with_rules(&m, "/home/u", bad[i].rules, bad[i].len);
		assert_int_equal(enterctl_parse_message(m.buf, m.len, &info), -EBADMSG);
		assert_null(info.cwd);
		assert_int_equal(info.rules.n, 0);
		assert_int_equal(info.rules.n_ports, 0);
	}
}

/* Found by fuzz_records (a leak): an answer with bytes after its programs was refused
 * with its cwd and programs still allocated. A refusal leaves nothing behind. */
static void test_enter_answer_trailing_bytes_refused_clean(void **state)
{
	struct enter_info info;
	struct msg m;

	answer(&m, "/home/u");
	put(&m, "x", 1);
	assert_int_equal(enterctl_parse_message(m.buf, m.len, &info), -EBADMSG);
	assert_null(info.cwd);
	assert_int_equal(info.filters.n, 0);
	assert_int_equal(info.rules.n, 0);
}

static void test_enter_answer_short_refused(void **state)
{
	struct enter_info info;
	struct msg m;

	answer(&m, "/home/u");
	for (size_t n = 0; n < m.len; n++)
		assert_int_equal(enterctl_parse_message(m.buf, n, &info), -EBADMSG);
}

/* ---- registry entries and /proc/PID/stat (registry.c) ------------------------------ */

static void test_info_parses(void **state)
{
	char text[] = "supervisor=10\ninit=11\nstarttime=99\nstarted=1700000000\n"
		      "command=sleep 1\nlimits=memory=1G\ngarbage\n";
	struct registry_info info = { 0 };

	registry_parse_info(text, &info);
	assert_int_equal(info.supervisor, 10);
	assert_int_equal(info.init, 11);
	assert_int_equal(info.starttime, 99);
	assert_int_equal(info.started, 1700000000);
	assert_string_equal(info.command, "sleep 1");
	assert_string_equal(info.limits, "memory=1G");
	registry_info_free(&info);
}

static void test_stat_parses(void **state)
{
	const char *stat = "11 (a) b) (c) S 10 11 10 0 -1 4194560 98 0 0 0 0 0 0 0 20 0 1 0 "
			   "987654 2433024 128\n";
	unsigned long long start = 0;
	pid_t ppid = 0;

	assert_int_equal(registry_parse_stat(stat, &start, &ppid), 0);
	assert_int_equal(ppid, 10);
	assert_int_equal(start, 987654);
}

/* A stat that ends right after the name: the fields are looked for after the ')' and its
 * space, which here lie past the string's end. What follows the NUL must not be read (it
 * was: read_fd_all's buffer ends there, so that read was past the allocation). */
static void test_stat_ending_after_name_refused(void **state)
{
	static const char stat[] = "11 (a)\0S 10 11 10 0 -1 4194560 98 0 0 0 0 0 0 0 20 0 1 0 "
				   "987654 2433024 128\n";
	unsigned long long start = 0;
	pid_t ppid = 0;

	assert_int_equal(registry_parse_stat(stat, &start, &ppid), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_ended),
		cmocka_unit_test(test_record_failure),
		cmocka_unit_test(test_enter_answer_parses),
		cmocka_unit_test(test_enter_answer_trailing_bytes_refused_clean),
		cmocka_unit_test(test_enter_answer_short_refused),
		cmocka_unit_test(test_enter_answer_bad_rules_refused_clean),
		cmocka_unit_test(test_info_parses),
		cmocka_unit_test(test_stat_parses),
		cmocka_unit_test(test_stat_ending_after_name_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
