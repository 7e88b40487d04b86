#!/usr/bin/env bash
# run-bats.sh DIR|FILE...: the .bats files of each DIR (or the FILE itself), as TAP, run as an unprivileged user.
# As root, the tests run as the user sbxtest (created when missing) through setpriv; when
# sbxtest cannot read this checkout (say it lives under /root), sbx and the test files are
# copied into a fresh directory under /tmp first. Exits with bats' status.
# Exported to the tests: SBX (the binary), SBX_SRCDIR (checkout or its copy), SBX_TESTS_DIR,
# SBX_ROOTFS (a busybox root from tests/lib/mkrootfs.sh).
# Environment: SBX (binary to test; default build/sbx), SBX_TEST_USER (default sbxtest),
# BATS_TEST_TIMEOUT (seconds per test, default 120), SBX_BATS_TIMEOUT (whole run, default 2400),
# SBX_MALLOC_CHECK=1 (make check-malloc: every process of the tests, sbx and the sandboxed
# commands included, runs on glibc's checking malloc with freed memory overwritten).
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
sbx=$(realpath -m "${SBX:-$src/build/sbx}")
user=${SBX_TEST_USER:-sbxtest}

files=()
for d in "$@"; do
	if [ -f "$d" ] && [[ "$d" == *.bats ]]; then
		files+=("$(cd "$(dirname "$d")" && pwd)/$(basename "$d")")
		continue
	fi
	[ -d "$d" ] || continue
	d=$(cd "$d" && pwd)
	for f in "$d"/*.bats; do
		[ -e "$f" ] && files+=("$f")
	done
done
if [ ${#files[@]} -eq 0 ]; then
	echo "1..0 # no .bats files in: $*"
	exit 0
fi

# glibc's debugging malloc: MALLOC_CHECK_=3 aborts on a heap inconsistency (a double free,
# a write past a block), MALLOC_PERTURB_ fills allocated and freed memory with a pattern so a
# read of uninitialised or freed memory shows as garbage instead of passing by luck.
# By its full path: a command that gains capabilities at exec (--root --cap-add) runs in
# ld.so's secure mode, which skips such a preload silently but reports a bare name it
# cannot find in the trusted directories on the command's stderr.
malloc_env=()
if [ "${SBX_MALLOC_CHECK:-0}" = 1 ]; then
	# awk reads to the end: stopping at the first match would end ldconfig with SIGPIPE when
	# its list outgrows a pipe's buffer (a machine with many libraries), and pipefail with
	# set -e would then end this script without a word.
	dbg=$(/sbin/ldconfig -p | awk '$1 == "libc_malloc_debug.so.0" && !found { print $NF; found = 1 }')
	if [ -z "$dbg" ]; then
		echo "run-bats.sh: SBX_MALLOC_CHECK=1 needs glibc's libc_malloc_debug.so.0 (glibc 2.34 or later)" >&2
		exit 2
	fi
	malloc_env=(LD_PRELOAD="$dbg" MALLOC_CHECK_=3 MALLOC_PERTURB_=165)
fi

# run_bats BASE SBX_BINARY [COMMAND PREFIX...]: bats on the test files as found under BASE.
run_bats() {
	local base=$1 bin=$2
	shift 2
	(cd "$base" && timeout --kill-after=10 "${SBX_BATS_TIMEOUT:-2400}" "$@" env "${user_env[@]}" \
		"${malloc_env[@]}" \
		SBX="$bin" SBX_SRCDIR="$base" SBX_TESTS_DIR="$base/tests" SBX_ROOTFS="$rootfs" \
		BATS_TEST_TIMEOUT="${BATS_TEST_TIMEOUT:-120}" \
		bats --tap "${files[@]/#"$src"/"$base"}" </dev/null)
}

if [ "$(id -u)" != 0 ]; then
	user_env=()
	rootfs=$src/build/rootfs
	bash "$src/tests/lib/mkrootfs.sh" "$rootfs"
	run_bats "$src" "$sbx"
	exit
fi

if ! id -u "$user" >/dev/null 2>&1; then
	useradd -m -s /bin/bash "$user"
fi
home=$(getent passwd "$user" | cut -d: -f6)
if [ ! -d "$home" ]; then
	mkdir -p "$home"
	chown "$user:$(id -gn "$user")" "$home"
fi
as_user=(setpriv --reuid "$user" --regid "$user" --init-groups --reset-env)
user_env=(HOME="$home" USER="$user" LOGNAME="$user" TERM="${TERM:-xterm}" TMPDIR=/tmp
	PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin)

# Can the test user read every test file and run sbx where they are?
readable() {
	local f
	"${as_user[@]}" test -x "$sbx" -a -r "$src/tests/lib/helpers.bash" || return 1
	for f in "${files[@]}"; do
		"${as_user[@]}" test -r "$f" || return 1
	done
}

if readable; then
	base=$src
	rootfs=$src/build/rootfs
	mkdir -p "$src/build"
else
	# The copy belongs to the test user, except sbx itself: like an installed binary, the
	# user can run it but not write it.
	base=$(mktemp -d /tmp/sbx-tests.XXXXXX)
	trap 'rm -rf "$base"' EXIT
	mkdir -p "$base/build"
	cp -a "$src/tests" "$base/"
	for d in man completions profiles; do
		[ ! -d "$src/$d" ] || cp -a "$src/$d" "$base/"
	done
	chown -R "$user:$(id -gn "$user")" "$base"
	chmod 755 "$base"
	install -o root -g root -m 0755 "$sbx" "$base/build/sbx"
	# The test-only build with a wrong mount plan (tests/security/70-landlock.bats).
	[ ! -x "$src/build/test/sbx" ] ||
		install -D -o root -g root -m 0755 "$src/build/test/sbx" "$base/build/test/sbx"
	sbx=$base/build/sbx
	rootfs=$base/build/rootfs
	echo "# $user cannot read $src: running a copy in $base" >&2
fi
bash "$src/tests/lib/mkrootfs.sh" "$rootfs" "$user"
rc=0
run_bats "$base" "$sbx" "${as_user[@]}" || rc=$?
exit $rc
