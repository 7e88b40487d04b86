# build: one compile or build step. The sources (the current directory) are
# writable, nothing else is; no network; an empty home.
include default
net none
new-session
die-with-parent
