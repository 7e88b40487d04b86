#!/usr/bin/env bash
# docs-check.sh [SBX]: the man page, --help and the shell completions against the option
# table (`sbx --print-options`), as TAP ("1..N", then "ok N - ..." / "not ok N - ...").
# Exits 0 when every test passed. SBX defaults to $SBX, then build/sbx of this checkout.
# Needs mandoc for the lint test (skipped without it); zsh and fish only for the syntax
# tests of their completion files (skipped without them).
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
sbx=${1:-${SBX:-$root/build/sbx}}
man=$root/man/sbx.1
comp=$root/completions
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0
plan=14
echo "1..$plan"

# result NAME STATUS [DIAGNOSTIC FILE]: one TAP line; a failure's diagnostics follow as "# ".
result() {
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		failed=$((failed + 1))
		if [ -n "${3-}" ] && [ -s "$3" ]; then
			head -n 40 "$3" | sed 's/^/# /'
		fi
	fi
}

skip() {
	n=$((n + 1))
	echo "ok $n - $1 # skip $2"
}

# 1. The option table itself.
if "$sbx" --print-options >"$tmp/options" 2>"$tmp/err" && [ -s "$tmp/options" ] &&
	awk 'NF < 2 || $1 !~ /^--[a-z0-9-]+$/ || $2 !~ /^[0-9]+$/ || NF - 2 != $2 {
		print "malformed: " $0; bad = 1 } END { exit bad }' "$tmp/options" >"$tmp/diag"; then
	result "sbx --print-options lists the options as --name NARGS ARGNAMES" 0
else
	cat "$tmp/err" >>"$tmp/diag"
	result "sbx --print-options lists the options as --name NARGS ARGNAMES" 1 "$tmp/diag"
fi
awk '{ print $1 }' "$tmp/options" >"$tmp/names"
# "--name ARGNAMES" (no trailing blank) per option, sorted
awk '{ s = $1; for (i = 3; i <= NF; i++) s = s " " $i; print s }' "$tmp/options" |
	sort >"$tmp/want"

# 2, 3. The man page: an ".It Fl \-name Ar ARGNAMES" entry per option, none for others.
# Aliases after " , " (".It Fl \-help , Fl h") are not options of the table.
if [ -r "$man" ]; then
	awk '/^\.It Fl \\-/ {
		sub(/ , .*/, "")
		s = "--" substr($3, 3)
		for (i = 4; i <= NF; i++) if ($i != "Ar") s = s " " $i
		print s
	}' "$man" | sort >"$tmp/man"
	comm -23 "$tmp/want" "$tmp/man" | sed 's/^/missing or with other arguments: /' >"$tmp/diag"
	result "man/sbx.1 documents every option with its arguments" \
		"$([ -s "$tmp/diag" ] && echo 1 || echo 0)" "$tmp/diag"
	comm -13 "$tmp/want" "$tmp/man" | sed 's/^/not an option of sbx: /' >"$tmp/diag"
	result "man/sbx.1 documents no option that sbx lacks" \
		"$([ -s "$tmp/diag" ] && echo 1 || echo 0)" "$tmp/diag"
else
	echo "man/sbx.1 not found" >"$tmp/diag"
	result "man/sbx.1 documents every option with its arguments" 1 "$tmp/diag"
	result "man/sbx.1 documents no option that sbx lacks" 1 "$tmp/diag"
fi

# 4. Options whose handler only fails (h_unsupported, h_selinux in src/cli/options.c) say so in the
# man page, and only those.
if [ -r "$root/src/cli/options.c" ] && [ -r "$man" ]; then
	# Table entries run from '{ "--name"' to '},', over one or more lines.
	awk '/^[ \t]*\{ "--/ { e = "" } /^[ \t]*\{ "--/, /\},[ \t]*$/ { e = e " " $0 }
		/\},[ \t]*$/ && e != "" {
			if (e ~ /h_unsupported|h_selinux/) {
				match(e, /"--[a-z0-9-]+"/)
				print substr(e, RSTART + 1, RLENGTH - 2)
			}
			e = ""
		}' "$root/src/cli/options.c" | sort >"$tmp/unsupported"
	# The man page entries that say "Not supported yet:", up to the next .It or list end.
	awk '/^\.It Fl \\-/ { name = "--" substr($3, 3); next }
		/^\.(It|El)/ { name = "" }
		name != "" && /Not supported yet:/ { print name; name = "" }' "$man" |
		sort -u >"$tmp/man-unsupported"
	{
		comm -23 "$tmp/unsupported" "$tmp/man-unsupported" |
			sed 's/^/fails in src\/cli\/options.c but the man page does not say "Not supported yet": /'
		comm -13 "$tmp/unsupported" "$tmp/man-unsupported" |
			sed 's/^/implemented in src\/cli\/options.c but the man page says "Not supported yet": /'
	} >"$tmp/diag"
	result "man/sbx.1 marks exactly the options not supported yet" \
		"$([ -s "$tmp/diag" ] && echo 1 || echo 0)" "$tmp/diag"
else
	skip "man/sbx.1 marks exactly the options not supported yet" "no src/cli/options.c"
fi

# 5. mandoc finds nothing to warn about.
if ! command -v mandoc >/dev/null; then
	skip "mandoc -Tlint -W warning man/sbx.1 is clean" "mandoc not installed"
else
	mandoc -Tlint -W warning "$man" >"$tmp/diag" 2>&1
	rc=$?
	result "mandoc -Tlint -W warning man/sbx.1 is clean" \
		"$([ "$rc" = 0 ] && [ ! -s "$tmp/diag" ] && echo 0 || echo 1)" "$tmp/diag"
