#!/usr/bin/env bash
# Build and test dependencies of sbx.
#   deps.sh check [PKG_CONFIG_MODULE...]   silent when everything is there; as root with apt-get,
#                                          installs what is missing; otherwise says how, and fails
#   deps.sh list                           the Debian/Ubuntu packages
set -euo pipefail

DEBIAN_PKGS="gcc libc6-dev make pkg-config libcap-ng-dev libseccomp-dev libsystemd-dev
libjson-c-dev libjson-c5 libseccomp2
libcmocka-dev bats busybox-static tmux util-linux iproute2 procps uidmap bubblewrap mandoc
dbus-daemon dbus-bin python3-dbusmock passt slirp4netns
python3 git gdb strace curl
clang libclang-rt-14-dev
python3-seccomp meson ninja-build libcap-dev xz-utils
flatpak xdg-dbus-proxy
apparmor"

# pkg-config modules checked when the caller names none (the Makefile passes DEPS_PKGS cmocka).
DEFAULT_MODULES="libcap-ng libseccomp libsystemd json-c cmocka"

# One line per probe: kind, what, Debian package, Fedora package, Arch package.
# kind: cmd = a command in PATH; sbin = one in PATH or /usr/sbin, /sbin (a user's PATH may
# lack them); static-busybox; libc = a C header in /usr/include;
# libfuzzer = clang's libFuzzer runtime (make fuzz);
# py = a module of /usr/bin/python3 (the distribution's, whatever python3 is first in PATH).
# python3-seccomp, meson, ninja, libcap's headers and xz: make check-compat builds and runs
# bubblewrap's own test suite (tests/compat/).
# flatpak and xdg-dbus-proxy: make check-flatpak runs Flatpak's sandboxes (tests/compat/flatpak.sh).
# apparmor: tests/install-check.sh parses the AppArmor profile (data/apparmor/sbx).
PROBES="cmd cc gcc gcc gcc
libc stdio.h libc6-dev glibc-devel glibc
cmd make make make make
cmd pkg-config pkg-config pkgconf-pkg-config pkgconf
cmd bats bats bats bats
static-busybox busybox busybox-static busybox busybox
cmd tmux tmux tmux tmux
cmd setpriv util-linux util-linux util-linux
cmd ip iproute2 iproute iproute2
cmd ps procps procps-ng procps-ng
cmd newuidmap uidmap shadow-utils shadow
cmd bwrap bubblewrap bubblewrap bubblewrap
cmd mandoc mandoc mandoc mandoc
cmd dbus-daemon dbus-daemon dbus-daemon dbus
cmd dbus-send dbus-bin dbus-tools dbus
cmd pasta passt passt passt
cmd slirp4netns slirp4netns slirp4netns slirp4netns
py dbusmock python3-dbusmock python3-dbusmock python-dbusmock
cmd python3 python3 python3 python
cmd git git git git
cmd gdb gdb gdb gdb
cmd strace strace strace strace
cmd curl curl curl curl
cmd clang clang clang clang
libfuzzer clang libclang-rt-14-dev compiler-rt compiler-rt
py seccomp python3-seccomp python3-libseccomp python-libseccomp
cmd meson meson meson meson
cmd ninja ninja-build ninja-build ninja
libc sys/capability.h libcap-dev libcap-devel libcap
cmd xz xz-utils xz xz
cmd flatpak flatpak flatpak flatpak
cmd xdg-dbus-proxy xdg-dbus-proxy xdg-dbus-proxy xdg-dbus-proxy
sbin apparmor_parser apparmor apparmor apparmor"

