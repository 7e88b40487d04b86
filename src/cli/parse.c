/* SPDX-License-Identifier: MIT */
/* The command line's syntax: argv, --args FD NUL lists and profiles, each option handed to
 * its handler from the table (options.c). */
#include "cli/cli.h"

#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "cli/options.h"
#include "cli/profile.h"
#include "plan/plan.h"

extern char **environ;

static int parse_list(struct parse_state *s, char **args, size_t n, size_t *consumed);

/* --perms, --size and --overlay-src modify the option right after them, as in bubblewrap;
 * one still waiting after another option (D), or at the end (D NULL), is an error in
 * bubblewrap's words. */
static int check_modifiers(const struct parse_state *s, const struct option_def *d)
{
	bool modifier = d && (d->handler == h_perms || d->handler == h_size);

	if (s->overlay_srcs && !(d && d->handler == h_overlay_src))
		return sbx_errx("--overlay-src must be followed by another --overlay-src or one of "
				"--overlay, --tmp-overlay, or --ro-overlay");
	if (s->has_perms && !modifier)
		return sbx_errx("--perms must be followed by an option that creates a file");
	if (s->has_size && !modifier)
		return sbx_errx("--size must be followed by --tmpfs");
	return 0;
}

int cli_parse_args_fd(struct parse_state *s, const char *fdstr)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_free_ char **v = NULL;
	size_t len, n = 0, consumed;
	int fd, r;

	if ((r = parse_fd("--args", fdstr, &fd)) < 0)
		return r;
	if (++s->args_depth > 8)
		return sbx_errx("--args: nested too deeply");
	r = read_fd_all(fd, &buf, &len);
	close(fd);
	if (r < 0)
		return sbx_err(-r, "--args: read fd %d", fd);
	for (size_t i = 0; i < len; i += strlen(buf + i) + 1) {
		v = xrealloc(v, (n + 1) * sizeof(char *));
		v[n++] = buf + i;
	}
	for (size_t i = 0; i < n; i++)
		if (streq(v[i], "--bare") || streq(v[i], "--profile") ||
		    strncmp(v[i], "--profile=", 10) == 0)
			return sbx_errx("--args: %s must be given on the command line: it decides "
					"what everything else is laid on",
					v[i]);
	r = parse_list(s, v, n, &consumed);
	s->args_depth--;
	if (r < 0)
		return r;
	if (consumed < n)
		return sbx_errx(
			"--args: the command must be given on the command line, not in fd %d", fd);
	return 0;
}

/* Parses options until the first non-option or "--"; *consumed says how many were used. */
static int parse_list(struct parse_state *s, char **args, size_t n, size_t *consumed)
{
	size_t i = 0;

	while (i < n) {
		const char *arg = args[i], *inline_val;
		const struct option_def *d;
		char *vals[3];
		int r;

		if (streq(arg, "--")) {
			i++;
			*consumed = i;
			return 1; /* end of options, explicitly */
		}
		if (arg[0] != '-' || !arg[1])
			break;
		d = find_option(arg, &inline_val);
		if (!d)
			return sbx_errx("unknown option '%s' (see sbx --help)", arg);
		if (inline_val) {
			vals[0] = (char *)inline_val;
		} else {
			if (i + (size_t)d->nargs >= n)
				return sbx_errx("%s needs %d argument%s: %s", d->name, d->nargs,
						d->nargs > 1 ? "s" : "", d->argnames);
			for (int k = 0; k < d->nargs; k++)
				vals[k] = args[i + 1 + (size_t)k];
			i += (size_t)d->nargs;
		}
		i++;
		r = d->handler(s, d, vals);
		if (r < 0 || (r = check_modifiers(s, d)) < 0)
			return r;
	}
	*consumed = i;
	return 0;
}

/* Splits a profile line into words: blanks separate, "..." and '...' quote, a backslash
 * escapes the next character (not within '...'; within "...", \n is a newline, which
 * --dry-run writes for one), '#' at the start of a word begins a comment. */
static int split_line(const char *p, char ***ret)
{
	_cleanup_strv_free_ char **words = NULL;
	size_t cap = strlen(p) + 1;

	for (;;) {
		_cleanup_free_ char *w = NULL;
		size_t n = 0;
		char quote = 0;

		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (!*p || *p == '#')
			break;
		w = xmalloc(cap);
		for (; *p; p++) {
			if (quote) {
				if (*p == quote) {
					quote = 0;
					continue;
				}
				if (*p == '\\' && quote == '"' && p[1]) {
					p++;
					w[n++] = *p == 'n' ? '\n' : *p;
					continue;
				}
				w[n++] = *p;
			} else if (*p == '"' || *p == '\'') {
				quote = *p;
			} else if (*p == ' ' || *p == '\t' || *p == '\r') {
				break;
			} else {
				if (*p == '\\' && p[1])
					p++;
				w[n++] = *p;
			}
		}
		if (quote)
			return sbx_errx("unterminated %c quote", quote);
		w[n] = '\0';
		strv_push(&words, TAKE_PTR(w));
	}
	*ret = TAKE_PTR(words);
	return 0;
}

