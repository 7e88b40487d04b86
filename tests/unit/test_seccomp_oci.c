/* SPDX-License-Identifier: MIT */
/* --seccomp-profile: the OCI/Docker JSON parsed into rules (includes/excludes decided for a
 * given machine), every rejected profile named by file:line:column and field, and the
 * compiled program really loaded in a child that then tries the syscalls. */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/cli.h"
#include "base/config.h"
#include "base/log.h"
#include "seccomp/seccomp_oci.h"
#include "base/util.h"

/* Not libseccomp's <seccomp.h>, which sbx only dlopen()s: libseccomp's actions are the kernel's
 * return values, its architectures the audit ones, its operators numbered from 1. */
#define SCMP_ACT_ALLOW SECCOMP_RET_ALLOW
#define SCMP_ACT_ERRNO(e) (SECCOMP_RET_ERRNO | (e))
#define SCMP_ACT_TRACE(e) (SECCOMP_RET_TRACE | (e))
#define SCMP_ACT_KILL_THREAD SECCOMP_RET_KILL_THREAD
#define SCMP_ACT_KILL_PROCESS SECCOMP_RET_KILL_PROCESS
#define SCMP_ACT_TRAP SECCOMP_RET_TRAP
#define SCMP_ACT_LOG SECCOMP_RET_LOG
#define SCMP_ARCH_X86_64 AUDIT_ARCH_X86_64
#define SCMP_ARCH_X86 AUDIT_ARCH_I386
#define SCMP_ARCH_X32 (AUDIT_ARCH_X86_64 & ~__AUDIT_ARCH_64BIT)
#define SCMP_ARCH_AARCH64 AUDIT_ARCH_AARCH64
#define SCMP_ARCH_ARM AUDIT_ARCH_ARM
enum {
	SCMP_CMP_NE = 1,
	SCMP_CMP_LT,
	SCMP_CMP_LE,
	SCMP_CMP_EQ,
	SCMP_CMP_GE,
	SCMP_CMP_GT,
	SCMP_CMP_MASKED_EQ
};

static const struct seccomp_oci_env amd64 = {
	.arch = SCMP_ARCH_X86_64,
	.caps = 0,
	.kernel = { 6, 1 },
};

static int parse_env(const char *json, const struct seccomp_oci_env *env,
		     struct seccomp_oci_profile *p)
{
	*p = (struct seccomp_oci_profile){ 0 };
	sbx_errx("(no message)");
	return seccomp_oci_parse("p.json", json, strlen(json), env, p);
}

static void must_parse(const char *json, const struct seccomp_oci_env *env,
		       struct seccomp_oci_profile *p)
{
	if (parse_env(json, env, p) < 0)
		fail_msg("profile rejected: %s", sbx_errmsg());
}

/* The profile is rejected with exactly the message want. */
static void assert_rejected(const char *json, const char *want)
{
	struct seccomp_oci_profile p;
	int r = parse_env(json, &amd64, &p);

	if (r >= 0) {
		seccomp_oci_profile_free(&p);
		fail_msg("accepted a profile that should fail with: %s", want);
	}
	assert_int_equal(r, -EINVAL);
	if (!streq(sbx_errmsg(), want))
		fail_msg("message:  %s\nexpected: %s", sbx_errmsg(), want);
}

/* The same, for json-c's own words, which vary between its versions: only the start. */
static void assert_rejected_at(const char *json, const char *want_prefix)
{
	struct seccomp_oci_profile p;
	int r = parse_env(json, &amd64, &p);

	if (r >= 0) {
		seccomp_oci_profile_free(&p);
		fail_msg("accepted a profile that should fail with: %s", want_prefix);
	}
	assert_int_equal(r, -EINVAL);
	if (strncmp(sbx_errmsg(), want_prefix, strlen(want_prefix)) != 0)
		fail_msg("message:  %s\nexpected: %s...", sbx_errmsg(), want_prefix);
}

