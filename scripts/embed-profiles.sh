#!/bin/sh
# embed-profiles.sh OUT PROFILE...: the built-in profiles as C string literals, so the
# binary needs no data files (profile.c includes OUT).
set -eu
out=$1
shift
tmp=$out.tmp
: >"$tmp"
for f in "$@"; do
	name=$(basename "$f" .profile)
	printf '{ "%s",\n' "$name" >>"$tmp"
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/  "/' -e 's/$/\\n"/' "$f" >>"$tmp"
	printf '},\n' >>"$tmp"
done
mv "$tmp" "$out"
