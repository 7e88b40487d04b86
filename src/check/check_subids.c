/* SPDX-License-Identifier: MIT */
/* sbx --check: what --subids needs, newuidmap/newgidmap and /etc/subuid, /etc/subgid. */
#include <pwd.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/util.h"
#include "check/check_items.h"
#include "setup/userns.h"

/* Finds TOOL as --subids does (userns_helper_path); *privileged tells whether it can map
 * ranges at all, being setuid root or carrying file capabilities. */
static int find_helper(const char *tool, char *path, size_t n, bool *privileged)
{
	_cleanup_free_ char *found = userns_helper_path(tool);
	struct stat st;

	if (!found || stat(found, &st) < 0)
		return -ENOENT;
	snprintf(path, n, "%s", found);
	*privileged = ((st.st_mode & S_ISUID) && st.st_uid == 0) ||
		      getxattr(found, "security.capability", NULL, 0) > 0;
	return 0;
}

enum check_state check_helpers(FILE *out)
{
	static const char *const tools[] = { "newuidmap", "newgidmap" };
	static const char *const caps[] = { "cap_setuid", "cap_setgid" };
	struct text d = { 0 }, f = { 0 };
	enum check_state st = CHECK_OK;
	char path[64];

	for (size_t i = 0; i < ELEMENTSOF(tools); i++) {
		bool privileged = false;
		if (find_helper(tools[i], path, sizeof(path), &privileged) < 0) {
			check_add(&d, "%s%s not found in %s", d.len ? "; " : "", tools[i],
				  userns_helper_dirs_text);
			if (st == CHECK_OK)
				check_add(&f, "as root, `apt-get install uidmap` (Fedora, Arch: "
					      "shadow-utils)");
			st = CHECK_WARN;
		} else if (!privileged) {
			check_add(&d, "%s%s is neither setuid root nor has file capabilities",
				  d.len ? "; " : "", path);
			check_add(&f, "%sas root, `chmod u+s %s` or `setcap %s+ep %s`",
				  f.len ? "; " : "", path, caps[i], path);
			st = CHECK_WARN;
		} else {
			check_add(&d, "%s%s", d.len ? ", " : "", path);
		}
	}
	check_add(&d,
		  st == CHECK_OK ? " can map id ranges (for --subids)" : " (--subids will fail)");
	return check_say(out, st, "newuidmap/newgidmap", &d, &f);
}

enum check_state check_subids(FILE *out)
{
	struct passwd *pw = getpwuid(getuid());
	const char *name = pw ? pw->pw_name : NULL;
	struct text d = { 0 }, f = { 0 };
	struct subid_range u, g;
	unsigned long end = 0, next;
	bool u_found, g_found;
	char who[64];

	if (name)
		snprintf(who, sizeof(who), "%s", name);
	else
		snprintf(who, sizeof(who), "%u", getuid());
	/* As --subids reads them (setup/userns.c). */
	u_found = userns_subid_lookup("/etc/subuid", getuid(), &u, &end) > 0;
	g_found = userns_subid_lookup("/etc/subgid", getuid(), &g, &end) > 0;
	if (u_found && g_found) {
		check_add(&d,
			  "%s has uids %lu-%lu in /etc/subuid and gids %lu-%lu in /etc/subgid (for "
			  "--subids)",
			  who, u.start, u.start + u.count - 1, g.start, g.start + g.count - 1);
		return check_say(out, CHECK_OK, "subordinate ids", &d, &f);
	}
	check_add(&d, "no range for %s in%s%s (--subids will fail)", who,
		  u_found ? "" : " /etc/subuid", g_found ? "" : " /etc/subgid");
	/* A range above every existing one cannot overlap another user's. */
	next = end;
	if (next < 100000)
		next = 100000;
	check_add(&f, "as root, `usermod");
	if (!u_found)
		check_add(&f, " --add-subuids %lu-%lu", next, next + 65535);
	if (!g_found)
		check_add(&f, " --add-subgids %lu-%lu", next, next + 65535);
	check_add(&f, " %s`", who);
	return check_say(out, CHECK_WARN, "subordinate ids", &d, &f);
}