static const struct seccomp_oci_rule *rule_for(const struct seccomp_oci_profile *p,
					       const char *name)
{
	for (size_t i = 0; i < p->n_rules; i++)
		for (size_t k = 0; p->rules[i].names[k]; k++)
			if (streq(p->rules[i].names[k], name))
				return &p->rules[i];
	return NULL;
}

static bool has_arch(const struct seccomp_oci_profile *p, uint32_t arch)
{
	for (size_t i = 0; i < p->n_arches; i++)
		if (p->arches[i] == arch)
			return true;
	return false;
}

static void test_minimal(void **state)
{
	struct seccomp_oci_profile p;

	(void)state;
	must_parse("{\"defaultAction\": \"SCMP_ACT_ALLOW\"}", &amd64, &p);
	assert_int_equal(p.default_action, SCMP_ACT_ALLOW);
	assert_int_equal(p.n_rules, 0);
	assert_int_equal(p.n_arches, 0);
	assert_int_equal(p.flags, 0);
	seccomp_oci_profile_free(&p);
}

static void test_actions_and_errno(void **state)
{
	static const char json[] =
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,\n"
		" \"syscalls\": [\n"
		"  {\"names\": [\"a1\"], \"action\": \"SCMP_ACT_ALLOW\"},\n"
		"  {\"names\": [\"a2\"], \"action\": \"SCMP_ACT_ERRNO\"},\n"
		"  {\"names\": [\"a3\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13},\n"
		"  {\"names\": [\"a4\"], \"action\": \"SCMP_ACT_ERRNO\", \"errno\": \"ENOENT\"},\n"
		"  {\"names\": [\"a5\"], \"action\": \"SCMP_ACT_KILL\"},\n"
		"  {\"names\": [\"a6\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"},\n"
		"  {\"names\": [\"a7\"], \"action\": \"SCMP_ACT_KILL_THREAD\"},\n"
		"  {\"names\": [\"a8\"], \"action\": \"SCMP_ACT_TRAP\"},\n"
		"  {\"names\": [\"a9\"], \"action\": \"SCMP_ACT_TRACE\", \"errnoRet\": 7},\n"
		"  {\"names\": [\"a10\"], \"action\": \"SCMP_ACT_LOG\"},\n"
		"  {\"name\": \"a11\", \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38}\n"
		" ]}";
	struct seccomp_oci_profile p;

	(void)state;
	must_parse(json, &amd64, &p);
	assert_int_equal(p.default_action, SCMP_ACT_ERRNO(ENOSYS));
	assert_int_equal(rule_for(&p, "a1")->action, SCMP_ACT_ALLOW);
	/* like runc: ERRNO without errnoRet is EPERM */
	assert_int_equal(rule_for(&p, "a2")->action, SCMP_ACT_ERRNO(EPERM));
	assert_int_equal(rule_for(&p, "a3")->action, SCMP_ACT_ERRNO(EACCES));
	assert_int_equal(rule_for(&p, "a4")->action, SCMP_ACT_ERRNO(ENOENT));
	assert_int_equal(rule_for(&p, "a5")->action, SCMP_ACT_KILL_THREAD);
	assert_int_equal(rule_for(&p, "a6")->action, SCMP_ACT_KILL_PROCESS);
	assert_int_equal(rule_for(&p, "a7")->action, SCMP_ACT_KILL_THREAD);
	assert_int_equal(rule_for(&p, "a8")->action, SCMP_ACT_TRAP);
	assert_int_equal(rule_for(&p, "a9")->action, SCMP_ACT_TRACE(7));
	assert_int_equal(rule_for(&p, "a10")->action, SCMP_ACT_LOG);
	/* the old single "name"; the same action as the default: nothing to add */
	assert_null(rule_for(&p, "a11"));
	assert_int_equal(p.n_rules, 10);
	assert_int_equal(rule_for(&p, "a3")->entry, 2);
	seccomp_oci_profile_free(&p);
}

