/* SPDX-License-Identifier: MIT */
/* --seccomp-profile: the OCI/Docker seccomp JSON through seccomp_oci_parse (json-c and
 * libseccomp dlopen()ed as in sbx), and what parses through seccomp_oci_compile.
 * Input: the JSON. Its length picks the capabilities decided against (none, or all), so
 * both sides of includes/excludes "caps" are reached. */
#include <linux/audit.h>
#include <stdlib.h>

#include "common.h"
#include "base/log.h"
#include "seccomp/seccomp_oci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct seccomp_oci_env env = {
		.arch = AUDIT_ARCH_X86_64,
		.caps = size & 1 ? ~0ULL : 0,
		.kernel = { 6, 1 },
	};
	struct seccomp_oci_profile p = { 0 };
	struct seccomp_oci_prog *prog = NULL;

	fuzz_setup();
	if (seccomp_oci_parse("fuzz.json", (const char *)data, size, &env, &p) == 0) {
		if (seccomp_oci_compile(&p, &prog) == 0)
			free(prog);
		seccomp_oci_profile_free(&p);
	}
	return 0;
}
