# shellcheck shell=bash
# Shared by tests/fault/*.bats, loaded after ../lib/helpers: the subreaper that collects
# whatever a case leaves running, and a fresh private $XDG_RUNTIME_DIR and work directory
# for each test, checked by tests/fault/cases.sh to be left empty. No session bus unless a
# test starts its own.

CASES=$SBX_TESTS_DIR/fault/cases.sh

setup_file() {
	export SUBREAPER=$BATS_FILE_TMPDIR/subreaper
	cc -O1 -o "$SUBREAPER" "$SBX_TESTS_DIR/fault/subreaper.c"
}

setup() {
	export XDG_RUNTIME_DIR=$BATS_TEST_TMPDIR/xdg TMPDIR=$BATS_TEST_TMPDIR
	mkdir -m 0700 "$XDG_RUNTIME_DIR"
	unset DBUS_SESSION_BUS_ADDRESS
	# Not the runtime dir's parent: sbx would not share it, and say so in one more line.
	mkdir "$BATS_TEST_TMPDIR/work"
	cd "$BATS_TEST_TMPDIR/work" || return 1
}