# pkg-config module -> Debian, Fedora, Arch package
module_pkgs() {
	case "$1" in
	libcap-ng) echo "libcap-ng-dev libcap-ng-devel libcap-ng" ;;
	libseccomp) echo "libseccomp-dev libseccomp-devel libseccomp" ;;
	libsystemd) echo "libsystemd-dev systemd-devel systemd-libs" ;;
	# headers; the library itself (libjson-c5) is dlopen()ed by --seccomp-profile
	json-c) echo "libjson-c-dev json-c-devel json-c" ;;
	cmocka) echo "libcmocka-dev libcmocka-devel cmocka" ;;
	*) echo "$1 $1 $1" ;;
	esac
}

is_static() {
	# ldd of a static binary says "not a dynamic executable" (static-pie: "statically linked")
	local out
	out=$(LC_ALL=C ldd "$1" 2>&1) || true
	case "$out" in *"not a dynamic executable"* | *"statically linked"*) return 0 ;; esac
	return 1
}

probe() {
	case "$1" in
	cmd) command -v "$2" >/dev/null 2>&1 ;;
	sbin) command -v "$2" >/dev/null 2>&1 || [ -x "/usr/sbin/$2" ] || [ -x "/sbin/$2" ] ;;
	libc) [ -e "/usr/include/$2" ] ;;
	static-busybox) [ -x /bin/busybox ] && is_static /bin/busybox ;;
	libfuzzer)
		command -v clang >/dev/null 2>&1 &&
			[ -f "$(clang -print-file-name="libclang_rt.fuzzer-$(uname -m).a")" ] ;;
	py) [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import $2" >/dev/null 2>&1 ;;
	module) command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$2" ;;
	esac
}

# Prints the missing packages for the package manager column $1 (1 Debian, 2 Fedora, 3 Arch).
missing() {
	local col=$1 kind what deb fed arch m out=""
	while read -r kind what deb fed arch; do
		probe "$kind" "$what" || out="$out $(echo "$deb $fed $arch" | cut -d' ' -f"$col")"
	done <<<"$PROBES"
	for m in $MODULES; do
		probe module "$m" || out="$out $(module_pkgs "$m" | cut -d' ' -f"$col")"
	done
	# one package may cover several probes
	echo "$out" | tr ' ' '\n' | awk 'NF && !seen[$0]++' | tr '\n' ' ' | sed 's/ $//'
}

check() {
	local pkgs
	if command -v apt-get >/dev/null 2>&1; then
		pkgs=$(missing 1)
		[ -n "$pkgs" ] || return 0
		if [ "$(id -u)" = 0 ]; then
			echo "sbx: installing build dependencies: $pkgs" >&2
			# $pkgs is a list of words on purpose
			# shellcheck disable=SC2086
			if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive \
				apt-get install -y -q --no-install-recommends $pkgs; } </dev/null >&2; then
				echo "sbx: apt-get install failed: $pkgs" >&2
				return 1
			fi
			pkgs=$(missing 1)
			[ -z "$pkgs" ] || {
				echo "sbx: still missing after install: $pkgs" >&2
				return 1
			}
			return 0
		fi
		echo "sbx: missing build dependencies; run: sudo apt-get install -y $pkgs" >&2
	elif command -v dnf >/dev/null 2>&1; then
		pkgs=$(missing 2)
		[ -n "$pkgs" ] || return 0
		echo "sbx: missing build dependencies; run: sudo dnf install -y $pkgs" >&2
	elif command -v pacman >/dev/null 2>&1; then
		pkgs=$(missing 3)
		[ -n "$pkgs" ] || return 0
		echo "sbx: missing build dependencies; run: sudo pacman -S --needed $pkgs" >&2
	else
		pkgs=$(missing 1)
		[ -n "$pkgs" ] || return 0
		echo "sbx: missing build dependencies (Debian names): $pkgs" >&2
	fi
	return 1
}

case "${1:-}" in
check)
	shift
	MODULES=${*:-$DEFAULT_MODULES}
	check
	;;
list) printf '%s\n' "${DEBIAN_PKGS//$'\n'/ }" ;;
*)
	echo "usage: $0 check [PKG_CONFIG_MODULE...] | list" >&2
	exit 2
	;;
esac
