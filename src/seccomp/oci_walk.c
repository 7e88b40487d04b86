/* SPDX-License-Identifier: MIT */
/* Walking json-c's tree of a --seccomp-profile with the path kept for messages: see
 * oci_walk.h; the profile itself is oci_parse.c's. */
#include "seccomp/oci_walk.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/dl.h"
#include "base/log.h"
#include "base/util.h"
#include "seccomp/oci_text.h"

static const struct dl_sym jsonc_syms[] = {
	DL_SYM(struct jsonc, tokener_new, "json_tokener_new"),
	DL_SYM(struct jsonc, tokener_free, "json_tokener_free"),
	DL_SYM(struct jsonc, tokener_set_flags, "json_tokener_set_flags"),
	DL_SYM(struct jsonc, tokener_parse_ex, "json_tokener_parse_ex"),
	DL_SYM(struct jsonc, tokener_get_error, "json_tokener_get_error"),
	DL_SYM(struct jsonc, tokener_error_desc, "json_tokener_error_desc"),
	DL_SYM(struct jsonc, tokener_get_parse_end, "json_tokener_get_parse_end"),
	DL_SYM(struct jsonc, put, "json_object_put"),
	DL_SYM(struct jsonc, get_type, "json_object_get_type"),
	DL_SYM(struct jsonc, object_get_ex, "json_object_object_get_ex"),
	DL_SYM(struct jsonc, get_string, "json_object_get_string"),
	DL_SYM(struct jsonc, get_string_len, "json_object_get_string_len"),
	DL_SYM(struct jsonc, array_length, "json_object_array_length"),
	DL_SYM(struct jsonc, array_get_idx, "json_object_array_get_idx"),
	DL_SYM(struct jsonc, get_int64, "json_object_get_int64"),
	DL_SYM(struct jsonc, get_uint64, "json_object_get_uint64"),
	DL_SYM(struct jsonc, iter_begin, "json_object_iter_begin"),
	DL_SYM(struct jsonc, iter_end, "json_object_iter_end"),
	DL_SYM(struct jsonc, iter_equal, "json_object_iter_equal"),
	DL_SYM(struct jsonc, iter_next, "json_object_iter_next"),
	DL_SYM(struct jsonc, iter_peek_name, "json_object_iter_peek_name"),
	DL_SYM(struct jsonc, iter_peek_value, "json_object_iter_peek_value"),
};

int walk_parse_text(struct jsonc *j, const char *file, const char *text, size_t len,
		    json_object **ret)
{
	json_tokener *tok;
	json_object *top;
	enum json_tokener_error err;
	size_t end;
	int r;

	if ((r = dl_load(j, "libjson-c.so.5", "libjson-c5", jsonc_syms, ELEMENTSOF(jsonc_syms))) <
	    0)
		return sbx_err_wrap(r, "--seccomp-profile %s", file);
	if (len > INT_MAX)
		return sbx_errx("--seccomp-profile %s: too large (%zu bytes)", file, len);
	if (!(tok = j->tokener_new()))
		return sbx_err(ENOMEM, "--seccomp-profile %s", file);
	/* RFC 8259 JSON: no comments, no trailing commas, nothing after the profile */
	j->tokener_set_flags(tok, JSON_TOKENER_STRICT);
	top = j->tokener_parse_ex(tok, text, (int)len);
	err = j->tokener_get_error(tok);
	end = j->tokener_get_parse_end(tok);
	if (!top || err != json_tokener_success) {
		unsigned line, col;
		const char *why = err == json_tokener_continue ? "unexpected end of file"
							       : j->tokener_error_desc(err);
		j->tokener_free(tok);
		if (top)
			j->put(top);
		oci_line_col(text, err == json_tokener_continue ? len : end, &line, &col);
		return sbx_errx("--seccomp-profile %s:%u:%u: not valid JSON: %s", file, line, col,
				why);
	}
	j->tokener_free(tok);
	if (oci_skip_ws(text, len, end) < len) {
		unsigned line, col;
		j->put(top);
		oci_line_col(text, oci_skip_ws(text, len, end), &line, &col);
		return sbx_errx(
			"--seccomp-profile %s:%u:%u: not valid JSON: more after the profile", file,
			line, col);
	}
	*ret = top;
	return 0;
}

void walk_enter_key(struct walk *w, const char *key)
{
	if (w->depth < ELEMENTSOF(w->path))
		w->path[w->depth] = (struct walk_seg){ .key = key };
	w->depth++;
}

void walk_enter_index(struct walk *w, size_t index)
{
	if (w->depth < ELEMENTSOF(w->path))
		w->path[w->depth] = (struct walk_seg){ .index = index };
	w->depth++;
}

void walk_leave(struct walk *w)
{
	w->depth--;
}

