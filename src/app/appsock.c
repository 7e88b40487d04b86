/* SPDX-License-Identifier: MIT */
/* --socket: one desktop service's socket, put where its clients look for it. Nothing
 * reaches these services otherwise: the sandbox's /run and /tmp are empty and its network
 * namespace hides the host's abstract sockets (X11's @/tmp/.X11-unix/X0 among them). */
#include "app/appsock.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/log.h"
#include "base/util.h"

static const char digits[] = "0123456789";

static bool path_is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && path[n] == '/';
}

static void add_env(struct appsock_plan *p, const char *name, const char *value)
{
	p->env[p->n_env][0] = xstrdup(name);
	p->env[p->n_env][1] = xstrdup(value);
	p->n_env++;
}

/* Takes path. */
static void add_bind(struct appsock_plan *p, char *path)
{
	p->binds[p->n_binds++] = path;
}

/* from: the variables the path was made of, for the message. */
static int check_socket(const char *kind, const char *path, const char *from)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return sbx_err(errno, "--socket %s: %s (from %s)", kind, path, from);
	if (!S_ISSOCK(st.st_mode))
		return sbx_errx("--socket %s: %s (from %s) is not a socket", kind, path, from);
	return 0;
}

/* $XDG_RUNTIME_DIR without trailing slashes, or NULL. */
static char *runtime_dir_of_env(void)
{
	const char *rt = getenv("XDG_RUNTIME_DIR");
	size_t n;

	if (!rt || rt[0] != '/')
		return NULL;
	n = strlen(rt);
	while (n > 1 && rt[n - 1] == '/')
		n--;
	return xasprintf("%.*s", (int)n, rt);
}

/* The services whose sockets live in the runtime directory: clients find them through
 * XDG_RUNTIME_DIR, so it is set inside and the directory made there. */
static int need_runtime_dir(const char *kind, struct appsock_plan *p)
{
	p->runtime_dir = runtime_dir_of_env();
	if (!p->runtime_dir)
		return sbx_errx("--socket %s: XDG_RUNTIME_DIR is not set to an absolute path; the "
				"socket is found through it",
				kind);
	add_env(p, "XDG_RUNTIME_DIR", p->runtime_dir);
	return 0;
}

static int plan_in_runtime_dir(struct appsock_plan *p, const char *kind, const char *name,
			       const char *from)
{
	char *path;
	int r;

	if ((r = need_runtime_dir(kind, p)) < 0)
		return r;
	path = xasprintf("%s/%s", p->runtime_dir, name);
	if ((r = check_socket(kind, path, from)) < 0) {
		free(path);
		return r;
	}
	add_bind(p, path);
	return 0;
}

static int plan_wayland(struct appsock_plan *p)
{
	const char *d = getenv("WAYLAND_DISPLAY");
	char *path;
	int r;

	if (!d || !d[0]) {
		/* libwayland's default when WAYLAND_DISPLAY is unset */
		if ((r = plan_in_runtime_dir(p, "wayland", "wayland-0",
					     "$XDG_RUNTIME_DIR/wayland-0, WAYLAND_DISPLAY being "
					     "unset")) < 0)
			return r;
		add_env(p, "WAYLAND_DISPLAY", "wayland-0");
		return 0;
	}
	if (d[0] != '/') {
		if ((r = plan_in_runtime_dir(p, "wayland", d,
					     "$XDG_RUNTIME_DIR/$WAYLAND_DISPLAY")) < 0)
			return r;
		add_env(p, "WAYLAND_DISPLAY", d);
		return 0;
	}
	/* libwayland takes an absolute WAYLAND_DISPLAY as the socket's path. */
	if ((r = check_socket("wayland", d, "$WAYLAND_DISPLAY")) < 0)
		return r;
	p->runtime_dir = runtime_dir_of_env();
	if (p->runtime_dir)
		add_env(p, "XDG_RUNTIME_DIR", p->runtime_dir);
	path = xstrdup(d);
	add_bind(p, path);
	add_env(p, "WAYLAND_DISPLAY", d);
	return 0;
}

