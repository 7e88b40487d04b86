#!/usr/bin/env bats
# User-mode networking (--net=pasta, --net=slirp4netns, --net=auto, --publish,
# --net-host-loopback): issue 6. Only loopback addresses of this machine, addresses inside
# the sandbox, and (for DNS) a private network namespace of the test's own are used; every
# wait is bounded.

# shellcheck disable=SC2016 # the sandbox's shell expands these, not ours
load ../lib/helpers

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	write_helpers
}

teardown() {
	local f
	for f in "$BATS_TEST_TMPDIR"/*.pid; do
		[ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	return 0
}

SBX_T_TIMEOUT=30 # a network helper starts with each sandbox

need_pasta() {
	command -v pasta >/dev/null || skip "pasta (package passt) is not installed"
	# pasta opens the tap device from inside the sandbox's user namespace.
	[ -r /dev/net/tun ] && [ -w /dev/net/tun ] ||
		skip "/dev/net/tun is not readable and writable by $(id -un); pasta needs it"
}

need_slirp() {
	command -v slirp4netns >/dev/null || skip "slirp4netns is not installed"
	[ -r /dev/net/tun ] && [ -w /dev/net/tun ] ||
		skip "/dev/net/tun is not readable and writable by $(id -un); slirp4netns needs it"
}

# Small Python programs, in the test's directory (the sandbox sees it: it is the cwd).
write_helpers() {
	# serve.py PORTFILE: on the host's 127.0.0.1, a free port; answers each connection
	# with one line; gives up after 60 s.
	cat >serve.py <<'EOF'
import os, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
s.settimeout(60)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    c, _ = s.accept()
    c.sendall(b"hello-from-host\n")
    c.close()
EOF
	# probe.py PORT [gw|lo]: connects to the default gateway (gw) or 127.0.0.1 (lo) and
	# prints the line it gets, or "unreachable".
	cat >probe.py <<'EOF'
import socket, sys
port, where = int(sys.argv[1]), sys.argv[2]
host = "127.0.0.1"
if where == "gw":
    host = None
    for line in open("/proc/net/route").read().splitlines()[1:]:
        f = line.split()
        if f[1] == "00000000":
            host = socket.inet_ntoa(bytes.fromhex(f[2])[::-1])
try:
    if not host:
        raise OSError("no default route")
    s = socket.create_connection((host, port), timeout=3)
    print(s.recv(100).decode().strip() or "unreachable")
except OSError as e:
    print("unreachable", e)
EOF
	# listen.py PORT READYFILE [udp]: inside the sandbox, on all addresses; one client.
	cat >listen.py <<'EOF'
import socket, sys
port, ready = int(sys.argv[1]), sys.argv[2]
udp = len(sys.argv) > 3
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if udp else socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", port))
s.settimeout(20)
if not udp:
    s.listen(1)
open(ready, "w").close()
if udp:
    data, peer = s.recvfrom(100)
    s.sendto(b"udp-" + data, peer)
else:
    c, _ = s.accept()
    c.sendall(b"hello-from-sandbox\n")
    c.close()
EOF
	# connect.py PORT [udp]: from the host; retries while the sandbox's server is not
	# listening yet (pasta accepts on the host side and closes when nothing answers).
	cat >connect.py <<'EOF'
import socket, sys, time
port, udp = int(sys.argv[1]), len(sys.argv) > 2
err = None
for _ in range(50):
    try:
        if udp:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.settimeout(0.5)
            s.sendto(b"ping", ("127.0.0.1", port))
            print(s.recvfrom(100)[0].decode())
            break
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        d = s.recv(100).decode().strip()
        if d:
            print(d)
            break
        err = "connection closed without data"
    except OSError as e:
        err = e
    time.sleep(0.1)
else:
    print("unreachable", err)
EOF
	# dns.py ADDR: a DNS server on ADDR port 53 that knows sbx-test.example (10.1.2.3).
	cat >dns.py <<'EOF'
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 53))
s.settimeout(60)
open("dns.ready", "w").close()
while True:
    q, peer = s.recvfrom(512)
    i, labels = 12, []
    while q[i]:
        labels.append(q[i + 1:i + 1 + q[i]].decode())
        i += 1 + q[i]
    qtype = struct.unpack("!H", q[i + 1:i + 3])[0]
    hit = ".".join(labels).lower() == "sbx-test.example"
    ans = b""
    if hit and qtype == 1:
        ans = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + socket.inet_aton("10.1.2.3")
    flags = 0x8180 | (0 if hit else 3)
    s.sendto(struct.pack("!HHHHHH", struct.unpack("!H", q[:2])[0], flags, 1,
                         1 if ans else 0, 0, 0) + q[12:i + 5] + ans, peer)
EOF
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_host_server: serve.py in the background; sets $host_port.
start_host_server() {
	python3 serve.py port 3>&- &
	echo $! >serve.pid
	local i
	for i in $(seq 100); do
		[ -s port ] && break
		sleep 0.05
	done
	host_port=$(cat port)
}

# wait_file FILE: until FILE exists (at most 10 s).
wait_file() {
	local i
	for i in $(seq 200); do
		[ -e "$1" ] && return 0
		sleep 0.05
	done
	echo "timed out waiting for $1" >&2
	return 1
}

# helper_of PID: the pid of the network helper sbx PID started (waits up to 5 s).
helper_of() {
	local i p
	for i in $(seq 100); do
		for p in $(ps -o pid= --ppid "$1" 2>/dev/null); do
			case "$(cat "/proc/$p/comm" 2>/dev/null)" in
			passt* | pasta* | slirp4netns) echo "$p" && return 0 ;;
			esac
		done
		sleep 0.05
	done
	return 1
}

# assert_gone PID: the process is gone within 5 s.
assert_gone() {
	local i
	for i in $(seq 100); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.05
	done
	echo "process $1 ($(cat "/proc/$1/comm" 2>/dev/null)) is still there" >&2
	return 1
}

# ---- the network inside -------------------------------------------------------------

@test "--net=pasta: an interface with an address and a default route before the command starts" {
	need_pasta
	run sbx_t --net=pasta sh -c 'awk "\$2 == \"00000000\" { print \"default\", \$1 }" /proc/net/route
		awk "\$1 != \"lo\" && \$1 != \"Iface\" && \$2 != \"00000000\" { print \"net\", \$1 }" /proc/net/route | head -n 1'
	assert_status 0
	assert_output_contains "default "
	assert_output_contains "net "
}

@test "--net=pasta: /etc/resolv.conf names pasta's DNS forwarder; the host's file is unchanged" {
	need_pasta
	before=$(cat /etc/resolv.conf 2>/dev/null; stat -c %Y /etc/resolv.conf 2>/dev/null)
	run sbx_t --net=pasta cat /etc/resolv.conf
	assert_status 0
	assert_line_eq "nameserver 169.254.1.1"
	[ "$(cat /etc/resolv.conf 2>/dev/null; stat -c %Y /etc/resolv.conf 2>/dev/null)" = "$before" ]
}

@test "--net=pasta: the command's /etc/resolv.conf is read-only" {
	need_pasta
	run sbx_t --net=pasta sh -c 'echo nameserver 10.9.9.9 > /etc/resolv.conf'
	[ "$status" -ne 0 ]
}

# ---- the host's loopback ------------------------------------------------------------

@test "--net=pasta --net-host-loopback: a server on the host's 127.0.0.1 answers at the gateway address" {
	need_pasta
	start_host_server
	run sbx_t --net=pasta --net-host-loopback python3 probe.py "$host_port" gw
	assert_status 0
	assert_output_eq "hello-from-host"
}

@test "curl through --net=pasta fetches a page from a web server on the host's loopback" {
	need_pasta
	command -v curl >/dev/null || skip "curl is not installed"
	local port
	echo hello-http >page.txt
	port=$(free_port)
	python3 -m http.server --bind 127.0.0.1 "$port" >/dev/null 2>&1 3>&- &
	echo $! >http.pid
	for _ in $(seq 100); do
		curl -sf "http://127.0.0.1:$port/page.txt" >/dev/null && break
		sleep 0.05
	done
	# at the gateway address, which pasta maps to the host's loopback
	cat >gw.py <<'EOF'
import socket
for line in open("/proc/net/route").read().splitlines()[1:]:
    f = line.split()
    if f[1] == "00000000":
        print(socket.inet_ntoa(bytes.fromhex(f[2])[::-1]))
        break
EOF
	run sbx_t --net=pasta --net-host-loopback sh -c \
		'curl -sS --max-time 10 "http://$(python3 gw.py):$1/page.txt"' sh "$port"
	assert_status 0
	assert_output_eq "hello-http"
}

@test "--net=pasta without --net-host-loopback: the host's loopback server is out of reach" {
	need_pasta
	start_host_server
	run sbx_t --net=pasta python3 probe.py "$host_port" gw
	assert_status 0
	assert_output_contains "unreachable"
	# Nor through the sandbox's own 127.0.0.1 (pasta's -T auto would forward it).
	run sbx_t --net=pasta python3 probe.py "$host_port" lo
	assert_status 0
	assert_output_contains "unreachable"
}

@test "the default sandbox (--net=none) reaches the host's loopback server in no way" {
	start_host_server
	run sbx_t python3 probe.py "$host_port" gw
	assert_status 0
	assert_output_contains "unreachable"
	run sbx_t python3 probe.py "$host_port" lo
	assert_status 0
	assert_output_contains "unreachable"
}

# ---- --publish ----------------------------------------------------------------------

@test "--publish 127.0.0.1:PORT:PORT: the host reaches a server inside the sandbox" {
	need_pasta
	port=$(free_port)
	sbx_t --net=pasta --publish "127.0.0.1:$port:$port" python3 listen.py "$port" ready \
		>out 2>&1 3>&- &
	sbx_pid=$!
	wait_file ready
	run python3 connect.py "$port"
	assert_output_eq "hello-from-sandbox"
	wait "$sbx_pid"
}

@test "--publish HOSTPORT:PORT/udp forwards UDP to a different port inside" {
	need_pasta
	port=$(free_port)
	# Up, not down: pasta 0.0~git20230309 drops UDP forwarded to a lower port.
	inner=$((port + 1))
	sbx_t --net=pasta --publish "$port:$inner/udp" python3 listen.py "$inner" ready udp \
		>out 2>&1 3>&- &
	sbx_pid=$!
	wait_file ready
	run python3 connect.py "$port" udp
	assert_output_eq "udp-ping"
	wait "$sbx_pid"
}

@test "without --publish, a server inside the sandbox is not reachable from the host" {
	need_pasta
	port=$(free_port)
	sbx_t --net=pasta sh -c "python3 listen.py $port ready & sleep 3; kill \$!" >out 2>&1 3>&- &
	sbx_pid=$!
	wait_file ready
	# pasta's own default (-t auto) would forward it after a second: give it two.
	sleep 2
	run python3 -c "import socket
try:
    socket.create_connection(('127.0.0.1', $port), timeout=2).recv(10); print('reached')
except OSError: print('unreachable')"
	assert_output_eq "unreachable"
	wait "$sbx_pid" || true
}

@test "the default sandbox (--net=none) cannot be reached from the host" {
	port=$(free_port)
	sbx_t sh -c "python3 listen.py $port ready & sleep 2; kill \$!" >out 2>&1 3>&- &
	sbx_pid=$!
	wait_file ready
	run python3 -c "import socket
try:
    socket.create_connection(('127.0.0.1', $port), timeout=2).recv(10); print('reached')
except OSError: print('unreachable')"
	assert_output_eq "unreachable"
	wait "$sbx_pid" || true
}

@test "--publish is refused without user-mode networking" {
	run sbx_t --publish 8080:80 true
	assert_status 125
	assert_output_contains "--publish needs --net=pasta"
	run sbx_t --net=host --net-host-loopback true
	assert_status 125
	assert_output_contains "--net-host-loopback needs"
}

@test "--publish rejects malformed specs with one line" {
	for spec in 80 0:80 8080:0 nohost:8080:80 8080:80/sctp 8080:http; do
		run sbx_t --net=pasta --publish "$spec" true
		assert_status 125
		assert_output_contains "--publish $spec"
		[ "${#lines[@]}" -eq 1 ]
	done
}

@test "--dry-run prints the network mode and the published ports" {
	run sbx_t --dry-run --net=pasta --publish 8080:80 --publish '[::1]:5353:53/udp' \
		--net-host-loopback true
	assert_status 0
	assert_line_eq "net pasta"
	assert_line_eq "publish 127.0.0.1:8080:80/tcp"
	assert_line_eq "publish [::1]:5353:53/udp"
	assert_line_eq "net-host-loopback"
}

# ---- DNS ----------------------------------------------------------------------------
# A DNS server needs port 53, which an unprivileged user may only bind in a network
# namespace of their own: the test makes one (unshare -Urnm) with a veth pair as its
# "host" network, binds its own resolv.conf over /etc/resolv.conf there, and runs sbx
# inside it. Nothing leaves that namespace.

# in_private_net RESOLVER SCRIPT: runs SCRIPT with bash in a fresh user, network and mount
# namespace whose resolv.conf names RESOLVER, where dns.py answers on RESOLVER.
in_private_net() {
	unshare -Urnm true 2>/dev/null || skip "unshare -Urnm does not work here"
	command -v ip >/dev/null || skip "ip (iproute2) is not installed"
	echo "nameserver $1" >resolv.conf
	cat >net.sh <<EOF
set -e
ip link set lo up
ip link add sbxt0 type veth peer name sbxt1 || { echo "no veth"; exit 99; }
ip link set sbxt1 up
ip addr add 192.0.2.2/24 dev sbxt0
ip link set sbxt0 up
ip route add default via 192.0.2.1
case "$1" in 127.*) ;; *) ip addr add "$1/32" dev lo ;; esac
mount --bind "$PWD/resolv.conf" /etc/resolv.conf
python3 dns.py "$1" 3>&- &
trap 'kill \$!' EXIT
for i in \$(seq 100); do [ -e dns.ready ] && break; sleep 0.05; done
set +e
$2
EOF
	run timeout -k 5 60 unshare -Urnm bash net.sh
	[ "$status" -ne 99 ] || skip "cannot create a veth pair in a private network namespace"
}

@test "DNS: a name from a resolver on the host's loopback resolves inside (--net-host-loopback)" {
	need_pasta
	in_private_net 127.0.0.1 '"$SBX" --net=pasta --net-host-loopback getent hosts sbx-test.example'
	assert_status 0
	assert_output_contains "10.1.2.3"
	assert_output_contains "sbx-test.example"
}

@test "DNS: pasta's forwarder reaches a non-loopback resolver of the host without --net-host-loopback" {
	need_pasta
	in_private_net 198.18.0.53 '"$SBX" --net=pasta getent hosts sbx-test.example'
	assert_status 0
	assert_output_contains "10.1.2.3"
}

@test "DNS: the default sandbox (--net=none) resolves nothing" {
	in_private_net 198.18.0.53 'getent hosts sbx-test.example >/dev/null || exit 3
"$SBX" getent hosts sbx-test.example; echo "status $?"'
	assert_status 0
	assert_line_eq "status 2"
}

# ---- the helper's lifetime ----------------------------------------------------------

@test "pasta is gone after the sandbox exits" {
	need_pasta
	"$SBX" --net=pasta sleep 1 3>&- &
	sbx_pid=$!
	helper=$(helper_of "$sbx_pid")
	kill -0 "$helper"
	wait "$sbx_pid"
	assert_gone "$helper"
}

@test "pasta is gone after kill -9 of sbx" {
	need_pasta
	"$SBX" --net=pasta sleep 20 3>&- &
	sbx_pid=$!
	helper=$(helper_of "$sbx_pid")
	kill -9 "$sbx_pid"
	wait "$sbx_pid" || true
	assert_gone "$helper"
}

@test "pasta is gone after a start that fails once pasta runs" {
	need_pasta
	mkfifo block
	exec 8<>block
	# The child waits on fd 8 before its setup, which then fails (--chdir).
	"$SBX" --net=pasta --userns-block-fd 8 --chdir /nonexistent true >out 2>&1 3>&- &
	sbx_pid=$!
	helper=$(helper_of "$sbx_pid")
	echo go >&8
	status=0
	wait "$sbx_pid" || status=$?
	exec 8>&-
	assert_status 125
	assert_gone "$helper"
	grep -q "chdir" out
}

@test "pasta failing to start: exit 125 with pasta's reason, nothing left" {
	need_pasta
	start_host_server
	# The port is taken by the host server: pasta cannot bind it and exits.
	run sbx_t --net=pasta --publish "127.0.0.1:$host_port:80" true
	assert_status 125
	assert_output_contains "pasta failed"
	[ "${#lines[@]}" -eq 1 ]
	! pgrep -u "$(id -u)" -f "^pasta .*127.0.0.1/$host_port:80" >/dev/null
}

@test "pasta dying mid-run: one warning, the command goes on" {
	need_pasta
	"$SBX" --net=pasta sh -c ': >started; sleep 1.5; echo still-running' >out 2>&1 3>&- &
	sbx_pid=$!
	helper=$(helper_of "$sbx_pid")
	wait_file started
	kill "$helper"
	code=0
	wait "$sbx_pid" || code=$?
	run cat out
	assert_line_eq "still-running"
	assert_line_eq "sbx: warning: pasta exited; the sandbox has no network"
	[ "$(grep -c "pasta exited" out)" -eq 1 ]
	[ "$code" -eq 0 ]
}

# ---- missing backends, --net=auto, slirp4netns --------------------------------------

@test "--net=pasta without pasta in PATH: exit 125, the message names the package passt" {
	run env PATH=/nonexistent "$SBX" --net=pasta true
	assert_status 125
	assert_output_contains "passt"
	[ "${#lines[@]}" -eq 1 ]
}

@test "--net=slirp4netns without slirp4netns in PATH: exit 125, the message names slirp4netns" {
	run env PATH=/nonexistent "$SBX" --net=slirp4netns true
	assert_status 125
	assert_output_contains "install the package slirp4netns"
	[ "${#lines[@]}" -eq 1 ]
}

@test "--net=auto with neither helper: exit 125, one line naming passt" {
	run env PATH=/nonexistent "$SBX" --net=auto true
	assert_status 125
	assert_output_contains "passt"
	[ "${#lines[@]}" -eq 1 ]
}

@test "--net=auto picks pasta when it is installed" {
	need_pasta
	run sbx_t --net=auto cat /etc/resolv.conf
	assert_status 0
	assert_line_eq "nameserver 169.254.1.1"
}

@test "--net=slirp4netns: default route, its DNS forwarder, host loopback only when asked" {
	need_slirp
	start_host_server
	run sbx_t --net=slirp4netns sh -c 'cat /etc/resolv.conf; python3 probe.py '"$host_port"' gw'
	assert_status 0
	assert_line_eq "nameserver 10.0.2.3"
	assert_output_contains "unreachable"
	run sbx_t --net=slirp4netns --net-host-loopback python3 probe.py "$host_port" gw
	assert_status 0
	assert_output_eq "hello-from-host"
}

@test "--net=slirp4netns --publish: the host reaches a server inside; no API socket is left" {
	need_slirp
	port=$(free_port)
	ls -A "${XDG_RUNTIME_DIR:-/tmp}" 2>/dev/null | grep '^sbx-slirp4netns-' >before || true
	sbx_t --net=slirp4netns --publish "127.0.0.1:$port:$port" python3 listen.py "$port" ready \
		>out 2>&1 3>&- &
	sbx_pid=$!
	wait_file ready
	run python3 connect.py "$port"
	assert_output_eq "hello-from-sandbox"
	wait "$sbx_pid"
	ls -A "${XDG_RUNTIME_DIR:-/tmp}" 2>/dev/null | grep '^sbx-slirp4netns-' >after || true
	diff before after
}

@test "slirp4netns is gone after kill -9 of sbx" {
	need_slirp
	"$SBX" --net=slirp4netns sleep 20 3>&- &
	sbx_pid=$!
	helper=$(helper_of "$sbx_pid")
	kill -9 "$sbx_pid"
	wait "$sbx_pid" || true
	assert_gone "$helper"
}