int walk_fail(const struct walk *w, const char *fmt, ...)
{
	char field[256] = "", msg[512], where[48] = "";
	size_t depth = w->depth < ELEMENTSOF(w->path) ? w->depth : ELEMENTSOF(w->path);
	size_t n = 0, at = oci_skip_ws(w->text, w->len, 0);
	va_list ap;

	for (size_t d = 0; d < depth && n < sizeof(field); d++) {
		const struct walk_seg *s = &w->path[d];
		int k = s->key ? snprintf(field + n, sizeof(field) - n, "%s%s", d ? "." : "",
					  s->key)
			       : snprintf(field + n, sizeof(field) - n, "[%zu]", s->index);
		if (k > 0)
			n += (size_t)k;
	}
	for (size_t d = 0; d < depth; d++) {
		size_t i = w->path[d].key ? oci_find_member(w->text, w->len, at, w->path[d].key)
					  : oci_find_element(w->text, w->len, at, w->path[d].index);
		if (i >= w->len)
			break;
		at = i;
	}
	if (at < w->len) {
		unsigned line, col;
		oci_line_col(w->text, at, &line, &col);
		snprintf(where, sizeof(where), ":%u:%u", line, col);
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!field[0])
		return sbx_errx("--seccomp-profile %s%s: %s", w->file, where, msg);
	return sbx_errx("--seccomp-profile %s%s: %s: %s", w->file, where, field, msg);
}

static const char *type_name(enum json_type t)
{
	switch (t) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "a boolean";
	case json_type_double:
		return "a fractional number";
	case json_type_int:
		return "an integer";
	case json_type_object:
		return "an object";
	case json_type_array:
		return "an array";
	case json_type_string:
		return "a string";
	}
	return "something else";
}

json_object *walk_member(const struct walk *w, json_object *obj, const char *key)
{
	json_object *v = NULL;

	if (!w->j->object_get_ex(obj, key, &v) || w->j->get_type(v) == json_type_null)
		return NULL;
	return v;
}

int walk_expect(const struct walk *w, json_object *o, enum json_type t)
{
	enum json_type got = w->j->get_type(o);

	if (got == t)
		return 0;
	return walk_fail(w, "expected %s, got %s", type_name(t), type_name(got));
}

int walk_string(const struct walk *w, json_object *o, const char **ret)
{
	const char *s;
	int r = walk_expect(w, o, json_type_string);

	if (r < 0)
		return r;
	s = w->j->get_string(o);
	if ((size_t)w->j->get_string_len(o) != strlen(s))
		return walk_fail(w, "contains a NUL character");
	*ret = s;
	return 0;
}

int walk_uint(const struct walk *w, json_object *o, uint64_t max, uint64_t *ret)
{
	uint64_t v;

	if (w->j->get_type(o) != json_type_int)
		return walk_fail(w, "expected a non-negative integer, got %s",
				 type_name(w->j->get_type(o)));
	if (w->j->get_int64(o) < 0)
		return walk_fail(w, "expected a non-negative integer, got %lld",
				 (long long)w->j->get_int64(o));
	v = w->j->get_uint64(o);
	if (v > max)
		return walk_fail(w, "%llu is out of range (0-%llu)", (unsigned long long)v,
				 (unsigned long long)max);
	*ret = v;
	return 0;
}

int walk_check_fields(struct walk *w, json_object *obj, const char *const *known)
{
	struct json_object_iterator it, end;
	int r = walk_expect(w, obj, json_type_object);

	if (r < 0)
		return r;
	it = w->j->iter_begin(obj);
	end = w->j->iter_end(obj);
	for (; !w->j->iter_equal(&it, &end); w->j->iter_next(&it)) {
		const char *name = w->j->iter_peek_name(&it);
		char list[256];
		size_t n = 0;
		bool ok = false;

		for (size_t i = 0; known[i]; i++)
			ok = ok || streq(known[i], name);
		if (ok)
			continue;
		list[0] = '\0';
		for (size_t i = 0; known[i] && n < sizeof(list); i++) {
			int k = snprintf(list + n, sizeof(list) - n, "%s%s", i ? ", " : "",
					 known[i]);
			if (k > 0)
				n += (size_t)k;
		}
		walk_enter_key(w, name);
		return walk_fail(w, "unknown field (expected one of: %s)", list);
	}
	return 0;
}

int walk_each_string(struct walk *w, json_object *arr,
		     int (*f)(struct walk *w, const char *s, void *userdata), void *userdata)
{
	int r = walk_expect(w, arr, json_type_array);

	if (r < 0)
		return r;
	for (size_t i = 0; i < w->j->array_length(arr); i++) {
		const char *s;
		walk_enter_index(w, i);
		if ((r = walk_string(w, w->j->array_get_idx(arr, i), &s)) < 0)
			return r;
		if (!s[0])
			return walk_fail(w, "empty string");
		if ((r = f(w, s, userdata)) < 0)
			return r;
		walk_leave(w);
	}
	return 0;
}
