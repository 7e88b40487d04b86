/* SPDX-License-Identifier: MIT */
#include "common.h"

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/apphome.h"
#include "cli/cli.h"
#include "base/log.h"
#include "cli/profile.h"
#include "seccomp/seccomp_oci.h"
#include "base/util.h"

static char tmpdir[] = "/tmp/sbx-fuzz.XXXXXX";
static const char *const *profiles;
static const char *round_trip_text; /* served as the profile "roundtrip" */
static const size_t *profile_lens;
static size_t n_profiles;

static const char seccomp_json[] =
	"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"mkdir\"], "
	"\"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1}]}\n";

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void remove_tmpdir(void)
{
	nftw(tmpdir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

void fuzz_setup(void)
{
	static bool done;
	char path[PATH_MAX], cwd[PATH_MAX];
	FILE *f;

	if (done)
		return;
	done = true;
	if (!mkdtemp(tmpdir))
		abort();
	atexit(remove_tmpdir);
	/* The cwd: a directory a profile's bind-cwd may share (not $HOME itself). */
	snprintf(cwd, sizeof(cwd), "%s/work", tmpdir);
	if (mkdir(cwd, 0700) < 0 || chdir(cwd) < 0)
		abort();
	/* An empty user profile directory: profile_find looks there first. */
	snprintf(path, sizeof(path), "%s/sbx", tmpdir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/sbx/profiles", tmpdir);
	mkdir(path, 0700);
	/* --seccomp-profile seccomp.json finds a file (a small valid profile). */
	f = fopen("seccomp.json", "we");
	if (!f || fputs(seccomp_json, f) < 0 || fclose(f) != 0)
		abort();
	setenv("HOME", tmpdir, 1);
	setenv("XDG_CONFIG_HOME", tmpdir, 1);
	setenv("XDG_DATA_HOME", tmpdir, 1);
	snprintf(path, sizeof(path), "%s/run", tmpdir);
	mkdir(path, 0700);
	setenv("XDG_RUNTIME_DIR", path, 1);
	setenv("PWD", cwd, 1);
	unsetenv("WAYLAND_DISPLAY");
	unsetenv("DISPLAY");
}

void fuzz_split_parts(const uint8_t *data, size_t size, struct fuzz_parts *ret)
{
	const char *p = (const char *)data, *end = p + size;
	size_t seplen = strlen(FUZZ_SEP);

	*ret = (struct fuzz_parts){ 0 };
	while (ret->n < FUZZ_MAX_PARTS) {
		const char *sep = ret->n + 1 < FUZZ_MAX_PARTS
					  ? memmem(p, (size_t)(end - p), FUZZ_SEP, seplen)
					  : NULL;
		ret->p[ret->n] = p;
		ret->len[ret->n] = sep ? (size_t)(sep - p) : (size_t)(end - p);
		ret->n++;
		if (!sep)
			break;
		p = sep + seplen;
	}
}

char **fuzz_split_nul(const char *buf, size_t len)
{
	char **v = NULL;

	for (size_t i = 0; i < len;) {
		const char *nul = memchr(buf + i, '\0', len - i);
		size_t n = nul ? (size_t)(nul - (buf + i)) : len - i;
		strv_push(&v, fuzz_strndup(buf + i, n));
		i += n + 1;
	}
	return v;
}

char *fuzz_strndup(const void *buf, size_t len)
{
	char *s = xmalloc(len + 1);

	memcpy(s, buf, len);
	s[len] = '\0';
	return s;
}

void fuzz_set_profiles(const char *const *text, const size_t *len, size_t n)
{
	profiles = text;
	profile_lens = len;
	n_profiles = n;
}

void fuzz_memfd_at(int at, const void *data, size_t len)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);

	if (fd < 0 || (len && write_all(fd, data, len) < 0) || lseek(fd, 0, SEEK_SET) < 0)
		abort();
	if (fd != at) {
		if (dup2(fd, at) < 0)
			abort();
		close(fd);
	}
}

void fuzz_config_free(struct sbx_config *c)
{
	for (size_t i = 0; i < c->n_ops; i++) {
		char link[64], target[64];
		ssize_t n;
		if (c->ops[i].fd < 3)
			continue;
		snprintf(link, sizeof(link), "/proc/self/fd/%d", c->ops[i].fd);
		n = readlink(link, target, sizeof(target) - 1);
		if (n > 0 && (target[n] = '\0', strncmp(target, "/memfd:sbx-", 11) == 0))
			close(c->ops[i].fd);
	}
	config_free(c);
}

void fuzz_reset_log(void)
{
	log_set_verbose(0);
	log_set_level_prefix(false);
}

static char *print(const struct sbx_config *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		abort();
	profile_print(f, c);
	if (fclose(f) != 0)
		abort();
	return text;
}

/* text without its comment lines */
static char *uncommented(const char *text)
{
	char *out = xmalloc(strlen(text) + 1), *o = out;

	for (const char *l = text; *l;) {
		const char *nl = strchrnul(l, '\n');
		size_t n = (size_t)(nl - l) + (*nl ? 1 : 0);
		if (l[0] != '#') {
			memcpy(o, l, n);
			o += n;
		}
		l += n;
	}
	*o = '\0';
	return out;
}

void fuzz_check_round_trip(const struct sbx_config *c)
{
	char *bare_argv[] = { "sbx", "--bare", "--profile", "roundtrip", "--dry-run", NULL };
	char *argv[] = { "sbx", "--profile", "roundtrip", "--dry-run", NULL };
	_cleanup_free_ char *first = print(c), *second = NULL, *a = NULL, *b = NULL;
	struct sbx_config again;
	enum cli_action action;
	int r;

	round_trip_text = first;
	config_init(&again);
	r = c->bare ? cli_parse((int)ELEMENTSOF(bare_argv) - 1, bare_argv, &again, &action)
		    : cli_parse((int)ELEMENTSOF(argv) - 1, argv, &again, &action);
	round_trip_text = NULL;
	if (r < 0) {
		fprintf(stderr, "--dry-run printed a profile that does not read back (%s):\n%s\n",
			sbx_errmsg(), first);
		abort();
	}
	second = print(&again);
	fuzz_config_free(&again);
	a = uncommented(first);
	b = uncommented(second);
	if (!streq(a, b)) {
		fprintf(stderr, "--dry-run printed\n%s\nwhich reads back as\n%s\n", first, second);
		abort();
	}
}

/* ---- stand-ins, through -Wl,--wrap (Makefile FUZZ_WRAP) ---------------------------- */

int __real_profile_find(const char *name, bool user_may_shadow, char **ret_text, char **ret_origin);
int __wrap_profile_find(const char *name, bool user_may_shadow, char **ret_text, char **ret_origin);
int __wrap_profile_find(const char *name, bool user_may_shadow, char **ret_text, char **ret_origin)
{
	for (size_t i = 0; i < n_profiles; i++) {
		char want[16];
		snprintf(want, sizeof(want), "fuzz%zu", i);
		if (profiles[i] && streq(name, want)) {
			*ret_text = fuzz_strndup(profiles[i], profile_lens[i]);
			*ret_origin = xstrdup(want);
			return 0;
		}
	}
	if (round_trip_text && streq(name, "roundtrip")) {
		*ret_text = xstrdup(round_trip_text);
		*ret_origin = xstrdup(name);
		return 0;
	}
	/* A path could name a fifo, a terminal or /dev/zero: nothing to learn there. */
	if (strchr(name, '/'))
		return sbx_errx("profile %s: the fuzz harness reads no paths", name);
	return __real_profile_find(name, user_may_shadow, ret_text, ret_origin);
}

int __real_seccomp_oci_prepare(const char *file, uint64_t caps, struct seccomp_oci_prog **ret);
int __wrap_seccomp_oci_prepare(const char *file, uint64_t caps, struct seccomp_oci_prog **ret);
int __wrap_seccomp_oci_prepare(const char *file, uint64_t caps, struct seccomp_oci_prog **ret)
{
	/* Only files of the temporary directory (fuzz_seccomp_oci covers the JSON itself). */
	if (strchr(file, '/') || streq(file, ".") || streq(file, ".."))
		return sbx_errx("--seccomp-profile %s: the fuzz harness reads no paths", file);
	return __real_seccomp_oci_prepare(file, caps, ret);
}

int __real_apphome_resolve(struct sbx_config *c, bool create);
int __wrap_apphome_resolve(struct sbx_config *c, bool create);
int __wrap_apphome_resolve(struct sbx_config *c, bool create)
{
	/* The paths, never the directories themselves. */
	(void)create;
	return __real_apphome_resolve(c, false);
}
