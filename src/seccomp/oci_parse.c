/* SPDX-License-Identifier: MIT */
/* --seccomp-profile FILE: the JSON seccomp profile of the OCI runtime spec (linux.seccomp
 * of config.json) with what Docker and Podman add to it (archMap, the old single "name",
 * includes/excludes, errno names).
 *
 * This file parses and checks it; seccomp/oci_compile.c compiles it. Both libraries
 * (json-c here, libseccomp there) are dlopen()ed only when the option is used: every other
 * sandbox starts without loading them (the default filter is compiled when sbx is built).
 *
 * The JSON library is json-c, not jansson or yajl:
 *  - its integers reach UINT64_MAX, and OCI makes args[].value a uint64; jansson's
 *    json_int_t is signed and refuses a mask such as 0xffffffffffffffff;
 *  - its strict tokener says at which byte it stopped, turned into line:column below;
 *  - on Debian it is usually there already: systemd depends on libcryptsetup12, which
 *    depends on libjson-c5 (as systemd depends on libseccomp2);
 *  - yajl's last release dates from 2014.
 *
 * The profile is read, checked and compiled to BPF in the parent while the command line is
 * parsed, not in the child: a bad profile fails with 125 before anything has started; the
 * libraries come from the host's root (after pivot_root a --bare sandbox may have none);
 * and the child, which gets the program with its copy of the config, has nothing left to
 * do but hand it to seccomp(2) once capabilities are gone and no_new_privs is set.
 */
#include "seccomp/seccomp_oci.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json_object.h>
#include <json-c/json_object_iterator.h>
#include <json-c/json_tokener.h>
#include <limits.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "setup/caps.h"
#include "base/dl.h"
#include "base/log.h"
#include "base/util.h"
#include "seccomp/oci_names.h"
#include "seccomp/oci_text.h"

/* ---- the libraries ------------------------------------------------------------------- */

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

/* ---- walking the document ---------------------------------------------------------------- */

struct seg {
	const char *key; /* NULL: an array index */
	size_t index;
};

struct walk {
	const struct jsonc *j;
	const char *file;
	const char *text;
	size_t len;
	const struct seccomp_oci_env *env;
	struct seg path[8];
	size_t depth;
};

static void enter_key(struct walk *w, const char *key)
{
	if (w->depth < ELEMENTSOF(w->path))
		w->path[w->depth] = (struct seg){ .key = key };
	w->depth++;
}

static void enter_index(struct walk *w, size_t index)
{
	if (w->depth < ELEMENTSOF(w->path))
		w->path[w->depth] = (struct seg){ .index = index };
	w->depth++;
}

static void leave(struct walk *w)
{
	w->depth--;
}

/* One message: "--seccomp-profile FILE:LINE:COLUMN: FIELD: what is wrong". The position is
 * that of the field, or of the innermost object around it that is there (a field that is
 * missing has none). */
