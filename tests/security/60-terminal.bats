#!/usr/bin/env bats
# DESIGN.md section 3, the terminal: an interactive sandbox gets a pty of its own, so that
# nothing inside holds the caller's terminal, whatever seccomp filter is loaded. Each attack
# runs for real under a real terminal (a tmux pane with an outer interactive bash, see
# tests/lib/tmux.bash) and is judged on the host: a marker file the outer shell would have
# created, a line the user typed reaching the outer shell, the pane's contents.

# shellcheck disable=SC2016 # the sandbox's programs expand these, not ours
load ../lib/helpers
load ../lib/tmux

setup() {
	command -v perl >/dev/null || skip "perl is not installed"
	tmux_setup
}

teardown() {
	tmux_teardown
}

@test "TIOCSTI into the sandbox's terminal does not reach the caller's shell (--seccomp none --allow-tiocsti)" {
	# Pushes a command into "its" terminal's input; with the caller's terminal, the outer
	# shell reads and runs it once sbx has returned (bubblewrap's CVE-2017-5226).
	cat >sti.pl <<-'EOF'
		for my $c (split //, "touch injected\n") {
			ioctl(STDIN, 0x5412, $c) or do { print "refused: $!\n"; exit 0 };
		}
		print "pushed\n";
	EOF
	# Without the filter's terminal rules: the pty alone must hold.
	type_line "$SBX --seccomp none --allow-tiocsti -- perl sti.pl; echo \"status=\$?\""
	wait_screen '^status=0$'
	wait_screen '^(pushed|refused: .*)$'
	wait_prompt 'OUT$'
	# Anything pushed would be read before this line.
	type_line 'echo "marker-check"'
	wait_screen '^marker-check$'
	wait_prompt 'OUT$'
	sleep 0.3
	[ ! -e injected ]
	# The attempt itself went through: into the sandbox's own pty.
	screen | grep -qx pushed
}

@test "a sandbox in the background cannot take the terminal and read what the user types next" {
	# Ignores SIGTTOU, makes itself the terminal's foreground process group, and reads
	# a line: with the caller's terminal, the line the user meant for the outer shell.
	cat >thief.pl <<-'EOF'
		use POSIX;
		$SIG{TTOU} = 'IGNORE';
		$SIG{TTIN} = 'IGNORE';
		setpgid(0, 0);
		my $ok = POSIX::tcsetpgrp(0, getpgrp());
		open(my $log, '>', 'thief.txt');
		print $log ($ok ? "foreground\n" : "tcsetpgrp: $!\n");
		close($log);
		alarm 6;
		my $line = <STDIN>;
		open(my $f, '>>', 'stolen.txt');
		print $f $line;
	EOF
	# The user's next line, typed while the outer shell waits for a foreground job.
	type_line "$SBX -- perl thief.pl & sleep 2"
	for _ in $(seq 100); do
		[ -s thief.txt ] && break
		sleep 0.05
	done
	[ -s thief.txt ]
	type_line 'echo "typed-by-user" > typed.txt'
	for _ in $(seq 100); do
		[ -s typed.txt ] && break
		sleep 0.05
	done
	cat thief.txt >&2
	cat stolen.txt >&2 || true
	[ "$(cat typed.txt)" = typed-by-user ]
	[ ! -s stolen.txt ]
}

@test "a process left behind cannot write to the caller's terminal after sbx returned" {
	# sh exits at once; its child, deaf to the hangup, writes a second later. Without a
	# PID namespace (--bare) the child outlives sbx; with --pty it holds only the pty.
	cat >leftover.sh <<-'EOF'
		trap '' HUP
		(sleep 1; printf '%s-%s\n' LEFT BEHIND; echo written > "$1") &
		exit 0
	EOF
	local bare=(--bare --ro-bind "$SBX_ROOTFS" / --dev /dev --tmpfs /tmp --bind "$PWD" "$PWD" --chdir "$PWD")
	type_line "$SBX ${bare[*]} --pty sh leftover.sh wrote.txt; echo \"status=\$?\""
	wait_screen '^status=0$'
	wait_prompt 'OUT$'
	for _ in $(seq 60); do
		[ -e wrote.txt ] && break
		sleep 0.05
	done
	# The leftover ran on, and its line went nowhere.
	[ "$(cat wrote.txt)" = written ]
	sleep 0.3
	if screen | grep LEFT-BEHIND >&2; then
		false
	fi
	# sbx's own mode: the PID namespace ends every process with the command.
	type_line "$SBX sh leftover.sh wrote2.txt; echo \"status2=\$?\""
	wait_screen '^status2=0$'
	sleep 1.5
	[ ! -e wrote2.txt ]
	if screen | grep LEFT-BEHIND >&2; then
		false
	fi
}
