/* SPDX-License-Identifier: MIT */
/* The value parsers of util.h: what they accept, what they compute, and that a rejection
 * leaves a message naming both the option and the bad value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/log.h"
#include "base/util.h"

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define TiB (1ULL << 40)
#define SEC 1000000ULL

/* The last recorded message contains every one of the given strings. */
static void assert_errmsg_has(const char *a, const char *b)
{
	const char *msg = sbx_errmsg();

	if (!strstr(msg, a) || (b && !strstr(msg, b)))
		fail_msg("error message \"%s\" should contain \"%s\"%s%s%s", msg, a,
			 b ? " and \"" : "", b ? b : "", b ? "\"" : "");
}

/* A rejection: -EINVAL, the output left alone, the option and the value named. */
#define assert_rejects(call, opt, shown)           \
	do {                                       \
		sbx_errx("(no message)");          \
		assert_int_equal((call), -EINVAL); \
		assert_errmsg_has((opt), (shown)); \
	} while (0)

/* ---- parse_size ---------------------------------------------------------------------- */

static uint64_t size_ok(const char *s)
{
	uint64_t v = 0xdeadbeef;

	if (parse_size("--size", s, &v) != 0)
		fail_msg("parse_size(\"%s\") failed: %s", s, sbx_errmsg());
	return v;
}

static void test_size_plain_bytes(void **state)
{
	assert_int_equal(size_ok("0"), 0);
	assert_int_equal(size_ok("1"), 1);
	assert_int_equal(size_ok("4096"), 4096);
	assert_int_equal(size_ok("100B"), 100);
	assert_int_equal(size_ok("18446744073709551615"), UINT64_MAX);
}

static void test_size_binary_suffixes(void **state)
{
	assert_int_equal(size_ok("1K"), KiB);
	assert_int_equal(size_ok("3K"), 3 * KiB);
	assert_int_equal(size_ok("512M"), 512 * MiB);
	assert_int_equal(size_ok("2G"), 2 * GiB);
	assert_int_equal(size_ok("1T"), TiB);
	assert_int_equal(size_ok("16777215T"), 16777215ULL * TiB);
}

static void test_size_long_suffixes(void **state)
{
	assert_int_equal(size_ok("4KiB"), 4 * KiB);
	assert_int_equal(size_ok("4KB"), 4 * KiB);
	assert_int_equal(size_ok("5MB"), 5 * MiB);
	assert_int_equal(size_ok("5MiB"), 5 * MiB);
	assert_int_equal(size_ok("6GiB"), 6 * GiB);
	assert_int_equal(size_ok("7TB"), 7 * TiB);
}

static void test_size_suffix_case(void **state)
{
	assert_int_equal(size_ok("1k"), KiB);
	assert_int_equal(size_ok("8m"), 8 * MiB);
	assert_int_equal(size_ok("2g"), 2 * GiB);
	assert_int_equal(size_ok("1t"), TiB);
	assert_int_equal(size_ok("3kib"), 3 * KiB);
	assert_int_equal(size_ok("3mb"), 3 * MiB);
	assert_int_equal(size_ok("3Gb"), 3 * GiB);
}

static void test_size_overflow(void **state)
{
	uint64_t v = 42;

	/* 2^24 TiB = 2^64: one past the largest representable size. */
	assert_rejects(parse_size("--size", "16777216T", &v), "--size", "16777216T");
	assert_rejects(parse_size("--memory", "17179869184G", &v), "--memory", "17179869184G");
	/* Past UINT64_MAX before any unit: strtoull's ERANGE. */
	assert_rejects(parse_size("--size", "18446744073709551616", &v), "--size",
		       "18446744073709551616");
	assert_rejects(parse_size("--size", "99999999999999999999999K", &v), "--size",
		       "99999999999999999999999K");
	assert_int_equal(v, 42);
}

static void test_size_rejects_bad_input(void **state)
{
	uint64_t v = 42;

	assert_rejects(parse_size("--size", "", &v), "--size", "''");
	assert_rejects(parse_size("--size", "-1", &v), "--size", "'-1'");
	assert_rejects(parse_size("--size", "5Q", &v), "--size", "'5Q'");
	assert_rejects(parse_size("--size", " 5", &v), "--size", "' 5'");
	assert_rejects(parse_size("--size", "5 K", &v), "--size", "'5 K'");
	assert_rejects(parse_size("--size", "5K ", &v), "--size", "'5K '");
	assert_rejects(parse_size("--size", "+5", &v), "--size", "'+5'");
	assert_rejects(parse_size("--size", "K", &v), "--size", "'K'");
	assert_rejects(parse_size("--size", "1.5G", &v), "--size", "'1.5G'");
	assert_rejects(parse_size("--size", "0x10", &v), "--size", "'0x10'");
	assert_rejects(parse_size("--size", "5KK", &v), "--size", "'5KK'");
	assert_int_equal(v, 42);
}