__attribute__((format(printf, 2, 3))) static int fail(const struct walk *w, const char *fmt, ...)
{
	char field[256] = "", msg[512], where[48] = "";
	size_t depth = w->depth < ELEMENTSOF(w->path) ? w->depth : ELEMENTSOF(w->path);
	size_t n = 0, at = oci_skip_ws(w->text, w->len, 0);
	va_list ap;

	for (size_t d = 0; d < depth && n < sizeof(field); d++) {
		const struct seg *s = &w->path[d];
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

/* Member key of obj; NULL when absent or null (Go writes an empty list as null). */
static json_object *member(const struct walk *w, json_object *obj, const char *key)
{
	json_object *v = NULL;

	if (!w->j->object_get_ex(obj, key, &v) || w->j->get_type(v) == json_type_null)
		return NULL;
	return v;
}

static int expect(const struct walk *w, json_object *o, enum json_type t)
{
	enum json_type got = w->j->get_type(o);

	if (got == t)
		return 0;
	return fail(w, "expected %s, got %s", type_name(t), type_name(got));
}

static int get_string(const struct walk *w, json_object *o, const char **ret)
{
	const char *s;
	int r = expect(w, o, json_type_string);

	if (r < 0)
		return r;
	s = w->j->get_string(o);
	if ((size_t)w->j->get_string_len(o) != strlen(s))
		return fail(w, "contains a NUL character");
	*ret = s;
	return 0;
}

static int get_uint(const struct walk *w, json_object *o, uint64_t max, uint64_t *ret)
{
	uint64_t v;

	if (w->j->get_type(o) != json_type_int)
		return fail(w, "expected a non-negative integer, got %s",
			    type_name(w->j->get_type(o)));
	if (w->j->get_int64(o) < 0)
		return fail(w, "expected a non-negative integer, got %lld",
			    (long long)w->j->get_int64(o));
	v = w->j->get_uint64(o);
	if (v > max)
		return fail(w, "%llu is out of range (0-%llu)", (unsigned long long)v,
			    (unsigned long long)max);
	*ret = v;
	return 0;
}

/* Every member of obj must be one of known: a misspelt "errnoret" must not be ignored. */
static int check_fields(struct walk *w, json_object *obj, const char *const *known)
{
	struct json_object_iterator it, end;
	int r = expect(w, obj, json_type_object);

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
		enter_key(w, name);
		return fail(w, "unknown field (expected one of: %s)", list);
	}
	return 0;
}

/* An array of non-empty strings, each passed to f. */
static int each_string(struct walk *w, json_object *arr,
		       int (*f)(struct walk *w, const char *s, void *userdata), void *userdata)
{
	int r = expect(w, arr, json_type_array);

	if (r < 0)
		return r;
	for (size_t i = 0; i < w->j->array_length(arr); i++) {
		const char *s;
		enter_index(w, i);
		if ((r = get_string(w, w->j->array_get_idx(arr, i), &s)) < 0)
			return r;
		if (!s[0])
			return fail(w, "empty string");
		if ((r = f(w, s, userdata)) < 0)
			return r;
		leave(w);
	}
	return 0;
}

/* action and its errno: from "action" + "errnoRet" (OCI) or "errno" (Podman's name). */
static int parse_action(struct walk *w, json_object *obj, const char *key, const char *ret_key,
			const char *name_key, uint32_t *ret)
{
	json_object *a = member(w, obj, key), *e = member(w, obj, ret_key),
		    *en = member(w, obj, name_key);
	const struct oci_action *act;
	uint64_t err = EPERM; /* what runc and crun return when errnoRet is not given */
	const char *s;
	int r;

	enter_key(w, key);
	if (!a)
		return fail(w, "missing (expected one of SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, ...)");
	if ((r = get_string(w, a, &s)) < 0)
		return r;
	act = oci_action_by_name(s);
	if (!act && streq(s, "SCMP_ACT_NOTIFY"))
		return fail(w, "SCMP_ACT_NOTIFY is not supported: sbx has no seccomp notification "
			       "agent");
	if (!act)
		return fail(w, "unknown action \"%s\"", s);
	leave(w);
	if ((e || en) && !act->takes_errno) {
		enter_key(w, e ? ret_key : name_key);
		return fail(w, "only SCMP_ACT_ERRNO and SCMP_ACT_TRACE return an errno, not %s",
			    act->name);
	}
	if (e) {
		/* the kernel clamps an errno to 4095; a tracer's message has 16 bits */
		uint64_t max = act->action == SCMP_ACT_ERRNO(0) ? 4095 : 0xffff;
		enter_key(w, ret_key);
		if ((r = get_uint(w, e, max, &err)) < 0)
			return r;
		leave(w);
	}
	if (en) {
		int v;
		enter_key(w, name_key);
		if ((r = get_string(w, en, &s)) < 0)
			return r;
		if ((v = oci_errno_by_name(s)) < 0)
			return fail(w, "unknown errno name \"%s\"", s);
		if (e && (uint64_t)v != err)
			return fail(w, "%s is %d, but %s says %llu", s, v, ret_key,
				    (unsigned long long)err);
		err = (uint64_t)v;
		leave(w);
	}
	*ret = act->takes_errno ? act->action | (uint32_t)err : act->action;
	return 0;
}

static int parse_arch_name(struct walk *w, const char *s, uint32_t *ret)
{
	if (streq(s, "SCMP_ARCH_NATIVE") && w->env->arch) {
		*ret = w->env->arch;
		return 0;
	}
	const struct oci_arch *a = oci_arch_by_name(s);

	if (!a)
		return fail(w, "unknown architecture \"%s\"", s);
	*ret = a->token;
	return 0;
}

static int add_arch(struct walk *w, const char *s, void *userdata)
{
	struct seccomp_oci_profile *p = userdata;
	uint32_t token = 0;
	int r = parse_arch_name(w, s, &token);

	if (r < 0)
		return r;
	if (token == w->env->arch)
		return 0; /* a filter always has the native architecture */
	for (size_t i = 0; i < p->n_arches; i++)
		if (p->arches[i] == token)
			return 0;
	if (p->n_arches >= ELEMENTSOF(p->arches))
		return fail(w, "too many architectures");
	p->arches[p->n_arches++] = token;
	return 0;
}

static int check_string(struct walk *w, const char *s, void *userdata)
{
	(void)w, (void)s, (void)userdata;
	return 0;
}

/* archMap (Docker): the sub-architectures listed for the native one join the filter. */
static int parse_arch_map(struct walk *w, json_object *map, struct seccomp_oci_profile *p)
{
	static const char *const fields[] = { "architecture", "subArchitectures", NULL };
	int r = expect(w, map, json_type_array);

	if (r < 0)
		return r;
	for (size_t i = 0; i < w->j->array_length(map); i++) {
		json_object *e = w->j->array_get_idx(map, i), *a, *subs;
		const char *name;
		bool native;

		enter_index(w, i);
		if ((r = check_fields(w, e, fields)) < 0)
			return r;
		a = member(w, e, "architecture");
		subs = member(w, e, "subArchitectures");
		enter_key(w, "architecture");
		if (!a)
			return fail(w, "missing");
		if ((r = get_string(w, a, &name)) < 0)
			return r;
		leave(w);
		/* Other machines' entries may name architectures this libseccomp lacks. */
		native = w->env->arch && oci_arch_by_token(w->env->arch) &&
			 streq(oci_arch_by_token(w->env->arch)->name, name);
		if (subs) {
			enter_key(w, "subArchitectures");
			r = each_string(w, subs, native ? add_arch : check_string, p);
			if (r < 0)
				return r;
			leave(w);
		}
		leave(w);
	}
	return 0;
}

static int parse_flag(struct walk *w, const char *s, void *userdata)
{
	struct seccomp_oci_profile *p = userdata;

	unsigned flag;

	if (oci_flag_by_name(s, &flag) == 0) {
		p->flags |= flag;
		return 0;
	}
	if (streq(s, "SECCOMP_FILTER_FLAG_NEW_LISTENER") ||
	    streq(s, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") ||
	    streq(s, "SECCOMP_FILTER_FLAG_TSYNC_ESRCH"))
		return fail(w, "%s is not supported: sbx has no seccomp notification agent", s);
	return fail(w, "unknown flag \"%s\"", s);
}

static int parse_cond(struct walk *w, json_object *o, struct seccomp_oci_cond *c)
{
	static const char *const fields[] = { "index", "value", "valueTwo", "op", NULL };
	json_object *index = member(w, o, "index"), *value = member(w, o, "value"),
		    *two = member(w, o, "valueTwo"), *op = member(w, o, "op");
	uint64_t v;
	const char *s;
	int r, op_i;

	if ((r = check_fields(w, o, fields)) < 0)
		return r;
	enter_key(w, "index");
	if (!index)
		return fail(w, "missing (the argument, 0-5)");
	if ((r = get_uint(w, index, 5, &v)) < 0)
		return r;
	c->index = (unsigned)v;
	leave(w);
	enter_key(w, "value");
	if (value && (r = get_uint(w, value, UINT64_MAX, &c->value)) < 0)
		return r;
	leave(w);
	enter_key(w, "valueTwo");
	if (two && (r = get_uint(w, two, UINT64_MAX, &c->value_two)) < 0)
		return r;
	leave(w);
	enter_key(w, "op");
	if (!op)
		return fail(w, "missing (SCMP_CMP_EQ, SCMP_CMP_NE, ...)");
	if ((r = get_string(w, op, &s)) < 0)
		return r;
	if ((op_i = oci_op_by_name(s)) < 0)
		return fail(w, "unknown operator \"%s\"", s);
	c->op = (unsigned)op_i;
	leave(w);
	return 0;
}

struct caps_check {
	uint64_t have;
	bool any;
	bool all;
};

static int check_cap(struct walk *w, const char *s, void *userdata)
{
	struct caps_check *c = userdata;
	uint64_t mask = 0;

	/* A capability this libcap-ng does not know is one the command cannot hold. */
	if (caps_parse("--seccomp-profile", s, &mask) < 0)
		log_debug("--seccomp-profile %s: unknown capability %s: taken as not held", w->file,
			  s);
	if (mask && (c->have & mask) == mask)
		c->any = true;
	else
		c->all = false;
	return 0;
}

struct arch_check {
	const char *native;
	bool match;
};

static int check_arch(struct walk *w, const char *s, void *userdata)
{
	struct arch_check *a = userdata;

	(void)w;
	if (a->native && streq(a->native, s))
		a->match = true;
	return 0;
}

/* includes (include true) or excludes: may turn *applies off. */
static int parse_filter(struct walk *w, json_object *entry, const char *key, bool include,
			bool *applies)
{
	static const char *const fields[] = { "caps", "arches", "minKernel", NULL };
	json_object *f = member(w, entry, key), *caps, *arches, *kernel;
	const struct oci_arch *native = oci_arch_by_token(w->env->arch);
	int r;

	if (!f)
		return 0;
	enter_key(w, key);
	if ((r = check_fields(w, f, fields)) < 0)
		return r;
	caps = member(w, f, "caps");
	arches = member(w, f, "arches");
	kernel = member(w, f, "minKernel");
	if (caps) {
		struct caps_check c = { .have = w->env->caps, .all = true };
		enter_key(w, "caps");
		if ((r = each_string(w, caps, check_cap, &c)) < 0)
			return r;
		leave(w);
		/* includes: every capability held; excludes: any one */
		if (include ? !c.all : c.any)
			*applies = false;
	}
	if (arches) {
		struct arch_check a = { .native = native ? native->docker : NULL };
		enter_key(w, "arches");
		if ((r = each_string(w, arches, check_arch, &a)) < 0)
			return r;
		leave(w);
		if (w->j->array_length(arches) > 0 && include != a.match)
			*applies = false;
	}
	if (kernel) {
		const char *s;
		unsigned major, minor;
		int end = 0;
		bool newer;
		enter_key(w, "minKernel");
		if ((r = get_string(w, kernel, &s)) < 0)
			return r;
		if (sscanf(s, "%u.%u%n", &major, &minor, &end) != 2 ||
		    (s[end] && !(s[end] == '.' || s[end] == '-')))
			return fail(w, "\"%s\" is not a kernel version (e.g. \"5.8\")", s);
		leave(w);
		newer = w->env->kernel[0] > major ||
			(w->env->kernel[0] == major && w->env->kernel[1] >= minor);
		if (include != newer)
			*applies = false;
	}
	leave(w);
	return 0;
}

static int push_name(struct walk *w, const char *s, void *userdata)
{
	(void)w;
	strv_push(userdata, xstrdup(s));
	return 0;
}

static void rule_free(struct seccomp_oci_rule *rule)
{
	strv_free(rule->names);
	free(rule->conds);
}

/* "names" (or Docker's older single "name") into rule->names. */
static int parse_names(struct walk *w, json_object *o, struct seccomp_oci_rule *rule)
{
	json_object *names = member(w, o, "names"), *name = member(w, o, "name");
	int r;

	if (names) {
		enter_key(w, "names");
		if ((r = each_string(w, names, push_name, &rule->names)) < 0)
			return r;
		leave(w);
	}
	if (name) {
		const char *s;
		enter_key(w, "name");
		if ((r = get_string(w, name, &s)) < 0)
			return r;
		if (s[0] && rule->names)
			return fail(w, "give either \"names\" or \"name\", not both");
		if (s[0])
			strv_push(&rule->names, xstrdup(s));
		leave(w);
	}
	if (!rule->names) {
		enter_key(w, "names");
		return fail(w, "missing (the syscalls the entry is about)");
	}
	return 0;
}

/* "args": the conditions on the syscall's arguments, into rule->conds. */
static int parse_args(struct walk *w, json_object *args, struct seccomp_oci_rule *rule)
{
	int r;

	enter_key(w, "args");
	if ((r = expect(w, args, json_type_array)) < 0)
		return r;
	rule->n_conds = w->j->array_length(args);
	rule->conds = xmalloc((rule->n_conds ? rule->n_conds : 1) * sizeof(*rule->conds));
	for (size_t i = 0; i < rule->n_conds; i++) {
		rule->conds[i] = (struct seccomp_oci_cond){ 0 };
		enter_index(w, i);
		if ((r = parse_cond(w, w->j->array_get_idx(args, i), &rule->conds[i])) < 0)
			return r;
		leave(w);
	}
	leave(w);
	return 0;
}

static int parse_syscall(struct walk *w, json_object *o, size_t entry,
			 struct seccomp_oci_profile *p)
{
	static const char *const fields[] = { "names", "name",	  "action",   "errnoRet", "errno",
					      "args",  "comment", "includes", "excludes", NULL };
	_cleanup_(rule_free) struct seccomp_oci_rule rule = { .entry = entry };
	json_object *args, *comment;
	bool applies = true;
	int r;

	if ((r = check_fields(w, o, fields)) < 0 || (r = parse_names(w, o, &rule)) < 0 ||
	    (r = parse_action(w, o, "action", "errnoRet", "errno", &rule.action)) < 0)
		return r;
	if ((args = member(w, o, "args")) && (r = parse_args(w, args, &rule)) < 0)
		return r;
	if ((comment = member(w, o, "comment"))) {
		const char *s;
		enter_key(w, "comment");
		if ((r = get_string(w, comment, &s)) < 0)
			return r;
		leave(w);
	}
	if ((r = parse_filter(w, o, "includes", true, &applies)) < 0 ||
	    (r = parse_filter(w, o, "excludes", false, &applies)) < 0)
		return r;
	/* libseccomp refuses a rule with the default action, which would change nothing */
	if (!applies || rule.action == p->default_action)
		return 0;
	p->rules = xrealloc(p->rules, (p->n_rules + 1) * sizeof(*p->rules));
	p->rules[p->n_rules++] = rule;
	rule = (struct seccomp_oci_rule){ 0 };
	return 0;
}

static int parse_listener(struct walk *w, json_object *top, const char *key)
{
	json_object *o = member(w, top, key);
	const char *s;
	int r;

	if (!o)
		return 0;
	enter_key(w, key);
	if ((r = get_string(w, o, &s)) < 0)
		return r;
	if (s[0])
		return fail(w, "not supported: sbx has no seccomp notification agent");
	leave(w);
	return 0;
}

static int parse_profile(struct walk *w, json_object *top, struct seccomp_oci_profile *p)
{
	static const char *const fields[] = {
		"defaultAction", "defaultErrnoRet", "defaultErrno", "architectures",	"archMap",
		"syscalls",	 "flags",	    "listenerPath", "listenerMetadata", NULL
	};
	json_object *arches, *map, *flags, *calls;
	int r;

	if ((r = check_fields(w, top, fields)) < 0 ||
	    (r = parse_action(w, top, "defaultAction", "defaultErrnoRet", "defaultErrno",
			      &p->default_action)) < 0 ||
	    (r = parse_listener(w, top, "listenerPath")) < 0 ||
	    (r = parse_listener(w, top, "listenerMetadata")) < 0)
		return r;
	arches = member(w, top, "architectures");
	map = member(w, top, "archMap");
	if (arches) {
		enter_key(w, "architectures");
		if (map && w->j->get_type(map) == json_type_array && w->j->array_length(map) > 0 &&
		    w->j->get_type(arches) == json_type_array && w->j->array_length(arches) > 0)
			return fail(w, "give either \"architectures\" or \"archMap\", not both");
		if ((r = each_string(w, arches, add_arch, p)) < 0)
			return r;
		leave(w);
	}
	if (map) {
		enter_key(w, "archMap");
		if ((r = parse_arch_map(w, map, p)) < 0)
			return r;
		leave(w);
	}
	if ((flags = member(w, top, "flags"))) {
		enter_key(w, "flags");
		if ((r = each_string(w, flags, parse_flag, p)) < 0)
			return r;
		leave(w);
	}
	if ((calls = member(w, top, "syscalls"))) {
		enter_key(w, "syscalls");
		if ((r = expect(w, calls, json_type_array)) < 0)
			return r;
		for (size_t i = 0; i < w->j->array_length(calls); i++) {
			enter_index(w, i);
			if ((r = parse_syscall(w, w->j->array_get_idx(calls, i), i, p)) < 0)
				return r;
			leave(w);
		}
		leave(w);
	}
	return 0;
}

void seccomp_oci_env_host(struct seccomp_oci_env *env, uint64_t caps)
{
	struct utsname u;

	*env = (struct seccomp_oci_env){ .arch = oci_native_arch(), .caps = caps };
	if (uname(&u) == 0 && sscanf(u.release, "%u.%u", &env->kernel[0], &env->kernel[1]) != 2)
		env->kernel[0] = env->kernel[1] = 0;
}

void seccomp_oci_profile_free(struct seccomp_oci_profile *p)
{
	for (size_t i = 0; i < p->n_rules; i++)
		rule_free(&p->rules[i]);
	free(p->rules);
	free(p->file);
	free(p->text);
	*p = (struct seccomp_oci_profile){ 0 };
}

int seccomp_oci_parse(const char *file, const char *text, size_t len,
		      const struct seccomp_oci_env *env, struct seccomp_oci_profile *ret)
{
	_cleanup_(dl_unload) struct jsonc j = { 0 };
	_cleanup_(seccomp_oci_profile_free) struct seccomp_oci_profile p = { 0 };
	struct walk w = { .j = &j, .file = file, .text = text, .len = len, .env = env };
	json_tokener *tok;
	json_object *top;
	enum json_tokener_error err;
	size_t end;
	int r;

	if ((r = dl_load(&j, "libjson-c.so.5", "libjson-c5", jsonc_syms, ELEMENTSOF(jsonc_syms))) <
	    0)
		return sbx_err_wrap(r, "--seccomp-profile %s", file);
	if (len > INT_MAX)
		return sbx_errx("--seccomp-profile %s: too large (%zu bytes)", file, len);
	if (!(tok = j.tokener_new()))
		return sbx_err(ENOMEM, "--seccomp-profile %s", file);
	/* RFC 8259 JSON: no comments, no trailing commas, nothing after the profile */
	j.tokener_set_flags(tok, JSON_TOKENER_STRICT);
	top = j.tokener_parse_ex(tok, text, (int)len);
	err = j.tokener_get_error(tok);
	end = j.tokener_get_parse_end(tok);
	if (!top || err != json_tokener_success) {
		unsigned line, col;
		const char *why = err == json_tokener_continue ? "unexpected end of file"
							       : j.tokener_error_desc(err);
		j.tokener_free(tok);
		if (top)
			j.put(top);
		oci_line_col(text, err == json_tokener_continue ? len : end, &line, &col);
		return sbx_errx("--seccomp-profile %s:%u:%u: not valid JSON: %s", file, line, col,
				why);
	}
	j.tokener_free(tok);
	if (oci_skip_ws(text, len, end) < len) {
		unsigned line, col;
		j.put(top);
		oci_line_col(text, oci_skip_ws(text, len, end), &line, &col);
		return sbx_errx(
			"--seccomp-profile %s:%u:%u: not valid JSON: more after the profile", file,
			line, col);
	}
	p.file = xstrdup(file);
	p.text = xmalloc(len + 1);
	memcpy(p.text, text, len);
	p.text[len] = '\0';
	p.len = len;
	r = parse_profile(&w, top, &p);
	j.put(top);
	if (r < 0)
		return r;
	*ret = p;
	p = (struct seccomp_oci_profile){ 0 };
	return 0;
}

int seccomp_oci_entry_fail(const struct seccomp_oci_profile *p, size_t entry, const char *fmt, ...)
{
	struct walk w = { .file = p->file, .text = p->text, .len = p->len, .depth = 2 };
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	w.path[0] = (struct seg){ .key = "syscalls" };
	w.path[1] = (struct seg){ .index = entry };
	return fail(&w, "%s", msg);
}
