#!/usr/bin/env bats
# The programs users run work under the default seccomp filter, an allowlist (issue 12,
# section 3): a shell and coreutils, python3, a gcc + make build, git, gdb and strace.
# Each runs in a default sandbox in the test's own directory (bound in as the cwd).
# curl through --net=pasta is in 75-net-pasta.bats, beside pasta's other tests.

# shellcheck disable=SC2016 # the sandbox's shell expands these, not ours
load ../lib/helpers

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
}

SBX_T_TIMEOUT=60 # compilers, python, gdb: bigger programs than elsewhere

# need COMMAND PACKAGE: skip when COMMAND is not installed (scripts/deps.sh installs it).
need() {
	command -v "$1" >/dev/null || skip "$1 is not installed (Debian package $2)"
}

# A program that forks, execs and uses threads, signals and a pipe: what gdb and strace
# are pointed at.
write_demo() {
	cat >demo.c <<'EOF'
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static void *worker(void *arg)
{
	return arg;
}

int main(void)
{
	pthread_t t;
	int status;
	pid_t p;

	pthread_create(&t, NULL, worker, NULL);
	pthread_join(t, NULL);
	p = fork();
	if (p == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	waitpid(p, &status, 0);
	printf("demo done %d\n", WEXITSTATUS(status));
	return 0;
}
EOF
	cc -g -O0 -pthread -o demo demo.c
}

@test "a shell and coreutils work in the default sandbox" {
	run sbx_t sh -c 'set -e
		mkdir -p d/e && echo hello >d/e/f && cp -a d d2 && mv d2 d3
		ln -s e/f d/l && test "$(cat d/l)" = hello
		chmod 600 d/e/f && stat -c %a d/e/f
		find d3 -type f | sort
		tar -cf t.tar d && tar -tf t.tar | sort | head -n 1
		printf "b\na\n" | sort | tr a-z A-Z | paste -sd,
		date +%Y >/dev/null && sleep 0.1 && id -u >/dev/null && ls -l / >/dev/null
		df / >/dev/null && du -s d >/dev/null && rm -r d d3 t.tar && echo ok'
	assert_status 0
	assert_output_eq "600
d3/e/f
d/
A,B
ok"
}

@test "python3 works in the default sandbox: threads, subprocesses, sockets, files" {
	need python3 python3
	cat >t.py <<'EOF'
import concurrent.futures, json, os, socket, subprocess, tempfile, threading
with concurrent.futures.ThreadPoolExecutor(4) as ex:
    squares = list(ex.map(lambda n: n * n, range(5)))
out = subprocess.run(["sh", "-c", "echo sub"], capture_output=True, text=True).stdout.strip()
a, b = socket.socketpair()
a.sendall(b"ping")
srv = socket.socket(socket.AF_INET6)
srv.bind(("::1", 0))
srv.listen(1)
cli = socket.create_connection(("::1", srv.getsockname()[1]))
conn, _ = srv.accept()
cli.sendall(b"tcp")
with tempfile.TemporaryDirectory() as d:
    with open(os.path.join(d, "f.json"), "w") as f:
        json.dump(squares, f)
    data = json.load(open(os.path.join(d, "f.json")))
print(data, out, b.recv(4).decode(), conn.recv(3).decode(), len(os.urandom(8)))
EOF
	run sbx_t python3 t.py
	assert_status 0
	assert_output_eq "[0, 1, 4, 9, 16] sub ping tcp 8"
}

@test "a gcc + make build of a two-file C program works in the default sandbox" {
	need gcc gcc
	need make make
	cat >main.c <<'EOF'
#include <stdio.h>
int twice(int);
int main(void) { printf("%d\n", twice(21)); return 0; }
EOF
	echo 'int twice(int x) { return 2 * x; }' >twice.c
	printf 'prog: main.o twice.o\n\t$(CC) -o $@ main.o twice.o\n' >Makefile
	run sbx_t sh -c 'make -s -j2 CC=gcc && ./prog'
	assert_status 0
	assert_output_eq 42
	[ -x prog ]
}

@test "git init, add and commit work in the default sandbox" {
	need git git
	run sbx_t sh -c 'set -e
		git init -q repo && cd repo
		echo one >file && git add file
		git -c user.name=T -c user.email=t@example.org commit -qm first
		git log --format=%s && git status --porcelain | wc -l'
	assert_status 0
	assert_output_eq "first
0"
}

@test "gdb -batch runs and stops a program in the default sandbox (ptrace)" {
	need gdb gdb
	need cc gcc
	write_demo
	# gdb's own personality(ADDR_NO_RANDOMIZE) is refused by the filter: it says so in a
	# warning and runs the program anyway.
	run sbx_t gdb -nx -batch -ex 'break worker' -ex run -ex bt -ex continue ./demo
	assert_status 0
	assert_output_contains "Breakpoint 1, worker"
	assert_output_contains "demo done 0"
	assert_output_contains "exited normally"
}

@test "strace -f follows a program's children and threads in the default sandbox" {
	need strace strace
	need cc gcc
	write_demo
	run sbx_t strace -f -e trace=execve,clone,clone3,wait4 ./demo
	assert_status 0
	assert_output_contains 'execve("./demo"'
	assert_output_contains 'execve("/bin/true"'
	assert_output_contains "demo done 0"
	assert_output_contains "+++ exited with 0 +++"
}