static void test_args(void **state)
{
	static const char json[] =
		"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\n"
		"  \"names\": [\"personality\", \"umask\"], \"action\": \"SCMP_ACT_ERRNO\",\n"
		"  \"args\": [\n"
		"   {\"index\": 0, \"value\": 18446744073709551615, \"op\": \"SCMP_CMP_NE\"},\n"
		"   {\"index\": 1, \"value\": 1, \"op\": \"SCMP_CMP_LT\"},\n"
		"   {\"index\": 2, \"value\": 2, \"op\": \"SCMP_CMP_LE\"},\n"
		"   {\"index\": 3, \"value\": 3, \"op\": \"SCMP_CMP_EQ\"},\n"
		"   {\"index\": 4, \"value\": 4, \"op\": \"SCMP_CMP_GE\"},\n"
		"   {\"index\": 5, \"value\": 5, \"op\": \"SCMP_CMP_GT\"},\n"
		"   {\"index\": 5, \"value\": 240, \"valueTwo\": 16, \"op\": "
		"\"SCMP_CMP_MASKED_EQ\"}\n"
		"  ]}]}";
	static const unsigned ops[] = { SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE,	     SCMP_CMP_EQ,
					SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ };
	struct seccomp_oci_profile p;
	const struct seccomp_oci_rule *r;

	(void)state;
	must_parse(json, &amd64, &p);
	assert_int_equal(p.n_rules, 1);
	r = &p.rules[0];
	assert_string_equal(r->names[0], "personality");
	assert_string_equal(r->names[1], "umask");
	assert_null(r->names[2]);
	assert_int_equal(r->n_conds, 7);
	for (size_t i = 0; i < 7; i++)
		assert_int_equal(r->conds[i].op, ops[i]);
	/* OCI makes value a uint64: all of it */
	assert_true(r->conds[0].value == UINT64_MAX);
	assert_int_equal(r->conds[3].index, 3);
	assert_int_equal(r->conds[3].value, 3);
	assert_int_equal(r->conds[6].value, 240);
	assert_int_equal(r->conds[6].value_two, 16);
	seccomp_oci_profile_free(&p);
}

/* Docker's additions: archMap takes the native entry; includes/excludes by capability,
 * architecture (Go's names) and kernel version. */
static const char docker_json[] =
	"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1,\n"
	" \"archMap\": [\n"
	"  {\"architecture\": \"SCMP_ARCH_X86_64\",\n"
	"   \"subArchitectures\": [\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"]},\n"
	"  {\"architecture\": \"SCMP_ARCH_AARCH64\", \"subArchitectures\": [\"SCMP_ARCH_ARM\"]},\n"
	"  {\"architecture\": \"SCMP_ARCH_LOONGARCH64\", \"subArchitectures\": null}\n"
	" ],\n"
	" \"syscalls\": [\n"
	"  {\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"comment\": \"\",\n"
	"   \"includes\": {}, \"excludes\": {}, \"args\": null},\n"
	"  {\"names\": [\"mount\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	"   \"includes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}},\n"
	"  {\"names\": [\"bpf\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	"   \"includes\": {\"caps\": [\"CAP_SYS_ADMIN\", \"CAP_BPF\"]}},\n"
	"  {\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	"   \"excludes\": {\"caps\": [\"CAP_SYS_ADMIN\", \"CAP_NO_SUCH_THING\"]}},\n"
	"  {\"names\": [\"arch_prctl\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	"   \"includes\": {\"arches\": [\"amd64\", \"x32\"]}},\n"
	"  {\"names\": [\"set_tls\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	"   \"includes\": {\"arches\": [\"arm\", \"arm64\"]}},\n"
	"  {\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	"   \"excludes\": {\"arches\": [\"amd64\"]}},\n"
	"  {\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	"   \"includes\": {\"minKernel\": \"4.8\"}},\n"
	"  {\"names\": [\"futex_waitv\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	"   \"excludes\": {\"minKernel\": \"5.16\"}}\n"
	" ]}";