static int parse_profile_line(struct parse_state *s, char **words)
{
	_cleanup_free_ char **args = NULL;
	_cleanup_free_ char *opt = NULL;
	size_t n = strv_length(words), consumed = 0;
	int r;

	if (streq(words[0], "include")) {
		if (n != 2)
			return sbx_errx("include needs exactly one profile name");
		return cli_parse_profile(s, words[1], false);
	}
	if (words[0][0] == '-')
		return sbx_errx("'%s': write options without the leading dashes", words[0]);
	opt = xasprintf("--%s", words[0]);
	{
		const char *inl;
		const struct option_def *d = find_option(opt, &inl);
		if (!d || !d->help || d->handler == h_action || streq(d->name, "--bare") ||
		    streq(d->name, "--args"))
			return sbx_errx("unknown or misplaced option '%s'", words[0]);
		if (n - 1 != (size_t)d->nargs && !inl)
			return sbx_errx("%s takes %d argument%s (%s), got %zu", words[0], d->nargs,
					d->nargs == 1 ? "" : "s", d->argnames ? d->argnames : "",
					n - 1);
	}
	args = xmalloc((n + 1) * sizeof(char *));
	args[0] = opt;
	for (size_t i = 1; i < n; i++)
		args[i] = words[i];
	r = parse_list(s, args, n, &consumed);
	return r < 0 ? r : 0;
}

int cli_parse_profile(struct parse_state *s, const char *name, bool user_may_shadow)
{
	_cleanup_free_ char *text = NULL, *origin = NULL;
	char *line, *save = NULL;
	unsigned lineno = 0;
	int r;

	if (s->profile_depth >= 16)
		return sbx_errx("profile %s: includes nested too deeply (an include loop?)", name);
	if ((r = profile_find(name, user_may_shadow, &text, &origin)) < 0)
		return r;
	strv_push(&s->c->profiles_used, xstrdup(origin));
	s->profile_depth++;
	/* strtok_r would merge empty lines and break the line count; split by hand. */
	for (line = text; line; line = save) {
		_cleanup_strv_free_ char **words = NULL;
		save = strchr(line, '\n');
		if (save)
			*save++ = '\0';
		lineno++;
		r = split_line(line, &words);
		if (r == 0 && words)
			r = parse_profile_line(s, words);
		if (r < 0) {
			/* Keep the innermost file:line of an include chain. */
			if (strncmp(sbx_errmsg(), "profile ", 8) != 0)
				r = sbx_err_wrap(r, "profile %s:%u", origin, lineno);
			s->profile_depth--;
			return r;
		}
	}
	s->profile_depth--;
	return 0;
}

/* --bare and --profile must be known before anything else is parsed: they decide what
 * the command line is laid on. */
bool cli_is_bwrap_name(const char *argv0)
{
	const char *base = argv0 ? strrchr(argv0, '/') : NULL;

	base = base ? base + 1 : argv0;
	return base && streq(base, "bwrap");
}

static void prescan(int argc, char **argv, bool *bare, char ***profiles)
{
	if (cli_is_bwrap_name(argv[0]))
		*bare = true;
	for (int i = 1; i < argc; i++) {
		const char *inl;
		const struct option_def *d;
		if (argv[i][0] != '-' || streq(argv[i], "--"))
			break;
		d = find_option(argv[i], &inl);
		if (!d)
			break;
		if (streq(d->name, "--bare"))
			*bare = true;
		if (streq(d->name, "--profile") && (inl || i + 1 < argc))
			strv_push(profiles, xstrdup(inl ? inl : argv[i + 1]));
		if (!inl)
			i += d->nargs;
	}
}

/* What the parse state owns beyond the config. */
static void parse_state_done(struct parse_state *s)
{
	strv_free(s->overlay_srcs);
	s->overlay_srcs = NULL;
	free(TAKE_PTR(s->cwd_refused));
}

int cli_parse(int argc, char **argv, struct sbx_config *c, enum cli_action *action)
{
	_cleanup_(parse_state_done) struct parse_state s = { .c = c, .action = CLI_RUN };
	size_t consumed = 0;
	bool explicit_profiles;
	int r;

	_cleanup_strv_free_ char **profiles = NULL;

	prescan(argc, argv, &c->bare, &profiles);
	/* bubblewrap has no Landlock: its clients get it only when they ask. */
	if (c->bare)
		c->landlock = SBX_LANDLOCK_OFF;
	c->cwd = getcwd(NULL, 0);
	c->env = strv_copy(environ);
	if (!c->bare)
		env_set(&c->env, "container", "sbx");
	/* Only a profile named on the command line may be the user's own "default". */
	explicit_profiles = profiles != NULL;
	if (!profiles && !c->bare)
		strv_push(&profiles, xstrdup("default"));
	for (size_t i = 0; profiles && profiles[i]; i++) {
		s.profile_depth = 0;
		r = cli_parse_profile(&s, profiles[i], explicit_profiles);
		if (r < 0)
			return r;
		if (s.has_perms || s.has_size || s.overlay_srcs)
			return sbx_errx("profile %s: ends with --perms, --size or --overlay-src "
					"waiting for its option",
					profiles[i]);
	}

	r = parse_list(&s, argv + 1, (size_t)(argc > 0 ? argc - 1 : 0), &consumed);
	if (r < 0 || (r = check_modifiers(&s, NULL)) < 0)
		return r;
	*action = s.action;
	if (s.action != CLI_RUN && s.action != CLI_SECCOMP_EXPORT && s.action != CLI_DRY_RUN &&
	    s.action != CLI_ENTER)
		return 0;
	for (size_t i = 1 + consumed; i < (size_t)argc; i++)
		strv_push(&c->argv, xstrdup(argv[i]));
	if (s.action == CLI_ENTER && !c->argv) {
		const char *sh = getenv("SHELL");
		strv_push(&c->argv, xstrdup(sh && sh[0] == '/' ? sh : "/bin/sh"));
	}
	return cli_plan(&s);
}
