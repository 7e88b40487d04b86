#!/usr/bin/env bash
# install-check.sh: `make install` into a temporary DESTDIR puts the binary (never setuid),
# the man pages, the completions and the example profiles where they belong, and
# `make uninstall` removes all of it. TAP output, for tests/check.sh.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
n=0 failed=0
result() {
	n=$((n + 1))
	if [ "$2" = 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; failed=1; fi
}
echo "1..4"
make -s install DESTDIR="$dest" PREFIX=/usr DEPS_CHECK=true >/dev/null 2>&1
want="usr/bin/sbx usr/share/man/man1/sbx.1 usr/share/man/man5/sbx.profile.5
usr/share/bash-completion/completions/sbx usr/share/zsh/site-functions/_sbx
usr/share/fish/vendor_completions.d/sbx.fish usr/share/sbx/profiles/default.profile
usr/share/sbx/profiles/build.profile usr/share/sbx/profiles/shell.profile
usr/share/sbx/profiles/app.profile"
missing=0
for f in $want; do [ -f "$dest/$f" ] || { echo "# missing: $f"; missing=1; }; done
result "make install DESTDIR= installs binary, man pages, completions, example profiles" $missing
mode=$(stat -c %a "$dest/usr/bin/sbx" 2>/dev/null)
[ "$mode" = 755 ]
result "the installed sbx is mode 0755, not setuid (mode $mode)" $?
"$dest/usr/bin/sbx" --version >/dev/null 2>&1
result "the installed sbx runs" $?
make -s uninstall DESTDIR="$dest" PREFIX=/usr DEPS_CHECK=true >/dev/null 2>&1
left=$(find "$dest" -type f | wc -l)
[ "$left" = 0 ]
result "make uninstall removes every installed file ($left left)" $?
exit $failed
