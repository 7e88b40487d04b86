#!/usr/bin/env bash
# mkrootfs.sh DIR [USER]: a minimal root filesystem from the static busybox, for tests that
# want a root other than the host's. Idempotent: the applet links are made once per busybox.
# USER (default: the caller) gets a line in DIR/etc/passwd and DIR/etc/group besides root.
set -euo pipefail
dir=${1:?usage: mkrootfs.sh DIR [USER]}
user=${2:-$(id -un)}
busybox=/bin/busybox
umask 022

mkdir -p "$dir"/{bin,etc,proc,dev,sys,tmp,usr,root,home}
chmod 1777 "$dir/tmp"
ln -sfn bin "$dir/sbin"
ln -sfn ../bin "$dir/usr/bin"
ln -sfn ../bin "$dir/usr/sbin"

if [ ! -f "$dir/bin/busybox" ] || [ "$(stat -c %s "$dir/bin/busybox")" != "$(stat -c %s "$busybox")" ]; then
	cp "$busybox" "$dir/bin/busybox.new"
	mv -f "$dir/bin/busybox.new" "$dir/bin/busybox"
	for applet in $("$busybox" --list); do
		[ "$applet" = busybox ] || ln -sfn busybox "$dir/bin/$applet"
	done
fi

uid=$(id -u "$user")
gid=$(id -g "$user")
group=$(id -gn "$user")
{
	echo "root:x:0:0:root:/root:/bin/sh"
	[ "$uid" = 0 ] || echo "$user:x:$uid:$gid:$user:/home/$user:/bin/sh"
	echo "nobody:x:65534:65534:nobody:/nonexistent:/bin/false"
} >"$dir/etc/passwd"
{
	echo "root:x:0:"
	[ "$gid" = 0 ] || echo "$group:x:$gid:"
	echo "nogroup:x:65534:"
} >"$dir/etc/group"