/* ---- parse_duration ------------------------------------------------------------------ */

static uint64_t duration_ok(const char *s)
{
	uint64_t v = 0xdeadbeef;

	if (parse_duration("--timeout", s, &v) != 0)
		fail_msg("parse_duration(\"%s\") failed: %s", s, sbx_errmsg());
	return v;
}

static void test_duration_units(void **state)
{
	assert_int_equal(duration_ok("30s"), 30 * SEC);
	assert_int_equal(duration_ok("500ms"), 500000);
	assert_int_equal(duration_ok("2m"), 120 * SEC);
	assert_int_equal(duration_ok("1h"), 3600 * SEC);
	assert_int_equal(duration_ok("1d"), 86400 * SEC);
	assert_int_equal(duration_ok("250us"), 250);
	assert_int_equal(duration_ok("5min"), 300 * SEC);
	assert_int_equal(duration_ok("7sec"), 7 * SEC);
}

static void test_duration_bare_number_is_seconds(void **state)
{
	assert_int_equal(duration_ok("1"), SEC);
	assert_int_equal(duration_ok("45"), 45 * SEC);
}

static void test_duration_zero_rejected(void **state)
{
	uint64_t v = 42;

	assert_rejects(parse_duration("--timeout", "0", &v), "--timeout", NULL);
	assert_rejects(parse_duration("--timeout", "0s", &v), "--timeout", NULL);
	assert_rejects(parse_duration("--timeout", "0ms", &v), "--timeout", NULL);
	assert_int_equal(v, 42);
}

static void test_duration_junk_rejected(void **state)
{
	uint64_t v = 42;

	assert_rejects(parse_duration("--timeout", "", &v), "--timeout", "''");
	assert_rejects(parse_duration("--timeout", "abc", &v), "--timeout", "'abc'");
	assert_rejects(parse_duration("--timeout", "5x", &v), "--timeout", "'5x'");
	assert_rejects(parse_duration("--timeout", "-5s", &v), "--timeout", "'-5s'");
	assert_rejects(parse_duration("--timeout", " 5s", &v), "--timeout", "' 5s'");
	assert_rejects(parse_duration("--timeout", "5s ", &v), "--timeout", "'5s '");
	assert_rejects(parse_duration("--timeout", "1.5s", &v), "--timeout", "'1.5s'");
	assert_rejects(parse_duration("--timeout", "s", &v), "--timeout", "'s'");
	assert_rejects(parse_duration("--timeout", "1h30m", &v), "--timeout", "'1h30m'");
	assert_int_equal(v, 42);
}

static void test_duration_overflow(void **state)
{
	uint64_t v = 42;

	/* UINT64_MAX / 86400000000 = 213503982 */
	assert_int_equal(duration_ok("213503982d"), 213503982ULL * 86400 * SEC);
	assert_rejects(parse_duration("--timeout", "213503983d", &v), "--timeout", "'213503983d'");
	assert_rejects(parse_duration("--timeout", "18446744073709551615s", &v), "--timeout",
		       "'18446744073709551615s'");
	assert_rejects(parse_duration("--timeout", "99999999999999999999999", &v), "--timeout",
		       "'99999999999999999999999'");
	assert_int_equal(v, 42);
}

/* ---- parse_id ------------------------------------------------------------------------ */