/* ":N" or ":N.S": a display of this host, reached through /tmp/.X11-unix/XN. */
static bool local_display(const char *d, size_t *ret_len)
{
	size_t n;

	if (!d || d[0] != ':' || (n = strspn(d + 1, digits)) == 0)
		return false;
	*ret_len = n;
	if (d[1 + n] == '\0')
		return true;
	return d[1 + n] == '.' && d[2 + n] && strspn(d + 2 + n, digits) == strlen(d + 2 + n);
}

static int plan_x11(struct appsock_plan *p)
{
	const char *d = getenv("DISPLAY"), *xauth = getenv("XAUTHORITY");
	_cleanup_free_ char *path = NULL;
	struct stat st;
	size_t n;
	int r;

	if (!local_display(d, &n))
		return sbx_errx("--socket x11: DISPLAY is %s%s%s; only a local display (:N) can be "
				"passed",
				d ? "'" : "", d ? d : "unset", d ? "'" : "");
	path = xasprintf("/tmp/.X11-unix/X%.*s", (int)n, d + 1);
	if ((r = check_socket("x11", path, "$DISPLAY")) < 0)
		return r;
	add_bind(p, TAKE_PTR(path));
	add_env(p, "DISPLAY", d);
	if (!xauth || !xauth[0])
		return 0;
	if (xauth[0] != '/')
		return sbx_errx("--socket x11: XAUTHORITY '%s' is not an absolute path", xauth);
	if (stat(xauth, &st) < 0)
		return sbx_err(errno, "--socket x11: %s (from $XAUTHORITY)", xauth);
	if (!S_ISREG(st.st_mode))
		return sbx_errx("--socket x11: %s (from $XAUTHORITY) is not a file", xauth);
	/* Xwayland's cookie often lies in the runtime directory: made inside first, then. */
	p->runtime_dir = runtime_dir_of_env();
	if (p->runtime_dir && !path_is_under(xauth, p->runtime_dir)) {
		free(p->runtime_dir);
		p->runtime_dir = NULL;
	}
	add_bind(p, xstrdup(xauth));
	add_env(p, "XAUTHORITY", xauth);
	return 0;
}

static int plan_pulseaudio(struct appsock_plan *p)
{
	_cleanup_free_ char *server = NULL;
	int r;

	r = plan_in_runtime_dir(p, "pulseaudio", "pulse/native", "$XDG_RUNTIME_DIR/pulse/native");
	if (r < 0)
		return r;
	/* Set, since a PULSE_SERVER inherited from the host could point elsewhere. */
	server = xasprintf("unix:%s", p->binds[0]);
	add_env(p, "PULSE_SERVER", server);
	return 0;
}

static int plan_pipewire(struct appsock_plan *p)
{
	return plan_in_runtime_dir(p, "pipewire", "pipewire-0", "$XDG_RUNTIME_DIR/pipewire-0");
}

int appsock_plan(const char *kind, struct appsock_plan *ret)
{
	int r;

	*ret = (struct appsock_plan){ 0 };
	if (streq(kind, "wayland"))
		r = plan_wayland(ret);
	else if (streq(kind, "x11"))
		r = plan_x11(ret);
	else if (streq(kind, "pulseaudio"))
		r = plan_pulseaudio(ret);
	else if (streq(kind, "pipewire"))
		r = plan_pipewire(ret);
	else
		r = sbx_errx("--socket: unknown socket '%s' (expected " APPSOCK_KINDS ")", kind);
	if (r < 0)
		appsock_plan_done(ret);
	return r;
}

void appsock_plan_done(struct appsock_plan *p)
{
	free(p->runtime_dir);
	for (size_t i = 0; i < p->n_binds; i++)
		free(p->binds[i]);
	for (size_t i = 0; i < p->n_env; i++) {
		free(p->env[i][0]);
		free(p->env[i][1]);
	}
	*p = (struct appsock_plan){ 0 };
}