static void test_docker_filters(void **state)
{
	struct seccomp_oci_env env = amd64;
	struct seccomp_oci_profile p;

	(void)state;
	must_parse(docker_json, &env, &p);
	assert_int_equal(p.default_action, SCMP_ACT_ERRNO(1));
	assert_int_equal(p.n_arches, 2);
	assert_true(has_arch(&p, SCMP_ARCH_X86) && has_arch(&p, SCMP_ARCH_X32));
	assert_non_null(rule_for(&p, "read"));
	assert_null(rule_for(&p, "mount"));
	assert_null(rule_for(&p, "bpf"));
	assert_non_null(rule_for(&p, "clone"));
	assert_non_null(rule_for(&p, "arch_prctl"));
	assert_null(rule_for(&p, "set_tls"));
	assert_null(rule_for(&p, "socket"));
	assert_non_null(rule_for(&p, "ptrace"));
	assert_null(rule_for(&p, "futex_waitv")); /* 6.1 >= 5.16: excluded */
	seccomp_oci_profile_free(&p);

	/* CAP_SYS_ADMIN: mount included, clone excluded; bpf wants CAP_BPF as well */
	env.caps = 1ULL << CAP_SYS_ADMIN;
	must_parse(docker_json, &env, &p);
	assert_non_null(rule_for(&p, "mount"));
	assert_null(rule_for(&p, "bpf"));
	assert_null(rule_for(&p, "clone"));
	seccomp_oci_profile_free(&p);
	env.caps |= 1ULL << CAP_BPF;
	must_parse(docker_json, &env, &p);
	assert_non_null(rule_for(&p, "bpf"));
	seccomp_oci_profile_free(&p);

	/* an old kernel */
	env = amd64;
	env.kernel[0] = 4;
	env.kernel[1] = 4;
	must_parse(docker_json, &env, &p);
	assert_null(rule_for(&p, "ptrace"));
	assert_non_null(rule_for(&p, "futex_waitv"));
	seccomp_oci_profile_free(&p);

	/* the same profile on arm64 */
	env = amd64;
	env.arch = SCMP_ARCH_AARCH64;
	must_parse(docker_json, &env, &p);
	assert_int_equal(p.n_arches, 1);
	assert_true(has_arch(&p, SCMP_ARCH_ARM));
	assert_null(rule_for(&p, "arch_prctl"));
	assert_non_null(rule_for(&p, "set_tls"));
	assert_non_null(rule_for(&p, "socket"));
	seccomp_oci_profile_free(&p);
}

static void test_architectures_and_flags(void **state)
{
	static const char json[] =
		"{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
		" \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X86\",\n"
		"                     \"SCMP_ARCH_NATIVE\"],\n"
		" \"flags\": [\"SECCOMP_FILTER_FLAG_TSYNC\", \"SECCOMP_FILTER_FLAG_LOG\",\n"
		"           \"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"],\n"
		" \"listenerPath\": \"\", \"syscalls\": []}";
	struct seccomp_oci_profile p;

	(void)state;
	must_parse(json, &amd64, &p);
	/* the native one is always there; duplicates once */
	assert_int_equal(p.n_arches, 1);
	assert_int_equal(p.arches[0], SCMP_ARCH_X86);
	/* TSYNC means nothing to a single-threaded child */
	assert_int_equal(p.flags, SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW);
	seccomp_oci_profile_free(&p);
}