fi

# 6. --help: a line "  --name ARGNAMES  description" per option.
"$sbx" --help-all >"$tmp/help" 2>&1
: >"$tmp/diag"
while read -r line; do
	grep -qE -- "^  $(printf '%s' "$line" | sed 's/[][\.*^$|+?(){}]/\\&/g')( |$)" "$tmp/help" ||
		echo "missing: $line" >>"$tmp/diag"
done <"$tmp/want"
result "sbx --help lists every option with its arguments" \
	"$([ -s "$tmp/diag" ] && echo 1 || echo 0)" "$tmp/diag"

# 7-9. Each committed completion file knows every option.
# bash: the words of _sbx_options='...'
: >"$tmp/diag"
if [ -r "$comp/sbx.bash" ]; then
	sed -n "s/^_sbx_options='\(.*\)'\$/ \1 /p" "$comp/sbx.bash" >"$tmp/bash-options"
	while read -r name; do
		grep -qF -- " $name " "$tmp/bash-options" || echo "$name" >>"$tmp/diag"
	done <"$tmp/names"
else
	echo "completions/sbx.bash not found" >"$tmp/diag"
fi
result "completions/sbx.bash completes every option" \
	"$([ -s "$tmp/diag" ] && echo 1 || echo 0)" "$tmp/diag"
# zsh: '*--name[', '*--name=[' or '(- *)--name['
: >"$tmp/diag"
if [ -r "$comp/_sbx" ]; then
	while read -r name; do
		grep -qE -- "^[[:space:]]*'(\\*|\\(- \\*\\))$name=?\\[" "$comp/_sbx" ||
			echo "$name" >>"$tmp/diag"
	done <"$tmp/names"
else
	echo "completions/_sbx not found" >"$tmp/diag"
fi
result "completions/_sbx completes every option" \
	"$([ -s "$tmp/diag" ] && echo 1 || echo 0)" "$tmp/diag"
: >"$tmp/diag"
if [ -r "$comp/sbx.fish" ]; then
	while read -r name; do
		grep -qE -- "^complete .* -l ${name#--}( |$)" "$comp/sbx.fish" ||
			echo "$name" >>"$tmp/diag"
	done <"$tmp/names"
else
	echo "completions/sbx.fish not found" >"$tmp/diag"
fi
result "completions/sbx.fish completes every option" \
	"$([ -s "$tmp/diag" ] && echo 1 || echo 0)" "$tmp/diag"

# 10. The committed completions are what the generator makes of this sbx.
if bash "$root/scripts/gen-completions.sh" "$sbx" "$tmp/gen" >"$tmp/diag" 2>&1; then
	for f in sbx.bash _sbx sbx.fish; do
		diff -u --label "completions/$f" --label "generated/$f" "$comp/$f" "$tmp/gen/$f" \
			>>"$tmp/diag" 2>&1
	done
fi
result "completions/ equals the output of scripts/gen-completions.sh" \
	"$([ -s "$tmp/diag" ] && echo 1 || echo 0)" "$tmp/diag"

# 11. bash: an option prefix and an option's argument complete.
# shellcheck disable=SC2016 # expanded by the inner bash
out=$(bash -c 'source "$1"
	COMP_WORDS=(sbx --ro-b); COMP_CWORD=1; _sbx; echo "${COMPREPLY[*]}"
	COMP_WORDS=(sbx --tmpfs /t --net ""); COMP_CWORD=4; _sbx; echo "${COMPREPLY[*]}"
	COMP_WORDS=(sbx --net = h); COMP_CWORD=3; _sbx; echo "${COMPREPLY[*]}"
	HOME=/nonexistent XDG_CONFIG_HOME=/nonexistent
	COMP_WORDS=(sbx --profile ap); COMP_CWORD=2; _sbx; echo "${COMPREPLY[*]}"' _ \
	"$comp/sbx.bash" 2>&1)
want=$'--ro-bind --ro-bind-try --ro-bind-fd --ro-bind-data --ro-bind-host\nnone host pasta slirp4netns auto\nhost\napp'
# The first line depends on the option table: check it holds --ro-bind and no --bind.
if [[ "$(head -n1 <<<"$out") " == *"--ro-bind "* ]] && [[ "$out" != *"--bind "* ]] &&
	[ "$(tail -n +2 <<<"$out")" = "$(tail -n +2 <<<"$want")" ]; then
	result "bash completion completes options, --net's modes and profile names" 0
else
	printf 'got:\n%s\n' "$out" >"$tmp/diag"
	result "bash completion completes options, --net's modes and profile names" 1 "$tmp/diag"
fi

# 12-14. The completion files parse in their shells.
bash -n "$comp/sbx.bash" >"$tmp/diag" 2>&1
result "completions/sbx.bash is valid bash" $? "$tmp/diag"
if command -v zsh >/dev/null; then
	zsh -n "$comp/_sbx" >"$tmp/diag" 2>&1
	result "completions/_sbx is valid zsh" $? "$tmp/diag"
else
	skip "completions/_sbx is valid zsh" "zsh not installed"
fi
if command -v fish >/dev/null; then
	fish -n "$comp/sbx.fish" >"$tmp/diag" 2>&1
	result "completions/sbx.fish is valid fish" $? "$tmp/diag"
else
	skip "completions/sbx.fish is valid fish" "fish not installed"
fi

if [ "$n" != "$plan" ]; then
	echo "# docs-check.sh: planned $plan tests, ran $n"
	exit 1
fi
[ "$failed" = 0 ]
