#!/usr/bin/env bash
# flatpak.sh (make check-flatpak): Flatpak itself on sbx. Flatpak starts every sandbox through
# $FLATPAK_BWRAP; each scenario below runs twice in one run, once with real bubblewrap (the
# reference: the bwrap that tests/compat/fetch-suite.sh built, else /usr/bin/bwrap) and once
# with a `bwrap` symlink to a copy of build/sbx, as an unprivileged user (as root:
# $SBX_TEST_USER, default sbxtest, created when missing, through setpriv), with no network.
#
# Setup, like flatpak's own tests/make-test-runtime.sh and make-test-app.sh: a runtime
# (org.test.Platform: static busybox, ldconfig, and strace and dbus-send with their libraries
# when the host has them) and two apps (org.test.App, org.test.Two) built from host binaries,
# exported into a local repo, added with --no-gpg-verify and installed with --user, all in a
# throwaway HOME / XDG_DATA_HOME / XDG_RUNTIME_DIR under a temporary directory that is removed
# at the end. The setup runs with the reference bwrap (installs run triggers in bwrap). Nothing
# is cached: exporting the runtime takes under a second, the whole setup about 6-10 s. Both
# buses (a stand-in system bus, for the parental-controls check of an app install, and the
# session-bus scenario's) are private dbus-daemons that activate nothing.
#
# Verdict per scenario: passed when it passes with sbx; failed when it fails with sbx and is not
# listed in tests/compat/flatpak-expected-failures ("NAME | why" lines), or is listed and passes
# (the list must shrink as sbx improves); listed failures are reported, not counted. A scenario
# that fails with the reference too is "skipped: the reference fails" (the environment), not
# counted. The last line is "N passed, N failed".
#
# Environment: SBX (binary, default build/sbx), SBX_COMPAT_CACHE (default /var/tmp/sbx-compat),
# SBX_TEST_USER, FLATPAK_COMPAT_LOGS=DIR (each scenario's command, output and stderr kept
# there), FLATPAK_COMPAT_REFERENCE=PATH (the reference bwrap), FLATPAK_COMPAT_TIMEOUT (seconds
# per flatpak command, default 60).
set -uo pipefail
# Beside this script in the stage the test user runs it from (below), else in tests/lib.
bus_conf=$(dirname "$0")/bus-conf.sh
[ -e "$bus_conf" ] || bus_conf=$(dirname "$0")/../lib/bus-conf.sh
# shellcheck source=../lib/bus-conf.sh
. "$bus_conf"

