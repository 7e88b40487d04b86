/* SPDX-License-Identifier: MIT */
#pragma once
/* Walking a JSON document that json-c (dlopen()ed) parsed, keeping the path to where the
 * walk is, so that every message names FILE:LINE:COLUMN and the field: the reading of
 * typed members and arrays that oci_parse.c builds a --seccomp-profile from. Internal to
 * src/seccomp/. */
#include <json-c/json_object.h>
#include <json-c/json_object_iterator.h>
#include <json-c/json_tokener.h>
#include <stddef.h>
#include <stdint.h>

#include "seccomp/seccomp_oci.h"

/* json-c's functions, loaded by walk_parse_text. */
struct jsonc {
	void *dl;
	__typeof__(&json_tokener_new) tokener_new;
	__typeof__(&json_tokener_free) tokener_free;
	__typeof__(&json_tokener_set_flags) tokener_set_flags;
	__typeof__(&json_tokener_parse_ex) tokener_parse_ex;
	__typeof__(&json_tokener_get_error) tokener_get_error;
	__typeof__(&json_tokener_error_desc) tokener_error_desc;
	__typeof__(&json_tokener_get_parse_end) tokener_get_parse_end;
	__typeof__(&json_object_put) put;
	__typeof__(&json_object_get_type) get_type;
	__typeof__(&json_object_object_get_ex) object_get_ex;
	__typeof__(&json_object_get_string) get_string;
	__typeof__(&json_object_get_string_len) get_string_len;
	__typeof__(&json_object_array_length) array_length;
	__typeof__(&json_object_array_get_idx) array_get_idx;
	__typeof__(&json_object_get_int64) get_int64;
	__typeof__(&json_object_get_uint64) get_uint64;
	__typeof__(&json_object_iter_begin) iter_begin;
	__typeof__(&json_object_iter_end) iter_end;
	__typeof__(&json_object_iter_equal) iter_equal;
	__typeof__(&json_object_iter_next) iter_next;
	__typeof__(&json_object_iter_peek_name) iter_peek_name;
	__typeof__(&json_object_iter_peek_value) iter_peek_value;
};

struct walk_seg {
	const char *key; /* NULL: an array index */
	size_t index;
};

struct walk {
	const struct jsonc *j;
	const char *file;
	const char *text;
	size_t len;
	const struct seccomp_oci_env *env; /* oci_parse.c's, carried along */
	struct walk_seg path[8];
	size_t depth;
};

/* Loads json-c into j and parses text, strictly, as one JSON document into *ret (j->put it
 * when done); else -EINVAL with "--seccomp-profile FILE:LINE:COLUMN: not valid JSON: ...". */
int walk_parse_text(struct jsonc *j, const char *file, const char *text, size_t len,
		    json_object **ret);

/* The path: into member key or element index of the value where the walk is, and out. */
void walk_enter_key(struct walk *w, const char *key);
void walk_enter_index(struct walk *w, size_t index);
void walk_leave(struct walk *w);

/* One message: "--seccomp-profile FILE:LINE:COLUMN: FIELD: what is wrong"; returns
 * -EINVAL. The position is that of the field, or of the innermost object around it that is
 * there (a field that is missing has none). */
int walk_fail(const struct walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Member key of obj; NULL when absent or null (Go writes an empty list as null). */
json_object *walk_member(const struct walk *w, json_object *obj, const char *key);
/* 0 when o is of type t, else a message naming both types. */
int walk_expect(const struct walk *w, json_object *o, enum json_type t);
/* o as a string without NUL characters. */
int walk_string(const struct walk *w, json_object *o, const char **ret);
/* o as an integer from 0 to max. */
int walk_uint(const struct walk *w, json_object *o, uint64_t max, uint64_t *ret);
/* Every member of obj must be one of known (NULL-terminated): a misspelt "errnoret" must
 * not be ignored. */
int walk_check_fields(struct walk *w, json_object *obj, const char *const *known);
/* An array of non-empty strings, each passed to f, with the walk at its element. */
int walk_each_string(struct walk *w, json_object *arr,
		     int (*f)(struct walk *w, const char *s, void *userdata), void *userdata);