static void test_id_accepts_full_range(void **state)
{
	uint32_t v = 7;

	assert_int_equal(parse_id("--uid", "0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_id("--uid", "1000", &v), 0);
	assert_int_equal(v, 1000);
	assert_int_equal(parse_id("--gid", "4294967294", &v), 0);
	assert_int_equal(v, 4294967294U);
}

static void test_id_rejects(void **state)
{
	uint32_t v = 7;

	/* (uid_t)-1 means "unchanged" to setresuid(2): never an id. */
	assert_rejects(parse_id("--uid", "4294967295", &v), "--uid", "'4294967295'");
	assert_rejects(parse_id("--uid", "4294967296", &v), "--uid", "'4294967296'");
	assert_rejects(parse_id("--uid", "-1", &v), "--uid", "'-1'");
	assert_rejects(parse_id("--gid", "12a", &v), "--gid", "'12a'");
	assert_rejects(parse_id("--gid", "", &v), "--gid", "''");
	assert_rejects(parse_id("--gid", " 1", &v), "--gid", "' 1'");
	assert_rejects(parse_id("--gid", "99999999999999999999999", &v), "--gid",
		       "'99999999999999999999999'");
	assert_int_equal(v, 7);
}

/* ---- parse_fd ------------------------------------------------------------------------ */

static void test_fd(void **state)
{
	int fd = -7;

	assert_int_equal(parse_fd("--info-fd", "0", &fd), 0);
	assert_int_equal(fd, 0);
	assert_int_equal(parse_fd("--info-fd", "3", &fd), 0);
	assert_int_equal(fd, 3);
	assert_int_equal(parse_fd("--info-fd", "2147483647", &fd), 0);
	assert_int_equal(fd, 2147483647);

	fd = -7;
	assert_rejects(parse_fd("--info-fd", "2147483648", &fd), "--info-fd", "'2147483648'");
	assert_rejects(parse_fd("--sync-fd", "-1", &fd), "--sync-fd", "'-1'");
	assert_rejects(parse_fd("--sync-fd", "3x", &fd), "--sync-fd", "'3x'");
	assert_rejects(parse_fd("--block-fd", "", &fd), "--block-fd", "''");
	assert_rejects(parse_fd("--block-fd", "stdin", &fd), "--block-fd", "'stdin'");
	assert_int_equal(fd, -7);
}

/* ---- parse_mode ---------------------------------------------------------------------- */

static void test_mode_accepts_octal(void **state)
{
	mode_t m = 01;

	assert_int_equal(parse_mode("--perms", "0755", &m), 0);
	assert_int_equal(m, 0755);
	assert_int_equal(parse_mode("--perms", "755", &m), 0);
	assert_int_equal(m, 0755);
	assert_int_equal(parse_mode("--perms", "1777", &m), 0);
	assert_int_equal(m, 01777);
	assert_int_equal(parse_mode("--perms", "0", &m), 0);
	assert_int_equal(m, 0);
	assert_int_equal(parse_mode("--chmod", "07777", &m), 0);
	assert_int_equal(m, 07777);
	assert_int_equal(parse_mode("--chmod", "0000600", &m), 0);
	assert_int_equal(m, 0600);
}

static void test_mode_rejects(void **state)
{
	mode_t m = 01;

	assert_rejects(parse_mode("--perms", "8", &m), "--perms", "'8'");
	assert_rejects(parse_mode("--perms", "0758", &m), "--perms", "'0758'");
	assert_rejects(parse_mode("--perms", "077777", &m), "--perms", "'077777'");
	assert_rejects(parse_mode("--perms", "10000", &m), "--perms", "'10000'");
	assert_rejects(parse_mode("--chmod", "", &m), "--chmod", "''");
	assert_rejects(parse_mode("--chmod", "-755", &m), "--chmod", "'-755'");
	assert_rejects(parse_mode("--chmod", "u+x", &m), "--chmod", "'u+x'");
	assert_rejects(parse_mode("--chmod", "0x1ff", &m), "--chmod", "'0x1ff'");
	assert_rejects(parse_mode("--chmod", " 755", &m), "--chmod", "' 755'");
	assert_rejects(parse_mode("--chmod", "77777777777777777777777777", &m), "--chmod",
		       "'77777777777777777777777777'");
	assert_int_equal(m, 01);
}

/* ---- parse_rlimit -------------------------------------------------------------------- */

static struct sbx_rlimit rlimit_ok(const char *s)
{
	struct sbx_rlimit r = { .resource = -2 };

	if (parse_rlimit("--rlimit", s, &r) != 0)
		fail_msg("parse_rlimit(\"%s\") failed: %s", s, sbx_errmsg());
	return r;
}

static void test_rlimit_soft_only(void **state)
{
	struct sbx_rlimit r = rlimit_ok("NOFILE=1024");

	assert_int_equal(r.resource, RLIMIT_NOFILE);
	assert_int_equal(r.lim.rlim_cur, 1024);
	assert_true(r.soft_only);
}

static void test_rlimit_soft_and_hard(void **state)
{
	struct sbx_rlimit r = rlimit_ok("NOFILE=32:64");

	assert_int_equal(r.resource, RLIMIT_NOFILE);
	assert_int_equal(r.lim.rlim_cur, 32);
	assert_int_equal(r.lim.rlim_max, 64);
	assert_false(r.soft_only);

	r = rlimit_ok("CORE=0:0");
	assert_int_equal(r.resource, RLIMIT_CORE);
	assert_int_equal(r.lim.rlim_cur, 0);
	assert_int_equal(r.lim.rlim_max, 0);
	assert_false(r.soft_only);

	r = rlimit_ok("NPROC=64:64");
	assert_int_equal(r.resource, RLIMIT_NPROC);
	assert_int_equal(r.lim.rlim_cur, 64);
	assert_int_equal(r.lim.rlim_max, 64);
}

static void test_rlimit_names(void **state)
{
	struct sbx_rlimit r;

	r = rlimit_ok("RLIMIT_NOFILE=10");
	assert_int_equal(r.resource, RLIMIT_NOFILE);
	assert_int_equal(r.lim.rlim_cur, 10);
	r = rlimit_ok("nofile=11");
	assert_int_equal(r.resource, RLIMIT_NOFILE);
	assert_int_equal(r.lim.rlim_cur, 11);
	r = rlimit_ok("rlimit_stack=8388608");
	assert_int_equal(r.resource, RLIMIT_STACK);
	r = rlimit_ok("AS=1073741824");
	assert_int_equal(r.resource, RLIMIT_AS);
	r = rlimit_ok("CPU=5");
	assert_int_equal(r.resource, RLIMIT_CPU);
	r = rlimit_ok("SIGPENDING=100");
	assert_int_equal(r.resource, RLIMIT_SIGPENDING);

	assert_string_equal(rlimit_name(RLIMIT_NOFILE), "NOFILE");
	assert_string_equal(rlimit_name(RLIMIT_MEMLOCK), "MEMLOCK");
}

static void test_rlimit_infinity(void **state)
{
	struct sbx_rlimit r;

	r = rlimit_ok("CORE=infinity");
	assert_int_equal(r.resource, RLIMIT_CORE);
	assert_true(r.lim.rlim_cur == RLIM_INFINITY);
	assert_true(r.soft_only);
	r = rlimit_ok("STACK=unlimited");
	assert_true(r.lim.rlim_cur == RLIM_INFINITY);
	r = rlimit_ok("NOFILE=1024:infinity");
	assert_int_equal(r.lim.rlim_cur, 1024);
	assert_true(r.lim.rlim_max == RLIM_INFINITY);
	assert_false(r.soft_only);
	r = rlimit_ok("AS=unlimited:unlimited");
	assert_true(r.lim.rlim_cur == RLIM_INFINITY);
	assert_true(r.lim.rlim_max == RLIM_INFINITY);
}

static void test_rlimit_rejects(void **state)
{
	struct sbx_rlimit r = { .resource = -2 };

	assert_rejects(parse_rlimit("--rlimit", "BOGUS=5", &r), "--rlimit", "BOGUS");
	assert_rejects(parse_rlimit("--rlimit", "RLIMIT_=5", &r), "--rlimit", "RLIMIT_");
	assert_rejects(parse_rlimit("--rlimit", "=5", &r), "--rlimit", NULL);
	assert_rejects(parse_rlimit("--rlimit", "NOFILE=64:32", &r), "--rlimit", "NOFILE=64:32");
	assert_rejects(parse_rlimit("--rlimit", "NOFILE=infinity:32", &r), "--rlimit",
		       "NOFILE=infinity:32");
	assert_rejects(parse_rlimit("--rlimit", "NOFILE", &r), "--rlimit", "'NOFILE'");
	assert_rejects(parse_rlimit("--rlimit", "NOFILE1024", &r), "--rlimit", "'NOFILE1024'");
	assert_rejects(parse_rlimit("--rlimit", "", &r), "--rlimit", "''");
	assert_rejects(parse_rlimit("--rlimit", "NOFILE=", &r), "--rlimit", "NOFILE=");
	assert_rejects(parse_rlimit("--rlimit", "NOFILE=abc", &r), "--rlimit", "NOFILE=abc");
	assert_rejects(parse_rlimit("--rlimit", "NOFILE=-1", &r), "--rlimit", "NOFILE=-1");
	assert_rejects(parse_rlimit("--rlimit", "NOFILE=10:", &r), "--rlimit", "NOFILE=10:");
	assert_rejects(parse_rlimit("--rlimit", "NOFILE=10:20:30", &r), "--rlimit",
		       "NOFILE=10:20:30");
	assert_rejects(parse_rlimit("--rlimit", "NOFILE=5K", &r), "--rlimit", "NOFILE=5K");
	assert_rejects(parse_rlimit("--rlimit", "NOFILE=99999999999999999999", &r), "--rlimit",
		       "NOFILE=99999999999999999999");
	assert_int_equal(r.resource, -2);
}

/* ---- parse_cpus, parse_range --------------------------------------------------------- */

static uint64_t cpus_ok(const char *s)
{
	uint64_t v = 0xdeadbeef;

	if (parse_cpus("--cpus", s, &v) != 0)
		fail_msg("parse_cpus(\"%s\") failed: %s", s, sbx_errmsg());
	return v;
}

static void test_cpus(void **state)
{
	uint64_t v = 42;

	assert_int_equal(cpus_ok("1"), 1000000);
	assert_int_equal(cpus_ok("1.5"), 1500000);
	assert_int_equal(cpus_ok("0.25"), 250000);
	assert_int_equal(cpus_ok("0.01"), 10000);
	assert_int_equal(cpus_ok("2.123456"), 2123456);
	assert_int_equal(cpus_ok("4096"), 4096000000ULL);

	assert_rejects(parse_cpus("--cpus", "0", &v), "--cpus", "'0'");
	assert_rejects(parse_cpus("--cpus", "0.005", &v), "--cpus", "'0.005'");
	assert_rejects(parse_cpus("--cpus", "4097", &v), "--cpus", "'4097'");
	assert_rejects(parse_cpus("--cpus", "1.", &v), "--cpus", "'1.'");
	assert_rejects(parse_cpus("--cpus", ".5", &v), "--cpus", "'.5'");
	assert_rejects(parse_cpus("--cpus", "1.1234567", &v), "--cpus", "'1.1234567'");
	assert_rejects(parse_cpus("--cpus", "1.5x", &v), "--cpus", "'1.5x'");
	assert_rejects(parse_cpus("--cpus", "-1", &v), "--cpus", "'-1'");
	assert_rejects(parse_cpus("--cpus", "", &v), "--cpus", "''");
}

static void test_range(void **state)
{
	uint64_t v = 42;

	assert_int_equal(parse_range("--cpu-weight", "1", 1, 10000, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(parse_range("--cpu-weight", "10000", 1, 10000, &v), 0);
	assert_int_equal(v, 10000);

	v = 42;
	assert_rejects(parse_range("--cpu-weight", "0", 1, 10000, &v), "--cpu-weight", "'0'");
	assert_rejects(parse_range("--cpu-weight", "10001", 1, 10000, &v), "--cpu-weight",
		       "'10001'");
	assert_rejects(parse_range("--io-weight", "5%", 1, 10000, &v), "--io-weight", "'5%'");
	assert_rejects(parse_range("--pids", "", 1, 10, &v), "--pids", "''");
	assert_rejects(parse_range("--pids", "-3", 1, 10, &v), "--pids", "'-3'");
	assert_int_equal(v, 42);
}

/* Adding context keeps the cause's errno (issue 13: a wrap through sbx_errx made every
 * cause EINVAL). */
static void test_err_wrap_keeps_errno(void **state)
{
	int r = sbx_err(ENOENT, "open %s", "x.profile");

	assert_int_equal(sbx_err_wrap(r, "profile %s:%u", "p", 3u), -ENOENT);
	assert_string_equal(sbx_errmsg(), "profile p:3: open x.profile: No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_plain_bytes),
		cmocka_unit_test(test_size_binary_suffixes),
		cmocka_unit_test(test_size_long_suffixes),
		cmocka_unit_test(test_size_suffix_case),
		cmocka_unit_test(test_size_overflow),
		cmocka_unit_test(test_size_rejects_bad_input),
		cmocka_unit_test(test_duration_units),
		cmocka_unit_test(test_duration_bare_number_is_seconds),
		cmocka_unit_test(test_duration_zero_rejected),
		cmocka_unit_test(test_duration_junk_rejected),
		cmocka_unit_test(test_duration_overflow),
		cmocka_unit_test(test_id_accepts_full_range),
		cmocka_unit_test(test_id_rejects),
		cmocka_unit_test(test_fd),
		cmocka_unit_test(test_mode_accepts_octal),
		cmocka_unit_test(test_mode_rejects),
		cmocka_unit_test(test_rlimit_soft_only),
		cmocka_unit_test(test_rlimit_soft_and_hard),
		cmocka_unit_test(test_rlimit_names),
		cmocka_unit_test(test_rlimit_infinity),
		cmocka_unit_test(test_rlimit_rejects),
		cmocka_unit_test(test_cpus),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_err_wrap_keeps_errno),
	};

	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
