# default: the sandbox `sbx COMMAND` gives without options (DESIGN.md, section 1).
# Host system directories read-only; /bin, /lib... recreated as links where the host
# has links.
ro-bind-host /usr
ro-bind-host /bin
ro-bind-host /sbin
ro-bind-host /lib
ro-bind-host /lib32
ro-bind-host /lib64
ro-bind-host /libx32
ro-bind-host /etc
ro-bind-host /opt
proc /proc
dev /dev
# fresh sysfs (only the sandbox's network devices) with its cgroup, read-only
sysfs /sys
perms 01777
tmpfs /tmp
tmpfs /run
# an empty, private home; the current directory read-write at its own path
tmpfs-home
bind-cwd