static void test_syntax_errors_name_line_and_column(void **state)
{
	(void)state;
	assert_rejected_at("{\n  \"defaultAction\": \"SCMP_ACT_ALLOW\"\n  \"syscalls\": []\n}\n",
			   "--seccomp-profile p.json:3:3: not valid JSON: ");
	assert_rejected("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n \"syscalls\": [\n",
			"--seccomp-profile p.json:3:1: not valid JSON: unexpected end of file");
	assert_rejected("", "--seccomp-profile p.json:1:1: not valid JSON: unexpected end of file");
	/* strict JSON: no trailing commas, comments, or anything after the profile */
	assert_rejected_at("{\"defaultAction\": \"SCMP_ACT_ALLOW\",}",
			   "--seccomp-profile p.json:1:36: not valid JSON: ");
	assert_rejected_at("{\"defaultAction\": \"SCMP_ACT_ALLOW\" /* allow */}",
			   "--seccomp-profile p.json:1:36: not valid JSON: ");
	assert_rejected_at("{\"defaultAction\": \"SCMP_ACT_ALLOW\"} {}",
			   "--seccomp-profile p.json:1:37: not valid JSON: ");
	/* columns count characters: "é" is two bytes, one column */
	assert_rejected_at("{\"comment\": \"é\", x}",
			   "--seccomp-profile p.json:1:18: not valid JSON: ");
}

static void test_field_errors_name_line_and_field(void **state)
{
	(void)state;
	assert_rejected("{\n"
			"  \"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
			"  \"syscalls\": [\n"
			"    {\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\"},\n"
			"    {\"names\": [\"rmdir\"], \"action\": \"SCMP_ACT_FOO\"}\n"
			"  ]\n"
			"}\n",
			"--seccomp-profile p.json:5:36: syscalls[1].action: unknown action "
			"\"SCMP_ACT_FOO\"");
	assert_rejected("[]", "--seccomp-profile p.json:1:1: expected an object, got an array");
	assert_rejected("{}", "--seccomp-profile p.json:1:1: defaultAction: missing (expected one "
			      "of SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, ...)");
	assert_rejected("{\"defaultAction\": 1}",
			"--seccomp-profile p.json:1:19: defaultAction: expected a string, got an "
			"integer");
	assert_rejected("{\"defaultAction\": \"SCMP_ACT_NOTIFY\"}",
			"--seccomp-profile p.json:1:19: defaultAction: SCMP_ACT_NOTIFY is not "
			"supported: sbx has no seccomp notification agent");
	assert_rejected("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n \"defaultErrnoRet\": 1}",
			"--seccomp-profile p.json:2:21: defaultErrnoRet: only SCMP_ACT_ERRNO and "
			"SCMP_ACT_TRACE return an errno, not SCMP_ACT_ALLOW");
	assert_rejected("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscall\": []}",
			"--seccomp-profile p.json:1:48: syscall: unknown field (expected one of: "
			"defaultAction, defaultErrnoRet, defaultErrno, architectures, archMap, "
			"syscalls, flags, listenerPath, listenerMetadata)");
	assert_rejected("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/run/x\"}",
			"--seccomp-profile p.json:1:53: listenerPath: not supported: sbx has no "
			"seccomp notification agent");
	assert_rejected("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FLAG_X\"]}",
			"--seccomp-profile p.json:1:47: flags[0]: unknown flag \"SECCOMP_FLAG_X\"");
	assert_rejected("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
			" \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_VAX\"]}",
			"--seccomp-profile p.json:2:40: architectures[1]: unknown architecture "
			"\"SCMP_ARCH_VAX\"");
	assert_rejected("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
			" \"architectures\": [\"SCMP_ARCH_X86\"],\n"
			" \"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\"}]}",
			"--seccomp-profile p.json:2:19: architectures: give either "
			"\"architectures\" or \"archMap\", not both");
}

