#!/bin/bash
# mock-bus.sh [-l LOG] [-d MS] [-r RESULT] [-x PROPERTY]... [-o] [--] CMD [ARG...]: run CMD with a
# private session bus on which python3-dbusmock's "systemd" template owns
# org.freedesktop.systemd1 (from shared/vm/examples/mock-bus.sh).
# StartTransientUnit is answered with a job path, then JobNew/JobRemoved ("done"); nothing is
# applied. LOG (default: stderr at the end) records each call with its arguments, in
# dbusmock's format (Python reprs: dbus.UInt64(536870912, variant_level=1), ...), and each
# signal the mock emits, each line after a time stamp (seconds since the epoch).
# With -d, -r or -x, StartTransientUnit is replaced (the mock's AddMethod) by one that
#   -d MS         emits JobRemoved MS milliseconds after answering (default: at once);
#   -r RESULT     gives RESULT as the job's result in JobRemoved (default "done");
#   -x PROPERTY   refuses a call that sets PROPERTY, as a systemd that does not know it does:
#                 org.freedesktop.DBus.Error.PropertyReadOnly, "Cannot set property
#                 PROPERTY, or unknown property."
#   -o            first emits JobRemoved (result "failed") for another job of the same unit name,
#                 as a busy manager's other jobs would: only the job we were given counts.
# Exit status: CMD's; 2 for a usage error; 3 when the bus or the mock could not be started.
# Needs: dbus-daemon, dbus-send, python3-dbusmock (Debian: dbus-daemon python3-dbusmock).
# Runs as any user.
set -euo pipefail
log='' delay_ms=0 result='done' refuse=() other=0
while [ $# -gt 0 ]; do
	case "$1" in
	-l) log=$2; shift 2 ;;
	-d) delay_ms=$2; shift 2 ;;
	-r) result=$2; shift 2 ;;
	-x) refuse+=("$2"); shift 2 ;;
	-o) other=1; shift ;;
	--) shift; break ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || { echo "usage: mock-bus.sh [-l LOG] [-d MS] [-r RESULT] [-x PROPERTY]... [-o] [--] CMD [ARG...]" >&2; exit 2; }
case "$delay_ms" in '' | *[!0-9]*) echo "mock-bus.sh: -d wants milliseconds" >&2; exit 2 ;; esac

dir=$(mktemp -d)
bus_pid='' mock_pid=''
cleanup() {
	[ -z "$mock_pid" ] || kill "$mock_pid" 2>/dev/null || true
	[ -z "$bus_pid" ] || kill "$bus_pid" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT
fail() {
	echo "mock-bus.sh: $*" >&2
	[ ! -s "$dir/mock.err" ] || sed 's/^/mock-bus.sh: dbusmock: /' "$dir/mock.err" >&2
	exit 3
}
# shellcheck source=bus-conf.sh
. "$(dirname "${BASH_SOURCE[0]}")/bus-conf.sh"
private_bus_conf "unix:path=$dir/bus" >"$dir/bus.conf"
command -v dbus-daemon >/dev/null || fail "dbus-daemon is not installed (Debian: dbus-daemon)"
bus_pid=$(dbus-daemon --config-file="$dir/bus.conf" --fork --print-pid 2>"$dir/mock.err") ||
	fail "dbus-daemon did not start"
export DBUS_SESSION_BUS_ADDRESS="unix:path=$dir/bus"
# Debian's python3-dbusmock is for /usr/bin/python3, whatever python3 is first in PATH.
/usr/bin/python3 -m dbusmock --session -t systemd -l "$dir/log" >/dev/null 2>"$dir/mock.err" &
mock_pid=$!
up=false
for _ in $(seq 200); do
	if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus.NameHasOwner string:org.freedesktop.systemd1 2>/dev/null | grep -q true; then
		up=true
		break
	fi
	kill -0 "$mock_pid" 2>/dev/null || break
	sleep 0.05
done
$up || fail "python3-dbusmock did not take org.freedesktop.systemd1 (Debian: python3-dbusmock)"

if [ "$delay_ms" != 0 ] || [ "$result" != 'done' ] || [ ${#refuse[@]} -gt 0 ] || [ "$other" = 1 ]; then
	# Run by dbusmock's mock_method: args = [name, mode, properties, aux]; ret = the reply.
	# exec() gives the code separate locals, so the callbacks get what they need as
	# arguments rather than through closures.
	list=''
	for p in "${refuse[@]+"${refuse[@]}"}"; do list="$list'$p', "; done
	code="from gi.repository import GLib
refuse = [$list]
for p in args[2]:
    if str(p[0]) in refuse:
        raise dbus.exceptions.DBusException('Cannot set property %s, or unknown property.' % p[0],
            name='org.freedesktop.DBus.Error.PropertyReadOnly')
self.next_job_id += 1
ret = '/org/freedesktop/systemd1/Job/%d' % self.next_job_id
m = 'org.freedesktop.systemd1.Manager'
GLib.idle_add(self.EmitSignal, m, 'JobNew', 'uos', [self.next_job_id, ret, args[0]])
if $other:
    GLib.idle_add(self.EmitSignal, m, 'JobRemoved', 'uoss',
        [self.next_job_id + 1000, ret + '000', args[0], 'failed'])
done = [self.next_job_id, ret, args[0], '$result']
if $delay_ms:
    GLib.timeout_add($delay_ms, self.EmitSignal, m, 'JobRemoved', 'uoss', done)
else:
    GLib.idle_add(self.EmitSignal, m, 'JobRemoved', 'uoss', done)"
	dbus-send --session --print-reply --dest=org.freedesktop.systemd1 /org/freedesktop/systemd1 \
		org.freedesktop.DBus.Mock.AddMethod string:org.freedesktop.systemd1.Manager \
		string:StartTransientUnit 'string:ssa(sv)a(sa(sv))' string:o "string:$code" \
		>/dev/null || fail "AddMethod StartTransientUnit failed"
fi

rc=0
"$@" || rc=$?
if [ -n "$log" ]; then cp "$dir/log" "$log"; else cat "$dir/log" >&2; fi
exit "$rc"
