#!/usr/bin/env bash
# install-check.sh: `make install` into a temporary DESTDIR puts the binary (never setuid),
# the man pages, the completions and the example profiles where they belong, and
# `make uninstall` removes all of it; the AppArmor profile names the installed binary and
# parses. TAP output, for tests/check.sh.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
n=0 failed=0
result() {
	n=$((n + 1))
	if [ "$2" = 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; failed=1; fi
}
echo "1..7"
make -s install DESTDIR="$dest" PREFIX=/usr DEPS_CHECK=true >/dev/null 2>&1
want="usr/bin/sbx usr/share/man/man1/sbx.1 usr/share/man/man5/sbx.profile.5
usr/share/bash-completion/completions/sbx usr/share/zsh/site-functions/_sbx
usr/share/fish/vendor_completions.d/sbx.fish usr/share/sbx/profiles/default.profile
usr/share/sbx/profiles/build.profile usr/share/sbx/profiles/shell.profile
usr/share/sbx/profiles/app.profile etc/apparmor.d/sbx"
missing=0
for f in $want; do [ -f "$dest/$f" ] || { echo "# missing: $f"; missing=1; }; done
result "make install DESTDIR= installs binary, man pages, completions, example profiles" $missing
mode=$(stat -c %a "$dest/usr/bin/sbx" 2>/dev/null)
[ "$mode" = 755 ]
result "the installed sbx is mode 0755, not setuid (mode $mode)" $?
"$dest/usr/bin/sbx" --version >/dev/null 2>&1
result "the installed sbx runs" $?
grep -qx 'profile sbx /usr/bin/sbx flags=(unconfined) {' "$dest/etc/apparmor.d/sbx" &&
	grep -qx '  userns,' "$dest/etc/apparmor.d/sbx"
result "the AppArmor profile names the installed binary and allows it user namespaces" $?
# Parse-only (-Q: no kernel, -K: no cache). A parser older than AppArmor 4 (Debian 12's
# 3.0) knows neither abi/4.0 nor the userns rule: it gets an abi/4.0 copied from its own
# newest abi and the userns line (which the test before looks for) commented out, so that
# everything else in the profile is still parsed.
parser=$(PATH="$PATH:/usr/sbin:/sbin" command -v apparmor_parser)
if [ -z "$parser" ]; then
	n=$((n + 1))
	echo "ok $n # skip apparmor_parser is not installed (Debian: apparmor)"
else
	inc=$(mktemp -d)
	profile=$dest/etc/apparmor.d/sbx
	if [ ! -e /etc/apparmor.d/abi/4.0 ]; then
		mkdir -p "$inc/abi"
		cp "$(ls -d /etc/apparmor.d/abi/[0-9]* | sort -V | tail -1)" "$inc/abi/4.0"
		sed 's/^  userns,$/  # userns,/' "$profile" >"$inc/sbx" && profile=$inc/sbx
	fi
	"$parser" -Q -K -I "$inc" -I /etc/apparmor.d "$profile" >"$inc/out" 2>&1
	r=$?
	[ $r = 0 ] || sed 's/^/# /' "$inc/out"
	rm -rf "$inc"
	result "the AppArmor profile parses ($parser -Q)" $r
fi
# Where root installs onto an AppArmor kernel, a profile that does not load is a warning,
# not a failed install: APPARMORFS names a directory that exists, the parser finds no kernel.
if [ "$(id -u)" != 0 ]; then
	n=$((n + 1))
	echo "ok $n # skip loading the AppArmor profile is tried only as root"
else
	root=$(mktemp -d)
	mkdir "$root/aa"
	make -s install PREFIX="$root/usr" APPARMORDIR="$root/aa" APPARMORFS=/ \
		DEPS_CHECK=true >/dev/null 2>"$root/err"
	r=$?
	[ $r = 0 ] && [ "$(grep -c . "$root/err")" = 1 ] && grep -q '^warning: could not load' "$root/err"
	r2=$?
	[ $r2 = 0 ] || sed 's/^/# /' "$root/err"
	make -s uninstall PREFIX="$root/usr" APPARMORDIR="$root/aa" APPARMORFS=/ \
		DEPS_CHECK=true >/dev/null 2>&1
	rm -rf "$root"
	result "a profile that does not load is one warning line, not a failed install (rc $r)" $r2
fi
make -s uninstall DESTDIR="$dest" PREFIX=/usr DEPS_CHECK=true >/dev/null 2>&1
left=$(find "$dest" -type f | wc -l)
[ "$left" = 0 ]
result "make uninstall removes every installed file ($left left)" $?
exit $failed