/* The syscalls[] entries: each mistake named down to the field. */
static void test_syscall_entry_errors(void **state)
{
	static const struct {
		const char *entry;
		const char *want;
	} cases[] = {
		{ "{\"action\": \"SCMP_ACT_ERRNO\"}",
		  "syscalls[0].names: missing (the syscalls the entry is about)" },
		{ "{\"names\": [], \"action\": \"SCMP_ACT_ERRNO\"}",
		  "syscalls[0].names: missing (the syscalls the entry is about)" },
		{ "{\"names\": [\"a\"], \"name\": \"b\", \"action\": \"SCMP_ACT_ERRNO\"}",
		  "syscalls[0].name: give either \"names\" or \"name\", not both" },
		{ "{\"names\": [\"a\", \"\"], \"action\": \"SCMP_ACT_ERRNO\"}",
		  "syscalls[0].names[1]: empty string" },
		{ "{\"names\": [\"a\", 3], \"action\": \"SCMP_ACT_ERRNO\"}",
		  "syscalls[0].names[1]: expected a string, got an integer" },
		{ "{\"names\": \"a\", \"action\": \"SCMP_ACT_ERRNO\"}",
		  "syscalls[0].names: expected an array, got a string" },
		{ "{\"names\": [\"a\"]}",
		  "syscalls[0].action: missing (expected one of SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, "
		  "...)" },
		{ "{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoret\": 1}",
		  "syscalls[0].errnoret: unknown field (expected one of: names, name, action, "
		  "errnoRet, errno, args, comment, includes, excludes)" },
		{ "{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": -1}",
		  "syscalls[0].errnoRet: expected a non-negative integer, got -1" },
		{ "{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1.5}",
		  "syscalls[0].errnoRet: expected a non-negative integer, got a fractional "
		  "number" },
		{ "{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 5000}",
		  "syscalls[0].errnoRet: 5000 is out of range (0-4095)" },
		{ "{\"names\": [\"a\"], \"action\": \"SCMP_ACT_KILL\", \"errnoRet\": 1}",
		  "syscalls[0].errnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE return an errno, "
		  "not SCMP_ACT_KILL" },
		{ "{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"errno\": \"EWHAT\"}",
		  "syscalls[0].errno: unknown errno name \"EWHAT\"" },
		{ "{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"errno\": \"EPERM\", "
		  "\"errnoRet\": 2}",
		  "syscalls[0].errno: EPERM is 1, but errnoRet says 2" },
		{ "{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": {}}",
		  "syscalls[0].args: expected an array, got an object" },
		{ "{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"op\": "
		  "\"SCMP_CMP_EQ\"}]}",
		  "syscalls[0].args[0].index: missing (the argument, 0-5)" },
		{ "{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 6, "
		  "\"op\": \"SCMP_CMP_EQ\"}]}",
		  "syscalls[0].args[0].index: 6 is out of range (0-5)" },
		{ "{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": "
		  "0}]}",
		  "syscalls[0].args[0].op: missing (SCMP_CMP_EQ, SCMP_CMP_NE, ...)" },
		{ "{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, "
		  "\"op\": \"SCMP_CMP_MASKED\"}]}",
		  "syscalls[0].args[0].op: unknown operator \"SCMP_CMP_MASKED\"" },
		{ "{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, "
		  "\"value\": \"1\", \"op\": \"SCMP_CMP_EQ\"}]}",
		  "syscalls[0].args[0].value: expected a non-negative integer, got a string" },
		{ "{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, "
		  "\"op\": \"SCMP_CMP_EQ\", \"mask\": 1}]}",
		  "syscalls[0].args[0].mask: unknown field (expected one of: index, value, "
		  "valueTwo, op)" },
		{ "{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"includes\": {\"cap\": "
		  "[]}}",
		  "syscalls[0].includes.cap: unknown field (expected one of: caps, arches, "
		  "minKernel)" },
		{ "{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"excludes\": {\"caps\": "
		  "[1]}}",
		  "syscalls[0].excludes.caps[0]: expected a string, got an integer" },
		{ "{\"names\": [\"a\"], \"action\": \"SCMP_ACT_ERRNO\", \"includes\": "
		  "{\"minKernel\": \"five\"}}",
		  "syscalls[0].includes.minKernel: \"five\" is not a kernel version (e.g. "
		  "\"5.8\")" },
		{ "{\"names\": [\"a\"], \"action\": \"SCMP_ACT_NOTIFY\"}",
		  "syscalls[0].action: SCMP_ACT_NOTIFY is not supported: sbx has no seccomp "
		  "notification agent" },
		{ "[]", "syscalls[0]: expected an object, got an array" },
	};

	(void)state;
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *json =
			xasprintf("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n\"syscalls\": [\n%s]}",
				  cases[i].entry);
		struct seccomp_oci_profile p;
		const char *msg;
		if (parse_env(json, &amd64, &p) >= 0)
			fail_msg("accepted: %s", cases[i].entry);
		/* every one of them on line 3, where the entry is */
		msg = sbx_errmsg();
		if (strncmp(msg, "--seccomp-profile p.json:3:", 27) != 0 ||
		    !strstr(msg, cases[i].want))
			fail_msg("entry %s\nmessage:  %s\nexpected: --seccomp-profile p.json:3:..: "
				 "%s",
				 cases[i].entry, msg, cases[i].want);
	}
}