# --- As the test user: setup, scenarios, verdict (FLATPAK_COMPAT_STAGE set by the top half).
if [ -n "${FLATPAK_COMPAT_STAGE:-}" ]; then
	stage=$FLATPAK_COMPAT_STAGE
	ref_bwrap=$stage/bin-ref/bwrap
	sbx_bwrap=$stage/bin-sbx/bwrap
	xfail_file=$stage/flatpak-expected-failures
	to=${FLATPAK_COMPAT_TIMEOUT:-60}
	arch=$(flatpak --default-arch)
	repo=$stage/repo
	logs=$stage/logs
	mkdir -p "$logs"
	export XDG_DATA_HOME=$stage/data \
		FLATPAK_TRIGGERSDIR=$stage/triggers FLATPAK_BWRAP=$ref_bwrap
	unset DBUS_SESSION_BUS_ADDRESS DBUS_SYSTEM_BUS_ADDRESS XDG_CONFIG_HOME XDG_CACHE_HOME
	mkdir -p "$XDG_DATA_HOME" "$FLATPAK_TRIGGERSDIR"
	# use_home LABEL: a HOME and XDG_RUNTIME_DIR of its own per bwrap, so that neither reuses
	# what the other made (the app's ld.so cache under ~/.var, instance directories).
	use_home() {
		export HOME=$stage/home-$1 XDG_RUNTIME_DIR=$stage/run-$1
		mkdir -p "$HOME" "$XDG_RUNTIME_DIR"
		chmod 700 "$XDG_RUNTIME_DIR"
	}
	use_home setup
	# Installing an app asks malcontent, on the system bus, for parental controls; with no
	# system bus at all that fails ("Could not connect"), with a bus that has no accounts
	# service flatpak skips the check. A private bus of our own stands in for it.
	# Both private buses activate nothing (the session config would start flatpak-session-helper
	# and at-spi's bus on the host, and leave them behind) and listen in the stage.
	mkdir -p "$stage/buses"
	private_bus_conf "unix:dir=$stage/buses" >"$stage/bus.conf"
	dbus-daemon --config-file="$stage/bus.conf" --fork --print-address=3 --print-pid=4 3>"$stage/sysbus.addr" 4>"$stage/sysbus.pid" ||
		{ echo "check-flatpak: dbus-daemon did not start"; echo "0 passed, 1 failed"; exit 1; }
	DBUS_SYSTEM_BUS_ADDRESS=$(head -n 1 "$stage/sysbus.addr")
	export DBUS_SYSTEM_BUS_ADDRESS
	trap 'kill "$(head -n 1 "$stage/sysbus.pid")" 2>/dev/null' EXIT
	fp() { timeout --kill-after=5 "$to" flatpak "$@"; }
	setup_fail() {
		echo "check-flatpak: setup failed: $*"
		echo "0 passed, 1 failed"
		exit 1
	}
	t=$SECONDS

	# A trigger of our own (flatpak runs each trigger in a bwrap sandbox with its installation
	# directory, $1, writable): it records that it ran and in which PID namespace.
	cat >"$FLATPAK_TRIGGERSDIR/sbx-compat.trigger" <<-'EOF'
		#!/bin/sh
		readlink /proc/self/ns/pid >"$1/sbx-compat-trigger"
	EOF
	chmod 755 "$FLATPAK_TRIGGERSDIR/sbx-compat.trigger"

	# add_bin ROOT PATH: a host binary into the runtime's usr/bin (its /usr), its libraries (ldd) into
	# the same place under /usr (Debian's /lib/x86_64-linux-gnu is /usr/lib/... in the sandbox).
	add_bin() {
		local root=$1 bin=$2 lib rel
		cp -L "$bin" "$root/usr/bin/$(basename "$bin")"
		for lib in $(ldd "$bin" 2>/dev/null | grep -oE '/[^ ]+'); do
			rel=${lib#/usr/}
			rel=${rel#/}
			mkdir -p "$root/usr/$(dirname "$rel")"
			[ -e "$root/usr/$rel" ] || cp -L "$lib" "$root/usr/$rel"
		done
	}
	rt=$stage/build/runtime
	mkdir -p "$rt/files" "$rt/usr/bin" "$rt/usr/etc" "$rt/usr/lib64"
	cat >"$rt/metadata" <<-EOF
		[Runtime]
		name=org.test.Platform
		runtime=org.test.Platform/$arch/master
		sdk=org.test.Platform/$arch/master
	EOF
	cp /bin/busybox "$rt/usr/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ -e "$rt/usr/bin/$a" ] || ln -s busybox "$rt/usr/bin/$a"
	done
	echo /lib/x86_64-linux-gnu >"$rt/usr/etc/ld.so.conf"
	[ -x /sbin/ldconfig ] && cp -L /sbin/ldconfig "$rt/usr/bin/ldconfig"
	has_strace=0 has_dbus_send=0
	if [ -x /usr/bin/strace ]; then add_bin "$rt" /usr/bin/strace && has_strace=1; fi
	if [ -x /usr/bin/dbus-send ]; then add_bin "$rt" /usr/bin/dbus-send && has_dbus_send=1; fi
	{
		fp build-export --runtime "$repo" "$rt" master &&
			fp --user remote-add --no-gpg-verify sbx-compat "file://$repo" &&
			fp --user install -y --noninteractive sbx-compat org.test.Platform
	} >"$logs/setup-runtime.log" 2>&1 || setup_fail "the runtime ($(tail -n 1 "$logs/setup-runtime.log"))"

	# make_app ID GREETING: an app whose command, app.sh, greets without arguments and runs its
	# first argument as a shell script otherwise; it exports a desktop file.
	make_app() {
		local id=$1 dir=$stage/build/$1
		fp build-init "$dir" "$id" org.test.Platform org.test.Platform master || return 1
		mkdir -p "$dir/files/bin" "$dir/files/share/applications"
		cat >"$dir/files/bin/app.sh" <<-EOF
			#!/bin/sh
			[ \$# -gt 0 ] || { echo "$2"; exit 0; }
			exec /bin/sh -c "\$@"
		EOF
		chmod 755 "$dir/files/bin/app.sh"
		printf '[Desktop Entry]\nType=Application\nName=%s\nExec=app.sh\n' "$id" \
			>"$dir/files/share/applications/$id.desktop"
		fp build-finish --command=app.sh --share=network "$dir" &&
			fp build-export "$repo" "$dir" master
	}
	{
		make_app org.test.App "hello from org.test.App" &&
			make_app org.test.Two "hello from org.test.Two" &&
			fp build-update-repo "$repo" &&
			fp --user install -y --noninteractive sbx-compat org.test.App
	} >"$logs/setup-apps.log" 2>&1 || setup_fail "the apps ($(tail -n 1 "$logs/setup-apps.log"))"
	fp build-init "$stage/build/scratch" org.test.Scratch org.test.Platform org.test.Platform master \
		>>"$logs/setup-apps.log" 2>&1 || setup_fail "flatpak build-init of a scratch dir"
	echo "check-flatpak: runtime and apps built and installed in $((SECONDS - t)) s" \
		"(strace in the runtime: $has_strace, dbus-send: $has_dbus_send)"

	# --- The scenarios. Each runs with $label's bwrap; out/err/rc are the last command's.
	# run_fp NAME ARGS...: flatpak ARGS, output in $dir/NAME.out, .err, .rc; sets out, rc.
	run_fp() {
		local n=$1
		shift
		printf '%q ' flatpak "$@" >"$dir/$n.cmd"
		echo >>"$dir/$n.cmd"
		fp "$@" >"$dir/$n.out" 2>"$dir/$n.err" </dev/null
		rc=$?
		echo "$rc" >"$dir/$n.rc"
		out=$(cat "$dir/$n.out")
	}
	# expect WHAT: records a mismatch (returns 1) with what was wanted and what came.
	expect() {
		echo "wanted $1; got status $rc, output: $(head -c 300 <<<"$out" | tr '\n' ' ')" >"$dir/why"
		return 1
	}

	sc_run() {
		run_fp run run org.test.App
		[ "$rc" = 0 ] && [ "$out" = "hello from org.test.App" ] || expect "status 0 and the greeting"
	}
	sc_exit_status() {
		run_fp exit run org.test.App 'exit 3'
		[ "$rc" = 3 ] || expect "status 3"
	}
	sc_cwd_env() {
		local work=$stage/work-$label
		mkdir -p "$work"
		out=$(cd "$work" && SBXF_HOST=from-host run_fp cwd-env run --filesystem="$work" \
			--env=SBXF_SET=set org.test.App 'echo "$PWD|$SBXF_HOST|$SBXF_SET"' && cat "$dir/cwd-env.out")
		rc=$(cat "$dir/cwd-env.rc")
		[ "$rc" = 0 ] && [ "$out" = "$work|from-host|set" ] || expect "$work|from-host|set"
	}
	sc_home() {
		touch "$HOME/sbxf-home-marker"
		run_fp home-default run org.test.App 'test -e "$HOME/sbxf-home-marker" && echo visible || echo hidden'
		[ "$rc" = 0 ] && [ "$out" = hidden ] || { expect "hidden by default"; return 1; }
		run_fp home-shared run --filesystem=home org.test.App \
			'test -e "$HOME/sbxf-home-marker" && echo visible || echo hidden'
		[ "$rc" = 0 ] && [ "$out" = visible ] || expect "visible with --filesystem=home"
	}
	sc_network() {
		local host_ns
		host_ns=$(readlink /proc/self/ns/net)
		run_fp net-shared run org.test.App 'readlink /proc/self/ns/net'
		[ "$rc" = 0 ] && [ "$out" = "$host_ns" ] || { expect "the host's $host_ns (--share=network)"; return 1; }
		run_fp net-unshared run --unshare=network org.test.App 'readlink /proc/self/ns/net'
		[ "$rc" = 0 ] && [ -n "$out" ] && [ "$out" != "$host_ns" ] || expect "not $host_ns with --unshare=network"
	}
	sc_command_sh() {
		run_fp command-sh run --command=sh org.test.App -c 'echo "sh:$FLATPAK_ID:$((6*7))"'
		[ "$rc" = 0 ] && [ "$out" = "sh:org.test.App:42" ] || expect "sh:org.test.App:42"
	}
	sc_devel() {
		[ "$has_strace" = 1 ] || return 2
		run_fp devel run --devel --command=strace org.test.App -f -qq -e trace=exit_group sh -c 'exit 7'
		out=$(cat "$dir/devel.err")
		[ "$rc" = 7 ] && grep -q 'exit_group(7)' <<<"$out" || expect "status 7 and strace's exit_group(7)"
	}
	sc_session_bus() {
		[ "$has_dbus_send" = 1 ] && command -v dbus-daemon >/dev/null && command -v xdg-dbus-proxy >/dev/null ||
			return 2
		local addr pid id r=0
		dbus-daemon --config-file="$stage/bus.conf" --fork --print-address=3 --print-pid=4 3>"$dir/bus.addr" 4>"$dir/bus.pid" ||
			{ echo "dbus-daemon did not start" >"$dir/why"; return 1; }
		addr=$(head -n 1 "$dir/bus.addr") pid=$(head -n 1 "$dir/bus.pid")
		id=$(dbus-send --bus="$addr" --print-reply=literal --dest=org.freedesktop.DBus \
			/org/freedesktop/DBus org.freedesktop.DBus.GetId | tr -d ' ')
		DBUS_SESSION_BUS_ADDRESS=$addr run_fp session-bus run org.test.App 'echo "$DBUS_SESSION_BUS_ADDRESS";
			dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.GetId'
		[ "$rc" = 0 ] && [ "$(echo $out)" = "unix:path=/run/flatpak/bus $id" ] ||
			{ expect "the bus id $id through the proxy at unix:path=/run/flatpak/bus"; r=1; }
		kill "$pid" 2>/dev/null
		return $r
	}
	# start_bg NAME [RUN-OPTION...]: org.test.App sleeping in the background; sets bg (the timeout's pid, which
	# leads a process group of its own), inst, pid (the outer bwrap: the flatpak run process)
	# and cpid (bwrap's child-pid, the sandbox's first process), or returns 1.
	start_bg() {
		local i n=$1
		shift
		timeout --kill-after=5 "$to" flatpak run "$@" org.test.App 'echo started; exec sleep 60' \
			>"$dir/$n.bg.out" 2>"$dir/$n.bg.err" </dev/null &
		bg=$!
		for i in $(seq 1 100); do
			# flatpak ps also lists the instances of earlier runs, gone (or zombies where
			# nobody reaps them): the live one, whose root flatpak enter can read.
			read -r inst pid cpid < <(flatpak ps --columns=instance,pid,child-pid,application 2>/dev/null |
				while read -r i p c a; do
					[ "$a" = org.test.App ] && readlink "/proc/$c/root" >/dev/null 2>&1 && echo "$i $p $c"
				done | head -n 1)
			[ -n "$inst" ] && grep -q started "$dir/$n.bg.out" && return 0
			sleep 0.2
		done
		rc=- out=$(flatpak ps --columns=instance,pid,child-pid,application 2>&1)
		expect "a live org.test.App in flatpak ps"
		return 1
	}
	stop_bg() {
		# For the logs: the processes and bwrap's info.
		{
			echo "instance $inst, pid $pid, child-pid $cpid"
			cat "$XDG_RUNTIME_DIR/.flatpak/$inst/bwrapinfo.json"
			ps -o pid,ppid,stat,cmd -u "$(id -u)"
		} >"$dir/$1.procs" 2>&1
		kill -TERM -- "-$bg" 2>/dev/null
		wait "$bg" 2>/dev/null
	}
	sc_ps_enter() {
		local bg inst pid cpid r=0
		start_bg ps-enter || { stop_bg ps-enter; return 1; }
		# By the sandbox's pid, as flatpak enter's manual shows.
		run_fp ps-enter enter "$cpid" sh -c 'echo "entered:$(grep "^name=" /.flatpak-info)"'
		[ "$rc" = 0 ] && [ "$out" = "entered:name=org.test.App" ] || { expect "entered:name=org.test.App"; r=1; }
		stop_bg ps-enter
		return $r
	}
	sc_parent_pid() {
		local bg inst pid cpid r=0 ns
		start_bg parent-pid || { stop_bg parent-pid; return 1; }
		ns=$(readlink "/proc/$cpid/ns/pid")
		run_fp parent-pid run --parent-pid="$cpid" --parent-share-pids org.test.App 'readlink /proc/self/ns/pid'
		[ "$rc" = 0 ] && [ -n "$ns" ] && [ "$out" = "$ns" ] ||
			{ expect "the PID namespace of the parent instance, $ns"; r=1; }
		stop_bg parent-pid
		return $r
	}
	sc_parent_expose() {
		local bg inst pid cpid r=0 child i seen=
		start_bg parent-expose || { stop_bg parent-expose; return 1; }
		# The new instance's PID namespace nests in the first one's, so the first one sees
		# its processes (--parent-expose-pids: bwrap --pidns of the parent's, --unshare-pid).
		timeout --kill-after=5 "$to" flatpak run --parent-pid="$cpid" --parent-expose-pids \
			org.test.App 'exec sleep 47' >"$dir/parent-expose.child.out" \
			2>"$dir/parent-expose.child.err" </dev/null &
		child=$!
		for i in $(seq 1 50); do
			out=$(flatpak enter "$cpid" sh -c 'cat /proc/[0-9]*/cmdline | tr "\0" " "' 2>&1)
			case $out in *"sleep 47"*) seen=1 && break ;; esac
			sleep 0.2
		done
		rc=-
		[ -n "$seen" ] || { expect "the new instance's 'sleep 47' among the first instance's processes"; r=1; }
		kill -TERM "$child" 2>/dev/null
		wait "$child" 2>/dev/null
		stop_bg parent-expose
		return $r
	}
	sc_die_with_parent() {
		local bg inst pid cpid i
		# flatpak run --die-with-parent is bwrap --die-with-parent; flatpak run is bwrap by now
		# (exec), the sandbox goes when it goes.
		start_bg die-with-parent --die-with-parent || { stop_bg die-with-parent; return 1; }
		kill -KILL "$pid"
		for i in $(seq 1 50); do
			readlink "/proc/$cpid/root" >/dev/null 2>&1 || break
			sleep 0.1
		done
		rc=- out=$(ps -o pid,stat,cmd -p "$cpid" 2>&1)
		stop_bg die-with-parent
		! readlink "/proc/$cpid/root" >/dev/null 2>&1 || expect "the sandbox gone within 5 s of flatpak run's SIGKILL"
	}
	sc_seccomp() {
		# flatpak's seccomp filter (bwrap --seccomp FD) refuses new user namespaces.
		# (Without the filter, a user namespace nests: bwrap --unshare-user ... unshare -U works.)
		run_fp seccomp run org.test.App 'unshare -U true 2>&1; echo "unshare:$?"'
		[ "$rc" = 0 ] && grep -q "not permitted" <<<"$out" && [ "${out##*unshare:}" != 0 ] ||
			expect "unshare -U refused: Operation not permitted"
	}
	sc_build() {
		local d=$stage/build/scratch
		rm -f "$d/files/built"
		run_fp build build "$d" sh -c "echo built-$label >/app/built && test -x /usr/bin/busybox && echo ok"
		[ "$rc" = 0 ] && [ "$out" = ok ] && [ "$(cat "$d/files/built" 2>/dev/null)" = "built-$label" ] ||
			expect "ok, and built-$label in the build dir's files/built"
	}
	sc_install_uninstall() {
		local trig=$XDG_DATA_HOME/flatpak/sbx-compat-trigger host_pidns
		host_pidns=$(readlink /proc/self/ns/pid)
		rm -f "$trig"
		run_fp install install -y --noninteractive --user sbx-compat org.test.Two
		[ "$rc" = 0 ] || { expect "the install to succeed"; return 1; }
		out=$(cat "$trig" 2>/dev/null)
		[ -n "$out" ] && [ "$out" != "$host_pidns" ] ||
			{ expect "the install trigger to run in a PID namespace of its own"; return 1; }
		[ -e "$XDG_DATA_HOME/flatpak/exports/share/applications/org.test.Two.desktop" ] ||
			{ expect "the exported org.test.Two.desktop"; return 1; }
		run_fp run-two run org.test.Two
		[ "$rc" = 0 ] && [ "$out" = "hello from org.test.Two" ] || { expect "the installed app to run"; return 1; }
		rm -f "$trig"
		run_fp uninstall uninstall -y --noninteractive --user org.test.Two
		[ "$rc" = 0 ] && [ -s "$trig" ] && ! flatpak --user info org.test.Two >/dev/null 2>&1 ||
			expect "the uninstall to succeed, its trigger to run, org.test.Two gone"
	}
	scenarios=(run exit_status cwd_env home network command_sh devel session_bus ps_enter build
		install_uninstall parent_pid parent_expose die_with_parent seccomp)

	# run_all LABEL BWRAP: every scenario; $logs/LABEL/results gets "NAME ok|fail|skip".
	run_all() {
		local s st dir
		label=$1
		export FLATPAK_BWRAP=$2
		use_home "$1"
		: >"$logs/$label.results"
		for s in "${scenarios[@]}"; do
			dir=$logs/$label/${s//_/-}
			mkdir -p "$dir"
			(sc_"$s") 2>>"$dir/scenario.err"
			case $? in
			0) st=ok ;;
			2) st=skip ;;
			*) st=fail ;;
			esac
			echo "${s//_/-} $st" >>"$logs/$label.results"
		done
		# What is left of the instances, for the logs.
		# (flatpak kill is not used: on an instance without bwrapinfo.json it can signal pid 0.)
		flatpak ps --columns=instance,pid,child-pid,application >"$logs/$label.ps" 2>&1
	}
	t=$SECONDS
	run_all reference "$ref_bwrap"
	echo "check-flatpak: reference bwrap: $(grep -c ' ok$' "$logs/reference.results") of ${#scenarios[@]} ($((SECONDS - t)) s)"
	t=$SECONDS
	run_all sbx "$sbx_bwrap"
	echo "check-flatpak: sbx as bwrap: $(grep -c ' ok$' "$logs/sbx.results") of ${#scenarios[@]} ($((SECONDS - t)) s)"

	# --- The verdict.
	listed=$(sed -e 's/[[:space:]]*|.*//' -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*$/d' "$xfail_file" 2>/dev/null)
	# why LABEL NAME: the mismatch and the first line of flatpak's stderr that says something.
	why() {
		local d=$logs/$1/$2 e
		e=$(cat "$d"/*.err 2>/dev/null | grep -v '^$' | grep -iE 'error|bwrap|sbx|fail|denied|warning' | head -n 1 | cut -c1-200)
		echo "$(cat "$d/why" 2>/dev/null | cut -c1-200)${e:+; stderr: $e}"
	}
	passed=0 failed=0 xfailed=0 skipped=0 notes=""
	printf '%-18s | %-10s | %s\n' scenario bubblewrap sbx
	printf '%-18s-+-%-10s-+-%s\n' ------------------ ---------- ----------
	for s in "${scenarios[@]}"; do
		n=${s//_/-}
		r=$(awk -v n="$n" '$1 == n { print $2 }' "$logs/reference.results")
		x=$(awk -v n="$n" '$1 == n { print $2 }' "$logs/sbx.results")
		is_listed=0
		grep -qxF "$n" <<<"$listed" && is_listed=1
		verdict=""
		if [ "$r" = skip ] || [ "$x" = skip ]; then
			verdict="skipped (not available here)" skipped=$((skipped + 1))
		elif [ "$r" != ok ]; then
			verdict="skipped: the reference fails" skipped=$((skipped + 1))
			notes="$notes  $n, reference: $(why reference "$n")"$'\n'
		elif [ "$x" = ok ] && [ "$is_listed" = 1 ]; then
			verdict="FAILED: passes but is listed in flatpak-expected-failures" failed=$((failed + 1))
		elif [ "$x" = ok ]; then
			passed=$((passed + 1))
		elif [ "$is_listed" = 1 ]; then
			verdict="expected failure (listed)" xfailed=$((xfailed + 1))
			notes="$notes  $n, sbx: $(why sbx "$n")"$'\n'
		else
			verdict="FAILED: not listed in flatpak-expected-failures" failed=$((failed + 1))
			notes="$notes  $n, sbx: $(why sbx "$n")"$'\n'
		fi
		printf '%-18s | %-10s | %s\n' "$n" "$r" "$x${verdict:+ - $verdict}"
	done
	while read -r n; do
		[ -n "$n" ] || continue
		if ! printf '%s\n' "${scenarios[@]//_/-}" | grep -qxF "$n"; then
			echo "check-flatpak: flatpak-expected-failures lists $n, which is no scenario"
			failed=$((failed + 1))
		fi
	done <<<"$listed"
	[ -z "$notes" ] || printf 'check-flatpak: why:\n%s' "$notes"
	echo "check-flatpak: $passed passed, $failed failed, $xfailed failed as listed, $skipped skipped"
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit
fi

# --- The top half: the binaries, the reference, the test user, the stage; then the above.
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
sbx=$(realpath -m "${SBX:-$src/build/sbx}")
cache=${SBX_COMPAT_CACHE:-/var/tmp/sbx-compat}
user=${SBX_TEST_USER:-sbxtest}
t0=$SECONDS

fail() {
	echo "check-flatpak: $*"
	echo "0 passed, 1 failed"
	exit 1
}
[ -x "$sbx" ] || fail "$sbx is missing (make all)"
command -v flatpak >/dev/null || fail "flatpak is not installed (scripts/deps.sh check installs it)"

ref=${FLATPAK_COMPAT_REFERENCE:-}
if [ -z "$ref" ]; then
	if read -r version _ < <(bash "$here/fetch-suite.sh" "$cache" 2>/dev/null | tail -n 1) &&
		[ -x "$cache/build-$version/bwrap" ]; then
		ref=$cache/build-$version/bwrap
	else
		ref=/usr/bin/bwrap
	fi
fi
[ -x "$ref" ] || fail "no reference bwrap ($ref)"
echo "check-flatpak: $(flatpak --version); reference: $ref ($("$ref" --version 2>/dev/null))"

stage=$(mktemp -d "${TMPDIR:-/tmp}/sbx-flatpak.XXXXXX")
as_user=()
user_env=()
cleanup() {
	if [ -n "${FLATPAK_COMPAT_LOGS:-}" ] && [ -d "$stage/logs" ]; then
		mkdir -p "$FLATPAK_COMPAT_LOGS" && cp -a "$stage/logs/." "$FLATPAK_COMPAT_LOGS/"
	fi
	# flatpak makes its repositories' objects read-only; rm needs the directories writable.
	chmod -R u+w "$stage" 2>/dev/null
	rm -rf "$stage"
}
trap cleanup EXIT
chmod 755 "$stage"
mkdir -p "$stage/bin-sbx" "$stage/bin-ref"
# Copies, like installed binaries: the test user may not reach the checkout or the cache.
install -m 0755 "$sbx" "$stage/bin-sbx/sbx"
ln -s sbx "$stage/bin-sbx/bwrap"
install -m 0755 "$ref" "$stage/bin-ref/bwrap"
install -m 0755 "$0" "$stage/flatpak.sh"
install -m 0644 "$here/../lib/bus-conf.sh" "$stage/bus-conf.sh"
install -m 0644 "$here/flatpak-expected-failures" "$stage/flatpak-expected-failures" 2>/dev/null ||
	: >"$stage/flatpak-expected-failures"
if [ "$(id -u)" = 0 ]; then
	id -u "$user" >/dev/null 2>&1 || useradd -m -s /bin/bash "$user"
	chown "$user:" "$stage"
	as_user=(setpriv --reuid "$user" --regid "$user" --init-groups --reset-env)
	user_env=(USER="$user" LOGNAME="$user" TERM="${TERM:-xterm}" PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin)
fi
(exec "${as_user[@]}" env "${user_env[@]}" FLATPAK_COMPAT_STAGE="$stage" \
	FLATPAK_COMPAT_TIMEOUT="${FLATPAK_COMPAT_TIMEOUT:-60}" bash "$stage/flatpak.sh" </dev/null) &
pid=$!
wait "$pid"
rc=$?
echo "check-flatpak: $((SECONDS - t0)) s"
exit "$rc"
