/* SPDX-License-Identifier: MIT */
/* --seccomp-profile FILE: the JSON seccomp profile of the OCI runtime spec (linux.seccomp
 * of config.json) with what Docker and Podman add to it (archMap, the old single "name",
 * includes/excludes, errno names).
 *
 * This file parses and checks it, reading json-c's tree through seccomp/oci_walk.c;
 * seccomp/oci_compile.c compiles it. Both libraries (json-c here, libseccomp there) are
 * dlopen()ed only when the option is used: every other sandbox starts without loading
 * them (the default filter is compiled when sbx is built).
 *
 * The JSON library is json-c, not jansson or yajl:
 *  - its integers reach UINT64_MAX, and OCI makes args[].value a uint64; jansson's
 *    json_int_t is signed and refuses a mask such as 0xffffffffffffffff;
 *  - its strict tokener says at which byte it stopped, turned into line:column
 *    (oci_walk.c);
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
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "setup/caps.h"
#include "base/dl.h"
#include "base/log.h"
#include "base/util.h"
#include "seccomp/oci_names.h"
#include "seccomp/oci_walk.h"

/* action and its errno: from "action" + "errnoRet" (OCI) or "errno" (Podman's name). */
static int parse_action(struct walk *w, json_object *obj, const char *key, const char *ret_key,
			const char *name_key, uint32_t *ret)
{
	json_object *a = walk_member(w, obj, key), *e = walk_member(w, obj, ret_key),
		    *en = walk_member(w, obj, name_key);
	const struct oci_action *act;
	uint64_t err = EPERM; /* what runc and crun return when errnoRet is not given */
	const char *s;
	int r;

	walk_enter_key(w, key);
	if (!a)
		return walk_fail(w,
				 "missing (expected one of SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, ...)");
	if ((r = walk_string(w, a, &s)) < 0)
		return r;
	act = oci_action_by_name(s);
	if (!act && streq(s, "SCMP_ACT_NOTIFY"))
		return walk_fail(
			w, "SCMP_ACT_NOTIFY is not supported: sbx has no seccomp notification "
			   "agent");
	if (!act)
		return walk_fail(w, "unknown action \"%s\"", s);
	walk_leave(w);
	if ((e || en) && !act->takes_errno) {
		walk_enter_key(w, e ? ret_key : name_key);
		return walk_fail(w,
				 "only SCMP_ACT_ERRNO and SCMP_ACT_TRACE return an errno, not %s",
				 act->name);
	}
	if (e) {
		/* the kernel clamps an errno to 4095; a tracer's message has 16 bits */
		uint64_t max = act->action == SCMP_ACT_ERRNO(0) ? 4095 : 0xffff;
		walk_enter_key(w, ret_key);
		if ((r = walk_uint(w, e, max, &err)) < 0)
			return r;
		walk_leave(w);
	}
	if (en) {
		int v;
		walk_enter_key(w, name_key);
		if ((r = walk_string(w, en, &s)) < 0)
			return r;
		if ((v = oci_errno_by_name(s)) < 0)
			return walk_fail(w, "unknown errno name \"%s\"", s);
		if (e && (uint64_t)v != err)
			return walk_fail(w, "%s is %d, but %s says %llu", s, v, ret_key,
					 (unsigned long long)err);
		err = (uint64_t)v;
		walk_leave(w);
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
		return walk_fail(w, "unknown architecture \"%s\"", s);
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
		return walk_fail(w, "too many architectures");
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
	int r = walk_expect(w, map, json_type_array);

	if (r < 0)
		return r;
	for (size_t i = 0; i < w->j->array_length(map); i++) {
		json_object *e = w->j->array_get_idx(map, i), *a, *subs;
		const char *name;
		bool native;

		walk_enter_index(w, i);
		if ((r = walk_check_fields(w, e, fields)) < 0)
			return r;
		a = walk_member(w, e, "architecture");
		subs = walk_member(w, e, "subArchitectures");
		walk_enter_key(w, "architecture");
		if (!a)
			return walk_fail(w, "missing");
		if ((r = walk_string(w, a, &name)) < 0)
			return r;
		walk_leave(w);
		/* Other machines' entries may name architectures this libseccomp lacks. */
		native = w->env->arch && oci_arch_by_token(w->env->arch) &&
			 streq(oci_arch_by_token(w->env->arch)->name, name);
		if (subs) {
			walk_enter_key(w, "subArchitectures");
			r = walk_each_string(w, subs, native ? add_arch : check_string, p);
			if (r < 0)
				return r;
			walk_leave(w);
		}
		walk_leave(w);
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
		return walk_fail(w, "%s is not supported: sbx has no seccomp notification agent",
				 s);
	return walk_fail(w, "unknown flag \"%s\"", s);
}

static int parse_cond(struct walk *w, json_object *o, struct seccomp_oci_cond *c)
{
	static const char *const fields[] = { "index", "value", "valueTwo", "op", NULL };
	json_object *index = walk_member(w, o, "index"), *value = walk_member(w, o, "value"),
		    *two = walk_member(w, o, "valueTwo"), *op = walk_member(w, o, "op");
	uint64_t v;
	const char *s;
	int r, op_i;

	if ((r = walk_check_fields(w, o, fields)) < 0)
		return r;
	walk_enter_key(w, "index");
	if (!index)
		return walk_fail(w, "missing (the argument, 0-5)");
	if ((r = walk_uint(w, index, 5, &v)) < 0)
		return r;
	c->index = (unsigned)v;
	walk_leave(w);
	walk_enter_key(w, "value");
	if (value && (r = walk_uint(w, value, UINT64_MAX, &c->value)) < 0)
		return r;
	walk_leave(w);
	walk_enter_key(w, "valueTwo");
	if (two && (r = walk_uint(w, two, UINT64_MAX, &c->value_two)) < 0)
		return r;
	walk_leave(w);
	walk_enter_key(w, "op");
	if (!op)
		return walk_fail(w, "missing (SCMP_CMP_EQ, SCMP_CMP_NE, ...)");
	if ((r = walk_string(w, op, &s)) < 0)
		return r;
	if ((op_i = oci_op_by_name(s)) < 0)
		return walk_fail(w, "unknown operator \"%s\"", s);
	c->op = (unsigned)op_i;
	walk_leave(w);
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
	json_object *f = walk_member(w, entry, key), *caps, *arches, *kernel;
	const struct oci_arch *native = oci_arch_by_token(w->env->arch);
	int r;

	if (!f)
		return 0;
	walk_enter_key(w, key);
	if ((r = walk_check_fields(w, f, fields)) < 0)
		return r;
	caps = walk_member(w, f, "caps");
	arches = walk_member(w, f, "arches");
	kernel = walk_member(w, f, "minKernel");
	if (caps) {
		struct caps_check c = { .have = w->env->caps, .all = true };
		walk_enter_key(w, "caps");
		if ((r = walk_each_string(w, caps, check_cap, &c)) < 0)
			return r;
		walk_leave(w);
		/* includes: every capability held; excludes: any one */
		if (include ? !c.all : c.any)
			*applies = false;
	}
	if (arches) {
		struct arch_check a = { .native = native ? native->docker : NULL };
		walk_enter_key(w, "arches");
		if ((r = walk_each_string(w, arches, check_arch, &a)) < 0)
			return r;
		walk_leave(w);
		if (w->j->array_length(arches) > 0 && include != a.match)
			*applies = false;
	}
	if (kernel) {
		const char *s;
		unsigned major, minor;
		int end = 0;
		bool newer;
		walk_enter_key(w, "minKernel");
		if ((r = walk_string(w, kernel, &s)) < 0)
			return r;
		if (sscanf(s, "%u.%u%n", &major, &minor, &end) != 2 ||
		    (s[end] && !(s[end] == '.' || s[end] == '-')))
			return walk_fail(w, "\"%s\" is not a kernel version (e.g. \"5.8\")", s);
		walk_leave(w);
		newer = w->env->kernel[0] > major ||
			(w->env->kernel[0] == major && w->env->kernel[1] >= minor);
		if (include != newer)
			*applies = false;
	}
	walk_leave(w);
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
	json_object *names = walk_member(w, o, "names"), *name = walk_member(w, o, "name");
	int r;

	if (names) {
		walk_enter_key(w, "names");
		if ((r = walk_each_string(w, names, push_name, &rule->names)) < 0)
			return r;
		walk_leave(w);
	}
	if (name) {
		const char *s;
		walk_enter_key(w, "name");
		if ((r = walk_string(w, name, &s)) < 0)
			return r;
		if (s[0] && rule->names)
			return walk_fail(w, "give either \"names\" or \"name\", not both");
		if (s[0])
			strv_push(&rule->names, xstrdup(s));
		walk_leave(w);
	}
	if (!rule->names) {
		walk_enter_key(w, "names");
		return walk_fail(w, "missing (the syscalls the entry is about)");
	}
	return 0;
}

/* "args": the conditions on the syscall's arguments, into rule->conds. */
static int parse_args(struct walk *w, json_object *args, struct seccomp_oci_rule *rule)
{
	int r;

	walk_enter_key(w, "args");
	if ((r = walk_expect(w, args, json_type_array)) < 0)
		return r;
	rule->n_conds = w->j->array_length(args);
	rule->conds = xmalloc((rule->n_conds ? rule->n_conds : 1) * sizeof(*rule->conds));
	for (size_t i = 0; i < rule->n_conds; i++) {
		rule->conds[i] = (struct seccomp_oci_cond){ 0 };
		walk_enter_index(w, i);
		if ((r = parse_cond(w, w->j->array_get_idx(args, i), &rule->conds[i])) < 0)
			return r;
		walk_leave(w);
	}
	walk_leave(w);
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

	if ((r = walk_check_fields(w, o, fields)) < 0 || (r = parse_names(w, o, &rule)) < 0 ||
	    (r = parse_action(w, o, "action", "errnoRet", "errno", &rule.action)) < 0)
		return r;
	if ((args = walk_member(w, o, "args")) && (r = parse_args(w, args, &rule)) < 0)
		return r;
	if ((comment = walk_member(w, o, "comment"))) {
		const char *s;
		walk_enter_key(w, "comment");
		if ((r = walk_string(w, comment, &s)) < 0)
			return r;
		walk_leave(w);
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
	json_object *o = walk_member(w, top, key);
	const char *s;
	int r;

	if (!o)
		return 0;
	walk_enter_key(w, key);
	if ((r = walk_string(w, o, &s)) < 0)
		return r;
	if (s[0])
		return walk_fail(w, "not supported: sbx has no seccomp notification agent");
	walk_leave(w);
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

	if ((r = walk_check_fields(w, top, fields)) < 0 ||
	    (r = parse_action(w, top, "defaultAction", "defaultErrnoRet", "defaultErrno",
			      &p->default_action)) < 0 ||
	    (r = parse_listener(w, top, "listenerPath")) < 0 ||
	    (r = parse_listener(w, top, "listenerMetadata")) < 0)
		return r;
	arches = walk_member(w, top, "architectures");
	map = walk_member(w, top, "archMap");
	if (arches) {
		walk_enter_key(w, "architectures");
		if (map && w->j->get_type(map) == json_type_array && w->j->array_length(map) > 0 &&
		    w->j->get_type(arches) == json_type_array && w->j->array_length(arches) > 0)
			return walk_fail(w,
					 "give either \"architectures\" or \"archMap\", not both");
		if ((r = walk_each_string(w, arches, add_arch, p)) < 0)
			return r;
		walk_leave(w);
	}
	if (map) {
		walk_enter_key(w, "archMap");
		if ((r = parse_arch_map(w, map, p)) < 0)
			return r;
		walk_leave(w);
	}
	if ((flags = walk_member(w, top, "flags"))) {
		walk_enter_key(w, "flags");
		if ((r = walk_each_string(w, flags, parse_flag, p)) < 0)
			return r;
		walk_leave(w);
	}
	if ((calls = walk_member(w, top, "syscalls"))) {
		walk_enter_key(w, "syscalls");
		if ((r = walk_expect(w, calls, json_type_array)) < 0)
			return r;
		for (size_t i = 0; i < w->j->array_length(calls); i++) {
			walk_enter_index(w, i);
			if ((r = parse_syscall(w, w->j->array_get_idx(calls, i), i, p)) < 0)
				return r;
			walk_leave(w);
		}
		walk_leave(w);
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
	json_object *top;
	int r;

	if ((r = walk_parse_text(&j, file, text, len, &top)) < 0)
		return r;
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
	w.path[0] = (struct walk_seg){ .key = "syscalls" };
	w.path[1] = (struct walk_seg){ .index = entry };
	return walk_fail(&w, "%s", msg);
}
