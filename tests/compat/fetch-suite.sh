#!/usr/bin/env bash
# fetch-suite.sh [CACHE]: bubblewrap's own test suite, from Debian's bubblewrap source package,
# unpacked and built once into CACHE (default $SBX_COMPAT_CACHE or /var/tmp/sbx-compat):
#   CACHE/bubblewrap-VERSION/   the upstream source (tests/test-run.sh and the rest)
#   CACHE/build-VERSION/        tests/try-syscall, and bwrap itself when meson could build it
#   CACHE/stamp                 "VERSION SUITE", written last: its presence means all is there
# The system's apt sources are left alone: apt runs with a private configuration under
# CACHE/apt (a deb-src line for Debian trixie, 0.12.0, else bookworm, 0.8.0), on the Debian
# mirror host the system already uses (or $SBX_COMPAT_MIRROR, e.g. http://HOST/debian;
# $SBX_COMPAT_SUITES, default "trixie bookworm", the Debian releases to try in order).
# Only the .orig tarball is fetched, by apt's own download method, and checked against the
# SHA256 that the signed Sources index gives. Prints "VERSION SUITE" on success.
set -euo pipefail

cache=${1:-${SBX_COMPAT_CACHE:-/var/tmp/sbx-compat}}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
apt_helper=/usr/lib/apt/apt-helper

say() { echo "fetch-suite: $*" >&2; }
die() {
	say "$*"
	exit 1
}

if [ -s "$cache/stamp" ]; then
	read -r version suite <"$cache/stamp"
	if [ -d "$cache/bubblewrap-$version/tests" ] && [ -x "$cache/build-$version/tests/try-syscall" ]; then
		echo "$version $suite"
		exit 0
	fi
fi

if ! command -v apt-get >/dev/null || [ ! -x "$apt_helper" ] || [ ! -r "$keyring" ]; then
	die "needs apt-get, $apt_helper and $keyring (a Debian system)"
fi

# The first Debian archive URI of the system's own sources, one-line or deb822 format.
system_mirror() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		sed -nE -e 's/^[[:space:]]*deb(-src)?[[:space:]]+(\[[^]]*\][[:space:]]+)?([a-z]+:\/\/[^[:space:]]+).*/\3/p' \
			-e 's/^[[:space:]]*URIs:[[:space:]]*//p' "$f"
	done | tr ' ' '\n' | grep -E '^https?://[^/]+/debian/?$' | head -n 1 | sed 's:/$::'
}
mirror=${SBX_COMPAT_MIRROR:-$(system_mirror)}
[ -n "$mirror" ] || die "no Debian mirror in /etc/apt/sources.list(.d); set SBX_COMPAT_MIRROR=http://HOST/debian"

mkdir -p "$cache/apt/lists/partial" "$cache/apt/cache/archives/partial"
apt_opts=(-o "Dir::Etc::SourceList=$cache/apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent
	-o "Dir::State::Lists=$cache/apt/lists" -o "Dir::Cache=$cache/apt/cache"
	-o Dir::Etc::Preferences=/nonexistent -o Dir::Etc::PreferencesParts=/nonexistent)

# try SUITE: fetches and unpacks bubblewrap's source of SUITE; prints its upstream version.
try_suite() {
	local suite=$1 uri name sha version tmp
	echo "deb-src [signed-by=$keyring] $mirror $suite main" >"$cache/apt/sources.list"
	apt-get "${apt_opts[@]}" -qq update >&2 || return 1
	# 'URI' NAME SIZE SHA256:HASH, one line per file of the source package
	read -r uri name _ sha < <(apt-get "${apt_opts[@]}" source --print-uris "bubblewrap/$suite" 2>/dev/null |
		grep -E "^'[^']*/bubblewrap_[^_']*\.orig\.tar\.[a-z0-9]+' " | head -n 1) || return 1
	uri=${uri//\'/}
	version=${name#bubblewrap_}
	version=${version%.orig.tar.*}
	[[ $sha == SHA256:* ]] || return 1
	tmp=$(mktemp -d "$cache/download.XXXXXX")
	# apt's download method drops to the _apt user where it can, which must reach the target.
	if [ "$(id -u)" = 0 ] && id _apt >/dev/null 2>&1; then chown _apt "$tmp"; fi
	if ! "$apt_helper" "${apt_opts[@]}" download-file "$uri" "$tmp/$name" "$sha" >&2; then
		rm -rf "$tmp"
		return 1
	fi
	rm -rf "$cache/bubblewrap-$version"
	tar -C "$cache" -xf "$tmp/$name" || {
		rm -rf "$tmp"
		return 1
	}
	rm -rf "$tmp"
	[ -d "$cache/bubblewrap-$version/tests" ] || return 1
	echo "$version"
}

version="" suite=""
for s in ${SBX_COMPAT_SUITES:-trixie bookworm}; do
	if version=$(try_suite "$s"); then
		suite=$s
		break
	fi
	say "bubblewrap's source from $s could not be had"
done
[ -n "$suite" ] || die "no bubblewrap source from $mirror (${SBX_COMPAT_SUITES:-trixie bookworm})"
say "bubblewrap $version from Debian $suite ($mirror)"

src=$cache/bubblewrap-$version
build=$cache/build-$version
rm -rf "$build"
# bwrap itself, as the reference the harness is checked against; optional.
if command -v meson >/dev/null && command -v ninja >/dev/null &&
	meson setup "$build" "$src" -Dman=disabled -Dselinux=disabled -Dtests=true \
		-Dbash_completion=disabled -Dzsh_completion=disabled >"$cache/meson.log" 2>&1 &&
	ninja -C "$build" >>"$cache/meson.log" 2>&1; then
	say "built the reference bwrap in $build"
else
	say "the reference bwrap did not build (see $cache/meson.log); the suite runs against sbx only"
	rm -rf "$build"
fi
# The one helper program the scripts run (test-seccomp.py), where meson did not build it.
if [ ! -x "$build/tests/try-syscall" ]; then
	mkdir -p "$build/tests"
	"${CC:-cc}" -O2 -o "$build/tests/try-syscall" "$src/tests/try-syscall.c" ||
		die "cannot build $src/tests/try-syscall.c"
fi
# The tests run as an unprivileged user.
chmod -R a+rX "$src" "$build"
echo "$version $suite" >"$cache/stamp"
echo "$version $suite"
