# build: one compile or build step. The sources (the current directory) are
# writable, nothing else is; no network; an empty home.
include default
net none
new-session
die-with-parent
# Sensible limits where a cgroup backend is available (a systemd user manager or a
# delegated cgroup); without one, the step runs without them (-v says so).
cgroup try
memory 4G
pids 4096