static void test_missing_file(void **state)
{
	struct seccomp_oci_prog *prog = NULL;

	(void)state;
	assert_int_equal(seccomp_oci_prepare("/nonexistent/p.json", 0, &prog), -ENOENT);
	assert_string_equal(sbx_errmsg(),
			    "--seccomp-profile /nonexistent/p.json: No such file or directory");
	assert_null(prog);
}

/* cli: the option stores the path and compiles at the end of parsing; a bad profile is a
 * rejected command line; the last of --seccomp and --seccomp-profile wins. */
static void test_cli(void **state)
{
	char path[] = "/tmp/sbx-unit-oci-XXXXXX";
	static const char good[] = "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
				   "[{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\"}]}";
	struct sbx_config c;
	enum cli_action action;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write_all(fd, good, strlen(good)), 0);
	close(fd);
	setenv("XDG_CONFIG_HOME", "/nonexistent/sbx-unit-test", 1);
	{
		char *argv[] = { "sbx", "--seccomp-profile", path, "true", NULL };
		config_init(&c);
		assert_int_equal(cli_parse(4, argv, &c, &action), 0);
		assert_string_equal(c.seccomp_profile, path);
		assert_non_null(c.seccomp_profile_prog);
		assert_true(c.seccomp_profile_prog->len > 0);
		config_free(&c);
	}
	{
		char *argv[] = {
			"sbx", "--seccomp-profile", path, "--seccomp", "none", "true", NULL
		};
		config_init(&c);
		assert_int_equal(cli_parse(6, argv, &c, &action), 0);
		assert_null(c.seccomp_profile);
		assert_null(c.seccomp_profile_prog);
		assert_true(c.seccomp_disabled);
		config_free(&c);
	}
	{
		char *argv[] = {
			"sbx", "--seccomp", "none", "--seccomp-profile", path, "true", NULL
		};
		config_init(&c);
		assert_int_equal(cli_parse(6, argv, &c, &action), 0);
		assert_non_null(c.seccomp_profile_prog);
		assert_false(c.seccomp_disabled);
		config_free(&c);
	}
	{
		char *argv[] = { "sbx", "--seccomp-profile", "/nonexistent/p.json", "true", NULL };
		config_init(&c);
		assert_int_equal(cli_parse(4, argv, &c, &action), -ENOENT);
		assert_string_equal(sbx_errmsg(),
				    "--seccomp-profile /nonexistent/p.json: No such file or "
				    "directory");
		config_free(&c);
	}
	unlink(path);
}

/* ---- the compiled program, loaded for real ------------------------------------------- */

