/* SPDX-License-Identifier: MIT */
/* What the fuzz targets share: a private temporary directory as cwd, HOME and
 * XDG_CONFIG_HOME, so that nothing sbx's code does while parsing reads or writes the host's
 * own files, and the splitting of an input into the parts a target feeds. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "base/config.h"

/* Parts of an input are separated by this line; the dictionaries name it. */
#define FUZZ_SEP "\n@@@@\n"
#define FUZZ_MAX_PARTS 5

/* The fds that --args may name: part i (i >= 1) is readable on FUZZ_ARGS_FD + i - 1. */
#define FUZZ_ARGS_FD 100

struct fuzz_parts {
	const char *p[FUZZ_MAX_PARTS];
	size_t len[FUZZ_MAX_PARTS];
	size_t n;
};

/* Once per process: the temporary directory (removed at exit), the environment. */
void fuzz_setup(void);

/* Splits data at FUZZ_SEP into at most FUZZ_MAX_PARTS parts (the last takes the rest). */
void fuzz_split_parts(const uint8_t *data, size_t size, struct fuzz_parts *ret);

/* A NULL-terminated vector of the NUL-separated strings in buf (a final string needs no
 * NUL); free with strv_free. */
char **fuzz_split_nul(const char *buf, size_t len);

/* NUL-terminated copy of buf. */
char *fuzz_strndup(const void *buf, size_t len);

/* Profiles that profile_find serves while a target runs: "fuzzN" is text[N]; NULL: none.
 * Other names without a '/' are looked up as sbx does (in the empty temporary config
 * directory, /etc/sbx/profiles, the built-in ones); paths are refused. */
void fuzz_set_profiles(const char *const *text, const size_t *len, size_t n);

/* A memfd holding data, moved to fd at (replacing what is there). */
void fuzz_memfd_at(int at, const void *data, size_t len);

/* Closes the memfds sbx's code made for c (--net=pasta's resolv.conf), which a real run
 * hands to the child; the harness would otherwise run out of fds. Then config_free. */
void fuzz_config_free(struct sbx_config *c);

/* --dry-run's promise (profile.h): what profile_print writes for c reads back, as a
 * profile, into a configuration that prints the same (comment lines aside). Aborts with
 * both texts when it does not. */
void fuzz_check_round_trip(const struct sbx_config *c);

/* Back to the log settings of a fresh process (-v and --level-prefix change them). */
void fuzz_reset_log(void);