static const char run_json[] =
	"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [\n"
	" {\"names\": [\"mkdirat\", \"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": "
	"13},\n"
	" {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 22,\n"
	"  \"args\": [{\"index\": 0, \"value\": 4194304, \"op\": \"SCMP_CMP_EQ\"}]},\n"
	" {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 33,\n"
	"  \"args\": [{\"index\": 0, \"value\": 983040, \"valueTwo\": 131072,\n"
	"             \"op\": \"SCMP_CMP_MASKED_EQ\"}]},\n"
	" {\"names\": [\"umask\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 34,\n"
	"  \"args\": [{\"index\": 0, \"value\": 7, \"op\": \"SCMP_CMP_EQ\"},\n"
	"            {\"index\": 0, \"value\": 5, \"op\": \"SCMP_CMP_EQ\"}]},\n"
	" {\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"},\n"
	" {\"names\": [\"not_a_syscall_anywhere\"], \"action\": \"SCMP_ACT_KILL\"}\n"
	"]}";

/* errno of syscall(nr, a0), or 0 when it succeeded */
#define ERR_OF(call) ((call) < 0 ? errno : 0)

static void test_compiled_filter_works(void **state)
{
	struct seccomp_oci_profile p;
	struct seccomp_oci_prog *prog = NULL;
	int status;
	pid_t pid;

	(void)state;
	must_parse(run_json, &amd64, &p);
	if (seccomp_oci_compile(&p, &prog) < 0)
		fail_msg("compile: %s", sbx_errmsg());
	seccomp_oci_profile_free(&p);
	assert_true(prog->len > 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* exit 10 + the number of the check that failed */
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_oci_load(prog, "p") < 0)
			_exit(9);
		if (ERR_OF(mkdir("/nonexistent-sbx-unit/x", 0700)) != EACCES)
			_exit(10);
		if (ERR_OF(syscall(SYS_personality, 0x400000UL)) != EINVAL)
			_exit(11);
		/* MASKED_EQ: (0x20008 & 0xf0000) == 0x20000 */
		if (ERR_OF(syscall(SYS_personality, 0x20008UL)) != EDOM)
			_exit(12);
		if (ERR_OF(syscall(SYS_personality, 0xffffffffUL)) != 0)
			_exit(13);
		/* the same argument compared twice: either comparison applies the action */
		if (ERR_OF(syscall(SYS_umask, 7)) != ERANGE ||
		    ERR_OF(syscall(SYS_umask, 5)) != ERANGE)
			_exit(14);
		if (ERR_OF(syscall(SYS_umask, 022)) != 0)
			_exit(15);
		syscall(SYS_getppid);
		_exit(16);
	}
	free(prog);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSYS)
		fail_msg("child: %s %d (expected death by SIGSYS at getppid)",
			 WIFEXITED(status) ? "exit" : "signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

static void test_compile_refusals_are_placed(void **state)
{
	static const char json[] = "{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
				   " \"architectures\": [\"SCMP_ARCH_S390X\"]}";
	struct seccomp_oci_profile p;
	struct seccomp_oci_prog *prog = NULL;

	(void)state;
#ifndef __x86_64__
	skip();
#endif
	/* s390x is big-endian: libseccomp cannot put it in one filter with x86_64 */
	must_parse(json, &amd64, &p);
	assert_int_equal(seccomp_oci_compile(&p, &prog), -EINVAL);
	assert_string_equal(sbx_errmsg(), "--seccomp-profile p.json: architecture SCMP_ARCH_S390X: "
					  "libseccomp cannot add it to a filter for this machine: "
					  "Numerical argument out of domain");
	assert_null(prog);
	seccomp_oci_profile_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_actions_and_errno),
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_docker_filters),
		cmocka_unit_test(test_architectures_and_flags),
		cmocka_unit_test(test_syntax_errors_name_line_and_column),
		cmocka_unit_test(test_field_errors_name_line_and_field),
		cmocka_unit_test(test_syscall_entry_errors),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_cli),
		cmocka_unit_test(test_compiled_filter_works),
		cmocka_unit_test(test_compile_refusals_are_placed),
	};

	return cmocka_run_group_tests_name("seccomp_oci", tests, NULL, NULL);
}
